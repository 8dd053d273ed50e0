//! Text → QR module matrix (ISO/IEC 18004, model 2, byte mode): data codewords (§7.4),
//! Reed–Solomon error correction and interleaving (§7.5, §7.6), function patterns, codeword
//! placement, masking by lowest penalty (§7.8) and format and version information.

use alloc::vec;
use alloc::vec::Vec;

use super::tables::{ECC_CODEWORDS_PER_BLOCK, ERROR_CORRECTION_BLOCKS, table};
use super::{Ecc, MAX_QR_BYTES};
use crate::error::{Error, Result};

/// A QR symbol without its quiet zone: `size × size` modules, row-major, `true` = dark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrMatrix {
    size: usize,
    modules: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `text` in byte mode in the smallest version (1–40) that holds it at `ecc`, with
    /// the mask of lowest penalty (ISO/IEC 18004 §7.8.3).
    pub fn encode(text: &str, ecc: Ecc) -> Result<Self> {
        Self::encode_with_mask(text, ecc, None)
    }

    /// Like [`QrMatrix::encode`] with a chosen mask pattern (0–7), for callers and tests that
    /// need a reproducible symbol. `None` chooses by penalty.
    pub fn encode_with_mask(text: &str, ecc: Ecc, mask: Option<u8>) -> Result<Self> {
        if text.len() > MAX_QR_BYTES || mask.is_some_and(|m| m > 7) {
            return Err(if text.len() > MAX_QR_BYTES {
                Error::QrTooLong
            } else {
                Error::InvalidOptions
            });
        }
        let data = text.as_bytes();
        let version = (1..=40)
            .find(|&v| data_capacity_bits(v, ecc) >= byte_mode_bits(v, data.len()))
            .ok_or(Error::QrTooLong)?;
        let codewords = add_ecc_and_interleave(&data_codewords(data, version, ecc), version, ecc);
        let mut symbol = Symbol::new(version);
        symbol.draw_function_patterns(ecc);
        symbol.draw_codewords(&codewords);
        let mask = match mask {
            Some(m) => m,
            None => (0..8)
                .min_by_key(|&m| symbol.penalty_with_mask(m, ecc))
                .unwrap_or(0),
        };
        symbol.apply_mask(mask);
        symbol.draw_format_bits(ecc, mask);
        Ok(Self {
            size: symbol.size,
            modules: symbol.modules,
        })
    }

    /// Modules per side (21 for version 1, up to 177 for version 40).
    pub fn size(&self) -> usize {
        self.size
    }

    /// All modules, row-major, `true` = dark.
    pub fn modules(&self) -> &[bool] {
        &self.modules
    }

    /// Whether the module at column `x`, row `y` is dark (false outside the symbol).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.size
            && y.checked_mul(self.size)
                .and_then(|r| r.checked_add(x))
                .and_then(|i| self.modules.get(i))
                .copied()
                .unwrap_or(false)
    }
}

// The encoder below works on versions 1–40, so every coordinate is below 177 and every count
// below 31 329: its arithmetic cannot overflow. Indexing goes through `get`/`get_mut` all the
// same, so a bug could only draw a wrong module, never abort the wasm instance.
#[expect(
    clippy::arithmetic_side_effects,
    reason = "versions 1–40: coordinates below 177, counts below 31 329"
)]
mod math {
    /// Modules available for data and error correction in `version` (1–40).
    pub fn raw_data_modules(version: usize) -> usize {
        let mut n = (16 * version + 128) * version + 64;
        if version >= 2 {
            let align = version / 7 + 2;
            n -= (25 * align - 10) * align - 55;
            if version >= 7 {
                n -= 36;
            }
        }
        n
    }

