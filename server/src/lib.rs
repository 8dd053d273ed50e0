//! The WebAssembly module behind `totpkit/server` (npm/server.js): the core's server policy
//! ([`totpkit::policy`]) behind one call, JSON in and JSON out.
//!
//! The JS kit loads the user's stored record (its envelope, as stored) from its store, calls
//! [`call`] with the operation, the envelope, its input, `now` and fresh random bytes, and stores
//! the envelope it gets back with a compare-and-set when there is one. The record is opened and
//! sealed here ([`envelope`]), in the same call as the policy, so the JS side never holds a
//! decrypted record. Every rule is the core's; this file only reads the request and words the
//! answer:
//!
//! ```text
//! keyring(keys) -> ring      keys: 32 bytes each, the current one first; ring: a handle, 0 if bad
//! call(request, stored, known, ring, nonce) -> answer
//! request:  { op: "begin" | "confirm" | "verify" | "recovery" | "regenerate" | "status" | "disable",
//!             user: <user id>, now: <unix ms>, random?: "<256 hex digits>", issuer?, account?,
//!             code?, source? }
//! stored:   the stored envelope (UTF-8 bytes), or undefined when the store has no row (an
//!           empty row is an envelope that does not open)
//! known:    whether `stored` is, byte for byte, the envelope this process's last call for the
//!           user returned or was given (the JS side compares the strings)
//! nonce:    24 random bytes, for the envelope this call may write
//! answer:   UTF-8 bytes: <the JS contract's object> "\n" <the new envelope, only when it is to
//!           be written>
//!        or { error: { code: "<stable code>", message } }, with no newline
//! ```
//!
//! The envelopes travel as bytes both ways: the JS side stores the bytes after the answer's
//! newline as text, and passes what it read back as bytes. (Bytes, not strings: a string
//! crosses the boundary through a per-character copy and a UTF-8 decode each way.)
//!
//! This is a second binding beside `wasm/` (the browser's), and a separate `.wasm`, so that a
//! page's bundle never carries the server policy or a JSON library.

pub mod envelope;

use envelope::{NONCE_BYTES, OpenError};
use serde::Deserialize;
use serde_json::json;
use totpkit::Error;
use totpkit::policy::{Outcome, Policy, RANDOM_BYTES, Record, Refusal};

/// The operations of the JS contract.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Op {
    Begin,
    Confirm,
    Verify,
    Recovery,
    Regenerate,
    Status,
    Disable,
}

/// One call's input, as npm/server.js writes it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Request {
    op: Op,
    user: String,
    now: u64,
    random: Option<String>,
    issuer: Option<String>,
    account: Option<String>,
    code: Option<String>,
    source: Option<String>,
}

/// Keeps a server's keys for the process's life: see [`envelope::add_ring`].
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
pub fn keyring(keys: &[u8]) -> u32 {
    envelope::add_ring(keys)
}

/// Why a call failed: the core's error, or the stored envelope's.
enum Fail {
    Core(Error),
    Envelope(OpenError),
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Fail::Core(e)
    }
}

/// Runs one operation of the policy on the `stored` envelope (or none) with the keys of `ring`:
/// see the module docs for the shapes. A request that does not parse, or a ring or nonce that is
/// not one, is `InvalidOptions`; a record that does not open or parse, `InvalidRecord`; one under
/// a key the ring lacks, `WrongEncryptionKey`.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
pub fn call(
    request: &str,
    stored: Option<Box<[u8]>>,
    known: bool,
    ring: u32,
    nonce: &[u8],
) -> Vec<u8> {
    let answer = match (
        serde_json::from_str::<Request>(request),
        <[u8; NONCE_BYTES]>::try_from(nonce),
    ) {
        (Ok(request), Ok(nonce)) if envelope::ring_exists(ring) => run(
            request,
            stored.as_deref(),
            known,
            ring,
            &nonce,
            &Policy::default(),
        ),
        _ => Err(Fail::Core(Error::InvalidOptions)),
    };
    let (code, message) = match answer {
        Ok(bytes) => return bytes,
        Err(Fail::Core(e)) => (e.code(), String::from(e.message())),
        Err(Fail::Envelope(OpenError::InvalidRecord)) => (
            "InvalidRecord",
            String::from(
                "the stored record is not a totpkit envelope, or does not authenticate: altered, or copied from another user",
            ),
        ),
        Err(Fail::Envelope(OpenError::WrongKey(id))) => (
            "WrongEncryptionKey",
            format!("the record was written with key {id}, which is not among this server’s keys"),
        ),
    };
    json!({ "error": { "code": code, "message": message } })
        .to_string()
        .into_bytes()
}

