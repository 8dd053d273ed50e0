//! The JSON API: password login, enrollment, confirmation, the second factor, reset, new
//! recovery codes, and the session endpoints. This file is HTTP only: every second-factor
//! decision (the window around the remembered drift, single use, resync, delays, the lock,
//! recovery codes, enrollment) is the core's policy, `totpkit::policy`, called with the user's
//! record, the input, the source and the server's clock, and answered through the one mapping
//! [`ApiError::refused`]. What stays here is what is about HTTP and sessions:
//!
//! - the server's clock only ([`crate::clock`]); the client's time is never trusted;
//! - the user's lock is held from loading the record to storing the new one (this server's
//!   compare-and-set), so of two simultaneous submissions of one code exactly one succeeds;
//! - a changed record must reach the data file before anything is granted: when the write
//!   fails, the answer is 503 `storage_unavailable` and no session is issued;
//! - a password login buys 10 second-factor attempts, then starts again
//!   ([`crate::session::Session::attempts_left`]);
//! - passwords are counted per email and source ([`crate::policy`]); answers never tell
//!   whether an email has an account.
//!
//! Sessions, cookies and passwords are [`crate::signin`]'s.
//!
//! Lock order: a user's mutex may be held while the session table or the limits are locked,
//! never the other way round.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use totpkit::policy::RANDOM_BYTES;

use crate::AppState;
use crate::error::{ApiError, ApiJson, ErrorCode, Factor};
use crate::secrets;
use crate::session::{self, Stage};
use crate::signin::{
    ClientIp, Cookies, check_login_attempts, check_password, refused, session_user,
    start_password_session, upgrade_session,
};
use crate::user::lock;

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "totpkit demo";

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
        let next = if u.second_factor.is_enrolled() {
            "otp"
        } else {
            "enroll"
        };
        let cookie = start_password_session(&state, ip, cookies.session.as_deref(), &u, now)?;
        (next, cookie)
    };
    Ok(with_cookies(&[cookie], json!({ "next": next })))
}

