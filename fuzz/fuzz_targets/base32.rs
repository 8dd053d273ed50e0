//! Lenient base32 (`Secret::from_base32`, `secret::format_base32`) against an independent
//! decoder (the `data-encoding` crate, after the documented normalization: drop spaces, tabs
//! and hyphens, uppercase, strip trailing `=`), plus the raw bytes → base32 → bytes round trip.
#![no_main]

use data_encoding::{Encoding, Specification};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use totpkit::secret::format_base32;
use totpkit::{Error, Secret};

fn oracle() -> &'static Encoding {
    static ENC: OnceLock<Encoding> = OnceLock::new();
    ENC.get_or_init(|| {
        let mut spec = Specification::new();
        spec.symbols.push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        // totpkit ignores the unused low bits of the last symbol, as most authenticators do.
        spec.check_trailing_bits = false;
        spec.encoding().unwrap()
    })
}

/// What an independent decoder makes of the text under the documented leniency rules.
fn reference(text: &str) -> Option<Vec<u8>> {
    let kept: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let body = kept.trim_end_matches('=');
    if body.is_empty() || body.contains('=') {
        return None;
    }
    oracle().decode(body.as_bytes()).ok()
}

fuzz_target!(|data: &[u8]| {
    let text = totpkit_fuzz::text(data);
    let want = reference(&text);
    let formatted = format_base32(&text);
    let secret = Secret::from_base32(&text);
    match &want {
        None => {
            assert_eq!(
                formatted.as_deref().map(|_| ()),
                Err(&Error::InvalidBase32),
                "{text:?}"
            );
            assert_eq!(
                secret.as_ref().map(|_| ()),
                Err(&Error::InvalidBase32),
                "{text:?}"
            );
        }
        Some(bytes) => {
            let formatted = formatted.unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
            // Canonical and grouped: uppercase symbols, groups of four, single spaces.
            let groups: Vec<&str> = formatted.split(' ').collect();
            assert!(groups.iter().all(|g| !g.is_empty() && g.len() <= 4));
            assert!(groups.iter().rev().skip(1).all(|g| g.len() == 4));
            assert!(
                formatted
                    .bytes()
                    .all(|b| b == b' ' || b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
            );
            assert_eq!(
                oracle()
                    .decode(formatted.replace(' ', "").as_bytes())
                    .ok()
                    .as_ref(),
                Some(bytes)
            );
            match &secret {
                Ok(s) => {
                    assert_eq!(s.as_bytes(), bytes.as_slice());
                    assert_eq!(*s.to_grouped_base32(), *formatted);
                    assert_eq!(*s.to_base32(), oracle().encode(bytes));
                    assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
                }
                Err(e) => {
                    assert_eq!(*e, Error::InvalidSecretLength);
                    assert!(!(10..=256).contains(&bytes.len()));
                }
            }
        }
    }
    // Raw bytes as a key: canonical, lowercase, grouped and padded forms all decode back.
    if let Ok(s) = Secret::from_bytes(data) {
        let canonical = s.to_base32();
        assert_eq!(*canonical, oracle().encode(data));
        for typed in [
            canonical.to_string(),
            canonical.to_lowercase(),
            s.to_grouped_base32().replace(' ', "-"),
            format!("{}======", &*canonical),
        ] {
            assert_eq!(
                Secret::from_base32(&typed).as_ref().map(Secret::as_bytes),
                Ok(s.as_bytes()),
                "{typed}"
            );
        }
    }
});
