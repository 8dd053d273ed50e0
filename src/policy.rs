//! The server half's policy as pure functions: enrollment, verification with single use,
//! clock-drift memory and resynchronisation (RFC 6238 §5.2 and §6), recovery codes and attempt
//! limits (NIST SP 800-63B §5.2.2).
//!
//! One [`Record`] per user's authenticator holds everything a decision needs: the secret, the
//! last used step, the remembered drift, failure counts, hashed recovery codes, a pending
//! enrollment with its expiry and a pending resync. Each function takes the record, the input
//! and `now`, and returns an [`Outcome`]: the decision and the new record. Nothing here reads a
//! clock, draws randomness or touches storage: the shells (the mock server, the JS server kit)
//! load the record, call, and store the new record with a compare-and-set on its version, so a
//! fleet of processes stays correct because the store decides who wrote last.
//!
//! The rules, with [`Policy::default`]'s numbers:
//!
//! | rule | default |
//! |---|---|
//! | window | ±1 step around the step the remembered drift points at (the drift moves only by a completed resync) |
//! | single use | a code whose step is at or before the last used step is `replayed` (not counted) |
//! | resync | a code outside the window but within ±10 steps of now is not accepted: `resync` with the offset; the very next attempt, if it is the next code at the same offset (±1), accepts and its offset is remembered; any other attempt ends the resync |
//! | delays per source (`n` ≥ 3 consecutive failures) | 2^(n−3) s, at most 60 s |
//! | delays across all sources (`n` ≥ 10) | the same doubling, counted from 10 |
//! | lock | 100 consecutive failures (NIST's cap); recovery codes still work, once each |
//! | pending enrollment | 10 minutes; beginning again before then resumes the same secret |
//! | pending resync | 3 minutes |
//!
//! A malformed code and a replay are refused without counting as a guess: neither tells an
//! attacker anything they did not know.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::hotp::Code;
use crate::otpauth::KeyUri;
use crate::params::{Algorithm, OtpParams};
use crate::recovery;
use crate::secret::{DEFAULT_SECRET_BYTES, Secret};
use crate::totp::{Match, Totp, search_order};

#[cfg(feature = "serde")]
mod packed;

/// The record format this code writes. It reads this one and version 1 (whose ten recovery-code
/// hashes were whole SHA-256s, each its own hex string, in two lists: read as this version, and
/// written as this version on the record's next change); any other is [`Error::InvalidRecord`].
pub const RECORD_VERSION: u32 = 2;

/// Random bytes every decision that makes a secret or recovery codes needs (a new secret takes
/// the first 20, a recovery-code set the first [`recovery::RANDOM_BYTES`]).
pub const RANDOM_BYTES: usize = 128;

const _: () = assert!(RANDOM_BYTES >= recovery::RANDOM_BYTES);
const _: () = assert!(RANDOM_BYTES >= DEFAULT_SECRET_BYTES);

/// The longest issuer or account name an enrollment takes, in characters: far above any real
/// one, and it bounds what a record (and a QR code) can be made to hold.
pub const MAX_LABEL_CHARS: usize = 256;

/// Hex digits of one stored recovery-code hash.
const HASH_HEX: usize = 2 * recovery::HASH_BYTES;

/// Failure counters kept per source at most (the one with the oldest failure is forgotten).
const MAX_SOURCES: usize = 16;

/// Hex digits of a source's id (the first 8 bytes of its tagged SHA-256, see `source_id`).
const SOURCE_ID_HEX: usize = 16;

/// Every number of the policy. Tests build one with other limits; servers use the default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Steps accepted either side of the step the remembered drift points at (RFC 6238 §5.2).
    pub window: u32,
    /// How far from now a code may match to start a resync (RFC 6238 §6).
    pub resync_reach: u32,
    /// How long a started resync waits for its second code.
    pub resync_ttl_ms: u64,
    /// Consecutive failures from one source from which that source waits (`base_delay_ms`).
    pub delay_from_failures: u32,
    /// Consecutive failures from all sources together from which every source waits.
    pub account_delay_from_failures: u32,
    /// The first delay; each further failure doubles it.
    pub base_delay_ms: u64,
    /// The longest delay.
    pub max_delay_ms: u64,
    /// Consecutive failures after which codes are refused until a recovery code is used or an
    /// operator steps in (NIST SP 800-63B §5.2.2: at most 100).
    pub lock_after_failures: u32,
    /// How long a pending enrollment may be confirmed.
    pub enroll_ttl_ms: u64,
    /// The parameters of new enrollments.
    pub params: OtpParams,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            window: 1,
            resync_reach: 10,
            resync_ttl_ms: 3 * 60 * 1_000,
            delay_from_failures: 3,
            account_delay_from_failures: 10,
            base_delay_ms: 1_000,
            max_delay_ms: 60_000,
            lock_after_failures: 100,
            enroll_ttl_ms: 10 * 60 * 1_000,
            params: OtpParams::default(),
        }
    }
}

