//! The built binary: `--port 0` prints the bound URL and the demo account, `--data-file`
//! survives a restart and a corrupt one stops the start, `--clock-offset-ms` shifts the clock.
//! These run on the real clock (the binary's own), with codes from `totp-lite`.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use totpkit_mock_server::{DEMO_EMAIL, DEMO_PASSWORD};

use crate::common::{Agent, base32_decode, code_at};

pub const BIN: &str = env!("CARGO_BIN_EXE_totpkit-mock-server");

/// Starts the binary on `data_file` when it should refuse to start: its exit status, stdout and
/// stderr.
pub async fn refused_start(data_file: &Path) -> (Option<i32>, String, String) {
    let output = Command::new(BIN)
        .args([
            "--port",
            "0",
            "--quiet",
            "--data-file",
            data_file.to_str().unwrap(),
        ])
        .env_remove("PORT")
        .stdin(Stdio::null())
        .output();
    let output = tokio::time::timeout(Duration::from_secs(30), output)
        .await
        .unwrap()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A running binary; killed when dropped.
pub struct Process {
    child: Child,
    pub url: String,
    banner: String,
}

impl Process {
    pub async fn start(args: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(["--port", "0", "--quiet"])
            .args(args)
            .env_remove("PORT")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn the server binary");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut banner = String::new();
        let read = async {
            while let Some(line) = lines.next_line().await.unwrap() {
                banner.push_str(&line);
                banner.push('\n');
                if line.starts_with("demo account:") {
                    break;
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(30), read)
            .await
            .expect("the server starts");
        let url = banner
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .expect("the URL is printed")
            .trim_end_matches('/')
            .to_owned();
        Self { child, url, banner }
    }

    pub fn agent(&self) -> Agent {
        Agent::new(&self.url, None)
    }

    pub fn agent_from(&self, ip: [u8; 4]) -> Agent {
        Agent::new(&self.url, Some(ip))
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    pub async fn stop(mut self) {
        self.child.kill().await.unwrap();
    }
}

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn port_zero_prints_the_bound_url_and_the_demo_account() {
    let server = Process::start(&[]).await;
    assert!(
        server.banner.contains(DEMO_EMAIL) && server.banner.contains(DEMO_PASSWORD),
        "{}",
        server.banner
    );
    assert!(
        !server.url.ends_with(":0") && !server.url.ends_with(":8080"),
        "{}",
        server.url
    );
    server.agent().get("/api/ping").await;
    assert_eq!(server.agent().login().await.expect_ok()["next"], "enroll");
    server.stop().await;
}

#[tokio::test]
async fn the_clock_offset_shifts_api_time_and_the_date_header() {
    for offset_ms in [-7_200_000i64, 90_000] {
        let server = Process::start(&["--clock-offset-ms", &offset_ms.to_string()]).await;
        let before = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let time = server.agent().get("/api/time").await;
        let after = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let now = time.expect_ok()["now"].as_i64().unwrap();
        assert!(
            (before + offset_ms..=after + offset_ms).contains(&now),
            "{now} vs {before}..{after} + {offset_ms}"
        );
        let date = httpdate::parse_http_date(time.header("date").unwrap()).unwrap();
        let date_ms = date.duration_since(UNIX_EPOCH).unwrap().as_millis() as i64;
        assert!(
            (now - 1_000..=now + 1_000).contains(&date_ms),
            "Date {date_ms} vs now {now}"
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn the_data_file_keeps_an_enrollment_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.json");
    let data_file = path.to_str().unwrap();

    let server = Process::start(&["--data-file", data_file]).await;
    let alice = server.agent();
    alice.login().await.expect_ok();
    let enroll = alice.post_empty("/api/2fa/enroll").await;
    let secret_b32 = enroll.expect_ok()["secret"].as_str().unwrap().to_owned();
    let secret = base32_decode(&secret_b32);
    let confirm = alice
        .post(
            "/api/2fa/confirm",
            json!({ "code": code_at(&secret, now_secs()) }),
        )
        .await;
    let recovery = confirm.expect_ok()["recoveryCodes"][0]
        .as_str()
        .unwrap()
        .to_owned();
    server.stop().await;

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains(&recovery),
        "recovery codes are stored hashed"
    );
    assert!(
        text.contains("\"lastStep\""),
        "the used step is kept: {text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert_no_temp_files(dir.path());

    let server = Process::start(&["--data-file", data_file]).await;
    let alice = server.agent();
    assert_eq!(alice.login().await.expect_ok()["next"], "otp");
    // The confirming code's step was stored: the next step's code signs in.
    let next_code = code_at(&secret, now_secs() + 30);
    alice.otp(&next_code).await.expect_ok();
    alice.me().await.expect_ok();
    alice.logout().await;
    alice.login().await.expect_ok();
    alice
        .post("/api/login/otp", json!({ "recoveryCode": recovery }))
        .await
        .expect_ok();
    server.stop().await;

    // The used step and the used recovery code were kept too (the code as a hash of the used
    // set, so its reuse is still told apart from a guess).
    let server = Process::start(&["--data-file", data_file]).await;
    let alice = server.agent();
    alice.login().await.expect_ok();
    alice
        .otp(&next_code)
        .await
        .expect_error(401, "code_already_used");
    alice
        .post("/api/login/otp", json!({ "recoveryCode": recovery }))
        .await
        .expect_error(401, "code_already_used");
    server.stop().await;
}

fn assert_no_temp_files(dir: &Path) {
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["users.json"]);
}

#[tokio::test]
async fn a_corrupt_data_file_stops_the_start_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.json");
    for text in ["{\"version\":1,\"users\":[", "garbage", ""] {
        std::fs::write(&path, text).unwrap();
        let (status, stdout, stderr) = refused_start(&path).await;
        assert_eq!(status, Some(1), "{text:?}: {stderr}");
        assert!(
            stderr.contains("corrupt") && stderr.contains(path.to_str().unwrap()),
            "{stderr}"
        );
        assert!(!stdout.contains("http://"), "it never listened");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "left untouched"
        );
    }
}

#[tokio::test]
async fn bad_arguments_exit_with_usage() {
    for args in [
        &["--port", "x"][..],
        &["--clock-offset-ms"],
        &["--frobnicate"],
    ] {
        let output = Command::new(BIN)
            .args(args)
            .env_remove("PORT")
            .output()
            .await
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("usage:"),
            "{args:?}"
        );
    }
    let help = Command::new(BIN).arg("--help").output().await.unwrap();
    assert!(help.status.success() && String::from_utf8_lossy(&help.stdout).contains("--data-file"));
}
