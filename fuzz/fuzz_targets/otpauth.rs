//! `KeyUri::parse` on any text; when it succeeds, the parsed key must be well-formed and the
//! build → parse round trip must give the same key back (and building is then a fixed point).
#![no_main]

use libfuzzer_sys::fuzz_target;
use totpkit::otpauth::MAX_COUNTER;
use totpkit::{Error, KeyUri, OtpKind};

fuzz_target!(|data: &[u8]| {
    let text = totpkit_fuzz::text(data);
    let key = match KeyUri::parse(&text) {
        Ok(key) => key,
        Err(e) => {
            assert!(
                matches!(
                    e,
                    Error::InvalidUri
                        | Error::UnsupportedOtpType
                        | Error::MissingSecret
                        | Error::InvalidBase32
                        | Error::InvalidSecretLength
                        | Error::UnsupportedAlgorithm
                        | Error::InvalidDigits
                        | Error::InvalidPeriod
                        | Error::InvalidCounter
                ),
                "parse gave an undocumented error {e:?}"
            );
            return;
        }
    };
    // What a parsed key promises.
    if let Some(issuer) = &key.issuer {
        assert!(!issuer.is_empty() && issuer.trim() == issuer, "{issuer:?}");
    }
    assert_eq!(key.account.trim(), key.account, "untrimmed account");
    if let OtpKind::Hotp { counter } = key.kind {
        assert!(counter <= MAX_COUNTER);
    }
    let n = key.secret.as_bytes().len();
    assert!((10..=256).contains(&n), "{n} secret bytes");
    assert_eq!(format!("{:?}", key.secret), "Secret(<redacted>)");

    let uri = match key.to_uri() {
        Ok(uri) => uri,
        Err(e) => {
            // Only a label the strict builder refuses may stop the round trip.
            assert_eq!(e, Error::InvalidLabel);
            assert!(
                key.account.is_empty()
                    || key.account.contains(':')
                    || key.issuer.as_deref().is_some_and(|i| i.contains(':')),
                "to_uri refused {key:?}"
            );
            return;
        }
    };
    assert!(uri.is_ascii(), "built URI is not ASCII: {uri}");
    assert!(!uri.contains([' ', '+', '#']), "{uri}");

    let again = KeyUri::parse(&uri).unwrap_or_else(|e| panic!("{uri} does not parse: {e:?}"));
    assert_eq!(again.kind, key.kind, "{uri}");
    assert_eq!(again.secret.as_bytes(), key.secret.as_bytes(), "{uri}");
    assert_eq!(again.account, key.account, "account changed through {uri}");
    assert_eq!(again.issuer, key.issuer, "issuer changed through {uri}");
    assert_eq!(again.params.algorithm(), key.params.algorithm());
    assert_eq!(again.params.digits(), key.params.digits());
    // An HOTP URI carries no period (the parser keeps one it was given, unused).
    if key.kind == OtpKind::Totp {
        assert_eq!(again.params, key.params);
    }
    assert_eq!(
        again.to_uri().as_deref(),
        Ok(uri.as_str()),
        "not a fixed point"
    );
});
