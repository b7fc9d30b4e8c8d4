//! Line charts over quarters: one metric's trend against its target, and
//! several metrics compared. A missing quarter breaks the line rather than
//! being drawn as zero.

use plotters::prelude::*;

use super::axis::{self, Ticks};
use super::plot::{self, Axis, Ctx, LegendItem, Swatch};
use super::{Chart, ChartError, Frame, PALETTE, Series, TARGET, Table, draw_error};
use crate::metrics::{Decimal, format};
use crate::quarter::Quarter;

pub(crate) fn color(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

pub(crate) fn target_color() -> RGBColor {
    RGBColor(TARGET.0, TARGET.1, TARGET.2)
}

/// Ticks around every value of every series; `from_zero` keeps zero in view.
pub(crate) fn value_ticks<'a>(series: impl IntoIterator<Item = &'a Series>, from_zero: bool, frame: &Frame) -> Ticks {
    let all: Vec<Decimal> = series
        .into_iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .collect();
    let mut lo = all.iter().copied().min().unwrap_or(Decimal::ZERO);
    let mut hi = all.iter().copied().max().unwrap_or(Decimal::ONE);
    if from_zero {
        lo = lo.min(Decimal::ZERO);
        hi = hi.max(Decimal::ZERO);
    }
    axis::nice(lo, hi, if frame.compact { 4 } else { 5 })
}

pub(crate) fn quarter_axis(frame: &Frame, quarters: &[Quarter]) -> Axis {
    Axis::Categories(quarters.iter().map(|q| frame.quarters.label(*q)).collect())
}

/// The layout of a chart over quarters: values on the y axis in the
/// metric's unit, quarters on the x axis.
pub(crate) fn quarter_layout(
    frame: &Frame,
    quarters: &[Quarter],
    ticks: Ticks,
    legend: Vec<LegendItem>,
) -> plot::Layout {
    let (width, height) = frame.size();
    plot::Layout {
        width,
        height,
        y: Axis::Values(ticks.clone(), ticks.labels(frame.unit)),
        x: quarter_axis(frame, quarters),
        x_desc: "Quarter".into(),
        y_desc: frame.unit.id().into(),
        legend,
    }
}

/// A metric drawn as `swatch` and its target, dashed, when it has one.
pub(crate) fn with_target<'a>(
    frame: &Frame,
    quarters: &[Quarter],
    actual: &Series,
    target: Option<&'a Series>,
    swatch: Swatch,
    from_zero: bool,
) -> (Option<&'a Series>, plot::Layout) {
    let target = target.filter(|t| t.values.iter().any(Option::is_some));
    let ticks = value_ticks(std::iter::once(actual).chain(target), from_zero, frame);
    let mut legend = vec![LegendItem {
        label: actual.label.clone(),
        color: color(0),
        swatch,
    }];
    if let Some(t) = target {
        legend.push(LegendItem {
            label: t.label.clone(),
            color: target_color(),
            swatch: Swatch::Dashed,
        });
    }
    (target, quarter_layout(frame, quarters, ticks, legend))
}

/// A chart of a metric and its target, with both in its data table.
pub(crate) fn with_table(
    frame: &Frame,
    quarters: &[Quarter],
    svg: String,
    actual: &Series,
    target: Option<&Series>,
) -> Chart {
    let mut cols: Vec<&Series> = vec![actual];
    cols.extend(target);
    Chart {
        svg,
        table: quarter_table(frame, quarters, &cols),
    }
}

/// The data table of series over quarters; missing values read "n/a".
pub(crate) fn quarter_table(frame: &Frame, quarters: &[Quarter], series: &[&Series]) -> Table {
    let mut columns = vec!["Quarter".to_string()];
    columns.extend(series.iter().map(|s| s.label.clone()));
    let rows = quarters
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut row = vec![frame.quarters.label(*q)];
            row.extend(series.iter().map(|s| match s.values.get(i).copied().flatten() {
                Some(v) => format::exact(frame.unit, v),
                None => "n/a".to_string(),
            }));
            row
        })
        .collect();
    Table { columns, rows }
}

