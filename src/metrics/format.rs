//! Numbers as a board reads them, by unit and without locale surprises:
//! `$1.30M`, `€845K`, `42.5%`, `12 days`, `−8.1%`. Negative numbers use the
//! minus sign U+2212, changes always carry a sign, and rounding is half away
//! from zero on the exact decimal, so the same value always prints the same.

use super::decimal::Decimal;
use super::unit::Unit;
use crate::quarter::Quarter;

/// U+2212, the typographic minus.
pub const MINUS: char = '−';

/// A value for tiles, tables and chart labels: `$1.30M`, `93.8%`, `14.2 days`.
pub fn value(unit: Unit, v: Decimal) -> String {
    signed(v, false, |a| magnitude(unit, a))
}

/// A value with every digit kept, for data tables and exports: `$1,302,000`.
pub fn exact(unit: Unit, v: Decimal) -> String {
    signed(v, false, |a| {
        let n = group(&a.to_string());
        match unit {
            Unit::Currency { code, symbol } => with_currency(code, symbol, &n),
            Unit::Percent => format!("{n}%"),
            Unit::Days => format!("{n} {}", plural(a, "day")),
            Unit::Hours => format!("{n} {}", plural(a, "hour")),
            Unit::Count | Unit::Score | Unit::Ratio => n,
        }
    })
}

/// A change between two values, always signed: `−$115K`, `+5.2 pp`, `−1.4 days`.
/// Percent metrics change by percentage points.
pub fn change(unit: Unit, delta: Decimal) -> String {
    signed(delta, true, |a| match unit {
        Unit::Percent => format!("{} pp", trimmed(a, 1)),
        _ => magnitude(unit, a),
    })
}

/// A relative change, signed, one decimal: `−8.1%`. `ratio` is a fraction (−0.081).
pub fn percent_change(ratio: Decimal) -> String {
    let pct = ratio.checked_mul(Decimal::HUNDRED).unwrap_or(ratio).round(1);
    signed(pct, true, |a| format!("{}%", a.to_fixed(1)))
}

/// A fraction as a plain percentage, no sign: `0.05` → `5%`.
pub fn fraction(ratio: Decimal) -> String {
    let pct = ratio.checked_mul(Decimal::HUNDRED).unwrap_or(ratio);
    value(Unit::Percent, pct)
}

/// An axis tick: as compact as the unit allows, with just the decimals the
/// tick step needs (`$1.2M`, `$1.25M`, `40%`, `12.5`).
pub fn tick(unit: Unit, v: Decimal, step: Decimal, largest: Decimal) -> String {
    if v.is_zero() {
        return match unit {
            Unit::Currency { code, symbol } => with_currency(code, symbol, "0"),
            Unit::Percent => "0%".into(),
            _ => "0".into(),
        };
    }
    signed(v, false, |a| match unit {
        Unit::Currency { code, symbol } => {
            let (scale, suffix) = scale_of(largest.abs());
            let places = decimals_needed(step, scale);
            let scaled = a.checked_div(scale).unwrap_or(a);
            with_currency(code, symbol, &format!("{}{suffix}", group(&scaled.to_fixed(places))))
        }
        Unit::Percent => format!("{}%", a.to_fixed(decimals_needed(step, Decimal::ONE))),
        _ => group(&a.to_fixed(decimals_needed(step, Decimal::ONE))),
    })
}

/// How quarters are written for readers (`quarter_format` in casebook.yaml):
/// a pattern with `{q}` for the quarter's number, `{year}` for the fiscal
/// year and `{yy}` for its last two digits. Files, URLs, CSV and JSON keep
/// the machine form `2026-Q3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterFormat(String);

impl Default for QuarterFormat {
    fn default() -> QuarterFormat {
        QuarterFormat(QuarterFormat::DEFAULT.to_string())
    }
}

impl QuarterFormat {
    pub const DEFAULT: &'static str = "Q{q} {year}";

    /// A checked pattern, or what is wrong with it.
    pub fn parse(pattern: &str) -> Result<QuarterFormat, String> {
        let mut rest = pattern;
        let (mut has_q, mut has_year) = (false, false);
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("`{pattern}` has a `{{` that is not closed"))?;
            match &rest[open + 1..open + close] {
                "q" => has_q = true,
                "year" | "yy" => has_year = true,
                other => return Err(format!("`{pattern}` has an unknown placeholder `{{{other}}}`")),
            }
            rest = &rest[open + close + 1..];
        }
        if !has_q || !has_year {
            return Err(format!("`{pattern}` needs both `{{q}}` and `{{year}}` (or `{{yy}}`)"));
        }
        Ok(QuarterFormat(pattern.to_string()))
    }

    /// `Q3 2026` for 2026-Q3 with the default pattern.
    pub fn label(&self, q: Quarter) -> String {
        self.0
            .replace("{q}", &q.q.to_string())
            .replace("{year}", &format!("{:04}", q.year))
            .replace("{yy}", &format!("{:02}", q.year.rem_euclid(100)))
    }

    /// `text` with every machine quarter (`2026-Q3`) in it written as a label.
    pub fn in_text(&self, text: &str) -> String {
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        let mut i = 0;
        while i + 7 <= b.len() {
            let is_quarter = b[i..i + 4].iter().all(u8::is_ascii_digit)
                && &b[i + 4..i + 6] == b"-Q"
                && (b'1'..=b'4').contains(&b[i + 6])
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
                && b.get(i + 7).is_none_or(|c| !c.is_ascii_alphanumeric());
            match is_quarter.then(|| text[i..i + 7].parse::<Quarter>().ok()).flatten() {
                Some(q) => {
                    out.push_str(&text[last..i]);
                    out.push_str(&self.label(q));
                    i += 7;
                    last = i;
                }
                None => i += 1,
            }
        }
        out.push_str(&text[last..]);
        out
    }
}

