//! totpkit: TOTP two-factor enrollment for the web, as a Rust core that compiles to
//! WebAssembly.
//!
//! The core is pure: it never reads a clock, the network or JavaScript. Times come in as
//! numbers; randomness comes from the platform CSPRNG natively ([`Secret::generate`]) or as bytes
//! the JS front drew with `crypto.getRandomValues` ([`Secret::from_random`]). A Rust backend
//! uses the same core natively, so the code a page previews and the code a server accepts can
//! never disagree.
//!
//! Like the RustCrypto crates it builds on, the core is `no_std` + `alloc` on every target: the
//! browser package (the binding crate in `wasm/`) then pays for no std machinery, and no build
//! flag changes what the core is.
//!
//! | module | what it is for |
//! |---|---|
//! | [`params`] | `Algorithm` and `OtpParams` (algorithm, digits, period) |
//! | [`hotp`] | RFC 4226: counter → code; constant-time comparison |
//! | [`totp`] | RFC 6238: time → step → code; the window's search order; verification that returns the matched step; the code preview |
//! | [`secret`] | the `Secret` type: CSPRNG generation, base32, redacted, wiped on drop |
//! | [`otpauth`] | `otpauth://` Key URI build (strict) and parse (lenient) |
//! | [`qr`] | text → QR module matrix → compact SVG string |
//! | [`clock`] | the browser clock's offset from round-trip samples; server-corrected time |
//! | [`http_date`] | HTTP `Date` header parsing (RFC 9110 §5.6.7) |
//! | [`diagnose`] | why a typed code was refused: authenticator clock drift or an ignored setting |
//! | [`enroll`](mod@enroll) | one call for an enrollment screen: secret, URI, SVG, manual key, alt text |
//! | [`policy`] | the server half as pure functions: enrollment, verification with single use, drift memory and resync, recovery codes, attempt limits, over one versioned [`policy::Record`] |
//! | [`recovery`] | recovery codes: made from random bytes, normalized, salted hashes |
//! | [`error`] | the one `Error` enum with stable codes |
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

#![no_std]

extern crate alloc;
// Unit tests use std's test harness and printing.
#[cfg(test)]
extern crate std;

pub mod clock;
pub mod diagnose;
pub mod enroll;
pub mod error;
pub mod hotp;
pub mod http_date;
mod mac;
pub mod otpauth;
pub mod params;
pub mod policy;
pub mod qr;
pub mod recovery;
pub mod secret;
pub mod totp;

pub use enroll::{Enrollment, EnrollmentRequest, SecretSource, enroll};
pub use error::{Error, Result};

/// The README's Rust examples, compiled and run by `cargo test` so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The crate README's examples (README-crate.md, what crates.io shows), compiled and run the
/// same way.
#[cfg(doctest)]
#[doc = include_str!("../README-crate.md")]
pub struct CrateReadmeDoctests;
#[allow(deprecated)]
pub use hotp::TypedCode;
pub use hotp::{Code, Hotp, Scanner};
pub use otpauth::{KeyUri, OtpKind};
pub use params::{Algorithm, Digits, OtpParams};
pub use qr::{Ecc, QrMatrix, SvgOptions};
pub use secret::Secret;
pub use totp::{CodePreview, Match, Totp};
