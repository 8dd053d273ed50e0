//! RFC 6238 TOTP: time → step (§4.2, T0 = 0) → HOTP code, and verification over a window that
//! tells which step matched, so callers can refuse replays and notice drift.
//!
//! Times are whole Unix seconds passed in by the caller: this module never reads a clock.

use crate::error::{Error, Result};
use crate::hotp::{Code, Hotp, Scanner};
use crate::params::{JS_EXACT_LIMIT, OtpParams};
use crate::secret::Secret;

/// Default verification window: one step either side (RFC 6238 §5.2's recommendation).
pub const DEFAULT_WINDOW: u32 = 1;
/// Largest verification window: ±10 steps (±5 minutes at 30 s). A wider window makes a code
/// guessable; to find a drifting clock use the diagnosis in `clock`, which never accepts.
pub const MAX_WINDOW: u32 = 10;

/// Which step a verified code belonged to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Match {
    /// Matched step minus the current step: 0 now, −1 the previous code, +1 the next.
    pub delta: i64,
    /// The absolute matched step (unix seconds / period). Store it and refuse any later code
    /// whose step is not greater (RFC 6238 §5.2).
    pub step: u64,
}

/// A TOTP generator: a keyed HOTP plus its period.
#[derive(Clone, Debug)]
pub struct Totp {
    hotp: Hotp,
    params: OtpParams,
}

impl Totp {
    /// Keys the HMAC once for these parameters.
    pub fn new(secret: &Secret, params: OtpParams) -> Result<Self> {
        Ok(Self {
            hotp: Hotp::new(secret, params.algorithm(), params.digits()),
            params,
        })
    }

    /// The parameters.
    pub fn params(&self) -> OtpParams {
        self.params
    }

    /// The step that contains `unix_secs`.
    pub fn step_at(&self, unix_secs: u64) -> u64 {
        // The period is validated non-zero; checked_div keeps the no-panic rule visible.
        unix_secs
            .checked_div(u64::from(self.params.period()))
            .unwrap_or(0)
    }

    /// The code for a step.
    pub fn code_at_step(&self, step: u64) -> Code {
        self.hotp.code(step)
    }

    /// A copy of the keyed state for the codes of many steps (see [`Hotp::scanner`]).
    pub fn scanner(&self) -> Scanner {
        self.hotp.scanner()
    }

    /// The keyed state itself as a [`Scanner`], without a copy (for a generator used once).
    pub fn into_scanner(self) -> Scanner {
        self.hotp.into_scanner()
    }

    /// The code at `unix_secs`.
    pub fn code_at(&self, unix_secs: u64) -> Code {
        self.code_at_step(self.step_at(unix_secs))
    }

    /// Verifies `code` at `unix_secs` over ±`window` steps.
    ///
    /// Returns `Ok(None)` for a well-formed code that matches no step, and
    /// [`Error::InvalidCode`] for one that is not `digits` digits. Steps are tried nearest first
    /// (0, −1, +1, −2, +2 …) and the first match wins. Each comparison is constant-time, so the
    /// time never tells how much of a wrong code was right; stopping at a match tells only the
    /// step, which the result returns anyway.
    pub fn verify(&self, code: &str, unix_secs: u64, window: u32) -> Result<Option<Match>> {
        self.verify_after(code, unix_secs, window, None)
    }

    /// Like [`Totp::verify`], but steps at or before `last_used_step` never match: the
    /// replay protection a server needs (store [`Match::step`] after each success).
    pub fn verify_after(
        &self,
        code: &str,
        unix_secs: u64,
        window: u32,
        last_used_step: Option<u64>,
    ) -> Result<Option<Match>> {
        Ok(self
            .matches(code, unix_secs, window)?
            .find(|m| m.is_after(last_used_step)))
    }

