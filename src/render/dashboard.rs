//! The home dashboard (`{{ dashboard() }}`) and the charts of a goal page:
//! each key result's metric against its straight path to the target.
//!
//! A dashboard shows only what the audience of the page holding it may
//! see: on an internal home page, a board-only metric stays out even in a
//! board build, so the page's marking always covers what it shows.

use serde_json::{Value, json};

use super::metric_components::{chart_data, frame};
use super::metric_views::{self as views, GoalProgressView, KpiView, label, quarter_range, series};
use super::report::{AsOf, policy_row};
use super::views::register_rows;
use crate::chart::{self, Series};
use crate::metrics::{Decimal, Metric};
use crate::model::policy::PolicyStatus;
use crate::model::{PageId, Site, audience};
use crate::quarter::Quarter;

/// Whether the page `page`'s readers may see what is meant for `audience`.
fn shown_on(site: &Site, page: PageId, audience: &str) -> bool {
    let config = &site.config;
    audience::rank(config, audience) <= audience::rank(config, &site.page(page).audience)
}

fn metric_audience<'a>(site: &'a Site, m: &'a Metric) -> &'a str {
    m.audience
        .as_ref()
        .map_or(site.config.default_audience.as_str(), |a| a.id.as_str())
}

/// `{{ dashboard() }}`: goals with their status, the metrics off track or
/// at risk in their latest quarter, and the policies overdue for review. In
/// a report, all three as of the report's day.
pub fn dashboard(site: &Site, page: PageId, as_of: Option<&AsOf>) -> Value {
    let seen_goal = |g: &str| {
        site.goals
            .get(g)
            .is_none_or(|&id| shown_on(site, page, &site.page(id).audience))
    };
    let goals: Vec<GoalProgressView> = match as_of {
        Some(a) => a.goals.iter().filter(|g| seen_goal(&g.id)).cloned().collect(),
        None => site
            .goals
            .keys()
            .filter(|g| seen_goal(g))
            .filter_map(|g| views::goal_progress(site, g, None))
            .collect(),
    };
    let quarter = |m: &Metric| match as_of {
        Some(a) => m
            .values
            .keys()
            .next()
            .is_some_and(|first| *first <= a.quarter)
            .then_some(a.quarter),
        None => m.latest_quarter(),
    };
    let mut attention: Vec<KpiView> = views::by_title(
        site.metrics
            .values()
            .filter(|m| shown_on(site, page, metric_audience(site, m))),
    )
    .into_iter()
    .filter_map(|m| Some(views::kpi_view(site, m, quarter(m)?, "dashboard")))
    .filter(|k| matches!(k.status.id, "off-track" | "at-risk"))
    .collect();
    attention.sort_by_key(|k| k.status.id != "off-track");
    let overdue = match as_of {
        Some(a) => json!(
            a.policies
                .iter()
                .filter(|p| p.lifecycle.status == PolicyStatus::Overdue && shown_on(site, page, &p.audience))
                .map(|p| policy_row(site, p))
                .collect::<Vec<_>>()
        ),
        None => {
            let ids: Vec<PageId> = site
                .register
                .iter()
                .copied()
                .filter(|&id| shown_on(site, page, &site.page(id).audience))
                .filter(|&id| {
                    site.page(id)
                        .lifecycle
                        .as_ref()
                        .is_some_and(|l| l.status == PolicyStatus::Overdue)
                })
                .collect();
            json!(register_rows(site, &ids))
        }
    };
    json!({ "goals": goals, "attention": attention, "overdue": overdue })
}

/// One chart per key result of goal `goal` that has a metric with values
/// and a target: the metric from its first value, and the straight line
/// from there to the target by the key result's quarter.
pub fn goal_charts(site: &Site, goal: &str) -> Vec<Value> {
    let Some(&page) = site.goals.get(goal) else {
        return Vec::new();
    };
    site.page(page)
        .front()
        .key_results
        .iter()
        .filter_map(|kr| {
            let m = site.metrics.get(&kr.metric.id)?;
            let (bq, bv) = m.values.iter().next().map(|(q, v)| (*q, *v))?;
            let latest = m.latest_quarter()?;
            let by = kr.by.unwrap_or(latest);
            let target = kr.target.and_then(Decimal::from_f64).or_else(|| m.target_for(by))?;
            let quarters = quarter_range(bq, by.max(latest));
            let actual = series(m, &quarters, &m.title);
            let path = Series {
                label: format!(
                    "Path to {} by {}",
                    crate::metrics::format::value(m.unit, target),
                    label(site, by)
                ),
                values: quarters
                    .iter()
                    .map(|&q| (q <= by).then(|| on_path(bq, bv, by, target, q)))
                    .collect(),
            };
            let desc = format!(
                "{} The dashed line is the straight path from {} in {} to the key result's target of {} by {}.",
                super::metric_components::describe(site, m, &quarters, &actual, None),
                crate::metrics::format::value(m.unit, bv),
                label(site, bq),
                crate::metrics::format::value(m.unit, target),
                label(site, by)
            );
            let title = kr.description.clone().unwrap_or_else(|| m.title.clone());
            let f = frame(
                site,
                chart::id_from(&["goal", goal, &m.id]),
                title.clone(),
                desc,
                m.unit,
            );
            chart_data(&f, &title, "path", &[m], |f| chart::path(f, &quarters, &actual, &path)).ok()
        })
        .collect()
}

/// The value on the straight line from `start` in `from` to `end` in `to`,
/// at quarter `at`, to the cent: the span is multiplied before it is
/// divided, so whole steps stay whole (−385,000 over 7 quarters is −55,000 each).
fn on_path(from: Quarter, start: Decimal, to: Quarter, end: Decimal, at: Quarter) -> Decimal {
    let index = |q: Quarter| i64::from(q.year) * 4 + i64::from(q.q);
    let total = index(to) - index(from);
    if total <= 0 {
        return end;
    }
    let done = (index(at) - index(from)).clamp(0, total);
    end.checked_sub(start)
        .and_then(|span| span.checked_mul(Decimal::from_int(done)))
        .and_then(|moved| moved.checked_div(Decimal::from_int(total)))
        .and_then(|moved| start.checked_add(moved))
        .map_or(end, |v| v.round(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_moves_in_equal_steps_to_the_cent() {
        let q = |s: &str| s.parse::<Quarter>().unwrap();
        let d = |s: &str| Decimal::parse(s).unwrap();
        let at = |s| on_path(q("2025-Q3"), d("1585000"), q("2027-Q2"), d("1200000"), q(s));
        assert_eq!(at("2025-Q3"), d("1585000"));
        assert_eq!(at("2025-Q4"), d("1530000"));
        assert_eq!(at("2026-Q3"), d("1365000"));
        assert_eq!(at("2027-Q2"), d("1200000"));
        assert_eq!(at("2028-Q1"), d("1200000"), "held at the target after it");
        assert_eq!(
            on_path(q("2026-Q1"), d("0"), q("2026-Q4"), d("10"), q("2026-Q2")),
            d("3.33")
        );
    }
}
