//! Units a metric is measured in: currencies by ISO 4217 code, percent,
//! days, hours, counts, scores and ratios. Knows names and limits (what may
//! be negative, what must stay within 0–100); printing lives in `format`.

use serde::{Serialize, Serializer};

/// Currencies we know by code; those with a widely read symbol carry it.
const CURRENCIES: &[(&str, Option<&str>)] = &[
    ("USD", Some("$")),
    ("EUR", Some("€")),
    ("GBP", Some("£")),
    ("JPY", Some("¥")),
    ("INR", Some("₹")),
    ("AED", None),
    ("AUD", None),
    ("BRL", None),
    ("CAD", None),
    ("CHF", None),
    ("CNY", None),
    ("CZK", None),
    ("DKK", None),
    ("HKD", None),
    ("HUF", None),
    ("ILS", None),
    ("KRW", None),
    ("MXN", None),
    ("NOK", None),
    ("NZD", None),
    ("PLN", None),
    ("SAR", None),
    ("SEK", None),
    ("SGD", None),
    ("TRY", None),
    ("ZAR", None),
];

/// The non-currency unit names, as written in metric files.
pub const NAMES: &[&str] = &["percent", "days", "hours", "count", "score", "ratio"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Currency {
        code: &'static str,
        symbol: Option<&'static str>,
    },
    Percent,
    Days,
    Hours,
    Count,
    Score,
    /// A plain number such as "lawyers per 1,000 employees".
    Ratio,
}

impl Unit {
    /// Reads a unit name; the error is a help text with a suggestion.
    pub fn parse(s: &str) -> Result<Unit, String> {
        let unit = match s {
            "percent" => Unit::Percent,
            "days" => Unit::Days,
            "hours" => Unit::Hours,
            "count" => Unit::Count,
            "score" => Unit::Score,
            "ratio" => Unit::Ratio,
            _ => {
                if let Some(&(code, symbol)) = CURRENCIES.iter().find(|(c, _)| *c == s) {
                    return Ok(Unit::Currency { code, symbol });
                }
                return Err(Unit::help_for(s));
            }
        };
        Ok(unit)
    }

    fn help_for(s: &str) -> String {
        let upper = s.to_ascii_uppercase();
        if CURRENCIES.iter().any(|(c, _)| *c == upper) {
            return format!("did you mean `{upper}`? Currency codes are written in capitals");
        }
        let alias = match s.to_ascii_lowercase().as_str() {
            "%" | "pct" | "percentage" | "percents" => Some("percent"),
            "day" | "d" => Some("days"),
            "hour" | "h" | "hrs" => Some("hours"),
            "number" | "n" | "#" | "counts" => Some("count"),
            "rating" | "points" => Some("score"),
            "$" => Some("USD"),
            "€" => Some("EUR"),
            "£" => Some("GBP"),
            _ => None,
        };
        let codes: Vec<&str> = CURRENCIES.iter().map(|(c, _)| *c).collect();
        let tail = format!(
            "units are {}, or a currency code such as USD, EUR, GBP",
            NAMES.join(", ")
        );
        match alias {
            Some(a) => format!("did you mean `{a}`? {tail}"),
            None => crate::diag::suggest(s, NAMES.iter().copied().chain(codes), &tail),
        }
    }

    /// The name as written in metric files: `USD`, `percent`.
    pub fn id(self) -> &'static str {
        match self {
            Unit::Currency { code, .. } => code,
            Unit::Percent => "percent",
            Unit::Days => "days",
            Unit::Hours => "hours",
            Unit::Count => "count",
            Unit::Score => "score",
            Unit::Ratio => "ratio",
        }
    }

    pub fn is_currency(self) -> bool {
        matches!(self, Unit::Currency { .. })
    }

    /// Counts, durations and shares cannot be below zero; money, scores
    /// (think net promoter score) and ratios can.
    pub fn allows_negative(self) -> bool {
        matches!(self, Unit::Currency { .. } | Unit::Score | Unit::Ratio)
    }

    /// Axis and column label: `USD`, `%`, `days`.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            other => other.id(),
        }
    }
}

impl Serialize for Unit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_units_parse() {
        assert_eq!(
            Unit::parse("USD"),
            Ok(Unit::Currency {
                code: "USD",
                symbol: Some("$")
            })
        );
        assert_eq!(
            Unit::parse("CHF"),
            Ok(Unit::Currency {
                code: "CHF",
                symbol: None
            })
        );
        for name in NAMES {
            assert_eq!(Unit::parse(name).unwrap().id(), *name);
        }
    }

    #[test]
    fn unknown_units_get_a_suggestion() {
        for (bad, want) in [
            ("usd", "did you mean `USD`?"),
            ("%", "did you mean `percent`?"),
            ("day", "did you mean `days`?"),
            ("percnt", "did you mean `percent`?"),
            ("furlongs", "units are percent"),
        ] {
            let help = Unit::parse(bad).unwrap_err();
            assert!(help.starts_with(want) || help.contains(want), "{bad}: {help}");
        }
    }

    #[test]
    fn negatives_only_where_they_make_sense() {
        assert!(Unit::parse("EUR").unwrap().allows_negative());
        assert!(Unit::Score.allows_negative());
        assert!(!Unit::Count.allows_negative());
        assert!(!Unit::Days.allows_negative());
        assert!(!Unit::Percent.allows_negative());
    }
}