    /// Every step within ±`window` (at most [`MAX_WINDOW`]) of `unix_secs` whose code is
    /// `code`, in [`search_order`], each code computed only when the iterator reaches its step.
    /// [`Totp::verify_after`] takes the first one after the last used step; a server that wants
    /// to tell a replay from a wrong code looks at the others in the same pass.
    pub fn matches(
        &self,
        code: &str,
        unix_secs: u64,
        window: u32,
    ) -> Result<impl Iterator<Item = Match> + use<>> {
        if window > MAX_WINDOW {
            return Err(Error::InvalidWindow);
        }
        let typed = Code::parse(code, self.params.digits().get())?;
        Ok(self.matches_within(typed, unix_secs, window))
    }

    /// [`Totp::matches`] for a parsed code and any reach (the drift diagnosis looks further
    /// than a verification window may).
    pub(crate) fn matches_within(
        &self,
        typed: Code,
        unix_secs: u64,
        reach: u32,
    ) -> impl Iterator<Item = Match> + use<> {
        let mut scanner = self.scanner();
        search_order(self.step_at(unix_secs), reach)
            .filter(move |m| scanner.matches(m.step, &typed))
    }

    /// What an authenticator app shows at `server_ms` (use [`crate::clock::server_time_ms`] to
    /// correct a local clock), and for how long.
    pub fn preview(&self, server_ms: u64) -> CodePreview {
        let period = self.params.period();
        let period_ms = u64::from(period).saturating_mul(1000);
        let step = server_ms.checked_div(period_ms).unwrap_or(0);
        let into_step = server_ms.checked_rem(period_ms).unwrap_or(0);
        let ms_remaining = period_ms.saturating_sub(into_step);
        CodePreview {
            code: self.code_at_step(step),
            next_code: self.code_at_step(step.saturating_add(1)),
            step,
            seconds_remaining: ms_remaining.div_ceil(1000) as u32,
            ms_remaining,
            period,
        }
    }
}

impl Match {
    /// Whether the matched step comes after `last_used_step` (always, when none was used): a
    /// step at or before it is a replay (RFC 6238 §5.2).
    pub fn is_after(&self, last_used_step: Option<u64>) -> bool {
        last_used_step.is_none_or(|last| self.step > last)
    }
}

/// What the user's app should show now, and for how long (see [`Totp::preview`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodePreview {
    /// The code for the current step.
    pub code: Code,
    /// The code for the next step.
    pub next_code: Code,
    /// The current step.
    pub step: u64,
    /// Whole seconds until the next step, rounded up (1…period), for a countdown.
    pub seconds_remaining: u32,
    /// Milliseconds until the next step (1…period × 1000), for a progress bar.
    pub ms_remaining: u64,
    /// The period in seconds.
    pub period: u32,
}

/// The steps of a window around step `now`, in search order: 0, −1, +1, −2, +2 … ±`reach`,
/// nearest first, the past before the future, each as its delta and absolute step (a [`Match`]
/// if its code matches). Steps before the epoch or past `u64::MAX` do not exist and are left
/// out rather than wrapped.
pub fn search_order(now: u64, reach: u32) -> SearchOrder {
    SearchOrder {
        now,
        next: 0,
        last: u64::from(reach).saturating_mul(2),
    }
}

/// The iterator of [`search_order`]: the `i`-th step tried has delta 0 for `i` = 0, −⌈`i`/2⌉
/// for odd `i` and `i`/2 for even `i`. (A hand-written iterator: the `once().chain(flat_map)`
/// form cost about 1 KB of the `.wasm`.)
#[derive(Clone, Debug)]
pub struct SearchOrder {
    now: u64,
    next: u64,
    last: u64,
}

impl Iterator for SearchOrder {
    type Item = Match;

    #[expect(
        clippy::arithmetic_side_effects,
        reason = "`next` ≤ 2 × u32::MAX + 1, so the increment, and the negation of half of it, \
                  cannot overflow"
    )]
    fn next(&mut self) -> Option<Match> {
        while self.next <= self.last {
            let i = self.next;
            self.next += 1;
            let half = i.div_ceil(2) as i64;
            let delta = if i % 2 == 1 { -half } else { half };
            // Steps before the epoch or past u64::MAX do not exist: left out, never wrapped.
            if let Some(step) = self.now.checked_add_signed(delta) {
                return Some(Match { delta, step });
            }
        }
        None
    }
}

