//! The exports: functions of numbers, UTF-8 strings and byte buffers.
//!
//! Calling convention (the JS front in `npm/totpkit.js` is the only caller):
//! - Strings arrive as `&str` or `Option<String>` (absent: `None`), copied into this module's
//!   memory by the glue and freed, so wiped, when the call ends.
//! - An optional number is NaN when absent; the front refuses NaN from the caller, so NaN here
//!   always means "use the default", and the defaults live in the core.
//! - The algorithm travels as a small id from [`algorithm_id`] (0: absent, SHA1 by default), so
//!   the hot calls carry no string but the secret.
//! - The hot calls ([`totp_code`], [`hotp_code`], [`verify_totp`]) return one f64, negative for an
//!   error (minus its index); the others return a [`crate::record`] buffer.
//!
//! After each call that saw a secret, [`scrub_stack`] overwrites the stack the core just used.

// The enrollment export takes every option of the call as a separate primitive, on purpose.
#![allow(clippy::too_many_arguments)]

use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::wasm_bindgen;

use totpkit::clock::{self, ClockSample, DEFAULT_DIAGNOSE_STEPS, Thresholds};
use totpkit::otpauth::{KeyUri, MAX_COUNTER, OtpKind};
use totpkit::qr::{Ecc, QrMatrix, SvgOptions, render_svg};
use totpkit::secret::{self, DEFAULT_SECRET_BYTES, Secret};
use totpkit::totp::{DEFAULT_WINDOW, unix_secs_from_ms};
use totpkit::{Algorithm, EnrollmentRequest, Error, Hotp, OtpParams, Result, Totp, enroll};

use crate::record::{ERRORS, Record, error_index, finish, given, small_or, whole};

/// Bytes of stack overwritten after a call that saw a secret: more than the deepest path through
/// the core that holds key material on the stack (HMAC-SHA512's key blocks and state), measured
/// by the memory scan in tests/node/memory.test.mjs.
const SCRUB_BYTES: usize = 4096;

/// Overwrites the `SCRUB_BYTES` below the caller's frame, where the core's frames just were: the
/// HMAC key blocks and hash states it left on the stack. Best effort by construction (the stack
/// layout is the compiler's), and checked by scanning the memory after calls.
#[inline(never)]
fn scrub_stack() {
    let mut area = [0u8; SCRUB_BYTES];
    core::hint::black_box(&mut area);
}

fn after<T>(value: T) -> T {
    scrub_stack();
    value
}

/// The message of the error with this index, for the front's `TotpkitError`.
#[wasm_bindgen]
pub fn error_message(index: u32) -> Vec<u8> {
    let error = ERRORS
        .get((index as usize).wrapping_sub(1))
        .copied()
        .unwrap_or(Error::InvalidOptions);
    Record::new().str(error.message()).done()
}

/// The id of an algorithm name (any case, `SHA-1` or `SHA1`), or minus an error index.
#[wasm_bindgen]
pub fn algorithm_id(name: &str) -> i32 {
    match Algorithm::parse(name) {
        Ok(Algorithm::Sha1) => 1,
        Ok(Algorithm::Sha256) => 2,
        Ok(Algorithm::Sha512) => 3,
        Err(_) => i32::from(error_index(Error::UnsupportedAlgorithm)).wrapping_neg(),
    }
}

fn algorithm(id: u32) -> Result<Option<Algorithm>> {
    match id {
        0 => Ok(None),
        1 => Ok(Some(Algorithm::Sha1)),
        2 => Ok(Some(Algorithm::Sha256)),
        3 => Ok(Some(Algorithm::Sha512)),
        _ => Err(Error::UnsupportedAlgorithm),
    }
}

fn params(alg: u32, digits: f64, period: f64) -> Result<OtpParams> {
    let defaults = OtpParams::default();
    OtpParams::new(
        algorithm(alg)?.unwrap_or(defaults.algorithm()),
        small_or(digits, defaults.digits(), Error::InvalidDigits)?,
        small_or(period, defaults.period(), Error::InvalidPeriod)?,
    )
}

/// A hot call's answer: `ok` as is, an error as minus its index.
fn number(result: Result<f64>) -> f64 {
    match result {
        Ok(value) => value,
        Err(error) => -f64::from(error_index(error)),
    }
}

