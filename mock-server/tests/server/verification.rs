//! Verification semantics: the window T−1…T+1 on the server's clock, resynchronisation for
//! codes further off (RFC 6238 §6: two consecutive codes, then the drift is remembered), single
//! use of each step (the matched one, not the server's), and atomicity under concurrent
//! submissions.

use std::sync::Arc;

use serde_json::json;
use tokio::sync::Barrier;
use totpkit_mock_server::Policy;

use crate::common::{Harness, STEP_MS, code_for_step};

/// Far enough after enrollment that the confirmation's step is out of every window.
const LATER_MS: u64 = 20 * STEP_MS;

#[tokio::test]
async fn the_window_is_one_step_either_side() {
    let h = Harness::start().await;
    let (alice, enrollment) = h.enrolled().await;
    let secret = &enrollment.secret;
    h.clock.advance_ms(LATER_MS);
    let t = h.step();
    alice.logout().await;
    alice.login().await.expect_ok();

    // Two steps off is outside the window: not accepted. It is not a guess either (the code
    // matched), so it is not counted; the answer asks for the next code (see the resync test).
    let two_back = alice.otp(&code_for_step(secret, t - 2)).await;
    assert_eq!(
        two_back.expect_error(401, "resync_required")["offsetSeconds"],
        -60
    );
    let two_ahead = alice.otp(&code_for_step(secret, t + 2)).await;
    assert_eq!(
        two_ahead.expect_error(401, "resync_required")["offsetSeconds"],
        60
    );
    // Beyond the resync reach (±10 steps) a code is a plain guess, the first one counted.
    let far = alice.otp(&code_for_step(secret, t + 11)).await;
    let body = far.expect_error(401, "invalid_code");
    assert_eq!(body["attemptsLeft"], 9);
    assert!(body.get("hint").is_none());

    // Ascending steps, so no success makes a later one a replay.
    for step in [t - 1, t, t + 1] {
        alice.otp(&code_for_step(secret, step)).await.expect_ok();
        alice.logout().await;
        alice.login().await.expect_ok();
    }
}

#[tokio::test]
async fn the_enrollment_window_is_one_step_either_side_too() {
    let h = Harness::start().await;
    let alice = h.agent();
    alice.login().await.expect_ok();
    let enroll = alice.post_empty("/api/2fa/enroll").await;
    let secret = crate::common::base32_decode(enroll.expect_ok()["secret"].as_str().unwrap());
    let t = h.step();
    for (step, offset) in [(t - 2, -60), (t + 2, 60)] {
        let code = code_for_step(&secret, step);
        let reply = alice
            .post("/api/2fa/confirm", json!({ "code": code }))
            .await;
        assert_eq!(
            reply.expect_error(401, "resync_required")["offsetSeconds"],
            offset
        );
    }
    alice
        .post(
            "/api/2fa/confirm",
            json!({ "code": code_for_step(&secret, t - 1) }),
        )
        .await
        .expect_ok();
}

#[tokio::test]
async fn a_code_is_used_once_even_after_the_clock_moves() {
    let h = Harness::start().await;
    let (alice, enrollment) = h.enrolled().await;
    let secret = &enrollment.secret;

    // The confirmation code counts as used.
    alice.logout().await;
    alice.login().await.expect_ok();
    let confirm_code = code_for_step(secret, enrollment.confirmed_step);
    alice
        .otp(&confirm_code)
        .await
        .expect_error(401, "code_already_used");

    // The next step's code, accepted early (T+1), is stored as T+1: not the server's T.
    let t = h.step();
    let ahead = code_for_step(secret, t + 1);
    alice.otp(&ahead).await.expect_ok();
    alice.logout().await;
    alice.login().await.expect_ok();
    alice
        .otp(&ahead)
        .await
        .expect_error(401, "code_already_used");
    // The current step's code is older than the stored step: refused as well.
    alice
        .otp(&code_for_step(secret, t))
        .await
        .expect_error(401, "code_already_used");
    // When T+1 becomes now, and then T−1, the code stays used.
    h.clock.advance_ms(STEP_MS);
    alice
        .otp(&ahead)
        .await
        .expect_error(401, "code_already_used");
    h.clock.advance_ms(STEP_MS);
    // Still a replay, not a counted guess (the window has moved past it by now, or nearly).
    alice
        .otp(&ahead)
        .await
        .expect_error(401, "code_already_used");
    // Replays are not counted as guesses; the next new code still works.
    alice
        .otp(&code_for_step(secret, h.step()))
        .await
        .expect_ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_simultaneous_submissions_of_one_code_succeed_once() {
    // Twenty password sessions of one account from one address: above the default caps.
    let h = Harness::with_policy(Policy {
        password_sessions_per_account: 20,
        ..Policy::default()
    })
    .await;
    let (alice, enrollment) = h.enrolled().await;
    alice.logout().await;
    h.clock.advance_ms(LATER_MS);
    let code = code_for_step(&enrollment.secret, h.step());

    // Twenty browsers, each with its own password session, submit the same code at once.
    let mut agents = Vec::new();
    for _ in 0..20 {
        let agent = h.agent();
        agent.login().await.expect_ok();
        agents.push(agent);
    }
    let barrier = Arc::new(Barrier::new(agents.len()));
    let tasks: Vec<_> = agents
        .into_iter()
        .map(|agent| {
            let (barrier, code) = (barrier.clone(), code.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                agent.otp(&code).await
            })
        })
        .collect();
    let mut successes = 0;
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            200 => successes += 1,
            _ => {
                reply.expect_error(401, "code_already_used");
            }
        }
    }
    assert_eq!(successes, 1);
}

