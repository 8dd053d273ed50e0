//! The exports: functions of numbers. Strings and bytes travel through the I/O region
//! (`heap::with_io`), the one block of memory the JS front writes and reads.
//!
//! Calling convention (the JS front in `npm/totpkit.js` is the only caller):
//! - The front writes the call's string arguments back to back at the start of the I/O region,
//!   as UTF-8, and passes each one's byte length; `-1` means absent (`undefined` or `null`).
//! - An optional number is NaN when absent; the front refuses NaN from the caller, so NaN here
//!   always means "use the default", and the defaults live in the core.
//! - The algorithm travels as a small id from [`algorithm_id`] (0: absent, SHA1 by default), so
//!   the hot calls carry no string but the secret.
//! - The hot calls ([`totp_code`], [`hotp_code`], [`verify_totp`]) return one f64, negative for
//!   an error (minus its index). The others write a `crate::record` at the start of the I/O
//!   region and return its length; the front reads it, then zeroes it.
//! - Before a call returns, it zeroes the arguments it was given in the I/O region, and
//!   `scrub_stack` overwrites the stack the core just used.

// The enrollment export takes every option of the call as a separate primitive, on purpose.
#![allow(clippy::too_many_arguments)]

use alloc::vec::Vec;
use wasm_bindgen::prelude::wasm_bindgen;

use totpkit::clock::{self, CheckOptions, ClockSample, Thresholds};
use totpkit::diagnose::{DEFAULT_DIAGNOSE_STEPS, diagnose};
use totpkit::http_date;
use totpkit::otpauth::{KeyUri, MAX_COUNTER, OtpKind};
use totpkit::params::Digits;
use totpkit::qr::{Ecc, QrMatrix, SvgOptions, render_svg};
use totpkit::secret::{self, DEFAULT_SECRET_BYTES, Secret};
use totpkit::totp::{DEFAULT_WINDOW, unix_secs_from_ms};
use totpkit::{
    Algorithm, Code, EnrollmentRequest, Error, Hotp, OtpParams, Result, SecretSource, Totp, enroll,
};

use crate::heap::{io_address, with_io};
use crate::record::{Record, given, small_or, whole};

/// Bytes of stack overwritten after a call that saw a secret: more than the deepest path through
/// the core that holds key material on the stack (HMAC-SHA512's key blocks and state). The memory
/// scan in tests/node/memory.test.mjs fails with this set to 0 and passes down to 512; 1 KiB
/// keeps a margin for deeper paths.
const SCRUB_BYTES: usize = 1024;

/// Overwrites the `SCRUB_BYTES` below the caller's frame, where the core's frames just were: the
/// HMAC key blocks and hash states it left on the stack. Best effort by construction (the stack
/// layout is the compiler's), and checked by scanning the memory after calls.
#[inline(never)]
fn scrub_stack() {
    let mut area = [0u8; SCRUB_BYTES];
    core::hint::black_box(&mut area);
}

/// The string arguments of a call, read in order from the I/O region.
struct Args<'a> {
    io: &'a [u8],
    at: usize,
}

impl<'a> Args<'a> {
    fn bytes(&mut self, len: i32) -> Option<&'a [u8]> {
        let len = usize::try_from(len).ok()?;
        let end = self.at.checked_add(len)?;
        let bytes = self.io.get(self.at..end)?;
        self.at = end;
        Some(bytes)
    }

    /// A string argument; `error` if it is absent (the front makes sure it is UTF-8).
    fn str(&mut self, len: i32, error: Error) -> Result<&'a str> {
        self.opt(len)?.ok_or(error)
    }

    /// An optional string argument (`len` −1: absent).
    fn opt(&mut self, len: i32) -> Result<Option<&'a str>> {
        if len < 0 {
            return Ok(None);
        }
        let bytes = self.bytes(len).ok_or(Error::InvalidOptions)?;
        core::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Error::InvalidOptions)
    }
}

