//! What the default theme puts around a page: previous and next, the edit
//! link, descriptions and link-preview tags, the site icon, "On this page"
//! for generated sections, and redirects that work from disk.

use std::path::Path;
use std::process::Command;

use crate::harness::{SiteTest, attributes, between};

/// `href` of the `<a rel="REL">` of a page, if any.
fn rel_link(html: &str, rel: &str) -> Option<String> {
    let tag = between(html, &format!("<a rel=\"{rel}\" "), ">")?;
    attributes(&format!(" {tag}"), "href").into_iter().next()
}

fn guide_site() -> SiteTest {
    SiteTest::with_files(&[
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/guide/_index.md",
            "---\ntitle: Guide\nweight: 1\n---\nThe guide.\n",
        ),
        ("content/guide/a.md", "---\ntitle: Alpha\nweight: 1\n---\nFirst.\n"),
        ("content/guide/b.md", "---\ntitle: Beta\nweight: 2\n---\nSecond.\n"),
        (
            "content/guide/sub/_index.md",
            "---\ntitle: Deeper\nweight: 3\n---\nSub.\n",
        ),
        ("content/guide/sub/c.md", "---\ntitle: Gamma\n---\nThird.\n"),
        ("content/other/_index.md", "---\ntitle: Other\nweight: 2\n---\nElse.\n"),
        ("content/other/x.md", "---\ntitle: Ex\n---\nLast.\n"),
    ])
}

#[test]
fn previous_and_next_follow_a_sections_reading_order_and_stay_inside_it() {
    let site = guide_site();
    site.build_ok();
    let page = |url: &str| site.output(&format!("{url}index.html"));
    let expect = [
        ("guide/", None, Some("../guide/a/")),
        ("guide/a/", Some("../../guide/"), Some("../../guide/b/")),
        ("guide/b/", Some("../../guide/a/"), Some("../../guide/sub/")),
        ("guide/sub/", Some("../../guide/b/"), Some("../../guide/sub/c/")),
        // The last page of a section does not lead into the next section.
        ("guide/sub/c/", Some("../../../guide/sub/"), None),
        ("other/x/", Some("../../other/"), None),
    ];
    for (url, prev, next) in expect {
        let html = page(url);
        assert_eq!(rel_link(&html, "prev").as_deref(), prev, "previous of {url}");
        assert_eq!(rel_link(&html, "next").as_deref(), next, "next of {url}");
    }
    assert_eq!(
        rel_link(&page(""), "next"),
        None,
        "the home page has no previous or next"
    );
}

