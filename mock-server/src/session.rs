//! Server-side sessions behind an opaque cookie.
//!
//! The cookie carries 32 random bytes; the server keys its table by their SHA-256, so the table
//! itself holds nothing that signs anyone in. A login makes a *password* session (good for
//! enrolling or for the second factor only); a successful second factor replaces it with a
//! *full* one under a fresh token, so a token seen before sign-in is worthless after it
//! (session fixation). The cookie is `HttpOnly; SameSite=Strict; Path=/`; a production server
//! on HTTPS also sets `Secure` and the `__Host-` name prefix, which plain-HTTP localhost cannot.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use crate::policy::Policy;
use crate::secrets::{self, RandomUnavailable};
use crate::user::lock;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "totpkit_session";
/// The known-device cookie's name: set when a browser completes a sign-in, it lets that browser
/// past the account-wide password delay (see `crate::policy`).
pub const DEVICE_COOKIE_NAME: &str = "totpkit_device";
/// How long a browser stays a known device: 30 days.
pub const DEVICE_COOKIE_MAX_AGE_SECS: u64 = 30 * 24 * 60 * 60;

/// Why no session could be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateError {
    /// The CSPRNG failed.
    Random,
    /// The table is full of signed-in sessions, which are never dropped to make room.
    Full,
}

impl From<RandomUnavailable> for CreateError {
    fn from(_: RandomUnavailable) -> Self {
        Self::Random
    }
}

/// How far a session has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The password was right; enrollment or the second factor comes next.
    Password,
    /// Signed in with both factors.
    Full,
}

/// One session.
#[derive(Clone, Debug)]
pub struct Session {
    /// The user's email (lowercase).
    pub email: String,
    /// How far the session has got.
    pub stage: Stage,
    /// Unix ms when the session was made.
    pub created_ms: u64,
    /// Unix ms after which the session is gone.
    pub expires_ms: u64,
    /// The user's epoch when the session was made; a 2FA reset bumps it and so ends the session.
    pub epoch: u64,
    /// The user's consecutive second-factor failures when the password was accepted: this
    /// login's attempts are the failures counted since.
    pub otp_failures_at_login: u32,
    /// The client's IP address when the password was accepted (for the per-source caps).
    pub source: IpAddr,
}

impl Session {
    /// Second-factor attempts this login has left: a password login buys
    /// `attempts_per_login`, and each failure the account's record counted since uses one
    /// (`failures` is the record's count now). At 0 the login starts again from the password,
    /// so a stolen password buys a few guesses per login, never a stream of them.
    pub fn attempts_left(&self, policy: &Policy, failures: u32) -> u32 {
        let used = failures.saturating_sub(self.otp_failures_at_login);
        policy.attempts_per_login.saturating_sub(used)
    }
}

/// The session table.
#[derive(Debug, Default)]
pub struct Sessions {
    map: Mutex<HashMap<[u8; 32], Session>>,
}

impl Sessions {
    /// Stores `session` under a new token and returns the token for the cookie.
    ///
    /// A password-stage session first replaces the oldest password-stage session of its
    /// account, and of its source, beyond their caps. When the table is full, expired sessions
    /// are swept, then the oldest password-stage session is dropped; a signed-in session is
    /// never dropped to make room, so a flood of logins cannot sign anyone out (the table
    /// answers `Full` instead).
    pub fn create(
        &self,
        session: Session,
        policy: &Policy,
        now_ms: u64,
    ) -> Result<String, CreateError> {
        let (token, key) = secrets::new_session_token()?;
        let mut map = lock(&self.map);
        if session.stage == Stage::Password {
            let same_account = |s: &Session| s.stage == Stage::Password && s.email == session.email;
            let same_source =
                |s: &Session| s.stage == Stage::Password && s.source == session.source;
            let per_account = policy.password_sessions_per_account.saturating_sub(1);
            let per_source = policy.password_sessions_per_source.saturating_sub(1);
            drop_oldest_beyond(&mut map, per_account, same_account);
            drop_oldest_beyond(&mut map, per_source, same_source);
        }
        if map.len() >= policy.max_sessions {
            map.retain(|_, s| s.expires_ms > now_ms);
        }
        let over = map
            .len()
            .saturating_add(1)
            .saturating_sub(policy.max_sessions);
        if over > 0 {
            let password = map.values().filter(|s| s.stage == Stage::Password).count();
            drop_oldest_beyond(&mut map, password.saturating_sub(over), |s| {
                s.stage == Stage::Password
            });
        }
        if map.len() >= policy.max_sessions {
            return Err(CreateError::Full);
        }
        map.insert(key, session);
        Ok(token)
    }

