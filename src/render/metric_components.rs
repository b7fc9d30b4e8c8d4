//! The metric components: `chart`, `kpi`, `kpi_table` and `goal_status`.
//! Each checks its arguments (unknown metrics and goals get a did-you-mean)
//! and returns the `data` its template renders. Quarters default to the
//! page's own (a report's `quarter:`), so a report built later still shows
//! its quarter and no data from after it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::args::{known, list_arg, string_arg};
use super::metric_views::{self as views, quarter_range, series, target_series};
use super::report::AsOf;
use crate::chart::{self, Frame, Series};
use crate::diag::suggest;
use crate::metrics::{Decimal, Metric, Unit, format};
use crate::model::{PageId, Site};
use crate::parse::markdown::PlacedCall;
use crate::quarter::Quarter;

type Args = BTreeMap<String, Value>;

/// Quarters a chart shows when the call does not say.
const DEFAULT_QUARTERS: usize = 8;

pub const CHART_KINDS: &[&str] = &["trend", "bar", "breakdown", "sparkline", "compare"];

fn metric<'a>(site: &'a Site, id: &str) -> Result<&'a Metric, String> {
    site.metrics.get(id).ok_or_else(|| {
        let list = if site.metrics.is_empty() {
            "there are no metrics yet: add `content/metrics/<id>.yaml`".to_string()
        } else {
            format!(
                "metrics are the files in content/metrics/: {}",
                site.metrics.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        };
        format!(
            "unknown metric `{id}`; {}",
            suggest(id, site.metrics.keys().map(String::as_str), &list)
        )
    })
}

fn quarter_arg(site: &Site, page: PageId, args: &Args) -> Result<Option<Quarter>, String> {
    match string_arg(args, "quarter")? {
        None => Ok(None),
        Some(s) => {
            let q = s
                .parse::<Quarter>()
                .map_err(|e| format!("argument `quarter`: {}", e.0))?;
            within_report(site, page, q)?;
            Ok(Some(q))
        }
    }
}

/// A report shows what was known by its quarter: asking it for a later one
/// would make it change as data comes in.
fn within_report(site: &Site, page: PageId, q: Quarter) -> Result<(), String> {
    match views::page_quarter(site, page) {
        Some(r) if q > r => {
            let qf = &site.config.quarter_format;
            Err(format!(
                "this report is as of {}, so it cannot show {}; ask for {} or earlier, or show later figures in a later report",
                qf.label(r),
                qf.label(q),
                qf.label(r)
            ))
        }
        _ => Ok(()),
    }
}

/// The quarter a call is about: its `quarter=`, the page's, or the latest data.
fn quarter_for<'a>(
    site: &Site,
    page: PageId,
    args: &Args,
    metrics: impl IntoIterator<Item = &'a Metric>,
) -> Result<Quarter, String> {
    if let Some(q) = quarter_arg(site, page, args)? {
        return Ok(q);
    }
    if let Some(q) = views::page_quarter(site, page) {
        return Ok(q);
    }
    views::latest_of(metrics).ok_or_else(|| "the metric has no values yet, so there is no quarter to show".to_string())
}

/// `quarters=8`, `quarters="2025-Q1..2026-Q3"` or `quarters="all"`, ending at `end`.
fn quarters_arg(
    site: &Site,
    page: PageId,
    args: &Args,
    end: Quarter,
    metrics: &[&Metric],
) -> Result<Vec<Quarter>, String> {
    let help = "write `quarters=8` for the last 8 quarters, `quarters=\"2025-Q1..2026-Q3\"`, or `quarters=\"all\"`";
    let last_n = |n: usize| quarter_range(end.offset(1 - n as i32), end);
    match args.get("quarters") {
        None => Ok(last_n(DEFAULT_QUARTERS)),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(n @ 1..=40) => Ok(last_n(n as usize)),
            _ => Err(format!(
                "argument `quarters` must be a whole number from 1 to 40, not {n}; {help}"
            )),
        },
        Some(Value::String(s)) if s == "all" => {
            let first = metrics
                .iter()
                .filter_map(|m| m.values.keys().next().copied())
                .min()
                .unwrap_or(end);
            Ok(quarter_range(first.min(end), end))
        }
        Some(Value::String(s)) => {
            let (a, b) = s
                .split_once("..")
                .ok_or_else(|| format!("argument `quarters` is `{s}`; {help}"))?;
            let a: Quarter = a
                .trim()
                .parse()
                .map_err(|e: crate::quarter::QuarterError| format!("argument `quarters`: {}", e.0))?;
            let b: Quarter = b
                .trim()
                .parse()
                .map_err(|e: crate::quarter::QuarterError| format!("argument `quarters`: {}", e.0))?;
            if a > b {
                return Err(format!("argument `quarters` runs backwards: {a} is after {b}"));
            }
            within_report(site, page, b)?;
            let range = quarter_range(a, b);
            if range.len() > 40 {
                return Err(format!(
                    "argument `quarters` spans {} quarters; charts show at most 40",
                    range.len()
                ));
            }
            Ok(range)
        }
        Some(other) => Err(format!(
            "argument `quarters` must be a number or text, found `{other}`; {help}"
        )),
    }
}

