//! The KPIs of a metric for a quarter and the progress of a goal's key
//! results. Pure functions of a [`Metric`]: latest value, change on the
//! previous quarter and on a year earlier, distance to target, a status
//! honouring `better` and the tolerance, and the trend over four quarters.
//!
//! A figure that cannot be computed is [`NotAvailable`] with the reason,
//! never a silent zero.

use serde::{Serialize, Serializer};

use super::decimal::Decimal;
use super::{Better, Metric};
use crate::quarter::Quarter;

/// Why a figure is missing, in words for a hover text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotAvailable(pub String);

pub type Figure = Result<Decimal, NotAvailable>;

fn na<T>(reason: impl Into<String>) -> Result<T, NotAvailable> {
    Err(NotAvailable(reason.into()))
}

/// Ordered from good to bad, so the worst of several is the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    OnTrack,
    AtRisk,
    OffTrack,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::OnTrack => "on-track",
            Status::AtRisk => "at-risk",
            Status::OffTrack => "off-track",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::OnTrack => "On track",
            Status::AtRisk => "At risk",
            Status::OffTrack => "Off track",
        }
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// A change from `before` to `now`: the difference and the fraction of `before`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub abs: Figure,
    pub ratio: Figure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Improving,
    Worsening,
    /// Within 1% of where the window started.
    Flat,
    /// Up or down, for a metric without `better`.
    Up,
    Down,
    /// Fewer than two values in the window.
    Unknown,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::Improving => "improving",
            Direction::Worsening => "worsening",
            Direction::Flat => "flat",
            Direction::Up => "rising",
            Direction::Down => "falling",
            Direction::Unknown => "not enough data",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// The last four quarters up to the KPI's quarter, oldest first.
    pub points: Vec<(Quarter, Option<Decimal>)>,
    pub direction: Direction,
}

/// Everything a KPI tile or table row shows for one quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpi {
    pub quarter: Quarter,
    pub value: Figure,
    pub previous: Figure,
    pub qoq: Change,
    pub year_ago: Figure,
    pub yoy: Change,
    pub target: Figure,
    /// `value − target`, and that as a fraction of the target.
    pub to_target: Change,
    pub status: Result<Status, NotAvailable>,
    pub trend: Trend,
}

/// How many quarters the trend looks back over, including its own.
pub const TREND_QUARTERS: i32 = 4;

/// The KPIs of `m` in quarter `q`, with `default_tolerance` unless the
/// metric sets its own.
pub fn kpi(m: &Metric, q: Quarter, default_tolerance: Decimal) -> Kpi {
    let value = m.value(q).ok_or_else(|| NotAvailable(format!("no value for {q}")));
    let prev_q = q.prev();
    let previous = m
        .value(prev_q)
        .ok_or_else(|| NotAvailable(format!("no value for {prev_q}, the quarter before")));
    let year_q = q.offset(-4);
    let year_ago = m
        .value(year_q)
        .ok_or_else(|| NotAvailable(format!("no value for {year_q}, a year earlier")));
    let target = match m.target_for(q) {
        Some(t) => Ok(t),
        None if matches!(m.target, super::Target::None) => na("no target set"),
        None => na(format!("no target set for {q}")),
    };
    let to_target = Change {
        abs: diff(&value, &target),
        ratio: match (&value, &target) {
            (Ok(_), Ok(t)) if t.is_zero() => na("the target is zero, so a distance in percent is undefined"),
            _ => ratio(&value, &target),
        },
    };
    let status = match (&value, &target, m.better) {
        (Err(e), _, _) | (_, Err(e), _) => Err(e.clone()),
        (_, _, None) => na("no `better:` direction set"),
        (Ok(v), Ok(t), Some(b)) => Ok(status(*v, *t, b, m.tolerance_or(default_tolerance))),
    };
    Kpi {
        quarter: q,
        qoq: change(&value, &previous, prev_q),
        yoy: change(&value, &year_ago, year_q),
        value,
        previous,
        year_ago,
        target,
        to_target,
        status,
        trend: trend(m, q),
    }
}

