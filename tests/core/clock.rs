//! Clock-offset math, HTTP dates, the code preview at step boundaries, and the diagnosis of
//! typed codes. Codes for shifted clocks come from pyotp, never from totpkit itself.

use crate::common::pyotp_totp;
use totpkit::clock::*;
use totpkit::diagnose::*;
use totpkit::http_date::parse_http_date;
use totpkit::{Algorithm, Error, OtpParams, Secret, Totp};

fn sample(sent: f64, rtt: f64, server: f64, resolution: f64) -> ClockSample {
    ClockSample {
        sent_ms: sent,
        received_ms: sent + rtt,
        server_ms: server,
        resolution_ms: resolution,
    }
}

fn near(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn symmetric_round_trip_server_two_minutes_ahead() {
    // The request leaves at local 1 000 000, reaches the server after 40 ms (server clock
    // +120 000 ms), and returns 40 ms later.
    let local = 1_700_000_000_000.0;
    let s = sample(local, 80.0, local + 40.0 + 120_000.0, 1.0);
    let e = estimate_offset(&[s], Thresholds::default()).unwrap();
    assert!(near(e.offset_ms, 120_000.0, 1.0), "{e:?}");
    assert!(near(e.error_ms, 40.0, 1.0), "{e:?}");
    assert_eq!(e.rtt_ms, 80.0);
    assert_eq!(e.status, ClockStatus::Critical);
}

#[test]
fn asymmetric_path_keeps_the_truth_inside_the_bound() {
    let local = 1_700_000_000_000.0;
    let true_offset = 7_000.0;
    // 10 ms out, 90 ms back: the server stamps at local + 10 ms.
    let s = sample(local, 100.0, local + 10.0 + true_offset, 1.0);
    let e = estimate_offset(&[s], Thresholds::default()).unwrap();
    assert!((e.offset_ms - true_offset).abs() <= e.error_ms, "{e:?}");
    // And the other way round.
    let s = sample(local, 100.0, local + 90.0 + true_offset, 1.0);
    let e = estimate_offset(&[s], Thresholds::default()).unwrap();
    assert!((e.offset_ms - true_offset).abs() <= e.error_ms, "{e:?}");
}

#[test]
fn the_minimum_round_trip_sample_wins() {
    let rtts = [800.0, 60.0, 300.0, 65.0, 900.0];
    let samples: Vec<_> = rtts
        .iter()
        .enumerate()
        .map(|(i, &r)| {
            sample(
                1e12 + i as f64 * 1e4,
                r,
                1e12 + i as f64 * 1e4 + r / 2.0,
                1.0,
            )
        })
        .collect();
    let e = estimate_offset(&samples, Thresholds::default()).unwrap();
    assert_eq!((e.sample_index, e.rtt_ms), (1, 60.0));
}

#[test]
fn date_header_samples_add_half_a_second() {
    let local = 1_700_000_000_000.0_f64;
    // Server clock equals local; the Date header truncates the arrival (local + 30 ms) to the
    // second below.
    let server = ((local + 30.0_f64) / 1000.0).floor() * 1000.0;
    let e = estimate_offset(
        &[sample(local, 60.0, server, 1000.0)],
        Thresholds::default(),
    )
    .unwrap();
    assert!(e.error_ms >= 500.0 + 30.0, "{e:?}");
    assert!(
        e.offset_ms.abs() <= e.error_ms,
        "true offset 0 must be inside: {e:?}"
    );
    assert_eq!(e.offset_ms, server + 500.0 - (local + 30.0));
}

#[test]
fn status_boundaries() {
    let t = Thresholds::default();
    let status = |offset: f64, rtt: f64| {
        estimate_offset(&[sample(1e12, rtt, 1e12 + rtt / 2.0 + offset, 0.0)], t)
            .unwrap()
            .status
    };
    // |θ| − ε against 2 s / 15 s / 30 s, with ε = 50 ms.
    assert_eq!(status(2_050.0, 100.0), ClockStatus::Ok);
    assert_eq!(status(2_051.0, 100.0), ClockStatus::Minor);
    assert_eq!(status(-15_050.0, 100.0), ClockStatus::Minor);
    assert_eq!(status(-15_051.0, 100.0), ClockStatus::Warn);
    assert_eq!(status(30_050.0, 100.0), ClockStatus::Warn);
    assert_eq!(status(30_051.0, 100.0), ClockStatus::Critical);
    // A slow network: ε = 5 s is still judged, above it nothing is.
    assert_eq!(status(300_000.0, 10_000.0), ClockStatus::Critical);
    assert_eq!(status(300_000.0, 10_002.0), ClockStatus::Unknown);
    // A large error hides a moderate offset instead of raising an alarm.
    assert_eq!(status(6_000.0, 9_000.0), ClockStatus::Ok);
}

#[test]
fn bad_samples() {
    let t = Thresholds::default();
    assert_eq!(estimate_offset(&[], t), Err(Error::InvalidSample));
    // At most MAX_SAMPLES: one more is refused.
    let many = vec![sample(1_000.0, 10.0, 1_005.0, 1.0); MAX_SAMPLES];
    assert!(estimate_offset(&many, t).is_ok());
    let too_many = vec![sample(1_000.0, 10.0, 1_005.0, 1.0); MAX_SAMPLES + 1];
    assert_eq!(estimate_offset(&too_many, t), Err(Error::InvalidSample));
    for bad in [
        sample(f64::NAN, 1.0, 1.0, 1.0),
        sample(1.0, f64::INFINITY, 1.0, 1.0),
        sample(1.0, 1.0, f64::NAN, 1.0),
        sample(1.0, -1.0, 1.0, 1.0),
        sample(1.0, 1.0, 1.0, -1.0),
        sample(f64::MAX, f64::MAX, 1.0, 1.0),
    ] {
        assert_eq!(
            estimate_offset(&[sample(1.0, 1.0, 1.0, 1.0), bad], t),
            Err(Error::InvalidSample),
            "{bad:?}"
        );
    }
    let bad_t = Thresholds {
        ok_ms: 20_000.0,
        ..Thresholds::default()
    };
    assert_eq!(
        estimate_offset(&[sample(1.0, 1.0, 1.0, 1.0)], bad_t),
        Err(Error::InvalidOptions)
    );
}

#[test]
fn http_dates_in_all_three_rfc_9110_forms() {
    // RFC 9110 §5.6.7's own example, 784111777 seconds.
    for form in [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ] {
        assert_eq!(parse_http_date(form), Ok(784_111_777_000.0), "{form}");
    }
    assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Ok(0.0));
    assert_eq!(
        parse_http_date("Tue, 29 Feb 2000 23:59:59 GMT"),
        Ok(951_868_799_000.0)
    );
    assert_eq!(
        parse_http_date("Friday, 27-Nov-26 19:00:00 GMT"),
        Ok(1_795_806_000_000.0)
    );
    assert_eq!(
        parse_http_date("Fri Dec 31 23:59:60 9999"),
        Ok(253_402_300_800_000.0)
    );
    for bad in [
        "",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 29 Feb 1900 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT",
        "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1969 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49 GMT",
        "Sun, 06 Nov 1994 08:49:37:00 GMT",
        "Sun, ０６ Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "1994-11-06T08:49:37Z",
    ] {
        assert_eq!(parse_http_date(bad), Err(Error::InvalidDate), "{bad}");
    }
}

