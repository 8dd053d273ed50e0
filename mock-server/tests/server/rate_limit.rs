//! Rate limits, driven by the injected clock (no test sleeps): delays with `Retry-After`,
//! the restart after 10 failures, the reset after a success, the account lock at 100 (NIST)
//! and the recovery code that still works then, and the per-account and per-IP password
//! limits.

use serde_json::json;
use totpkit_mock_server::DEMO_PASSWORD;

use crate::common::{Agent, Harness, Reply, STEP_MS, code_for_step, wrong_code};

/// A step far from everything else in these tests, so codes never collide with used ones.
const LATER_MS: u64 = 20 * STEP_MS;

fn retry_after(reply: &Reply) -> u64 {
    let body = reply.expect_error(429, "too_many_attempts");
    let header: u64 = reply
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert_eq!(body["retryAfter"].as_u64(), Some(header), "{}", reply.text);
    header
}

async fn signed_in_then_password_only(h: &Harness) -> (Agent, Vec<u8>) {
    let (alice, enrollment) = h.enrolled().await;
    alice.logout().await;
    h.clock.advance_ms(LATER_MS);
    alice.login().await.expect_ok();
    (alice, enrollment.secret)
}

#[tokio::test]
async fn delays_start_at_the_third_failure_and_double() {
    let h = Harness::start().await;
    let (alice, secret) = signed_in_then_password_only(&h).await;
    let wrong = wrong_code(&secret, h.step());

    for (n, left) in [(1, 9), (2, 8), (3, 7)] {
        let reply = alice.otp(&wrong).await;
        let body = reply.expect_error(401, "invalid_code");
        assert_eq!(body["attemptsLeft"], left, "failure {n}");
        assert_eq!(
            body.get("hint").is_some(),
            n >= 2,
            "hint from the second failure on"
        );
        assert!(reply.header("retry-after").is_none());
    }
    // After the third failure: 1 s. Even the right code waits (it is not even checked).
    assert_eq!(retry_after(&alice.otp(&wrong).await), 1);
    assert_eq!(
        retry_after(&alice.otp(&code_for_step(&secret, h.step())).await),
        1
    );
    h.clock.advance_ms(999);
    assert_eq!(retry_after(&alice.otp(&wrong).await), 1);
    h.clock.advance_ms(1);
    // Then 2 s, 4 s, 8 s … each after the wait of the previous one.
    for expected in [2, 4, 8, 16, 32] {
        alice.otp(&wrong).await.expect_error(401, "invalid_code");
        assert_eq!(retry_after(&alice.otp(&wrong).await), expected);
        h.clock.advance_ms(expected * 1_000);
    }
}

#[tokio::test]
async fn ten_failures_restart_the_login_and_a_success_resets_the_count() {
    let h = Harness::start().await;
    let (alice, secret) = signed_in_then_password_only(&h).await;
    let wrong = wrong_code(&secret, h.step());
    for n in 1..=10u64 {
        let reply = alice.otp(&wrong).await;
        let body = reply.expect_error(401, "invalid_code");
        assert_eq!(body["attemptsLeft"], 10 - n);
        if n == 10 {
            assert_eq!(body["next"], "login");
        }
        h.clock.advance_ms(60_000);
    }
    // The login is over: even the right code needs the password again.
    alice
        .otp(&code_for_step(&secret, h.step()))
        .await
        .expect_error(401, "login_required");
    alice.me().await.expect_error(401, "login_required");

    // The delay belongs to the account, not the session: a new login still waits it out.
    let wrong = wrong_code(&secret, h.step());
    alice.login().await.expect_ok();
    alice.otp(&wrong).await.expect_error(401, "invalid_code");
    assert_eq!(retry_after(&alice.otp(&wrong).await), 60);
    h.clock.advance_ms(60_000);
    alice
        .otp(&code_for_step(&secret, h.step()))
        .await
        .expect_ok();

    // Success resets the count: the next failure is the first again.
    alice.logout().await;
    alice.login().await.expect_ok();
    let body = alice
        .otp(&wrong_code(&secret, h.step()))
        .await
        .expect_error(401, "invalid_code")
        .clone();
    assert_eq!(body["attemptsLeft"], 9);
    assert!(body.get("hint").is_none());
}

