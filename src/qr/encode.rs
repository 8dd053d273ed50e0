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
        let mask = mask.unwrap_or_else(|| symbol.lowest_penalty_mask(ecc));
        symbol.apply_mask(mask);
        symbol.draw_format_bits(ecc, mask);
        Ok(symbol.into_matrix())
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

    /// How many alignment patterns' centres a row (and a column) of `version` has.
    pub fn alignment_count(version: usize) -> usize {
        if version == 1 { 0 } else { version / 7 + 2 }
    }

    /// The `i`th of them (row or column), from the top left.
    pub fn alignment_position(version: usize, i: usize) -> usize {
        let count = alignment_count(version);
        let step = if version == 32 {
            26
        } else {
            (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        };
        if i == 0 {
            6
        } else {
            version * 4 + 10 - (count - 1 - i) * step
        }
    }

    /// GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1 (0x11D), multiplying through exponent and
    /// logarithm tables of the generator 2. The tables are made once per symbol (255 steps, on
    /// the stack) rather than shipped: 512 bytes the `.wasm` does not carry, and a product in two
    /// lookups instead of eight shift-and-add rounds (Reed–Solomon was a tenth of a symbol's time).
    pub struct Field {
        exp: [u8; 256],
        log: [u8; 256],
    }

    impl Field {
        pub fn new() -> Self {
            let mut field = Self {
                exp: [0; 256],
                log: [0; 256],
            };
            let mut x: usize = 1;
            for i in 0..255u8 {
                if let Some(e) = field.exp.get_mut(usize::from(i)) {
                    *e = x as u8;
                }
                if let Some(l) = field.log.get_mut(x) {
                    *l = i;
                }
                x = (x << 1) ^ ((x >> 7) * 0x11D);
            }
            field
        }

        pub fn mul(&self, a: u8, b: u8) -> u8 {
            if a == 0 || b == 0 {
                return 0;
            }
            let log = |v: u8| usize::from(self.log.get(usize::from(v)).copied().unwrap_or(0));
            let sum = log(a) + log(b);
            let exp = if sum >= 255 { sum - 255 } else { sum };
            self.exp.get(exp).copied().unwrap_or(0)
        }
    }

    /// The Reed–Solomon generator polynomial of `degree`, highest coefficient dropped.
    pub fn rs_divisor(field: &Field, degree: usize) -> alloc::vec::Vec<u8> {
        let mut result = alloc::vec![0u8; degree];
        if let Some(last) = result.last_mut() {
            *last = 1;
        }
        let mut root = 1u8;
        for _ in 0..degree {
            for j in 0..degree {
                let next = result.get(j + 1).copied().unwrap_or(0);
                if let Some(r) = result.get_mut(j) {
                    *r = field.mul(*r, root) ^ next;
                }
            }
            root = field.mul(root, 0x02);
        }
        result
    }

    /// The error-correction codewords: the remainder of `data` divided by `divisor`.
    pub fn rs_remainder(field: &Field, data: &[u8], divisor: &[u8]) -> alloc::vec::Vec<u8> {
        let mut result = alloc::vec![0u8; divisor.len()];
        for &b in data {
            let factor = b ^ result.first().copied().unwrap_or(0);
            result.rotate_left(1);
            if let Some(last) = result.last_mut() {
                *last = 0;
            }
            for (r, &d) in result.iter_mut().zip(divisor) {
                *r ^= field.mul(d, factor);
            }
        }
        result
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
}

use math::*;

/// Bits of the character count in byte mode (§7.4.1, table 3).
fn count_bits(version: usize) -> u32 {
    if version <= 9 { 8 } else { 16 }
}

fn byte_mode_bits(version: usize, len: usize) -> usize {
    len.saturating_mul(8)
        .saturating_add(4)
        .saturating_add(count_bits(version) as usize)
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

/// Mode indicator, character count, the bytes, terminator and padding (§7.4). The mode (4
/// bits) and the count (8 or 16) put every byte 4 bits off the byte grid, so they are written a
/// nibble late, and the 4-bit terminator always fits and ends on a byte (the version was chosen
/// to hold the rest, and capacities are whole bytes).
fn data_codewords(data: &[u8], version: usize, ecc: Ecc) -> Vec<u8> {
    let capacity = data_codeword_count(version, ecc);
    let mut bytes = Vec::with_capacity(capacity);
    // 0100 (byte mode), then the count; texts are at most MAX_QR_BYTES long.
    let count_bits = count_bits(version);
    let header = 0b0100 << count_bits | data.len() as u32;
    if count_bits == 16 {
        bytes.push((header >> 12) as u8);
    }
    bytes.push((header >> 4) as u8);
    let mut carry = header as u8 & 0xF;
    for &b in data {
        bytes.push(carry << 4 | b >> 4);
        carry = b & 0xF;
    }
    bytes.push(carry << 4);
    let mut pad = 0xEC;
    while bytes.len() < capacity {
        bytes.push(pad);
        pad ^= 0xEC ^ 0x11;
    }
    bytes
}

/// Splits the data into blocks, appends each block's Reed–Solomon codewords and interleaves
/// them (§7.5, §7.6).
#[expect(
    clippy::arithmetic_side_effects,
    reason = "at most 81 blocks of at most 153 codewords (version 40)"
)]
fn add_ecc_and_interleave(data: &[u8], version: usize, ecc: Ecc) -> Vec<u8> {
    let blocks = table(&ERROR_CORRECTION_BLOCKS, ecc, version).max(1);
    let ecc_len = table(&ECC_CODEWORDS_PER_BLOCK, ecc, version);
    let raw = raw_data_modules(version) / 8;
    // Short blocks first; the long ones hold one data codeword more.
    let short_blocks = blocks - raw % blocks;
    let short_data = (raw / blocks).saturating_sub(ecc_len);
    let field = Field::new();
    let divisor = rs_divisor(&field, ecc_len);
    let mut out = vec![0u8; raw];
    let mut rest = data;
    for b in 0..blocks {
        let (block, tail) =
            rest.split_at((short_data + usize::from(b >= short_blocks)).min(rest.len()));
        rest = tail;
        // Codeword i of every block, then i + 1; the long blocks' last data codewords after
        // every other data codeword, then the error correction the same way.
        for (i, &byte) in block.iter().enumerate() {
            let at = if i < short_data {
                i * blocks + b
            } else {
                short_data * blocks + b - short_blocks
            };
            if let Some(o) = out.get_mut(at) {
                *o = byte;
            }
        }
        for (i, byte) in rs_remainder(&field, block, &divisor)
            .into_iter()
            .enumerate()
        {
            if let Some(o) = out.get_mut(data.len() + i * blocks + b) {
                *o = byte;
            }
        }
    }
    out
}

