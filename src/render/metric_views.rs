//! The views of metrics, KPIs and goal progress that templates see, with
//! every number already formatted by unit. A figure that cannot be computed
//! arrives as `n/a` with its reason, for a `title` hover text.

use serde::Serialize;

use super::views::{RoleLink, role_link};
use crate::chart::{self, Frame, Series};
use crate::metrics::compute::{self, Change, Direction, Figure, Kpi, NotAvailable};
use crate::metrics::format::QuarterFormat;
use crate::metrics::{Better, Decimal, Metric, Status, Unit, format};
use crate::model::Site;
use crate::quarter::Quarter;

/// `Q3 2026`: a quarter as this site writes it for readers.
pub fn label(site: &Site, q: Quarter) -> String {
    site.config.quarter_format.label(q)
}

pub use super::goal_views::{GoalProgressView, KeyResultProgressView, QuarterValue, goal_progress};

/// Where a metric's page lives.
pub fn metric_url(id: &str) -> String {
    format!("metrics/{id}/")
}

/// How many quarters a sparkline shows.
pub const SPARK_QUARTERS: i32 = 8;

#[derive(Debug, Clone, Serialize)]
pub struct MetricLink {
    pub id: String,
    pub title: String,
    pub url: String,
    pub unit: Unit,
    pub better: Option<Better>,
    pub description: Option<String>,
    pub owner: Option<RoleLink>,
}

pub fn metric_link(site: &Site, m: &Metric) -> MetricLink {
    MetricLink {
        id: m.id.clone(),
        title: m.title.clone(),
        url: metric_url(&m.id),
        unit: m.unit,
        better: m.better,
        description: m.description.clone(),
        owner: m.owner.as_ref().map(|r| role_link(site, &r.id)),
    }
}

/// A number ready to print, or `n/a` and why.
#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    /// `$1.30M`, or `n/a`.
    pub text: String,
    /// Every digit, for a hover text: `$1,302,000`.
    pub exact: Option<String>,
    /// The exact value as a JSON number; `null` when not available.
    pub value: Option<Decimal>,
    pub reason: Option<String>,
}

impl FigureView {
    pub fn na(reason: &NotAvailable) -> FigureView {
        FigureView {
            text: "n/a".into(),
            exact: None,
            value: None,
            reason: Some(reason.0.clone()),
        }
    }

    pub fn of(unit: Unit, f: &Figure) -> FigureView {
        match f {
            Ok(v) => FigureView {
                text: format::value(unit, *v),
                exact: Some(format::exact(unit, *v)),
                value: Some(*v),
                reason: None,
            },
            Err(e) => FigureView::na(e),
        }
    }

    fn change(unit: Unit, f: &Figure) -> FigureView {
        match f {
            Ok(v) => FigureView {
                text: format::change(unit, *v),
                exact: Some(format::exact(unit, *v)),
                value: Some(*v),
                reason: None,
            },
            Err(e) => FigureView::na(e),
        }
    }

    /// Reasons name quarters as `2026-Q3`; readers see them as labels.
    pub fn relabel(&mut self, qf: &QuarterFormat) {
        for text in [&mut self.reason, &mut self.exact].into_iter().flatten() {
            *text = qf.in_text(text);
        }
    }

    fn ratio(f: &Figure) -> FigureView {
        match f {
            Ok(v) => FigureView {
                text: format::percent_change(*v),
                exact: None,
                value: Some(*v),
                reason: None,
            },
            Err(e) => FigureView::na(e),
        }
    }
}

/// A change: the difference, the percent change, the one to show first, and
/// whether it is good news.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub abs: FigureView,
    pub pct: FigureView,
    /// `−8.1%`, or `+5.2 pp` for percent metrics.
    pub text: String,
    /// The other form, for a hover text: `−$115K`.
    pub detail: Option<String>,
    pub reason: Option<String>,
    /// `good`, `bad`, `flat` or `none`: for colour, never the only signal.
    pub tone: &'static str,
}

fn change_view(unit: Unit, better: Option<Better>, c: &Change) -> ChangeView {
    let abs = FigureView::change(unit, &c.abs);
    let pct = FigureView::ratio(&c.ratio);
    let (primary, secondary) = if unit == Unit::Percent || pct.value.is_none() {
        (&abs, &pct)
    } else {
        (&pct, &abs)
    };
    let tone = match (&c.abs, better) {
        (Ok(d), _) if d.is_zero() => "flat",
        (Ok(d), Some(b)) => {
            if d.is_negative() == (b == Better::Lower) {
                "good"
            } else {
                "bad"
            }
        }
        _ => "none",
    };
    ChangeView {
        text: primary.text.clone(),
        detail: secondary.value.is_some().then(|| secondary.text.clone()),
        reason: primary.reason.clone().or_else(|| secondary.reason.clone()),
        abs,
        pct,
        tone,
    }
}

