//! Front matter: the YAML between `---` lines at the top of a page.
//!
//! Known keys become typed fields, checked here with their positions; unknown
//! keys are kept for templates, with a warning when one looks like a typo of a
//! known key (`ownr`). Cross-file checks (does the role exist?) belong to the
//! model, which gets the positions it needs through [`Ref`].

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;

use crate::diag::{Diagnostic, Position, did_you_mean};
use crate::kind::Kind;
use crate::quarter::Quarter;
use crate::yaml::{self, Located, LocatedMap};

/// A reference to another thing by id (a role, a goal, a metric), with where
/// it was written so an unknown id can be reported at its place.
#[derive(Debug, Clone, Serialize)]
pub struct Ref {
    pub id: String,
    #[serde(skip)]
    pub position: Position,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyResult {
    pub metric: Ref,
    pub target: Option<f64>,
    pub by: Option<Quarter>,
    pub description: Option<String>,
}

/// A review interval such as `12 months`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub amount: i64,
    pub unit: IntervalUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Interval {
    pub fn parse(s: &str) -> Option<Interval> {
        let s = s.trim();
        let (n, unit) = s.split_once(char::is_whitespace)?;
        let amount: i64 = n.parse().ok().filter(|n| *n > 0)?;
        let unit = match unit.trim().trim_end_matches('s') {
            "day" => IntervalUnit::Days,
            "week" => IntervalUnit::Weeks,
            "month" => IntervalUnit::Months,
            "year" => IntervalUnit::Years,
            _ => return None,
        };
        Some(Interval { amount, unit })
    }

    /// `date` plus this interval; month ends clamp (Jan 31 + 1 month = Feb 28).
    pub fn after(self, date: Date) -> Option<Date> {
        let span = match self.unit {
            IntervalUnit::Days => jiff::Span::new().try_days(self.amount).ok()?,
            IntervalUnit::Weeks => jiff::Span::new().try_weeks(self.amount).ok()?,
            IntervalUnit::Months => jiff::Span::new().try_months(self.amount).ok()?,
            IntervalUnit::Years => jiff::Span::new().try_years(self.amount).ok()?,
        };
        date.checked_add(span).ok()
    }
}

/// Explicit lifecycle status a policy may declare; the rest is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeclaredStatus {
    Draft,
    Retired,
}

#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub kind: Option<Kind>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub audience: Option<Ref>,
    pub id: Option<Ref>,
    pub owner: Option<Ref>,
    pub owners: Vec<Ref>,
    pub approver: Option<Ref>,
    pub reports_to: Option<Ref>,
    pub author: Option<Ref>,
    pub tags: Vec<String>,
    pub aliases: Vec<Ref>,
    // policy
    pub effective: Option<Date>,
    pub review_every: Option<Interval>,
    pub next_review: Option<Date>,
    pub status: Option<DeclaredStatus>,
    pub supersedes: Option<Ref>,
    pub reference: Option<String>,
    // role
    pub holder: Option<String>,
    pub responsibilities: Vec<String>,
    /// Activity → R, A, C or I.
    pub raci: BTreeMap<String, String>,
    // goal
    pub outcome: Option<String>,
    pub due: Option<Quarter>,
    pub quarter: Option<Quarter>,
    pub key_results: Vec<KeyResult>,
    /// Unknown keys, kept for templates as `page.extra`.
    pub extra: BTreeMap<String, Value>,
    /// Some key could not be read; its errors are reported, so later stages
    /// stay quiet about what looks missing.
    pub has_errors: bool,
}

const KNOWN: &[&str] = &[
    "title",
    "description",
    "kind",
    "weight",
    "order",
    "draft",
    "audience",
    "id",
    "owner",
    "owners",
    "approver",
    "reports_to",
    "author",
    "tags",
    "aliases",
    "effective",
    "review_every",
    "next_review",
    "status",
    "supersedes",
    "reference",
    "holder",
    "responsibilities",
    "raci",
    "outcome",
    "due",
    "quarter",
    "key_results",
];

/// The parts of a page file: front matter YAML and Markdown body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Lines before the YAML (the opening `---`), added to YAML positions.
    pub yaml_line_offset: usize,
    pub body: &'a str,
    /// Byte offset of the body in the file, added to Markdown positions.
    pub body_offset: usize,
}