fn run(
    request: Request,
    stored: Option<&[u8]>,
    known: bool,
    ring: u32,
    nonce: &[u8; NONCE_BYTES],
    policy: &Policy,
) -> Result<Vec<u8>, Fail> {
    // The record: the one this process last opened or sealed for this envelope if it is still
    // kept (see `opened`), or the envelope opened and parsed.
    let record = match stored {
        None => Record::new(),
        Some(data) => match known
            .then(|| opened::take(ring, &request.user, data))
            .flatten()
        {
            Some(record) => record,
            None => {
                let plain = envelope::open(ring, &request.user, data).map_err(Fail::Envelope)?;
                read_record(&plain)?
            }
        },
    };
    let sealing = Sealing {
        ring,
        user: &request.user,
        nonce,
        stored,
    };
    let now = request.now;
    if now > totpkit::params::JS_EXACT_LIMIT {
        return Err(Error::InvalidTime.into());
    }
    let random = decode_random(request.random.as_deref());
    let text = |field: Option<String>| field.ok_or(Error::InvalidOptions);
    let source = request.source.unwrap_or_default();
    match request.op {
        Op::Begin => {
            let outcome = record.begin_enrollment(
                policy,
                &request.issuer.unwrap_or_default(),
                &text(request.account)?,
                now,
                &random?,
            )?;
            answer(&sealing, outcome, |b| {
                json!({
                    "ok": true,
                    "uri": b.uri.as_str(),
                    "secret": b.secret.to_base32().as_str(),
                    "expiresAt": b.expires_at_ms,
                    "resumed": b.resumed,
                })
                .to_string()
            })
        }
        Op::Confirm => {
            let code = text(request.code)?;
            let outcome = record.confirm_enrollment(policy, &code, &source, now, &random?)?;
            answer(&sealing, outcome, |c| {
                json!({ "ok": true, "recoveryCodes": c.recovery_codes }).to_string()
            })
        }
        Op::Verify => {
            let outcome = record.verify(policy, &text(request.code)?, &source, now)?;
            answer(&sealing, outcome, |v| {
                // Written, not built as a `Value`: this is every sign-in's answer.
                format!(
                    r#"{{"ok":true,"step":{},"driftSteps":{}}}"#,
                    v.step, v.drift_steps
                )
            })
        }
        Op::Recovery => {
            let outcome = record.use_recovery_code(policy, &text(request.code)?, &source, now)?;
            answer(&sealing, outcome, |left| {
                json!({ "ok": true, "recoveryCodesLeft": left }).to_string()
            })
        }
        Op::Regenerate => {
            let outcome = record.regenerate_recovery_codes(&random?)?;
            answer(&sealing, outcome, |codes| {
                json!({ "ok": true, "recoveryCodes": codes }).to_string()
            })
        }
        Op::Status => {
            let s = record.status(policy, now)?;
            let result = json!({
                "enrolled": s.enrolled,
                "pending": s.pending,
                "recoveryCodesLeft": s.recovery_codes_left,
                "driftSteps": s.drift_steps,
                "locked": s.locked,
            });
            reply(&sealing, &result.to_string(), record, false)
        }
        Op::Disable => answer(&sealing, record.disable()?, |()| {
            String::from(r#"{"ok":true}"#)
        }),
    }
}

/// What a written record is sealed with: the ring, the user it belongs to, the nonce; and the
/// envelope the call was given (the record is kept for it when nothing is written).
struct Sealing<'a> {
    ring: u32,
    user: &'a str,
    nonce: &'a [u8; NONCE_BYTES],
    stored: Option<&'a [u8]>,
}

