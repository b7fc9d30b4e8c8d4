//! Axis ticks computed on exact decimals ("nice" steps of 1, 2, 2.5 and 5
//! times a power of ten), so tick labels never show float noise and are the
//! same on every machine. No logarithms or powers of floats are used.

use crate::metrics::format;
use crate::metrics::{Decimal, Unit};

/// The ticks of a value axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    pub values: Vec<Decimal>,
    pub step: Decimal,
}

impl Ticks {
    pub fn low(&self) -> Decimal {
        self.values.first().copied().unwrap_or(Decimal::ZERO)
    }

    pub fn high(&self) -> Decimal {
        self.values.last().copied().unwrap_or(Decimal::ONE)
    }

    /// Tick labels formatted by unit, with the decimals the step needs.
    pub fn labels(&self, unit: Unit) -> Vec<String> {
        let largest = self.low().abs().max(self.high().abs());
        self.values
            .iter()
            .map(|v| format::tick(unit, *v, self.step, largest))
            .collect()
    }
}

/// About `wanted` ticks covering `lo..=hi`; the first is at or below `lo`,
/// the last at or above `hi`.
pub fn nice(lo: Decimal, hi: Decimal, wanted: u32) -> Ticks {
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if lo == hi {
        // A flat series: give it room around its value.
        let pad = if lo.is_zero() {
            Decimal::ONE
        } else {
            lo.abs().checked_div(Decimal::from_int(10)).unwrap_or(Decimal::ONE)
        };
        let non_negative = !lo.is_negative();
        lo = lo.checked_sub(pad).unwrap_or(lo);
        hi = hi.checked_add(pad).unwrap_or(hi);
        if non_negative {
            lo = lo.max(Decimal::ZERO);
        }
    }
    let span = hi.checked_sub(lo).unwrap_or(Decimal::ONE);
    let raw = span
        .checked_div(Decimal::from_int(i64::from(wanted.max(1))))
        .unwrap_or(Decimal::ONE);
    let step = nice_step(raw);
    let first = floor_to(lo, step);
    let mut values = vec![first];
    let mut v = first;
    while v < hi && values.len() < 50 {
        match v.checked_add(step) {
            Some(n) => v = n,
            None => break,
        }
        values.push(v);
    }
    if values.len() < 2 {
        values.push(first.checked_add(step).unwrap_or(first));
    }
    Ticks { values, step }
}

/// The smallest of 1, 2, 2.5, 5 × 10ⁿ that is at least `raw`.
fn nice_step(raw: Decimal) -> Decimal {
    let smallest = Decimal::parse("0.000000001").expect("a valid literal");
    let raw = raw.max(smallest);
    let ten = Decimal::from_int(10);
    let mut p = Decimal::ONE;
    while p > raw {
        p = p.checked_div(ten).unwrap_or(smallest);
        if p <= smallest {
            break;
        }
    }
    while p.checked_mul(ten).is_some_and(|q| q <= raw) {
        p = p.checked_mul(ten).unwrap_or(p);
    }
    for m in ["1", "2", "2.5", "5", "10"] {
        let candidate = p.checked_mul(Decimal::parse(m).expect("a valid literal")).unwrap_or(p);
        if candidate >= raw {
            return candidate;
        }
    }
    p
}

/// The largest multiple of `step` at or below `v`.
fn floor_to(v: Decimal, step: Decimal) -> Decimal {
    let Some(q) = v.checked_div(step) else { return v };
    let whole = q.round(0);
    let whole = if whole > q {
        whole.checked_sub(Decimal::ONE).unwrap_or(whole)
    } else {
        whole
    };
    whole.checked_mul(step).unwrap_or(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    fn ticks(lo: &str, hi: &str) -> Vec<String> {
        nice(d(lo), d(hi), 5).values.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn nice_ticks_cover_the_range() {
        assert_eq!(ticks("0", "1655000"), ["0", "500000", "1000000", "1500000", "2000000"]);
        assert_eq!(
            ticks("1302000", "1655000"),
            ["1300000", "1400000", "1500000", "1600000", "1700000"]
        );
        assert_eq!(ticks("3.6", "4.3"), ["3.6", "3.8", "4", "4.2", "4.4"]);
        assert_eq!(ticks("0", "100"), ["0", "20", "40", "60", "80", "100"]);
        assert_eq!(ticks("-5", "12"), ["-5", "0", "5", "10", "15"]);
        assert_eq!(ticks("0", "0.01"), ["0", "0.002", "0.004", "0.006", "0.008", "0.01"]);
    }

    #[test]
    fn a_flat_series_gets_room() {
        assert_eq!(ticks("100", "100"), ["90", "95", "100", "105", "110"]);
        assert_eq!(ticks("0", "0"), ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
    }

    #[test]
    fn labels_follow_the_unit() {
        let t = nice(d("1302000"), d("1655000"), 5);
        assert_eq!(
            t.labels(Unit::parse("USD").unwrap()),
            ["$1.3M", "$1.4M", "$1.5M", "$1.6M", "$1.7M"]
        );
        let t = nice(d("0"), d("62.5"), 5);
        assert_eq!(t.labels(Unit::Percent), ["0%", "20%", "40%", "60%", "80%"]);
    }
}
