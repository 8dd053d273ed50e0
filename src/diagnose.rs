//! The diagnosis of a typed code that was refused: is the authenticator's clock off, or did the
//! app ignore a setting of the QR code? It diagnoses; it never accepts.
//!
//! Sign convention: a positive authenticator offset means **the phone is ahead** (its codes
//! belong to a later step).

use crate::error::{Error, Result};
use crate::hotp::Code;
use crate::params::{Algorithm, DEFAULT_PERIOD, OtpParams};
use crate::secret::Secret;
use crate::totp::{Match, Totp};

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
    // The crate's parser decides what a typed code may look like; any 6–8 digits can be
    // diagnosed, since the app may show a digit count other than the enrolled one.
    let typed = Code::parse_any(code)?;
    let typed_len = typed.len();
    let none = Diagnosis {
        kind: DiagnosisKind::None,
        step_delta: None,
        offset_seconds: None,
        suspect: None,
    };
    if typed_len == params.digits().get() {
        // Every step in reach is computed, so a second match is seen (and makes it ambiguous).
        let mut found = Totp::new(secret, params)?.matches_within(typed, unix_secs, max_steps);
        let (first, second) = (found.next(), found.next());
        if second.is_some() {
            return Ok(Diagnosis {
                kind: DiagnosisKind::Ambiguous,
                ..none
            });
        }
        if let Some(Match { delta, .. }) = first {
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
            OtpParams::new(Algorithm::Sha1, params.digits().get(), params.period()),
        ),
        (
            Suspect::Digits,
            OtpParams::new(params.algorithm(), defaults.digits().get(), params.period()),
        ),
        (
            Suspect::Period,
            OtpParams::new(params.algorithm(), params.digits().get(), DEFAULT_PERIOD),
        ),
    ];
    for (suspect, variant) in variants {
        let variant = variant?;
        if variant == params || variant.digits().get() != typed_len {
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
        && typed_len == defaults.digits().get()
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
    let totp = Totp::new(secret, params)?;
    Ok(totp.verify(code, unix_secs, 1)?.is_some())
}
