//! Who is signing in, for the handlers in [`crate::api`]: the client's address and cookies,
//! the live session behind a request and its user, the password check with its limits, a
//! password login's attempts at the second factor, and the upgrade to a signed-in session.
//!
//! Every handler that needs a session goes through [`session_user`] and [`SessionUser::lock`],
//! the one place that checks the session is live, its user exists and its epoch is current.
//! Every password session is made by [`start_password_session`].

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use totpkit::policy::Refusal;

use crate::AppState;
use crate::error::{ApiError, ErrorCode, Factor};
use crate::policy::Source;
use crate::secrets;
use crate::session::{self, CreateError, Session, Stage};
use crate::store::normalize_email;
use crate::user::{User, lock};

/// The client's IP address (from the TCP connection; this server binds to loopback and sits
/// behind no proxy, so no forwarding header is trusted).
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        Ok(Self(ip))
    }
}

/// The request's cookies this server reads: the session token and the known-device token.
pub struct Cookies {
    /// `totpkit_session`.
    pub session: Option<String>,
    /// `totpkit_device`.
    pub device: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Cookies {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let find = |name: &str| {
            parts
                .headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(|h| session::cookie_value(h, name))
                .map(String::from)
        };
        Ok(Self {
            session: find(session::COOKIE_NAME),
            device: find(session::DEVICE_COOKIE_NAME),
        })
    }
}

/// A live session and its user: what every handler behind a session starts from.
pub struct SessionUser {
    /// The session's cookie value.
    pub token: String,
    /// The session as it was when the request came in.
    pub session: Session,
    pub(crate) user: Arc<Mutex<User>>,
}

/// The live session of the request's cookie and its user, or 401 `login_required` (a session
/// whose user is gone is ended).
pub fn session_user(
    state: &AppState,
    token: Option<&str>,
    now: u64,
) -> Result<SessionUser, ApiError> {
    let token = token.ok_or_else(ApiError::login_required)?;
    let session = state
        .sessions
        .get(token, now)
        .ok_or_else(ApiError::login_required)?;
    let Some(user) = state.store.user(&session.email) else {
        state.sessions.remove(token);
        return Err(ApiError::login_required());
    };
    Ok(SessionUser {
        token: token.to_owned(),
        session,
        user,
    })
}

impl SessionUser {
    /// Locks the user, checking the session still belongs to the user's current epoch (a 2FA
    /// reset ends every earlier session); a stale session is ended and answers 401.
    pub fn lock(&self, state: &AppState) -> Result<MutexGuard<'_, User>, ApiError> {
        let u = lock(&self.user);
        if u.epoch != self.session.epoch {
            drop(u);
            state.sessions.remove(&self.token);
            return Err(ApiError::login_required());
        }
        Ok(u)
    }
}

/// Makes a password session for `u` from `ip` (replacing the request's old session, if any)
/// and returns its `Set-Cookie` value. Per source, opening sessions is rate-limited (checked
/// before the password, in [`check_password`], so a 429 never tells a right password from a
/// wrong one); the session table caps password sessions per account and per source and never
/// drops a signed-in session for one.
pub fn start_password_session(
    state: &AppState,
    ip: IpAddr,
    old_token: Option<&str>,
    u: &User,
    now: u64,
) -> Result<String, ApiError> {
    let session = Session {
        email: u.email.clone(),
        stage: Stage::Password,
        created_ms: now,
        expires_ms: now.saturating_add(state.policy.half_session_ttl_ms),
        epoch: u.epoch,
        otp_failures_at_login: u.second_factor.failures(),
        source: ip,
    };
    if let Some(old) = old_token {
        state.sessions.remove(old);
    }
    let token = state
        .sessions
        .create(session, &state.policy, now)
        .map_err(session_error)?;
    lock(&state.limits).logins.record(&state.policy, ip, now);
    Ok(session::set_cookie(&token))
}

fn session_error(e: CreateError) -> ApiError {
    match e {
        CreateError::Random => ApiError::random_unavailable(),
        CreateError::Full => ErrorCode::ServerBusy.into(),
    }
}

