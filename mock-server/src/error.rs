//! API failures as JSON: every error answer is `{ "error": "snake_case_reason", … }` with a
//! 4xx status (503 when the machine itself fails), never a 500 and never an HTML page.
//!
//! [`ApiJson`] is axum's `Json` extractor with its rejections turned into these answers:
//! malformed JSON → 400 `malformed_json`, wrong or missing fields → 422 `invalid_fields`,
//! a content type other than JSON → 415 `unsupported_media_type`, a body over the limit → 413
//! `body_too_large`.
//!
//! [`ApiError::refused`] is the one place where the core policy's refusals become answers.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use totpkit::policy::Refusal;

/// After this many consecutive failures an invalid-code answer suggests checking the clock.
const HINT_AFTER_FAILURES: u32 = 2;

/// Every reason an error answer can give, one variant each, with its status. The wire name
/// (`as_str`) is the stable snake_case string the page switches on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// 400: the body is not JSON.
    MalformedJson,
    /// 400: the body could not be read.
    UnreadableBody,
    /// 400: a bare 400 from a layer.
    BadRequest,
    /// 401: wrong email or password (unknown emails answer the same).
    InvalidCredentials,
    /// 401: no live session, or one that has ended.
    LoginRequired,
    /// 401: the session has only the password so far.
    SecondFactorRequired,
    /// 401: a well-formed TOTP code that matches no step of the window.
    InvalidCode,
    /// 401: a code (TOTP or recovery) that was already accepted; not counted as a guess.
    CodeAlreadyUsed,
    /// 401: a well-formed recovery code that is not one of the account's.
    InvalidRecoveryCode,
    /// 401: a code that matched outside the window (RFC 6238 §6): not accepted, not counted;
    /// the next code at the same offset will be, and the offset is then remembered.
    ResyncRequired,
    /// 403: a `POST` whose `Origin` is not one of this server's names.
    CrossOrigin,
    /// 403: a bare 403 from a layer.
    Forbidden,
    /// 404.
    NotFound,
    /// 405.
    MethodNotAllowed,
    /// 408: the request took longer than the request timeout.
    RequestTimeout,
    /// 409: 2FA is already on.
    AlreadyEnrolled,
    /// 409: nothing to confirm.
    NoPendingEnrollment,
    /// 409: the account has no authenticator.
    NotEnrolled,
    /// 409: this session is signed in already.
    AlreadySignedIn,
    /// 410: the pending secret expired.
    EnrollmentExpired,
    /// 413.
    BodyTooLarge,
    /// 415.
    UnsupportedMediaType,
    /// 421: the `Host` is not one of this server's names (DNS rebinding).
    UnknownHost,
    /// 422: fields missing or of the wrong type.
    InvalidFields,
    /// 422: a code that is not `digits` digits; not counted as a guess.
    MalformedCode,
    /// 422: a recovery code that cannot be one; not counted as a guess.
    MalformedRecoveryCode,
    /// 422: totpkit refused to build the enrollment (the account name cannot be put in a URI).
    CannotEnroll,
    /// 423: too many consecutive second-factor failures.
    AccountLocked,
    /// 429: wait `retryAfter` seconds.
    TooManyAttempts,
    /// 503: the CSPRNG failed.
    RandomUnavailable,
    /// 503: the data file could not be written, so nothing single-use was granted; or a
    /// stored second-factor record does not read back.
    StorageUnavailable,
    /// 503: the session table is full of signed-in sessions.
    ServerBusy,
    /// 5xx from a layer.
    ServerError,
    /// Any other status from a layer.
    RequestFailed,
}

