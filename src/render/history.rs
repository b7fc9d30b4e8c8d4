//! Pages made from git history: each page's history, redlines, what changed
//! per version and the Atom feed of policy changes; and the `history` view
//! every page gets. The version list is [`super::versions`]'.
//!
//! Only latest's build writes these pages (`<page>/history/`, `changes/`,
//! `policies.atom`); older versions link back to them.
//! Only published pages appear: the version set holds nothing else.
//!
//! Redlines are bounded: a page gets one for each of its last
//! [`REDLINE_COMMITS`] commits when `redlines:` in the config or its own
//! `redline:` says so (policies by default),
//! one between every two published versions that differ for those pages,
//! and one between successive versions for any other page that changed.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::context;
use super::theme::Theme;
use super::views::{self, DateView};
use super::{OutputFile, output_path};
use crate::diag::{Diagnostic, Diagnostics};
use crate::history::redline::{self, FieldChange, Redline, Section};
use crate::history::{Annotations, VersionPage, VersionSet};
use crate::kind::Kind;
use crate::model::{PageId, Site};
use crate::parse::markdown::escape_attr;

/// Commits per page, newest first, that get a redline.
pub const REDLINE_COMMITS: usize = 20;
/// Entries in `policies.atom`.
pub const FEED_ENTRIES: usize = 50;
pub const CHANGES_URL: &str = "changes/";
pub const FEED_PATH: &str = "policies.atom";

/// One commit as templates show it.
#[derive(Debug, Clone, Serialize)]
pub struct CommitView {
    pub hash: String,
    pub short: String,
    pub date: DateView,
    pub author: String,
    pub subject: String,
    /// Link to the commit on the code host (`repo_url`).
    pub url: Option<String>,
    /// The pull request that brought the commit into the main line.
    pub request: Option<u64>,
    pub request_url: Option<String>,
    /// Names from `Approved-by:` trailers (of the commit and of its merge).
    pub approvals: Vec<String>,
    /// Names from `Reviewed-by:` trailers, kept apart from approvals.
    pub reviews: Vec<String>,
    /// `A`dded, `M`odified, `R`enamed, `C`opied…
    pub status: String,
    /// The path before a rename or copy.
    pub renamed_from: Option<String>,
    /// This page's redline for the commit, relative to the root.
    pub redline: Option<String>,
    /// Whether the build's audience is shown who made the commit and what
    /// it says (`history.details_from`); without, `subject` is a neutral
    /// label, and author, pull request and trailers are empty.
    pub details: bool,
    /// The first revision this audience may see of a page that was hidden
    /// from it before: no redline, no "moved from".
    pub baseline: bool,
}

/// `history` in a page's template.
#[derive(Debug, Clone, Serialize)]
pub struct PageHistoryView {
    pub updated: Option<CommitView>,
    pub uncommitted: bool,
    pub truncated: bool,
    /// This page's history view, relative to the root (latest only).
    pub url: Option<String>,
    pub commits: usize,
    /// Commit messages, authors and reviews are shown (`history.details_from`).
    pub details: bool,
}

/// A commit's date in the configured time zone.
pub(super) fn date_of(set: &VersionSet, time: i64) -> DateView {
    let date = jiff::Timestamp::from_second(time)
        .map(|t| set.timezone.to_datetime(t).date())
        .unwrap_or(jiff::civil::Date::constant(1970, 1, 1));
    DateView::from(date)
}

/// Code-host links from `repo_url`, in the host's own URL scheme.
struct Host<'a>(Option<&'a str>);

impl Host<'_> {
    fn commit(&self, hash: &str) -> Option<String> {
        let base = self.0?;
        Some(if base.contains("gitlab") {
            format!("{base}/-/commit/{hash}")
        } else if base.contains("bitbucket") {
            format!("{base}/commits/{hash}")
        } else {
            format!("{base}/commit/{hash}")
        })
    }

    fn request(&self, n: u64) -> Option<String> {
        let base = self.0?;
        Some(if base.contains("gitlab") {
            format!("{base}/-/merge_requests/{n}")
        } else if base.contains("bitbucket") {
            format!("{base}/pull-requests/{n}")
        } else {
            format!("{base}/pull/{n}")
        })
    }
}

