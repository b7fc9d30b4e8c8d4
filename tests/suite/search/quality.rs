//! What makes results answer questions: a policy in force outranks a
//! retired one, misspelt words are corrected (and correct rare ones are
//! not), snippets keep a table's cells apart and escape what they show,
//! every entity is decoded before the index sees it, and metrics are found
//! on their own pages.

use serde_json::Value;

use super::{index_files, query, query_with};
use crate::harness::SiteTest;

fn urls(result: &Value) -> Vec<&str> {
    result["results"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["url"].as_str()).collect())
        .unwrap_or_default()
}

fn policy(title: &str, extra: &str) -> String {
    format!(
        "---\ntitle: {title}\nowner: ops\neffective: 2025-01-01\nreview_every: 24 months\n{extra}---\nWho may sign supplier contracts, and up to which value.\n\n## Thresholds\n\nDirectors sign supplier contracts up to USD 50,000.\n"
    )
}

#[test]
fn an_effective_policy_outranks_retired_and_superseded_ones_with_the_same_words() {
    // The retired and superseded pages sort first by URL and carry the same
    // words, so only their status can put them below.
    let site = SiteTest::with_files(&[
        ("content/roles/ops.md", "---\ntitle: Operations\n---\n"),
        (
            "content/policies/a-old-matrix.md",
            &policy("Signing matrix", "status: retired\n"),
        ),
        ("content/policies/b-interim.md", &policy("Signing rules", "")),
        (
            "content/policies/c-current.md",
            &policy("Signing authority", "supersedes: b-interim\n"),
        ),
    ]);
    site.build_ok();
    let results = query(&site.path("public"), &["sign supplier contracts"]);
    assert_eq!(
        urls(&results[0]),
        ["policies/c-current/", "policies/b-interim/", "policies/a-old-matrix/"],
        "{results:#?}"
    );
    let status = |i: usize| results[0]["results"][i]["status"]["label"].as_str().unwrap_or("none");
    assert_eq!(
        [status(0), status(1), status(2)],
        ["Effective", "Superseded", "Retired"],
        "each result shows its status"
    );
    let kinds: Vec<&str> = results[0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["policy", "policy", "policy"]);
}

/// A site of `(path, text)` pairs built from owned strings.
fn site_of(files: &[(String, String)]) -> SiteTest {
    let pairs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let site = SiteTest::with_files(&pairs);
    site.build_ok();
    site
}

/// `n` pages titled `{stem} {k}` whose text is `text`.
fn pages_saying(stem: &str, n: usize, text: &str) -> Vec<(String, String)> {
    (0..n)
        .map(|k| {
            (
                format!("content/{stem}-{k}.md"),
                format!("---\ntitle: {stem} {k}\n---\n{text}\n"),
            )
        })
        .collect()
}

#[test]
fn a_misspelt_word_is_corrected_and_a_correct_rare_word_is_not() {
    let mut files = vec![
        (
            "content/records.md".to_string(),
            "---\ntitle: Records\n---\nThe retention of records.\n\n## Email\n\nEmail retention is three years.\n"
                .to_string(),
        ),
        (
            "content/papers.md".to_string(),
            "---\ntitle: Papers\n---\nWhat to do when you have received legal papers.\n".to_string(),
        ),
        (
            "content/arrest.md".to_string(),
            "---\ntitle: Arrest\n---\nWhat to do when the police show a warrant.\n".to_string(),
        ),
    ];
    // A common word one letter away from the rare, correct one.
    files.extend(pages_saying("product", 6, "The product carries a warranty."));
    let site = site_of(&files);
    let out = site.path("public");
    let r = query_with(
        &out,
        &["--submitted"],
        &["retension", "warrant", "recieved papers", "xqzvbn"],
    );

    assert_eq!(urls(&r[0]), ["records/"], "{:#?}", r[0]);
    assert_eq!(
        r[0]["corrections"],
        serde_json::json!([{ "from": "retension", "to": "retention", "replaced": true }]),
        "the correction is reported"
    );
    let snippet = r[0]["results"][0]["snippet"].as_str().unwrap_or_default();
    assert!(
        snippet.contains("<mark>retention</mark>"),
        "the corrected word is marked: {snippet}"
    );

    assert_eq!(urls(&r[1])[0], "arrest/", "a correct rare word finds its page first");
    assert_eq!(r[1]["corrections"], serde_json::json!([]), "and is not corrected");

    assert_eq!(urls(&r[2]), ["papers/"], "a transposition is one edit");
    assert_eq!(r[2]["corrections"][0]["to"], "received");

    assert_eq!(r[3]["total"], 0, "a word nothing is near finds nothing");
    assert_eq!(r[3]["corrections"], serde_json::json!([]));

    // `exact` (the "search instead for" link) turns corrections off.
    let exact = query_with(&out, &["--submitted", "--exact"], &["retension"]);
    assert_eq!(exact[0]["total"], 0);
    assert_eq!(exact[0]["corrections"], serde_json::json!([]));
}

