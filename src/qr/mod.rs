//! Text → QR module matrix (ISO/IEC 18004, model 2, byte mode) → a compact, standalone SVG
//! string, so an enrollment QR is drawn in the page and the secret never goes to a QR service.
//!
//! The encoder is written here rather than taken from the `qrcode` crate, which it replaced:
//! that crate cost about 10 KB of the `.wasm` every page downloads, and its mask selection took
//! 1.2 ms per code (4× slower than node-qrcode in JS). This one follows Project Nayuki's
//! reference design (byte mode only, which every otpauth URI needs anyway: lowercase letters
//! and `%` rule out the denser modes), and the tests hold it to independent decoders (zbarimg,
//! rqrr, jsQR) and to the `qrcode` crate's own matrices, module for module.
//!
//! The SVG is smaller than node-qrcode's output for the same text, and nothing in it can run
//! or fetch (see `svg.rs`).
//!
//! | file | what it is for |
//! |---|---|
//! | `encode.rs` | text → [`QrMatrix`]: data codewords, Reed–Solomon blocks, drawing, masking |
//! | `tables.rs` | the standard's per-version tables (error-correction codewords and blocks) |
//! | `svg.rs` | [`QrMatrix`] → SVG string: [`SvgOptions`], the closed colour list, XML escaping |

use alloc::string::String;

use crate::error::{Error, Result};

mod encode;
mod svg;
mod tables;

pub use encode::QrMatrix;
pub use svg::{DEFAULT_QUIET_ZONE, MAX_QUIET_ZONE, SvgOptions, render_svg};

/// Most bytes any QR code holds (version 40, level L, byte mode). Longer text is refused before
/// any work is done.
pub const MAX_QR_BYTES: usize = 2953;

/// Error-correction level: how much of the symbol may be damaged and still read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Ecc {
    /// About 7 %.
    L,
    /// About 15 %: the default, a good balance for screens.
    #[default]
    M,
    /// About 25 %.
    Q,
    /// About 30 %.
    H,
}

impl Ecc {
    /// Parses `"L"`, `"M"`, `"Q"` or `"H"` (any case).
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "L" | "l" => Ok(Self::L),
            "M" | "m" => Ok(Self::M),
            "Q" | "q" => Ok(Self::Q),
            "H" | "h" => Ok(Self::H),
            _ => Err(Error::InvalidOptions),
        }
    }

    /// Row in the tables below.
    const fn index(self) -> usize {
        match self {
            Self::L => 0,
            Self::M => 1,
            Self::Q => 2,
            Self::H => 3,
        }
    }

    /// The two format-information bits (ISO/IEC 18004 table 12).
    const fn format_bits(self) -> u32 {
        match self {
            Self::L => 1,
            Self::M => 0,
            Self::Q => 3,
            Self::H => 2,
        }
    }
}

/// Encodes and renders in one call.
pub fn svg_for(text: &str, ecc: Ecc, opts: &SvgOptions) -> Result<String> {
    Ok(render_svg(&QrMatrix::encode(text, ecc)?, opts))
}
