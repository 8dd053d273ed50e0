//! The JSON API: password login, enrollment, confirmation, the second factor, reset, and the
//! session endpoints. Verification here is the reference for a production backend:
//!
//! - the server's clock only ([`crate::clock`]); the client's time is never trusted;
//! - codes are normalized and checked by totpkit (`digits` digits after removing spaces and
//!   hyphens; every step of the window T−1…T+1 compared in constant time);
//! - the *matched* step is stored and no step at or before it is accepted again; the user's
//!   lock is held from reading the last used step to storing the new one, so of two
//!   simultaneous submissions of one code exactly one succeeds; the enrollment confirmation
//!   code counts as used;
//! - failures are counted per account and delayed, capped per login and per account
//!   ([`crate::policy`]); answers never say which step or direction matched.
//!
//! Lock order: a user's mutex may be held while the session table is locked, never the other
//! way round.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use totpkit::{KeyUri, OtpParams, Secret};

use crate::AppState;
use crate::error::{ApiError, ApiJson};
use crate::policy::Refusal;
use crate::session::{self, Session, Stage};
use crate::store::{Pending, User, lock};

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

/// The session cookie's value, if the request has one.
pub struct CookieToken(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for CookieToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(session::token_from_cookie_header)
            .map(String::from);
        Ok(Self(token))
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
    ApiError::new(StatusCode::NOT_FOUND, "not_found")
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
    CookieToken(old): CookieToken,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let user = check_password(&state, ip, now, &body.email, &body.password)?;
    let (next, session) = {
        let u = lock(&user);
        let next = if u.totp.is_some() { "otp" } else { "enroll" };
        (next, password_session(&state, &u, now))
    };
    if let Some(old) = old {
        state.sessions.remove(&old);
    }
    let token = state
        .sessions
        .create(session, state.policy.max_sessions, now)?;
    Ok(with_cookie(
        &session::set_cookie(&token),
        json!({ "next": next }),
    ))
}

