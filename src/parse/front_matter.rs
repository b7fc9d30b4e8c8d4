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

use crate::diag::{Diagnostic, Position, suggest};
use crate::kind::Kind;
use crate::quarter::Quarter;
use crate::yaml::{self, Fields, Node, Ref, Source, describe};

mod other_tools;

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
    /// The longest review cycle accepted: ten years. A longer one means the
    /// policy never falls due, which is a typo, not a policy.
    pub const MAX_MONTHS: i64 = 120;

    /// The length in months, rounded up (a year of days is twelve months).
    pub fn months(self) -> i64 {
        let a = self.amount;
        match self.unit {
            IntervalUnit::Days => a.saturating_mul(12).saturating_add(364) / 365,
            IntervalUnit::Weeks => a.saturating_mul(84).saturating_add(364) / 365,
            IntervalUnit::Months => a,
            IntervalUnit::Years => a.saturating_mul(12),
        }
    }

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
    /// For reports: the role presenting it, on the cover.
    pub presented_by: Option<Ref>,
    /// For reports: the day of the meeting it is for.
    pub meeting: Option<Date>,
    /// For reports: the day it is computed as of, instead of its quarter's last.
    pub as_of: Option<Date>,
    pub tags: Vec<String>,
    /// `aliases`, and Jekyll's `redirect_from`: old URLs that redirect here.
    pub aliases: Vec<Ref>,
    /// The page's URL when front matter sets it: `permalink`, `url` or `slug`.
    pub url: Option<UrlKey>,
    /// `date`: when the page was written (Jekyll, Hugo), or a report's issue
    /// date when there is no git history.
    pub date: Option<Date>,
    /// `last_modified_at` (Jekyll) or `lastmod` (Hugo): shown as "last
    /// updated" when there is no git history.
    pub last_modified: Option<Date>,
    /// A `layout:` of another tool was given; casebook ignores it.
    pub layout: bool,
    // policy
    pub effective: Option<Date>,
    pub review_every: Option<Interval>,
    pub next_review: Option<Date>,
    pub status: Option<DeclaredStatus>,
    pub supersedes: Option<Ref>,
    pub reference: Option<String>,
    /// A redline for each commit: `true` or `false` overrides `redlines:` in the config.
    pub redline: Option<bool>,
    /// Headings numbered as clauses: `true` or `false` overrides `numbered:` in the config.
    pub numbered: Option<bool>,
    /// `defines: site`: the page's definitions apply to the whole site, not only to it.
    pub defines_site: bool,
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

/// The key that sets a page's URL and its value.
#[derive(Debug, Clone)]
pub struct UrlKey {
    /// `permalink`, `url` or `slug`.
    pub key: &'static str,
    pub value: Ref,
}

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
    let src = Source { file, full };
    let root = match yaml::parse_map(split.yaml, src, split.yaml_line_offset) {
        Ok(n) => n,
        Err(d) => {
            errors.push(d);
            return FrontMatter {
                has_errors: true,
                ..FrontMatter::default()
            };
        }
    };
    let mut r = Reader(Fields::new(root.as_ref(), src));
    let mut fm = read(&mut r);
    let (diags, extra) = r.0.finish_open();
    fm.has_errors = diags.iter().any(Diagnostic::is_error);
    fm.extra = extra
        .into_iter()
        .map(|(k, v)| (k.text().unwrap_or_default().to_string(), v.to_json()))
        .collect();
    errors.extend(diags);
    fm
}

