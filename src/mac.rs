//! HMAC (RFC 2104) for HOTP's three hashes, over the RustCrypto compression functions.
//!
//! Why not the `hmac` crate, which totpkit used until package v2: HOTP MACs one 8-byte counter,
//! so HMAC reduces to two precomputed states (the key block XOR ipad and XOR opad, compressed
//! once) and two single-block compressions per code. The `hmac` crate's general machinery
//! (block buffers, lazy padding, output arrays, a reset copy of both states for each of three
//! hash types) was about 6 KB of the browser package's `.wasm`, and copying its states cost a
//! tenth of a drift scan. This module is that one path, a few hundred bytes, with the compression
//! functions (the part worth trusting to a well-kept crate) still RustCrypto's `sha1` and `sha2`.
//! The `hmac` crate stays as the test oracle: the tests below compare every algorithm, every key
//! length 0–300 and messages of 0–300 bytes with it, besides the RFC 2202 and RFC 4231 vectors.

use zeroize::Zeroize;

use crate::params::Algorithm;

/// A hash state: SHA-1's five words, SHA-256's eight, SHA-512's eight 64-bit words.
#[derive(Clone, Copy)]
enum State {
    Sha1([u32; 5]),
    Sha256([u32; 8]),
    Sha512([u64; 8]),
}

/// The largest block (SHA-512's) and digest (SHA-512's), in bytes.
const MAX_BLOCK: usize = 128;
const MAX_DIGEST: usize = 64;

impl State {
    /// The initial hash value (FIPS 180-4 §5.3.1, §5.3.3, §5.3.5).
    fn initial(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Sha1 => Self::Sha1([
                0x6745_2301,
                0xEFCD_AB89,
                0x98BA_DCFE,
                0x1032_5476,
                0xC3D2_E1F0,
            ]),
            Algorithm::Sha256 => Self::Sha256([
                0x6a09_e667,
                0xbb67_ae85,
                0x3c6e_f372,
                0xa54f_f53a,
                0x510e_527f,
                0x9b05_688c,
                0x1f83_d9ab,
                0x5be0_cd19,
            ]),
            Algorithm::Sha512 => Self::Sha512([
                0x6a09_e667_f3bc_c908,
                0xbb67_ae85_84ca_a73b,
                0x3c6e_f372_fe94_f82b,
                0xa54f_f53a_5f1d_36f1,
                0x510e_527f_ade6_82d1,
                0x9b05_688c_2b3e_6c1f,
                0x1f83_d9ab_fb41_bd6b,
                0x5be0_cd19_137e_2179,
            ]),
        }
    }

    /// Block size in bytes.
    fn block_len(&self) -> usize {
        match self {
            Self::Sha1(_) | Self::Sha256(_) => 64,
            Self::Sha512(_) => 128,
        }
    }

    /// Digest size in bytes.
    fn digest_len(&self) -> usize {
        match self {
            Self::Sha1(_) => 20,
            Self::Sha256(_) => 32,
            Self::Sha512(_) => 64,
        }
    }

    /// Bytes of the message length field in the padding (FIPS 180-4 §5.1).
    fn length_len(&self) -> usize {
        match self {
            Self::Sha1(_) | Self::Sha256(_) => 8,
            Self::Sha512(_) => 16,
        }
    }

    /// Compresses one block (the first `block_len` bytes of `block`).
    fn compress(&mut self, block: &[u8; MAX_BLOCK]) {
        // Called through `black_box`ed pointers so they are not inlined here: the browser build
        // optimizes this crate for size and the hash crates for speed (Cargo.toml, profile
        // `wasm`), and inlined, SHA-1's rounds would be compiled for size (a drift scan ran 1.5×
        // slower).
        #[cfg(not(feature = "compact-sha1"))]
        let sha1: fn(&mut [u32; 5], &[[u8; 64]]) = core::hint::black_box(sha1::block_api::compress);
        #[cfg(feature = "compact-sha1")]
        let sha1: fn(&mut [u32; 5], &[[u8; 64]]) = compact_sha1;
        let sha256: fn(&mut [u32; 8], &[[u8; 64]]) =
            core::hint::black_box(sha2::block_api::compress256);
        let sha512: fn(&mut [u64; 8], &[[u8; 128]]) =
            core::hint::black_box(sha2::block_api::compress512);
        match self {
            Self::Sha1(s) => {
                if let Some(b) = block.first_chunk::<64>() {
                    sha1(s, core::slice::from_ref(b));
                }
            }
            Self::Sha256(s) => {
                if let Some(b) = block.first_chunk::<64>() {
                    sha256(s, core::slice::from_ref(b));
                }
            }
            Self::Sha512(s) => sha512(s, core::slice::from_ref(block)),
        }
    }

    /// The digest, big-endian words, into `out`; returns its length.
    fn digest(&self, out: &mut [u8; MAX_DIGEST]) -> usize {
        match self {
            Self::Sha1(s) => write_words(out, s.iter().map(|w| w.to_be_bytes())),
            Self::Sha256(s) => write_words(out, s.iter().map(|w| w.to_be_bytes())),
            Self::Sha512(s) => write_words(out, s.iter().map(|w| w.to_be_bytes())),
        }
        self.digest_len()
    }

    fn wipe(&mut self) {
        match self {
            Self::Sha1(s) => s.zeroize(),
            Self::Sha256(s) => s.zeroize(),
            Self::Sha512(s) => s.zeroize(),
        }
    }
}