/// Commit `c` (change `n` of it, for a page) as this build's audience may
/// see it: without [`VersionSet::details`], nothing of its message,
/// author or review.
pub(super) fn commit_view(set: &VersionSet, c: usize, n: Option<usize>) -> CommitView {
    let view = full_view(set, c, n);
    if set.details {
        return view;
    }
    CommitView {
        subject: if view.status == "A" { "Created" } else { "Revised" }.into(),
        author: String::new(),
        request: None,
        request_url: None,
        approvals: Vec::new(),
        reviews: Vec::new(),
        details: false,
        ..view
    }
}

/// Commit `c` as the revision of page `vp` it made: a first revision after
/// hidden ones is a baseline, not a move from the hidden path.
pub(super) fn revision_view(set: &VersionSet, vp: &VersionPage, c: usize, n: usize) -> CommitView {
    let mut view = commit_view(set, c, Some(n));
    if vp.baseline.contains(&c) {
        view.baseline = true;
        view.renamed_from = None;
        if !set.details {
            view.subject = "Published".into();
        }
    }
    view
}

fn full_view(set: &VersionSet, c: usize, n: Option<usize>) -> CommitView {
    let log = &set.history.log;
    let commit = &log.commits[c];
    let host = Host(set.repo_url.as_deref());
    let change = n.and_then(|n| commit.changes.get(n));
    CommitView {
        hash: commit.hash.clone(),
        short: log.short(c).to_string(),
        date: date_of(set, commit.time),
        author: commit.author.clone(),
        subject: commit.subject.clone(),
        url: host.commit(&commit.hash),
        request: commit.request,
        request_url: commit.request.and_then(|r| host.request(r)),
        approvals: commit.approvals.clone(),
        reviews: commit.reviews.clone(),
        status: change.map(|c| c.status.to_string()).unwrap_or_default(),
        renamed_from: change
            .and_then(|c| c.from.as_deref())
            .map(|from| set.history.display_path(from).to_string()),
        redline: None,
        details: true,
        baseline: false,
    }
}

/// Where a page's history view is, unless a page already has that URL.
pub(super) fn history_url(site: &Site, page_url: &str) -> Option<String> {
    let url = format!("{page_url}history/");
    (!site.by_url.contains_key(&url)).then_some(url)
}

pub(super) fn commit_redline_url(set: &VersionSet, page_url: &str, c: usize) -> String {
    format!("{page_url}history/{}/", set.history.log.short(c))
}

fn pair_redline_url(set: &VersionSet, page_url: &str, from: usize, to: usize) -> String {
    format!("{page_url}history/{}..{}/", set.list[from].slug, set.list[to].slug)
}

/// Whether a page of latest gets a redline for its `i`-th trail entry.
pub(super) fn has_commit_redline(set: &VersionSet, vp: &VersionPage, i: usize) -> bool {
    let Some(&(c, n)) = vp.trail.changes.get(i) else {
        return false;
    };
    let ch = &set.history.log.commits[c].changes[n];
    vp.redline
        && i < REDLINE_COMMITS
        && !vp.baseline.contains(&c)
        && ch.old_blob.is_some()
        && ch.new_blob.is_some()
        && ch.old_blob != ch.new_blob
}

/// `history` for the page `id`.
pub fn page_view(site: &Site, ann: Option<&Annotations>, id: PageId) -> Option<PageHistoryView> {
    let ann = ann?;
    let set = &ann.set;
    let p = site.page(id);
    let rel = &p.parsed.rel;
    let vp = ann.page(rel)?;
    let latest = ann.current == 0;
    let has_history = !p.implicit && (!vp.trail.changes.is_empty() || vp.uncommitted);
    Some(PageHistoryView {
        updated: vp.trail.changes.first().map(|&(c, n)| revision_view(set, vp, c, n)),
        uncommitted: vp.uncommitted,
        truncated: vp.truncated,
        url: if latest && has_history {
            history_url(site, p.url())
        } else {
            None
        },
        commits: vp.trail.changes.len(),
        details: set.details,
    })
}