/// Checks an email and password against the limits (see [`crate::policy`]): sessions opened
/// and failures per IP, wrong passwords per (email, source) and per email. The counters are
/// keyed on the normalized email whether or not it has an account, and unknown emails cost the
/// same hashing, so neither the answers nor their timing tell which accounts exist. A browser
/// with this account's known-device cookie is its own source and skips the account-wide delay
/// and the per-IP failure limit, so failures elsewhere never keep the owner out.
pub fn check_password(
    state: &AppState,
    ip: IpAddr,
    cookies: &Cookies,
    now: u64,
    email: &str,
    password: &str,
) -> Result<Arc<Mutex<User>>, ApiError> {
    let policy = &state.policy;
    let account = secrets::sha256(&[normalize_email(email).as_bytes()]);
    let user = state.store.user(email);
    let source = match &user {
        Some(user) => lock(user).source(ip, cookies.device.as_deref()),
        None => Source::Ip(ip),
    };
    let trusted = matches!(source, Source::Device(_));
    {
        let limits = lock(&state.limits);
        if !trusted {
            limits
                .failures
                .check(policy, policy.ip_max_failures, ip, now)
                .map_err(ApiError::too_many)?;
        }
        limits
            .logins
            .check(policy, policy.ip_max_logins, ip, now)
            .map_err(ApiError::too_many)?;
        limits
            .passwords
            .check(policy, &account, source, trusted, now)
            .map_err(ApiError::too_many)?;
    }
    let right = match &user {
        Some(user) => lock(user).check_password(password),
        None => {
            let _ = secrets::password_hash(&[0; 16], password);
            false
        }
    };
    let mut limits = lock(&state.limits);
    match user {
        Some(user) if right => {
            limits.passwords.succeed(&account, source);
            Ok(user)
        }
        _ => {
            limits.passwords.fail(policy, &account, source, now);
            if !trusted {
                limits.failures.record(policy, ip, now);
            }
            Err(ErrorCode::InvalidCredentials.into())
        }
    }
}

/// Whether this session may still try a second factor: a password login's attempts are not
/// used up (else the session ends and the login restarts from the password).
pub fn check_login_attempts(state: &AppState, su: &SessionUser, u: &User) -> Result<(), ApiError> {
    let left = su
        .session
        .attempts_left(&state.policy, u.second_factor.failures());
    if su.session.stage == Stage::Password && left == 0 {
        state.sessions.remove(&su.token);
        return Err(ApiError::login_required());
    }
    Ok(())
}

/// A refusal's answer for a session: [`ApiError::refused`], and for a password login the
/// attempts left to it (when it has fewer than the account has before the lock). When they are
/// used up, the session ends and the answer says to log in again.
pub fn refused(
    state: &AppState,
    su: &SessionUser,
    u: &User,
    refusal: Refusal,
    factor: Factor,
) -> ApiError {
    let failures = u.second_factor.failures();
    let error = ApiError::refused(refusal, factor, failures);
    let Refusal::Invalid { attempts_left, .. } = refusal else {
        return error;
    };
    if su.session.stage != Stage::Password {
        return error;
    }
    let login_left = su.session.attempts_left(&state.policy, failures);
    let error = error.with("attemptsLeft", login_left.min(attempts_left));
    if login_left > 0 {
        return error;
    }
    state.sessions.remove(&su.token);
    error.with("next", "login")
}

/// Replaces a password session by a full one under a new token (against session fixation),
/// and makes this browser a known device of the account. Returns the `Set-Cookie` values.
pub fn upgrade_session(
    state: &AppState,
    su: &SessionUser,
    device: Option<&str>,
    now: u64,
) -> Result<Vec<String>, ApiError> {
    let mut cookies = Vec::new();
    {
        let mut u = su.lock(state)?;
        let known = device.map(secrets::session_key);
        match known {
            Some(digest) if u.knows_device(&digest) => {}
            _ => {
                let (token, digest) = secrets::new_session_token()?;
                u.remember_device(digest);
                cookies.push(session::set_device_cookie(&token));
            }
        }
    }
    state.sessions.remove(&su.token);
    let full = Session {
        stage: Stage::Full,
        created_ms: now,
        expires_ms: now.saturating_add(state.policy.session_ttl_ms),
        ..su.session.clone()
    };
    let token = state
        .sessions
        .create(full, &state.policy, now)
        .map_err(session_error)?;
    cookies.push(session::set_cookie(&token));
    Ok(cookies)
}
