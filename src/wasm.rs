//! The JavaScript face of totpkit: the ONLY file with `#[wasm_bindgen]`.
//!
//! JS names (`camelCase`), JS object shapes and the TypeScript types are decided here, once.
//! Every argument arrives as a `JsValue` and is checked here, so a wrong type from JavaScript
//! becomes a thrown `TotpkitError` with a stable `code` instead of a glue-code `TypeError` or,
//! worse, a panic that would abort the instance. Every error leaves through [`to_js`].
//!
//! Objects are built and read with `js_sys::Reflect` rather than serde: serde would add
//! kilobytes to the `.wasm` that every page downloads.

use alloc::string::String;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::clock::{self, ClockSample, DEFAULT_DIAGNOSE_STEPS, Thresholds};
use crate::enroll::{EnrollmentRequest, enroll};
use crate::error::{Error, Result};
use crate::otpauth::{KeyUri, MAX_COUNTER, OtpKind};
use crate::params::{Algorithm, OtpParams};
use crate::qr::{Ecc, QrMatrix, SvgOptions, render_svg};
use crate::secret::{self, DEFAULT_SECRET_BYTES, Secret};
use crate::totp::{self, DEFAULT_WINDOW, Totp};

type JsResult<T> = core::result::Result<T, JsValue>;

/// In the no_std package a panic (which the lints rule out) traps, like `panic = "abort"`
/// would, without std's message formatting.
#[cfg(totpkit_no_std)]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// The same allocator std uses on wasm32, declared here because the package has no std.
#[cfg(totpkit_no_std)]
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r##"
/** The error every totpkit function throws: `name` is "TotpkitError", `code` is stable. */
export interface TotpkitError extends Error {
  name: "TotpkitError";
  code: "InvalidBase32" | "InvalidSecretLength" | "InvalidUri" | "UnsupportedOtpType"
    | "MissingSecret" | "InvalidLabel" | "UnsupportedAlgorithm" | "InvalidDigits"
    | "InvalidPeriod" | "InvalidCounter" | "InvalidTime" | "InvalidWindow" | "InvalidCode"
    | "QrTooLong" | "InvalidOptions" | "InvalidSample" | "InvalidDate" | "ClockCheckFailed"
    | "RandomUnavailable";
}
export type OtpAlgorithm = "SHA1" | "SHA256" | "SHA512";
/** Code parameters; defaults SHA1, 6 digits, 30 s. Algorithm names are case-insensitive. */
export interface OtpOptions { algorithm?: OtpAlgorithm; digits?: number; period?: number; }
export interface HotpOptions { algorithm?: OtpAlgorithm; digits?: number; }
export interface VerifyOptions extends OtpOptions {
  /** Steps either side of now to accept: 0–10, default 1. */
  window?: number;
}
export interface VerifyResult {
  valid: boolean;
  /** Matched step minus current step (-1 previous code, +1 next), or null. */
  delta: number | null;
  /** The absolute matched step; store it and refuse later codes at or before it. */
  step: number | null;
}
export interface OtpauthInput extends OtpOptions {
  secret: string;
  account: string;
  issuer?: string;
  /** Default "totp"; "hotp" needs `counter`. */
  type?: "totp" | "hotp";
  counter?: number;
}
export interface ParsedOtpauth {
  type: "totp" | "hotp";
  /** Canonical base32: uppercase, unpadded. */
  secret: string;
  account: string;
  issuer?: string;
  algorithm: OtpAlgorithm;
  digits: number;
  period: number;
  counter?: number;
}

/** A new secret from the platform CSPRNG, as unpadded uppercase base32. 16–64 bytes, default 20. */
export function generateSecret(byteLength?: number): string;
/** A base32 secret for typing by hand: validated, uppercase, groups of four ("JBSW Y3DP EHPK 3PXP"). */
export function formatSecret(secret: string): string;
/** Builds an otpauth:// URI: label "Issuer:account", issuer repeated as a parameter, spaces as %20. */
export function buildOtpauthUri(p: OtpauthInput): string;
/** Parses an otpauth:// URI leniently; the issuer parameter wins over the label prefix. */
export function parseOtpauthUri(uri: string): ParsedOtpauth;
/** The TOTP code at unixMs (milliseconds since the epoch, e.g. Date.now()). */
export function totpCode(secret: string, unixMs: number, opts?: OtpOptions): string;
/** The HOTP code for a counter from 0 to 2^53 - 1. */
export function hotpCode(secret: string, counter: number, opts?: HotpOptions): string;
/**
 * Verifies a typed code at unixMs over ±window steps (default 1), comparing in constant time.
 * Spaces and hyphens are ignored; a code that is not `digits` digits throws InvalidCode.
 */
