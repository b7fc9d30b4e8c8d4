//! One test per class of content error: the build exits 1 and the report
//! names the file, line and column, quotes the line and says how to fix it.

use crate::harness::SiteTest;

const ROLE: (&str, &str) = (
    "content/roles/legal-ops.md",
    "---\ntitle: Head of legal operations\n---\n",
);

#[test]
fn yaml_syntax_error_is_located_in_the_file_not_the_front_matter() {
    let site = SiteTest::with_files(&[(
        "content/retention.md",
        "---\ntitle: Retention\nweight: 2\ndescription: Keep: things: forever\n---\nBody\n",
    )]);
    let run = site.build(&[]);
    run.assert_code(1);
    // Line 3 of the YAML is line 4 of the file, after the opening `---`.
    run.assert_diagnostic(
        "error: invalid YAML",
        "content/retention.md:4:18",
        "description: Keep: things: forever",
        "need quotes",
    );
}

#[test]
fn wrong_type_is_located_at_the_value() {
    let site = SiteTest::with_files(&[
        ROLE,
        (
            "content/policies/retention.md",
            "---\ntitle: Retention\neffective: next tuesday\nowner: legal-ops\n---\n",
        ),
    ]);
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: `effective` must be a date, found `next tuesday`",
        "content/policies/retention.md:3:12",
        "effective: next tuesday",
        "YYYY-MM-DD",
    );
}

/// One fact, one message: a policy whose `effective` is unreadable is not
/// also warned about for having no `effective` at all.
#[test]
fn unreadable_effective_date_is_reported_once() {
    let site = SiteTest::with_files(&[
        ROLE,
        (
            "content/policies/retention.md",
            "---\ntitle: Retention\neffective: next tuesday\nowner: legal-ops\n---\n",
        ),
    ]);
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(run.stderr.contains("1 error, 0 warnings"), "{}", run.stderr);
}

#[test]
fn unknown_kind_suggests_the_closest() {
    let site = SiteTest::with_files(&[("content/retention.md", "---\ntitle: Retention\nkind: polcy\n---\n")]);
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: unknown kind `polcy`",
        "content/retention.md:3:7",
        "kind: polcy",
        "did you mean `policy`?",
    );
}

/// The whole rendered report, pinned: the rustc shape users rely on.
#[test]
fn unknown_role_suggests_the_closest() {
    let site = SiteTest::with_files(&[
        ROLE,
        (
            "content/policies/retention.md",
            "---\ntitle: Retention\neffective: 2026-01-01\nowner: legal-opps\n---\n",
        ),
    ]);
    let run = site.build(&[]);
    run.assert_code(1);
    assert_eq!(
        run.diagnostic("error: unknown role `legal-opps`"),
        "error: unknown role `legal-opps`
 --> content/policies/retention.md:4:8
  |
4 | owner: legal-opps
  |        ^^^^^^^^^^
  |
  = help: did you mean `legal-ops`? roles are the files in `content/roles/`: legal-ops"
    );
}

#[test]
fn broken_link_and_missing_anchor_are_located() {
    let site = SiteTest::with_files(&[
        (
            "content/policies/retention.md",
            "---\ntitle: Retention\neffective: 2026-01-01\n---\n## Scope\n",
        ),
        (
            "content/handbook/guide.md",
            "---\ntitle: Guide\n---\n\nRead [the policy](../policies/retention.md#nope) and [that](missing.md).\n",
        ),
    ]);
    let run = site.build(&[]);
    run.assert_code(1);
    let line = "Read [the policy](../policies/retention.md#nope) and [that](missing.md).";
    run.assert_diagnostic(
        "error: link to a missing anchor `#nope` on `content/policies/retention.md`",
        "content/handbook/guide.md:5:6",
        line,
        "scope",
    );
    run.assert_diagnostic(
        "error: link to a missing page `missing.md`",
        "content/handbook/guide.md:5:54",
        line,
        "",
    );
    assert!(run.stderr.contains("2 errors"), "{}", run.stderr);
}

