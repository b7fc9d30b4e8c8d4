//! `casebook build` on small sites written inline: what gets written, where,
//! and what a failed build leaves behind.

use crate::harness::{SiteTest, attributes, between, main_of, text_of, tree};

const ROLE: (&str, &str) = (
    "content/roles/legal-ops.md",
    "---\ntitle: Head of legal operations\n---\n",
);
const POLICY: (&str, &str) = (
    "content/policies/retention.md",
    "---\ntitle: Retention\nowner: legal-ops\neffective: 2026-01-01\nreview_every: 12 months\n---\n## Scope\n",
);
const ABOUT: (&str, &str) = ("content/about.md", "---\ntitle: About\n---\nWe are the legal team.\n");

/// Leftover staging or backup folders beside the output (`.public.casebook-…`).
fn staging_leftovers(site: &SiteTest) -> Vec<String> {
    crate::harness::leftovers(site.root())
}

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    let site = SiteTest::with_files(&[ROLE, POLICY, ABOUT]);
    site.build_ok();
    let good = tree(&site.path("public"));
    assert!(good.contains_key("about/index.html"));
    assert_eq!(staging_leftovers(&site), Vec::<String>::new(), "after a good build");

    site.create(
        "content/about.md",
        "---\ntitle: About us\nowner: legal-opps\n---\nChanged.\n",
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(run.stderr.contains("unknown role `legal-opps`"), "{}", run.stderr);
    assert!(tree(&site.path("public")) == good, "a failed build changed public/");
    assert_eq!(staging_leftovers(&site), Vec::<String>::new(), "after a failed build");

    // Fixed, the next build replaces the output whole.
    site.create("content/about.md", "---\ntitle: About us\n---\nChanged.\n");
    site.build_ok();
    assert!(site.main_of("about/").contains("Changed."));
    assert_eq!(staging_leftovers(&site), Vec::<String>::new(), "after the rebuild");
}

#[test]
fn site_template_overrides_only_its_own_kind() {
    let site = SiteTest::with_files(&[
        ROLE,
        POLICY,
        ABOUT,
        (
            "themes/default/templates/page.html",
            "{% extends \"base.html\" %}\n{% block before_content %}<p>SITE-PAGE-MARKER</p>{% endblock before_content %}\n",
        ),
    ]);
    site.build_ok();
    assert!(
        site.main_of("about/").contains("<p>SITE-PAGE-MARKER</p>"),
        "kind page uses the site's page.html"
    );
    let policy = site.main_of("policies/retention/");
    assert!(
        !policy.contains("SITE-PAGE-MARKER"),
        "a policy keeps the built-in policy.html:\n{policy}"
    );
    assert!(
        policy.contains("<dt>Status</dt>"),
        "the built-in policy panel is still there"
    );
    assert!(!site.output("index.html").contains("SITE-PAGE-MARKER"));
}

#[test]
fn site_static_file_replaces_the_built_in_one() {
    let site = SiteTest::with_files(&[
        ABOUT,
        ("themes/default/static/css/casebook.css", "body { color: #123456 }\n"),
    ]);
    site.build_ok();
    assert_eq!(site.output("css/casebook.css"), "body { color: #123456 }\n");
    assert!(
        site.path("public/js/casebook.js").is_file(),
        "other built-in static files stay"
    );
}

#[test]
fn template_braces_in_prose_render_literally() {
    let site = SiteTest::with_files(&[(
        "content/nda.md",
        "---\ntitle: NDA template\n---\n\
         Dear {{ counterparty_name }}, this NDA is {% if mutual %}mutual{% else %}one-way{% endif %}.\n\n\
         Handlebars: {{#each parties}}{{name}}{{/each}} and <{{ x }}> & done.\n\n\
         Shortcode: {{/* chart(metric=\"x\") */}}\n\n\
         Code: `{{ field }}`\n",
    )]);
    site.build_ok();
    let content = between(&site.output("nda/index.html"), "<div class=\"content\">", "</div>")
        .expect("page content")
        .replace("&quot;", "\"");
    for expected in [
        "<p>Dear {{ counterparty_name }}, this NDA is {% if mutual %}mutual{% else %}one-way{% endif %}.</p>",
        "<p>Handlebars: {{#each parties}}{{name}}{{/each}} and &lt;{{ x }}&gt; &amp; done.</p>",
        "<p>Shortcode: {{ chart(metric=\"x\") }}</p>",
        "<code>{{ field }}</code>",
    ] {
        assert!(content.contains(expected), "missing `{expected}` in:\n{content}");
    }
}

