//! Clock work, all pure math (the caller measures): the browser clock's offset from the server
//! by Cristian's method with NTP's minimum-round-trip filter, HTTP `Date` parsing (RFC 9110
//! §5.6.7), the server-corrected code preview, and the diagnosis of a typed code that was
//! refused: is the authenticator's clock off, or did the app ignore a setting?
//!
//! Sign conventions: a positive clock offset means the **local clock is behind** the server
//! (add the offset to local time to get server time). A positive authenticator offset in a
//! diagnosis means **the phone is ahead** (its codes belong to a later step).

use crate::error::{Error, Result};
use crate::params::{Algorithm, DEFAULT_PERIOD, OtpParams};
use crate::secret::Secret;
use crate::totp::search_order;

/// One request's timing, all in Unix milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockSample {
    /// Local wall clock when the request was sent.
    pub sent_ms: f64,
    /// Local wall clock when the answer arrived (derive it as `sent_ms` plus a monotonic
    /// interval, so a wall-clock jump mid-request cannot corrupt the round trip).
    pub received_ms: f64,
    /// The server's time for the request.
    pub server_ms: f64,
    /// How finely `server_ms` is given: 1 for a millisecond endpoint, 1000 for an HTTP `Date`
    /// header (which truncates to the second, so its midpoint is +500 ms).
    pub resolution_ms: f64,
}

/// How far off the local clock is, as the status a page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClockStatus {
    /// Within `ok_ms`: nothing to say.
    Ok,
    /// Within `minor_ms`: codes still work; worth a quiet note.
    Minor,
    /// Within `warn_ms`: codes fail near step boundaries; tell the user.
    Warn,
    /// Beyond `warn_ms`: with 30-second codes and a ±1 window, codes are refused.
    Critical,
    /// The measurement is too uncertain (error above `max_error_ms`) to say anything.
    Unknown,
}

impl ClockStatus {
    /// `"ok"`, `"minor"`, `"warn"`, `"critical"` or `"unknown"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Minor => "minor",
            Self::Warn => "warn",
            Self::Critical => "critical",
            Self::Unknown => "unknown",
        }
    }
}

/// Status thresholds, compared with `|offset| − error` (the smallest offset the measurement
/// allows), so a slow network never raises a false alarm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// Default 2 000 ms.
    pub ok_ms: f64,
    /// Default 15 000 ms: half a 30-second step.
    pub minor_ms: f64,
    /// Default 30 000 ms: one step, beyond which a ±1 window no longer covers the drift.
    pub warn_ms: f64,
    /// Default 5 000 ms: above this error the status is `Unknown`.
    pub max_error_ms: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            ok_ms: 2_000.0,
            minor_ms: 15_000.0,
            warn_ms: 30_000.0,
            max_error_ms: 5_000.0,
        }
    }
}

impl Thresholds {
    /// Checks that every threshold is finite, non-negative and `ok ≤ minor ≤ warn`.
    pub fn validate(self) -> Result<Self> {
        let all = [self.ok_ms, self.minor_ms, self.warn_ms, self.max_error_ms];
        if all.iter().all(|v| v.is_finite() && *v >= 0.0)
            && self.ok_ms <= self.minor_ms
            && self.minor_ms <= self.warn_ms
        {
            Ok(self)
        } else {
            Err(Error::InvalidOptions)
        }
    }
}

/// The estimate from a set of samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClockEstimate {
    /// θ = server + resolution/2 − (sent + received)/2; positive: the local clock is behind.
    pub offset_ms: f64,
    /// ε = rtt/2 + resolution/2: the true offset lies within θ ± ε.
    pub error_ms: f64,
    /// Round trip of the chosen sample.
    pub rtt_ms: f64,
    /// Which sample was chosen (the one with the smallest round trip).
    pub sample_index: usize,
    /// What to tell the user.
    pub status: ClockStatus,
}

