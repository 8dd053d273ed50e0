//! The shared secret (RFC 4226 §4 "K"): generation from the platform CSPRNG, RFC 4648 base32 in
//! and out, redacted `Debug`, wiped on drop.
//!
//! Base32 is written here rather than taken from a crate because the input rules are our own
//! (lenient: any case, spaces, hyphens and `=` padding, as people type keys by hand) and the
//! whole codec is a few dozen lines, smaller in the `.wasm` than a general-purpose encoder.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// Bytes in a generated secret unless asked otherwise: 160 bits, RFC 4226 §4 R6's recommendation.
pub const DEFAULT_SECRET_BYTES: usize = 20;
/// Fewest bytes [`Secret::generate`] makes: 128 bits, RFC 4226 §4 R6's minimum.
pub const MIN_GENERATED_BYTES: usize = 16;
/// Most bytes [`Secret::generate`] makes (the SHA-512 block size).
pub const MAX_GENERATED_BYTES: usize = 64;
/// Fewest bytes a decoded secret may have: 80 bits, which real services still issue.
pub const MIN_DECODED_BYTES: usize = 10;
/// Most bytes a decoded secret may have; a longer key is surely a mistake, not a secret.
pub const MAX_DECODED_BYTES: usize = 256;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A TOTP/HOTP shared secret. Its bytes are wiped when it is dropped and it never prints.
///
/// It has no `==`: a derived comparison stops at the first differing byte, and its time would
/// tell how much of a guessed key was right. Compare with [`ConstantTimeEq::ct_eq`].
#[derive(Clone)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl ConstantTimeEq for Secret {
    /// Equal bytes, compared in time that depends only on the lengths.
    fn ct_eq(&self, other: &Self) -> Choice {
        self.as_bytes().ct_eq(other.as_bytes())
    }
}

impl Secret {
    /// Draws `len` bytes (16–64) from the platform CSPRNG (`getrandom(2)` on Linux).
    ///
    /// On `wasm32-unknown-unknown` the core has no CSPRNG of its own and this returns
    /// [`Error::RandomUnavailable`] after checking `len`: the JS front draws the bytes with
    /// `crypto.getRandomValues` and calls [`Secret::from_random`].
    pub fn generate(len: usize) -> Result<Self> {
        check_generated_len(len)?;
        let mut bytes = Zeroizing::new(alloc::vec![0u8; len]);
        fill_random(&mut bytes)?;
        Ok(Self(bytes))
    }

    /// A new secret of `len` bytes (16–64) taken from `random`, bytes the caller drew from a
    /// CSPRNG (the JS front's `crypto.getRandomValues`). `random` may be longer than `len`; a
    /// shorter one is [`Error::RandomUnavailable`].
    pub fn from_random(len: usize, random: &[u8]) -> Result<Self> {
        check_generated_len(len)?;
        let bytes = random.get(..len).ok_or(Error::RandomUnavailable)?;
        Ok(Self(Zeroizing::new(bytes.to_vec())))
    }

    /// Wraps raw key bytes (for RFC test vectors and servers that store raw keys).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if !(MIN_DECODED_BYTES..=MAX_DECODED_BYTES).contains(&bytes.len()) {
            return Err(Error::InvalidSecretLength);
        }
        Ok(Self(Zeroizing::new(bytes.to_vec())))
    }

    /// Decodes base32 leniently: any case, with spaces, hyphens and `=` padding ignored.
    pub fn from_base32(text: &str) -> Result<Self> {
        let bytes = decode_base32(text)?;
        if !(MIN_DECODED_BYTES..=MAX_DECODED_BYTES).contains(&bytes.len()) {
            return Err(Error::InvalidSecretLength);
        }
        Ok(Self(bytes))
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Canonical base32: uppercase, unpadded (what goes into an otpauth URI).
    pub fn to_base32(&self) -> Zeroizing<String> {
        encode_base32(&self.0)
    }

    /// Base32 in groups of four for typing by hand: `"JBSW Y3DP EHPK 3PXP"`.
    pub fn to_grouped_base32(&self) -> Zeroizing<String> {
        group4(&self.to_base32())
    }
}

/// Checks a requested length for a generated secret: 16–64 bytes.
pub fn check_generated_len(len: usize) -> Result<()> {
    if (MIN_GENERATED_BYTES..=MAX_GENERATED_BYTES).contains(&len) {
        Ok(())
    } else {
        Err(Error::InvalidSecretLength)
    }
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn fill_random(bytes: &mut [u8]) -> Result<()> {
    getrandom::fill(bytes).map_err(|_| Error::RandomUnavailable)
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn fill_random(_: &mut [u8]) -> Result<()> {
    Err(Error::RandomUnavailable)
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Groups already-canonical text in fours separated by single spaces.
fn group4(text: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(
        text.len().saturating_add(text.len() / 4),
    ));
    for (i, c) in text.chars().enumerate() {
        if i != 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Encodes bytes as RFC 4648 base32, uppercase, without padding.
pub(crate) fn encode_base32(bytes: &[u8]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(
        (bytes.len().saturating_mul(8) / 5).saturating_add(1),
    ));
    let mut buffer: u16 = 0;
    let mut bits: u32 = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u16::from(byte);
        bits = bits.saturating_add(8);
        while bits >= 5 {
            bits = bits.saturating_sub(5);
            out.push(alphabet((buffer >> bits) as u8));
        }
        // Keep only the bits not yet written, so the shift above never overflows.
        buffer &= (1u16 << bits).wrapping_sub(1);
    }
    if bits > 0 {
        out.push(alphabet((buffer << (5u32.saturating_sub(bits))) as u8));
    }
    buffer.zeroize();
    out
}

fn alphabet(index: u8) -> char {
    ALPHABET
        .get(usize::from(index & 31))
        .map_or('A', |&b| char::from(b))
}

fn symbol_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c.wrapping_sub(b'A')),
        b'a'..=b'z' => Some(c.wrapping_sub(b'a')),
        b'2'..=b'7' => Some(c.wrapping_sub(b'2').wrapping_add(26)),
        _ => None,
    }
}