impl Policy {
    /// The wait after `failures` consecutive failures when delays start at `from`: nothing
    /// below it, then `base_delay_ms` doubling with each failure, capped at `max_delay_ms`.
    pub fn delay_ms(&self, failures: u32, from: u32) -> u64 {
        let Some(over) = failures.checked_sub(from) else {
            return 0;
        };
        let factor = 1u64.checked_shl(over).unwrap_or(u64::MAX);
        self.base_delay_ms
            .saturating_mul(factor)
            .min(self.max_delay_ms)
    }
}

/// Why a code or a request was refused. The names are the JS kit's `reason` strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a code at all (wrong length, not digits): not counted as a guess.
    Malformed {
        /// The digits a code must have.
        digits: u32,
    },
    /// A wrong code, counted.
    Invalid {
        /// Failures left before the lock.
        attempts_left: u32,
        /// The wait this failure imposes before the next try (0: none).
        retry_after_ms: u64,
    },
    /// A code already used (its step is at or before the last used one): not counted.
    Replayed,
    /// A code that matches outside the window: not accepted; the next code at the same offset
    /// will be, and the offset is then remembered.
    Resync {
        /// Matched step minus the current step (positive: the phone is ahead).
        offset_steps: i64,
        /// The same in seconds.
        offset_seconds: i64,
    },
    /// Too soon after the last failures.
    Throttled {
        /// How long to wait.
        retry_after_ms: u64,
    },
    /// Too many consecutive failures: codes are refused; a recovery code still works.
    Locked,
    /// The pending enrollment's time ran out: begin again.
    Expired,
    /// No active authenticator.
    NotEnrolled,
    /// Nothing to confirm: no enrollment was begun.
    NoPending,
    /// An authenticator is already active (disable it first to enroll another).
    AlreadyEnrolled,
}

impl Refusal {
    /// The stable reason string (`"malformed"`, `"invalid"`, …).
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "malformed",
            Self::Invalid { .. } => "invalid",
            Self::Replayed => "replayed",
            Self::Resync { .. } => "resync",
            Self::Throttled { .. } => "throttled",
            Self::Locked => "locked",
            Self::Expired => "expired",
            Self::NotEnrolled => "not_enrolled",
            Self::NoPending => "no_pending",
            Self::AlreadyEnrolled => "already_enrolled",
        }
    }
}

/// A decision and the record to store after it.
#[derive(Debug)]
pub struct Outcome<T> {
    /// What to answer.
    pub decision: core::result::Result<T, Refusal>,
    /// The record after the decision.
    pub record: Record,
    /// Whether `record` differs from the one passed in (a shell writes only then).
    pub changed: bool,
}

/// A begun (or resumed) enrollment.
#[derive(Debug)]
pub struct Begun {
    /// The secret, for the manual key.
    pub secret: Secret,
    /// The otpauth URI, for the QR code.
    pub uri: Zeroizing<String>,
    /// Unix ms after which it can no longer be confirmed.
    pub expires_at_ms: u64,
    /// Whether this is the pending enrollment begun earlier (same secret).
    pub resumed: bool,
    /// The parameters the URI carries (a resumed enrollment keeps the ones it began with).
    pub params: OtpParams,
}

/// A confirmed enrollment.
#[derive(Debug)]
pub struct Confirmed {
    /// The confirming code's step (it counts as used).
    pub step: u64,
    /// The recovery codes, in clear this once.
    pub recovery_codes: Vec<String>,
}

/// An accepted code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The matched step, now the last used one.
    pub step: u64,
    /// The drift now remembered, in steps (negative: the phone is behind).
    pub drift_steps: i64,
}

