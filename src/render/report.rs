//! A board report, frozen as of its day.
//!
//! A report with `quarter:` is computed as of its quarter's last day, or its
//! `as_of:`: metric values up to the quarter, and the policy register and
//! goals as they stood that day, each file's front matter as committed by
//! then ([`crate::history::register`]). Without git the current files
//! stand in, and the report says so. Nothing here reads the build day, so
//! a report rebuilt later says what it said.
//!
//! [`AsOf`] is worked out once per report page; its sections and the
//! components in its body ([`super::components`]) read the same one.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use super::Render;
use super::context::TocEntry;
use super::goal_views::{GoalProgressView, GoalSource, goal_progress, progress_of};
use super::metric_views::{KeyResultStatus, KpiTable, KpiView, by_title, kpi_table, label};
use super::report_changes::{self, Changes};
use super::views::{DateView, RoleLink, StatusView, role_link};
use crate::history::register::{self, Basis, Snapshot};
use crate::kind::Kind;
use crate::model::policy::{Lifecycle, PolicyStatus};
use crate::model::{PageId, Site};
use crate::parse::front_matter::FrontMatter;
use crate::paths;
use crate::quarter::Quarter;

/// Where a report's register comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// As committed by the end of the day.
    Git,
    /// The day is before the content's git history, which starts on this
    /// day: the files as first committed.
    FirstCommit(Date),
    /// No git history: the files as they are today.
    WorkingTree,
}

/// A policy as it stood on the report's day.
#[derive(Debug, Clone)]
pub struct PolicyAt {
    pub title: String,
    /// Its page in this build, if it has one.
    pub url: Option<String>,
    pub front: FrontMatter,
    pub lifecycle: Lifecycle,
    /// The commit and change it stood as (from git only).
    pub at: Option<(usize, usize)>,
    /// Its audience that day.
    pub audience: String,
}

/// What a report is computed from: its quarter, its day, and the register
/// and goals of that day.
#[derive(Debug, Clone)]
pub struct AsOf {
    pub quarter: Quarter,
    pub day: Date,
    pub source: Source,
    /// The policies this build's audience could see that day, in register
    /// order: needing attention first, then by title.
    pub policies: Vec<PolicyAt>,
    pub goals: Vec<GoalProgressView>,
    /// Metric id → the key results on it, for showing beside its status.
    pub key_results: BTreeMap<String, Vec<KeyResultStatus>>,
    /// Policies and goals whose front matter had errors that day.
    pub unreadable: usize,
}

/// The day a report of quarter `q` is computed as of.
pub fn day_of(site: &Site, fm: &FrontMatter, q: Quarter) -> Date {
    fm.as_of.unwrap_or_else(|| q.last_day(site.config.fiscal_year_start))
}

/// The report page `id`'s [`AsOf`]; `None` for any other page.
pub fn as_of(r: Render<'_>, id: PageId) -> Option<AsOf> {
    let site = r.site;
    let p = site.page(id);
    if p.kind() != Kind::Report || p.is_section() {
        return None;
    }
    let quarter = p.front().quarter?;
    let day = day_of(site, p.front(), quarter);
    let snapshot = r.history.and_then(|ann| {
        let snap = register::at(&ann.set.history, ann.version().commit, day, &site.config)?;
        Some((ann, snap))
    });
    let (source, mut policies, goals, unreadable) = match snapshot {
        Some((ann, snap)) => {
            let pages = this_version(ann);
            let url = |c: usize, n: usize| {
                let rel = pages.get(&(c, n))?;
                site.by_rel.get(*rel).map(|&pid| site.page(pid))
            };
            let source = match snap.basis {
                Basis::Git => Source::Git,
                Basis::FirstCommit { first } => Source::FirstCommit(first),
            };
            let (policies, goals) = from_snapshot(site, &snap, quarter, url);
            (source, policies, goals, snap.unreadable.len())
        }
        None => (
            Source::WorkingTree,
            from_files(site, day),
            today_goals(site, quarter),
            0,
        ),
    };
    policies.sort_by(|a, b| {
        (a.lifecycle.status, a.lifecycle.next_review, a.title.to_lowercase()).cmp(&(
            b.lifecycle.status,
            b.lifecycle.next_review,
            b.title.to_lowercase(),
        ))
    });
    let key_results = key_results_by_metric(&goals);
    Some(AsOf {
        quarter,
        day,
        source,
        policies,
        goals,
        key_results,
        unreadable,
    })
}

