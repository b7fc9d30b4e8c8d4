//! One metric file, `content/metrics/<id>.yaml`: read, checked and turned
//! into a [`Metric`]. Every problem is a diagnostic at the file, line and
//! column of the offending key or value; checks that need the rest of the
//! site (owner roles, goals, audiences) are in `super::check_references`.
//!
//! Numbers are read from the text as written, never through a float, so a
//! value is exactly what the author typed.

use std::collections::BTreeMap;
use std::fmt;

use super::decimal::Decimal;
use super::unit::Unit;
use super::{Better, Metric, Target};
use crate::diag::{Diagnostic, Position, suggest};
use crate::quarter::Quarter;
use crate::yaml::Ref;
use crate::yaml::{self, Fields, Node, Source};

/// The keys of a metric file, as read.
struct RawMetric<'a> {
    title: Option<String>,
    unit: Option<&'a Node>,
    better: Option<&'a Node>,
    owner: Option<Ref>,
    goal: Option<Ref>,
    description: Option<String>,
    target: Option<&'a Node>,
    tolerance: Option<&'a Node>,
    values: &'a [(Node, Node)],
    has_values: bool,
    breakdown: &'a [(Node, Node)],
    audience: Option<Ref>,
    /// `computed:` was written; the method, when it is a known one.
    computed: Option<Option<super::computed::Computed>>,
}

/// Where values are checked from, for positions.
struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn at(&self, n: &Node) -> Position {
        n.position(Source {
            file: self.file,
            full: self.text,
        })
    }

    fn error(&mut self, message: String, position: Position, help: impl Into<String>) {
        self.errors
            .push(Diagnostic::error(message).in_file(self.file).at(position).help(help));
    }

    fn warning(&mut self, message: String, position: Position, help: impl Into<String>) {
        self.errors
            .push(Diagnostic::warning(message).in_file(self.file).at(position).help(help));
    }
}

/// What a number stands for, to check it and to word the message.
#[derive(Clone, Copy)]
enum Role<'a> {
    Value(Quarter),
    Target(Option<Quarter>),
    Part(Quarter, &'a str),
}

impl fmt::Display for Role<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Value(q) => write!(f, "the value for {q}"),
            Role::Target(Some(q)) => write!(f, "the target for {q}"),
            Role::Target(None) => write!(f, "the target"),
            Role::Part(q, c) => write!(f, "`{c}` in the {q} breakdown"),
        }
    }
}

/// Reads and checks one metric file. Warnings go to the returned list along
/// with errors; the metric is `None` only when it cannot be used at all.
pub fn parse(id: &str, file: &str, text: &str) -> (Option<Metric>, Vec<Diagnostic>) {
    let src = Source { file, full: text };
    let root = match yaml::parse_map(text, src, 0) {
        Ok(r) => r,
        Err(d) => return (None, vec![d]),
    };
    let mut f = Fields::new(root.as_ref(), src);
    let reference = |f: &mut Fields<'_>, key| f.id(key, "legal-ops").map(|(id, position)| Ref { id, position });
    let quarters = "a mapping of quarters, e.g. `values: {2026-Q3: 1302000}`";
    let raw = RawMetric {
        title: f.text("title"),
        unit: f.node("unit"),
        better: f.node("better"),
        owner: reference(&mut f, "owner"),
        goal: reference(&mut f, "goal"),
        description: f.text("description"),
        target: f.node("target"),
        tolerance: f.node("tolerance"),
        has_values: f.node("values").is_some(),
        values: f.entries("values", quarters),
        breakdown: f.entries(
            "breakdown",
            "a mapping of quarters to categories, e.g. `breakdown: {2026-Q3: {Litigation: 610000}}`",
        ),
        audience: reference(&mut f, "audience"),
        computed: None,
    };
    let mut cx = Ctx {
        file,
        text,
        errors: Vec::new(),
    };
    let mut raw = raw;
    if let Some(n) = f.node("computed") {
        let ruled_out: Vec<(&str, &Node)> = ["values", "breakdown"]
            .into_iter()
            .filter_map(|k| Some((k, f.key_node(k)?)))
            .collect();
        let (method, problems) = super::computed::read(src, n, &ruled_out);
        cx.errors.extend(problems);
        raw.computed = Some(method);
        raw.has_values = true;
    }
    let metric = validate(id, raw, &mut cx);
    let mut problems = f.finish("a metric file");
    problems.extend(cx.errors);
    (metric, problems)
}