impl ChangeView {
    fn relabel(&mut self, qf: &QuarterFormat) {
        self.abs.relabel(qf);
        self.pct.relabel(qf);
        if let Some(r) = &mut self.reason {
            *r = qf.in_text(r);
        }
    }
}

/// The change view of one of `m`'s changes, its reasons in `qf`'s quarters.
pub fn change_view_for(m: &Metric, c: &Change, qf: &QuarterFormat) -> ChangeView {
    let mut v = change_view(m.unit, m.better, c);
    v.relabel(qf);
    v
}

/// What a status is measured against. Every badge says it, so two
/// statuses of one metric that answer different questions never read as
/// a contradiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The metric's target for the quarter.
    Target(Quarter),
    /// The straight path from a key result's first value to its target by `by`.
    Path { by: Quarter },
    /// A key result's target itself: it is due (`by` has come) or has no date.
    KeyResultTarget(Option<Quarter>),
    /// A goal: the worst of its key results.
    KeyResults,
}

impl Basis {
    /// `vs Q3 2026 target`, in the site's quarter format.
    pub fn text(self, qf: &QuarterFormat) -> String {
        match self {
            Basis::Target(q) => format!("vs {} target", qf.label(q)),
            Basis::Path { by } => format!("vs path to key result (by {})", qf.label(by)),
            Basis::KeyResultTarget(Some(by)) => format!("vs key result target (due {})", qf.label(by)),
            Basis::KeyResultTarget(None) => "vs key result target".into(),
            Basis::KeyResults => "worst of its key results".into(),
        }
    }
}

/// An on track / at risk / off track badge, or `n/a` and why.
#[derive(Debug, Clone, Serialize)]
pub struct StatusBadge {
    /// `on-track`, `at-risk`, `off-track` or `none`.
    pub id: &'static str,
    pub label: &'static str,
    pub reason: Option<String>,
    /// What it is measured against: `vs Q3 2026 target`.
    pub basis: String,
}

/// The badge of status `s` measured against `basis`, its reason's quarters
/// written as the site writes them.
pub fn badge(s: &Result<Status, NotAvailable>, basis: Basis, qf: &QuarterFormat) -> StatusBadge {
    let (id, label, reason) = match s {
        Ok(s) => (s.id(), s.label(), None),
        Err(e) => ("none", "n/a", Some(qf.in_text(&e.0))),
    };
    StatusBadge {
        id,
        label,
        reason,
        basis: basis.text(qf),
    }
}

/// A key result's status, shown beside the same metric's status for a
/// quarter so a reader sees why they differ.
#[derive(Debug, Clone, Serialize)]
pub struct KeyResultStatus {
    pub goal: String,
    pub description: Option<String>,
    pub status: StatusBadge,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendView {
    /// `improving`, `worsening`, `flat`, `up`, `down` or `unknown`.
    pub direction: Direction,
    pub label: &'static str,
    /// A small inline SVG (print with `| safe`).
    pub sparkline: String,
}

/// One metric's KPIs for one quarter, as a tile or a table row shows them.
#[derive(Debug, Clone, Serialize)]
pub struct KpiView {
    pub metric: MetricLink,
    pub quarter: Quarter,
    pub quarter_label: String,
    pub value: FigureView,
    pub previous: FigureView,
    pub qoq: ChangeView,
    pub year_ago: FigureView,
    pub yoy: ChangeView,
    pub target: FigureView,
    pub to_target: ChangeView,
    pub status: StatusBadge,
    pub trend: TrendView,
    /// In a report: the key results this metric serves, with their status
    /// as of the report's quarter.
    pub key_results: Vec<KeyResultStatus>,
}

pub fn kpi_view(site: &Site, m: &Metric, q: Quarter, id_hint: &str) -> KpiView {
    let k: Kpi = compute::kpi(m, q, tolerance(site));
    let trend = TrendView {
        direction: k.trend.direction,
        label: k.trend.direction.label(),
        // Drawing into a string cannot fail; without a picture the table still reads.
        sparkline: sparkline(site, m, q, id_hint).unwrap_or_default(),
    };
    let mut view = KpiView {
        metric: metric_link(site, m),
        quarter: q,
        quarter_label: label(site, q),
        value: FigureView::of(m.unit, &k.value),
        previous: FigureView::of(m.unit, &k.previous),
        qoq: change_view(m.unit, m.better, &k.qoq),
        year_ago: FigureView::of(m.unit, &k.year_ago),
        yoy: change_view(m.unit, m.better, &k.yoy),
        target: FigureView::of(m.unit, &k.target),
        to_target: change_view(m.unit, m.better, &k.to_target),
        status: badge(&k.status, Basis::Target(q), &site.config.quarter_format),
        trend,
        key_results: Vec::new(),
    };
    let qf = &site.config.quarter_format;
    for f in [
        &mut view.value,
        &mut view.previous,
        &mut view.year_ago,
        &mut view.target,
    ] {
        f.relabel(qf);
    }
    for c in [&mut view.qoq, &mut view.yoy, &mut view.to_target] {
        c.relabel(qf);
    }
    view
}

/// KPI rows for one quarter, as a table shows them.
#[derive(Debug, Clone, Serialize)]
pub struct KpiTable {
    pub quarter: Quarter,
    pub quarter_label: String,
    pub rows: Vec<KpiView>,
    /// Some row shows key-result statuses beside its own (in a report).
    pub has_key_results: bool,
}

pub fn kpi_table(site: &Site, metrics: &[&Metric], q: Quarter, id_hint: &str) -> KpiTable {
    KpiTable {
        quarter: q,
        quarter_label: label(site, q),
        rows: metrics.iter().map(|m| kpi_view(site, m, q, id_hint)).collect(),
        has_key_results: false,
    }
}

/// The metrics a role owns, at the latest quarter any of them has.
pub fn role_metrics(site: &Site, role: &str) -> Option<KpiTable> {
    let owned = by_title(
        site.metrics
            .values()
            .filter(|m| m.owner.as_ref().is_some_and(|o| o.id == role)),
    );
    let q = latest_of(owned.iter().copied())?;
    Some(kpi_table(site, &owned, q, "role"))
}

/// Metrics by title, the order people look for them in.
pub fn by_title<'a>(metrics: impl IntoIterator<Item = &'a Metric>) -> Vec<&'a Metric> {
    let mut v: Vec<&Metric> = metrics.into_iter().collect();
    v.sort_by(|a, b| {
        a.title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    });
    v
}

