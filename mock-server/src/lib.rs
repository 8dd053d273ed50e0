//! totpkit's mock server: the demo's HTTP backend, and a reference for what a production
//! backend must do when it verifies TOTP codes.
//!
//! It serves the demo page (`www/`) and the built package (`pkg/`, under `/pkg/`) from one
//! origin, and a small JSON API under `/api` (see `mock-server/README.md` for the table). It
//! uses totpkit natively, so the code a page previews and the code this server accepts can
//! never disagree.
//!
//! | module | what it is for |
//! |---|---|
//! | [`api`] | the handlers: login, enroll, confirm, second factor, reset, me, logout, time (HTTP only) |
//! | [`signin`] | the client's address and cookies, the session behind a request, password checks, the upgrade to a signed-in session |
//! | [`policy`] | password, per-IP and session limits, and the core's second-factor numbers, as one injectable struct |
//! | [`clock`] | the server's clock: system time plus an offset, or a manual one for tests |
//! | [`user`] | the user model: password hash, the second factor's record (`totpkit::policy::Record`), known devices |
//! | [`store`] | all users; the optional data file (exclusive temp file, fsync, rename) |
//! | [`session`] | server-side sessions behind an HttpOnly, SameSite=Strict cookie; a login's attempts |
//! | [`conn`] | the HTTP/1 connections: header-read and idle timeout, connection caps |
//! | [`secrets`] | random bytes, tokens, password hashes |
//! | [`error`] | JSON error answers, the one mapping of the policy's refusals, the JSON body extractor |
//! | [`web`] | allowed hosts and origins, security headers, `Date`, JSON-only `/api` errors, static files' types |
//!
//! Every second-factor rule (window, single use, resync, delays, the lock, recovery codes,
//! enrollment) is the core's, `totpkit::policy`: this server loads a user's record, calls the
//! policy with the server's clock, and stores the record it returns.
//!
//! Nothing here logs a secret, a code, a password or a cookie: the request log (off unless
//! asked for) prints method, path, status and error reason only.

pub mod api;
pub mod clock;
pub mod conn;
pub mod error;
pub mod policy;
pub mod secrets;
pub mod session;
pub mod signin;
pub mod store;
pub mod user;
pub mod web;

use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;

pub use clock::{Clock, ManualClock, SystemClock};
pub use conn::ConnLimits;
pub use policy::Policy;
pub use store::StoreError;
/// The core's second-factor policy numbers ([`Policy::otp`]), for tests that replace them.
pub use totpkit::policy::Policy as OtpPolicy;

/// The seeded demo account.
pub const DEMO_EMAIL: &str = "alice@example.com";
/// The seeded demo account's password (printed at start; this is a demo).
pub const DEMO_PASSWORD: &str = "correct-horse-battery-staple";
/// The largest request body accepted; larger ones get 413 `body_too_large`.
pub const BODY_LIMIT: usize = 16 * 1024;
/// The port used when neither `--port` nor `PORT` says otherwise.
pub const DEFAULT_PORT: u16 = 8080;

/// Everything the server is started with.
#[derive(Clone, Debug)]
pub struct Config {
    /// The demo page's directory, served at `/`.
    pub www: PathBuf,
    /// The built package's directory, served at `/pkg/`.
    pub pkg: PathBuf,
    /// Where users are kept across restarts; in memory only when `None`.
    pub data_file: Option<PathBuf>,
    /// Rate limits, and the core's second-factor numbers (`Policy::otp`).
    pub policy: Policy,
    /// Print one line per request to stderr (method, path, status, error reason).
    pub log_requests: bool,
    /// Host names besides `127.0.0.1` and `localhost` this server answers to (`--allow-host`),
    /// as `name` (the listening port is added) or `name:port`.
    pub extra_hosts: Vec<String>,
    /// Timeouts and connection caps.
    pub conn: ConnLimits,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            www: workspace_dir("www"),
            pkg: workspace_dir("pkg"),
            data_file: None,
            policy: Policy::default(),
            log_requests: false,
            extra_hosts: Vec::new(),
            conn: ConnLimits::default(),
        }
    }
}