/// What one redline page compares.
struct Job {
    /// The page in latest.
    id: PageId,
    identity: String,
    url: String,
    what: Compare,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Compare {
    Commit {
        commit: usize,
        change: usize,
    },
    /// Version indexes of [`VersionSet::list`]: older, newer.
    Versions {
        from: usize,
        to: usize,
    },
}

/// Every history output of latest's build; nothing for older versions.
pub fn files(site: &Site, ann: Option<&Annotations>, theme: &Theme, diags: &mut Diagnostics) -> Vec<OutputFile> {
    let Some(ann) = ann else {
        return Vec::new();
    };
    if ann.current != 0 {
        return Vec::new();
    }
    let set = &ann.set;
    let jobs = redline_jobs(site, set);
    let redlines = compute(site, set, &jobs);
    let made: HashSet<(String, Compare)> = jobs
        .iter()
        .zip(&redlines)
        .filter(|(_, r)| r.as_ref().is_some_and(Redline::has_changes))
        .map(|(j, _)| (j.identity.clone(), j.what))
        .collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (job, r) in jobs.iter().zip(&redlines) {
        let Some(r) = r.as_ref().filter(|r| r.has_changes()) else {
            continue;
        };
        match redline_page(site, set, theme, job, r) {
            Ok(f) => out.push(f),
            Err(d) => errors.push(d),
        }
    }
    let pages: Vec<Result<OutputFile, Diagnostic>> = (0..site.pages.len())
        .into_par_iter()
        .filter_map(|id| history_page(site, ann, theme, id, &made))
        .collect();
    for r in pages {
        match r {
            Ok(f) => out.push(f),
            Err(d) => errors.push(d),
        }
    }
    if set.list.len() > 1 {
        for r in changes_pages(site, set, theme, &made) {
            match r {
                Ok(f) => out.push(f),
                Err(d) => errors.push(d),
            }
        }
    }
    if set.pages[0].values().any(|p| p.kind == Kind::Policy) {
        out.push(OutputFile::text(FEED_PATH, feed(site, set, &made)));
    }
    out.extend(super::versions::files(site, set));
    diags.extend(errors);
    out
}

fn redline_jobs(site: &Site, set: &VersionSet) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (id, p) in site.pages.iter().enumerate() {
        if p.implicit {
            continue;
        }
        let rel = &p.parsed.rel;
        let Some(identity) = set.by_rel[0].get(rel) else {
            continue;
        };
        let Some(vp) = set.pages[0].get(identity) else {
            continue;
        };
        if history_url(site, p.url()).is_none() {
            continue;
        }
        for (i, &(c, n)) in vp.trail.changes.iter().enumerate() {
            if has_commit_redline(set, vp, i) {
                jobs.push(Job {
                    id,
                    identity: identity.clone(),
                    url: commit_redline_url(set, p.url(), c),
                    what: Compare::Commit { commit: c, change: n },
                });
            }
        }
        let present: Vec<usize> = (0..set.list.len())
            .filter(|&k| set.pages[k].contains_key(identity))
            .collect();
        for (a, &to) in present.iter().enumerate() {
            for &from in &present[a + 1..] {
                // Policies: every pair; other pages: successive versions only.
                if (vp.redline || from == to + 1) && !same_blob(set, identity, from, to) {
                    jobs.push(Job {
                        id,
                        identity: identity.clone(),
                        url: pair_redline_url(set, p.url(), from, to),
                        what: Compare::Versions { from, to },
                    });
                }
            }
        }
    }
    jobs
}