export function verifyTotp(secret: string, code: string, unixMs: number, opts?: VerifyOptions): VerifyResult;

export type QrEcc = "L" | "M" | "Q" | "H";
export interface QrSvgOptions {
  /** Error-correction level, default "M". */
  ecc?: QrEcc;
  /** Light margin in modules, 0–64, default 4 (what scanners need). */
  quietZone?: number;
  /** "#rgb", "#rrggbb" or one of a few named colours; default "#000". */
  dark?: string;
  /** Same forms as `dark`; default "#fff". */
  light?: string;
  /** Accessible name: adds role="img", aria-label and <title> (XML-escaped). */
  title?: string;
}
export interface QrMatrixResult {
  /** Modules per side, without quiet zone. */
  size: number;
  /** size*size bytes, row-major, 1 = dark. */
  modules: Uint8Array;
}
export interface EnrollmentInput extends OtpOptions {
  /** An existing base32 secret; generated when absent. */
  secret?: string;
  /** Bytes of a generated secret, 16–64, default 20. */
  secretBytes?: number;
  account: string;
  issuer?: string;
}
export interface Enrollment {
  secret: string;
  uri: string;
  svg: string;
  /** The secret in groups of four, for "Trouble scanning?". */
  manualKey: string;
  /** "QR code to add ACME Co (alice@example.com) to an authenticator app"; never the secret. */
  altText: string;
  params: { algorithm: OtpAlgorithm; digits: number; period: number };
}

/** Draws text as a standalone, CSS-scalable <svg> QR code (one compact path, crisp edges). */
export function renderQrSvg(text: string, opts?: QrSvgOptions): string;
/** The QR module matrix, for custom rendering. */
export function qrMatrix(text: string, opts?: { ecc?: QrEcc }): QrMatrixResult;
/** Everything an enrollment screen shows, in one call. */
export function enrollment(p: EnrollmentInput, svgOpts?: QrSvgOptions): Enrollment;

export interface ClockSample {
  /** Local wall clock (Date.now()) when the request was sent. */
  sentMs: number;
  /** sentMs plus the performance.now() interval until the answer arrived. */
  receivedMs: number;
  /** The server's time for the request. */
  serverMs: number;
  /** 1 for a millisecond endpoint (default), 1000 for an HTTP Date header. */
  resolutionMs?: number;
}
export interface ClockThresholds {
  /** |offset| - error at or below this is "ok"; default 2000. */
  okMs?: number;
  /** ... "minor"; default 15000. */
  minorMs?: number;
  /** ... "warn"; default 30000; beyond it "critical". */
  warnMs?: number;
  /** Above this error the status is "unknown"; default 5000. */
  maxErrorMs?: number;
}
export type ClockStatus = "ok" | "minor" | "warn" | "critical" | "unknown";
export interface ClockEstimate {
  /** Server minus local time; positive: the local clock is behind. Add it to Date.now(). */
  offsetMs: number;
  /** The true offset lies within offsetMs ± errorMs (rtt/2 + resolution/2). */
  errorMs: number;
  rttMs: number;
  /** The sample used: the one with the smallest round trip. */
  sampleIndex: number;
  status: ClockStatus;
}
export interface CheckClockOptions extends ClockThresholds {
  /** Sequential requests, 1–20, default 5. */
  samples?: number;
  /** Per-request timeout, 1–60000 ms, default 5000. */
  timeoutMs?: number;
}
export interface CodePreview {
  code: string;
  nextCode: string;
  step: number;
  /** Whole seconds until the next code, rounded up (1…period). */
  secondsRemaining: number;
  /** Milliseconds until the next code (1…period*1000). */
  msRemaining: number;
  period: number;
}
export interface PreviewOptions extends OtpOptions {
  /** From checkClock: shifts the local clock to server time (±1 day at most). */
  offsetMs?: number;
}
export interface DiagnoseOptions extends OtpOptions {
  /** Steps either side to search, 0–100000, default 10 (±5 min at 30 s). */
  maxSteps?: number;
}
export interface Diagnosis {
  kind: "current" | "adjacent" | "drift" | "wrongSettings" | "none" | "ambiguous";
  /** Matched step minus current step, for current/adjacent/drift. */
  stepDelta: number | null;
  /** stepDelta * period: the authenticator's clock offset; positive = the phone is ahead. */
  offsetSeconds: number | null;
  /** For wrongSettings: the enrolled setting the app ignored (it used SHA1 / 6 / 30). */
  suspect?: "algorithm" | "digits" | "period";
}