/// Splits `---` front matter from the body. A file without it is all body.
pub fn split<'a>(text: &'a str, file: &str) -> Result<Split<'a>, Diagnostic> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Ok(Split {
            yaml: "",
            yaml_line_offset: 0,
            body: text,
            body_offset: 0,
        });
    }
    let mut offset = first_line_end;
    for line in text[first_line_end..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            let body_offset = offset + line.len();
            return Ok(Split {
                yaml: &text[first_line_end..offset],
                yaml_line_offset: 1,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error("front matter is not closed")
        .in_file(file)
        .at(Position::at_byte(text, 0, 3))
        .help("end the front matter with a line containing only `---`"))
}

/// Parses and checks the front matter of one file. Errors are collected; the
/// result holds every field that could be read.
pub fn parse(split: &Split<'_>, file: &str, full: &str, errors: &mut Vec<Diagnostic>) -> FrontMatter {
    let map = match yaml::parse_map(split.yaml, file, full, split.yaml_line_offset) {
        Ok(m) => m,
        Err(d) => {
            errors.push(d);
            return FrontMatter {
                has_errors: true,
                ..FrontMatter::default()
            };
        }
    };
    let errors_before = errors.len();
    let r = Reader {
        map: &map,
        file,
        full,
        offset: split.yaml_line_offset,
    };
    let mut fm = FrontMatter::default();
    let mut push = |res: Result<(), Diagnostic>| {
        if let Err(d) = res {
            errors.push(d);
        }
    };
    push(r.string("title").map(|v| fm.title = v));
    push(r.string("description").map(|v| fm.description = v));
    push(r.kind().map(|v| fm.kind = v));
    push(r.int("weight").map(|v| fm.weight = v));
    if fm.weight.is_none() {
        push(r.int("order").map(|v| fm.weight = v));
    }
    push(r.bool("draft").map(|v| fm.draft = v.unwrap_or(false)));
    push(r.reference("audience").map(|v| fm.audience = v));
    push(r.reference("id").map(|v| fm.id = v));
    push(r.reference("owner").map(|v| fm.owner = v));
    push(r.references("owners").map(|v| fm.owners = v));
    push(r.reference("approver").map(|v| fm.approver = v));
    push(r.reference("reports_to").map(|v| fm.reports_to = v));
    push(r.reference("author").map(|v| fm.author = v));
    push(r.strings("tags").map(|v| fm.tags = v));
    push(r.references("aliases").map(|v| fm.aliases = v));
    push(r.date("effective").map(|v| fm.effective = v));
    push(r.interval("review_every").map(|v| fm.review_every = v));
    push(r.date("next_review").map(|v| fm.next_review = v));
    push(r.status().map(|v| fm.status = v));
    push(r.reference("supersedes").map(|v| fm.supersedes = v));
    push(r.string("reference").map(|v| fm.reference = v));
    push(r.string("holder").map(|v| fm.holder = v));
    push(r.strings("responsibilities").map(|v| fm.responsibilities = v));
    push(r.raci().map(|v| fm.raci = v));
    push(r.string("outcome").map(|v| fm.outcome = v));
    push(r.quarter("due").map(|v| fm.due = v));
    push(r.quarter("quarter").map(|v| fm.quarter = v));
    push(r.key_results().map(|v| fm.key_results = v));
    for (key, value) in &map {
        if KNOWN.contains(&key.as_str()) {
            continue;
        }
        if let Some(known) = did_you_mean(key, KNOWN.iter().copied()) {
            let mut pos = r.pos(value);
            pos.column = 1;
            pos.len = key.chars().count();
            errors.push(
                Diagnostic::warning(format!("unknown front matter key `{key}`"))
                    .in_file(file)
                    .at(pos)
                    .help(format!(
                        "did you mean `{known}`? Unknown keys are kept for templates as `page.extra.{key}`"
                    )),
            );
        }
        fm.extra.insert(key.clone(), value.value.clone());
    }
    fm.has_errors = errors[errors_before..].iter().any(Diagnostic::is_error);
    fm
}

struct Reader<'a> {
    map: &'a LocatedMap,
    file: &'a str,
    full: &'a str,
    offset: usize,
}

type Field<T> = Result<Option<T>, Diagnostic>;