#[test]
fn the_sidebar_is_the_sections_tree_with_the_current_page_open_and_marked() {
    let site = guide_site();
    site.build_ok();
    let html = site.output("guide/sub/c/index.html");
    let side = between(&html, "<aside class=\"sidebar\">", "</aside>").expect("a sidebar");
    assert!(side.contains("<details open><summary>Deeper</summary>"), "{side}");
    assert!(
        side.contains("<a href=\"../../../guide/sub/c/\" aria-current=\"page\">Gamma</a>"),
        "{side}"
    );
    assert!(side.contains("Beta"), "sibling pages are listed: {side}");
    assert!(!side.contains("Ex"), "other sections are not: {side}");
    let closed = site.output("guide/a/index.html");
    let side = between(&closed, "<aside class=\"sidebar\">", "</aside>").unwrap();
    assert!(
        side.contains("<details><summary>Deeper</summary>"),
        "a sub-section not on the path is closed: {side}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args([
            "-c",
            "user.name=Alice",
            "-c",
            "user.email=a@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const EDIT: &str = "edit_url: https://git.example/legal/handbook/edit/main/{path}\n";

#[test]
fn edit_this_page_names_the_file_in_the_repository_or_the_site() {
    // In git, with the site in a sub-folder: the path from the repository's top.
    let repo = SiteTest::with_files(&[
        ("site/casebook.yaml", EDIT),
        ("site/content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        (
            "site/content/policies/gifts and hospitality.md",
            "---\ntitle: Gifts\n---\nNo gifts.\n",
        ),
        (
            "site/content/loose/page.md",
            "---\ntitle: Loose\n---\nIn a folder without _index.md.\n",
        ),
    ]);
    git(repo.root(), &["init", "-q"]);
    git(repo.root(), &["add", "-A"]);
    git(repo.root(), &["commit", "-q", "-m", "start"]);
    repo.build(&["--root", "site"]).assert_code(0);
    let html = repo.read("site/public/policies/gifts-and-hospitality/index.html");
    assert!(
        html.contains("<a href=\"https://git.example/legal/handbook/edit/main/site/content/policies/gifts%20and%20hospitality.md\">Edit this page</a>"),
        "{}",
        between(&html, "<footer class=\"page-end\">", "</footer>").unwrap_or(&html)
    );
    // A folder without `_index.md` has no file to edit.
    assert!(!repo.read("site/public/loose/index.html").contains("Edit this page"));

    // Without git: the path from the site root.
    let plain = SiteTest::with_files(&[
        ("casebook.yaml", EDIT),
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        ("content/guide.md", "---\ntitle: Guide\n---\nText.\n"),
    ]);
    plain.build_ok();
    assert!(
        plain
            .output("guide/index.html")
            .contains("href=\"https://git.example/legal/handbook/edit/main/content/guide.md\""),
        "without git the path is from the site root"
    );
    // No `edit_url`, no link.
    let none = SiteTest::with_files(&[("content/guide.md", "---\ntitle: Guide\n---\nText.\n")]);
    none.build_ok();
    assert!(!none.output("guide/index.html").contains("Edit this page"));
}

#[test]
fn an_edit_url_without_a_path_is_an_error_at_its_line() {
    let site = SiteTest::with_files(&[
        ("casebook.yaml", "title: X\nedit_url: https://git.example/edit/main/\n"),
        ("content/a.md", "# A\n"),
    ]);
    site.build(&[]).assert_code(1).assert_diagnostic(
        "error: `edit_url` has no `{path}`",
        "casebook.yaml:2:11",
        "edit_url: https://git.example/edit/main/",
        "put `{path}` where the file's path goes",
    );
}

/// The `content` of `<meta name|property="key">`.
fn meta(html: &str, key: &str) -> Option<String> {
    ["name", "property"].iter().find_map(|attr| {
        let tag = between(html, &format!("<meta {attr}=\"{key}\" "), ">")?;
        attributes(&format!(" {tag}"), "content").into_iter().next()
    })
}

#[test]
fn every_page_has_a_description_and_link_preview_tags() {
    let long = "Gifts from suppliers are declined unless they are modest, given openly and recorded in the register within five working days; anything else goes to the Compliance Officer, who decides.";
    let site = SiteTest::with_files(&[
        (
            "casebook.yaml",
            "title: Acme Legal\ndescription: The legal handbook of Acme.\nbase_url: https://legal.acme.example/\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\n"),
        (
            "content/described.md",
            "---\ntitle: Described\ndescription: What this page is for.\n---\nBody text.\n",
        ),
        (
            "content/plain.md",
            &format!("---\ntitle: Plain\n---\n# Plain\n\n{long}\n\nMore.\n"),
        ),
        (
            "content/policies/p.md",
            "---\ntitle: A policy\nkind: policy\neffective: 2026-01-01\n---\n",
        ),
    ]);
    site.build_ok();
    let described = site.output("described/index.html");
    assert_eq!(
        meta(&described, "description").as_deref(),
        Some("What this page is for.")
    );
    assert_eq!(meta(&described, "og:title").as_deref(), Some("Described"));
    assert_eq!(
        meta(&described, "og:description").as_deref(),
        Some("What this page is for.")
    );
    assert_eq!(meta(&described, "og:type").as_deref(), Some("article"));
    assert_eq!(
        meta(&described, "og:url").as_deref(),
        Some("https://legal.acme.example/described/")
    );

    // Without a description: the start of the first paragraph, cut at a word.
    let plain = meta(&site.output("plain/index.html"), "description").unwrap();
    assert!(plain.ends_with('…') && plain.chars().count() <= 161, "{plain}");
    assert!(long.starts_with(plain.trim_end_matches('…')), "{plain}");

    // Pages with no text of their own fall back to the site's description.
    for rel in ["index.html", "register/index.html", "policies/p/index.html"] {
        let html = site.output(rel);
        assert_eq!(
            meta(&html, "description").as_deref(),
            Some("The legal handbook of Acme."),
            "{rel}"
        );
        assert!(
            meta(&html, "og:title").is_some() && meta(&html, "og:type").is_some(),
            "{rel}"
        );
    }
    assert_eq!(meta(&site.output("index.html"), "og:type").as_deref(), Some("website"));
    // Without base_url there is no absolute address to give.
    let local = SiteTest::with_files(&[("content/a.md", "---\ntitle: A\n---\nText.\n")]);
    local.build_ok();
    assert_eq!(meta(&local.output("a/index.html"), "og:url"), None);
}

#[test]
fn the_site_icon_is_the_themes_unless_the_config_names_one() {
    let site = SiteTest::with_files(&[("content/a.md", "# A\n")]);
    site.build_ok();
    assert!(
        site.output("a/index.html")
            .contains("<link rel=\"icon\" href=\"../favicon.svg\" type=\"image/svg+xml\">")
    );
    assert!(
        site.output("favicon.svg").starts_with("<svg"),
        "the built-in icon is written"
    );

    let png = b"\x89PNG\r\n\x1a\nnot really an image";
    let site = SiteTest::with_files(&[
        ("casebook.yaml", "favicon: content/assets/logo.PNG\n"),
        ("content/a.md", "# A\n"),
    ]);
    site.create("content/assets/logo.PNG", png);
    site.build_ok();
    assert!(
        site.output("a/index.html")
            .contains("<link rel=\"icon\" href=\"../favicon.png\">")
    );
    assert_eq!(std::fs::read(site.path("public/favicon.png")).unwrap(), png);
    assert!(
        !site.path("public/favicon.svg").exists(),
        "the built-in icon is left out"
    );

    let missing = SiteTest::with_files(&[
        ("casebook.yaml", "title: X\nfavicon: brand/icon.svg\n"),
        ("content/a.md", "# A\n"),
    ]);
    missing.build(&[]).assert_code(1).assert_diagnostic(
        "error: cannot use favicon `brand/icon.svg`",
        "casebook.yaml:2:10",
        "favicon: brand/icon.svg",
        "no such file in the site folder",
    );
    // A path that leaves the site folder is refused even when the file exists.
    let outside = SiteTest::with_files(&[
        ("site/casebook.yaml", "favicon: ../secret.png\n"),
        ("site/content/a.md", "# A\n"),
    ]);
    outside.create("secret.png", png);
    let run = outside.build(&["--root", "site"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("cannot use favicon `../secret.png`"),
        "{}",
        run.stderr
    );
}

#[test]
fn on_this_page_lists_generated_sections_and_every_entry_has_its_target() {
    let site = SiteTest::example();
    site.build(&["--audience", "legal-only"]).assert_code(0);
    let mut checked = 0;
    for (rel, bytes) in crate::harness::tree(&site.path("public")) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        let Some(toc) = between(&html, "<nav class=\"toc\"", "</nav>") else {
            continue;
        };
        for href in attributes(toc, "href") {
            let id = href.trim_start_matches('#');
            assert!(
                html.contains(&format!(" id=\"{id}\"")),
                "{rel}: `On this page` links #{id}, which is not on the page"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} entries checked");
    let role = site.output("roles/general-counsel/index.html");
    let toc = between(&role, "<nav class=\"toc\"", "</nav>").expect("a role page has a table of contents");
    for id in ["#resp-title", "#owns-title", "#raci-title"] {
        assert!(toc.contains(id), "role toc lacks {id}: {toc}");
    }
    let report = site.output("reports/2026-q3/index.html");
    let toc = between(&report, "<nav class=\"toc\"", "</nav>").unwrap();
    for id in ["#kpi-summary", "#attention", "#policies-changed"] {
        assert!(toc.contains(id), "report toc lacks {id}: {toc}");
    }
}

#[test]
fn redirects_and_the_not_found_page_work_from_disk_without_a_server() {
    let site = SiteTest::with_files(&[
        ("casebook.yaml", "base_url: https://intranet.example/legal\n"),
        (
            "content/new.md",
            "---\ntitle: New home\naliases: [/old/place/]\n---\nHere.\n",
        ),
    ]);
    site.build_ok();
    let redirect = site.output("old/place/index.html");
    // Without JavaScript the refresh names the file, which works from disk and over HTTP.
    assert!(
        redirect.contains("<noscript><meta http-equiv=\"refresh\" content=\"0; url=../../new/index.html\"></noscript>"),
        "{redirect}"
    );
    assert!(
        redirect.contains("\"../../new/index.html\" : \"../../new/\""),
        "{redirect}"
    );
    let not_found = site.output("404.html");
    assert!(not_found.contains("<base href=\"/legal/\">"), "{not_found}");
    assert!(
        !attributes(&not_found.replace("<base href=\"/legal/\">", ""), "href")
            .iter()
            .any(|h| h.starts_with('/')),
        "no root-absolute links, which break under another prefix and from disk"
    );
}