    /// Positions (row and column) of the alignment patterns' centres.
    pub fn alignment_positions(version: usize) -> alloc::vec::Vec<usize> {
        if version == 1 {
            return alloc::vec::Vec::new();
        }
        let count = version / 7 + 2;
        let step = if version == 32 {
            26
        } else {
            (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        };
        let size = version * 4 + 17;
        let mut positions: alloc::vec::Vec<usize> =
            (0..count - 1).map(|i| size - 7 - i * step).collect();
        positions.push(6);
        positions.reverse();
        positions
    }

    /// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1 (0x11D).
    pub fn gf_mul(x: u8, y: u8) -> u8 {
        let mut z: u32 = 0;
        for i in (0..8).rev() {
            z = (z << 1) ^ ((z >> 7) * 0x11D);
            z ^= ((u32::from(y) >> i) & 1) * u32::from(x);
        }
        z as u8
    }

    /// The Reed–Solomon generator polynomial of `degree`, highest coefficient dropped.
    pub fn rs_divisor(degree: usize) -> alloc::vec::Vec<u8> {
        let mut result = alloc::vec![0u8; degree];
        if let Some(last) = result.last_mut() {
            *last = 1;
        }
        let mut root = 1u8;
        for _ in 0..degree {
            for j in 0..degree {
                let next = result.get(j + 1).copied().unwrap_or(0);
                if let Some(r) = result.get_mut(j) {
                    *r = gf_mul(*r, root) ^ next;
                }
            }
            root = gf_mul(root, 0x02);
        }
        result
    }

    /// The error-correction codewords: the remainder of `data` divided by `divisor`.
    pub fn rs_remainder(data: &[u8], divisor: &[u8]) -> alloc::vec::Vec<u8> {
        let mut result = alloc::vec![0u8; divisor.len()];
        for &b in data {
            let factor = b ^ result.first().copied().unwrap_or(0);
            result.rotate_left(1);
            if let Some(last) = result.last_mut() {
                *last = 0;
            }
            for (r, &d) in result.iter_mut().zip(divisor) {
                *r ^= gf_mul(d, factor);
            }
        }
        result
    }

    /// Whether mask pattern `mask` (0–7) inverts the module at column `x`, row `y`.
    pub fn mask_inverts(mask: u8, x: usize, y: usize) -> bool {
        match mask {
            0 => (x + y).is_multiple_of(2),
            1 => y.is_multiple_of(2),
            2 => x.is_multiple_of(3),
            3 => (x + y).is_multiple_of(3),
            4 => (x / 3 + y / 2).is_multiple_of(2),
            5 => x * y % 2 + x * y % 3 == 0,
            6 => (x * y % 2 + x * y % 3).is_multiple_of(2),
            _ => ((x + y) % 2 + x * y % 3).is_multiple_of(2),
        }
    }

    /// Format information: level and mask with a BCH(15,5) code, XOR 0x5412.
    pub fn format_info(ecc_bits: u32, mask: u8) -> u32 {
        let data = ecc_bits << 3 | u32::from(mask);
        let mut rem = data;
        for _ in 0..10 {
            rem = (rem << 1) ^ ((rem >> 9) * 0x537);
        }
        ((data << 10) | rem) ^ 0x5412
    }

    /// Version information (versions 7–40) with a BCH(18,6) code.
    pub fn version_info(version: usize) -> u32 {
        let v = version as u32;
        let mut rem = v;
        for _ in 0..12 {
            rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
        }
        (v << 12) | rem
    }

    /// Penalty for one line of modules: runs of five or more (N1 = 3, plus one per extra
    /// module) and finder-like 1:1:3:1:1 patterns with four light modules on either side
    /// (N3 = 40), counting the quiet zone around the symbol as light.
    pub fn line_penalty(line: impl Iterator<Item = bool>) -> u32 {
        // 0000 1011101 and 1011101 0000, newest module lowest.
        const BEFORE: u32 = 0x05D;
        const AFTER: u32 = 0x5D0;
        let mut penalty = 0;
        let mut previous = None;
        let mut run = 0u32;
        // The last 11 modules as bits, newest lowest; zeros stand for the light quiet zone.
        let mut window = 0u32;
        for dark in line {
            if previous == Some(dark) {
                run += 1;
            } else {
                if run >= 5 {
                    penalty += run - 2;
                }
                previous = Some(dark);
                run = 1;
            }
            window = ((window << 1) | u32::from(dark)) & 0x7FF;
            if window == BEFORE || window == AFTER {
                penalty += 40;
            }
        }
        if run >= 5 {
            penalty += run - 2;
        }
        // Patterns that end at the edge have the quiet zone after them.
        for _ in 0..4 {
            window = (window << 1) & 0x7FF;
            if window == AFTER {
                penalty += 40;
            }
        }
        penalty
    }
}

use math::*;

fn byte_mode_bits(version: usize, len: usize) -> usize {
    let count_bits = if version <= 9 { 8 } else { 16 };
    len.saturating_mul(8)
        .saturating_add(4)
        .saturating_add(count_bits)
}

fn data_capacity_bits(version: usize, ecc: Ecc) -> usize {
    data_codeword_count(version, ecc).saturating_mul(8)
}

fn data_codeword_count(version: usize, ecc: Ecc) -> usize {
    let ecc_words = table(&ECC_CODEWORDS_PER_BLOCK, ecc, version).saturating_mul(table(
        &ERROR_CORRECTION_BLOCKS,
        ecc,
        version,
    ));
    (raw_data_modules(version) / 8).saturating_sub(ecc_words)
}

/// Mode indicator, character count, the bytes, terminator and padding (§7.4).
fn data_codewords(data: &[u8], version: usize, ecc: Ecc) -> Vec<u8> {
    let capacity = data_codeword_count(version, ecc);
    let mut bits = BitBuffer::default();
    bits.push(0b0100, 4);
    bits.push(data.len() as u32, if version <= 9 { 8 } else { 16 });
    for &b in data {
        bits.push(u32::from(b), 8);
    }
    let capacity_bits = capacity.saturating_mul(8);
    bits.push(0, capacity_bits.saturating_sub(bits.len).min(4) as u32);
    let pad_to_byte = (8usize.saturating_sub(bits.len % 8)) % 8;
    bits.push(0, pad_to_byte as u32);
    let mut bytes = bits.bytes;
    for pad in [0xEC, 0x11].into_iter().cycle() {
        if bytes.len() >= capacity {
            break;
        }
        bytes.push(pad);
    }
    bytes
}

#[derive(Default)]
struct BitBuffer {
    bytes: Vec<u8>,
    len: usize,
}

impl BitBuffer {
    fn push(&mut self, value: u32, count: u32) {
        for i in (0..count).rev() {
            let bit = (value >> i) & 1 == 1;
            if self.len.is_multiple_of(8) {
                self.bytes.push(0);
            }
            if bit && let Some(last) = self.bytes.last_mut() {
                *last |= 0x80 >> (self.len % 8);
            }
            self.len = self.len.saturating_add(1);
        }
    }
}

/// Splits the data into blocks, appends each block's Reed–Solomon codewords and interleaves
/// them (§7.5, §7.6).
fn add_ecc_and_interleave(data: &[u8], version: usize, ecc: Ecc) -> Vec<u8> {
    let blocks = table(&ERROR_CORRECTION_BLOCKS, ecc, version).max(1);
    let ecc_len = table(&ECC_CODEWORDS_PER_BLOCK, ecc, version);
    let raw = raw_data_modules(version) / 8;
    let short_blocks = blocks.saturating_sub(raw.checked_rem(blocks).unwrap_or(0));
    let short_len = raw.checked_div(blocks).unwrap_or(0);
    let divisor = rs_divisor(ecc_len);
    let mut split: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(blocks);
    let mut rest = data;
    for i in 0..blocks {
        let len = short_len
            .saturating_sub(ecc_len)
            .saturating_add(usize::from(i >= short_blocks));
        let (block, tail) = rest.split_at(len.min(rest.len()));
        rest = tail;
        split.push((block.to_vec(), rs_remainder(block, &divisor)));
    }
    let mut out = Vec::with_capacity(raw);
    let longest = split.iter().map(|(d, _)| d.len()).max().unwrap_or(0);
    for i in 0..longest {
        out.extend(split.iter().filter_map(|(d, _)| d.get(i)));
    }
    for i in 0..ecc_len {
        out.extend(split.iter().filter_map(|(_, e)| e.get(i)));
    }
    out
}

/// A symbol being drawn: modules plus which of them are function patterns (never masked).
struct Symbol {
    version: usize,
    size: usize,
    modules: Vec<bool>,
    function: Vec<bool>,
}

// Coordinates are below 177 and counts below 31 329 (see `math`): no arithmetic here can
// overflow, and every module access is checked.
#[expect(
    clippy::arithmetic_side_effects,
    reason = "coordinates below 177, counts below 31 329 (see `math`)"
)]
impl Symbol {
    fn new(version: usize) -> Self {
        let size = version.saturating_mul(4).saturating_add(17);
        let n = size.saturating_mul(size);
        Self {
            version,
            size,
            modules: vec![false; n],
            function: vec![false; n],
        }
    }

