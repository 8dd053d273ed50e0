//! QR encoding and SVG rendering with arbitrary text, ECC level, quiet zone, colours and title.
//!
//! Checks, beyond "no panic": colours are accepted exactly when they are `#rgb`, `#rrggbb` or a
//! listed name; the SVG is exactly the documented skeleton (so no option can add an element or
//! an attribute: no `<script`, no event handler, no reference), the title and aria-label are
//! the XML-escaped title, every character is legal XML 1.0, and the dark path, decoded back,
//! draws exactly the module matrix at the quiet-zone offset. The matrix itself is compared
//! module for module with the `qrcode` crate's (byte mode, same version and mask), the version
//! must be the smallest that holds the text, and the automatic symbol must be the `qrcode`
//! crate's for the mask its format bits name.
//!
//! No decoder reads the symbols here: `rqrr` misreads valid ones (a version 6-L symbol with mask
//! 2, fuzz/seeds/qr_svg/2c6cca13…, which the `qrcode` crate and node-qrcode draw module for
//! module the same and zbarimg reads byte-exact). tests/core/qr.rs and scripts/crosscheck.sh decode.
//!
//! Layout (see src/lib.rs): ecc u8 (bits 0–1 the level, bits 2–4 a mask for the differential),
//! quietZone u32, flags u8 (bit 0: title), dark u8, light u8
//! (0: default; 1..=8: a listed valid colour; otherwise the raw string), then NUL-separated
//! text, dark, light, title.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use totpkit::Error;
use totpkit::qr::{Ecc, MAX_QR_BYTES, MAX_QUIET_ZONE, QrMatrix, SvgOptions, render_svg};
use totpkit_fuzz::{Reader, text};

const LISTED: [&str; 8] = [
    "#000",
    "#fff",
    "#123456",
    "#A1b2C3",
    "black",
    "transparent",
    "navy",
    "darkslategray",
];
const NAMED: [&str; 12] = [
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

fn valid_colour(c: &str) -> bool {
    let hex = c.len() > 1
        && c.starts_with('#')
        && matches!(c.len(), 4 | 7)
        && c[1..].chars().all(|ch| ch.is_ascii_hexdigit());
    hex || NAMED.contains(&c)
}

fn pick(sel: u8, raw: &str) -> Option<String> {
    match sel {
        0 => None,
        1..=8 => Some(LISTED[usize::from(sel - 1)].into()),
        _ => Some(raw.into()),
    }
}

fn escaped(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters and the two non-characters XML 1.0 forbids are dropped.
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// XML 1.0 `Char`: what a standalone SVG file may contain.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn number(s: &str, i: &mut usize) -> i64 {
    let start = *i;
    let b = s.as_bytes();
    if b.get(*i) == Some(&b'-') {
        *i += 1;
    }
    while b.get(*i).is_some_and(u8::is_ascii_digit) {
        *i += 1;
    }
    s[start..*i]
        .parse()
        .unwrap_or_else(|_| panic!("bad number at {start} in {s}"))
}

/// Decodes the dark path (`M x y.5`, `m dx dy`, `h len`) back into dark module cells.
fn cells(d: &str) -> HashSet<(i64, i64)> {
    let mut out = HashSet::new();
    let (mut x, mut y) = (0i64, 0i64);
    let mut i = 0;
    let b = d.as_bytes();
    let mut first = true;
    while i < b.len() {
        let cmd = b[i];
        i += 1;
        match cmd {
            b'M' => {
                assert!(first, "absolute move after the first: {d}");
                x = number(d, &mut i);
                assert_eq!(b[i], b' ');
                i += 1;
                y = number(d, &mut i);
                assert_eq!(&d[i..i + 2], ".5", "row centre");
                i += 2;
            }
            b'm' => {
                assert!(!first, "relative move first: {d}");
                x += number(d, &mut i);
                assert_eq!(b[i], b' ');
                i += 1;
                y += number(d, &mut i);
            }
            b'h' => {
                let len = number(d, &mut i);
                assert!(len > 0, "empty run in {d}");
                for cx in x..x + len {
                    assert!(out.insert((cx, y)), "module drawn twice in {d}");
                }
                x += len;
            }
            other => panic!("unexpected {:?} in path {d}", char::from(other)),
        }
        first = false;
    }
    out
}

fn level(ecc: Ecc) -> qrcode::EcLevel {
    match ecc {
        Ecc::L => qrcode::EcLevel::L,
        Ecc::M => qrcode::EcLevel::M,
        Ecc::Q => qrcode::EcLevel::Q,
        Ecc::H => qrcode::EcLevel::H,
    }
}

/// The `qrcode` crate's symbol for `text` in byte mode at `version` with `mask`, or `None` when
/// the text does not fit that version.
fn reference(text: &str, version: i16, ecc: Ecc, mask: u8) -> Option<Vec<bool>> {
    use qrcode::canvas::{Canvas, MaskPattern};
    use qrcode::{Version, bits::Bits, ec};
    let v = Version::Normal(version);
    let mut bits = Bits::new(v);
    bits.push_byte_data(text.as_bytes()).ok()?;
    bits.push_terminator(level(ecc)).ok()?;
    let (data, ecc_words) = ec::construct_codewords(&bits.into_bytes(), v, level(ecc)).ok()?;
    let mut canvas = Canvas::new(v, level(ecc));
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ecc_words);
    canvas.apply_mask(
        [
            MaskPattern::Checkerboard,
            MaskPattern::HorizontalLines,
            MaskPattern::VerticalLines,
            MaskPattern::DiagonalLines,
            MaskPattern::LargeCheckerboard,
            MaskPattern::Fields,
            MaskPattern::Diamonds,
            MaskPattern::Meadow,
        ][usize::from(mask)],
    );
    Some(
        canvas
            .into_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
    )
}

