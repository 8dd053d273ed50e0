//! The server policy (`totpkit::policy`) through its public functions, with codes from an
//! independent RFC 6238 implementation (the `hmac` crate plus the RFC's truncation, checked
//! against RFC 6238 Appendix B first), never from totpkit.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use totpkit::policy::{Policy, RANDOM_BYTES, Record, Refusal};

use crate::common::rfc6238;

/// RFC 6238 with HMAC-SHA1, 6 digits, 30 s (the policy's default parameters).
fn oracle(key: &[u8], unix_secs: u64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).unwrap();
    mac.update(&(unix_secs / 30).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 15) as usize;
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    format!("{:06}", bin % 1_000_000)
}

fn base32_decode(text: &str) -> Vec<u8> {
    let mut bits = 0u64;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32"),
        };
        bits = (bits << 5) | u64::from(v);
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

const T0: u64 = 1_800_000_000_000; // unix ms, on a step boundary (divisible by 30 000)
const MIN: u64 = 60_000;

fn random(seed: u8) -> Vec<u8> {
    (0..RANDOM_BYTES)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// An enrolled record and its key; the confirming code was the one at `T0`.
fn enrolled(policy: &Policy) -> (Record, Vec<u8>, Vec<String>) {
    let begun = Record::new()
        .begin_enrollment(policy, "ACME Co", "alice@example.com", T0, &random(1))
        .unwrap();
    let key = base32_decode(&begun.decision.unwrap().secret.to_base32());
    let confirmed = begun
        .record
        .confirm_enrollment(policy, &oracle(&key, T0 / 1000), "ip-a", T0, &random(2))
        .unwrap();
    let codes = confirmed.decision.unwrap().recovery_codes;
    (confirmed.record, key, codes)
}

#[test]
fn the_oracle_agrees_with_rfc_6238() {
    let sha1 = rfc6238()
        .into_iter()
        .filter(|v| v.algorithm == totpkit::Algorithm::Sha1);
    for v in sha1 {
        let key = base32_decode(&v.secret_base32);
        assert_eq!(oracle(&key, v.unix_secs)[..], v.code[v.code.len() - 6..]);
    }
}

#[test]
fn a_code_works_once() {
    let policy = Policy::default();
    let (record, key, _) = enrolled(&policy);
    let now = T0 + 30_000;
    let code = oracle(&key, now / 1000);
    let first = record.verify(&policy, &code, "ip-a", now).unwrap();
    let verified = first.decision.unwrap();
    assert_eq!((verified.step, verified.drift_steps), (now / 30_000, 0));
    assert!(first.changed);
    let again = first
        .record
        .verify(&policy, &code, "ip-a", now + 1_000)
        .unwrap();
    assert_eq!(again.decision, Err(Refusal::Replayed));
    assert_eq!(
        again.record.failures(),
        0,
        "a replay is not counted as a guess"
    );
    // Still a replay once the clock has moved on and the code is outside the window.
    let later = first
        .record
        .verify(&policy, &code, "ip-a", now + 90_000)
        .unwrap();
    assert_eq!(later.decision, Err(Refusal::Replayed));
    // The enrollment's confirming code counts as used too.
    let confirming = record
        .verify(&policy, &oracle(&key, T0 / 1000), "ip-a", T0 + 1_000)
        .unwrap();
    assert_eq!(confirming.decision, Err(Refusal::Replayed));
}

#[test]
fn the_window_is_one_step_and_two_steps_off_asks_for_a_resync() {
    let policy = Policy::default();
    let (record, key, _) = enrolled(&policy);
    let now = T0 + 10 * MIN;
    for delta in [-1i64, 1] {
        let at = (now as i64 / 1000 + delta * 30) as u64;
        let out = record
            .verify(&policy, &oracle(&key, at), "ip-a", now)
            .unwrap();
        // ±1 is typing time and step edges, not drift: nothing is remembered.
        assert_eq!(out.decision.unwrap().drift_steps, 0);
    }
    let at = now / 1000 - 60;
    let out = record
        .verify(&policy, &oracle(&key, at), "ip-a", now)
        .unwrap();
    assert_eq!(
        out.decision.unwrap_err(),
        Refusal::Resync {
            offset_steps: -2,
            offset_seconds: -60
        }
    );
    // Eleven steps off is out of reach: a wrong code, counted.
    let at = now / 1000 - 330;
    let out = record
        .verify(&policy, &oracle(&key, at), "ip-a", now)
        .unwrap();
    assert!(matches!(
        out.decision,
        Err(Refusal::Invalid {
            attempts_left: 99,
            ..
        })
    ));
}

#[test]
fn resync_takes_two_consecutive_codes_then_the_drift_is_remembered() {
    let policy = Policy::default();
    let (record, key, _) = enrolled(&policy);
    let phone = |server_ms: u64| oracle(&key, server_ms / 1000 - 240); // 4 minutes behind
    let mut now = T0 + 60 * MIN;
    let first = record.verify(&policy, &phone(now), "ip-a", now).unwrap();
    assert_eq!(
        first.decision.unwrap_err(),
        Refusal::Resync {
            offset_steps: -8,
            offset_seconds: -240
        }
    );
    assert_eq!(first.record.failures(), 0);
    // The same code again is still one code: no acceptance.
    let same = first
        .record
        .verify(&policy, &phone(now), "ip-a", now + 5_000)
        .unwrap();
    assert!(matches!(
        same.decision,
        Err(Refusal::Resync {
            offset_steps: -8,
            ..
        })
    ));
    // A wrong code in between ends the resync: two consecutive codes, nothing else.
    let wrong = wrong_code(&key, now);
    let broken = first
        .record
        .verify(&policy, &wrong, "ip-a", now + 10_000)
        .unwrap();
    assert!(matches!(broken.decision, Err(Refusal::Invalid { .. })));
    let after = broken
        .record
        .verify(&policy, &phone(now + 30_000), "ip-a", now + 30_000)
        .unwrap();
    assert!(matches!(
        after.decision,
        Err(Refusal::Resync {
            offset_steps: -8,
            ..
        })
    ));
    // A second code at another offset starts over instead of completing it.
    let other = first
        .record
        .verify(
            &policy,
            &oracle(&key, (now + 30_000) / 1000 - 120),
            "ip-a",
            now + 30_000,
        )
        .unwrap();
    assert!(matches!(
        other.decision,
        Err(Refusal::Resync {
            offset_steps: -4,
            ..
        })
    ));
    // The next code at the same offset completes it.
    now += 30_000;
    let second = first
        .record
        .verify(&policy, &phone(now), "ip-a", now)
        .unwrap();
    assert_eq!(second.decision.unwrap().drift_steps, -8);
    // Next time, one code from the same phone is enough.
    now += 6 * 60 * MIN;
    let next = second
        .record
        .verify(&policy, &phone(now), "ip-a", now)
        .unwrap();
    assert_eq!(next.decision.unwrap().drift_steps, -8);
    assert_eq!(next.record.status(&policy, now).unwrap().drift_steps, -8);
    // A resync's second code must come in time.
    let start = T0 + 120 * MIN;
    let r1 = record
        .verify(&policy, &phone(start), "ip-a", start)
        .unwrap();
    let too_late = start + policy.resync_ttl_ms + 30_000;
    let r2 = r1
        .record
        .verify(&policy, &phone(too_late), "ip-a", too_late)
        .unwrap();
    assert!(matches!(r2.decision, Err(Refusal::Resync { .. })));
}

#[test]
fn an_early_code_does_not_shift_the_window_away_from_a_slow_one() {
    // A code accepted a step early (the phone a little ahead, or a code read at a step's edge),
    // then, at a later sign-in, a code typed slowly, a step late: both inside the window.
    let policy = Policy::default();
    let (record, key, _) = enrolled(&policy);
    let now = T0 + 10 * MIN;
    let early = record
        .verify(&policy, &oracle(&key, now / 1000 + 30), "ip-a", now)
        .unwrap();
    assert_eq!(early.decision.unwrap().drift_steps, 0);
    let later = now + 10 * MIN;
    let slow = early
        .record
        .verify(&policy, &oracle(&key, later / 1000 - 30), "ip-a", later)
        .unwrap();
    assert_eq!(slow.decision.unwrap().drift_steps, 0);
}

#[test]
fn malformed_codes_are_not_counted() {
    let policy = Policy::default();
    let (record, _, _) = enrolled(&policy);
    for bad in ["12345", "1234567", "abcdef", ""] {
        let out = record.verify(&policy, bad, "ip-a", T0 + MIN).unwrap();
        assert_eq!(out.decision, Err(Refusal::Malformed { digits: 6 }));
        assert!(!out.changed);
    }
    // Spaces, hyphens and full-width digits are one code.
    let (record, key, _) = enrolled(&policy);
    let code = oracle(&key, (T0 + MIN) / 1000);
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    assert!(
        record
            .verify(&policy, &spaced, "ip-a", T0 + MIN)
            .unwrap()
            .decision
            .is_ok()
    );
}

/// A code that is wrong at every step within reach of `now`.
fn wrong_code(key: &[u8], now: u64) -> String {
    let near: Vec<String> = (0..=40)
        .map(|i| oracle(key, now / 1000 + i * 30 - 600))
        .collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !near.contains(c))
        .unwrap()
}

