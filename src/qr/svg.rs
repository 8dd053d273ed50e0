//! QR module matrix → a compact, standalone SVG string, and the policy that keeps it inert:
//! colours come from a closed list and the title is XML-escaped, so no option can put markup,
//! a `url(...)` reference or CSS into the image.
//!
//! The drawing is one background path and one stroked path whose horizontal runs are joined by
//! relative moves (`m2 0h7`): smaller than a rectangle per module. It has a `viewBox` and no
//! size, so CSS scales it; `shape-rendering="crispEdges"` keeps module edges sharp.

use alloc::string::String;

use super::QrMatrix;
use crate::error::{Error, Result};
use crate::otpauth::push_decimal;

/// Quiet zone ISO/IEC 18004 requires around the symbol, in modules.
pub const DEFAULT_QUIET_ZONE: u32 = 4;
/// Largest quiet zone accepted.
pub const MAX_QUIET_ZONE: u32 = 64;

/// How to draw the SVG. Build it with [`SvgOptions::default`] and the checked setters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvgOptions {
    quiet_zone: u32,
    dark: String,
    light: String,
    title: Option<String>,
}

impl Default for SvgOptions {
    /// A 4-module quiet zone, black on white, no title.
    fn default() -> Self {
        Self {
            quiet_zone: DEFAULT_QUIET_ZONE,
            dark: "#000".into(),
            light: "#fff".into(),
            title: None,
        }
    }
}

/// Named colours accepted besides `#rgb` and `#rrggbb`: a closed list, so no option can smuggle
/// markup, `url(...)` references or CSS into the SVG.
const NAMED_COLOURS: [&str; 12] = [
    "black",
    "white",
    "transparent",
    "navy",
    "darkblue",
    "darkgreen",
    "darkred",
    "maroon",
    "purple",
    "teal",
    "indigo",
    "darkslategray",
];

fn check_colour(text: &str) -> Result<String> {
    let hex = text
        .strip_prefix('#')
        .is_some_and(|h| matches!(h.len(), 3 | 6) && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if hex || NAMED_COLOURS.contains(&text) {
        Ok(text.into())
    } else {
        Err(Error::InvalidOptions)
    }
}

impl SvgOptions {
    /// Modules of light margin around the symbol (0–64; scanners need 4).
    pub fn quiet_zone(mut self, modules: u32) -> Result<Self> {
        if modules > MAX_QUIET_ZONE {
            return Err(Error::InvalidOptions);
        }
        self.quiet_zone = modules;
        Ok(self)
    }

    /// Dark-module colour: `#rgb`, `#rrggbb` or a named colour from a short list.
    pub fn dark(mut self, colour: &str) -> Result<Self> {
        self.dark = check_colour(colour)?;
        Ok(self)
    }

    /// Background colour: `#rgb`, `#rrggbb` or a named colour from a short list.
    pub fn light(mut self, colour: &str) -> Result<Self> {
        self.light = check_colour(colour)?;
        Ok(self)
    }

    /// Whether a title was set.
    pub fn has_title(&self) -> bool {
        self.title.is_some()
    }

    /// An accessible name: the SVG gets `role="img"`, `aria-label` and a `<title>`.
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.into());
        self
    }
}

/// Renders a matrix as a standalone `<svg>` element (no XML prolog, so it inlines in HTML).
pub fn render_svg(matrix: &QrMatrix, opts: &SvgOptions) -> String {
    let size = matrix.size();
    let quiet = opts.quiet_zone as usize;
    let full = size.saturating_add(quiet.saturating_mul(2)) as u64;
    let mut svg = String::with_capacity(size.saturating_mul(size).saturating_add(400));
    svg.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
    push_decimal(full, &mut svg);
    svg.push(' ');
    push_decimal(full, &mut svg);
    svg.push_str("\" shape-rendering=\"crispEdges\"");
    if let Some(title) = &opts.title {
        svg.push_str(" role=\"img\" aria-label=\"");
        push_escaped(title, &mut svg);
        svg.push_str("\"><title>");
        push_escaped(title, &mut svg);
        svg.push_str("</title>");
    } else {
        svg.push('>');
    }
    svg.push_str("<path fill=\"");
    svg.push_str(&opts.light);
    svg.push_str("\" d=\"M0 0h");
    push_decimal(full, &mut svg);
    svg.push('v');
    push_decimal(full, &mut svg);
    svg.push_str("H0z\"/><path stroke=\"");
    svg.push_str(&opts.dark);
    svg.push_str("\" d=\"");
    push_runs(matrix, quiet as i64, &mut svg);
    svg.push_str("\"/></svg>");
    svg
}

