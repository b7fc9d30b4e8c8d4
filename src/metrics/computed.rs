//! Metrics casebook computes from the site itself instead of reading
//! `values:` (`computed: policy-reviews`).
//!
//! This module names the methods and does their arithmetic; which policies
//! stood where on a given day is the history's business (see
//! `history::register`), so a value depends only on what was committed by
//! the end of its quarter.

use jiff::civil::Date;

use super::decimal::Decimal;
use crate::diag::{Diagnostic, suggest};
use crate::quarter::Quarter;
use crate::yaml::{Node, Source};

/// A method a metric file may name with `computed:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Computed {
    /// The share of policies in force whose review is not overdue.
    PolicyReviews,
}

impl Computed {
    pub const ALL: [Computed; 1] = [Computed::PolicyReviews];

    pub fn name(self) -> &'static str {
        match self {
            Computed::PolicyReviews => "policy-reviews",
        }
    }

    pub fn parse(name: &str) -> Option<Computed> {
        Computed::ALL.into_iter().find(|c| c.name() == name.trim())
    }

    pub fn names() -> impl Iterator<Item = &'static str> + Clone {
        Computed::ALL.into_iter().map(Computed::name)
    }

    /// What the method counts, for the metric's page.
    pub fn method(self) -> &'static str {
        match self {
            Computed::PolicyReviews => {
                "Computed by casebook from the policy register in git: at the end of each quarter, the share of \
                 policies in force (effective date passed; not draft, retired or undated) whose next review date \
                 had not passed, counting only policies this metric’s audience may see, each as committed on that day."
            }
        }
    }
}

/// What a computed metric's values stand on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// The register as committed at each quarter's end; quarters before
    /// `before_history` (the content's first commit) read the files as
    /// first committed.
    Git { before_history: Option<Date> },
    /// No history: this quarter alone, from the files as they are on `day`.
    Files { day: Date },
}

/// Reads `computed:` of a metric file. `ruled_out` are the keys written
/// beside it that a computed metric cannot have (`values`, `breakdown`),
/// each with its key node.
pub fn read(src: Source<'_>, node: &Node, ruled_out: &[(&str, &Node)]) -> (Option<Computed>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let names: Vec<&str> = Computed::names().collect();
    let method = match node.text().map(str::trim) {
        Some(name) => Computed::parse(name).or_else(|| {
            problems.push(
                Diagnostic::error(format!("unknown computed metric `{name}`"))
                    .in_file(src.file)
                    .at(node.position(src))
                    .help(suggest(
                        name,
                        names.iter().copied(),
                        &format!("casebook computes: {}", names.join(", ")),
                    )),
            );
            None
        }),
        None => {
            problems.push(
                Diagnostic::error(format!(
                    "`computed` must name a method, found {}",
                    crate::yaml::describe(node)
                ))
                .in_file(src.file)
                .at(node.position(src))
                .help(format!("e.g. `computed: {}`", names[0])),
            );
            None
        }
    };
    for (key, at) in ruled_out {
        problems.push(
            Diagnostic::error(format!("a computed metric has no `{key}`"))
                .in_file(src.file)
                .at(at.position(src))
                .help(format!(
                    "casebook works out its values from the site (`computed: {}`); remove `{key}:`, or remove `computed:` to type the values",
                    method.map_or(names[0], Computed::name)
                )),
        );
    }
    (method, problems)
}

/// Policies in force on a day, and how many of them were not overdue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub in_force: u32,
    pub on_schedule: u32,
}

impl Tally {
    /// Counts one policy in force; `overdue` when its review date had passed.
    pub fn add(&mut self, overdue: bool) {
        self.in_force += 1;
        if !overdue {
            self.on_schedule += 1;
        }
    }

    /// The percentage on schedule, to one decimal place (half away from
    /// zero); `None` when no policy was in force.
    pub fn percent(self) -> Option<Decimal> {
        if self.in_force == 0 {
            return None;
        }
        Decimal::from_int(i64::from(self.on_schedule))
            .checked_mul(Decimal::HUNDRED)?
            .checked_div(Decimal::from_int(i64::from(self.in_force)))
            .map(|d| d.round(1))
    }
}

/// The quarters a computed metric has values for: from the one holding
/// `first` (the earliest effective date) to the last quarter that ended
/// before `today`. Empty when no quarter in that span is over yet.
pub fn complete_quarters(first: Date, today: Date, fiscal_year_start: u32) -> Vec<Quarter> {
    let last = Quarter::of_date(today, fiscal_year_start).prev();
    let mut q = Quarter::of_date(first, fiscal_year_start);
    let mut out = Vec::new();
    // A hundred years of quarters at most: a typo'd year is not a loop.
    while q <= last && out.len() < 400 {
        out.push(q);
        q = q.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn percentages_round_to_one_place_and_need_a_policy() {
        let mut t = Tally::default();
        assert_eq!(t.percent(), None);
        for overdue in [false, false, true, false, false, false] {
            t.add(overdue);
        }
        // 5 of 6: 83.333…
        assert_eq!(t.percent(), Some(Decimal::parse("83.3").unwrap()));
        let t = Tally {
            in_force: 7,
            on_schedule: 6,
        };
        // 85.714…
        assert_eq!(t.percent(), Some(Decimal::parse("85.7").unwrap()));
        let t = Tally {
            in_force: 8,
            on_schedule: 7,
        };
        // 87.5 exactly: no rounding to do.
        assert_eq!(t.percent(), Some(Decimal::parse("87.5").unwrap()));
    }

    #[test]
    fn quarters_run_to_the_last_complete_one() {
        let qs = complete_quarters(date(2025, 8, 15), date(2026, 1, 1), 1);
        let names: Vec<String> = qs.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["2025-Q3", "2025-Q4"]);
        // On the last day of a quarter it is not over yet.
        assert_eq!(complete_quarters(date(2025, 8, 15), date(2025, 9, 30), 1), []);
        // A fiscal year from April: 2026-03-31 ends fiscal 2026-Q4.
        let names: Vec<String> = complete_quarters(date(2026, 1, 10), date(2026, 4, 1), 4)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(names, ["2026-Q4"]);
        assert!(complete_quarters(date(2027, 1, 1), date(2026, 1, 1), 1).is_empty());
    }

    #[test]
    fn names_parse() {
        assert_eq!(Computed::parse("policy-reviews"), Some(Computed::PolicyReviews));
        assert_eq!(Computed::parse("policy-review"), None);
    }
}