/// Estimates the local clock's offset from the server (Cristian's algorithm), using the sample
/// with the smallest round trip (NTP's clock filter: the shortest trip has the least room for
/// asymmetry). Non-finite values, a negative round trip or resolution, or no samples at all
/// are [`Error::InvalidSample`].
pub fn estimate_offset(samples: &[ClockSample], thresholds: Thresholds) -> Result<ClockEstimate> {
    let thresholds = thresholds.validate()?;
    let mut best: Option<(usize, f64)> = None;
    for (i, s) in samples.iter().enumerate() {
        let rtt = s.received_ms - s.sent_ms;
        let finite = [s.sent_ms, s.received_ms, s.server_ms, s.resolution_ms, rtt]
            .iter()
            .all(|v| v.is_finite());
        if !finite || rtt < 0.0 || s.resolution_ms < 0.0 {
            return Err(Error::InvalidSample);
        }
        if best.is_none_or(|(_, r)| rtt < r) {
            best = Some((i, rtt));
        }
    }
    let (index, rtt) = best.ok_or(Error::InvalidSample)?;
    let s = samples.get(index).ok_or(Error::InvalidSample)?;
    let half_res = s.resolution_ms / 2.0;
    let offset_ms = (s.server_ms + half_res) - (s.sent_ms / 2.0 + s.received_ms / 2.0);
    let error_ms = rtt / 2.0 + half_res;
    if !offset_ms.is_finite() || !error_ms.is_finite() {
        return Err(Error::InvalidSample);
    }
    let least = offset_ms.abs() - error_ms;
    let status = if error_ms > thresholds.max_error_ms {
        ClockStatus::Unknown
    } else if least <= thresholds.ok_ms {
        ClockStatus::Ok
    } else if least <= thresholds.minor_ms {
        ClockStatus::Minor
    } else if least <= thresholds.warn_ms {
        ClockStatus::Warn
    } else {
        ClockStatus::Critical
    };
    Ok(ClockEstimate {
        offset_ms,
        error_ms,
        rtt_ms: rtt,
        sample_index: index,
        status,
    })
}

/// Parses an HTTP date (RFC 9110 §5.6.7) into Unix milliseconds: the preferred IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`) and the obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`)
/// and asctime (`Sun Nov  6 08:49:37 1994`) forms. RFC 850's two-digit years 70–99 are 19xx and
/// 00–69 are 20xx (the POSIX pivot: without a clock the core cannot apply RFC 9110's "50 years
/// in the future" rule). The weekday must be a real day name; its agreement with the date is
/// not checked. Anything else is [`Error::InvalidDate`].
pub fn parse_http_date(text: &str) -> Result<f64> {
    let text = text.trim();
    let parts: alloc::vec::Vec<&str> = text.split_ascii_whitespace().collect();
    let (day, month, year, time) = match parts.as_slice() {
        // IMF-fixdate: "Sun," DD Mon YYYY HH:MM:SS GMT
        [wd, dd, mon, yyyy, time, "GMT"] if wd.strip_suffix(',').is_some_and(short_day) => {
            (number(dd, 2)?, month(mon)?, number(yyyy, 4)?, *time)
        }
        // RFC 850: "Sunday," DD-Mon-YY HH:MM:SS GMT
        [wd, date, time, "GMT"] if wd.strip_suffix(',').is_some_and(long_day) => {
            let mut it = date.split('-');
            let (Some(dd), Some(mon), Some(yy), None) =
                (it.next(), it.next(), it.next(), it.next())
            else {
                return Err(Error::InvalidDate);
            };
            let yy = number(yy, 2)?;
            (
                number(dd, 2)?,
                month(mon)?,
                if yy < 70 {
                    yy.saturating_add(2000)
                } else {
                    yy.saturating_add(1900)
                },
                *time,
            )
        }
        // asctime: Sun Mon D HH:MM:SS YYYY (the day is space-padded, so it may be one digit)
        [wd, mon, d, time, yyyy] if short_day(wd) && (1..=2).contains(&d.len()) => {
            (number(d, d.len())?, month(mon)?, number(yyyy, 4)?, *time)
        }
        _ => return Err(Error::InvalidDate),
    };
    let mut hms = time.split(':');
    let (Some(h), Some(m), Some(s), None) = (hms.next(), hms.next(), hms.next(), hms.next()) else {
        return Err(Error::InvalidDate);
    };
    let (h, m, s) = (number(h, 2)?, number(m, 2)?, number(s, 2)?);
    // Second 60 is a leap second (RFC 5322 allows it); it reads as the next second.
    if h > 23 || m > 59 || s > 60 || day == 0 || day > days_in_month(year, month) || year < 1970 {
        return Err(Error::InvalidDate);
    }
    Ok(unix_secs(year, month, day, h, m, s) as f64 * 1000.0)
}

/// Seconds since the epoch. Callers have range-checked every field (years 1970–9999, so the
/// result is below 2^38), which is why plain arithmetic cannot overflow here.
#[allow(clippy::arithmetic_side_effects)]
fn unix_secs(year: u32, month: u32, day: u32, h: u32, m: u32, s: u32) -> i64 {
    days_from_civil(year, month, day) * 86_400
        + i64::from(h) * 3600
        + i64::from(m) * 60
        + i64::from(s)
}

fn short_day(name: &str) -> bool {
    matches!(name, "Mon" | "Tue" | "Wed" | "Thu" | "Fri" | "Sat" | "Sun")
}