/// The suggested link must work when pasted: relative to the linking page's
/// folder, as the help itself says, not to the content folder.
#[test]
fn broken_link_suggests_a_path_relative_to_the_page() {
    let site = SiteTest::with_files(&[
        (
            "content/policies/records-retention.md",
            "---\ntitle: Records retention\neffective: 2026-01-01\n---\n",
        ),
        (
            "content/policies/legal-hold.md",
            "---\ntitle: Legal hold\neffective: 2026-01-01\n---\nSee [retention](retention.md).\n",
        ),
    ]);
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: link to a missing page `retention.md`",
        "content/policies/legal-hold.md:5:5",
        "See [retention](retention.md).",
        "did you mean `records-retention.md`?",
    );
}

#[test]
fn duplicate_url_names_both_files() {
    let site = SiteTest::with_files(&[
        ("content/a/b.md", "---\ntitle: B\n---\n"),
        ("content/a/b/_index.md", "---\ntitle: B section\n---\n"),
    ]);
    let run = site.build(&[]);
    run.assert_code(1);
    let block = run.diagnostic("error: two files make the page `/a/b/`");
    assert!(
        block.contains("content/a/b.md") && block.contains("content/a/b/_index.md"),
        "{block}"
    );
}

const ABOUT: (&str, &str) = ("content/about.md", "---\ntitle: About\n---\nHello.\n");

fn page_template(line3: &str) -> String {
    format!("{{% extends \"base.html\" %}}\n{{% block before_content %}}\n{line3}\n{{% endblock before_content %}}\n")
}

#[test]
fn template_syntax_error_names_the_site_template_and_line() {
    let site = SiteTest::with_files(&[ABOUT]);
    site.create(
        "themes/default/templates/page.html",
        page_template("<p>{{ page.title </p>"),
    );
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: template error: Found `</` but expected }}.",
        "themes/default/templates/page.html:3:18",
        "<p>{{ page.title </p>",
        "",
    );
}

#[test]
fn template_rendering_error_names_the_template_and_the_page() {
    let site = SiteTest::with_files(&[ABOUT]);
    site.create(
        "themes/default/templates/page.html",
        page_template("<p>{{ page.nope }}</p>"),
    );
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: template error: Field `nope` is not defined",
        "themes/default/templates/page.html:3:12",
        "<p>{{ page.nope }}</p>",
        "content/about.md",
    );
}

/// Tera reports unknown filters when templates are loaded, as a message that
/// already holds its own report; casebook must still locate it in the site.
#[test]
fn template_unknown_filter_names_the_site_template_and_line() {
    let site = SiteTest::with_files(&[ABOUT]);
    site.create(
        "themes/default/templates/page.html",
        page_template("<p>{{ page.title | shout }}</p>"),
    );
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: template error: Unknown filter `shout`",
        "themes/default/templates/page.html:3:20",
        "<p>{{ page.title | shout }}</p>",
        "",
    );
}

/// The sidebar's closed entries are rendered once for all the pages that
/// show them; when that fails, each of those pages still reports the
/// failure as its own, whichever page came first.
#[test]
fn sidebar_entry_that_fails_is_reported_by_every_page_showing_it() {
    let page = |title: &str| format!("---\ntitle: {title}\n---\nText.\n");
    let pages = ["_index", "a", "b", "c"].map(|p| (format!("content/handbook/{p}.md"), page(p)));
    let files: Vec<(&str, &str)> = pages.iter().map(|(f, t)| (f.as_str(), t.as_str())).collect();
    let site = SiteTest::with_files(&files);
    site.create(
        "themes/default/templates/partials/sidebar_branch.html",
        "{% if a.open %}{{ a.title }}{% else %}{{ a.nope }}{% endif %}",
    );
    let run = site.build(&[]);
    run.assert_code(1);
    for (file, _) in &pages {
        let rendering = run
            .stderr
            .matches(&format!("this happened while rendering `{file}`"))
            .count();
        assert_eq!(rendering, 1, "`{file}` reports the entry once:\n{}", run.stderr);
    }
    let reports = run
        .stderr
        .matches("error: template error: Field `nope` is not defined")
        .count();
    assert_eq!(reports, pages.len(), "{}", run.stderr);
    assert!(run.stderr.contains("partials/sidebar_branch.html:1:"), "{}", run.stderr);
}

