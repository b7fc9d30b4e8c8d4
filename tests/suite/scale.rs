//! Inputs far larger than any real page build in time and memory
//! proportional to their size: thousands of links on one line, thousands
//! of component calls on one page, a metric file of tens of thousands of
//! quarters. Memory is measured (GNU `time`, which `.ci/run` installs) as
//! the peak above an empty site's; wall time is never asserted.

use std::process::Command;

use crate::harness::{SiteTest, TODAY};

/// The build's peak resident memory in KiB and the run.
fn peak_kib(t: &SiteTest) -> (u64, std::process::Output) {
    let report = t.path("time.txt");
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-f").arg("%M").arg("-o").arg(&report);
    let inner = t.command(&["build", "--quiet", "--today", TODAY]);
    cmd.arg(inner.get_program())
        .args(inner.get_args())
        .current_dir(t.root());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let out = cmd
        .output()
        .expect("GNU time is installed (.ci/run installs the `time` package)");
    let text = std::fs::read_to_string(&report).expect("time wrote its report");
    let kib = text
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("a number of KiB");
    (kib, out)
}

fn empty_site_peak() -> u64 {
    peak_kib(&SiteTest::with_files(&[("content/_index.md", "# Home\n")])).0
}

/// What may come on top of an empty site's peak for any of these inputs.
const BUDGET_KIB: u64 = 100 * 1024;

#[test]
fn ten_thousand_links_on_one_line_stay_within_memory() {
    let links: Vec<String> = (0..10_000).map(|i| format!("[link {i}](q.md)")).collect();
    let page = format!("# P\n\n{}\n", links.join(" "));
    let t = SiteTest::with_files(&[
        ("content/_index.md", "# Home\n"),
        ("content/q.md", "# Q\n"),
        ("content/p.md", &page),
    ]);
    let (kib, out) = peak_kib(&t);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let base = empty_site_peak();
    assert!(kib < base + BUDGET_KIB, "peak {kib} KiB, empty site {base} KiB");
    let html = t.output("p/index.html");
    // The site menu links to the page too; count the links in the prose.
    assert_eq!(html.matches("href=\"../q/\">link ").count(), 10_000);
}

#[test]
fn a_broken_link_among_thousands_on_one_line_is_located_and_quoted_briefly() {
    let mut links: Vec<String> = (0..5_000).map(|i| format!("[link {i}](q.md)")).collect();
    links[4_000] = "[gone](missing.md)".into();
    let page = format!("# P\n\n{}\n", links.join(" "));
    let t = SiteTest::with_files(&[("content/q.md", "# Q\n"), ("content/p.md", &page)]);
    let run = t.build(&[]);
    run.assert_code(1);
    let column = page.lines().nth(2).unwrap().find("[gone]").unwrap() + 1;
    assert!(
        run.stderr.contains(&format!("content/p.md:3:{column}")),
        "{}",
        run.stderr
    );
    let quoted = run
        .stderr
        .lines()
        .find(|l| l.contains("[gone](missing.md)"))
        .expect("quoted");
    assert!(quoted.chars().count() < 300, "{quoted}");
}

#[test]
fn three_thousand_component_calls_on_a_page_all_render_in_order() {
    let calls: Vec<String> = (0..3_000)
        .map(|i| {
            format!(
                "{{{{ kpi(metric=\"m\", quarter=\"2026-Q{}\", title=\"tile {i}\") }}}}",
                i % 4 + 1
            )
        })
        .collect();
    let page = format!("---\ntitle: P\n---\n{}\n", calls.join("\n\n"));
    let t = SiteTest::with_files(&[
        ("content/_index.md", "# Home\n"),
        (
            "content/metrics/m.yaml",
            "unit: count\nbetter: higher\ntarget: 5\nvalues: {2026-Q1: 1, 2026-Q2: 2, 2026-Q3: 3, 2026-Q4: 4}\n",
        ),
        ("content/p.md", &page),
    ]);
    let (kib, out) = peak_kib(&t);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(kib < empty_site_peak() + BUDGET_KIB, "peak {kib} KiB");
    let html = t.output("p/index.html");
    let positions: Vec<usize> = (0..3_000)
        .map(|i| {
            html.find(&format!(">tile {i}<"))
                .unwrap_or_else(|| panic!("tile {i} missing"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "tiles out of order");
    assert!(!html.contains("casebook:component"), "a placeholder was left");
}

#[test]
fn a_metric_file_of_thirty_six_thousand_quarters_is_read_within_memory() {
    let values: String = (0..36_000)
        .map(|i| format!("  {}-Q{}: {i}\n", 1900 + i / 4, i % 4 + 1))
        .collect();
    let t = SiteTest::with_files(&[
        ("content/_index.md", "# Home\n"),
        ("content/metrics/m.yaml", &format!("unit: count\nvalues:\n{values}")),
    ]);
    let (kib, out) = peak_kib(&t);
    // Quarters after 2999 are errors, each at its line; the rest are read.
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("31600 errors"),
        "{}",
        &stderr[stderr.len().saturating_sub(300)..]
    );
    assert!(stderr.contains("content/metrics/m.yaml:4403:3"), "first error located");
    assert!(kib < empty_site_peak() + BUDGET_KIB, "peak {kib} KiB");
}
