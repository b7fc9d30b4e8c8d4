//! Who may see what: the pages and metrics a build publishes.
//!
//! Audiences are ordered from least to most restricted (`public, internal,
//! board, legal-only`); a build for audience X publishes what is meant for X
//! or any audience before it. A section's `audience:` also applies to every
//! page below it, so marking a folder's `_index.md` hides the whole folder.
//!
//! Everything a build leaves out is removed here, before the model is
//! computed, so no later stage can show it: hidden pages never reach
//! `Site::pages` (only their source paths and ids are kept, to report links
//! and references to them), hidden metrics never reach `Site::metrics`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::kind::Kind;
use crate::parse::front_matter::FrontMatter;
use crate::parse::markdown::PlacedCall;
use crate::parse::{Asset, ParsedPage};
use crate::paths;

/// Why a page is not in this build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Draft,
    /// Meant for this audience, which the build does not include.
    Audience(String),
}

/// What this build leaves out, by name only: enough to report a reference
/// to it, nothing to show.
#[derive(Debug, Clone, Default)]
pub struct Hidden {
    /// Content-relative source path → why.
    pub pages: BTreeMap<String, Reason>,
    /// URL → source path of the pages left out, to report site-absolute links to them.
    pub urls: BTreeMap<String, String>,
    /// Content files (images, PDFs) left out, by content-relative path → why.
    pub assets: BTreeMap<String, Reason>,
    /// Ids of roles, goals and metrics left out, and file stems of policies.
    pub roles: BTreeSet<String>,
    pub goals: BTreeSet<String>,
    pub metrics: BTreeSet<String>,
    pub policies: BTreeSet<String>,
    /// Terms defined for the whole site only where this build does not
    /// publish (a hidden page, a glossary entry for another audience), and
    /// where that is, for reports. Never their definitions.
    pub terms: BTreeMap<String, String>,
}

impl Hidden {
    /// The help text for a reference to a hidden page.
    pub fn why(&self, rel: &str) -> String {
        match self.pages.get(rel) {
            Some(Reason::Audience(a)) => {
                format!("the target is for audience `{a}`, which this build does not include")
            }
            _ => "the target is a draft; publish it, or build with --drafts to include it".to_string(),
        }
    }
}

/// The position of `name` in the configured order; `None` for an unknown name.
pub fn rank(config: &Config, name: &str) -> Option<usize> {
    config.audiences.iter().position(|a| a == name)
}

/// The audience a build publishes for: a configured name, checked once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    name: String,
    rank: usize,
}

impl Audience {
    /// The audience called `name` in `config` (from `--audience` or `publish:`).
    pub fn named(config: &Config, name: &str) -> Result<Audience, Diagnostic> {
        match rank(config, name) {
            Some(rank) => Ok(Audience {
                name: name.to_string(),
                rank,
            }),
            None => Err(Diagnostic::error(format!("unknown audience `{name}`")).help(suggest(
                name,
                config.audiences.iter().map(String::as_str),
                &format!("audiences in casebook.yaml: {}", config.audiences.join(", ")),
            ))),
        }
    }