fn write_words<const N: usize>(out: &mut [u8], words: impl Iterator<Item = [u8; N]>) {
    for (slot, word) in out.chunks_exact_mut(N).zip(words) {
        slot.copy_from_slice(&word);
    }
}

/// Hashes `data` that follows `prefix_blocks` full blocks already compressed into `state`:
/// the last blocks with FIPS 180-4 §5.1 padding. Returns the digest length. It hashes keys longer
/// than a block (and, in tests, any message), so the state and the block are wiped; HOTP's hot
/// path is [`KeyedMac::mac8`].
fn finish(mut state: State, prefix_blocks: u64, data: &[u8], out: &mut [u8; MAX_DIGEST]) -> usize {
    let block_len = state.block_len();
    let mut block = [0u8; MAX_BLOCK];
    let mut chunks = data.chunks_exact(block_len);
    for chunk in &mut chunks {
        if let Some(head) = block.get_mut(..block_len) {
            head.copy_from_slice(chunk);
        }
        state.compress(&block);
    }
    let rest = chunks.remainder();
    block.fill(0);
    if let Some(head) = block.get_mut(..rest.len()) {
        head.copy_from_slice(rest);
    }
    if let Some(marker) = block.get_mut(rest.len()) {
        *marker = 0x80;
    }
    // The 0x80 marker and the length field must fit after the data, else one more block.
    let length_len = state.length_len();
    if rest.len() >= block_len.saturating_sub(length_len) {
        state.compress(&block);
        block.fill(0);
    }
    // Message length in bits: the prefix blocks plus `data`. At most a few hundred bytes here, so
    // the u64 arithmetic cannot overflow; the length field's upper bytes (SHA-512's 128-bit
    // field) stay zero.
    let bits = prefix_blocks
        .saturating_mul(block_len as u64)
        .saturating_add(data.len() as u64)
        .saturating_mul(8);
    if let Some(field) = block.get_mut(block_len.saturating_sub(8)..block_len) {
        field.copy_from_slice(&bits.to_be_bytes());
    }
    state.compress(&block);
    block.zeroize();
    let len = state.digest(out);
    state.wipe();
    len
}

/// A keyed HMAC: the states after compressing the key block XOR ipad and XOR opad. Wiped on
/// drop: anyone holding them can compute codes.
#[derive(Clone)]
pub(crate) struct KeyedMac {
    inner: State,
    outer: State,
}

impl KeyedMac {
    /// Keys the MAC (RFC 2104 §2: a key longer than a block is hashed first).
    pub(crate) fn new(algorithm: Algorithm, key: &[u8]) -> Self {
        let mut inner = State::initial(algorithm);
        let mut outer = inner;
        let block_len = inner.block_len();
        let mut block = [0u8; MAX_BLOCK];
        if key.len() > block_len {
            let mut digest = [0u8; MAX_DIGEST];
            let len = finish(inner, 0, key, &mut digest);
            if let (Some(head), Some(d)) = (block.get_mut(..len), digest.get(..len)) {
                head.copy_from_slice(d);
            }
            digest.zeroize();
        } else if let Some(head) = block.get_mut(..key.len()) {
            head.copy_from_slice(key);
        }
        // Only the hash's block is used (64 bytes for SHA-1 and SHA-256 of the 128 here).
        let used = block.get_mut(..block_len).unwrap_or_default();
        for b in used.iter_mut() {
            *b ^= 0x36;
        }
        inner.compress(&block);
        let used = block.get_mut(..block_len).unwrap_or_default();
        for b in used.iter_mut() {
            *b ^= 0x36 ^ 0x5c;
        }
        outer.compress(&block);
        block.get_mut(..block_len).unwrap_or_default().zeroize();
        Self { inner, outer }
    }

    /// HMAC(key, msg) of any length into `out`; returns the MAC's length (the hash's digest
    /// length). HOTP needs only [`KeyedMac::mac8`]; this general form is what the tests hold it to.
    #[cfg(test)]
    pub(crate) fn mac(&self, msg: &[u8], out: &mut [u8; MAX_DIGEST]) -> usize {
        let mut digest = [0u8; MAX_DIGEST];
        let len = finish(self.inner, 1, msg, &mut digest);
        finish(self.outer, 1, digest.get(..len).unwrap_or_default(), out)
    }