/// Whether `identity` has the same committed text in versions `a` and `b`.
fn same_blob(set: &VersionSet, identity: &str, a: usize, b: usize) -> bool {
    let blob = |k: usize| set.pages[k].get(identity).and_then(|p| p.blob.as_ref());
    blob(a).is_some() && blob(a) == blob(b) && (a != 0 && b != 0 || !set.pages[0][identity].uncommitted)
}

/// The text of `identity` in version `k`.
fn text_in(
    site: &Site,
    set: &VersionSet,
    k: usize,
    identity: &str,
    blobs: &HashMap<String, std::sync::Arc<[u8]>>,
) -> Option<String> {
    let vp = set.pages[k].get(identity)?;
    if k == 0 {
        return site.by_rel.get(&vp.rel).map(|&id| site.page(id).parsed.text.clone());
    }
    let b = blobs.get(vp.blob.as_ref()?)?;
    String::from_utf8(b.to_vec()).ok()
}

/// Runs every redline, in parallel, after one read of the blobs they need.
fn compute(site: &Site, set: &VersionSet, jobs: &[Job]) -> Vec<Option<Redline>> {
    let log = &set.history.log;
    let mut oids: Vec<String> = Vec::new();
    for j in jobs {
        match j.what {
            Compare::Commit { commit, change } => {
                let ch = &log.commits[commit].changes[change];
                oids.extend(ch.old_blob.iter().chain(&ch.new_blob).cloned());
            }
            Compare::Versions { from, to } => {
                for k in [from, to].into_iter().filter(|&k| k != 0) {
                    if let Some(b) = set.pages[k].get(&j.identity).and_then(|p| p.blob.clone()) {
                        oids.push(b);
                    }
                }
            }
        }
    }
    let blobs = set.history.blobs(&oids);
    let text = |oid: &Option<String>| -> Option<String> { String::from_utf8(blobs.get(oid.as_ref()?)?.to_vec()).ok() };
    jobs.par_iter()
        .map(|j| {
            let (old, new) = match j.what {
                Compare::Commit { commit, change } => {
                    let ch = &log.commits[commit].changes[change];
                    (text(&ch.old_blob)?, text(&ch.new_blob)?)
                }
                Compare::Versions { from, to } => (
                    text_in(site, set, from, &j.identity, &blobs)?,
                    text_in(site, set, to, &j.identity, &blobs)?,
                ),
            };
            if old == new {
                return Some(Redline::default());
            }
            let kind = if site.config.numbered.contains(&site.page(j.id).kind()) {
                redline::KindNumbering::Numbered
            } else {
                redline::KindNumbering::Plain
            };
            Some(redline::compare_as(&old, &new, kind, &|dest, cap| {
                xref_now(site, j.id, dest, cap)
            }))
        })
        .collect()
}

/// What a cross-reference to `dest` reads on page `id` as built now (with
/// a capital when it starts a sentence), so both texts of a redline name it
/// alike; one the page no longer has shows its target.
fn xref_now(site: &Site, id: PageId, dest: &str, capital: bool) -> String {
    let body = &site.page(id).parsed.body;
    let texts = site.terms.pages.get(id).map_or(&[][..], |t| &t.xrefs[..]);
    let same: Vec<(bool, &String)> = body
        .drafting
        .xrefs
        .iter()
        .zip(texts)
        .filter(|(x, _)| body.links.get(x.link).is_some_and(|l| l.written == dest))
        .map(|(x, t)| (x.capitalise, t))
        .collect();
    match same.iter().find(|(c, _)| *c == capital).or(same.first()) {
        Some((_, t)) if capital => crate::model::capitalise(t),
        Some((_, t)) => t.to_string(),
        None => format!("[{dest}]"),
    }
}

