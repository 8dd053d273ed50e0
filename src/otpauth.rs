//! The `otpauth://` Key URI (Google Authenticator's "Key Uri Format"): strict to build,
//! lenient to parse.
//!
//! Built URIs look like
//! `otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30`:
//! label `issuer:account`, the issuer repeated as a parameter, every byte outside RFC 3986's
//! unreserved set percent-encoded (so spaces are `%20`, never `+`), the secret unpadded.
//!
//! Parsing accepts what real services emit: `:` or `%3A` between issuer and account, spaces
//! after it, `+` for a space in parameter values, any case in the scheme, type and algorithm,
//! padded or lowercase secrets, and missing optional parameters (SHA1 / 6 / 30). When the label
//! prefix and the `issuer` parameter disagree, **the parameter wins**: it is the field the
//! format tells apps to prefer, and it cannot be confused by a colon in the label. An empty
//! `issuer=` carries no issuer, so the label prefix stands. An issuer with a `:` in it (out of
//! spec, but seen in the wild) is read when the label starts with exactly `<issuer parameter>:`.
//! Unknown parameters (`image`, `color`, …) are ignored.
//!
//! Parsing is strict where leniency would give wrong codes: a known parameter given twice
//! (`period=30&period=60`) is refused, since apps disagree on which one counts (pyotp takes the
//! last, others the first, OneTimePassword refuses), and an `hotp` URI without `counter` is
//! refused, as the Key URI format requires (FreeOTP and pyotp would assume 0).

use alloc::string::String;
use alloc::vec::Vec;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::params::{Algorithm, DEFAULT_PERIOD, JS_EXACT_LIMIT, OtpParams};
use crate::secret::Secret;

/// Largest HOTP counter a URI may carry: 2^53 − 1, so it survives a trip through JavaScript.
pub const MAX_COUNTER: u64 = JS_EXACT_LIMIT - 1;

/// TOTP or HOTP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OtpKind {
    /// Time-based (RFC 6238).
    Totp,
    /// Counter-based (RFC 4226), with the next counter value.
    Hotp {
        /// The counter the next code uses.
        counter: u64,
    },
}

/// Why [`KeyUri::parse_detailed`] refused a URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseFailure {
    /// The error [`KeyUri::parse`] returns.
    pub error: Error,
    /// For [`Error::InvalidUri`] from a known parameter given twice: its name.
    pub repeated: Option<&'static str>,
}

impl ParseFailure {
    /// The error's message, naming the repeated parameter when there is one.
    pub fn message(&self) -> String {
        match self.repeated {
            Some(name) => [
                "not a valid otpauth:// URI: `",
                name,
                "` is given twice, and apps disagree on which value counts",
            ]
            .concat(),
            None => self.error.message().into(),
        }
    }
}

impl From<Error> for ParseFailure {
    fn from(error: Error) -> Self {
        Self {
            error,
            repeated: None,
        }
    }
}

/// What an otpauth URI says.
#[derive(Clone, Debug)]
pub struct KeyUri {
    /// TOTP or HOTP (with its counter).
    pub kind: OtpKind,
    /// The shared secret.
    pub secret: Secret,
    /// The account name, e.g. an email address.
    pub account: String,
    /// The provider or service, e.g. `ACME Co`.
    pub issuer: Option<String>,
    /// Algorithm, digits and period (the period is kept for HOTP but unused).
    pub params: OtpParams,
}

impl KeyUri {
    /// A TOTP key URI.
    pub fn totp(secret: Secret, account: &str, issuer: Option<&str>, params: OtpParams) -> Self {
        Self {
            kind: OtpKind::Totp,
            secret,
            account: account.into(),
            issuer: issuer.map(Into::into),
            params,
        }
    }

