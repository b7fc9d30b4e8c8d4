//! Charts as inline SVG, drawn with plotters at build time: no JavaScript,
//! no fonts or system libraries (the browser draws the text), and the same
//! bytes for the same data on every build.
//!
//! Owns drawing only. Callers pass plain series of exact decimals by
//! quarter or category; each chart comes back with the data it plotted as a
//! [`Table`], so the text alternative can never disagree with the picture.
//! Every SVG carries `role="img"`, a `<title>` and a `<desc>`.

pub mod axis;
mod bars;
mod breakdown;
mod lines;
mod plot;
mod sparkline;

use serde::Serialize;

use crate::metrics::format::QuarterFormat;
use crate::metrics::{Decimal, Unit};
pub use bars::bars;
pub use breakdown::{horizontal, stacked};
pub use lines::{compare, path, trend};
pub use sparkline::sparkline;

/// Okabe–Ito, the colour-blind-safe palette, in the order series use it,
/// with orange, sky blue and yellow darkened to 3:1 against a white page
/// (lines and bars are graphics that must be seen). The theme's dark scheme
/// maps them back to the bright originals by attribute, e.g.
/// `.chart-svg [fill="#B86E00"]`. Series also differ by marker (lines) and
/// fill pattern (bars), so colour is never the only signal.
pub const PALETTE: [(u8, u8, u8); 7] = [
    (0x00, 0x72, 0xB2), // blue
    (0xB8, 0x6E, 0x00), // orange, darkened from #E69F00
    (0x00, 0x9E, 0x73), // bluish green
    (0xCC, 0x79, 0xA7), // reddish purple
    (0x3A, 0x8F, 0xC0), // sky blue, darkened from #56B4E9
    (0xD5, 0x5E, 0x00), // vermillion
    (0x9A, 0x8A, 0x00), // yellow, darkened from #F0E442
];

/// The lines of a bar's fill pattern, drawn over its colour; every palette
/// colour has 3:1 against it.
pub const PATTERN_INK: &str = "#FFFFFF";

/// The target line: a grey kept for it alone, so it can be made dashed.
pub(crate) const TARGET: (u8, u8, u8) = (0x59, 0x59, 0x59);
const TARGET_HEX: &str = "#595959";

/// Standard size of a full chart, in CSS pixels; it scales to its container.
pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 300;
/// The size drawn for phones, so 12 px text stays about 12 px on a 390 px screen.
pub const COMPACT_WIDTH: u32 = 340;
pub const COMPACT_HEIGHT: u32 = 260;

/// What every chart needs besides its data.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Unique on the page; used for the `<title>`/`<desc>` ids.
    pub id: String,
    pub title: String,
    /// The text alternative: what the chart shows and what it says.
    pub desc: String,
    pub unit: Unit,
    /// How quarter labels are written.
    pub quarters: QuarterFormat,
    /// Drawn for a phone screen: narrower, fewer ticks.
    pub compact: bool,
}

impl Frame {
    /// The drawing size of a full chart in this frame.
    pub fn size(&self) -> (u32, u32) {
        if self.compact {
            (COMPACT_WIDTH, COMPACT_HEIGHT)
        } else {
            (WIDTH, HEIGHT)
        }
    }

    /// The same chart drawn for a phone: its ids differ, so both fit one page.
    pub fn compact(&self) -> Frame {
        Frame {
            id: format!("{}-compact", self.id),
            compact: true,
            ..self.clone()
        }
    }
}

/// One line or one set of bars, aligned with the chart's categories.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub values: Vec<Option<Decimal>>,
}

/// The plotted data, for a `<table>` next to the chart.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    /// The first cell of each row is its header.
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub svg: String,
    pub table: Table,
}

/// A chart that could not be drawn; plotters only fails on backend errors,
/// which a string backend does not have, but nothing here panics.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartError(pub String);

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not draw the chart: {}", self.0)
    }
}

pub(crate) fn draw_error<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError(format!("{e:?}"))
}

