//! The browser clock's offset from the server, all pure math (the caller measures): Cristian's
//! method with NTP's minimum-round-trip filter, the status a page shows, and local time
//! corrected by a measured offset.
//!
//! Sign convention: a positive clock offset means the **local clock is behind** the server
//! (add the offset to local time to get server time).

use crate::error::{Error, Result};
use crate::params::JS_EXACT_LIMIT;

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

/// Default number of requests a clock check makes.
pub const DEFAULT_CHECK_SAMPLES: u32 = 5;
/// Most requests one clock check may make.
pub const MAX_CHECK_SAMPLES: u32 = 20;
/// Default time a clock check waits for each answer, in milliseconds.
pub const DEFAULT_CHECK_TIMEOUT_MS: f64 = 5_000.0;
/// Longest time a clock check may wait for each answer, in milliseconds (a minute).
pub const MAX_CHECK_TIMEOUT_MS: f64 = 60_000.0;

/// How a clock check measures (the caller makes the requests; see [`estimate_offset`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CheckOptions {
    /// Requests to make, 1–[`MAX_CHECK_SAMPLES`]; default [`DEFAULT_CHECK_SAMPLES`].
    pub samples: u32,
    /// Wait for each answer, 1–[`MAX_CHECK_TIMEOUT_MS`] ms; default [`DEFAULT_CHECK_TIMEOUT_MS`].
    pub timeout_ms: f64,
    /// What the estimate's status compares with.
    pub thresholds: Thresholds,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            samples: DEFAULT_CHECK_SAMPLES,
            timeout_ms: DEFAULT_CHECK_TIMEOUT_MS,
            thresholds: Thresholds::default(),
        }
    }
}

impl CheckOptions {
    /// Checks the sample count, the timeout and the thresholds ([`Thresholds::validate`]), so
    /// bad options fail before any request goes out.
    pub fn validate(self) -> Result<Self> {
        if !(1..=MAX_CHECK_SAMPLES).contains(&self.samples)
            || !(1.0..=MAX_CHECK_TIMEOUT_MS).contains(&self.timeout_ms)
        {
            return Err(Error::InvalidOptions);
        }
        self.thresholds.validate()?;
        Ok(self)
    }
}

/// Most samples [`estimate_offset`] reads; a longer list is [`Error::InvalidSample`].
pub const MAX_SAMPLES: usize = 10_000;

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
/// asymmetry). Non-finite values, a negative round trip or resolution, no samples at all, or
/// more than [`MAX_SAMPLES`] are [`Error::InvalidSample`].
pub fn estimate_offset(samples: &[ClockSample], thresholds: Thresholds) -> Result<ClockEstimate> {
    let thresholds = thresholds.validate()?;
    if samples.len() > MAX_SAMPLES {
        return Err(Error::InvalidSample);
    }
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

/// Largest clock offset accepted for a preview: a day either way.
pub const MAX_OFFSET_MS: f64 = 86_400_000.0;

/// Local time plus a measured offset, as whole server milliseconds. Both must be finite, the
/// offset within a day, and the sum within 0–2^53 ms; otherwise [`Error::InvalidTime`].
pub fn server_time_ms(local_ms: f64, offset_ms: f64) -> Result<u64> {
    const MAX_MS: f64 = JS_EXACT_LIMIT as f64;
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