/// The chart's element id: the one the model checks links against.
fn chart_id(call: &PlacedCall) -> String {
    let p = &call.position;
    crate::parse::components::element_id(&call.call, p.line, p.column).unwrap_or_default()
}

/// An id unique on the page: the call's line and column make it so.
fn call_id(call: &PlacedCall, parts: &[&str]) -> String {
    let at = format!("l{}c{}", call.position.line, call.position.column);
    let mut all: Vec<&str> = parts.to_vec();
    all.push(&at);
    chart::id_from(&all)
}

/// A chart as `components/chart.html` shows it: drawn for wide screens and
/// print, drawn again for phones, its data as a table, and the CSV of each
/// metric it draws.
pub fn chart_data(
    frame: &Frame,
    title: &str,
    kind: &str,
    metrics: &[&Metric],
    draw: impl Fn(&Frame) -> Result<chart::Chart, chart::ChartError>,
) -> Result<Value, String> {
    let wide = draw(frame).map_err(|e| e.to_string())?;
    let compact = draw(&frame.compact()).map_err(|e| e.to_string())?;
    let links = |m: &&Metric| json!({ "id": m.id, "title": m.title, "url": views::metric_url(&m.id) });
    let csv = |m: &&Metric| json!({ "title": m.title, "url": super::metric_pages::csv_path(&m.id) });
    Ok(json!({
        "id": frame.id,
        "kind": kind,
        "title": title,
        "desc": frame.desc,
        "svg": wide.svg,
        "svg_compact": compact.svg,
        "table": wide.table,
        "metrics": metrics.iter().map(links).collect::<Vec<_>>(),
        "csv": metrics.iter().map(csv).collect::<Vec<_>>(),
    }))
}

/// The frame every chart of `site` starts from.
pub fn frame(site: &Site, id: String, title: String, desc: String, unit: Unit) -> Frame {
    Frame {
        id,
        title,
        desc,
        unit,
        quarters: site.config.quarter_format.clone(),
        compact: false,
    }
}

/// `{{ chart(metric="…", kind="trend", quarters=8) }}`, or `metrics=[…]` with `kind="compare"`.
pub fn chart(site: &Site, page: PageId, call: &PlacedCall) -> Result<Value, String> {
    let args = &call.call.args;
    let kind = string_arg(args, "kind")?.unwrap_or(if args.contains_key("metrics") {
        "compare"
    } else {
        "trend"
    });
    if !CHART_KINDS.contains(&kind) {
        return Err(format!(
            "unknown chart kind `{kind}`; {}",
            suggest(
                kind,
                CHART_KINDS.iter().copied(),
                &format!("kinds: {}", CHART_KINDS.join(", "))
            )
        ));
    }
    if kind == "compare" {
        return compare(site, page, call);
    }
    if args.contains_key("metrics") {
        return Err(format!(
            "`metrics=[…]` is for `kind=\"compare\"`; a {kind} chart takes one `metric=\"…\"`"
        ));
    }
    let id = string_arg(args, "metric")?
        .ok_or("a chart needs `metric=\"<id>\"` (or `metrics=[…]` with `kind=\"compare\"`)")?;
    let m = metric(site, id)?;
    let title = string_arg(args, "title")?.map_or_else(|| m.title.clone(), str::to_string);
    let end = quarter_for(site, page, args, [m])?;
    let frame_id = chart_id(call);
    if kind == "breakdown" {
        return breakdown(site, page, call, m, &title, frame_id);
    }
    let quarters = quarters_arg(site, page, args, end, &[m])?;
    let actual = series(m, &quarters, &m.title);
    let target = target_series(m, &quarters);
    let desc = describe(site, m, &quarters, &actual, target.as_ref());
    let frame = frame(site, frame_id, title.clone(), desc, m.unit);
    let target_now = m.target_for(end);
    chart_data(&frame, &title, kind, &[m], |f| match kind {
        "bar" => chart::bars(f, &quarters, &actual, target.as_ref()),
        "sparkline" => chart::sparkline(f, &quarters, &actual, target_now),
        _ => chart::trend(f, &quarters, &actual, target.as_ref()),
    })
}