/// `POST /api/2fa/enroll` → a new pending secret, for a password session without 2FA.
pub async fn enroll(
    State(state): State<AppState>,
    CookieToken(token): CookieToken,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let (token, session) = current_session(&state, token.as_deref(), now)?;
    let user = user_of(&state, &token, &session)?;
    let params = OtpParams::default();
    let secret = Secret::generate(totpkit::secret::DEFAULT_SECRET_BYTES)
        .map_err(|_| ApiError::random_unavailable())?;
    let expires_at = now.saturating_add(state.policy.enroll_ttl_ms);
    let (uri, email) = {
        let mut u = lock(&user);
        if u.epoch != session.epoch {
            drop(u);
            state.sessions.remove(&token);
            return Err(ApiError::login_required());
        }
        if u.totp.is_some() {
            return Err(ApiError::new(StatusCode::CONFLICT, "already_enrolled"));
        }
        let uri = KeyUri::totp(secret.clone(), &u.email, Some(ISSUER), params)
            .to_uri()
            .map_err(|e| {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "cannot_enroll")
                    .with("reason", e.code())
            })?;
        u.pending = Some(
            Pending::new(secret.clone(), params, expires_at).map_err(|e| {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "cannot_enroll")
                    .with("reason", e.code())
            })?,
        );
        (uri, u.email.clone())
    };
    let body = json!({
        "otpauthUri": uri,
        "secret": secret.to_base32().as_str(),
        "issuer": ISSUER,
        "account": email,
        "algorithm": params.algorithm().name(),
        "digits": params.digits(),
        "period": params.period(),
        "expiresAt": expires_at,
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
    CookieToken(token): CookieToken,
    ApiJson(body): ApiJson<ConfirmBody>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let (token, session) = current_session(&state, token.as_deref(), now)?;
    let user = user_of(&state, &token, &session)?;
    let codes = {
        let mut u = lock(&user);
        allow_second_factor(&state, &token, &session, &u, now)?;
        if u.totp.is_some() {
            return Err(ApiError::new(StatusCode::CONFLICT, "already_enrolled"));
        }
        let Some(pending) = u.pending.as_ref() else {
            return Err(ApiError::new(StatusCode::CONFLICT, "no_pending_enrollment"));
        };
        if pending.expires_ms <= now {
            u.pending = None;
            return Err(ApiError::new(StatusCode::GONE, "enrollment_expired"));
        }
        match pending
            .totp
            .verify(&body.code, now / 1_000, state.policy.window)
        {
            Err(_) => return Err(malformed_code(pending.totp.params().digits())),
            Ok(None) => {
                return Err(second_factor_failed(
                    &state,
                    &token,
                    &session,
                    &mut u,
                    now,
                    "invalid_code",
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
    persist(&state).await;
    let cookie = upgrade_session(&state, &token, session, now)?;
    Ok(with_cookie(
        &cookie,
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
    CookieToken(token): CookieToken,
    ApiJson(body): ApiJson<OtpBody>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let (token, session) = current_session(&state, token.as_deref(), now)?;
    if session.stage == Stage::Full {
        return Err(ApiError::new(StatusCode::CONFLICT, "already_signed_in"));
    }
    let user = user_of(&state, &token, &session)?;
    let left =
        {
            let mut u = lock(&user);
            allow_second_factor(&state, &token, &session, &u, now)?;
            let window = state.policy.window;
            match (&body.code, &body.recovery_code) {
                (Some(code), None) => {
                    let Some(enrolled) = u.totp.as_mut() else {
                        return Err(ApiError::new(StatusCode::CONFLICT, "not_enrolled")
                            .with("next", "enroll"));
                    };
                    let last = enrolled.last_used_step;
                    match enrolled.totp.verify_after(code, now / 1_000, window, last) {
                        Err(_) => return Err(malformed_code(enrolled.totp.params().digits())),
                        Ok(Some(matched)) => enrolled.last_used_step = Some(matched.step),
                        Ok(None) => {
                            // A code that matches only steps already used is a replay: say so (it
                            // tells nothing an observer of the code did not know) and do not count
                            // it as a guess.
                            let replayed = matches!(
                                (enrolled.totp.verify(code, now / 1_000, window), last),
                                (Ok(Some(m)), Some(last)) if m.step <= last
                            );
                            if replayed {
                                return Err(ApiError::new(
                                    StatusCode::UNAUTHORIZED,
                                    "code_already_used",
                                ));
                            }
                            return Err(second_factor_failed(
                                &state,
                                &token,
                                &session,
                                &mut u,
                                now,
                                "invalid_code",
                            ));
                        }
                    }
                }
                (None, Some(recovery)) => {
                    if u.totp.is_none() {
                        return Err(ApiError::new(StatusCode::CONFLICT, "not_enrolled")
                            .with("next", "enroll"));
                    }
                    if crate::secrets::normalize_recovery_code(recovery).is_none() {
                        return Err(ApiError::new(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            "malformed_recovery_code",
                        ));
                    }
                    if !u.use_recovery_code(recovery) {
                        return Err(second_factor_failed(
                            &state,
                            &token,
                            &session,
                            &mut u,
                            now,
                            "invalid_recovery_code",
                        ));
                    }
                }
                _ => {
                    return Err(
                        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields")
                            .with("expected", "exactly one of code, recoveryCode"),
                    );
                }
            }
            u.otp_throttle.succeed();
            u.recovery_codes_left()
        };
    persist(&state).await;
    let cookie = upgrade_session(&state, &token, session, now)?;
    Ok(with_cookie(
        &cookie,
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
    CookieToken(old): CookieToken,
    ApiJson(body): ApiJson<ResetBody>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let session_email = old
        .as_deref()
        .and_then(|t| state.sessions.get(t, now))
        .map(|s| s.email);
    let Some(email) = body.email.or(session_email) else {
        return Err(ApiError::login_required());
    };
    let user = check_password(&state, ip, now, &email, &body.password)?;
    let session = {
        let mut u = lock(&user);
        if u.totp.is_none() {
            return Err(ApiError::new(StatusCode::CONFLICT, "not_enrolled").with("next", "enroll"));
        }
        refuse_if_throttled(&u, &state, now)?;
        if crate::secrets::normalize_recovery_code(&body.recovery_code).is_none() {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "malformed_recovery_code",
            ));
        }
        if !u.use_recovery_code(&body.recovery_code) {
            u.otp_throttle.fail(now);
            let left = state
                .policy
                .lock_after_failures
                .saturating_sub(u.otp_throttle.failures);
            return Err(
                ApiError::new(StatusCode::UNAUTHORIZED, "invalid_recovery_code")
                    .with("attemptsLeft", left),
            );
        }
        u.reset_two_factor();
        password_session(&state, &u, now)
    };
    persist(&state).await;
    if let Some(old) = old {
        state.sessions.remove(&old);
    }
    let token = state
        .sessions
        .create(session, state.policy.max_sessions, now)?;
    Ok(with_cookie(
        &session::set_cookie(&token),
        json!({ "next": "enroll" }),
    ))
}

/// `GET /api/me` → `{ email, twoFactor }` for a fully signed-in session.
pub async fn me(
    State(state): State<AppState>,
    CookieToken(token): CookieToken,
) -> Result<Json<Value>, ApiError> {
    let now = state.now_ms();
    let (token, session) = current_session(&state, token.as_deref(), now)?;
    let user = user_of(&state, &token, &session)?;
    let u = lock(&user);
    if u.epoch != session.epoch {
        drop(u);
        state.sessions.remove(&token);
        return Err(ApiError::login_required());
    }
    if session.stage != Stage::Full {
        let next = if u.totp.is_some() { "otp" } else { "enroll" };
        return Err(
            ApiError::new(StatusCode::UNAUTHORIZED, "second_factor_required").with("next", next),
        );
    }
    Ok(Json(
        json!({ "email": u.email, "twoFactor": u.totp.is_some() }),
    ))
}

/// `POST /api/logout` → `{ next: "login" }`; ends the session and clears the cookie.
pub async fn logout(State(state): State<AppState>, CookieToken(token): CookieToken) -> Response {
    if let Some(token) = token {
        state.sessions.remove(&token);
    }
    with_cookie(&session::clear_cookie(), json!({ "next": "login" }))
}

/// Checks an email and password against the per-IP and per-account limits; on success the
/// account's password failures start again. Unknown emails cost the same hashing and answer
/// the same as a wrong password, so the answer does not tell which accounts exist.
fn check_password(
    state: &AppState,
    ip: IpAddr,
    now: u64,
    email: &str,
    password: &str,
) -> Result<std::sync::Arc<std::sync::Mutex<User>>, ApiError> {
    let invalid = || ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials");
    lock(&state.ips)
        .check(&state.policy, ip, now)
        .map_err(ApiError::too_many)?;
    let Some(user) = state.store.user(email) else {
        let _ = crate::secrets::password_hash(&[0; 16], password);
        lock(&state.ips).fail(&state.policy, ip, now);
        return Err(invalid());
    };
    {
        let mut u = lock(&user);
        match u.password_throttle.check(&state.policy, now) {
            Err(Refusal::Wait(ms)) => return Err(ApiError::too_many(ms)),
            Err(Refusal::Locked) => return Err(account_locked()),
            Ok(()) => {}
        }
        if !u.check_password(password) {
            u.password_throttle.fail(now);
            drop(u);
            lock(&state.ips).fail(&state.policy, ip, now);
            return Err(invalid());
        }
        u.password_throttle.succeed();
    }
    Ok(user)
}

/// A password session for `u`, remembering where its second-factor attempts start.
fn password_session(state: &AppState, u: &User, now: u64) -> Session {
    Session {
        email: u.email.clone(),
        stage: Stage::Password,
        created_ms: now,
        expires_ms: now.saturating_add(state.policy.half_session_ttl_ms),
        epoch: u.epoch,
        otp_failures_at_login: u.otp_throttle.failures,
    }
}

/// The live session of the request's cookie, or 401 `login_required`.
fn current_session(
    state: &AppState,
    token: Option<&str>,
    now: u64,
) -> Result<(String, Session), ApiError> {
    let token = token.ok_or_else(ApiError::login_required)?;
    let session = state
        .sessions
        .get(token, now)
        .ok_or_else(ApiError::login_required)?;
    Ok((token.to_owned(), session))
}

/// The user a session belongs to.
fn user_of(
    state: &AppState,
    token: &str,
    session: &Session,
) -> Result<std::sync::Arc<std::sync::Mutex<User>>, ApiError> {
    state.store.user(&session.email).ok_or_else(|| {
        state.sessions.remove(token);
        ApiError::login_required()
    })
}

/// Whether this session may try a second factor now: same epoch, account not locked, this
/// login's attempts not used up (else the login restarts from the password), no delay pending.
fn allow_second_factor(
    state: &AppState,
    token: &str,
    session: &Session,
    u: &User,
    now: u64,
) -> Result<(), ApiError> {
    let used = u
        .otp_throttle
        .failures
        .saturating_sub(session.otp_failures_at_login);
    if u.epoch != session.epoch || used >= state.policy.attempts_per_login {
        state.sessions.remove(token);
        return Err(ApiError::login_required());
    }
    refuse_if_throttled(u, state, now)
}

fn refuse_if_throttled(u: &User, state: &AppState, now: u64) -> Result<(), ApiError> {
    match u.otp_throttle.check(&state.policy, now) {
        Err(Refusal::Wait(ms)) => Err(ApiError::too_many(ms)),
        Err(Refusal::Locked) => Err(account_locked()),
        Ok(()) => Ok(()),
    }
}

/// Counts a wrong second factor and builds the generic answer: attempts left in this login
/// (and before the account locks), and a hint to check the clock after repeated failures.
/// When this login's attempts are used up, its session ends.
fn second_factor_failed(
    state: &AppState,
    token: &str,
    session: &Session,
    u: &mut User,
    now: u64,
    code: &'static str,
) -> ApiError {
    u.otp_throttle.fail(now);
    let failures = u.otp_throttle.failures;
    let policy = &state.policy;
    let login_left = session
        .otp_failures_at_login
        .saturating_add(policy.attempts_per_login)
        .saturating_sub(failures);
    let left = login_left.min(policy.lock_after_failures.saturating_sub(failures));
    let mut error = ApiError::new(StatusCode::UNAUTHORIZED, code).with("attemptsLeft", left);
    if code == "invalid_code" && failures >= HINT_AFTER_FAILURES {
        error = error.with("hint", "check_clock");
    }
    if left == 0 {
        state.sessions.remove(token);
        error = error.with("next", "login");
    }
    error
}

fn account_locked() -> ApiError {
    ApiError::new(StatusCode::LOCKED, "account_locked")
}

fn malformed_code(digits: u32) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "malformed_code").with("digits", digits)
}

/// Replaces a password session by a full one under a new token (against session fixation).
fn upgrade_session(
    state: &AppState,
    old_token: &str,
    session: Session,
    now: u64,
) -> Result<String, ApiError> {
    state.sessions.remove(old_token);
    let full = Session {
        stage: Stage::Full,
        created_ms: now,
        expires_ms: now.saturating_add(state.policy.session_ttl_ms),
        ..session
    };
    let token = state
        .sessions
        .create(full, state.policy.max_sessions, now)?;
    Ok(session::set_cookie(&token))
}

/// Writes the data file; a failure is reported on stderr (the change stands in memory).
async fn persist(state: &AppState) {
    if let Err(e) = state.store.persist().await {
        eprintln!("warning: {e}");
    }
}

fn with_cookie(cookie: &str, body: Value) -> Response {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(cookie) {
        headers.insert(header::SET_COOKIE, value);
    }
    (headers, Json(body)).into_response()
}
