//! The search index and its reader: what the index holds, that the browser
//! side makes the same words as the Rust side, and the search UI in a real
//! headless Chromium, from `file://` and over HTTP. `quality` holds what
//! makes results good (ranking, corrections, snippets), `page` the results
//! page's filters and escaping in the browser.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::browser::cdp::{Browser, chromium, chromium_args, serve};
use crate::harness::{SiteTest, repo_root, tree};

mod page;
mod quality;

/// Every `casebookSearch.add(kind, n, data)` file under `search/`, as
/// `"t/3"` → data.
pub fn index_files(out: &Path) -> BTreeMap<String, Value> {
    let mut files = BTreeMap::new();
    for (path, bytes) in tree(&out.join("search")) {
        let Some(name) = path.strip_suffix(".js") else { continue };
        let text = String::from_utf8(bytes).expect("index files are UTF-8");
        let data = text
            .split_once(',')
            .and_then(|(_, rest)| rest.split_once(','))
            .and_then(|(_, rest)| rest.trim_end().strip_suffix(");"))
            .unwrap_or_else(|| panic!("{path} is not a casebookSearch.add(…) call"));
        files.insert(
            name.to_string(),
            serde_json::from_str(data).unwrap_or_else(|e| panic!("{path}: {e}")),
        );
    }
    files
}

/// Term → postings string, from every term shard.
pub fn terms(index: &BTreeMap<String, Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, data) in index {
        if name.starts_with("t/") {
            let items = data.as_array().expect("a term shard is an array");
            for pair in items.chunks(2) {
                out.insert(
                    pair[0].as_str().unwrap().to_string(),
                    pair[1].as_str().unwrap().to_string(),
                );
            }
        }
    }
    out
}

/// `[page, title, url, parent]` of every page in the document shards.
pub fn pages(index: &BTreeMap<String, Value>) -> Vec<Value> {
    let mut out = Vec::new();
    for (name, data) in index {
        if name.starts_with("d/") {
            for p in data["pages"].as_array().expect("pages") {
                if !out.contains(p) {
                    out.push(p.clone());
                }
            }
        }
    }
    out
}

fn node() -> Command {
    Command::new("node")
}

/// `node bench/search.js --json OUT QUERIES…`: the reader's top results.
pub fn query(out: &Path, queries: &[&str]) -> Vec<Value> {
    query_with(out, &[], queries)
}

/// The same with options (`--submitted`, `--kind K`, `--exact`).
pub fn query_with(out: &Path, flags: &[&str], queries: &[&str]) -> Vec<Value> {
    let output = node()
        .arg(repo_root().join("bench/search.js"))
        .arg("--json")
        .args(flags)
        .arg(out)
        .args(queries)
        .output()
        .expect("run node (install Node.js: the search reader is tested with it)");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice::<Vec<Value>>(&output.stdout).expect("JSON results")
}

fn top(result: &Value) -> (&str, &str) {
    let r = &result["results"][0];
    (
        r["title"].as_str().unwrap_or("(none)"),
        r["anchor"].as_str().unwrap_or(""),
    )
}

#[test]
fn index_holds_published_pages_only_with_titles_headings_and_references() {
    let site = SiteTest::example();
    site.build_ok();
    let index = index_files(&site.path("public"));
    let meta = &index["index"];
    assert_eq!(meta["version"], 2);
    let terms = terms(&index);
    for t in ["retent", "record", "leg", "pol", "004", "privileg", "counsel"] {
        assert!(terms.contains_key(t), "term `{t}` is indexed");
    }
    let listed = pages(&index);
    let urls: Vec<&str> = listed.iter().filter_map(|p| p[2].as_str()).collect();
    assert!(urls.contains(&"policies/records-retention/"), "{urls:?}");
    // Legal-only and board pages and drafts are not in the default build's index.
    for hidden in [
        "policies/privilege/",
        "reports/2026-q3/",
        "handbook/disputes/early-case-assessment/",
    ] {
        assert!(!urls.contains(&hidden), "`{hidden}` is in the index: {urls:?}");
    }
    // Sections carry their heading ids, for links to the place of a match.
    let anchors: Vec<String> = index
        .iter()
        .filter(|(n, _)| n.starts_with("d/"))
        .flat_map(|(_, d)| d["sections"].as_array().cloned().unwrap_or_default())
        .filter_map(|s| s[1].as_str().map(str::to_string))
        .collect();
    assert!(
        anchors.iter().any(|a| a == "if-you-receive-a-hold-notice"),
        "{anchors:?}"
    );

    let results = query(
        &site.path("public"),
        &[
            "LEG-POL-004",
            "leg-pol-001",
            "receive hold notice",
            "Réténtion",
            "retent",
            "outside counsel",
        ],
    );
    assert_eq!(
        top(&results[0]).0,
        "Outside counsel guidelines",
        "a policy by its reference"
    );
    assert_eq!(
        top(&results[1]).0,
        "Records retention",
        "references are case-insensitive"
    );
    assert_eq!(
        top(&results[2]),
        ("Legal hold", "if-you-receive-a-hold-notice"),
        "a heading links to its anchor"
    );
    assert_eq!(top(&results[3]).0, "Records retention", "accents folded");
    assert_eq!(top(&results[4]).0, "Records retention", "a prefix while typing");
    let snippet = results[2]["results"][0]["snippet"].as_str().unwrap_or_default();
    assert!(snippet.contains("<mark>"), "snippet highlights the words: {snippet}");
}