    fn index(&self, x: usize, y: usize) -> Option<usize> {
        (x < self.size && y < self.size).then(|| y.saturating_mul(self.size).saturating_add(x))
    }

    fn set_function(&mut self, x: usize, y: usize, dark: bool) {
        if let Some(i) = self.index(x, y) {
            if let Some(m) = self.modules.get_mut(i) {
                *m = dark;
            }
            if let Some(f) = self.function.get_mut(i) {
                *f = true;
            }
        }
    }

    fn is_function(&self, x: usize, y: usize) -> bool {
        self.index(x, y)
            .and_then(|i| self.function.get(i))
            .copied()
            .unwrap_or(true)
    }

    fn draw_function_patterns(&mut self, ecc: Ecc) {
        let size = self.size;
        for i in 0..size {
            self.set_function(6, i, i % 2 == 0);
            self.set_function(i, 6, i % 2 == 0);
        }
        let far = size.saturating_sub(4);
        for (x, y) in [(3, 3), (far, 3), (3, far)] {
            self.draw_finder(x, y);
        }
        let positions = alignment_positions(self.version);
        let last = positions.len().saturating_sub(1);
        for (i, &x) in positions.iter().enumerate() {
            for (j, &y) in positions.iter().enumerate() {
                let on_finder = (i == 0 && (j == 0 || j == last)) || (i == last && j == 0);
                if !on_finder {
                    self.draw_alignment(x, y);
                }
            }
        }
        // Reserve the format areas now (with mask 0); the real bits are drawn after masking.
        self.draw_format_bits(ecc, 0);
        if self.version >= 7 {
            let bits = version_info(self.version);
            for i in 0..18usize {
                let dark = (bits >> i) & 1 == 1;
                let a = size.saturating_sub(11).saturating_add(i % 3);
                let b = i / 3;
                self.set_function(a, b, dark);
                self.set_function(b, a, dark);
            }
        }
    }

