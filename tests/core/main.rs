//! The core's integration tests, one test binary with a module per subject (as the mock
//! server's tests/server/ is), so the workspace links them once:
//!
//! | module | what it proves |
//! |---|---|
//! | `vectors` | RFC 4226 Appendix D and RFC 6238 Appendix B, as data, through every code path |
//! | `cross_check` | codes equal `oathtool`'s and pyotp's for random secrets, times and parameters |
//! | `properties` | proptest: URI build → parse round trips, lenient base32 |
//! | `qr` | the golden SVG, zbarimg and rqrr read-backs, the `qrcode` crate's matrices |
//! | `clock` | clock-offset math, HTTP dates, the code preview, the drift diagnosis |
//! | `digits` | typed codes in every script's decimal digits, against Python's `unicodedata` |
//! | `spec_cases` | the rules the browser package also implements in JS (typed codes, HTTP dates, the clock estimate): their shared case files, and a property cross-check against that JS under Node |
//! | `policy` | the server policy: single use, window, resync and drift memory, delays, the lock, recovery codes, resumable enrollment |
//! | `regressions` | one test per bug found by fuzzing or review |
//! | `interop` | otpauth URIs as other implementations write and read them |
//! | `tidy` | house rules: module docs, the one binding room, lints, the README's map |
//!
//! Tests that need a tool (`oathtool`, `rsvg-convert`, `zbarimg`, python3 with pyotp) fail
//! when it is missing: scripts/setup.sh installs them.
#![cfg(not(target_arch = "wasm32"))]
// clippy.toml lets #[test] functions unwrap, expect, panic and index; the helpers they share
// (vector parsing, the PRNG, tool runners) may too, and test arithmetic is on small known numbers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod common;

mod clock;
mod cross_check;
mod digits;
mod interop;
mod policy;
mod properties;
mod qr;
mod regressions;
mod spec_cases;
mod tidy;
mod vectors;