fn diff(now: &Figure, before: &Figure) -> Figure {
    match (now, before) {
        (Ok(a), Ok(b)) => a
            .checked_sub(*b)
            .ok_or_else(|| NotAvailable("the numbers are too large".into())),
        (Err(e), _) | (_, Err(e)) => Err(e.clone()),
    }
}

fn ratio(now: &Figure, before: &Figure) -> Figure {
    let d = diff(now, before)?;
    let base = before.as_ref().map_err(Clone::clone)?;
    d.checked_div(base.abs())
        .ok_or_else(|| NotAvailable("the numbers are too large".into()))
}

fn change(now: &Figure, before: &Figure, before_q: Quarter) -> Change {
    Change {
        abs: diff(now, before),
        ratio: match (now, before) {
            (Ok(_), Ok(b)) if b.is_zero() => na(format!(
                "the {before_q} value is zero, so a percent change is undefined"
            )),
            _ => ratio(now, before),
        },
    }
}

/// On track when the target is met; at risk within `tolerance` (a fraction
/// of the target) on the wrong side; off track beyond. A target of zero has
/// no band: anything on the wrong side of it is off track.
pub fn status(value: Decimal, target: Decimal, better: Better, tolerance: Decimal) -> Status {
    let band = target.abs().checked_mul(tolerance).unwrap_or(Decimal::ZERO);
    let (met, near) = match better {
        Better::Lower => (
            value <= target,
            target.checked_add(band).is_some_and(|edge| value <= edge),
        ),
        Better::Higher => (
            value >= target,
            target.checked_sub(band).is_some_and(|edge| value >= edge),
        ),
    };
    if met {
        Status::OnTrack
    } else if near {
        Status::AtRisk
    } else {
        Status::OffTrack
    }
}

/// The last [`TREND_QUARTERS`] quarters and which way they went, comparing
/// the first and last value of the window.
pub fn trend(m: &Metric, q: Quarter) -> Trend {
    let points: Vec<(Quarter, Option<Decimal>)> = (1 - TREND_QUARTERS..=0)
        .map(|i| q.offset(i))
        .map(|x| (x, m.value(x)))
        .collect();
    let present: Vec<Decimal> = points.iter().filter_map(|(_, v)| *v).collect();
    let direction = match (present.first(), present.last()) {
        (Some(&first), Some(&last)) if present.len() >= 2 => {
            let delta = last.checked_sub(first).unwrap_or(Decimal::ZERO);
            let one_percent = first.abs().checked_div(Decimal::HUNDRED).unwrap_or(Decimal::ZERO);
            if delta.abs() <= one_percent {
                Direction::Flat
            } else {
                let up = !delta.is_negative();
                match (m.better, up) {
                    (Some(Better::Higher), true) | (Some(Better::Lower), false) => Direction::Improving,
                    (Some(_), _) => Direction::Worsening,
                    (None, true) => Direction::Up,
                    (None, false) => Direction::Down,
                }
            }
        }
        _ => Direction::Unknown,
    };
    Trend { points, direction }
}

/// How far a goal's key result has come.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub target: Figure,
    pub by: Option<Quarter>,
    /// The first value of the series: where the work started.
    pub baseline: Option<(Quarter, Decimal)>,
    /// The latest value up to the quarter asked about.
    pub current: Option<(Quarter, Decimal)>,
    /// Share of the way from the baseline to the target (may be below 0 or above 1).
    pub share: Figure,
    pub status: Result<Status, NotAvailable>,
    /// The status is measured against the straight path to the target
    /// (before `by`), not against the target itself.
    pub against_path: bool,
}

