//! Links in a repository adopted as it is: raw HTML and footnote anchors,
//! site-absolute links under `base_url`'s path, and old versions built
//! with today's link levels. The
//! fixture is shaped like a policy repository written for a Jekyll docs
//! site (see [`jekyll_repo`]); `levels` covers `links:`, `foreign` the
//! other tools' front matter and template text.

mod foreign;
mod levels;

use crate::harness::{SiteTest, check_links, main_of};

const CONFIG: &str = "title: Acme policies
base_url: https://docs.example.com/policy-site
content_dir: Policies
variables:
  product:
    name: Acme Cloud
";

const LAW_ENFORCEMENT: &str = "---
title: Law enforcement requests
layout: policy
redirect_from:
  - /policy-site/articles/law-enforcement-guidelines/
  - /le-requests.html
---
<!-- markdownlint-disable MD033 MD041 -->

How {% data variables.product.name %} answers requests for user data.[^scope]

## Requests we answer

* <a name=\"with-a-court-order\"></a> **With a court order.** We answer.
* <a id=\"emergency\"></a> **In an emergency.** We may answer.

<div id=\"contacts\">
<p>Write to legal.</p>
</div>

[^scope]: Requests about accounts only.
";

const DATA_RETENTION: &str = "---
title: Data retention
layout: policy
---
<!-- markdownlint-disable -->