fn validate(id: &str, raw: RawMetric<'_>, cx: &mut Ctx<'_>) -> Option<Metric> {
    let RawMetric {
        title,
        unit,
        better,
        owner,
        goal,
        description,
        target,
        tolerance,
        values,
        has_values,
        breakdown,
        audience,
        computed,
    } = raw;
    // A computed share is a percentage where higher is better, unless the file says otherwise.
    let unit = match (unit, computed) {
        (None, Some(_)) => Some(Unit::Percent),
        (u, _) => unit_of(cx, u),
    };
    let better = match (better, computed) {
        (None, Some(_)) => Some(Better::Higher),
        (b, _) => b.and_then(|b| better_of(cx, b)),
    };
    let computed = computed.flatten();
    if let Some(c) = computed {
        computed_fits(cx, c, unit, better);
    }
    let tolerance = tolerance.and_then(|t| tolerance_of(cx, t));
    let values = values_of(cx, values, unit);
    if !has_values {
        cx.errors.push(
            Diagnostic::warning("metric has no values yet")
                .in_file(cx.file)
                .at(Position::at_line(cx.text, 1, 1, 1))
                .help("add quarterly values, e.g. `values: {2026-Q3: 1302000}`"),
        );
    }
    let target = target.map_or(Target::None, |t| target_of(cx, t, unit));
    if !matches!(target, Target::None) && better.is_none() {
        let pos = Position::at_line(cx.text, 1, 1, 1);
        cx.error(
            "metric has a target but no `better`".into(),
            pos,
            "add `better: lower` or `better: higher` so its status can be computed",
        );
    }
    let breakdown = breakdown_of(cx, breakdown, unit, &values);
    let title = title
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| crate::paths::title_from_path(&format!("{id}.yaml")));
    Some(Metric {
        id: id.to_string(),
        file: cx.file.to_string(),
        title,
        unit: unit?,
        better,
        owner,
        goal,
        audience,
        description: description.filter(|d| !d.is_empty()),
        target,
        tolerance,
        values,
        breakdown,
        computed,
        computed_from: None,
    })
}

/// A computed metric's unit and direction are the method's.
fn computed_fits(cx: &mut Ctx<'_>, c: super::computed::Computed, unit: Option<Unit>, better: Option<Better>) {
    let at = Position::at_line(cx.text, 1, 1, 1);
    if unit.is_some_and(|u| u != Unit::Percent) {
        cx.error(
            format!("a `{}` metric is a percentage", c.name()),
            at.clone(),
            "write `unit: percent`, or leave `unit:` out",
        );
    }
    if better == Some(Better::Lower) {
        cx.error(
            format!("a `{}` metric is better higher", c.name()),
            at,
            "write `better: higher`, or leave `better:` out",
        );
    }
}

fn unit_of(cx: &mut Ctx<'_>, unit: Option<&Node>) -> Option<Unit> {
    let Some(u) = unit else {
        cx.errors.push(
            Diagnostic::error("metric has no `unit`")
                .in_file(cx.file)
                .at(Position::at_line(cx.text, 1, 1, 1))
                .help("add e.g. `unit: USD`, `unit: percent` or `unit: days`"),
        );
        return None;
    };
    let Some(text) = u.text() else {
        let found = yaml::describe(u);
        cx.error(
            format!("`unit` must be a unit name, found {found}"),
            cx.at(u),
            "e.g. `unit: USD`",
        );
        return None;
    };
    match Unit::parse(text.trim()) {
        Ok(unit) => Some(unit),
        Err(help) => {
            cx.error(format!("unknown unit `{text}`"), cx.at(u), help);
            None
        }
    }
}

