//! The one place that reads the wall clock: the build day when `--today`
//! is not given, in the configured time zone. Nothing that produces output
//! reads the clock; it gets the day from here, once per build.

use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Today's date in `tz`.
pub fn today(tz: &TimeZone) -> Date {
    jiff::Timestamp::now().to_zoned_datetime(tz.clone()).date()
}