Law enforcement asks [with a court order](/policy-site/privacy/law-enforcement-requests#with-a-court-order),
in [emergencies](/policy-site/privacy/law-enforcement-requests.html#emergency) and through
[its contacts](/policy-site/privacy/law-enforcement-requests/#contacts); see also
[the policy](/policy-site/privacy/law-enforcement-requests.md), [the old guidelines](/policy-site/articles/law-enforcement-guidelines/),
[the scope note](/policy-site/privacy/law-enforcement-requests#scope), [the terms](/policy-site/Acme-terms/Acceptable-use),
[the terms index](/policy-site/Acme-terms/), [home](/policy-site/), [privacy](/policy-site/privacy/index.html),
[without the prefix](/privacy/law-enforcement-requests) and [the company docs](/articles/about-our-docs).

![Logo](/policy-site/assets/logo.svg)
";

/// A policy repository written for a Jekyll docs site under the path
/// `/policy-site`: `content_dir: Policies`, area folders, no `kind`, linter
/// comments, Liquid, raw HTML anchors, `redirect_from` lists and links
/// written from the deployed site's root.
fn jekyll_repo() -> SiteTest {
    SiteTest::with_files(&[
        ("casebook.yaml", CONFIG),
        (
            "Policies/README.md",
            "# Acme policies\n\n<!-- markdownlint-disable MD041 -->\n\nRead [data retention](/policy-site/privacy/data-retention).\n",
        ),
        ("Policies/privacy/README.md", "# Privacy\n\nHow we handle data.\n"),
        ("Policies/privacy/law-enforcement-requests.md", LAW_ENFORCEMENT),
        ("Policies/privacy/data-retention.md", DATA_RETENTION),
        (
            "Policies/Acme-terms/README.md",
            "---\ntitle: ACME terms\n---\nTerms of service.\n",
        ),
        (
            "Policies/Acme-terms/Acceptable-use.md",
            "---\ntitle: Acceptable use\nlayout: policy\nredirect_from: /policy-site/aup/\n---\n\
             Don't misuse {{ site.title }}. {% include warning.html %}\n\n\
             See [requests](/policy-site/privacy/law-enforcement-requests#with-a-court-order).\n",
        ),
        (
            "Policies/assets/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>\n",
        ),
    ])
}

/// The `href` of the link whose text is `text` in `html`.
fn href_of(html: &str, text: &str) -> String {
    let end = html
        .find(&format!(">{text}</a>"))
        .unwrap_or_else(|| panic!("no link `{text}` in:\n{html}"));
    let start = html[..end].rfind("<a href=\"").expect("the link's start") + "<a href=\"".len();
    html[start..end]
        .split('"')
        .next()
        .unwrap_or_default()
        .replace("&amp;", "&")
}

#[test]
fn a_jekyll_style_repository_builds_and_every_link_resolves() {
    let t = jekyll_repo();
    let run = t.build_ok();
    assert!(!run.stderr.contains("warning:"), "{}", run.stderr);
    let page = t.main_of("privacy/data-retention/");
    let expect = [
        (
            "with a court order",
            "../../privacy/law-enforcement-requests/#with-a-court-order",
        ),
        ("emergencies", "../../privacy/law-enforcement-requests/#emergency"),
        ("its contacts", "../../privacy/law-enforcement-requests/#contacts"),
        ("the policy", "../../privacy/law-enforcement-requests/"),
        ("the old guidelines", "../../privacy/law-enforcement-requests/"),
        ("the scope note", "../../privacy/law-enforcement-requests/#scope"),
        ("the terms", "../../acme-terms/acceptable-use/"),
        ("the terms index", "../../acme-terms/"),
        ("home", "../../"),
        ("privacy", "../../privacy/"),
        ("without the prefix", "../../privacy/law-enforcement-requests/"),
        ("the company docs", "https://docs.example.com/articles/about-our-docs"),
    ];
    for (text, href) in expect {
        assert_eq!(href_of(&page, text), href, "link `{text}`");
    }
    assert!(
        page.contains("<img src=\"../../assets/logo.svg\" alt=\"Logo\""),
        "{page}"
    );
    let home = t.main_of("");
    assert_eq!(href_of(&home, "data retention"), "privacy/data-retention/");

    let report = check_links(&t.path("public"));
    assert!(report.broken.is_empty(), "broken links:\n{}", report.broken.join("\n"));
    assert!(report.checked > 100, "only {} links followed", report.checked);

    // The old URLs redirect, and raw anchors stay in the page.
    for old in [
        "articles/law-enforcement-guidelines/index.html",
        "le-requests.html",
        "aup/index.html",
    ] {
        assert!(t.output(old).contains("This page has moved"), "{old}");
    }
    let le = t.main_of("privacy/law-enforcement-requests/");
    assert!(le.contains("<a name=\"with-a-court-order\"></a>"), "{le}");
    assert!(le.contains("How Acme Cloud answers"), "variables expand: {le}");
}

#[test]
fn a_missing_anchor_lists_the_ids_of_every_kind_nearest_first() {
    let t = jekyll_repo();
    t.create(
        "Policies/privacy/data-retention.md",
        "---\ntitle: Data retention\n---\nIntro.\n\nAsk [with an order](/policy-site/privacy/law-enforcement-requests#with-court-order).\n",
    );
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: link to a missing anchor `#with-court-order` on `Policies/privacy/law-enforcement-requests.md`",
        "Policies/privacy/data-retention.md:6:5",
        "Ask [with an order](/policy-site/privacy/law-enforcement-requests#with-court-order).",
        "did you mean `with-a-court-order`? ids on `Policies/privacy/law-enforcement-requests.md`, nearest first: `with-a-court-order` (HTML), ",
    );
    let help = run.diagnostic("error: link to a missing anchor");
    for id in [
        "`requests-we-answer` (heading)",
        "`emergency` (HTML)",
        "`contacts` (HTML)",
        "`scope` (footnote)",
    ] {
        assert!(help.contains(id), "`{id}` not listed:\n{help}");
    }
}

/// Runs git in the site with a hermetic environment and a fixed date.
fn git(t: &SiteTest, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(t.root())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", t.root())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .envs([
            ("GIT_AUTHOR_NAME", "Alice Law"),
            ("GIT_AUTHOR_EMAIL", "alice@example.com"),
            ("GIT_COMMITTER_NAME", "Alice Law"),
            ("GIT_COMMITTER_EMAIL", "alice@example.com"),
            ("GIT_AUTHOR_DATE", "2017-08-07T10:00:00Z"),
            ("GIT_COMMITTER_DATE", "2017-08-07T10:00:00Z"),
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
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

/// A tag whose tree links an anchor that does not exist, and a working
/// tree where the link is fixed: the tag is published
/// when today's config makes the class a warning, and left out (with a
/// warning naming it) when it is an error.
#[test]
fn a_downgraded_class_does_not_drop_an_old_version() {
    let t = jekyll_repo();
    t.create(
        "Policies/privacy/data-retention.md",
        "---\ntitle: Data retention\n---\nAsk [with an order](/policy-site/privacy/law-enforcement-requests#court-order).\n",
    );
    git(&t, &["init", "-q"]);
    git(&t, &["add", "-A"]);
    git(&t, &["commit", "-q", "-m", "Policies as they were"]);
    git(&t, &["tag", "2017-08-07"]);
    t.create(
        "Policies/privacy/data-retention.md",
        "---\ntitle: Data retention\n---\nAsk [with an order](/policy-site/privacy/law-enforcement-requests#with-a-court-order).\n",
    );
    let versions = format!("{CONFIG}versions:\n  tags: \"20*\"\n");

    t.create("casebook.yaml", &versions);
    let run = t.build_ok();
    assert!(
        run.stderr
            .contains("warning: version `2017-08-07` is left out: link to a missing anchor `#court-order`"),
        "{}",
        run.stderr
    );
    assert!(!t.path("public/v/2017-08-07").exists());

    t.create("casebook.yaml", format!("{versions}links: {{missing_anchor: warn}}\n"));
    let run = t.build_ok();
    assert!(!run.stderr.contains("is left out"), "{}", run.stderr);
    let old = main_of(&t.output("v/2017-08-07/privacy/data-retention/index.html"));
    assert_eq!(
        href_of(&old, "with an order"),
        "../../privacy/law-enforcement-requests/#court-order"
    );
    let report = check_links(&t.path("public"));
    let broken: Vec<&String> = report.broken.iter().filter(|b| !b.contains("#court-order")).collect();
    assert!(broken.is_empty(), "broken links:\n{broken:?}");
}

/// Every way of writing a page's address from the site root, from a page
/// two folders down, and what it becomes.
#[test]
fn site_absolute_links_under_the_prefix_become_relative() {
    let cases = [
        (
            "/policy-site/privacy/law-enforcement-requests",
            "../../../privacy/law-enforcement-requests/",
        ),
        (
            "/policy-site/privacy/law-enforcement-requests/",
            "../../../privacy/law-enforcement-requests/",
        ),
        (
            "/policy-site/privacy/law-enforcement-requests.md",
            "../../../privacy/law-enforcement-requests/",
        ),
        (
            "/policy-site/privacy/law-enforcement-requests.html",
            "../../../privacy/law-enforcement-requests/",
        ),
        (
            "/policy-site/privacy/law-enforcement-requests/index.html",
            "../../../privacy/law-enforcement-requests/",
        ),
        (
            "/policy-site/privacy/law-enforcement-requests#emergency",
            "../../../privacy/law-enforcement-requests/#emergency",
        ),
        (
            "/policy-site/privacy/law-enforcement-requests.html#emergency",
            "../../../privacy/law-enforcement-requests/#emergency",
        ),
        ("/policy-site/privacy/README.md", "../../../privacy/"),
        ("/policy-site/privacy/index", "../../../privacy/"),
        ("/policy-site/", "../../../"),
        ("/policy-site", "../../../"),
        (
            "/policy-site/le-requests.html",
            "../../../privacy/law-enforcement-requests/",
        ),
        ("/policy-site/assets/logo.svg", "../../../assets/logo.svg"),
        (
            "/articles/about-our-docs#intro",
            "https://docs.example.com/articles/about-our-docs#intro",
        ),
    ];
    let t = jekyll_repo();
    let body: String = cases
        .iter()
        .enumerate()
        .map(|(i, (link, _))| format!("- [case {i}]({link})\n"))
        .collect();
    t.create(
        "Policies/area/sub/page.md",
        format!("---\ntitle: Deep page\n---\n{body}"),
    );
    t.build_ok();
    let page = t.main_of("area/sub/page/");
    for (i, (link, href)) in cases.iter().enumerate() {
        assert_eq!(href_of(&page, &format!("case {i}")), *href, "`{link}`");
    }
    let report = check_links(&t.path("public"));
    assert!(report.broken.is_empty(), "broken links:\n{}", report.broken.join("\n"));
}

#[test]
fn without_base_url_unmatched_site_links_stay_with_one_note() {
    let t = SiteTest::with_files(&[
        ("casebook.yaml", "content_dir: Policies\n"),
        ("Policies/privacy/law-enforcement-requests.md", "# Requests\n"),
        (
            "Policies/privacy/data-retention.md",
            "---\ntitle: Data retention\n---\n[a](/articles/one) [b](/articles/two#x)\n\n[c](/policy-site/privacy/law-enforcement-requests) [d](/privacy/law-enforcement-requests)\n",
        ),
    ]);
    let run = t.build_ok();
    let note = "note: 3 site-absolute links match no page and are left as written (first `/articles/one` at Policies/privacy/data-retention.md:4)";
    assert_eq!(run.stderr.matches("site-absolute link").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains(note), "{}", run.stderr);
    let page = t.main_of("privacy/data-retention/");
    assert_eq!(href_of(&page, "a"), "/articles/one");
    assert_eq!(
        href_of(&page, "c"),
        "/policy-site/privacy/law-enforcement-requests",
        "no base_url: no prefix to strip"
    );
    assert_eq!(
        href_of(&page, "d"),
        "../../privacy/law-enforcement-requests/",
        "from the root it still resolves"
    );
    let check = t.run(&["check", "--today", crate::harness::TODAY]);
    assert!(check.stdout.contains(note), "check says it too:\n{}", check.stdout);
}

#[test]
fn safe_html_keeps_raw_anchors_that_links_use() {
    let t = jekyll_repo();
    t.create("casebook.yaml", format!("{CONFIG}safe_html: true\n"));
    t.build_ok();
    let le = t.main_of("privacy/law-enforcement-requests/");
    assert!(le.contains("<a name=\"with-a-court-order\">"), "{le}");
    assert!(le.contains("<a id=\"emergency\">"), "{le}");
    let report = check_links(&t.path("public"));
    assert!(report.broken.is_empty(), "broken links:\n{}", report.broken.join("\n"));
}

#[test]
fn every_link_of_the_example_site_resolves() {
    let t = SiteTest::example();
    t.build_ok();
    let report = check_links(&t.path("public"));
    assert!(report.broken.is_empty(), "broken links:\n{}", report.broken.join("\n"));
    assert!(report.checked > 1000, "only {} links followed", report.checked);
}
