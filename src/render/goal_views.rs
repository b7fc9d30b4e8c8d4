//! A goal's progress as templates see it: each key result from its metric's
//! first value towards its target, with its status, and the goal's overall
//! status, the weakest of them.

use serde::Serialize;

use super::metric_views::{Basis, FigureView, MetricLink, StatusBadge, badge, label, metric_link, tolerance};
use super::views::{RoleLink, role_link};
use crate::metrics::compute::{self, NotAvailable, Progress};
use crate::metrics::format::QuarterFormat;
use crate::metrics::{Decimal, Status, format};
use crate::model::Site;
use crate::parse::front_matter::{FrontMatter, KeyResult};
use crate::quarter::Quarter;

/// A goal's key results with their progress, and the goal's overall status.
#[derive(Debug, Clone, Serialize)]
pub struct GoalProgressView {
    pub id: String,
    pub title: String,
    /// `None` for a goal of an earlier day that this build has no page for.
    pub url: Option<String>,
    pub owners: Vec<RoleLink>,
    pub quarter: Option<Quarter>,
    pub quarter_label: Option<String>,
    pub status: StatusBadge,
    pub key_results: Vec<KeyResultProgressView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyResultProgressView {
    pub description: Option<String>,
    pub metric: Option<MetricLink>,
    /// The metric id as written, also when the metric is unknown.
    pub metric_id: String,
    pub target: FigureView,
    pub by: Option<String>,
    /// `by` as readers see it: `Q2 2027`.
    pub by_label: Option<String>,
    pub baseline: Option<QuarterValue>,
    pub current: Option<QuarterValue>,
    /// Share of the way from the baseline to the target, `0`–`100` for a
    /// progress bar; the text may go beyond (`112%`) or be `n/a`.
    pub percent: u8,
    pub progress: FigureView,
    /// Measured against the path to the target, or the target once due.
    pub status: StatusBadge,
    /// The metric against its own target in the quarter shown (the
    /// report's, else the latest value's), beside the key result's status.
    pub quarter_status: Option<StatusBadge>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuarterValue {
    pub quarter: Quarter,
    pub quarter_label: String,
    pub value: FigureView,
}

/// A goal as some day saw it: its front matter, and its page in this
/// build when it has one.
pub struct GoalSource<'a> {
    pub id: &'a str,
    pub title: String,
    pub url: Option<String>,
    pub front: &'a FrontMatter,
}

/// Progress of goal `goal` as of quarter `as_of` (the latest data when `None`).
pub fn goal_progress(site: &Site, goal: &str, as_of: Option<Quarter>) -> Option<GoalProgressView> {
    let &page = site.goals.get(goal)?;
    let p = site.page(page);
    let source = GoalSource {
        id: goal,
        title: p.title.clone(),
        url: Some(p.url().to_string()),
        front: p.front(),
    };
    Some(progress_of(site, &source, as_of))
}

/// The progress of `goal`'s key results on the metrics this build shows.
pub fn progress_of(site: &Site, goal: &GoalSource<'_>, as_of: Option<Quarter>) -> GoalProgressView {
    let fm = goal.front;
    let qf = &site.config.quarter_format;
    let key_results: Vec<(KeyResultProgressView, Result<Status, NotAvailable>)> = fm
        .key_results
        .iter()
        // A key result on a metric this audience may not see leaves no trace.
        .filter(|kr| !site.hidden.metrics.contains(&kr.metric.id))
        .map(|kr| key_result(site, kr, as_of, qf))
        .collect();
    let overall = compute::overall(key_results.iter().map(|(_, s)| s));
    GoalProgressView {
        id: goal.id.to_string(),
        title: goal.title.clone(),
        url: goal.url.clone(),
        owners: fm
            .owners
            .iter()
            .chain(fm.owner.iter())
            .map(|r| role_link(site, &r.id))
            .collect(),
        quarter: as_of,
        quarter_label: as_of.map(|q| label(site, q)),
        status: badge(&overall, Basis::KeyResults, qf),
        key_results: key_results.into_iter().map(|(v, _)| v).collect(),
    }
}

fn key_result(
    site: &Site,
    kr: &KeyResult,
    as_of: Option<Quarter>,
    qf: &QuarterFormat,
) -> (KeyResultProgressView, Result<Status, NotAvailable>) {
    let by_basis = kr.by.map_or(Basis::KeyResultTarget(None), |by| Basis::Path { by });
    let Some(m) = site.metrics.get(&kr.metric.id) else {
        let reason = NotAvailable(format!("no metric `{}`", kr.metric.id));
        return (
            KeyResultProgressView {
                description: kr.description.clone(),
                metric: None,
                metric_id: kr.metric.id.clone(),
                target: FigureView::na(&reason),
                by: kr.by.map(|q| q.to_string()),
                by_label: kr.by.map(|q| label(site, q)),
                baseline: None,
                current: None,
                percent: 0,
                progress: FigureView::na(&reason),
                status: badge(&Err(reason.clone()), by_basis, qf),
                quarter_status: None,
            },
            Err(reason),
        );
    };
    let target = kr.target.and_then(Decimal::from_f64);
    let pr: Progress = compute::progress(m, target, kr.by, as_of, tolerance(site));
    let qv = |(q, v): (Quarter, Decimal)| QuarterValue {
        quarter: q,
        quarter_label: label(site, q),
        value: FigureView::of(m.unit, &Ok(v)),
    };
    let percent = pr
        .share
        .as_ref()
        .ok()
        .and_then(|s| s.checked_mul(Decimal::HUNDRED))
        .map_or(0, |p| p.round(0).to_f64().clamp(0.0, 100.0) as u8);
    // The bar and its text stay within 0–100%; the exact share is kept.
    let progress = match (&pr.share, pr.baseline) {
        (Ok(s), Some((bq, _))) if s.is_negative() => FigureView {
            text: "0%".into(),
            exact: Some(format!("further from the target than at the start ({bq})")),
            value: Some(*s),
            reason: None,
        },
        (Ok(s), _) if *s > Decimal::ONE => FigureView {
            text: "100%".into(),
            exact: Some("target passed".into()),
            value: Some(*s),
            reason: None,
        },
        (Ok(s), _) => FigureView {
            text: format::progress(*s),
            exact: None,
            value: Some(*s),
            reason: None,
        },
        (Err(e), _) => FigureView::na(e),
    };
    let basis = match pr.by {
        Some(by) if pr.against_path => Basis::Path { by },
        by => Basis::KeyResultTarget(by),
    };
    // The same metric against its own target for the quarter, for the side-by-side view.
    let quarter = as_of.or(pr.current.map(|c| c.0));
    let quarter_status = quarter.map(|q| {
        let k = compute::kpi(m, q, tolerance(site));
        badge(&k.status, Basis::Target(q), qf)
    });
    let mut view = KeyResultProgressView {
        description: kr.description.clone(),
        metric: Some(metric_link(site, m)),
        metric_id: m.id.clone(),
        target: FigureView::of(m.unit, &pr.target),
        by: pr.by.map(|q| q.to_string()),
        by_label: pr.by.map(|q| label(site, q)),
        baseline: pr.baseline.map(qv),
        current: pr.current.map(qv),
        percent,
        progress,
        status: badge(&pr.status, basis, qf),
        quarter_status,
    };
    view.target.relabel(qf);
    view.progress.relabel(qf);
    (view, pr.status)
}
