//! RFC 4226 HOTP: counter → HMAC → dynamic truncation (§5.3) → a zero-padded decimal code.
//!
//! [`Hotp`] keeps the keyed HMAC state, so computing many counters (a verification window, a
//! drift scan) hashes the key once instead of once per counter.

use subtle::ConstantTimeEq;

use crate::error::{Error, Result};
use crate::mac::{KeyedMac, MacOutput};
use crate::params::{Algorithm, Digits, MAX_DIGITS, MIN_DIGITS};
use crate::secret::Secret;

/// A one-time code: 6–8 ASCII digits. One type for both sides: a code computed from the secret
/// (zero-padded) and a code a person typed ([`Code::parse`], which normalizes it). Compare them
/// with [`Code::matches`] or `==`: both run in constant time.
#[derive(Clone, Copy)]
pub struct Code {
    bytes: [u8; MAX_DIGITS as usize],
    len: u8,
}

impl Code {
    fn from_value(mut value: u32, digits: Digits) -> Self {
        let mut bytes = [b'0'; MAX_DIGITS as usize];
        for slot in bytes.iter_mut().take(digits.get() as usize).rev() {
            *slot = b'0'.saturating_add((value % 10) as u8);
            value /= 10;
        }
        Self {
            bytes,
            len: digits.get() as u8,
        }
    }

    /// The code as text, e.g. `"094287"`.
    pub fn as_str(&self) -> &str {
        let digits = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        core::str::from_utf8(digits).unwrap_or_default()
    }

    /// Compares with another code (typically a typed one) in constant time.
    pub fn matches(&self, typed: &Code) -> bool {
        self.len == typed.len && bool::from(self.bytes.ct_eq(&typed.bytes))
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Self) -> bool {
        self.matches(other)
    }
}

impl Eq for Code {}

impl core::fmt::Display for Code {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::fmt::Debug for Code {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Code(<redacted>)")
    }
}

/// The former name of a typed [`Code`]: one type serves both sides now.
#[deprecated(note = "use `Code`: `Code::parse` normalizes a typed code")]
pub type TypedCode = Code;

/// What a typed or pasted code may hold besides its digits, and is dropped: spaces and tabs,
/// the no-break spaces that copied text carries (U+00A0, U+2007 figure space, U+202F narrow
/// no-break space, U+3000 ideographic space) and hyphens and dashes (U+2010–U+2015, U+2212
/// minus, U+FF0D full-width hyphen-minus), as an app or a message may group a code.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '\t' | '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{3000}' | '\u{2010}'
            ..='\u{2015}' | '\u{2212}' | '\u{ff0d}'
    )
}

/// The ASCII digit for `c`: any Unicode decimal digit (general category Nd), read as its value.
/// People type what their keyboard gives them: `٠`–`٩` on an Arabic keyboard, `۰`–`۹` on a
/// Persian one, `०`–`९` in Devanagari, full-width `０`–`９` from Chinese and Japanese input
/// methods. Unicode encodes every decimal digit in a run of ten, 0 to 9 (a stability guarantee),
/// so a digit is its run's zero plus its value.
fn ascii_digit(c: char) -> Option<u8> {
    // Nearly every code is typed in ASCII: those digits first, without the scan below (which
    // would walk all of the table's runs back to the first for each of them).
    if c.is_ascii_digit() {
        return u8::try_from(c).ok();
    }
    let c = u32::from(c);
    let (zeros, plane) = match c {
        0..0x10000 => (&DIGIT_ZEROS_BMP[..], 0),
        0x10000..0x20000 => (&DIGIT_ZEROS_SMP[..], 0x10000),
        _ => return None,
    };
    let low = c.wrapping_sub(plane);
    // The last zero at or below `c`; a linear scan is smaller than a binary search, and as fast
    // for 40 entries.
    let zero = zeros.iter().map(|&z| u32::from(z)).rfind(|&z| z <= low)?;
    let value = low.wrapping_sub(zero);
    (value < 10).then(|| b'0'.saturating_add(value as u8))
}

// The zero of every run of decimal digits, sorted, in 16 bits: the Basic Multilingual Plane's,
// then plane 1's less 0x10000 (no other plane has any). Unicode 17.0's `\p{Nd}`, written by
// `node scripts/unicode-digits.mjs` (which `--check`s them), and tested against Python's
// `unicodedata` (tests/core/digits.rs) and V8's Unicode (tests/node/digits.test.mjs).
const DIGIT_ZEROS_BMP: [u16; 37] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
];
const DIGIT_ZEROS_SMP: [u16; 40] = [
    0x4A0, 0xD30, 0xD40, 0x1066, 0x10F0, 0x1136, 0x11D0, 0x12F0, 0x1450, 0x14D0, 0x1650, 0x16C0,
    0x16D0, 0x16DA, 0x1730, 0x18E0, 0x1950, 0x1BF0, 0x1C50, 0x1D50, 0x1DA0, 0x1DE0, 0x1F50, 0x6130,
    0x6A60, 0x6AC0, 0x6B50, 0x6D70, 0xCCF0, 0xD7CE, 0xD7D8, 0xD7E2, 0xD7EC, 0xD7F6, 0xE140, 0xE2F0,
    0xE4F0, 0xE5F1, 0xE950, 0xFBF0,
];