/** Clock offset from timed samples (Cristian's method, minimum-round-trip sample). */
export function estimateClockOffset(samples: ClockSample[], opts?: ClockThresholds): ClockEstimate;
/** An HTTP date (IMF-fixdate, RFC 850 or asctime) as Unix milliseconds. */
export function parseHttpDate(value: string): number;
/**
 * Measures this browser's clock against the server: `samples` sequential same-origin requests
 * to `url` (JSON { now: ms } or, failing that, the Date header). Rejects with ClockCheckFailed
 * when no request gave a usable answer.
 */
export function checkClock(url: string, opts?: CheckClockOptions): Promise<ClockEstimate & { samples: number }>;
/** What the authenticator should show now (server-corrected with offsetMs) and for how long. */
export function codePreview(secret: string, unixMs: number, opts?: PreviewOptions): CodePreview;
/**
 * Why a typed code failed: the phone's clock (drift), an ignored setting, or nothing.
 * It diagnoses; it never accepts. Servers must not use it to widen their window.
 */
export function diagnoseCode(secret: string, code: string, unixMs: number, opts?: DiagnoseOptions): Diagnosis;
"##;

/// Turns a core error into the thrown JS value: an `Error` named `TotpkitError` with `code`.
fn to_js(error: Error) -> JsValue {
    let js = js_sys::Error::new(error.message());
    js.set_name("TotpkitError");
    let _ = Reflect::set(&js, &"code".into(), &error.code().into());
    js.into()
}

fn js<T>(result: Result<T>) -> JsResult<T> {
    result.map_err(to_js)
}

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, which throws for a revoked Proxy. Every JS call that can throw is
    /// imported with `catch`: an exception unwinding through wasm frames would skip their
    /// clean-up and could leave the instance broken.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> JsResult<bool>;
}

/// Most samples `estimateClockOffset` reads; a longer array is `InvalidSample`.
const MAX_SAMPLES: u32 = 10_000;

/// The items of a real array, read one by one through `Reflect` (which catches getters that
/// throw), never through the iterator protocol, which user code controls.
fn array_items(value: &JsValue, max: u32, error: Error) -> Result<alloc::vec::Vec<JsValue>> {
    if !is_array(value).map_err(|_| error)? {
        return Err(error);
    }
    let len = Reflect::get(value, &JsValue::from_str("length"))
        .map_err(|_| error)?
        .as_f64()
        .ok_or(error)?;
    if !(0.0..=f64::from(max)).contains(&len) {
        return Err(error);
    }
    (0..len as u32)
        .map(|i| Reflect::get_u32(value, i).map_err(|_| error))
        .collect()
}

/// Reads `key` from an options object; `undefined` and `null` (for the object or the value)
/// read as absent. Anything that is not an object is `InvalidOptions`.
fn field(obj: &JsValue, key: &str) -> Result<Option<JsValue>> {
    if obj.is_undefined() || obj.is_null() {
        return Ok(None);
    }
    if !obj.is_object() || is_array(obj).unwrap_or(true) {
        return Err(Error::InvalidOptions);
    }
    let value = Reflect::get(obj, &JsValue::from_str(key)).map_err(|_| Error::InvalidOptions)?;
    Ok((!value.is_undefined() && !value.is_null()).then_some(value))
}

fn string(value: &JsValue, error: Error) -> Result<String> {
    value.as_string().ok_or(error)
}

