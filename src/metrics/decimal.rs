//! An exact decimal number for metric values: a signed integer count of
//! billionths. Sums, differences and comparisons are exact, so money never
//! drifts the way `0.1 + 0.2` does in floating point; division (percent
//! changes) rounds half away from zero at the ninth decimal. Floats appear
//! only at the edge, to place points on a chart.

use std::fmt;

use serde::{Serialize, Serializer};

/// Fractional digits kept.
const DIGITS: u32 = 9;
const SCALE: i128 = 1_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal(i128);

impl Decimal {
    pub const ZERO: Decimal = Decimal(0);
    pub const ONE: Decimal = Decimal(SCALE);
    pub const HUNDRED: Decimal = Decimal(100 * SCALE);

    pub fn from_int(n: i64) -> Decimal {
        Decimal(i128::from(n) * SCALE)
    }

    /// Reads a number as written in a metric file: `1302000`, `24.5`,
    /// `-3`, `1_302_000`. Anything else gets a message saying what is expected.
    pub fn parse(text: &str) -> Result<Decimal, String> {
        let s = text.trim();
        let not_a_number = || format!("`{s}` is not a number");
        if s.is_empty() {
            return Err("the value is empty".into());
        }
        if s.contains(',') {
            return Err(format!(
                "`{s}` is not a number: write it without thousands separators, e.g. `1302000`"
            ));
        }
        let (negative, digits) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let digits = digits.replace('_', "");
        let (int, frac) = digits.split_once('.').unwrap_or((&digits, ""));
        if int.is_empty() && frac.is_empty() {
            return Err(not_a_number());
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_a_number());
        }
        if frac.len() > DIGITS as usize {
            return Err(format!("`{s}` has more than {DIGITS} decimals"));
        }
        let too_large = || format!("`{s}` is too large");
        let mut units: i128 = 0;
        for b in int.bytes() {
            units = units
                .checked_mul(10)
                .and_then(|u| u.checked_add(i128::from(b - b'0')))
                .ok_or_else(too_large)?;
        }
        units = units.checked_mul(SCALE).ok_or_else(too_large)?;
        let mut f: i128 = 0;
        for b in frac.bytes() {
            f = f * 10 + i128::from(b - b'0');
        }
        f *= 10_i128.pow(DIGITS - frac.len() as u32);
        let v = units.checked_add(f).ok_or_else(too_large)?;
        // Keep far away from i128's edge so sums of a few thousand values cannot overflow.
        if v > i128::MAX / 1_000_000 {
            return Err(too_large());
        }
        Ok(Decimal(if negative { -v } else { v }))
    }

    /// The decimal a float prints as (its shortest round-trip form), so a
    /// number YAML read as `24.5` is exactly 24.5.
    pub fn from_f64(x: f64) -> Option<Decimal> {
        if !x.is_finite() {
            return None;
        }
        let s = format!("{x}");
        Decimal::parse(&s).ok().or_else(|| {
            // More than nine decimals: round at the ninth.
            let (int, frac) = s.split_once('.')?;
            Decimal::parse(&format!("{int}.{}", &frac[..DIGITS as usize])).ok()
        })
    }

    pub fn to_f64(self) -> f64 {
        // Split to keep integer values exact in f64 when they fit.
        let int = self.0 / SCALE;
        let frac = self.0 % SCALE;
        int as f64 + frac as f64 / SCALE as f64
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn is_integer(self) -> bool {
        self.0 % SCALE == 0
    }

    pub fn abs(self) -> Decimal {
        Decimal(self.0.abs())
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        self.0.checked_add(other.0).map(Decimal)
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.0.checked_sub(other.0).map(Decimal)
    }

    /// `self × other`, rounded half away from zero at the ninth decimal.
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let p = self.0.checked_mul(other.0)?;
        Some(Decimal(div_round(p, SCALE)))
    }

    /// `self ÷ other`, rounded half away from zero at the ninth decimal;
    /// `None` when `other` is zero or the result does not fit.
    pub fn checked_div(self, other: Decimal) -> Option<Decimal> {
        if other.0 == 0 {
            return None;
        }
        let n = self.0.checked_mul(SCALE)?;
        Some(Decimal(div_round(n, other.0)))
    }

    /// Rounded half away from zero to `places` decimals.
    pub fn round(self, places: u32) -> Decimal {
        if places >= DIGITS {
            return self;
        }
        let unit = 10_i128.pow(DIGITS - places);
        Decimal(div_round(self.0, unit) * unit)
    }

    /// Fixed-point text with exactly `places` decimals, rounded, no grouping: `-1234.50`.
    pub fn to_fixed(self, places: u32) -> String {
        let places = places.min(DIGITS);
        let r = self.round(places).0;
        let sign = if r < 0 { "-" } else { "" };
        let r = r.abs();
        let int = r / SCALE;
        if places == 0 {
            return format!("{sign}{int}");
        }
        let frac = (r % SCALE) / 10_i128.pow(DIGITS - places);
        format!("{sign}{int}.{frac:0width$}", width = places as usize)
    }
}