/// One row of a symbol as bits: column `x` is bit `x % 64` of word `x / 64`; three words hold
/// the widest symbol (177 modules). Columns past the edge are 0 in the drawing; a masking may set
/// them, and every rule that reads a masking masks them off. The mask choice scores
/// eight maskings of the whole symbol, which took two thirds of a symbol's time module by
/// module (more in V8's baseline tier, where a process's or page's first QR runs). As rows of
/// bits it checks 64 columns in one operation, and the rules along the rows are the rules down
/// the columns of the transposed symbol, so one loop does both with no shifts.
type Row = [u64; WORDS];
const WORDS: usize = 3;
const EMPTY: Row = [0; WORDS];

// Word-wise logic over rows below 177: no arithmetic here can overflow.
#[expect(
    clippy::arithmetic_side_effects,
    reason = "counts of at most 177 × 177 modules, shifts by 1 of 64-bit words"
)]
mod rows {
    use super::{EMPTY, Row, count};

    /// The first `n` columns.
    pub fn first(n: usize) -> Row {
        core::array::from_fn(|i| match n.saturating_sub(i * 64).min(64) {
            0 => 0,
            k => !0 >> (64 - k),
        })
    }

    /// Points for the lines down the columns of `symbol` (`size` rows, columns under `valid`):
    /// five or more modules of one colour, 3 plus 1 per module beyond five (N1), and
    /// finder-like patterns, 40 each (N3): dark, light, three dark, light, dark, with four light
    /// modules above or below (each counts), the quiet zone counting as light.
    ///
    /// One word of columns at a time, and no closures: the browser build is optimized for size,
    /// which leaves them as calls, and this runs sixteen times per symbol.
    pub fn lines_down(symbol: &[Row], size: usize, valid: &Row) -> u32 {
        let mut penalty = 0;
        for (w, &columns) in valid.iter().enumerate().filter(|&(_, &c)| c != 0) {
            // Rows y − 4 to y + 10 of this word's columns, light outside the symbol.
            let mut window = [0u64; 15];
            for (i, slot) in window.iter_mut().enumerate().skip(4) {
                *slot = symbol
                    .get(i - 4)
                    .and_then(|r| r.get(w))
                    .copied()
                    .unwrap_or(0);
            }
            // Columns where the rows above started five of one colour.
            let mut above = 0;
            for y in 0..size {
                // Columns where rows y to y + 4 have one colour: a line of n ≥ 5 starts n − 4 of
                // them, so its n − 2 points are their count plus 2 per unbroken stretch.
                let run = if y + 4 < size {
                    columns
                        & !(window[4] ^ window[5])
                        & !(window[5] ^ window[6])
                        & !(window[6] ^ window[7])
                        & !(window[7] ^ window[8])
                } else {
                    0
                };
                penalty += run.count_ones() + 2 * (run & !above).count_ones();
                above = run;
                let core = columns
                    & window[4]
                    & !window[5]
                    & window[6]
                    & window[7]
                    & window[8]
                    & !window[9]
                    & window[10];
                let before = window[0] | window[1] | window[2] | window[3];
                let after = window[11] | window[12] | window[13] | window[14];
                penalty += 40 * ((core & !before).count_ones() + (core & !after).count_ones());
                window.copy_within(1.., 0);
                window[14] = symbol
                    .get(y + 11)
                    .and_then(|r| r.get(w))
                    .copied()
                    .unwrap_or(0);
            }
        }
        penalty
    }