/// The points of `s` in unbroken runs: a missing value ends a run, so the
/// line is broken there rather than drawn through zero.
pub(crate) fn runs(s: &Series) -> Vec<Vec<(f64, f64)>> {
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut runs = Vec::new();
    for (i, v) in s.values.iter().enumerate() {
        match v {
            Some(v) => run.push((i as f64, v.to_f64())),
            None => runs.push(std::mem::take(&mut run)),
        }
    }
    runs.push(run);
    runs
}

/// Draws `s` as series `n`: a line with `n`'s marker on each value, broken
/// where a value is missing.
pub(crate) fn draw_line(chart: &mut Ctx<'_, '_>, s: &Series, n: usize) -> Result<(), ChartError> {
    let color = color(n);
    let runs = runs(s);
    for r in runs.iter().filter(|r| r.len() > 1) {
        chart
            .draw_series(LineSeries::new(r.iter().copied(), color.stroke_width(2)))
            .map_err(draw_error)?;
    }
    for &p in runs.iter().flatten() {
        plot::draw_marker(chart.plotting_area(), p, n, color)?;
    }
    Ok(())
}

/// Draws a target as steps: each quarter's target spans its quarter.
pub(crate) fn draw_target(chart: &mut Ctx<'_, '_>, target: &Series) -> Result<(), ChartError> {
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut runs = Vec::new();
    for (i, v) in target.values.iter().enumerate() {
        match v {
            Some(v) => {
                let (x, y) = (i as f64, v.to_f64());
                run.push((x - 0.5, y));
                run.push((x + 0.5, y));
            }
            None => runs.push(std::mem::take(&mut run)),
        }
    }
    runs.push(run);
    let style = target_color().stroke_width(2);
    for r in runs.into_iter().filter(|r| !r.is_empty()) {
        chart
            .draw_series(std::iter::once(PathElement::new(r, style)))
            .map_err(draw_error)?;
    }
    Ok(())
}

/// A metric's values over `quarters` with its target as a dashed step line.
pub fn trend(
    frame: &Frame,
    quarters: &[Quarter],
    actual: &Series,
    target: Option<&Series>,
) -> Result<Chart, ChartError> {
    let (target, layout) = with_target(frame, quarters, actual, target, Swatch::Line(0), false);
    let svg = plot::draw(&layout, frame, |chart| {
        if let Some(t) = target {
            draw_target(chart, t)?;
        }
        draw_line(chart, actual, 0)
    })?;
    Ok(with_table(frame, quarters, svg, actual, target))
}

/// A metric's values against a straight path (dashed) from where it
/// started to where it should be: a key result's glide path.
pub fn path(frame: &Frame, quarters: &[Quarter], actual: &Series, path: &Series) -> Result<Chart, ChartError> {
    let (path_shown, layout) = with_target(frame, quarters, actual, Some(path), Swatch::Line(0), false);
    let svg = plot::draw(&layout, frame, |chart| {
        if let Some(p) = path_shown {
            for r in runs(p).into_iter().filter(|r| r.len() > 1) {
                chart
                    .draw_series(std::iter::once(PathElement::new(r, target_color().stroke_width(2))))
                    .map_err(draw_error)?;
            }
        }
        draw_line(chart, actual, 0)
    })?;
    Ok(with_table(frame, quarters, svg, actual, path_shown))
}

/// Several series over the same quarters, one colour each.
pub fn compare(frame: &Frame, quarters: &[Quarter], series: &[Series]) -> Result<Chart, ChartError> {
    let ticks = value_ticks(series, false, frame);
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, s)| LegendItem {
            label: s.label.clone(),
            color: color(i),
            swatch: Swatch::Line(i),
        })
        .collect();
    let layout = quarter_layout(frame, quarters, ticks, legend);
    let svg = plot::draw(&layout, frame, |chart| {
        for (i, s) in series.iter().enumerate() {
            draw_line(chart, s, i)?;
        }
        Ok(())
    })?;
    let cols: Vec<&Series> = series.iter().collect();
    Ok(Chart {
        svg,
        table: quarter_table(frame, quarters, &cols),
    })
}
