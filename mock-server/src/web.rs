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
//! The page may not post forms anywhere (`form-action 'self'`), opens no window that could
//! reach it (`Cross-Origin-Opener-Policy: same-origin`), and asks for no device feature
//! (`Permissions-Policy`).
//!
//! **Hosts.** The server answers only to the names it was started with: `127.0.0.1:PORT`,
//! `localhost:PORT` and any given with `--allow-host`. Anything else gets 421 `unknown_host`.
//! Comparing `Origin` with the request's own `Host` is not enough: a page on
//! `rebind.attacker.example` whose name is re-pointed at 127.0.0.1 (DNS rebinding) sends both
//! as its own name, so they agree. Neither can claim one of the allowed names, since a browser
//! sets both from the page's real address.
//!
//! A cross-site `POST` is already kept out by the `SameSite=Strict` cookie and the JSON content
//! type; as a second fence, an `/api` request with an `Origin` that is not one of the allowed
//! names is refused with 403 `cross_origin`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::{ApiError, ErrorCode, ensure_json_error};

/// The headers of every answer (CSP, referrer, nosniff, COOP, Permissions-Policy):
/// `headers.txt`, which the Node backend (demo-node/) reads too.
const HEADERS: &str = include_str!("../headers.txt");

/// [`HEADERS`] as name and value pairs, parsed once (a line that does not parse is left out;
/// the HTTP tests check that every header is there).
static FIXED_HEADERS: std::sync::LazyLock<Vec<(HeaderName, HeaderValue)>> =
    std::sync::LazyLock::new(|| {
        HEADERS
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once(": "))
            .filter_map(|(name, value)| {
                Some((
                    HeaderName::from_bytes(name.as_bytes()).ok()?,
                    HeaderValue::from_str(value).ok()?,
                ))
            })
            .collect()
    });

/// The `host:port` names this server answers to, lowercase.
#[derive(Clone, Debug)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    /// `127.0.0.1:port`, `localhost:port`, and each extra name (`name` gets `:port` added).
    pub fn new(port: u16, extra: &[String]) -> Self {
        let mut names = vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")];
        for name in extra {
            let name = name.trim().to_ascii_lowercase();
            let has_port = name
                .rsplit_once(':')
                .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            names.push(if has_port {
                name
            } else {
                format!("{name}:{port}")
            });
        }
        Self(names)
    }

    /// Whether `host` (a `Host` header value) is one of the names.
    pub fn allows_host(&self, host: &str) -> bool {
        self.0.iter().any(|name| name.eq_ignore_ascii_case(host))
    }

    /// Whether `origin` (an `Origin` header value) is `http://` and one of the names.
    pub fn allows_origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|host| self.allows_host(host))
    }
}

/// Refuses requests to a host name that is not this server's (421), and `/api` writes from an
/// origin that is not this server's (403).
pub async fn check_host(
    State(hosts): State<Arc<AllowedHosts>>,
    req: Request,
    next: Next,
) -> Response {
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(|h| hosts.allows_host(h)) {
        return ApiError::new(ErrorCode::UnknownHost).into_response();
    }
    let path = req.uri().path();
    let is_api = path == "/api" || path.starts_with("/api/");
    let method = req.method();
    if is_api && method != Method::GET && method != Method::HEAD && !same_origin(headers, &hosts) {
        return ApiError::new(ErrorCode::CrossOrigin).into_response();
    }
    next.run(req).await
}

/// The middleware around every request.
pub async fn around(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // The path only: a query string could carry something secret, and it is never logged.
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let is_api = path == "/api" || path.starts_with("/api/");
    let mut response = next.run(req).await;
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
    for (name, value) in FIXED_HEADERS.iter() {
        headers.insert(name, value.clone());
    }
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(state.clock.now_system_time()))
    {
        headers.insert(header::DATE, date);
    }
    if state.log_requests {
        let reason = response
            .extensions()
            .get::<ErrorCode>()
            .map_or("", |c| c.as_str());
        // Method, path, status and error reason only: never bodies, cookies or queries.
        eprintln!("{method} {path} {} {reason}", response.status().as_u16());
    }
    response
}

/// `false` when the request names an `Origin` that is not one of this server's.
fn same_origin(headers: &HeaderMap, hosts: &AllowedHosts) -> bool {
    match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => origin.to_str().is_ok_and(|o| hosts.allows_origin(o)),
    }
}

/// The content types a browser is strict about, by file extension: `content-types.txt`, which
/// the test servers read too (tests/e2e/support/static.mjs).
const CONTENT_TYPES: &str = include_str!("../content-types.txt");

/// The content type for a path, by its extension.
fn content_type_for(path: &str) -> Option<&'static str> {
    if path.ends_with('/') {
        // A directory answers with its index.html.
        return content_type_for("index.html");
    }
    let ext = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())?;
    CONTENT_TYPES
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (e, content_type) = line.split_once(' ')?;
            (e == ext && !ext.contains('/')).then_some(content_type.trim())
        })
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
    fn hosts_and_origins() {
        let hosts = AllowedHosts::new(8080, &["Demo.test".into(), "box:9000".into()]);
        for host in [
            "127.0.0.1:8080",
            "LOCALHOST:8080",
            "demo.test:8080",
            "box:9000",
        ] {
            assert!(hosts.allows_host(host), "{host}");
        }
        for host in [
            "127.0.0.1:8081",
            "rebind.attacker.example:8080",
            "localhost",
            "",
        ] {
            assert!(!hosts.allows_host(host), "{host}");
        }
        let mut headers = HeaderMap::new();
        assert!(same_origin(&headers, &hosts));
        for (origin, ok) in [
            ("http://127.0.0.1:8080", true),
            ("http://localhost:8080", true),
            ("https://127.0.0.1:8080", false),
            ("http://rebind.attacker.example:8080", false),
            ("http://evil.example", false),
            ("null", false),
        ] {
            headers.insert(header::ORIGIN, HeaderValue::from_static(origin));
            assert_eq!(same_origin(&headers, &hosts), ok, "{origin}");
        }
    }
}
