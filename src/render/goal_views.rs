//! A goal's progress as templates see it: each key result from its metric's
//! first value towards its target, with its status, and the goal's overall
//! status, the weakest of them.

use serde::Serialize;

use super::metric_views::{FigureView, MetricLink, StatusBadge, badge, label, metric_link, tolerance};
use super::views::{RoleLink, role_link};
use crate::metrics::compute::{self, NotAvailable, Progress};
use crate::metrics::{Decimal, Status, format};
use crate::model::Site;
use crate::quarter::Quarter;

/// A goal's key results with their progress, and the goal's overall status.
#[derive(Debug, Clone, Serialize)]
pub struct GoalProgressView {
    pub id: String,
    pub title: String,
    pub url: String,
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
    pub status: StatusBadge,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuarterValue {
    pub quarter: Quarter,
    pub quarter_label: String,
    pub value: FigureView,
}

/// Progress of goal `goal` as of quarter `as_of` (the latest data when `None`).
pub fn goal_progress(site: &Site, goal: &str, as_of: Option<Quarter>) -> Option<GoalProgressView> {
    let &page = site.goals.get(goal)?;
    let p = site.page(page);
    let fm = p.front();
    let key_results: Vec<(KeyResultProgressView, Result<Status, NotAvailable>)> = fm
        .key_results
        .iter()
        .map(|kr| {
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
                        status: badge(&Err(reason.clone())),
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
            let qf = &site.config.quarter_format;
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
                status: badge(&pr.status).relabel(qf),
            };
            view.target.relabel(qf);
            view.progress.relabel(qf);
            (view, pr.status)
        })
        .collect();
    let overall = compute::overall(key_results.iter().map(|(_, s)| s));
    Some(GoalProgressView {
        id: goal.to_string(),
        title: p.title.clone(),
        url: p.url().to_string(),
        owners: fm
            .owners
            .iter()
            .chain(fm.owner.iter())
            .map(|r| role_link(site, &r.id))
            .collect(),
        quarter: as_of,
        quarter_label: as_of.map(|q| label(site, q)),
        status: badge(&overall).relabel(&site.config.quarter_format),
        key_results: key_results.into_iter().map(|(v, _)| v).collect(),
    })
}
