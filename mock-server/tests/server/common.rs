//! Helpers: a server with a manual clock, a cookie-keeping client, and TOTP codes computed by
//! an independent implementation (`totp-lite`).

use std::path::PathBuf;
use std::sync::Arc;

use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use totp_lite::{Sha1, totp_custom};
use totpkit_mock_server::{
    AppState, Config, DEMO_EMAIL, DEMO_PASSWORD, ManualClock, Policy, Running,
};

/// The injected clock's start: the middle of a 30 s step (step `T0_STEP`), so a test's own
/// requests never straddle a step boundary by accident.
pub const T0_MS: u64 = 1_700_000_025_000;
pub const STEP_MS: u64 = 30_000;

/// A code for `unix_secs` from `totp-lite` (SHA-1, 6 digits, 30 s).
pub fn code_at(secret: &[u8], unix_secs: u64) -> String {
    totp_custom::<Sha1>(30, 6, secret, unix_secs)
}

/// A code for a step.
pub fn code_for_step(secret: &[u8], step: u64) -> String {
    code_at(secret, step * 30)
}

/// RFC 4648 base32 (uppercase, unpadded), written here so the tests share no code with totpkit.
pub fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let value = ALPHABET
            .iter()
            .position(|&a| a == c)
            .expect("base32 character") as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// An answer: status, headers and the JSON body (`Null` when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }

    /// Asserts an error answer with this status and reason, and returns the body.
    pub fn expect_error(&self, status: u16, error: &str) -> &Value {
        assert_eq!(
            (self.status, self.error()),
            (status, error),
            "{}",
            self.text
        );
        &self.body
    }

    pub fn expect_ok(&self) -> &Value {
        assert_eq!(self.status, 200, "{}", self.text);
        &self.body
    }
}

pub async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a readable body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        body,
    }
}

/// A server running in this process on 127.0.0.1:0, with a manual clock.
pub struct Harness {
    pub clock: ManualClock,
    pub base: String,
    pub state: AppState,
    _server: Running,
}

impl Harness {
    pub async fn start() -> Self {
        Self::with_policy(Policy::default()).await
    }

    pub async fn with_policy(policy: Policy) -> Self {
        let missing = PathBuf::from("/nonexistent/totpkit-mock-server-test");
        Self::with_config(Config {
            www: missing.join("www"),
            pkg: missing.join("pkg"),
            policy,
            ..Config::default()
        })
        .await
    }

    pub async fn with_config(config: Config) -> Self {
        let clock = ManualClock::at_ms(T0_MS);
        let state = AppState::new(config, Arc::new(clock.clone())).expect("state");
        let server = Running::start(state.clone(), 0)
            .await
            .expect("bind 127.0.0.1:0");
        Self {
            clock,
            base: server.url(),
            state,
            _server: server,
        }
    }

    /// A new browser: its own cookie jar.
    pub fn agent(&self) -> Agent {
        Agent::new(&self.base, None)
    }

    /// A new browser whose connections come from `ip` (any 127.x.y.z is local on Linux).
    pub fn agent_from(&self, ip: [u8; 4]) -> Agent {
        Agent::new(&self.base, Some(ip))
    }

    pub fn now_secs(&self) -> u64 {
        use totpkit_mock_server::Clock;
        self.clock.now_ms() / 1_000
    }

    pub fn step(&self) -> u64 {
        self.now_secs() / 30
    }

    /// An agent signed in with both factors, and what enrollment gave it. The confirming code
    /// is the one for the current step, so that step is used.
    pub async fn enrolled(&self) -> (Agent, Enrollment) {
        let agent = self.agent();
        assert_eq!(agent.login().await.expect_ok()["next"], "enroll");
        let enroll = agent.post_empty("/api/2fa/enroll").await;
        let secret = base32_decode(enroll.expect_ok()["secret"].as_str().unwrap());
        let confirmed_step = self.step();
        let confirm = agent
            .post(
                "/api/2fa/confirm",
                json!({ "code": code_for_step(&secret, confirmed_step) }),
            )
            .await;
        let recovery: Vec<String> = confirm.expect_ok()["recoveryCodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        (
            agent,
            Enrollment {
                secret,
                recovery,
                confirmed_step,
            },
        )
    }
}

pub struct Enrollment {
    pub secret: Vec<u8>,
    pub recovery: Vec<String>,
    pub confirmed_step: u64,
}

/// A client with its own cookie jar, like one browser.
#[derive(Clone)]
pub struct Agent {
    pub http: reqwest::Client,
    pub base: String,
}

impl Agent {
    pub fn new(base: &str, ip: Option<[u8; 4]>) -> Self {
        let mut builder = reqwest::Client::builder().cookie_store(true);
        if let Some(ip) = ip {
            builder = builder.local_address(std::net::IpAddr::from(ip));
        }
        Self {
            http: builder.build().expect("client"),
            base: base.to_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        send(self.http.get(format!("{}{path}", self.base))).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        send(self.http.post(format!("{}{path}", self.base)).json(&body)).await
    }

    pub async fn post_empty(&self, path: &str) -> Reply {
        send(self.http.post(format!("{}{path}", self.base))).await
    }

    pub async fn login(&self) -> Reply {
        self.login_with(DEMO_EMAIL, DEMO_PASSWORD).await
    }

    pub async fn login_with(&self, email: &str, password: &str) -> Reply {
        self.post(
            "/api/login",
            json!({ "email": email, "password": password }),
        )
        .await
    }

    pub async fn otp(&self, code: &str) -> Reply {
        self.post("/api/login/otp", json!({ "code": code })).await
    }

    pub async fn me(&self) -> Reply {
        self.get("/api/me").await
    }

    pub async fn logout(&self) {
        self.post_empty("/api/logout").await.expect_ok();
    }
}

#[test]
fn totp_lite_reproduces_rfc_6238() {
    // RFC 6238 Appendix B, SHA-1 seed, T = 59 s → 94287082 (8 digits); 6 digits keep the tail.
    let seed = b"12345678901234567890";
    assert_eq!(totp_custom::<Sha1>(30, 8, seed, 59), "94287082");
    assert_eq!(totp_custom::<Sha1>(30, 8, seed, 1_111_111_109), "07081804");
    assert_eq!(code_at(seed, 59), "287082");
    assert_eq!(base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), seed);
}

/// A well-formed code that matches none of the steps around `step`, as far as a resync reaches
/// (±10), so it is a plain guess.
pub fn wrong_code(secret: &[u8], step: u64) -> String {
    let near: Vec<String> = (step.saturating_sub(10)..=step + 10)
        .map(|s| code_for_step(secret, s))
        .collect();
    [
        "000000", "111111", "222222", "333333", "444444", "555555", "666666",
    ]
    .into_iter()
    .find(|c| !near.iter().any(|n| n == c))
    .unwrap()
    .to_owned()
}