/// This version's pages by each commit change in their trails: the page a
/// file of an earlier day became, renames followed. A change in several
/// trails (a file copied, then both kept) belongs to the page it is the
/// nearest revision of: the original, not the copy.
fn this_version(ann: &crate::history::Annotations) -> HashMap<(usize, usize), &str> {
    let mut nearest: HashMap<(usize, usize), (usize, &str)> = HashMap::new();
    let revisions = ann.set.pages[ann.current].values().flat_map(|vp| {
        vp.trail
            .changes
            .iter()
            .enumerate()
            .map(move |(depth, &change)| (change, (depth, vp.rel.as_str())))
    });
    // The least candidate wins whatever the order pages are visited in.
    revisions.for_each(|(change, candidate)| {
        nearest
            .entry(change)
            .and_modify(|best| *best = (*best).min(candidate))
            .or_insert(candidate);
    });
    nearest.into_iter().map(|(change, (_, rel))| (change, rel)).collect()
}

fn from_snapshot<'s>(
    site: &'s Site,
    snap: &Snapshot,
    quarter: Quarter,
    page_of: impl Fn(usize, usize) -> Option<&'s crate::model::Page>,
) -> (Vec<PolicyAt>, Vec<GoalProgressView>) {
    let config = &site.config;
    let seen = snap.pages.iter().filter(|s| s.seen_by(config, &site.audience));
    let mut policies = Vec::new();
    let mut goals = Vec::new();
    for s in seen {
        let page = page_of(s.commit, s.change);
        let title = s
            .front
            .title
            .clone()
            .filter(|t| !t.is_empty())
            .or_else(|| page.map(|p| p.title.clone()))
            .unwrap_or_else(|| paths::title_from_path(&s.rel));
        let url = page.map(|p| p.url().to_string());
        match s.kind {
            Kind::Policy => policies.push(PolicyAt {
                title,
                url,
                lifecycle: s.lifecycle(snap.day, config),
                front: s.front.clone(),
                at: Some((s.commit, s.change)),
                audience: s.audience.clone().unwrap_or_default(),
            }),
            _ => {
                let id = s
                    .front
                    .id
                    .as_ref()
                    .map_or_else(|| paths::stem(&s.rel).to_string(), |r| r.id.clone());
                goals.push((id, title, url, &s.front));
            }
        }
    }
    goals.sort_by(|a, b| a.0.cmp(&b.0));
    let goals = goals
        .into_iter()
        .map(|(id, title, url, front)| {
            let source = GoalSource {
                id: &id,
                title,
                url,
                front,
            };
            progress_of(site, &source, Some(quarter))
        })
        .collect();
    (policies, goals)
}

/// Without history: this build's policies, their status worked out for `day`.
fn from_files(site: &Site, day: Date) -> Vec<PolicyAt> {
    site.register
        .iter()
        .map(|&id| {
            let p = site.page(id);
            PolicyAt {
                title: p.title.clone(),
                url: Some(p.url().to_string()),
                front: p.front().clone(),
                lifecycle: crate::model::policy::lifecycle(p.front(), day, site.config.review_due_days),
                at: None,
                audience: p.audience.clone(),
            }
        })
        .collect()
}

fn today_goals(site: &Site, quarter: Quarter) -> Vec<GoalProgressView> {
    site.goals
        .keys()
        .filter_map(|g| goal_progress(site, g, Some(quarter)))
        .collect()
}

fn key_results_by_metric(goals: &[GoalProgressView]) -> BTreeMap<String, Vec<KeyResultStatus>> {
    let mut out: BTreeMap<String, Vec<KeyResultStatus>> = BTreeMap::new();
    for g in goals {
        for kr in g.key_results.iter().filter(|kr| kr.metric.is_some()) {
            out.entry(kr.metric_id.clone()).or_default().push(KeyResultStatus {
                goal: g.title.clone(),
                description: kr.description.clone(),
                status: kr.status.clone(),
            });
        }
    }
    out
}

impl AsOf {
    /// Puts each row's key-result statuses beside its own.
    pub fn annotate(&self, table: &mut KpiTable) {
        for row in &mut table.rows {
            self.annotate_one(row);
        }
        table.has_key_results = table.rows.iter().any(|r| !r.key_results.is_empty());
    }

