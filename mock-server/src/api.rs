//! The JSON API: password login, enrollment, confirmation, the second factor, reset, new
//! recovery codes, and the session endpoints. Verification here is the reference for a
//! production backend:
//!
//! - the server's clock only ([`crate::clock`]); the client's time is never trusted;
//! - codes are normalized and checked by totpkit (`digits` digits after removing spaces and
//!   hyphens; every step of the window T−1…T+1 compared in constant time);
//! - the *matched* step is stored and no step at or before it is accepted again; the user's
//!   lock is held from reading the last used step to storing the new one, so of two
//!   simultaneous submissions of one code exactly one succeeds; the enrollment confirmation
//!   code counts as used; a just-used recovery code is a replay too, refused but not counted;
//! - single-use state must reach the data file before it grants anything: when the write
//!   fails, the answer is 503 `storage_unavailable` and no session is issued;
//! - failures are counted and delayed ([`crate::policy`]): passwords per email and source,
//!   second factors per account; answers never say which step or direction matched, nor
//!   whether an email has an account.
//!
//! Every handler that needs a session goes through [`session_user`] and [`SessionUser::lock`],
//! the one place that checks the session is live, its user exists and its epoch is current.
//! Every password session is made by [`start_password_session`].
//!
//! Lock order: a user's mutex may be held while the session table or the limits are locked,
//! never the other way round.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use totpkit::{KeyUri, OtpParams, Secret};

use crate::AppState;
use crate::error::{ApiError, ApiJson, ErrorCode};
use crate::policy::{Refusal, Source};
use crate::secrets;
use crate::session::{self, CreateError, Session, Stage};
use crate::store::normalize_email;
use crate::user::{Pending, RecoveryUse, User, lock};

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "totpkit demo";

/// After this many consecutive failures an invalid-code answer suggests checking the clock.
const HINT_AFTER_FAILURES: u32 = 2;

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

/// `GET /api/time`: the server's clock in Unix milliseconds (the `Date` header is added to
/// every answer by [`crate::web`]).
pub async fn time(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "now": state.now_ms() }))
}

/// `GET /api/ping`: 204 with no body; only the headers matter (`Date`, for clock checks).
pub async fn ping() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// Unknown `/api` paths.
pub async fn not_found() -> ApiError {
    ErrorCode::NotFound.into()
}

/// The body of `POST /api/login`.
#[derive(Deserialize)]
pub struct LoginBody {
    email: String,
    password: String,
}

/// `POST /api/login {email, password}` → `{ next: "enroll" | "otp" }` and a password session.
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    cookies: Cookies,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let user = check_password(&state, ip, &cookies, now, &body.email, &body.password)?;
    let (next, cookie) = {
        let u = lock(&user);
        let next = if u.totp.is_some() { "otp" } else { "enroll" };
        let cookie = start_password_session(&state, ip, cookies.session.as_deref(), &u, now)?;
        (next, cookie)
    };
    Ok(with_cookies(&[cookie], json!({ "next": next })))
}

/// `POST /api/2fa/enroll` → the pending secret, for a password session without 2FA. While a
/// pending secret is confirmable it is handed out again (a reload must not invalidate a QR
/// code a phone already scanned); after it expires a new one is made.
pub async fn enroll(State(state): State<AppState>, cookies: Cookies) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let su = session_user(&state, cookies.session.as_deref(), now)?;
    let mut u = su.lock(&state)?;
    if u.totp.is_some() {
        return Err(ErrorCode::AlreadyEnrolled.into());
    }
    let resumed = u.pending.as_ref().is_some_and(|p| p.expires_ms > now);
    if !resumed {
        let secret = Secret::generate(totpkit::secret::DEFAULT_SECRET_BYTES)
            .map_err(|_| ApiError::random_unavailable())?;
        let expires_at = now.saturating_add(state.policy.enroll_ttl_ms);
        u.pending = Some(
            Pending::new(secret, OtpParams::default(), expires_at)
                .map_err(|e| ApiError::new(ErrorCode::CannotEnroll).with("reason", e.code()))?,
        );
    }
    let Some(pending) = u.pending.as_ref() else {
        return Err(ErrorCode::NoPendingEnrollment.into());
    };
    let params = pending.totp.params();
    let uri = KeyUri::totp(pending.secret().clone(), &u.email, Some(ISSUER), params)
        .to_uri()
        .map_err(|e| ApiError::new(ErrorCode::CannotEnroll).with("reason", e.code()))?;
    let body = json!({
        "otpauthUri": uri,
        "secret": pending.secret().to_base32().as_str(),
        "issuer": ISSUER,
        "account": u.email,
        "algorithm": params.algorithm().name(),
        "digits": params.digits().get(),
        "period": params.period(),
        "expiresAt": pending.expires_ms,
        "resumed": resumed,
    });
    Ok(Json(body).into_response())
}

