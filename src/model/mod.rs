//! Stage 3, RESOLVE: the whole site as one immutable model.
//!
//! Takes every parsed page and builds the cross-file picture: sections and
//! their order, roles and what each owns, policy lifecycles as of the build
//! day, and every reference and link checked. Nothing here renders HTML.

pub mod audience;
mod cycles;
mod folders;
mod foreign;
mod links;
pub mod policy;
mod resolve;
mod targets;
pub mod terms;
mod xrefs;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Notice};
use crate::kind::Kind;
use crate::metrics::Metric;
use crate::parse::front_matter::FrontMatter;
use crate::parse::links::Link;
use crate::parse::markdown::Rendered;
use crate::parse::{Asset, Parsed, ParsedPage};
use crate::paths;
pub use audience::Audience;
pub use links::rewrite_links_at;
use policy::Lifecycle;
pub use xrefs::{capitalise, texts_of as xref_texts_of};

pub type PageId = usize;

/// Pages by URL or source path: looked up for every link, never iterated
/// for output.
pub type Index = HashMap<String, PageId, ahash::RandomState>;

#[derive(Debug, Clone)]
pub struct Page {
    pub parsed: Arc<ParsedPage>,
    pub title: String,
    pub description: Option<String>,
    pub weight: i64,
    /// The effective audience: its own, or a stricter one of its sections.
    pub audience: String,
    /// The section page this page sits in; `None` for the home page.
    pub parent: Option<PageId>,
    /// For section pages: sub-sections and pages, in reading order.
    pub children: Vec<PageId>,
    /// Created for a folder without an `_index.md`.
    pub implicit: bool,
    pub lifecycle: Option<Lifecycle>,
    /// For roles: their id.
    pub role_id: Option<String>,
    /// For goals: their id.
    pub goal_id: Option<String>,
    /// For policies: the policy this one replaces.
    pub supersedes: Option<PageId>,
    /// The body's links with their targets and URLs worked out; the parse's
    /// own list is as written, or empty once handed over here.
    pub links: Vec<Link>,
}

impl Page {
    pub fn url(&self) -> &str {
        &self.parsed.url
    }
    pub fn kind(&self) -> Kind {
        self.parsed.kind
    }
    pub fn front(&self) -> &FrontMatter {
        &self.parsed.front
    }
    pub fn is_section(&self) -> bool {
        self.parsed.is_section
    }
}

/// What a role owns, gathered from every page's front matter.
#[derive(Debug, Clone, Default)]
pub struct Ownership {
    pub policies_owned: Vec<PageId>,
    pub policies_approved: Vec<PageId>,
    pub playbooks: Vec<PageId>,
    pub goals: Vec<PageId>,
    pub other_pages: Vec<PageId>,
    pub direct_reports: Vec<PageId>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub today: Date,
    /// Sorted by URL; index 0 is the home page.
    pub pages: Vec<Page>,
    pub by_url: Index,
    pub by_rel: Index,
    /// What this build leaves out (drafts, other audiences), by name only:
    /// links and references to it are reported, and shown as plain text.
    pub hidden: audience::Hidden,
    /// The audience this build publishes for.
    pub audience: Audience,
    /// Role id → role page.
    pub roles: BTreeMap<String, PageId>,
    pub ownership: BTreeMap<String, Ownership>,
    /// Goal id → goal page.
    pub goals: BTreeMap<String, PageId>,
    /// Policies, needing attention first (overdue, review due…), then by title.
    pub register: Vec<PageId>,
    /// Policy page → the policies that supersede it.
    pub superseded_by: BTreeMap<PageId, Vec<PageId>>,
    pub assets: Vec<Asset>,
    /// Alias URL → the page it redirects to.
    pub redirects: BTreeMap<String, PageId>,
    /// Ids of the metric files (`metrics/<id>.yaml`), including files with errors.
    pub metric_ids: BTreeSet<String>,
    /// The checked metrics by id.
    pub metrics: BTreeMap<String, crate::metrics::Metric>,
    /// Said once per build about the content: ignored keys of other
    /// tools, template text, links nothing is known about.
    pub notes: Vec<Notice>,
    /// The warning a build for this audience gives when it publishes nothing
    /// but the home page; `check` gives it only for audiences that are built.
    pub empty: Option<Diagnostic>,
    /// Defined terms, their uses, and what cross-references show.
    pub terms: terms::Terms,
}