/// The site's default at-risk band.
pub fn tolerance(site: &Site) -> Decimal {
    Decimal::from_f64(site.config.status_tolerance).unwrap_or_else(|| Decimal::parse("0.05").unwrap_or(Decimal::ZERO))
}

/// The quarters `first..=last`, oldest first.
pub fn quarter_range(first: Quarter, last: Quarter) -> Vec<Quarter> {
    std::iter::successors(Some(first), |q| Some(q.next()))
        .take_while(|q| *q <= last)
        .take(400)
        .collect()
}

/// A metric's values over `quarters`.
pub fn series(m: &Metric, quarters: &[Quarter], label: &str) -> Series {
    Series {
        label: label.to_string(),
        values: quarters.iter().map(|q| m.value(*q)).collect(),
    }
}

/// One series per breakdown category over `quarters`, for stacked bars.
pub fn breakdown_series(m: &Metric, quarters: &[Quarter]) -> Vec<Series> {
    m.categories()
        .into_iter()
        .map(|c| Series {
            label: c.to_string(),
            values: quarters
                .iter()
                .map(|q| {
                    m.breakdown
                        .get(q)
                        .and_then(|ps| ps.iter().find(|(n, _)| n == c).map(|p| p.1))
                })
                .collect(),
        })
        .collect()
}

/// The target in force in each of `quarters`, if the metric has any.
pub fn target_series(m: &Metric, quarters: &[Quarter]) -> Option<Series> {
    let values: Vec<Option<Decimal>> = quarters.iter().map(|q| m.target_for(*q)).collect();
    values.iter().any(Option::is_some).then(|| Series {
        label: "Target".into(),
        values,
    })
}

fn sparkline(site: &Site, m: &Metric, q: Quarter, id_hint: &str) -> Result<String, String> {
    let quarters = quarter_range(q.offset(1 - SPARK_QUARTERS), q);
    let s = series(m, &quarters, &m.title);
    let shown: Vec<String> = quarters
        .iter()
        .zip(&s.values)
        .filter_map(|(q, v)| v.map(|v| format!("{} {}", label(site, *q), format::value(m.unit, v))))
        .collect();
    let desc = if shown.is_empty() {
        format!("No values from {} to {}", label(site, quarters[0]), label(site, q))
    } else {
        shown.join(", ")
    };
    let frame = Frame {
        id: chart::id_from(&[id_hint, &m.id, "spark", &q.to_string()]),
        title: format!("{}, last {} quarters", m.title, SPARK_QUARTERS),
        desc,
        unit: m.unit,
        quarters: site.config.quarter_format.clone(),
        compact: false,
    };
    chart::sparkline(&frame, &quarters, &s, m.target_for(q))
        .map(|c| c.svg)
        .map_err(|e| e.to_string())
}

/// The quarter a page's components default to: a report's own quarter.
pub fn page_quarter(site: &Site, page: crate::model::PageId) -> Option<Quarter> {
    let p = site.page(page);
    (p.kind() == crate::kind::Kind::Report)
        .then_some(p.front().quarter)
        .flatten()
}

/// The latest quarter with a value among `metrics`.
pub fn latest_of<'a>(metrics: impl IntoIterator<Item = &'a Metric>) -> Option<Quarter> {
    metrics.into_iter().filter_map(Metric::latest_quarter).max()
}