/// What a status page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    /// An authenticator is active.
    pub enrolled: bool,
    /// An enrollment waits for its confirming code (and has not expired).
    pub pending: bool,
    /// Recovery codes not used yet.
    pub recovery_codes_left: usize,
    /// The remembered drift, in steps.
    pub drift_steps: i64,
    /// Codes are refused until a recovery code is used.
    pub locked: bool,
}

/// The secret as stored: canonical base32, wiped on drop, never printed.
#[derive(Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct StoredSecret(Zeroizing<String>);

impl core::fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("StoredSecret(<redacted>)")
    }
}

/// A secret and its parameters, with what verification remembers about it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct Authenticator {
    secret: StoredSecret,
    algorithm: String,
    digits: u32,
    period: u32,
    /// The step of the last accepted code; no step at or before it is accepted again.
    last_step: Option<u64>,
    /// Matched step minus current step at the last success (RFC 6238 §6).
    drift: i64,
    /// A resync waiting for its second code.
    resync: Option<Resync>,
}

/// A resync started by a code outside the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct Resync {
    /// The first code's offset from the then-current step.
    offset: i64,
    /// The first code's step: the second code must come after it.
    step: u64,
    /// Unix ms after which the second code no longer completes it.
    expires_at: u64,
}

/// An enrollment begun and not yet confirmed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct Pending {
    authenticator: Authenticator,
    issuer: String,
    account: String,
    expires_at: u64,
}

/// Consecutive failures from one source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct SourceCount {
    /// The first 8 bytes of the source's tagged SHA-256, hex (the record never holds an
    /// address or a device id in clear).
    id: String,
    failures: u32,
    last_failure_at: u64,
}

/// The recovery codes' salt and hashes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct RecoveryCodes {
    /// The set's salt, hex.
    salt: String,
    /// The hash of every code of the set ([`recovery::HASH_BYTES`] each), in the order they were
    /// shown, as one hex string: one JSON string, not ten, is what keeps the record small.
    hashes: String,
    /// Bit `i` set: code `i` was used (a second use is told apart from a guess).
    used: u32,
}

/// Record version 1's recovery codes: whole hashes, hex, the unused and the used in two lists.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RecoveryCodesV1 {
    salt: String,
    hashes: Vec<String>,
    used: Vec<String>,
}

/// A record as storage may hold it: this version, or version 1 (see [`RECORD_VERSION`]).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StoredRecord {
    v: u32,
    active: Option<Authenticator>,
    pending: Option<Pending>,
    failures: u32,
    last_failure_at: u64,
    sources: Vec<SourceCount>,
    recovery: Option<StoredRecovery>,
}

/// The recovery codes in either version's shape (told apart by the shape, checked against `v`).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum StoredRecovery {
    Current(RecoveryCodes),
    V1(RecoveryCodesV1),
}

#[cfg(feature = "serde")]
impl TryFrom<StoredRecord> for Record {
    type Error = Error;

    fn try_from(stored: StoredRecord) -> Result<Self> {
        let recovery = match (stored.v, stored.recovery) {
            (_, None) => None,
            (RECORD_VERSION, Some(StoredRecovery::Current(codes))) => Some(codes),
            (1, Some(StoredRecovery::V1(codes))) => Some(RecoveryCodes::from_v1(&codes)?),
            _ => return Err(Error::InvalidRecord),
        };
        if stored.v != 1 && stored.v != RECORD_VERSION {
            return Err(Error::InvalidRecord);
        }
        let record = Self {
            v: RECORD_VERSION,
            active: stored.active,
            pending: stored.pending,
            failures: stored.failures,
            last_failure_at: stored.last_failure_at,
            sources: stored.sources,
            recovery,
        };
        record.validate()?;
        Ok(record)
    }
}

/// Everything the policy knows about one user's second factor. Serializable (with the `serde`
/// feature) and versioned; store it encrypted, since it holds the TOTP secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        rename_all = "camelCase",
        deny_unknown_fields,
        try_from = "StoredRecord"
    )
)]
pub struct Record {
    /// The format version, [`RECORD_VERSION`].
    v: u32,
    active: Option<Authenticator>,
    pending: Option<Pending>,
    /// Consecutive failures from all sources.
    failures: u32,
    last_failure_at: u64,
    sources: Vec<SourceCount>,
    recovery: Option<RecoveryCodes>,
}