    pub fn annotate_one(&self, kpi: &mut KpiView) {
        kpi.key_results = self.key_results.get(&kpi.metric.id).cloned().unwrap_or_default();
    }

    /// The goal `id` as the report's day saw it.
    pub fn goal(&self, id: &str) -> Option<&GoalProgressView> {
        self.goals.iter().find(|g| g.id == id)
    }

    /// The policies with `status` (any when `None`) owned by `owner` (anyone when `None`).
    pub fn policy_rows(&self, site: &Site, status: Option<PolicyStatus>, owner: Option<&str>) -> Vec<PolicyRow> {
        self.policies
            .iter()
            .filter(|p| status.is_none_or(|s| p.lifecycle.status == s))
            .filter(|p| owner.is_none_or(|o| p.front.owner.as_ref().is_some_and(|r| r.id == o)))
            .map(|p| policy_row(site, p))
            .collect()
    }

    /// What the report says about where its register and goals come from.
    pub fn note(&self) -> String {
        let day = super::views::display_date(self.day);
        let mut note = match self.source {
            Source::Git => "The policy register and goals are as committed in git by the end of that day.".to_string(),
            Source::FirstCommit(first) => format!(
                "The repository’s history starts on {}, after that day: policies and goals are shown as first committed, with their status on {day}.",
                super::views::display_date(first)
            ),
            Source::WorkingTree => format!(
                "Without git history, the policies and goals shown are today’s files, not as they stood that day; their status is worked out for {day}."
            ),
        };
        if self.unreadable > 0 {
            let n = self.unreadable;
            note.push_str(&format!(
                " {n} polic{} or goal{} could not be read as committed then and {} left out.",
                if n == 1 { "y" } else { "ies" },
                if n == 1 { "" } else { "s" },
                if n == 1 { "is" } else { "are" }
            ));
        }
        note
    }
}

/// A policy as a report lists it: as it stood on the report's day.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRow {
    pub title: String,
    /// Its page in this build; `None` when it has none (listed unlinked).
    pub url: Option<String>,
    pub reference: Option<String>,
    pub owner: Option<RoleLink>,
    pub approver: Option<RoleLink>,
    pub effective: Option<DateView>,
    pub next_review: Option<DateView>,
    pub days_to_review: Option<i64>,
    pub status: StatusView,
    /// In "what changed": the redline of the revision it stood as, else
    /// its history page (set by [`report_changes`]).
    pub redline: Option<String>,
    pub history: Option<String>,
}

pub fn policy_row(site: &Site, p: &PolicyAt) -> PolicyRow {
    let fm = &p.front;
    PolicyRow {
        title: p.title.clone(),
        url: p.url.clone(),
        reference: fm.reference.clone(),
        owner: fm.owner.as_ref().map(|r| role_link(site, &r.id)),
        approver: fm.approver.as_ref().map(|r| role_link(site, &r.id)),
        effective: p.lifecycle.effective.map(DateView::from),
        next_review: p.lifecycle.next_review.map(DateView::from),
        days_to_review: p.lifecycle.days_to_review,
        status: p.lifecycle.status.into(),
        redline: None,
        history: None,
    }
}

/// How many of something are on track, at risk, off track or without a
/// status, measured against one thing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub on_track: usize,
    pub at_risk: usize,
    pub off_track: usize,
    pub none: usize,
    pub total: usize,
}

impl Counts {
    fn of<'a>(ids: impl IntoIterator<Item = &'a str>) -> Counts {
        let mut c = Counts::default();
        for id in ids {
            c.total += 1;
            match id {
                "on-track" => c.on_track += 1,
                "at-risk" => c.at_risk += 1,
                "off-track" => c.off_track += 1,
                _ => c.none += 1,
            }
        }
        c
    }
}

/// A later report, for the banner of an earlier one.
#[derive(Debug, Clone, Serialize)]
pub struct NewerReport {
    pub title: String,
    pub url: String,
    pub quarter_label: String,
}

/// What is known after a report's quarter: the banner above it (outside
/// `<main>`, so the report itself reads the same once later data comes).
#[derive(Debug, Clone, Serialize)]
pub struct Later {
    /// The report of the latest later quarter, if there is one.
    pub report: Option<NewerReport>,
    /// The latest quarter with metric values, when after the report's.
    pub data_label: Option<String>,
}