/// The answer for an outcome: the result (or the refusal), the new record, whether to write.
fn answer<T>(
    sealing: &Sealing,
    outcome: Outcome<T>,
    ok: impl FnOnce(T) -> String,
) -> Result<Vec<u8>, Fail> {
    let result = match outcome.decision {
        Ok(value) => ok(value),
        Err(refusal) => refusal_json(refusal),
    };
    reply(sealing, &result, outcome.record, outcome.changed)
}

/// The result, a newline, and the record's new envelope when it is to be written (the JS side
/// writes when there are bytes after the newline). The record is kept for the envelope it is now
/// in: the new one, or the one the call was given.
fn reply(sealing: &Sealing, result: &str, record: Record, write: bool) -> Result<Vec<u8>, Fail> {
    let mut out = Vec::with_capacity(result.len().saturating_add(if write { 512 } else { 1 }));
    out.extend_from_slice(result.as_bytes());
    out.push(b'\n');
    if write {
        let start = out.len();
        envelope::seal_into(
            sealing.ring,
            sealing.user,
            sealing.nonce,
            record.to_packed()?,
            &mut out,
        )
        .ok_or(Error::InvalidOptions)?;
        if let Some(sealed) = out.get(start..) {
            opened::keep(sealing.ring, sealing.user, sealed, record);
        }
    } else if let Some(stored) = sealing.stored {
        opened::keep(sealing.ring, sealing.user, stored, record);
    }
    Ok(out)
}

/// A record from an envelope's plaintext: packed, as this version writes it (src/policy/packed.rs),
/// or JSON, as earlier versions did (told apart by the first byte: JSON's is `{`).
fn read_record(plain: &[u8]) -> Result<Record, Error> {
    match plain.first() {
        Some(b'{') => serde_json::from_slice(plain).map_err(|_| Error::InvalidRecord),
        _ => Record::from_packed(plain),
    }
}

/// The records this process last opened or sealed, per key ring, user and envelope (an envelope
/// known by its format, key id and nonce: a nonce is 24 random bytes, drawn for one seal). A call
/// given that envelope again, which the JS side has checked byte for byte (`known`: its store row
/// has not moved on, npm/server.js `recent`), starts from the kept record instead of decrypting
/// and parsing it again: a sixth of a verification's work. Any other envelope is opened, so an
/// altered byte is refused as before. A record kept here is a secret in this process's memory for
/// longer, which adds nothing for someone who can read that memory: the keys that open every
/// record are in it too.
mod opened {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use totpkit::policy::Record;

    /// Most users whose records are kept, per key ring (as many rows as the JS side remembers);
    /// past it, an arbitrary one goes.
    const KEPT: usize = 10_000;
    /// Most records kept per user: one per envelope of the user a process sees at once (two
    /// servers with one key over one user id, in front of two stores), the oldest out first.
    const PER_USER: usize = 2;
    /// Bytes of an envelope's head: `tk2.`, the key id (16 hex digits), `.`, the nonce (24 bytes
    /// in 32 base64url characters).
    const HEAD_BYTES: usize = 53;

    /// What names an envelope.
    type Head = [u8; HEAD_BYTES];

    /// One ring's kept records: by user id, then by head. Neither a lookup nor, once a user has
    /// an entry, a keep allocates.
    type Kept = HashMap<String, Vec<(Head, Record)>>;

    thread_local! {
        static KEPT_RECORDS: RefCell<Vec<Kept>> = const { RefCell::new(Vec::new()) };
    }