    /// HMAC of an 8-byte message (an HOTP counter), the one case HOTP needs: a single block for
    /// each hash, built in place, no chunking. Same result as [`KeyedMac::mac`] (tested).
    pub(crate) fn mac8(&self, msg: &[u8; 8], out: &mut [u8; MAX_DIGEST]) -> usize {
        let block_len = self.inner.block_len();
        let mut block = [0u8; MAX_BLOCK];
        // Inner: msg ‖ 0x80 ‖ zeros ‖ bit length of the key block and msg.
        if let Some(head) = block.first_chunk_mut::<9>() {
            head.copy_from_slice(&[
                msg[0], msg[1], msg[2], msg[3], msg[4], msg[5], msg[6], msg[7], 0x80,
            ]);
        }
        put_bit_length(&mut block, block_len, block_len.saturating_add(8));
        let mut state = self.inner;
        state.compress(&block);
        // Outer: inner digest ‖ 0x80 ‖ zeros ‖ bit length. The digest (20+ bytes) covers the
        // inner message and marker; the bytes after its marker are still zero.
        let mut digest = [0u8; MAX_DIGEST];
        let len = state.digest(&mut digest);
        if let (Some(head), Some(d)) = (block.get_mut(..len), digest.get(..len)) {
            head.copy_from_slice(d);
        }
        if let Some(marker) = block.get_mut(len) {
            *marker = 0x80;
        }
        put_bit_length(&mut block, block_len, block_len.saturating_add(len));
        state = self.outer;
        state.compress(&block);
        state.digest(out)
    }
}

/// Writes the bit length of `bytes` into the last 8 bytes of a `block_len` block.
fn put_bit_length(block: &mut [u8; MAX_BLOCK], block_len: usize, bytes: usize) {
    let bits = (bytes as u64).saturating_mul(8);
    if let Some(field) = block.get_mut(block_len.saturating_sub(8)..block_len) {
        field.copy_from_slice(&bits.to_be_bytes());
    }
}

impl Drop for KeyedMac {
    fn drop(&mut self) {
        self.inner.wipe();
        self.outer.wipe();
    }
}

/// The MAC buffer [`KeyedMac::mac`] writes into.
pub(crate) type MacOutput = [u8; MAX_DIGEST];