    /// Points for 2×2 blocks of one colour, 3 each (N2), and for the dark share's distance
    /// from half, 10 per 5 % (N4).
    pub fn blocks_and_balance(symbol: &[Row], size: usize, valid: &Row) -> u32 {
        // Column x holds column x + 1.
        let next = |a: &Row| [a[0] >> 1 | a[1] << 63, a[1] >> 1 | a[2] << 63, a[2] >> 1];
        let mut penalty = 0;
        let mut dark = 0;
        for (y, row) in symbol.iter().enumerate() {
            dark += count(&and(row, valid));
            if let Some(below) = symbol.get(y + 1) {
                // Columns where this row and the next agree, and the column to the right too,
                // and the two columns of this row agree.
                let down = and(&agree(row, below), valid);
                let blocks = and(&and(&down, &next(&down)), &agree(row, &next(row)));
                penalty += 3 * count(&blocks);
            }
        }
        let total = size * size;
        let k = (dark as usize * 20)
            .abs_diff(total * 10)
            .div_ceil(total.max(1));
        penalty + 10 * (k.saturating_sub(1) as u32)
    }

    fn and(a: &Row, b: &Row) -> Row {
        [a[0] & b[0], a[1] & b[1], a[2] & b[2]]
    }

    /// Where `a` and `b` have the same colour.
    fn agree(a: &Row, b: &Row) -> Row {
        [!(a[0] ^ b[0]), !(a[1] ^ b[1]), !(a[2] ^ b[2])]
    }