    /// The live session for a cookie value.
    pub fn get(&self, token: &str, now_ms: u64) -> Option<Session> {
        let key = secrets::session_key(token);
        let mut map = lock(&self.map);
        match map.get(&key) {
            Some(s) if s.expires_ms > now_ms => Some(s.clone()),
            Some(_) => {
                map.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Ends the session of a cookie value.
    pub fn remove(&self, token: &str) {
        lock(&self.map).remove(&secrets::session_key(token));
    }

    /// Sessions held (for tests and load checks).
    pub fn len(&self) -> usize {
        lock(&self.map).len()
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Drops the oldest sessions matching `which` so that at most `room` of them remain.
fn drop_oldest_beyond(
    map: &mut HashMap<[u8; 32], Session>,
    room: usize,
    which: impl Fn(&Session) -> bool,
) {
    let mut matching: Vec<(u64, [u8; 32])> = map
        .iter()
        .filter(|(_, s)| which(s))
        .map(|(k, s)| (s.created_ms, *k))
        .collect();
    let excess = matching.len().saturating_sub(room);
    if excess == 0 {
        return;
    }
    matching.sort_unstable();
    for (_, key) in matching.iter().take(excess) {
        map.remove(key);
    }
}

/// The value of cookie `name` in a `Cookie` header value, if any.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(n, value)| {
            (n == name && !value.is_empty() && value.len() <= 128).then_some(value)
        })
}

/// The session token in a `Cookie` header value, if any.
pub fn token_from_cookie_header(header: &str) -> Option<&str> {
    cookie_value(header, COOKIE_NAME)
}

/// The `Set-Cookie` value that makes this browser a known device.
pub fn set_device_cookie(token: &str) -> String {
    format!(
        "{DEVICE_COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/api; Max-Age={DEVICE_COOKIE_MAX_AGE_SECS}"
    )
}

/// The `Set-Cookie` value that hands out `token`.
pub fn set_cookie(token: &str) -> String {
    format!("{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/")
}

/// The `Set-Cookie` value that clears the cookie.
pub fn clear_cookie() -> String {
    format!("{COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(created_ms: u64) -> Session {
        Session {
            email: "a@example.com".into(),
            stage: Stage::Password,
            created_ms,
            expires_ms: created_ms.saturating_add(1_000),
            epoch: 0,
            otp_failures_at_login: 0,
            source: IpAddr::from([127, 0, 0, 1]),
        }
    }

    fn policy(max_sessions: usize) -> Policy {
        Policy {
            max_sessions,
            password_sessions_per_account: usize::MAX,
            password_sessions_per_source: usize::MAX,
            ..Policy::default()
        }
    }

    #[test]
    fn sessions_expire_and_stay_bounded() {
        let sessions = Sessions::default();
        let token = sessions.create(session(0), &policy(100), 0).unwrap();
        assert!(sessions.get(&token, 999).is_some());
        assert!(sessions.get(&token, 1_000).is_none());
        assert!(sessions.is_empty());
        for t in 0..1_000 {
            sessions.create(session(t), &policy(100), t).unwrap();
        }
        assert!(sessions.len() <= 100);
        let newest = sessions
            .create(session(5_000), &policy(100), 5_000)
            .unwrap();
        assert!(sessions.get(&newest, 5_001).is_some());
    }

    #[test]
    fn signed_in_sessions_are_never_dropped_for_password_ones() {
        let sessions = Sessions::default();
        let full = Session {
            stage: Stage::Full,
            expires_ms: u64::MAX,
            ..session(0)
        };
        let signed_in = sessions.create(full.clone(), &policy(10), 0).unwrap();
        for t in 1..1_000 {
            sessions.create(session(t), &policy(10), t).unwrap();
        }
        assert!(sessions.get(&signed_in, 1_000).is_some());
        // A table full of signed-in sessions refuses a new one rather than drop one.
        for _ in 0..9 {
            sessions.create(full.clone(), &policy(10), 1_000).unwrap();
        }
        assert_eq!(
            sessions.create(session(1_000), &policy(10), 1_000),
            Err(CreateError::Full)
        );
        assert!(sessions.get(&signed_in, 1_000).is_some());
    }

    #[test]
    fn password_sessions_are_capped_per_account_and_source() {
        let sessions = Sessions::default();
        let capped = Policy {
            password_sessions_per_account: 3,
            password_sessions_per_source: 5,
            ..Policy::default()
        };
        let first = sessions.create(session(0), &capped, 0).unwrap();
        for t in 1..3 {
            sessions.create(session(t), &capped, t).unwrap();
        }
        assert!(sessions.get(&first, 3).is_some());
        sessions.create(session(3), &capped, 3).unwrap();
        assert!(
            sessions.get(&first, 4).is_none(),
            "the oldest of the account went"
        );
        assert_eq!(sessions.len(), 3);
        for (i, t) in (10..20).enumerate() {
            let other = Session {
                email: format!("u{i}@example.com"),
                ..session(t)
            };
            sessions.create(other, &capped, t).unwrap();
        }
        assert_eq!(sessions.len(), 5, "at most five per source");
    }

    #[test]
    fn cookie_header_parsing() {
        assert_eq!(
            token_from_cookie_header("a=b; totpkit_session=abc; c=d"),
            Some("abc")
        );
        assert_eq!(token_from_cookie_header("totpkit_session="), None);
        assert_eq!(token_from_cookie_header("other=totpkit_session"), None);
    }
}