#[test]
fn a_typo_in_the_content_still_finds_the_common_spelling() {
    // One page misspells a word that twenty-five others spell right: a
    // search for the misspelling shows that page first, then the rest.
    let mut files = vec![(
        "content/a-typo.md".to_string(),
        "---\ntitle: Old note\n---\nThe retension of files.\n".to_string(),
    )];
    files.extend(pages_saying("rule", 25, "The retention of files."));
    let site = site_of(&files);
    let r = query_with(&site.path("public"), &["--submitted"], &["retension"]);
    assert_eq!(
        r[0]["corrections"],
        serde_json::json!([{ "from": "retension", "to": "retention", "replaced": false }])
    );
    assert_eq!(r[0]["total"], 26);
    assert_eq!(urls(&r[0])[0], "a-typo/", "the word as typed ranks first");
}

#[test]
fn table_snippets_keep_cell_boundaries_and_escape_what_they_show() {
    let site = SiteTest::with_files(&[(
        "content/schedule.md",
        "---\ntitle: Schedule\n---\n## Retention schedule\n\n| Record class | Examples | Keep for |\n| --- | --- | --- |\n| Email and chat | Messages `<b>` & notes | 3 years |\n| Invoices | Ledgers | 7 years |\n\nThe code `<script>alert(1)</script>` is kept too.\n",
    )]);
    site.build_ok();
    let out = site.path("public");
    let r = query_with(&out, &["--submitted"], &["email", "keep", "script alert"]);
    let snippet = |i: usize| r[i]["results"][0]["snippet"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        snippet(0),
        "<mark>Email</mark> and chat · Messages &lt;b&gt; &amp; notes · 3 years<br>Invoices · Ledgers · 7 years<br>The code &lt;script&gt;alert(1)&lt;/script&gt; is kept too.",
        "the row starts the snippet, cells apart, rows on lines, text escaped"
    );
    assert!(
        snippet(1).starts_with("Record class · Examples · <mark>Keep</mark> for<br>"),
        "{}",
        snippet(1)
    );
    assert!(
        snippet(2).contains("&lt;<mark>script</mark>&gt;<mark>alert</mark>(1)&lt;/<mark>script</mark>&gt;"),
        "marks around escaped text: {}",
        snippet(2)
    );
}

#[test]
fn every_entity_is_decoded_before_the_index_sees_it() {
    let site = SiteTest::with_files(&[(
        "content/cafe.md",
        "---\ntitle: Cafe rules\n---\nThe caf&eacute; &mdash; and the d&eacute;j&agrave; vu &frac12; rule.\n\n<table><tr><td>R&eacute;sum&eacute; &amp; CV</td></tr></table>\n",
    )]);
    site.build_ok();
    let index = index_files(&site.path("public"));
    let text: String = index
        .iter()
        .filter(|(n, _)| n.starts_with("d/"))
        .map(|(_, d)| d.to_string())
        .collect();
    assert!(text.contains("The café — and the déjà vu ½ rule."), "{text}");
    assert!(text.contains("Résumé & CV"), "raw HTML is decoded too: {text}");
    assert!(!text.contains("&eacute;") && !text.contains("eacute"), "{text}");
    let terms = super::terms(&index);
    for t in ["cafe", "deja", "resum"] {
        assert!(terms.contains_key(t), "term `{t}` in {:?}", terms.keys());
    }
    assert!(!terms.contains_key("eacut"), "no entity names as terms");
    let r = query(&site.path("public"), &["résumé"]);
    assert_eq!(urls(&r[0]), ["cafe/"]);
}

#[test]
fn metrics_are_found_on_their_own_pages_with_their_status_and_kind() {
    let site = SiteTest::example();
    site.build_ok();
    let r = query_with(&site.path("public"), &["--submitted"], &["outside counsel spend"]);
    let first = &r[0]["results"][0];
    assert_eq!(first["url"], "metrics/outside-counsel-spend/", "{:#?}", r[0]);
    assert_eq!(first["kind"], "metric");
    assert!(
        first["snippet"]
            .as_str()
            .unwrap_or_default()
            .contains("Latest: $1.30M (2026-Q3)"),
        "{first}"
    );
    assert!(first["status"]["id"].as_str().is_some(), "a KPI status: {first}");
    let kinds: Vec<&str> = r[0]["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"metric") && kinds.contains(&"policy"), "{kinds:?}");
    let only = query_with(
        &site.path("public"),
        &["--submitted", "--kind", "policy"],
        &["outside counsel spend"],
    );
    assert!(
        only[0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["kind"] == "policy"),
        "{:#?}",
        only[0]
    );
    assert_eq!(
        only[0]["all"], r[0]["total"],
        "the filter keeps the count of all results"
    );
}