impl Default for Record {
    fn default() -> Self {
        Self {
            v: RECORD_VERSION,
            active: None,
            pending: None,
            failures: 0,
            last_failure_at: 0,
            sources: Vec::new(),
            recovery: None,
        }
    }
}

/// What a code matched, before the record is updated.
enum CodeCheck {
    Accepted(Verified),
    Resync(Resync),
    Replayed,
    Wrong,
}

impl Authenticator {
    fn new(secret: &Secret, params: OtpParams) -> Self {
        Self {
            secret: StoredSecret(secret.to_base32()),
            algorithm: params.algorithm().name().to_string(),
            digits: params.digits().get(),
            period: params.period(),
            last_step: None,
            drift: 0,
            resync: None,
        }
    }

    fn params(&self) -> Result<OtpParams> {
        Algorithm::parse(&self.algorithm)
            .and_then(|algorithm| OtpParams::new(algorithm, self.digits, self.period))
            .map_err(|_| Error::InvalidRecord)
    }

    fn secret(&self) -> Result<Secret> {
        Secret::from_base32(&self.secret.0).map_err(|_| Error::InvalidRecord)
    }

    fn totp(&self) -> Result<Totp> {
        Totp::new(&self.secret()?, self.params()?)
    }

    /// Checks a parsed code (RFC 6238 §5.2 and §6): the window around the remembered drift,
    /// then a pending resync's second code, then the resync reach around now.
    fn check(&self, policy: &Policy, totp: &Totp, typed: &Code, now_ms: u64) -> CodeCheck {
        let now = totp.step_at(now_ms / 1_000);
        let center = now.checked_add_signed(self.drift).unwrap_or(now);
        let fresh = |m: &Match| m.is_after(self.last_step);
        let mut scanner = totp.scanner();
        let mut matches = |center: u64, reach: u32| {
            search_order(center, reach)
                .filter(|m| scanner.matches(m.step, typed))
                .collect::<Vec<_>>()
        };
        let offset_of = |step: u64| (step as i128).saturating_sub(now as i128) as i64;
        // Only a completed resync moves the remembered drift. An ordinary match inside the
        // window keeps it: a matched step is the phone's offset give or take a step of typing
        // time and step edges, and a window that followed those ±1 steps would shift away from
        // the next code (an early code would leave a slow one outside).
        let accept = |step: u64, drift: i64| {
            CodeCheck::Accepted(Verified {
                step,
                drift_steps: drift,
            })
        };

        let in_window = matches(center, policy.window);
        if let Some(m) = in_window.iter().find(|m| fresh(m)) {
            return accept(m.step, self.drift);
        }
        if !in_window.is_empty() {
            return CodeCheck::Replayed;
        }
        if let Some(resync) = self.resync.filter(|r| r.expires_at > now_ms) {
            let expected = now.checked_add_signed(resync.offset).unwrap_or(now);
            let second = matches(expected, 1)
                .into_iter()
                .find(|m| fresh(m) && m.step > resync.step);
            if let Some(m) = second {
                return accept(m.step, offset_of(m.step));
            }
        }
        let near = |m: &Match| m.step.abs_diff(center) <= u64::from(policy.window);
        let wide = matches(now, policy.resync_reach);
        match wide.iter().find(|m| fresh(m) && !near(m)) {
            Some(m) => CodeCheck::Resync(Resync {
                offset: offset_of(m.step),
                step: m.step,
                expires_at: now_ms.saturating_add(policy.resync_ttl_ms),
            }),
            // A used code, seen again after the clock (or the remembered drift) moved: a
            // replay, like one inside the window, not a guess.
            None if !wide.is_empty() => CodeCheck::Replayed,
            None => CodeCheck::Wrong,
        }
    }
}

fn source_id(source: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"totpkit source\0")
        .chain_update(source.as_bytes())
        .finalize();
    hex(digest.get(..8).unwrap_or_default())
}

/// Whether `text` is `len` lowercase hex digits, as [`hex`] writes them.
fn is_lower_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for b in bytes {
        for nibble in [b >> 4, b & 15] {
            out.push(char::from(
                *DIGITS.get(usize::from(nibble)).unwrap_or(&b'0'),
            ));
        }
    }
    out
}