/// Running as root, a `chmod 000` file is still readable; a symbolic link to
/// nothing fails for everyone. The report names it relative to the site root
/// even when `--root` is an absolute path.
#[test]
fn unreadable_file_is_named_relative_to_the_site() {
    let site = SiteTest::with_files(&[ABOUT]);
    std::os::unix::fs::symlink("nowhere.md", site.path("content/gone.md")).expect("make a symlink");
    let root = site.root().to_str().expect("temp path is UTF-8").to_string();
    let run = site.build(&["--root", &root, "--quiet"]);
    // A broken link is left out with a warning, like any link not followed.
    run.assert_code(0);
    let block = run
        .stderr
        .split("\n\n")
        .find(|b| b.contains("gone.md"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(block.starts_with("warning: "), "{block}");
    assert!(
        block.contains("in content/gone.md") || block.contains("--> content/gone.md"),
        "{block}"
    );
    assert!(
        !run.stderr.contains(&root),
        "the report leaks the absolute site path:\n{}",
        run.stderr
    );
}

#[test]
fn invalid_utf8_is_located_at_its_line() {
    let site = SiteTest::new();
    site.create("content/notes.md", b"---\ntitle: Notes\n---\nCaf\xe9 au lait\n");
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: file is not valid UTF-8 text",
        "content/notes.md:4:4",
        "Caf\u{fffd} au lait",
        "UTF-8",
    );
}

#[test]
fn unknown_config_key_suggests_the_closest() {
    let site = SiteTest::with_files(&[ABOUT, ("casebook.yaml", "title: Acme Legal\nouput_dir: site\n")]);
    let run = site.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: unknown key `ouput_dir` in casebook.yaml",
        "casebook.yaml:2:1",
        "ouput_dir: site",
        "did you mean `output_dir`?",
    );
    assert!(
        !site.path("site").exists() && !site.path("public").exists(),
        "nothing is written"
    );
}

/// A parse error in one file does not hide a reference error in another.
#[test]
fn all_errors_of_a_build_are_reported_together() {
    let site = SiteTest::with_files(&[
        ROLE,
        ("content/a.md", "---\ntitle: [unclosed\n---\n"),
        (
            "content/policies/b.md",
            "---\ntitle: B\neffective: 2026-01-01\nowner: legal-opps\n---\n",
        ),
    ]);
    let run = site.build(&[]);
    run.assert_code(1);
    let a = run
        .stderr
        .find("--> content/a.md:2:")
        .unwrap_or_else(|| panic!("a.md not reported:\n{}", run.stderr));
    let b = run
        .stderr
        .find("--> content/policies/b.md:4:8")
        .unwrap_or_else(|| panic!("b.md not reported:\n{}", run.stderr));
    assert!(a < b, "reports are sorted by file:\n{}", run.stderr);
    assert!(run.stderr.contains("\n2 errors, 0 warnings\n"), "{}", run.stderr);
    assert!(!site.path("public").exists(), "a failed first build writes nothing");
}

