//! What the render stage writes for metrics besides components: a page per
//! metric (`metrics/<id>/`), an index of all metrics (`metrics/`), the
//! `metrics.json` export and a CSV per metric (`metrics/<id>.csv`) so
//! finance can reuse the exact numbers.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::metric_components;
use super::metric_views::{
    self as views, ChangeView, FigureView, KpiTable, KpiView, StatusBadge, quarter_range, series, target_series,
};
use super::theme::Theme;
use super::{OutputFile, output_path};
use crate::chart;
use crate::diag::Diagnostic;
use crate::metrics::compute::{self, Change};
use crate::metrics::{Decimal, Metric, Target, format};
use crate::model::Site;
use crate::quarter::Quarter;

pub const INDEX_URL: &str = "metrics/";
pub const JSON_PATH: &str = "metrics.json";

pub fn csv_path(id: &str) -> String {
    format!("metrics/{id}.csv")
}

/// Every quarter from a metric's first value to its last: its history. A
/// target set for a later quarter is no row of it (see [`target_note`]).
fn quarters_of(m: &Metric) -> Vec<Quarter> {
    match (m.values.keys().next(), m.values.keys().next_back()) {
        (Some(&a), Some(&b)) => quarter_range(a, b),
        _ => Vec::new(),
    }
}

/// One row of a metric page's table.
#[derive(Debug, Clone, Serialize)]
struct QuarterRow {
    quarter: Quarter,
    quarter_label: String,
    value: FigureView,
    target: FigureView,
    qoq: ChangeView,
    yoy: ChangeView,
    status: StatusBadge,
}

/// The page of the metrics `shows`: marked for the strictest audience among them.
fn page_json(
    site: &Site,
    shows: &[&Metric],
    title: &str,
    description: Option<&str>,
    url: &str,
    crumbs: Value,
) -> Value {
    let audience = super::print::strictest(
        site,
        shows.iter().map(|m| {
            m.audience
                .as_ref()
                .map_or(site.config.default_audience.as_str(), |a| a.id.as_str())
        }),
    );
    json!({
        "title": title, "description": description, "url": url, "kind": "page",
        "is_home": false, "is_section": false, "section": null, "section_pages": [], "section_more": 0,
        "toc": [], "breadcrumbs": crumbs, "content": "",
        "marking": super::print::marking(site, audience),
    })
}

/// The metric pages, the index, the JSON export and the CSVs.
pub fn files(site: &Site, theme: &Theme, diags: &mut crate::diag::Diagnostics) -> Vec<OutputFile> {
    let mut out = Vec::new();
    if site.metrics.is_empty() {
        return out;
    }
    let tolerance = views::tolerance(site);
    let root = super::context::root_for(INDEX_URL);
    let metrics: Vec<&Metric> = views::by_title(site.metrics.values());
    // The index: every metric at the latest quarter any has.
    if let Some(q) = views::latest_of(metrics.iter().copied()) {
        let table: KpiTable = views::kpi_table(site, &metrics, q, "index");
        let mut ctx = theme.context();
        ctx.insert("root", &root);
        ctx.insert(
            "page",
            &page_json(
                site,
                &metrics,
                "Metrics",
                Some("Every metric with its latest figures, trend and status."),
                INDEX_URL,
                json!([]),
            ),
        );
        ctx.insert("kpis", &table);
        match theme.render("metrics.html", &ctx, None) {
            Ok(html) => out.push(OutputFile::text(output_path(INDEX_URL), html)),
            Err(d) => diags.push(d),
        }
    }
    for m in &metrics {
        match metric_page(site, theme, m) {
            Ok(f) => out.push(f),
            Err(d) => diags.push(d),
        }
        out.push(OutputFile::text(csv_path(&m.id), csv(m, tolerance)));
    }
    out.push(OutputFile::text(JSON_PATH, export_json(site, tolerance)));
    out
}

