//! Breakdowns of a value by category: stacked bars across quarters, or
//! horizontal bars for a single quarter.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis;
use super::bars::HALF_BAR;
use super::lines::{color, quarter_layout};
use super::plot::{self, Axis, INK, LegendItem, Swatch, text_style};
use super::{Chart, ChartError, Frame, Series, Table, draw_error};
use crate::metrics::{Decimal, format};
use crate::quarter::Quarter;

/// One bar per quarter, stacked by category (`parts`, one series per
/// category), with the quarter's total above it.
pub fn stacked(frame: &Frame, quarters: &[Quarter], parts: &[Series]) -> Result<Chart, ChartError> {
    let n = quarters.len();
    // Positive parts stack up from zero, negative parts down.
    let mut up = vec![Decimal::ZERO; n];
    let mut down = vec![Decimal::ZERO; n];
    let mut boxes: Vec<(usize, usize, Decimal, Decimal)> = Vec::new();
    for (c, s) in parts.iter().enumerate() {
        for (i, v) in s.values.iter().enumerate().take(n) {
            let Some(v) = *v else { continue };
            let stack = if v.is_negative() { &mut down[i] } else { &mut up[i] };
            let from = *stack;
            *stack = from.checked_add(v).unwrap_or(from);
            boxes.push((c, i, from, *stack));
        }
    }
    let totals: Vec<Option<Decimal>> = (0..n)
        .map(|i| {
            let any = parts.iter().any(|s| s.values.get(i).copied().flatten().is_some());
            any.then(|| up[i].checked_add(down[i]).unwrap_or(up[i]))
        })
        .collect();
    let lo = down.iter().copied().min().unwrap_or(Decimal::ZERO);
    let hi = up.iter().copied().max().unwrap_or(Decimal::ONE);
    let ticks = axis::nice(lo, hi, if frame.compact { 4 } else { 5 });
    let legend = parts
        .iter()
        .enumerate()
        .map(|(i, s)| LegendItem {
            label: s.label.clone(),
            color: color(i),
            swatch: Swatch::Box(i),
        })
        .collect();
    let base = quarter_layout(frame, quarters, ticks, legend);
    let layout = plot::Layout {
        // Room for a legend of several categories.
        height: base.height + if frame.compact { 40 } else { 20 },
        ..base
    };
    let svg = plot::draw(&layout, frame, |chart| {
        let rects = boxes.iter().map(|&(c, i, from, to)| {
            let x = i as f64;
            Rectangle::new(
                [(x - HALF_BAR, from.to_f64()), (x + HALF_BAR, to.to_f64())],
                color(c).filled(),
            )
        });
        chart.draw_series(rects).map_err(draw_error)?;
        let style = text_style(plot::note_size(frame), INK).pos(Pos::new(HPos::Center, VPos::Bottom));
        let labels = totals.iter().enumerate().filter_map(|(i, t)| {
            t.map(|t| Text::new(format::value(frame.unit, t), (i as f64, up[i].to_f64()), style.clone()))
        });
        chart.draw_series(labels).map_err(draw_error)?;
        Ok(())
    })?;
    let mut columns = vec!["Quarter".to_string()];
    columns.extend(parts.iter().map(|s| s.label.clone()));
    columns.push("Total".into());
    let rows = quarters
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut row = vec![frame.quarters.label(*q)];
            for s in parts {
                row.push(
                    s.values
                        .get(i)
                        .copied()
                        .flatten()
                        .map_or_else(|| "n/a".into(), |v| format::exact(frame.unit, v)),
                );
            }
            row.push(totals[i].map_or_else(|| "n/a".into(), |t| format::exact(frame.unit, t)));
            row
        })
        .collect();
    Ok(Chart {
        svg,
        table: Table { columns, rows },
    })
}

/// One quarter's parts as horizontal bars, largest first as given, each
/// labelled with its value and share of the total.
pub fn horizontal(frame: &Frame, parts: &[(String, Decimal)]) -> Result<Chart, ChartError> {
    let total = parts
        .iter()
        .try_fold(Decimal::ZERO, |a, (_, v)| a.checked_add(*v))
        .unwrap_or(Decimal::ZERO);
    let lo = parts
        .iter()
        .map(|p| p.1)
        .min()
        .unwrap_or(Decimal::ZERO)
        .min(Decimal::ZERO);
    let hi = parts
        .iter()
        .map(|p| p.1)
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::ZERO);
    let ticks = axis::nice(lo, hi, if frame.compact { 3 } else { 4 });
    // Plotters counts categories from the bottom; the first part goes on top.
    let labels: Vec<String> = parts.iter().rev().map(|p| p.0.clone()).collect();
    let n = parts.len();
    let layout = plot::Layout {
        width: frame.size().0,
        height: 60 + 34 * n.max(1) as u32,
        x: Axis::Values(ticks.clone(), ticks.labels(frame.unit)),
        y: Axis::Categories(labels),
        x_desc: frame.unit.id().into(),
        y_desc: String::new(),
        legend: Vec::new(),
    };
    let share = |v: Decimal| v.checked_div(total).map(format::fraction);
    let svg = plot::draw(&layout, frame, |chart| {
        let rects = parts.iter().enumerate().map(|(i, (_, v))| {
            let y = (n - 1 - i) as f64;
            Rectangle::new([(0.0, y - HALF_BAR), (v.to_f64(), y + HALF_BAR)], color(0).filled())
        });
        chart.draw_series(rects).map_err(draw_error)?;
        let style = text_style(plot::note_size(frame), INK).pos(Pos::new(HPos::Left, VPos::Center));
        let values = parts.iter().enumerate().map(|(i, (_, v))| {
            let y = (n - 1 - i) as f64;
            let text = match share(*v) {
                Some(s) => format!("{} ({s})", format::value(frame.unit, *v)),
                None => format::value(frame.unit, *v),
            };
            Text::new(text, (v.to_f64().max(0.0), y), style.clone())
        });
        chart.draw_series(values).map_err(draw_error)?;
        Ok(())
    })?;
    let rows = parts
        .iter()
        .map(|(c, v)| {
            vec![
                c.clone(),
                format::exact(frame.unit, *v),
                share(*v).unwrap_or_else(|| "n/a".into()),
            ]
        })
        .collect::<Vec<_>>();
    let mut rows = rows;
    rows.push(vec![
        "Total".into(),
        format::exact(frame.unit, total),
        if total.is_zero() { "n/a".into() } else { "100%".into() },
    ]);
    Ok(Chart {
        svg,
        table: Table {
            columns: vec!["Category".into(), "Value".into(), "Share".into()],
            rows,
        },
    })
}