#[derive(Serialize)]
struct RedlineView<'a> {
    title: String,
    page_title: &'a str,
    page_url: &'a str,
    history_url: String,
    from_label: String,
    to_label: String,
    commit: Option<CommitView>,
    /// Commits between the two versions that touched the page.
    commits: Vec<CommitView>,
    html: &'a str,
    words_added: usize,
    words_removed: usize,
    blocks_added: usize,
    blocks_removed: usize,
    blocks_changed: usize,
    blocks_moved: usize,
    /// Changes are `#change-1` … `#change-{changes}` in `html`.
    changes: usize,
    sections: &'a [Section],
    foldable: bool,
    front: &'a [FieldChange],
    definitions: Vec<DefinitionView<'a>>,
}

/// A definition the change adds, rewrites or removes, with the pages that
/// use the term in this build.
#[derive(Serialize)]
struct DefinitionView<'a> {
    term: &'a str,
    old: Option<&'a str>,
    new: Option<&'a str>,
    used_on: Vec<views::Link>,
}

/// The pages of latest that use `term` as page `id` defines it.
fn used_on(site: &Site, id: PageId, term: &str) -> Vec<views::Link> {
    use crate::model::terms::Origin;
    let defines = |o: &Origin| matches!(o, Origin::Page { page, .. } if *page == id);
    let mut pages: Vec<PageId> = site
        .terms
        .entries
        .iter()
        .filter(|e| e.term == term && (defines(&e.origin) || e.also.iter().any(defines)))
        .flat_map(|e| e.uses.iter().map(|u| u.page))
        .collect();
    pages.sort_unstable();
    pages.dedup();
    pages.into_iter().map(|p| views::link(site, p)).collect()
}

pub(super) fn page_json(title: &str, url: &str, breadcrumbs: Vec<views::Link>) -> serde_json::Value {
    json!({ "title": title, "url": url, "kind": "page", "toc": [], "breadcrumbs": breadcrumbs })
}

pub(super) fn crumbs(site: &Site, id: PageId) -> Vec<views::Link> {
    let mut c: Vec<views::Link> = site.ancestors(id).into_iter().map(|a| views::link(site, a)).collect();
    c.push(views::link(site, id));
    c
}

fn redline_page(
    site: &Site,
    set: &VersionSet,
    theme: &Theme,
    job: &Job,
    r: &Redline,
) -> Result<OutputFile, Diagnostic> {
    let p = site.page(job.id);
    let log = &set.history.log;
    let (from_label, to_label, commit, commits) = match job.what {
        Compare::Commit { commit, change } => {
            // The page's previous change, which is what the old text is.
            let trail = set.pages[0].get(&job.identity).map(|vp| &vp.trail.changes);
            let before = trail
                .and_then(|t| t.iter().position(|&(c, _)| c == commit).and_then(|i| t.get(i + 1)))
                .map(|&(c, _)| log.short(c).to_string());
            (
                before.map_or_else(|| "the previous text".to_string(), |s| format!("commit {s}")),
                format!("commit {}", log.short(commit)),
                Some(commit_view(set, commit, Some(change))),
                Vec::new(),
            )
        }
        Compare::Versions { from, to } => (
            set.list[from].label.clone(),
            set.list[to].label.clone(),
            None,
            commits_between(set, &job.identity, from, to),
        ),
    };
    let title = format!("Redline: {}", p.title);
    let view = RedlineView {
        title: title.clone(),
        page_title: &p.title,
        page_url: p.url(),
        history_url: format!("{}history/", p.url()),
        from_label,
        to_label,
        commit,
        commits,
        html: &r.html,
        words_added: r.words_added,
        words_removed: r.words_removed,
        blocks_added: r.blocks_added,
        blocks_removed: r.blocks_removed,
        blocks_changed: r.blocks_changed,
        blocks_moved: r.blocks_moved,
        changes: r.changes,
        sections: &r.sections,
        foldable: r.foldable,
        front: &r.front,
        definitions: r
            .definitions
            .iter()
            .map(|d| DefinitionView {
                term: &d.term,
                old: d.old.as_deref(),
                new: d.new.as_deref(),
                used_on: used_on(site, job.id, &d.term),
            })
            .collect(),
    };
    let mut ctx = theme.context();
    ctx.insert("root", &context::root_for(&job.url));
    ctx.insert("page", &page_json(&title, &job.url, crumbs(site, job.id)));
    ctx.insert("redline", &view);
    let html = theme.render("redline.html", &ctx, Some(&p.parsed.file))?;
    Ok(OutputFile::text(output_path(&job.url), html))
}