/// What a site is resolved for: the same for every version of one build.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    pub today: Date,
    pub drafts: bool,
    pub audience: Audience,
}

/// Builds the site model from the parsed files. Problems go to `diags`; the
/// model is returned whenever it could be built, so every check runs.
pub fn resolve(parsed: Parsed, config: &Config, opts: &ResolveOptions, diags: &mut Diagnostics) -> Site {
    let Parsed {
        pages: parsed,
        metrics: parsed_metrics,
        assets,
        glossaries,
    } = parsed;
    folders::check_keys(&parsed, config, diags);
    let mut hidden_assets = audience::Hidden::default();
    let assets = audience::partition_assets(assets, &parsed, config, &opts.audience, &mut hidden_assets);
    let (published, mut hidden) = audience::partition(parsed, config, &opts.audience, opts.drafts, diags);
    hidden.assets = hidden_assets.assets;
    let empty = audience::empty(&published, &hidden, &opts.audience);
    let mut pages: Vec<Page> = published
        .into_par_iter()
        .map(|p| page_from(p, config, opts.today))
        .collect();
    add_implicit_sections(&mut pages, config);
    pages.sort_by(|a, b| {
        a.parsed
            .url
            .cmp(&b.parsed.url)
            .then_with(|| a.parsed.rel.cmp(&b.parsed.rel))
    });

    let mut by_url = Index::with_capacity_and_hasher(pages.len(), Default::default());
    let mut by_rel = Index::with_capacity_and_hasher(pages.len(), Default::default());
    for (id, p) in pages.iter().enumerate() {
        by_rel.insert(p.parsed.rel.clone(), id);
        if let Some(&first) = by_url.get(&p.parsed.url) {
            let other: &Page = &pages[first];
            diags.push(duplicate_url(p, other));
        } else {
            by_url.insert(p.parsed.url.clone(), id);
        }
    }
    let metric_ids = parsed_metrics.iter().map(|m| m.id.clone()).collect();
    let mut metrics = collect_metrics(parsed_metrics, diags);

    let mut site = Site {
        config: config.clone(),
        today: opts.today,
        pages,
        by_url,
        by_rel,
        hidden: audience::Hidden::default(),
        audience: opts.audience.clone(),
        roles: BTreeMap::new(),
        ownership: BTreeMap::new(),
        goals: BTreeMap::new(),
        register: Vec::new(),
        superseded_by: BTreeMap::new(),
        assets,
        redirects: BTreeMap::new(),
        metric_ids,
        metrics: BTreeMap::new(),
        notes: Vec::new(),
        empty,
        terms: terms::Terms::default(),
    };
    link_sections(&mut site);
    cascade_audiences(&mut site);
    resolve::ids(&mut site, diags);
    let known = crate::metrics::Known {
        roles: site.roles.keys().chain(&hidden.roles).map(String::as_str).collect(),
        goals: site.goals.keys().chain(&hidden.goals).map(String::as_str).collect(),
        audiences: &site.config.audiences,
        content_dir: crate::diag::display_path(&site.config.content_dir),
    };
    crate::metrics::check_references(&metrics, &known, diags);
    audience::filter_metrics(&mut metrics, config, &opts.audience, &mut hidden);
    audience::strip_key_results(&mut site.pages, &hidden);
    audience::report_hidden_calls(&site.pages, &hidden, diags);
    site.metrics = metrics;
    site.hidden = hidden;
    resolve::references(&mut site, diags);
    cycles::check(&mut site, diags);
    audience::strip_references(&mut site.pages, &mut site.metrics, &site.hidden, diags);
    resolve::aliases(&mut site, diags);
    resolve::claimed_urls(&site, diags);
    terms::collect(&mut site, glossaries, diags);
    links::links(&mut site, diags);
    terms::resolve(&mut site, diags);
    site.notes.extend(foreign::notes(&site));
    build_register(&mut site);
    site
}

