//! Front matter and template text of other tools: `redirect_from`,
//! `permalink`, `published`, `date`, `layout`, Liquid, and `variables:`.

use super::{href_of, jekyll_repo};
use crate::harness::{SiteTest, TODAY, check_links};

#[test]
fn redirect_from_makes_redirect_pages_and_old_urls_resolve() {
    let t = jekyll_repo();
    t.create(
        "Policies/privacy/gifts.md",
        "---\ntitle: Gifts\nredirect_from:\n  - /policy-site/old/gifts/\n  - /gifts.html\n---\nGifts.\n",
    );
    t.create(
        "Policies/privacy/data-retention.md",
        "---\ntitle: Data retention\n---\n[old](/policy-site/old/gifts) [older](/policy-site/gifts.html)\n",
    );
    t.build_ok();
    for (old, back) in [
        ("old/gifts/index.html", "../../privacy/gifts/"),
        ("gifts.html", "privacy/gifts/"),
    ] {
        let html = t.output(old);
        assert!(
            html.contains(&format!("<a href=\"{back}index.html\">Gifts</a>")),
            "{old}:\n{html}"
        );
    }
    let page = t.main_of("privacy/data-retention/");
    assert_eq!(
        href_of(&page, "old"),
        "../../privacy/gifts/",
        "straight to the page, not the redirect"
    );
    assert_eq!(href_of(&page, "older"), "../../privacy/gifts/");
}

#[test]
fn a_permalink_moves_the_page_and_links_follow() {
    let t = jekyll_repo();
    t.create(
        "Policies/privacy/gifts.md",
        "---\ntitle: Gifts\npermalink: /ethics/gifts-and-hospitality.html\n---\n## Limits\n",
    );
    t.create(
        "Policies/privacy/data-retention.md",
        "---\ntitle: Data retention\n---\n[rel](gifts.md#limits) [abs](/policy-site/ethics/gifts-and-hospitality/) [src](/policy-site/privacy/gifts)\n",
    );
    t.build_ok();
    assert!(
        t.output("ethics/gifts-and-hospitality/index.html")
            .contains("<h2 id=\"limits\">")
    );
    assert!(!t.path("public/privacy/gifts").exists());
    assert!(
        t.output("ethics/gifts-and-hospitality.html")
            .contains("This page has moved"),
        "the .html address redirects"
    );
    let page = t.main_of("privacy/data-retention/");
    assert_eq!(href_of(&page, "rel"), "../../ethics/gifts-and-hospitality/#limits");
    assert_eq!(href_of(&page, "abs"), "../../ethics/gifts-and-hospitality/");
    assert_eq!(href_of(&page, "src"), "../../ethics/gifts-and-hospitality/");
    let report = check_links(&t.path("public"));
    assert!(report.broken.is_empty(), "broken links:\n{}", report.broken.join("\n"));
}

#[test]
fn permalink_collisions_and_escapes_are_errors_at_their_lines() {
    let t = jekyll_repo();
    t.create("Policies/a.md", "---\ntitle: A\npermalink: /shared/\n---\nA.\n");
    t.create("Policies/b.md", "---\ntitle: B\nslug: /shared\n---\nB.\n");
    t.create("Policies/c.md", "---\ntitle: C\npermalink: /register/\n---\nC.\n");
    t.create("Policies/d.md", "---\ntitle: D\npermalink: ../../etc/passwd\n---\nD.\n");
    t.create(
        "Policies/e.md",
        "---\ntitle: E\nurl: /privacy/data-retention/history/\n---\nE.\n",
    );
    t.create("Policies/f.md", "---\ntitle: F\npermalink: /privacy/\n---\nF.\n");
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: two files make the page `/shared/`",
        "Policies/b.md:3:7",
        "slug: /shared",
        "`Policies/a.md` makes the same page through its `permalink`",
    );
    run.assert_diagnostic(
        "error: `permalink` gives this page the URL `/register/`, which is taken by the policy register",
        "Policies/c.md:3:12",
        "permalink: /register/",
        "choose another URL",
    );
    run.assert_diagnostic(
        "error: `permalink` `../../etc/passwd` is not a URL inside the site",
        "Policies/d.md:3:12",
        "permalink: ../../etc/passwd",
        "it climbs above the site root",
    );
    run.assert_diagnostic(
        "error: `url` gives this page the URL `/privacy/data-retention/history/`, which is taken by the page history of `Policies/privacy/data-retention.md`",
        "Policies/e.md:3:6",
        "url: /privacy/data-retention/history/",
        "choose another URL",
    );
    run.assert_diagnostic(
        "error: two files make the page `/privacy/`",
        "Policies/f.md:3:12",
        "permalink: /privacy/",
        "`Policies/privacy/README.md` makes the same page",
    );
}