/// A whole number in `0..=max`, or `error`.
fn whole(value: &JsValue, max: u64, error: Error) -> Result<u64> {
    let n = value.as_f64().ok_or(error)?;
    // In range first, so the round trip through u64 is exact for whole numbers only.
    if n.is_finite() && n >= 0.0 && n <= max as f64 && (n as u64) as f64 == n {
        Ok(n as u64)
    } else {
        Err(error)
    }
}

fn small(value: &JsValue, error: Error) -> Result<u32> {
    whole(value, u64::from(u32::MAX), error).map(|n| n as u32)
}

fn unix_secs(value: &JsValue) -> Result<u64> {
    totp::unix_secs_from_ms(value.as_f64().ok_or(Error::InvalidTime)?)
}

/// The secret's text is copied out of JS; the copy is wiped once decoded.
fn secret_arg(value: &JsValue) -> Result<Secret> {
    let text = zeroize::Zeroizing::new(string(value, Error::InvalidBase32)?);
    Secret::from_base32(&text)
}

/// Reads `algorithm`, `digits` and `period` from an options object, with the usual defaults.
fn otp_params(opts: &JsValue) -> Result<OtpParams> {
    let defaults = OtpParams::default();
    let algorithm = match field(opts, "algorithm")? {
        Some(a) => Algorithm::parse(&string(&a, Error::UnsupportedAlgorithm)?)?,
        None => defaults.algorithm(),
    };
    let digits = match field(opts, "digits")? {
        Some(d) => small(&d, Error::InvalidDigits)?,
        None => defaults.digits(),
    };
    let period = match field(opts, "period")? {
        Some(p) => small(&p, Error::InvalidPeriod)?,
        None => defaults.period(),
    };
    OtpParams::new(algorithm, digits, period)
}

fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

fn opt_number(value: Option<u64>) -> JsValue {
    value.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64))
}

/// Generates a new secret from the platform CSPRNG (`crypto.getRandomValues`) and returns it
/// as unpadded uppercase base32. `byteLength` is 16–64, default 20 (160 bits).
#[wasm_bindgen(js_name = generateSecret, skip_typescript)]
pub fn generate_secret(byte_length: JsValue) -> JsResult<String> {
    js((|| {
        let len = if byte_length.is_undefined() || byte_length.is_null() {
            DEFAULT_SECRET_BYTES
        } else {
            small(&byte_length, Error::InvalidSecretLength)? as usize
        };
        Ok(String::from(&*Secret::generate(len)?.to_base32()))
    })())
}

/// Formats a base32 secret for typing by hand: uppercase, groups of four ("JBSW Y3DP EHPK 3PXP").
#[wasm_bindgen(js_name = formatSecret, skip_typescript)]
pub fn format_secret(secret: JsValue) -> JsResult<String> {
    js(string(&secret, Error::InvalidBase32)
        .map(zeroize::Zeroizing::new)
        .and_then(|s| secret::format_base32(&s))
        .map(|s| String::from(&*s)))
}

/// Builds an `otpauth://` URI (label `Issuer:account`, issuer repeated as a parameter).
#[wasm_bindgen(js_name = buildOtpauthUri, skip_typescript)]
pub fn build_otpauth_uri(p: JsValue) -> JsResult<String> {
    js((|| {
        if !p.is_object() {
            return Err(Error::InvalidOptions);
        }
        let secret = secret_arg(&field(&p, "secret")?.ok_or(Error::MissingSecret)?)?;
        let account = string(
            &field(&p, "account")?.ok_or(Error::InvalidLabel)?,
            Error::InvalidLabel,
        )?;
        let issuer = field(&p, "issuer")?
            .map(|i| string(&i, Error::InvalidLabel))
            .transpose()?;
        let kind = match field(&p, "type")?
            .map(|t| string(&t, Error::UnsupportedOtpType))
            .transpose()?
        {
            None => OtpKind::Totp,
            Some(t) if t == "totp" => OtpKind::Totp,
            Some(t) if t == "hotp" => OtpKind::Hotp {
                counter: whole(
                    &field(&p, "counter")?.ok_or(Error::InvalidCounter)?,
                    MAX_COUNTER,
                    Error::InvalidCounter,
                )?,
            },
            Some(_) => return Err(Error::UnsupportedOtpType),
        };
        let key = KeyUri {
            kind,
            secret,
            account,
            issuer,
            params: otp_params(&p)?,
        };
        key.to_uri()
    })())
}

