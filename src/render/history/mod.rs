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

mod changes;
mod feed;
mod redline_page;
mod redlines;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::context;
use super::sink::Sink;
use super::theme::Theme;
use super::views::{self, DateView};
use super::{OutputFile, output_path};
use crate::diag::{Diagnostic, Diagnostics};
use crate::history::redline::Redline;
use crate::history::{Annotations, VersionPage, VersionSet};
use crate::kind::Kind;
use crate::model::{PageId, Site};
use redlines::{Compare, Job, compute, redline_jobs};

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

/// Every history output of latest's build, into `out`; nothing for older
/// versions.
pub fn files(site: &Site, ann: Option<&Annotations>, theme: &Theme, out: &dyn Sink, diags: &mut Diagnostics) {
    let Some(ann) = ann else {
        return;
    };
    if ann.current != 0 {
        return;
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
    let mut errors: Vec<Diagnostic> = jobs
        .par_iter()
        .zip(&redlines)
        .filter_map(|(job, r)| {
            let r = r.as_ref().filter(|r| r.has_changes())?;
            redline_page::render(site, set, theme, job, r).map(|f| out.put(f)).err()
        })
        .collect();
    // Each page's history goes out as it is made: together they are as
    // large as the pages themselves.
    let failed: Vec<Diagnostic> = (0..site.pages.len())
        .into_par_iter()
        .filter_map(|id| match history_page(site, ann, theme, id, &made)? {
            Ok(f) => {
                out.put(f);
                None
            }
            Err(d) => Some(d),
        })
        .collect();
    errors.extend(failed);
    if set.list.len() > 1 {
        for r in changes::pages(site, set, theme, &made) {
            match r {
                Ok(f) => out.put(f),
                Err(d) => errors.push(d),
            }
        }
    }
    if set.pages[0].values().any(|p| p.kind == Kind::Policy) {
        out.put(OutputFile::text(FEED_PATH, feed::atom(site, set, &made)));
    }
    super::versions::files(site, set).into_iter().for_each(|f| out.put(f));
    diags.extend(errors);
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
        return site.by_rel.get(&vp.rel).map(|&id| site.page(id).parsed.text.unpack());
    }
    let b = blobs.get(vp.blob.as_ref()?)?;
    String::from_utf8(b.to_vec()).ok()
}

pub(super) fn page_json(title: &str, url: &str, breadcrumbs: Vec<views::Link>) -> serde_json::Value {
    json!({ "title": title, "url": url, "kind": "page", "toc": [], "breadcrumbs": breadcrumbs })
}

pub(super) fn crumbs(site: &Site, id: PageId) -> Vec<views::Link> {
    let mut c: Vec<views::Link> = site.ancestors(id).into_iter().map(|a| views::link(site, a)).collect();
    c.push(views::link(site, id));
    c
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

pub(super) fn absolute(site: &Site, url: &str) -> String {
    let base = &site.config.base_url;
    if base.is_empty() {
        url.to_string()
    } else {
        format!("{base}/{url}")
    }
}

/// A version's pages (made-up folder pages aside), by URL.
fn listed(m: &HashMap<String, VersionPage>) -> Vec<(&String, &VersionPage)> {
    let mut v: Vec<(&String, &VersionPage)> = m.iter().filter(|(_, p)| !p.implicit).collect();
    v.sort_by(|a, b| a.1.url.cmp(&b.1.url));
    v
}
