//! HTTP hygiene: bad input gets a 4xx JSON answer and the server keeps going; headers on every
//! answer; the server's clock in `/api/time`, `/api/ping` and `Date`; static files.

use std::time::{Duration, UNIX_EPOCH};

use reqwest::Method;
use serde_json::json;
use totpkit_mock_server::{Config, DEMO_PASSWORD};

use crate::common::{Harness, Reply, T0_MS, send};

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Method, path, content type, body → status, error.
type Case<'a> = (Method, &'a str, Option<&'a str>, Vec<u8>, u16, &'a str);

fn assert_security_headers(reply: &Reply, what: &str) {
    assert_eq!(reply.header("content-security-policy"), Some(CSP), "{what}");
    assert_eq!(
        reply.header("referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
    assert_eq!(
        reply.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert!(reply.header("date").is_some(), "{what}");
    assert_eq!(
        reply.header("cross-origin-opener-policy"),
        Some("same-origin"),
        "{what}"
    );
    let permissions = reply.header("permissions-policy").unwrap_or("");
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"] {
        assert!(permissions.contains(feature), "{what}: {permissions}");
    }
}

#[tokio::test]
async fn bad_input_gets_a_4xx_json_answer_and_the_server_keeps_answering() {
    let h = Harness::start().await;
    let (alice, enrollment) = h.enrolled().await;
    alice.logout().await;
    alice.login().await.expect_ok();
    let huge = format!(r#"{{"email":"a","password":"{}"}}"#, "x".repeat(1 << 20));
    let json = Some("application/json");
    let table: Vec<Case> = vec![
        (
            Method::POST,
            "/api/login",
            json,
            b"{not json".to_vec(),
            400,
            "malformed_json",
        ),
        (
            Method::POST,
            "/api/login",
            json,
            b"".to_vec(),
            400,
            "malformed_json",
        ),
        (
            Method::POST,
            "/api/login",
            json,
            b"\xff\xfe".to_vec(),
            400,
            "malformed_json",
        ),
        (
            Method::POST,
            "/api/login",
            json,
            br#"{"email":"alice@example.com"}"#.to_vec(),
            422,
            "invalid_fields",
        ),
        (
            Method::POST,
            "/api/login",
            json,
            br#"{"email":1,"password":[]}"#.to_vec(),
            422,
            "invalid_fields",
        ),
        (
            Method::POST,
            "/api/login",
            json,
            b"[]".to_vec(),
            422,
            "invalid_fields",
        ),
        (
            Method::POST,
            "/api/login",
            json,
            b"null".to_vec(),
            422,
            "invalid_fields",
        ),
        (
            Method::POST,
            "/api/login",
            json,
            huge.into_bytes(),
            413,
            "body_too_large",
        ),
        (
            Method::POST,
            "/api/login",
            Some("text/plain"),
            br#"{"email":"a","password":"b"}"#.to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            Method::POST,
            "/api/login",
            None,
            br#"{"email":"a","password":"b"}"#.to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            Method::POST,
            "/api/login",
            Some("application/x-www-form-urlencoded"),
            b"email=a&password=b".to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            Method::POST,
            "/api/login/otp",
            json,
            br#"{"code":123456}"#.to_vec(),
            422,
            "invalid_fields",
        ),
        (
            Method::POST,
            "/api/login/otp",
            json,
            br#"{"code":"abcdef"}"#.to_vec(),
            422,
            "malformed_code",
        ),
        (
            Method::POST,
            "/api/login/otp",
            json,
            br#"{"code":"12345678901234567890"}"#.to_vec(),
            422,
            "malformed_code",
        ),
        (
            Method::POST,
            "/api/login/otp",
            json,
            br#"{"code":"-1"}"#.to_vec(),
            422,
            "malformed_code",
        ),
        (
            Method::POST,
            "/api/2fa/confirm",
            json,
            br#"{"code":null}"#.to_vec(),
            422,
            "invalid_fields",
        ),
        (Method::GET, "/api/nope", None, Vec::new(), 404, "not_found"),
        (Method::GET, "/api", None, Vec::new(), 404, "not_found"),
        (
            Method::GET,
            "/api/login",
            None,
            Vec::new(),
            405,
            "method_not_allowed",
        ),
        (
            Method::DELETE,
            "/api/me",
            None,
            Vec::new(),
            405,
            "method_not_allowed",
        ),
        (
            Method::PUT,
            "/api/2fa/enroll",
            json,
            b"{}".to_vec(),
            405,
            "method_not_allowed",
        ),
    ];
    for (method, path, content_type, body, status, error) in table {
        let mut request = alice
            .http
            .request(method.clone(), format!("{}{path}", h.base))
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let reply = send(request).await;
        let what = format!("{method} {path} → {}", reply.text);
        assert_eq!((reply.status, reply.error()), (status, error), "{what}");
        assert!(
            reply
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{what}"
        );
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{what}");
        assert_security_headers(&reply, &what);
        // Still answering, and the session is untouched.
        assert_eq!(alice.get("/api/time").await.status, 200, "after {what}");
    }
    // Malformed codes were not counted as guesses, and the session is untouched.
    assert_eq!(
        alice.me().await.expect_error(401, "second_factor_required")["next"],
        "otp"
    );
    let wrong = crate::common::wrong_code(&enrollment.secret, h.step());
    assert_eq!(
        alice.otp(&wrong).await.expect_error(401, "invalid_code")["attemptsLeft"],
        9
    );
}

#[tokio::test]
async fn time_ping_and_date_follow_the_server_clock() {
    let h = Harness::start().await;
    let agent = h.agent();
    let time = agent.get("/api/time").await;
    assert_eq!(*time.expect_ok(), json!({ "now": T0_MS }));
    assert_eq!(time.header("cache-control"), Some("no-store"));
    let date = httpdate::parse_http_date(time.header("date").unwrap()).unwrap();
    assert_eq!(date, UNIX_EPOCH + Duration::from_secs(T0_MS / 1_000));
    assert_security_headers(&time, "time");

    h.clock.advance_ms(90_500);
    let ping = agent.get("/api/ping").await;
    assert_eq!((ping.status, ping.text.as_str()), (204, ""));
    let date = httpdate::parse_http_date(ping.header("date").unwrap()).unwrap();
    assert_eq!(
        date,
        UNIX_EPOCH + Duration::from_secs((T0_MS + 90_500) / 1_000)
    );
    assert!(ping.header("content-type").is_none());
}

#[tokio::test]
async fn static_files_are_served_with_strict_types_and_headers() {
    let dir = tempfile::tempdir().unwrap();
    let (www, pkg) = (dir.path().join("www"), dir.path().join("pkg"));
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    std::fs::write(www.join("app.js"), "export {};").unwrap();
    std::fs::write(pkg.join("totpkit.js"), "export default 1;").unwrap();
    std::fs::write(pkg.join("totpkit_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let h = Harness::with_config(Config {
        www,
        pkg,
        ..Config::default()
    })
    .await;
    let agent = h.agent();
    for (path, status, content_type, body) in [
        (
            "/",
            200,
            "text/html; charset=utf-8",
            "<!doctype html><title>demo</title>",
        ),
        ("/app.js", 200, "text/javascript", "export {};"),
        (
            "/pkg/totpkit.js",
            200,
            "text/javascript",
            "export default 1;",
        ),
        (
            "/pkg/totpkit_bg.wasm",
            200,
            "application/wasm",
            "\0asm\u{1}\0\0\0",
        ),
    ] {
        let reply = agent.get(path).await;
        assert_eq!(
            (
                reply.status,
                reply.header("content-type"),
                reply.text.as_str()
            ),
            (status, Some(content_type), body),
            "{path}"
        );
        assert_security_headers(&reply, path);
        assert_eq!(reply.header("cache-control"), Some("no-cache"), "{path}");
    }
    for path in [
        "/missing.js",
        "/pkg/missing.wasm",
        "/pkg/%2e%2e/www/index.html",
    ] {
        let reply = agent.get(path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_security_headers(&reply, path);
    }
}

#[tokio::test]
async fn missing_page_and_package_directories_answer_404_and_the_api_works() {
    let h = Harness::start().await;
    let agent = h.agent();
    for path in ["/", "/index.html", "/pkg/totpkit.js"] {
        let reply = agent.get(path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_security_headers(&reply, path);
    }
    agent.login().await.expect_ok();
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let h = Harness::start().await;
    let agent = h.agent();
    let body = json!({ "email": "alice@example.com", "password": DEMO_PASSWORD });
    let url = format!("{}/api/login", h.base);
    let foreign = send(
        agent
            .http
            .post(&url)
            .header("origin", "http://evil.example")
            .json(&body),
    )
    .await;
    foreign.expect_error(403, "cross_origin");
    let own = send(
        agent
            .http
            .post(&url)
            .header("origin", h.base.as_str())
            .json(&body),
    )
    .await;
    own.expect_ok();
}