/// Decodes lenient base32. Spaces, hyphens and trailing `=` are ignored; a symbol count that
/// no byte string encodes to (1, 3 or 6 left over in the last group of 8) is an error.
pub(crate) fn decode_base32(text: &str) -> Result<Zeroizing<Vec<u8>>> {
    // Written by index into a zeroed buffer of the largest possible length, then truncated: a
    // `push` per byte was an eighth of a whole `totpCode` call in the browser package.
    let mut out = Zeroizing::new(alloc::vec![0u8; text.len().saturating_mul(5) / 8]);
    let mut len = 0usize;
    let mut buffer: u16 = 0;
    let mut bits: u32 = 0;
    let mut symbols: usize = 0;
    let mut padding = false;
    for &c in text.as_bytes() {
        match c {
            b' ' | b'-' | b'\t' => continue,
            b'=' => {
                padding = true;
                continue;
            }
            _ => {}
        }
        // Symbols after padding mean the padding was not at the end.
        if padding {
            return Err(Error::InvalidBase32);
        }
        let value = symbol_value(c).ok_or(Error::InvalidBase32)?;
        symbols = symbols.saturating_add(1);
        buffer = (buffer << 5) | u16::from(value);
        bits = bits.saturating_add(5);
        if bits >= 8 {
            bits = bits.saturating_sub(8);
            if let Some(slot) = out.get_mut(len) {
                *slot = (buffer >> bits) as u8;
                len = len.saturating_add(1);
            }
            buffer &= (1u16 << bits).wrapping_sub(1);
        }
    }
    buffer.zeroize();
    // Shrinking keeps the allocation: the cut-off tail is still zero.
    out.truncate(len);
    if symbols == 0 || matches!(symbols % 8, 1 | 3 | 6) {
        return Err(Error::InvalidBase32);
    }
    Ok(out)
}

/// Normalizes a typed key for display: validates it and regroups it in fours.
pub fn format_base32(text: &str) -> Result<Zeroizing<String>> {
    let bytes = decode_base32(text)?;
    Ok(group4(&encode_base32(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4648 §10 test vectors (padding stripped on output, accepted on input).
    const RFC4648: &[(&str, &str)] = &[
        ("f", "MY======"),
        ("fo", "MZXQ===="),
        ("foo", "MZXW6==="),
        ("foob", "MZXW6YQ="),
        ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI======"),
    ];

    #[test]
    fn rfc4648_vectors() {
        for (plain, encoded) in RFC4648 {
            assert_eq!(
                *encode_base32(plain.as_bytes()),
                encoded.trim_end_matches('=')
            );
            assert_eq!(&*decode_base32(encoded).unwrap(), plain.as_bytes());
            assert_eq!(
                &*decode_base32(&encoded.to_lowercase()).unwrap(),
                plain.as_bytes()
            );
        }
    }

    #[test]
    fn lenient_input() {
        let want = decode_base32("JBSWY3DPEHPK3PXP").unwrap();
        for typed in [
            "jbsw y3dp ehpk 3pxp",
            "JBSW-Y3DP-EHPK-3PXP",
            "JBSWY3DPEHPK3PXP====",
        ] {
            assert_eq!(decode_base32(typed).unwrap(), want, "{typed}");
        }
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            "",
            "   ",
            "JBSWY3DP1",
            "JBSW=Y3DP",
            "A",
            "ABC",
            "ABCDEF",
            "JBSWY3DPÉ",
        ] {
            assert_eq!(decode_base32(bad), Err(Error::InvalidBase32), "{bad}");
        }
    }

    #[test]
    fn secret_lengths() {
        assert_eq!(Secret::generate(15).err(), Some(Error::InvalidSecretLength));
        assert_eq!(Secret::generate(65).err(), Some(Error::InvalidSecretLength));
        assert_eq!(Secret::generate(20).unwrap().as_bytes().len(), 20);
        let (a, b) = (Secret::generate(20).unwrap(), Secret::generate(20).unwrap());
        assert!(!bool::from(a.ct_eq(&b)) && bool::from(a.ct_eq(&a.clone())));
        // An 80-bit key decodes; a 40-bit one does not.
        assert!(Secret::from_base32("JBSWY3DPEHPK3PXP").is_ok());
        assert_eq!(
            Secret::from_base32("JBSWY3DP").err(),
            Some(Error::InvalidSecretLength)
        );
    }

    #[test]
    fn debug_is_redacted() {
        let s = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let shown = alloc::format!("{s:?}");
        assert!(!shown.contains("JBSW") && shown.contains("redacted"));
    }

    #[test]
    fn grouping() {
        assert_eq!(
            *format_base32("jbswy3dpehpk3pxp").unwrap(),
            "JBSW Y3DP EHPK 3PXP"
        );
        assert_eq!(*format_base32("MZXW6YQ=").unwrap(), "MZXW 6YQ");
    }
}
