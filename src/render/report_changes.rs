//! What changed in a report's quarter, from two sources, each labelled:
//! the policies that took effect in it (their `effective` date as it stood
//! on the report's day, with the approver), and the policies whose text
//! commits dated in it changed (from git, in the configured time zone, each
//! with its redline where one is published).
//!
//! The quarter runs to its last day, or to the report's day when that is
//! earlier: nothing after the day a report is computed as of is in it.

use jiff::civil::Date;
use serde::Serialize;

use super::Render;
use super::history::{CommitView, commit_redline_url, has_commit_redline, history_url, revision_view};
use super::report::{AsOf, PolicyRow, policy_row};
use super::views::DateView;
use crate::kind::Kind;
use crate::model::policy::PolicyStatus;

/// One policy and its commits in the quarter.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyChanges {
    pub title: String,
    pub url: String,
    pub commits: Vec<CommitView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Changes {
    pub from: DateView,
    pub to: DateView,
    /// Policies whose `effective` date falls in the quarter.
    pub took_effect: Vec<PolicyRow>,
    /// Policies changed by commits in the quarter.
    pub committed: Vec<PolicyChanges>,
    /// Commits could be read: without git history `committed` is empty for want of them.
    pub from_git: bool,
}

pub fn changes(r: Render<'_>, a: &AsOf) -> Changes {
    let site = r.site;
    let fy = site.config.fiscal_year_start;
    let from = a.quarter.first_day(fy);
    let to = a.quarter.last_day(fy).min(a.day);
    let took_effect = a
        .policies
        .iter()
        .filter(|p| !matches!(p.lifecycle.status, PolicyStatus::Draft | PolicyStatus::Retired))
        .filter(|p| p.lifecycle.effective.is_some_and(|e| from <= e && e <= to))
        .map(|p| {
            let mut row = policy_row(site, p);
            if let Some(ann) = r.history {
                row.redline = p.at.and_then(|at| revision_redline(ann, at));
                row.history = p.url.as_deref().and_then(|u| history_url(site, u));
            }
            row
        });
    let mut took_effect: Vec<PolicyRow> = took_effect.collect();
    took_effect.sort_by(|x, y| {
        (x.effective.as_ref().map(|d| &d.iso), x.title.to_lowercase())
            .cmp(&(y.effective.as_ref().map(|d| &d.iso), y.title.to_lowercase()))
    });
    Changes {
        from: from.into(),
        to: to.into(),
        took_effect,
        committed: r.history.map(|ann| committed(ann, a, from, to)).unwrap_or_default(),
        from_git: r.history.is_some(),
    }
}

/// The redline of the revision a commit change made, where one is published.
fn revision_redline(ann: &crate::history::Annotations, (c, n): (usize, usize)) -> Option<String> {
    let set = &ann.set;
    // Redlines of commits are published for the latest version only.
    if ann.current != 0 {
        return None;
    }
    set.pages[ann.current].values().find_map(|vp| {
        let i = vp.trail.changes.iter().position(|&x| x == (c, n))?;
        has_commit_redline(set, vp, i).then(|| commit_redline_url(set, &vp.url, c))
    })
}

/// The policies of this version changed by commits dated `from..=to`,
/// titled as they stood on the report's day.
fn committed(ann: &crate::history::Annotations, a: &AsOf, from: Date, to: Date) -> Vec<PolicyChanges> {
    let set = &ann.set;
    let (first, last) = (from.to_string(), to.to_string());
    let mut out: Vec<PolicyChanges> = set.pages[ann.current]
        .values()
        .filter(|vp| vp.kind == Kind::Policy)
        .filter_map(|vp| {
            let commits: Vec<CommitView> = vp
                .trail
                .changes
                .iter()
                .enumerate()
                .filter_map(|(i, &(c, n))| {
                    let mut view = revision_view(set, vp, c, n);
                    (view.date.iso >= first && view.date.iso <= last).then(|| {
                        if ann.current == 0 && has_commit_redline(set, vp, i) {
                            view.redline = Some(commit_redline_url(set, &vp.url, c));
                        }
                        view
                    })
                })
                .collect();
            // The page's own revision standing that day, newest first: an
            // older one may be the file it was copied from.
            let then = vp
                .trail
                .changes
                .iter()
                .find_map(|&change| a.policies.iter().find(|p| p.at == Some(change)));
            (!commits.is_empty()).then(|| PolicyChanges {
                title: then.map_or_else(|| vp.title.clone(), |p| p.title.clone()),
                url: vp.url.clone(),
                commits,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then_with(|| a.url.cmp(&b.url))
    });
    out
}
