//! Which page is which across every published version of one build.
//!
//! A page's *identity* is its path in latest; a tag's page is found through
//! the commit that last touched it, so a page renamed since the tag is still
//! the same page. A tag's page gone from latest is known by its own path,
//! kept apart from latest's. Each version's pages carry their trail of commits, their
//! committed blob and flags for the render.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{History, Trail, Version, VersionEntry, VersionPage, VersionSet};
use crate::config::{Config, Redlines};
use crate::kind::Kind;
use crate::model::{ResolveOptions, Site};
use crate::parse::Parse;

/// A published version: a git tag, resolved.
pub struct Tag {
    pub version: Version,
    /// Its pages as the version set reads them.
    pub pages: Vec<Facts>,
    /// What its render resolves again, so that the versions are not all
    /// held resolved at once; `None` once rendered or carried over.
    pub source: Option<Source>,
    /// Stand-in asset paths (see [`super::versions::blob_path`]) → bytes.
    pub assets: HashMap<PathBuf, Arc<[u8]>>,
    /// Content-relative path → blob id, for every file of the tag.
    pub blobs: HashMap<String, String>,
    /// The key of what its folder is made from, when the build keeps
    /// version folders for the next one to carry over.
    pub key: Option<String>,
}

/// A tag's parsed files with what resolving them took, resolved first to
/// decide whether it publishes and to know its pages.
pub struct Source {
    /// Its files' parses, each shared with every version holding the same.
    pub parses: Vec<Arc<Parse>>,
    pub config: Config,
    pub resolve: ResolveOptions,
    /// The last day its computed metrics count.
    pub until: jiff::civil::Date,
}

/// What the version set reads of one version's page; a version folder
/// keeps its pages' facts for the build that carries it over.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Facts {
    pub rel: String,
    pub url: String,
    pub title: String,
    pub kind: Kind,
    pub implicit: bool,
    pub is_section: bool,
    /// Its own `redline:`.
    pub redline: Option<bool>,
}

impl Facts {
    pub fn of(site: &Site) -> Vec<Facts> {
        site.pages
            .iter()
            .map(|p| Facts {
                rel: p.parsed.rel.clone(),
                url: p.url().to_string(),
                title: p.title.clone(),
                kind: p.kind(),
                implicit: p.implicit,
                is_section: p.is_section(),
                redline: p.front().redline,
            })
            .collect()
    }
}

/// Which page is which in every version, with trails and flags; trails
/// hold only what the build's audience could see when it was committed.
/// `uncommitted` names latest's content files that differ from `HEAD`.
pub fn build(
    history: &Arc<History>,
    config: &Config,
    resolve: &ResolveOptions,
    latest: &Site,
    tags: &[Tag],
    uncommitted: &BTreeSet<String>,
) -> VersionSet {
    let log = &history.log;
    let mut list = vec![VersionEntry {
        name: "latest".into(),
        path: String::new(),
        slug: "latest".into(),
        label: config.version.clone().unwrap_or_else(|| "Latest".into()),
        commit: history.head,
        latest: true,
    }];
    list.extend(tags.iter().map(|t| VersionEntry {
        name: t.version.name.clone(),
        path: format!("v/{}/", t.version.slug),
        slug: t.version.slug.clone(),
        label: t.version.name.clone(),
        commit: t.version.commit,
        latest: false,
    }));
    let reachable: Vec<Vec<bool>> = list.iter().map(|v| log.reachable(v.commit)).collect();

    // Latest: identity is the path; each change a trail holds points back to it.
    let latest = Facts::of(latest);
    let latest_rels: Vec<&str> = latest.iter().filter(|p| !p.implicit).map(|p| p.rel.as_str()).collect();
    let latest_trails = history.trace(history.head, latest_rels.iter().copied());
    // A change in several trails (a file copied, both kept) belongs to the
    // page it is the nearest revision of: the original, not the copy.
    let mut nearest: HashMap<(usize, &str), (usize, &str)> = HashMap::new();
    let mut sorted: Vec<(&String, &Trail)> = latest_trails.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (rel, trail) in sorted {
        for (depth, &(c, n)) in trail.changes.iter().enumerate() {
            let candidate = (depth, rel.as_str());
            nearest
                .entry((c, log.commits[c].changes[n].path.as_str()))
                .and_modify(|best| *best = (*best).min(candidate))
                .or_insert(candidate);
        }
    }
    let owner: HashMap<(usize, &str), &str> = nearest.into_iter().map(|(k, (_, rel))| (k, rel)).collect();
    let tag_trails: Vec<HashMap<String, Trail>> = tags
        .iter()
        .map(|t| {
            let rels = t.pages.iter().filter(|p| !p.implicit).map(|p| p.rel.as_str());
            history.trace(t.version.commit, rels)
        })
        .collect();
    let every: Vec<&Trail> = std::iter::once(&latest_trails)
        .chain(&tag_trails)
        .flat_map(|t| t.values())
        .collect();
    let shown = super::visible::shown(history, config, &resolve.audience, resolve.drafts, &every);
    let shown = shown.as_ref();
    let mut pages = Vec::with_capacity(list.len());
    let mut by_rel = Vec::with_capacity(list.len());
    let (p, r) = pages_of(
        history,
        config,
        &latest,
        &latest_trails,
        &owner,
        shown,
        Of::Latest(uncommitted),
    );
    pages.push(p);
    by_rel.push(r);
    for (t, trails) in tags.iter().zip(&tag_trails) {
        let (p, r) = pages_of(history, config, &t.pages, trails, &owner, shown, Of::Tag(&t.blobs));
        pages.push(p);
        by_rel.push(r);
    }
    VersionSet {
        history: Arc::clone(history),
        list,
        pages,
        by_rel,
        reachable,
        repo_url: config.repo_url.clone(),
        timezone: config.timezone.clone(),
        details: resolve.audience.sees(config, &config.details_from),
    }
}