fn long_day(name: &str) -> bool {
    matches!(
        name,
        "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday"
    )
}

fn month(name: &str) -> Result<u32> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS
        .iter()
        .position(|m| *m == name)
        .map(|i| (i as u32).saturating_add(1))
        .ok_or(Error::InvalidDate)
}

/// Exactly `len` ASCII digits.
fn number(text: &str, len: usize) -> Result<u32> {
    if text.len() != len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidDate);
    }
    text.parse().map_err(|_| Error::InvalidDate)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`), for years 1970–9999, where
/// every intermediate value is small.
#[allow(clippy::arithmetic_side_effects)]
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Largest clock offset accepted for a preview: a day either way.
pub const MAX_OFFSET_MS: f64 = 86_400_000.0;

/// Local time plus a measured offset, as whole server milliseconds. Both must be finite, the
/// offset within a day, and the sum within 0–2^53 ms; otherwise [`Error::InvalidTime`].
pub fn server_time_ms(local_ms: f64, offset_ms: f64) -> Result<u64> {
    const MAX_MS: f64 = 9_007_199_254_740_992.0; // 2^53
    if !offset_ms.is_finite() || offset_ms.abs() > MAX_OFFSET_MS {
        return Err(Error::InvalidTime);
    }
    let t = local_ms + offset_ms;
    if !local_ms.is_finite() || !(0.0..=MAX_MS).contains(&local_ms) || !(0.0..=MAX_MS).contains(&t)
    {
        return Err(Error::InvalidTime);
    }
    // Non-negative and finite, so truncation is floor (no libm in the no_std package).
    Ok(t as u64)
}

/// What the user's app should show now, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodePreview {
    /// The code for the current step.
    pub code: crate::hotp::Code,
    /// The code for the next step.
    pub next_code: crate::hotp::Code,
    /// The current step.
    pub step: u64,
    /// Whole seconds until the next step, rounded up (1…period), for a countdown.
    pub seconds_remaining: u32,
    /// Milliseconds until the next step (1…period × 1000), for a progress bar.
    pub ms_remaining: u64,
    /// The period in seconds.
    pub period: u32,
}

/// The code preview at `server_ms` (use [`server_time_ms`] to correct a local clock).
pub fn code_preview(totp: &crate::totp::Totp, server_ms: u64) -> CodePreview {
    let period = totp.params().period();
    let period_ms = u64::from(period).saturating_mul(1000);
    let step = server_ms.checked_div(period_ms).unwrap_or(0);
    let into_step = server_ms.checked_rem(period_ms).unwrap_or(0);
    let ms_remaining = period_ms.saturating_sub(into_step);
    CodePreview {
        code: totp.code_at_step(step),
        next_code: totp.code_at_step(step.saturating_add(1)),
        step,
        seconds_remaining: ms_remaining.div_ceil(1000) as u32,
        ms_remaining,
        period,
    }
}

/// What a refused code says about the authenticator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiagnosisKind {
    /// It is the current code.
    Current,
    /// It is the previous or next code (±1 step): normal, no warning needed.
    Adjacent,
    /// It matches a step 2 or more away: the authenticator's clock is off.
    Drift,
    /// It matches only if one setting is replaced by the app default (SHA1 / 6 / 30): the app
    /// ignored that setting of the QR code.
    WrongSettings,
    /// Nothing within reach matches: a typo, another account, or a clock off by more.
    None,
    /// More than one step matches, so the code says nothing reliable.
    Ambiguous,
}

impl DiagnosisKind {
    /// `"current"`, `"adjacent"`, `"drift"`, `"wrongSettings"`, `"none"` or `"ambiguous"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Adjacent => "adjacent",
            Self::Drift => "drift",
            Self::WrongSettings => "wrongSettings",
            Self::None => "none",
            Self::Ambiguous => "ambiguous",
        }
    }
}

/// The enrolled setting an app most likely ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suspect {
    /// The app used SHA1 instead of the enrolled algorithm.
    Algorithm,
    /// The app showed 6 digits instead of the enrolled count.
    Digits,
    /// The app used 30-second steps instead of the enrolled period.
    Period,
}

impl Suspect {
    /// `"algorithm"`, `"digits"` or `"period"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Algorithm => "algorithm",
            Self::Digits => "digits",
            Self::Period => "period",
        }
    }
}

/// The diagnosis of a typed code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Diagnosis {
    /// What kind of match, if any.
    pub kind: DiagnosisKind,
    /// Matched step minus current step, for `Current`, `Adjacent` and `Drift`.
    pub step_delta: Option<i64>,
    /// The authenticator's clock offset, `step_delta × period` seconds, positive when the
    /// phone is ahead. The true offset lies within one period of it.
    pub offset_seconds: Option<i64>,
    /// For `WrongSettings`: which setting the app ignored.
    pub suspect: Option<Suspect>,
}

