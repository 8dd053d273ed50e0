//! The limits that are not the second factor's: wrong passwords, failed logins and sessions
//! per client IP, and the sessions' lifetimes and caps, in one injectable struct with the
//! counters that enforce them.
//!
//! The second factor's rules (window, single use, resync, delays for codes, the lock, recovery
//! codes, enrollment's lifetime) are the core's: `totpkit::policy`, whose numbers this struct
//! carries in [`Policy::otp`] so tests can replace them too. Only one second-factor rule is
//! this server's, because it is about sessions: a password login buys 10 attempts.
//!
//! The defaults follow what NIST SP 800-63B §5.2.2 and OWASP ASVS V2.8 ask, with delays kept
//! short enough that a person trying the demo is never blocked for long:
//!
//! | rule | default |
//! |---|---|
//! | attempts at a second factor per password login | 10, then the login restarts from the password |
//! | wrong passwords of one email from one source (`n` ≥ 3) | the core's doubling delays, 2^(n−3) s, at most 60 s; never a lock |
//! | wrong passwords of one email from all sources without a known-device cookie (`n` ≥ 50) | the same delays, counted from 50 |
//! | failed password logins per client IP | 20 per 60 s |
//! | password sessions made per client IP | 30 per 60 s |
//! | password-stage sessions held | 10 per account, 20 per client IP (the oldest goes) |
//! | session | 10 min to finish the second factor, then 8 h signed in |
//!
//! Password counters are keyed on the normalized email whether or not an account has it, so
//! the answers never tell which accounts exist, and on the *source*: the browser's
//! known-device cookie when it has signed in to this account before, else its IP address.
//! Failures from one source never slow the owner at another, and a hard password lock, which
//! anyone who knows an email could trigger, does not exist (NIST SP 800-63B §5.2.2 asks that
//! rate limiting not become a denial of service). These counters live in memory only; the
//! second factor's are in its record, kept in the data file.

use std::collections::HashMap;
use std::net::IpAddr;

/// Every number of the policy. Tests build one with shorter or longer limits; the server uses
/// [`Policy::default`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The second factor's numbers: window, resync, delays for codes, the lock, how long an
    /// enrollment stays confirmable. The core owns those rules (`totpkit::policy`).
    pub otp: totpkit::policy::Policy,
    /// Second-factor attempts a password login buys before it must be repeated.
    pub attempts_per_login: u32,
    /// Consecutive wrong passwords of one email from one source from which that source waits
    /// (the core's doubling delays: `otp.base_delay_ms` at it, at most `otp.max_delay_ms`).
    pub delay_from_failures: u32,
    /// Consecutive wrong passwords of one email, from every source without a known-device
    /// cookie together, from which the account-wide delay applies.
    pub account_delay_from_failures: u32,
    /// How long an idle password counter is kept (then it is forgotten).
    pub forget_after_ms: u64,
    /// Failed password logins one IP address may make per `ip_window_ms`.
    pub ip_max_failures: u32,
    /// Password sessions one IP address may open per `ip_window_ms`.
    pub ip_max_logins: u32,
    /// Password-stage sessions one account may hold; a new one replaces the oldest.
    pub password_sessions_per_account: usize,
    /// Password-stage sessions one IP address may hold; a new one replaces the oldest.
    pub password_sessions_per_source: usize,
    /// The length of the per-IP window.
    pub ip_window_ms: u64,
    /// How long a password-only session may take to present its second factor.
    pub half_session_ttl_ms: u64,
    /// How long a fully signed-in session lasts.
    pub session_ttl_ms: u64,
    /// Sessions kept at most (bounds memory under load). Password-stage sessions make room by
    /// dropping the oldest password-stage ones; a signed-in session is never dropped for them.
    pub max_sessions: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            otp: totpkit::policy::Policy::default(),
            attempts_per_login: 10,
            delay_from_failures: 3,
            account_delay_from_failures: 50,
            forget_after_ms: 60 * 60 * 1_000,
            ip_max_failures: 20,
            ip_max_logins: 30,
            password_sessions_per_account: 10,
            password_sessions_per_source: 20,
            ip_window_ms: 60_000,
            half_session_ttl_ms: 10 * 60 * 1_000,
            session_ttl_ms: 8 * 60 * 60 * 1_000,
            max_sessions: 10_000,
        }
    }
}