/// Commits of version `to`'s trail for `identity` that version `from` does not have.
fn commits_between(set: &VersionSet, identity: &str, from: usize, to: usize) -> Vec<CommitView> {
    let Some(vp) = set.pages[to].get(identity) else {
        return Vec::new();
    };
    vp.trail
        .changes
        .iter()
        .filter(|&&(c, _)| !set.reachable[from][c])
        .map(|&(c, n)| revision_view(set, vp, c, n))
        .collect()
}

#[derive(Serialize)]
struct Comparison {
    label: String,
    url: String,
}

fn history_page(
    site: &Site,
    ann: &Annotations,
    theme: &Theme,
    id: PageId,
    made: &HashSet<(String, Compare)>,
) -> Option<Result<OutputFile, Diagnostic>> {
    let set = &ann.set;
    let p = site.page(id);
    if p.implicit {
        return None;
    }
    let identity = ann.identity(&p.parsed.rel)?;
    let vp = ann.page(&p.parsed.rel)?;
    if vp.trail.changes.is_empty() && !vp.uncommitted {
        return None;
    }
    let url = history_url(site, p.url())?;
    let commits: Vec<CommitView> = vp
        .trail
        .changes
        .iter()
        .map(|&(c, n)| {
            let mut v = revision_view(set, vp, c, n);
            if made.contains(&(identity.to_string(), Compare::Commit { commit: c, change: n })) {
                v.redline = Some(commit_redline_url(set, p.url(), c));
            }
            v
        })
        .collect();
    let mut compare = Vec::new();
    for from in 1..set.list.len() {
        for to in 0..from {
            if made.contains(&(identity.to_string(), Compare::Versions { from, to })) {
                compare.push(Comparison {
                    label: format!("{} → {}", set.list[from].label, set.list[to].label),
                    url: pair_redline_url(set, p.url(), from, to),
                });
            }
        }
    }
    let title = format!("History: {}", p.title);
    let mut ctx = theme.context();
    ctx.insert("root", &context::root_for(&url));
    ctx.insert("page", &page_json(&title, &url, crumbs(site, id)));
    ctx.insert(
        "page_history",
        &json!({
            "title": title,
            "page_title": p.title,
            "page_url": p.url(),
            "commits": commits,
            "uncommitted": vp.uncommitted,
            "truncated": vp.truncated,
            "redline_commits": REDLINE_COMMITS,
            "redline": vp.redline,
            "compare": compare,
            "details": set.details,
            "hidden_before": !vp.baseline.is_empty(),
        }),
    );
    Some(
        theme
            .render("history.html", &ctx, Some(&p.parsed.file))
            .map(|html| OutputFile::text(output_path(&url), html)),
    )
}

#[derive(Serialize)]
struct ChangedPage {
    title: String,
    url: String,
    redline: Option<String>,
    commits: Vec<CommitView>,
    uncommitted: bool,
}

/// A version's pages (made-up folder pages aside), by URL.
fn listed(m: &HashMap<String, VersionPage>) -> Vec<(&String, &VersionPage)> {
    let mut v: Vec<(&String, &VersionPage)> = m.iter().filter(|(_, p)| !p.implicit).collect();
    v.sort_by(|a, b| a.1.url.cmp(&b.1.url));
    v
}