fn page_from(parsed: Arc<ParsedPage>, config: &Config, today: Date) -> Page {
    let title = parsed
        .front
        .title
        .clone()
        .filter(|t| !t.is_empty())
        .or_else(|| parsed.first_heading.clone())
        .or_else(|| {
            let configured = config.section_titles.get(paths::parent(&parsed.rel));
            configured.filter(|_| parsed.is_section).map(|t| t.title.clone())
        })
        .unwrap_or_else(|| paths::title_from_path(&parsed.rel));
    let description = parsed.front.description.clone().or_else(|| {
        let s = &parsed.body.summary;
        (!s.is_empty()).then(|| truncate_words(s, 200))
    });
    let lifecycle =
        (parsed.kind == Kind::Policy).then(|| policy::lifecycle(&parsed.front, today, config.review_due_days));
    let audience = parsed
        .front
        .audience
        .as_ref()
        .map_or_else(|| config.default_audience.clone(), |a| a.id.clone());
    Page {
        title,
        description,
        weight: parsed.front.weight.unwrap_or(i64::MAX / 2),
        audience,
        parent: None,
        children: Vec::new(),
        implicit: false,
        lifecycle,
        role_id: None,
        goal_id: None,
        supersedes: None,
        links: Vec::new(),
        parsed,
    }
}

/// A page's audience is the most restricted of its own and those its
/// sections declare, the rule [`audience::partition`] publishes by.
fn cascade_audiences(site: &mut Site) {
    let config = &site.config;
    let effective: Vec<String> = site
        .pages
        .iter()
        .map(|p| {
            let mut name = p.audience.as_str();
            let mut up = p.parent;
            while let Some(s) = up.map(|s| &site.pages[s]) {
                if let Some(a) = &s.front().audience
                    && audience::rank(config, &a.id) > audience::rank(config, name)
                {
                    name = &a.id;
                }
                up = s.parent;
            }
            name.to_string()
        })
        .collect();
    for (p, a) in site.pages.iter_mut().zip(effective) {
        p.audience = a;
    }
}

/// `s` cut at a word boundary to at most `max` characters, with `…`.
pub fn truncate_words(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

/// The metrics of a site by id. Files with errors were reported when
/// parsed and are left out; two files with one id are an error.
fn collect_metrics(parsed: Vec<crate::parse::ParsedMetric>, diags: &mut Diagnostics) -> BTreeMap<String, Metric> {
    let mut out: BTreeMap<String, Metric> = BTreeMap::new();
    for p in parsed {
        let Some(metric) = p.metric else { continue };
        if let Some(first) = out.get(&p.id) {
            diags.push(
                Diagnostic::error(format!("two metric files have the id `{}`", p.id))
                    .in_file(&p.file)
                    .help(format!(
                        "`{}` has the same file name; metric ids are file names, so rename one",
                        first.file
                    )),
            );
            continue;
        }
        out.insert(p.id, metric);
    }
    out
}

/// Every folder is a section; folders without an `_index.md` get one.
fn add_implicit_sections(pages: &mut Vec<Page>, config: &Config) {
    let existing: BTreeSet<String> = pages
        .iter()
        .filter(|p| p.parsed.is_section)
        .map(|p| paths::parent(&p.parsed.rel).to_string())
        .collect();
    let mut folders = BTreeSet::new();
    folders.insert(String::new());
    for p in pages.iter() {
        let mut dir = paths::parent(&p.parsed.rel);
        if p.parsed.is_section {
            dir = paths::parent(dir);
        }
        loop {
            folders.insert(dir.to_string());
            if dir.is_empty() {
                break;
            }
            dir = paths::parent(dir);
        }
    }
    for folder in folders.difference(&existing) {
        let rel = if folder.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{folder}/_index.md")
        };
        let title = folders::section_title(folder, config);
        let parsed = ParsedPage {
            url: paths::page_url(&rel),
            file: crate::diag::display_path(&config.content_dir.join(folder)),
            rel,
            is_section: true,
            kind: Kind::Page,
            front: FrontMatter::default(),
            first_heading: None,
            body: Rendered::default(),
            text: Default::default(),
        };
        let mut page = page_from(Arc::new(parsed), config, jiff::civil::Date::constant(2000, 1, 1));
        page.title = title;
        page.implicit = true;
        pages.push(page);
    }
}

