//! Audiences, drafts and `safe_html`: what a build for one audience may
//! publish, and that nothing else leaves a trace in any output file.

use std::collections::BTreeMap;

use crate::harness::{SiteTest, main_of, tree};

const CONFIG: (&str, &str) = (
    "casebook.yaml",
    "title: Canary Legal\naudiences: [public, internal, board, legal-only]\ndefault_audience: internal\n",
);

/// A site with hidden content carrying canaries (`zq7…`, digits so the
/// search index keeps them whole) in every place a page or metric can hold
/// text: title, body, headings, front matter, file and folder names,
/// aliases, metric files.
fn canary_site() -> SiteTest {
    SiteTest::with_files(&[
        CONFIG,
        (
            "content/_index.md",
            "---\ntitle: Home\naudience: public\n---\nWelcome.\n",
        ),
        (
            "content/policies/_index.md",
            "---\ntitle: Policies\naudience: public\n---\n",
        ),
        ("content/roles/_index.md", "---\ntitle: Roles\naudience: public\n---\n"),
        ("content/goals/_index.md", "---\ntitle: Goals\naudience: public\n---\n"),
        (
            "content/reports/_index.md",
            "---\ntitle: Reports\naudience: public\n---\n",
        ),
        (
            "content/roles/legal-ops.md",
            "---\ntitle: Legal operations\naudience: public\n---\nRuns the department.\n",
        ),
        (
            "content/roles/zq7-role-file.md",
            "---\ntitle: Zq7roletitle secretary\naudience: board\nreports_to: legal-ops\n---\nZq7rolebody duties.\n",
        ),
        (
            "content/policies/open.md",
            "---\ntitle: Open policy\naudience: public\nowner: legal-ops\napprover: zq7-role-file\neffective: 2026-01-01\nreview_every: 12 months\n---\n\
             ## Scope\n\nSee [the board memo](zq7-board-file.md#zq7boardhead) and [the memo](../zq7-legal-folder/zq7-memo-file.md).\n\n\
             {{ kpi(metric=\"zq7-metric\") }}\n\n{{ kpi(metric=\"open-metric\") }}\n",
        ),
        (
            "content/policies/zq7-board-file.md",
            "---\ntitle: Zq7boardtitle minutes\ndescription: Zq7boarddesc summary\naudience: board\nowner: legal-ops\n\
             reference: ZQ7-REF-001\ntags: [zq7boardtag]\naliases: [/zq7-alias/]\neffective: 2026-01-01\nreview_every: 12 months\n---\n\
             Zq7boardbody text.\n\n## Zq7boardhead\n\nMore zq7boardbody.\n",
        ),
        (
            "content/zq7-legal-folder/_index.md",
            "---\ntitle: Zq7legaltitle\naudience: legal-only\n---\nZq7legalbody.\n",
        ),
        (
            "content/zq7-legal-folder/zq7-memo-file.md",
            "---\ntitle: Zq7memotitle\naudience: public\n---\n## Zq7memohead\n\nZq7memobody privileged.\n",
        ),
        (
            "content/zq7-draft-file.md",
            "---\ntitle: Zq7drafttitle\ndraft: true\naudience: public\n---\nZq7draftbody.\n",
        ),
        (
            "content/goals/shared.md",
            "---\ntitle: Shared goal\naudience: public\nowners: [legal-ops, zq7-role-file]\nkey_results:\n  - metric: zq7-metric\n    target: 5\n  - metric: open-metric\n    target: 5\n---\nA goal.\n",
        ),
        (
            "content/reports/q3.md",
            "---\ntitle: Q3 report\naudience: public\nquarter: 2026-Q3\n---\n{{ kpi_table() }}\n\n{{ chart(metric=\"open-metric\") }}\n\n{{ chart(metric=\"zq7-metric\") }}\n",
        ),
        (
            "content/metrics/zq7-metric.yaml",
            "title: Zq7metrictitle count\nunit: count\nbetter: higher\naudience: board\nowner: legal-ops\ndescription: Zq7metricdesc\ntarget: 3\nvalues:\n  2026-Q2: 7\n  2026-Q3: 8\nbreakdown:\n  2026-Q3: {Zq7category: 8}\n",
        ),
        (
            "content/metrics/open-metric.yaml",
            "title: Open metric\nunit: count\nbetter: higher\naudience: public\nowner: legal-ops\ntarget: 3\nvalues:\n  2026-Q2: 2\n  2026-Q3: 3\n",
        ),
    ])
}