/// A code as `value * 16 + digits`: the front pads `value` to `digits` characters.
fn packed(code: &totpkit::Code) -> f64 {
    let text = code.as_str();
    let value = text.bytes().fold(0u32, |v, b| {
        v.wrapping_mul(10)
            .wrapping_add(u32::from(b.wrapping_sub(b'0')))
    });
    f64::from(value) * 16.0 + text.len() as f64
}

/// The TOTP code at `unix_ms`, packed (see [`packed`]).
#[wasm_bindgen]
pub fn totp_code(secret: &str, unix_ms: f64, alg: u32, digits: f64, period: f64) -> f64 {
    after(number((|| {
        let totp = Totp::new(&Secret::from_base32(secret)?, params(alg, digits, period)?)?;
        Ok(packed(&totp.code_at(unix_secs_from_ms(unix_ms)?)))
    })()))
}

/// The HOTP code for `counter`, packed.
#[wasm_bindgen]
pub fn hotp_code(secret: &str, counter: f64, alg: u32, digits: f64) -> f64 {
    after(number((|| {
        let params = params(alg, digits, f64::NAN)?;
        let hotp = Hotp::new(
            &Secret::from_base32(secret)?,
            params.algorithm(),
            params.digits(),
        )?;
        Ok(packed(&hotp.code(whole(
            counter,
            MAX_COUNTER,
            Error::InvalidCounter,
        )?)))
    })()))
}

/// Verification: 0 for no match, else `step * 32 + (delta + 16) + 1` (|delta| ≤ 10, and
/// step × 32 < 2^53 for every time up to 2^53 ms), or minus an error index.
#[wasm_bindgen]
pub fn verify_totp(
    secret: &str,
    code: &str,
    unix_ms: f64,
    window: f64,
    alg: u32,
    digits: f64,
    period: f64,
) -> f64 {
    after(number((|| {
        let window = small_or(window, DEFAULT_WINDOW, Error::InvalidWindow)?;
        let totp = Totp::new(&Secret::from_base32(secret)?, params(alg, digits, period)?)?;
        let found = totp.verify(code, unix_secs_from_ms(unix_ms)?, window)?;
        Ok(found.map_or(0.0, |m| {
            m.step as f64 * 32.0 + (m.delta as f64 + 16.0) + 1.0
        }))
    })()))
}

/// A new secret of `len` bytes (NaN: the default) from `random`, bytes the front drew with
/// `crypto.getRandomValues`. Record: the base32 secret.
#[wasm_bindgen]
pub fn generate_secret(len: f64, random: &[u8]) -> Vec<u8> {
    after(finish((|| {
        let len = small_or(len, DEFAULT_SECRET_BYTES as u32, Error::InvalidSecretLength)?;
        let secret = Secret::from_random(len as usize, random)?;
        Ok(Record::new().str(&secret.to_base32()))
    })()))
}

/// Record: the secret in groups of four.
#[wasm_bindgen]
pub fn format_secret(secret: &str) -> Vec<u8> {
    after(finish(
        secret::format_base32(secret).map(|s| Record::new().str(&s)),
    ))
}

fn kind(kind: Option<String>, counter: f64) -> Result<OtpKind> {
    match kind.as_deref() {
        None | Some("totp") => Ok(OtpKind::Totp),
        Some("hotp") => Ok(OtpKind::Hotp {
            counter: whole(counter, MAX_COUNTER, Error::InvalidCounter)?,
        }),
        Some(_) => Err(Error::UnsupportedOtpType),
    }
}

/// Record: the otpauth URI.
#[wasm_bindgen]
pub fn build_uri(
    secret: &str,
    account: &str,
    issuer: Option<String>,
    otp_type: Option<String>,
    counter: f64,
    alg: u32,
    digits: f64,
    period: f64,
) -> Vec<u8> {
    after(finish((|| {
        let key = KeyUri {
            secret: Secret::from_base32(secret)?,
            account: account.into(),
            issuer,
            kind: kind(otp_type, counter)?,
            params: params(alg, digits, period)?,
        };
        Ok(Record::new().str(&zeroize::Zeroizing::new(key.to_uri()?)))
    })()))
}

/// Record: type, counter (NaN for totp), secret, account, has-issuer (1/0), issuer, algorithm,
/// digits, period.
#[wasm_bindgen]
pub fn parse_uri(uri: &str) -> Vec<u8> {
    after(finish((|| {
        let key = KeyUri::parse(uri)?;
        let (name, counter) = match key.kind {
            OtpKind::Totp => ("totp", None),
            OtpKind::Hotp { counter } => ("hotp", Some(counter as f64)),
        };
        Ok(Record::new()
            .str(name)
            .opt(counter)
            .str(&key.secret.to_base32())
            .str(&key.account)
            .num(if key.issuer.is_some() { 1.0 } else { 0.0 })
            .str(key.issuer.as_deref().unwrap_or_default())
            .str(key.params.algorithm().name())
            .num(f64::from(key.params.digits()))
            .num(f64::from(key.params.period())))
    })()))
}