#[test]
fn published_false_is_a_draft() {
    let t = jekyll_repo();
    t.create(
        "Policies/privacy/new-policy.md",
        "---\ntitle: New policy\npublished: false\n---\nNot yet.\n",
    );
    t.create(
        "Policies/privacy/data-retention.md",
        "---\ntitle: Data retention\n---\nSee [the new policy](new-policy.md).\n",
    );
    let run = t.build_ok();
    assert!(!t.path("public/privacy/new-policy").exists());
    assert!(
        run.stderr
            .contains("warning: link to unpublished page `new-policy.md` is shown as plain text"),
        "{}",
        run.stderr
    );
    t.build(&["--drafts"]).assert_code(0);
    assert!(t.output("privacy/new-policy/index.html").contains("DRAFT"));
}

#[test]
fn layout_is_ignored_with_one_note_per_build() {
    let t = jekyll_repo();
    let run = t.build_ok();
    assert_eq!(run.stderr.matches("`layout`").count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("note: `layout` is ignored on 3 pages"),
        "{}",
        run.stderr
    );
}

#[test]
fn template_text_stays_literal_and_check_counts_it() {
    let t = jekyll_repo();
    t.create(
        "Policies/privacy/gifts.md",
        "---\ntitle: Gifts\n---\nBy {{ site.title }}.\n\n{% include warning.html %}\n\n```\n{% include not-counted.html %}\n```\n",
    );
    let run = t.run(&["check", "--today", TODAY]);
    run.assert_code(0);
    let note = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("note: 4 template tags"))
        .take(2)
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        note,
        "note: 4 template tags of another tool are shown as written, on 2 pages: `{% include warning.html %}` (2), `{{ site.title }}` (2)\n  \
         = help: first at Policies/Acme-terms/Acceptable-use.md:6, Policies/Acme-terms/Acceptable-use.md:6, Policies/privacy/gifts.md:4; casebook has no template language in Markdown: define `variables:` in casebook.yaml to expand `{{ variables.x }}` and `{% data variables.x %}`, use components for includes, or edit the text",
        "{}",
        run.stdout
    );
    let json = t.run(&["check", "--today", TODAY, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let notes = report["notes"].as_array().expect("notes");
    assert!(
        notes
            .iter()
            .any(|n| n["message"].as_str().unwrap().starts_with("4 template tags")),
        "{report}"
    );
    t.build_ok();
    let page = t.main_of("privacy/gifts/");
    assert!(page.contains("<p>By {{ site.title }}.</p>"), "{page}");
    assert!(page.contains("<p>{% include warning.html %}</p>"), "{page}");
}

#[test]
fn variables_expand_and_an_unknown_one_is_located() {
    let t = jekyll_repo();
    t.create(
        "Policies/privacy/gifts.md",
        "---\ntitle: Gifts\n---\n{{ variables.product.name }} and {% data variables.product.name %}.\n\n`{{ variables.product.name }}`\n",
    );
    t.build_ok();
    let page = t.main_of("privacy/gifts/");
    assert!(page.contains("<p>Acme Cloud and Acme Cloud.</p>"), "{page}");
    assert!(
        page.contains("<code>{{ variables.product.name }}</code>"),
        "code stays as written: {page}"
    );

    t.create(
        "Policies/privacy/gifts.md",
        "---\ntitle: Gifts\n---\nIntro.\n\nWe run {% data variables.product.nam %} for you.\n",
    );
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: unknown variable `variables.product.nam`",
        "Policies/privacy/gifts.md:6:16",
        "We run {% data variables.product.nam %} for you.",
        "did you mean `variables.product.name`? variables in casebook.yaml: product.name",
    );
}

#[test]
fn front_matter_dates_are_last_updated_without_git() {
    let t = SiteTest::with_files(&[
        (
            "content/a.md",
            "---\ntitle: A\ndate: 2017-08-07 10:00:00 -0500\n---\nA.\n",
        ),
        (
            "content/b.md",
            "---\ntitle: B\ndate: 2017-08-07\nlast_modified_at: 2021-03-04\n---\nB.\n",
        ),
        ("content/c.md", "---\ntitle: C\n---\nC.\n"),
    ]);
    t.build_ok();
    let updated = |url: &str| {
        crate::harness::between(&t.output(&format!("{url}index.html")), "Last updated ", ".</p>").map(str::to_string)
    };
    assert_eq!(
        updated("a/").as_deref(),
        Some("<time datetime=\"2017-08-07\">7 August 2017</time>")
    );
    assert_eq!(
        updated("b/").as_deref(),
        Some("<time datetime=\"2021-03-04\">4 March 2021</time>")
    );
    assert_eq!(updated("c/"), None);
}
