//! The HTTP/1 connections: how long a client may take, and how many connections it may hold.
//!
//! `axum::serve` offers no knob for either, so connections are served here with hyper's own
//! HTTP/1 server (`hyper::server::conn::http1`), the Tokio timer and graceful shutdown from
//! `hyper-util`, and the request timeout from `tower-http` (in [`crate::app`]):
//!
//! - **header-read timeout** (hyper's `header_read_timeout`): a client must send a request's
//!   whole head within it, measured from when hyper starts waiting for one. That wait also
//!   starts on an idle keep-alive connection, so the same limit is the idle timeout;
//! - **request timeout** (`tower_http::timeout::TimeoutLayer`): a request whose body or
//!   handling takes longer answers 408;
//! - **connection caps**: at most `max_connections` at once (a Tokio semaphore: beyond it, new
//!   connections wait in the kernel's queue until one closes, which the timeouts guarantee)
//!   and at most `max_connections_per_source` from one IP address (beyond it a new connection
//!   is closed at once, so one client cannot starve the others).

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::user::lock;

/// Timeouts and connection caps; every one is a plain number a test may shorten.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnLimits {
    /// Time to send a request's head, and the longest a keep-alive connection may sit idle.
    pub header_timeout: Duration,
    /// Time to read a request's body and answer it.
    pub request_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// Connections one IP address may hold at once.
    pub max_connections_per_source: usize,
}

impl Default for ConnLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(10),
            max_connections: 1_024,
            max_connections_per_source: 64,
        }
    }
}

/// How long a graceful shutdown waits for open requests.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Connections held per IP address; a [`SourceSlot`] gives its place back when dropped.
#[derive(Default)]
struct PerSource(Mutex<HashMap<IpAddr, usize>>);

struct SourceSlot {
    table: Arc<PerSource>,
    ip: IpAddr,
}

impl PerSource {
    fn take(table: &Arc<Self>, ip: IpAddr, max: usize) -> Option<SourceSlot> {
        let mut map = lock(&table.0);
        let held = map.entry(ip).or_insert(0);
        if *held >= max {
            return None;
        }
        *held = held.saturating_add(1);
        Some(SourceSlot {
            table: Arc::clone(table),
            ip,
        })
    }
}

impl Drop for SourceSlot {
    fn drop(&mut self) {
        let mut map = lock(&self.table.0);
        if let Some(held) = map.get_mut(&self.ip) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Accepts connections on `listener` and serves `router` on each until `shutdown` completes,
/// then lets open requests finish (at most a few seconds).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &ConnLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let graceful = GracefulShutdown::new();
    let total = Arc::new(Semaphore::new(limits.max_connections));
    let per_source = Arc::new(PerSource::default());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&total).acquire_owned() => permit,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, remote) = match accepted {
            Ok(pair) => pair,
            Err(e) if is_connection_error(&e) => continue,
            Err(_) => {
                // Out of file descriptors or similar: give the system a moment (as axum does).
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(slot) =
            PerSource::take(&per_source, remote.ip(), limits.max_connections_per_source)
        else {
            drop(stream);
            continue;
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(remote));
            router.clone().oneshot(req)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A connection that ends badly (timeout, reset) is the client's business.
            let _ = connection.await;
            drop(slot);
            drop(permit);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
    Ok(())
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
