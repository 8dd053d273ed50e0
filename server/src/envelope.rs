//! Records at rest: the envelope a record is stored in, sealed and opened here, in the same call
//! as the policy, so the JS side never holds a decrypted record.
//!
//! ```text
//! tk2.<key id>.<nonce>.<ciphertext + tag>     written: XChaCha20-Poly1305
//! tk1.<key id>.<iv>.<ciphertext + tag>        read (the first format): AES-256-GCM
//! ```
//!
//! The parts after the key id are base64url without padding. The key id is the first 8 bytes of
//! the key's SHA-256, hex: it says which key wrote a record, so keys rotate (a record under a
//! previous key is read and written under the current one on its next write). The additional
//! authenticated data is `totpkit:<format digit>:<key id>:<user id>`: a record copied into
//! another user's row does not open.
//!
//! Why XChaCha20-Poly1305 and not the first format's AES-256-GCM, which the JS side ran through
//! node:crypto or Web Crypto:
//! - **Random nonces without a budget.** A record is sealed again on every write (every sign-in,
//!   every failure counted), each time under a random nonce. A 96-bit random IV limits AES-GCM to
//!   2^32 seals per key (NIST SP 800-38D §8.3): a fleet with ten million users signing in once a
//!   day spends that in about 14 months. XChaCha20's 192-bit nonce has no such limit in practice.
//! - **Cost.** A node:crypto seal of a record took ~11 µs warm (a cipher object per record) and
//!   up to twice that in a verification's cold caches, a third of the kit's own time; Web Crypto
//!   adds a promise round trip. Here a seal takes ~3 µs in wasm, in the call that made the record,
//!   on every runtime alike (AES without the CPU's instructions, in wasm, took ~18 µs).
//! - **Constant time in software**: ChaCha20 and Poly1305 need no tables.
//!
//! Both keys of a format come from the configured key: AES-256-GCM used it as is (the first
//! format's documented behaviour), XChaCha20-Poly1305 uses HMAC-SHA256(key, a label of its own),
//! so one key never serves two algorithms.

use std::cell::RefCell;

use aes_gcm::Aes256Gcm;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::array::Array;
use chacha20poly1305::{AeadInOut, KeyInit, XChaCha20Poly1305};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Bytes of a key.
pub const KEY_BYTES: usize = 32;
/// Bytes of a nonce (XChaCha20's), of the first format's IV and of a tag.
pub const NONCE_BYTES: usize = 24;
const IV_BYTES: usize = 12;
const TAG_BYTES: usize = 16;
/// Most keys in a ring: the current one and previous ones for rotation (npm/server.js caps
/// `previousKeys` at 16).
const MAX_KEYS: usize = 17;
/// Most rings a process holds: one per distinct list of keys (servers made with the same keys,
/// even one per request, share one).
const MAX_RINGS: usize = 4_096;
/// The label the record key is derived under.
const SUBKEY_LABEL: &[u8] = b"totpkit record envelope tk2: XChaCha20-Poly1305";

/// What can go wrong opening a stored record, in the kit's error codes.
#[derive(Debug, PartialEq, Eq)]
pub enum OpenError {
    /// Not an envelope, or one that does not authenticate (altered, or another user's).
    InvalidRecord,
    /// Written under a key this server does not have: its id.
    WrongKey(String),
}

/// One configured key: its id and a cipher for each format.
struct Key {
    id: String,
    tk2: XChaCha20Poly1305,
    tk1: Aes256Gcm,
}

/// A server's keys, the current one first, and what tells one list of keys from another (the
/// SHA-256 of their bytes).
struct Ring {
    digest: [u8; 32],
    keys: Vec<Key>,
}

thread_local! {
    // The wasm module is single-threaded; natively (the unit tests) each thread has its own.
    static RINGS: RefCell<Vec<Ring>> = const { RefCell::new(Vec::new()) };
}

