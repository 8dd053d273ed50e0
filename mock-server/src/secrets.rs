//! Everything random or hashed that is not the second factor (which the core's policy owns,
//! recovery codes included): random bytes, session tokens, password hashes.
//!
//! Session tokens are 32 bytes from the CSPRNG, and the server keeps only their SHA-256, so a
//! leaked session table lets no one in.
//!
//! Passwords use salted SHA-256 too, which is fine for a demo whose password is printed at
//! start and wrong for production: a real server hashes passwords with Argon2id, scrypt or
//! bcrypt (OWASP Password Storage Cheat Sheet) so a stolen table cannot be brute-forced.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Bytes of a session token.
pub const TOKEN_BYTES: usize = 32;

/// The platform CSPRNG failed; the request is answered 503, never with a weak value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RandomUnavailable;

/// `N` bytes from the CSPRNG.
pub fn random_bytes<const N: usize>() -> Result<Zeroizing<[u8; N]>, RandomUnavailable> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut()).map_err(|_| RandomUnavailable)?;
    Ok(bytes)
}

/// SHA-256 of the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// Constant-time equality of two digests.
pub fn digest_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.ct_eq(b).into()
}

/// A new session token (for the cookie) and the digest the server keeps.
pub fn new_session_token() -> Result<(String, [u8; 32]), RandomUnavailable> {
    let bytes = random_bytes::<TOKEN_BYTES>()?;
    let token = hex(bytes.as_ref());
    let key = session_key(&token);
    Ok((token, key))
}

/// The digest under which the session of a cookie value is kept.
pub fn session_key(token: &str) -> [u8; 32] {
    sha256(&[token.as_bytes()])
}

/// A salted password hash (see the module docs for why this is demo-grade only).
pub fn password_hash(salt: &[u8; 16], password: &str) -> [u8; 32] {
    sha256(&[b"totpkit-mock password\0", salt, password.as_bytes()])
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for &b in bytes {
        for nibble in [b >> 4, b & 15] {
            out.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}

/// Decodes exactly `N` bytes of hex (either case).
pub fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != N.checked_mul(2)? {
        return None;
    }
    let mut out = [0u8; N];
    for (slot, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
        let [hi, lo] = pair else { return None };
        let hi = char::from(*hi).to_digit(16)?;
        let lo = char::from(*lo).to_digit(16)?;
        *slot = u8::try_from((hi << 4) | lo).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let bytes: [u8; 4] = [0x00, 0x7f, 0x80, 0xff];
        assert_eq!(hex(&bytes), "007f80ff");
        assert_eq!(unhex::<4>("007F80ff"), Some(bytes));
        assert_eq!(unhex::<4>("007f80f"), None);
        assert_eq!(unhex::<4>("007f80fg"), None);
    }

    #[test]
    fn tokens_are_unique_and_kept_hashed() {
        let (a, key_a) = new_session_token().unwrap();
        let (b, _) = new_session_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(digest_eq(&session_key(&a), &key_a));
    }
}
