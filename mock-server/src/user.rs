//! The user model: an account, its password hash, its authenticator (active or pending), its
//! recovery codes and second-factor counter. Persistence lives in [`crate::store`].
//!
//! Each user sits behind their own mutex. Verification holds it from reading the last used
//! step to storing the new one, which is what makes two simultaneous submissions of one code
//! succeed exactly once (RFC 6238 §5.2: a verifier must not accept the same OTP twice). The
//! same lock makes a recovery code single-use, and a just-used one is recognized as a replay
//! rather than counted as a guess.

use std::sync::{Mutex, MutexGuard, PoisonError};

use totpkit::{OtpParams, Secret, Totp};

use crate::policy::Throttle;
use crate::secrets::{self, RandomUnavailable};

/// Locks a mutex, carrying on if a previous holder panicked: every update here is a plain
/// assignment, so no invariant can be half-broken.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An active authenticator.
pub struct Enrolled {
    pub(crate) secret: Secret,
    /// The keyed generator for `secret`.
    pub totp: Totp,
    /// The step of the last accepted code; no step at or before it is accepted again.
    pub last_used_step: Option<u64>,
}

/// A secret handed out by enrollment and not yet confirmed.
pub struct Pending {
    pub(crate) secret: Secret,
    /// The keyed generator for the pending secret.
    pub totp: Totp,
    /// Unix ms after which it can no longer be confirmed.
    pub expires_ms: u64,
}

impl Pending {
    /// A pending enrollment of `secret`, confirmable until `expires_ms`.
    pub fn new(secret: Secret, params: OtpParams, expires_ms: u64) -> totpkit::Result<Self> {
        Ok(Self {
            totp: Totp::new(&secret, params)?,
            secret,
            expires_ms,
        })
    }

    /// The pending secret (to show it again when a reload resumes the enrollment).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// Activates the pending secret; the confirming code's step counts as used.
    pub fn activate(self, used_step: u64) -> Enrolled {
        Enrolled {
            secret: self.secret,
            totp: self.totp,
            last_used_step: Some(used_step),
        }
    }
}

/// What a submitted recovery code turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoveryUse {
    /// One of the account's codes: it is now used up.
    Accepted,
    /// A code of the current set that was already used: a replay, refused but not a guess.
    AlreadyUsed,
    /// Not a code of this account.
    Wrong,
}

/// Devices remembered per account at most (the oldest is forgotten first).
const MAX_DEVICES: usize = 16;

/// One account.
pub struct User {
    /// The sign-in name, lowercase.
    pub email: String,
    pub(crate) password_salt: [u8; 16],
    pub(crate) password_hash: [u8; 32],
    /// The active authenticator, if 2FA is set up.
    pub totp: Option<Enrolled>,
    /// An enrollment in progress.
    pub pending: Option<Pending>,
    pub(crate) recovery_salt: [u8; 16],
    pub(crate) recovery_hashes: Vec<[u8; 32]>,
    /// Hashes of the current set's codes that were used (in memory only).
    used_recovery: Vec<[u8; 32]>,
    /// Consecutive wrong second factors (TOTP or recovery codes).
    pub otp_throttle: Throttle,
    /// Bumped when 2FA is reset, which ends every session begun before.
    pub epoch: u64,
    /// Digests of device tokens of browsers that completed a sign-in (in memory only).
    devices: Vec<[u8; 32]>,
}

impl User {
    /// A new account without 2FA.
    pub fn new(email: &str, password: &str) -> Result<Self, RandomUnavailable> {
        let salt = *secrets::random_bytes::<16>()?;
        Ok(Self::from_parts(
            email,
            salt,
            secrets::password_hash(&salt, password),
            None,
            *secrets::random_bytes::<16>()?,
            Vec::new(),
        ))
    }

    /// An account as the data file keeps it.
    pub(crate) fn from_parts(
        email: &str,
        password_salt: [u8; 16],
        password_hash: [u8; 32],
        totp: Option<Enrolled>,
        recovery_salt: [u8; 16],
        recovery_hashes: Vec<[u8; 32]>,
    ) -> Self {
        Self {
            email: email.to_lowercase(),
            password_salt,
            password_hash,
            totp,
            pending: None,
            recovery_salt,
            recovery_hashes,
            used_recovery: Vec::new(),
            otp_throttle: Throttle::default(),
            epoch: 0,
            devices: Vec::new(),
        }
    }