/// Integer division rounded half away from zero.
fn div_round(n: i128, d: i128) -> i128 {
    let q = n / d;
    let r = n % d;
    if r.abs() * 2 >= d.abs() {
        if (n < 0) != (d < 0) { q - 1 } else { q + 1 }
    } else {
        q
    }
}

/// The shortest exact form: `1302000`, `24.5`, `-0.05`.
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.to_fixed(DIGITS);
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.')
        } else {
            &s
        };
        let s = if s == "-0" { "0" } else { s };
        f.write_str(s)
    }
}

/// A JSON number whose text is the exact decimal: integers as integers,
/// other values through the float that prints as the same digits.
impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_integer()
            && let Ok(n) = i64::try_from(self.0 / SCALE)
        {
            return s.serialize_i64(n);
        }
        let text = self.to_string();
        s.serialize_f64(text.parse().unwrap_or_else(|_| self.to_f64()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn parses_what_authors_write() {
        assert_eq!(d("1302000").to_string(), "1302000");
        assert_eq!(d("24.5").to_string(), "24.5");
        assert_eq!(d("-0.05").to_string(), "-0.05");
        assert_eq!(d("1_302_000"), d("1302000"));
        assert_eq!(d("+3"), d("3"));
        assert_eq!(d(".5"), d("0.5"));
        assert_eq!(d("7."), d("7"));
        assert_eq!(d("26.0").to_string(), "26");
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        for (bad, want) in [
            ("twelve", "is not a number"),
            ("1,302,000", "thousands separators"),
            ("1.2.3", "is not a number"),
            ("", "empty"),
            ("-", "is not a number"),
            ("1e6", "is not a number"),
            ("0.0000000001", "more than 9 decimals"),
            ("999999999999999999999999999999999999999", "too large"),
        ] {
            let e = Decimal::parse(bad).unwrap_err();
            assert!(e.contains(want), "{bad}: {e}");
        }
    }

    #[test]
    fn money_sums_do_not_drift() {
        // 0.1 added ten times is exactly 1, unlike f64.
        let mut sum = Decimal::ZERO;
        for _ in 0..10 {
            sum = sum.checked_add(d("0.1")).unwrap();
        }
        assert_eq!(sum, Decimal::ONE);
        let parts = ["610000.10", "402000.20", "290000.30"].map(d);
        let total = parts.iter().try_fold(Decimal::ZERO, |a, b| a.checked_add(*b)).unwrap();
        assert_eq!(total, d("1302000.60"));
    }

    #[test]
    fn division_rounds_half_away_from_zero() {
        assert_eq!(d("1").checked_div(d("3")).unwrap().to_string(), "0.333333333");
        assert_eq!(d("2").checked_div(d("3")).unwrap().to_string(), "0.666666667");
        assert_eq!(d("-2").checked_div(d("3")).unwrap().to_string(), "-0.666666667");
        assert_eq!(d("1").checked_div(Decimal::ZERO), None);
        assert_eq!(d("0.5").checked_mul(d("0.5")).unwrap(), d("0.25"));
    }

    #[test]
    fn rounding_and_fixed_text() {
        assert_eq!(d("1.25").to_fixed(1), "1.3");
        assert_eq!(d("-1.25").to_fixed(1), "-1.3");
        assert_eq!(d("1.24").to_fixed(1), "1.2");
        assert_eq!(d("1302000").to_fixed(2), "1302000.00");
        assert_eq!(d("0.004").to_fixed(2), "0.00");
        assert_eq!(d("-0.004").to_string(), "-0.004");
        assert_eq!(d("-0.0004").round(2).to_string(), "0");
    }

    #[test]
    fn floats_become_the_decimal_they_print_as() {
        assert_eq!(Decimal::from_f64(0.1).unwrap(), d("0.1"));
        assert_eq!(Decimal::from_f64(1200000.0).unwrap(), d("1200000"));
        assert_eq!(Decimal::from_f64(f64::NAN), None);
        assert_eq!(d("24.5").to_f64(), 24.5);
    }

    #[test]
    fn json_keeps_the_written_digits() {
        let v = serde_json::to_string(&[d("1302000"), d("24.5"), d("0.1"), d("-3.75")]).unwrap();
        assert_eq!(v, "[1302000,24.5,0.1,-3.75]");
    }
}
