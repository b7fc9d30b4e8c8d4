//! The one plotters set-up every chart with axes shares: a value axis with
//! our own ticks and labels, a category axis (quarters or breakdown
//! categories), a light grid, axis titles and a legend row above the plot.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::Ticks;
use super::{ChartError, Frame, draw_error, finish};
use plotters::coord::CoordTranslate;

pub(crate) type Coords = Cartesian2d<Scale, Scale>;
pub(crate) type Ctx<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Coords>;

/// Plotters divides font sizes by 1.24 in SVG; these come out as 12 and 11 px.
const LABEL_SIZE: f64 = 14.88;
const LEGEND_SIZE: f64 = 13.64;
/// Labels on the data (bar totals, values): 11 px, or 12 px on a phone,
/// where nothing is drawn below 12 px.
const NOTE_SIZE: f64 = 13.64;

/// The size of labels drawn on the data.
pub(crate) fn note_size(frame: &Frame) -> f64 {
    if frame.compact { LABEL_SIZE } else { NOTE_SIZE }
}
/// Estimated width of a character at 12 px; the browser draws the text, so
/// this only reserves room.
const CHAR_WIDTH: u32 = 7;

pub(crate) const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Dotted (see [`super::finish`]), so a grey of 3:1 still reads as light.
const GRID: RGBColor = RGBColor(0x8C, 0x8C, 0x8C);
pub(crate) const GRID_HEX: &str = "#8C8C8C";
const AXIS: RGBColor = RGBColor(0x8A, 0x8A, 0x8A);

/// A linear axis whose ticks are exactly the ones we computed.
#[derive(Clone)]
pub(crate) struct Scale {
    lo: f64,
    hi: f64,
    keys: Vec<f64>,
}

impl Ranged for Scale {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    /// The same mapping as plotters' own float ranges.
    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        let size = limit.1 - limit.0;
        if span == 0.0 || size == 0 {
            return limit.0 + size / 2;
        }
        let t = (v - self.lo) / span;
        if size > 0 {
            limit.0 + (f64::from(size) * t + 1e-3).floor() as i32
        } else {
            limit.0 + (f64::from(size) * t - 1e-3).ceil() as i32
        }
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.keys.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

pub(crate) enum Axis {
    /// Evenly spaced categories at 0, 1, 2…, labelled in this order.
    Categories(Vec<String>),
    Values(Ticks, Vec<String>),
}

impl Axis {
    fn scale(&self) -> Scale {
        match self {
            Axis::Categories(labels) => {
                let n = labels.len().max(1) as f64;
                Scale {
                    lo: -0.5,
                    hi: n - 0.5,
                    keys: (0..labels.len()).map(|i| i as f64).collect(),
                }
            }
            Axis::Values(t, _) => Scale {
                lo: t.low().to_f64(),
                hi: t.high().to_f64(),
                keys: t.values.iter().map(|v| v.to_f64()).collect(),
            },
        }
    }

    /// The label at `v`; of categories, every `every`-th one, counted back
    /// from the last (the latest quarter is always labelled).
    fn label(&self, v: f64, every: usize) -> String {
        match self {
            Axis::Categories(labels) => {
                let i = v.round();
                if i < 0.0 {
                    return String::new();
                }
                let i = i as usize;
                if i >= labels.len() || !(labels.len() - 1 - i).is_multiple_of(every.max(1)) {
                    return String::new();
                }
                labels[i].clone()
            }
            Axis::Values(t, labels) => t
                .values
                .iter()
                .position(|x| x.to_f64() == v)
                .and_then(|i| labels.get(i).cloned())
                .unwrap_or_default(),
        }
    }

    fn widest(&self) -> u32 {
        let labels = match self {
            Axis::Categories(l) | Axis::Values(_, l) => l,
        };
        labels.iter().map(|l| l.chars().count() as u32).max().unwrap_or(1)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Swatch {
    /// A bar of series `n`: its colour and fill pattern.
    Box(usize),
    /// A line of series `n`: its colour and marker.
    Line(usize),
    Dashed,
}

pub(crate) struct LegendItem {
    pub label: String,
    pub color: RGBColor,
    pub swatch: Swatch,
}

/// Draws series `n`'s marker at `p`: a circle, square, triangle, diamond,
/// cross… so lines differ without their colour.
pub(crate) fn draw_marker<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    p: CT::From,
    n: usize,
    color: RGBColor,
) -> Result<(), ChartError> {
    let fill = color.filled();
    let e = EmptyElement::at(p);
    match n % 5 {
        0 => area.draw(&(e + Circle::new((0, 0), 3, fill))),
        1 => area.draw(&(e + Rectangle::new([(-3, -3), (3, 3)], fill))),
        2 => area.draw(&(e + Polygon::new(vec![(0, -4), (4, 3), (-4, 3)], fill))),
        3 => area.draw(&(e + Polygon::new(vec![(0, -4), (4, 0), (0, 4), (-4, 0)], fill))),
        _ => area.draw(&(e + Cross::new((0, 0), 3, color.stroke_width(2)))),
    }
    .map_err(draw_error)
}

pub(crate) struct Layout {
    pub width: u32,
    pub height: u32,
    pub x: Axis,
    pub y: Axis,
    pub x_desc: String,
    pub y_desc: String,
    /// Shown only with two or more entries.
    pub legend: Vec<LegendItem>,
}

pub(crate) fn text_style(size: f64, color: RGBColor) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&color)
}