/// `POST /api/2fa/enroll` → the pending secret, for a password session without 2FA. The
/// policy resumes a pending enrollment while it is confirmable (a reload must not invalidate a
/// QR code a phone already scanned) and makes a new one after it expires.
pub async fn enroll(State(state): State<AppState>, cookies: Cookies) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let su = session_user(&state, cookies.session.as_deref(), now)?;
    let random = secrets::random_bytes::<RANDOM_BYTES>()?;
    let (begun, changed, account) = {
        let mut u = su.lock(&state)?;
        let outcome = u.second_factor.begin_enrollment(
            &state.policy.otp,
            ISSUER,
            &u.email,
            now,
            random.as_ref(),
        )?;
        let (begun, changed) = u.apply(outcome);
        (begun, changed, u.email.clone())
    };
    persist(&state, changed).await?;
    let begun = begun.map_err(|r| ApiError::refused(r, Factor::Code, 0))?;
    let params = begun.params;
    let body = json!({
        "otpauthUri": begun.uri.as_str(),
        "secret": begun.secret.to_base32().as_str(),
        "issuer": ISSUER,
        "account": account,
        "algorithm": params.algorithm().name(),
        "digits": params.digits().get(),
        "period": params.period(),
        "expiresAt": begun.expires_at_ms,
        "resumed": begun.resumed,
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
    ClientIp(ip): ClientIp,
    cookies: Cookies,
    ApiJson(body): ApiJson<ConfirmBody>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let su = session_user(&state, cookies.session.as_deref(), now)?;
    let random = secrets::random_bytes::<RANDOM_BYTES>()?;
    let (confirmed, changed, before, after) = {
        let mut u = su.lock(&state)?;
        check_login_attempts(&state, &su, &u)?;
        let source = u.source(ip, cookies.device.as_deref()).to_string();
        let before = u.second_factor.clone();
        let outcome = u.second_factor.confirm_enrollment(
            &state.policy.otp,
            &body.code,
            &source,
            now,
            random.as_ref(),
        )?;
        let (decision, changed) = u.apply(outcome);
        let confirmed = decision.map_err(|r| refused(&state, &su, &u, r, Factor::Code));
        (confirmed, changed, before, u.second_factor.clone())
    };
    if let Err(error) = persist(&state, changed).await {
        // Not on disk: undo the enrollment (unless the record changed again since), so that
        // memory and file agree and the recovery codes nobody saw are gone. The page confirms
        // the pending enrollment again.
        let mut u = lock(&su.user);
        if confirmed.is_ok() && u.second_factor == after {
            u.second_factor = before;
        }
        return Err(error);
    }
    let codes = confirmed?.recovery_codes;
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
    ClientIp(ip): ClientIp,
    cookies: Cookies,
    ApiJson(body): ApiJson<OtpBody>,
) -> Result<Response, ApiError> {
    let now = state.now_ms();
    let su = session_user(&state, cookies.session.as_deref(), now)?;
    if su.session.stage == Stage::Full {
        return Err(ErrorCode::AlreadySignedIn.into());
    }
    let (factor, typed) = match (&body.code, &body.recovery_code) {
        (Some(code), None) => (Factor::Code, code),
        (None, Some(code)) => (Factor::RecoveryCode, code),
        _ => {
            return Err(ApiError::new(ErrorCode::InvalidFields)
                .with("expected", "exactly one of code, recoveryCode"));
        }
    };
    let (left, changed) = {
        let mut u = su.lock(&state)?;
        check_login_attempts(&state, &su, &u)?;
        let (policy, source) = (
            &state.policy.otp,
            u.source(ip, cookies.device.as_deref()).to_string(),
        );
        let (decision, changed) = match factor {
            Factor::Code => {
                let outcome = u.second_factor.verify(policy, typed, &source, now)?;
                let (decision, changed) = u.apply(outcome);
                (decision.map(drop), changed)
            }
            Factor::RecoveryCode => {
                let outcome = u
                    .second_factor
                    .use_recovery_code(policy, typed, &source, now)?;
                let (decision, changed) = u.apply(outcome);
                (decision.map(drop), changed)
            }
        };
        let left = match decision {
            Ok(()) => Ok(u.second_factor.status(policy, now)?.recovery_codes_left),
            Err(r) => Err(refused(&state, &su, &u, r, factor)),
        };
        (left, changed)
    };
    persist(&state, changed).await?;
    let left = left?;
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

/// `POST /api/2fa/reset {password, recoveryCode}` (plus `email` without a session): uses up
/// the recovery code and removes the second factor; the answer's password session goes on to
/// enroll again.
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
    let (done, changed) = {
        let mut u = lock(&user);
        let source = u.source(ip, cookies.device.as_deref()).to_string();
        let outcome = u.second_factor.use_recovery_code(
            &state.policy.otp,
            &body.recovery_code,
            &source,
            now,
        )?;
        match u.apply(outcome) {
            (Ok(_), _) => (u.reset_two_factor().map_err(ApiError::from), true),
            (Err(r), changed) => {
                let failures = u.second_factor.failures();
                (
                    Err(ApiError::refused(r, Factor::RecoveryCode, failures)),
                    changed,
                )
            }
        }
    };
    persist(&state, changed).await?;
    done?;
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
    let random = secrets::random_bytes::<RANDOM_BYTES>()?;
    let (codes, changed) = {
        let mut u = su.lock(&state)?;
        let mut changed = false;
        let verified = match &body.code {
            Some(code) => {
                let source = u.source(ip, cookies.device.as_deref()).to_string();
                let outcome = u
                    .second_factor
                    .verify(&state.policy.otp, code, &source, now)?;
                let (decision, verify_changed) = u.apply(outcome);
                changed = verify_changed;
                decision.map(drop)
            }
            None => Ok(()),
        };
        let codes = match verified {
            Ok(()) => {
                let outcome = u.second_factor.regenerate_recovery_codes(random.as_ref())?;
                let (decision, regenerated) = u.apply(outcome);
                changed |= regenerated;
                decision
            }
            Err(r) => Err(r),
        };
        (
            codes.map_err(|r| refused(&state, &su, &u, r, Factor::Code)),
            changed,
        )
    };
    persist(&state, changed).await?;
    Ok(Json(json!({ "recoveryCodes": codes? })).into_response())
}

/// `GET /api/me` → `{ email, twoFactor }` for a fully signed-in session.
pub async fn me(State(state): State<AppState>, cookies: Cookies) -> Result<Json<Value>, ApiError> {
    let now = state.now_ms();
    let su = session_user(&state, cookies.session.as_deref(), now)?;
    let u = su.lock(&state)?;
    if su.session.stage != Stage::Full {
        let next = if u.second_factor.is_enrolled() {
            "otp"
        } else {
            "enroll"
        };
        return Err(ApiError::new(ErrorCode::SecondFactorRequired).with("next", next));
    }
    Ok(Json(
        json!({ "email": u.email, "twoFactor": u.second_factor.is_enrolled() }),
    ))
}

/// `POST /api/logout` → `{ next: "login" }`; ends the session and clears the cookie.
pub async fn logout(State(state): State<AppState>, cookies: Cookies) -> Response {
    if let Some(token) = cookies.session {
        state.sessions.remove(&token);
    }
    with_cookies(&[session::clear_cookie()], json!({ "next": "login" }))
}

/// Writes the data file when a record `changed`, after the user's lock is released and before
/// anything is granted. When that fails, nothing single-use may be granted: 503
/// `storage_unavailable` (and the reason on stderr).
async fn persist(state: &AppState, changed: bool) -> Result<(), ApiError> {
    if !changed {
        return Ok(());
    }
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
