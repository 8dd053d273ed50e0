//! Recovery codes: the way back in when the phone is lost.
//!
//! Ten codes of 50 random bits each, written `xxxxx-xxxxx` in Crockford's base32 (no `i l o u`,
//! so they read aloud and type cleanly; typed in any case, with `i`/`l` read as `1` and `o` as
//! `0`). Only salted SHA-256 hashes are kept, compared in constant time. 50 bits per code is
//! far beyond what the attempt limits let anyone guess, which is why a fast hash is enough here
//! (a password, which a person chooses, needs a slow one). A hash is kept to its first
//! [`HASH_BYTES`] bytes: 128 bits, far above the code's own 50 (a code is found by trying codes
//! long before a collision, and a guess matches a wrong code's hash with a chance of 2^-128), and
//! the record carrying ten of them halves.

use alloc::string::String;
use alloc::vec::Vec;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Codes in a set.
pub const CODES_PER_SET: usize = 10;
/// Characters in a code, without its hyphen (5 bits each: 50 bits).
pub const CODE_CHARS: usize = 10;
/// Random bytes a new set takes: a 16-byte salt, then one byte per character.
pub const RANDOM_BYTES: usize = SALT_BYTES + CODES_PER_SET * CODE_CHARS;
/// Bytes of the per-set salt.
pub const SALT_BYTES: usize = 16;
/// Bytes of a stored hash: the first half of the salted SHA-256.
pub const HASH_BYTES: usize = 16;
/// Crockford's base32 alphabet, lowercase.
const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// Domain separation, so these hashes never equal any other SHA-256 the system keeps.
const HASH_TAG: &[u8] = b"totpkit recovery\0";

/// A new set: the codes in clear (the only time they exist so) and their salted hashes.
pub struct NewSet {
    /// The codes, `xxxxx-xxxxx`, to show the user once.
    pub codes: Vec<String>,
    /// The salt, for [`hash`].
    pub salt: [u8; SALT_BYTES],
    /// The hash of each code, in the same order.
    pub hashes: Vec<[u8; HASH_BYTES]>,
}

/// Makes a set from [`RANDOM_BYTES`] bytes the caller drew from a CSPRNG; fewer is
/// [`Error::RandomUnavailable`].
pub fn new_set(random: &[u8]) -> Result<NewSet> {
    let random = random.get(..RANDOM_BYTES).ok_or(Error::RandomUnavailable)?;
    let (salt_bytes, chars) = random.split_at(SALT_BYTES);
    let mut salt = [0u8; SALT_BYTES];
    salt.copy_from_slice(salt_bytes);
    let mut codes = Vec::with_capacity(CODES_PER_SET);
    let mut hashes = Vec::with_capacity(CODES_PER_SET);
    for bytes in chars.chunks_exact(CODE_CHARS) {
        let normal: Zeroizing<String> = Zeroizing::new(
            bytes
                .iter()
                .map(|b| char::from(*CROCKFORD.get(usize::from(b & 31)).unwrap_or(&b'0')))
                .collect(),
        );
        hashes.push(hash(&salt, &normal));
        let (head, tail) = normal.split_at(CODE_CHARS / 2);
        codes.push([head, "-", tail].concat());
    }
    Ok(NewSet {
        codes,
        salt,
        hashes,
    })
}

/// The canonical form of a typed code (lowercase Crockford, no hyphen or spaces), or `None`
/// when it cannot be one: what a form may refuse as malformed without counting a guess.
pub fn normalize(typed: &str) -> Option<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(CODE_CHARS));
    for c in typed.chars() {
        let c = match c.to_ascii_lowercase() {
            ' ' | '-' | '\u{a0}' => continue,
            'i' | 'l' => '1',
            'o' => '0',
            c if c.is_ascii() && CROCKFORD.contains(&(c as u8)) => c,
            _ => return None,
        };
        if out.len() >= CODE_CHARS {
            return None;
        }
        out.push(c);
    }
    (out.len() == CODE_CHARS).then_some(out)
}

/// The salted hash of a normalized code (its first [`HASH_BYTES`]).
pub fn hash(salt: &[u8; SALT_BYTES], normalized: &str) -> [u8; HASH_BYTES] {
    let mut hasher = Sha256::new();
    hasher.update(HASH_TAG);
    hasher.update(salt);
    hasher.update(normalized.as_bytes());
    truncate(&hasher.finalize().into())
}

/// The stored part of a full salted SHA-256 (what record version 1 kept whole).
pub fn truncate(full: &[u8; 32]) -> [u8; HASH_BYTES] {
    let mut out = [0u8; HASH_BYTES];
    out.copy_from_slice(full.get(..HASH_BYTES).unwrap_or(&[0; HASH_BYTES]));
    out
}

/// The position of `hash` in `set`, comparing against every entry in constant time so the time
/// taken does not tell which one matched.
pub fn position(set: &[[u8; HASH_BYTES]], hash: &[u8; HASH_BYTES]) -> Option<usize> {
    let mut found = None;
    for (i, stored) in set.iter().enumerate() {
        if bool::from(stored.ct_eq(hash)) && found.is_none() {
            found = Some(i);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_reads_back_in_any_case_and_with_lookalikes() {
        let random: Vec<u8> = (0..RANDOM_BYTES).map(|i| (i * 37 + 11) as u8).collect();
        let set = new_set(&random).unwrap();
        assert_eq!(set.codes.len(), CODES_PER_SET);
        for (code, stored) in set.codes.iter().zip(&set.hashes) {
            assert_eq!(code.len(), 11);
            assert_eq!(code.as_bytes()[5], b'-');
            let typed = code.to_uppercase().replace('1', "I").replace('0', "o");
            let normal = normalize(&typed).unwrap();
            assert_eq!(hash(&set.salt, &normal), *stored);
        }
        assert_eq!(position(&set.hashes, &set.hashes[3]), Some(3));
        assert!(new_set(&random[..RANDOM_BYTES - 1]).is_err());
    }

    #[test]
    fn malformed_codes_are_told_apart() {
        for bad in [
            "",
            "abcde",
            "abcde-fghju",
            "abcde-fghjkm",
            "abcdé-fghjk",
            "12345-678901",
        ] {
            assert!(normalize(bad).is_none(), "{bad}");
        }
        assert_eq!(normalize(" abcde fghjk ").unwrap().as_str(), "abcdefghjk");
    }
}
