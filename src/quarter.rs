//! Fiscal quarters (`YYYY-Qn`) and their mapping to calendar dates. How
//! readers see them is `quarter_format` ([`crate::metrics::format::QuarterFormat`]).
//!
//! A fiscal year is named after the calendar year in which it ends, the usual
//! corporate convention: with `fiscal_year_start: 7`, July 2026 opens FY2027,
//! so 2026-07-15 falls in `2027-Q1`. With the default start month (January),
//! fiscal and calendar years coincide.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i16,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    pub fn new(year: i16, q: u8) -> Option<Quarter> {
        (1..=4).contains(&q).then_some(Quarter { year, q })
    }

    /// The quarter `n` quarters later (earlier when negative).
    pub fn offset(self, n: i32) -> Quarter {
        let index = i32::from(self.year) * 4 + i32::from(self.q - 1) + n;
        Quarter {
            year: index.div_euclid(4) as i16,
            q: index.rem_euclid(4) as u8 + 1,
        }
    }

    pub fn next(self) -> Quarter {
        self.offset(1)
    }

    pub fn prev(self) -> Quarter {
        self.offset(-1)
    }

    /// The fiscal quarter a calendar date falls in.
    pub fn of_date(date: Date, fiscal_year_start: u32) -> Quarter {
        let start = fiscal_year_start.clamp(1, 12) as i32;
        let month = i32::from(date.month());
        let months_into_year = (month - start).rem_euclid(12);
        let year = i32::from(date.year()) + i32::from(start != 1 && month >= start);
        Quarter {
            year: year as i16,
            q: (months_into_year / 3 + 1) as u8,
        }
    }

    /// The first calendar day of the quarter.
    pub fn first_day(self, fiscal_year_start: u32) -> Date {
        let start = fiscal_year_start.clamp(1, 12) as i32;
        // Month index from year 0 of the quarter's first month.
        let fiscal_year_first = i32::from(self.year) * 12 + (start - 1) - if start != 1 { 12 } else { 0 };
        let m = fiscal_year_first + i32::from(self.q - 1) * 3;
        Date::new(m.div_euclid(12) as i16, (m.rem_euclid(12) + 1) as i8, 1).expect("month index is in range")
    }

    /// The last calendar day of the quarter.
    pub fn last_day(self, fiscal_year_start: u32) -> Date {
        self.next()
            .first_day(fiscal_year_start)
            .yesterday()
            .expect("a quarter never starts at the minimum date")
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-Q{}", self.year, self.q)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterError(pub String);

impl FromStr for Quarter {
    type Err = QuarterError;

    /// Accepts `2026-Q3` (and lower-case `q`); anything else says what is expected.
    fn from_str(s: &str) -> Result<Quarter, QuarterError> {
        let err = || QuarterError(format!("`{s}` is not a quarter; write it as `YYYY-Qn`, e.g. `2026-Q3`"));
        let (year, q) = s.trim().split_once('-').ok_or_else(err)?;
        let q = q.strip_prefix(['Q', 'q']).ok_or_else(err)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let year: i16 = year.parse().map_err(|_| err())?;
        let q: u8 = q.parse().map_err(|_| err())?;
        let years = crate::yaml::YEARS;
        if !years.contains(&year) {
            let (lo, hi) = (years.start(), years.end());
            return Err(QuarterError(format!(
                "`{s}` is in the year {year:04}, outside {lo}–{hi}; check the year"
            )));
        }
        Quarter::new(year, q)
            .ok_or_else(|| QuarterError(format!("`{s}` has no quarter {q}; quarters run from Q1 to Q4")))
    }
}

impl Serialize for Quarter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn q(s: &str) -> Quarter {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_round_trip() {
        assert_eq!(q("2026-Q3"), Quarter { year: 2026, q: 3 });
        assert_eq!(q("2026-q1").to_string(), "2026-Q1");
    }

    #[test]
    fn rejects_malformed_quarters_with_a_hint() {
        for bad in ["2026-Q5", "2026-Q0", "Q3-2026", "2026Q3", "26-Q1", "2026-Q", ""] {
            let e = bad.parse::<Quarter>().unwrap_err();
            assert!(e.0.contains("Q"), "{bad}: {}", e.0);
        }
        assert!("2026-Q5".parse::<Quarter>().unwrap_err().0.contains("Q1 to Q4"));
    }

    #[test]
    fn years_are_four_digits_that_mean_something() {
        // `0000-Q1` used to print back as `0-Q1`, and `9999-Q4` overflowed the calendar.
        for bad in ["0000-Q1", "9999-Q4", "1899-Q4", "3000-Q1"] {
            let e = bad.parse::<Quarter>().unwrap_err();
            assert!(e.0.contains("outside 1900–2999"), "{bad}: {}", e.0);
        }
        for edge in ["1900-Q1", "2999-Q4"] {
            let quarter = q(edge);
            assert_eq!(quarter.to_string(), edge);
            for start in 1..=12 {
                assert!(quarter.first_day(start) <= quarter.last_day(start));
            }
        }
    }

    #[test]
    fn arithmetic_crosses_years() {
        assert_eq!(q("2026-Q4").next(), q("2027-Q1"));
        assert_eq!(q("2026-Q1").prev(), q("2025-Q4"));
        assert_eq!(q("2026-Q3").offset(-4), q("2025-Q3"));
        assert_eq!(q("2026-Q3").offset(-11), q("2023-Q4"));
    }

    #[test]
    fn calendar_year_quarters() {
        let cases = [
            (date(2026, 1, 1), "2026-Q1"),
            (date(2026, 3, 31), "2026-Q1"),
            (date(2026, 4, 1), "2026-Q2"),
            (date(2026, 9, 30), "2026-Q3"),
            (date(2026, 12, 31), "2026-Q4"),
        ];
        for (d, want) in cases {
            assert_eq!(Quarter::of_date(d, 1).to_string(), want, "{d}");
        }
    }

    #[test]
    fn fiscal_year_named_after_the_year_it_ends() {
        // Fiscal year starting in July: FY2027 runs July 2026 to June 2027.
        let cases = [
            (date(2026, 6, 30), "2026-Q4"),
            (date(2026, 7, 1), "2027-Q1"),
            (date(2026, 10, 1), "2027-Q2"),
            (date(2027, 1, 15), "2027-Q3"),
            (date(2027, 4, 1), "2027-Q4"),
        ];
        for (d, want) in cases {
            assert_eq!(Quarter::of_date(d, 7).to_string(), want, "{d}");
        }
    }

    #[test]
    fn first_and_last_days_invert_of_date() {
        for start in 1..=12 {
            for s in ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"] {
                let quarter = q(s);
                let first = quarter.first_day(start);
                let last = quarter.last_day(start);
                assert_eq!(
                    Quarter::of_date(first, start),
                    quarter,
                    "start {start} {s} first {first}"
                );
                assert_eq!(Quarter::of_date(last, start), quarter, "start {start} {s} last {last}");
                assert_eq!(Quarter::of_date(last.tomorrow().unwrap(), start), quarter.next());
            }
        }
        assert_eq!(q("2027-Q1").first_day(7), date(2026, 7, 1));
        assert_eq!(q("2026-Q1").last_day(1), date(2026, 3, 31));
    }
}