/// SHA-1's compression function (FIPS 180-4 §6.1.2) with its rounds in a loop: ~0.6 KB of wasm
/// where the `sha1` crate's unrolled rounds are ~4.3 KB (1.5 KB gzip), for the codes module that
/// a page's `init()` loads (`compact-sha1`, enabled by wasm/'s `codes` feature: issue 23's size
/// must for the enrollment app). The crate has no compact backend; the Node, Workers and server
/// builds keep it, and the tests below hold this one to it.
#[cfg(any(feature = "compact-sha1", test))]
fn compact_sha1(state: &mut [u32; 5], blocks: &[[u8; 64]]) {
    for block in blocks {
        // w holds the schedule's next 16 words: W[t..t + 16] at round t.
        let mut w = [0u32; 16];
        for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
            *word = u32::from_be_bytes(<[u8; 4]>::try_from(bytes).unwrap_or_default());
        }
        let [mut a, mut b, mut c, mut d, mut e] = *state;
        for round in 0..80 {
            let (f, k) = match round {
                0..20 => ((b & c) | (!b & d), 0x5A82_7999),
                20..40 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..60 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(w[0]);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
            let next = (w[13] ^ w[8] ^ w[2] ^ w[0]).rotate_left(1);
            w.rotate_left(1);
            w[15] = next;
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d, e]) {
            *s = s.wrapping_add(v);
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod tests {
    use super::*;

    /// RFC 2202 §3 test case 1 and RFC 4231 §4.2 test case 1 (key 0x0b × 20, "Hi There").
    #[test]
    fn rfc_2202_and_4231_case_1() {
        let key = [0x0b; 20];
        let mut out = [0u8; MAX_DIGEST];
        let hex = |b: &[u8]| {
            b.iter()
                .map(|x| alloc::format!("{x:02x}"))
                .collect::<alloc::string::String>()
        };
        let n = KeyedMac::new(Algorithm::Sha1, &key).mac(b"Hi There", &mut out);
        assert_eq!(hex(&out[..n]), "b617318655057264e28bc0b6fb378c8ef146be00");
        let n = KeyedMac::new(Algorithm::Sha256, &key).mac(b"Hi There", &mut out);
        assert_eq!(
            hex(&out[..n]),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        let n = KeyedMac::new(Algorithm::Sha512, &key).mac(b"Hi There", &mut out);
        assert_eq!(
            hex(&out[..n]),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
        );
    }

    /// RFC 4231 §4.7 test case 6: a 131-byte key, longer than the block, is hashed first.
    #[test]
    fn rfc_4231_case_6_long_key() {
        let key = [0xaa; 131];
        let msg = b"Test Using Larger Than Block-Size Key - Hash Key First";
        let mut out = [0u8; MAX_DIGEST];
        let hex = |b: &[u8]| {
            b.iter()
                .map(|x| alloc::format!("{x:02x}"))
                .collect::<alloc::string::String>()
        };
        let n = KeyedMac::new(Algorithm::Sha256, &key).mac(msg, &mut out);
        assert_eq!(
            hex(&out[..n]),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        let n = KeyedMac::new(Algorithm::Sha512, &key).mac(msg, &mut out);
        assert_eq!(
            hex(&out[..n]),
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"
        );
    }

    /// The 8-byte fast path equals the general one, for every algorithm and many keys.
    #[test]
    fn mac8_equals_mac() {
        let mut a = [0u8; MAX_DIGEST];
        let mut b = [0u8; MAX_DIGEST];
        for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
            for key_len in [0, 10, 20, 64, 65, 128, 129, 256] {
                let key: alloc::vec::Vec<u8> = (0..key_len).map(|i| (i * 7 + 3) as u8).collect();
                let mac = KeyedMac::new(algorithm, &key);
                for counter in [0u64, 1, 59, 1 << 40, u64::MAX] {
                    let n = mac.mac8(&counter.to_be_bytes(), &mut a);
                    let m = mac.mac(&counter.to_be_bytes(), &mut b);
                    assert_eq!(
                        &a[..n],
                        &b[..m],
                        "{algorithm:?} key {key_len} counter {counter}"
                    );
                }
            }
        }
    }

    /// Against the `hmac` crate, an independent implementation: every key length around and past
    /// each block size, and messages of many lengths (the padding edge cases of both hashes).
    #[test]
    fn compact_sha1_agrees_with_the_sha1_crate() {
        // FIPS 180-4's "abc" in one padded block, then random states and blocks.
        let mut block = [0u8; 64];
        block[..3].copy_from_slice(b"abc");
        block[3] = 0x80;
        block[63] = 24;
        let start = [
            0x6745_2301,
            0xEFCD_AB89,
            0x98BA_DCFE,
            0x1032_5476,
            0xC3D2_E1F0,
        ];
        let mut state = start;
        compact_sha1(&mut state, &[block]);
        assert_eq!(
            state,
            [
                0xA999_3E36,
                0x4706_816A,
                0xBA3E_2571,
                0x7850_C26C,
                0x9CD0_D89D
            ]
        );
        let mut seed = 0x2545_f491_u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            seed
        };
        for _ in 0..200 {
            let mut state = [next(), next(), next(), next(), next()];
            let blocks: alloc::vec::Vec<[u8; 64]> = (0..1 + next() % 3)
                .map(|_| core::array::from_fn(|_| next() as u8))
                .collect();
            let mut oracle = state;
            sha1::block_api::compress(&mut oracle, &blocks);
            compact_sha1(&mut state, &blocks);
            assert_eq!(state, oracle);
        }
    }

    #[test]
    fn agrees_with_the_hmac_crate() {
        use hmac::{Hmac, KeyInit, Mac};
        fn oracle<M: Mac + KeyInit>(key: &[u8], msg: &[u8]) -> alloc::vec::Vec<u8> {
            let mut m = <M as KeyInit>::new_from_slice(key).unwrap();
            m.update(msg);
            m.finalize().into_bytes().to_vec()
        }
        let bytes: alloc::vec::Vec<u8> = (0..300u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let mut out = [0u8; MAX_DIGEST];
        for key_len in 0..=300 {
            let key = &bytes[..key_len];
            for msg_len in [
                0, 1, 8, 47, 55, 56, 63, 64, 65, 111, 112, 119, 127, 128, 129, 200, 300,
            ] {
                let msg = &bytes[300 - msg_len..];
                for (algorithm, want) in [
                    (Algorithm::Sha1, oracle::<Hmac<sha1::Sha1>>(key, msg)),
                    (Algorithm::Sha256, oracle::<Hmac<sha2::Sha256>>(key, msg)),
                    (Algorithm::Sha512, oracle::<Hmac<sha2::Sha512>>(key, msg)),
                ] {
                    let n = KeyedMac::new(algorithm, key).mac(msg, &mut out);
                    assert_eq!(
                        &out[..n],
                        &want[..],
                        "{algorithm:?} key {key_len} msg {msg_len}"
                    );
                }
            }
        }
    }
}
