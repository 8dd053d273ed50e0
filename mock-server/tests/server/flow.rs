//! The whole sign-in story: login → enroll → confirm → recovery codes → logout → login → OTP →
//! `/api/me`, and the recovery and reset paths.

use serde_json::json;
use totpkit_mock_server::{DEMO_EMAIL, DEMO_PASSWORD, OtpPolicy, Policy};

use crate::common::{Harness, STEP_MS, T0_MS, base32_decode, code_for_step};

#[tokio::test]
async fn full_flow_with_an_independent_totp() {
    let h = Harness::start().await;
    let alice = h.agent();
    alice.me().await.expect_error(401, "login_required");

    let login = alice.login().await;
    assert_eq!(login.expect_ok()["next"], "enroll");
    alice.me().await.expect_error(401, "second_factor_required");

    let enroll = alice.post_empty("/api/2fa/enroll").await;
    let e = enroll.expect_ok();
    assert_eq!(e["issuer"], "totpkit demo");
    assert_eq!(e["account"], DEMO_EMAIL);
    assert_eq!(
        (
            e["algorithm"].as_str(),
            e["digits"].as_u64(),
            e["period"].as_u64()
        ),
        (Some("SHA1"), Some(6), Some(30))
    );
    assert_eq!(e["expiresAt"].as_u64(), Some(T0_MS + 10 * 60 * 1_000));
    let secret_b32 = e["secret"].as_str().unwrap();
    let secret = base32_decode(secret_b32);
    assert_eq!(secret.len(), 20, "160-bit secret");
    let uri = e["otpauthUri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/totpkit%20demo:alice%40example.com?"),
        "{uri}"
    );
    assert!(
        uri.contains(&format!("secret={secret_b32}")) && uri.contains("issuer=totpkit%20demo"),
        "{uri}"
    );

    let confirm = alice
        .post(
            "/api/2fa/confirm",
            json!({ "code": code_for_step(&secret, h.step()) }),
        )
        .await;
    let codes = confirm.expect_ok()["recoveryCodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(codes.len(), 10);
    let mut distinct: Vec<&str> = codes.iter().map(|c| c.as_str().unwrap()).collect();
    for code in &distinct {
        assert!(code.len() == 11 && code.as_bytes()[5] == b'-', "{code}");
        assert!(
            code.bytes()
                .all(|b| b == b'-' || b.is_ascii_digit() || b.is_ascii_lowercase()),
            "{code}"
        );
    }
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 10);

    let me = alice.me().await;
    assert_eq!(
        *me.expect_ok(),
        json!({ "email": DEMO_EMAIL, "twoFactor": true })
    );
    alice.logout().await;
    alice.me().await.expect_error(401, "login_required");

    assert_eq!(alice.login().await.expect_ok()["next"], "otp");
    alice.me().await.expect_error(401, "second_factor_required");
    h.clock.advance_ms(STEP_MS);
    let otp = alice.otp(&code_for_step(&secret, h.step())).await;
    assert_eq!(otp.expect_ok()["next"], "done");
    assert_eq!(
        *alice.me().await.expect_ok(),
        json!({ "email": DEMO_EMAIL, "twoFactor": true })
    );
}

#[tokio::test]
async fn the_session_cookie_is_http_only_strict_and_renewed_at_sign_in() {
    let h = Harness::start().await;
    let (alice, enrollment) = h.enrolled().await;
    alice.logout().await;
    let login = alice.login().await;
    let first = login.header("set-cookie").unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(first.split("; ").any(|a| a == attribute), "{first}");
    }
    let token = first
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("totpkit_session=")
        .unwrap();
    assert!(
        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "32 random bytes"
    );
    h.clock.advance_ms(STEP_MS);
    let otp = alice
        .otp(&code_for_step(&enrollment.secret, h.step()))
        .await;
    let second = otp.header("set-cookie").unwrap();
    assert_ne!(
        first.split(';').next(),
        second.split(';').next(),
        "a new token after the second factor"
    );

    // The password-stage token is dead once the session is upgraded.
    let stale = reqwest::Client::new()
        .get(format!("{}/api/me", h.base))
        .header("cookie", first.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 401);

    let logout = alice.post_empty("/api/logout").await;
    assert!(logout.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert!(
        h.state.sessions.is_empty(),
        "no session left behind on the server"
    );
}

#[tokio::test]
async fn a_recovery_code_works_once() {
    let h = Harness::start().await;
    let (alice, enrollment) = h.enrolled().await;
    alice.logout().await;

    alice.login().await.expect_ok();
    let first = &enrollment.recovery[0];
    let used = alice
        .post("/api/login/otp", json!({ "recoveryCode": first }))
        .await;
    assert_eq!(used.expect_ok()["recoveryCodesLeft"], 9);
    alice.me().await.expect_ok();
    alice.logout().await;

    alice.login().await.expect_ok();
    let again = alice
        .post("/api/login/otp", json!({ "recoveryCode": first }))
        .await;
    // A used code is a replay: refused, and not counted as a guess (see verification.rs).
    again.expect_error(401, "code_already_used");
    // Typed by hand: uppercase, a space for the hyphen.
    let typed = enrollment.recovery[1].to_uppercase().replace('-', " ");
    let second = alice
        .post("/api/login/otp", json!({ "recoveryCode": typed }))
        .await;
    assert_eq!(second.expect_ok()["recoveryCodesLeft"], 8);

    // Neither or both fields: not a guess, a bad request.
    alice.logout().await;
    alice.login().await.expect_ok();
    alice
        .post("/api/login/otp", json!({}))
        .await
        .expect_error(422, "invalid_fields");
    alice
        .post(
            "/api/login/otp",
            json!({ "code": "123456", "recoveryCode": &enrollment.recovery[2] }),
        )
        .await
        .expect_error(422, "invalid_fields");
    alice
        .post("/api/login/otp", json!({ "recoveryCode": "not-a-code!" }))
        .await
        .expect_error(422, "malformed_recovery_code");
}

