//! One call that gives an enrollment screen everything it shows: the secret, the otpauth URI,
//! the QR as SVG, the manual key grouped for typing ("Trouble scanning?") and an alt text that
//! names the account but never contains the secret.

use alloc::string::String;
use zeroize::Zeroizing;

use crate::error::Result;
use crate::otpauth::KeyUri;
use crate::params::OtpParams;
use crate::qr::{Ecc, QrMatrix, SvgOptions, render_svg};
use crate::secret::{DEFAULT_SECRET_BYTES, Secret};

/// Where an enrollment's secret comes from.
#[derive(Clone, Debug)]
pub enum SecretSource {
    /// An existing secret (e.g. one the server made, or bytes the JS front drew).
    Given(Secret),
    /// A new secret of this many bytes (16–64) from the platform CSPRNG ([`Secret::generate`]).
    Generate(usize),
}

impl Default for SecretSource {
    /// A generated secret of [`DEFAULT_SECRET_BYTES`] (160 bits).
    fn default() -> Self {
        Self::Generate(DEFAULT_SECRET_BYTES)
    }
}

/// What to enroll.
#[derive(Clone, Debug)]
pub struct EnrollmentRequest {
    /// The secret: given, or generated with a length.
    pub secret: SecretSource,
    /// The account name shown in the app, e.g. an email address.
    pub account: String,
    /// The service name shown in the app.
    pub issuer: Option<String>,
    /// Algorithm, digits, period.
    pub params: OtpParams,
    /// QR error-correction level.
    pub ecc: Ecc,
    /// SVG drawing options; without a title, the alt text becomes the SVG's accessible name.
    pub svg: SvgOptions,
}

impl EnrollmentRequest {
    /// A request for `account` with the defaults: generated 20-byte secret, SHA1/6/30, ECC M.
    pub fn new(account: &str) -> Self {
        Self {
            secret: SecretSource::default(),
            account: account.into(),
            issuer: None,
            params: OtpParams::default(),
            ecc: Ecc::default(),
            svg: SvgOptions::default(),
        }
    }
}

/// Everything an enrollment screen shows. Its `Debug` shows only the alt text and parameters:
/// the URI, the SVG and the manual key all carry the secret.
#[derive(Clone)]
pub struct Enrollment {
    /// The shared secret (generated or given).
    pub secret: Secret,
    /// The otpauth URI the QR encodes.
    pub uri: Zeroizing<String>,
    /// The QR code as a standalone `<svg>`.
    pub svg: Zeroizing<String>,
    /// The secret in groups of four, for typing by hand.
    pub manual_key: Zeroizing<String>,
    /// "QR code to add ACME Co (alice@example.com) to an authenticator app".
    pub alt_text: String,
    /// The parameters the app must use.
    pub params: OtpParams,
}

/// Builds an enrollment: validates the label, generates a secret if none is given, encodes and
/// draws the QR.
pub fn enroll(request: EnrollmentRequest) -> Result<Enrollment> {
    let secret = match request.secret {
        SecretSource::Given(secret) => secret,
        SecretSource::Generate(len) => Secret::generate(len)?,
    };
    let key = KeyUri::totp(
        secret,
        &request.account,
        request.issuer.as_deref(),
        request.params,
    );
    let uri = Zeroizing::new(key.to_uri()?);
    let alt_text = alt_text(
        &key.account,
        key.issuer.as_deref().filter(|i| !i.is_empty()),
    );
    let svg_opts = if request.svg.has_title() {
        request.svg
    } else {
        request.svg.title(&alt_text)
    };
    let svg = Zeroizing::new(render_svg(&QrMatrix::encode(&uri, request.ecc)?, &svg_opts));
    let manual_key = key.secret.to_grouped_base32();
    Ok(Enrollment {
        secret: key.secret,
        uri,
        svg,
        manual_key,
        alt_text,
        params: request.params,
    })
}

impl core::fmt::Debug for Enrollment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Enrollment")
            .field("alt_text", &self.alt_text)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

fn alt_text(account: &str, issuer: Option<&str>) -> String {
    let mut text = String::from("QR code to add ");
    match issuer {
        Some(issuer) => {
            text.push_str(issuer);
            text.push_str(" (");
            text.push_str(account);
            text.push(')');
        }
        None => text.push_str(account),
    }
    text.push_str(" to an authenticator app");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrollment_screen() {
        let mut req = EnrollmentRequest::new("alice@example.com");
        req.issuer = Some("ACME Co".into());
        let e = enroll(req).unwrap();
        assert_eq!(e.secret.as_bytes().len(), 20);
        assert_eq!(
            e.alt_text,
            "QR code to add ACME Co (alice@example.com) to an authenticator app"
        );
        assert!(e.svg.contains(
            "aria-label=\"QR code to add ACME Co (alice@example.com) to an authenticator app\""
        ));
        assert_eq!(e.manual_key.replace(' ', ""), *e.secret.to_base32());
        assert!(!e.alt_text.contains(&*e.secret.to_base32()));
        assert!(
            e.uri
                .starts_with("otpauth://totp/ACME%20Co:alice%40example.com?secret=")
        );
    }

    #[test]
    fn no_issuer() {
        let e = enroll(EnrollmentRequest::new("bob")).unwrap();
        assert_eq!(e.alt_text, "QR code to add bob to an authenticator app");
    }
}