/// Keeps a server's keys (`keys`: 32 bytes each, the current one first) for the process's life
/// and returns their handle (from 1; the same handle for the same keys), or 0 when the bytes are
/// no whole number of keys, there are none or too many, or a process holds too many rings.
pub fn add_ring(keys: &[u8]) -> u32 {
    if keys.is_empty() || !keys.len().is_multiple_of(KEY_BYTES) || keys.len() / KEY_BYTES > MAX_KEYS
    {
        return 0;
    }
    let digest: [u8; 32] = Sha256::digest(keys).into();
    let handle = |index: usize| u32::try_from(index.saturating_add(1)).unwrap_or(0);
    if let Some(index) = RINGS.with_borrow(|rings| rings.iter().position(|r| r.digest == digest)) {
        return handle(index);
    }
    let Some(keys) = keys
        .chunks_exact(KEY_BYTES)
        .map(key)
        .collect::<Option<Vec<Key>>>()
    else {
        return 0;
    };
    RINGS.with_borrow_mut(|rings| {
        if rings.len() >= MAX_RINGS {
            return 0;
        }
        rings.push(Ring { digest, keys });
        handle(rings.len().saturating_sub(1))
    })
}

/// A key's id and ciphers (None only for a slice that is not 32 bytes).
fn key(raw: &[u8]) -> Option<Key> {
    let raw = Zeroizing::new(<[u8; KEY_BYTES]>::try_from(raw).ok()?);
    let digest = Sha256::digest(*raw);
    let id = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let mut mac = <Hmac<Sha256>>::new_from_slice(&*raw).ok()?;
    mac.update(SUBKEY_LABEL);
    let subkey = Zeroizing::new(<[u8; KEY_BYTES]>::from(mac.finalize().into_bytes()));
    Some(Key {
        id,
        tk2: XChaCha20Poly1305::new(&Array::from(*subkey)),
        tk1: Aes256Gcm::new(&Array::from(*raw)),
    })
}

fn with_ring<T>(ring: u32, f: impl FnOnce(Option<&[Key]>) -> T) -> T {
    RINGS.with_borrow(|rings| {
        let index = usize::try_from(ring).ok().and_then(|r| r.checked_sub(1));
        f(index.and_then(|i| rings.get(i)).map(|r| r.keys.as_slice()))
    })
}

/// Whether `ring` is a handle [`add_ring`] gave.
pub fn ring_exists(ring: u32) -> bool {
    with_ring(ring, |keys| keys.is_some())
}

fn aad(format: u8, id: &str, user: &str) -> Vec<u8> {
    format!("totpkit:{}:{id}:{user}", char::from(format)).into_bytes()
}

/// [`seal_into`] as a string of its own: the tests' form.
#[cfg(test)]
pub fn seal(ring: u32, user: &str, nonce: &[u8; NONCE_BYTES], plain: Vec<u8>) -> Option<String> {
    let mut out = Vec::new();
    seal_into(ring, user, nonce, Zeroizing::new(plain), &mut out)?;
    String::from_utf8(out).ok()
}

/// Seals `plain` (the packed record, wiped here) under the ring's current key for `user`, with a
/// nonce of the caller's random bytes, and appends the envelope's text to `out` (the answer it
/// goes back in: no intermediate copies, on every verification's path). None for a ring that is
/// not there.
pub fn seal_into(
    ring: u32,
    user: &str,
    nonce: &[u8; NONCE_BYTES],
    mut buffer: Zeroizing<Vec<u8>>,
    out: &mut Vec<u8>,
) -> Option<()> {
    with_ring(ring, |keys| {
        let current = keys?.first()?;
        let tag = current
            .tk2
            .encrypt_inout_detached(
                &Array::from(*nonce),
                &aad(b'2', &current.id, user),
                buffer.as_mut_slice().into(),
            )
            .ok()?;
        // Ciphertext from here on: growing the buffer may leave a copy of it unwiped.
        buffer.extend_from_slice(&tag);
        out.extend_from_slice(b"tk2.");
        out.extend_from_slice(current.id.as_bytes());
        out.push(b'.');
        append_base64(out, nonce)?;
        out.push(b'.');
        append_base64(out, &buffer)
    })
}