const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

#[test]
fn code_preview_at_step_boundaries_matches_pyotp() {
    let totp = Totp::new(&Secret::from_base32(SECRET).unwrap(), OtpParams::default()).unwrap();
    let boundary_ms = 1_700_000_010_000u64; // a multiple of 30 000
    assert_eq!(boundary_ms % 30_000, 0);
    let before = totp.preview(boundary_ms - 1);
    let after = totp.preview(boundary_ms + 1);
    let prev = pyotp_totp(SECRET, "SHA1", 6, 30, boundary_ms / 1000 - 1);
    let next = pyotp_totp(SECRET, "SHA1", 6, 30, boundary_ms / 1000);
    let after_next = pyotp_totp(SECRET, "SHA1", 6, 30, boundary_ms / 1000 + 30);
    assert_eq!(
        (before.code.as_str(), before.next_code.as_str()),
        (prev.as_str(), next.as_str())
    );
    assert_eq!(
        (after.code.as_str(), after.next_code.as_str()),
        (next.as_str(), after_next.as_str())
    );
    assert_eq!((before.seconds_remaining, before.ms_remaining), (1, 1));
    assert_eq!((after.seconds_remaining, after.ms_remaining), (30, 29_999));
    assert_eq!(totp.preview(boundary_ms).seconds_remaining, 30);
    assert_eq!(after.step, before.step + 1);
}

#[test]
fn server_time_correction() {
    assert_eq!(server_time_ms(1_000.0, 500.5), Ok(1_500));
    assert_eq!(server_time_ms(1_000.0, -1_000.0), Ok(0));
    assert_eq!(server_time_ms(1_000.0, -1_001.0), Err(Error::InvalidTime));
    assert_eq!(server_time_ms(1_000.0, f64::NAN), Err(Error::InvalidTime));
    assert_eq!(
        server_time_ms(1_000.0, 86_400_001.0),
        Err(Error::InvalidTime)
    );
    assert_eq!(server_time_ms(f64::INFINITY, 0.0), Err(Error::InvalidTime));
}

fn diag(code: &str, at: u64, params: OtpParams) -> Diagnosis {
    diagnose(
        &Secret::from_base32(SECRET).unwrap(),
        code,
        at,
        params,
        DEFAULT_DIAGNOSE_STEPS,
    )
    .unwrap()
}

