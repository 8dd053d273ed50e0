//! Regression tests for issue 16 ("Interop with the wild"): otpauth URIs taken from other
//! projects' test suites that totpkit read differently. Each test names the project and file
//! the case comes from. The whole corpus (hundreds of cases, as JSON in `tests/interop/`) runs
//! through the built package in Node: `node --test tests/interop/`.

use totpkit::{Error, KeyUri, OtpKind};

const SECRET: &str = "JBSWY3DPEHPK3PXP";

fn issuer_and_account(uri: &str) -> (Option<String>, String) {
    let key = KeyUri::parse(uri).unwrap_or_else(|e| panic!("{uri}: {e:?}"));
    (key.issuer, key.account)
}

/// hectorm/otpauth `test/test.mjs` (`URI parse[5][2]`): an empty `issuer=` is no issuer, so the
/// label prefix stands. totpkit used to let the empty parameter win and return no issuer at all.
#[test]
fn empty_issuer_parameter_keeps_the_label_prefix() {
    for uri in [
        "otpauth://totp/ACME%20Co:Firstname%20Lastname?issuer=&secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/ACME%20Co:Firstname%20Lastname?secret=JBSWY3DPEHPK3PXP&issuer=",
        "otpauth://totp/ACME%20Co:Firstname%20Lastname?secret=JBSWY3DPEHPK3PXP&issuer",
        "otpauth://totp/ACME%20Co:Firstname%20Lastname?secret=JBSWY3DPEHPK3PXP&issuer=%20",
        "otpauth://totp/ACME%20Co:Firstname%20Lastname?secret=JBSWY3DPEHPK3PXP&issuer=+",
    ] {
        assert_eq!(
            issuer_and_account(uri),
            (Some("ACME Co".into()), "Firstname Lastname".into()),
            "{uri}"
        );
    }
    // Without a label prefix, an empty parameter still means no issuer.
    assert_eq!(
        issuer_and_account("otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&issuer="),
        (None, "alice".into())
    );
    // And the round trip keeps the recovered issuer.
    let key = KeyUri::parse("otpauth://totp/ACME:alice?issuer=&secret=JBSWY3DPEHPK3PXP").unwrap();
    let again = KeyUri::parse(&key.to_uri().unwrap()).unwrap();
    assert_eq!(
        (again.issuer, again.account, again.secret.as_bytes()),
        (key.issuer, key.account, key.secret.as_bytes())
    );
}

/// pyotp `test.py` (`ParseUriTest.test_algorithms`: `algorithm=SHA1&…&algorithm=SHA256` is
/// SHA256) and mattrubin/OneTimePassword `Tests/TokenSerializationTests.swift`
/// (`testTokenWithInvalidURLs`: `period=30&period=60` is refused): a known parameter given
/// twice is ambiguous, since pyotp takes the last value and totpkit took the first. Wrong codes
/// on someone's phone follow either guess, so the URI is refused.
#[test]
fn repeated_known_parameters_are_refused() {
    for query in [
        "secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&algorithm=SHA256",
        "secret=JBSWY3DPEHPK3PXP&period=30&period=60",
        "secret=JBSWY3DPEHPK3PXP&digits=6&digits=8",
        "secret=JBSWY3DPEHPK3PXP&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "secret=JBSWY3DPEHPK3PXP&issuer=A&issuer=B",
        "secret=JBSWY3DPEHPK3PXP&Period=30&PERIOD=30",
        // The same value twice is still refused: the rule must not depend on the values.
        "secret=JBSWY3DPEHPK3PXP&digits=6&digits=6",
        "secret=JBSWY3DPEHPK3PXP&issuer=&issuer=ACME",
    ] {
        let uri = format!("otpauth://totp/ACME:alice?{query}");
        assert_eq!(KeyUri::parse(&uri).err(), Some(Error::InvalidUri), "{uri}");
    }
    let hotp = "otpauth://hotp/alice?secret=JBSWY3DPEHPK3PXP&counter=1&counter=2";
    assert_eq!(KeyUri::parse(hotp).err(), Some(Error::InvalidUri));
    // Unknown parameters may repeat: they are ignored either way.
    let key = KeyUri::parse(&format!(
        "otpauth://totp/alice?secret={SECRET}&image=a&image=b&foo&foo"
    ))
    .unwrap();
    assert_eq!(key.account, "alice");
    // The message says what went wrong.
    assert!(Error::InvalidUri.message().contains("given twice"));
}

/// pyotp `test.py` (`ParseUriTest.test_parse_encoded_colon_in_label`): the label starts with the issuer
/// parameter followed by `:`, and the issuer itself contains `:`. pyotp reads account
/// "Secret"; totpkit split at the first colon and read "More Text:Secret", an account its own
/// builder refuses.
#[test]
fn issuer_with_a_colon_is_stripped_from_the_label() {
    let uri = "otpauth://totp/Text%3A%20More%20Text:Secret?secret=JBSWY3DPEHPK3PXP&issuer=Text%3A%20More%20Text";
    assert_eq!(
        issuer_and_account(uri),
        (Some("Text: More Text".into()), "Secret".into())
    );
    // `+` in the parameter is a space, so the decoded parameter still matches the label.
    let plus = "otpauth://totp/A%3A%20B:alice?secret=JBSWY3DPEHPK3PXP&issuer=A%3A+B";
    assert_eq!(
        issuer_and_account(plus),
        (Some("A: B".into()), "alice".into())
    );
    // A label that does not start with the parameter still splits at the first colon, and
    // the parameter still wins.
    assert_eq!(
        issuer_and_account("otpauth://totp/Evil:x:alice?secret=JBSWY3DPEHPK3PXP&issuer=Good"),
        (Some("Good".into()), "x:alice".into())
    );
    // Building such a key stays strict: an issuer with `:` is out of the Key URI format, and
    // apps that split the label at the first colon would show the wrong account.
    let key = KeyUri::parse(uri).unwrap();
    assert_eq!(key.to_uri(), Err(Error::InvalidLabel));
}

/// Google Authenticator wiki "Key Uri Format" (counter is REQUIRED for hotp) against FreeOTP,
/// pyotp and OneTimePassword (which assume 0): totpkit keeps refusing, with a message that
/// says the counter is needed rather than malformed.
#[test]
fn hotp_without_counter_says_it_needs_one() {
    for uri in [
        "otpauth://hotp/alice?secret=JBSWY3DPEHPK3PXP",
        "otpauth://hotp/alice?secret=JBSWY3DPEHPK3PXP&counter=",
    ] {
        let err = KeyUri::parse(uri).unwrap_err();
        assert_eq!(err, Error::InvalidCounter, "{uri}");
        assert!(err.message().starts_with("hotp needs a counter"), "{err}");
    }
    let key = KeyUri::parse("otpauth://hotp/alice?secret=JBSWY3DPEHPK3PXP&counter=0").unwrap();
    assert_eq!(key.kind, OtpKind::Hotp { counter: 0 });
}