/// One `h` segment per horizontal run of dark modules, drawn along the row's centre line
/// (stroke width 1), joined by relative moves from where the pen stopped.
fn push_runs(matrix: &QrMatrix, quiet: i64, out: &mut String) {
    let size = matrix.size();
    // Pen position in modules; the y coordinate is the row's centre, so it is tracked as the
    // row index and the first move adds the half.
    let mut pen: Option<(i64, i64)> = None;
    for (y, row) in matrix.modules().chunks_exact(size.max(1)).enumerate() {
        let mut x = 0usize;
        // The next dark module, and the light one (or the edge) that ends its run.
        while let Some(start) = row
            .iter()
            .skip(x)
            .position(|&d| d)
            .map(|p| p.saturating_add(x))
        {
            x = row
                .iter()
                .skip(start)
                .position(|&d| !d)
                .map_or(size, |p| p.saturating_add(start));
            let (sx, sy) = (
                (start as i64).saturating_add(quiet),
                (y as i64).saturating_add(quiet),
            );
            match pen {
                None => {
                    out.push('M');
                    push_decimal(sx as u64, out);
                    out.push(' ');
                    push_decimal(sy as u64, out);
                    out.push_str(".5");
                }
                Some((px, py)) => {
                    out.push('m');
                    push_signed(sx.saturating_sub(px), out);
                    out.push(' ');
                    push_signed(sy.saturating_sub(py), out);
                }
            }
            let len = x.saturating_sub(start) as u64;
            out.push('h');
            push_decimal(len, out);
            pen = Some((sx.saturating_add(len as i64), sy));
        }
    }
}

fn push_signed(n: i64, out: &mut String) {
    if n < 0 {
        out.push('-');
    }
    push_decimal(n.unsigned_abs(), out);
}

/// XML-escapes text for both attribute values and element content.
fn push_escaped(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters, U+FFFE and U+FFFF are not XML 1.0 characters: an XML parser
            // (an <img> of the SVG, rsvg, DOMParser) would refuse the whole image. Drop them.
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::{Ecc, svg_for};

    #[test]
    fn colours() {
        for ok in ["#000", "#A1b2C3", "white", "transparent"] {
            assert!(SvgOptions::default().dark(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "#00",
            "#0000",
            "#ggg",
            "red;",
            "url(#x)",
            "\"/><script>",
            "Black",
            "#000\"",
        ] {
            assert_eq!(
                SvgOptions::default().light(bad),
                Err(Error::InvalidOptions),
                "{bad}"
            );
        }
    }

    #[test]
    fn title_is_escaped() {
        let opts = SvgOptions::default().title("\"/><script>alert('x')</script>&");
        let svg = svg_for("x", Ecc::M, &opts).unwrap();
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&quot;/&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"));
    }

    #[test]
    fn quiet_zone_and_size() {
        let m = QrMatrix::encode("hello", Ecc::M).unwrap();
        assert_eq!(m.size(), 21);
        assert_eq!(m.modules().len(), 441);
        let svg = render_svg(&m, &SvgOptions::default());
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 29 29\""));
        // The finder pattern's top row starts at the quiet zone.
        assert!(svg.contains("d=\"M4 4.5h7"));
        assert_eq!(
            SvgOptions::default().quiet_zone(65),
            Err(Error::InvalidOptions)
        );
    }
}
