//! A bar per quarter, from zero, with the target as a dashed step line.

use plotters::prelude::*;

use super::lines::{color, draw_target, quarter_axis, quarter_table, target_color, value_ticks};
use super::plot::{self, Axis, LegendItem, Swatch};
use super::{Chart, ChartError, Frame, HEIGHT, Series, WIDTH, draw_error};
use crate::quarter::Quarter;

/// Half the width of a bar, in category units.
pub(crate) const HALF_BAR: f64 = 0.32;

pub fn bars(
    frame: &Frame,
    quarters: &[Quarter],
    actual: &Series,
    target: Option<&Series>,
) -> Result<Chart, ChartError> {
    let target = target.filter(|t| t.values.iter().any(Option::is_some));
    let ticks = value_ticks(std::iter::once(actual).chain(target), true);
    let mut legend = vec![LegendItem {
        label: actual.label.clone(),
        color: color(0),
        swatch: Swatch::Box,
    }];
    if let Some(t) = target {
        legend.push(LegendItem {
            label: t.label.clone(),
            color: target_color(),
            swatch: Swatch::Dashed,
        });
    }
    let layout = plot::Layout {
        width: WIDTH,
        height: HEIGHT,
        y: Axis::Values(ticks.clone(), ticks.labels(frame.unit)),
        x: quarter_axis(quarters),
        x_desc: "Quarter".into(),
        y_desc: frame.unit.id().into(),
        legend,
    };
    let svg = plot::draw(&layout, frame, |chart| {
        let rects = actual.values.iter().enumerate().filter_map(|(i, v)| {
            let x = i as f64;
            v.map(|v| Rectangle::new([(x - HALF_BAR, 0.0), (x + HALF_BAR, v.to_f64())], color(0).filled()))
        });
        chart.draw_series(rects).map_err(draw_error)?;
        if let Some(t) = target {
            draw_target(chart, t)?;
        }
        Ok(())
    })?;
    let mut cols: Vec<&Series> = vec![actual];
    cols.extend(target);
    Ok(Chart {
        svg,
        table: quarter_table(frame, quarters, &cols),
    })
}