/// Inputs that have broken parsers before; the build may fail but must
/// report, not panic or abort.
#[test]
fn hostile_content_never_panics() {
    let files: &[(&str, &str)] = &[
        ("content/empty.md", ""),
        ("content/dashes.md", "---"),
        ("content/dashes2.md", "---\n---"),
        ("content/dots.md", "---\ntitle: x\n...\nbody"),
        ("content/nul.md", "\0\0---\0\n"),
        (
            "content/braces.md",
            "{{\n}}\n{{/*\n{{ x(\n{{ x(a=\n{{ x(a=\"\n{{ x(a=[1,\n{{ x(a=1 b=2) }}\n{% %}\n",
        ),
        (
            "content/links.md",
            "[a](\n[b](#)\n[c](..)\n[d](../../../../etc/passwd)\n[e](./)\n[f](%zz.md)\n[g]: <>\n![i]()\n",
        ),
        (
            "content/aliases.md",
            "---\naliases: [\"/\", \"\", \"..\", \"/about/\", \"/x.html\"]\n---\n",
        ),
        (
            "content/numbers.md",
            "---\nweight: 99999999999999999999999\ntitle: 1e999\n---\n",
        ),
        (
            "content/policies/far.md",
            "---\neffective: 9999-12-31\nreview_every: 99999999 years\nnext_review: 0000-01-01\n---\n",
        ),
        (
            "content/goals/odd.md",
            "---\ndue: 2026-Q9\nquarter: 99999-Q1\nkey_results: [{metric: 7, target: .inf}, 3, {}]\n---\n",
        ),
        (
            "content/roles/odd.md",
            "---\nraci: {a: R, b: [1], c: Z}\nresponsibilities: [{a: b}]\nid: \"\"\n---\n",
        ),
        (
            "content/headings.md",
            "# A {#x}\n# A {#x}\n#\n######## deep\n[^1] and [^1]\n\n[^1]: a\n[^1]: b\n",
        ),
        (
            "content/quotes.md",
            "> [!NOTE]\n> > [!WARNING]\n> > - [ ] x\n>\n> [!BOGUS]\n| a | b |\n|---|\n| 1 | 2 | 3 |\n",
        ),
        (
            "content/unicode.md",
            "---\ntitle: \"\u{202e}é\u{1f600}\"\n---\n# \u{1f600}\u{301}\n\r\n\r{{ x(a=\"\u{1f600}\") }}\n",
        ),
        ("content/_index.md", "---\ntitle: Home\naliases: [/about/]\n---\n"),
    ];
    let site = SiteTest::with_files(files);
    let run = site.build(&[]);
    assert!(run.code == 0 || run.code == 1, "exit {}:\n{}", run.code, run.stderr);
}

/// Component arguments are parsed recursively; a deep `[[[…` must be an
/// error, not a stack overflow that aborts the process.
#[test]
fn deeply_nested_component_arguments_are_an_error_not_a_crash() {
    let site = SiteTest::new();
    site.create(
        "content/deep.md",
        format!("{{{{ raci(a={}) }}}}\n", "[".repeat(100_000)),
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(run.stderr.contains("content/deep.md:1:"), "{}", run.stderr);
}

#[test]
fn reference_cycles_are_errors_naming_the_circle() {
    let t = SiteTest::with_files(&[
        ("content/roles/a.md", "---\ntitle: A\nreports_to: b\n---\n"),
        ("content/roles/b.md", "---\ntitle: B\nreports_to: a\n---\n"),
        ("content/roles/solo.md", "---\ntitle: Solo\nreports_to: solo\n---\n"),
        (
            "content/policies/old.md",
            "---\ntitle: Old\nowner: a\neffective: 2026-01-01\nsupersedes: new\n---\n",
        ),
        (
            "content/policies/new.md",
            "---\ntitle: New\nowner: a\neffective: 2026-02-01\nsupersedes: old\n---\n",
        ),
        (
            "content/policies/self.md",
            "---\ntitle: Self\nowner: a\neffective: 2026-01-01\nsupersedes: self\n---\n",
        ),
    ]);
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: roles report to each other in a circle: a → b → a",
        "content/roles/a.md:3:13",
        "reports_to: b",
        "fix the `reports_to` of one of them",
    );
    run.assert_diagnostic(
        "error: role `solo` reports to itself",
        "content/roles/solo.md:3:13",
        "reports_to: solo",
        "remove `reports_to`",
    );
    run.assert_diagnostic(
        "error: policies supersede each other in a circle: new → old → new",
        "content/policies/new.md:5:13",
        "supersedes: old",
        "remove `supersedes` from the older",
    );
    run.assert_diagnostic(
        "error: policy `self` supersedes itself",
        "content/policies/self.md:5:13",
        "supersedes: self",
        "name the older policy",
    );
}

