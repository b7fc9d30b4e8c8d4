//! Charts and tables on every screen: series colours with 3:1 contrast,
//! one quarter format, no future quarters, and phone layouts that never
//! pan sideways, measured in a real Chromium.

use serde_json::Value;

use crate::browser::cdp::Browser;
use crate::harness::SiteTest;

/// The example site built for the audience that sees every page.
fn example() -> SiteTest {
    let site = SiteTest::example();
    site.build(&["--audience", "legal-only"]).assert_code(0);
    site
}

fn file_url(site: &SiteTest, rel: &str) -> String {
    format!("file://{}/{rel}", site.path("public").display())
}

/// Elements that stick out of the page on the right, outside any box that
/// scrolls them: what makes a page pan sideways.
const OVERFLOW: &str = "(function () {
  var vw = window.innerWidth, out = [];
  function scrolls(e) { for (var p = e.parentElement; p; p = p.parentElement) { var o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return p !== document.documentElement && p !== document.body; } return false; }
  document.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.right > vw + 0.5 && !scrolls(e)) out.push(e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(r.right));
  });
  return { scroll: document.documentElement.scrollWidth, inner: vw, out: out.slice(0, 8) };
})()";

#[test]
fn no_page_pans_sideways_on_a_phone() {
    let Some(mut b) = Browser::start(390, 844) else {
        return;
    };
    let site = example();
    for rel in [
        "register/index.html",
        "reports/2026-q3/index.html",
        "metrics/outside-counsel-spend/index.html",
        "metrics/index.html",
        "goals/faster-contracting/index.html",
        "index.html",
    ] {
        b.open(&file_url(&site, rel));
        let m: Value = b.dt.eval(OVERFLOW);
        assert!(
            m["scroll"].as_f64() <= m["inner"].as_f64(),
            "{rel} pans sideways at 390 px: {m}"
        );
    }
}

/// Each row's Status badge is on screen at 390 px without scrolling the table.
const STATUS_OFF_SCREEN: &str = "(function () {
  var vw = window.innerWidth, out = [];
  document.querySelectorAll('table.data tbody tr').forEach(function (tr) {
    var s = tr.querySelector('.status');
    if (!s || tr.closest('details:not([open])')) return;
    var r = s.getBoundingClientRect();
    if (r.right > vw || r.left < 0) out.push(tr.textContent.trim().slice(0, 40) + ' @' + Math.round(r.right));
  });
  return { rows: document.querySelectorAll('table.data tbody tr .status').length, off: out };
})()";

/// The smallest text of the charts shown, in CSS pixels as drawn.
const CHART_TEXT: &str = "(function () {
  var sizes = [];
  document.querySelectorAll('svg.chart-svg').forEach(function (svg) {
    if (svg.getBoundingClientRect().width === 0) return;
    var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    svg.querySelectorAll('text').forEach(function (t) { sizes.push(parseFloat(t.getAttribute('font-size')) * scale); });
  });
  return { charts: document.querySelectorAll('svg.chart-svg').length, shown: sizes.length, smallest: Math.min.apply(null, sizes) };
})()";

#[test]
fn on_a_phone_statuses_are_on_screen_and_chart_text_keeps_its_size() {
    let Some(mut b) = Browser::start(390, 844) else {
        return;
    };
    let site = example();
    for rel in [
        "register/index.html",
        "reports/2026-q3/index.html",
        "metrics/index.html",
        "metrics/outside-counsel-spend/index.html",
    ] {
        b.open(&file_url(&site, rel));
        let s: Value = b.dt.eval(STATUS_OFF_SCREEN);
        assert!(s["rows"].as_u64() > Some(3), "{rel}: {s}");
        assert_eq!(s["off"], serde_json::json!([]), "{rel}: statuses off screen at 390 px");
    }
    for rel in ["reports/2026-q3/index.html", "metrics/outside-counsel-spend/index.html"] {
        b.open(&file_url(&site, rel));
        let t: Value = b.dt.eval(CHART_TEXT);
        assert!(t["shown"].as_u64() > Some(20), "{rel}: {t}");
        assert!(
            t["smallest"].as_f64() >= Some(11.0),
            "{rel}: chart text below 11 px at 390 px: {t}"
        );
    }
    // On a wide screen the wide drawing is shown, at its size too.
    b.resize(1280, 900);
    b.open(&file_url(&site, "reports/2026-q3/index.html"));
    let t: Value = b.dt.eval(CHART_TEXT);
    assert!(t["smallest"].as_f64() >= Some(11.0), "{t}");
    assert_eq!(
        b.dt.eval("document.querySelector('.chart-wide svg').getBoundingClientRect().width > 500"),
        true
    );
}

