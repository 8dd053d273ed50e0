//! The JavaScript API, tested inside a real wasm instance: in Node (`wasm-bindgen-test-runner`)
//! and in headless Chromium (`WASM_BINDGEN_USE_BROWSER=1`); scripts/test.sh runs both and checks
//! that tests really ran. Every RFC vector goes through the exported functions, and every error
//! must be a thrown `TotpkitError` with a stable `code`, after which the module still works.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use js_sys::{Object, Reflect};
use totpkit::wasm::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const RFC6238: &str = include_str!("data/rfc6238.txt");
const RFC4226: &str = include_str!("data/rfc4226.txt");

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect())
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

/// Asserts a thrown TotpkitError with `code`, then that the module still computes a vector.
fn assert_error<T: core::fmt::Debug>(result: Result<T, JsValue>, code: &str) {
    let err = result.expect_err(code);
    let err: js_sys::Error = err.dyn_into().expect("a JS Error object");
    assert_eq!(String::from(err.name()), "TotpkitError");
    assert_eq!(get(&err, "code").as_string().as_deref(), Some(code));
    still_works();
}

fn still_works() {
    let code = totp_code(
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
        59_000.0.into(),
        obj(&[("digits", 8.into())]),
    )
    .unwrap();
    assert_eq!(code, "94287082");
}

#[wasm_bindgen_test]
fn rfc6238_vectors_through_the_js_api() {
    for r in rows(RFC6238) {
        let (alg, secs, code, secret) = (r[0], r[1].parse::<f64>().unwrap(), r[2], r[3]);
        let opts = obj(&[("algorithm", alg.into()), ("digits", 8.into())]);
        // Milliseconds: the last millisecond of the second still gives the same code.
        assert_eq!(
            totp_code(secret.into(), (secs * 1000.0 + 999.0).into(), opts.clone()).unwrap(),
            code
        );
        let v = verify_totp(secret.into(), code.into(), (secs * 1000.0).into(), opts).unwrap();
        assert_eq!(get(&v, "valid"), JsValue::TRUE);
        assert_eq!(get(&v, "delta").as_f64(), Some(0.0));
        assert_eq!(get(&v, "step").as_f64(), Some((secs / 30.0).floor()));
    }
}

#[wasm_bindgen_test]
fn rfc4226_vectors_through_the_js_api() {
    for r in rows(RFC4226) {
        let counter: f64 = r[0].parse().unwrap();
        assert_eq!(
            hotp_code(r[2].into(), counter.into(), JsValue::UNDEFINED).unwrap(),
            r[1]
        );
    }
}