    /// Builds the URI. An issuer or account containing `:` (apps split the label on it), or an
    /// empty account, is [`Error::InvalidLabel`]; an HOTP counter above [`MAX_COUNTER`] is
    /// [`Error::InvalidCounter`]. An empty issuer is treated as none.
    pub fn to_uri(&self) -> Result<String> {
        if self.account.is_empty() || self.account.contains(':') {
            return Err(Error::InvalidLabel);
        }
        let issuer = self.issuer.as_deref().filter(|i| !i.is_empty());
        if issuer.is_some_and(|i| i.contains(':')) {
            return Err(Error::InvalidLabel);
        }
        let secret = self.secret.to_base32();
        // The exact length up front: a reallocation would free a copy of the secret unwiped.
        let issuer_len = issuer.map_or(0, encoded_len);
        let mut uri = String::with_capacity(
            96usize
                .saturating_add(secret.len())
                .saturating_add(encoded_len(&self.account))
                .saturating_add(issuer_len.saturating_mul(2)),
        );
        uri.push_str(match self.kind {
            OtpKind::Totp => "otpauth://totp/",
            OtpKind::Hotp { .. } => "otpauth://hotp/",
        });
        if let Some(issuer) = issuer {
            percent_encode(issuer, &mut uri);
            uri.push(':');
        }
        percent_encode(&self.account, &mut uri);
        uri.push_str("?secret=");
        uri.push_str(&secret);
        if let Some(issuer) = issuer {
            uri.push_str("&issuer=");
            percent_encode(issuer, &mut uri);
        }
        uri.push_str("&algorithm=");
        uri.push_str(self.params.algorithm().name());
        uri.push_str("&digits=");
        push_decimal(u64::from(self.params.digits().get()), &mut uri);
        match self.kind {
            OtpKind::Totp => {
                uri.push_str("&period=");
                push_decimal(u64::from(self.params.period()), &mut uri);
            }
            OtpKind::Hotp { counter } => {
                if counter > MAX_COUNTER {
                    return Err(Error::InvalidCounter);
                }
                uri.push_str("&counter=");
                push_decimal(counter, &mut uri);
            }
        }
        Ok(uri)
    }

    /// Parses an otpauth URI leniently (see the module docs). Each kind of bad URI has its own
    /// error: [`Error::InvalidUri`] (not `otpauth://`, bad percent-encoding or UTF-8),
    /// [`Error::UnsupportedOtpType`], [`Error::MissingSecret`], [`Error::InvalidBase32`],
    /// [`Error::InvalidSecretLength`], [`Error::UnsupportedAlgorithm`], [`Error::InvalidDigits`],
    /// [`Error::InvalidPeriod`], [`Error::InvalidCounter`] (missing or bad for `hotp`). A known
    /// parameter given twice is [`Error::InvalidUri`].
    pub fn parse(uri: &str) -> Result<Self> {
        Self::parse_detailed(uri).map_err(|failure| failure.error)
    }

    /// Like [`KeyUri::parse`], and on failure also names the parameter given twice, if that is
    /// why, so an error message can say which one.
    pub fn parse_detailed(uri: &str) -> core::result::Result<Self, ParseFailure> {
        let uri = uri.trim();
        let rest = strip_prefix_ignore_case(uri, "otpauth://").ok_or(Error::InvalidUri)?;
        // A fragment is not part of the key; drop it.
        let rest = rest.split('#').next().unwrap_or_default();
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (kind, label) = path.split_once('/').unwrap_or((path, ""));
        let is_hotp = if kind.eq_ignore_ascii_case("totp") {
            false
        } else if kind.eq_ignore_ascii_case("hotp") {
            true
        } else {
            return Err(Error::UnsupportedOtpType.into());
        };

        let label = percent_decode(label, false)?;

        let mut secret = None;
        let mut issuer_param = None;
        let mut algorithm = None;
        let mut digits = None;
        let mut period = None;
        let mut counter = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (name, slot) = match key.to_ascii_lowercase().as_str() {
                "secret" => ("secret", &mut secret),
                "issuer" => ("issuer", &mut issuer_param),
                "algorithm" => ("algorithm", &mut algorithm),
                "digits" => ("digits", &mut digits),
                "period" => ("period", &mut period),
                "counter" => ("counter", &mut counter),
                _ => continue,
            };
            // Apps disagree on which of two values counts, and a guess means wrong codes.
            if slot.is_some() {
                return Err(ParseFailure {
                    error: Error::InvalidUri,
                    repeated: Some(name),
                });
            }
            *slot = Some(percent_decode(value, true)?);
        }

        let secret = Secret::from_base32(&secret.ok_or(Error::MissingSecret)?)?;
        let algorithm = match algorithm {
            Some(name) => Algorithm::parse(&name)?,
            None => Algorithm::Sha1,
        };
        let digits = match digits {
            Some(d) => parse_decimal(&d)
                .and_then(|d| u32::try_from(d).ok())
                .ok_or(Error::InvalidDigits)?,
            None => 6,
        };
        let period = match period {
            Some(p) => parse_decimal(&p)
                .and_then(|p| u32::try_from(p).ok())
                .ok_or(Error::InvalidPeriod)?,
            None => DEFAULT_PERIOD,
        };
        let params = OtpParams::new(algorithm, digits, period)?;
        let kind = if is_hotp {
            let counter = counter
                .as_deref()
                .and_then(|c| parse_decimal(c))
                .filter(|&c| c <= MAX_COUNTER)
                .ok_or(Error::InvalidCounter)?;
            OtpKind::Hotp { counter }
        } else {
            OtpKind::Totp
        };
        // An empty `issuer=` carries no issuer: the label prefix stands.
        let issuer_param = issuer_param
            .as_deref()
            .map(|i| i.trim())
            .filter(|i| !i.is_empty());
        let (label_issuer, account) = split_label(&label, issuer_param);
        let issuer = issuer_param
            .or(label_issuer)
            .filter(|i| !i.is_empty())
            .map(String::from);
        Ok(Self {
            kind,
            secret,
            account: account.into(),
            issuer,
            params,
        })
    }
}