impl Reader<'_> {
    fn pos(&self, v: &Located) -> Position {
        yaml::position(v, self.full, self.offset)
    }

    fn wrong(&self, key: &str, v: &Located, expected: &str, help: &str) -> Diagnostic {
        Diagnostic::error(format!("`{key}` must be {expected}, found {}", describe(&v.value)))
            .in_file(self.file)
            .at(self.pos(v))
            .help(help.to_string())
    }

    fn get(&self, key: &str) -> Option<&Located> {
        self.map.get(key).filter(|v| !v.value.is_null())
    }

    fn string(&self, key: &str) -> Field<String> {
        let Some(v) = self.get(key) else { return Ok(None) };
        match &v.value {
            Value::String(s) => Ok(Some(s.trim().to_string())),
            Value::Number(n) => Ok(Some(n.to_string())),
            _ => Err(self.wrong(key, v, "text", &format!("write it as `{key}: some text`"))),
        }
    }

    fn int(&self, key: &str) -> Field<i64> {
        let Some(v) = self.get(key) else { return Ok(None) };
        v.value.as_i64().map(Some).ok_or_else(|| {
            self.wrong(
                key,
                v,
                "a whole number",
                &format!("e.g. `{key}: 10`; lower numbers come first"),
            )
        })
    }

    fn bool(&self, key: &str) -> Field<bool> {
        let Some(v) = self.get(key) else { return Ok(None) };
        v.value
            .as_bool()
            .map(Some)
            .ok_or_else(|| self.wrong(key, v, "`true` or `false`", &format!("e.g. `{key}: true`")))
    }

    fn reference(&self, key: &str) -> Field<Ref> {
        let Some(v) = self.get(key) else { return Ok(None) };
        match &v.value {
            Value::String(s) if !s.trim().is_empty() => Ok(Some(Ref {
                id: s.trim().to_string(),
                position: self.pos(v),
            })),
            _ => Err(self.wrong(key, v, "an id", &format!("e.g. `{key}: legal-ops`"))),
        }
    }

    /// A list of ids; a single id is accepted as a list of one.
    fn references(&self, key: &str) -> Result<Vec<Ref>, Diagnostic> {
        self.list(key, "ids", &format!("e.g. `{key}: [legal-ops, general-counsel]`"))
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, Diagnostic> {
        let help = format!("write one item per line under `{key}:`, each starting with `- `");
        Ok(self.list(key, "texts", &help)?.into_iter().map(|r| r.id).collect())
    }

    fn list(&self, key: &str, what: &str, help: &str) -> Result<Vec<Ref>, Diagnostic> {
        let Some(v) = self.get(key) else { return Ok(Vec::new()) };
        let items = match &v.value {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        Value::Number(n) => out.push(n.to_string()),
                        Value::Object(m) => {
                            // `- Budget: vendors` is a map in YAML, a classic surprise.
                            let first = m.keys().next().cloned().unwrap_or_default();
                            return Err(Diagnostic::error(format!(
                                "an item of `{key}` contains `: ` and was read as a map"
                            ))
                            .in_file(self.file)
                            .at(self.locate_within(&self.pos(v), &first))
                            .help("put the item in quotes, e.g. `- \"Budget: vendors and tools\"`"));
                        }
                        _ => return Err(self.wrong(key, v, &format!("a list of {what}"), help)),
                    }
                }
                out
            }
            _ => return Err(self.wrong(key, v, &format!("a list of {what}"), help)),
        };
        let base = self.pos(v);
        Ok(items
            .into_iter()
            .map(|id| Ref {
                position: self.locate_within(&base, &id),
                id: id.trim().to_string(),
            })
            .collect())
    }

    /// The position of `needle` at or after `base` (list items carry no
    /// position of their own once read as plain values).
    fn locate_within(&self, base: &Position, needle: &str) -> Position {
        let line_start: usize = self.full.split_inclusive('\n').take(base.line - 1).map(str::len).sum();
        match self.full[line_start..].find(needle) {
            Some(i) if !needle.is_empty() => Position::at_byte(self.full, line_start + i, needle.len()),
            _ => base.clone(),
        }
    }

    fn date(&self, key: &str) -> Field<Date> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let help = format!("write dates as YYYY-MM-DD, e.g. `{key}: 2026-01-31`");
        match &v.value {
            Value::String(s) => s
                .trim()
                .parse::<Date>()
                .map(Some)
                .map_err(|_| self.wrong(key, v, "a date", &help)),
            _ => Err(self.wrong(key, v, "a date", &help)),
        }
    }

    fn interval(&self, key: &str) -> Field<Interval> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let help = format!("e.g. `{key}: 12 months`; units are days, weeks, months and years");
        v.value
            .as_str()
            .and_then(Interval::parse)
            .map(Some)
            .ok_or_else(|| self.wrong(key, v, "a period", &help))
    }

    fn quarter(&self, key: &str) -> Field<Quarter> {
        let Some(v) = self.get(key) else { return Ok(None) };
        let text = match &v.value {
            Value::String(s) => s.clone(),
            _ => return Err(self.wrong(key, v, "a quarter", &format!("e.g. `{key}: 2026-Q3`"))),
        };
        text.parse::<Quarter>().map(Some).map_err(|e| {
            Diagnostic::error(format!("`{key}` is not a valid quarter"))
                .in_file(self.file)
                .at(self.pos(v))
                .help(e.0)
        })
    }

    fn kind(&self) -> Field<Kind> {
        let Some(v) = self.get("kind") else { return Ok(None) };
        let s = v.value.as_str().unwrap_or_default();
        Kind::parse(s).map(Some).ok_or_else(|| {
            let names: Vec<_> = Kind::names().collect();
            Diagnostic::error(format!("unknown kind `{}`", display_value(&v.value)))
                .in_file(self.file)
                .at(self.pos(v))
                .help(crate::diag::suggest(
                    s,
                    Kind::names(),
                    &format!("kinds: {}", names.join(", ")),
                ))
        })
    }

    fn status(&self) -> Field<DeclaredStatus> {
        let Some(v) = self.get("status") else { return Ok(None) };
        match v.value.as_str().map(str::trim) {
            Some("draft") => Ok(Some(DeclaredStatus::Draft)),
            Some("retired") => Ok(Some(DeclaredStatus::Retired)),
            // The computed statuses may be written for clarity; they are recomputed.
            Some("effective" | "active") => Ok(None),
            _ => Err(
                Diagnostic::error(format!("unknown policy status `{}`", display_value(&v.value)))
                    .in_file(self.file)
                    .at(self.pos(v))
                    .help("write `status: draft` or `status: retired`; the other statuses are computed from the dates"),
            ),
        }
    }

    fn raci(&self) -> Result<BTreeMap<String, String>, Diagnostic> {
        let Some(v) = self.get("raci") else {
            return Ok(BTreeMap::new());
        };
        let help = "map each activity to R, A, C or I, e.g. `raci: {\"Approve outside counsel budget\": A}`";
        let Value::Object(m) = &v.value else {
            return Err(self.wrong("raci", v, "a map of activity to R, A, C or I", help));
        };
        let mut out = BTreeMap::new();
        for (activity, letter) in m {
            let l = letter.as_str().map(|s| s.trim().to_ascii_uppercase());
            match l.as_deref() {
                Some(x @ ("R" | "A" | "C" | "I")) => {
                    out.insert(activity.clone(), x.to_string());
                }
                _ => {
                    return Err(Diagnostic::error(format!(
                        "RACI letter for `{activity}` must be R, A, C or I, found {}",
                        describe(letter)
                    ))
                    .in_file(self.file)
                    .at(self.locate_within(&self.pos(v), activity))
                    .help(help));
                }
            }
        }
        Ok(out)
    }

    fn key_results(&self) -> Result<Vec<KeyResult>, Diagnostic> {
        let Some(v) = self.get("key_results") else {
            return Ok(Vec::new());
        };
        let help = "e.g. `key_results: [{metric: outside-counsel-spend, target: 1200000, by: 2026-Q4}]`";
        let Value::Array(items) = &v.value else {
            return Err(self.wrong("key_results", v, "a list", help));
        };
        let base = self.pos(v);
        let mut out = Vec::new();
        for item in items {
            let Value::Object(m) = item else {
                return Err(self.wrong("key_results", v, "a list of maps with `metric` and `target`", help));
            };
            let Some(metric) = m.get("metric").and_then(Value::as_str) else {
                return Err(Diagnostic::error("a key result has no `metric`")
                    .in_file(self.file)
                    .at(base.clone())
                    .help(help));
            };
            let target = match m.get("target") {
                None | Some(Value::Null) => None,
                Some(t) => Some(t.as_f64().ok_or_else(|| {
                    Diagnostic::error(format!(
                        "the target of key result `{metric}` must be a number, found {}",
                        describe(t)
                    ))
                    .in_file(self.file)
                    .at(self.locate_within(&base, metric))
                    .help(help)
                })?),
            };
            let by = match m.get("by").and_then(Value::as_str) {
                None => None,
                Some(q) => Some(q.parse::<Quarter>().map_err(|e| {
                    Diagnostic::error(format!("`by` of key result `{metric}` is not a valid quarter"))
                        .in_file(self.file)
                        .at(self.locate_within(&base, q))
                        .help(e.0)
                })?),
            };
            out.push(KeyResult {
                metric: Ref {
                    id: metric.to_string(),
                    position: self.locate_within(&base, metric),
                },
                target,
                by,
                description: m.get("description").and_then(Value::as_str).map(str::to_string),
            });
        }
        Ok(out)
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("`{s}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a map".into(),
    }
}