/// Progress of a key result on metric `m` towards `target` (or the metric's
/// own target) by quarter `by`, as of quarter `as_of` (or the latest data).
///
/// Status: met targets are on track. Before the `by` quarter, the value is
/// compared with the straight path from the baseline to the target, so a
/// goal two years out is not off track in its first quarter. At or after
/// `by` (or without one) the value is compared with the target itself.
pub fn progress(
    m: &Metric,
    target: Option<Decimal>,
    by: Option<Quarter>,
    as_of: Option<Quarter>,
    default_tolerance: Decimal,
) -> Progress {
    let current = m
        .values
        .range(..=as_of.unwrap_or(Quarter { year: i16::MAX, q: 4 }))
        .next_back()
        .map(|(q, v)| (*q, *v));
    let baseline = m.values.iter().next().map(|(q, v)| (*q, *v));
    let target = match target {
        Some(t) => Ok(t),
        None => {
            let q = by.or(current.map(|c| c.0));
            match q.and_then(|q| m.target_for(q)) {
                Some(t) => Ok(t),
                None => na("no target set for this key result or its metric"),
            }
        }
    };
    let tolerance = m.tolerance_or(default_tolerance);
    let share = match (&target, baseline, current) {
        (Err(e), _, _) => Err(e.clone()),
        (_, None, _) | (_, _, None) => na("the metric has no values yet"),
        (Ok(t), Some((_, b)), Some((_, c))) => {
            let span = t.checked_sub(b);
            match span {
                Some(s) if s.is_zero() => na("the target equals the starting value"),
                Some(s) => c
                    .checked_sub(b)
                    .and_then(|done| done.checked_div(s))
                    .ok_or_else(|| NotAvailable("the numbers are too large".into())),
                None => na("the numbers are too large"),
            }
        }
    };
    let status = match (&target, m.better, baseline, current) {
        (Err(e), ..) => Err(e.clone()),
        (_, None, ..) => na("no `better:` direction set on the metric"),
        (_, _, _, None) | (_, _, None, _) => na("the metric has no values yet"),
        (Ok(t), Some(better), Some((bq, bv)), Some((cq, cv))) => {
            let final_status = status(cv, *t, better, tolerance);
            match by {
                Some(by) if cq < by && final_status != Status::OnTrack => {
                    let expected = on_path(bq, bv, by, *t, cq);
                    Ok(status(cv, expected, better, tolerance))
                }
                _ => Ok(final_status),
            }
        }
    };
    Progress {
        target,
        against_path: by.is_some_and(|b| current.is_none_or(|(cq, _)| cq < b)),
        by,
        baseline,
        current,
        share,
        status,
    }
}

/// The value on the straight line from (`from`, `start`) to (`to`, `end`) at quarter `at`.
fn on_path(from: Quarter, start: Decimal, to: Quarter, end: Decimal, at: Quarter) -> Decimal {
    let index = |q: Quarter| i64::from(q.year) * 4 + i64::from(q.q);
    let total = index(to) - index(from);
    if total <= 0 {
        return end;
    }
    let done = (index(at) - index(from)).clamp(0, total);
    let part = Decimal::from_int(done)
        .checked_div(Decimal::from_int(total))
        .unwrap_or(Decimal::ONE);
    end.checked_sub(start)
        .and_then(|span| span.checked_mul(part))
        .and_then(|moved| start.checked_add(moved))
        .unwrap_or(end)
}