    /// `default_audience` of `config`, which the config has checked.
    pub fn default_of(config: &Config) -> Audience {
        Audience {
            name: config.default_audience.clone(),
            rank: rank(config, &config.default_audience).unwrap_or(0),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this audience sees what is meant for the audience called
    /// `other` in `config`; an unknown name is seen by nobody.
    pub fn sees(&self, config: &Config, other: &str) -> bool {
        rank(config, other).is_some_and(|r| r <= self.rank)
    }
}

impl std::fmt::Display for Audience {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

pub fn is_draft(front: &FrontMatter) -> bool {
    front.draft || front.status == Some(crate::parse::front_matter::DeclaredStatus::Draft)
}

/// Splits the parsed pages into those this build publishes and those it
/// leaves out. Every page's `audience:` is checked here, hidden or not; a
/// page with an unknown audience is left out (and the error fails the build).
/// The audiences sections declare, by folder: they cascade to everything
/// in the folder, pages and content files alike, and only restrict.
struct Folders(HashMap<String, usize>);

impl Folders {
    fn of(parsed: &[Arc<ParsedPage>], config: &Config) -> Folders {
        let mut ranks = HashMap::new();
        for p in parsed.iter().filter(|p| p.is_section) {
            if let Some(a) = &p.front.audience {
                ranks.insert(
                    paths::parent(&p.rel).to_string(),
                    rank(config, &a.id).unwrap_or(usize::MAX),
                );
            }
        }
        Folders(ranks)
    }

    /// The most restricted of `own` and the audiences of `dir` and the
    /// folders above it; `None` for an unknown name on the way.
    fn cascade(&self, own: usize, mut dir: &str) -> Option<usize> {
        let mut r = own;
        loop {
            if let Some(&f) = self.0.get(dir) {
                r = r.max(f);
            }
            if dir.is_empty() {
                break;
            }
            dir = paths::parent(dir);
        }
        (r != usize::MAX).then_some(r)
    }

    /// The audience a folder's own section page declares.
    fn own(&self, dir: &str) -> Option<usize> {
        self.0.get(dir).copied()
    }
}

/// Splits the content files into those this build publishes and those it
/// leaves out. A file has the audience its folder's `_index.md` declares,
/// else `default_audience` (a public home page does not make `assets/`
/// public), restricted further by the sections above: an image in a board
/// folder is the board's.
pub fn partition_assets(
    assets: Vec<Asset>,
    parsed: &[Arc<ParsedPage>],
    config: &Config,
    audience: &Audience,
    hidden: &mut Hidden,
) -> Vec<Asset> {
    let folders = Folders::of(parsed, config);
    let default = rank(config, &config.default_audience).unwrap_or(0);
    let mut published = Vec::with_capacity(assets.len());
    for a in assets {
        let dir = paths::parent(&a.rel);
        let own = folders.own(dir).unwrap_or(default);
        match folders.cascade(own, dir) {
            Some(r) if r <= audience.rank => published.push(a),
            Some(r) => {
                hidden
                    .assets
                    .insert(a.rel, Reason::Audience(config.audiences[r].clone()));
            }
            None => {
                hidden.assets.insert(a.rel, Reason::Audience("(unknown)".into()));
            }
        }
    }
    published
}

pub fn partition(
    parsed: Vec<Arc<ParsedPage>>,
    config: &Config,
    audience: &Audience,
    drafts: bool,
    diags: &mut Diagnostics,
) -> (Vec<Arc<ParsedPage>>, Hidden) {
    let limit = audience.rank;
    let default = rank(config, &config.default_audience).unwrap_or(0);
    let own = |p: &ParsedPage| -> Option<usize> {
        match &p.front.audience {
            Some(a) => rank(config, &a.id),
            None => Some(default),
        }
    };
    let folders = Folders::of(&parsed, config);
    let effective = |p: &ParsedPage| -> Option<usize> { folders.cascade(own(p)?, paths::parent(&p.rel)) };
    let mut hidden = Hidden::default();
    let mut published = Vec::with_capacity(parsed.len());
    for p in parsed {
        if let Some(a) = &p.front.audience
            && rank(config, &a.id).is_none()
        {
            diags.push(unknown_audience(config, &a.id, &p.file, a.position.clone()));
        }
        let reason = match effective(&p) {
            Some(r) if r <= limit => (!drafts && is_draft(&p.front)).then_some(Reason::Draft),
            Some(r) => Some(Reason::Audience(config.audiences[r].clone())),
            None => Some(Reason::Audience("(unknown)".into())),
        };
        match reason {
            None => published.push(p),
            Some(reason) => {
                note_ids(&p, &mut hidden);
                let why = match &reason {
                    Reason::Draft => "a draft".to_string(),
                    Reason::Audience(a) => format!("for audience `{a}`"),
                };
                super::terms::note_hidden(&p, &why, &mut hidden);
                hidden.urls.insert(p.url.clone(), p.rel.clone());
                hidden.pages.insert(p.rel.clone(), reason);
            }
        }
    }
    (published, hidden)
}

/// A build that publishes nothing but the home page, while the site has
/// pages for other audiences, is almost always a forgotten `audience:` or
/// the wrong `--audience`: said once, as a warning.
pub fn empty(published: &[Arc<ParsedPage>], hidden: &Hidden, audience: &Audience) -> Option<Diagnostic> {
    if hidden.pages.is_empty() || published.iter().any(|p| p.rel != "_index.md") {
        return None;
    }
    let drafts = hidden.pages.values().filter(|r| **r == Reason::Draft).count();
    let others = hidden.pages.len() - drafts;
    let what = match (others, drafts) {
        (0, 1) => "the only other page is a draft".to_string(),
        (0, d) => format!("the other {d} pages are drafts"),
        (1, 0) => "the only other page is for another audience".to_string(),
        (o, 0) => format!("the other {o} pages are for other audiences"),
        (o, d) => format!("the other pages are for other audiences ({o}) or drafts ({d})"),
    };
    Some(
        Diagnostic::warning(format!(
            "no page is published for audience `{audience}` besides the home page"
        ))
        .help(format!(
            "{what}; give each page meant for `{audience}` (and its section's `_index.md`) `audience: {audience}` in its front matter, or build another audience with `--audience`"
        )),
    )
}

fn unknown_audience(config: &Config, name: &str, file: &str, at: crate::diag::Position) -> Diagnostic {
    Diagnostic::error(format!("unknown audience `{name}`"))
        .in_file(file)
        .at(at)
        .help(suggest(
            name,
            config.audiences.iter().map(String::as_str),
            &format!("audiences in casebook.yaml: {}", config.audiences.join(", ")),
        ))
}

/// Remembers the ids a hidden page would have had, so references to it are
/// told apart from typos.
fn note_ids(p: &ParsedPage, hidden: &mut Hidden) {
    if p.is_section {
        return;
    }
    let stem = paths::stem(&p.rel).to_string();
    let ident = p.front.id.as_ref().map_or_else(|| stem.clone(), |r| r.id.clone());
    match p.kind {
        Kind::Role => {
            hidden.roles.insert(ident);
        }
        Kind::Goal => {
            hidden.goals.insert(ident);
        }
        Kind::Policy => {
            hidden.policies.insert(stem);
        }
        _ => {}
    }
}

/// Removes the metrics this build may not show; a metric file without
/// `audience:` has the default audience, like a page.
pub fn filter_metrics(
    metrics: &mut BTreeMap<String, crate::metrics::Metric>,
    config: &Config,
    audience: &Audience,
    hidden: &mut Hidden,
) {
    let default = config.default_audience.as_str();
    metrics.retain(|id, m| {
        let name = m.audience.as_ref().map_or(default, |a| a.id.as_str());
        let visible = audience.sees(config, name);
        if !visible {
            hidden.metrics.insert(id.clone());
        }
        visible
    });
}

/// What a component call names that this build leaves out, if anything:
/// such a call renders as nothing (the model reports it as a warning).
pub fn hidden_in_call(hidden: &Hidden, call: &PlacedCall) -> Option<String> {
    let args = &call.call.args;
    let names = |key: &str| -> Vec<String> {
        match args.get(key) {
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
            }
            _ => Vec::new(),
        }
    };
    let found = |key: &str, set: &BTreeSet<String>, what: &str| {
        names(key)
            .into_iter()
            .find(|n| set.contains(n))
            .map(|n| format!("{what} `{n}`"))
    };
    found("metric", &hidden.metrics, "metric")
        .or_else(|| found("metrics", &hidden.metrics, "metric"))
        .or_else(|| found("goal", &hidden.goals, "goal"))
        .or_else(|| found("owner", &hidden.roles, "role"))
        .or_else(|| found("roles", &hidden.roles, "role"))
}

/// Key results of visible goals that measure a hidden metric are removed,
/// so goal pages, cards and reports never name it.
pub fn strip_key_results(pages: &mut [super::Page], hidden: &Hidden) {
    if hidden.metrics.is_empty() {
        return;
    }
    let hides = |kr: &crate::parse::front_matter::KeyResult| hidden.metrics.contains(&kr.metric.id);
    // A parse is shared (serve's cache, other versions): copied only to change it.
    for p in pages.iter_mut().filter(|p| p.front().key_results.iter().any(hides)) {
        Arc::make_mut(&mut p.parsed).front.key_results.retain(|kr| !hides(kr));
    }
}

/// References from published pages and metrics to hidden roles, goals and
/// policies are removed once they are reported, so no template can show
/// the hidden name: an approver that only the board may see is left out of
/// the public build, not printed as plain text.
pub fn strip_references(
    pages: &mut [super::Page],
    metrics: &mut BTreeMap<String, crate::metrics::Metric>,
    hidden: &Hidden,
    diags: &mut Diagnostics,
) {
    let role = |r: &Option<crate::yaml::Ref>| r.as_ref().is_some_and(|r| hidden.roles.contains(&r.id));
    let policy = |r: &Option<crate::yaml::Ref>| r.as_ref().is_some_and(|r| hidden.policies.contains(&r.id));
    let names_hidden = |fm: &crate::parse::front_matter::FrontMatter| {
        [&fm.owner, &fm.approver, &fm.reports_to, &fm.author, &fm.presented_by]
            .into_iter()
            .any(role)
            || fm.owners.iter().any(|r| hidden.roles.contains(&r.id))
            || policy(&fm.supersedes)
    };
    // A parse is shared (serve's cache, other versions): copied only to change it.
    for p in pages.iter_mut().filter(|p| names_hidden(p.front())) {
        let fm = &mut Arc::make_mut(&mut p.parsed).front;
        for slot in [
            &mut fm.owner,
            &mut fm.approver,
            &mut fm.reports_to,
            &mut fm.author,
            &mut fm.presented_by,
        ] {
            if role(slot) {
                *slot = None;
            }
        }
        fm.owners.retain(|r| !hidden.roles.contains(&r.id));
        if policy(&fm.supersedes) {
            fm.supersedes = None;
        }
    }
    for m in metrics.values_mut() {
        for (slot, set, what) in [
            (&mut m.owner, &hidden.roles, "role"),
            (&mut m.goal, &hidden.goals, "goal"),
        ] {
            if let Some(r) = slot.as_ref().filter(|r| set.contains(&r.id)) {
                diags.push(
                    Diagnostic::warning(format!(
                        "{what} `{}` is not published in this build; the metric is shown without it",
                        r.id
                    ))
                    .in_file(&m.file)
                    .at(r.position.clone())
                    .help(format!(
                        "the {what}'s page is a draft or for an audience this build does not include"
                    )),
                );
                *slot = None;
            }
        }
    }
}

/// Calls that name something hidden are reported once per call.
pub fn report_hidden_calls(pages: &[super::Page], hidden: &Hidden, diags: &mut Diagnostics) {
    for p in pages {
        for call in p.parsed.body.calls.iter() {
            if let Some(what) = hidden_in_call(hidden, call) {
                diags.push(
                    Diagnostic::warning(format!(
                        "`{}` names {what}, which this build does not publish; it is left out",
                        call.call.name
                    ))
                    .in_file(&p.parsed.file)
                    .at(call.position.clone())
                    .help("give the metric (or page) an audience this build includes, or move the call to a page with the same audience"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(rel: &str, front: &str) -> Arc<ParsedPage> {
        let text = format!("---\n{front}\n---\nBody.\n");
        let source = crate::source::SourceFile::in_content(crate::source::FileKind::Markdown, rel, &text);
        Arc::new(crate::parse::page(&source, &Config::default(), &mut Vec::new()).expect("parses"))
    }

    fn visible(pages: Vec<Arc<ParsedPage>>, audience: &str) -> Vec<String> {
        let mut diags = Diagnostics::default();
        let config = Config::default();
        let audience = Audience::named(&config, audience).unwrap();
        let (shown, _) = partition(pages, &config, &audience, false, &mut diags);
        shown.iter().map(|p| p.rel.clone()).collect()
    }

    #[test]
    fn a_build_sees_its_audience_and_those_before_it() {
        let pages = || {
            vec![
                page("a.md", "audience: public"),
                page("b.md", "title: B"),
                page("c.md", "audience: board"),
                page("d.md", "audience: legal-only"),
            ]
        };
        assert_eq!(visible(pages(), "public"), ["a.md"]);
        assert_eq!(visible(pages(), "internal"), ["a.md", "b.md"]);
        assert_eq!(visible(pages(), "board"), ["a.md", "b.md", "c.md"]);
        assert_eq!(visible(pages(), "legal-only"), ["a.md", "b.md", "c.md", "d.md"]);
    }

    #[test]
    fn a_section_audience_cascades_and_only_restricts() {
        let pages = || {
            vec![
                page("priv/_index.md", "audience: legal-only"),
                page("priv/memo.md", "audience: public"),
                page("priv/deep/x.md", "title: X"),
                page("open/_index.md", "audience: public"),
                page("open/y.md", "title: Y"),
            ]
        };
        assert_eq!(visible(pages(), "board"), ["open/_index.md", "open/y.md"]);
        assert_eq!(visible(pages(), "legal-only").len(), 5);
    }

    #[test]
    fn unknown_audiences_are_errors_and_hidden() {
        let mut diags = Diagnostics::default();
        let (shown, hidden) = partition(
            vec![page("a.md", "audience: bord")],
            &Config::default(),
            &Audience::named(&Config::default(), "legal-only").unwrap(),
            false,
            &mut diags,
        );
        assert!(shown.is_empty());
        assert!(hidden.pages.contains_key("a.md"));
        assert!(
            diags.items[0]
                .help
                .as_deref()
                .unwrap_or("")
                .starts_with("did you mean `board`?")
        );
    }

    #[test]
    fn hidden_roles_and_goals_are_remembered_by_id() {
        let mut diags = Diagnostics::default();
        let (_, hidden) = partition(
            vec![
                page("roles/secretary.md", "audience: board"),
                page("goals/g.md", "id: gg\ndraft: true"),
            ],
            &Config::default(),
            &Audience::default_of(&Config::default()),
            false,
            &mut diags,
        );
        assert!(hidden.roles.contains("secretary"));
        assert!(hidden.goals.contains("gg"));
        assert_eq!(hidden.pages["goals/g.md"], Reason::Draft);
    }
}