/// What a board report computes, as of its day.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSections {
    pub quarter: Quarter,
    pub quarter_label: String,
    pub as_of: DateView,
    /// Where the register and goals come from.
    pub note: String,
    /// Metrics against their targets for the quarter.
    pub metric_counts: Counts,
    /// Goals, each as its worst key result.
    pub goal_counts: Counts,
    /// Every metric with data up to the quarter.
    pub kpis: KpiTable,
    pub goals: Vec<GoalProgressView>,
    /// Off track first, then at risk.
    pub attention: Vec<KpiView>,
    /// Policies due for review or overdue on the report's day.
    pub policies: Vec<PolicyRow>,
    pub changes: Changes,
    /// Later reports or figures, for a banner outside the report.
    pub later: Option<Later>,
}

pub fn sections(r: Render<'_>, id: PageId, a: &AsOf) -> ReportSections {
    let site = r.site;
    let q = a.quarter;
    let metrics = by_title(
        site.metrics
            .values()
            .filter(|m| m.values.keys().next().is_some_and(|first| *first <= q)),
    );
    let mut kpis = kpi_table(site, &metrics, q, "report");
    a.annotate(&mut kpis);
    let mut attention: Vec<KpiView> = kpis
        .rows
        .iter()
        .filter(|k| matches!(k.status.id, "off-track" | "at-risk"))
        .cloned()
        .collect();
    attention.sort_by_key(|k| (k.status.id != "off-track", k.metric.title.to_lowercase()));
    let mut due = a.policy_rows(site, Some(PolicyStatus::Overdue), None);
    due.extend(a.policy_rows(site, Some(PolicyStatus::ReviewDue), None));
    ReportSections {
        quarter: q,
        quarter_label: label(site, q),
        as_of: a.day.into(),
        note: a.note(),
        metric_counts: Counts::of(kpis.rows.iter().map(|k| k.status.id)),
        goal_counts: Counts::of(a.goals.iter().map(|g| g.status.id)),
        kpis,
        goals: a.goals.clone(),
        attention,
        policies: due,
        changes: report_changes::changes(r, a),
        later: later(site, id, q),
    }
}

/// The latest report and metric values after quarter `q`, for a banner on
/// report `id`.
fn later(site: &Site, id: PageId, q: Quarter) -> Option<Later> {
    let report = site
        .pages
        .iter()
        .enumerate()
        .filter(|&(other, p)| other != id && p.kind() == Kind::Report && !p.is_section())
        .filter_map(|(_, p)| Some((p.front().quarter.filter(|later| *later > q)?, p)))
        .max_by(|(qa, a), (qb, b)| qa.cmp(qb).then_with(|| b.url().cmp(a.url())));
    let data = site
        .metrics
        .values()
        .filter_map(|m| m.latest_quarter())
        .max()
        .filter(|d| *d > q);
    if report.is_none() && data.is_none() {
        return None;
    }
    Some(Later {
        report: report.map(|(rq, p)| NewerReport {
            title: p.title.clone(),
            url: p.url().to_string(),
            quarter_label: label(site, rq),
        }),
        data_label: data.map(|d| label(site, d)),
    })
}

/// The "on this page" entries of the sections the theme renders below the
/// report's body; their ids are the ones in the templates.
pub fn toc(s: &ReportSections) -> Vec<TocEntry> {
    let mut out = vec![TocEntry::generated("kpi-summary", "KPI summary")];
    if !s.goals.is_empty() {
        out.push(TocEntry::generated("goal-summary", "Goals and their status"));
    }
    out.push(TocEntry::generated("attention", "Metrics off track or at risk"));
    out.push(TocEntry::generated("policy-attention", "Policies due for review"));
    out.push(TocEntry::generated("policies-changed", "Policies changed this quarter"));
    out
}

/// The KPI table a component in a report shows, with key-result statuses beside its own.
pub fn annotated(a: Option<&AsOf>, mut table: KpiTable) -> KpiTable {
    if let Some(a) = a {
        a.annotate(&mut table);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_status() {
        let c = Counts::of(["on-track", "at-risk", "on-track", "none", "off-track"]);
        assert_eq!((c.on_track, c.at_risk, c.off_track, c.none, c.total), (2, 1, 1, 1, 5));
    }
}