#[tokio::test]
async fn reset_removes_the_authenticator_and_ends_other_sessions() {
    let h = Harness::start().await;
    let (laptop, enrollment) = h.enrolled().await;
    laptop.me().await.expect_ok();

    // Lost phone: the password and a recovery code, from a browser with no session at all.
    let phone_lost = h.agent();
    let reset = |agent: &crate::common::Agent, body| {
        let agent = agent.clone();
        async move { agent.post("/api/2fa/reset", body).await }
    };
    reset(
        &phone_lost,
        json!({ "password": DEMO_PASSWORD, "recoveryCode": enrollment.recovery[0] }),
    )
    .await
    .expect_error(401, "login_required");
    let with_email = |password: &str, code: &str| json!({ "email": DEMO_EMAIL, "password": password, "recoveryCode": code });
    reset(&phone_lost, with_email("wrong", &enrollment.recovery[0]))
        .await
        .expect_error(401, "invalid_credentials");
    reset(&phone_lost, with_email(DEMO_PASSWORD, "zzzzz-zzzzz"))
        .await
        .expect_error(401, "invalid_recovery_code");
    let done = reset(
        &phone_lost,
        with_email(DEMO_PASSWORD, &enrollment.recovery[0]),
    )
    .await;
    assert_eq!(done.expect_ok()["next"], "enroll");

    // The other browser's full session ended; the new one goes on to enroll.
    laptop.me().await.expect_error(401, "login_required");
    let me = phone_lost.me().await;
    assert_eq!(
        me.expect_error(401, "second_factor_required")["next"],
        "enroll"
    );
    let enroll = phone_lost.post_empty("/api/2fa/enroll").await;
    let new_secret = base32_decode(enroll.expect_ok()["secret"].as_str().unwrap());
    assert_ne!(new_secret, enrollment.secret);
    h.clock.advance_ms(STEP_MS);
    phone_lost
        .post(
            "/api/2fa/confirm",
            json!({ "code": code_for_step(&new_secret, h.step()) }),
        )
        .await
        .expect_ok();

    // The old recovery codes went with the old authenticator; the reset path from a session
    // (no email in the body) works with a new one.
    let fresh = h.agent();
    assert_eq!(fresh.login().await.expect_ok()["next"], "otp");
    reset(
        &fresh,
        json!({ "password": DEMO_PASSWORD, "recoveryCode": enrollment.recovery[1] }),
    )
    .await
    .expect_error(401, "invalid_recovery_code");
}

#[tokio::test]
async fn enrollment_expires_and_happens_once() {
    let policy = Policy {
        otp: OtpPolicy {
            enroll_ttl_ms: 60_000,
            ..OtpPolicy::default()
        },
        ..Policy::default()
    };
    let h = Harness::with_policy(policy).await;
    let alice = h.agent();
    alice.login().await.expect_ok();
    alice
        .post("/api/2fa/confirm", json!({ "code": "123456" }))
        .await
        .expect_error(409, "no_pending_enrollment");
    let enroll = alice.post_empty("/api/2fa/enroll").await;
    let secret = base32_decode(enroll.expect_ok()["secret"].as_str().unwrap());
    h.clock.advance_ms(60_000);
    alice
        .post(
            "/api/2fa/confirm",
            json!({ "code": code_for_step(&secret, h.step()) }),
        )
        .await
        .expect_error(410, "enrollment_expired");

    // After it expired, enroll makes a new secret; until that one expires, enroll hands out
    // the same one again (a reload resumes it: a phone that scanned it keeps working).
    let older = secret;
    let first = alice.post_empty("/api/2fa/enroll").await;
    let newer = base32_decode(first.expect_ok()["secret"].as_str().unwrap());
    assert_ne!(newer, older);
    assert_eq!(first.body["resumed"], false);
    h.clock.advance_ms(30_000);
    let again = alice.post_empty("/api/2fa/enroll").await;
    assert_eq!(again.expect_ok()["secret"], first.body["secret"]);
    assert_eq!(again.body["expiresAt"], first.body["expiresAt"]);
    assert_eq!(again.body["resumed"], true);
    alice
        .post(
            "/api/2fa/confirm",
            json!({ "code": code_for_step(&older, h.step()) }),
        )
        .await
        .expect_error(401, "invalid_code");
    alice
        .post(
            "/api/2fa/confirm",
            json!({ "code": code_for_step(&newer, h.step()) }),
        )
        .await
        .expect_ok();
    alice
        .post_empty("/api/2fa/enroll")
        .await
        .expect_error(409, "already_enrolled");
    alice
        .otp("123456")
        .await
        .expect_error(409, "already_signed_in");
}
