//! The mock server's tests, over real HTTP: each test binds a server to 127.0.0.1:0 (in
//! process with an injected clock, or the built binary where the command line is the point)
//! and talks to it with reqwest. TOTP codes come from `totp-lite`, never from totpkit.
//!
//! One test binary with modules, so the workspace links it once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
#![allow(
    clippy::arithmetic_side_effects,
    reason = "test arithmetic on small known numbers"
)]
#![allow(missing_docs)]

mod binary;
mod common;
mod flow;
mod http;
mod rate_limit;
mod readme;
mod security;
mod verification;