/// WCAG's contrast ratio of two `#rrggbb` colours.
fn contrast(a: &str, b: &str) -> f64 {
    let lum = |hex: &str| {
        let c = |i: usize| {
            let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Every `fill="#…"`/`stroke="#…"` colour in `svg`, with whether it is a
/// pattern's (drawn over a bar, not over the page).
fn svg_colours(svg: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for (i, _) in svg.match_indices("=\"#") {
        let attr_start = svg[..i].rfind(' ').map_or(0, |s| s + 1);
        let attr = &svg[attr_start..i];
        if attr != "fill" && attr != "stroke" {
            continue;
        }
        let hex = svg[i + 2..i + 9].to_ascii_uppercase();
        let in_pattern = svg[..i]
            .rfind("<pattern")
            .is_some_and(|p| svg[p..i].find("</pattern>").is_none());
        out.push((hex, in_pattern));
    }
    out
}

#[test]
fn every_chart_colour_has_three_to_one_against_its_background_in_both_schemes() {
    let site = example();
    let mut seen = std::collections::BTreeSet::new();
    for (path, bytes) in crate::harness::tree(&site.path("public")) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        for svg in html.split("<svg").skip(1) {
            let svg = svg.split("</svg>").next().unwrap_or_default();
            for (hex, in_pattern) in svg_colours(svg) {
                seen.insert((hex, in_pattern));
            }
        }
    }
    let fills: Vec<&String> = seen.iter().filter(|(_, p)| !p).map(|(h, _)| h).collect();
    assert!(fills.len() >= 9, "the example's charts use the palette: {fills:?}");
    for (hex, in_pattern) in &seen {
        if *in_pattern {
            // Pattern lines are drawn over each series colour.
            for fill in &fills {
                if fill.as_str() != "#FFFFFF" && fill.as_str() != "#333333" && fill.as_str() != "#555555" {
                    assert!(
                        contrast(hex, fill) >= 3.0,
                        "pattern {hex} on {fill}: {:.2}",
                        contrast(hex, fill)
                    );
                }
            }
        } else {
            assert!(
                contrast(hex, "#FFFFFF") >= 3.0,
                "{hex} on white: {:.2}",
                contrast(hex, "#FFFFFF")
            );
        }
    }
    // The dark scheme maps each colour by attribute to a variable; each must
    // have 3:1 against the dark page too.
    let css = std::fs::read_to_string(site.path("public/css/casebook.css")).expect("the stylesheet");
    let dark_block = css
        .split(":root[data-theme=\"dark\"] {")
        .nth(1)
        .and_then(|b| b.split('}').next())
        .expect("the dark scheme");
    let dark_var = |name: &str| -> Option<String> {
        let at = dark_block.find(&format!("{name}: "))? + name.len() + 2;
        Some(dark_block[at..at + 7].to_ascii_uppercase())
    };
    let dark_bg = dark_var("--bg").expect("--bg");
    for (hex, in_pattern) in seen.iter().filter(|(_, p)| !p) {
        let rule = [
            format!("[fill=\"{hex}\"] {{ fill: var("),
            format!("[stroke=\"{hex}\"] {{ stroke: var("),
        ]
        .into_iter()
        .find_map(|r| css.find(&r).map(|i| i + r.len()));
        let Some(at) = rule else {
            // Not remapped: it must hold on the dark page as it is.
            assert!(
                contrast(hex, &dark_bg) >= 3.0 || *in_pattern,
                "{hex} has no dark mapping and {:.2} on {dark_bg}",
                contrast(hex, &dark_bg)
            );
            continue;
        };
        let var = &css[at..at + css[at..].find(')').expect("var()")];
        let dark = dark_var(var).unwrap_or_else(|| panic!("{var} has no dark value"));
        assert!(
            contrast(&dark, &dark_bg) >= 3.0,
            "{hex} → {var} {dark} on {dark_bg}: {:.2}",
            contrast(&dark, &dark_bg)
        );
    }
}

/// Machine quarters (`2026-Q3`) in `text`.
fn machine_quarters(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(6))
        .filter(|&i| {
            b[i..i + 4].iter().all(u8::is_ascii_digit) && &b[i + 4..i + 6] == b"-Q" && (b'1'..=b'4').contains(&b[i + 6])
        })
        .map(|i| text[i.saturating_sub(30)..(i + 12).min(text.len())].to_string())
        .collect()
}

fn fiscal_site() -> SiteTest {
    SiteTest::with_files(&[
        ("casebook.yaml", "title: Acme Legal\nquarter_format: \"Q{q} FY{yy}\"\n"),
        (
            "content/roles/ops.md",
            "---\ntitle: Legal Operations\n---\nRuns the numbers.\n",
        ),
        (
            "content/goals/spend.md",
            "---\ntitle: Reduce spend\nowners: [ops]\nkey_results:\n  - metric: spend\n    target: 1200000\n    by: 2027-Q2\n---\nWhy.\n",
        ),
        (
            "content/metrics/spend.yaml",
            "title: Outside counsel spend\nunit: USD\nbetter: lower\nowner: ops\ngoal: spend\ntarget: {2026-Q1: 1450000, 2026-Q3: 1325000, 2026-Q4: 1250000, 2027-Q2: 1200000}\nvalues:\n  2025-Q3: 1585000\n  2025-Q4: 1512000\n  2026-Q1: 1448000\n  2026-Q2: 1417000\n  2026-Q3: 1302000\nbreakdown:\n  2026-Q3: {Litigation: 655000, Other: 647000}\n",
        ),
        (
            "content/reports/q3.md",
            "---\ntitle: Board report\nquarter: 2026-Q3\n---\nIntro.\n\n{{ chart(metric=\"spend\") }}\n\n{{ chart(metric=\"spend\", kind=\"breakdown\") }}\n\n{{ kpi(metric=\"spend\") }}\n\n{{ goal_status(goal=\"spend\") }}\n",
        ),
    ])
}

#[test]
fn quarters_are_written_one_way_and_no_future_quarter_is_listed() {
    let site = fiscal_site();
    site.build_ok();
    for url in ["reports/q3/", "metrics/spend/", "metrics/", "goals/spend/"] {
        let text = crate::harness::text_of(&site.main_of(url));
        assert_eq!(
            machine_quarters(&text),
            Vec::<String>::new(),
            "{url} writes machine quarters"
        );
        assert!(
            !text.contains("Q3 2026") && !text.contains("’2"),
            "{url} mixes formats:\n{text}"
        );
        assert!(text.contains("Q3 FY26"), "{url}:\n{text}");
    }
    // The metric's history ends with its last value: no rows, chart points or
    // CSV lines for the quarters that only have a target yet.
    let page = site.main_of("metrics/spend/");
    let figures = crate::harness::between(&page, "id=\"figures-title\"", "</table>").expect("the quarter table");
    let rows: Vec<String> = crate::harness::attributes(figures, "data-quarter");
    assert_eq!(rows, ["2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4", "2025-Q3"]);
    let chart_rows = crate::harness::between(&page, "Outside counsel spend by quarter</caption>", "</table>")
        .expect("the trend chart's data");
    assert!(
        chart_rows.contains("Q3 FY26") && !chart_rows.contains("Q4 FY26"),
        "{chart_rows}"
    );
    let csv = site.output("metrics/spend.csv");
    assert_eq!(csv.lines().last().map(|l| &l[..7]), Some("2026-Q3"), "{csv}");
    assert!(
        crate::harness::text_of(&page).contains("Set for later quarters: Q4 FY26 $1.25M, Q2 FY27 $1.20M."),
        "the later targets are said in words"
    );
    // Each chart links the data it draws as CSV.
    assert!(
        page.contains("Data as CSV: <a href=\"../../metrics/spend.csv\" download>"),
        "{page}"
    );
    let report_html = site.main_of("reports/q3/");
    assert_eq!(
        report_html
            .matches("<a href=\"../../metrics/spend.csv\" download>")
            .count(),
        2
    );
}

#[test]
fn a_bad_quarter_format_is_an_error_at_its_line() {
    let site = SiteTest::with_files(&[("casebook.yaml", "title: T\nquarter_format: \"Q{n} {year}\"\n")]);
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: `Q{n} {year}` has an unknown placeholder `{n}`",
        "casebook.yaml:2:17",
        "quarter_format: \"Q{n} {year}\"",
        "`{q}` is the quarter's number",
    );
}