/// The body of `POST /api/2fa/confirm`.
#[derive(Deserialize)]
pub struct ConfirmBody {
    code: String,
}

/// `POST /api/2fa/confirm {code}` → `{ recoveryCodes }`; 2FA is active and the session full.
pub async fn confirm(
    State(state): State<AppState>,
    cookies: Cookies,
    ApiJson(body): ApiJson<ConfirmBody>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let su = session_user(&state, cookies.session.as_deref(), now)?;
    let codes = {
        let mut u = su.lock(&state)?;
        allow_second_factor(&state, &su, &u, now)?;
        if u.totp.is_some() {
            return Err(ErrorCode::AlreadyEnrolled.into());
        }
        let Some(pending) = u.pending.as_ref() else {
            return Err(ErrorCode::NoPendingEnrollment.into());
        };
        if pending.expires_ms <= now {
            u.pending = None;
            return Err(ErrorCode::EnrollmentExpired.into());
        }
        match pending
            .totp
            .verify(&body.code, now / 1_000, state.policy.window)
        {
            Err(_) => return Err(malformed_code(pending.totp.params().digits().get())),
            Ok(None) => {
                return Err(second_factor_failed(
                    &state,
                    &su,
                    &mut u,
                    now,
                    ErrorCode::InvalidCode,
                ));
            }
            Ok(Some(matched)) => {
                let codes = u.new_recovery_codes()?;
                u.totp = u.pending.take().map(|p| p.activate(matched.step));
                u.otp_throttle.succeed();
                codes
            }
        }
    };
    if let Err(error) = persist(&state).await {
        // Not on disk: undo the enrollment, so that memory and file agree and the recovery
        // codes nobody saw are gone. The page starts the enrollment again.
        let mut u = lock(&su.user);
        u.totp = None;
        u.new_recovery_codes()?;
        return Err(error);
    }
    let cookies = upgrade_session(&state, &su, cookies.device.as_deref(), now)?;
    Ok(with_cookies(
        &cookies,
        json!({ "recoveryCodes": codes, "next": "done" }),
    ))
}

/// The body of `POST /api/login/otp`: exactly one of the two.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OtpBody {
    code: Option<String>,
    recovery_code: Option<String>,
}

/// `POST /api/login/otp {code} | {recoveryCode}` → a full session.
pub async fn login_otp(
    State(state): State<AppState>,
    cookies: Cookies,
    ApiJson(body): ApiJson<OtpBody>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let su = session_user(&state, cookies.session.as_deref(), now)?;
    if su.session.stage == Stage::Full {
        return Err(ErrorCode::AlreadySignedIn.into());
    }
    let left = {
        let mut u = su.lock(&state)?;
        allow_second_factor(&state, &su, &u, now)?;
        if u.totp.is_none() {
            return Err(ApiError::new(ErrorCode::NotEnrolled).with("next", "enroll"));
        }
        match (&body.code, &body.recovery_code) {
            (Some(code), None) => check_totp(&state, &su, &mut u, code, now)?,
            (None, Some(recovery)) => check_recovery_code(&state, &su, &mut u, recovery, now)?,
            _ => {
                return Err(ApiError::new(ErrorCode::InvalidFields)
                    .with("expected", "exactly one of code, recoveryCode"));
            }
        }
        u.otp_throttle.succeed();
        u.recovery_codes_left()
    };
    persist(&state).await?;
    let cookies = upgrade_session(&state, &su, cookies.device.as_deref(), now)?;
    Ok(with_cookies(
        &cookies,
        json!({ "next": "done", "recoveryCodesLeft": left }),
    ))
}

/// The body of `POST /api/2fa/reset`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetBody {
    email: Option<String>,
    password: String,
    recovery_code: String,
}