/// The worst status of several, or the first reason when none is known.
pub fn overall<'a>(
    statuses: impl IntoIterator<Item = &'a Result<Status, NotAvailable>>,
) -> Result<Status, NotAvailable> {
    let mut worst: Option<Status> = None;
    let mut any = false;
    for s in statuses {
        any = true;
        if let Ok(s) = s {
            worst = Some(worst.map_or(*s, |w| w.max(*s)));
        }
    }
    match (worst, any) {
        (Some(w), _) => Ok(w),
        (None, true) => na("no key result has a status yet"),
        (None, false) => na("the goal has no key results"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::file;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    fn q(s: &str) -> Quarter {
        s.parse().unwrap()
    }

    fn metric(text: &str) -> Metric {
        let (m, diags) = file::parse("m", "content/metrics/m.yaml", text);
        m.unwrap_or_else(|| panic!("{diags:#?}"))
    }

    fn tol() -> Decimal {
        d("0.05")
    }

    const SPEND: &str = "unit: USD\nbetter: lower\ntarget: 1250000\nvalues:
  2025-Q3: 1585000
  2025-Q4: 1512000
  2026-Q1: 1448000
  2026-Q2: 1417000
  2026-Q3: 1302000
";

    #[test]
    fn latest_quarter_on_quarter_and_year_on_year() {
        let k = kpi(&metric(SPEND), q("2026-Q3"), tol());
        assert_eq!(k.value, Ok(d("1302000")));
        assert_eq!(k.previous, Ok(d("1417000")));
        assert_eq!(k.qoq.abs, Ok(d("-115000")));
        // −115000 / 1417000 = −0.081157374…
        assert_eq!(k.qoq.ratio, Ok(d("-0.081157375")));
        assert_eq!(k.yoy.abs, Ok(d("-283000")));
        assert_eq!(k.yoy.ratio.unwrap().round(4), d("-0.1785"));
        assert_eq!(k.to_target.abs, Ok(d("52000")));
        assert_eq!(k.to_target.ratio, Ok(d("0.0416")));
        assert_eq!(k.status, Ok(Status::AtRisk), "4.2% over a 5% band");
    }

    #[test]
    fn missing_quarters_are_not_available_with_a_reason() {
        let m = metric(SPEND);
        let k = kpi(&m, q("2025-Q3"), tol());
        assert_eq!(
            k.previous,
            Err(NotAvailable("no value for 2025-Q2, the quarter before".into()))
        );
        assert_eq!(k.qoq.abs, k.previous);
        assert_eq!(
            k.yoy.ratio,
            Err(NotAvailable("no value for 2024-Q3, a year earlier".into()))
        );
        let k = kpi(&m, q("2026-Q4"), tol());
        assert_eq!(k.value, Err(NotAvailable("no value for 2026-Q4".into())));
        assert_eq!(k.status, Err(NotAvailable("no value for 2026-Q4".into())));
        assert!(k.qoq.ratio.is_err());
    }

    #[test]
    fn a_target_of_zero() {
        let m = metric("unit: count\nbetter: lower\ntarget: 0\nvalues: {2026-Q2: 0, 2026-Q3: 2}\n");
        let k = kpi(&m, q("2026-Q3"), tol());
        assert_eq!(k.to_target.abs, Ok(d("2")));
        assert_eq!(
            k.to_target.ratio,
            Err(NotAvailable(
                "the target is zero, so a distance in percent is undefined".into()
            ))
        );
        assert_eq!(k.status, Ok(Status::OffTrack), "no band around zero");
        assert_eq!(
            k.qoq.ratio,
            Err(NotAvailable(
                "the 2026-Q2 value is zero, so a percent change is undefined".into()
            ))
        );
        assert_eq!(kpi(&m, q("2026-Q2"), tol()).status, Ok(Status::OnTrack));
    }

    #[test]
    fn no_target_no_status() {
        let m = metric("unit: count\nvalues: {2026-Q3: 2}\n");
        let k = kpi(&m, q("2026-Q3"), tol());
        assert_eq!(k.target, Err(NotAvailable("no target set".into())));
        assert_eq!(k.status, Err(NotAvailable("no target set".into())));
        let m = metric("unit: count\nbetter: higher\ntarget: {2026-Q4: 3}\nvalues: {2026-Q3: 2}\n");
        assert_eq!(
            kpi(&m, q("2026-Q3"), tol()).target,
            Err(NotAvailable("no target set for 2026-Q3".into()))
        );
    }

    #[test]
    fn statuses_honour_better_and_tolerance() {
        let cases = [
            // value, target, better, tolerance, want
            ("100", "100", Better::Lower, "0.05", Status::OnTrack),
            ("105", "100", Better::Lower, "0.05", Status::AtRisk),
            ("105.01", "100", Better::Lower, "0.05", Status::OffTrack),
            ("95", "100", Better::Higher, "0.05", Status::AtRisk),
            ("94.99", "100", Better::Higher, "0.05", Status::OffTrack),
            ("101", "100", Better::Higher, "0", Status::OnTrack),
            ("99.99", "100", Better::Higher, "0", Status::OffTrack),
            ("108", "100", Better::Lower, "0.1", Status::AtRisk),
            // A negative target (a net recovery) keeps the band on the right side.
            ("-95", "-100", Better::Lower, "0.1", Status::AtRisk),
            ("-80", "-100", Better::Lower, "0.1", Status::OffTrack),
        ];
        for (v, t, b, tol, want) in cases {
            assert_eq!(status(d(v), d(t), b, d(tol)), want, "{v} vs {t} {b:?} ±{tol}");
        }
    }

    #[test]
    fn per_metric_tolerance_overrides_the_default() {
        let m = metric("unit: days\nbetter: lower\ntolerance: 0.2\ntarget: 10\nvalues: {2026-Q3: 11.5}\n");
        assert_eq!(kpi(&m, q("2026-Q3"), tol()).status, Ok(Status::AtRisk));
        let m = metric("unit: days\nbetter: lower\ntarget: 10\nvalues: {2026-Q3: 11.5}\n");
        assert_eq!(kpi(&m, q("2026-Q3"), tol()).status, Ok(Status::OffTrack));
    }

    #[test]
    fn trend_over_four_quarters() {
        let m = metric(SPEND);
        let t = trend(&m, q("2026-Q3"));
        assert_eq!(
            t.points.iter().map(|p| p.0.to_string()).collect::<Vec<_>>(),
            ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
        );
        assert_eq!(t.direction, Direction::Improving);
        let up = metric("unit: count\nvalues: {2026-Q1: 100, 2026-Q3: 120}\n");
        assert_eq!(trend(&up, q("2026-Q3")).direction, Direction::Up);
        assert_eq!(
            trend(&up, q("2026-Q3")).points[2].1,
            None,
            "a missing quarter stays a hole"
        );
        let flat = metric("unit: count\nbetter: higher\nvalues: {2026-Q2: 1000, 2026-Q3: 1010}\n");
        assert_eq!(trend(&flat, q("2026-Q3")).direction, Direction::Flat);
        assert_eq!(trend(&flat, q("2026-Q2")).direction, Direction::Unknown);
    }

    const CYCLE: &str = "unit: days\nbetter: lower\nvalues:
  2025-Q3: 24
  2025-Q4: 22
  2026-Q1: 20
  2026-Q2: 18
";

    #[test]
    fn key_result_progress_from_the_first_value() {
        let m = metric(CYCLE);
        let p = progress(&m, Some(d("10")), Some(q("2026-Q4")), None, tol());
        assert_eq!(p.baseline, Some((q("2025-Q3"), d("24"))));
        assert_eq!(p.current, Some((q("2026-Q2"), d("18"))));
        // (18 − 24) / (10 − 24) = 6/14
        assert_eq!(p.share, Ok(d("0.428571429")));
        // On the path 24 → 10 over 5 quarters, 3 quarters in: 15.6; 18 is off.
        assert_eq!(p.status, Ok(Status::OffTrack));
        let p = progress(&m, Some(d("17.5")), Some(q("2027-Q4")), None, tol());
        // Path 24 → 17.5 over 9 quarters, 3 in: 21.83…; 18 is ahead of it.
        assert_eq!(p.status, Ok(Status::OnTrack));
    }

    #[test]
    fn key_result_as_of_an_earlier_quarter_and_edge_cases() {
        let m = metric(CYCLE);
        let p = progress(&m, Some(d("20")), None, Some(q("2025-Q4")), tol());
        assert_eq!(p.current, Some((q("2025-Q4"), d("22"))));
        assert_eq!(p.status, Ok(Status::OffTrack));
        let p = progress(&m, Some(d("24")), None, None, tol());
        assert_eq!(
            p.share,
            Err(NotAvailable("the target equals the starting value".into()))
        );
        let p = progress(&m, None, None, None, tol());
        assert!(p.target.is_err() && p.status.is_err());
    }

    #[test]
    fn overall_is_the_worst() {
        let on = Ok(Status::OnTrack);
        let risk = Ok(Status::AtRisk);
        let unknown = na("x");
        assert_eq!(overall([&on, &risk, &unknown]), Ok(Status::AtRisk));
        assert!(overall([&unknown]).is_err());
        assert!(overall(std::iter::empty()).is_err());
    }
}
