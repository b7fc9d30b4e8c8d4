//! Quarterly performance through the real binary: metric files, KPI
//! figures checked against numbers worked out by hand, charts (well-formed,
//! accessible, byte-identical), exports, every validation error located,
//! and the board report's PDF where Chromium is installed.

use crate::harness::{SiteTest, between, text_of, tree};

const ROLES: [(&str, &str); 2] = [
    (
        "content/roles/legal-ops.md",
        "---\ntitle: Head of Legal Operations\n---\n",
    ),
    ("content/roles/general-counsel.md", "---\ntitle: General Counsel\n---\n"),
];

const GOAL: (&str, &str) = (
    "content/goals/reduce-spend.md",
    "---
title: Reduce external spend
owners: [legal-ops, general-counsel]
key_results:
  - metric: spend
    target: 1200000
    by: 2027-Q2
    description: Outside counsel spend at or below $1.2M a quarter
---
Why it matters.
",
);

const SPEND: (&str, &str) = (
    "content/metrics/spend.yaml",
    "title: Outside counsel spend
unit: USD
better: lower
owner: legal-ops
goal: reduce-spend
description: Fees billed by external law firms.
target: {2026-Q1: 1450000, 2026-Q3: 1325000}
values:
  2025-Q3: 1585000
  2025-Q4: 1512000
  2026-Q1: 1448000
  2026-Q2: 1417000
  2026-Q3: 1302000
breakdown:
  2026-Q2: {Litigation: 689000, Commercial & IP: 728000}
  2026-Q3: {Litigation: 655000, Commercial & IP: 647000}
",
);

const CYCLE: (&str, &str) = (
    "content/metrics/cycle.yaml",
    "title: Contract cycle time
unit: days
better: lower
owner: general-counsel
target: 12
values:
  2026-Q1: 17.5
  2026-Q2: 15.6
  2026-Q3: 14.2
",
);

const SURVEY: (&str, &str) = (
    "content/metrics/survey.yaml",
    "title: Self-service rate
unit: percent
better: higher
owner: legal-ops
target: 80
values:
  2026-Q2: 70
  2026-Q3: 76.5
",
);

const POLICY: (&str, &str) = (
    "content/policies/retention.md",
    "---\ntitle: Records retention\nowner: legal-ops\neffective: 2025-01-01\nreview_every: 12 months\n---\nKeep records.\n",
);