/// `POST /api/2fa/reset {password, recoveryCode}` (plus `email` without a session): removes
/// the authenticator; the answer's password session goes on to enroll again.
pub async fn reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    cookies: Cookies,
    ApiJson(body): ApiJson<ResetBody>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let session_email = cookies
        .session
        .as_deref()
        .and_then(|t| state.sessions.get(t, now))
        .map(|s| s.email);
    let Some(email) = body.email.or(session_email) else {
        return Err(ApiError::login_required());
    };
    let user = check_password(&state, ip, &cookies, now, &email, &body.password)?;
    {
        let mut u = lock(&user);
        if u.totp.is_none() {
            return Err(ApiError::new(ErrorCode::NotEnrolled).with("next", "enroll"));
        }
        refuse_if_throttled(&u, &state, now)?;
        if secrets::normalize_recovery_code(&body.recovery_code).is_none() {
            return Err(ErrorCode::MalformedRecoveryCode.into());
        }
        match u.use_recovery_code(&body.recovery_code) {
            RecoveryUse::Accepted => {}
            RecoveryUse::AlreadyUsed => return Err(ErrorCode::CodeAlreadyUsed.into()),
            RecoveryUse::Wrong => {
                u.otp_throttle.fail(now);
                let left = state
                    .policy
                    .lock_after_failures
                    .saturating_sub(u.otp_throttle.failures);
                return Err(
                    ApiError::new(ErrorCode::InvalidRecoveryCode).with("attemptsLeft", left)
                );
            }
        }
        u.reset_two_factor();
    }
    persist(&state).await?;
    let cookie = {
        let u = lock(&user);
        start_password_session(&state, ip, cookies.session.as_deref(), &u, now)?
    };
    Ok(with_cookies(&[cookie], json!({ "next": "enroll" })))
}

/// The body of `POST /api/2fa/recovery-codes`: the password or a current TOTP code.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCodesBody {
    password: Option<String>,
    code: Option<String>,
}

/// `POST /api/2fa/recovery-codes {password} | {code}` → `{ recoveryCodes }`: a new set for a
/// signed-in user; the old set stops working.
pub async fn new_recovery_codes(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    cookies: Cookies,
    ApiJson(body): ApiJson<NewCodesBody>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let su = session_user(&state, cookies.session.as_deref(), now)?;
    if su.session.stage != Stage::Full {
        return Err(ErrorCode::SecondFactorRequired.into());
    }
    match (&body.password, &body.code) {
        (Some(password), None) => {
            check_password(&state, ip, &cookies, now, &su.session.email, password)?;
        }
        (None, Some(_)) => {}
        _ => {
            return Err(ApiError::new(ErrorCode::InvalidFields)
                .with("expected", "exactly one of password, code"));
        }
    }
    let codes = {
        let mut u = su.lock(&state)?;
        if u.totp.is_none() {
            return Err(ApiError::new(ErrorCode::NotEnrolled).with("next", "enroll"));
        }
        if let Some(code) = &body.code {
            refuse_if_throttled(&u, &state, now)?;
            check_totp(&state, &su, &mut u, code, now)?;
            u.otp_throttle.succeed();
        }
        u.new_recovery_codes()?
    };
    persist(&state).await?;
    Ok(Json(json!({ "recoveryCodes": codes })).into_response())
}

/// `GET /api/me` → `{ email, twoFactor }` for a fully signed-in session.
pub async fn me(State(state): State<AppState>, cookies: Cookies) -> Result<Json<Value>, ApiError> {
    let now = state.now_ms();
    let su = session_user(&state, cookies.session.as_deref(), now)?;
    let u = su.lock(&state)?;
    if su.session.stage != Stage::Full {
        let next = if u.totp.is_some() { "otp" } else { "enroll" };
        return Err(ApiError::new(ErrorCode::SecondFactorRequired).with("next", next));
    }
    Ok(Json(
        json!({ "email": u.email, "twoFactor": u.totp.is_some() }),
    ))
}

/// `POST /api/logout` → `{ next: "login" }`; ends the session and clears the cookie.
pub async fn logout(State(state): State<AppState>, cookies: Cookies) -> Response {
    if let Some(token) = cookies.session {
        state.sessions.remove(&token);
    }
    with_cookies(&[session::clear_cookie()], json!({ "next": "login" }))
}