type Pages = (HashMap<String, VersionPage>, HashMap<String, String>);

/// Whose pages: latest's, with its files edited since `HEAD`, or a tag's,
/// with the blob of each of its files.
enum Of<'a> {
    Latest(&'a BTreeSet<String>),
    Tag(&'a HashMap<String, String>),
}

fn pages_of(
    history: &History,
    config: &Config,
    site: &[Facts],
    trails: &HashMap<String, Trail>,
    owner: &HashMap<(usize, &str), &str>,
    shown: Option<&HashSet<(usize, usize)>>,
    of: Of,
) -> Pages {
    let latest = matches!(of, Of::Latest(_));
    let log = &history.log;
    let mut pages = HashMap::with_capacity(site.len());
    let mut by_rel = HashMap::with_capacity(site.len());
    for p in site {
        let rel = &p.rel;
        let revisions = trails.get(rel).cloned().unwrap_or_default();
        let identity = if latest || p.implicit {
            rel.clone()
        } else {
            revisions
                .changes
                .first()
                .and_then(|&(c, n)| owner.get(&(c, log.commits[c].changes[n].path.as_str())))
                .map_or_else(|| gone(rel), |s| s.to_string())
        };
        let is_shown = |e: &(usize, usize)| shown.is_none_or(|s| s.contains(e));
        let page = VersionPage {
            rel: rel.clone(),
            url: p.url.clone(),
            title: p.title.clone(),
            kind: p.kind,
            redline: has_redlines(p, config.redlines),
            // Latest's committed text is `HEAD`'s, unless edited since.
            blob: match of {
                Of::Tag(b) => b.get(rel).cloned(),
                Of::Latest(edited) if edited.contains(rel) => None,
                Of::Latest(_) => history.committed_blob(rel),
            },
            uncommitted: matches!(of, Of::Latest(edited) if !p.implicit && edited.contains(rel)),
            truncated: history.is_truncated(&revisions),
            implicit: p.implicit,
            trail: Trail {
                changes: revisions.changes.iter().copied().filter(|e| is_shown(e)).collect(),
            },
            baseline: baseline(&revisions, is_shown),
            revisions,
        };
        by_rel.insert(rel.clone(), identity.clone());
        // Two pages claiming one identity (a file split in two): the first keeps it.
        pages.entry(identity).or_insert(page);
    }
    (pages, by_rel)
}

/// The identity of a tag's page that is no page of latest: its path, apart
/// from latest's paths, so that a page later moved to that path is not
/// taken for it (and the tag's pages stay its own, whatever came after).
fn gone(rel: &str) -> String {
    format!("/{rel}")
}

/// The commits of shown revisions whose previous revision is hidden.
fn baseline(revisions: &Trail, is_shown: impl Fn(&(usize, usize)) -> bool) -> BTreeSet<usize> {
    revisions
        .changes
        .windows(2)
        .filter(|w| is_shown(&w[0]) && !is_shown(&w[1]))
        .map(|w| w[0].0)
        .collect()
}

/// Whether `p` gets a redline for each commit: its own `redline:`, else
/// `redlines:` in the config (policies by default; section pages only when
/// every page does).
fn has_redlines(p: &Facts, redlines: Redlines) -> bool {
    match (p.redline, redlines) {
        (Some(own), _) => own,
        (None, Redlines::All) => !p.implicit,
        (None, Redlines::Policies) => p.kind == Kind::Policy && !p.is_section,
        (None, Redlines::None) => false,
    }
}