impl ErrorCode {
    /// The wire name, e.g. `"invalid_code"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MalformedJson => "malformed_json",
            Self::UnreadableBody => "unreadable_body",
            Self::BadRequest => "bad_request",
            Self::InvalidCredentials => "invalid_credentials",
            Self::LoginRequired => "login_required",
            Self::SecondFactorRequired => "second_factor_required",
            Self::InvalidCode => "invalid_code",
            Self::CodeAlreadyUsed => "code_already_used",
            Self::InvalidRecoveryCode => "invalid_recovery_code",
            Self::ResyncRequired => "resync_required",
            Self::CrossOrigin => "cross_origin",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::RequestTimeout => "request_timeout",
            Self::AlreadyEnrolled => "already_enrolled",
            Self::NoPendingEnrollment => "no_pending_enrollment",
            Self::NotEnrolled => "not_enrolled",
            Self::AlreadySignedIn => "already_signed_in",
            Self::EnrollmentExpired => "enrollment_expired",
            Self::BodyTooLarge => "body_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::UnknownHost => "unknown_host",
            Self::InvalidFields => "invalid_fields",
            Self::MalformedCode => "malformed_code",
            Self::MalformedRecoveryCode => "malformed_recovery_code",
            Self::CannotEnroll => "cannot_enroll",
            Self::AccountLocked => "account_locked",
            Self::TooManyAttempts => "too_many_attempts",
            Self::RandomUnavailable => "random_unavailable",
            Self::StorageUnavailable => "storage_unavailable",
            Self::ServerBusy => "server_busy",
            Self::ServerError => "server_error",
            Self::RequestFailed => "request_failed",
        }
    }

    /// The HTTP status this reason is answered with.
    pub const fn status(self) -> StatusCode {
        match self {
            Self::MalformedJson | Self::UnreadableBody | Self::BadRequest => {
                StatusCode::BAD_REQUEST
            }
            Self::InvalidCredentials
            | Self::LoginRequired
            | Self::SecondFactorRequired
            | Self::InvalidCode
            | Self::CodeAlreadyUsed
            | Self::InvalidRecoveryCode
            | Self::ResyncRequired => StatusCode::UNAUTHORIZED,
            Self::CrossOrigin | Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::AlreadyEnrolled
            | Self::NoPendingEnrollment
            | Self::NotEnrolled
            | Self::AlreadySignedIn => StatusCode::CONFLICT,
            Self::EnrollmentExpired => StatusCode::GONE,
            Self::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::UnknownHost => StatusCode::MISDIRECTED_REQUEST,
            Self::InvalidFields
            | Self::MalformedCode
            | Self::MalformedRecoveryCode
            | Self::CannotEnroll => StatusCode::UNPROCESSABLE_ENTITY,
            Self::AccountLocked => StatusCode::LOCKED,
            Self::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Self::RandomUnavailable | Self::StorageUnavailable | Self::ServerBusy => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            Self::RequestFailed => StatusCode::BAD_REQUEST,
        }
    }

    /// The reason for a bare status, used when something other than a handler answered (a
    /// rejection, the router's 404/405, the timeout layer) so that `/api` answers are JSON all
    /// the same.
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::BAD_REQUEST => Self::BadRequest,
            StatusCode::UNAUTHORIZED => Self::LoginRequired,
            StatusCode::FORBIDDEN => Self::Forbidden,
            StatusCode::NOT_FOUND => Self::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed,
            StatusCode::REQUEST_TIMEOUT => Self::RequestTimeout,
            StatusCode::PAYLOAD_TOO_LARGE => Self::BodyTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType,
            StatusCode::UNPROCESSABLE_ENTITY => Self::InvalidFields,
            StatusCode::TOO_MANY_REQUESTS => Self::TooManyAttempts,
            s if s.is_server_error() => Self::ServerError,
            _ => Self::RequestFailed,
        }
    }
}

/// Which second factor a refusal is about: they share every rule but differ in wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Factor {
    /// A TOTP code.
    Code,
    /// A recovery code.
    RecoveryCode,
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    fields: Map<String, Value>,
    retry_after_secs: Option<u64>,
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