fn ecc(ecc: Option<String>) -> Result<Ecc> {
    ecc.map_or(Ok(Ecc::default()), |e| Ecc::parse(&e))
}

fn svg_options(
    quiet_zone: f64,
    dark: Option<String>,
    light: Option<String>,
    title: Option<String>,
) -> Result<SvgOptions> {
    let mut svg = SvgOptions::default();
    if let Some(q) = given(quiet_zone) {
        svg = svg.quiet_zone(whole(q, u64::from(u32::MAX), Error::InvalidOptions)? as u32)?;
    }
    if let Some(d) = dark {
        svg = svg.dark(&d)?;
    }
    if let Some(l) = light {
        svg = svg.light(&l)?;
    }
    if let Some(t) = title {
        svg = svg.title(&t);
    }
    Ok(svg)
}

/// Record: the SVG.
#[wasm_bindgen]
pub fn render_qr_svg(
    text: &str,
    ecc_level: Option<String>,
    quiet_zone: f64,
    dark: Option<String>,
    light: Option<String>,
    title: Option<String>,
) -> Vec<u8> {
    after(finish((|| {
        let level = ecc(ecc_level)?;
        let svg = svg_options(quiet_zone, dark, light, title)?;
        let drawn = zeroize::Zeroizing::new(render_svg(&QrMatrix::encode(text, level)?, &svg));
        Ok(Record::new().str(&drawn))
    })()))
}

/// Record: the size, then `size * size` bytes (1 = dark), row-major.
#[wasm_bindgen]
pub fn qr_matrix(text: &str, ecc_level: Option<String>) -> Vec<u8> {
    after(finish((|| {
        let matrix = QrMatrix::encode(text, ecc(ecc_level)?)?;
        let mut record = Record::new().num(matrix.size() as f64);
        for &dark in matrix.modules() {
            record = record.bytes(&[u8::from(dark)]);
        }
        Ok(record)
    })()))
}

/// Record: secret, URI, SVG, manual key, alt text, algorithm, digits, period. Without `secret`,
/// a new one of `secret_bytes` (NaN: the default) is made from `random`.
#[wasm_bindgen]
pub fn enrollment(
    account: &str,
    issuer: Option<String>,
    secret: Option<String>,
    secret_bytes: f64,
    random: &[u8],
    alg: u32,
    digits: f64,
    period: f64,
    ecc_level: Option<String>,
    quiet_zone: f64,
    dark: Option<String>,
    light: Option<String>,
    title: Option<String>,
) -> Vec<u8> {
    after(finish((|| {
        let secret = match secret {
            Some(text) => Secret::from_base32(&zeroize::Zeroizing::new(text))?,
            None => {
                let len = small_or(
                    secret_bytes,
                    DEFAULT_SECRET_BYTES as u32,
                    Error::InvalidSecretLength,
                )?;
                Secret::from_random(len as usize, random)?
            }
        };
        let mut request = EnrollmentRequest::new(account);
        request.secret = Some(secret);
        request.issuer = issuer;
        request.params = params(alg, digits, period)?;
        request.ecc = ecc(ecc_level)?;
        request.svg = svg_options(quiet_zone, dark, light, title)?;
        let e = enroll(request)?;
        Ok(Record::new()
            .str(&e.secret.to_base32())
            .str(&e.uri)
            .str(&e.svg)
            .str(&e.manual_key)
            .str(&e.alt_text)
            .str(e.params.algorithm().name())
            .num(f64::from(e.params.digits()))
            .num(f64::from(e.params.period())))
    })()))
}

fn thresholds(ok: f64, minor: f64, warn: f64, max_error: f64) -> Result<Thresholds> {
    let d = Thresholds::default();
    Thresholds {
        ok_ms: given(ok).unwrap_or(d.ok_ms),
        minor_ms: given(minor).unwrap_or(d.minor_ms),
        warn_ms: given(warn).unwrap_or(d.warn_ms),
        max_error_ms: given(max_error).unwrap_or(d.max_error_ms),
    }
    .validate()
}

/// Most samples `estimateClockOffset` reads; a longer list is `InvalidSample`.
pub const MAX_SAMPLES: usize = 10_000;

