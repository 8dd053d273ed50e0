//! Typed codes in any script's digits, checked against the Unicode data rather than a hand list.
//! Python's `unicodedata` (python3 on this machine) says, for every code point, whether it is a
//! decimal digit (general category Nd) and its value, and whether it is assigned at all in
//! Python's Unicode version (14.0 for Python 3.11). The core's table follows a newer Unicode
//! (17.0, V8's and Rust 1.95's, `node scripts/unicode-digits.mjs`), so the test is honest about
//! the gap: on code points Python knows, the parser must agree with Python exactly; code points
//! it accepts that Python's version leaves unassigned must be numeric to Rust's own Unicode tables
//! (`char::is_numeric`, `char::UNICODE_VERSION`) and come in whole runs of ten, and are listed.
//! tests/node/digits.test.mjs checks all of them through the built package against V8's
//! `\p{Nd}`, the table's own version.

use std::process::Command;
use totpkit::{Code, Error};

const PYTHON: &str = r#"
import unicodedata as u
print("version", u.unidata_version)
start = None
for c in range(0x110000):
    cat = u.category(chr(c))
    if cat == "Nd":
        print("digit", c, u.decimal(chr(c)))
    if cat == "Cn" and start is None:
        start = c
    if cat != "Cn" and start is not None:
        print("unassigned", start, c - 1)
        start = None
if start is not None:
    print("unassigned", start, 0x10FFFF)
"#;

struct Ucd {
    version: String,
    digits: Vec<(char, u8)>,
    unassigned: Vec<(u32, u32)>,
}

fn python_ucd() -> Ucd {
    let out = Command::new("python3")
        .args(["-c", PYTHON])
        .output()
        .expect("python3 must be installed (scripts/setup.sh)");
    assert!(out.status.success(), "python3 unicodedata failed");
    let mut ucd = Ucd {
        version: String::new(),
        digits: Vec::new(),
        unassigned: Vec::new(),
    };
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "version" => ucd.version = f[1].to_string(),
            "digit" => ucd.digits.push((
                char::from_u32(f[1].parse().unwrap()).unwrap(),
                f[2].parse().unwrap(),
            )),
            "unassigned" => ucd
                .unassigned
                .push((f[1].parse().unwrap(), f[2].parse().unwrap())),
            other => panic!("unexpected line {other}"),
        }
    }
    ucd
}

#[test]
fn every_unicode_decimal_digit_reads_as_its_value_and_nothing_else_does() {
    let ucd = python_ucd();
    // Python 3.11 has Unicode 14.0: 65 runs of ten. A much smaller set means the data is wrong.
    assert!(ucd.digits.len() >= 650, "{} digits", ucd.digits.len());
    // Python prints the unassigned ranges in order: the last one starting at or before `c`.
    let unassigned = |c: u32| {
        let i = ucd.unassigned.partition_point(|&(a, _)| a <= c);
        i > 0 && c <= ucd.unassigned[i - 1].1
    };

    // Every digit Python knows, alone, grouped and between ASCII digits.
    for &(c, value) in &ucd.digits {
        let ascii = char::from(b'0' + value);
        let expected: String = std::iter::repeat_n(ascii, 6).collect();
        for typed in [
            format!("{c}{c}{c}{c}{c}{c}"),
            format!("{c}{c}{c} {c}{c}{c}"),
            format!("{c}{c}{c}-{c}{c}{c}"),
        ] {
            assert_eq!(
                Code::parse(&typed, 6).map(|code| code.to_string()),
                Ok(expected.clone()),
                "U+{:04X} ({c}) is the decimal digit {value}",
                u32::from(c)
            );
        }
        let mixed = format!("12{c}45{c}");
        assert_eq!(
            Code::parse(&mixed, 6).unwrap().to_string(),
            format!("12{ascii}45{ascii}")
        );
    }

    // Every other code point: refused where Python's Unicode assigns it (letters, other numbers
    // such as ² ① Ⅷ ½, marks, symbols, spaces that are not separators); where it does not, any
    // digit the parser reads is from a newer Unicode and must be numeric in Rust's tables.
    let is_digit: std::collections::HashSet<char> = ucd.digits.iter().map(|&(c, _)| c).collect();
    let mut newer = Vec::new();
    let mut refused = 0u32;
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        if is_digit.contains(&c) {
            continue;
        }
        let parsed = Code::parse(&format!("12345{c}"), 6);
        if unassigned(u32::from(c)) {
            if let Ok(code) = parsed {
                assert!(
                    c.is_numeric(),
                    "U+{:04X} is read as a digit, but Rust's Unicode {:?} says it is not numeric",
                    u32::from(c),
                    char::UNICODE_VERSION
                );
                newer.push((u32::from(c), code.as_str().as_bytes()[5] - b'0'));
            }
        } else {
            assert_eq!(parsed, Err(Error::InvalidCode), "U+{:04X}", u32::from(c));
            refused += 1;
        }
    }

    // The newer digits come in whole runs of ten, 0 to 9, like every decimal digit.
    assert_eq!(newer.len() % 10, 0, "{newer:X?}");
    for run in newer.chunks(10) {
        for (i, &(c, value)) in run.iter().enumerate() {
            assert_eq!(
                (c - run[0].0, value),
                (i as u32, i as u8),
                "run at U+{:04X}",
                run[0].0
            );
        }
    }
    let runs: Vec<String> = newer
        .chunks(10)
        .map(|run| format!("U+{:04X}", run[0].0))
        .collect();
    eprintln!(
        "Python's Unicode {}: {} decimal digits read as their value, {refused} other assigned \
         code points refused; {} digits newer than Unicode {} (Rust's Unicode {:?} says numeric): {}",
        ucd.version,
        ucd.digits.len(),
        newer.len(),
        ucd.version,
        char::UNICODE_VERSION,
        runs.join(" ")
    );
}