impl Code {
    /// Normalizes `"123 456"`, `"123-456"`, `"123\u{a0}456"`, full-width `"１２３４５６"`, Arabic-Indic
    /// `"١٢٣ ٤٥٦"`, Devanagari `"१२३४५६"` or any other script's decimal digits (mixed scripts
    /// too) to ASCII; anything but `digits` digits (and the separators above) is
    /// [`Error::InvalidCode`].
    pub fn parse(text: &str, digits: u32) -> Result<Self> {
        let code = Self::scan(text)?;
        if code.len() != digits {
            return Err(Error::InvalidCode);
        }
        Ok(code)
    }

    /// Like [`Code::parse`] when the digit count is not known (a login form before the
    /// server says): any 6–8 digits.
    pub fn parse_any(text: &str) -> Result<Self> {
        let code = Self::scan(text)?;
        if !(MIN_DIGITS..=MAX_DIGITS).contains(&code.len()) {
            return Err(Error::InvalidCode);
        }
        Ok(code)
    }

    /// The digits, separators dropped; up to `MAX_DIGITS` of them.
    fn scan(text: &str) -> Result<Self> {
        let mut bytes = [b'0'; MAX_DIGITS as usize];
        let mut len = 0usize;
        for c in text.chars() {
            if is_separator(c) {
                continue;
            }
            let digit = ascii_digit(c).ok_or(Error::InvalidCode)?;
            let slot = bytes.get_mut(len).ok_or(Error::InvalidCode)?;
            *slot = digit;
            len = len.saturating_add(1);
        }
        Ok(Self {
            bytes,
            len: len as u8,
        })
    }

    /// Number of digits.
    pub fn len(&self) -> u32 {
        u32::from(self.len)
    }

    /// Whether no digits were typed (never true for a parsed code).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// An HOTP generator: a keyed HMAC and a digit count.
#[derive(Clone)]
pub struct Hotp {
    mac: KeyedMac,
    digits: Digits,
}

impl core::fmt::Debug for Hotp {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Hotp")
            .field("digits", &self.digits)
            .finish_non_exhaustive()
    }
}

impl Hotp {
    /// Keys the HMAC once.
    pub fn new(secret: &Secret, algorithm: Algorithm, digits: Digits) -> Self {
        Self {
            mac: KeyedMac::new(algorithm, secret.as_bytes()),
            digits,
        }
    }

    /// Digits in each code.
    pub fn digits(&self) -> Digits {
        self.digits
    }

    /// The code for `counter` (RFC 4226 §5.3).
    pub fn code(&self, counter: u64) -> Code {
        self.scanner().code(counter)
    }

    /// A copy of the keyed state for computing many codes (a verification window, a drift
    /// scan).
    pub fn scanner(&self) -> Scanner {
        self.clone().into_scanner()
    }

    /// The keyed state itself as a [`Scanner`], without a copy (for a generator used once).
    pub fn into_scanner(self) -> Scanner {
        Scanner {
            mac: self.mac,
            digits: self.digits,
        }
    }
}

/// Codes for many counters from one copy of the keyed HMAC (see [`Hotp::scanner`]). Wiped on
/// drop, like every keyed state.
pub struct Scanner {
    mac: KeyedMac,
    digits: Digits,
}

impl core::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Scanner(<redacted>)")
    }
}

impl Scanner {
    /// The code for `counter` (RFC 4226 §5.3).
    pub fn code(&mut self, counter: u64) -> Code {
        Code::from_value(self.value(counter), self.digits)
    }

    /// Whether the code for `counter` is `typed`, compared in constant time. It compares the
    /// numbers, without writing the code out digit by digit: a drift scan asks this thousands of
    /// times, and the divisions by ten cost more than the comparison.
    pub fn matches(&mut self, counter: u64, typed: &Code) -> bool {
        let value = self.value(counter);
        let typed_value = typed
            .bytes
            .iter()
            .take(usize::from(typed.len))
            .fold(0u32, |v, &d| {
                v.wrapping_mul(10)
                    .wrapping_add(u32::from(d.wrapping_sub(b'0')))
            });
        bool::from(value.ct_eq(&typed_value)) & (typed.len() == self.digits.get())
    }