    /// What names an envelope: its text up to its ciphertext (`tk2.<key id>.<nonce>`), or None
    /// for anything else (the first format is never kept: its next write replaces it).
    fn head(envelope: &[u8]) -> Option<Head> {
        let head: Head = envelope.get(..HEAD_BYTES)?.try_into().ok()?;
        let dots = [3, 20];
        let shaped = head.starts_with(b"tk2.")
            && envelope.get(HEAD_BYTES) == Some(&b'.')
            && dots.iter().all(|&i| head.get(i) == Some(&b'.'))
            && head.iter().filter(|&&b| b == b'.').count() == dots.len();
        shaped.then_some(head)
    }

    /// The record kept for `user`'s `envelope` under `ring`, taken out (`keep` puts back what the
    /// call ends with).
    pub fn take(ring: u32, user: &str, envelope: &[u8]) -> Option<Record> {
        let head = head(envelope)?;
        let index = usize::try_from(ring).ok()?.checked_sub(1)?;
        KEPT_RECORDS.with_borrow_mut(|rings| {
            let kept = rings.get_mut(index)?.get_mut(user)?;
            let at = kept.iter().position(|(h, _)| *h == head)?;
            Some(kept.swap_remove(at).1)
        })
    }

    /// Keeps `record` as the one `user`'s `envelope` holds under `ring`. The envelope's head is
    /// part of the key, not only checked: two servers with one key over the same user ids in
    /// one process (two stores, say) keep a record each instead of evicting each other's.
    pub fn keep(ring: u32, user: &str, envelope: &[u8], record: Record) {
        let (Some(head), Some(index)) = (
            head(envelope),
            usize::try_from(ring).ok().and_then(|r| r.checked_sub(1)),
        ) else {
            return;
        };
        KEPT_RECORDS.with_borrow_mut(|rings| {
            if rings.len() <= index {
                rings.resize_with(index.saturating_add(1), HashMap::new);
            }
            let Some(kept) = rings.get_mut(index) else {
                return;
            };
            if let Some(list) = kept.get_mut(user) {
                list.retain(|(h, _)| *h != head);
                if list.len() >= PER_USER {
                    list.remove(0);
                }
                list.push((head, record));
                return;
            }
            if kept.len() >= KEPT {
                let out = kept.keys().next().cloned();
                if let Some(out) = out {
                    kept.remove(&out);
                }
            }
            let mut list = Vec::with_capacity(PER_USER);
            list.push((head, record));
            kept.insert(user.to_owned(), list);
        });
    }
}

