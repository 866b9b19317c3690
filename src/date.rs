//! Calendar dates in UTC for snapshot dates, their age and fetch times, on the `time` crate.

use std::fmt;
use std::time::SystemTime;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// A day of the Gregorian calendar (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

impl Date {
    /// Parses `YYYY-MM-DD`; `None` for anything else, including days that do not exist.
    ///
    /// ```
    /// use policy_sentry::date::Date;
    /// let date = Date::parse("2024-07-15").unwrap();
    /// assert_eq!(date.to_string(), "2024-07-15");
    /// assert_eq!(Date::parse("2025-07-15").unwrap().days_since(date), 365);
    /// assert!(Date::parse("2024-02-30").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Date> {
        time::Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
            .ok()
            .map(Date)
    }

    /// Today in UTC.
    pub fn today() -> Date {
        Date(OffsetDateTime::now_utc().date())
    }

    /// Whole days from `earlier` to `self` (negative if `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i64 {
        (self.0 - earlier.0).whole_days()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

/// A moment as RFC 3339 in UTC with whole seconds, e.g. `2026-05-01T12:00:00Z`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let moment = UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
/// assert_eq!(policy_sentry::date::rfc3339(moment), "2023-11-14T22:13:20Z");
/// ```
pub fn rfc3339(moment: SystemTime) -> String {
    let utc = OffsetDateTime::from(moment).to_offset(UtcOffset::UTC);
    let whole_seconds = utc.replace_nanosecond(0).unwrap_or(utc);
    whole_seconds
        .format(&Rfc3339)
        .unwrap_or_else(|_| utc.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_it_prints_and_rejects_the_rest() {
        for text in ["1970-01-01", "2000-02-29", "2024-07-15", "9999-12-31"] {
            assert_eq!(Date::parse(text).unwrap().to_string(), text);
        }
        for text in ["2023-02-29", "2024-13-01", "2024-7-15", "15/07/2024", ""] {
            assert!(Date::parse(text).is_none(), "{text}");
        }
        let epoch = Date::parse("1970-01-01").unwrap();
        assert_eq!(Date::parse("2000-03-01").unwrap().days_since(epoch), 11_017);
        assert_eq!(epoch.days_since(Date::parse("1970-01-02").unwrap()), -1);
    }
}