/// A live session and its user: what every handler behind a session starts from.
pub struct SessionUser {
    /// The session's cookie value.
    pub token: String,
    /// The session as it was when the request came in.
    pub session: Session,
    user: Arc<Mutex<User>>,
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
        otp_failures_at_login: u.otp_throttle.failures,
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
fn check_password(
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
    let device = cookies.device.as_deref().map(secrets::session_key);
    let trusted = match (&user, &device) {
        (Some(user), Some(digest)) => lock(user).knows_device(digest),
        _ => false,
    };
    let source = match device {
        Some(digest) if trusted => Source::Device(digest),
        _ => Source::Ip(ip),
    };
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

/// Checks a TOTP code for an enrolled user and stores its step as used. A code that matches
/// only steps already used is a replay: refused as `code_already_used` (it tells nothing an
/// observer of the code did not know) and not counted as a guess.
fn check_totp(
    state: &AppState,
    su: &SessionUser,
    u: &mut User,
    code: &str,
    now: u64,
) -> Result<(), ApiError> {
    let window = state.policy.window;
    let Some(enrolled) = u.totp.as_mut() else {
        return Err(ApiError::new(ErrorCode::NotEnrolled).with("next", "enroll"));
    };
    let last = enrolled.last_used_step;
    let Ok(matches) = enrolled.totp.matches(code, now / 1_000, window) else {
        return Err(malformed_code(enrolled.totp.params().digits().get()));
    };
    // One pass over the window in the crate's search order: the first match after the last
    // used step is accepted; a code that matches only used steps is a replay.
    let mut replayed = false;
    let fresh = matches
        .inspect(|m| replayed |= !m.is_after(last))
        .find(|m| m.is_after(last));
    if let Some(matched) = fresh {
        enrolled.last_used_step = Some(matched.step);
        return Ok(());
    }
    if replayed {
        return Err(ErrorCode::CodeAlreadyUsed.into());
    }
    Err(second_factor_failed(
        state,
        su,
        u,
        now,
        ErrorCode::InvalidCode,
    ))
}

/// Uses up a recovery code. One that was just used (say, the same code submitted twice at
/// once) is a replay, like a used TOTP step: refused, not counted.
fn check_recovery_code(
    state: &AppState,
    su: &SessionUser,
    u: &mut User,
    typed: &str,
    now: u64,
) -> Result<(), ApiError> {
    if secrets::normalize_recovery_code(typed).is_none() {
        return Err(ErrorCode::MalformedRecoveryCode.into());
    }
    match u.use_recovery_code(typed) {
        RecoveryUse::Accepted => Ok(()),
        RecoveryUse::AlreadyUsed => Err(ErrorCode::CodeAlreadyUsed.into()),
        RecoveryUse::Wrong => Err(second_factor_failed(
            state,
            su,
            u,
            now,
            ErrorCode::InvalidRecoveryCode,
        )),
    }
}

/// Whether this session may try a second factor now: this login's attempts not used up (else
/// the login restarts from the password), account not locked, no delay pending.
fn allow_second_factor(
    state: &AppState,
    su: &SessionUser,
    u: &User,
    now: u64,
) -> Result<(), ApiError> {
    let used = u
        .otp_throttle
        .failures
        .saturating_sub(su.session.otp_failures_at_login);
    if used >= state.policy.attempts_per_login {
        state.sessions.remove(&su.token);
        return Err(ApiError::login_required());
    }
    refuse_if_throttled(u, state, now)
}

fn refuse_if_throttled(u: &User, state: &AppState, now: u64) -> Result<(), ApiError> {
    match u.otp_throttle.check(&state.policy, now) {
        Err(Refusal::Wait(ms)) => Err(ApiError::too_many(ms)),
        Err(Refusal::Locked) => Err(ErrorCode::AccountLocked.into()),
        Ok(()) => Ok(()),
    }
}

/// Counts a wrong second factor and builds the generic answer: attempts left in this login
/// (and before the account locks), and a hint to check the clock after repeated failures.
/// When this login's attempts are used up, its session ends.
fn second_factor_failed(
    state: &AppState,
    su: &SessionUser,
    u: &mut User,
    now: u64,
    code: ErrorCode,
) -> ApiError {
    u.otp_throttle.fail(now);
    let failures = u.otp_throttle.failures;
    let policy = &state.policy;
    let login_left = su
        .session
        .otp_failures_at_login
        .saturating_add(policy.attempts_per_login)
        .saturating_sub(failures);
    let left = login_left.min(policy.lock_after_failures.saturating_sub(failures));
    let mut error = ApiError::new(code).with("attemptsLeft", left);
    if code == ErrorCode::InvalidCode && failures >= HINT_AFTER_FAILURES {
        error = error.with("hint", "check_clock");
    }
    if left == 0 && su.session.stage == Stage::Password {
        state.sessions.remove(&su.token);
        error = error.with("next", "login");
    }
    error
}

fn malformed_code(digits: u32) -> ApiError {
    ApiError::new(ErrorCode::MalformedCode).with("digits", digits)
}

/// Replaces a password session by a full one under a new token (against session fixation),
/// and makes this browser a known device of the account. Returns the `Set-Cookie` values.
fn upgrade_session(
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

/// Writes the data file. When that fails, nothing single-use may be granted: 503
/// `storage_unavailable` (and the reason on stderr).
async fn persist(state: &AppState) -> Result<(), ApiError> {
    state.store.persist().await.map_err(|e| {
        eprintln!("error: {e}");
        ErrorCode::StorageUnavailable.into()
    })
}

fn with_cookies(cookies: &[String], body: Value) -> Response {
    let mut headers = HeaderMap::new();
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    (headers, Json(body)).into_response()
}
