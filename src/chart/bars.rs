//! A bar per quarter, from zero, with the target as a dashed step line.

use plotters::prelude::*;

use super::lines::{color, draw_target, with_table, with_target};
use super::plot::{self, Swatch};
use super::{Chart, ChartError, Frame, Series, draw_error};
use crate::quarter::Quarter;

/// Half the width of a bar, in category units.
pub(crate) const HALF_BAR: f64 = 0.32;

pub fn bars(
    frame: &Frame,
    quarters: &[Quarter],
    actual: &Series,
    target: Option<&Series>,
) -> Result<Chart, ChartError> {
    let (target, layout) = with_target(frame, quarters, actual, target, Swatch::Box(0), true);
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
    Ok(with_table(frame, quarters, svg, actual, target))
}
