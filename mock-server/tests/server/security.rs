//! Security round 2 (issue 12): each test here failed on the server before it, as an attacker
//! would meet it over HTTP. The ones about the command line, the data file and connections run
//! the built binary; the rate-limit ones run in process with the injected clock (the same
//! router and connection code over real loopback sockets) so no test sleeps through a delay.
//! Per-source tests bind the client to 127.0.0.2 and 127.0.0.3: every 127.x address is local.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::Barrier;
use totpkit_mock_server::{Config, ConnLimits, DEMO_EMAIL, DEMO_PASSWORD, Policy};

use crate::binary::{Process, now_secs};
use crate::common::{Agent, Harness, STEP_MS, base32_decode, code_at, wrong_code};

const ATTACKER: [u8; 4] = [127, 0, 0, 2];
const OWNER: [u8; 4] = [127, 0, 0, 3];

/// Login, enroll and confirm against a binary on the real clock; returns the secret and the
/// recovery codes.
async fn enroll_binary(agent: &Agent) -> (Vec<u8>, Vec<String>) {
    agent.login().await.expect_ok();
    let enroll = agent.post_empty("/api/2fa/enroll").await;
    let secret = base32_decode(enroll.expect_ok()["secret"].as_str().unwrap());
    let confirm = agent
        .post(
            "/api/2fa/confirm",
            json!({ "code": code_at(&secret, now_secs()) }),
        )
        .await;
    let codes = confirm.expect_ok()["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn planted_temp_files_never_redirect_or_loosen_the_data_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.json");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "do not touch\n").unwrap();
    let server = Process::start(&["--data-file", path.to_str().unwrap()]).await;
    // Every name this server (or its earlier versions) could use for its temporary file.
    let names = [
        format!("users.json.tmp{}", server.pid()),
        "users.json.tmp".to_owned(),
        ".users.json.tmp".to_owned(),
        "users.json~".to_owned(),
    ];
    for name in &names {
        std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
    }
    let alice = server.agent();
    let (secret, codes) = enroll_binary(&alice).await;
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "do not touch\n");
    assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
    assert_eq!(mode(&path), 0o600);

    // Now world-writable files at the same names.
    for name in &names {
        let planted = dir.path().join(name);
        std::fs::remove_file(&planted).unwrap();
        std::fs::write(&planted, "").unwrap();
        std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o666)).unwrap();
    }
    alice.logout().await;
    alice.login().await.expect_ok();
    alice
        .post("/api/login/otp", json!({ "recoveryCode": codes[0] }))
        .await
        .expect_ok();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "do not touch\n");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"active\": {"), "the write happened: {text}");
    let _ = secret;
    server.stop().await;
}

#[tokio::test]
async fn wrong_passwords_from_one_address_do_not_delay_the_owner_at_another() {
    // In process, with time moving so that all 30 failures count.
    let h = Harness::start().await;
    let mallory = h.agent_from(ATTACKER);
    let mut counted = 0;
    while counted < 30 {
        let reply = mallory.login_with(DEMO_EMAIL, "guess").await;
        match reply.error() {
            "invalid_credentials" => counted += 1,
            "too_many_attempts" => {}
            _ => panic!("{}", reply.text),
        }
        h.clock.advance_ms(61_000);
    }
    mallory
        .login_with(DEMO_EMAIL, "guess")
        .await
        .expect_error(401, "invalid_credentials");
    mallory
        .login_with(DEMO_EMAIL, "guess")
        .await
        .expect_error(429, "too_many_attempts");
    // The owner, from another address and without any cookie, is not slowed at all.
    let owner = h.agent_from(OWNER);
    owner.login().await.expect_ok();

    // The same against the binary on the real clock: 30 quick tries (mostly 429s).
    let server = Process::start(&[]).await;
    let mallory = server.agent_from(ATTACKER);
    for _ in 0..30 {
        let status = mallory.login_with(DEMO_EMAIL, "guess").await.status;
        assert!(status == 401 || status == 429, "{status}");
    }
    server.agent_from(OWNER).login().await.expect_ok();
    server.stop().await;
}

#[tokio::test]
async fn a_known_device_passes_the_account_wide_delay_and_nothing_locks() {
    let h = Harness::with_policy(Policy {
        account_delay_from_failures: 5,
        ..Policy::default()
    })
    .await;
    let (alice, _) = h.enrolled().await; // signing in made this browser a known device
    alice.logout().await;
    // Failures from many addresses: the account-wide delay starts for unknown browsers.
    for i in 0..300u32 {
        let from = h.agent_from([127, 0, 1, (i % 200) as u8 + 1]);
        let status = from.login_with(DEMO_EMAIL, "guess").await.status;
        assert!(status == 401 || status == 429, "{status}");
        h.clock.advance_ms(1_000);
    }
    let stranger = h.agent_from(OWNER);
    stranger
        .login_with(DEMO_EMAIL, DEMO_PASSWORD)
        .await
        .expect_error(429, "too_many_attempts");
    // The owner's browser, which signed in before, is not held up; no 423 anywhere.
    alice.login().await.expect_ok();
    h.clock.advance_ms(24 * 3_600_000);
    stranger.login().await.expect_ok();
}