#[test]
fn a_goal_page_charts_each_key_result_against_its_straight_path() {
    let site = fiscal_site();
    site.build_ok();
    let page = site.main_of("goals/spend/");
    let chart =
        crate::harness::between(&page, "id=\"chart-goal-spend-spend\"", "</figure>").expect("the key result's chart");
    assert!(
        chart.contains("Path to $1.20M by Q2 FY27"),
        "legend and data name the path"
    );
    // From 1,585,000 in 2025-Q3 to 1,200,000 in 2027-Q2: 7 quarters of −55,000.
    for (quarter, actual, path) in [
        ("Q3 FY25", "$1,585,000", "$1,585,000"),
        ("Q3 FY26", "$1,302,000", "$1,365,000"),
        ("Q2 FY27", "n/a", "$1,200,000"),
    ] {
        let row =
            format!("<th scope=\"row\">{quarter}</th><td class=\"num\">{actual}</td><td class=\"num\">{path}</td>");
        assert!(chart.contains(&row), "{row} in:\n{chart}");
    }
    assert_eq!(chart.matches("<svg").count(), 2, "drawn for wide screens and phones");
}

const BOARD_ONLY: &[(&str, &str)] = &[
    ("content/_index.md", "---\ntitle: Home\n---\n{{ dashboard() }}\n"),
    (
        "content/board/_index.md",
        "---\ntitle: Board room\naudience: board\n---\n{{ dashboard() }}\n",
    ),
    (
        "content/roles/ops.md",
        "---\ntitle: Legal Operations\n---\nRuns the numbers.\n",
    ),
    (
        "content/goals/open.md",
        "---\ntitle: Open goal\nowners: [ops]\nkey_results:\n  - metric: visible\n    target: 100\n---\nWhy.\n",
    ),
    (
        "content/goals/secret.md",
        "---\ntitle: Secret goal\naudience: board\nowners: [ops]\n---\nWhy.\n",
    ),
    (
        "content/metrics/visible.yaml",
        "title: Visible metric\nunit: count\nbetter: higher\ntarget: 100\nvalues: {2026-Q3: 50}\n",
    ),
    (
        "content/metrics/exposure.yaml",
        "title: Board exposure\nunit: USD\nbetter: lower\naudience: board\ntarget: 100\nvalues: {2026-Q3: 900}\n",
    ),
    (
        "content/policies/old.md",
        "---\ntitle: Old policy\nkind: policy\nowner: ops\neffective: 2024-01-01\nreview_every: 12 months\n---\nText.\n",
    ),
    (
        "content/policies/board-old.md",
        "---\ntitle: Board policy\nkind: policy\naudience: board\neffective: 2024-01-01\nreview_every: 12 months\n---\nText.\n",
    ),
];