/// Parses an `otpauth://` URI leniently (see the README for the rules).
#[wasm_bindgen(js_name = parseOtpauthUri, skip_typescript)]
pub fn parse_otpauth_uri(uri: JsValue) -> JsResult<JsValue> {
    js((|| {
        let key = KeyUri::parse(&string(&uri, Error::InvalidUri)?)?;
        let out = Object::new();
        match key.kind {
            OtpKind::Totp => set(&out, "type", "totp"),
            OtpKind::Hotp { counter } => {
                set(&out, "type", "hotp");
                set(&out, "counter", counter as f64);
            }
        }
        set(&out, "secret", String::from(&*key.secret.to_base32()));
        set(&out, "account", key.account);
        if let Some(issuer) = key.issuer {
            set(&out, "issuer", issuer);
        }
        set(&out, "algorithm", key.params.algorithm().name());
        set(&out, "digits", key.params.digits());
        set(&out, "period", key.params.period());
        Ok(out.into())
    })())
}

/// The TOTP code at `unixMs` (milliseconds since the Unix epoch, e.g. `Date.now()`).
#[wasm_bindgen(js_name = totpCode, skip_typescript)]
pub fn totp_code(secret: JsValue, unix_ms: JsValue, opts: JsValue) -> JsResult<String> {
    js((|| {
        let totp = Totp::new(&secret_arg(&secret)?, otp_params(&opts)?)?;
        Ok(totp.code_at(unix_secs(&unix_ms)?).as_str().into())
    })())
}

/// The HOTP code for `counter` (a whole number from 0 to 2^53 − 1).
#[wasm_bindgen(js_name = hotpCode, skip_typescript)]
pub fn hotp_code(secret: JsValue, counter: JsValue, opts: JsValue) -> JsResult<String> {
    js((|| {
        let params = otp_params(&opts)?;
        let hotp =
            crate::hotp::Hotp::new(&secret_arg(&secret)?, params.algorithm(), params.digits())?;
        Ok(hotp
            .code(whole(&counter, MAX_COUNTER, Error::InvalidCounter)?)
            .as_str()
            .into())
    })())
}

/// Verifies a typed code at `unixMs` over ±`window` steps (default 1), in constant time.
/// Spaces and hyphens in `code` are ignored; a code that is not `digits` digits throws
/// `InvalidCode`.
#[wasm_bindgen(js_name = verifyTotp, skip_typescript)]
pub fn verify_totp(
    secret: JsValue,
    code: JsValue,
    unix_ms: JsValue,
    opts: JsValue,
) -> JsResult<JsValue> {
    js((|| {
        let window = match field(&opts, "window")? {
            Some(w) => small(&w, Error::InvalidWindow)?,
            None => DEFAULT_WINDOW,
        };
        let totp = Totp::new(&secret_arg(&secret)?, otp_params(&opts)?)?;
        let code = string(&code, Error::InvalidCode)?;
        let found = totp.verify(&code, unix_secs(&unix_ms)?, window)?;
        let out = Object::new();
        set(&out, "valid", found.is_some());
        set(
            &out,
            "delta",
            found.map_or(JsValue::NULL, |m| JsValue::from_f64(m.delta as f64)),
        );
        set(&out, "step", opt_number(found.map(|m| m.step)));
        Ok(out.into())
    })())
}

/// Reads `ecc` and the SVG options (`quietZone`, `dark`, `light`, `title`).
fn svg_options(opts: &JsValue) -> Result<(Ecc, SvgOptions)> {
    let ecc = ecc_option(opts)?;
    let mut svg = SvgOptions::default();
    if let Some(q) = field(opts, "quietZone")? {
        svg = svg.quiet_zone(small(&q, Error::InvalidOptions)?)?;
    }
    if let Some(d) = field(opts, "dark")? {
        svg = svg.dark(&string(&d, Error::InvalidOptions)?)?;
    }
    if let Some(l) = field(opts, "light")? {
        svg = svg.light(&string(&l, Error::InvalidOptions)?)?;
    }
    if let Some(t) = field(opts, "title")? {
        svg = svg.title(&string(&t, Error::InvalidOptions)?);
    }
    Ok((ecc, svg))
}