#[test]
fn delays_grow_per_source_then_for_all_sources() {
    let policy = Policy::default();
    let (mut record, key, _) = enrolled(&policy);
    let now = T0 + MIN;
    let wrong = wrong_code(&key, now);
    for n in 1..=3u32 {
        let out = record.verify(&policy, &wrong, "ip-a", now).unwrap();
        let expected_wait = if n == 3 { 1_000 } else { 0 };
        assert_eq!(
            out.decision,
            Err(Refusal::Invalid {
                attempts_left: 100 - n,
                retry_after_ms: expected_wait
            })
        );
        record = out.record;
    }
    let blocked = record.verify(&policy, &wrong, "ip-a", now + 999).unwrap();
    assert_eq!(
        blocked.decision,
        Err(Refusal::Throttled { retry_after_ms: 1 })
    );
    assert!(!blocked.changed, "a throttled try is not even checked");
    // Another source is not slowed by ip-a's failures, until all sources reach 10.
    let elsewhere = record.verify(&policy, &wrong, "ip-b", now).unwrap();
    assert!(matches!(elsewhere.decision, Err(Refusal::Invalid { .. })));
    record = elsewhere.record;
    let mut at = now;
    for _ in 0..6 {
        at += MIN;
        record = record
            .verify(&policy, &wrong, &format!("ip-{at}"), at)
            .unwrap()
            .record;
    }
    assert_eq!(record.failures(), 10);
    let owner = record
        .verify(&policy, &oracle(&key, at / 1000), "ip-owner", at + 500)
        .unwrap();
    assert_eq!(
        owner.decision,
        Err(Refusal::Throttled {
            retry_after_ms: 500
        })
    );
}

