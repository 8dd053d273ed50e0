//! Shared input layout for the structured fuzz targets (`clock_offset`, `qr_svg`, `verify`).
//!
//! An input is a fixed-size header of little-endian numbers read in order, then byte strings
//! separated by NUL. A short input reads as zeros and empty strings, so every byte string is a
//! valid input. The layout is explicit (rather than `arbitrary`'s) so that
//! `fuzz/seeds/make_seeds.py` can write seed files from the test vectors, and so a crash file
//! can be read by eye: the strings are at the end, in plain text.

/// Reads the header fields one after another; past the end everything is zero.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts at the first byte.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for slot in &mut out {
            *slot = self.data.get(self.pos).copied().unwrap_or(0);
            self.pos = self.pos.saturating_add(1);
        }
        out
    }

    /// One byte.
    pub fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }

    /// One signed byte.
    pub fn i8(&mut self) -> i8 {
        i8::from_le_bytes(self.take::<1>())
    }

    /// Four bytes, little-endian.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }

    /// Eight bytes, little-endian.
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }

    /// Eight bytes, little-endian IEEE 754: every NaN, infinity and subnormal is reachable.
    pub fn f64(&mut self) -> f64 {
        f64::from_le_bytes(self.take())
    }

    /// Everything after the header.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or_default()
    }

    /// The rest split at NUL bytes into exactly `n` parts (missing parts are empty; the last
    /// part keeps any further NULs).
    pub fn strings(&self, n: usize) -> Vec<&'a [u8]> {
        let mut parts: Vec<&[u8]> = self.rest().splitn(n, |&b| b == 0).collect();
        parts.resize(n, b"");
        parts
    }
}

/// Bytes as text: lossy, so non-UTF-8 inputs still reach the parser (as U+FFFD), the way a
/// JavaScript string with lone surrogates arrives through wasm-bindgen.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