/// Progress towards a target, in whole percent: `73%`. Every progress figure
/// uses this one precision, so `71%` and `20.7%` never sit side by side.
pub fn progress(share: Decimal) -> String {
    let pct = share.checked_mul(Decimal::HUNDRED).unwrap_or(share).round(0);
    signed(pct, false, |a| format!("{a}%"))
}

fn signed(v: Decimal, always: bool, body: impl Fn(Decimal) -> String) -> String {
    let text = body(v.abs());
    let rounds_to_zero = text.chars().filter(char::is_ascii_digit).all(|c| c == '0');
    if rounds_to_zero {
        text
    } else if v.is_negative() {
        format!("{MINUS}{text}")
    } else if always {
        format!("+{text}")
    } else {
        text
    }
}

/// The compact form of a non-negative value.
fn magnitude(unit: Unit, a: Decimal) -> String {
    match unit {
        Unit::Currency { code, symbol } => with_currency(code, symbol, &compact_money(a)),
        Unit::Percent => format!("{}%", trimmed(a, 1)),
        Unit::Days => format!("{} {}", trimmed(a, 1), plural(a.round(1), "day")),
        Unit::Hours => format!("{} {}", trimmed(a, 1), plural(a.round(1), "hour")),
        Unit::Count => group(&trimmed(a, 1)),
        Unit::Score | Unit::Ratio => group(&trimmed(a, 2)),
    }
}

/// `1302000` → `1.30M`, `845000` → `845K`, `121500` → `121.5K`, `950` → `950`.
fn compact_money(a: Decimal) -> String {
    let thousand = Decimal::from_int(1000);
    let million = Decimal::from_int(1_000_000);
    let billion = Decimal::from_int(1_000_000_000);
    let in_units = |scale: Decimal, places: u32| a.checked_div(scale).unwrap_or(a).round(places);
    if a >= billion {
        return format!("{}B", group(&in_units(billion, 2).to_fixed(2)));
    }
    if a >= million {
        let m = in_units(million, 2);
        if m >= thousand {
            return format!("{}B", in_units(billion, 2).to_fixed(2));
        }
        return format!("{}M", m.to_fixed(2));
    }
    if a >= thousand {
        let k = in_units(thousand, 1);
        if k >= thousand {
            return format!("{}M", in_units(million, 2).to_fixed(2));
        }
        return format!("{}K", trimmed(k, 1));
    }
    if a.is_integer() { a.to_string() } else { a.to_fixed(2) }
}

fn with_currency(code: &str, symbol: Option<&str>, number: &str) -> String {
    match symbol {
        Some(s) => format!("{s}{number}"),
        None => format!("{code}\u{a0}{number}"),
    }
}

/// Rounded to at most `places` decimals, trailing zeros dropped: `26.0` → `26`.
fn trimmed(a: Decimal, places: u32) -> String {
    a.round(places).to_string()
}