/// Every known key, in one place: what is asked here is what is known.
fn read(r: &mut Reader<'_>) -> FrontMatter {
    let f = &mut r.0;
    let weight_help = "e.g. `weight: 10`; lower numbers come first";
    // `nav_order` is just-the-docs' (Jekyll), `sidebar_position` Docusaurus'.
    let weight = ["weight", "order", "nav_order", "sidebar_position"]
        .map(|key| f.int(key, i64::MIN..=i64::MAX, weight_help))
        .into_iter()
        .flatten()
        .next();
    // `published: false` is Jekyll's draft.
    let unpublished = f.bool("published") == Some(false);
    let mut aliases = r.references("aliases");
    aliases.extend(r.references("redirect_from"));
    let layout = r.0.node("layout").is_some();
    let fm = FrontMatter {
        title: r.0.text("title"),
        description: r.0.text("description"),
        kind: r.kind(),
        weight,
        draft: r.0.bool("draft").unwrap_or(false) || unpublished,
        audience: r.reference("audience"),
        id: r.reference("id"),
        owner: r.reference("owner"),
        owners: r.references("owners"),
        approver: r.reference("approver"),
        reports_to: r.reference("reports_to"),
        author: r.reference("author"),
        presented_by: r.reference("presented_by"),
        meeting: r.0.date("meeting"),
        as_of: r.0.date("as_of"),
        tags: r.strings("tags"),
        aliases,
        url: r.url(),
        date: r.day("date"),
        last_modified: r.day("last_modified_at").or_else(|| r.day("lastmod")),
        layout,
        effective: r.0.date("effective"),
        review_every: r.interval("review_every"),
        next_review: r.0.date("next_review"),
        status: r.status(),
        supersedes: r.reference("supersedes"),
        reference: r.0.text("reference"),
        redline: r.0.bool("redline"),
        numbered: r.0.bool("numbered"),
        defines_site: r.defines(),
        holder: r.0.text("holder"),
        responsibilities: r.strings("responsibilities"),
        raci: r.raci(),
        outcome: r.0.text("outcome"),
        due: r.quarter("due"),
        quarter: r.quarter("quarter"),
        key_results: r.key_results(),
        extra: BTreeMap::new(),
        has_errors: false,
    };
    // A report is computed as of its quarter's last day unless `as_of` says otherwise.
    if let (Some(_), None, Some(key)) = (fm.as_of, fm.quarter, r.0.key_node("as_of")) {
        r.0.error(
            key,
            "`as_of` is the day a report's `quarter` is computed as of, and this page has no `quarter`",
            "add `quarter: 2026-Q3` (a report's quarter), or remove `as_of:`",
        );
    }
    fm
}

/// Front matter's own value shapes on top of the YAML reader.
struct Reader<'a>(Fields<'a>);