/// A sentence a screen reader can use in place of the picture.
pub fn describe(site: &Site, m: &Metric, quarters: &[Quarter], actual: &Series, target: Option<&Series>) -> String {
    let (Some(first), Some(last)) = (quarters.first(), quarters.last()) else {
        return m.title.clone();
    };
    let label = |q: Quarter| views::label(site, q);
    let mut s = format!(
        "{} ({}) by quarter, {} to {}.",
        m.title,
        m.unit.id(),
        label(*first),
        label(*last)
    );
    let present: Vec<(Quarter, Decimal)> = quarters
        .iter()
        .zip(&actual.values)
        .filter_map(|(q, v)| v.map(|v| (*q, v)))
        .collect();
    match (present.first(), present.last()) {
        (Some(&(fq, fv)), Some(&(lq, lv))) if fq != lq => {
            let change = lv.checked_sub(fv).unwrap_or(Decimal::ZERO);
            let word = if change.is_zero() {
                "unchanged"
            } else if change.is_negative() {
                "down"
            } else {
                "up"
            };
            s.push_str(&format!(
                " From {} in {} to {} in {}, {word}{}.",
                format::value(m.unit, fv),
                label(fq),
                format::value(m.unit, lv),
                label(lq),
                if change.is_zero() {
                    String::new()
                } else {
                    format!(" {}", format::value(m.unit, change.abs()))
                }
            ));
        }
        (Some(&(q, v)), _) => s.push_str(&format!(" One value: {} in {}.", format::value(m.unit, v), label(q))),
        _ => s.push_str(" No values in this period."),
    }
    if let Some(t) = target.and_then(|t| t.values.last().copied().flatten()) {
        s.push_str(&format!(" Target for {}: {}.", label(*last), format::value(m.unit, t)));
    }
    s
}