/// Converts JavaScript-style unix milliseconds to whole seconds, rejecting what no clock reads:
/// non-finite, negative, or beyond 2^53 ms (the largest integer a JS number holds exactly).
pub fn unix_secs_from_ms(unix_ms: f64) -> Result<u64> {
    const MAX_JS_MS: f64 = JS_EXACT_LIMIT as f64;
    if !unix_ms.is_finite() || !(0.0..=MAX_JS_MS).contains(&unix_ms) {
        return Err(Error::InvalidTime);
    }
    // Non-negative, finite and at most 2^53: truncating to whole milliseconds is exact floor,
    // and integer division then cannot round up across a second boundary.
    Ok((unix_ms as u64) / 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn totp() -> Totp {
        Totp::new(
            &Secret::from_bytes(b"12345678901234567890").unwrap(),
            OtpParams::default(),
        )
        .unwrap()
    }

    #[test]
    fn order() {
        let deltas = |now, reach| {
            search_order(now, reach)
                .map(|m| m.delta)
                .collect::<Vec<_>>()
        };
        assert_eq!(deltas(5, 2), [0, -1, 1, -2, 2]);
        assert_eq!(deltas(5, 0), [0]);
        // No step before the epoch or past u64::MAX.
        assert_eq!(deltas(1, 2), [0, -1, 1, 2]);
        assert_eq!(deltas(u64::MAX, 1), [0, -1]);
        assert_eq!(
            search_order(7, 1).map(|m| m.step).collect::<Vec<_>>(),
            [7, 6, 8]
        );
    }

    #[test]
    fn window_near_epoch_does_not_underflow() {
        let t = totp();
        let code = t.code_at(0);
        assert_eq!(
            t.verify(code.as_str(), 0, 10).unwrap(),
            Some(Match { delta: 0, step: 0 })
        );
        let next = t.code_at(30);
        assert_eq!(
            t.verify(next.as_str(), 0, 1).unwrap(),
            Some(Match { delta: 1, step: 1 })
        );
    }

    #[test]
    fn largest_times() {
        let t = totp();
        let secs = unix_secs_from_ms(JS_EXACT_LIMIT as f64).unwrap();
        let code = t.code_at(secs);
        assert_eq!(
            t.verify(code.as_str(), secs, MAX_WINDOW)
                .unwrap()
                .map(|m| m.delta),
            Some(0)
        );
        assert_eq!(
            t.verify(code.as_str(), u64::MAX, MAX_WINDOW).map(|_| ()),
            Ok(())
        );
    }

    #[test]
    fn bad_times() {
        for bad in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            1e300,
            9_007_199_254_740_993.0 * 2.0,
        ] {
            assert_eq!(unix_secs_from_ms(bad), Err(Error::InvalidTime), "{bad}");
        }
        assert_eq!(unix_secs_from_ms(59_999.0).unwrap(), 59);
    }

    #[test]
    fn window_and_replay() {
        let t = totp();
        let now = 1_000_000u64;
        let prev = t.code_at(now - 30);
        assert_eq!(
            t.verify(prev.as_str(), now, 1).unwrap().map(|m| m.delta),
            Some(-1)
        );
        assert_eq!(t.verify(prev.as_str(), now, 0).unwrap(), None);
        let step = t.step_at(now);
        assert_eq!(
            t.verify_after(prev.as_str(), now, 1, Some(step - 1))
                .unwrap(),
            None
        );
        assert_eq!(t.verify(prev.as_str(), now, 11), Err(Error::InvalidWindow));
        assert_eq!(t.verify("12345", now, 1), Err(Error::InvalidCode));
    }
}