/// A directory at the workspace root (the parent of this crate's directory), where the page
/// and the built package live.
pub fn workspace_dir(name: &str) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).join(name)
}

/// The shared state of the running server.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// What [`AppState`] holds.
pub struct Inner {
    /// The only clock verification reads.
    pub clock: Arc<dyn Clock>,
    /// Rate limits and the second-factor numbers.
    pub policy: Policy,
    /// Users.
    pub store: store::Store,
    /// Sessions.
    pub sessions: session::Sessions,
    /// Password counters, failed logins and sessions opened per client IP.
    pub limits: Mutex<Limits>,
    /// Whether to print the request log.
    pub log_requests: bool,
    /// Timeouts and connection caps.
    pub conn: ConnLimits,
    extra_hosts: Vec<String>,
    www: PathBuf,
    pkg: PathBuf,
}

/// The counters that are not an account's: behind one lock, taken briefly and never while
/// another lock is waited for.
#[derive(Debug, Default)]
pub struct Limits {
    /// Wrong passwords per (email, source) and per email.
    pub passwords: policy::PasswordThrottles,
    /// Failed logins per client IP.
    pub failures: policy::IpLimiter,
    /// Password sessions opened per client IP.
    pub logins: policy::IpLimiter,
}

impl std::ops::Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Opens the store (loading the data file, seeding the demo account) with this clock.
    pub fn new(config: Config, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        let store = store::Store::open(config.data_file, &[(DEMO_EMAIL, DEMO_PASSWORD)])?;
        Ok(Self(Arc::new(Inner {
            clock,
            policy: config.policy,
            store,
            sessions: session::Sessions::default(),
            limits: Mutex::new(Limits::default()),
            log_requests: config.log_requests,
            conn: config.conn,
            extra_hosts: config.extra_hosts,
            www: config.www,
            pkg: config.pkg,
        })))
    }

    /// The server's time in Unix milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }
}

/// The whole application: `/api`, `/pkg/` and the page, answering only to `hosts`.
pub fn app(state: AppState, hosts: web::AllowedHosts) -> Router {
    let api = Router::new()
        .route("/time", get(api::time))
        .route("/ping", get(api::ping))
        .route("/login", post(api::login))
        .route("/login/otp", post(api::login_otp))
        .route("/2fa/enroll", post(api::enroll))
        .route("/2fa/confirm", post(api::confirm))
        .route("/2fa/reset", post(api::reset))
        .route("/2fa/recovery-codes", post(api::new_recovery_codes))
        .route("/me", get(api::me))
        .route("/logout", post(api::logout))
        .fallback(api::not_found);
    Router::new()
        .nest("/api", api)
        .nest_service("/pkg", ServeDir::new(&state.pkg))
        .fallback_service(ServeDir::new(&state.www))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.conn.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(hosts),
            web::check_host,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::around,
        ))
        .with_state(state)
}

/// Binds `127.0.0.1:port` (port 0 picks a free one).
pub async fn bind(port: u16) -> io::Result<TcpListener> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await
}

/// Serves `state` on `listener` until `shutdown` completes, answering to `127.0.0.1:PORT`,
/// `localhost:PORT` and the configured extra host names only.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let port = listener.local_addr()?.port();
    let hosts = web::AllowedHosts::new(port, &state.extra_hosts);
    let limits = state.conn.clone();
    conn::serve(listener, app(state, hosts), &limits, shutdown).await
}

/// A server running in the background (for tests and embedding); dropping it stops it.
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl Running {
    /// Binds `127.0.0.1:port` and serves `state` on a background task.
    pub async fn start(state: AppState, port: u16) -> io::Result<Self> {
        let listener = bind(port).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, state, async {
            let _ = stopped.await;
        }));
        Ok(Self {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets open requests finish, and waits.
    pub async fn stop(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(|e| io::Error::other(e.to_string()))?,
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