#[test]
fn the_dashboard_shows_only_what_its_page_audience_sees() {
    let site = SiteTest::with_files(BOARD_ONLY);
    site.build(&["--audience", "board"]).assert_code(0);
    let home = crate::harness::text_of(&site.main_of(""));
    for want in ["Open goal", "Visible metric", "✕ Off track", "Old policy", "Overdue"] {
        assert!(
            home.contains(want) || home.contains(&want.replace("✕ ", "")),
            "home lacks `{want}`:\n{home}"
        );
    }
    for hidden in ["Secret goal", "Board exposure", "Board policy"] {
        assert!(
            !home.contains(hidden),
            "the internal home page shows `{hidden}`:\n{home}"
        );
    }
    let board = crate::harness::text_of(&site.main_of("board/"));
    for want in [
        "Open goal",
        "Secret goal",
        "Visible metric",
        "Board exposure",
        "Old policy",
        "Board policy",
    ] {
        assert!(board.contains(want), "the board page lacks `{want}`:\n{board}");
    }
    // In an internal build the board's things are not in the model at all.
    site.build(&["--audience", "internal", "--out", "internal"])
        .assert_code(0);
    let internal = site.read("internal/index.html");
    assert!(
        !internal.contains("Secret goal") && !internal.contains("Board exposure") && !internal.contains("Board policy")
    );
    assert!(!site.path("internal/board/index.html").exists());
}