impl ApiError {
    /// `{ "error": code }` with the code's status.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            status: code.status(),
            code,
            fields: Map::new(),
            retry_after_secs: None,
        }
    }

    /// Adds a field to the body.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(key.into(), value.into());
        self
    }

    /// 429 `too_many_attempts` with `Retry-After` and `retryAfter` in whole seconds (at least 1).
    pub fn too_many(wait_ms: u64) -> Self {
        let secs = wait_ms.div_ceil(1_000).max(1);
        let mut error = Self::new(ErrorCode::TooManyAttempts).with("retryAfter", secs);
        error.retry_after_secs = Some(secs);
        error
    }

    /// The answer for a refusal of the core's policy (`totpkit::policy`), the one mapping
    /// from its decisions to this API. `failures` is the record's count after the decision
    /// (for the clock hint). Answers say what a page needs and never the matched step; only a
    /// resync, which takes a code that matched, tells the offset.
    pub fn refused(refusal: Refusal, factor: Factor, failures: u32) -> Self {
        let recovery = factor == Factor::RecoveryCode;
        match refusal {
            Refusal::Malformed { .. } if recovery => ErrorCode::MalformedRecoveryCode.into(),
            Refusal::Malformed { digits } => {
                Self::new(ErrorCode::MalformedCode).with("digits", digits)
            }
            Refusal::Invalid { attempts_left, .. } if recovery => {
                Self::new(ErrorCode::InvalidRecoveryCode).with("attemptsLeft", attempts_left)
            }
            Refusal::Invalid { attempts_left, .. } => {
                let error = Self::new(ErrorCode::InvalidCode).with("attemptsLeft", attempts_left);
                if failures >= HINT_AFTER_FAILURES {
                    error.with("hint", "check_clock")
                } else {
                    error
                }
            }
            Refusal::Replayed => ErrorCode::CodeAlreadyUsed.into(),
            Refusal::Resync { offset_seconds, .. } => {
                Self::new(ErrorCode::ResyncRequired).with("offsetSeconds", offset_seconds)
            }
            Refusal::Throttled { retry_after_ms } => Self::too_many(retry_after_ms),
            Refusal::Locked => ErrorCode::AccountLocked.into(),
            Refusal::Expired => ErrorCode::EnrollmentExpired.into(),
            Refusal::NotEnrolled => Self::new(ErrorCode::NotEnrolled).with("next", "enroll"),
            Refusal::NoPending => ErrorCode::NoPendingEnrollment.into(),
            Refusal::AlreadyEnrolled => ErrorCode::AlreadyEnrolled.into(),
        }
    }

    /// 401 `login_required`: no session, or one that has expired or been ended.
    pub fn login_required() -> Self {
        Self::new(ErrorCode::LoginRequired)
    }

    /// 503 `random_unavailable`: the CSPRNG failed, so no secret or token can be made.
    pub fn random_unavailable() -> Self {
        Self::new(ErrorCode::RandomUnavailable)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The reason.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The answer for a bare status some layer gave (keeps that status).
    fn for_bare_status(status: StatusCode) -> Self {
        Self {
            status,
            ..Self::new(ErrorCode::for_status(status))
        }
    }
}

impl From<crate::secrets::RandomUnavailable> for ApiError {
    fn from(_: crate::secrets::RandomUnavailable) -> Self {
        Self::random_unavailable()
    }
}

/// What the core's policy fails with besides a refusal: no random bytes (503
/// `random_unavailable`), a stored record that does not read back (503 `storage_unavailable`;
/// the store checks every record at start, so this is a bug, never a 500), or an enrollment it
/// cannot express (422 `cannot_enroll` with the core's error code as `reason`).
impl From<totpkit::Error> for ApiError {
    fn from(error: totpkit::Error) -> Self {
        match error {
            totpkit::Error::RandomUnavailable => Self::random_unavailable(),
            totpkit::Error::InvalidRecord => ErrorCode::StorageUnavailable.into(),
            other => Self::new(ErrorCode::CannotEnroll).with("reason", other.code()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("error".into(), self.code.as_str().into());
        body.extend(self.fields);
        let mut response = (self.status, Json(Value::Object(body))).into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(self.code);
        response
    }
}

/// A JSON body for an error answer that some layer gave without one (keeps `Allow`,
/// `Retry-After` and the status).
pub fn ensure_json_error(response: Response) -> Response {
    if response.extensions().get::<ErrorCode>().is_some() {
        return response;
    }
    let status = response.status();
    let mut replaced = ApiError::for_bare_status(status).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            replaced.headers_mut().insert(name, value.clone());
        }
    }
    replaced
}

/// A JSON request body of type `T`, or a JSON error answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonSyntaxError(_) => ErrorCode::MalformedJson.into(),
                JsonRejection::JsonDataError(_) => ErrorCode::InvalidFields.into(),
                JsonRejection::MissingJsonContentType(_) => ErrorCode::UnsupportedMediaType.into(),
                other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    ErrorCode::BodyTooLarge.into()
                }
                _ => ErrorCode::UnreadableBody.into(),
            }),
        }
    }
}
