//! Server-side sessions behind an opaque cookie.
//!
//! The cookie carries 32 random bytes; the server keys its table by their SHA-256, so the table
//! itself holds nothing that signs anyone in. A login makes a *password* session (good for
//! enrolling or for the second factor only); a successful second factor replaces it with a
//! *full* one under a fresh token, so a token seen before sign-in is worthless after it
//! (session fixation). The cookie is `HttpOnly; SameSite=Strict; Path=/`; a production server
//! on HTTPS also sets `Secure` and the `__Host-` name prefix, which plain-HTTP localhost cannot.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::secrets::{self, RandomUnavailable};
use crate::store::lock;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "totpkit_session";

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
}

/// The session table.
#[derive(Debug, Default)]
pub struct Sessions {
    map: Mutex<HashMap<[u8; 32], Session>>,
}

impl Sessions {
    /// Stores `session` under a new token and returns the token for the cookie. At `max`
    /// sessions, expired ones are swept and then the oldest tenth dropped.
    pub fn create(
        &self,
        session: Session,
        max: usize,
        now_ms: u64,
    ) -> Result<String, RandomUnavailable> {
        let (token, key) = secrets::new_session_token()?;
        let mut map = lock(&self.map);
        if map.len() >= max {
            map.retain(|_, s| s.expires_ms > now_ms);
        }
        if map.len() >= max {
            let mut by_age: Vec<(u64, [u8; 32])> =
                map.iter().map(|(k, s)| (s.created_ms, *k)).collect();
            by_age.sort_unstable();
            let drop = (by_age.len() / 10).saturating_add(1);
            for (_, key) in by_age.iter().take(drop) {
                map.remove(key);
            }
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

/// The session token in a `Cookie` header value, if any.
pub fn token_from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(name, value)| {
            (name == COOKIE_NAME && !value.is_empty() && value.len() <= 128).then_some(value)
        })
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
#[allow(clippy::unwrap_used)]
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
        }
    }

    #[test]
    fn sessions_expire_and_stay_bounded() {
        let sessions = Sessions::default();
        let token = sessions.create(session(0), 100, 0).unwrap();
        assert!(sessions.get(&token, 999).is_some());
        assert!(sessions.get(&token, 1_000).is_none());
        assert!(sessions.is_empty());
        for t in 0..1_000 {
            sessions.create(session(t), 100, t).unwrap();
        }
        assert!(sessions.len() <= 100);
        let newest = sessions.create(session(5_000), 100, 5_000).unwrap();
        assert!(sessions.get(&newest, 5_001).is_some());
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