const REPORT: (&str, &str) = (
    "content/reports/2026-q3.md",
    "---
title: Board report Q3 2026
quarter: 2026-Q3
author: legal-ops
---
## Spend

{{ kpi_table(metrics=[\"spend\", \"cycle\", \"survey\"]) }}

{{ chart(metric=\"spend\", kind=\"trend\") }}

{{ chart(metric=\"spend\", kind=\"bar\", quarters=4) }}

{{ chart(metric=\"spend\", kind=\"breakdown\") }}

{{ chart(metric=\"spend\", kind=\"breakdown\", quarter=\"2026-Q3\") }}

{{ chart(metrics=[\"spend\", \"cycle\"], kind=\"compare\") }}

## Contracting

{{ kpi(metric=\"cycle\") }}

{{ goal_status(goal=\"reduce-spend\") }}
",
);

fn site() -> SiteTest {
    let mut files = ROLES.to_vec();
    files.extend([GOAL, SPEND, CYCLE, SURVEY, POLICY, REPORT]);
    SiteTest::with_files(&files)
}

/// Every `<svg …>…</svg>` in a page.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..]
            .find("</svg>")
            .map(|i| start + i + "</svg>".len())
            .expect("</svg> closes <svg>");
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

/// The rendered text of the table row whose header cell holds `metric`.
fn row_text(html: &str, metric: &str) -> String {
    let rows: Vec<&str> = html
        .split("<tr>")
        .filter(|r| r.contains(&format!(">{metric}</a>")))
        .collect();
    assert!(!rows.is_empty(), "no row for {metric}");
    let row = rows[0].split("</tr>").next().unwrap_or_default();
    // Sparklines' titles and descriptions are not part of the row's reading text.
    let without_svg: String = {
        let mut s = row.to_string();
        while let (Some(a), Some(b)) = (s.find("<svg"), s.find("</svg>")) {
            s.replace_range(a..b + "</svg>".len(), "");
        }
        s
    };
    text_of(&without_svg)
}

#[test]
fn report_charts_are_well_formed_accessible_svg() {
    let site = site();
    site.build_ok();
    let html = site.output("reports/2026-q3/index.html");
    let figures = html.matches("<figure class=\"component chart").count();
    assert_eq!(figures, 5, "trend, bar, stacked, horizontal, compare");
    let all = svgs(&html);
    assert!(all.len() >= figures + 3, "charts plus sparklines: {}", all.len());
    for svg in &all {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("role"), Some("img"), "{svg}");
        let labels = root.attribute("aria-labelledby").expect("aria-labelledby");
        let ids: Vec<&str> = labels.split(' ').collect();
        assert_eq!(ids.len(), 2, "{labels}");
        for (id, tag) in ids.iter().zip(["title", "desc"]) {
            let el = doc
                .descendants()
                .find(|n| n.attribute("id") == Some(id))
                .unwrap_or_else(|| panic!("no #{id} in {svg}"));
            assert_eq!(el.tag_name().name(), tag);
            assert!(el.text().is_some_and(|t| !t.trim().is_empty()), "empty <{tag}>");
        }
    }
    // Ids stay unique on the page.
    let mut ids: Vec<&str> = all.iter().filter_map(|s| between(s, "<title id=\"", "\"")).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate chart ids");
    // Each full chart carries its data as a table.
    for fig in html.split("<figure class=\"component chart").skip(1) {
        let fig = fig.split("</figure>").next().unwrap_or_default();
        assert!(
            fig.contains("<table") && fig.contains("<th scope=\"row\">"),
            "a chart without its data table:\n{fig}"
        );
    }
    // Unit-formatted ticks, quarter labels, a legend for two series, the target dashed.
    let trend = all
        .iter()
        .find(|s| s.contains("Outside counsel spend") && s.contains(">Target<"))
        .expect("the trend chart");
    for label in [">$1.3M<", ">$1.6M<", ">Q3 2026<", ">Q4 2024<", ">Quarter<", ">USD<"] {
        assert!(trend.contains(label), "trend chart lacks {label}");
    }
    assert!(trend.contains("stroke-dasharray"), "the target line is dashed");
    let stacked =
        between(&html, "Outside counsel spend by category</figcaption>", "</figure>").expect("stacked breakdown");
    assert!(
        stacked.contains(">Litigation<") && stacked.contains(">Commercial &amp; IP<"),
        "legend of categories"
    );
    assert!(stacked.contains("<th scope=\"row\">Q3 2026</th><td class=\"num\">$655,000</td><td class=\"num\">$647,000</td><td class=\"num\">$1,302,000</td>"), "{stacked}");
    let horizontal =
        between(&html, "Outside counsel spend, Q3 2026</figcaption>", "</figure>").expect("one-quarter breakdown");
    assert!(
        horizontal.contains("$655K (50.3%)"),
        "bars are labelled with value and share"
    );
    // No system fonts: the text is left to the browser.
    assert!(
        !html.contains("font-family=\"")
            || html.matches("font-family=\"sans-serif\"").count() == html.matches("font-family=\"").count()
    );
}

#[test]
fn charts_and_exports_are_byte_identical_across_builds() {
    let site = site();
    site.build(&["--out", "one"]).assert_code(0);
    site.build(&["--out", "two"]).assert_code(0);
    let (one, two) = (tree(&site.path("one")), tree(&site.path("two")));
    assert_eq!(one.keys().collect::<Vec<_>>(), two.keys().collect::<Vec<_>>());
    for (path, bytes) in &one {
        assert!(two[path] == *bytes, "{path} differs between two builds");
    }
    assert!(one.contains_key("metrics.json") && one.contains_key("metrics/spend.csv"));
}

#[test]
fn kpi_figures_match_hand_computed_values() {
    let site = site();
    site.build_ok();
    let html = site.output("reports/2026-q3/index.html");
    let table = between(&html, "<table class=\"data kpi-table\">", "</table>").expect("the KPI table");
    // 1,302,000 vs 1,417,000: −115,000, −8.1%; vs 1,585,000 a year earlier: −17.9%;
    // target 1,325,000 from 2026-Q3 on; below target, lower is better: on track.
    assert_eq!(
        row_text(table, "Outside counsel spend"),
        "Outside counsel spend Head of Legal Operations On track vs Q3 2026 target On track vs path to key result (by Q2 2027) Reduce external spend $1.30M −8.1% −17.9% $1.33M"
    );
    // 14.2 vs 15.6 days: −9.0%; no 2025-Q3 value; 12 × 1.05 = 12.6 < 14.2: off track.
    assert_eq!(
        row_text(table, "Contract cycle time"),
        "Contract cycle time General Counsel Off track vs Q3 2026 target 14.2 days −9.0% n/a (no value for Q3 2025, a year earlier) 12 days"
    );
    // 76.5% vs 70%: +6.5 pp; 80 × 0.95 = 76 ≤ 76.5 < 80: at risk; no 2025-Q3 value.
    assert_eq!(
        row_text(table, "Self-service rate"),
        "Self-service rate Head of Legal Operations At risk vs Q3 2026 target 76.5% +6.5 pp n/a (no value for Q3 2025, a year earlier) 80%"
    );
    assert!(
        table.contains("title=\"no value for Q3 2025, a year earlier\">n/a"),
        "n/a carries its reason on hover"
    );
    assert!(
        table.contains("<span class=\"change tone-good\" title=\"−$115K\">−8.1%</span>"),
        "{table}"
    );

    // The goal card: (1,302,000 − 1,585,000) / (1,200,000 − 1,585,000) = 73.5% of the way,
    // shown in whole percent; the straight path from 2025-Q3 to 2027-Q2 expects
    // 1,365,000 by 2026-Q3: on track.
    let card = between(&html, "<div class=\"component goal-card\">", "</table>").expect("goal card");
    let card_text = text_of(card);
    assert!(
        card_text.contains("Reduce external spend On track worst of its key results"),
        "{card_text}"
    );
    assert!(
        card_text.contains("On track vs path to key result (by Q2 2027) On track vs Q3 2026 target $1.59M Q3 2025 $1.30M Q3 2026 $1.20M by Q2 2027 74% 74%"),
        "{card_text}"
    );

    // The KPI tile defaults to the report's quarter.
    let tile = between(&html, "<div class=\"component kpi-tile", "</dl>").expect("kpi tile");
    assert!(
        text_of(tile).contains("Contract cycle time Q3 2026 14.2 days Off track vs Q3 2026 target"),
        "{}",
        text_of(tile)
    );

    // Computed sections: off track with owner, and the overdue policy.
    let attention = between(&html, "id=\"attention\"", "</section>").expect("attention section");
    assert!(
        text_of(attention)
            .contains("Contract cycle time Off track vs Q3 2026 target General Counsel 14.2 days 12 days +18.3%"),
        "{}",
        text_of(attention)
    );
    let policies = between(&html, "id=\"policy-attention\"", "</section>").expect("policies section");
    assert!(
        text_of(policies).contains("Records retention Overdue Head of Legal Operations 1 January 2026"),
        "{}",
        text_of(policies)
    );
}

#[test]
fn metric_pages_json_and_csv_carry_exact_numbers() {
    let site = site();
    site.build_ok();
    let json_text = site.output("metrics.json");
    let doc: serde_json::Value = serde_json::from_str(&json_text).expect("metrics.json is JSON");
    let spend = &doc["metrics"]["spend"];
    assert_eq!(spend["values"]["2026-Q3"], serde_json::json!(1302000));
    assert_eq!(spend["quarters"]["2026-Q3"]["status"], "on-track");
    assert_eq!(
        spend["quarters"]["2026-Q3"]["change_qoq"]["abs"],
        serde_json::json!(-115000)
    );
    assert_eq!(spend["target"]["2026-Q3"], serde_json::json!(1325000));
    assert_eq!(
        spend["breakdown"]["2026-Q3"]["Commercial & IP"],
        serde_json::json!(647000)
    );
    assert_eq!(
        doc["metrics"]["cycle"]["quarters"]["2026-Q3"]["change_yoy"]["pct"],
        serde_json::Value::Null
    );
    assert!(
        json_text.contains("\"2026-Q3\": 14.2"),
        "decimals are written as in the file"
    );
    // Keys are sorted at every level.
    let (c, sp, su) = (
        json_text.find("\"cycle\"").unwrap(),
        json_text.find("\"spend\"").unwrap(),
        json_text.find("\"survey\"").unwrap(),
    );
    assert!(c < sp && sp < su);
    let csv = site.output("metrics/spend.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "quarter,value,target,change_qoq,change_qoq_pct,change_yoy,change_yoy_pct,status,breakdown: Litigation,breakdown: Commercial & IP"
    );
    assert_eq!(
        lines.last().copied(),
        Some("2026-Q3,1302000,1325000,-115000,-8.1157,-283000,-17.8549,on-track,655000,647000")
    );
    let page = site.main_of("metrics/spend/");
    assert!(page.contains("href=\"../spend.csv\""), "the metric page links its CSV");
    assert!(page.contains("<th scope=\"row\" data-quarter=\"2026-Q3\">Q3 2026</th>"));
    assert!(
        site.main_of("metrics/").contains("href=\"../metrics/spend/\""),
        "the index links each metric"
    );
    // Role and goal pages come alive.
    let role = site.main_of("roles/legal-ops/");
    assert!(
        role.contains("Metrics this role owns") && role.contains(">Self-service rate</a>"),
        "{role}"
    );
    let goal = site.main_of("goals/reduce-spend/");
    assert!(text_of(&goal).contains("Progress On track"), "{}", text_of(&goal));
}

#[test]
fn every_metric_validation_error_is_located() {
    let mut files = ROLES.to_vec();
    files.extend([GOAL, SPEND]);
    let bad = [
        (
            "content/metrics/a-quarter.yaml",
            "unit: count\nvalues:\n  2026-Q1: 3\n  2026-Q5: 4\n",
        ),
        (
            "content/metrics/b-duplicate.yaml",
            "unit: count\nvalues:\n  2026-Q3: 3\n  2026-q3: 4\n",
        ),
        (
            "content/metrics/c-number.yaml",
            "unit: count\nvalues:\n  2026-Q3: twelve\n",
        ),
        (
            "content/metrics/d-negative.yaml",
            "unit: days\nvalues:\n  2026-Q3: -2\n",
        ),
        (
            "content/metrics/e-percent.yaml",
            "unit: percent\nvalues:\n  2026-Q3: 142.5\n",
        ),
        (
            "content/metrics/f-unit.yaml",
            "title: Spend\nunit: usd\nvalues: {2026-Q3: 1}\n",
        ),
        (
            "content/metrics/g-owner.yaml",
            "unit: USD\nowner: legal-opps\nvalues: {2026-Q3: 1}\n",
        ),
        (
            "content/metrics/h-goal.yaml",
            "unit: USD\ngoal: reduce-spnd\nvalues: {2026-Q3: 1}\n",
        ),
        (
            "content/metrics/i-sum.yaml",
            "unit: USD\nvalues: {2026-Q3: 1302000}\nbreakdown:\n  2026-Q3: {A: 700000, B: 600000}\n",
        ),
        (
            "content/metrics/j-gap.yaml",
            "unit: count\nvalues:\n  2025-Q4: 1\n  2026-Q2: 2\n",
        ),
        ("content/metrics/k-key.yaml", "unit: count\nvaules: {2026-Q3: 1}\n"),
    ];
    files.extend(bad);
    let site = SiteTest::with_files(&files);
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: `2026-Q5` has no quarter 5",
        "content/metrics/a-quarter.yaml:4:3",
        "  2026-Q5: 4",
        "quarters run from Q1 to Q4",
    );
    run.assert_diagnostic(
        "error: quarter 2026-Q3 appears twice in `values`",
        "content/metrics/b-duplicate.yaml:4:3",
        "  2026-q3: 4",
        "the first is on line 3",
    );
    run.assert_diagnostic(
        "error: the value for 2026-Q3 is not a number",
        "content/metrics/c-number.yaml:3:12",
        "  2026-Q3: twelve",
        "plain number",
    );
    run.assert_diagnostic(
        "error: the value for 2026-Q3 is negative",
        "content/metrics/d-negative.yaml:3:12",
        "  2026-Q3: -2",
        "check the sign",
    );
    run.assert_diagnostic(
        "error: the value for 2026-Q3 is 142.5%, outside 0–100",
        "content/metrics/e-percent.yaml:3:12",
        "  2026-Q3: 142.5",
        "from 0 to 100",
    );
    run.assert_diagnostic(
        "error: unknown unit `usd`",
        "content/metrics/f-unit.yaml:2:7",
        "unit: usd",
        "did you mean `USD`?",
    );
    run.assert_diagnostic(
        "error: unknown role `legal-opps`",
        "content/metrics/g-owner.yaml:2:8",
        "owner: legal-opps",
        "did you mean `legal-ops`?",
    );
    run.assert_diagnostic(
        "error: unknown goal `reduce-spnd`",
        "content/metrics/h-goal.yaml:2:7",
        "goal: reduce-spnd",
        "did you mean `reduce-spend`?",
    );
    run.assert_diagnostic(
        "warning: the 2026-Q3 breakdown adds up to $1,300,000, not the value $1,302,000",
        "content/metrics/i-sum.yaml:4:3",
        "  2026-Q3: {A: 700000, B: 600000}",
        "$2,000 short of the total",
    );
    run.assert_diagnostic(
        "warning: no value for 2026-Q1 (between 2025-Q4 and 2026-Q2)",
        "content/metrics/j-gap.yaml:4:3",
        "  2026-Q2: 2",
        "mark a quarter without data",
    );
    run.assert_diagnostic(
        "error: unknown key `vaules` in a metric file",
        "content/metrics/k-key.yaml:2:1",
        "vaules: {2026-Q3: 1}",
        "did you mean `values`?",
    );
    assert!(
        run.stderr.contains("9 errors, 3 warnings"),
        "every problem is reported at once:\n{}",
        run.stderr
    );
}

#[test]
fn bad_component_calls_are_errors_at_the_call() {
    let mut files = ROLES.to_vec();
    files.extend([GOAL, SPEND]);
    files.push((
        "content/reports/q3.md",
        "---\ntitle: Q3\nquarter: 2026-Q3\n---\nIntro.\n\n{{ chrat(metric=\"spend\") }}\n\n{{ chart(metric=\"spnd\") }}\n\n{{ kpi(metirc=\"spend\") }}\n\n{{ chart(metric=\"spend\", kind=\"pie\") }}\n\n{{ kpi_table(goal=\"reduce-spend\", owner=\"legal-ops\") }}\n\nLiteral {{/* chart(metric=\"x\") */}} stays.\n",
    ));
    let site = SiteTest::with_files(&files);
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: unknown component `chrat`",
        "content/reports/q3.md:7:1",
        "{{ chrat(metric=\"spend\") }}",
        "did you mean `chart`?",
    );
    let bad = run
        .stderr
        .split("\n\n")
        .filter(|b| b.starts_with("error: bad call to"))
        .collect::<Vec<_>>();
    assert_eq!(bad.len(), 4, "{}", run.stderr);
    assert!(
        bad[0].contains("content/reports/q3.md:9:1") && bad[0].contains("unknown metric `spnd`; did you mean `spend`?"),
        "{}",
        bad[0]
    );
    assert!(
        bad[1].contains("content/reports/q3.md:11:1")
            && bad[1].contains("`kpi` has no argument `metirc`; did you mean `metric`?"),
        "{}",
        bad[1]
    );
    assert!(
        bad[2].contains("content/reports/q3.md:13:1") && bad[2].contains("unknown chart kind `pie`"),
        "{}",
        bad[2]
    );
    assert!(
        bad[3].contains("content/reports/q3.md:15:1") && bad[3].contains("use one of `metrics`, `goal` or `owner`"),
        "{}",
        bad[3]
    );
}

#[test]
fn pdf_without_chromium_says_what_to_install_and_still_builds() {
    let site = site();
    let empty = site.path("no-browsers");
    std::fs::create_dir_all(&empty).expect("create an empty PATH folder");
    let out = site
        .command(&["build", "--today", crate::harness::TODAY, "--pdf"])
        .env("PATH", &empty)
        .output()
        .expect("run casebook");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: no Chromium on the PATH") && stderr.contains("apt-get install chromium"),
        "{stderr}"
    );
    assert!(!site.path("public/reports/2026-q3/report.pdf").exists());
    assert!(
        !site.output("reports/2026-q3/index.html").contains("report.pdf"),
        "no link to a PDF that was not made"
    );
}
