//! The QR renderer checked by someone else's decoders: a golden SVG for one fixed URI that must
//! also decode (so the golden file cannot be wrong unnoticed), 200+ random otpauth URIs drawn,
//! rasterized by `rsvg-convert` and read back byte-exact by `zbarimg`, and matrices decoded by
//! the independent `rqrr` crate. Set `TOTPKIT_BLESS=1` to rewrite the golden file.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::Rng;
use totpkit::qr::{Ecc, QrMatrix, SvgOptions, render_svg, svg_for};
use totpkit::{Algorithm, KeyUri, OtpKind, OtpParams, Secret};

/// The 135-character enrollment URI the size comparison with node-qrcode uses.
pub const URI_135: &str = "otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Rasterizes an SVG file with rsvg-convert and decodes it with zbarimg; returns the raw bytes.
fn zbar_decode(svg: &Path) -> Vec<u8> {
    let png = std::env::temp_dir().join(format!(
        "totpkit-qr-{}-{}.png",
        std::process::id(),
        svg.file_stem().unwrap().to_string_lossy()
    ));
    let status = Command::new("rsvg-convert")
        .args(["--width", "600", "--background-color", "white", "-o"])
        .arg(&png)
        .arg(svg)
        .status()
        .expect("rsvg-convert must be installed (scripts/setup.sh)");
    assert!(status.success(), "rsvg-convert failed on {}", svg.display());
    let out = Command::new("zbarimg")
        .args([
            "--quiet",
            "--raw",
            "-Sbinary",
            "-Sdisable",
            "-Sqrcode.enable",
        ])
        .arg(&png)
        .output()
        .expect("zbarimg must be installed (scripts/setup.sh)");
    assert!(
        out.status.success(),
        "zbarimg found no QR code in {}",
        png.display()
    );
    let _ = std::fs::remove_file(&png);
    let mut bytes = out.stdout;
    // --raw ends the symbol with a newline.
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    bytes
}

/// Decodes with the independent `rqrr` crate at 4 pixels per module, then 6 and 9: its sampling
/// is not exact at small scales and it occasionally reports a data ECC error on a valid symbol
/// (about one random symbol in 8 000 at 4 px). `None` when no scale reads it.
fn rqrr_read(matrix: &QrMatrix) -> Option<String> {
    const QUIET: usize = 4;
    [4usize, 6, 9].into_iter().find_map(|scale| {
        let side = (matrix.size() + 2 * QUIET) * scale;
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (mx, my) = (
                (x / scale).wrapping_sub(QUIET),
                (y / scale).wrapping_sub(QUIET),
            );
            if matrix.is_dark(mx, my) { 0 } else { 255 }
        });
        img.detect_grids()
            .iter()
            .find_map(|g| g.decode().ok().map(|(_, text)| text))
    })
}

fn rqrr_decode(matrix: &QrMatrix) -> String {
    rqrr_read(matrix).expect("rqrr decodes the symbol at some scale")
}

/// The mask a symbol's format bits name (the first copy, around the top-left finder).
fn declared_mask(m: &QrMatrix) -> u8 {
    let mut bits = 0u32;
    let positions = (0..=5)
        .map(|i| (8, i))
        .chain([(8, 7), (8, 8), (7, 8)])
        .chain((9..15).map(|i| (14 - i, 8)));
    for (i, (x, y)) in positions.enumerate() {
        bits |= u32::from(m.is_dark(x, y)) << i;
    }
    (((bits ^ 0x5412) >> 10) & 7) as u8
}

#[test]
fn golden_svg_for_the_135_character_uri() {
    assert_eq!(URI_135.len(), 135);
    let svg = svg_for(URI_135, Ecc::M, &SvgOptions::default()).unwrap();
    let golden = data("qr-golden-135-M.svg");
    if std::env::var_os("TOTPKIT_BLESS").is_some() {
        std::fs::write(&golden, &svg).unwrap();
    }
    assert_eq!(
        svg,
        std::fs::read_to_string(&golden).unwrap(),
        "render differs from {}",
        golden.display()
    );
    // The golden file itself must decode to the URI, so it cannot be wrong unnoticed.
    assert_eq!(zbar_decode(&golden), URI_135.as_bytes());
    eprintln!(
        "SVG for the 135-character URI at ECC M: {} bytes",
        svg.len()
    );
}