/// Consecutive wrong passwords of one key, and when the last one happened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Throttle {
    /// Consecutive failures since the last success.
    pub failures: u32,
    last_failure_ms: u64,
}

impl Throttle {
    /// The wait before the next attempt when delays start at `from` failures (no lock).
    pub fn wait_ms(&self, policy: &Policy, from: u32, now_ms: u64) -> u64 {
        self.last_failure_ms
            .saturating_add(policy.otp.delay_ms(self.failures, from))
            .saturating_sub(now_ms)
    }

    /// Records a failure at `now_ms`.
    pub fn fail(&mut self, now_ms: u64) {
        self.failures = self.failures.saturating_add(1);
        self.last_failure_ms = now_ms;
    }

    /// Records a success: the count starts again.
    pub fn succeed(&mut self) {
        *self = Self::default();
    }
}

/// Where an attempt comes from, for its throttle: a password's here, a second factor's in the
/// core's policy (as this source's text, [`Source`]'s `Display`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A browser whose known-device cookie this account issued (the token's digest).
    Device([u8; 32]),
    /// Anything else: the client's IP address.
    Ip(IpAddr),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Device(digest) => write!(f, "device:{}", crate::secrets::hex(digest)),
            Self::Ip(ip) => write!(f, "ip:{ip}"),
        }
    }
}

/// Wrong passwords per (email, source) and per email, with growing delays and no lock.
///
/// Keys are the SHA-256 of the normalized email, so unknown emails are throttled exactly like
/// known ones (the answers cannot tell them apart) and the table's keys have a fixed size.
#[derive(Debug, Default)]
pub struct PasswordThrottles {
    by_source: HashMap<([u8; 32], Source), Throttle>,
    by_account: HashMap<[u8; 32], Throttle>,
}

/// Password counters kept at most before idle ones are forgotten.
const PASSWORD_SWEEP_AT: usize = 50_000;

impl PasswordThrottles {
    /// `Err(ms to wait)` when this email may not be tried from `source` now. A trusted source
    /// (a known device of this account) skips the account-wide delay.
    pub fn check(
        &self,
        policy: &Policy,
        account: &[u8; 32],
        source: Source,
        trusted: bool,
        now_ms: u64,
    ) -> Result<(), u64> {
        let own = self
            .by_source
            .get(&(*account, source))
            .map_or(0, |t| t.wait_ms(policy, policy.delay_from_failures, now_ms));
        let shared = match self.by_account.get(account) {
            Some(t) if !trusted => t.wait_ms(policy, policy.account_delay_from_failures, now_ms),
            _ => 0,
        };
        match own.max(shared) {
            0 => Ok(()),
            wait => Err(wait),
        }
    }

    /// Records a wrong password (or an unknown email).
    pub fn fail(&mut self, policy: &Policy, account: &[u8; 32], source: Source, now_ms: u64) {
        if self.by_source.len() >= PASSWORD_SWEEP_AT || self.by_account.len() >= PASSWORD_SWEEP_AT {
            let keep = |t: &mut Throttle| {
                t.last_failure_ms.saturating_add(policy.forget_after_ms) > now_ms
            };
            self.by_source.retain(|_, t| keep(t));
            self.by_account.retain(|_, t| keep(t));
        }
        self.by_source
            .entry((*account, source))
            .or_default()
            .fail(now_ms);
        self.by_account.entry(*account).or_default().fail(now_ms);
    }

    /// Records a right password: this source's count and the account-wide one start again.
    pub fn succeed(&mut self, account: &[u8; 32], source: Source) {
        self.by_source.remove(&(*account, source));
        self.by_account.remove(account);
    }
}