/// Parents and ordered children for every section.
fn link_sections(site: &mut Site) {
    let section_of_folder: HashMap<String, PageId> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.parsed.is_section)
        .map(|(id, p)| (paths::parent(&p.parsed.rel).to_string(), id))
        .collect();
    for id in 0..site.pages.len() {
        let p = &site.pages[id];
        let mut folder = paths::parent(&p.parsed.rel);
        if p.parsed.is_section {
            if folder.is_empty() {
                continue;
            }
            folder = paths::parent(folder);
        }
        if let Some(&parent) = section_of_folder.get(folder)
            && parent != id
        {
            site.pages[id].parent = Some(parent);
            site.pages[parent].children.push(id);
        }
    }
    let order: Vec<(i64, String, String)> = site
        .pages
        .iter()
        .map(|p| (p.weight, p.title.to_lowercase(), p.parsed.url.clone()))
        .collect();
    for p in &mut site.pages {
        p.children.sort_by(|&a, &b| order[a].cmp(&order[b]));
    }
}

fn build_register(site: &mut Site) {
    let mut register: Vec<PageId> = (0..site.pages.len())
        .filter(|&id| site.pages[id].lifecycle.is_some())
        .collect();
    register.sort_by(|&a, &b| {
        let (pa, pb) = (&site.pages[a], &site.pages[b]);
        let sa = pa.lifecycle.as_ref().map(|l| (l.status, l.next_review));
        let sb = pb.lifecycle.as_ref().map(|l| (l.status, l.next_review));
        sa.cmp(&sb)
            .then_with(|| pa.title.to_lowercase().cmp(&pb.title.to_lowercase()))
    });
    site.register = register;
}

fn duplicate_url<'p>(mut p: &'p Page, mut other: &'p Page) -> Diagnostic {
    // Report the file whose front matter set the URL, at that line.
    if p.front().url.is_none() && other.front().url.is_some() {
        std::mem::swap(&mut p, &mut other);
    }
    let url = if p.parsed.url.is_empty() {
        "/".to_string()
    } else {
        format!("/{}", p.parsed.url)
    };
    let help = if other.implicit {
        format!(
            "`{}` is a folder, and its section page has this URL; choose another URL, or make this file the folder's `_index.md`",
            other.parsed.file
        )
    } else {
        let how = other
            .front()
            .url
            .as_ref()
            .map(|u| format!(" through its `{}`", u.key))
            .unwrap_or_default();
        format!(
            "`{}` makes the same page{how}; rename or remove one of them, or give one another URL",
            other.parsed.file
        )
    };
    let mut d = Diagnostic::error(format!("two files make the page `{url}`"))
        .in_file(&p.parsed.file)
        .help(help);
    if let Some(u) = &p.front().url {
        d = d.at(u.value.position.clone());
    }
    d
}