#[test]
fn a_hundred_failures_lock_and_a_recovery_code_still_works_once() {
    let policy = Policy::default();
    let (mut record, key, codes) = enrolled(&policy);
    let mut now = T0 + MIN;
    let wrong = wrong_code(&key, now);
    for _ in 0..100 {
        now += 2 * MIN;
        let out = record.verify(&policy, &wrong, "ip-a", now).unwrap();
        assert!(matches!(out.decision, Err(Refusal::Invalid { .. })));
        record = out.record;
    }
    now += 2 * MIN;
    let right = oracle(&key, now / 1000);
    let locked = record.verify(&policy, &right, "ip-a", now).unwrap();
    assert_eq!(locked.decision, Err(Refusal::Locked));
    assert!(record.status(&policy, now).unwrap().locked);
    let used = record
        .use_recovery_code(&policy, &codes[4].to_uppercase(), "ip-a", now)
        .unwrap();
    assert_eq!(used.decision, Ok(9));
    let record = used.record;
    assert_eq!(record.failures(), 0);
    let again = record
        .use_recovery_code(&policy, &codes[4], "ip-a", now)
        .unwrap();
    assert_eq!(again.decision, Err(Refusal::Replayed));
    assert!(
        record
            .verify(&policy, &right, "ip-a", now)
            .unwrap()
            .decision
            .is_ok()
    );
    // A new set: the old codes stop working.
    let fresh = record.regenerate_recovery_codes(&random(9)).unwrap();
    let new_codes = fresh.decision.unwrap();
    assert_ne!(new_codes, codes);
    let old = fresh
        .record
        .use_recovery_code(&policy, &codes[0], "ip-a", now)
        .unwrap();
    assert!(matches!(old.decision, Err(Refusal::Invalid { .. })));
    let malformed = fresh
        .record
        .use_recovery_code(&policy, "not-a-code", "ip-a", now)
        .unwrap();
    assert!(matches!(malformed.decision, Err(Refusal::Malformed { .. })));
}