#[wasm_bindgen_test]
fn verify_reports_delta_and_rejects() {
    let s = "JBSWY3DPEHPK3PXP";
    let now = 1_700_000_000_000.0;
    let prev = totp_code(s.into(), (now - 30_000.0).into(), JsValue::UNDEFINED).unwrap();
    let v = verify_totp(
        s.into(),
        format!("{}-{}", &prev[..3], &prev[3..]).into(),
        now.into(),
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(get(&v, "delta").as_f64(), Some(-1.0));
    let v = verify_totp(
        s.into(),
        prev.clone().into(),
        now.into(),
        obj(&[("window", 0.into())]),
    )
    .unwrap();
    assert_eq!(get(&v, "valid"), JsValue::FALSE);
    assert!(get(&v, "delta").is_null() && get(&v, "step").is_null());
}

#[wasm_bindgen_test]
fn secrets() {
    let s = generate_secret(JsValue::UNDEFINED).unwrap();
    assert_eq!(s.len(), 32); // 20 bytes = 160 bits = 32 base32 symbols
    assert!(
        s.bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    );
    assert_ne!(s, generate_secret(JsValue::UNDEFINED).unwrap());
    assert_eq!(generate_secret(64.into()).unwrap().len(), 103);
    assert_eq!(
        format_secret("jbsw-y3dp ehpk3pxp==".into()).unwrap(),
        "JBSW Y3DP EHPK 3PXP"
    );
}

#[wasm_bindgen_test]
fn otpauth_round_trip() {
    let p = obj(&[
        ("secret", "jbsw y3dp ehpk 3pxp".into()),
        ("account", "alice@example.com".into()),
        ("issuer", "ACME Co".into()),
    ]);
    let uri = build_otpauth_uri(p).unwrap();
    assert_eq!(
        uri,
        "otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
    );
    let parsed = parse_otpauth_uri(uri.into()).unwrap();
    for (k, v) in [
        ("type", "totp"),
        ("secret", "JBSWY3DPEHPK3PXP"),
        ("account", "alice@example.com"),
        ("issuer", "ACME Co"),
        ("algorithm", "SHA1"),
    ] {
        assert_eq!(get(&parsed, k).as_string().as_deref(), Some(v), "{k}");
    }
    assert_eq!(get(&parsed, "digits").as_f64(), Some(6.0));
    assert_eq!(get(&parsed, "period").as_f64(), Some(30.0));
    assert!(get(&parsed, "counter").is_undefined());
    let hotp =
        parse_otpauth_uri("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=9".into()).unwrap();
    assert_eq!(get(&hotp, "counter").as_f64(), Some(9.0));
}

#[wasm_bindgen_test]
fn every_error_is_a_totpkit_error_and_the_module_survives() {
    let s: JsValue = "JBSWY3DPEHPK3PXP".into();
    let now: JsValue = 1_700_000_000_000.0.into();
    let u = JsValue::UNDEFINED;
    assert_error(
        totp_code("JBSW!".into(), now.clone(), u.clone()),
        "InvalidBase32",
    );
    assert_error(
        totp_code(42.into(), now.clone(), u.clone()),
        "InvalidBase32",
    );
    assert_error(
        totp_code("JBSWY3DP".into(), now.clone(), u.clone()),
        "InvalidSecretLength",
    );
    assert_error(
        totp_code(s.clone(), f64::NAN.into(), u.clone()),
        "InvalidTime",
    );
    assert_error(
        totp_code(s.clone(), (-1.0).into(), u.clone()),
        "InvalidTime",
    );
    assert_error(totp_code(s.clone(), 1e300.into(), u.clone()), "InvalidTime");
    assert_error(totp_code(s.clone(), "now".into(), u.clone()), "InvalidTime");
    assert_error(
        totp_code(s.clone(), now.clone(), obj(&[("digits", 9.into())])),
        "InvalidDigits",
    );
    assert_error(
        totp_code(s.clone(), now.clone(), obj(&[("digits", 6.5.into())])),
        "InvalidDigits",
    );
    assert_error(
        totp_code(s.clone(), now.clone(), obj(&[("period", 0.into())])),
        "InvalidPeriod",
    );
    assert_error(
        totp_code(s.clone(), now.clone(), obj(&[("algorithm", "MD5".into())])),
        "UnsupportedAlgorithm",
    );
    assert_error(
        totp_code(s.clone(), now.clone(), "SHA1".into()),
        "InvalidOptions",
    );
    assert_error(
        hotp_code(s.clone(), (-1).into(), u.clone()),
        "InvalidCounter",
    );
    assert_error(
        hotp_code(s.clone(), 9_007_199_254_740_992.0.into(), u.clone()),
        "InvalidCounter",
    );
    assert_error(
        verify_totp(s.clone(), "12345".into(), now.clone(), u.clone()),
        "InvalidCode",
    );
    assert_error(
        verify_totp(s.clone(), "abcdef".into(), now.clone(), u.clone()),
        "InvalidCode",
    );
    assert_error(
        verify_totp(s.clone(), u.clone(), now.clone(), u.clone()),
        "InvalidCode",
    );
    assert_error(
        verify_totp(
            s.clone(),
            "123456".into(),
            now.clone(),
            obj(&[("window", 11.into())]),
        ),
        "InvalidWindow",
    );
    assert_error(generate_secret(15.into()), "InvalidSecretLength");
    assert_error(generate_secret("20".into()), "InvalidSecretLength");
    assert_error(format_secret("not base32!".into()), "InvalidBase32");
    assert_error(parse_otpauth_uri("https://x".into()), "InvalidUri");
    assert_error(
        parse_otpauth_uri("otpauth://motp/x?secret=JBSWY3DPEHPK3PXP".into()),
        "UnsupportedOtpType",
    );
    assert_error(
        parse_otpauth_uri("otpauth://totp/x".into()),
        "MissingSecret",
    );
    assert_error(parse_otpauth_uri(JsValue::NULL), "InvalidUri");
    assert_error(
        build_otpauth_uri(obj(&[("secret", s.clone()), ("account", "a:b".into())])),
        "InvalidLabel",
    );
    assert_error(
        build_otpauth_uri(obj(&[("account", "a".into())])),
        "MissingSecret",
    );
    assert_error(build_otpauth_uri(u.clone()), "InvalidOptions");
}

#[wasm_bindgen_test]
fn qr_functions() {
    let svg = render_qr_svg("hello".into(), obj(&[("title", "<x>".into())])).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 29 29\""));
    assert!(svg.contains("aria-label=\"&lt;x&gt;\""));
    let m = qr_matrix("hello".into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&m, "size").as_f64(), Some(21.0));
    let modules: js_sys::Uint8Array = get(&m, "modules").dyn_into().unwrap();
    assert_eq!(modules.length(), 441);
    // Top-left finder pattern: a 7-module dark row.
    assert_eq!(modules.to_vec()[..8], [1, 1, 1, 1, 1, 1, 1, 0]);
    let e = enrollment(
        obj(&[
            ("account", "alice@example.com".into()),
            ("issuer", "ACME Co".into()),
        ]),
        JsValue::UNDEFINED,
    )
    .unwrap();
    let secret = get(&e, "secret").as_string().unwrap();
    assert_eq!(secret.len(), 32);
    assert!(get(&e, "uri").as_string().unwrap().contains(&secret));
    assert!(!get(&e, "altText").as_string().unwrap().contains(&secret));
    assert_eq!(get(&get(&e, "params"), "period").as_f64(), Some(30.0));

    assert_error(
        render_qr_svg("x".into(), obj(&[("dark", "\"/><script>".into())])),
        "InvalidOptions",
    );
    assert_error(
        render_qr_svg("x".into(), obj(&[("ecc", "Z".into())])),
        "InvalidOptions",
    );
    assert_error(
        render_qr_svg("a".repeat(3000).into(), JsValue::UNDEFINED),
        "QrTooLong",
    );
    assert_error(
        qr_matrix(JsValue::NULL, JsValue::UNDEFINED),
        "InvalidOptions",
    );
    assert_error(
        enrollment(obj(&[("account", "a:b".into())]), JsValue::UNDEFINED),
        "InvalidLabel",
    );
}