    /// Whether `password` is this user's, compared in constant time.
    pub fn check_password(&self, password: &str) -> bool {
        secrets::digest_eq(
            &secrets::password_hash(&self.password_salt, password),
            &self.password_hash,
        )
    }

    /// Replaces the recovery codes with new ones and returns them (the only time they exist
    /// in clear). The old set stops working at once.
    pub fn new_recovery_codes(&mut self) -> Result<Vec<String>, RandomUnavailable> {
        let codes = secrets::new_recovery_codes()?;
        self.recovery_salt = *secrets::random_bytes::<16>()?;
        self.recovery_hashes = codes
            .iter()
            .filter_map(|code| secrets::normalize_recovery_code(code))
            .map(|normalized| secrets::recovery_hash(&self.recovery_salt, &normalized))
            .collect();
        self.used_recovery.clear();
        Ok(codes)
    }

    /// Uses up a recovery code if `typed` is one of the account's.
    pub fn use_recovery_code(&mut self, typed: &str) -> RecoveryUse {
        let Some(normalized) = secrets::normalize_recovery_code(typed) else {
            return RecoveryUse::Wrong;
        };
        let hash = secrets::recovery_hash(&self.recovery_salt, &normalized);
        // Compare against every stored code, so the time taken does not tell which one matched.
        let mut found = None;
        for (i, stored) in self.recovery_hashes.iter().enumerate() {
            if secrets::digest_eq(stored, &hash) && found.is_none() {
                found = Some(i);
            }
        }
        let used = self.used_recovery.iter().fold(false, |seen, stored| {
            seen | secrets::digest_eq(stored, &hash)
        });
        match found {
            Some(i) => {
                self.recovery_hashes.remove(i);
                self.used_recovery.push(hash);
                RecoveryUse::Accepted
            }
            None if used => RecoveryUse::AlreadyUsed,
            None => RecoveryUse::Wrong,
        }
    }

    /// Recovery codes not used yet.
    pub fn recovery_codes_left(&self) -> usize {
        self.recovery_hashes.len()
    }

    /// Removes the authenticator and its recovery codes, and ends all earlier sessions.
    pub fn reset_two_factor(&mut self) {
        self.totp = None;
        self.pending = None;
        self.recovery_hashes.clear();
        self.used_recovery.clear();
        self.otp_throttle.succeed();
        self.epoch = self.epoch.saturating_add(1);
    }

    /// Remembers a browser that completed a sign-in (by its device token's digest).
    pub fn remember_device(&mut self, digest: [u8; 32]) {
        if self.knows_device(&digest) {
            return;
        }
        if self.devices.len() >= MAX_DEVICES {
            self.devices.remove(0);
        }
        self.devices.push(digest);
    }

    /// Whether this device token digest completed a sign-in to this account before.
    pub fn knows_device(&self, digest: &[u8; 32]) -> bool {
        self.devices
            .iter()
            .fold(false, |seen, d| seen | secrets::digest_eq(d, digest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_code_works_once_and_a_replay_is_told_apart() {
        let mut user = User::new("a@example.com", "pw").unwrap();
        let codes = user.new_recovery_codes().unwrap();
        assert_eq!(user.recovery_codes_left(), 10);
        let code = codes.first().unwrap();
        assert_eq!(
            user.use_recovery_code(&code.to_uppercase()),
            RecoveryUse::Accepted
        );
        assert_eq!(user.use_recovery_code(code), RecoveryUse::AlreadyUsed);
        assert_eq!(user.recovery_codes_left(), 9);
        assert_eq!(user.use_recovery_code("nope"), RecoveryUse::Wrong);
        assert_eq!(user.use_recovery_code("zzzzz-zzzzz"), RecoveryUse::Wrong);
        // A new set forgets the old one entirely.
        user.new_recovery_codes().unwrap();
        assert_eq!(user.use_recovery_code(code), RecoveryUse::Wrong);
    }

    #[test]
    fn devices_are_remembered_and_bounded() {
        let mut user = User::new("a@example.com", "pw").unwrap();
        for i in 0..=MAX_DEVICES {
            user.remember_device([u8::try_from(i).unwrap(); 32]);
        }
        assert!(!user.knows_device(&[0; 32]));
        assert!(user.knows_device(&[1; 32]));
    }
}
