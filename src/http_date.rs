//! HTTP `Date` parsing (RFC 9110 §5.6.7), for a clock check that reads the server's time from
//! the `Date` header of any response.

use crate::error::{Error, Result};

/// Parses an HTTP date (RFC 9110 §5.6.7) into Unix milliseconds: the preferred IMF-fixdate
/// (`Sun, 06 Nov 1994 08:49:37 GMT`) and the obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`)
/// and asctime (`Sun Nov  6 08:49:37 1994`) forms. RFC 850's two-digit years 70–99 are 19xx and
/// 00–69 are 20xx (the POSIX pivot: without a clock the core cannot apply RFC 9110's "50 years
/// in the future" rule). The weekday must be a real day name; its agreement with the date is
/// not checked. Anything else is [`Error::InvalidDate`].
pub fn parse_http_date(text: &str) -> Result<f64> {
    let text = text.trim();
    let parts: alloc::vec::Vec<&str> = text.split_ascii_whitespace().collect();
    let (day, month, year, time) = match parts.as_slice() {
        // IMF-fixdate: "Sun," DD Mon YYYY HH:MM:SS GMT
        [wd, dd, mon, yyyy, time, "GMT"] if wd.strip_suffix(',').is_some_and(short_day) => {
            (number(dd, 2)?, month(mon)?, number(yyyy, 4)?, *time)
        }
        // RFC 850: "Sunday," DD-Mon-YY HH:MM:SS GMT
        [wd, date, time, "GMT"] if wd.strip_suffix(',').is_some_and(long_day) => {
            let mut it = date.split('-');
            let (Some(dd), Some(mon), Some(yy), None) =
                (it.next(), it.next(), it.next(), it.next())
            else {
                return Err(Error::InvalidDate);
            };
            let yy = number(yy, 2)?;
            (
                number(dd, 2)?,
                month(mon)?,
                if yy < 70 {
                    yy.saturating_add(2000)
                } else {
                    yy.saturating_add(1900)
                },
                *time,
            )
        }
        // asctime: Sun Mon D HH:MM:SS YYYY (the day is space-padded, so it may be one digit)
        [wd, mon, d, time, yyyy] if short_day(wd) && (1..=2).contains(&d.len()) => {
            (number(d, d.len())?, month(mon)?, number(yyyy, 4)?, *time)
        }
        _ => return Err(Error::InvalidDate),
    };
    let mut hms = time.split(':');
    let (Some(h), Some(m), Some(s), None) = (hms.next(), hms.next(), hms.next(), hms.next()) else {
        return Err(Error::InvalidDate);
    };
    let (h, m, s) = (number(h, 2)?, number(m, 2)?, number(s, 2)?);
    // Second 60 is a leap second (RFC 5322 allows it); it reads as the next second.
    if h > 23 || m > 59 || s > 60 || day == 0 || day > days_in_month(year, month) || year < 1970 {
        return Err(Error::InvalidDate);
    }
    Ok(unix_secs(year, month, day, h, m, s) as f64 * 1000.0)
}

/// Seconds since the epoch. Callers have range-checked every field (years 1970–9999, so the
/// result is below 2^38), which is why plain arithmetic cannot overflow here.
#[expect(
    clippy::arithmetic_side_effects,
    reason = "fields range-checked by the caller: the result is below 2^38"
)]
fn unix_secs(year: u32, month: u32, day: u32, h: u32, m: u32, s: u32) -> i64 {
    days_from_civil(year, month, day) * 86_400
        + i64::from(h) * 3600
        + i64::from(m) * 60
        + i64::from(s)
}

fn short_day(name: &str) -> bool {
    matches!(name, "Mon" | "Tue" | "Wed" | "Thu" | "Fri" | "Sat" | "Sun")
}

fn long_day(name: &str) -> bool {
    matches!(
        name,
        "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday"
    )
}

fn month(name: &str) -> Result<u32> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS
        .iter()
        .position(|m| *m == name)
        .map(|i| (i as u32).saturating_add(1))
        .ok_or(Error::InvalidDate)
}

/// Exactly `len` ASCII digits.
fn number(text: &str, len: usize) -> Result<u32> {
    if text.len() != len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidDate);
    }
    text.parse().map_err(|_| Error::InvalidDate)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`), for years 1970–9999, where
/// every intermediate value is small.
#[expect(
    clippy::arithmetic_side_effects,
    reason = "years 1970–9999: every intermediate value is below 2^22"
)]
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