#[wasm_bindgen_test]
fn clock_functions() {
    let s = |sent: f64, rtt: f64, server: f64| {
        obj(&[
            ("sentMs", sent.into()),
            ("receivedMs", (sent + rtt).into()),
            ("serverMs", server.into()),
        ])
    };
    let samples = js_sys::Array::of3(
        &s(1e12, 800.0, 1e12 + 120_400.0),
        &s(1e12 + 1e4, 80.0, 1e12 + 1e4 + 120_040.0),
        &s(1e12, 300.0, 0.0),
    );
    let e = estimate_clock_offset(samples.into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&e, "sampleIndex").as_f64(), Some(1.0));
    assert!((get(&e, "offsetMs").as_f64().unwrap() - 120_000.0).abs() <= 1.0);
    assert_eq!(get(&e, "status").as_string().as_deref(), Some("critical"));
    assert_error(
        estimate_clock_offset(js_sys::Array::new().into(), JsValue::UNDEFINED),
        "InvalidSample",
    );
    assert_error(
        estimate_clock_offset(obj(&[]), JsValue::UNDEFINED),
        "InvalidSample",
    );
    assert_error(
        estimate_clock_offset(
            js_sys::Array::of1(&s(f64::NAN, 1.0, 1.0)).into(),
            JsValue::UNDEFINED,
        ),
        "InvalidSample",
    );
    assert_error(
        estimate_clock_offset(js_sys::Array::of1(&"x".into()).into(), JsValue::UNDEFINED),
        "InvalidSample",
    );

    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT".into()).unwrap(),
        784_111_777_000.0
    );
    assert_error(parse_http_date("yesterday".into()), "InvalidDate");

    let p = code_preview(
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
        58_999.0.into(),
        obj(&[("offsetMs", 1.0.into()), ("digits", 8.into())]),
    )
    .unwrap();
    assert_eq!(get(&p, "code").as_string().as_deref(), Some("94287082"));
    assert_eq!(get(&p, "secondsRemaining").as_f64(), Some(1.0));
    assert_error(
        code_preview(
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
            1.0.into(),
            obj(&[("offsetMs", f64::NAN.into())]),
        ),
        "InvalidTime",
    );

    let d = diagnose_code(
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
        "94287082".into(),
        149_000.0.into(),
        obj(&[("digits", 8.into())]),
    )
    .unwrap();
    assert_eq!(get(&d, "kind").as_string().as_deref(), Some("drift"));
    assert_eq!(get(&d, "stepDelta").as_f64(), Some(-3.0));
    assert_eq!(get(&d, "offsetSeconds").as_f64(), Some(-90.0));
    assert_error(
        diagnose_code(
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
            "1".into(),
            0.into(),
            JsValue::UNDEFINED,
        ),
        "InvalidCode",
    );
    assert_error(
        diagnose_code(
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
            "123456".into(),
            0.into(),
            obj(&[("maxSteps", 1e9.into())]),
        ),
        "InvalidOptions",
    );
}

/// Regression (hostile-input suite): a revoked Proxy made `Array.isArray` throw straight through
/// wasm frames, which skipped restoring the shadow stack; after ~1 000 calls the instance died.
/// A huge sparse array asked `Vec::with_capacity` for gigabytes.
#[wasm_bindgen_test]
fn revoked_proxies_are_refused_without_leaking_the_stack() {
    let pair = js_sys::Proxy::revocable(&Object::new(), &Object::new());
    let proxy = get(&pair, "proxy");
    get(&pair, "revoke")
        .dyn_into::<js_sys::Function>()
        .unwrap()
        .call0(&JsValue::NULL)
        .unwrap();
    for _ in 0..2000 {
        let err = totp_code(
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
            59_000.0.into(),
            proxy.clone(),
        )
        .expect_err("revoked options");
        assert_eq!(
            get(&err, "code").as_string().as_deref(),
            Some("InvalidOptions")
        );
    }
    assert_error(
        estimate_clock_offset(proxy.clone(), JsValue::UNDEFINED),
        "InvalidSample",
    );
    let huge = js_sys::Array::new();
    huge.set_length(1 << 26 | 1);
    assert_error(
        estimate_clock_offset(huge.into(), JsValue::UNDEFINED),
        "InvalidSample",
    );
    still_works();
}