#[tokio::test]
async fn malformed_codes_are_rejected_without_counting() {
    let h = Harness::start().await;
    let (alice, enrollment) = h.enrolled().await;
    alice.logout().await;
    alice.login().await.expect_ok();
    for bad in [
        "",
        "12345",
        "1234567",
        "12a456",
        "１２３４５",
        "123456\u{0}",
    ] {
        let reply = alice.otp(bad).await;
        assert_eq!(
            reply.expect_error(422, "malformed_code")["digits"],
            6,
            "{bad:?}"
        );
    }
    // Spaces, hyphens, no-break spaces and full-width digits are typing aids, not errors (the
    // crate's code parser decides): a wrong code so typed is a counted failure.
    let wrong = crate::common::wrong_code(&enrollment.secret, h.step());
    let typed = format!("{} {}", &wrong[..3], &wrong[3..]);
    assert_eq!(
        alice.otp(&typed).await.expect_error(401, "invalid_code")["attemptsLeft"],
        9
    );
    let full_width: String = wrong
        .chars()
        .map(|c| char::from_u32(u32::from(c) - u32::from('0') + 0xFF10).unwrap())
        .collect();
    assert_eq!(
        alice
            .otp(&full_width)
            .await
            .expect_error(401, "invalid_code")["attemptsLeft"],
        8
    );
}

#[tokio::test]
async fn a_phone_four_minutes_behind_resyncs_with_two_codes_then_signs_in_with_one() {
    let h = Harness::start().await;
    let (alice, enrollment) = h.enrolled().await;
    let secret = &enrollment.secret;
    alice.logout().await;
    h.clock.advance_ms(LATER_MS);
    alice.login().await.expect_ok();
    // The phone's clock is 8 steps (4 minutes) behind the server's.
    let phone = |h: &Harness| h.step() - 8;

    let first = alice.otp(&code_for_step(secret, phone(&h))).await;
    assert_eq!(
        first.expect_error(401, "resync_required")["offsetSeconds"],
        -240
    );
    // One code never signs in, not even sent twice; a code at another offset starts over.
    let again = alice.otp(&code_for_step(secret, phone(&h))).await;
    again.expect_error(401, "resync_required");
    let elsewhere = alice.otp(&code_for_step(secret, h.step() + 5)).await;
    assert_eq!(
        elsewhere.expect_error(401, "resync_required")["offsetSeconds"],
        150
    );
    // None of this counted as a guess: a wrong code now is this login's first failure. It
    // also ends the resync (two *consecutive* codes), so the phone's code starts one again.
    let wrong = crate::common::wrong_code(secret, h.step());
    assert_eq!(
        alice.otp(&wrong).await.expect_error(401, "invalid_code")["attemptsLeft"],
        9
    );
    let restart = alice.otp(&code_for_step(secret, phone(&h))).await;
    restart.expect_error(401, "resync_required");
    // The phone's next code, at the same offset, signs in.
    h.clock.advance_ms(STEP_MS);
    alice
        .otp(&code_for_step(secret, phone(&h)))
        .await
        .expect_ok();

    // The drift is remembered: an hour later, one code from the same phone signs in.
    alice.logout().await;
    h.clock.advance_ms(120 * STEP_MS);
    alice.login().await.expect_ok();
    alice
        .otp(&code_for_step(secret, phone(&h)))
        .await
        .expect_ok();
}
