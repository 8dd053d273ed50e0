//! Everything random or hashed that is not the TOTP secret itself: session tokens, password
//! hashes, recovery codes.
//!
//! Session tokens are 32 bytes from the CSPRNG, and the server keeps only their SHA-256, so a
//! leaked session table lets no one in. Recovery codes are 50 random bits written
//! `xxxxx-xxxxx` in Crockford's base32 (no `i l o u`, so they read aloud and type cleanly),
//! stored as salted SHA-256 and compared in constant time.
//!
//! Passwords use salted SHA-256 too, which is fine for a demo whose password is printed at
//! start and wrong for production: a real server hashes passwords with Argon2id, scrypt or
//! bcrypt (OWASP Password Storage Cheat Sheet) so a stolen table cannot be brute-forced.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Bytes of a session token.
pub const TOKEN_BYTES: usize = 32;
/// Recovery codes handed out at enrollment.
pub const RECOVERY_CODES: usize = 10;
/// Characters in a recovery code, without its hyphen (5 bits each).
const RECOVERY_CHARS: usize = 10;
/// Crockford's base32 alphabet, lowercase.
const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

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

/// A salted recovery-code hash of an already normalized code.
pub fn recovery_hash(salt: &[u8; 16], normalized: &str) -> [u8; 32] {
    sha256(&[b"totpkit-mock recovery\0", salt, normalized.as_bytes()])
}

/// Ten new recovery codes, formatted `xxxxx-xxxxx`.
pub fn new_recovery_codes() -> Result<Vec<String>, RandomUnavailable> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let bytes = random_bytes::<RECOVERY_CHARS>()?;
            let mut code = String::with_capacity(RECOVERY_CHARS.saturating_add(1));
            for (i, b) in bytes.iter().enumerate() {
                if i == RECOVERY_CHARS / 2 {
                    code.push('-');
                }
                // Masking to 5 bits keeps every index in range and every symbol equally likely.
                let symbol = CROCKFORD.get(usize::from(b & 31)).copied().unwrap_or(b'0');
                code.push(char::from(symbol));
            }
            Ok(code)
        })
        .collect()
}

/// Normalizes a typed recovery code the Crockford way: case, spaces and hyphens ignored,
/// `i`/`l` read as `1` and `o` as `0`. `None` if it cannot be a recovery code.
pub fn normalize_recovery_code(text: &str) -> Option<String> {
    let mut out = String::with_capacity(RECOVERY_CHARS);
    for c in text.chars().filter(|c| !matches!(c, ' ' | '-')) {
        let c = match c.to_ascii_lowercase() {
            'i' | 'l' => '1',
            'o' => '0',
            c => c,
        };
        if !c.is_ascii() || !CROCKFORD.contains(&(c as u8)) || out.len() >= RECOVERY_CHARS {
            return None;
        }
        out.push(c);
    }
    (out.len() == RECOVERY_CHARS).then_some(out)
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
    fn recovery_codes_look_right_and_normalize() {
        let codes = new_recovery_codes().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 11);
            assert_eq!(&code[5..6], "-");
            assert_eq!(
                normalize_recovery_code(code).unwrap(),
                code.replace('-', "")
            );
            assert_eq!(
                normalize_recovery_code(&code.to_uppercase().replace('-', " ")).unwrap(),
                code.replace('-', "")
            );
        }
        assert_eq!(
            normalize_recovery_code("OIL00-abcde").unwrap(),
            "01100abcde"
        );
        for bad in [
            "",
            "abcde",
            "abcde-abcdef",
            "abcde-abcdu",
            "abcdé-abcde",
            "123456",
        ] {
            assert_eq!(normalize_recovery_code(bad), None, "{bad}");
        }
    }

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