fn unhex<const N: usize>(text: &str) -> Result<[u8; N]> {
    unhex_bytes(text.as_bytes())
}

fn unhex_bytes<const N: usize>(text: &[u8]) -> Result<[u8; N]> {
    let mut out = [0u8; N];
    if text.len() != N.saturating_mul(2) {
        return Err(Error::InvalidRecord);
    }
    for (slot, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let digit = |c: &u8| char::from(*c).to_digit(16).ok_or(Error::InvalidRecord);
        let (hi, lo) = match pair {
            [hi, lo] => (digit(hi)?, digit(lo)?),
            _ => return Err(Error::InvalidRecord),
        };
        *slot = (hi << 4 | lo) as u8;
    }
    Ok(out)
}

impl Record {
    /// A user with nothing enrolled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks what a deserialized record claims: its version, its secrets and parameters, its
    /// hashes. Deserializing runs it, so a corrupt or foreign record is
    /// [`Error::InvalidRecord`] and never half-used; a `Record` in hand is always valid (its
    /// fields are private, and every function below returns valid records from valid ones), so
    /// they do not run it again: a verification costs one base32 decode of the secret, not two.
    pub fn validate(&self) -> Result<()> {
        if self.v != RECORD_VERSION {
            return Err(Error::InvalidRecord);
        }
        let pending = self.pending.as_ref().map(|p| &p.authenticator);
        // The secret decodes, in the canonical base32 this code writes, and the parameters hold;
        // keying the HMAC is left to the call that uses it. Every text is in the one form this
        // code writes (as the packed form, src/policy/packed.rs, reads it back), so two equal
        // records are equal field for field.
        for a in self.active.iter().chain(pending) {
            if *a.secret()?.to_base32() != *a.secret.0 {
                return Err(Error::InvalidRecord);
            }
            a.params()?;
        }
        if let Some(r) = &self.recovery {
            if !is_lower_hex(&r.salt, 2 * recovery::SALT_BYTES) {
                return Err(Error::InvalidRecord);
            }
            let count = r.count()?;
            // No used bit beyond the set.
            if u32::try_from(count).map_or(true, |n| r.used.checked_shr(n).unwrap_or(0) != 0) {
                return Err(Error::InvalidRecord);
            }
        }
        let ids_hold = self
            .sources
            .iter()
            .all(|s| is_lower_hex(&s.id, SOURCE_ID_HEX));
        if self.sources.len() > MAX_SOURCES || !ids_hold {
            return Err(Error::InvalidRecord);
        }
        Ok(())
    }

    /// Consecutive failures from all sources (a shell may show or log it).
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Whether an authenticator is active.
    pub fn is_enrolled(&self) -> bool {
        self.active.is_some()
    }

    /// What a status page shows, at `now_ms`.
    pub fn status(&self, policy: &Policy, now_ms: u64) -> Result<Status> {
        Ok(Status {
            enrolled: self.active.is_some(),
            pending: self.pending.as_ref().is_some_and(|p| p.expires_at > now_ms),
            recovery_codes_left: self.recovery.as_ref().map_or(0, RecoveryCodes::left),
            drift_steps: self.active.as_ref().map_or(0, |a| a.drift),
            locked: self.failures >= policy.lock_after_failures,
        })
    }

    /// Begins an enrollment of `account` (shown as `issuer`): a new secret from `random` (at
    /// least [`RANDOM_BYTES`]), confirmable until `now_ms` + [`Policy::enroll_ttl_ms`]. While a
    /// begun enrollment is pending, beginning again resumes it with the same secret (a reload
    /// must not invalidate a QR code already scanned); its expiry does not move.
    pub fn begin_enrollment(
        &self,
        policy: &Policy,
        issuer: &str,
        account: &str,
        now_ms: u64,
        random: &[u8],
    ) -> Result<Outcome<Begun>> {
        if issuer.chars().count() > MAX_LABEL_CHARS || account.chars().count() > MAX_LABEL_CHARS {
            return Err(Error::InvalidLabel);
        }
        let mut next = self.clone();
        if self.active.is_some() {
            return Ok(next.outcome(self, Err(Refusal::AlreadyEnrolled)));
        }
        let resumable = self.pending.as_ref().filter(|p| p.expires_at > now_ms);
        let (secret, params, expires_at, resumed) = match resumable {
            Some(p) => (
                p.authenticator.secret()?,
                p.authenticator.params()?,
                p.expires_at,
                true,
            ),
            None => (
                Secret::from_random(DEFAULT_SECRET_BYTES, random)?,
                policy.params,
                now_ms.saturating_add(policy.enroll_ttl_ms),
                false,
            ),
        };
        let issuer_opt = Some(issuer).filter(|i| !i.is_empty());
        let uri =
            Zeroizing::new(KeyUri::totp(secret.clone(), account, issuer_opt, params).to_uri()?);
        let authenticator = match (resumed, &self.pending) {
            (true, Some(p)) => p.authenticator.clone(),
            _ => Authenticator::new(&secret, params),
        };
        next.pending = Some(Pending {
            authenticator,
            issuer: issuer.to_string(),
            account: account.to_string(),
            expires_at,
        });
        let begun = Begun {
            secret,
            uri,
            expires_at_ms: expires_at,
            resumed,
            params,
        };
        Ok(next.outcome(self, Ok(begun)))
    }

