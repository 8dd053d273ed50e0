//! API failures as JSON: every error answer is `{ "error": "snake_case_reason", … }` with a
//! 4xx status (503 when the machine itself fails), never a 500 and never an HTML page.
//!
//! [`ApiJson`] is axum's `Json` extractor with its rejections turned into these answers:
//! malformed JSON → 400 `malformed_json`, wrong or missing fields → 422 `invalid_fields`,
//! a content type other than JSON → 415 `unsupported_media_type`, a body over the limit → 413
//! `body_too_large`.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The reason of an error answer, attached to the response for the request log.
#[derive(Clone, Copy, Debug)]
pub struct ErrorCode(pub &'static str);

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    fields: Map<String, Value>,
    retry_after_secs: Option<u64>,
}

impl ApiError {
    /// `{ "error": code }` with this status.
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
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
        let mut error =
            Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").with("retryAfter", secs);
        error.retry_after_secs = Some(secs);
        error
    }

    /// 401 `login_required`: no session, or one that has expired or been ended.
    pub fn login_required() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "login_required")
    }

    /// 503 `random_unavailable`: the CSPRNG failed, so no secret or token can be made.
    pub fn random_unavailable() -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "random_unavailable")
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The reason string.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl From<crate::secrets::RandomUnavailable> for ApiError {
    fn from(_: crate::secrets::RandomUnavailable) -> Self {
        Self::random_unavailable()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("error".into(), self.code.into());
        body.extend(self.fields);
        let mut response = (self.status, Json(Value::Object(body))).into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(ErrorCode(self.code));
        response
    }
}

/// The error reason for a bare status, used when something other than a handler answered
/// (a rejection, the router's 404/405) so that `/api` answers are JSON all the same.
pub fn reason_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "login_required",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_fields",
        StatusCode::TOO_MANY_REQUESTS => "too_many_attempts",
        s if s.is_server_error() => "server_error",
        _ => "request_failed",
    }
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
                JsonRejection::JsonSyntaxError(_) => {
                    ApiError::new(StatusCode::BAD_REQUEST, "malformed_json")
                }
                JsonRejection::JsonDataError(_) => {
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields")
                }
                JsonRejection::MissingJsonContentType(_) => {
                    ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
                }
                other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
                }
                _ => ApiError::new(StatusCode::BAD_REQUEST, "unreadable_body"),
            }),
        }
    }
}