fn metric_page(site: &Site, theme: &Theme, m: &Metric) -> Result<OutputFile, Diagnostic> {
    let url = views::metric_url(&m.id);
    let root = super::context::root_for(&url);
    let quarters = quarters_of(m);
    let latest = m.latest_quarter();
    let kpi: Option<KpiView> = latest.map(|q| views::kpi_view(site, m, q, "page"));
    let tol = views::tolerance(site);
    let qf = &site.config.quarter_format;
    let rows: Vec<QuarterRow> = quarters
        .iter()
        .rev()
        .map(|&q| {
            let k = compute::kpi(m, q, tol);
            let (mut value, mut target) = (FigureView::of(m.unit, &k.value), FigureView::of(m.unit, &k.target));
            value.relabel(qf);
            target.relabel(qf);
            QuarterRow {
                quarter: q,
                quarter_label: views::label(site, q),
                value,
                target,
                qoq: views::change_view_for(m, &k.qoq, qf),
                yoy: views::change_view_for(m, &k.yoy, qf),
                status: views::badge(&k.status).relabel(qf),
            }
        })
        .collect();
    let chart_err = |e: String| Diagnostic::error(e).in_file(&m.file);
    let trend = if quarters.is_empty() {
        None
    } else {
        let actual = series(m, &quarters, &m.title);
        let target = target_series(m, &quarters);
        let desc = format!(
            "{} ({}) from {} to {}, with its target where one is set. The table below lists every figure.",
            m.title,
            m.unit.id(),
            views::label(site, quarters[0]),
            views::label(site, quarters[quarters.len() - 1])
        );
        let f = metric_components::frame(
            site,
            chart::id_from(&[&m.id, "history"]),
            format!("{} by quarter", m.title),
            desc,
            m.unit,
        );
        let c = metric_components::chart_data(&f, &f.title, "trend", &[m], |f| {
            chart::trend(f, &quarters, &actual, target.as_ref())
        })
        .map_err(chart_err)?;
        Some(on_own_page(c))
    };
    let breakdown = if m.breakdown.is_empty() {
        None
    } else {
        let bq: Vec<Quarter> = m.breakdown.keys().copied().collect();
        let parts = views::breakdown_series(m, &bq);
        let desc = format!(
            "{} by category for each quarter with a breakdown: {}.",
            m.title,
            m.categories().join(", ")
        );
        let f = metric_components::frame(
            site,
            chart::id_from(&[&m.id, "breakdown"]),
            format!("{} by category", m.title),
            desc,
            m.unit,
        );
        let c = metric_components::chart_data(&f, &f.title, "breakdown", &[m], |f| chart::stacked(f, &bq, &parts))
            .map_err(chart_err)?;
        Some(on_own_page(c))
    };
    let goal = m
        .goal
        .as_ref()
        .and_then(|g| site.goals.get(&g.id))
        .map(|&id| super::views::link(site, id));
    let mut ctx = theme.context();
    ctx.insert("root", &root);
    ctx.insert(
        "page",
        &page_json(
            site,
            &[m],
            &m.title,
            m.description.as_deref(),
            &url,
            json!([{ "title": "Metrics", "url": INDEX_URL, "kind": "page" }]),
        ),
    );
    ctx.insert(
        "metric",
        &json!({
            "link": views::metric_link(site, m),
            "source": m.file,
            "goal": goal,
            "tolerance": format::fraction(m.tolerance_or(tol)),
            "target_note": target_note(site, m),
            "kpi": kpi,
            "trend": trend,
            "breakdown": breakdown,
            "rows": rows,
            "csv": format!("../{}.csv", m.id),
        }),
    );
    let html = theme.render("metric.html", &ctx, Some(&m.file))?;
    Ok(OutputFile::text(output_path(&url), html))
}

/// A chart on its metric's own page links the CSV, not the page itself.
fn on_own_page(mut chart: Value) -> Value {
    chart["metrics"] = json!([]);
    chart
}

fn target_note(site: &Site, m: &Metric) -> Option<String> {
    match &m.target {
        Target::None => None,
        Target::Fixed(t) => Some(format!("Target {} in every quarter.", format::value(m.unit, *t))),
        Target::PerQuarter(targets) => {
            let mut note = "Targets are set per quarter; each holds until the next is set.".to_string();
            let later: Vec<String> = m
                .latest_quarter()
                .map(|last| targets.range(last.next()..))
                .into_iter()
                .flatten()
                .map(|(q, t)| format!("{} {}", views::label(site, *q), format::value(m.unit, *t)))
                .collect();
            if !later.is_empty() {
                note.push_str(&format!(" Set for later quarters: {}.", later.join(", ")));
            }
            Some(note)
        }
    }
}