#[tokio::test]
async fn ten_thousand_logins_do_not_end_a_signed_in_session() {
    let h = Harness::start().await;
    let (alice, _) = h.enrolled().await;
    let flood = h.agent_from(ATTACKER);
    let (mut ok, mut limited) = (0, 0);
    for _ in 0..10_000 {
        match flood.login().await.status {
            200 => ok += 1,
            429 => limited += 1,
            other => panic!("{other}"),
        }
    }
    assert!(
        ok <= 30 && limited >= 9_970,
        "{ok} sessions, {limited} refused"
    );
    alice.me().await.expect_ok();

    // A table that is full: logins from many addresses fill it with password sessions, and
    // the signed-in one stays.
    let h = Harness::with_policy(Policy {
        max_sessions: 50,
        ..Policy::default()
    })
    .await;
    let (alice, _) = h.enrolled().await;
    for i in 0..200u32 {
        let from = h.agent_from([127, 0, 2, (i % 100) as u8 + 1]);
        from.login().await.expect_ok();
    }
    assert!(h.state.sessions.len() <= 50);
    alice.me().await.expect_ok();
}

/// The status and error of each of `n` wrong-password logins for `email` on a fresh server.
async fn answers(email: &str, n: usize) -> Vec<(u16, String, Value)> {
    let h = Harness::start().await;
    let agent = h.agent_from(ATTACKER);
    let mut out = Vec::new();
    for i in 0..n {
        let reply = agent.login_with(email, "guess").await;
        out.push((
            reply.status,
            reply.error().to_owned(),
            reply.body["retryAfter"].clone(),
        ));
        if i % 4 == 3 {
            h.clock.advance_ms(2_000);
        }
    }
    out
}

#[tokio::test]
async fn known_and_unknown_emails_get_the_same_answers() {
    let known = answers(DEMO_EMAIL, 25).await;
    let unknown = answers("nobody@example.com", 25).await;
    assert_eq!(known, unknown);
    assert!(
        known.iter().any(|(status, _, _)| *status == 429),
        "{known:?}"
    );
    assert!(known.iter().all(|(status, _, _)| *status != 423));
}

