//! The exports and what each one does. The exports themselves are generated from the wire's
//! declaration (`wasm/wire.json`) by `wasm/build.rs` and included below: each reads its
//! arguments from the I/O region (`heap::with_io`) into its `<Call>Args` struct, in the declared
//! order, and calls the function of the same name here, which answers with the declared result
//! (`crate::wire`: a number, a packed code or match, or a record made through its `<Call>Out`).
//!
//! Calling convention (the JS front in `npm/front.js` is the only caller, through the
//! functions scripts/wire.mjs generates from the same declaration):
//! - The front writes the call's string and byte arguments back to back at the start of the I/O
//!   region, in the declared order, and passes each one's byte length; `-1` means absent
//!   (`undefined` or `null`).
//! - An optional number is NaN when absent; the front refuses NaN from the caller, so NaN here
//!   always means "use the default", and the defaults live in the core.
//! - The algorithm travels as a small id (0: absent, SHA1 by default; 1 SHA1, 2 SHA256, 3 SHA512):
//!   the front reads its name with the JS twin of `Algorithm::parse` (npm/uri.js), so the hot calls
//!   carry no string but the secret.
//! - The hot calls return one f64, negative for an error (minus its index). The others write a
//!   record at the start of the I/O region and return its length; the front reads it, then
//!   zeroes it.
//! - Before a call returns, it zeroes the arguments it was given in the I/O region, and
//!   overwrites the stack the core just used (`crate::wire`).

// The generated exports take every argument of a call as a separate primitive, on purpose.
#![allow(clippy::too_many_arguments)]

use alloc::vec::Vec;
use wasm_bindgen::prelude::wasm_bindgen;

use totpkit::clock;
use totpkit::diagnose::{DEFAULT_DIAGNOSE_STEPS, diagnose};
use totpkit::otpauth::{KeyUri, MAX_COUNTER, OtpKind};
use totpkit::qr::{Ecc, QrMatrix, SvgOptions, render_svg};
use totpkit::secret::{self, DEFAULT_SECRET_BYTES, Secret};
use totpkit::totp::{DEFAULT_WINDOW, unix_secs_from_ms};
use totpkit::{Algorithm, Error, Hotp, Match, OtpParams, Result, Totp};

use crate::heap::io_address;
use crate::wire::*;

/// The `#[wasm_bindgen]` exports, generated from `wasm/wire.json` (see `wasm/build.rs`).
mod exports {
    use super::wasm_bindgen;
    include!(concat!(env!("OUT_DIR"), "/wire_exports.rs"));
}

fn io() -> u32 {
    io_address() as u32
}