/// A refusal as the elements' `rejectCode()` takes it: `{ ok: false, reason, … }`, written
/// field by field (a wrong code's answer, as frequent as a right one's). The reason is one of
/// the contract's fixed ASCII names, so nothing needs escaping.
fn refusal_json(refusal: Refusal) -> String {
    let mut out = format!(r#"{{"ok":false,"reason":"{}""#, refusal.reason());
    let mut field = |key: &str, value: i128| out.push_str(&format!(r#","{key}":{value}"#));
    match refusal {
        Refusal::Invalid {
            attempts_left,
            retry_after_ms,
        } => {
            field("attemptsLeft", attempts_left.into());
            if retry_after_ms > 0 {
                field("retryAfterMs", retry_after_ms.into());
            }
        }
        Refusal::Throttled { retry_after_ms } => field("retryAfterMs", retry_after_ms.into()),
        Refusal::Locked => field("attemptsLeft", 0),
        Refusal::Resync { offset_seconds, .. } => field("offsetSeconds", offset_seconds.into()),
        Refusal::Malformed { .. }
        | Refusal::Replayed
        | Refusal::Expired
        | Refusal::NotEnrolled
        | Refusal::NoPending
        | Refusal::AlreadyEnrolled => {}
    }
    out.push('}');
    out
}

/// The caller's random bytes: exactly [`RANDOM_BYTES`], hex.
fn decode_random(hex: Option<&str>) -> Result<Vec<u8>, Error> {
    let hex = hex.ok_or(Error::RandomUnavailable)?;
    if hex.len() != RANDOM_BYTES.saturating_mul(2) {
        return Err(Error::RandomUnavailable);
    }
    hex.as_bytes()
        .chunks_exact(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or(Error::RandomUnavailable)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    thread_local! {
        static RING: u32 = keyring(&[9; envelope::KEY_BYTES]);
    }

    /// One call for user "u" (`record`: the record's JSON, sealed here first, or absent); the
    /// answer as `{ result, write, record }` (record: the parsed record or null), or the error
    /// object as the call wrote it.
    fn send(mut request: Value) -> Value {
        let ring = RING.with(|r| *r);
        let nonce = [5; NONCE_BYTES];
        let stored = request
            .as_object_mut()
            .and_then(|o| o.remove("record"))
            .filter(|r| !r.is_null())
            .map(|r| envelope::seal(ring, "u", &nonce, r.to_string().into_bytes()).unwrap());
        request["user"] = "u".into();
        let answer = String::from_utf8(call(
            &request.to_string(),
            stored.map(|s| s.into_bytes().into_boxed_slice()),
            false,
            ring,
            &nonce,
        ))
        .unwrap();
        let Some((result, sealed)) = answer.split_once('\n') else {
            return serde_json::from_str(&answer).unwrap();
        };
        let record = (!sealed.is_empty()).then(|| {
            let plain = envelope::open(ring, "u", sealed.as_bytes()).unwrap();
            assert_ne!(plain.first(), Some(&b'{'), "written packed");
            serde_json::to_value(read_record(&plain).unwrap()).unwrap()
        });
        json!({
            "result": serde_json::from_str::<Value>(result).unwrap(),
            "write": record.is_some(),
            "record": record.unwrap_or(Value::Null),
        })
    }

    #[test]
    fn bad_requests_and_records_are_errors_with_codes() {
        assert_eq!(
            send(json!({ "op": "nope" }))["error"]["code"],
            "InvalidOptions"
        );
        let corrupt = json!({ "op": "status", "now": 0, "record": { "v": 1, "extra": 1 } });
        assert_eq!(send(corrupt)["error"]["code"], "InvalidRecord");
        let foreign = json!({ "op": "status", "now": 0, "record": { "v": 3, "active": null, "pending": null, "failures": 0, "lastFailureAt": 0, "sources": [], "recovery": null } });
        assert_eq!(send(foreign)["error"]["code"], "InvalidRecord");
        // Well-formed JSON holding what no record can: a secret that is not base32, an
        // algorithm the core does not know.
        let begun = send(
            json!({ "op": "begin", "now": 0, "account": "a", "random": "00".repeat(RANDOM_BYTES) }),
        );
        for (field, bad) in [("secret", "not base32!"), ("algorithm", "MD5")] {
            let mut record = begun["record"].clone();
            record["pending"]["authenticator"][field] = bad.into();
            let status = json!({ "op": "status", "now": 0, "record": record });
            assert_eq!(send(status)["error"]["code"], "InvalidRecord", "{field}");
        }
        let no_random = json!({ "op": "begin", "now": 0, "account": "a" });
        assert_eq!(send(no_random)["error"]["code"], "RandomUnavailable");
    }

    /// A record written by version 1 of the format (tests/data/policy-record-v1.json: enrolled,
    /// recovery code 3 used) is read, its codes keep working and its used code stays used; the
    /// first write turns it into this version, smaller; each version's shape must match its `v`.
    #[test]
    fn a_version_1_record_is_read_and_rewritten_in_this_version() {
        let fixture: Value =
            serde_json::from_str(include_str!("../../tests/data/policy-record-v1.json")).unwrap();
        let (v1, now) = (&fixture["record"], fixture["now"].as_u64().unwrap());
        let codes: Vec<&str> = fixture["recoveryCodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let status = send(json!({ "op": "status", "now": now, "record": v1 }));
        assert_eq!(status["result"]["recoveryCodesLeft"], 9);
        assert_eq!(status["result"]["enrolled"], true);
        let recovery = |record: &Value, code: &str| {
            send(
                json!({ "op": "recovery", "now": now + 1_000, "record": record, "code": code, "source": "a" }),
            )
        };
        assert_eq!(recovery(v1, codes[3])["result"]["reason"], "replayed");
        let used = recovery(v1, &codes[5].to_uppercase());
        assert_eq!(
            used["result"],
            json!({ "ok": true, "recoveryCodesLeft": 8 })
        );
        let v2 = &used["record"];
        assert_eq!(v2["v"], 2);
        assert!(v2["recovery"]["hashes"].is_string());
        for used_code in [codes[3], codes[5]] {
            assert_eq!(recovery(v2, used_code)["result"]["reason"], "replayed");
        }
        assert_eq!(recovery(v2, codes[0])["result"]["recoveryCodesLeft"], 7);
        assert_eq!(recovery(v2, "00000-00000")["result"]["reason"], "invalid");

        // A verification writes it as this version too, in fewer bytes.
        let secret = totpkit::Secret::from_base32(fixture["secret"].as_str().unwrap()).unwrap();
        let totp = totpkit::Totp::new(&secret, totpkit::OtpParams::default()).unwrap();
        let later = now + 60_000;
        let code = totp.code_at(later / 1_000).to_string();
        let verified = send(json!({ "op": "verify", "now": later, "record": v1, "code": code }));
        assert_eq!(verified["result"]["ok"], true);
        assert_eq!(verified["record"]["v"], 2);
        assert!(verified["record"].to_string().len() < v1.to_string().len() * 2 / 3);

        // Each shape with its own version only.
        let mut mixed = v2.clone();
        mixed["v"] = 1.into();
        assert_eq!(
            send(json!({ "op": "status", "now": now, "record": mixed }))["error"]["code"],
            "InvalidRecord"
        );
        let mut mixed = v1.clone();
        mixed["v"] = 2.into();
        assert_eq!(
            send(json!({ "op": "status", "now": now, "record": mixed }))["error"]["code"],
            "InvalidRecord"
        );
        // No used bit beyond the set, no partial hash, no hash that is not hex (checked on
        // every call, not only when a recovery code is typed).
        let not_hex = v2["recovery"]["hashes"]
            .as_str()
            .unwrap()
            .replacen('a', "g", 1);
        for (field, bad) in [
            ("used", json!(1 << 10)),
            ("hashes", json!("ab")),
            ("hashes", json!(not_hex)),
        ] {
            let mut record = v2.clone();
            record["recovery"][field] = bad;
            let status = send(json!({ "op": "status", "now": now, "record": record }));
            assert_eq!(status["error"]["code"], "InvalidRecord", "{field}");
        }
    }

    /// A ring or nonce the JS side should never send is InvalidOptions; a record under a key the
    /// ring lacks is WrongEncryptionKey, naming the key; an empty row is InvalidRecord.
    #[test]
    fn rings_nonces_and_foreign_keys() {
        let request = r#"{"op":"status","user":"u","now":0}"#;
        let error = |answer: Vec<u8>| -> Value {
            serde_json::from_slice::<Value>(&answer).unwrap()["error"].clone()
        };
        assert_eq!(
            error(call(request, None, false, 0, &[0; NONCE_BYTES]))["code"],
            "InvalidOptions"
        );
        let ring = keyring(&[1; envelope::KEY_BYTES]);
        assert_eq!(
            error(call(request, None, false, ring, &[0; 12]))["code"],
            "InvalidOptions"
        );
        let other = keyring(&[2; envelope::KEY_BYTES]);
        let sealed = envelope::seal(other, "u", &[0; NONCE_BYTES], b"{}".to_vec()).unwrap();
        let wrong = error(call(
            request,
            Some(sealed.as_bytes().into()),
            false,
            ring,
            &[0; NONCE_BYTES],
        ));
        assert_eq!(wrong["code"], "WrongEncryptionKey");
        let id = sealed.split('.').nth(1).unwrap();
        assert!(wrong["message"].as_str().unwrap().contains(id));
        // A row whose data is empty is a broken row, not no row.
        let empty = error(call(
            request,
            Some(Box::default()),
            false,
            ring,
            &[0; NONCE_BYTES],
        ));
        assert_eq!(empty["code"], "InvalidRecord");
    }

    /// A known envelope starts from the record kept for it; an unknown one, even with the kept
    /// one's key id and nonce, is opened (so an altered byte is refused); another user or ring
    /// never shares a kept record.
    #[test]
    fn kept_records_serve_only_known_envelopes() {
        let ring = keyring(&[3; envelope::KEY_BYTES]);
        let random = "cd".repeat(RANDOM_BYTES);
        let begin =
            format!(r#"{{"op":"begin","user":"k","now":1000,"account":"a","random":"{random}"}}"#);
        let answer = String::from_utf8(call(&begin, None, false, ring, &[1; NONCE_BYTES])).unwrap();
        let (_, sealed) = answer.split_once('\n').unwrap();
        let status = |user: &str, stored: &str, known: bool, ring: u32| -> Value {
            let request = format!(r#"{{"op":"status","user":"{user}","now":2000}}"#);
            let answer = call(
                &request,
                Some(stored.as_bytes().into()),
                known,
                ring,
                &[2; NONCE_BYTES],
            );
            let text = String::from_utf8(answer).unwrap();
            serde_json::from_str(text.split('\n').next().unwrap()).unwrap()
        };
        assert_eq!(status("k", sealed, true, ring)["pending"], true);
        assert_eq!(status("k", sealed, false, ring)["pending"], true);
        // The same key id and nonce, one ciphertext character changed.
        let mut altered = sealed.to_owned();
        let last = altered.pop().unwrap();
        altered.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(
            status("k", &altered, false, ring)["error"]["code"],
            "InvalidRecord"
        );
        // Kept again by the call before; said to be known, the altered one is served from what
        // was kept (its head matches): which is why the JS side says `known` only after
        // comparing the whole string.
        assert_eq!(status("k", sealed, false, ring)["pending"], true);
        assert_eq!(status("k", &altered, true, ring)["pending"], true);
        assert_eq!(
            status("other", sealed, true, ring)["error"]["code"],
            "InvalidRecord"
        );
        let other = keyring(&[4; envelope::KEY_BYTES]);
        assert_eq!(
            status("k", sealed, true, other)["error"]["code"],
            "WrongEncryptionKey"
        );

        // A second envelope for the same user under the same ring (a second server with the
        // same key and another store): each keeps its own record. Keeping the second does not
        // evict the first, whose altered copy, said to be known, is still served from it.
        let second = String::from_utf8(call(&begin, None, false, ring, &[7; NONCE_BYTES])).unwrap();
        let (_, second) = second.split_once('\n').unwrap();
        assert_eq!(status("k", second, false, ring)["pending"], true);
        assert_eq!(status("k", sealed, false, ring)["pending"], true);
        assert_eq!(status("k", second, false, ring)["pending"], true);
        assert_eq!(status("k", &altered, true, ring)["pending"], true);
    }

    #[test]
    fn begin_then_status_round_trips_the_record() {
        let random = "ab".repeat(RANDOM_BYTES);
        let begun = send(
            json!({ "op": "begin", "now": 1_000, "account": "alice@example.com", "issuer": "ACME Co", "random": random }),
        );
        assert_eq!(begun["write"], true);
        assert_eq!(begun["result"]["resumed"], false);
        assert!(
            begun["result"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("otpauth://totp/ACME%20Co:alice%40example.com?secret=")
        );
        let status = send(json!({ "op": "status", "now": 2_000, "record": begun["record"] }));
        assert_eq!(
            status["result"],
            json!({ "enrolled": false, "pending": true, "recoveryCodesLeft": 0, "driftSteps": 0, "locked": false })
        );
        let verify = send(
            json!({ "op": "verify", "now": 2_000, "record": begun["record"], "code": "123456" }),
        );
        assert_eq!(
            verify["result"],
            json!({ "ok": false, "reason": "not_enrolled" })
        );
        assert_eq!(verify["write"], false);
    }
}