/// Canaries and the first audience allowed to see each.
const CANARIES: &[(&str, Option<&str>)] = &[
    ("zq7roletitle", Some("board")),
    ("zq7rolebody", Some("board")),
    ("zq7-role-file", Some("board")),
    ("zq7boardtitle", Some("board")),
    ("zq7boarddesc", Some("board")),
    ("zq7-ref-001", Some("board")),
    ("zq7boardtag", Some("board")),
    ("zq7-alias", Some("board")),
    ("zq7boardbody", Some("board")),
    ("zq7boardhead", Some("board")),
    ("zq7-board-file", Some("board")),
    ("zq7metrictitle", Some("board")),
    ("zq7metricdesc", Some("board")),
    ("zq7category", Some("board")),
    ("zq7-metric", Some("board")),
    ("zq7legaltitle", Some("legal-only")),
    ("zq7legalbody", Some("legal-only")),
    ("zq7-legal-folder", Some("legal-only")),
    ("zq7memotitle", Some("legal-only")),
    ("zq7memohead", Some("legal-only")),
    ("zq7memobody", Some("legal-only")),
    ("zq7-memo-file", Some("legal-only")),
    ("zq7drafttitle", None),
    ("zq7draftbody", None),
    ("zq7-draft-file", None),
];

const ORDER: [&str; 4] = ["public", "internal", "board", "legal-only"];

fn allowed(first: Option<&str>, audience: &str) -> bool {
    let rank = |a: &str| ORDER.iter().position(|x| *x == a).expect("known audience");
    first.is_some_and(|f| rank(f) <= rank(audience))
}

/// Where each canary shows up in an output folder (case-insensitive, as
/// the search index folds case): canary → files.
fn sightings(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<&'static str, Vec<String>> {
    let mut out: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        let path_lower = path.to_lowercase();
        for (canary, _) in CANARIES {
            if text.contains(canary) || path_lower.contains(canary) {
                out.entry(canary).or_default().push(path.clone());
            }
        }
    }
    out
}

#[test]
fn hidden_pages_and_metrics_leave_no_trace_in_any_audience_build() {
    let site = canary_site();
    for audience in ORDER {
        let out = format!("out-{audience}");
        let run = site.build(&["--audience", audience, "--out", &out]);
        run.assert_code(0);
        let files = tree(&site.path(&out));
        assert!(files.contains_key("search/index.js"), "{audience}: no search index");
        assert!(
            files.keys().any(|f| f.starts_with("search/t/")),
            "{audience}: no term shards"
        );
        let seen = sightings(&files);
        for (canary, first) in CANARIES {
            let found = seen.get(canary).cloned().unwrap_or_default();
            if allowed(*first, audience) {
                assert!(
                    !found.is_empty(),
                    "`{canary}` should be published for {audience} (positive control)"
                );
            } else {
                assert!(
                    found.is_empty(),
                    "`{canary}` leaked into the {audience} build: {found:?}"
                );
            }
        }
    }
    // The search index of the board build holds the board page's words.
    let board = tree(&site.path("out-board"));
    let index: String = board
        .iter()
        .filter(|(p, _)| p.starts_with("search/"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(
        index.contains("zq7boardbody") && index.contains("zq7boardhead"),
        "board search index"
    );
}

#[test]
fn links_and_references_to_hidden_pages_are_warnings_and_plain_text() {
    let site = canary_site();
    let run = site.build(&["--audience", "public"]);
    run.assert_code(0);
    run.assert_diagnostic(
        "warning: link to unpublished page `zq7-board-file.md#zq7boardhead` is shown as plain text",
        "content/policies/open.md:11:5",
        "See [the board memo](zq7-board-file.md#zq7boardhead) and [the memo](../zq7-legal-folder/zq7-memo-file.md).",
        "the target is for audience `board`, which this build does not include",
    );
    assert!(
        run.stderr
            .contains("role `zq7-role-file` is not published in this build"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`kpi` names metric `zq7-metric`, which this build does not publish"),
        "{}",
        run.stderr
    );
    let main = site.main_of("policies/open/");
    assert!(main.contains("See the board memo and the memo."), "{main}");
    assert!(main.contains("Open metric"), "the visible metric's tile stays:\n{main}");

    // --strict turns the warnings into errors and writes nothing new.
    std::fs::remove_dir_all(site.path("public")).expect("remove public/");
    let strict = site.build(&["--audience", "public", "--strict"]);
    strict.assert_code(1);
    assert!(
        strict.stderr.contains("error: link to unpublished page"),
        "{}",
        strict.stderr
    );
    assert!(
        !site.path("public").exists(),
        "a strict build with warnings wrote output"
    );
}

#[test]
fn the_default_build_is_for_the_default_audience_and_names_are_checked() {
    let site = canary_site();
    site.build_ok();
    assert!(site.path("public/policies/open/index.html").exists());
    assert!(
        !site.path("public/policies/zq7-board-file").exists(),
        "board page in the default (internal) build"
    );

    // A name on the command line that the config does not know is a usage error.
    let run = site.build(&["--audience", "bord"]);
    run.assert_code(2);
    let d = run.diagnostic("error: unknown audience `bord`");
    assert!(d.contains("did you mean `board`?"), "{d}");

    site.create(
        "content/roles/legal-ops.md",
        "---\ntitle: Legal operations\naudience: pubic\n---\n",
    );
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: unknown audience `pubic`",
        "content/roles/legal-ops.md:3:11",
        "audience: pubic",
        "did you mean `public`?",
    );
}

#[test]
fn publish_builds_each_audience_into_its_own_folder() {
    let site = canary_site();
    site.create(
        "casebook.yaml",
        "title: Canary Legal\naudiences: [public, internal, board, legal-only]\ndefault_audience: internal\npublish: [public, board]\n",
    );
    site.build_ok();
    let files = site.files("public");
    assert!(files.contains(&"public/index.html".to_string()), "{files:?}");
    assert!(
        files.contains(&"board/policies/zq7-board-file/index.html".to_string()),
        "{files:?}"
    );
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("public/") && f.contains("zq7-board-file")),
        "{files:?}"
    );
    assert!(files.contains(&"public/search/index.js".to_string()));
    assert!(files.contains(&"board/search/index.js".to_string()));

    site.create("casebook.yaml", "publish: [public, bord]\n");
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: `publish` names unknown audience `bord`",
        "casebook.yaml:1:19",
        "publish: [public, bord]",
        "did you mean `board`?",
    );
}