/// `changes/` and `changes/<version>/` for every version.
fn changes_pages(
    site: &Site,
    set: &VersionSet,
    theme: &Theme,
    made: &HashSet<(String, Compare)>,
) -> Vec<Result<OutputFile, Diagnostic>> {
    let mut out = Vec::new();
    let mut index = Vec::new();
    for k in 0..set.list.len() {
        let url = format!("{CHANGES_URL}{}/", set.list[k].slug);
        let prev = k + 1;

        let link = |k: usize, p: &VersionPage| format!("{}{}", set.list[k].path, p.url);
        let (mut added, mut changed, mut removed) = (Vec::new(), Vec::new(), Vec::new());
        if prev < set.list.len() {
            for (identity, p) in listed(&set.pages[k]) {
                let Some(old) = set.pages[prev].get(identity.as_str()) else {
                    added.push(json!({ "title": p.title, "url": link(k, p) }));
                    continue;
                };
                let pair = Compare::Versions { from: prev, to: k };
                let redline = made.contains(&(identity.clone(), pair));
                let differs = redline
                    || (!set.pages[0].contains_key(identity.as_str()) && !same_blob(set, identity, prev, k) && {
                        // Gone from latest, so no redline was made: compare here.
                        let texts = set.history.blobs(
                            &[old.blob.clone(), p.blob.clone()]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>(),
                        );
                        let a = text_in(site, set, prev, identity, &texts);
                        let b = text_in(site, set, k, identity, &texts);
                        matches!((a, b), (Some(a), Some(b)) if redline::compare(&a, &b).has_changes())
                    });
                if !differs {
                    continue;
                }
                let latest_url = set.pages[0].get(identity.as_str()).map(|l| l.url.clone());
                changed.push(ChangedPage {
                    title: p.title.clone(),
                    url: link(k, p),
                    redline: redline
                        .then(|| latest_url.map(|u| pair_redline_url(set, &u, prev, k)))
                        .flatten(),
                    commits: commits_between(set, identity, prev, k),
                    uncommitted: p.uncommitted && old.url == p.url,
                });
            }
            for (identity, p) in listed(&set.pages[prev]) {
                if !set.pages[k].contains_key(identity.as_str()) {
                    removed.push(json!({ "title": p.title, "url": link(prev, p) }));
                }
            }
        }
        let v = super::versions::version_link(set, k);
        let previous = (prev < set.list.len()).then(|| super::versions::version_link(set, prev));
        index.push(json!({
            "version": v,
            "url": url,
            "previous": previous,
            "added": added.len(),
            "changed": changed.len(),
            "removed": removed.len(),
            "pages": set.pages[k].values().filter(|p| !p.implicit).count(),
        }));
        let title = format!("What changed in {}", set.list[k].label);
        let mut ctx = theme.context();
        ctx.insert("root", &context::root_for(&url));
        ctx.insert("page", &page_json(&title, &url, Vec::new()));
        ctx.insert(
            "changes",
            &json!({
                "title": title,
                "version": v,
                "previous": previous,
                "added": added,
                "changed": changed,
                "removed": removed,
                "pages": set.pages[k].values().filter(|p| !p.implicit).count(),
            }),
        );
        out.push(
            theme
                .render("changes.html", &ctx, None)
                .map(|html| OutputFile::text(output_path(&url), html)),
        );
    }
    let mut ctx = theme.context();
    ctx.insert("root", &context::root_for(CHANGES_URL));
    ctx.insert("page", &page_json("Versions and what changed", CHANGES_URL, Vec::new()));
    ctx.insert("changes_index", &index);
    out.push(
        theme
            .render("changes.html", &ctx, None)
            .map(|html| OutputFile::text(output_path(CHANGES_URL), html)),
    );
    out
}

pub(super) fn absolute(site: &Site, url: &str) -> String {
    let base = &site.config.base_url;
    if base.is_empty() {
        url.to_string()
    } else {
        format!("{base}/{url}")
    }
}

