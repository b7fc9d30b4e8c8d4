//! The public face: what `build --audience public` of the example site
//! publishes (the pages a legal department really makes public, with
//! navigation, in their own search index and nothing internal), and the
//! warning for a build whose audience has nothing but the home page.

use crate::harness::{SiteTest, TODAY};
use crate::search::{index_files, pages};

/// The public pages of the example site.
const PUBLIC: [&str; 5] = [
    "supplier-code-of-conduct/",
    "privacy-notice/",
    "speak-up/",
    "modern-slavery-statement/",
    "contact/",
];

#[test]
fn the_example_sites_public_build_has_its_notices_and_nothing_internal() {
    let site = SiteTest::example();
    let run = site.build(&["--audience", "public", "--strict"]);
    run.assert_code(0);
    let files = site.files("public");
    for url in PUBLIC {
        assert!(files.contains(&format!("{url}index.html")), "{url} in {files:#?}");
    }
    let pages_built: Vec<&String> = files.iter().filter(|f| f.ends_with("index.html")).collect();
    assert_eq!(
        pages_built.len(),
        PUBLIC.len() + 3,
        "the home page, the search page, the glossary of the notices' terms and the five notices: {pages_built:#?}"
    );
    let home = site.main_of("");
    let page = site.output("privacy-notice/index.html");
    for url in PUBLIC {
        assert!(
            home.contains(&format!("href=\"{url}\"")),
            "the home page's text links {url}: {home}"
        );
        let nav = page.split("class=\"top-nav\"").nth(1).unwrap_or_default();
        let nav = nav.split("</nav>").next().unwrap_or_default();
        assert!(
            nav.contains(&format!("href=\"../{url}\"")),
            "the top navigation lists {url}: {nav}"
        );
    }

    let index = index_files(&site.path("public"));
    let listed: Vec<String> = pages(&index)
        .iter()
        .filter_map(|p| p[2].as_str().map(str::to_string))
        .collect();
    for url in PUBLIC {
        assert!(listed.iter().any(|u| u == url), "{url} in the index: {listed:?}");
    }
    assert!(
        listed
            .iter()
            .all(|u| u.is_empty() || PUBLIC.contains(&u.as_str()) || u == "glossary/#northwind"),
        "only public pages, and the privacy notice's term, in the public index: {listed:?}"
    );
    let all: String = index.values().map(|v| v.to_string()).collect();
    for internal in [
        "Records retention",
        "Signature authority",
        "retent",
        "Outside counsel spend",
    ] {
        assert!(!all.contains(internal), "`{internal}` in the public index");
    }
}

#[test]
fn an_audience_with_nothing_but_the_home_page_is_a_warning() {
    let site = SiteTest::with_files(&[
        (
            "content/_index.md",
            "---\ntitle: Home\naudience: public\n---\nWelcome.\n",
        ),
        ("content/memo.md", "---\ntitle: Memo\n---\nFor staff.\n"),
        (
            "content/minutes.md",
            "---\ntitle: Minutes\naudience: board\n---\nFor the board.\n",
        ),
        (
            "content/plan.md",
            "---\ntitle: Plan\ndraft: true\naudience: public\n---\nNot yet.\n",
        ),
    ]);
    let expected = "warning: no page is published for audience `public` besides the home page\n = help: the other pages are for other audiences (2) or drafts (1); give each page meant for `public` (and its section's `_index.md`) `audience: public` in its front matter, or build another audience with `--audience`";
    let run = site.build(&["--audience", "public"]);
    run.assert_code(0);
    assert_eq!(run.diagnostic("warning: no page is published"), expected);
    let strict = site.build(&["--audience", "public", "--strict"]);
    strict.assert_code(1);

    let check = site.run(&["check", "--today", TODAY, "--audience", "public"]);
    assert!(check.stdout.contains(expected), "check says it too:\n{}", check.stdout);

    // An audience that sees a page is not warned about.
    let internal = site.build(&["--audience", "internal"]);
    internal.assert_code(0);
    assert!(!internal.stderr.contains("no page is published"), "{}", internal.stderr);
}