fn plural(a: Decimal, word: &str) -> String {
    if a == Decimal::ONE {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// `1234567.5` → `1,234,567.5`.
fn group(number: &str) -> String {
    let (int, frac) = number.split_once('.').map_or((number, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(number.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// The money scale for axis ticks up to `largest`: 1, thousands, millions, billions.
fn scale_of(largest: Decimal) -> (Decimal, &'static str) {
    if largest >= Decimal::from_int(1_000_000_000) {
        (Decimal::from_int(1_000_000_000), "B")
    } else if largest >= Decimal::from_int(1_000_000) {
        (Decimal::from_int(1_000_000), "M")
    } else if largest >= Decimal::from_int(1000) {
        (Decimal::from_int(1000), "K")
    } else {
        (Decimal::ONE, "")
    }
}

/// How many decimals `step / scale` needs (0 to 3).
fn decimals_needed(step: Decimal, scale: Decimal) -> u32 {
    let s = step.checked_div(scale).unwrap_or(step).abs();
    (0..3).find(|&p| s.round(p) == s).unwrap_or(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    fn usd() -> Unit {
        Unit::parse("USD").unwrap()
    }

    fn eur() -> Unit {
        Unit::parse("EUR").unwrap()
    }

    #[test]
    fn values_by_unit() {
        let cases = [
            (usd(), "1302000", "$1.30M"),
            (eur(), "845000", "€845K"),
            (usd(), "121500", "$121.5K"),
            (usd(), "96000", "$96K"),
            (usd(), "999999", "$1.00M"),
            (usd(), "999999999", "$1.00B"),
            (usd(), "6015000", "$6.02M"),
            (usd(), "2500000000", "$2.50B"),
            (usd(), "950", "$950"),
            (usd(), "950.5", "$950.50"),
            (usd(), "-1302000", "−$1.30M"),
            (Unit::parse("CHF").unwrap(), "845000", "CHF\u{a0}845K"),
            (Unit::Percent, "42.5", "42.5%"),
            (Unit::Percent, "100", "100%"),
            (Unit::Percent, "93.75", "93.8%"),
            (Unit::Days, "12", "12 days"),
            (Unit::Days, "1", "1 day"),
            (Unit::Days, "14.24", "14.2 days"),
            (Unit::Hours, "7.5", "7.5 hours"),
            (Unit::Count, "1234", "1,234"),
            (Unit::Score, "4.3", "4.3"),
            (Unit::Score, "-12", "−12"),
            (Unit::Ratio, "3.45", "3.45"),
        ];
        for (unit, v, want) in cases {
            assert_eq!(value(unit, d(v)), want, "{} {v}", unit.id());
        }
    }

    #[test]
    fn exact_values_keep_every_digit() {
        assert_eq!(exact(usd(), d("1302000")), "$1,302,000");
        assert_eq!(exact(usd(), d("-1302000.5")), "−$1,302,000.5");
        assert_eq!(exact(Unit::Percent, d("93.75")), "93.75%");
        assert_eq!(exact(Unit::Days, d("1")), "1 day");
    }

    #[test]
    fn changes_are_signed_with_a_true_minus() {
        assert_eq!(change(usd(), d("-115000")), "−$115K");
        assert_eq!(change(usd(), d("12000")), "+$12K");
        assert_eq!(change(Unit::Percent, d("5.2")), "+5.2 pp");
        assert_eq!(change(Unit::Days, d("-1.4")), "−1.4 days");
        assert_eq!(change(Unit::Count, d("3")), "+3");
        assert_eq!(change(Unit::Count, d("0")), "0");
        assert_eq!(change(Unit::Days, d("0.01")), "0 days");
        assert_eq!(percent_change(d("-0.081")), "−8.1%");
        assert_eq!(percent_change(d("0.0125")), "+1.3%");
        assert_eq!(percent_change(d("0.0001")), "0.0%");
        assert_eq!(fraction(d("0.05")), "5%");
    }

    #[test]
    fn quarters_follow_the_configured_pattern() {
        let q: Quarter = "2026-Q3".parse().unwrap();
        assert_eq!(QuarterFormat::default().label(q), "Q3 2026");
        assert_eq!(QuarterFormat::parse("{year}-Q{q}").unwrap().label(q), "2026-Q3");
        assert_eq!(QuarterFormat::parse("Q{q} FY{yy}").unwrap().label(q), "Q3 FY26");
        assert!(QuarterFormat::parse("Q{q}").unwrap_err().contains("needs both"));
        assert!(
            QuarterFormat::parse("Q{n} {year}")
                .unwrap_err()
                .contains("unknown placeholder `{n}`")
        );
        assert!(QuarterFormat::parse("Q{q {year}").is_err());
    }

    #[test]
    fn machine_quarters_in_text_become_labels() {
        let f = QuarterFormat::default();
        assert_eq!(
            f.in_text("no value for 2025-Q3, a year earlier"),
            "no value for Q3 2025, a year earlier"
        );
        assert_eq!(f.in_text("2026-Q1..2026-Q4"), "Q1 2026..Q4 2026");
        // Not quarters: longer numbers, other letters, quarter 5.
        assert_eq!(f.in_text("12026-Q3 2026-Q5 2026-Q3x"), "12026-Q3 2026-Q5 2026-Q3x");
    }

    #[test]
    fn progress_is_whole_percent() {
        assert_eq!(progress(d("0.735")), "74%");
        assert_eq!(progress(d("0.207")), "21%");
        assert_eq!(progress(d("1")), "100%");
        assert_eq!(progress(d("0.004")), "0%");
    }

    #[test]
    fn ticks_take_the_decimals_their_step_needs() {
        let big = d("1600000");
        assert_eq!(tick(usd(), d("1200000"), d("200000"), big), "$1.2M");
        assert_eq!(tick(usd(), d("1250000"), d("50000"), big), "$1.25M");
        assert_eq!(tick(usd(), d("0"), d("500000"), big), "$0");
        assert_eq!(tick(usd(), d("500000"), d("500000"), big), "$0.5M");
        assert_eq!(tick(usd(), d("40000"), d("20000"), d("140000")), "$40K");
        assert_eq!(tick(Unit::Percent, d("40"), d("20"), d("100")), "40%");
        assert_eq!(tick(Unit::Percent, d("42.5"), d("2.5"), d("50")), "42.5%");
        assert_eq!(tick(Unit::Days, d("12"), d("2"), d("26")), "12");
        assert_eq!(tick(Unit::Count, d("1000"), d("500"), d("3000")), "1,000");
        assert_eq!(tick(Unit::Score, d("-5"), d("5"), d("10")), "−5");
    }
}