/// Appends `bytes` in unpadded base64url.
fn append_base64(out: &mut Vec<u8>, bytes: &[u8]) -> Option<()> {
    let start = out.len();
    out.resize(
        start.checked_add(base64::encoded_len(bytes.len(), false)?)?,
        0,
    );
    URL_SAFE_NO_PAD
        .encode_slice(bytes, out.get_mut(start..)?)
        .ok()?;
    Some(())
}

/// Opens a stored envelope of either format for `user`: the record's bytes (packed, or JSON in
/// records written before the packed form).
pub fn open(ring: u32, user: &str, data: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    let text = core::str::from_utf8(data).map_err(|_| OpenError::InvalidRecord)?;
    let mut parts = text.split('.');
    let (Some(format), Some(id), Some(nonce), Some(body), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(OpenError::InvalidRecord);
    };
    let format = match format {
        "tk1" => b'1',
        "tk2" => b'2',
        _ => return Err(OpenError::InvalidRecord),
    };
    if id.len() != 16 || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(OpenError::InvalidRecord);
    }
    let nonce = URL_SAFE_NO_PAD
        .decode(nonce)
        .map_err(|_| OpenError::InvalidRecord)?;
    let mut sealed = Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| OpenError::InvalidRecord)?,
    );
    let split = sealed
        .len()
        .checked_sub(TAG_BYTES)
        .filter(|&n| n > 0)
        .ok_or(OpenError::InvalidRecord)?;
    with_ring(ring, |keys| {
        let key = keys
            .unwrap_or_default()
            .iter()
            .find(|k| k.id == id)
            .ok_or_else(|| OpenError::WrongKey(id.to_owned()))?;
        let aad = aad(format, id, user);
        let (ciphertext, tag) = sealed.split_at_mut(split);
        let tag = <&Array<u8, _>>::try_from(&*tag).map_err(|_| OpenError::InvalidRecord)?;
        let opened = if format == b'2' {
            let nonce = <&Array<u8, _>>::try_from(nonce.as_slice())
                .map_err(|_| OpenError::InvalidRecord)?;
            key.tk2
                .decrypt_inout_detached(nonce, &aad, ciphertext.into(), tag)
        } else {
            if nonce.len() != IV_BYTES {
                return Err(OpenError::InvalidRecord);
            }
            let iv = <&Array<u8, _>>::try_from(nonce.as_slice())
                .map_err(|_| OpenError::InvalidRecord)?;
            key.tk1
                .decrypt_inout_detached(iv, &aad, ciphertext.into(), tag)
        };
        opened.map_err(|_| OpenError::InvalidRecord)
    })?;
    sealed.truncate(split);
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_for_its_user_only() {
        let ring = add_ring(&[7; KEY_BYTES]);
        let envelope = seal(ring, "alice", &[1; NONCE_BYTES], b"{\"v\":2}".to_vec()).unwrap();
        assert!(envelope.starts_with("tk2."));
        assert_eq!(
            open(ring, "alice", envelope.as_bytes()).unwrap().as_slice(),
            b"{\"v\":2}"
        );
        assert_eq!(
            open(ring, "bob", envelope.as_bytes()),
            Err(OpenError::InvalidRecord)
        );
        let other = add_ring(&[8; KEY_BYTES]);
        assert!(matches!(
            open(other, "alice", envelope.as_bytes()),
            Err(OpenError::WrongKey(_))
        ));
        let rotated = add_ring(&[[8; KEY_BYTES], [7; KEY_BYTES]].concat());
        assert!(open(rotated, "alice", envelope.as_bytes()).is_ok());
    }

    #[test]
    fn the_same_keys_share_a_ring() {
        let keys = [[5; KEY_BYTES], [6; KEY_BYTES]].concat();
        let ring = add_ring(&keys);
        assert_ne!(ring, 0);
        assert_eq!(add_ring(&keys), ring);
        assert_ne!(add_ring(&keys[..KEY_BYTES]), ring, "another list of keys");
    }

    #[test]
    fn rings_of_no_whole_keys_are_refused() {
        for bad in [0, 31, 33, 32 * 18] {
            assert_eq!(add_ring(&vec![1; bad]), 0, "{bad}");
        }
        assert!(!ring_exists(0));
        assert_eq!(seal(0, "a", &[0; NONCE_BYTES], vec![1]), None);
    }
}
