//! totpkit: TOTP two-factor enrollment for the web, as a Rust core that compiles to
//! WebAssembly.
//!
//! The core is pure: it never reads a clock, the network or JavaScript. Times come in as
//! numbers, randomness from [`getrandom`] (the browser's `crypto.getRandomValues` on wasm).
//! A Rust backend uses the same core natively, so the code a page previews and the code a
//! server accepts can never disagree.
//!
//! | module | what it is for |
//! |---|---|
//! | [`params`] | `Algorithm` and `OtpParams` (algorithm, digits, period) |
//! | [`hotp`] | RFC 4226: counter → code; constant-time comparison |
//! | [`totp`] | RFC 6238: time → step → code; verification that returns the matched step |
//! | [`secret`] | the `Secret` type: CSPRNG generation, base32, redacted, wiped on drop |
//! | [`otpauth`] | `otpauth://` Key URI build (strict) and parse (lenient) |
//! | [`qr`] | text → QR module matrix → compact SVG string |
//! | [`clock`] | clock offset from round-trip samples, HTTP dates, code preview, drift diagnosis |
//! | [`enroll`] | one call for an enrollment screen: secret, URI, SVG, manual key, alt text |
//! | [`error`] | the one `Error` enum with stable codes |
//! | `wasm` | the JavaScript API (only on `wasm32`) |
//!
//! ```
//! use totpkit::{OtpParams, Secret, Totp};
//!
//! let secret = Secret::from_base32("JBSWY3DPEHPK3PXP")?;
//! let totp = Totp::new(&secret, OtpParams::default())?;
//! let code = totp.code_at(1_700_000_000);
//! let matched = totp.verify(code.as_str(), 1_700_000_000, 1)?;
//! assert_eq!(matched.map(|m| m.delta), Some(0));
//! # Ok::<(), totpkit::Error>(())
//! ```

// The browser package is built without `std` (scripts/build-pkg.sh sets `totpkit_no_std`):
// std's panic machinery and the formatting code it drags in would be kilobytes of every page's
// download for panics that the lints already rule out. Tests and native builds keep std.
#![cfg_attr(totpkit_no_std, no_std)]

extern crate alloc;

pub mod clock;
pub mod enroll;
pub mod error;
pub mod hotp;
pub mod otpauth;
pub mod params;
pub mod qr;
pub mod secret;
pub mod totp;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use enroll::{Enrollment, EnrollmentRequest, enroll};
pub use error::{Error, Result};

/// The README's Rust examples, compiled and run by `cargo test` so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
pub use hotp::{Code, Hotp, TypedCode};
pub use otpauth::{KeyUri, OtpKind};
pub use params::{Algorithm, OtpParams};
pub use qr::{Ecc, QrMatrix, SvgOptions};
pub use secret::Secret;
pub use totp::{Match, Totp};