fn ecc_option(opts: &JsValue) -> Result<Ecc> {
    match field(opts, "ecc")? {
        Some(e) => Ecc::parse(&string(&e, Error::InvalidOptions)?),
        None => Ok(Ecc::default()),
    }
}

/// Draws `text` as a QR code in a standalone `<svg>` string.
#[wasm_bindgen(js_name = renderQrSvg, skip_typescript)]
pub fn render_qr_svg(text: JsValue, opts: JsValue) -> JsResult<String> {
    js((|| {
        let text = string(&text, Error::InvalidOptions)?;
        let (ecc, svg) = svg_options(&opts)?;
        Ok(render_svg(&QrMatrix::encode(&text, ecc)?, &svg))
    })())
}

/// The QR module matrix of `text`: `{ size, modules }`, row-major, 1 = dark.
#[wasm_bindgen(js_name = qrMatrix, skip_typescript)]
pub fn qr_matrix(text: JsValue, opts: JsValue) -> JsResult<JsValue> {
    js((|| {
        let text = string(&text, Error::InvalidOptions)?;
        let matrix = QrMatrix::encode(&text, ecc_option(&opts)?)?;
        let bytes: alloc::vec::Vec<u8> = matrix.modules().iter().map(|&d| u8::from(d)).collect();
        let out = Object::new();
        set(&out, "size", matrix.size() as u32);
        set(&out, "modules", js_sys::Uint8Array::from(bytes.as_slice()));
        Ok(out.into())
    })())
}

/// Everything an enrollment screen shows: secret, URI, SVG, manual key, alt text, parameters.
#[wasm_bindgen(js_name = enrollment, skip_typescript)]
pub fn enrollment(p: JsValue, svg_opts: JsValue) -> JsResult<JsValue> {
    js((|| {
        if !p.is_object() {
            return Err(Error::InvalidOptions);
        }
        let account = string(
            &field(&p, "account")?.ok_or(Error::InvalidLabel)?,
            Error::InvalidLabel,
        )?;
        let mut request = EnrollmentRequest::new(&account);
        request.secret = field(&p, "secret")?.map(|s| secret_arg(&s)).transpose()?;
        if let Some(n) = field(&p, "secretBytes")? {
            request.secret_bytes = small(&n, Error::InvalidSecretLength)? as usize;
        }
        request.issuer = field(&p, "issuer")?
            .map(|i| string(&i, Error::InvalidLabel))
            .transpose()?;
        request.params = otp_params(&p)?;
        (request.ecc, request.svg) = svg_options(&svg_opts)?;
        let e = enroll(request)?;
        let params = Object::new();
        set(&params, "algorithm", e.params.algorithm().name());
        set(&params, "digits", e.params.digits());
        set(&params, "period", e.params.period());
        let out = Object::new();
        set(&out, "secret", String::from(&*e.secret.to_base32()));
        set(&out, "uri", String::from(&*e.uri));
        set(&out, "svg", String::from(&*e.svg));
        set(&out, "manualKey", String::from(&*e.manual_key));
        set(&out, "altText", e.alt_text);
        set(&out, "params", params);
        Ok(out.into())
    })())
}

/// A finite number, or `error`.
fn finite(value: &JsValue, error: Error) -> Result<f64> {
    value.as_f64().filter(|n| n.is_finite()).ok_or(error)
}

fn thresholds(opts: &JsValue) -> Result<Thresholds> {
    let mut t = Thresholds::default();
    for (key, slot) in [
        ("okMs", &mut t.ok_ms),
        ("minorMs", &mut t.minor_ms),
        ("warnMs", &mut t.warn_ms),
        ("maxErrorMs", &mut t.max_error_ms),
    ] {
        if let Some(v) = field(opts, key)? {
            *slot = finite(&v, Error::InvalidOptions)?;
        }
    }
    t.validate()
}

fn estimate_to_js(e: &clock::ClockEstimate) -> Object {
    let out = Object::new();
    set(&out, "offsetMs", e.offset_ms);
    set(&out, "errorMs", e.error_ms);
    set(&out, "rttMs", e.rtt_ms);
    set(&out, "sampleIndex", e.sample_index as u32);
    set(&out, "status", e.status.name());
    out
}