#[test]
fn check_takes_an_audience() {
    let site = canary_site();
    let run = site.run(&["check", "--today", crate::harness::TODAY, "--audience", "public"]);
    assert!(run.stdout.contains("link to unpublished page"), "{}", run.stdout);
    let run = site.run(&["check", "--today", crate::harness::TODAY, "--audience", "legal-only"]);
    assert!(!run.stdout.contains("link to unpublished page"), "{}", run.stdout);
}

#[test]
fn drafts_appear_only_with_drafts_and_carry_a_banner() {
    let site = canary_site();
    site.build_ok();
    assert!(!site.path("public/zq7-draft-file").exists());
    site.build(&["--drafts"]).assert_code(0);
    let main = site.main_of("zq7-draft-file/");
    assert!(main.contains("class=\"banner banner-warning banner-draft\""), "{main}");
    assert!(main.contains("<strong>DRAFT</strong>"), "{main}");
    assert!(!site.main_of("policies/open/").contains("banner-draft"));
}

#[test]
fn safe_html_removes_scripts_but_default_trusts_authors() {
    let page = (
        "content/about.md",
        "---\ntitle: About\n---\n## Who {#who}\n\n<script>alert('zq7script')</script>\n\n<img src=\"a.png\" onerror=\"alert('zq7onerror')\"> [x](javascript:alert('zq7js'))\n\n<b>Kept</b>\n",
    );
    let trusted = SiteTest::with_files(&[page]);
    trusted.build_ok();
    assert!(
        trusted
            .main_of("about/")
            .contains("<script>alert('zq7script')</script>")
    );

    let safe = SiteTest::with_files(&[page, ("casebook.yaml", "safe_html: true\n")]);
    safe.build_ok();
    let main = main_of(&safe.output("about/index.html"));
    for bad in ["zq7script", "zq7onerror", "zq7js", "javascript:"] {
        assert!(!main.contains(bad), "`{bad}` survived safe_html:\n{main}");
    }
    assert!(
        main.contains("<h2 id=\"who\">") && main.contains("<b>Kept</b>"),
        "{main}"
    );
}

#[test]
fn content_files_have_the_audience_of_their_folder() {
    let t = SiteTest::with_files(&[
        ("content/_index.md", "---\ntitle: Home\naudience: public\n---\n"),
        ("content/board/_index.md", "---\ntitle: Board\naudience: board\n---\n"),
        ("content/board/minutes.txt", "Project Falcon: acquire Target Co.\n"),
        (
            "content/assets/org-chart.svg",
            "<svg><text>Jane Doe, Deputy GC</text></svg>",
        ),
        ("content/open/_index.md", "---\ntitle: Open\naudience: public\n---\n"),
        ("content/open/logo.svg", "<svg><text>logo</text></svg>"),
        (
            "content/open/faq.md",
            "---\ntitle: FAQ\naudience: public\n---\nSee [the minutes](../board/minutes.txt) and ![Our team](../assets/org-chart.svg) and ![Logo](logo.svg).\n",
        ),
    ]);
    let run = t.build(&["--audience", "public"]);
    run.assert_code(0);
    assert!(!t.path("public/board/minutes.txt").exists());
    assert!(!t.path("public/assets/org-chart.svg").exists());
    assert!(
        t.path("public/open/logo.svg").exists(),
        "a public folder's files are public"
    );
    let all: String = crate::harness::tree(&t.path("public"))
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    for secret in ["Project Falcon", "Jane Doe", "minutes.txt", "org-chart.svg"] {
        assert!(!all.contains(secret), "`{secret}` reached the public build");
    }
    let faq = t.main_of("open/faq/");
    assert!(
        faq.contains("See the minutes and Our team and <img src=\"../../open/logo.svg\" alt=\"Logo\""),
        "{faq}"
    );
    assert!(
        run.stderr
            .contains("link to unpublished file `../board/minutes.txt` is left out"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("link to unpublished file `../assets/org-chart.svg` is left out"),
        "{}",
        run.stderr
    );
    // The board sees its own files; everyone inside sees the default folder.
    t.build_ok();
    assert!(t.path("public/assets/org-chart.svg").exists());
    assert!(!t.path("public/board/minutes.txt").exists());
    t.build(&["--audience", "board"]).assert_code(0);
    assert!(t.path("public/board/minutes.txt").exists());
}