/// Events per client IP address (failed logins, sessions opened), counted in fixed windows.
///
/// A success does not clear an address's failure count: otherwise anyone with one account of
/// their own could reset the limit between guesses at other accounts.
#[derive(Debug, Default)]
pub struct IpLimiter {
    windows: HashMap<IpAddr, (u64, u32)>,
}

/// Addresses tracked at most before windows that ended are swept.
const IP_SWEEP_AT: usize = 10_000;

impl IpLimiter {
    /// `Err(ms to wait)` when `ip` has used up its `max` events in the current window.
    pub fn check(&self, policy: &Policy, max: u32, ip: IpAddr, now_ms: u64) -> Result<(), u64> {
        match self.windows.get(&ip) {
            Some(&(start, count)) if count >= max => {
                let ends = start.saturating_add(policy.ip_window_ms);
                match ends.checked_sub(now_ms) {
                    Some(wait) if wait > 0 => Err(wait),
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }

    /// Records an event from `ip` at `now_ms`.
    pub fn record(&mut self, policy: &Policy, ip: IpAddr, now_ms: u64) {
        if self.windows.len() >= IP_SWEEP_AT {
            self.windows
                .retain(|_, (start, _)| start.saturating_add(policy.ip_window_ms) > now_ms);
        }
        let entry = self.windows.entry(ip).or_insert((now_ms, 0));
        if entry.0.saturating_add(policy.ip_window_ms) <= now_ms {
            *entry = (now_ms, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_throttles_are_per_source_with_an_account_wide_fence() {
        let policy = Policy::default();
        let mut throttles = PasswordThrottles::default();
        let alice = [1u8; 32];
        let (mallory, owner) = (
            Source::Ip(IpAddr::from([127, 0, 0, 2])),
            Source::Ip(IpAddr::from([127, 0, 0, 3])),
        );
        let mut now = 0;
        for _ in 0..49 {
            throttles.fail(&policy, &alice, mallory, now);
            now += 60_000;
        }
        // Mallory waits; the owner elsewhere does not, even without a device cookie.
        assert_eq!(
            throttles.check(&policy, &alice, mallory, false, now - 1),
            Err(1)
        );
        assert_eq!(throttles.check(&policy, &alice, owner, false, now), Ok(()));
        // From the 50th failure, untrusted sources share the account-wide delay; a known
        // device does not, and no number of failures locks anyone out.
        for _ in 0..200 {
            throttles.fail(&policy, &alice, mallory, now);
            now += 60_000;
        }
        throttles.fail(&policy, &alice, mallory, now);
        assert_eq!(
            throttles.check(&policy, &alice, owner, false, now),
            Err(60_000)
        );
        let device = Source::Device([9; 32]);
        assert_eq!(throttles.check(&policy, &alice, device, true, now), Ok(()));
        assert_eq!(
            throttles.check(&policy, &alice, owner, false, now + 60_000),
            Ok(())
        );
        throttles.succeed(&alice, device);
        assert_eq!(throttles.check(&policy, &alice, owner, false, now), Ok(()));
    }

    #[test]
    fn ip_window_resets_when_it_ends() {
        let policy = Policy {
            ip_max_failures: 2,
            ip_window_ms: 1_000,
            ..Policy::default()
        };
        let ip = IpAddr::from([127, 0, 0, 1]);
        let mut limiter = IpLimiter::default();
        let max = policy.ip_max_failures;
        limiter.record(&policy, ip, 0);
        assert_eq!(limiter.check(&policy, max, ip, 1), Ok(()));
        limiter.record(&policy, ip, 1);
        assert_eq!(limiter.check(&policy, max, ip, 400), Err(600));
        assert_eq!(limiter.check(&policy, max, ip, 1_000), Ok(()));
        limiter.record(&policy, ip, 1_000);
        assert_eq!(limiter.check(&policy, max, ip, 1_001), Ok(()));
    }
}