    /// The code for `counter` as a number below 10^digits (RFC 4226 §5.3), for callers that
    /// format it themselves (the wasm binding hands JavaScript a number, not a string).
    pub fn value(&mut self, counter: u64) -> u32 {
        let mut mac: MacOutput = [0; 64];
        let len = self.mac.mac8(&counter.to_be_bytes(), &mut mac);
        let value = truncate(mac.get(..len).unwrap_or_default());
        value.checked_rem(self.digits.modulus()).unwrap_or(value)
    }
}

/// Dynamic truncation (RFC 4226 §5.3): 31 bits from the offset the last nibble names.
fn truncate(hash: &[u8]) -> u32 {
    let offset = hash.last().map_or(0, |b| usize::from(b & 0x0f));
    match hash.get(offset..offset.saturating_add(4)) {
        Some(&[a, b, c, d]) => u32::from_be_bytes([a & 0x7f, b, c, d]),
        // Unreachable for SHA-1/256/512 (20+ byte outputs), kept total for the no-panic rule.
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_codes() {
        for ok in ["123456", "123 456", "123-456", " 12 34 56 "] {
            assert_eq!(Code::parse(ok, 6).unwrap().len(), 6, "{ok}");
        }
        for bad in ["", "12345", "1234567", "12a456", "123456789", "１２３４５"] {
            assert_eq!(Code::parse(bad, 6), Err(Error::InvalidCode), "{bad}");
        }
    }

    #[test]
    fn typed_codes_from_other_keyboards_and_pasted_text() {
        for (typed, digits, expected) in [
            ("１２３４５６", 6, "123456"),
            ("１２３ ４５６", 6, "123456"),
            ("１２３\u{3000}４５６", 6, "123456"),
            ("123\u{a0}456", 6, "123456"),
            ("123\u{202f}456", 6, "123456"),
            ("123\u{2007}456", 6, "123456"),
            ("123\u{2013}456", 6, "123456"),
            ("123\u{2212}456", 6, "123456"),
            ("１２３－４５６", 6, "123456"),
            ("\t0１2３\u{a0}4５6７ ", 8, "01234567"),
            ("000 042", 6, "000042"),
            // Any script's decimal digits (tests/core/digits.rs checks all of them), mixed too.
            ("١٢٣ ٤٥٦", 6, "123456"),
            ("۱۲۳۴۵۶", 6, "123456"),
            ("१२३-४५६", 6, "123456"),
            ("১২৩৪৫৬", 6, "123456"),
            ("๑๒๓๔๕๖", 6, "123456"),
            ("1٢३４৫๖", 6, "123456"),
            (
                "\u{1D7CE}\u{1D7D9}\u{1D7E4}\u{1D7EF}\u{1D7FA}\u{1FBF5}",
                6,
                "012345",
            ),
        ] {
            assert_eq!(
                Code::parse(typed, digits).unwrap().as_str(),
                expected,
                "{typed:?}"
            );
        }
        // Letters, other numbers (superscripts, circled, Roman numerals, fractions), other
        // spaces and punctuation stay refused.
        for bad in [
            "12345\u{b2}",
            "12345\u{2460}",
            "12345\u{2167}",
            "12345\u{bd}",
            "12345\u{3007}",
            "123\u{200b}456",
            "123.456",
            "123_456",
            "１２３４５６７８９",
            "123456\u{ff41}",
            "+123456",
        ] {
            assert_eq!(Code::parse(bad, 6), Err(Error::InvalidCode), "{bad:?}");
        }
    }

    #[test]
    fn typed_codes_of_any_length() {
        for (typed, expected) in [
            ("123 456", "123456"),
            ("１２３４５６７", "1234567"),
            ("1234-5678", "12345678"),
        ] {
            assert_eq!(Code::parse_any(typed).unwrap().as_str(), expected);
        }
        for bad in ["", "12345", "123456789", "12a456", "   "] {
            assert_eq!(Code::parse_any(bad), Err(Error::InvalidCode), "{bad:?}");
        }
        // Never more than MAX_DIGITS bytes are kept, however long the text.
        assert_eq!(
            Code::parse_any(&"1".repeat(10_000)),
            Err(Error::InvalidCode)
        );
    }

    #[test]
    fn code_compare() {
        let code = Code::from_value(42, Digits::MIN);
        assert_eq!(code.as_str(), "000042");
        assert!(code.matches(&Code::parse("000 042", 6).unwrap()));
        assert!(!code.matches(&Code::parse("000043", 6).unwrap()));
        assert!(!code.matches(&Code::parse("0000042", 7).unwrap()));
    }
}
