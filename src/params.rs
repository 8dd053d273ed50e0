//! OTP parameters that travel together: algorithm, digits and period (RFC 6238 §1.2, §4).

use crate::error::{Error, Result};

/// The HMAC hash (RFC 6238 §1.2 allows SHA-1, SHA-256 and SHA-512).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// HMAC-SHA-1, what RFC 4226 defines and nearly every authenticator app uses.
    #[default]
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl Algorithm {
    /// The name as written in an otpauth URI: `"SHA1"`, `"SHA256"` or `"SHA512"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }

    /// Parses a name leniently: any case, with or without a hyphen (`sha1`, `SHA-256`).
    pub fn parse(name: &str) -> Result<Self> {
        let mut buf = [0u8; 6];
        let mut len = 0usize;
        for b in name.bytes().filter(|&b| b != b'-') {
            let slot = buf.get_mut(len).ok_or(Error::UnsupportedAlgorithm)?;
            *slot = b.to_ascii_uppercase();
            len = len.saturating_add(1);
        }
        match buf.get(..len) {
            Some(b"SHA1") => Ok(Self::Sha1),
            Some(b"SHA256") => Ok(Self::Sha256),
            Some(b"SHA512") => Ok(Self::Sha512),
            _ => Err(Error::UnsupportedAlgorithm),
        }
    }
}

/// 2^53: every whole number up to it is exact in a JavaScript number (an f64), so it bounds
/// what the core accepts as a number from JS: times up to 2^53 ms, HOTP counters below 2^53.
pub const JS_EXACT_LIMIT: u64 = 1 << 53;

/// How many digits a code has: 6, 7 or 8 (RFC 4226 §5.3 requires at least 6; the Key URI
/// format and the apps stop at 8). Checked once, when it is made, so nothing that holds one
/// checks it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digits(u8);

impl Digits {
    /// Six digits: the fewest, and what nearly every deployment uses.
    pub const MIN: Self = Self(6);
    /// Eight digits: the most.
    pub const MAX: Self = Self(8);

    /// `digits` if it is 6–8, else [`Error::InvalidDigits`].
    pub const fn new(digits: u32) -> Result<Self> {
        match digits {
            MIN_DIGITS..=MAX_DIGITS => Ok(Self(digits as u8)),
            _ => Err(Error::InvalidDigits),
        }
    }

    /// The count as a number.
    pub const fn get(self) -> u32 {
        self.0 as u32
    }

    /// 10^digits: a code is the HOTP value modulo this (RFC 4226 §5.3).
    pub(crate) const fn modulus(self) -> u32 {
        match self.0 {
            6 => 1_000_000,
            7 => 10_000_000,
            _ => 100_000_000,
        }
    }
}

/// Fewest digits in a code, as a number ([`Digits::MIN`]).
pub const MIN_DIGITS: u32 = Digits::MIN.get();
/// Most digits in a code, as a number ([`Digits::MAX`]).
pub const MAX_DIGITS: u32 = Digits::MAX.get();
/// Shortest period, in seconds.
pub const MIN_PERIOD: u32 = 1;
/// Longest period, in seconds (one hour).
pub const MAX_PERIOD: u32 = 3600;
/// The period nearly every deployment uses (RFC 6238 §5.2's recommendation).
pub const DEFAULT_PERIOD: u32 = 30;

/// Algorithm, digit count and period, validated together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OtpParams {
    algorithm: Algorithm,
    digits: Digits,
    period: u32,
}

impl Default for OtpParams {
    /// SHA1, 6 digits, 30 seconds: the defaults of the Key URI format.
    fn default() -> Self {
        Self {
            algorithm: Algorithm::Sha1,
            digits: Digits::MIN,
            period: DEFAULT_PERIOD,
        }
    }
}

impl OtpParams {
    /// Validates the parameters: 6–8 digits, a period of 1–3600 seconds.
    pub fn new(algorithm: Algorithm, digits: u32, period: u32) -> Result<Self> {
        let digits = Digits::new(digits)?;
        if !(MIN_PERIOD..=MAX_PERIOD).contains(&period) {
            return Err(Error::InvalidPeriod);
        }
        Ok(Self {
            algorithm,
            digits,
            period,
        })
    }

    /// The HMAC algorithm.
    pub const fn algorithm(self) -> Algorithm {
        self.algorithm
    }

    /// Digits in a code.
    pub const fn digits(self) -> Digits {
        self.digits
    }

    /// Seconds per step (1–3600); T0 is always the Unix epoch.
    pub const fn period(self) -> u32 {
        self.period
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_names() {
        for (text, want) in [
            ("SHA1", Algorithm::Sha1),
            ("sha256", Algorithm::Sha256),
            ("Sha-512", Algorithm::Sha512),
        ] {
            assert_eq!(Algorithm::parse(text).unwrap(), want);
        }
        for bad in ["", "MD5", "SHA", "SHA3-256", "SHA1SHA1", "SHA 1"] {
            assert_eq!(
                Algorithm::parse(bad),
                Err(Error::UnsupportedAlgorithm),
                "{bad}"
            );
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(
            OtpParams::new(Algorithm::Sha1, 5, 30),
            Err(Error::InvalidDigits)
        );
        assert_eq!(
            OtpParams::new(Algorithm::Sha1, 9, 30),
            Err(Error::InvalidDigits)
        );
        assert_eq!(
            OtpParams::new(Algorithm::Sha1, 6, 0),
            Err(Error::InvalidPeriod)
        );
        assert_eq!(
            OtpParams::new(Algorithm::Sha1, 6, 3601),
            Err(Error::InvalidPeriod)
        );
        assert!(OtpParams::new(Algorithm::Sha512, 8, 3600).is_ok());
        assert!(OtpParams::new(Algorithm::Sha256, 7, 1).is_ok());
    }
}