    /// A finder pattern with its separator, centred at (`cx`, `cy`), clipped to the symbol.
    fn draw_finder(&mut self, cx: usize, cy: usize) {
        for dy in -4i32..=4 {
            for dx in -4i32..=4 {
                let dist = dx.unsigned_abs().max(dy.unsigned_abs());
                let (Some(x), Some(y)) = (
                    cx.checked_add_signed(dx as isize),
                    cy.checked_add_signed(dy as isize),
                ) else {
                    continue;
                };
                if x < self.size && y < self.size {
                    self.set_function(x, y, dist != 2 && dist != 4);
                }
            }
        }
    }

    fn draw_alignment(&mut self, cx: usize, cy: usize) {
        for dy in -2i32..=2 {
            for dx in -2i32..=2 {
                let (Some(x), Some(y)) = (
                    cx.checked_add_signed(dx as isize),
                    cy.checked_add_signed(dy as isize),
                ) else {
                    continue;
                };
                self.set_function(x, y, dx.unsigned_abs().max(dy.unsigned_abs()) != 1);
            }
        }
    }

    fn draw_format_bits(&mut self, ecc: Ecc, mask: u8) {
        let bits = format_info(ecc.format_bits(), mask);
        let bit = |i: usize| (bits >> i) & 1 == 1;
        let size = self.size;
        for i in 0..=5 {
            self.set_function(8, i, bit(i));
        }
        self.set_function(8, 7, bit(6));
        self.set_function(8, 8, bit(7));
        self.set_function(7, 8, bit(8));
        for i in 9..15 {
            self.set_function(14 - i, 8, bit(i));
        }
        for i in 0..8 {
            self.set_function(size.saturating_sub(1 + i), 8, bit(i));
        }
        for i in 8..15 {
            self.set_function(8, size.saturating_sub(15 - i), bit(i));
        }
        // The dark module.
        self.set_function(8, size.saturating_sub(8), true);
    }