fn better_of(cx: &mut Ctx<'_>, b: &Node) -> Option<Better> {
    match b.text().map(str::trim) {
        Some("lower") => Some(Better::Lower),
        Some("higher") => Some(Better::Higher),
        other => {
            let other = other.map_or_else(|| yaml::describe(b), |o| format!("`{o}`"));
            let bare = other.trim_matches('`').to_string();
            let help = suggest(&bare, ["lower", "higher"], "write `better: lower` or `better: higher`");
            cx.error(
                format!("`better` must be `lower` or `higher`, not {other}"),
                cx.at(b),
                help,
            );
            None
        }
    }
}

fn tolerance_of(cx: &mut Ctx<'_>, t: &Node) -> Option<Decimal> {
    let help = "e.g. `tolerance: 0.1` for a 10% at-risk band around the target";
    let text = t.text().unwrap_or_default();
    match Decimal::parse(text) {
        Ok(v) if !v.is_negative() && v < Decimal::ONE => Some(v),
        Ok(_) => {
            cx.error(
                format!("`tolerance` must be a fraction from 0 to 1, not `{text}`"),
                cx.at(t),
                help,
            );
            None
        }
        Err(e) => {
            cx.error(format!("`tolerance` is not a number: {e}"), cx.at(t), help);
            None
        }
    }
}

type Located = BTreeMap<Quarter, Position>;

fn values_of(cx: &mut Ctx<'_>, values: &[(Node, Node)], unit: Option<Unit>) -> BTreeMap<Quarter, Decimal> {
    let mut out = BTreeMap::new();
    let mut seen = Located::new();
    let mut explicit_gaps = Vec::new();
    for (key, v) in values {
        let Some(q) = quarter_key(cx, key, &seen, "values") else {
            continue;
        };
        match number(cx, v, unit, Role::Value(q)) {
            Some(Some(n)) => {
                out.insert(q, n);
            }
            Some(None) => explicit_gaps.push(q),
            None => {}
        }
        seen.insert(q, cx.at(key));
    }
    warn_gaps(cx, &seen, &explicit_gaps);
    out
}

fn breakdown_of(
    cx: &mut Ctx<'_>,
    breakdown: &[(Node, Node)],
    unit: Option<Unit>,
    values: &BTreeMap<Quarter, Decimal>,
) -> BTreeMap<Quarter, Vec<(String, Decimal)>> {
    let mut by_quarter = BTreeMap::new();
    let mut seen = Located::new();
    for (key, parts) in breakdown {
        let Some(q) = quarter_key(cx, key, &seen, "breakdown") else {
            continue;
        };
        let kpos = cx.at(key);
        seen.insert(q, kpos.clone());
        let Some(entries) = parts.entries() else {
            let found = yaml::describe(parts);
            let help = format!("map each category to its part, e.g. `{q}: {{Litigation: 610000, M&A: 402000}}`");
            cx.error(
                format!("the {q} breakdown must be a map of categories, found {found}"),
                cx.at(parts),
                help,
            );
            continue;
        };
        let (list, complete) = parts_of(cx, q, entries, unit);
        match values.get(&q) {
            None => cx.warning(
                format!("breakdown for {q} but no value for {q}"),
                kpos,
                format!("add `{q}: <total>` under `values`, or remove this breakdown"),
            ),
            Some(&total) if complete => check_sum(cx, q, &list, total, unit.unwrap_or(Unit::Ratio), kpos),
            Some(_) => {}
        }
        by_quarter.insert(q, list);
    }
    by_quarter
}

/// The categories of one quarter's breakdown; whether every part was read.
fn parts_of(
    cx: &mut Ctx<'_>,
    q: Quarter,
    entries: &[(Node, Node)],
    unit: Option<Unit>,
) -> (Vec<(String, Decimal)>, bool) {
    let mut list: Vec<(String, Decimal)> = Vec::new();
    let mut complete = true;
    for (cat, v) in entries {
        let name = cat.text().unwrap_or_default().trim().to_string();
        if list.iter().any(|(c, _)| *c == name) {
            cx.error(
                format!("category `{name}` appears twice in the {q} breakdown"),
                cx.at(cat),
                "each category is listed once per quarter",
            );
            complete = false;
            continue;
        }
        match number(cx, v, unit, Role::Part(q, &name)) {
            Some(Some(n)) => list.push((name, n)),
            _ => complete = false,
        }
    }
    (list, complete)
}

