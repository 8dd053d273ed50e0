//! The user model: an account, its password hash, its second factor and its known devices.
//! Persistence lives in [`crate::store`].
//!
//! The second factor is one [`Record`] of the core's policy (`totpkit::policy`): the active
//! authenticator and its last used step and drift, a pending enrollment, the recovery codes
//! (hashed), the failure counts and a pending resync. The policy's functions decide; this
//! server only stores the record they return.
//!
//! Each user sits behind their own mutex, held from loading the record to storing the new one:
//! that is this server's compare-and-set, and what makes two simultaneous submissions of one
//! code succeed exactly once (RFC 6238 §5.2: a verifier must not accept the same OTP twice).

use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};

use totpkit::policy::{Outcome, Record, Refusal};

use crate::policy::Source;
use crate::secrets::{self, RandomUnavailable};

/// Locks a mutex, carrying on if a previous holder panicked: every update here is a plain
/// assignment, so no invariant can be half-broken.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Devices remembered per account at most (the oldest is forgotten first).
const MAX_DEVICES: usize = 16;

/// One account.
pub struct User {
    /// The sign-in name, lowercase.
    pub email: String,
    pub(crate) password_salt: [u8; 16],
    pub(crate) password_hash: [u8; 32],
    /// Everything the second factor's policy knows (see the module docs).
    pub second_factor: Record,
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
            Record::new(),
        ))
    }

    /// An account as the data file keeps it.
    pub(crate) fn from_parts(
        email: &str,
        password_salt: [u8; 16],
        password_hash: [u8; 32],
        second_factor: Record,
    ) -> Self {
        Self {
            email: email.to_lowercase(),
            password_salt,
            password_hash,
            second_factor,
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

    /// Stores the record a policy decision returned. Returns the decision and whether the
    /// record changed (then it must reach the data file before anything is granted).
    pub fn apply<T>(&mut self, outcome: Outcome<T>) -> (Result<T, Refusal>, bool) {
        self.second_factor = outcome.record;
        (outcome.decision, outcome.changed)
    }

    /// Where an attempt comes from, for the per-source limits (passwords here, second factors
    /// in the core's policy): this account's known-device cookie when the browser has one, else
    /// the client's IP address. The device comes first so that the owner's browser is never
    /// slowed by guesses from elsewhere behind the same address (a shared NAT). An attacker
    /// cannot borrow it: the cookie is only issued after both factors succeed.
    pub fn source(&self, ip: IpAddr, device_cookie: Option<&str>) -> Source {
        match device_cookie.map(secrets::session_key) {
            Some(digest) if self.knows_device(&digest) => Source::Device(digest),
            _ => Source::Ip(ip),
        }
    }

    /// Removes the second factor entirely (the policy's `disable`) and ends all earlier
    /// sessions.
    pub fn reset_two_factor(&mut self) -> totpkit::Result<()> {
        self.second_factor = self.second_factor.disable()?.record;
        self.epoch = self.epoch.saturating_add(1);
        Ok(())
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
    fn devices_are_remembered_and_bounded() {
        let mut user = User::new("a@example.com", "pw").unwrap();
        for i in 0..=MAX_DEVICES {
            user.remember_device([u8::try_from(i).unwrap(); 32]);
        }
        assert!(!user.knows_device(&[0; 32]));
        assert!(user.knows_device(&[1; 32]));
    }

    #[test]
    fn the_source_is_a_known_device_else_the_address() {
        let mut user = User::new("a@example.com", "pw").unwrap();
        let ip = IpAddr::from([127, 0, 0, 2]);
        assert_eq!(user.source(ip, None).to_string(), "ip:127.0.0.2");
        assert_eq!(user.source(ip, Some("abc")), Source::Ip(ip));
        user.remember_device(secrets::session_key("abc"));
        let device = user.source(ip, Some("abc")).to_string();
        assert!(
            device.starts_with("device:") && device.len() == 7 + 64,
            "{device}"
        );
    }
}
