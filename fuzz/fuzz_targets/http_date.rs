//! `http_date::parse_http_date` on any text: a success is a whole second from 1970 to 9999, agrees
//! with the `httpdate` crate wherever that parser also accepts the text, and survives a
//! format (IMF-fixdate) → parse round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::{Duration, UNIX_EPOCH};
use totpkit::Error;
use totpkit::http_date::parse_http_date;

/// 9999-12-31T23:59:60 (a leap second reads as the next second).
const LAST_MS: f64 = 253_402_300_800_000.0;

fuzz_target!(|data: &[u8]| {
    let text = totpkit_fuzz::text(data);
    let ms = match parse_http_date(&text) {
        Ok(ms) => ms,
        Err(e) => {
            assert_eq!(e, Error::InvalidDate);
            return;
        }
    };
    assert!(
        ms.is_finite() && (0.0..=LAST_MS).contains(&ms),
        "{text:?} → {ms}"
    );
    assert_eq!(ms % 1000.0, 0.0, "{text:?} → {ms}");
    let secs = (ms / 1000.0) as u64;
    if let Ok(theirs) = httpdate::parse_http_date(text.trim()) {
        let theirs = theirs.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).ok();
        assert_eq!(theirs, Some(secs), "{text:?}: httpdate disagrees");
    }
    if ms < LAST_MS {
        let formatted = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(parse_http_date(&formatted), Ok(ms), "{formatted}");
    }
});
