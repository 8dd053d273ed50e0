//! HOTP codes for `count` counters from one keyed HMAC-SHA1, counting those equal to `target`:
//! the bare loop a drift scan cannot beat. Numbers in, numbers out; no allocator.
#![no_std]

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// Codes for counters `first..first + count` under a fixed 20-byte key; returns how many equal
/// `target` (so the loop cannot be optimized away).
#[unsafe(no_mangle)]
pub extern "C" fn scan(first: u64, count: u32, target: u32) -> u32 {
    let Ok(keyed) = Hmac::<Sha1>::new_from_slice(b"Hello!\xde\xad\xbe\xef0123456789") else {
        return u32::MAX;
    };
    let mut hits = 0;
    for i in 0..u64::from(count) {
        let mut mac = keyed.clone();
        mac.update(&first.wrapping_add(i).to_be_bytes());
        let hash = mac.finalize().into_bytes();
        let offset = usize::from(hash[19] & 0x0f);
        let value = u32::from_be_bytes([hash[offset] & 0x7f, hash[offset + 1], hash[offset + 2], hash[offset + 3]]);
        if value % 1_000_000 == target {
            hits += 1;
        }
    }
    hits
}

/// One HOTP code from a freshly keyed HMAC-SHA1 (the key set up every call, as `totpCode` must):
/// the floor for generating one code.
#[unsafe(no_mangle)]
pub extern "C" fn one(counter: u64) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(b"Hello!\xde\xad\xbe\xef0123456789") else {
        return u32::MAX;
    };
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    u32::from_be_bytes([hash[offset] & 0x7f, hash[offset + 1], hash[offset + 2], hash[offset + 3]]) % 1_000_000
}
