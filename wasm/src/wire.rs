//! The Rust half of the wire between the JS front and this module: the types `wasm/build.rs`
//! generates from the declaration (`wasm/wire.json`: every call's arguments and result layout),
//! and what they are made of: the reading of arguments from the I/O region, the result record,
//! the packed results of the hot calls, and the runners that lend a call the I/O region.
//!
//! A record is written at the start of the I/O region (`crate::heap::with_io`):
//!
//! | bytes | what |
//! |---|---|
//! | 1 | status: 0 for success, else the error's index ([`totpkit::Error::index`]) |
//! | then | the fields, in the declared order: `f64` 8 bytes (little-endian; NaN for a `None` `f64?`); `str` its UTF-8 length (u32, little-endian) and its bytes (length `u32::MAX` for a `None` `str?`); `rest` the remaining bytes |
//!
//! Only the generated `<Call>Out::record` writes fields, so every record has its declared
//! layout. A failed call's record is its status byte alone, or the status byte and a message (a
//! `str`) naming what was wrong instead of the code's usual one.

use alloc::vec::Vec;
use totpkit::{Error, Match, Result};

use crate::heap::with_io;

include!(concat!(env!("OUT_DIR"), "/wire_types.rs"));

/// Bytes of stack overwritten after a call that saw a secret: more than the deepest path through
/// the core that holds key material on the stack (HMAC-SHA512's key blocks and state). The memory
/// scan in tests/node/memory.test.mjs fails with this set to 0 and passes down to 512; 1 KiB
/// keeps a margin for deeper paths.
const SCRUB_BYTES: usize = 1024;

/// Overwrites the `SCRUB_BYTES` below the caller's frame, where the core's frames just were: the
/// HMAC key blocks and hash states it left on the stack. Best effort by construction (the stack
/// layout is the compiler's), and checked by scanning the memory after calls.
#[inline(never)]
fn scrub_stack() {
    let mut area = [0u8; SCRUB_BYTES];
    core::hint::black_box(&mut area);
}

/// The I/O region as a call's arguments: strings and bytes back to back, in the declared order,
/// each passed to the export as its byte length (−1: absent). A read that cannot be served (past
/// the region, or not UTF-8: the front never writes such) marks the input bad instead of failing
/// at once, so each read is one call, and the runner fails the call once, after the use.
pub struct Input<'a> {
    io: &'a [u8],
    at: usize,
    bad: bool,
}

impl<'a> Input<'a> {
    /// Optional bytes: the next `len` bytes, `None` when `len` is −1.
    pub fn opt_bytes(&mut self, len: i32) -> Option<&'a [u8]> {
        let len = usize::try_from(len).ok()?;
        let bytes = self
            .at
            .checked_add(len)
            .and_then(|end| self.io.get(self.at..end).map(|b| (b, end)));
        match bytes {
            Some((bytes, end)) => {
                self.at = end;
                Some(bytes)
            }
            None => {
                self.bad = true;
                None
            }
        }
    }

    /// Bytes the front always passes.
    pub fn bytes(&mut self, len: i32) -> &'a [u8] {
        let bytes = self.opt_bytes(len);
        self.bad |= bytes.is_none();
        bytes.unwrap_or_default()
    }

    /// An optional string (the front writes UTF-8).
    pub fn opt(&mut self, len: i32) -> Option<&'a str> {
        let text = core::str::from_utf8(self.opt_bytes(len)?).ok();
        self.bad |= text.is_none();
        text
    }

    /// A string the front always passes (it refuses an absent one with the argument's code).
    pub fn str(&mut self, len: i32) -> &'a str {
        let text = self.opt(len);
        self.bad |= text.is_none();
        text.unwrap_or_default()
    }
}