    /// The penalty score (ISO/IEC 18004 §7.8.3) of `symbol`, `size` rows of `size` columns,
    /// given `transposed` too: the rules along its rows are the rules down its columns there.
    pub fn penalty(symbol: &[Row], transposed: &[Row], size: usize) -> u32 {
        let valid = first(size);
        lines_down(symbol, size, &valid)
            + lines_down(transposed, size, &valid)
            + blocks_and_balance(symbol, size, &valid)
    }

    /// `symbol` with rows and columns swapped.
    pub fn transpose(symbol: &[Row], size: usize) -> alloc::vec::Vec<Row> {
        let mut out = alloc::vec![EMPTY; size];
        for (y, row) in symbol.iter().enumerate() {
            for x in 0..size {
                if super::dark_at(row, x)
                    && let Some(word) = out.get_mut(x).and_then(|r| r.get_mut(y / 64))
                {
                    *word |= 1 << (y % 64);
                }
            }
        }
        out
    }
}

/// A symbol being drawn: its modules and which of them are function patterns (never masked),
/// as rows of bits.
///
/// The steps with long loops (placing the codewords, choosing the mask, the matrix out) are
/// `#[inline(never)]`, and scripts/build-pkg.sh keeps wasm-opt from inlining them back: V8
/// recompiles a wasm function with its optimizing compiler once it has run long enough, and with
/// the steps inlined into one 3.5 KB function that was a 10 ms job in the middle of a process's
/// or page's first QR, which it held up by as much. As small functions they are either never
/// recompiled during it or cheaply.
struct Symbol {
    version: usize,
    size: usize,
    dark: Vec<Row>,
    function: Vec<Row>,
}

/// How many modules of `row` are dark.
fn count(row: &Row) -> u32 {
    row.iter().map(|w| w.count_ones()).sum()
}

/// Whether column `x` of `row` is dark (false past its words).
fn dark_at(row: &Row, x: usize) -> bool {
    row.get(x / 64).is_some_and(|w| (w >> (x % 64)) & 1 == 1)
}

/// The module at (`x`, `y`) of `rows`, if the row is there.
fn bit(rows: &[Row], x: usize, y: usize) -> Option<bool> {
    rows.get(y).map(|row| dark_at(row, x))
}

fn set_bit(rows: &mut [Row], x: usize, y: usize, on: bool) {
    if let Some(word) = rows.get_mut(y).and_then(|r| r.get_mut(x / 64)) {
        let mask = 1u64 << (x % 64);
        *word = if on { *word | mask } else { *word & !mask };
    }
}

/// The mask patterns (ISO/IEC 18004 table 10) over 12 × 12 modules: bit x of `MASKS[m][y]` is
/// whether pattern m inverts the module at (x, y). Every pattern repeats every 6 columns and 12
/// rows (periods 1, 2, 3, 4 and 6). A table rather than the formulas: they ran 2 304 times a
/// symbol, and made the first QR of a process wait on V8's optimizing compiler; the tests hold
/// the table to the formulas.
const MASKS: [[u16; 12]; 8] = [
    [
        0x555, 0xAAA, 0x555, 0xAAA, 0x555, 0xAAA, 0x555, 0xAAA, 0x555, 0xAAA, 0x555, 0xAAA,
    ],
    [
        0xFFF, 0x000, 0xFFF, 0x000, 0xFFF, 0x000, 0xFFF, 0x000, 0xFFF, 0x000, 0xFFF, 0x000,
    ],
    [
        0x249, 0x249, 0x249, 0x249, 0x249, 0x249, 0x249, 0x249, 0x249, 0x249, 0x249, 0x249,
    ],
    [
        0x249, 0x924, 0x492, 0x249, 0x924, 0x492, 0x249, 0x924, 0x492, 0x249, 0x924, 0x492,
    ],
    [
        0x1C7, 0x1C7, 0xE38, 0xE38, 0x1C7, 0x1C7, 0xE38, 0xE38, 0x1C7, 0x1C7, 0xE38, 0xE38,
    ],
    [
        0xFFF, 0x041, 0x249, 0x555, 0x249, 0x041, 0xFFF, 0x041, 0x249, 0x555, 0x249, 0x041,
    ],
    [
        0xFFF, 0x1C7, 0x6DB, 0x555, 0xB6D, 0xC71, 0xFFF, 0x1C7, 0x6DB, 0x555, 0xB6D, 0xC71,
    ],
    [
        0x555, 0xE38, 0xC71, 0xAAA, 0x1C7, 0x38E, 0x555, 0xE38, 0xC71, 0xAAA, 0x1C7, 0x38E,
    ],
];

