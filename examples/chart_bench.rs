//! Renders every chart kind many times and reports the time per chart.
//!
//! `cargo run --release --example chart_bench [N] [DIR]`: N charts in total
//! (default 1,000); with DIR, one sample of each kind is written there as
//! an HTML page to look at.

use std::time::Instant;

use casebook::chart::{self, Frame, Series};
use casebook::metrics::{Decimal, Unit};
use casebook::quarter::Quarter;

fn d(s: &str) -> Decimal {
    Decimal::parse(s).expect("valid literal")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let dir = args.next();
    let start: Quarter = "2024-Q1".parse().expect("valid quarter");
    let quarters: Vec<Quarter> = (0..12).map(|i| start.offset(i)).collect();
    let usd = Unit::parse("USD").expect("USD is known");
    let values = [
        "1580000", "1625000", "1610000", "1655000", "1598000", "1640000", "1585000", "1512000", "1448000", "1417000",
        "1302000",
    ];
    let actual = Series {
        label: "Outside counsel spend".into(),
        values: values.iter().map(|v| Some(d(v))).chain([None]).collect(),
    };
    let target = Series {
        label: "Target".into(),
        values: (0..12)
            .map(|i| (i >= 7).then(|| d(["1500000", "1450000", "1400000", "1325000", "1250000"][i - 7])))
            .collect(),
    };
    let parts: Vec<Series> = [
        "Litigation",
        "Commercial & IP",
        "Employment",
        "M&A & Corporate",
        "Regulatory",
    ]
    .iter()
    .enumerate()
    .map(|(c, name)| Series {
        label: (*name).into(),
        values: (0..4)
            .map(|q| Some(Decimal::from_int(100_000 + 50_000 * c as i64 + 10_000 * q)))
            .collect(),
    })
    .collect();
    let one_quarter: Vec<(String, Decimal)> = parts
        .iter()
        .map(|s| (s.label.clone(), s.values[3].unwrap_or_default()))
        .collect();
    let frame = |i: usize| Frame {
        id: format!("chart-{i}"),
        title: "Outside counsel spend".into(),
        desc: "Outside counsel spend by quarter against target.".into(),
        unit: usd,
        quarters: Default::default(),
        compact: false,
    };
    let kinds = ["trend", "bar", "stacked", "horizontal", "sparkline", "compare"];
    let draw = |i: usize| -> chart::Chart {
        let f = frame(i);
        let r = match kinds[i % kinds.len()] {
            "trend" => chart::trend(&f, &quarters, &actual, Some(&target)),
            "bar" => chart::bars(&f, &quarters, &actual, Some(&target)),
            "stacked" => chart::stacked(&f, &quarters[8..], &parts),
            "horizontal" => chart::horizontal(&f, &one_quarter),
            "sparkline" => chart::sparkline(
                &f,
                &quarters[8..],
                &Series {
                    label: "x".into(),
                    values: actual.values[7..11].to_vec(),
                },
                Some(d("1325000")),
            ),
            _ => chart::compare(&f, &quarters, &[actual.clone(), target.clone()]),
        };
        r.expect("charts draw")
    };
    // Warm up, then time.
    let _ = draw(0);
    let t = Instant::now();
    let mut bytes = 0;
    for i in 0..n {
        bytes += draw(i).svg.len();
    }
    let elapsed = t.elapsed();
    println!(
        "{n} charts ({}) in {:.1} ms: {:.1} µs per chart, {} bytes per chart on average",
        kinds.join(", "),
        elapsed.as_secs_f64() * 1000.0,
        elapsed.as_secs_f64() * 1e6 / n as f64,
        bytes / n.max(1)
    );
    if let Some(dir) = dir {
        let mut html = String::from(
            "<!doctype html><meta charset=utf-8><style>body{font-family:sans-serif;max-width:700px}svg.chart-svg{width:100%;height:auto;border:1px solid #eee}</style>",
        );
        for (i, kind) in kinds.iter().enumerate() {
            html.push_str(&format!("<h2>{kind}</h2>{}", draw(i).svg));
        }
        let path = std::path::Path::new(&dir).join("charts.html");
        std::fs::create_dir_all(&dir).expect("create the sample folder");
        std::fs::write(&path, html).expect("write the sample page");
        println!("samples: {}", path.display());
    }
}