    /// Confirms the pending enrollment with the first code from the user's app. The code's step
    /// counts as used; recovery codes are made from `random` (at least [`RANDOM_BYTES`]).
    pub fn confirm_enrollment(
        &self,
        policy: &Policy,
        code: &str,
        source: &str,
        now_ms: u64,
        random: &[u8],
    ) -> Result<Outcome<Confirmed>> {
        let mut next = self.clone();
        let Some(pending) = &self.pending else {
            let refusal = match self.active {
                Some(_) => Refusal::AlreadyEnrolled,
                None => Refusal::NoPending,
            };
            return Ok(next.outcome(self, Err(refusal)));
        };
        if pending.expires_at <= now_ms {
            next.pending = None;
            return Ok(next.outcome(self, Err(Refusal::Expired)));
        }
        if let Some(refusal) = self.gate(policy, source, now_ms, true) {
            return Ok(next.outcome(self, Err(refusal)));
        }
        let checked = next.check_code(policy, &pending.authenticator, code, source, now_ms)?;
        let decision = match checked {
            Ok((verified, mut authenticator)) => {
                let set = recovery::new_set(random)?;
                authenticator.resync = None;
                next.active = Some(authenticator);
                next.pending = None;
                next.recovery = Some(RecoveryCodes::from_set(&set));
                Ok(Confirmed {
                    step: verified.step,
                    recovery_codes: set.codes,
                })
            }
            Err((refusal, authenticator)) => {
                if let Some(p) = &mut next.pending {
                    p.authenticator = authenticator;
                }
                Err(refusal)
            }
        };
        Ok(next.outcome(self, decision))
    }

    /// Verifies a code at sign-in (or before a sensitive action).
    pub fn verify(
        &self,
        policy: &Policy,
        code: &str,
        source: &str,
        now_ms: u64,
    ) -> Result<Outcome<Verified>> {
        let mut next = self.clone();
        let Some(active) = &self.active else {
            return Ok(next.outcome(self, Err(Refusal::NotEnrolled)));
        };
        if let Some(refusal) = self.gate(policy, source, now_ms, true) {
            return Ok(next.outcome(self, Err(refusal)));
        }
        let decision = match next.check_code(policy, active, code, source, now_ms)? {
            Ok((verified, authenticator)) => {
                next.active = Some(authenticator);
                Ok(verified)
            }
            Err((refusal, authenticator)) => {
                next.active = Some(authenticator);
                Err(refusal)
            }
        };
        Ok(next.outcome(self, decision))
    }

