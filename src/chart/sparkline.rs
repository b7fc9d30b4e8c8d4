//! A word-sized line for table cells: no axes or text, the last value
//! marked; its `<title>` and `<desc>` carry the numbers.

use plotters::prelude::*;

use super::axis;
use super::lines::{color, runs, target_color};
use super::{Chart, ChartError, Frame, Series, Table, draw_error, finish};
use crate::metrics::{Decimal, format};
use crate::quarter::Quarter;

pub const SPARK_WIDTH: u32 = 112;
pub const SPARK_HEIGHT: u32 = 28;

/// `values` over `quarters`, with the target as a faint dashed line when given.
pub fn sparkline(
    frame: &Frame,
    quarters: &[Quarter],
    values: &Series,
    target: Option<Decimal>,
) -> Result<Chart, ChartError> {
    let present: Vec<Decimal> = values.values.iter().flatten().copied().chain(target).collect();
    let lo = present.iter().copied().min().unwrap_or(Decimal::ZERO);
    let hi = present.iter().copied().max().unwrap_or(Decimal::ONE);
    let ticks = axis::nice(lo, hi, 2);
    let n = values.values.len().max(2);
    let mut raw = String::new();
    {
        let root = SVGBackend::with_string(&mut raw, (SPARK_WIDTH, SPARK_HEIGHT)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(4)
            .build_cartesian_2d(0.0..(n - 1) as f64, ticks.low().to_f64()..ticks.high().to_f64())
            .map_err(draw_error)?;
        if let Some(t) = target {
            let t = t.to_f64();
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, t), ((n - 1) as f64, t)],
                    target_color().stroke_width(1),
                )))
                .map_err(draw_error)?;
        }
        let runs = runs(values);
        for r in runs.iter().filter(|r| r.len() > 1) {
            chart
                .draw_series(LineSeries::new(r.iter().copied(), color(0).stroke_width(2)))
                .map_err(draw_error)?;
        }
        if let Some(&last) = runs.iter().flatten().last() {
            chart
                .draw_series(std::iter::once(Circle::new(last, 3, color(0).filled())))
                .map_err(draw_error)?;
        }
        root.present().map_err(draw_error)?;
    }
    let svg = finish(&raw, frame, "sparkline");
    let rows = quarters
        .iter()
        .zip(&values.values)
        .map(|(q, v)| {
            vec![
                frame.quarters.label(*q),
                v.map_or_else(|| "n/a".into(), |v| format::exact(frame.unit, v)),
            ]
        })
        .collect();
    Ok(Chart {
        svg,
        table: Table {
            columns: vec!["Quarter".into(), values.label.clone()],
            rows,
        },
    })
}