#[test]
fn diagnosis_of_every_kind_with_pyotp_codes() {
    let now = 1_700_000_015u64; // mid-step
    let p = OtpParams::default();
    let at = |shift: i64| {
        pyotp_totp(
            SECRET,
            "SHA1",
            6,
            30,
            now.checked_add_signed(shift).unwrap(),
        )
    };

    let d = diag(&at(0), now, p);
    assert_eq!(
        (d.kind, d.step_delta, d.offset_seconds),
        (DiagnosisKind::Current, Some(0), Some(0))
    );
    let d = diag(&at(30), now, p);
    assert_eq!((d.kind, d.step_delta), (DiagnosisKind::Adjacent, Some(1)));
    let d = diag(&at(-30), now, p);
    assert_eq!((d.kind, d.step_delta), (DiagnosisKind::Adjacent, Some(-1)));
    // The phone is 3 steps behind: about 1.5 minutes.
    let d = diag(&at(-90), now, p);
    assert_eq!(
        (d.kind, d.step_delta, d.offset_seconds),
        (DiagnosisKind::Drift, Some(-3), Some(-90))
    );
    // The phone is 4 minutes ahead.
    let d = diag(&at(240), now, p);
    assert_eq!(
        (d.kind, d.step_delta, d.offset_seconds),
        (DiagnosisKind::Drift, Some(8), Some(240))
    );
    // Out of reach (±5 minutes), and out of reach with a wider search it is found.
    assert_eq!(diag(&at(600), now, p).kind, DiagnosisKind::None);
    let wide = diagnose(&Secret::from_base32(SECRET).unwrap(), &at(600), now, p, 30).unwrap();
    assert_eq!(
        (wide.kind, wide.offset_seconds),
        (DiagnosisKind::Drift, Some(600))
    );
    assert_eq!(
        diag("000000", now, p).kind,
        if at(0) == "000000" {
            DiagnosisKind::Current
        } else {
            DiagnosisKind::None
        }
    );
}

#[test]
fn diagnosis_of_apps_that_ignore_a_setting() {
    let now = 1_700_000_015u64;
    // Enrolled SHA256: the app used SHA1.
    let p = OtpParams::new(Algorithm::Sha256, 6, 30).unwrap();
    let d = diag(&pyotp_totp(SECRET, "SHA1", 6, 30, now), now, p);
    assert_eq!(
        (d.kind, d.suspect),
        (DiagnosisKind::WrongSettings, Some(Suspect::Algorithm))
    );
    // Enrolled 8 digits: the app showed 6.
    let p = OtpParams::new(Algorithm::Sha1, 8, 30).unwrap();
    let d = diag(&pyotp_totp(SECRET, "SHA1", 6, 30, now), now, p);
    assert_eq!(
        (d.kind, d.suspect),
        (DiagnosisKind::WrongSettings, Some(Suspect::Digits))
    );
    // Enrolled 60 s: the app used 30 s (one step back still counts).
    let p = OtpParams::new(Algorithm::Sha1, 6, 60).unwrap();
    let d = diag(&pyotp_totp(SECRET, "SHA1", 6, 30, now - 30), now, p);
    assert_eq!(
        (d.kind, d.suspect),
        (DiagnosisKind::WrongSettings, Some(Suspect::Period))
    );
    // Enrolled SHA512/8/60, the app used all defaults: the first differing setting is named.
    let p = OtpParams::new(Algorithm::Sha512, 8, 60).unwrap();
    let d = diag(&pyotp_totp(SECRET, "SHA1", 6, 30, now), now, p);
    assert_eq!(
        (d.kind, d.suspect),
        (DiagnosisKind::WrongSettings, Some(Suspect::Algorithm))
    );
    // With the right settings the same enrollment is simply current.
    let d = diag(&pyotp_totp(SECRET, "SHA512", 8, 60, now), now, p);
    assert_eq!(d.kind, DiagnosisKind::Current);
}

#[test]
fn diagnosis_reports_ambiguity() {
    // Find two steps with the same 6-digit code by scanning pyotp's codes, then ask near them.
    let totp = Totp::new(&Secret::from_base32(SECRET).unwrap(), OtpParams::default()).unwrap();
    let mut seen = std::collections::HashMap::new();
    let (a, b) = (0u64..)
        .find_map(|step| {
            seen.insert(totp.code_at_step(step).as_str().to_string(), step)
                .map(|prev| (prev, step))
        })
        .filter(|(a, b)| b - a <= 2 * 100_000)
        .unwrap();
    let code = pyotp_totp(SECRET, "SHA1", 6, 30, a * 30);
    let mid = (a + b) / 2 * 30;
    let reach = ((b - a) / 2 + 1) as u32;
    let d = diagnose(
        &Secret::from_base32(SECRET).unwrap(),
        &code,
        mid,
        OtpParams::default(),
        reach,
    )
    .unwrap();
    assert_eq!(d.kind, DiagnosisKind::Ambiguous, "steps {a} and {b}");
}

#[test]
fn diagnosis_input_errors() {
    let s = Secret::from_base32(SECRET).unwrap();
    let p = OtpParams::default();
    for bad in ["", "12345", "123456789", "abcdef"] {
        assert_eq!(
            diagnose(&s, bad, 0, p, 10),
            Err(Error::InvalidCode),
            "{bad}"
        );
    }
    assert_eq!(
        diagnose(&s, "123456", 0, p, MAX_DIAGNOSE_STEPS + 1),
        Err(Error::InvalidOptions)
    );
    // Near the epoch, negative steps are skipped, not wrapped.
    assert!(diagnose(&s, "123456", 0, p, MAX_DIAGNOSE_STEPS).is_ok());
}