/// Record: offset, error, round trip, sample index, status. `samples` holds four numbers per
/// sample: sent, received, server, resolution (NaN: 1 ms).
#[wasm_bindgen]
pub fn estimate_clock_offset(
    samples: &[f64],
    ok: f64,
    minor: f64,
    warn: f64,
    max_error: f64,
) -> Vec<u8> {
    finish((|| {
        if !samples.len().is_multiple_of(4) || samples.len() / 4 > MAX_SAMPLES {
            return Err(Error::InvalidSample);
        }
        let parsed: Vec<ClockSample> = samples
            .chunks_exact(4)
            .map(|s| match *s {
                [sent_ms, received_ms, server_ms, resolution_ms] => ClockSample {
                    sent_ms,
                    received_ms,
                    server_ms,
                    resolution_ms: given(resolution_ms).unwrap_or(1.0),
                },
                _ => ClockSample {
                    sent_ms: f64::NAN,
                    received_ms: f64::NAN,
                    server_ms: f64::NAN,
                    resolution_ms: f64::NAN,
                },
            })
            .collect();
        let e = clock::estimate_offset(&parsed, thresholds(ok, minor, warn, max_error)?)?;
        Ok(Record::new()
            .num(e.offset_ms)
            .num(e.error_ms)
            .num(e.rtt_ms)
            .num(e.sample_index as f64)
            .str(e.status.name()))
    })())
}

/// Record: the sample count and the per-request timeout `checkClock` will use. Checks the
/// thresholds too, so bad options fail before any request goes out.
#[wasm_bindgen]
pub fn check_clock_options(
    samples: f64,
    timeout_ms: f64,
    ok: f64,
    minor: f64,
    warn: f64,
    max_error: f64,
) -> Vec<u8> {
    finish((|| {
        let count = small_or(samples, 5, Error::InvalidOptions)?;
        let timeout = given(timeout_ms).unwrap_or(5_000.0);
        if !(1..=20).contains(&count) || !(1.0..=60_000.0).contains(&timeout) {
            return Err(Error::InvalidOptions);
        }
        thresholds(ok, minor, warn, max_error)?;
        Ok(Record::new().num(f64::from(count)).num(timeout))
    })())
}

/// Record: an HTTP date as Unix milliseconds.
#[wasm_bindgen]
pub fn parse_http_date(value: &str) -> Vec<u8> {
    finish(clock::parse_http_date(value).map(|ms| Record::new().num(ms)))
}

/// Record: code, next code, step, seconds left, milliseconds left, period.
#[wasm_bindgen]
pub fn code_preview(
    secret: &str,
    unix_ms: f64,
    offset_ms: f64,
    alg: u32,
    digits: f64,
    period: f64,
) -> Vec<u8> {
    after(finish((|| {
        let server_ms = clock::server_time_ms(unix_ms, given(offset_ms).unwrap_or(0.0))?;
        let totp = Totp::new(&Secret::from_base32(secret)?, params(alg, digits, period)?)?;
        let p = clock::code_preview(&totp, server_ms);
        Ok(Record::new()
            .str(p.code.as_str())
            .str(p.next_code.as_str())
            .num(p.step as f64)
            .num(f64::from(p.seconds_remaining))
            .num(p.ms_remaining as f64)
            .num(f64::from(p.period)))
    })()))
}

/// Record: kind, step delta (NaN: null), offset in seconds (NaN: null), suspect ("" if none).
#[wasm_bindgen]
pub fn diagnose_code(
    secret: &str,
    code: &str,
    unix_ms: f64,
    max_steps: f64,
    alg: u32,
    digits: f64,
    period: f64,
) -> Vec<u8> {
    after(finish((|| {
        // clock::diagnose refuses a reach above MAX_DIAGNOSE_STEPS itself.
        let max_steps = small_or(max_steps, DEFAULT_DIAGNOSE_STEPS, Error::InvalidOptions)?;
        let params = params(alg, digits, period)?;
        let secret = Secret::from_base32(secret)?;
        let d = clock::diagnose(
            &secret,
            code,
            unix_secs_from_ms(unix_ms)?,
            params,
            max_steps,
        )?;
        Ok(Record::new()
            .str(d.kind.name())
            .opt(d.step_delta.map(|v| v as f64))
            .opt(d.offset_seconds.map(|v| v as f64))
            .str(d.suspect.map_or("", |s| s.name())))
    })()))
}