#[test]
fn values_that_would_be_accepted_silently_are_errors_at_their_line() {
    let t = SiteTest::with_files(&[
        ("content/roles/gc.md", "---\ntitle: GC\n---\n"),
        (
            "content/policies/a.md",
            "---\ntitle: A\nowner: gc\neffective: 2026-01-01\nreview_every: 99999999999 months\n---\n",
        ),
        (
            "content/policies/b.md",
            "---\ntitle: B\nowner: gc\neffective: 0000-01-01\n---\n",
        ),
        (
            "content/policies/c.md",
            "---\ntitle: C\nowner: gc\neffective: 2026-01-01\nstatus: effective\n---\n",
        ),
        (
            "content/policies/d.md",
            "---\ntitle: D\nowner: gc\neffective: 2026-01-01\nstatus: Draft\n---\n",
        ),
        ("content/reports/r.md", "---\ntitle: R\nquarter: 0000-Q1\n---\n"),
        ("content/reports/s.md", "---\ntitle: S\nquarter: 9999-Q4\n---\n"),
    ]);
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: `review_every` of 99999999999 months is longer than 10 years",
        "content/policies/a.md:5:15",
        "review_every: 99999999999 months",
        "from 1 day to 120 months",
    );
    run.assert_diagnostic(
        "error: `effective` is in the year 0000, outside 1900–2999",
        "content/policies/b.md:4:12",
        "effective: 0000-01-01",
        "check the year",
    );
    run.assert_diagnostic(
        "error: unknown policy status `effective`",
        "content/policies/c.md:5:9",
        "status: effective",
        "computed from the dates",
    );
    run.assert_diagnostic(
        "error: unknown policy status `Draft`",
        "content/policies/d.md:5:9",
        "status: Draft",
        "did you mean `draft`?",
    );
    assert_eq!(run.stderr.matches("error: `quarter` is not a valid quarter").count(), 2);
    for (file, text) in [("r", "0000-Q1"), ("s", "9999-Q4")] {
        assert!(
            run.stderr.contains(&format!("content/reports/{file}.md:3:10")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(&format!("quarter: {text}")), "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("`{text}` is in the year")),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn undated_policies_have_their_own_status_and_one_summary_warning() {
    let mut files: Vec<(String, String)> = vec![("content/roles/gc.md".into(), "---\ntitle: GC\n---\n".into())];
    for i in 0..8 {
        files.push((
            format!("content/policies/p{i}.md"),
            format!("---\ntitle: Policy {i}\nowner: gc\n---\nText.\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let t = SiteTest::with_files(&refs);
    let run = t.build_ok();
    assert_eq!(
        run.stderr.matches("have no `effective` date").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("warning: 8 policies have no `effective` date"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("… and 3 more (`--verbose` lists them all)"),
        "{}",
        run.stderr
    );
    let verbose = t.build(&["--verbose"]);
    for i in 0..8 {
        assert!(
            verbose.stderr.contains(&format!("note: content/policies/p{i}.md")),
            "{}",
            verbose.stderr
        );
    }
    let register = t.main_of("register/");
    assert_eq!(register.matches("No effective date").count(), 8, "{register}");
    assert!(!register.contains("status-effective"), "{register}");
    assert!(
        t.main_of("policies/p0/")
            .contains("<strong>No effective date.</strong>")
    );
}

#[test]
fn reports_keep_backslashes_in_names_and_never_print_control_characters() {
    let t = SiteTest::with_files(&[
        ("content/a\\b.md", "---\ntitle: A\nowner: nobody\n---\n"),
        ("content/c.md", "---\ntitle: C\nowner: \"evil\\e[2J\\a\"\n---\n"),
    ]);
    let run = t.build(&[]);
    run.assert_code(1);
    assert!(run.stderr.contains("--> content/a\\b.md:3:8"), "{}", run.stderr);
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'),
        "{:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains("unknown role `evil\u{241b}[2J\u{2407}`"),
        "{}",
        run.stderr
    );
}

#[test]
fn files_that_would_overwrite_each_other_are_located_before_anything_is_written() {
    let t = SiteTest::with_files(&[
        ("content/register.md", "---\ntitle: Our register\n---\n"),
        ("content/metrics/_index.md", "---\ntitle: Metrics page\n---\n"),
        ("content/metrics/m.yaml", "unit: count\nvalues: {2026-Q1: 1}\n"),
        ("content/css/casebook.css", "body {}\n"),
        (
            "content/policies/p.md",
            "---\ntitle: P\neffective: 2026-01-01\naliases: [/css/casebook.css, /metrics.json, /sitemap.xml]\n---\n",
        ),
    ]);
    for cmd in ["build", "check"] {
        let run = t.run(&[cmd, "--today", crate::harness::TODAY]);
        run.assert_code(1);
        let out = format!("{}{}", run.stdout, run.stderr);
        for (message, place) in [
            (
                "error: this page's URL `/register/` is taken by the policy register",
                "content/register.md",
            ),
            (
                "error: this page's URL `/metrics/` is taken by the metric pages",
                "content/metrics/_index.md",
            ),
            (
                "error: `content/css/casebook.css` has the path of the theme's `css/casebook.css`",
                "content/css/casebook.css",
            ),
            (
                "error: alias `/css/casebook.css` collides: casebook writes the theme's stylesheets there",
                "content/policies/p.md:4:11",
            ),
            (
                "error: alias `/metrics.json` collides: casebook writes the metrics export there",
                "content/policies/p.md:4:30",
            ),
            (
                "error: alias `/sitemap.xml` collides: casebook writes the sitemap there",
                "content/policies/p.md:4:45",
            ),
        ] {
            let block = out
                .split("\n\n")
                .find(|b| b.starts_with(message))
                .unwrap_or_else(|| panic!("`{cmd}` did not report `{message}`:\n{out}"));
            assert!(block.contains(&format!("--> {place}")), "{block}");
        }
        assert!(!out.contains("two files would be written"), "{out}");
    }
    assert!(!t.path("public").exists());
}

#[test]
fn a_circle_of_template_includes_names_the_include_that_closes_it() {
    let t = SiteTest::with_files(&[
        ("casebook.yaml", "theme: mine\n"),
        ("content/_index.md", "# Home\n"),
        (
            "themes/mine/templates/partials/a.html",
            "{% include \"partials/b.html\" %}\n",
        ),
        (
            "themes/mine/templates/partials/b.html",
            "<p>b</p>\n{% include \"partials/a.html\" %}\n",
        ),
        (
            "themes/mine/templates/home.html",
            "{% extends \"base.html\" %}{% block main %}{% include \"partials/a.html\" %}{% endblock main %}\n",
        ),
    ]);
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: templates include each other in a circle: home.html → partials/a.html → partials/b.html → partials/a.html",
        "themes/mine/templates/partials/b.html:2:12",
        "{% include \"partials/a.html\" %}",
        "remove the include of `partials/a.html` from `partials/b.html`",
    );
}

#[test]
fn a_missing_content_folder_points_at_the_config_line_naming_it() {
    let t = SiteTest::with_files(&[("casebook.yaml", "title: Handbook\ncontent_dir: Policies\n")]);
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: content folder `Policies` does not exist",
        "casebook.yaml:2:14",
        "content_dir: Policies",
        "create the folder",
    );
}
