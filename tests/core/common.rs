//! Shared helpers for the native integration tests: the RFC vector files and a seeded PRNG.

use totpkit::Algorithm;

/// One RFC 6238 Appendix B row.
pub struct TotpVector {
    pub algorithm: Algorithm,
    pub unix_secs: u64,
    pub code: String,
    pub secret_base32: String,
}

/// One RFC 4226 Appendix D row.
pub struct HotpVector {
    pub counter: u64,
    pub code: String,
    pub secret_base32: String,
}

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect())
}

pub fn rfc6238() -> Vec<TotpVector> {
    let v: Vec<_> = rows(include_str!("../data/rfc6238.txt"))
        .map(|r| TotpVector {
            algorithm: Algorithm::parse(r[0]).unwrap(),
            unix_secs: r[1].parse().unwrap(),
            code: r[2].into(),
            secret_base32: r[3].into(),
        })
        .collect();
    assert_eq!(v.len(), 18, "RFC 6238 Appendix B has 18 rows");
    v
}

pub fn rfc4226() -> Vec<HotpVector> {
    let v: Vec<_> = rows(include_str!("../data/rfc4226.txt"))
        .map(|r| HotpVector {
            counter: r[0].parse().unwrap(),
            code: r[1].into(),
            secret_base32: r[2].into(),
        })
        .collect();
    assert_eq!(v.len(), 10, "RFC 4226 Appendix D has 10 rows");
    v
}

/// SplitMix64: a small, well-known PRNG, so a failing random case can be replayed from its seed.
pub struct Rng(pub u64);

impl Rng {
    /// Seeded from `TOTPKIT_SEED` when set, else from the clock; the seed is printed.
    pub fn from_env(name: &str) -> Self {
        let seed = std::env::var("TOTPKIT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("{name}: TOTPKIT_SEED={seed}");
        Self(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// RFC 4648 base32 written independently of totpkit's codec (used to feed the oracles).
pub fn base32(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = String::new();
    for b in bytes {
        bits.push_str(&format!("{b:08b}"));
    }
    while !bits.len().is_multiple_of(5) {
        bits.push('0');
    }
    bits.as_bytes()
        .chunks(5)
        .map(|c| A[usize::from_str_radix(std::str::from_utf8(c).unwrap(), 2).unwrap()] as char)
        .collect()
}

/// Asks pyotp (tests/oracles/pyotp_codes.py) for one code per line of
/// `kind secret_base32 algorithm digits period at`.
pub fn pyotp(lines: &[String]) -> Vec<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracles/pyotp_codes.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 must be installed (scripts/setup.sh)");
    let mut input = lines.join("\n");
    input.push('\n');
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "pyotp oracle failed (is pyotp installed? scripts/setup.sh)"
    );
    let codes: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(codes.len(), lines.len());
    codes
}

/// pyotp's TOTP code for one setting at `at` seconds.
pub fn pyotp_totp(secret: &str, algorithm: &str, digits: u32, period: u32, at: u64) -> String {
    pyotp(&[format!("totp {secret} {algorithm} {digits} {period} {at}")]).remove(0)
}