#[tokio::test]
async fn the_account_locks_after_100_consecutive_failures_and_a_recovery_code_still_works() {
    let h = Harness::start().await;
    let (alice, enrollment) = h.enrolled().await;
    let (secret, recovery) = (enrollment.secret, enrollment.recovery);
    alice.logout().await;
    h.clock.advance_ms(LATER_MS);
    alice.login().await.expect_ok();
    let mut failures = 0;
    while failures < 100 {
        let reply = alice.otp(&wrong_code(&secret, h.step())).await;
        match reply.error() {
            "invalid_code" => failures += 1,
            "login_required" => {
                alice.login().await.expect_ok();
            }
            _ => panic!("{}", reply.text),
        }
        h.clock.advance_ms(60_000);
    }
    alice.login().await.expect_ok();
    alice
        .otp(&code_for_step(&secret, h.step()))
        .await
        .expect_error(423, "account_locked");
    // A day later it is still locked.
    h.clock.advance_ms(24 * 3_600_000);
    alice.login().await.expect_ok();
    alice
        .otp(&code_for_step(&secret, h.step()))
        .await
        .expect_error(423, "account_locked");
    // Recovery codes are the way out (50 random bits each, so the lock is not what protects
    // them): a wrong one is counted and delayed like any failure, a right one works once and
    // clears the count.
    let guess = json!({ "recoveryCode": "zzzzz-zzzzz" });
    alice
        .post("/api/login/otp", guess.clone())
        .await
        .expect_error(401, "invalid_recovery_code");
    assert_eq!(retry_after(&alice.post("/api/login/otp", guess).await), 60);
    h.clock.advance_ms(60_000);
    let way_out = json!({ "recoveryCode": recovery[0] });
    let used = alice.post("/api/login/otp", way_out.clone()).await;
    assert_eq!(used.expect_ok()["recoveryCodesLeft"], 9);
    alice.logout().await;
    alice.login().await.expect_ok();
    alice
        .post("/api/login/otp", way_out)
        .await
        .expect_error(401, "code_already_used");
    let body = alice
        .otp(&wrong_code(&secret, h.step()))
        .await
        .expect_error(401, "invalid_code")
        .clone();
    assert_eq!(body["attemptsLeft"], 9, "the count started again");
    alice
        .otp(&code_for_step(&secret, h.step()))
        .await
        .expect_ok();
}

#[tokio::test]
async fn wrong_passwords_are_delayed_per_account() {
    let h = Harness::start().await;
    let alice = h.agent();
    for _ in 0..3 {
        alice
            .login_with("alice@example.com", "guess")
            .await
            .expect_error(401, "invalid_credentials");
    }
    assert_eq!(
        retry_after(&alice.login_with("alice@example.com", "guess").await),
        1
    );
    assert_eq!(retry_after(&alice.login().await), 1);
    h.clock.advance_ms(1_000);
    alice.login().await.expect_ok();
    // Reset by the success.
    alice
        .login_with("alice@example.com", "guess")
        .await
        .expect_error(401, "invalid_credentials");
    alice
        .login_with("ALICE@example.com", DEMO_PASSWORD)
        .await
        .expect_ok();
}

#[tokio::test]
async fn failed_logins_are_limited_per_ip() {
    let h = Harness::start().await;
    let mallory = h.agent();
    // Unknown accounts answer exactly like wrong passwords, and count against the address.
    for i in 0..20 {
        let reply = mallory
            .login_with(&format!("user{i}@example.com"), "guess")
            .await;
        reply.expect_error(401, "invalid_credentials");
        h.clock.advance_ms(1_000);
    }
    let limited = mallory.login_with("user99@example.com", "guess").await;
    assert_eq!(retry_after(&limited), 40);
    // Every login from that address waits, even a right one.
    assert_eq!(retry_after(&h.agent().login().await), 40);
    h.clock.advance_ms(40_000);
    h.agent().login().await.expect_ok();
}