#[test]
fn index_bytes_are_the_same_on_every_build() {
    let site = SiteTest::example();
    site.build(&["--out", "one"]).assert_code(0);
    site.build(&["--out", "two"]).assert_code(0);
    let (a, b) = (tree(&site.path("one/search")), tree(&site.path("two/search")));
    assert!(a.len() > 3);
    assert!(a == b, "the search index differs between two builds");
}

/// A word of letters only, one per page: `n` spelt in letters, before an
/// ending that stemming leaves alone.
fn word_of(n: usize) -> String {
    let letters: String = format!("{n:04}").bytes().map(|d| (b'k' + d - b'0') as char).collect();
    format!("{letters}zorb")
}

#[test]
fn every_page_of_a_large_site_is_found_at_its_own_section() {
    // More pages than the index weighs at once, and enough text that
    // document shards end inside pages: each page's word must still lead
    // to that page and the section holding it.
    let site = SiteTest::new();
    let filler = "Counsel reviews each request against the delegation of authority before signature. ".repeat(12);
    let n = 1100;
    for i in 0..n {
        let body = format!(
            "---\ntitle: Page {i:04}\n---\n{filler}\n\n## Part {i:04}\n\nThe {} clause applies. {filler}\n",
            word_of(i)
        );
        site.create(&format!("content/p/page-{i:04}.md"), body);
    }
    site.build_ok();
    let index = index_files(&site.path("public"));
    let docs = index.keys().filter(|k| k.starts_with("d/")).count();
    assert!(docs > 50, "{docs} document shards");
    let words: Vec<String> = (0..n).map(word_of).collect();
    let queries: Vec<&str> = words.iter().map(String::as_str).collect();
    let results = query(&site.path("public"), &queries);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(
            top(r),
            (format!("Page {i:04}").as_str(), format!("part-{i:04}").as_str()),
            "the top result for `{}`",
            words[i]
        );
    }
}

#[test]
fn the_reader_makes_the_same_terms_as_the_index() {
    // Every word of the example content and this README, and hard cases.
    let mut text = String::new();
    for (_, bytes) in tree(&repo_root().join("content")) {
        text.push_str(&String::from_utf8_lossy(&bytes));
        text.push('\n');
    }
    text.push_str(&std::fs::read_to_string(repo_root().join("README.md")).unwrap_or_default());
    let mut words: Vec<String> = casebook::search::text::words(&text).collect();
    words.extend(
        [
            "generously",
            "organization",
            "skies",
            "dying",
            "feed",
            "hopping",
            "hoped",
            "cries",
            "ties",
            "gaps",
            "gas",
            "crying",
            "happily",
            "international",
            "succeeding",
            "exceeding",
            "yelling",
            "sayings",
            "communism",
            "arsenal",
            "generalization",
            "electricity",
            "sensational",
            "cosmos",
            "news",
            "inning",
            "proceed",
        ]
        .map(String::from),
    );
    words.sort();
    words.dedup();
    let mut child = node()
        .arg(repo_root().join("bench/search.js"))
        .arg("--terms")
        .arg(casebook::search::text::STOP_WORDS.join(","))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run node (install Node.js: the search reader is tested with it)");
    let lines: Vec<String> = words
        .iter()
        .map(String::as_str)
        .chain([
            "Straße Ærøskøbing Łódź naïve café",
            "LEG-POL-004 § 3(b) — e\u{301}te\u{301}",
            "ΣΟΦΊΑ İstanbul ﬁnance 42nd",
        ])
        .map(str::to_string)
        .collect();
    let input = lines.join("\n") + "\n";
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write words");
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read stems");
    assert!(child.wait().expect("node ends").success());
    let js: Vec<&str> = out.lines().collect();
    assert_eq!(js.len(), lines.len(), "one line back per line");
    let mut differ = Vec::new();
    for (line, js) in lines.iter().zip(js) {
        let rust: Vec<String> = casebook::search::text::words(line)
            .map(|w| casebook::search::text::term(&w).unwrap_or_else(|| "-".into()))
            .collect();
        if rust.join(" ") != js {
            differ.push(format!("{line:?}: rust `{}`, js `{js}`", rust.join(" ")));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} differ:\n{}",
        differ.len(),
        lines.len(),
        differ.join("\n")
    );
}

