//! The one error type of totpkit: one variant per failure a caller can act on.
//!
//! Every variant has a stable [`Error::code`] string. At the JavaScript boundary
//! (`src/wasm.rs`) it becomes a thrown `Error` whose `name` is `"TotpkitError"` and whose
//! `code` is that string, so frontend code can `switch` on it. The codes are part of the
//! public API: never rename one.

use core::fmt;

/// Everything that can go wrong in totpkit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// A secret is not RFC 4648 base32 (after removing spaces, hyphens and `=` padding).
    InvalidBase32,
    /// A secret decodes to too few or too many bytes, or a requested length is out of range.
    InvalidSecretLength,
    /// Not an `otpauth://` URI, or one that cannot be taken apart (bad percent-encoding, or a
    /// known parameter such as `period` given twice, which apps would resolve differently).
    InvalidUri,
    /// An `otpauth://` URI whose type is neither `totp` nor `hotp`.
    UnsupportedOtpType,
    /// An `otpauth://` URI without a `secret` parameter.
    MissingSecret,
    /// An issuer or account that cannot go into a label (contains `:`, or the account is empty).
    InvalidLabel,
    /// An algorithm other than SHA1, SHA256 or SHA512.
    UnsupportedAlgorithm,
    /// A digit count outside 6–8.
    InvalidDigits,
    /// A period outside 1–3600 seconds.
    InvalidPeriod,
    /// An HOTP counter that is missing (an `hotp` URI needs one), negative, fractional or too
    /// large.
    InvalidCounter,
    /// A time that is negative, not finite, fractional where whole units are needed, or beyond
    /// the largest time JavaScript can represent exactly (2^53 ms).
    InvalidTime,
    /// A verification window outside 0–[`crate::totp::MAX_WINDOW`].
    InvalidWindow,
    /// A code that is not made of the expected number of digits (spaces and hyphens are allowed).
    InvalidCode,
    /// Text too long to fit in a QR code at the chosen error-correction level.
    QrTooLong,
    /// An options object with a value of the wrong type or out of range.
    InvalidOptions,
    /// A clock sample that is not finite, has a negative round trip, or a list with no samples.
    InvalidSample,
    /// A string that is not an HTTP date (RFC 9110 §5.6.7).
    InvalidDate,
    /// Measuring the clock against the server gave no usable sample.
    ClockCheckFailed,
    /// The platform's random number generator failed.
    RandomUnavailable,
    /// A stored record (the server policy's [`crate::policy::Record`]) that is corrupt, of
    /// another format version, or holds values no valid record can.
    InvalidRecord,
}

impl Error {
    /// Every error, in the order of their stable indexes ([`Error::index`]): what the wasm
    /// binding sends across instead of the name, and the order of the JS front's list of codes
    /// (tests/core/tidy.rs compares them).
    pub const ALL: [Self; 20] = [
        Self::InvalidBase32,
        Self::InvalidSecretLength,
        Self::InvalidUri,
        Self::UnsupportedOtpType,
        Self::MissingSecret,
        Self::InvalidLabel,
        Self::UnsupportedAlgorithm,
        Self::InvalidDigits,
        Self::InvalidPeriod,
        Self::InvalidCounter,
        Self::InvalidTime,
        Self::InvalidWindow,
        Self::InvalidCode,
        Self::QrTooLong,
        Self::InvalidOptions,
        Self::InvalidSample,
        Self::InvalidDate,
        Self::ClockCheckFailed,
        Self::RandomUnavailable,
        Self::InvalidRecord,
    ];

    /// This error's 1-based position in [`Error::ALL`] (0 is never an error).
    pub fn index(self) -> u8 {
        Self::ALL
            .iter()
            .position(|e| *e == self)
            .map_or(u8::MAX, |i| (i as u8).wrapping_add(1))
    }

    /// The error at a 1-based [`Error::index`].
    pub fn from_index(index: u32) -> Option<Self> {
        Self::ALL.get((index as usize).wrapping_sub(1)).copied()
    }

    /// The stable, machine-readable name of this error (`"InvalidBase32"`, …).
    pub const fn code(self) -> &'static str {
        match self {
            Self::InvalidBase32 => "InvalidBase32",
            Self::InvalidSecretLength => "InvalidSecretLength",
            Self::InvalidUri => "InvalidUri",
            Self::UnsupportedOtpType => "UnsupportedOtpType",
            Self::MissingSecret => "MissingSecret",
            Self::InvalidLabel => "InvalidLabel",
            Self::UnsupportedAlgorithm => "UnsupportedAlgorithm",
            Self::InvalidDigits => "InvalidDigits",
            Self::InvalidPeriod => "InvalidPeriod",
            Self::InvalidCounter => "InvalidCounter",
            Self::InvalidTime => "InvalidTime",
            Self::InvalidWindow => "InvalidWindow",
            Self::InvalidCode => "InvalidCode",
            Self::QrTooLong => "QrTooLong",
            Self::InvalidOptions => "InvalidOptions",
            Self::InvalidSample => "InvalidSample",
            Self::InvalidDate => "InvalidDate",
            Self::ClockCheckFailed => "ClockCheckFailed",
            Self::RandomUnavailable => "RandomUnavailable",
            Self::InvalidRecord => "InvalidRecord",
        }
    }

    /// A human-readable sentence for developers. It never contains a secret or any input.
    pub const fn message(self) -> &'static str {
        match self {
            Self::InvalidBase32 => "secret is not valid base32 (RFC 4648)",
            Self::InvalidSecretLength => "secret length is out of range",
            Self::InvalidUri => {
                "not a valid otpauth:// URI (bad percent-encoding, or secret, issuer, algorithm, \
                 digits, period or counter given twice)"
            }
            Self::UnsupportedOtpType => "otpauth type must be totp or hotp",
            Self::MissingSecret => "otpauth URI has no secret parameter",
            Self::InvalidLabel => {
                "issuer and account must not contain ':' and account must not be empty"
            }
            Self::UnsupportedAlgorithm => "algorithm must be SHA1, SHA256 or SHA512",
            Self::InvalidDigits => "digits must be 6, 7 or 8",
            Self::InvalidPeriod => "period must be a whole number of seconds from 1 to 3600",
            Self::InvalidCounter => "hotp needs a counter: a whole number from 0 to 2^53 - 1",
            Self::InvalidTime => "time must be a finite number of milliseconds from 0 to 2^53",
            Self::InvalidWindow => "window must be a whole number of steps from 0 to 10",
            Self::InvalidCode => "code must be the expected number of digits",
            Self::QrTooLong => "text is too long for a QR code at this error-correction level",
            Self::InvalidOptions => "an option has the wrong type or is out of range",
            Self::InvalidSample => "clock samples must be finite, with a non-negative round trip",
            Self::InvalidDate => "not an HTTP date",
            Self::ClockCheckFailed => "could not measure the clock against the server",
            Self::RandomUnavailable => "the platform random number generator failed",
            Self::InvalidRecord => "the stored record is corrupt or of an unknown format",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for Error {}

/// totpkit's result type.
pub type Result<T> = core::result::Result<T, Error>;
