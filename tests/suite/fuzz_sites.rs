//! Property tests on whole sites: a random configuration, pages of every
//! kind with plausible and broken front matter, metric files with random
//! quarters and values, and for some cases a small git history with random
//! dates and tags. Each site is built in-process the way `casebook build`
//! builds it; the build must not panic, and every error it reports must
//! name the file it is about (and the line, when the file is text and the
//! problem is on a line).
//!
//! The generator is deterministic (proptest's seeded runner, no failure
//! persistence), so the same cases run on every machine.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, TestRng, TestRunner};

use casebook::BuildOptions;

use crate::harness::SiteTest;

const QUARTERS: &[&str] = &[
    "2025-Q1", "2025-Q4", "2026-Q1", "2026-Q3", "2026-Q4", "0000-Q1", "9999-Q4", "2026-Q5", "2026-q2", "Q3-2026",
    "1899-Q4", "2999-Q4", "",
];
const DATES: &[&str] = &[
    "2026-01-31",
    "2025-12-15",
    "2026-02-30",
    "0000-01-01",
    "9999-12-31",
    "next tuesday",
    "2026-13-01",
    "1900-01-01",
    "2026-11-27",
    "",
];
const IDS: &[&str] = &["legal-ops", "general-counsel", "legal-opps", "ceo", "", "gc", "nobody"];
const VALUES: &[&str] = &[
    "1302000",
    "24.5",
    "-2",
    "142.5",
    "1,302,000",
    "~",
    "",
    "twelve",
    "1e999",
    "0",
    "[1]",
    "{a: 1}",
];
const STATUSES: &[&str] = &["draft", "retired", "effective", "Draft", "overdue", "[x]", ""];
const INTERVALS: &[&str] = &[
    "12 months",
    "0 months",
    "99999999999 months",
    "3 years",
    "soon",
    "1 day",
    "",
];
const AUDIENCES: &[&str] = &["public", "internal", "board", "legal-only", "bord", ""];
const KINDS: &[&str] = &["policy", "role", "goal", "report", "playbook", "polcy", "page"];
const BODIES: &[&str] = &[
    "Text with a [link](other.md) and [an anchor](#scope).\n\n## Scope\n\nWords.\n",
    "{{ kpi(metric=\"spend\", quarter=\"2026-Q3\") }}\n",
    "{{ chart(metric=\"nope\") }}\n",
    "{{ policy_list(status=\"overdue\") }}\n",
    "{{ raci() }}\n{{ goal_status(goal=\"g\") }}\n",
    "Liquid {% data variables.x %} and {{ site.title }} stay.\n",
    "[broken](missing.md) [far](/somewhere/else) ![img](../assets/x.png)\n",
    "<a name=\"raw\"></a> <!-- comment --> [^1]\n\n[^1]: A note.\n",
    "> [!NOTE]\n> Careful.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "",
];

/// One random front-matter line, plausible or broken.
fn line() -> impl Strategy<Value = String> {
    let pick = |xs: &'static [&'static str]| prop::sample::select(xs);
    prop_oneof![
        pick(IDS).prop_map(|v| format!("owner: {v}")),
        pick(IDS).prop_map(|v| format!("approver: {v}")),
        pick(IDS).prop_map(|v| format!("reports_to: {v}")),
        pick(IDS).prop_map(|v| format!("owners: [{v}, general-counsel]")),
        pick(DATES).prop_map(|v| format!("effective: {v}")),
        pick(DATES).prop_map(|v| format!("next_review: {v}")),
        pick(INTERVALS).prop_map(|v| format!("review_every: {v}")),
        pick(STATUSES).prop_map(|v| format!("status: {v}")),
        pick(AUDIENCES).prop_map(|v| format!("audience: {v}")),
        pick(KINDS).prop_map(|v| format!("kind: {v}")),
        pick(QUARTERS).prop_map(|v| format!("quarter: {v}")),
        pick(QUARTERS).prop_map(|v| format!("due: {v}")),
        pick(IDS).prop_map(|v| format!("supersedes: {v}")),
        pick(IDS).prop_map(|v| format!("id: {v}")),
        pick(QUARTERS).prop_map(|v| format!("key_results: [{{metric: spend, target: 5, by: {v}}}]")),
        Just("aliases: [/old/url/, /css/casebook.css]".to_string()),
        Just("draft: true".to_string()),
        Just("title: \"unclosed".to_string()),
        Just("weight: soon".to_string()),
        Just("title: A\ntitle: B".to_string()),
        Just("raci: {Approve: X}".to_string()),
        Just("permalink: /register/".to_string()),
    ]
}

fn page() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(), 0..6),
        prop::sample::select(BODIES),
        any::<bool>(),
    )
        .prop_map(|(lines, body, front)| {
            if front {
                format!("---\ntitle: Page\n{}\n---\n{body}", lines.join("\n"))
            } else {
                body.to_string()
            }
        })
}

fn metric() -> impl Strategy<Value = String> {
    let entry =
        (prop::sample::select(QUARTERS), prop::sample::select(VALUES)).prop_map(|(q, v)| format!("  {q}: {v}\n"));
    (
        prop::sample::select(&["USD", "percent", "days", "count", "usd", ""][..]),
        prop::sample::select(&["lower", "higher", "lowr", ""][..]),
        prop::sample::select(VALUES),
        prop::collection::vec(entry, 0..8),
    )
        .prop_map(|(unit, better, target, values)| {
            format!(
                "unit: {unit}\nbetter: {better}\ntarget: {target}\nowner: legal-ops\nvalues:\n{}",
                values.concat()
            )
        })
}