fn estimate(samples: &[ClockSample], opts: &JsValue) -> Result<Object> {
    Ok(estimate_to_js(&clock::estimate_offset(
        samples,
        thresholds(opts)?,
    )?))
}

/// Clock offset from timed samples: `{ offsetMs, errorMs, rttMs, sampleIndex, status }`.
#[wasm_bindgen(js_name = estimateClockOffset, skip_typescript)]
pub fn estimate_clock_offset(samples: JsValue, opts: JsValue) -> JsResult<JsValue> {
    js((|| {
        let list = array_items(&samples, MAX_SAMPLES, Error::InvalidSample)?;
        let mut parsed = alloc::vec::Vec::with_capacity(list.len());
        for item in list {
            let get = |key: &str| match field(&item, key) {
                Ok(v) => Ok(v),
                Err(_) => Err(Error::InvalidSample),
            };
            let number = |key: &str| {
                get(key)?
                    .ok_or(Error::InvalidSample)
                    .and_then(|v| finite(&v, Error::InvalidSample))
            };
            parsed.push(ClockSample {
                sent_ms: number("sentMs")?,
                received_ms: number("receivedMs")?,
                server_ms: number("serverMs")?,
                resolution_ms: match get("resolutionMs")? {
                    Some(v) => finite(&v, Error::InvalidSample)?,
                    None => 1.0,
                },
            });
        }
        Ok(estimate(&parsed, &opts)?.into())
    })())
}

/// An HTTP date as Unix milliseconds.
#[wasm_bindgen(js_name = parseHttpDate, skip_typescript)]
pub fn parse_http_date(value: JsValue) -> JsResult<f64> {
    js(string(&value, Error::InvalidDate).and_then(|v| clock::parse_http_date(&v)))
}

#[wasm_bindgen(module = "/src/wasm_fetch.js")]
extern "C" {
    #[wasm_bindgen(js_name = fetchClockSamples)]
    fn fetch_clock_samples(url: &str, count: u32, timeout_ms: f64) -> js_sys::Promise;
}

/// Turns what `fetchClockSamples` reported for one request into a sample: JSON `now` (1 ms
/// resolution) when the body had one, else the `Date` header (1 s). `None` when neither is
/// usable or the request failed.
fn sample_from(raw: &JsValue) -> Option<ClockSample> {
    let number = |key: &str| {
        field(raw, key)
            .ok()
            .flatten()
            .and_then(|v| v.as_f64())
            .filter(|n| n.is_finite())
    };
    let (sent_ms, received_ms) = (number("sentMs")?, number("receivedMs")?);
    let (server_ms, resolution_ms) = match number("now") {
        Some(now) => (now, 1.0),
        None => (
            clock::parse_http_date(&field(raw, "date").ok().flatten()?.as_string()?).ok()?,
            1000.0,
        ),
    };
    Some(ClockSample {
        sent_ms,
        received_ms,
        server_ms,
        resolution_ms,
    })
}

/// `value` if it lies in `range`, else `InvalidOptions`.
fn within<T: PartialOrd>(value: T, range: core::ops::RangeInclusive<T>) -> Result<T> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(Error::InvalidOptions)
    }
}

fn check_clock_options(url: &JsValue, opts: &JsValue) -> Result<(String, u32, f64)> {
    let url = string(url, Error::InvalidOptions)?;
    let count = match field(opts, "samples")? {
        Some(n) => within(small(&n, Error::InvalidOptions)?, 1..=20)?,
        None => 5,
    };
    let timeout_ms = match field(opts, "timeoutMs")? {
        Some(t) => within(finite(&t, Error::InvalidOptions)?, 1.0..=60_000.0)?,
        None => 5_000.0,
    };
    // Check the thresholds before any request goes out.
    thresholds(opts)?;
    Ok((url, count, timeout_ms))
}