/// Turns plotters' SVG into ours: accessible name and description, no
/// redundant `opacity="1"`, short font sizes, a dashed target line, a
/// dotted grid, and a fill pattern over every bar of the second series on.
pub(crate) fn finish(raw: &str, frame: &Frame, class: &str) -> String {
    let body_start = raw.find('\n').map_or(raw.len(), |i| i + 1);
    let (open, body) = raw.split_at(body_start);
    let size = |attr: &str| {
        open.split_once(&format!(" {attr}=\""))
            .and_then(|(_, rest)| rest.split_once('"'))
            .map_or("0", |(v, _)| v)
            .to_string()
    };
    let (w, h) = (size("width"), size("height"));
    let id = &frame.id;
    let mut out = String::with_capacity(raw.len() + 256);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
        escape(&frame.title),
        escape(&frame.desc)
    ));
    let patterned: Vec<usize> = (1..PALETTE.len())
        .filter(|&i| body.lines().any(|l| is_bar(l, i)))
        .collect();
    if !patterned.is_empty() {
        out.push_str("<defs>");
        for &i in &patterned {
            out.push_str(&pattern(id, i));
        }
        out.push_str("</defs>\n");
    }
    // Plotters puts text content on lines of its own; keep `<text …>label</text>` on one.
    let mut in_text = false;
    for line in body.lines() {
        if line.is_empty() {
            continue;
        }
        let mut l = line.replace(" opacity=\"1\"", "");
        for (color, dashes) in [(TARGET_HEX, "6 4"), (plot::GRID_HEX, "1 3")] {
            l = l.replacen(
                &format!("stroke=\"{color}\""),
                &format!("stroke=\"{color}\" stroke-dasharray=\"{dashes}\""),
                1,
            );
        }
        let overlay = patterned
            .iter()
            .find(|&&i| is_bar(&l, i))
            .map(|&i| l.replacen(&format!("fill=\"{}\"", hex(i)), &format!("fill=\"url(#{id}-p{i})\""), 1));
        out.push_str(&round_font_size(&l));
        if let Some(o) = overlay {
            out.push('\n');
            out.push_str(&o);
        }
        if l.starts_with("<text") && !l.ends_with("/>") {
            in_text = true;
        } else if in_text && l != "</text>" {
            // the label itself
        } else {
            in_text = false;
            out.push('\n');
        }
    }
    out
}