/// Default reach of [`diagnose`]: ±10 steps (±5 minutes at 30 s).
pub const DEFAULT_DIAGNOSE_STEPS: u32 = 10;
/// Largest reach of [`diagnose`]: ±100 000 steps (±24 hours even at a 1-second period).
pub const MAX_DIAGNOSE_STEPS: u32 = 100_000;

/// Diagnoses a code the user typed during enrollment, where the page holds the secret.
///
/// Searches 0, −1, +1, −2, +2 … ±`max_steps` with the enrolled parameters, computing every step
/// (so two matches are seen as ambiguous). When nothing matches, tries each non-default setting
/// replaced by the common app default (SHA1, 6 digits, 30 s) at ±1 step.
///
/// **It diagnoses; it never accepts.** A server must not use it to widen its window: over
/// ±10 steps a random 6-digit guess matches one in 50 000 times instead of one in 333 333.
pub fn diagnose(
    secret: &Secret,
    code: &str,
    unix_secs: u64,
    params: OtpParams,
    max_steps: u32,
) -> Result<Diagnosis> {
    if max_steps > MAX_DIAGNOSE_STEPS {
        return Err(Error::InvalidOptions);
    }
    let typed_len = code.bytes().filter(u8::is_ascii_digit).count() as u32;
    if !(6..=8).contains(&typed_len) {
        return Err(Error::InvalidCode);
    }
    let none = Diagnosis {
        kind: DiagnosisKind::None,
        step_delta: None,
        offset_seconds: None,
        suspect: None,
    };
    if typed_len == params.digits() {
        let totp = crate::totp::Totp::new(secret, params)?;
        let typed = crate::hotp::TypedCode::parse(code, params.digits())?;
        let now = totp.step_at(unix_secs);
        let mut found: Option<i64> = None;
        let mut matches = 0u32;
        let mut scanner = totp.scanner();
        for delta in search_order(max_steps) {
            let Some(step) = now.checked_add_signed(delta) else {
                continue;
            };
            if scanner.matches(step, &typed) {
                matches = matches.saturating_add(1);
                found = found.or(Some(delta));
            }
        }
        if matches > 1 {
            return Ok(Diagnosis {
                kind: DiagnosisKind::Ambiguous,
                ..none
            });
        }
        if let Some(delta) = found {
            let kind = match delta.unsigned_abs() {
                0 => DiagnosisKind::Current,
                1 => DiagnosisKind::Adjacent,
                _ => DiagnosisKind::Drift,
            };
            let offset = delta.saturating_mul(i64::from(params.period()));
            return Ok(Diagnosis {
                kind,
                step_delta: Some(delta),
                offset_seconds: Some(offset),
                suspect: None,
            });
        }
    }
    // Apps such as Google Authenticator accept a QR code with SHA256, 8 digits or 60 s and
    // silently use SHA1 / 6 / 30. Replace one enrolled setting at a time by that default.
    let defaults = OtpParams::default();
    let variants = [
        (
            Suspect::Algorithm,
            OtpParams::new(Algorithm::Sha1, params.digits(), params.period()),
        ),
        (
            Suspect::Digits,
            OtpParams::new(params.algorithm(), defaults.digits(), params.period()),
        ),
        (
            Suspect::Period,
            OtpParams::new(params.algorithm(), params.digits(), DEFAULT_PERIOD),
        ),
    ];
    for (suspect, variant) in variants {
        let variant = variant?;
        if variant == params || variant.digits() != typed_len {
            continue;
        }
        if matches_near(secret, code, unix_secs, variant)? {
            return Ok(Diagnosis {
                kind: DiagnosisKind::WrongSettings,
                suspect: Some(suspect),
                ..none
            });
        }
    }
    // Several settings ignored at once: all defaults. Name the first that differs.
    if defaults != params
        && typed_len == defaults.digits()
        && matches_near(secret, code, unix_secs, defaults)?
    {
        let suspect = if params.algorithm() != defaults.algorithm() {
            Suspect::Algorithm
        } else if params.digits() != defaults.digits() {
            Suspect::Digits
        } else {
            Suspect::Period
        };
        return Ok(Diagnosis {
            kind: DiagnosisKind::WrongSettings,
            suspect: Some(suspect),
            ..none
        });
    }
    Ok(none)
}

fn matches_near(secret: &Secret, code: &str, unix_secs: u64, params: OtpParams) -> Result<bool> {
    let totp = crate::totp::Totp::new(secret, params)?;
    Ok(totp.verify(code, unix_secs, 1)?.is_some())
}