#[test]
fn a_pending_enrollment_resumes_with_the_same_secret_and_expires() {
    let policy = Policy::default();
    let begun = Record::new()
        .begin_enrollment(&policy, "ACME Co", "alice@example.com", T0, &random(1))
        .unwrap();
    let first = begun.decision.unwrap();
    assert!(!first.resumed);
    assert_eq!(first.expires_at_ms, T0 + 10 * MIN);
    let again = begun
        .record
        .begin_enrollment(
            &policy,
            "ACME Co",
            "alice@example.com",
            T0 + 9 * MIN,
            &random(7),
        )
        .unwrap();
    let second = again.decision.unwrap();
    assert!(second.resumed);
    assert_eq!(second.secret.to_base32(), first.secret.to_base32());
    assert_eq!(second.uri, first.uri);
    let key = base32_decode(&first.secret.to_base32());
    let late = T0 + 10 * MIN;
    let expired = again
        .record
        .confirm_enrollment(
            &policy,
            &oracle(&key, late / 1000),
            "ip-a",
            late,
            &random(2),
        )
        .unwrap();
    assert!(matches!(expired.decision, Err(Refusal::Expired)));
    let fresh = expired
        .record
        .begin_enrollment(&policy, "ACME Co", "alice@example.com", late, &random(5))
        .unwrap()
        .decision
        .unwrap();
    assert!(!fresh.resumed);
    assert_ne!(fresh.secret.to_base32(), first.secret.to_base32());
    // Confirming needs a pending enrollment; beginning needs no active one.
    let none = Record::new()
        .confirm_enrollment(&policy, "123456", "", T0, &random(1))
        .unwrap();
    assert!(matches!(none.decision, Err(Refusal::NoPending)));
    let (active, _, _) = enrolled(&policy);
    let twice = active
        .begin_enrollment(&policy, "ACME Co", "a", T0, &random(1))
        .unwrap();
    assert!(matches!(twice.decision, Err(Refusal::AlreadyEnrolled)));
    let disabled = active.disable().unwrap().record;
    assert!(!disabled.is_enrolled());
    assert!(matches!(
        disabled.verify(&policy, "123456", "", T0).unwrap().decision,
        Err(Refusal::NotEnrolled)
    ));
}

/// Records in every state the policy makes: new, pending, enrolled with recovery codes, with
/// failures from two sources, in a resync (a phone 4 minutes behind), with a recovery code used,
/// with a remembered drift.
#[cfg(feature = "serde")]
fn records_in_every_state() -> Vec<Record> {
    let policy = Policy::default();
    let pending = Record::new()
        .begin_enrollment(&policy, "ACME Co", "alice@example.com", T0, &random(1))
        .unwrap()
        .record;
    let (enrolled, key, codes) = enrolled(&policy);
    let now = T0 + 60 * MIN;
    let wrong = wrong_code(&key, now);
    let failed = enrolled
        .verify(&policy, &wrong, "ip-a", now)
        .unwrap()
        .record;
    let failed = failed.verify(&policy, &wrong, "ip-b", now).unwrap().record;
    let behind = |ms: u64| oracle(&key, ms / 1000 - 240);
    let resync = enrolled
        .verify(&policy, &behind(now), "ip-a", now)
        .unwrap()
        .record;
    let drifted = resync
        .verify(&policy, &behind(now + 30_000), "ip-a", now + 30_000)
        .unwrap()
        .record;
    let recovered = failed
        .use_recovery_code(&policy, &codes[4], "ip-c", now)
        .unwrap()
        .record;
    vec![
        Record::new(),
        pending,
        enrolled,
        failed,
        resync,
        drifted,
        recovered,
    ]
}