/// Whether `line` draws a bar (or a bar's legend swatch) of series `i`: a
/// rectangle in its colour larger than a line's square marker.
fn is_bar(line: &str, i: usize) -> bool {
    let attr = |name: &str| {
        line.split_once(&format!(" {name}=\""))
            .and_then(|(_, rest)| rest.split_once('"'))
            .and_then(|(v, _)| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    line.starts_with("<rect")
        && line.contains(&format!("fill=\"{}\"", hex(i)))
        && attr("width").max(attr("height")) > 8.0
}

/// A palette colour as plotters writes it: `#0072B2`.
pub(crate) fn hex(i: usize) -> String {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// The fill pattern of series `i`: lines or dots in [`PATTERN_INK`].
fn pattern(id: &str, i: usize) -> String {
    let (size, angle, shape) = match i % PALETTE.len() {
        1 => (6, 45, "<path d=\"M0 0V6\" stroke-width=\"2\"/>"),
        2 => (5, 0, "<path d=\"M0 2.5H5\" stroke-width=\"1.5\"/>"),
        3 => (6, -45, "<path d=\"M0 0V6\" stroke-width=\"2\"/>"),
        4 => (5, 0, "<path d=\"M2.5 0V5\" stroke-width=\"1.5\"/>"),
        5 => (6, 0, "<path d=\"M0 3H6M3 0V6\" stroke-width=\"1.2\"/>"),
        _ => (
            5,
            0,
            "<circle cx=\"2.5\" cy=\"2.5\" r=\"1.1\" stroke-width=\"0\" fill=\"#FFFFFF\"/>",
        ),
    };
    format!(
        "<pattern id=\"{id}-p{i}\" width=\"{size}\" height=\"{size}\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate({angle})\"><g stroke=\"{PATTERN_INK}\" fill=\"none\">{shape}</g></pattern>"
    )
}

/// `font-size="9.67741935483871"` → `font-size="9.7"`.
fn round_font_size(line: &str) -> String {
    let Some((before, rest)) = line.split_once("font-size=\"") else {
        return line.to_string();
    };
    let Some((num, after)) = rest.split_once('"') else {
        return line.to_string();
    };
    let rounded = num
        .parse::<f64>()
        .ok()
        .and_then(Decimal::from_f64)
        .map_or_else(|| num.to_string(), |d| d.round(1).to_string());
    format!("{before}font-size=\"{rounded}\"{after}")
}

/// Text for XML content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A valid, readable id from free text: `chart-outside-counsel-spend-3`.
pub fn id_from(parts: &[&str]) -> String {
    let mut id = String::from("chart");
    for p in parts {
        id.push('-');
        let mut last_dash = true;
        for c in p.chars() {
            if c.is_ascii_alphanumeric() {
                id.push(c.to_ascii_lowercase());
                last_dash = false;
            } else if !last_dash {
                id.push('-');
                last_dash = true;
            }
        }
        while id.ends_with('-') {
            id.pop();
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_safe() {
        assert_eq!(
            id_from(&["Outside counsel spend", "trend", "L47"]),
            "chart-outside-counsel-spend-trend-l47"
        );
        assert_eq!(id_from(&["M&A <x>"]), "chart-m-a-x");
    }

    #[test]
    fn font_sizes_are_shortened() {
        assert_eq!(
            round_font_size("<text font-size=\"9.67741935483871\" x=\"1\">"),
            "<text font-size=\"9.7\" x=\"1\">"
        );
        assert_eq!(round_font_size("<line x1=\"1\"/>"), "<line x1=\"1\"/>");
    }
}

#[cfg(test)]
mod awkward_data {
    use super::*;
    use crate::quarter::Quarter;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).expect("valid literal")
    }

    fn check(svg: &str) {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}:\n{svg}"));
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        assert!(
            doc.descendants().any(|n| n.has_tag_name("title")) && doc.descendants().any(|n| n.has_tag_name("desc"))
        );
    }

    #[test]
    fn every_kind_draws_valid_svg_for_awkward_data() {
        let start: Quarter = "2025-Q1".parse().expect("valid quarter");
        let frame = Frame {
            id: "chart-x".into(),
            title: "Spend <&> \"quoted\"".into(),
            desc: "A & B".into(),
            unit: Unit::parse("EUR").expect("EUR is known"),
            quarters: QuarterFormat::default(),
            compact: false,
        };
        let cases: Vec<Vec<Option<Decimal>>> = vec![
            vec![],
            vec![None, None, None],
            vec![Some(d("5"))],
            vec![Some(d("0")), Some(d("0"))],
            vec![Some(d("-1302000")), None, Some(d("250000"))],
            vec![Some(d("0.000000001")), Some(d("100000000000000000000"))],
            vec![Some(d("7")), Some(d("7")), Some(d("7"))],
        ];
        for values in cases {
            let quarters: Vec<Quarter> = (0..values.len() as i32).map(|i| start.offset(i)).collect();
            let s = Series {
                label: "Spend".into(),
                values: values.clone(),
            };
            let t = Series {
                label: "Target".into(),
                values: values.iter().map(|_| Some(d("3"))).collect(),
            };
            check(&trend(&frame, &quarters, &s, Some(&t)).expect("trend").svg);
            check(&bars(&frame, &quarters, &s, None).expect("bars").svg);
            check(
                &compare(&frame, &quarters, &[s.clone(), t.clone()])
                    .expect("compare")
                    .svg,
            );
            check(
                &stacked(&frame, &quarters, &[s.clone(), t.clone()])
                    .expect("stacked")
                    .svg,
            );
            check(&sparkline(&frame, &quarters, &s, Some(d("1"))).expect("sparkline").svg);
            let parts: Vec<(String, Decimal)> = values
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, v)| (format!("Part {i}"), *v))
                .collect();
            check(&horizontal(&frame, &parts).expect("horizontal").svg);
        }
    }

    #[test]
    fn series_differ_by_marker_and_pattern_not_only_by_colour() {
        let quarters: Vec<Quarter> = (0..4)
            .map(|i| "2025-Q1".parse::<Quarter>().expect("valid").offset(i))
            .collect();
        let series: Vec<Series> = (0..3)
            .map(|n| Series {
                label: format!("S{n}"),
                values: (0..4).map(|i| Some(Decimal::from_int(10 + i + n * 5))).collect(),
            })
            .collect();
        let frame = Frame {
            id: "c".into(),
            title: "t".into(),
            desc: "d".into(),
            unit: Unit::Count,
            quarters: QuarterFormat::default(),
            compact: false,
        };
        // Lines: circles, squares and triangles, none patterned.
        let lines = compare(&frame, &quarters, &series).expect("draws").svg;
        assert!(lines.contains("<circle") && lines.contains("width=\"6\" height=\"6\"") && lines.contains("<polygon"));
        assert!(!lines.contains("<pattern"), "markers are not patterned");
        // Stacked bars: the second and third series get their own patterns,
        // over every bar and legend swatch of theirs.
        let bars = stacked(&frame, &quarters, &series).expect("draws").svg;
        assert!(bars.contains("<pattern id=\"c-p1\"") && bars.contains("<pattern id=\"c-p2\""));
        assert!(!bars.contains("c-p0"), "the first series stays solid");
        assert_eq!(
            bars.matches("fill=\"url(#c-p1)\"").count(),
            4 + 1,
            "four bars and the legend"
        );
        assert_eq!(bars.matches("fill=\"url(#c-p2)\"").count(), 4 + 1);
    }

    #[test]
    fn same_data_same_bytes() {
        let quarters: Vec<Quarter> = (0..8)
            .map(|i| "2025-Q1".parse::<Quarter>().expect("valid").offset(i))
            .collect();
        let s = Series {
            label: "A".into(),
            values: (0..8).map(|i| Some(Decimal::from_int(100 + i * 7))).collect(),
        };
        let frame = Frame {
            id: "c".into(),
            title: "t".into(),
            desc: "d".into(),
            unit: Unit::Count,
            quarters: QuarterFormat::default(),
            compact: false,
        };
        let a = trend(&frame, &quarters, &s, None).expect("draws").svg;
        let b = trend(&frame, &quarters, &s, None).expect("draws").svg;
        assert_eq!(a, b);
        assert!(!a.contains("opacity=\"1\""), "redundant attributes are dropped");
    }
}
