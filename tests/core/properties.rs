//! Property tests: otpauth build → parse round trips, and lenient base32 decoding of keys as
//! people type them (grouped, lowercase, hyphenated, padded).

use proptest::prelude::*;
use totpkit::{Algorithm, KeyUri, OtpKind, OtpParams, Secret};

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::Sha1),
        Just(Algorithm::Sha256),
        Just(Algorithm::Sha512)
    ]
}

/// Labels: any unicode but ':' (which the format forbids), including spaces, '&', '%', '+', '?'.
fn label() -> impl Strategy<Value = String> {
    "[^:]{1,40}".prop_filter("no surrounding spaces", |s| s.trim() == s && !s.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn otpauth_round_trip(
        key in prop::collection::vec(any::<u8>(), 10..=64),
        account in label(),
        issuer in prop::option::of(label()),
        algorithm in algorithm(),
        digits in 6u32..=8,
        period in 1u32..=3600,
        counter in prop::option::of(0u64..=(1 << 53) - 1),
    ) {
        let params = OtpParams::new(algorithm, digits, period).unwrap();
        let mut built = KeyUri::totp(Secret::from_bytes(&key).unwrap(), &account, issuer.as_deref(), params);
        if let Some(counter) = counter {
            built.kind = OtpKind::Hotp { counter };
        }
        let uri = built.to_uri().unwrap();
        prop_assert!(uri.is_ascii(), "URI must be ASCII: {uri}");
        prop_assert!(!uri.contains('+') && !uri.contains(' '));
        let parsed = KeyUri::parse(&uri).unwrap();
        // HOTP URIs carry no period; the parser gives the default.
        if counter.is_some() {
            prop_assert_eq!(parsed.params.algorithm(), algorithm);
            prop_assert_eq!(parsed.params.digits().get(), digits);
            prop_assert_eq!(parsed.kind, built.kind);
            prop_assert_eq!(parsed.secret.as_bytes(), built.secret.as_bytes());
            prop_assert_eq!(&parsed.account, &built.account);
            prop_assert_eq!(&parsed.issuer, &built.issuer);
        } else {
            prop_assert_eq!(parsed.secret.as_bytes(), built.secret.as_bytes());
            prop_assert_eq!(
                (parsed.kind, parsed.account, parsed.issuer, parsed.params),
                (built.kind, built.account, built.issuer, built.params)
            );
        }
    }

    #[test]
    fn lenient_base32(key in prop::collection::vec(any::<u8>(), 10..=64), sep in "[ -]", pad in 0usize..8) {
        let secret = Secret::from_bytes(&key).unwrap();
        let canonical = secret.to_base32();
        let typed = [
            secret.to_grouped_base32().to_string(),
            canonical.to_lowercase(),
            canonical.chars().collect::<Vec<_>>().chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(&sep),
            format!("{}{}", &*canonical, "=".repeat(pad)),
        ];
        for t in typed {
            let decoded = Secret::from_base32(&t).unwrap();
            prop_assert_eq!(decoded.as_bytes(), &key[..]);
        }
    }

    #[test]
    fn parse_never_panics(text in "\\PC{0,200}") {
        let _ = KeyUri::parse(&text);
        let _ = KeyUri::parse(&format!("otpauth://totp/{text}"));
        let _ = Secret::from_base32(&text);
    }
}