/// The packed form (src/policy/packed.rs) holds the same record as the JSON: every state reads
/// back equal, and in less than half the JSON's bytes.
#[cfg(feature = "serde")]
#[test]
fn the_packed_form_round_trips_every_state_in_half_the_bytes() {
    let states = records_in_every_state();
    for (i, record) in states.iter().enumerate() {
        let packed = record.to_packed().unwrap();
        let back = Record::from_packed(&packed).unwrap();
        assert_eq!(&back, record, "state {i}");
        let json = serde_json::to_string(record).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), json, "state {i}");
        assert!(
            packed.len() * 2 < json.len(),
            "state {i}: {} vs {}",
            packed.len(),
            json.len()
        );
    }
    assert!(
        states.windows(2).all(|w| w[0] != w[1]),
        "every state differs"
    );
}

/// A packed record that is cut short, has bytes after its end, has another version byte or is
/// JSON is InvalidRecord; no byte changed anywhere makes the reader panic.
#[cfg(feature = "serde")]
#[test]
fn packed_records_refuse_truncation_trailing_bytes_and_other_versions() {
    use totpkit::Error;
    for record in records_in_every_state() {
        let packed = record.to_packed().unwrap();
        for cut in 0..packed.len() {
            assert_eq!(
                Record::from_packed(&packed[..cut]),
                Err(Error::InvalidRecord),
                "cut at {cut}"
            );
        }
        let mut longer = packed.clone();
        longer.push(0);
        assert_eq!(Record::from_packed(&longer), Err(Error::InvalidRecord));
        for tag in [0, 1, 3, b'{'] {
            let mut other = packed.clone();
            other[0] = tag;
            assert_eq!(
                Record::from_packed(&other),
                Err(Error::InvalidRecord),
                "tag {tag}"
            );
        }
        for at in 1..packed.len() {
            for value in [0, 1, 0x7f, 0x80, 0xff] {
                let mut changed = packed.clone();
                changed[at] = value;
                if let Ok(read) = Record::from_packed(&changed) {
                    // What reads is a record like any other: it packs and reads back the same.
                    assert_eq!(
                        Record::from_packed(&read.to_packed().unwrap()).unwrap(),
                        read
                    );
                }
            }
        }
    }
    let json = serde_json::to_vec(&Record::new()).unwrap();
    assert_eq!(Record::from_packed(&json), Err(Error::InvalidRecord));
}

/// A record reads only in the one form this code writes each text in (so two equal records are
/// equal field for field, and the packed form holds any record read): lowercase hex salt and
/// hashes, canonical base32 (source ids: tests/core/regressions.rs, where the `policy_record`
/// fuzz target's find is).
#[cfg(feature = "serde")]
#[test]
fn a_record_reads_only_in_the_form_it_is_written() {
    let states = records_in_every_state();
    let json: serde_json::Value = serde_json::to_value(&states[2]).unwrap();
    assert!(serde_json::from_value::<Record>(json.clone()).is_ok());
    let text = |outer: &str, inner: &str| json[outer][inner].as_str().unwrap().to_owned();
    let changed = |outer: &str, inner: &str, value: String| {
        let mut bad = json.clone();
        bad[outer][inner] = value.into();
        bad
    };
    let (salt, hashes, secret) = (
        text("recovery", "salt"),
        text("recovery", "hashes"),
        text("active", "secret"),
    );
    for (what, bad) in [
        (
            "an uppercase salt",
            changed("recovery", "salt", salt.to_uppercase()),
        ),
        (
            "uppercase hashes",
            changed("recovery", "hashes", hashes.to_uppercase()),
        ),
        (
            "a lowercase secret",
            changed("active", "secret", secret.to_lowercase()),
        ),
        (
            "a padded secret",
            changed("active", "secret", format!("{secret}====")),
        ),
    ] {
        assert!(serde_json::from_value::<Record>(bad).is_err(), "{what}");
    }
}