fn rfc3339(time: i64) -> String {
    jiff::Timestamp::from_second(time)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// The policies one commit touched: identity, page, change index.
type Touched<'a> = Vec<(&'a String, &'a VersionPage, usize)>;

/// `policies.atom`: one entry per commit that touched a published policy, newest first.
fn feed(site: &Site, set: &VersionSet, made: &HashSet<(String, Compare)>) -> String {
    let log = &set.history.log;
    let mut by_commit: BTreeMap<usize, Touched> = BTreeMap::new();
    for (identity, vp) in listed(&set.pages[0]) {
        if vp.kind != Kind::Policy {
            continue;
        }
        for &(c, n) in &vp.trail.changes {
            by_commit.entry(c).or_default().push((identity, vp, n));
        }
    }
    let e = escape_attr;
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let title = format!("{}: policy changes", site.config.title);
    out.push_str(&format!("  <title>{}</title>\n", e(&title)));
    let id = if site.config.base_url.is_empty() {
        format!(
            "tag:casebook,2000:{}/{FEED_PATH}",
            crate::paths::slugify(&site.config.title)
        )
    } else {
        absolute(site, FEED_PATH)
    };
    out.push_str(&format!("  <id>{}</id>\n", e(&id)));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n",
        e(&absolute(site, FEED_PATH)),
        e(&absolute(site, "register/"))
    ));
    // Log order is newest first (topological); commits sort by time within it.
    let mut entries: Vec<(usize, Touched)> = by_commit.into_iter().collect();
    entries.sort_by(|a, b| log.commits[b.0].time.cmp(&log.commits[a.0].time).then(a.0.cmp(&b.0)));
    entries.truncate(FEED_ENTRIES);
    let updated = entries.first().map_or(0, |(c, _)| log.commits[*c].time);
    out.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)));
    for (c, mut touched) in entries {
        touched.sort_by(|a, b| a.1.title.cmp(&b.1.title).then(a.1.url.cmp(&b.1.url)));
        let commit = &log.commits[c];
        let links: Vec<(String, String)> = touched
            .iter()
            .map(|(identity, vp, n)| {
                let redline = made.contains(&((*identity).clone(), Compare::Commit { commit: c, change: *n }));
                let url = if redline {
                    commit_redline_url(set, &vp.url, c)
                } else {
                    format!("{}history/", vp.url)
                };
                (vp.title.clone(), url)
            })
            .collect();
        let titles: Vec<&str> = links.iter().map(|(t, _)| t.as_str()).collect();
        let view = commit_view(set, c, None);
        let entry_title = format!("{}: {}", titles.join(", "), view.subject);
        // Atom wants an author; without details, the site stands for it.
        let author = if view.details { &view.author } else { &site.config.title };
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", e(&entry_title)));
        out.push_str(&format!("    <id>tag:casebook,2000:commit/{}</id>\n", e(&commit.hash)));
        out.push_str(&format!("    <link href=\"{}\"/>\n", e(&absolute(site, &links[0].1))));
        out.push_str(&format!("    <updated>{}</updated>\n", rfc3339(commit.time)));
        out.push_str(&format!("    <author><name>{}</name></author>\n", e(author)));
        let mut html = String::new();
        if view.details && !commit.body.is_empty() {
            html.push_str(&format!("<p>{}</p>", e(&commit.body)));
        }
        let review = review_line(&view);
        if !review.is_empty() {
            html.push_str(&format!("<p>{}</p>", e(&review)));
        }
        html.push_str("<ul>");
        for (t, u) in &links {
            html.push_str(&format!("<li><a href=\"{}\">{}</a></li>", e(&absolute(site, u)), e(t)));
        }
        html.push_str("</ul>");
        out.push_str(&format!("    <content type=\"html\">{}</content>\n", e(&html)));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// How a commit was reviewed, in words: "Pull request #3 · Approved by A ·
/// Reviewed by B", as the history page shows it.
fn review_line(view: &CommitView) -> String {
    let mut parts: Vec<String> = view.request.map(|n| format!("Pull request #{n}")).into_iter().collect();
    if !view.approvals.is_empty() {
        parts.push(format!("Approved by {}", view.approvals.join(", ")));
    }
    if !view.reviews.is_empty() {
        parts.push(format!("Reviewed by {}", view.reviews.join(", ")));
    }
    parts.join(" · ")
}
