//! The server's clock: the only source of time for verification (the client's time is never
//! trusted), injectable so tests can stand at any step without sleeping.
//!
//! [`SystemClock`] reads the system time and adds the `--clock-offset-ms` shift, so anyone can
//! watch the page's drift detection work without touching their own clock. [`ManualClock`]
//! is a clock the tests set and advance by hand.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of Unix time in milliseconds.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch, as this server sees them.
    fn now_ms(&self) -> u64;

    /// The same instant as a [`SystemTime`], for the `Date` header.
    fn now_system_time(&self) -> SystemTime {
        UNIX_EPOCH
            .checked_add(Duration::from_millis(self.now_ms()))
            .unwrap_or(UNIX_EPOCH)
    }
}

/// The system clock shifted by a fixed offset (`--clock-offset-ms`, may be negative).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock {
    offset_ms: i64,
}

impl SystemClock {
    /// A system clock shifted by `offset_ms` milliseconds.
    pub const fn with_offset_ms(offset_ms: i64) -> Self {
        Self { offset_ms }
    }
}

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        // A system clock before 1970 reads as the epoch; u64 milliseconds last 584 million years.
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        real.saturating_add_signed(self.offset_ms)
    }
}

/// A clock that only moves when told to. Clones share the same time.
#[derive(Clone, Debug, Default)]
pub struct ManualClock(Arc<AtomicU64>);

impl ManualClock {
    /// A clock standing at `unix_ms`.
    pub fn at_ms(unix_ms: u64) -> Self {
        Self(Arc::new(AtomicU64::new(unix_ms)))
    }

    /// Sets the time.
    pub fn set_ms(&self, unix_ms: u64) {
        self.0.store(unix_ms, Ordering::SeqCst);
    }

    /// Moves the time forward by `ms` milliseconds.
    pub fn advance_ms(&self, ms: u64) {
        // fetch_update with a saturating add never overflows; the closure always returns Some.
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some(t.saturating_add(ms))
            });
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_shifts_both_ways() {
        let plain = SystemClock::default().now_ms();
        let ahead = SystemClock::with_offset_ms(3_600_000).now_ms();
        let behind = SystemClock::with_offset_ms(-3_600_000).now_ms();
        assert!(ahead >= plain.saturating_add(3_590_000));
        assert!(behind <= plain.saturating_sub(3_590_000));
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::at_ms(1_000);
        let shared = clock.clone();
        shared.advance_ms(500);
        assert_eq!(clock.now_ms(), 1_500);
        clock.set_ms(u64::MAX);
        clock.advance_ms(1);
        assert_eq!(shared.now_ms(), u64::MAX);
    }
}