/// Runs `f` over the call's arguments in the I/O region, zeroes them, then hands what `f` made
/// and the region to `then` (which may write a result there): `Err(InvalidOptions)` instead when
/// a read could not be served (`f` then ran on empty arguments, and what it made is dropped).
/// `None` if the region is not available.
///
/// The runners below take the use as `dyn`, so their code exists once rather than once per
/// export (an indirect call costs nanoseconds; a copy per export cost kilobytes).
fn with_args<T, R>(
    f: &mut dyn FnMut(&mut Input<'_>) -> Result<T>,
    then: impl FnOnce(&mut [u8], Result<T>) -> R,
) -> Option<R> {
    with_io(|io| {
        let (value, used) = {
            let mut input = Input {
                io: &*io,
                at: 0,
                bad: false,
            };
            let value = f(&mut input);
            let value = if input.bad {
                Err(Error::InvalidOptions)
            } else {
                value
            };
            (value, input.at)
        };
        if let Some(given) = io.get_mut(..used) {
            given.fill(0);
        }
        then(io, value)
    })
}

/// A record-returning call: the record goes to the start of the I/O region; returns its length.
#[inline(never)]
pub fn record(f: &mut dyn FnMut(&mut Input<'_>) -> Result<Record>) -> u32 {
    let n = with_args(f, |io, result| {
        let bytes: Vec<u8> = match result {
            Ok(record) => record.0,
            Err(error) => alloc::vec![error.index()],
        };
        match io.get_mut(..bytes.len()) {
            Some(slot) => {
                slot.copy_from_slice(&bytes);
                bytes.len() as u32
            }
            None => {
                // Unreachable with the front's caps on argument length; fail rather than truncate.
                if let Some(first) = io.first_mut() {
                    *first = Error::InvalidOptions.index();
                }
                1
            }
        }
    });
    scrub_stack();
    n.unwrap_or(0)
}

/// A hot call: one number back, negative for an error (minus its index).
#[inline(never)]
pub fn hot(f: &mut dyn FnMut(&mut Input<'_>) -> Result<f64>) -> f64 {
    let result = with_args(f, |_, result| result).unwrap_or(Err(Error::InvalidOptions));
    scrub_stack();
    match result {
        Ok(value) => value,
        Err(error) => -f64::from(error.index()),
    }
}

/// A result record under construction. Its bytes may hold secrets: they are wiped when freed.
pub struct Record(Vec<u8>);

impl Record {
    fn new() -> Self {
        let mut bytes = Vec::with_capacity(64);
        bytes.push(0);
        Self(bytes)
    }

    /// A failed call's record whose message is `message` instead of the code's usual one.
    pub fn failure(error: Error, message: &str) -> Self {
        Self(alloc::vec![error.index()]).str(message)
    }

    fn num(mut self, value: f64) -> Self {
        self.0.extend_from_slice(&value.to_le_bytes());
        self
    }

    fn opt(self, value: Option<f64>) -> Self {
        self.num(value.unwrap_or(f64::NAN))
    }

    fn str(mut self, text: &str) -> Self {
        self.0.reserve(text.len().saturating_add(4));
        self.0.extend_from_slice(&(text.len() as u32).to_le_bytes());
        self.0.extend_from_slice(text.as_bytes());
        self
    }

    fn opt_str(self, text: Option<&str>) -> Self {
        match text {
            Some(text) => self.str(text),
            None => self.bytes(&u32::MAX.to_le_bytes()),
        }
    }

    fn bytes(mut self, bytes: &[u8]) -> Self {
        self.0.extend_from_slice(bytes);
        self
    }
}

/// A `code` result: the code's value and its digit count, packed as `value * 16 + digits`
/// (exact in an f64); the front pads the value to `digits` characters.
pub struct CodeValue {
    /// The code as a number (leading zeros dropped).
    pub value: u32,
    /// How many digits it has.
    pub digits: u32,
}

impl CodeValue {
    /// The packed f64.
    pub fn packed(self) -> f64 {
        f64::from(self.value) * 16.0 + f64::from(self.digits)
    }
}

/// A `match` result: 0 for no match, else `step * 32 + (delta + 16) + 1` (|delta| ≤ 10, and
/// step × 32 < 2^53 for every time up to 2^53 ms).
pub fn packed_match(found: Option<Match>) -> f64 {
    found.map_or(0.0, |m| {
        m.step as f64 * 32.0 + (m.delta as f64 + 16.0) + 1.0
    })
}

/// An optional number from JS: NaN means the option was absent (the front turns `undefined` and
/// `null` into NaN, and refuses a NaN the caller passed).
pub fn given(value: f64) -> Option<f64> {
    (!value.is_nan()).then_some(value)
}

/// A whole number in `0..=max`, or `error`.
pub fn whole(value: f64, max: u64, error: Error) -> Result<u64> {
    // In range first, so the round trip through u64 is exact for whole numbers only.
    if value.is_finite() && value >= 0.0 && value <= max as f64 && (value as u64) as f64 == value {
        Ok(value as u64)
    } else {
        Err(error)
    }
}

/// An optional whole number up to `u32::MAX`, or `default` when absent.
pub fn small_or(value: f64, default: u32, error: Error) -> Result<u32> {
    match given(value) {
        Some(v) => whole(v, u64::from(u32::MAX), error).map(|n| n as u32),
        None => Ok(default),
    }
}
