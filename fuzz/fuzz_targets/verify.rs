//! Code verification and diagnosis with arbitrary secrets, typed codes, times, windows and
//! parameters: `Totp::verify`, `Totp::verify_after`, `diagnose::diagnose`, `Totp::preview`,
//! `clock::server_time_ms` and `totp::unix_secs_from_ms`.
//!
//! Random typed codes almost never match, so the input can ask for the real code of a nearby
//! step (optionally as the app defaults SHA1/6/30 would show it, and with spaces, hyphens or
//! junk); every result is then compared with a brute-force search over the same steps.
//!
//! Layout (see src/lib.rs): flags u8, algorithm u8, digits u8, period u32, window u32,
//! maxSteps u32, unixSecs u64, unixMs f64, offsetMs f64, lastUsedStep u64, codeDelta i8,
//! codeStyle u8, then NUL-separated secret and code.
//! flags: 1 secret is base32 text (else raw key bytes), 2 has lastUsedStep, 4 code is the real
//! code at now + codeDelta steps, 8 … computed with the app defaults, 16 raw digits, 32 raw
//! period, 64 time from unixMs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use totpkit::clock::server_time_ms;
use totpkit::diagnose::{DiagnosisKind, MAX_DIAGNOSE_STEPS, diagnose};
use totpkit::params::JS_EXACT_LIMIT;
use totpkit::totp::{MAX_WINDOW, unix_secs_from_ms};
use totpkit::{Algorithm, Error, OtpParams, Secret, Totp};
use totpkit_fuzz::{Reader, text};

/// The typed code as the README defines it: spaces, tabs, no-break spaces, hyphens and dashes
/// removed, full-width digits read as ASCII, then all digits.
fn normalized(code: &str) -> Option<String> {
    let kept: String = code
        .chars()
        .filter(|c| {
            !matches!(
                c,
                ' ' | '-' | '\t' | '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{3000}' | '\u{2010}'
                    ..='\u{2015}' | '\u{2212}' | '\u{ff0d}'
            )
        })
        .map(|c| match c {
            '\u{ff10}'..='\u{ff19}' => char::from(b'0' + (c as u32 - 0xff10) as u8),
            c => c,
        })
        .collect();
    kept.bytes().all(|b| b.is_ascii_digit()).then_some(kept)
}

/// 0, −1, +1, −2, +2 … ±`reach`, written out here so the oracle does not share the crate's
/// iterator.
fn nearest_first(reach: u32) -> impl Iterator<Item = i64> {
    std::iter::once(0).chain((1..=i64::from(reach)).flat_map(|d| [-d, d]))
}