    /// Uses up a recovery code. Not subject to the lock (it is the way out of it), only to the
    /// delays; a success clears the failure counts. A code of this set used before is
    /// `replayed` (say, the same code submitted twice at once), not a guess.
    pub fn use_recovery_code(
        &self,
        policy: &Policy,
        code: &str,
        source: &str,
        now_ms: u64,
    ) -> Result<Outcome<usize>> {
        let mut next = self.clone();
        let (Some(_), Some(codes)) = (&self.active, &self.recovery) else {
            return Ok(next.outcome(self, Err(Refusal::NotEnrolled)));
        };
        if let Some(refusal) = self.gate(policy, source, now_ms, false) {
            return Ok(next.outcome(self, Err(refusal)));
        }
        let Some(normal) = recovery::normalize(code) else {
            let refusal = Refusal::Malformed {
                digits: recovery::CODE_CHARS as u32,
            };
            return Ok(next.outcome(self, Err(refusal)));
        };
        let typed = recovery::hash(&unhex(&codes.salt)?, &normal);
        // Every hash is compared (in constant time) before the used bit of the match is read.
        let decision = match recovery::position(&codes.list()?, &typed).map(RecoveryCodes::bit) {
            Some(bit) if codes.used & bit == 0 => {
                let mut codes = codes.clone();
                codes.used |= bit;
                let left = codes.left();
                next.recovery = Some(codes);
                next.succeed();
                Ok(left)
            }
            Some(_) => Err(Refusal::Replayed),
            None => Err(next.fail(policy, source, now_ms)),
        };
        Ok(next.outcome(self, decision))
    }

    /// A new set of recovery codes from `random`; the old set stops working at once.
    pub fn regenerate_recovery_codes(&self, random: &[u8]) -> Result<Outcome<Vec<String>>> {
        let mut next = self.clone();
        if self.active.is_none() {
            return Ok(next.outcome(self, Err(Refusal::NotEnrolled)));
        }
        let set = recovery::new_set(random)?;
        next.recovery = Some(RecoveryCodes::from_set(&set));
        Ok(next.outcome(self, Ok(set.codes)))
    }

    /// Removes the authenticator, a pending enrollment, the recovery codes and the counts.
    pub fn disable(&self) -> Result<Outcome<()>> {
        let next = Self::default();
        Ok(next.outcome(self, Ok(())))
    }

    fn outcome<T>(self, before: &Self, decision: core::result::Result<T, Refusal>) -> Outcome<T> {
        Outcome {
            changed: self != *before,
            record: self,
            decision,
        }
    }

    /// Parses and checks a code against `authenticator`, and updates the counts: a success
    /// clears them, a wrong code counts. Returns the authenticator as it must be stored.
    fn check_code(
        &mut self,
        policy: &Policy,
        authenticator: &Authenticator,
        code: &str,
        source: &str,
        now_ms: u64,
    ) -> Result<core::result::Result<(Verified, Authenticator), (Refusal, Authenticator)>> {
        let totp = authenticator.totp()?;
        let mut updated = authenticator.clone();
        let digits = totp.params().digits().get();
        let Ok(typed) = Code::parse(code, digits) else {
            return Ok(Err((Refusal::Malformed { digits }, updated)));
        };
        Ok(match authenticator.check(policy, &totp, &typed, now_ms) {
            CodeCheck::Accepted(verified) => {
                updated.last_step = Some(verified.step);
                updated.drift = verified.drift_steps;
                updated.resync = None;
                self.succeed();
                Ok((verified, updated))
            }
            CodeCheck::Resync(resync) => {
                updated.resync = Some(resync);
                let seconds = resync
                    .offset
                    .saturating_mul(i64::from(totp.params().period()));
                let refusal = Refusal::Resync {
                    offset_steps: resync.offset,
                    offset_seconds: seconds,
                };
                Err((refusal, updated))
            }
            // A resync takes two *consecutive* codes: any other attempt in between ends it, so
            // a lucky guess within reach buys an attacker one extra try, never three minutes
            // of a second window.
            CodeCheck::Replayed => {
                updated.resync = None;
                Err((Refusal::Replayed, updated))
            }
            CodeCheck::Wrong => {
                updated.resync = None;
                Err((self.fail(policy, source, now_ms), updated))
            }
        })
    }

    /// Whether an attempt may be made now: not locked (when the lock applies), and neither
    /// `source`'s delay nor the all-sources delay pending. The source's id (a hash) is only
    /// computed when some source has failures: not at all on most sign-ins.
    fn gate(&self, policy: &Policy, source: &str, now_ms: u64, lockable: bool) -> Option<Refusal> {
        if lockable && self.failures >= policy.lock_after_failures {
            return Some(Refusal::Locked);
        }
        let id = (!self.sources.is_empty()).then(|| source_id(source));
        let wait = self.wait_ms(policy, id.as_deref(), now_ms);
        (wait > 0).then_some(Refusal::Throttled {
            retry_after_ms: wait,
        })
    }