fn check_sum(cx: &mut Ctx<'_>, q: Quarter, list: &[(String, Decimal)], total: Decimal, unit: Unit, at: Position) {
    let sum = list.iter().try_fold(Decimal::ZERO, |a, (_, v)| a.checked_add(*v));
    let Some(sum) = sum.filter(|s| *s != total) else {
        return;
    };
    let diff = total.checked_sub(sum).unwrap_or(Decimal::ZERO);
    let fmt = |d: Decimal| super::format::exact(unit, d);
    cx.warning(
        format!(
            "the {q} breakdown adds up to {}, not the value {}",
            fmt(sum),
            fmt(total)
        ),
        at,
        format!(
            "the parts are {} {} the total; correct a part or the value",
            fmt(diff.abs()),
            if diff.is_negative() { "more than" } else { "short of" }
        ),
    );
}

/// A quarter key: well-formed and not seen before in this mapping.
fn quarter_key(cx: &mut Ctx<'_>, key: &Node, seen: &Located, what: &str) -> Option<Quarter> {
    let pos = cx.at(key);
    match key.text().unwrap_or_default().parse::<Quarter>() {
        Ok(q) => {
            if let Some(first) = seen.get(&q) {
                cx.error(
                    format!("quarter {q} appears twice in `{what}`"),
                    pos,
                    format!("the first is on line {}; keep one of them", first.line),
                );
                return None;
            }
            Some(q)
        }
        Err(e) => {
            // "`2026-Q5` has no quarter 5; quarters run from Q1 to Q4": fact, then fix.
            let (fact, fix) =
                e.0.split_once("; ")
                    .unwrap_or((e.0.as_str(), "write quarters as `YYYY-Qn`"));
            cx.error(fact.to_string(), pos, fix);
            None
        }
    }
}

/// Checks one number. `None`: an error was reported; `Some(None)`: written
/// as empty or `~`, an explicit "no value".
fn number(cx: &mut Ctx<'_>, v: &Node, unit: Option<Unit>, role: Role<'_>) -> Option<Option<Decimal>> {
    if v.is_null() {
        if let Role::Value(_) = role {
            return Some(None);
        }
        cx.error(
            format!("{role} is empty"),
            cx.at(v),
            "write a number, or remove the line",
        );
        return None;
    }
    let pos = cx.at(v);
    let Some(text) = v.text() else {
        let found = yaml::describe(v);
        cx.error(
            format!("{role} must be a number, found {found}"),
            pos,
            "write a plain number such as `1302000` or `24.5`",
        );
        return None;
    };
    let n = match Decimal::parse(text) {
        Ok(n) => n,
        Err(e) => {
            cx.error(
                format!("{role} is not a number: {e}"),
                pos,
                "write a plain number such as `1302000` or `24.5`; units come from `unit:`",
            );
            return None;
        }
    };
    let Some(unit) = unit else { return Some(Some(n)) };
    if n.is_negative() && !unit.allows_negative() {
        cx.error(
            format!("{role} is negative, which a {} metric cannot be", unit.id()),
            pos,
            "check the sign; only money, scores and ratios can be below zero",
        );
        return None;
    }
    if unit == Unit::Percent && n > Decimal::HUNDRED {
        cx.error(
            format!("{role} is {text}%, outside 0–100"),
            pos,
            "percent values are written as 42.5 for 42.5%, from 0 to 100",
        );
        return None;
    }
    if unit == Unit::Count && !n.is_integer() {
        cx.error(
            format!("{role} is {text}, but a count is a whole number"),
            pos,
            "round it, or use `unit: ratio` for averages",
        );
        return None;
    }
    Some(Some(n))
}