/// Mask pattern `mask` as rows of bits for rows y ≡ 0–11 (mod 12), or `transposed` (row x, bit
/// y): each word is its 12-bit row repeated, rotated to the word's first column.
#[expect(
    clippy::arithmetic_side_effects,
    reason = "indices below 12, shifts below 12"
)]
fn mask_rows(mask: u8, transposed: bool) -> [Row; 12] {
    // Bits 0, 12, 24, 36, 48 and 60: a 12-bit pattern times this repeats it across a word.
    const REPEAT: u64 = 0x1001_0010_0100_1001;
    let tile = MASKS.get(usize::from(mask)).copied().unwrap_or_default();
    core::array::from_fn(|i| {
        let twelve = if transposed {
            tile.iter()
                .enumerate()
                .fold(0, |acc, (j, &row)| acc | u64::from(row >> i & 1) << j)
        } else {
            tile.get(i).map_or(0, |&row| u64::from(row))
        };
        core::array::from_fn(|w| {
            let phase = w * 64 % 12;
            ((twelve >> phase | twelve << (12 - phase)) & 0xFFF).wrapping_mul(REPEAT)
        })
    })
}

/// `out` = `dark` with `pattern` (rows repeating every 12) inverting every module that is not
/// `function`. Columns past the edge take the pattern too: whatever reads them masks them off.
fn mask_into(out: &mut [Row], dark: &[Row], function: &[Row], pattern: &[Row; 12]) {
    for (y, ((out, dark), function)) in out.iter_mut().zip(dark).zip(function).enumerate() {
        let flips = pattern.get(y % 12).unwrap_or(&EMPTY);
        for (w, o) in out.iter_mut().enumerate() {
            let word = |r: &Row| r.get(w).copied().unwrap_or(0);
            *o = word(dark) ^ (word(flips) & !word(function));
        }
    }
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
        Self {
            version,
            size,
            dark: vec![EMPTY; size],
            function: vec![EMPTY; size],
        }
    }

    fn set_function(&mut self, x: usize, y: usize, dark: bool) {
        if x < self.size && y < self.size {
            set_bit(&mut self.dark, x, y, dark);
            set_bit(&mut self.function, x, y, true);
        }
    }

    fn is_function(&self, x: usize, y: usize) -> bool {
        !(x < self.size && y < self.size) || bit(&self.function, x, y).unwrap_or(true)
    }

    fn draw_function_patterns(&mut self, ecc: Ecc) {
        let size = self.size;
        for i in 0..size {
            self.set_function(6, i, i % 2 == 0);
            self.set_function(i, 6, i % 2 == 0);
        }
        let far = size.saturating_sub(4);
        for (x, y) in [(3, 3), (far, 3), (3, far)] {
            self.draw_rings(x, y, 4, 0b10100);
        }
        let version = self.version;
        let count = alignment_count(version);
        let last = count.saturating_sub(1);
        let at = |k| alignment_position(version, k);
        for i in 0..count {
            for j in 0..count {
                let on_finder = (i == 0 && (j == 0 || j == last)) || (i == last && j == 0);
                if !on_finder {
                    self.draw_rings(at(i), at(j), 2, 0b10);
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

    /// Square rings centred at (`cx`, `cy`) out to `radius`, dark but those whose distance
    /// is in `light` (a bit per distance), clipped to the symbol: a finder pattern with its
    /// separator (radius 4, light 2 and 4) or an alignment pattern (radius 2, light 1).
    fn draw_rings(&mut self, cx: usize, cy: usize, radius: i32, light: u32) {
        for dy in -radius..=radius {
            for dx in -radius..=radius {
                let dist = dx.unsigned_abs().max(dy.unsigned_abs());
                if let (Some(x), Some(y)) = (
                    cx.checked_add_signed(dx as isize),
                    cy.checked_add_signed(dy as isize),
                ) {
                    self.set_function(x, y, light >> dist & 1 == 0);
                }
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
    #[inline(never)]
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
                        set_bit(&mut self.dark, x, y, (byte >> (7 - i % 8)) & 1 == 1);
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

    /// The mask of lowest penalty (§7.8.3), the first of equals; each is scored with its own
    /// format bits drawn. Leaves the data unmasked.
    #[inline(never)]
    fn lowest_penalty_mask(&mut self, ecc: Ecc) -> u8 {
        let size = self.size;
        let function_t = rows::transpose(&self.function, size);
        let mut masked = vec![EMPTY; size];
        let mut masked_t = vec![EMPTY; size];
        let mut dark_t = rows::transpose(&self.dark, size);
        let mut best = (u32::MAX, 0);
        for mask in 0..8 {
            // The format bits are function modules, drawn and never masked. They lie in row
            // and column 8: the transposed copy takes those two lines again.
            self.draw_format_bits(ecc, mask);
            for i in 0..size {
                set_bit(&mut dark_t, i, 8, bit(&self.dark, 8, i).unwrap_or(false));
                set_bit(&mut dark_t, 8, i, bit(&self.dark, i, 8).unwrap_or(false));
            }
            mask_into(
                &mut masked,
                &self.dark,
                &self.function,
                &mask_rows(mask, false),
            );
            mask_into(&mut masked_t, &dark_t, &function_t, &mask_rows(mask, true));
            let penalty = rows::penalty(&masked, &masked_t, size);
            if penalty < best.0 {
                best = (penalty, mask);
            }
        }
        best.1
    }

    fn apply_mask(&mut self, mask: u8) {
        let dark = self.dark.clone();
        mask_into(
            &mut self.dark,
            &dark,
            &self.function,
            &mask_rows(mask, false),
        );
    }

    #[inline(never)]
    fn into_matrix(self) -> QrMatrix {
        let size = self.size;
        let mut modules = vec![false; size * size];
        for (row, out) in self.dark.iter().zip(modules.chunks_exact_mut(size.max(1))) {
            for (x, module) in out.iter_mut().enumerate() {
                *module = dark_at(row, x);
            }
        }
        QrMatrix { size, modules }
    }
}

#[cfg(test)]
#[allow(
    clippy::arithmetic_side_effects,
    reason = "test arithmetic on small symbols"
)]
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

    /// The penalty as it was scored before rows of bits, module by module over rows and
    /// columns: the oracle `rows::penalty` must equal on every symbol and mask (the mask it
    /// picks is then the same; the `qrcode` crate has no public penalty to compare with).
    fn reference_penalty(modules: &[bool], size: usize) -> u32 {
        fn line_penalty(line: impl Iterator<Item = bool>) -> u32 {
            // 0000 1011101 and 1011101 0000, newest module lowest.
            const BEFORE: u32 = 0x05D;
            const AFTER: u32 = 0x5D0;
            let (mut penalty, mut previous, mut run, mut window) = (0, None, 0u32, 0u32);
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
            for _ in 0..4 {
                window = (window << 1) & 0x7FF;
                if window == AFTER {
                    penalty += 40;
                }
            }
            penalty
        }
        let rows = modules.chunks_exact(size);
        let mut penalty: u32 = rows.clone().map(|r| line_penalty(r.iter().copied())).sum();
        penalty += (0..size)
            .map(|x| line_penalty(modules.iter().skip(x).step_by(size).copied()))
            .sum::<u32>();
        for (upper, lower) in rows.clone().zip(rows.skip(1)) {
            for (a, b) in upper.windows(2).zip(lower.windows(2)) {
                if a[0] == a[1] && a[0] == b[0] && a[0] == b[1] {
                    penalty += 3;
                }
            }
        }
        let dark = modules.iter().filter(|&&d| d).count();
        let total = modules.len();
        let k = (dark * 20).abs_diff(total * 10).div_ceil(total);
        penalty + 10 * (k.saturating_sub(1) as u32)
    }

    /// Whether mask pattern `mask` (0–7) inverts the module at column `x`, row `y`: the
    /// formulas of ISO/IEC 18004 table 10, the oracle for `MASKS`.
    fn mask_inverts(mask: u8, x: usize, y: usize) -> bool {
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

    fn and(a: Row, b: Row) -> Row {
        core::array::from_fn(|w| a[w] & b[w])
    }

    fn as_modules(symbol: &[Row], size: usize) -> Vec<bool> {
        (0..size * size)
            .map(|i| bit(symbol, i % size, i / size).unwrap())
            .collect()
    }

    #[test]
    fn mask_rows_are_the_mask_patterns() {
        for mask in 0..8 {
            let (rows, transposed) = (mask_rows(mask, false), mask_rows(mask, true));
            for y in 0..177 {
                for x in 0..177 {
                    let inverts = mask_inverts(mask, x, y);
                    assert_eq!(
                        bit(&rows, x, y % 12).unwrap(),
                        inverts,
                        "mask {mask} at ({x}, {y})"
                    );
                    assert_eq!(
                        bit(&transposed, y, x % 12).unwrap(),
                        inverts,
                        "mask {mask} at ({x}, {y}), transposed"
                    );
                }
            }
        }
    }

    #[test]
    fn bit_penalty_equals_the_module_by_module_one() {
        // Every version, every level, every mask, random data: the drawn symbols (function
        // patterns and all), then the same symbols with random modules, whose lines and blocks
        // are unlike real data's.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for version in 1..=40 {
            for ecc in [Ecc::L, Ecc::M, Ecc::Q, Ecc::H] {
                let capacity = data_codeword_count(version, ecc) - 3;
                let data: Vec<u8> = (0..capacity).map(|_| next() as u8).collect();
                let codewords =
                    add_ecc_and_interleave(&data_codewords(&data, version, ecc), version, ecc);
                let mut symbol = Symbol::new(version);
                symbol.draw_function_patterns(ecc);
                symbol.draw_codewords(&codewords);
                let size = symbol.size;
                for mask in 0..8 {
                    symbol.apply_mask(mask);
                    symbol.draw_format_bits(ecc, mask);
                    assert_eq!(
                        rows::penalty(&symbol.dark, &rows::transpose(&symbol.dark, size), size),
                        reference_penalty(&as_modules(&symbol.dark, size), size),
                        "v{version} {ecc:?} mask {mask}"
                    );
                    symbol.apply_mask(mask);
                }
                let mut noise: Vec<Row> = (0..size)
                    .map(|_| and([next(), next(), next()], rows::first(size)))
                    .collect();
                // Sparse and dense noise too, where long lines and finder patterns are common.
                for shape in 0..3 {
                    if shape > 0 {
                        for row in noise.iter_mut() {
                            let extra = [next(), next(), next()];
                            let mixed = if shape == 1 {
                                and(*row, extra)
                            } else {
                                core::array::from_fn(|w| row[w] | extra[w])
                            };
                            *row = and(mixed, rows::first(size));
                        }
                    }
                    assert_eq!(
                        rows::penalty(&noise, &rows::transpose(&noise, size), size),
                        reference_penalty(&as_modules(&noise, size), size),
                        "v{version} noise {shape}"
                    );
                }
            }
        }
    }
}
