//! Quarterly performance: the metric files and what is computed from them.
//!
//! Owns reading and checking `content/metrics/*.yaml` ([`file`]), the KPIs of
//! a quarter and goal progress ([`compute`]), exact numbers ([`decimal`]) and
//! how they print ([`format`], [`unit`]). It knows nothing of HTML or charts;
//! the model holds the result in `Site::metrics` and later stages read it.

pub mod compute;
pub mod computed;
pub mod decimal;
pub mod file;
pub mod format;
pub mod unit;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::quarter::Quarter;
use crate::yaml::Ref;
pub use compute::{Kpi, Status};
pub use decimal::Decimal;
pub use unit::Unit;

/// Which way is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Lower,
    Higher,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    None,
    Fixed(Decimal),
    /// A target from its quarter on, until the next one.
    PerQuarter(BTreeMap<Quarter, Decimal>),
}

/// One checked metric file.
#[derive(Debug, Clone)]
pub struct Metric {
    /// The file stem: `outside-counsel-spend`.
    pub id: String,
    /// Relative to the site root, for reports.
    pub file: String,
    pub title: String,
    pub unit: Unit,
    pub better: Option<Better>,
    pub owner: Option<Ref>,
    pub goal: Option<Ref>,
    pub audience: Option<Ref>,
    pub description: Option<String>,
    pub target: Target,
    /// Overrides `status_tolerance` from the config.
    pub tolerance: Option<Decimal>,
    pub values: BTreeMap<Quarter, Decimal>,
    /// Parts of a quarter's value by category, in the order written.
    pub breakdown: BTreeMap<Quarter, Vec<(String, Decimal)>>,
    /// `computed:`: casebook fills `values` (see [`computed`]).
    pub computed: Option<computed::Computed>,
    /// For a computed metric: what its values stand on (set with them).
    pub computed_from: Option<computed::Provenance>,
}

impl Metric {
    pub fn value(&self, q: Quarter) -> Option<Decimal> {
        self.values.get(&q).copied()
    }

    pub fn latest_quarter(&self) -> Option<Quarter> {
        self.values.keys().next_back().copied()
    }

    /// The target that applies in `q`: a per-quarter target holds from its
    /// quarter until the next one is set; before the first there is none.
    pub fn target_for(&self, q: Quarter) -> Option<Decimal> {
        match &self.target {
            Target::None => None,
            Target::Fixed(t) => Some(*t),
            Target::PerQuarter(m) => m.range(..=q).next_back().map(|(_, t)| *t),
        }
    }

    /// Every category of the breakdown, in first-seen order.
    pub fn categories(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for parts in self.breakdown.values() {
            for (c, _) in parts {
                if !out.contains(&c.as_str()) {
                    out.push(c);
                }
            }
        }
        out
    }

    /// The at-risk band as a fraction of the target.
    pub fn tolerance_or(&self, default: Decimal) -> Decimal {
        self.tolerance.unwrap_or(default)
    }
}

/// The names other files may use, for reference checks.
pub struct Known<'a> {
    pub roles: Vec<&'a str>,
    pub goals: Vec<&'a str>,
    pub audiences: &'a [String],
    /// `content/` as configured, for help texts.
    pub content_dir: String,
}

/// Owners, goals and audiences named in metric files must exist.
pub fn check_references(metrics: &BTreeMap<String, Metric>, known: &Known<'_>, diags: &mut Diagnostics) {
    for m in metrics.values() {
        if let Some(r) = &m.owner
            && !known.roles.contains(&r.id.as_str())
        {
            diags.push(unknown(
                m,
                r,
                "role",
                &known.roles,
                &format!("{}/roles/", known.content_dir),
            ));
        }
        if let Some(r) = &m.goal
            && !known.goals.contains(&r.id.as_str())
        {
            diags.push(unknown(
                m,
                r,
                "goal",
                &known.goals,
                &format!("{}/goals/", known.content_dir),
            ));
        }
        if let Some(r) = &m.audience
            && !known.audiences.contains(&r.id)
        {
            diags.push(
                Diagnostic::error(format!("unknown audience `{}`", r.id))
                    .in_file(&m.file)
                    .at(r.position.clone())
                    .help(suggest(
                        &r.id,
                        known.audiences.iter().map(String::as_str),
                        &format!("audiences in casebook.yaml: {}", known.audiences.join(", ")),
                    )),
            );
        }
    }
}

fn unknown(m: &Metric, r: &Ref, what: &str, names: &[&str], folder: &str) -> Diagnostic {
    let list = if names.is_empty() {
        format!("there are no {what}s yet: add one under `{folder}`")
    } else {
        format!("{what}s are the files in `{folder}`: {}", names.join(", "))
    };
    Diagnostic::error(format!("unknown {what} `{}`", r.id))
        .in_file(&m.file)
        .at(r.position.clone())
        .help(suggest(&r.id, names.iter().copied(), &list))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(text: &str) -> Metric {
        file::parse("m", "content/metrics/m.yaml", text).0.unwrap()
    }

    #[test]
    fn per_quarter_targets_hold_until_the_next() {
        let m = metric("unit: days\nbetter: lower\ntarget: {2026-Q1: 17, 2026-Q3: 12}\nvalues: {2026-Q3: 14}\n");
        let q = |s: &str| s.parse::<Quarter>().unwrap();
        assert_eq!(m.target_for(q("2025-Q4")), None);
        assert_eq!(m.target_for(q("2026-Q1")), Some(Decimal::from_int(17)));
        assert_eq!(m.target_for(q("2026-Q2")), Some(Decimal::from_int(17)));
        assert_eq!(m.target_for(q("2027-Q2")), Some(Decimal::from_int(12)));
    }

    #[test]
    fn unknown_owner_and_goal_suggest_the_close_one() {
        let mut metrics = BTreeMap::new();
        metrics.insert(
            "m".to_string(),
            metric("unit: USD\nowner: legal-opps\ngoal: reduce-spend\naudience: bord\n"),
        );
        let known = Known {
            roles: vec!["legal-ops", "general-counsel"],
            goals: vec!["reduce-external-spend"],
            audiences: &["public".to_string(), "board".to_string()],
            content_dir: "content".into(),
        };
        let mut diags = Diagnostics::default();
        check_references(&metrics, &known, &mut diags);
        let d = &diags.items;
        assert_eq!(d.len(), 3, "{d:#?}");
        assert_eq!(d[0].message, "unknown role `legal-opps`");
        assert_eq!(d[0].position.as_ref().unwrap().line, 2);
        assert!(d[0].help.as_ref().unwrap().starts_with("did you mean `legal-ops`?"));
        assert_eq!(d[1].message, "unknown goal `reduce-spend`");
        assert_eq!(d[1].position.as_ref().unwrap().line, 3);
        assert!(d[1].help.as_ref().unwrap().contains("reduce-external-spend"));
        assert!(d[2].help.as_ref().unwrap().starts_with("did you mean `board`?"));
    }
}