    /// Places the codewords in the two-column zigzag from the bottom right (§7.7.3).
    fn draw_codewords(&mut self, codewords: &[u8]) {
        let size = self.size;
        let total_bits = codewords.len().saturating_mul(8);
        let mut i = 0usize;
        let mut right = size.saturating_sub(1);
        while right >= 1 {
            if right == 6 {
                right = 5;
            }
            let upward = (right.saturating_add(1) & 2) == 0;
            for vert in 0..size {
                for j in 0..2 {
                    let x = right.saturating_sub(j);
                    let y = if upward {
                        size.saturating_sub(1 + vert)
                    } else {
                        vert
                    };
                    if !self.is_function(x, y) && i < total_bits {
                        let byte = codewords.get(i / 8).copied().unwrap_or(0);
                        let dark = (byte >> (7 - i % 8)) & 1 == 1;
                        if let Some(m) = self.index(x, y).and_then(|k| self.modules.get_mut(k)) {
                            *m = dark;
                        }
                        i = i.saturating_add(1);
                    }
                }
            }
            right = right.saturating_sub(2);
            if right == 0 {
                break;
            }
        }
    }

    fn apply_mask(&mut self, mask: u8) {
        let size = self.size.max(1);
        for (i, (m, &f)) in self.modules.iter_mut().zip(&self.function).enumerate() {
            if !f && mask_inverts(mask, i % size, i / size) {
                *m = !*m;
            }
        }
    }

    /// The penalty score (§7.8.3) the symbol would have with `mask`; leaves it unchanged.
    fn penalty_with_mask(&mut self, mask: u8, ecc: Ecc) -> u32 {
        self.apply_mask(mask);
        self.draw_format_bits(ecc, mask);
        let penalty = self.penalty();
        self.apply_mask(mask);
        penalty
    }

    /// Iterators over rows and columns rather than indexing: this runs eight times per symbol.
    #[expect(
        clippy::arithmetic_side_effects,
        reason = "penalty sums of at most a few hundred thousand"
    )]
    fn penalty(&self) -> u32 {
        let size = self.size.max(1);
        let rows = self.modules.chunks_exact(size);
        let mut penalty: u32 = rows
            .clone()
            .map(|row| line_penalty(row.iter().copied()))
            .sum();
        penalty += (0..size)
            .map(|x| line_penalty(self.modules.iter().skip(x).step_by(size).copied()))
            .sum::<u32>();
        // N2: 3 points per 2×2 block of one colour.
        for (upper, lower) in rows.clone().zip(rows.skip(1)) {
            for (a, b) in upper.windows(2).zip(lower.windows(2)) {
                if let ([a0, a1], [b0, b1]) = (a, b)
                    && a0 == a1
                    && a0 == b0
                    && a0 == b1
                {
                    penalty += 3;
                }
            }
        }
        // N4: 10 points per 5 % that the dark share is away from 50 %.
        let dark = self.modules.iter().filter(|&&d| d).count();
        let total = self.modules.len().max(1);
        let k = (dark * 20).abs_diff(total * 10).div_ceil(total);
        penalty + 10 * (k.saturating_sub(1) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_long() {
        let long = "A".repeat(MAX_QR_BYTES + 1);
        assert_eq!(QrMatrix::encode(&long, Ecc::L), Err(Error::QrTooLong));
        let fits_l_not_h = "a".repeat(2000);
        assert!(QrMatrix::encode(&fits_l_not_h, Ecc::L).is_ok());
        assert_eq!(
            QrMatrix::encode(&fits_l_not_h, Ecc::H),
            Err(Error::QrTooLong)
        );
    }
}
