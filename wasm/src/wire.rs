//! The result buffer every non-trivial export returns, and the reading of numeric arguments.
//!
//! A result is written at the start of the I/O region (`crate::heap::with_io`):
//!
//! | bytes | what |
//! |---|---|
//! | 1 | status: 0 for success, else the error's index ([`totpkit::Error::index`]) |
//! | then | the fields, in the order the export documents: a number is 8 bytes (f64, little-endian); a string is its UTF-8 length (u32, little-endian) and its bytes |
//!
//! `npm/totpkit.js` reads it with `Reader`. A failed call carries its status byte, and
//! sometimes a message naming what was wrong (a string, as above) instead of the code's usual
//! one.

use alloc::vec::Vec;
use totpkit::Error;

/// A result buffer under construction. Its bytes may hold secrets: they are wiped when freed.
pub struct Record(Vec<u8>);

impl Record {
    pub fn new() -> Self {
        let mut bytes = Vec::with_capacity(64);
        bytes.push(0);
        Self(bytes)
    }

    /// A failed call's record whose message is `message` instead of the code's usual one.
    pub fn failure(error: Error, message: &str) -> Self {
        let mut record = Self(alloc::vec![error.index()]);
        record = record.str(message);
        record
    }

    pub fn num(mut self, value: f64) -> Self {
        self.0.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// `None` is written as NaN (`null` in JS).
    pub fn opt(self, value: Option<f64>) -> Self {
        self.num(value.unwrap_or(f64::NAN))
    }

    pub fn str(mut self, text: &str) -> Self {
        self.0.reserve(text.len().saturating_add(4));
        self.0.extend_from_slice(&(text.len() as u32).to_le_bytes());
        self.0.extend_from_slice(text.as_bytes());
        self
    }

    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        self.0.extend_from_slice(bytes);
        self
    }

    pub fn done(self) -> Vec<u8> {
        self.0
    }
}

/// An optional number from JS: NaN means the option was absent (the front turns `undefined` and
/// `null` into NaN, and refuses a NaN the caller passed).
pub fn given(value: f64) -> Option<f64> {
    (!value.is_nan()).then_some(value)
}

/// A whole number in `0..=max`, or `error`.
pub fn whole(value: f64, max: u64, error: Error) -> totpkit::Result<u64> {
    // In range first, so the round trip through u64 is exact for whole numbers only.
    if value.is_finite() && value >= 0.0 && value <= max as f64 && (value as u64) as f64 == value {
        Ok(value as u64)
    } else {
        Err(error)
    }
}

/// An optional whole number up to `u32::MAX`, or `default` when absent.
pub fn small_or(value: f64, default: u32, error: Error) -> totpkit::Result<u32> {
    match given(value) {
        Some(v) => whole(v, u64::from(u32::MAX), error).map(|n| n as u32),
        None => Ok(default),
    }
}