/// Measures this browser's clock against the server with sequential same-origin requests.
/// Bad arguments reject the promise (never throw synchronously), like every async API should.
/// The requests are made by `src/wasm_fetch.js`; the parsing and the math happen here, in a
/// one-shot callback (cheaper in the `.wasm` than an async executor).
#[wasm_bindgen(js_name = checkClock, skip_typescript)]
pub fn check_clock(url: JsValue, opts: JsValue) -> js_sys::Promise {
    let (url, count, timeout_ms) = match check_clock_options(&url, &opts) {
        Ok(checked) => checked,
        Err(e) => return js_sys::Promise::reject(&to_js(e)),
    };
    let finish = Closure::once_into_js(move |raw: JsValue| -> JsResult<JsValue> {
        // An unparsable or cross-origin URL.
        if field(&raw, "badUrl").ok().flatten().is_some() {
            return Err(to_js(Error::InvalidOptions));
        }
        let samples: alloc::vec::Vec<ClockSample> =
            js(array_items(&raw, 20, Error::ClockCheckFailed))?
                .iter()
                .filter_map(sample_from)
                .collect();
        if samples.is_empty() {
            return Err(to_js(Error::ClockCheckFailed));
        }
        let out = js(estimate(&samples, &opts))?;
        set(&out, "samples", samples.len() as u32);
        Ok(out.into())
    });
    let pending = fetch_clock_samples(&url, count, timeout_ms);
    // `Promise.prototype.then` called with a function that returns (or throws) a value: the
    // typed `js_sys` binding only takes callbacks that return nothing.
    let then: JsResult<js_sys::Function> =
        Reflect::get(&pending, &JsValue::from_str("then")).map(JsCast::unchecked_into);
    match then.and_then(|then| then.call1(&pending, &finish)) {
        Ok(chained) => js_sys::Promise::unchecked_from_js(chained),
        Err(e) => js_sys::Promise::reject(&e),
    }
}

/// The code the authenticator should show now, the next one, and the time left.
#[wasm_bindgen(js_name = codePreview, skip_typescript)]
pub fn code_preview(secret: JsValue, unix_ms: JsValue, opts: JsValue) -> JsResult<JsValue> {
    js((|| {
        let offset = match field(&opts, "offsetMs")? {
            Some(o) => o.as_f64().ok_or(Error::InvalidTime)?,
            None => 0.0,
        };
        let server_ms = clock::server_time_ms(unix_ms.as_f64().ok_or(Error::InvalidTime)?, offset)?;
        let totp = Totp::new(&secret_arg(&secret)?, otp_params(&opts)?)?;
        let p = clock::code_preview(&totp, server_ms);
        let out = Object::new();
        set(&out, "code", p.code.as_str());
        set(&out, "nextCode", p.next_code.as_str());
        set(&out, "step", p.step as f64);
        set(&out, "secondsRemaining", p.seconds_remaining);
        set(&out, "msRemaining", p.ms_remaining as f64);
        set(&out, "period", p.period);
        Ok(out.into())
    })())
}

/// Why a typed code failed: `{ kind, stepDelta, offsetSeconds, suspect? }`. Never accepts.
#[wasm_bindgen(js_name = diagnoseCode, skip_typescript)]
pub fn diagnose_code(
    secret: JsValue,
    code: JsValue,
    unix_ms: JsValue,
    opts: JsValue,
) -> JsResult<JsValue> {
    js((|| {
        // clock::diagnose refuses a reach above MAX_DIAGNOSE_STEPS itself.
        let max_steps = match field(&opts, "maxSteps")? {
            Some(m) => small(&m, Error::InvalidOptions)?,
            None => DEFAULT_DIAGNOSE_STEPS,
        };
        let params = otp_params(&opts)?;
        let secret = secret_arg(&secret)?;
        let code = string(&code, Error::InvalidCode)?;
        let d = clock::diagnose(&secret, &code, unix_secs(&unix_ms)?, params, max_steps)?;
        let out = Object::new();
        set(&out, "kind", d.kind.name());
        set(
            &out,
            "stepDelta",
            d.step_delta
                .map_or(JsValue::NULL, |v| JsValue::from_f64(v as f64)),
        );
        set(
            &out,
            "offsetSeconds",
            d.offset_seconds
                .map_or(JsValue::NULL, |v| JsValue::from_f64(v as f64)),
        );
        if let Some(suspect) = d.suspect {
            set(&out, "suspect", suspect.name());
        }
        Ok(out.into())
    })())
}