/// One line per quarter: exact numbers without units or grouping, empty
/// cells where a figure cannot be computed, breakdown categories last.
pub fn csv(m: &Metric, tolerance: Decimal) -> String {
    let cats = m.categories();
    let mut header = vec![
        "quarter",
        "value",
        "target",
        "change_qoq",
        "change_qoq_pct",
        "change_yoy",
        "change_yoy_pct",
        "status",
    ]
    .into_iter()
    .map(str::to_string)
    .collect::<Vec<_>>();
    header.extend(cats.iter().map(|c| format!("breakdown: {c}")));
    let mut out = header.iter().map(|h| csv_cell(h)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    let fig = |f: &Result<Decimal, compute::NotAvailable>| f.as_ref().map_or(String::new(), ToString::to_string);
    let pct = |f: &Result<Decimal, compute::NotAvailable>| {
        f.as_ref()
            .ok()
            .and_then(|r| r.checked_mul(Decimal::HUNDRED))
            .map_or(String::new(), |p| p.round(4).to_string())
    };
    for q in quarters_of(m) {
        let k = compute::kpi(m, q, tolerance);
        let mut row = vec![
            q.to_string(),
            fig(&k.value),
            fig(&k.target),
            fig(&k.qoq.abs),
            pct(&k.qoq.ratio),
            fig(&k.yoy.abs),
            pct(&k.yoy.ratio),
            k.status.as_ref().map_or(String::new(), |s| s.id().to_string()),
        ];
        for c in &cats {
            row.push(
                m.breakdown
                    .get(&q)
                    .and_then(|ps| ps.iter().find(|(n, _)| n == c))
                    .map_or(String::new(), |p| p.1.to_string()),
            );
        }
        out.push_str(&row.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// RFC 4180 quoting, and a leading `'` for text a spreadsheet would run as a formula.
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '@']) || (s.starts_with('-') && s.parse::<f64>().is_err()) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// `metrics.json`: every metric with its definition, values, targets,
/// breakdowns, and the KPIs and status of every quarter. Keys are sorted
/// and numbers are the exact decimals of the files.
pub fn export_json(site: &Site, tolerance: Decimal) -> String {
    let mut metrics: BTreeMap<String, Value> = BTreeMap::new();
    for m in site.metrics.values() {
        let mut quarters: BTreeMap<String, Value> = BTreeMap::new();
        for q in quarters_of(m) {
            let k = compute::kpi(m, q, tolerance);
            quarters.insert(
                q.to_string(),
                json!({
                    "value": figure(&k.value),
                    "previous": figure(&k.previous),
                    "change_qoq": change_json(&k.qoq),
                    "year_ago": figure(&k.year_ago),
                    "change_yoy": change_json(&k.yoy),
                    "target": figure(&k.target),
                    "to_target": change_json(&k.to_target),
                    "status": k.status.as_ref().ok(),
                    "status_reason": k.status.as_ref().err().map(|e| &e.0),
                    "trend": k.trend.direction,
                }),
            );
        }
        let target = match &m.target {
            Target::None => Value::Null,
            Target::Fixed(t) => json!(t),
            Target::PerQuarter(map) => json!(map.iter().map(|(q, t)| (q.to_string(), *t)).collect::<BTreeMap<_, _>>()),
        };
        let breakdown: BTreeMap<String, BTreeMap<String, Decimal>> = m
            .breakdown
            .iter()
            .map(|(q, parts)| (q.to_string(), parts.iter().map(|(c, v)| (c.clone(), *v)).collect()))
            .collect();
        metrics.insert(
            m.id.clone(),
            json!({
                "title": m.title,
                "unit": m.unit,
                "better": m.better,
                "owner": m.owner.as_ref().map(|r| &r.id),
                "goal": m.goal.as_ref().map(|r| &r.id),
                "description": m.description,
                "tolerance": m.tolerance_or(tolerance),
                "target": target,
                "values": m.values.iter().map(|(q, v)| (q.to_string(), *v)).collect::<BTreeMap<_, _>>(),
                "breakdown": breakdown,
                "page": views::metric_url(&m.id),
                "csv": csv_path(&m.id),
                "quarters": quarters,
            }),
        );
    }
    let doc = json!({
        "generated": site.today.to_string(),
        "status_tolerance": tolerance,
        "notes": "Values are exact decimals as written in the metric files. change_*.pct and to_target.pct are fractions (-0.081 is -8.1%). A null figure could not be computed; the reason is in status_reason or the matching *_reason.",
        "metrics": metrics,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

fn figure(f: &Result<Decimal, compute::NotAvailable>) -> Value {
    match f {
        Ok(v) => json!(v),
        Err(_) => Value::Null,
    }
}

fn change_json(c: &Change) -> Value {
    json!({
        "abs": figure(&c.abs),
        "pct": figure(&c.ratio),
        "reason": c.ratio.as_ref().err().or(c.abs.as_ref().err()).map(|e| &e.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("M&A, Corporate"), "\"M&A, Corporate\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("-115000"), "-115000");
        assert_eq!(csv_cell("-x"), "'-x");
    }

    #[test]
    fn csv_has_exact_values_and_empty_cells_for_na() {
        let (m, _) = crate::metrics::file::parse(
            "spend",
            "content/metrics/spend.yaml",
            "unit: USD\nbetter: lower\ntarget: 100\nvalues: {2026-Q2: 100.10, 2026-Q3: 90}\nbreakdown: {2026-Q3: {\"A, B\": 90}}\n",
        );
        let text = csv(&m.unwrap(), Decimal::parse("0.05").unwrap());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "quarter,value,target,change_qoq,change_qoq_pct,change_yoy,change_yoy_pct,status,\"breakdown: A, B\""
        );
        assert_eq!(lines[1], "2026-Q2,100.1,100,,,,,at-risk,");
        assert_eq!(lines[2], "2026-Q3,90,100,-10.1,-10.0899,,,on-track,90");
    }
}