/// Runs `f` over the call's arguments in the I/O region, zeroes them, then hands what `f` made
/// and the region to `then` (which may write a result there). `None` if the region is not
/// available.
fn with_args<T, R>(
    f: impl FnOnce(&mut Args<'_>) -> T,
    then: impl FnOnce(&mut [u8], T) -> R,
) -> Option<R> {
    with_io(|io| {
        let (value, used) = {
            let mut args = Args { io: &*io, at: 0 };
            let value = f(&mut args);
            (value, args.at)
        };
        if let Some(given) = io.get_mut(..used) {
            given.fill(0);
        }
        then(io, value)
    })
}

/// A record-returning call: the record goes to the start of the I/O region; returns its length.
fn record(f: impl FnOnce(&mut Args<'_>) -> Result<Record>) -> u32 {
    let n = with_args(f, |io, result| {
        let bytes: Vec<u8> = match result {
            Ok(record) => record.done(),
            Err(error) => alloc::vec![error.index()],
        };
        match io.get_mut(..bytes.len()) {
            Some(slot) => {
                slot.copy_from_slice(&bytes);
                bytes.len() as u32
            }
            None => {
                // Unreachable with the front's caps on argument length; fail rather than truncate.
                if let Some(first) = io.first_mut() {
                    *first = Error::InvalidOptions.index();
                }
                1
            }
        }
    });
    scrub_stack();
    n.unwrap_or(0)
}

/// A hot call: one number back, negative for an error (minus its index).
fn hot(f: impl FnOnce(&mut Args<'_>) -> Result<f64>) -> f64 {
    let result = with_args(f, |_, result| result).unwrap_or(Err(Error::InvalidOptions));
    scrub_stack();
    match result {
        Ok(value) => value,
        Err(error) => -f64::from(error.index()),
    }
}

/// The address of the I/O region (reserving it on the first call), or 0 when memory is short.
#[wasm_bindgen]
pub fn io() -> u32 {
    io_address() as u32
}

/// Record: the message of the error with this index, for the front's `TotpkitError`.
#[wasm_bindgen]
pub fn error_message(index: u32) -> u32 {
    let error = Error::from_index(index).unwrap_or(Error::InvalidOptions);
    record(|_| Ok(Record::new().str(error.message())))
}

/// The id of an algorithm name (any case, `SHA-1` or `SHA1`), or minus an error index.
#[wasm_bindgen]
pub fn algorithm_id(name: i32) -> f64 {
    hot(
        |a| match Algorithm::parse(a.str(name, Error::UnsupportedAlgorithm)?)? {
            Algorithm::Sha1 => Ok(1.0),
            Algorithm::Sha256 => Ok(2.0),
            Algorithm::Sha512 => Ok(3.0),
        },
    )
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
        small_or(digits, defaults.digits().get(), Error::InvalidDigits)?,
        small_or(period, defaults.period(), Error::InvalidPeriod)?,
    )
}

fn secret(a: &mut Args<'_>, len: i32) -> Result<Secret> {
    Secret::from_base32(a.str(len, Error::MissingSecret)?)
}

/// A code's value and digit count as `value * 16 + digits` (exact in an f64): the front pads the
/// value to `digits` characters.
fn packed_value(value: u32, digits: totpkit::params::Digits) -> f64 {
    f64::from(value) * 16.0 + f64::from(digits.get())
}

/// ASCII digits as `value * 16 + digits` (at most 8 digits: exact in an f64).
fn packed_digits(text: &str) -> f64 {
    let value = text.bytes().fold(0u32, |v, b| {
        v.wrapping_mul(10)
            .wrapping_add(u32::from(b.wrapping_sub(b'0')))
    });
    f64::from(value) * 16.0 + text.len() as f64
}

/// The TOTP code at `unix_ms`, packed (see `packed_value`).
#[wasm_bindgen]
pub fn totp_code(secret_len: i32, unix_ms: f64, alg: u32, digits: f64, period: f64) -> f64 {
    hot(|a| {
        let params = params(alg, digits, period)?;
        let totp = Totp::new(&secret(a, secret_len)?, params)?;
        let step = totp.step_at(unix_secs_from_ms(unix_ms)?);
        Ok(packed_value(
            totp.into_scanner().value(step),
            params.digits(),
        ))
    })
}

/// The HOTP code for `counter`, packed.
#[wasm_bindgen]
pub fn hotp_code(secret_len: i32, counter: f64, alg: u32, digits: f64) -> f64 {
    hot(|a| {
        let params = params(alg, digits, f64::NAN)?;
        let hotp = Hotp::new(&secret(a, secret_len)?, params.algorithm(), params.digits());
        let counter = whole(counter, MAX_COUNTER, Error::InvalidCounter)?;
        Ok(packed_value(
            hotp.into_scanner().value(counter),
            params.digits(),
        ))
    })
}

/// Verification: 0 for no match, else `step * 32 + (delta + 16) + 1` (|delta| ≤ 10, and
/// step × 32 < 2^53 for every time up to 2^53 ms), or minus an error index.
#[wasm_bindgen]
pub fn verify_totp(
    secret_len: i32,
    code_len: i32,
    unix_ms: f64,
    window: f64,
    alg: u32,
    digits: f64,
    period: f64,
) -> f64 {
    hot(|a| {
        let window = small_or(window, DEFAULT_WINDOW, Error::InvalidWindow)?;
        let totp = Totp::new(&secret(a, secret_len)?, params(alg, digits, period)?)?;
        let code = a.str(code_len, Error::InvalidCode)?;
        let found = totp.verify(code, unix_secs_from_ms(unix_ms)?, window)?;
        Ok(found.map_or(0.0, |m| {
            m.step as f64 * 32.0 + (m.delta as f64 + 16.0) + 1.0
        }))
    })
}

/// A typed code normalized by the core's rule (`Code::parse`): spaces, no-break spaces and
/// dashes dropped, every script's decimal digits made ASCII. `digits` NaN: any 6–8 digits.
/// Packed (see `packed_digits`), or minus an error index.
#[wasm_bindgen]
pub fn normalize_code(code_len: i32, digits: f64) -> f64 {
    hot(|a| {
        let text = a.str(code_len, Error::InvalidCode)?;
        let code = match given(digits) {
            None => Code::parse_any(text)?,
            Some(d) => {
                let d = Digits::new(small_or(d, 0, Error::InvalidDigits)?)?;
                Code::parse(text, d.get())?
            }
        };
        Ok(packed_digits(code.as_str()))
    })
}

/// A secret made of `len` (NaN: the default) of the `random_len` bytes the front drew with
/// `crypto.getRandomValues`.
fn random_secret(a: &mut Args<'_>, len: f64, random_len: i32) -> Result<Secret> {
    let len = small_or(len, DEFAULT_SECRET_BYTES as u32, Error::InvalidSecretLength)?;
    let random = a.bytes(random_len).ok_or(Error::RandomUnavailable)?;
    Secret::from_random(len as usize, random)
}

/// Record: a new base32 secret.
#[wasm_bindgen]
pub fn generate_secret(len: f64, random_len: i32) -> u32 {
    record(|a| Ok(Record::new().str(&random_secret(a, len, random_len)?.to_base32())))
}

/// Record: the secret in groups of four.
#[wasm_bindgen]
pub fn format_secret(secret_len: i32) -> u32 {
    record(|a| {
        let text = a.str(secret_len, Error::InvalidBase32)?;
        Ok(Record::new().str(&secret::format_base32(text)?))
    })
}

fn kind(kind: Option<&str>, counter: f64) -> Result<OtpKind> {
    match kind {
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
    secret_len: i32,
    account_len: i32,
    issuer_len: i32,
    type_len: i32,
    counter: f64,
    alg: u32,
    digits: f64,
    period: f64,
) -> u32 {
    record(|a| {
        let key = KeyUri {
            secret: secret(a, secret_len)?,
            account: a.str(account_len, Error::InvalidLabel)?.into(),
            issuer: a.opt(issuer_len)?.map(Into::into),
            kind: kind(a.opt(type_len)?, counter)?,
            params: params(alg, digits, period)?,
        };
        Ok(Record::new().str(&zeroize::Zeroizing::new(key.to_uri()?)))
    })
}

/// Record: type, counter (NaN for totp), secret, account, has-issuer (1/0), issuer, algorithm,
/// digits, period.
#[wasm_bindgen]
pub fn parse_uri(uri_len: i32) -> u32 {
    record(|a| {
        let key = match KeyUri::parse_detailed(a.str(uri_len, Error::InvalidUri)?) {
            Ok(key) => key,
            Err(failure) if failure.repeated.is_some() => {
                return Ok(Record::failure(failure.error, &failure.message()));
            }
            Err(failure) => return Err(failure.error),
        };
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
            .num(f64::from(key.params.digits().get()))
            .num(f64::from(key.params.period())))
    })
}

fn ecc(ecc: Option<&str>) -> Result<Ecc> {
    ecc.map_or(Ok(Ecc::default()), Ecc::parse)
}

/// The SVG options, read in the order the front writes them: dark, light, title.
fn svg_options(
    a: &mut Args<'_>,
    quiet_zone: f64,
    dark: i32,
    light: i32,
    title: i32,
) -> Result<SvgOptions> {
    let mut svg = SvgOptions::default();
    if let Some(q) = given(quiet_zone) {
        svg = svg.quiet_zone(whole(q, u64::from(u32::MAX), Error::InvalidOptions)? as u32)?;
    }
    if let Some(d) = a.opt(dark)? {
        svg = svg.dark(d)?;
    }
    if let Some(l) = a.opt(light)? {
        svg = svg.light(l)?;
    }
    if let Some(t) = a.opt(title)? {
        svg = svg.title(t);
    }
    Ok(svg)
}

/// Record: the SVG.
#[wasm_bindgen]
pub fn render_qr_svg(
    text_len: i32,
    ecc_len: i32,
    quiet_zone: f64,
    dark: i32,
    light: i32,
    title: i32,
) -> u32 {
    record(|a| {
        let text = a.str(text_len, Error::InvalidOptions)?;
        let level = ecc(a.opt(ecc_len)?)?;
        let svg = svg_options(a, quiet_zone, dark, light, title)?;
        let drawn = zeroize::Zeroizing::new(render_svg(&QrMatrix::encode(text, level)?, &svg));
        Ok(Record::new().str(&drawn))
    })
}

/// Record: the size, then `size * size` bytes (1 = dark), row-major.
#[wasm_bindgen]
pub fn qr_matrix(text_len: i32, ecc_len: i32) -> u32 {
    record(|a| {
        let text = a.str(text_len, Error::InvalidOptions)?;
        let matrix = QrMatrix::encode(text, ecc(a.opt(ecc_len)?)?)?;
        let mut record = Record::new().num(matrix.size() as f64);
        for &dark in matrix.modules() {
            record = record.bytes(&[u8::from(dark)]);
        }
        Ok(record)
    })
}

/// Record: secret, URI, SVG, manual key, alt text, algorithm, digits, period. Without a secret,
/// a new one of `secret_bytes` (NaN: the default) is made from the random bytes. Strings in the
/// I/O region, in order: account, issuer, secret, random bytes, ecc, dark, light, title.
#[wasm_bindgen]
pub fn enrollment(
    account_len: i32,
    issuer_len: i32,
    secret_len: i32,
    secret_bytes: f64,
    random_len: i32,
    alg: u32,
    digits: f64,
    period: f64,
    ecc_len: i32,
    quiet_zone: f64,
    dark: i32,
    light: i32,
    title: i32,
) -> u32 {
    record(|a| {
        let mut request = EnrollmentRequest::new(a.str(account_len, Error::InvalidLabel)?);
        request.issuer = a.opt(issuer_len)?.map(Into::into);
        let given = a.opt(secret_len)?.map(Secret::from_base32).transpose()?;
        let made = random_secret(a, secret_bytes, random_len);
        // The core has no CSPRNG here: a secret to generate is made of the front's random bytes.
        request.secret = SecretSource::Given(match given {
            Some(secret) => secret,
            None => made?,
        });
        request.params = params(alg, digits, period)?;
        request.ecc = ecc(a.opt(ecc_len)?)?;
        request.svg = svg_options(a, quiet_zone, dark, light, title)?;
        let e = enroll(request)?;
        Ok(Record::new()
            .str(&e.secret.to_base32())
            .str(&e.uri)
            .str(&e.svg)
            .str(&e.manual_key)
            .str(&e.alt_text)
            .str(e.params.algorithm().name())
            .num(f64::from(e.params.digits().get()))
            .num(f64::from(e.params.period())))
    })
}

/// The thresholds as given, defaults for the absent ones; the core validates them.
fn thresholds(ok: f64, minor: f64, warn: f64, max_error: f64) -> Thresholds {
    let d = Thresholds::default();
    Thresholds {
        ok_ms: given(ok).unwrap_or(d.ok_ms),
        minor_ms: given(minor).unwrap_or(d.minor_ms),
        warn_ms: given(warn).unwrap_or(d.warn_ms),
        max_error_ms: given(max_error).unwrap_or(d.max_error_ms),
    }
}

/// Record: offset, error, round trip, sample index, status. The I/O region holds `count`
/// samples of four little-endian f64 each: sent, received, server, resolution (NaN: 1 ms).
#[wasm_bindgen]
pub fn estimate_clock_offset(count: u32, ok: f64, minor: f64, warn: f64, max_error: f64) -> u32 {
    record(|a| {
        // More samples than the I/O region holds are refused here; the core refuses more than
        // its own MAX_SAMPLES.
        let bytes = a
            .bytes(count.saturating_mul(32) as i32)
            .ok_or(Error::InvalidSample)?;
        let numbers = |chunk: &[u8]| {
            let mut values = chunk
                .chunks_exact(8)
                .map(|b| b.try_into().map_or(f64::NAN, f64::from_le_bytes));
            let mut next = move || values.next().unwrap_or(f64::NAN);
            [next(), next(), next(), next()]
        };
        let samples: Vec<ClockSample> = bytes
            .chunks_exact(32)
            .map(|s| {
                let [sent_ms, received_ms, server_ms, resolution_ms] = numbers(s);
                ClockSample {
                    sent_ms,
                    received_ms,
                    server_ms,
                    resolution_ms: given(resolution_ms).unwrap_or(1.0),
                }
            })
            .collect();
        let e = clock::estimate_offset(&samples, thresholds(ok, minor, warn, max_error))?;
        Ok(Record::new()
            .num(e.offset_ms)
            .num(e.error_ms)
            .num(e.rtt_ms)
            .num(e.sample_index as f64)
            .str(e.status.name()))
    })
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
) -> u32 {
    record(|_| {
        let d = CheckOptions::default();
        let o = CheckOptions {
            samples: small_or(samples, d.samples, Error::InvalidOptions)?,
            timeout_ms: given(timeout_ms).unwrap_or(d.timeout_ms),
            thresholds: thresholds(ok, minor, warn, max_error),
        }
        .validate()?;
        Ok(Record::new().num(f64::from(o.samples)).num(o.timeout_ms))
    })
}

/// Record: an HTTP date as Unix milliseconds.
#[wasm_bindgen]
pub fn parse_http_date(value_len: i32) -> u32 {
    record(|a| {
        let ms = http_date::parse_http_date(a.str(value_len, Error::InvalidDate)?)?;
        Ok(Record::new().num(ms))
    })
}

/// Record: code, next code, step, seconds left, milliseconds left, period.
#[wasm_bindgen]
pub fn code_preview(
    secret_len: i32,
    unix_ms: f64,
    offset_ms: f64,
    alg: u32,
    digits: f64,
    period: f64,
) -> u32 {
    record(|a| {
        let server_ms = clock::server_time_ms(unix_ms, given(offset_ms).unwrap_or(0.0))?;
        let totp = Totp::new(&secret(a, secret_len)?, params(alg, digits, period)?)?;
        let p = totp.preview(server_ms);
        Ok(Record::new()
            .str(p.code.as_str())
            .str(p.next_code.as_str())
            .num(p.step as f64)
            .num(f64::from(p.seconds_remaining))
            .num(p.ms_remaining as f64)
            .num(f64::from(p.period)))
    })
}

/// Record: kind, step delta (NaN: null), offset in seconds (NaN: null), suspect ("" if none).
#[wasm_bindgen]
pub fn diagnose_code(
    secret_len: i32,
    code_len: i32,
    unix_ms: f64,
    max_steps: f64,
    alg: u32,
    digits: f64,
    period: f64,
) -> u32 {
    record(|a| {
        // diagnose refuses a reach above MAX_DIAGNOSE_STEPS itself.
        let max_steps = small_or(max_steps, DEFAULT_DIAGNOSE_STEPS, Error::InvalidOptions)?;
        let params = params(alg, digits, period)?;
        let secret = secret(a, secret_len)?;
        let code = a.str(code_len, Error::InvalidCode)?;
        let d = diagnose(
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
    })
}