impl Site {
    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id]
    }

    pub fn home(&self) -> Option<PageId> {
        self.by_url.get("").copied()
    }

    /// The section chain from the home page down to `id`'s parent.
    pub fn ancestors(&self, id: PageId) -> Vec<PageId> {
        let mut chain = Vec::new();
        let mut cur = self.pages[id].parent;
        while let Some(p) = cur {
            if chain.contains(&p) {
                break;
            }
            chain.push(p);
            cur = self.pages[p].parent;
        }
        chain.reverse();
        chain
    }

    pub fn role_page(&self, role: &str) -> Option<&Page> {
        self.roles.get(role).map(|&id| &self.pages[id])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_paths() {
        assert_eq!(
            paths::title_from_path("policies/records-retention.md"),
            "Records retention"
        );
        assert_eq!(paths::title_from_path("ACME-terms/_index.md"), "ACME terms");
        assert_eq!(paths::title_from_path("acme--terms/_index.md"), "Acme terms");
        assert_eq!(paths::title_from_path("releases/v1.2/_index.md"), "V1.2");
        assert_eq!(paths::title_from_path("eu-GDPR.md"), "Eu GDPR");
        assert_eq!(paths::title_from_path("handbook/contracts/_index.md"), "Contracts");
        assert_eq!(paths::title_from_path("Policies/README.md"), "Policies");
        assert_eq!(paths::title_from_path("_index.md"), "Home");
    }

    /// serve's cache and published versions hand the model parses others
    /// hold: resolving shares what it leaves as it is and changes a copy.
    #[test]
    fn resolving_shares_the_parses_it_does_not_change() {
        use crate::parse::links::LinkTarget;
        use crate::source::{FileKind, SourceFile};
        let src = |rel: &str, text: &str| SourceFile::in_content(FileKind::Markdown, rel, text);
        let config = Config::default();
        let files = vec![
            src("_index.md", "# Home\n\nSee [gifts](/policies/gifts/).\n"),
            src(
                "roles/secretary.md",
                "---\ntitle: Secretary\naudience: board\n---\nBody.\n",
            ),
            src("policies/gifts.md", "---\ntitle: Gifts\nowner: secretary\n---\nBody.\n"),
        ];
        let mut diags = Diagnostics::default();
        let parsed = crate::parse::all(files, &config, &mut diags);
        let opts = ResolveOptions {
            today: Date::constant(2026, 11, 27),
            drafts: false,
            audience: Audience::default_of(&config),
        };
        let site = resolve(parsed.clone(), &config, &opts, &mut diags);
        let of = |rel: &str| &site.pages[site.by_rel[rel]];
        let input = |rel: &str| parsed.pages.iter().find(|p| p.rel == rel).unwrap();

        assert!(Arc::ptr_eq(&of("_index.md").parsed, input("_index.md")));
        // The site-absolute link is found to be the page; the shared parse keeps it as written.
        let link = &of("_index.md").links[0];
        assert_eq!(link.href, "policies/gifts/");
        assert!(matches!(&link.target, LinkTarget::Page { source, .. } if source == "policies/gifts.md"));
        assert!(matches!(
            &input("_index.md").body.links[0].target,
            LinkTarget::Site { .. }
        ));

        // The hidden owner is left out of this build's copy only.
        assert!(of("policies/gifts.md").front().owner.is_none());
        assert!(!Arc::ptr_eq(
            &of("policies/gifts.md").parsed,
            input("policies/gifts.md")
        ));
        assert_eq!(input("policies/gifts.md").front.owner.as_ref().unwrap().id, "secretary");
    }

    #[test]
    fn descriptions_cut_at_a_word() {
        let s = "word ".repeat(100);
        let t = truncate_words(s.trim(), 20);
        assert!(t.ends_with("word…"), "{t}");
        assert!(t.chars().count() <= 21);
    }

    #[test]
    fn files_with_errors_are_left_out_ids_are_stems_and_unique() {
        use crate::source::{FileKind, SourceFile};
        let src = |rel: &str, text: &str| SourceFile::in_content(FileKind::Metric, rel, text);
        let mut diags = Diagnostics::default();
        let files = [
            src("metrics/a.yaml", "unit: count\nvalues: {2026-Q3: 1}\n"),
            src("metrics/b.yaml", "unit: nope\n"),
            src("team/metrics/a.yaml", "unit: count\nvalues: {2026-Q3: 2}\n"),
        ];
        let parsed = crate::parse::all(files.into(), &crate::config::Config::default(), &mut diags);
        assert_eq!(parsed.metrics.len(), 3);
        let m = collect_metrics(parsed.metrics, &mut diags);
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a"]);
        assert_eq!(m["a"].file, "content/metrics/a.yaml");
        let msgs: Vec<&str> = diags.items.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.contains(&"unknown unit `nope`"), "{msgs:?}");
        assert!(msgs.contains(&"two metric files have the id `a`"), "{msgs:?}");
    }
}