/// Splits a decoded label into its issuer prefix and account. The prefix ends at the first `:`,
/// unless the label starts with exactly `<issuer parameter>:`: then that whole prefix goes,
/// so an issuer containing `:` (`Text: More Text:alice`) leaves the account alone, as pyotp
/// reads it. Whitespace around both parts is never meaningful, and trimming it with or without
/// a prefix keeps parse → build → parse a fixed point.
fn split_label<'a>(label: &'a str, issuer_param: Option<&'a str>) -> (Option<&'a str>, &'a str) {
    if let Some(issuer) = issuer_param
        && let Some(account) = label
            .strip_prefix(issuer)
            .and_then(|rest| rest.strip_prefix(':'))
    {
        return (Some(issuer), account.trim());
    }
    match label.split_once(':') {
        Some((issuer, account)) => (Some(issuer.trim()), account.trim()),
        None => (None, label.trim()),
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// The length of `text` once percent-encoded.
fn encoded_len(text: &str) -> usize {
    text.bytes()
        .map(|b| if is_unreserved(b) { 1usize } else { 3 })
        .fold(0, usize::saturating_add)
}

/// Percent-encodes every byte outside RFC 3986's unreserved set (`A–Z a–z 0–9 - . _ ~`).
fn percent_encode(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in text.as_bytes() {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(HEX.get(usize::from(b >> 4)).map_or('0', |&h| char::from(h)));
            out.push(HEX.get(usize::from(b & 15)).map_or('0', |&h| char::from(h)));
        }
    }
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`), then checks UTF-8. The
/// result (a secret, for the `secret` parameter) and every intermediate buffer are wiped.
fn percent_decode(text: &str, plus_is_space: bool) -> Result<Zeroizing<String>> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(text.len()));
    let mut iter = text.bytes();
    while let Some(b) = iter.next() {
        match b {
            b'%' => {
                let hi = iter.next().and_then(hex_value).ok_or(Error::InvalidUri)?;
                let lo = iter.next().and_then(hex_value).ok_or(Error::InvalidUri)?;
                bytes.push((hi << 4) | lo);
            }
            b'+' if plus_is_space => bytes.push(b' '),
            _ => bytes.push(b),
        }
    }
    match String::from_utf8(core::mem::take(&mut *bytes)) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(e) => {
            drop(Zeroizing::new(e.into_bytes()));
            Err(Error::InvalidUri)
        }
    }
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

/// Parses a plain decimal number (ASCII digits only, at most 2^64 − 1).
pub(crate) fn parse_decimal(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0u64, |acc, b| {
        let digit = char::from(b).to_digit(10)?;
        acc.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Appends a decimal number without `core::fmt` (which costs kilobytes in the `.wasm`).
pub(crate) fn push_decimal(mut n: u64, out: &mut String) {
    let mut buf = [0u8; 20];
    let mut start = buf.len();
    loop {
        start = start.saturating_sub(1);
        if let Some(slot) = buf.get_mut(start) {
            *slot = b'0'.saturating_add((n % 10) as u8);
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    // ASCII digits: always UTF-8.
    out.push_str(core::str::from_utf8(buf.get(start..).unwrap_or_default()).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_parameter_is_named() {
        for (uri, name) in [
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=30&period=60",
                "period",
            ),
            (
                "otpauth://totp/a?ALGORITHM=SHA1&secret=JBSWY3DPEHPK3PXP&algorithm=SHA256",
                "algorithm",
            ),
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&secret=JBSWY3DPEHPK3PXP",
                "secret",
            ),
        ] {
            let failure = KeyUri::parse_detailed(uri).unwrap_err();
            assert_eq!(failure.error, Error::InvalidUri);
            assert_eq!(failure.repeated, Some(name));
            assert!(failure.message().contains(&alloc::format!("`{name}`")));
            assert_eq!(KeyUri::parse(uri).unwrap_err(), Error::InvalidUri);
        }
        // Other failures name nothing, and keep the code's message.
        let failure = KeyUri::parse_detailed("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=9")
            .unwrap_err();
        assert_eq!(failure.repeated, None);
        assert_eq!(failure.message(), Error::InvalidDigits.message());
    }

    const EXAMPLE: &str = "otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";

    fn example() -> KeyUri {
        KeyUri::totp(
            Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
            "alice@example.com",
            Some("ACME Co"),
            OtpParams::default(),
        )
    }

    /// A key's fields, the secret as plain bytes (`Secret` has no `==`).
    fn parts(k: &KeyUri) -> (OtpKind, &str, Option<&str>, OtpParams, &[u8]) {
        let issuer = k.issuer.as_deref();
        (k.kind, &k.account, issuer, k.params, k.secret.as_bytes())
    }

    #[test]
    fn builds_the_canonical_form() {
        assert_eq!(example().to_uri().unwrap(), EXAMPLE);
    }

    #[test]
    fn parses_the_canonical_form() {
        assert_eq!(parts(&KeyUri::parse(EXAMPLE).unwrap()), parts(&example()));
    }

    #[test]
    fn lenient_parse() {
        let uri = "OTPAUTH://TOTP/ACME%20Co%3A%20alice%40example.com?secret=jbsw+y3dp+ehpk+3pxp%3D%3D%3D%3D&algorithm=sha1";
        let parsed = KeyUri::parse(uri).unwrap();
        assert_eq!(parts(&parsed), parts(&example()));
        let minimal = KeyUri::parse("otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(
            (minimal.issuer, minimal.params),
            (None, OtpParams::default())
        );
    }

    #[test]
    fn issuer_parameter_wins() {
        let uri = "otpauth://totp/Evil:alice?secret=JBSWY3DPEHPK3PXP&issuer=Good+Corp";
        assert_eq!(
            KeyUri::parse(uri).unwrap().issuer.as_deref(),
            Some("Good Corp")
        );
    }

    #[test]
    fn hotp() {
        let uri = "otpauth://hotp/alice?secret=JBSWY3DPEHPK3PXP&counter=7";
        let parsed = KeyUri::parse(uri).unwrap();
        assert_eq!(parsed.kind, OtpKind::Hotp { counter: 7 });
        assert_eq!(
            parsed.to_uri().unwrap(),
            "otpauth://hotp/alice?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&counter=7"
        );
    }

    #[test]
    fn distinct_errors() {
        let cases = [
            (
                "https://example.com/?secret=JBSWY3DPEHPK3PXP",
                Error::InvalidUri,
            ),
            (
                "otpauth://totp/a%zz?secret=JBSWY3DPEHPK3PXP",
                Error::InvalidUri,
            ),
            (
                "otpauth://totp/a%ff?secret=JBSWY3DPEHPK3PXP",
                Error::InvalidUri,
            ),
            (
                "otpauth://motp/a?secret=JBSWY3DPEHPK3PXP",
                Error::UnsupportedOtpType,
            ),
            ("otpauth://totp/a?issuer=x", Error::MissingSecret),
            ("otpauth://totp/a?secret=JBSWY3DP!", Error::InvalidBase32),
            (
                "otpauth://totp/a?secret=JBSWY3DP",
                Error::InvalidSecretLength,
            ),
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
                Error::UnsupportedAlgorithm,
            ),
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=10",
                Error::InvalidDigits,
            ),
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=six",
                Error::InvalidDigits,
            ),
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0",
                Error::InvalidPeriod,
            ),
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=99999999999999999999999",
                Error::InvalidPeriod,
            ),
            (
                "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP",
                Error::InvalidCounter,
            ),
            (
                "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=-1",
                Error::InvalidCounter,
            ),
        ];
        for (uri, want) in cases {
            assert_eq!(KeyUri::parse(uri).map(|_| ()), Err(want), "{uri}");
        }
    }

    #[test]
    fn label_errors() {
        let mut key = example();
        key.account = "a:b".into();
        assert_eq!(key.to_uri(), Err(Error::InvalidLabel));
        key.account = String::new();
        assert_eq!(key.to_uri(), Err(Error::InvalidLabel));
        key.account = "alice".into();
        key.issuer = Some("A:B".into());
        assert_eq!(key.to_uri(), Err(Error::InvalidLabel));
    }

    #[test]
    fn decimal() {
        let mut s = String::new();
        for n in [0, 7, 30, 18_446_744_073_709_551_615] {
            s.clear();
            push_decimal(n, &mut s);
            assert_eq!(parse_decimal(&s), Some(n));
        }
        assert_eq!(parse_decimal("18446744073709551616"), None);
        assert_eq!(parse_decimal("+1"), None);
    }
}