/// Sends `request` on a fresh connection and returns the answer's status line and body.
async fn raw(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_foreign_host_is_refused() {
    let server = Process::start(&["--allow-host", "demo.test"]).await;
    let addr = server.url.trim_start_matches("http://").to_owned();
    let port = server.port();
    let login = r#"{"email":"alice@example.com","password":"correct-horse-battery-staple"}"#;
    let post = |host: &str| {
        format!(
            "POST /api/login HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{login}",
            login.len()
        )
    };
    let rebound = raw(&addr, &post(&format!("rebind.attacker.example:{port}"))).await;
    assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");
    assert!(rebound.contains(r#""error":"unknown_host""#), "{rebound}");
    assert!(!rebound.contains("totpkit_session"), "{rebound}");
    let page = raw(
        &addr,
        &format!(
            "GET / HTTP/1.1\r\nHost: rebind.attacker.example:{port}\r\nConnection: close\r\n\r\n"
        ),
    )
    .await;
    assert!(page.starts_with("HTTP/1.1 421"), "{page}");
    for host in [
        format!("localhost:{port}"),
        format!("demo.test:{port}"),
        addr.clone(),
    ] {
        let ok = raw(&addr, &post(&host)).await;
        assert!(ok.starts_with("HTTP/1.1 200"), "{host}: {ok}");
    }
    // An allowed Host with a foreign Origin is still a cross-origin write.
    let foreign_origin = post(&addr).replace(
        &format!("Origin: http://{addr}"),
        &format!("Origin: http://rebind.attacker.example:{port}"),
    );
    let refused = raw(&addr, &foreign_origin).await;
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    server.stop().await;
}

#[tokio::test]
async fn an_unwritable_data_file_gives_503_and_no_session() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("users.json");
    let server = Process::start(&["--data-file", path.to_str().unwrap()]).await;
    let alice = server.agent();
    let (secret, codes) = enroll_binary(&alice).await;
    alice.logout().await;
    alice.login().await.expect_ok();
    // The folder goes away (this runs as root, so a read-only folder would not stop a write).
    std::fs::remove_dir_all(&folder).unwrap();
    let recovery = alice
        .post("/api/login/otp", json!({ "recoveryCode": codes[0] }))
        .await;
    recovery.expect_error(503, "storage_unavailable");
    assert!(recovery.header("set-cookie").is_none(), "no session");
    let me = alice.me().await;
    assert_eq!(me.status, 401, "{}", me.text);
    let totp = alice.otp(&code_at(&secret, now_secs() + 30)).await;
    totp.expect_error(503, "storage_unavailable");
    assert!(totp.header("set-cookie").is_none());
    assert_eq!(alice.me().await.status, 401);
    server.stop().await;
}

#[tokio::test]
async fn slow_and_idle_connections_are_closed_within_the_timeout() {
    let server = Process::start(&["--header-timeout-ms", "300"]).await;
    let addr = server.url.trim_start_matches("http://").to_owned();
    // Half a request head, then nothing.
    let mut slow = TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /api/time HTTP/1.1\r\nHost: ")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(3), slow.read_to_end(&mut buf))
        .await
        .expect("the server closes a slow-headers connection")
        .ok();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // A whole request, then an idle keep-alive connection.
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    idle.write_all(format!("GET /api/ping HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut head = [0u8; 12];
    idle.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 204");
    let started = Instant::now();
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(3), idle.read_to_end(&mut rest))
        .await
        .expect("the server closes an idle connection")
        .ok();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    server.stop().await;
}

#[tokio::test]
async fn connections_are_capped_per_source() {
    let missing = std::path::PathBuf::from("/nonexistent/totpkit-mock-server-test");
    let h = Harness::with_config(Config {
        www: missing.join("www"),
        pkg: missing.join("pkg"),
        conn: ConnLimits {
            max_connections_per_source: 4,
            ..ConnLimits::default()
        },
        ..Config::default()
    })
    .await;
    let addr: std::net::SocketAddr = h.base.trim_start_matches("http://").parse().unwrap();
    let connect_from = |ip: [u8; 4]| async move {
        let socket = TcpSocket::new_v4().unwrap();
        socket
            .bind((std::net::Ipv4Addr::from(ip), 0).into())
            .unwrap();
        socket.connect(addr).await.unwrap()
    };
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect_from(ATTACKER).await);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The fifth from the same address is closed at once, unanswered.
    let mut fifth = connect_from(ATTACKER).await;
    let _ = fifth
        .write_all(format!("GET /api/ping HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await;
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(3), fifth.read_to_end(&mut out)).await;
    assert!(
        read.is_ok() && out.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out)
    );
    // Another address is served while they are held.
    h.agent_from(OWNER).get("/api/ping").await;
    assert_eq!(h.agent_from(OWNER).get("/api/time").await.status, 200);
    drop(held);
}

#[tokio::test]
async fn a_recovery_code_submitted_twenty_times_at_once_counts_no_failure() {
    let h = Harness::start().await;
    let (alice, enrollment) = h.enrolled().await;
    alice.logout().await;
    h.clock.advance_ms(20 * STEP_MS);
    alice.login().await.expect_ok();
    let barrier = Arc::new(Barrier::new(20));
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (alice, barrier) = (alice.clone(), barrier.clone());
            let code = enrollment.recovery[0].clone();
            tokio::spawn(async move {
                barrier.wait().await;
                alice
                    .post("/api/login/otp", json!({ "recoveryCode": code }))
                    .await
            })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        let reply = task.await.unwrap();
        match (reply.status, reply.error()) {
            (200, _) => ok += 1,
            (401, "code_already_used" | "login_required") => {}
            _ => panic!("{}", reply.text),
        }
    }
    assert_eq!(ok, 1);
    // Nothing was counted: a new login's first wrong code is its first failure.
    let bob = h.agent();
    bob.login().await.expect_ok();
    let wrong = wrong_code(&enrollment.secret, h.step());
    assert_eq!(
        bob.otp(&wrong).await.expect_error(401, "invalid_code")["attemptsLeft"],
        9
    );
}

#[tokio::test]
async fn duplicate_emails_in_the_data_file_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.json");
    let server = Process::start(&["--data-file", path.to_str().unwrap()]).await;
    enroll_binary(&server.agent()).await;
    server.stop().await;
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // A second record for the same account, with its second factor off.
    let mut second = file["users"][0].clone();
    second["email"] = json!("ALICE@EXAMPLE.COM");
    second["secondFactor"]["active"] = Value::Null;
    second["secondFactor"]["recovery"] = Value::Null;
    file["users"].as_array_mut().unwrap().push(second);
    let hostile = file.to_string();
    std::fs::write(&path, &hostile).unwrap();
    let (status, _, stderr) = crate::binary::refused_start(&path).await;
    assert_eq!(status, Some(1), "{stderr}");
    assert!(stderr.contains("appears twice"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), hostile);
}