fn styled(code: &str, style: u8, junk: &str) -> String {
    let (a, b) = code.split_at(3);
    match style % 6 {
        0 => code.into(),
        1 => format!("{a} {b}"),
        2 => format!("{a}-{b}"),
        3 => format!("{code}{junk}"),
        4 => format!("  {code}\t"),
        _ => format!("{junk}{code}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let flags = r.u8();
    let algorithm =
        [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][usize::from(r.u8() % 3)];
    let digits_raw = r.u8();
    let period_raw = r.u32();
    let window_raw = r.u32();
    let steps_raw = r.u32();
    let unix_secs_raw = r.u64();
    let unix_ms = r.f64();
    let offset_ms = r.f64();
    let last_raw = r.u64();
    let code_delta = r.i8();
    let code_style = r.u8();
    let parts = r.strings(2);
    let code_raw = text(parts[1]);

    let secret = if flags & 1 == 1 {
        Secret::from_base32(&text(parts[0]))
    } else {
        Secret::from_bytes(parts[0])
    };
    let Ok(secret) = secret else { return };
    let digits = if flags & 16 != 0 {
        u32::from(digits_raw)
    } else {
        6 + u32::from(digits_raw % 3)
    };
    let period = if flags & 32 != 0 {
        period_raw
    } else {
        match period_raw % 8 {
            0..=2 => 30,
            3 => 1,
            4 => 60,
            5 => 3600,
            _ => 1 + (period_raw >> 3) % 3600,
        }
    };
    let params = match OtpParams::new(algorithm, digits, period) {
        Ok(p) => p,
        Err(e) => {
            assert!(matches!(e, Error::InvalidDigits | Error::InvalidPeriod));
            assert!(!(6..=8).contains(&digits) || !(1..=3600).contains(&period));
            return;
        }
    };
    let window = if window_raw & 0x8000_0000 != 0 {
        window_raw
    } else {
        window_raw % 12
    };
    let max_steps = match steps_raw >> 30 {
        0 | 1 => steps_raw % 40,
        2 => MAX_DIAGNOSE_STEPS + 1 + steps_raw % 4,
        _ => steps_raw,
    };
    let last_used = (flags & 2 != 0).then_some(last_raw);

    // Time: raw Unix seconds (any u64) or JavaScript milliseconds.
    let from_ms = unix_secs_from_ms(unix_ms);
    match from_ms {
        Ok(s) => {
            assert!(unix_ms.is_finite() && (0.0..=JS_EXACT_LIMIT as f64).contains(&unix_ms));
            assert_eq!(s, (unix_ms / 1000.0).floor() as u64);
        }
        Err(e) => {
            assert_eq!(e, Error::InvalidTime);
            assert!(!(unix_ms.is_finite() && (0.0..=JS_EXACT_LIMIT as f64).contains(&unix_ms)));
        }
    }
    let unix_secs = if flags & 64 != 0 {
        match from_ms {
            Ok(s) => s,
            Err(_) => return,
        }
    } else {
        unix_secs_raw
    };

    let totp = Totp::new(&secret, params).expect("HMAC takes any key");
    let now = totp.step_at(unix_secs);
    assert_eq!(now, unix_secs / u64::from(period));

    let code = if flags & 4 != 0 {
        let Some(step) = now.checked_add_signed(i64::from(code_delta)) else {
            return;
        };
        let real = if flags & 8 != 0 {
            // What an app that ignored the enrolled settings would show at this time.
            let defaults = Totp::new(&secret, OtpParams::default()).expect("any key");
            let at = step.saturating_mul(u64::from(period));
            defaults.code_at(at).to_string()
        } else {
            totp.code_at_step(step).to_string()
        };
        styled(&real, code_style, &code_raw)
    } else {
        code_raw
    };
    // Other scripts' decimal digits are read as their values too; this oracle knows only ASCII
    // and full-width ones, and tests/core/digits.rs checks the rest against Python's unicodedata.
    if code
        .chars()
        .any(|c| !c.is_ascii() && c.is_numeric() && !('\u{ff10}'..='\u{ff19}').contains(&c))
    {
        return;
    }
    let typed = normalized(&code).filter(|c| c.len() == digits as usize);

    // verify_after against a brute-force search in the same order.
    let got = totp.verify_after(&code, unix_secs, window, last_used);
    if window > MAX_WINDOW {
        assert_eq!(got, Err(Error::InvalidWindow));
    } else if let Some(typed) = &typed {
        let want = nearest_first(window).find_map(|delta| {
            let step = now.checked_add_signed(delta)?;
            (last_used.is_none_or(|l| step > l) && totp.code_at_step(step).as_str() == typed)
                .then_some((delta, step))
        });
        let got = got.unwrap_or_else(|e| panic!("{code:?}: {e:?}"));
        assert_eq!(
            got.map(|m| (m.delta, m.step)),
            want,
            "{code:?} at {unix_secs}"
        );
        assert_eq!(
            totp.verify(&code, unix_secs, window),
            totp.verify_after(&code, unix_secs, window, None)
        );
        if let Some(m) = got {
            assert!(m.delta.unsigned_abs() <= u64::from(window));
        }
    } else {
        assert_eq!(got, Err(Error::InvalidCode), "{code:?}");
    }

    // diagnose: kind, delta and offset consistent with a brute-force search.
    let diag = diagnose(&secret, &code, unix_secs, params, max_steps);
    let any_length = normalized(&code).filter(|c| (6..=8).contains(&c.len()));
    if max_steps > MAX_DIAGNOSE_STEPS {
        assert_eq!(diag, Err(Error::InvalidOptions));
    } else if any_length.is_none() {
        assert_eq!(diag, Err(Error::InvalidCode));
    } else {
        match diag {
            Err(e) => {
                assert_eq!(e, Error::InvalidCode);
                assert!(normalized(&code).is_none(), "{code:?} refused");
            }
            Ok(d) => {
                if let Some(typed) = &typed {
                    let matches: Vec<i64> = nearest_first(max_steps)
                        .filter(|&delta| {
                            now.checked_add_signed(delta)
                                .is_some_and(|s| totp.code_at_step(s).as_str() == typed)
                        })
                        .collect();
                    let want = match matches.as_slice() {
                        [] => None,
                        [0] => Some(DiagnosisKind::Current),
                        [d] if d.abs() == 1 => Some(DiagnosisKind::Adjacent),
                        [_] => Some(DiagnosisKind::Drift),
                        _ => Some(DiagnosisKind::Ambiguous),
                    };
                    match want {
                        Some(kind) => assert_eq!(d.kind, kind, "{code:?}: {d:?} vs {matches:?}"),
                        None => assert!(matches!(
                            d.kind,
                            DiagnosisKind::None | DiagnosisKind::WrongSettings
                        )),
                    }
                    if let [delta] = matches.as_slice() {
                        assert_eq!(d.step_delta, Some(*delta));
                        assert_eq!(d.offset_seconds, Some(delta * i64::from(period)));
                    }
                }
                match d.kind {
                    DiagnosisKind::Current | DiagnosisKind::Adjacent | DiagnosisKind::Drift => {
                        let delta = d.step_delta.expect("a delta");
                        assert!(delta.unsigned_abs() <= u64::from(max_steps));
                        assert_eq!(d.offset_seconds, Some(delta * i64::from(period)));
                        assert!(d.suspect.is_none());
                    }
                    DiagnosisKind::WrongSettings => {
                        assert!(d.suspect.is_some() && d.step_delta.is_none());
                        assert_ne!(params, OtpParams::default());
                    }
                    DiagnosisKind::None | DiagnosisKind::Ambiguous => {
                        assert!(
                            d.step_delta.is_none()
                                && d.offset_seconds.is_none()
                                && d.suspect.is_none()
                        );
                    }
                }
            }
        }
    }

    // The preview at server time.
    match server_time_ms(unix_ms, offset_ms) {
        Err(e) => assert_eq!(e, Error::InvalidTime),
        Ok(ms) => {
            let p = totp.preview(ms);
            let period_ms = u64::from(period) * 1000;
            assert_eq!(p.step, ms / period_ms);
            assert_eq!(p.code, totp.code_at(ms / 1000));
            assert_eq!(p.next_code, totp.code_at_step(p.step + 1));
            assert!((1..=period_ms).contains(&p.ms_remaining));
            assert_eq!(
                u64::from(p.seconds_remaining),
                p.ms_remaining.div_ceil(1000)
            );
            assert_eq!(p.period, period);
        }
    }
});