fn breakdown(
    site: &Site,
    page: PageId,
    call: &PlacedCall,
    m: &Metric,
    title: &str,
    frame_id: String,
) -> Result<Value, String> {
    let args = &call.call.args;
    if m.breakdown.is_empty() {
        return Err(format!(
            "metric `{}` has no `breakdown:`; add one per quarter to its file, or use `kind=\"trend\"`",
            m.id
        ));
    }
    // One quarter asked for: horizontal bars of its parts.
    let single = match quarter_arg(site, page, args)? {
        Some(q) => Some(q),
        None if !args.contains_key("quarters") => {
            // Stacked over the range ending at the page's quarter; if only one
            // quarter in it has a breakdown, show that one as bars.
            let end = quarter_for(site, page, args, [m])?;
            let range = quarters_arg(site, page, args, end, &[m])?;
            let with: Vec<Quarter> = range.iter().copied().filter(|q| m.breakdown.contains_key(q)).collect();
            (with.len() == 1).then(|| with[0])
        }
        None => None,
    };
    if let Some(q) = single {
        let parts = m.breakdown.get(&q).ok_or_else(|| {
            let have: Vec<String> = m.breakdown.keys().map(ToString::to_string).collect();
            format!(
                "metric `{}` has no breakdown for {q}; it has one for {}",
                m.id,
                have.join(", ")
            )
        })?;
        let largest = parts
            .iter()
            .max_by_key(|p| p.1)
            .map(|p| format!(" The largest part is {} at {}.", p.0, format::value(m.unit, p.1)))
            .unwrap_or_default();
        let desc = format!(
            "{} ({}) in {} by category: {}.{largest}",
            m.title,
            m.unit.id(),
            views::label(site, q),
            parts
                .iter()
                .map(|(c, v)| format!("{c} {}", format::value(m.unit, *v)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let frame = frame(
            site,
            frame_id,
            format!("{title}, {}", views::label(site, q)),
            desc,
            m.unit,
        );
        return chart_data(&frame, &frame.title, "breakdown", &[m], |f| chart::horizontal(f, parts));
    }
    let end = quarter_for(site, page, args, [m])?;
    let range = quarters_arg(site, page, args, end, &[m])?;
    let quarters: Vec<Quarter> = range.into_iter().filter(|q| m.breakdown.contains_key(q)).collect();
    if quarters.is_empty() {
        return Err(format!(
            "metric `{}` has no breakdown in the quarters asked for; pick them with `quarters=`",
            m.id
        ));
    }
    let parts = views::breakdown_series(m, &quarters);
    let desc = format!(
        "{} ({}) by category, stacked for each quarter from {} to {}; categories: {}.",
        m.title,
        m.unit.id(),
        views::label(site, quarters[0]),
        views::label(site, quarters[quarters.len() - 1]),
        m.categories().join(", ")
    );
    let frame = frame(site, frame_id, format!("{title} by category"), desc, m.unit);
    chart_data(&frame, &frame.title, "breakdown", &[m], |f| {
        chart::stacked(f, &quarters, &parts)
    })
}

/// Several metrics over the same quarters. With one unit they share an
/// axis; with different units each is indexed to 100 at the first quarter
/// they all have, and the description says so.
fn compare(site: &Site, page: PageId, call: &PlacedCall) -> Result<Value, String> {
    let args = &call.call.args;
    if args.contains_key("metric") {
        return Err("a compare chart takes `metrics=[\"a\", \"b\"]`, not `metric=`".into());
    }
    let ids = list_arg(args, "metrics")?.ok_or("a compare chart needs `metrics=[\"a\", \"b\"]`")?;
    if ids.len() < 2 {
        return Err("a compare chart needs at least two metrics in `metrics=[…]`".into());
    }
    let ms: Vec<&Metric> = ids.iter().map(|id| metric(site, id)).collect::<Result<_, _>>()?;
    let end = quarter_for(site, page, args, ms.iter().copied())?;
    let quarters = quarters_arg(site, page, args, end, &ms)?;
    let same_unit = ms.iter().all(|m| m.unit == ms[0].unit);
    let mut all: Vec<Series> = ms.iter().map(|m| series(m, &quarters, &m.title)).collect();
    let (unit, note) = if same_unit {
        (ms[0].unit, String::new())
    } else {
        let base = (0..quarters.len()).find(|&i| all.iter().all(|s| s.values[i].is_some_and(|v| !v.is_zero())));
        let Some(base) = base else {
            return Err(
                "these metrics have different units and no quarter where all have a value, so they cannot be compared"
                    .into(),
            );
        };
        for s in &mut all {
            let b = s.values[base].unwrap_or(Decimal::ONE);
            for v in s.values.iter_mut() {
                *v = v
                    .and_then(|v| v.checked_mul(Decimal::HUNDRED))
                    .and_then(|v| v.checked_div(b))
                    .map(|v| v.round(1));
            }
        }
        (
            Unit::Ratio,
            format!(
                " Different units, so each is indexed to 100 in {}.",
                views::label(site, quarters[base])
            ),
        )
    };
    let title = string_arg(args, "title")?.map_or_else(
        || ms.iter().map(|m| m.title.as_str()).collect::<Vec<_>>().join(" and "),
        str::to_string,
    );
    let latest: Vec<String> = ms
        .iter()
        .zip(&all)
        .filter_map(|(m, s)| {
            s.values
                .iter()
                .rev()
                .flatten()
                .next()
                .map(|v| format!("{} {}", m.title, format::value(unit, *v)))
        })
        .collect();
    let desc = format!(
        "{} by quarter, {} to {}.{note} Latest: {}.",
        ms.iter().map(|m| m.title.as_str()).collect::<Vec<_>>().join(", "),
        views::label(site, quarters[0]),
        views::label(site, quarters[quarters.len() - 1]),
        latest.join("; ")
    );
    let frame = frame(site, chart_id(call), title.clone(), desc, unit);
    chart_data(&frame, &title, "compare", &ms, |f| chart::compare(f, &quarters, &all))
}

/// `{{ kpi(metric="…", quarter="2026-Q3") }}`: one metric's tile.
pub fn kpi(site: &Site, page: PageId, call: &PlacedCall, as_of: Option<&AsOf>) -> Result<Value, String> {
    let args = &call.call.args;
    let id = string_arg(args, "metric")?.ok_or("a KPI tile needs `metric=\"<id>\"`")?;
    let m = metric(site, id)?;
    let q = quarter_for(site, page, args, [m])?;
    let mut view = views::kpi_view(site, m, q, &call_id(call, &["kpi"]));
    if let Some(a) = as_of {
        a.annotate_one(&mut view);
    }
    Ok(json!({ "kpi": view, "title": string_arg(args, "title")? }))
}

/// `{{ kpi_table(metrics=[…] | goal="…" | owner="…", quarter="…") }}`;
/// without a selector, every metric.
pub fn kpi_table(site: &Site, page: PageId, call: &PlacedCall, as_of: Option<&AsOf>) -> Result<Value, String> {
    let args = &call.call.args;
    let selectors: Vec<&str> = ["metrics", "goal", "owner"]
        .into_iter()
        .filter(|k| args.contains_key(*k))
        .collect();
    if selectors.len() > 1 {
        return Err(format!(
            "use one of `metrics`, `goal` or `owner`, not {}",
            selectors
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    }
    let ms: Vec<&Metric> = if let Some(ids) = list_arg(args, "metrics")? {
        ids.iter().map(|id| metric(site, id)).collect::<Result<_, _>>()?
    } else if let Some(goal) = string_arg(args, "goal")? {
        let &gp = known(&site.goals, goal, "goal")?;
        metrics_of_goal(site, goal, gp)
    } else if let Some(owner) = string_arg(args, "owner")? {
        known(&site.roles, owner, "role")?;
        views::by_title(
            site.metrics
                .values()
                .filter(|m| m.owner.as_ref().is_some_and(|o| o.id == owner)),
        )
    } else {
        views::by_title(site.metrics.values())
    };
    let q = quarter_for(site, page, args, ms.iter().copied())?;
    let table = super::report::annotated(as_of, views::kpi_table(site, &ms, q, &call_id(call, &["kpis"])));
    Ok(json!({ "kpis": table, "title": string_arg(args, "title")? }))
}

/// The metrics of a goal: its key results' metrics, then those naming it as `goal:`.
pub fn metrics_of_goal<'a>(site: &'a Site, goal: &str, page: PageId) -> Vec<&'a Metric> {
    let mut out: Vec<&Metric> = Vec::new();
    for kr in &site.page(page).front().key_results {
        if let Some(m) = site.metrics.get(&kr.metric.id)
            && !out.iter().any(|x| x.id == m.id)
        {
            out.push(m);
        }
    }
    for m in site.metrics.values() {
        if m.goal.as_ref().is_some_and(|g| g.id == goal) && !out.iter().any(|x| x.id == m.id) {
            out.push(m);
        }
    }
    out
}

/// `{{ goal_status(goal="…") }}`: a goal's card with its key results.
pub fn goal_status(site: &Site, page: PageId, call: &PlacedCall, as_of: Option<&AsOf>) -> Result<Value, String> {
    let args = &call.call.args;
    let goal = string_arg(args, "goal")?.ok_or("a goal card needs `goal=\"<id>\"`")?;
    known(&site.goals, goal, "goal")?;
    let q = quarter_arg(site, page, args)?;
    // In a report, the goal as it stood on its day, unless another quarter is asked for.
    let then = as_of
        .filter(|a| q.is_none_or(|q| q == a.quarter))
        .and_then(|a| a.goal(goal));
    if let Some(view) = then {
        return Ok(json!({ "goal": view }));
    }
    let q = q.or_else(|| views::page_quarter(site, page));
    let view = views::goal_progress(site, goal, q).ok_or_else(|| format!("unknown goal `{goal}`"))?;
    Ok(json!({ "goal": view }))
}