/// The DOM of `url` after its scripts ran.
fn dump_dom(url: &str) -> String {
    let browser = chromium().expect("chromium is installed (.ci/run installs it)");
    let profile = tempfile::tempdir().expect("profile folder");
    let out = Command::new(browser)
        .args(chromium_args(profile.path()))
        .args(["--virtual-time-budget=10000", "--dump-dom", url])
        .stderr(Stdio::null())
        .output()
        .expect("run chromium");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_results_page(dom: &str, how: &str) {
    let first = dom
        .split("<li class=\"search-page-result\">")
        .nth(1)
        .unwrap_or_else(|| panic!("{how}: no results in the page:\n{dom}"));
    assert!(
        first.contains("<span class=\"search-result-title\">Legal hold</span>"),
        "{how}: top result:\n{first}"
    );
    assert!(
        first.contains("#if-you-receive-a-hold-notice"),
        "{how}: links to the heading:\n{first}"
    );
    assert!(first.contains("<mark>"), "{how}: highlighted snippet:\n{first}");
}

#[test]
fn results_page_works_from_file_urls_and_over_http() {
    if chromium().is_none() && std::env::var_os("CI").is_none() {
        eprintln!("skipped: no chromium on the PATH");
        return;
    }
    let site = SiteTest::example();
    site.build_ok();
    let public = site.path("public");
    let file_url = format!("file://{}/search/index.html?q=receive+hold+notice", public.display());
    assert_results_page(&dump_dom(&file_url), "file://");
    let base = serve(public, "/");
    assert_results_page(
        &dump_dom(&format!("{base}search/index.html?q=receive%20hold%20notice")),
        "http",
    );
    // Without JavaScript the page says search needs it.
    let html = site.output("search/index.html");
    assert!(
        html.contains("<noscript>") && html.contains("Search needs JavaScript"),
        "{html}"
    );
}

#[test]
fn typing_in_the_search_box_lists_results_and_keys_open_one() {
    let Some(mut browser) = Browser::start(1366, 900) else {
        return;
    };
    let site = SiteTest::example();
    site.build_ok();
    let page = format!("file://{}/index.html", site.path("public").display());
    browser.open(&page);
    let dt = &mut browser.dt;
    dt.wait_for(
        "document.readyState === 'complete' && !!document.getElementById('site-search-q')",
        "the home page",
    );

    dt.eval("document.getElementById('site-search-q').focus()");
    dt.call("Input.insertText", serde_json::json!({ "text": "receive hold noti" }));
    let first = dt.wait_for(
        "(document.querySelector('#site-search-list [role=option]') || {}).textContent",
        "results as you type",
    );
    assert!(
        first.as_str().unwrap_or_default().contains("Legal hold"),
        "top result: {first}"
    );
    let marks = dt.eval("document.querySelectorAll('#site-search-list mark').length");
    assert!(marks.as_u64().unwrap_or(0) > 0, "highlighted words in the snippets");
    assert_eq!(
        dt.eval("document.getElementById('site-search-q').getAttribute('aria-expanded')"),
        "true"
    );

    dt.key("ArrowDown", 40);
    assert_eq!(
        dt.eval("document.getElementById('site-search-q').getAttribute('aria-activedescendant')"),
        "site-search-opt-0"
    );
    dt.key("Enter", 13);
    let url = dt.wait_for(
        "location.href.indexOf('legal-hold') >= 0 && document.readyState === 'complete' && location.href",
        "the result to open",
    );
    assert!(
        url.as_str()
            .unwrap_or_default()
            .ends_with("#if-you-receive-a-hold-notice"),
        "{url}"
    );

    // Escape closes the list.
    dt.eval("document.getElementById('site-search-q').focus()");
    dt.call("Input.insertText", serde_json::json!({ "text": "retention" }));
    dt.wait_for(
        "document.querySelectorAll('#site-search-list [role=option]').length > 0",
        "results",
    );
    dt.key("Escape", 27);
    assert_eq!(dt.eval("document.querySelector('.search-panel').hidden"), true);
}

#[test]
fn titles_headings_and_defined_terms_outrank_body_text() {
    let site = SiteTest::with_files(&[
        (
            "content/a-mentions.md",
            "---\ntitle: Vendor onboarding\n---\nAsk the vendor about escrow arrangements and escrow fees, and escrow again.\n",
        ),
        (
            "content/b-defines.md",
            "---\ntitle: Definitions\n---\n## Terms\n\n**Escrow Agent** means the bank holding the deposit.\n",
        ),
        (
            "content/c-heading.md",
            "---\ntitle: Deposits\n---\nIntro.\n\n## Escrow arrangements {#escrow}\n\nHow deposits are held.\n",
        ),
        (
            "content/d-title.md",
            "---\ntitle: Escrow policy\nreference: FIN-ESC-7\n---\nRules.\n",
        ),
    ]);
    site.build_ok();
    let results = query(&site.path("public"), &["escrow", "escrow agent", "fin-esc-7"]);
    let titles: Vec<&str> = results[0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Escrow policy",
            "Escrow Agent",
            "Deposits",
            "Definitions",
            "Vendor onboarding"
        ],
        "title, the definition of a term holding the word, heading, term in bold, body"
    );
    assert_eq!(top(&results[0]).1, "", "a title match links to the top of the page");
    assert_eq!(top(&results[1]).0, "Escrow Agent", "a defined term");
    assert_eq!(
        results[1]["results"][0]["url"], "glossary/#escrow-agent",
        "to its glossary entry"
    );
    assert_eq!(top(&results[2]).0, "Escrow policy", "a reference");
}