#[test]
fn rqrr_decodes_every_level() {
    for ecc in [Ecc::L, Ecc::M, Ecc::Q, Ecc::H] {
        let m = QrMatrix::encode(URI_135, ecc).unwrap();
        assert_eq!(rqrr_decode(&m), URI_135, "{ecc:?}");
    }
}

fn random_label(rng: &mut Rng, max: usize) -> String {
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "7",
        " ",
        "@",
        ".",
        "-",
        "_",
        "+",
        "&",
        "=",
        "?",
        "/",
        "%",
        "#",
        "é",
        "ü",
        "ß",
        "日本",
        "株式会社",
        "Ω",
        "😀",
        "🔐",
        "Ünïcödé",
        "ACME",
        "Co.",
    ];
    let n = 1 + rng.below(max as u64) as usize;
    let s: String = (0..n).map(|_| *rng.pick(PIECES)).collect();
    let s = s.trim().to_string();
    if s.is_empty() { "x".into() } else { s }
}

#[test]
fn zbarimg_reads_back_240_random_otpauth_uris_byte_exact() {
    let mut rng = Rng::from_env("qr-zbarimg");
    let dir = tempdir();
    let levels = [Ecc::L, Ecc::M, Ecc::Q, Ecc::H];
    let algorithms = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];
    let mut jobs = Vec::new();
    for i in 0..240 {
        let len = 10 + rng.below(55) as usize;
        let secret = Secret::from_bytes(&rng.bytes(len)).unwrap();
        let params = OtpParams::new(
            *rng.pick(&algorithms),
            6 + rng.below(3) as u32,
            *rng.pick(&[30, 30, 60, 15, 90]),
        )
        .unwrap();
        let issuer = (rng.below(5) != 0).then(|| random_label(&mut rng, 8));
        let account = random_label(&mut rng, if i % 10 == 0 { 60 } else { 12 });
        let mut key = KeyUri::totp(secret, &account, issuer.as_deref(), params);
        if i % 17 == 0 {
            key.kind = OtpKind::Hotp {
                counter: rng.below(1 << 40),
            };
        }
        let uri = key.to_uri().unwrap();
        let ecc = levels[i % 4];
        let svg = match svg_for(&uri, ecc, &SvgOptions::default()) {
            Ok(svg) => svg,
            Err(totpkit::Error::QrTooLong) => continue,
            Err(e) => panic!("{e}"),
        };
        let path = dir.join(format!("{i}.svg"));
        std::fs::write(&path, svg).unwrap();
        jobs.push((path, uri, ecc));
    }
    assert!(jobs.len() >= 200, "only {} URIs fit a QR code", jobs.len());
    // Two workers: the machine has two cores.
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(jobs.len().div_ceil(2))
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .filter(|(path, uri, _)| zbar_decode(path) != uri.as_bytes())
                        .map(|(_, uri, ecc)| format!("{ecc:?} {uri}"))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "zbarimg read back differently:\n{}",
        failures.join("\n")
    );
    eprintln!(
        "zbarimg: {} of {} random URIs decoded byte-exact",
        jobs.len(),
        jobs.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rqrr_decodes_200_random_matrices() {
    let mut rng = Rng::from_env("qr-rqrr");
    let mut unread = 0;
    for i in 0..200 {
        let len = 1 + rng.below(300) as usize;
        let text: String = (0..len)
            .map(|_| char::from(b' ' + rng.below(95) as u8))
            .collect();
        let ecc = [Ecc::L, Ecc::M, Ecc::Q, Ecc::H][i % 4];
        let m = QrMatrix::encode(&text, ecc).unwrap();
        match rqrr_read(&m) {
            Some(read) => assert_eq!(read, text, "{ecc:?}"),
            // rqrr's rare misread of a valid symbol: then it must be, module for module, the
            // symbol the qrcode crate draws for the same text, version and mask.
            None => {
                unread += 1;
                let version = ((m.size() - 17) / 4) as i16;
                assert_eq!(
                    m.modules(),
                    qrcode_crate_matrix(&text, version, ecc, declared_mask(&m)),
                    "{ecc:?} {text:?}"
                );
            }
        }
    }
    assert!(unread <= 2, "rqrr could not read {unread} of 200 symbols");
}

#[test]
fn options_change_only_what_they_say() {
    let m = QrMatrix::encode("x", Ecc::M).unwrap();
    let opts = SvgOptions::default()
        .quiet_zone(0)
        .unwrap()
        .dark("#123456")
        .unwrap()
        .light("transparent")
        .unwrap();
    let svg = render_svg(&m, &opts);
    assert!(
        svg.contains("viewBox=\"0 0 21 21\"")
            && svg.contains("stroke=\"#123456\"")
            && svg.contains("fill=\"transparent\"")
    );
    assert!(svg.contains("d=\"M0 0.5h7"));
    for forbidden in [
        "<script",
        "href",
        "url(",
        "<?xml",
        "style",
        "<image",
        "<foreignObject",
    ] {
        assert!(!svg.contains(forbidden), "{forbidden}");
    }
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("totpkit-qr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `qrcode` crate's matrix for `text` in byte mode at `version`, with a chosen mask.
fn qrcode_crate_matrix(text: &str, version: i16, ecc: Ecc, mask: u8) -> Vec<bool> {
    use qrcode::canvas::{Canvas, MaskPattern};
    use qrcode::{EcLevel, Version, bits::Bits, ec};
    let level = match ecc {
        Ecc::L => EcLevel::L,
        Ecc::M => EcLevel::M,
        Ecc::Q => EcLevel::Q,
        Ecc::H => EcLevel::H,
    };
    let v = Version::Normal(version);
    let mut bits = Bits::new(v);
    bits.push_byte_data(text.as_bytes()).unwrap();
    bits.push_terminator(level).unwrap();
    let (data, ecc_words) = ec::construct_codewords(&bits.into_bytes(), v, level).unwrap();
    let mut canvas = Canvas::new(v, level);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ecc_words);
    let pattern = [
        MaskPattern::Checkerboard,
        MaskPattern::HorizontalLines,
        MaskPattern::VerticalLines,
        MaskPattern::DiagonalLines,
        MaskPattern::LargeCheckerboard,
        MaskPattern::Fields,
        MaskPattern::Diamonds,
        MaskPattern::Meadow,
    ][usize::from(mask)];
    canvas.apply_mask(pattern);
    canvas
        .into_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect()
}

#[test]
fn matrices_equal_the_qrcode_crates_module_for_module() {
    // Lengths that reach every version 1–40 at some level, every level, every mask.
    let mut rng = Rng::from_env("qr-vs-qrcode-crate");
    let mut versions_seen = std::collections::BTreeSet::new();
    for len in (1..=2953).step_by(37).chain([14, 17, 2331, 2953]) {
        for (i, ecc) in [Ecc::L, Ecc::M, Ecc::Q, Ecc::H].into_iter().enumerate() {
            let text: String = (0..len)
                .map(|_| char::from(b' ' + rng.below(95) as u8))
                .collect();
            let Ok(ours) = QrMatrix::encode_with_mask(&text, ecc, Some(((len + i) % 8) as u8))
            else {
                continue;
            };
            let version = ((ours.size() - 17) / 4) as i16;
            versions_seen.insert(version);
            let mask = ((len + i) % 8) as u8;
            assert_eq!(
                ours.modules(),
                qrcode_crate_matrix(&text, version, ecc, mask),
                "len {len} {ecc:?} v{version} mask {mask}"
            );
        }
    }
    assert_eq!(
        versions_seen.len(),
        40,
        "every version must be compared: {versions_seen:?}"
    );
}

#[test]
fn penalty_choice_decodes_and_is_deterministic() {
    for ecc in [Ecc::L, Ecc::M, Ecc::Q, Ecc::H] {
        let a = QrMatrix::encode(URI_135, ecc).unwrap();
        assert_eq!(a, QrMatrix::encode(URI_135, ecc).unwrap());
        assert_eq!(rqrr_decode(&a), URI_135);
    }
    assert_eq!(
        QrMatrix::encode_with_mask("x", Ecc::M, Some(8)),
        Err(totpkit::Error::InvalidOptions)
    );
}
