//! `clock::estimate_offset` on arbitrary f64 samples and thresholds (every NaN, infinity,
//! subnormal and extreme), and `clock::server_time_ms` on arbitrary times and offsets.
//!
//! Layout (see src/lib.rs): flags u8 (bit 0: default thresholds), ok, minor, warn, maxError,
//! local, offset (f64 each), then 32-byte samples: sent, received, server, resolution.
#![no_main]

use libfuzzer_sys::fuzz_target;
use totpkit::Error;
use totpkit::params::JS_EXACT_LIMIT;
use totpkit::clock::{
    ClockSample, ClockStatus, MAX_OFFSET_MS, Thresholds, estimate_offset, server_time_ms,
};
use totpkit_fuzz::Reader;

const MAX_MS: f64 = JS_EXACT_LIMIT as f64;

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let flags = r.u8();
    let given = Thresholds {
        ok_ms: r.f64(),
        minor_ms: r.f64(),
        warn_ms: r.f64(),
        max_error_ms: r.f64(),
    };
    let (local, offset) = (r.f64(), r.f64());
    let thresholds = if flags & 1 == 1 {
        Thresholds::default()
    } else {
        given
    };
    let samples: Vec<ClockSample> = r
        .rest()
        .chunks_exact(32)
        .map(|c| {
            let mut s = Reader::new(c);
            ClockSample {
                sent_ms: s.f64(),
                received_ms: s.f64(),
                server_ms: s.f64(),
                resolution_ms: s.f64(),
            }
        })
        .collect();

    let t = thresholds;
    let thresholds_ok = [t.ok_ms, t.minor_ms, t.warn_ms, t.max_error_ms]
        .iter()
        .all(|v| v.is_finite() && *v >= 0.0)
        && t.ok_ms <= t.minor_ms
        && t.minor_ms <= t.warn_ms;
    match estimate_offset(&samples, thresholds) {
        Err(Error::InvalidOptions) => assert!(!thresholds_ok),
        Err(Error::InvalidSample) => assert!(thresholds_ok),
        Err(e) => panic!("undocumented error {e:?}"),
        Ok(e) => {
            assert!(thresholds_ok);
            assert!(e.offset_ms.is_finite() && e.error_ms.is_finite() && e.rtt_ms.is_finite());
            assert!(e.rtt_ms >= 0.0 && e.error_ms >= 0.0, "{e:?}");
            let chosen = samples[e.sample_index];
            assert_eq!(e.rtt_ms, chosen.received_ms - chosen.sent_ms);
            for (i, s) in samples.iter().enumerate() {
                let rtt = s.received_ms - s.sent_ms;
                assert!(rtt.is_finite() && rtt >= 0.0 && s.resolution_ms >= 0.0);
                assert!(
                    rtt > e.rtt_ms || (rtt == e.rtt_ms && i >= e.sample_index),
                    "sample {i} is shorter"
                );
            }
            let least = e.offset_ms.abs() - e.error_ms;
            let want = if e.error_ms > t.max_error_ms {
                ClockStatus::Unknown
            } else if least <= t.ok_ms {
                ClockStatus::Ok
            } else if least <= t.minor_ms {
                ClockStatus::Minor
            } else if least <= t.warn_ms {
                ClockStatus::Warn
            } else {
                ClockStatus::Critical
            };
            assert_eq!(e.status, want, "{e:?}");
        }
    }

    match server_time_ms(local, offset) {
        Ok(ms) => {
            assert!(local.is_finite() && (0.0..=MAX_MS).contains(&local));
            assert!(offset.is_finite() && offset.abs() <= MAX_OFFSET_MS);
            assert!(ms as f64 <= MAX_MS);
            assert_eq!(ms as f64, (local + offset).floor());
        }
        Err(e) => assert_eq!(e, Error::InvalidTime),
    }
});
