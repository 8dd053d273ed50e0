//! RFC 4226 Appendix D and RFC 6238 Appendix B, run through every native code path:
//! `Hotp::code`, `Totp::code_at`, `Totp::verify`, and a parsed otpauth URI.

use totpkit::{Digits, Hotp, KeyUri, OtpKind, OtpParams, Secret, Totp};

#[test]
fn rfc4226_appendix_d() {
    for v in crate::common::rfc4226() {
        let secret = Secret::from_base32(&v.secret_base32).unwrap();
        assert_eq!(secret.as_bytes(), b"12345678901234567890");
        let hotp = Hotp::new(&secret, totpkit::Algorithm::Sha1, Digits::MIN);
        assert_eq!(
            hotp.code(v.counter).as_str(),
            v.code,
            "counter {}",
            v.counter
        );

        let uri = format!(
            "otpauth://hotp/rfc?secret={}&counter={}",
            v.secret_base32, v.counter
        );
        let key = KeyUri::parse(&uri).unwrap();
        let OtpKind::Hotp { counter } = key.kind else {
            panic!("not hotp")
        };
        let hotp = Hotp::new(&key.secret, key.params.algorithm(), key.params.digits());
        assert_eq!(hotp.code(counter).as_str(), v.code);
    }
}

#[test]
fn rfc6238_appendix_b() {
    for v in crate::common::rfc6238() {
        let secret = Secret::from_base32(&v.secret_base32).unwrap();
        let params = OtpParams::new(v.algorithm, 8, 30).unwrap();
        let totp = Totp::new(&secret, params).unwrap();
        assert_eq!(
            totp.code_at(v.unix_secs).as_str(),
            v.code,
            "{:?} at {}",
            v.algorithm,
            v.unix_secs
        );

        // The code verifies now (delta 0), one step later (delta -1), and not two steps later.
        let m = totp.verify(&v.code, v.unix_secs, 1).unwrap().unwrap();
        assert_eq!((m.delta, m.step), (0, v.unix_secs / 30));
        assert_eq!(
            totp.verify(&v.code, v.unix_secs + 30, 1)
                .unwrap()
                .unwrap()
                .delta,
            -1
        );
        assert_eq!(totp.verify(&v.code, v.unix_secs + 60, 1).unwrap(), None);
        // Typed with a space in the middle, as people do.
        let spaced = format!("{} {}", &v.code[..4], &v.code[4..]);
        assert!(totp.verify(&spaced, v.unix_secs, 0).unwrap().is_some());

        let uri = format!(
            "otpauth://totp/rfc?secret={}&algorithm={}&digits=8",
            v.secret_base32,
            v.algorithm.name()
        );
        let key = KeyUri::parse(&uri).unwrap();
        assert_eq!(
            Totp::new(&key.secret, key.params)
                .unwrap()
                .code_at(v.unix_secs)
                .as_str(),
            v.code
        );
    }
}