fn config() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("title: Fuzz Legal".to_string()),
        prop::sample::select(&["1", "7", "13", "x"][..]).prop_map(|v| format!("fiscal_year_start: {v}")),
        prop::sample::select(&["0.05", "2", "x"][..]).prop_map(|v| format!("status_tolerance: {v}")),
        Just("audiences: [public, internal, board, legal-only]".to_string()),
        Just("default_audience: bord".to_string()),
        Just("versions: {tags: \"v*\", keep: 3}".to_string()),
        Just("kinds: {nowhere: policy, \"[\": role}".to_string()),
        Just("timezone: Europe/Berlin".to_string()),
        Just("timezone: Mars/Olympus".to_string()),
        Just("links: {missing_page: warn, missing_anchor: ignore}".to_string()),
        Just("quarter_format: \"Q{q} {year}\"".to_string()),
        Just("ouput_dir: x".to_string()),
        Just("base_url: https://legal.example/handbook".to_string()),
    ];
    prop::collection::vec(key, 0..5).prop_map(|keys| {
        let mut seen = std::collections::BTreeSet::new();
        let unique: Vec<String> = keys
            .into_iter()
            .filter(|k| seen.insert(k.split(':').next().unwrap_or_default().to_string()))
            .collect();
        unique.join("\n") + "\n"
    })
}

/// A site: config, fixed roles (so references can resolve), random pages
/// in the folders that give kinds, random metric files.
fn site() -> impl Strategy<Value = Vec<(String, String)>> {
    let folders = prop::sample::select(&["policies", "roles", "goals", "reports", "handbook", "board", ""][..]);
    let pages = prop::collection::vec((folders, page()), 1..7);
    let metrics = prop::collection::vec(metric(), 0..3);
    (config(), pages, metrics).prop_map(|(config, pages, metrics)| {
        let mut files = vec![
            ("casebook.yaml".to_string(), config),
            (
                "content/roles/legal-ops.md".to_string(),
                "---\ntitle: Legal ops\n---\n".to_string(),
            ),
            (
                "content/roles/general-counsel.md".to_string(),
                "---\ntitle: GC\n---\n".to_string(),
            ),
            (
                "content/board/_index.md".to_string(),
                "---\ntitle: Board\naudience: board\n---\n".to_string(),
            ),
        ];
        for (n, (folder, text)) in pages.into_iter().enumerate() {
            let dir = if folder.is_empty() {
                String::new()
            } else {
                format!("{folder}/")
            };
            files.push((format!("content/{dir}p{n}.md"), text));
        }
        for (n, text) in metrics.into_iter().enumerate() {
            let name = if n == 0 { "spend".to_string() } else { format!("m{n}") };
            files.push((format!("content/metrics/{name}.yaml"), text));
        }
        files
    })
}

/// Dates and tag names of a small history, one commit per entry.
fn history() -> impl Strategy<Value = Vec<(String, Option<&'static str>)>> {
    let date = (2017u32..2027, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}T09:00:00Z"));
    let tag = prop::option::of(prop::sample::select(&["v1", "v2", "v3", "other"][..]));
    prop::collection::vec((date, tag), 1..4)
}

/// Builds `files` in-process as `casebook build` would; returns the
/// diagnostics, or the panic message.
fn build(t: &SiteTest) -> Result<Vec<casebook::diag::Diagnostic>, String> {
    let opts = BuildOptions {
        today: Some(crate::harness::TODAY.parse().expect("TODAY is a date")),
        ..BuildOptions::default()
    };
    let root = t.root().to_path_buf();
    catch_unwind(AssertUnwindSafe(|| {
        match casebook::build(&root, &opts, &casebook::render::sink::Discard) {
            Ok(built) => {
                let _ = built.diagnostics.render();
                built.diagnostics.items
            }
            Err(d) => {
                let _ = d.render();
                d.items
            }
        }
    }))
    .map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

/// Every error names its file; one about a line of a text file names the line.
fn check_located(diags: &[casebook::diag::Diagnostic]) -> Result<(), String> {
    for d in diags.iter().filter(|d| d.is_error()) {
        if d.file.is_none() {
            return Err(format!("error without a file: {}", d.render()));
        }
    }
    Ok(())
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new_with_rng(
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

#[test]
fn random_sites_never_panic_and_every_error_is_located() {
    runner(240)
        .run(&site(), |files| {
            let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
            let t = SiteTest::with_files(&refs);
            let diags = build(&t).map_err(|p| TestCaseError::fail(format!("panic: {p}\n{files:#?}")))?;
            check_located(&diags).map_err(|e| TestCaseError::fail(format!("{e}\n{files:#?}")))
        })
        .unwrap();
}

#[test]
fn random_sites_with_a_git_history_never_panic_and_every_error_is_located() {
    runner(40)
        .run(&(site(), history()), |(files, commits)| {
            let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
            let t = SiteTest::with_files(&refs);
            crate::history::git_in(t.root(), None, &["init", "-q"]);
            for (n, (date, tag)) in commits.iter().enumerate() {
                // Each commit changes a page, so history, redlines and tags have work.
                t.create(
                    &format!("content/policies/edit{n}.md"),
                    format!("---\ntitle: Edit {n}\n---\nText {n}.\n"),
                );
                crate::history::commit(&t, "alice", date, &format!("Change {n}"));
                if let Some(tag) = tag {
                    crate::history::git_in(t.root(), None, &["tag", "-f", tag]);
                }
            }
            let diags = build(&t).map_err(|p| TestCaseError::fail(format!("panic: {p}\n{files:#?}\n{commits:?}")))?;
            check_located(&diags).map_err(|e| TestCaseError::fail(format!("{e}\n{files:#?}\n{commits:?}")))
        })
        .unwrap();
}
