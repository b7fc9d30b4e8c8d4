//! Drafting checks through `check` and `build`: each warning names its
//! file, line and column, quotes the line and says how to fix it, and
//! `--strict` turns them into a failure.

use crate::harness::{SiteTest, TODAY};

const POLICY: &str = "---
title: Gifts
description: What staff may give and accept.
effective: 2026-01-01
review_every: 12 months
numbered: true
---

**\"Gift\"** means anything of value given or received.

**\"Register\"** means the gifts register.

## Rules {#rules}

Record every Gift. The \"Supplier\" must not pay for travel.
See [](#thresholds).
";

const OTHER: &str = "---
title: Hospitality
description: Meals and events.
defines: site
---

**\"Gift\"** means anything of value, including hospitality.

Any Gift over the limit is declared.
";

fn site() -> SiteTest {
    SiteTest::with_files(&[
        ("content/policies/gifts.md", POLICY),
        ("content/handbook/hospitality.md", OTHER),
    ])
}

#[test]
fn each_drafting_slip_is_a_located_warning_with_a_fix() {
    let t = site();
    let run = t.build(&[]);
    run.assert_code(0);
    // At both places, each pointing at the other.
    for (here, there) in [
        ("content/policies/gifts.md:9:1", "content/handbook/hospitality.md:7:1"),
        ("content/handbook/hospitality.md:7:1", "content/policies/gifts.md:9:1"),
    ] {
        let block = run
            .stderr
            .split("\n\n")
            .find(|b| b.starts_with("warning: `Gift` is defined twice") && b.contains(&format!("--> {here}\n")))
            .unwrap_or_else(|| panic!("`Gift` defined twice at {here}:\n{}", run.stderr));
        assert!(block.contains(&format!("it is also defined at {there};")), "{block}");
    }
    run.assert_diagnostic(
        "warning: `Register` is defined but never used",
        "content/policies/gifts.md:11:1",
        "**\"Register\"** means the gifts register.",
        "this page never uses it; remove the definition",
    );
    run.assert_diagnostic(
        "warning: `Supplier` is quoted like a defined term, but nothing defines it",
        "content/policies/gifts.md:15:25",
        "Record every Gift. The \"Supplier\" must not pay for travel.",
        "add it to `content/glossary.yaml`",
    );
    run.assert_diagnostic(
        "warning: cross-reference `#thresholds` points at no heading",
        "content/policies/gifts.md:16:5",
        "See [](#thresholds).",
        "its headings: rules",
    );
    assert!(run.stderr.contains("0 errors, 5 warnings"), "{}", run.stderr);
    // The broken reference shows the id it names.
    assert!(
        t.main_of("policies/gifts/")
            .contains("See <a href=\"#thresholds\">[#thresholds]</a>.")
    );

    // `check` gives the same, in JSON too, and `--strict` fails on them.
    let json = t.run(&["check", "--today", TODAY, "--format", "json"]);
    json.assert_code(0);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let found: Vec<(&str, &str, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let n = |k: &str| d[k].as_u64().unwrap();
            (
                d["severity"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                n("line"),
                n("column"),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("warning", "content/handbook/hospitality.md", 7, 1),
            ("warning", "content/policies/gifts.md", 9, 1),
            ("warning", "content/policies/gifts.md", 11, 1),
            ("warning", "content/policies/gifts.md", 15, 25),
            ("warning", "content/policies/gifts.md", 16, 5),
        ]
    );
    t.run(&["check", "--today", TODAY, "--strict"]).assert_code(1);
}

#[test]
fn fixing_the_slips_silences_the_warnings() {
    let t = site();
    t.create(
        "content/policies/gifts.md",
        POLICY
            .replace("The \"Supplier\"", "The Supplier")
            .replace("(#thresholds)", "(#rules)")
            .replace(
                "the gifts register.",
                "the gifts register.\n\nEach Gift goes in the Register.",
            ),
    );
    t.create(
        "content/handbook/hospitality.md",
        OTHER.replace("value, including hospitality", "value given or received"),
    );
    let run = t.run(&["check", "--today", TODAY, "--strict"]);
    run.assert_code(0);
    assert_eq!(run.stdout.trim(), "no problems found");
}

#[test]
fn a_glossary_file_with_bad_entries_is_located_and_the_rest_kept() {
    let t = SiteTest::with_files(&[
        (
            "content/glossary.yaml",
            "Business Day: A day on which banks are open.\nlower case: x\nMatter:\n  definiton: typo\n",
        ),
        ("content/a.md", "---\ntitle: A\n---\nPay within one Business Day.\n"),
    ]);
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: `lower case` is not a term the glossary can define",
        "content/glossary.yaml:2:1",
        "lower case: x",
        "a term is one to eight words starting with a capital letter",
    );
    run.assert_diagnostic(
        "error: unknown key `definiton` in a glossary entry",
        "content/glossary.yaml:4:3",
        "  definiton: typo",
        "definition",
    );
}

#[test]
fn a_page_at_the_glossary_url_is_an_error() {
    let t = SiteTest::with_files(&[(
        "content/glossary.md",
        "---\ntitle: Terms\n---\n**\"Gift\"** means a present. A Gift.\n",
    )]);
    let run = t.build(&[]);
    run.assert_code(1);
    let d = run.diagnostic("error: a page uses the URL `/glossary/`");
    assert!(d.contains("content/glossary.md"), "{d}");
    assert!(d.contains("permalink: /terms/"), "{d}");
}