#[test]
fn plain_markdown_folder_builds_without_front_matter() {
    let site = SiteTest::with_files(&[
        ("casebook.yaml", "content_dir: Policies\n"),
        (
            "Policies/README.md",
            "# Our policies\n\nStart with [data](<Data Protection.md>), or [travel](Travel%20and%20Expenses.md).\n",
        ),
        (
            "Policies/Data Protection.md",
            "# Data Protection Policy\n\nWe protect personal data.\n",
        ),
        ("Policies/Travel and Expenses.md", "Book economy class.\n"),
        ("Policies/HR/Leave Policy.md", "## Annual leave\n\nTwenty-five days.\n"),
    ]);
    site.build_ok();
    let title = |url: &str| {
        let html = site.output(&format!("{url}index.html"));
        text_of(between(&html, "<h1>", "</h1>").unwrap_or_else(|| panic!("no <h1> on {url}")))
    };
    assert_eq!(
        title(""),
        "Our policies",
        "README.md is the home page, titled by its heading"
    );
    assert_eq!(
        title("data-protection/"),
        "Data Protection Policy",
        "title from the first heading"
    );
    assert_eq!(
        title("travel-and-expenses/"),
        "Travel and Expenses",
        "title from the file name"
    );
    assert_eq!(
        title("hr/leave-policy/"),
        "Leave Policy",
        "a `##` heading is not a title"
    );
    let links = attributes(&main_of(&site.output("index.html")), "href");
    for to in ["data-protection/", "travel-and-expenses/"] {
        assert!(
            links.iter().any(|l| l == to),
            "the .md link to {to} is rewritten: {links:?}"
        );
    }
}

#[test]
fn aliases_redirect_to_the_page() {
    let site = SiteTest::with_files(&[(
        "content/handbook/nda.md",
        "---\ntitle: NDA review\naliases: [/legal/nda/, /old/nda-guide.html]\n---\n",
    )]);
    site.build_ok();
    for (alias, to) in [
        ("legal/nda/index.html", "../../handbook/nda/"),
        ("old/nda-guide.html", "../handbook/nda/"),
    ] {
        let html = site.output(alias);
        // Without JavaScript the refresh names the file, so it also works from disk.
        assert!(
            html.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={to}index.html\">"
            )),
            "{alias}:\n{html}"
        );
    }
}

#[test]
fn non_markdown_files_are_copied_byte_identical() {
    let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    let site = SiteTest::with_files(&[ABOUT]);
    site.create("content/assets/logo.png", &bytes);
    site.create(
        "content/policies/forms/consent form.pdf",
        b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n%%EOF\r\n",
    );
    site.create("content/data/vendors.csv", "name,spend\r\nA,1\r\n");
    site.build_ok();
    assert_eq!(std::fs::read(site.path("public/assets/logo.png")).unwrap(), bytes);
    assert_eq!(
        std::fs::read(site.path("public/policies/forms/consent form.pdf")).unwrap(),
        b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n%%EOF\r\n"
    );
    assert_eq!(site.output("data/vendors.csv"), "name,spend\r\nA,1\r\n");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = SiteTest::with_files(&[
        ("content/handbook/_index.md", "---\ntitle: Handbook\n---\n"),
        ("content/handbook/nda.md", "---\ntitle: NDA review\n---\n"),
        (
            "content/handbook/wip.md",
            "---\ntitle: Work in progress\ndraft: true\n---\n",
        ),
    ]);
    site.build_ok();
    assert!(!site.path("public/handbook/wip").exists(), "no page for the draft");
    assert!(
        !site.output("handbook/index.html").contains("Work in progress"),
        "the section does not list it"
    );
    assert!(
        !site.output("sitemap.xml").contains("wip"),
        "the sitemap does not list it"
    );
    assert!(site.path("public/handbook/nda/index.html").is_file());

    site.build(&["--drafts"]).assert_code(0);
    assert!(site.main_of("handbook/wip/").contains("Work in progress"));
    assert!(site.output("handbook/index.html").contains("Work in progress"));
}

#[test]
fn out_writes_to_the_given_folder() {
    let site = SiteTest::with_files(&[ABOUT]);
    site.build(&["--out", "elsewhere/site"]).assert_code(0);
    assert!(site.path("elsewhere/site/about/index.html").is_file());
    assert!(!site.path("public").exists(), "nothing in the default output folder");

    let other = tempfile::tempdir().expect("temp dir");
    let abs = other.path().join("out");
    site.build(&["--out", abs.to_str().expect("UTF-8 temp path")])
        .assert_code(0);
    assert!(abs.join("about/index.html").is_file());
}

/// The output folder is replaced whole, so one that holds the sources is refused.
#[test]
fn out_folder_holding_the_sources_is_refused() {
    let site = SiteTest::with_files(&[ABOUT]);
    for out in ["content", "."] {
        let run = site.build(&["--out", out]);
        run.assert_code(2);
        assert!(run.stderr.contains("refusing to build into"), "{}", run.stderr);
        assert_eq!(site.read("content/about.md"), ABOUT.1, "--out {out} kept the sources");
    }
}

/// Key result targets are numbers, and not all of them whole: a satisfaction
/// score of 4.4 must render like a headcount of 230.
#[test]
fn goal_with_a_fractional_key_result_target_renders() {
    let site = SiteTest::with_files(&[
        ROLE,
        (
            "content/metrics/client-satisfaction.yaml",
            "title: Client satisfaction\nunit: score\nbetter: higher\nowner: legal-ops\nvalues:\n  2026-Q3: 4.1\n",
        ),
        (
            "content/goals/happy-clients.md",
            "---\ntitle: Happy clients\nowners: [legal-ops]\nkey_results:\n  - metric: client-satisfaction\n    target: 4.4\n    by: 2027-Q2\n---\n",
        ),
    ]);
    site.build_ok();
    assert!(
        site.main_of("goals/happy-clients/").contains("4.4"),
        "the target is shown"
    );
}