fn target_of(cx: &mut Ctx<'_>, t: &Node, unit: Option<Unit>) -> Target {
    let Some(entries) = t.entries() else {
        return match number(cx, t, unit, Role::Target(None)) {
            Some(Some(n)) => Target::Fixed(n),
            _ => Target::None,
        };
    };
    let mut map = BTreeMap::new();
    let mut seen = Located::new();
    for (key, v) in entries {
        let Some(q) = quarter_key(cx, key, &seen, "target") else {
            continue;
        };
        seen.insert(q, cx.at(key));
        if let Some(Some(n)) = number(cx, v, unit, Role::Target(Some(q))) {
            map.insert(q, n);
        }
    }
    if map.is_empty() {
        Target::None
    } else {
        Target::PerQuarter(map)
    }
}

/// Quarters missing between the first and the last value, unless written
/// as empty on purpose, are most likely forgotten.
fn warn_gaps(cx: &mut Ctx<'_>, seen: &Located, explicit: &[Quarter]) {
    let quarters: Vec<Quarter> = seen.keys().copied().collect();
    for pair in quarters.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a.next() == b {
            continue;
        }
        let missing: Vec<Quarter> = std::iter::successors(Some(a.next()), |q| Some(q.next()))
            .take_while(|q| *q < b)
            .filter(|q| !explicit.contains(q))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let list = if missing.len() > 3 {
            format!(
                "{} quarters from {} to {}",
                missing.len(),
                missing[0],
                missing[missing.len() - 1]
            )
        } else {
            missing.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        };
        cx.warning(
            format!("no value for {list} (between {a} and {b})"),
            seen[&b].clone(),
            format!(
                "add the missing quarters, or write `{}:` with no number to mark a quarter without data",
                missing[0]
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> (Metric, Vec<Diagnostic>) {
        let (m, d) = parse("spend", "content/metrics/spend.yaml", text);
        (m.unwrap_or_else(|| panic!("no metric: {d:?}")), d)
    }

    fn problems(text: &str) -> Vec<Diagnostic> {
        parse("spend", "content/metrics/spend.yaml", text).1
    }

    fn one(text: &str) -> Diagnostic {
        let d = problems(text);
        assert_eq!(d.len(), 1, "{d:#?}");
        d.into_iter().next().unwrap()
    }

    fn line_col(d: &Diagnostic) -> (usize, usize) {
        let p = d.position.as_ref().expect("has a position");
        (p.line, p.column)
    }

    const GOOD: &str = "title: Outside counsel spend
unit: USD
better: lower
owner: legal-ops
goal: reduce-external-spend
target: {2026-Q3: 1250000, 2026-Q4: 1200000}
values:
  2026-Q2: 1417000
  2026-Q3: 1302000.50
breakdown:
  2026-Q3: {Litigation: 610000.50, M&A: 402000, Employment: 290000}
";

    #[test]
    fn a_good_file_reads_exactly() {
        let (m, d) = parse_ok(GOOD);
        assert!(d.is_empty(), "{d:#?}");
        assert_eq!(m.title, "Outside counsel spend");
        assert_eq!(m.unit.id(), "USD");
        assert_eq!(m.better, Some(Better::Lower));
        assert_eq!(m.owner.as_ref().unwrap().id, "legal-ops");
        assert_eq!(m.owner.as_ref().unwrap().position.line, 4);
        let q3: Quarter = "2026-Q3".parse().unwrap();
        assert_eq!(m.values[&q3].to_string(), "1302000.5");
        assert_eq!(
            m.breakdown[&q3][1],
            ("M&A".to_string(), Decimal::parse("402000").unwrap())
        );
        assert!(matches!(&m.target, Target::PerQuarter(t) if t.len() == 2));
    }

    #[test]
    fn single_target_and_default_title() {
        let (m, _) = parse_ok("unit: percent\nbetter: higher\ntarget: 42.5\nvalues: {2026-Q3: 40}\n");
        assert_eq!(m.title, "Spend");
        assert!(matches!(m.target, Target::Fixed(t) if t.to_string() == "42.5"));
    }

    #[test]
    fn bad_quarter_ids_are_located() {
        let d = one("unit: count\nvalues:\n  2026-Q1: 3\n  2026-Q5: 4\n");
        assert_eq!(d.message, "`2026-Q5` has no quarter 5");
        assert_eq!(line_col(&d), (4, 3));
        assert_eq!(d.help.as_deref(), Some("quarters run from Q1 to Q4"));
        let d = one("unit: count\nvalues:\n  Q3-2026: 4\n");
        assert_eq!(d.message, "`Q3-2026` is not a quarter");
        assert_eq!(d.help.as_deref(), Some("write it as `YYYY-Qn`, e.g. `2026-Q3`"));
    }

    #[test]
    fn duplicate_quarters_are_errors() {
        // The same key twice is a YAML error; two spellings of one quarter are ours.
        let d = problems("unit: count\nvalues:\n  2026-Q3: 3\n  2026-Q3: 4\n");
        assert!(d[0].is_error(), "{d:#?}");
        assert_eq!(d[0].message, "key `2026-Q3` appears twice; first at line 3");
        assert_eq!(d[0].position.as_ref().unwrap().line, 4);
        let d = one("unit: count\nvalues:\n  2026-Q3: 3\n  2026-q3: 4\n");
        assert_eq!(d.message, "quarter 2026-Q3 appears twice in `values`");
        assert_eq!(line_col(&d), (4, 3));
        assert_eq!(d.help.as_deref(), Some("the first is on line 3; keep one of them"));
    }

    #[test]
    fn non_numeric_values() {
        let d = one("unit: count\nvalues:\n  2026-Q3: twelve\n");
        assert_eq!(
            d.message,
            "the value for 2026-Q3 is not a number: `twelve` is not a number"
        );
        assert_eq!(line_col(&d), (3, 12));
        let d = one("unit: USD\nvalues:\n  2026-Q3: 1,302,000\n");
        assert!(d.message.contains("thousands separators"), "{}", d.message);
    }

    #[test]
    fn negative_where_impossible() {
        let d = one("unit: days\nvalues: {2026-Q3: -2}\n");
        assert_eq!(
            d.message,
            "the value for 2026-Q3 is negative, which a days metric cannot be"
        );
        assert_eq!(line_col(&d), (2, 19));
        let (m, d) = parse_ok("unit: EUR\nvalues: {2026-Q3: -2}\n");
        assert!(d.is_empty());
        assert!(m.values.values().all(|v| v.is_negative()));
    }

    #[test]
    fn percent_outside_range_and_fractional_counts() {
        let d = one("unit: percent\nvalues:\n  2026-Q3: 142.5\n");
        assert_eq!(d.message, "the value for 2026-Q3 is 142.5%, outside 0–100");
        let d = one("unit: percent\nbetter: higher\ntarget: 120\nvalues: {2026-Q3: 40}\n");
        assert!(d.message.starts_with("the target is 120%"), "{}", d.message);
        let d = one("unit: count\nvalues: {2026-Q3: 2.5}\n");
        assert!(d.message.contains("whole number"), "{}", d.message);
    }

    #[test]
    fn unknown_unit_with_suggestion() {
        let d = one("unit: usd\nvalues: {2026-Q3: 1}\n");
        assert_eq!(d.message, "unknown unit `usd`");
        assert_eq!(line_col(&d), (1, 7));
        assert!(d.help.unwrap().starts_with("did you mean `USD`?"));
    }

    #[test]
    fn missing_unit_and_better() {
        let d = problems("values: {2026-Q3: 1}\n");
        assert!(d.iter().any(|d| d.message == "metric has no `unit`"), "{d:#?}");
        let d = one("unit: count\ntarget: 3\nvalues: {2026-Q3: 1}\n");
        assert_eq!(d.message, "metric has a target but no `better`");
        let d = one("unit: count\nbetter: lowr\nvalues: {2026-Q3: 1}\n");
        assert!(d.help.unwrap().starts_with("did you mean `lower`?"));
    }

    #[test]
    fn unknown_keys_suggest_the_right_one() {
        let all = problems("unit: count\nvaules: {2026-Q3: 1}\n");
        let d = all.into_iter().find(Diagnostic::is_error).expect("an error");
        assert_eq!(d.message, "unknown key `vaules` in a metric file");
        assert_eq!(d.position.as_ref().unwrap().line, 2);
        assert!(d.help.unwrap().starts_with("did you mean `values`?"));
    }

    #[test]
    fn breakdown_that_does_not_add_up_is_a_warning_with_the_difference() {
        let d = one("unit: USD\nvalues: {2026-Q3: 1302000}\nbreakdown:\n  2026-Q3: {A: 700000, B: 600000}\n");
        assert!(!d.is_error());
        assert_eq!(
            d.message,
            "the 2026-Q3 breakdown adds up to $1,300,000, not the value $1,302,000"
        );
        assert_eq!(
            d.help.as_deref(),
            Some("the parts are $2,000 short of the total; correct a part or the value")
        );
        assert_eq!(line_col(&d), (4, 3));
        // Exact decimals: these cents add up although 0.1 + 0.2 != 0.3 in floats.
        assert!(problems("unit: USD\nvalues: {2026-Q3: 0.3}\nbreakdown: {2026-Q3: {A: 0.1, B: 0.2}}\n").is_empty());
    }

    #[test]
    fn breakdown_without_a_value_and_duplicate_categories() {
        let d = one("unit: USD\nvalues: {2026-Q3: 3}\nbreakdown: {2026-Q2: {A: 3}}\n");
        assert_eq!(d.message, "breakdown for 2026-Q2 but no value for 2026-Q2");
        let d = problems("unit: USD\nvalues: {2026-Q3: 3}\nbreakdown:\n  2026-Q3:\n    A: 1\n    A: 2\n");
        assert!(d[0].is_error(), "{d:#?}");
    }

    #[test]
    fn gaps_in_a_series_are_warned_unless_marked() {
        let d = one("unit: count\nvalues:\n  2025-Q4: 1\n  2026-Q3: 2\n");
        assert!(!d.is_error());
        assert_eq!(d.message, "no value for 2026-Q1, 2026-Q2 (between 2025-Q4 and 2026-Q3)");
        assert_eq!(line_col(&d), (4, 3));
        let (m, d) = parse_ok("unit: count\nvalues:\n  2025-Q4: 1\n  2026-Q1:\n  2026-Q2: ~\n  2026-Q3: 2\n");
        assert!(d.is_empty(), "{d:#?}");
        assert_eq!(m.values.len(), 2);
    }

    #[test]
    fn tolerance_must_be_a_fraction() {
        let d = one("unit: count\ntolerance: 5\nvalues: {2026-Q3: 1}\n");
        assert!(d.message.starts_with("`tolerance` must be a fraction"), "{}", d.message);
        let (m, _) = parse_ok("unit: count\ntolerance: 0.1\nvalues: {2026-Q3: 1}\n");
        assert_eq!(m.tolerance.unwrap().to_string(), "0.1");
    }

    #[test]
    fn yaml_syntax_errors_name_the_line() {
        let d = one("unit: count\nvalues:\n  2026-Q3: \"open\n");
        assert!(d.message.starts_with("invalid YAML"), "{}", d.message);
        assert!(d.position.as_ref().unwrap().line >= 3);
    }

    #[test]
    fn wrong_shapes_are_reported_not_panicked() {
        for text in [
            "values: [1, 2]\nunit: count\n",
            "- a\n- b\n",
            "unit: [USD]\n",
            "target: [1]\nunit: USD\n",
            "breakdown: 3\nunit: USD\n",
        ] {
            let d = problems(text);
            assert!(d.iter().any(Diagnostic::is_error), "{text}: {d:#?}");
            assert!(d.iter().all(|d| d.position.is_some()), "{text}: {d:#?}");
        }
    }
}