/// Whether `text` fits `version` at `ecc` in byte mode, according to the `qrcode` crate.
fn fits(text: &str, version: i16, ecc: Ecc) -> bool {
    let mut bits = qrcode::bits::Bits::new(qrcode::Version::Normal(version));
    bits.push_byte_data(text.as_bytes()).is_ok() && bits.push_terminator(level(ecc)).is_ok()
}

/// The mask pattern a symbol declares in its first copy of the format information
/// (ISO/IEC 18004 §7.9: 15 bits around the top-left finder, XORed with 0x5412).
fn declared_mask(m: &QrMatrix) -> u8 {
    let mut bits = 0u32;
    let mut put = |i: u32, x: usize, y: usize| {
        if m.is_dark(x, y) {
            bits |= 1 << i;
        }
    };
    for i in 0..6 {
        put(i, 8, i as usize);
    }
    put(6, 8, 7);
    put(7, 8, 8);
    put(8, 7, 8);
    for i in 9..15 {
        put(i, 14 - i as usize, 8);
    }
    (((bits ^ 0x5412) >> 10) & 7) as u8
}

fn check_matrix(text: &str, ecc: Ecc, mask: u8, auto: &QrMatrix) {
    let size = auto.size();
    let version = ((size - 17) / 4) as i16;
    // The smallest version that holds the text.
    assert!(
        fits(text, version, ecc),
        "v{version} cannot hold {} bytes",
        text.len()
    );
    if version > 1 {
        assert!(!fits(text, version - 1, ecc), "v{} would do", version - 1);
    }
    let fixed = QrMatrix::encode_with_mask(text, ecc, Some(mask)).expect("same text, fixed mask");
    assert_eq!(fixed.size(), size);
    assert_eq!(
        declared_mask(&fixed),
        mask,
        "format information names another mask"
    );
    assert_eq!(
        Some(fixed.modules().to_vec()),
        reference(text, version, ecc, mask),
        "v{version} {ecc:?} mask {mask}: differs from the qrcode crate"
    );
    // The automatic choice is one of the eight symbols: the one its format bits name.
    let chosen = declared_mask(auto);
    if chosen != mask {
        assert_eq!(
            QrMatrix::encode_with_mask(text, ecc, Some(chosen)).as_ref(),
            Ok(auto),
            "the automatic symbol is not the one for its declared mask {chosen}"
        );
        assert_eq!(
            Some(auto.modules().to_vec()),
            reference(text, version, ecc, chosen),
            "v{version} {ecc:?} automatic mask {chosen}: differs from the qrcode crate"
        );
    } else {
        assert_eq!(&fixed, auto);
    }
    assert_eq!(
        QrMatrix::encode_with_mask(text, ecc, Some(8 + mask)).map(|_| ()),
        Err(Error::InvalidOptions)
    );
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let ecc_byte = r.u8();
    let ecc = [Ecc::L, Ecc::M, Ecc::Q, Ecc::H][usize::from(ecc_byte % 4)];
    let mask = (ecc_byte >> 2) % 8;
    let quiet = r.u32();
    let flags = r.u8();
    let (dark_sel, light_sel) = (r.u8(), r.u8());
    let parts = r.strings(4);
    let (body, dark_raw, light_raw, title_raw) = (
        text(parts[0]),
        text(parts[1]),
        text(parts[2]),
        text(parts[3]),
    );

    // Options: each setter accepts exactly what the README documents.
    let mut opts = SvgOptions::default();
    let (mut want_dark, mut want_light) = (String::from("#000"), String::from("#fff"));
    let quiet = if quiet.is_multiple_of(3) { quiet } else { quiet % 70 };
    match opts.clone().quiet_zone(quiet) {
        Ok(o) => {
            assert!(quiet <= MAX_QUIET_ZONE);
            opts = o;
        }
        Err(e) => assert!(e == Error::InvalidOptions && quiet > MAX_QUIET_ZONE),
    }
    if let Some(dark) = pick(dark_sel, &dark_raw) {
        match opts.clone().dark(&dark) {
            Ok(o) => {
                assert!(valid_colour(&dark), "accepted dark {dark:?}");
                opts = o;
                want_dark = dark;
            }
            Err(e) => assert!(
                e == Error::InvalidOptions && !valid_colour(&dark),
                "refused {dark:?}"
            ),
        }
    }
    if let Some(light) = pick(light_sel, &light_raw) {
        match opts.clone().light(&light) {
            Ok(o) => {
                assert!(valid_colour(&light), "accepted light {light:?}");
                opts = o;
                want_light = light;
            }
            Err(e) => assert!(
                e == Error::InvalidOptions && !valid_colour(&light),
                "refused {light:?}"
            ),
        }
    }
    let title = (flags & 1 == 1).then_some(title_raw);
    if let Some(t) = &title {
        opts = opts.title(t);
    }

    // Byte-mode capacity of version 40 at L, M, Q, H.
    let capacity = match ecc {
        Ecc::L => MAX_QR_BYTES,
        Ecc::M => 2331,
        Ecc::Q => 1663,
        Ecc::H => 1273,
    };
    let matrix = match QrMatrix::encode(&body, ecc) {
        Ok(m) => m,
        Err(e) => {
            assert_eq!(e, Error::QrTooLong);
            assert!(
                body.len() > capacity,
                "{} bytes refused at {ecc:?}",
                body.len()
            );
            return;
        }
    };
    assert!(
        body.len() <= capacity,
        "{} bytes accepted at {ecc:?}",
        body.len()
    );
    let size = matrix.size();
    assert!((21..=177).contains(&size) && size % 4 == 1, "size {size}");
    assert_eq!(matrix.modules().len(), size * size);

    check_matrix(&body, ecc, mask, &matrix);

    let svg = render_svg(&matrix, &opts);
    // A refused quiet zone leaves the default (4) in place.
    let q = if quiet <= MAX_QUIET_ZONE {
        quiet as usize
    } else {
        4
    };
    let full = size + 2 * q;
    let mut head = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" shape-rendering=\"crispEdges\""
    );
    match &title {
        Some(t) => {
            let e = escaped(t);
            head.push_str(&format!(
                " role=\"img\" aria-label=\"{e}\"><title>{e}</title>"
            ));
        }
        None => head.push('>'),
    }
    head.push_str(&format!(
        "<path fill=\"{want_light}\" d=\"M0 0h{full}v{full}H0z\"/><path stroke=\"{want_dark}\" d=\""
    ));
    assert!(
        svg.starts_with(&head),
        "skeleton differs:\n{svg}\nwant prefix:\n{head}"
    );
    let d = svg[head.len()..]
        .strip_suffix("\"/></svg>")
        .unwrap_or_else(|| panic!("bad tail: {svg}"));
    assert!(d.bytes().all(|b| b"Mmh .-0123456789".contains(&b)), "{d}");
    assert!(!svg.to_ascii_lowercase().contains("<script"));
    assert_eq!(
        svg.matches('<').count(),
        if title.is_some() { 6 } else { 4 }
    );
    if let Some(bad) = svg.chars().find(|&c| !xml_char(c)) {
        panic!(
            "character U+{:04X} is not allowed in XML 1.0",
            u32::from(bad)
        );
    }

    let drawn = cells(d);
    let q = q as i64;
    let mut dark = 0;
    for y in 0..size {
        for x in 0..size {
            if matrix.is_dark(x, y) {
                dark += 1;
                assert!(
                    drawn.contains(&(x as i64 + q, y as i64 + q)),
                    "module ({x},{y}) missing"
                );
            }
        }
    }
    assert_eq!(drawn.len(), dark, "extra modules drawn");
});
