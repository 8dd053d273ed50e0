//! What every answer gets, and the static files.
//!
//! Every response carries the demo's Content-Security-Policy (which allows WebAssembly through
//! `'wasm-unsafe-eval'` and nothing from elsewhere), `Referrer-Policy: no-referrer`,
//! `X-Content-Type-Options: nosniff`, and a `Date` header from the server's own clock — shifted
//! by `--clock-offset-ms`, so a page that estimates its offset from `Date` sees the shift too.
//! `/api` answers are never cached (`Cache-Control: no-store`) and are always JSON, even when
//! the router or an extractor answered (404, 405, 413, …). Static files are revalidated on
//! every load (`no-cache`) so a rebuilt `pkg/` is picked up, `.wasm` is `application/wasm`
//! (required by `WebAssembly.instantiateStreaming`) and `.js` is `text/javascript`.
//!
//! A cross-site `POST` is already kept out by the `SameSite=Strict` cookie and the JSON content
//! type; as a second fence, an `/api` request whose `Origin` is not this server's is refused.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::{ApiError, ErrorCode, reason_for_status};

/// The Content-Security-Policy of every answer.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The middleware around every request.
pub async fn around(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // The path only: a query string could carry something secret, and it is never logged.
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let is_api = path == "/api" || path.starts_with("/api/");
    let mut response =
        if is_api && method != Method::GET && method != Method::HEAD && !same_origin(req.headers())
        {
            ApiError::new(StatusCode::FORBIDDEN, "cross_origin").into_response()
        } else {
            next.run(req).await
        };
    if is_api && (response.status().is_client_error() || response.status().is_server_error()) {
        response = ensure_json_error(response);
    }
    let ok = response.status().is_success();
    let headers = response.headers_mut();
    if is_api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if ok && let Some(kind) = content_type_for(&path) {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
        }
    }
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(state.clock.now_system_time()))
    {
        headers.insert(header::DATE, date);
    }
    if state.log_requests {
        let reason = response.extensions().get::<ErrorCode>().map_or("", |c| c.0);
        // Method, path, status and error reason only: never bodies, cookies or queries.
        eprintln!("{method} {path} {} {reason}", response.status().as_u16());
    }
    response
}

/// `false` when the request names an `Origin` other than the host it was sent to.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    match origin.to_str().ok().and_then(|o| o.strip_prefix("http://")) {
        Some(origin_host) => !host.is_empty() && origin_host == host,
        None => false,
    }
}

/// A JSON body for an error answer that some layer gave without one (keeps `Allow`,
/// `Retry-After` and the status).
fn ensure_json_error(response: Response) -> Response {
    if response.extensions().get::<ErrorCode>().is_some() {
        return response;
    }
    let status = response.status();
    let mut replaced = ApiError::new(status, reason_for_status(status)).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            replaced.headers_mut().insert(name, value.clone());
        }
    }
    replaced
}

/// The content types a browser is strict about, by file extension.
fn content_type_for(path: &str) -> Option<&'static str> {
    if path.ends_with('/') {
        // A directory answers with its index.html.
        return Some("text/html; charset=utf-8");
    }
    let ext = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())?;
    match ext.as_str() {
        "wasm" => Some("application/wasm"),
        "js" | "mjs" => Some("text/javascript"),
        "html" => Some("text/html; charset=utf-8"),
        "css" => Some("text/css; charset=utf-8"),
        "svg" => Some("image/svg+xml"),
        "json" => Some("application/json"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(
            content_type_for("/pkg/totpkit_bg.wasm"),
            Some("application/wasm")
        );
        assert_eq!(content_type_for("/app.JS"), Some("text/javascript"));
        assert_eq!(content_type_for("/"), Some("text/html; charset=utf-8"));
        assert_eq!(content_type_for("/LICENSE"), None);
        assert_eq!(content_type_for("/a.b/c"), None);
    }

    #[test]
    fn origin_check() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&headers));
    }
}