    /// The wait before the next attempt from the source `id` (None: a source with no failures).
    fn wait_ms(&self, policy: &Policy, id: Option<&str>, now_ms: u64) -> u64 {
        let own = self
            .sources
            .iter()
            .find(|s| Some(s.id.as_str()) == id)
            .map_or(0, |s| {
                s.last_failure_at
                    .saturating_add(policy.delay_ms(s.failures, policy.delay_from_failures))
                    .saturating_sub(now_ms)
            });
        let all = self
            .last_failure_at
            .saturating_add(policy.delay_ms(self.failures, policy.account_delay_from_failures))
            .saturating_sub(now_ms);
        own.max(all)
    }

    /// Counts a wrong code from `source` and words the refusal.
    fn fail(&mut self, policy: &Policy, source: &str, now_ms: u64) -> Refusal {
        let id = source_id(source);
        self.failures = self.failures.saturating_add(1);
        self.last_failure_at = now_ms;
        let index = match self.sources.iter().position(|s| s.id == id) {
            Some(i) => i,
            None => {
                if self.sources.len() >= MAX_SOURCES {
                    let oldest = (0..self.sources.len())
                        .min_by_key(|&i| self.sources.get(i).map_or(0, |s| s.last_failure_at));
                    if let Some(i) = oldest {
                        self.sources.remove(i);
                    }
                }
                self.sources.push(SourceCount {
                    id: id.clone(),
                    ..SourceCount::default()
                });
                self.sources.len().saturating_sub(1)
            }
        };
        if let Some(s) = self.sources.get_mut(index) {
            s.failures = s.failures.saturating_add(1);
            s.last_failure_at = now_ms;
        }
        Refusal::Invalid {
            attempts_left: policy.lock_after_failures.saturating_sub(self.failures),
            retry_after_ms: self.wait_ms(policy, Some(&id), now_ms),
        }
    }

    fn succeed(&mut self) {
        self.failures = 0;
        self.last_failure_at = 0;
        self.sources.clear();
    }
}

impl RecoveryCodes {
    fn from_set(set: &recovery::NewSet) -> Self {
        Self {
            salt: hex(&set.salt),
            hashes: hex(&set.hashes.concat()),
            used: 0,
        }
    }

    /// Version 1's lists as this version: the unused codes, then the used ones (marked), each
    /// hash cut to what this version keeps of it.
    #[cfg(feature = "serde")]
    fn from_v1(v1: &RecoveryCodesV1) -> Result<Self> {
        let mut hashes = Vec::with_capacity(v1.hashes.len().saturating_add(v1.used.len()));
        let mut used = 0;
        for (i, h) in v1.hashes.iter().chain(&v1.used).enumerate() {
            hashes.push(recovery::truncate(&unhex::<32>(h)?));
            if i >= v1.hashes.len() {
                used |= Self::bit(i);
            }
        }
        let codes = Self {
            salt: v1.salt.clone(),
            hashes: hex(&hashes.concat()),
            used,
        };
        codes.list()?;
        Ok(codes)
    }

    /// How many hashes the set holds, checked as `list` checks them (whole hex hashes, at most
    /// 32) without decoding them: `validate` runs on every record read, and the list is only
    /// needed when a recovery code is typed.
    fn count(&self) -> Result<usize> {
        let count = self.hashes.len().checked_div(HASH_HEX).unwrap_or(0);
        if count > 32 || !is_lower_hex(&self.hashes, count.saturating_mul(HASH_HEX)) {
            return Err(Error::InvalidRecord);
        }
        Ok(count)
    }

    /// The hashes of the set, at most 32 (one bit of `used` each).
    fn list(&self) -> Result<Vec<[u8; recovery::HASH_BYTES]>> {
        let chunks = self.hashes.as_bytes().chunks(HASH_HEX);
        if chunks.len() > 32 {
            return Err(Error::InvalidRecord);
        }
        chunks.map(unhex_bytes).collect()
    }

    /// The bit of `used` that stands for code `i` (0 for none beyond 32: `list` refuses those).
    fn bit(i: usize) -> u32 {
        u32::try_from(i)
            .ok()
            .and_then(|i| 1u32.checked_shl(i))
            .unwrap_or(0)
    }

    /// Codes not used yet.
    fn left(&self) -> usize {
        let total = self.hashes.len() / HASH_HEX;
        total.saturating_sub(self.used.count_ones() as usize)
    }
}