fn error_message(a: ErrorMessageArgs) -> Result<Record> {
    let error = Error::from_index(a.index).unwrap_or(Error::InvalidOptions);
    Ok(ErrorMessageOut {
        message: error.message(),
    }
    .record())
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

fn totp_code(a: TotpCodeArgs<'_>) -> Result<CodeValue> {
    let params = params(a.alg, a.digits, a.period)?;
    let totp = Totp::new(&Secret::from_base32(a.secret)?, params)?;
    let step = totp.step_at(unix_secs_from_ms(a.unix_ms)?);
    Ok(CodeValue {
        value: totp.into_scanner().value(step),
        digits: params.digits().get(),
    })
}

fn hotp_code(a: HotpCodeArgs<'_>) -> Result<CodeValue> {
    let params = params(a.alg, a.digits, f64::NAN)?;
    let hotp = Hotp::new(
        &Secret::from_base32(a.secret)?,
        params.algorithm(),
        params.digits(),
    );
    let counter = whole(a.counter, MAX_COUNTER, Error::InvalidCounter)?;
    Ok(CodeValue {
        value: hotp.into_scanner().value(counter),
        digits: params.digits().get(),
    })
}

fn verify_totp(a: VerifyTotpArgs<'_>) -> Result<Option<Match>> {
    let window = small_or(a.window, DEFAULT_WINDOW, Error::InvalidWindow)?;
    let totp = Totp::new(
        &Secret::from_base32(a.secret)?,
        params(a.alg, a.digits, a.period)?,
    )?;
    totp.verify(a.code, unix_secs_from_ms(a.unix_ms)?, window)
}

/// A secret made of `len` (NaN: the default) of the `random` bytes the front drew with
/// `crypto.getRandomValues`.
fn random_secret(len: f64, random: Option<&[u8]>) -> Result<Secret> {
    let len = small_or(len, DEFAULT_SECRET_BYTES as u32, Error::InvalidSecretLength)?;
    Secret::from_random(len as usize, random.ok_or(Error::RandomUnavailable)?)
}

fn generate_secret(a: GenerateSecretArgs<'_>) -> Result<Record> {
    let secret = random_secret(a.length, Some(a.random))?.to_base32();
    Ok(GenerateSecretOut { secret: &secret }.record())
}

fn format_secret(a: FormatSecretArgs<'_>) -> Result<Record> {
    let formatted = secret::format_base32(a.secret)?;
    Ok(FormatSecretOut {
        formatted: &formatted,
    }
    .record())
}

fn parse_uri(a: ParseUriArgs<'_>) -> Result<Record> {
    let key = match KeyUri::parse_detailed(a.uri) {
        Ok(key) => key,
        Err(failure) if failure.repeated.is_some() => {
            return Ok(Record::failure(failure.error, &failure.message()));
        }
        Err(failure) => return Err(failure.error),
    };
    let (kind, counter) = match key.kind {
        OtpKind::Totp => ("totp", None),
        OtpKind::Hotp { counter } => ("hotp", Some(counter as f64)),
    };
    Ok(ParseUriOut {
        kind,
        counter,
        secret: &key.secret.to_base32(),
        account: &key.account,
        issuer: key.issuer.as_deref(),
        algorithm: key.params.algorithm().name(),
        digits: f64::from(key.params.digits().get()),
        period: f64::from(key.params.period()),
    }
    .record())
}

fn ecc(ecc: Option<&str>) -> Result<Ecc> {
    ecc.map_or(Ok(Ecc::default()), Ecc::parse)
}

fn svg_options(
    quiet_zone: f64,
    dark: Option<&str>,
    light: Option<&str>,
    title: Option<&str>,
) -> Result<SvgOptions> {
    let mut svg = SvgOptions::default();
    if let Some(q) = given(quiet_zone) {
        svg = svg.quiet_zone(whole(q, u64::from(u32::MAX), Error::InvalidOptions)? as u32)?;
    }
    if let Some(d) = dark {
        svg = svg.dark(d)?;
    }
    if let Some(l) = light {
        svg = svg.light(l)?;
    }
    if let Some(t) = title {
        svg = svg.title(t);
    }
    Ok(svg)
}

fn render_qr_svg(a: RenderQrSvgArgs<'_>) -> Result<Record> {
    let level = ecc(a.ecc)?;
    let svg = svg_options(a.quiet_zone, a.dark, a.light, a.title)?;
    let drawn = zeroize::Zeroizing::new(render_svg(&QrMatrix::encode(a.text, level)?, &svg));
    Ok(RenderQrSvgOut { svg: &drawn }.record())
}

fn qr_matrix(a: QrMatrixArgs<'_>) -> Result<Record> {
    let matrix = QrMatrix::encode(a.text, ecc(a.ecc)?)?;
    let modules: Vec<u8> = matrix.modules().iter().map(|&d| u8::from(d)).collect();
    Ok(QrMatrixOut {
        size: matrix.size() as f64,
        modules: &modules,
    }
    .record())
}

fn code_preview(a: CodePreviewArgs<'_>) -> Result<Record> {
    let server_ms = clock::server_time_ms(a.unix_ms, given(a.offset_ms).unwrap_or(0.0))?;
    let totp = Totp::new(
        &Secret::from_base32(a.secret)?,
        params(a.alg, a.digits, a.period)?,
    )?;
    let p = totp.preview(server_ms);
    Ok(CodePreviewOut {
        code: p.code.as_str(),
        next_code: p.next_code.as_str(),
        step: p.step as f64,
        seconds_remaining: f64::from(p.seconds_remaining),
        ms_remaining: p.ms_remaining as f64,
        period: f64::from(p.period),
    }
    .record())
}

fn diagnose_code(a: DiagnoseCodeArgs<'_>) -> Result<Record> {
    // diagnose refuses a reach above MAX_DIAGNOSE_STEPS itself.
    let max_steps = small_or(a.max_steps, DEFAULT_DIAGNOSE_STEPS, Error::InvalidOptions)?;
    let params = params(a.alg, a.digits, a.period)?;
    let secret = Secret::from_base32(a.secret)?;
    let d = diagnose(
        &secret,
        a.code,
        unix_secs_from_ms(a.unix_ms)?,
        params,
        max_steps,
    )?;
    Ok(DiagnoseCodeOut {
        kind: d.kind.name(),
        step_delta: d.step_delta.map(|v| v as f64),
        offset_seconds: d.offset_seconds.map(|v| v as f64),
        suspect: d.suspect.map(|s| s.name()),
    }
    .record())
}