fn display_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (FrontMatter, Vec<Diagnostic>) {
        let s = split(text, "x.md").unwrap();
        let mut errors = Vec::new();
        let fm = parse(&s, "x.md", text, &mut errors);
        (fm, errors)
    }

    #[test]
    fn split_finds_yaml_and_body_offsets() {
        let text = "---\ntitle: A\n---\n# Body\n";
        let s = split(text, "x.md").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(&text[s.body_offset..], "# Body\n");
        let plain = split("# Only body", "x.md").unwrap();
        assert_eq!(plain.body, "# Only body");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split("---\ntitle: A\n# Body\n", "x.md").unwrap_err();
        assert_eq!(e.message, "front matter is not closed");
    }

    #[test]
    fn wrong_date_is_reported_at_its_line() {
        let (_, errors) = parse_text("---\ntitle: A\neffective: next tuesday\n---\n");
        let e = &errors[0];
        assert_eq!(e.message, "`effective` must be a date, found `next tuesday`");
        let p = e.position.as_ref().unwrap();
        assert_eq!((p.line, p.column), (3, 12));
    }

    #[test]
    fn policy_fields_are_typed() {
        let (fm, errors) =
            parse_text("---\nowner: legal-ops\neffective: 2026-01-31\nreview_every: 12 months\nstatus: retired\n---\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(fm.owner.unwrap().id, "legal-ops");
        assert_eq!(fm.effective, Some(jiff::civil::date(2026, 1, 31)));
        assert_eq!(
            fm.review_every,
            Some(Interval {
                amount: 12,
                unit: IntervalUnit::Months
            })
        );
        assert_eq!(fm.status, Some(DeclaredStatus::Retired));
    }

    #[test]
    fn list_items_are_located_on_their_own_lines() {
        let (fm, errors) = parse_text("---\nowners:\n  - legal-ops\n  - general-counsel\n---\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(fm.owners[1].id, "general-counsel");
        assert_eq!(fm.owners[1].position.line, 4);
        assert_eq!(fm.owners[1].position.column, 5);
    }

    #[test]
    fn colon_in_a_list_item_is_explained() {
        let (_, errors) = parse_text("---\nresponsibilities:\n  - Runs budget: vendors\n---\n");
        assert!(errors[0].message.contains("contains `: `"), "{}", errors[0].message);
        assert_eq!(errors[0].position.as_ref().unwrap().line, 3);
    }

    #[test]
    fn near_miss_keys_warn_and_unknown_keys_are_kept() {
        let (fm, errors) = parse_text("---\nownr: legal-ops\nregion: EMEA\n---\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].help.as_ref().unwrap().contains("did you mean `owner`?"));
        assert_eq!(fm.extra["region"], Value::String("EMEA".into()));
    }

    #[test]
    fn review_interval_clamps_month_ends() {
        let i = Interval::parse("1 month").unwrap();
        assert_eq!(
            i.after(jiff::civil::date(2026, 1, 31)),
            Some(jiff::civil::date(2026, 2, 28))
        );
        assert!(Interval::parse("soon").is_none());
        assert!(Interval::parse("0 months").is_none());
        assert_eq!(Interval::parse("2 years").unwrap().unit, IntervalUnit::Years);
    }
}