impl Reader<'_> {
    fn reference(&mut self, key: &'static str) -> Option<Ref> {
        self.0.id(key, "legal-ops").map(|(id, position)| Ref { id, position })
    }

    /// A list of ids; a single id is accepted as a list of one.
    fn references(&mut self, key: &'static str) -> Vec<Ref> {
        let help = format!("e.g. `{key}: [legal-ops, general-counsel]`");
        self.0
            .texts(key, &help)
            .into_iter()
            .map(|(id, position)| Ref { id, position })
            .collect()
    }

    fn strings(&mut self, key: &'static str) -> Vec<String> {
        let help = format!("write one item per line under `{key}:`, each starting with `- `");
        self.0.texts(key, &help).into_iter().map(|(t, _)| t).collect()
    }

    fn interval(&mut self, key: &'static str) -> Option<Interval> {
        let n = self.0.node(key)?;
        let help = format!(
            "e.g. `{key}: 12 months`; from 1 day to {} months, in days, weeks, months or years",
            Interval::MAX_MONTHS
        );
        let parsed = n.text().and_then(Interval::parse);
        match parsed {
            Some(i) if i.months() <= Interval::MAX_MONTHS => Some(i),
            Some(_) => {
                let text = n.text().unwrap_or_default().to_string();
                self.0.error(
                    n,
                    format!("`{key}` of {text} is longer than {} years", Interval::MAX_MONTHS / 12),
                    help,
                );
                None
            }
            None => {
                self.0.wrong(key, n, "a period", help);
                None
            }
        }
    }

    fn quarter(&mut self, key: &'static str) -> Option<Quarter> {
        let n = self.0.node(key)?;
        match n.text().map(str::parse::<Quarter>) {
            Some(Ok(q)) => Some(q),
            Some(Err(e)) => {
                self.0.error(n, format!("`{key}` is not a valid quarter"), e.0);
                None
            }
            None => {
                self.0.wrong(key, n, "a quarter", format!("e.g. `{key}: 2026-Q3`"));
                None
            }
        }
    }

    fn kind(&mut self) -> Option<Kind> {
        let n = self.0.node("kind")?;
        let s = n.text().unwrap_or_default().trim();
        let found = Kind::parse(s);
        if found.is_none() {
            let names: Vec<_> = Kind::names().collect();
            let help = crate::diag::suggest(s, Kind::names(), &format!("kinds: {}", names.join(", ")));
            self.0.error(n, format!("unknown kind `{}`", display(n)), help);
        }
        found
    }

    /// Policy statuses are matched exactly, as every other keyword is.
    fn status(&mut self) -> Option<DeclaredStatus> {
        let n = self.0.node("status")?;
        match n.text().map(str::trim) {
            Some("draft") => Some(DeclaredStatus::Draft),
            Some("retired") => Some(DeclaredStatus::Retired),
            Some(other) => {
                let computed = ["effective", "scheduled", "review-due", "overdue", "undated", "active"];
                let help = if computed.contains(&other) {
                    format!(
                        "`{other}` is computed from the dates and cannot be declared; write `status: draft` or `status: retired`, or remove the line"
                    )
                } else {
                    suggest(
                        other,
                        ["draft", "retired"],
                        "write `status: draft` or `status: retired`; the other statuses are computed from the dates",
                    )
                };
                self.0.error(n, format!("unknown policy status `{}`", display(n)), help);
                None
            }
            None => {
                self.0
                    .wrong("status", n, "`draft` or `retired`", "e.g. `status: retired`");
                None
            }
        }
    }

    /// `defines: site` or `defines: page` (the default).
    fn defines(&mut self) -> bool {
        let Some(n) = self.0.node("defines") else {
            return false;
        };
        match n.text().map(str::trim) {
            Some("site") => true,
            Some("page") => false,
            other => {
                let help = suggest(
                    other.unwrap_or_default(),
                    ["site", "page"],
                    "write `defines: site` to make this page's definitions apply to every page, or `defines: page` (the default) for this page only",
                );
                self.0
                    .error(n, format!("unknown `defines` value {}", describe(n)), help);
                false
            }
        }
    }

    fn raci(&mut self) -> BTreeMap<String, String> {
        let help = "map each activity to R, A, C or I, e.g. `raci: {\"Approve outside counsel budget\": A}`";
        let mut out = BTreeMap::new();
        for (activity, letter) in self.0.entries("raci", help) {
            let name = activity.text().unwrap_or_default().to_string();
            match letter.text().map(|s| s.trim().to_ascii_uppercase()).as_deref() {
                Some(x @ ("R" | "A" | "C" | "I")) if letter.entries().is_none() => {
                    out.insert(name, x.to_string());
                }
                _ => {
                    let found = describe(letter);
                    self.0.error(
                        letter,
                        format!("RACI letter for `{name}` must be R, A, C or I, found {found}"),
                        help,
                    );
                }
            }
        }
        out
    }

    fn key_results(&mut self) -> Vec<KeyResult> {
        let help = "e.g. `key_results: [{metric: outside-counsel-spend, target: 1200000, by: 2026-Q4}]`";
        let Some(n) = self.0.node("key_results") else {
            return Vec::new();
        };
        let Some(items) = n.items() else {
            self.0.wrong("key_results", n, "a list", help);
            return Vec::new();
        };
        let src = self.0.source();
        let mut out = Vec::new();
        for item in items {
            if item.entries().is_none() {
                self.0
                    .wrong("key_results", item, "a list of maps with `metric` and `target`", help);
                continue;
            }
            let mut kr = Fields::new(Some(item), src);
            let metric = kr.id("metric", "outside-counsel-spend");
            let target = kr.node("target");
            let by = kr.node("by");
            let description = kr.text("description");
            let mut diags = kr.finish("a key result");
            let Some((metric, position)) = metric else {
                if !diags.iter().any(Diagnostic::is_error) {
                    diags.push(
                        Diagnostic::error("a key result has no `metric`")
                            .in_file(src.file)
                            .at(item.position(src))
                            .help(help),
                    );
                }
                self.0.diags.extend(diags);
                continue;
            };
            self.0.diags.extend(diags);
            let target = target.and_then(|t| {
                let v = t.as_f64();
                if v.is_none() {
                    let found = describe(t);
                    self.0.error(
                        t,
                        format!("the target of key result `{metric}` must be a number, found {found}"),
                        help,
                    );
                }
                v
            });
            let by = by.and_then(|b| match b.text().map(str::parse::<Quarter>) {
                Some(Ok(q)) => Some(q),
                Some(Err(e)) => {
                    self.0
                        .error(b, format!("`by` of key result `{metric}` is not a valid quarter"), e.0);
                    None
                }
                None => {
                    self.0.wrong("by", b, "a quarter", "e.g. `by: 2026-Q4`");
                    None
                }
            });
            out.push(KeyResult {
                metric: Ref { id: metric, position },
                target,
                by,
                description,
            });
        }
        out
    }
}

fn display(n: &Node) -> String {
    match n.text() {
        Some(t) => t.to_string(),
        None => describe(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn parse_text(text: &str) -> (FrontMatter, Vec<Diagnostic>) {
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