/// Where each legend entry goes: rows of (x, label) that fit the width.
fn legend_rows(items: &[LegendItem], left: u32, width: u32, char_width: u32) -> Vec<Vec<(u32, usize)>> {
    let mut rows: Vec<Vec<(u32, usize)>> = vec![Vec::new()];
    let mut x = left;
    for (i, item) in items.iter().enumerate() {
        let w = 22 + item.label.chars().count() as u32 * char_width + 18;
        if x + w > width.saturating_sub(8) && x > left {
            rows.push(Vec::new());
            x = left;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, i));
        }
        x += w;
    }
    rows
}

/// How often a category axis of `n` labels of `widest` characters can be
/// labelled in `room` pixels without labels running into each other.
fn label_every(n: usize, widest: u32, room: u32) -> usize {
    let slot = room / n.max(1) as u32;
    let needed = widest * CHAR_WIDTH + 10;
    needed.div_ceil(slot.max(1)).max(1) as usize
}

/// Draws the frame of a chart and lets `body` draw the data into it.
pub(crate) fn draw<F>(layout: &Layout, frame: &Frame, body: F) -> Result<String, ChartError>
where
    F: FnOnce(&mut Ctx<'_, '_>) -> Result<(), ChartError>,
{
    let y_area = layout.y.widest() * CHAR_WIDTH + 14 + if layout.y_desc.is_empty() { 0 } else { 20 };
    let x_every = match &layout.x {
        Axis::Categories(l) => label_every(l.len(), layout.x.widest(), layout.width.saturating_sub(y_area + 24)),
        Axis::Values(..) => 1,
    };
    let x_area = match &layout.x {
        Axis::Categories(_) => 24,
        Axis::Values(..) => 22,
    } + if layout.x_desc.is_empty() { 0 } else { 18 };
    let show_legend = layout.legend.len() > 1;
    let rows = if show_legend {
        legend_rows(&layout.legend, y_area, layout.width, if frame.compact { 7 } else { 6 })
    } else {
        Vec::new()
    };
    let top = 12 + rows.len() as u32 * 18;

    let mut raw = String::new();
    {
        let root = SVGBackend::with_string(&mut raw, (layout.width, layout.height)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin_top(top)
            .margin_right(20)
            .margin_left(4)
            .margin_bottom(4)
            .x_label_area_size(x_area)
            .y_label_area_size(y_area)
            .build_cartesian_2d(layout.x.scale(), layout.y.scale())
            .map_err(draw_error)?;
        let x_fmt = |v: &f64| layout.x.label(*v, x_every);
        let y_fmt = |v: &f64| layout.y.label(*v, 1);
        let mut mesh = chart.configure_mesh();
        mesh.bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(AXIS)
            .label_style(text_style(LABEL_SIZE, INK))
            .axis_desc_style(text_style(LABEL_SIZE, MUTED))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .set_all_tick_mark_size(4);
        if matches!(layout.x, Axis::Categories(_)) {
            mesh.disable_x_mesh();
        }
        if matches!(layout.y, Axis::Categories(_)) {
            mesh.disable_y_mesh();
        }
        if !layout.x_desc.is_empty() {
            mesh.x_desc(layout.x_desc.as_str());
        }
        if !layout.y_desc.is_empty() {
            mesh.y_desc(layout.y_desc.as_str());
        }
        mesh.draw().map_err(draw_error)?;
        body(&mut chart)?;
        for (r, row) in rows.iter().enumerate() {
            let y = 10 + r as i32 * 18;
            for &(x, i) in row {
                draw_legend_item(&root, &layout.legend[i], x as i32, y, frame.compact)?;
            }
        }
        root.present().map_err(draw_error)?;
    }
    Ok(finish(&raw, frame, "chart-svg"))
}

fn draw_legend_item(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    item: &LegendItem,
    x: i32,
    y: i32,
    compact: bool,
) -> Result<(), ChartError> {
    match item.swatch {
        Swatch::Box(_) => root
            .draw(&Rectangle::new([(x, y - 5), (x + 14, y + 5)], item.color.filled()))
            .map_err(draw_error)?,
        Swatch::Line(n) => {
            root.draw(&PathElement::new(vec![(x, y), (x + 16, y)], item.color.stroke_width(2)))
                .map_err(draw_error)?;
            draw_marker(root, (x + 8, y), n, item.color)?;
        }
        Swatch::Dashed => root
            .draw(&PathElement::new(vec![(x, y), (x + 16, y)], item.color.stroke_width(2)))
            .map_err(draw_error)?,
    }
    let size = if compact { LABEL_SIZE } else { LEGEND_SIZE };
    let style = text_style(size, INK).pos(Pos::new(HPos::Left, VPos::Center));
    root.draw(&Text::new(item.label.clone(), (x + 22, y), style))
        .map_err(draw_error)
}
