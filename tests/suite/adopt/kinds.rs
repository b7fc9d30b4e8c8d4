//! Kinds by folder or glob relative to the content folder, per-commit
//! redlines for whole sections, and section titles.

use super::git::{commit, git, init};
use crate::harness::{SiteTest, between};

/// The kind a page was rendered as, from its `<body class="kind-…">`.
fn kind_of(t: &SiteTest, url: &str) -> String {
    let html = t.output(&format!("{url}index.html"));
    between(&html, "<body class=\"kind-", "\"").unwrap().to_string()
}

/// A policy repository with one folder per area and no `kind` anywhere.
fn areas(config: &str) -> SiteTest {
    SiteTest::with_files(&[
        ("casebook.yaml", config),
        (
            "Policies/privacy/gdpr.md",
            "---\ntitle: GDPR\n---\nLawful processing.\n",
        ),
        ("Policies/privacy/faq-gdpr.md", "# GDPR questions\n\nAsk the DPO.\n"),
        (
            "Policies/privacy/faq-cookies.md",
            "# Cookie questions\n\nAsk the DPO.\n",
        ),
        ("Policies/security/access.md", "# Access control\n\nLeast privilege.\n"),
        ("Policies/security/faq-vpn.md", "# VPN questions\n\nAsk IT.\n"),
        ("Policies/about.md", "# About these policies\n\nRead them.\n"),
    ])
}

#[test]
fn the_content_folders_own_name_and_dot_make_every_page_a_policy() {
    // The README's example for a repository published as it is.
    for kinds in [
        "kinds: {Policies: policy}",
        "kinds: {\".\": policy}",
        "kinds:\n  ./: policy",
    ] {
        let t = areas(&format!("content_dir: Policies\n{kinds}\n"));
        let run = t.build_ok();
        assert!(!run.stderr.contains("matches no page"), "{kinds}:\n{}", run.stderr);
        for url in ["privacy/gdpr/", "security/access/", "about/"] {
            assert_eq!(kind_of(&t, url), "policy", "{url} with `{kinds}`");
        }
        let register = t.main_of("register/");
        assert!(
            register.contains("Access control") && register.contains("About these policies"),
            "{kinds}"
        );
    }
}

#[test]
fn the_most_specific_key_wins_globs_included() {
    let t = areas(
        "content_dir: Policies\nkinds:\n  \".\": policy\n  privacy: guide\n  \"*/faq-*.md\": faq\n  privacy/faq-gdpr.md: checklist\n",
    );
    t.build_ok();
    let cases = [
        ("about/", "policy", "only `.` matches"),
        ("security/access/", "policy", "only `.` matches"),
        ("privacy/gdpr/", "guide", "a folder is more specific than `.`"),
        (
            "privacy/faq-cookies/",
            "faq",
            "a glob on the file is more specific than its folder",
        ),
        ("security/faq-vpn/", "faq", "the glob matches in every area"),
        (
            "privacy/faq-gdpr/",
            "checklist",
            "a path beats a glob at the same depth",
        ),
    ];
    for (url, kind, why) in cases {
        assert_eq!(kind_of(&t, url), kind, "{url}: {why}");
    }
}

#[test]
fn kind_names_the_kind_of_pages_no_key_matches() {
    let t = SiteTest::with_files(&[
        ("casebook.yaml", "kind: guide\n"),
        ("content/onboarding.md", "# Onboarding\n\nWelcome.\n"),
        ("content/policies/gifts.md", "# Gifts\n\nNone over 50 EUR.\n"),
        ("content/notes.md", "---\nkind: page\n---\nFront matter wins.\n"),
    ]);
    t.build_ok();
    assert_eq!(kind_of(&t, "onboarding/"), "guide");
    assert_eq!(
        kind_of(&t, "policies/gifts/"),
        "policy",
        "the built-in folders still apply"
    );
    assert_eq!(kind_of(&t, "notes/"), "page");
}

#[test]
fn a_key_that_matches_nothing_is_a_warning_at_its_line() {
    let t = areas("content_dir: Policies\nkinds:\n  \".\": policy\n  privcy: guide\n  \"legal/**\": clause\n");
    let run = t.build_ok();
    run.assert_diagnostic(
        "warning: `kinds` key `privcy` matches no page",
        "casebook.yaml:4:3",
        "  privcy: guide",
        "did you mean `privacy`?",
    );
    let glob = run.assert_diagnostic(
        "warning: `kinds` key `legal/**` matches no page",
        "casebook.yaml:5:3",
        "  \"legal/**\": clause",
        "folders in `Policies`: privacy, security",
    );
    assert!(glob.contains("relative to the content folder"), "{glob}");
    // `check` says the same, once for every audience it checks.
    let check = t.run(&["check", "--today", crate::harness::TODAY]);
    check.assert_code(0);
    assert_eq!(
        check
            .stdout
            .matches("warning: `kinds` key `privcy` matches no page")
            .count(),
        1,
        "{}",
        check.stdout
    );
}

#[test]
fn a_bad_glob_or_kind_is_an_error_at_its_place() {
    let t = areas("content_dir: Policies\nkinds:\n  \"privacy/[faq\": faq\nkind: polcy\n");
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: `privacy/[faq` is not a valid glob",
        "casebook.yaml:3:3",
        "  \"privacy/[faq\": faq",
        "`**` across folders",
    );
    run.assert_diagnostic(
        "error: unknown kind `polcy`",
        "casebook.yaml:4:7",
        "kind: polcy",
        "did you mean `policy`?",
    );
}

/// A handbook page and a policy, each edited twice after being added, and
/// a second handbook page that opts out.
fn edited_twice(config: &str) -> SiteTest {
    let t = SiteTest::with_files(&[
        ("casebook.yaml", config),
        ("content/handbook/nda.md", "# NDA review\n\nRead it twice.\n"),
        (
            "content/handbook/memo.md",
            "---\nredline: false\n---\n# Memo\n\nShort.\n",
        ),
        (
            "content/policies/gifts.md",
            "---\ntitle: Gifts\neffective: 2025-01-01\n---\nNone over 50 EUR.\n",
        ),
    ]);
    init(&t);
    commit(&t, "2026-01-05", "Add the handbook");
    for (n, date) in [(1, "2026-02-05"), (2, "2026-03-05")] {
        t.create(
            "content/handbook/nda.md",
            format!("# NDA review\n\nRead it {n} more times.\n"),
        );
        t.create(
            "content/handbook/memo.md",
            format!("---\nredline: false\n---\n# Memo\n\nShort {n}.\n"),
        );
        t.create(
            "content/policies/gifts.md",
            format!("---\ntitle: Gifts\neffective: 2025-01-01\n---\nNone over {n}0 EUR.\n"),
        );
        commit(&t, date, &format!("Edit {n}"));
    }
    t
}

/// The redline folders under `<url>history/` that name a commit.
fn commit_redlines(t: &SiteTest, url: &str) -> Vec<String> {
    let dir = t.path(&format!("public/{url}history"));
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html" && !n.contains(".."))
        .collect();
    out.sort();
    out
}

/// The commits that modified `file`, as git lists them.
fn edits_of(t: &SiteTest, file: &str) -> Vec<String> {
    git(t, &["log", "--format=%H", "--diff-filter=M", "--", file])
        .lines()
        .map(str::to_string)
        .collect()
}

fn assert_redlines_are_the_edits(t: &SiteTest, url: &str, file: &str) {
    let shorts = commit_redlines(t, url);
    let edits = edits_of(t, file);
    assert_eq!(shorts.len(), edits.len(), "{url}: {shorts:?} for {edits:?}");
    for s in &shorts {
        assert!(
            edits.iter().any(|h| h.starts_with(s.as_str())),
            "{s} is not an edit of {file}"
        );
    }
}

#[test]
fn redlines_all_gives_every_page_per_commit_redlines_unless_it_opts_out() {
    let t = edited_twice("redlines: all\n");
    t.build_ok();
    assert_redlines_are_the_edits(&t, "handbook/nda/", "content/handbook/nda.md");
    assert_redlines_are_the_edits(&t, "policies/gifts/", "content/policies/gifts.md");
    assert_eq!(
        commit_redlines(&t, "handbook/memo/"),
        Vec::<String>::new(),
        "`redline: false` opts out"
    );
    let history = t.main_of("handbook/memo/history/");
    assert!(history.contains("Edit 2"), "the history itself stays:\n{history}");
}

#[test]
fn redlines_default_to_policies_and_none_turns_them_off() {
    let t = edited_twice("title: Default\n");
    t.build_ok();
    assert_redlines_are_the_edits(&t, "policies/gifts/", "content/policies/gifts.md");
    assert_eq!(commit_redlines(&t, "handbook/nda/"), Vec::<String>::new());

    let t = edited_twice("redlines: none\n");
    t.create(
        "content/handbook/nda.md",
        "---\nredline: true\n---\n# NDA review\n\nRead it 2 more times.\n",
    );
    commit(&t, "2026-04-05", "Opt in");
    t.build_ok();
    assert_eq!(commit_redlines(&t, "policies/gifts/"), Vec::<String>::new());
    assert_redlines_are_the_edits(&t, "handbook/nda/", "content/handbook/nda.md");
}

#[test]
fn a_bad_redlines_value_is_an_error_with_the_choices() {
    let t = SiteTest::with_files(&[("casebook.yaml", "redlines: every\n"), ("content/a.md", "A.\n")]);
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: unknown `redlines` value `every`",
        "casebook.yaml:1:11",
        "redlines: every",
        "`redlines: all`",
    );
}

fn title_of(t: &SiteTest, url: &str) -> String {
    let html = t.output(&format!("{url}index.html"));
    between(&html, "<title>", " · ").unwrap().to_string()
}

#[test]
fn section_titles_come_from_index_then_config_then_the_folder_name() {
    let t = SiteTest::with_files(&[
        (
            "casebook.yaml",
            "title: Acme\nsection_titles:\n  acme-terms: ACME terms\n  privacy: Never used\n  untitled: From the config\n  contracts/eu-GDPR: EU GDPR clauses\n  nowhere: Nothing\n",
        ),
        ("content/acme-terms/nda.md", "# NDA\n\nTerms.\n"),
        (
            "content/privacy/_index.md",
            "---\ntitle: Privacy and data\n---\nThe area.\n",
        ),
        ("content/privacy/gdpr.md", "# GDPR\n\nText.\n"),
        ("content/untitled/_index.md", "No title, no heading.\n"),
        ("content/untitled/a.md", "# A\n\nText.\n"),
        ("content/contracts/eu-GDPR/dpa.md", "# DPA\n\nText.\n"),
        ("content/contracts/US-terms/msa.md", "# MSA\n\nText.\n"),
    ]);
    let run = t.build_ok();
    assert_eq!(
        title_of(&t, "acme-terms/"),
        "ACME terms",
        "config, for a folder without `_index.md`"
    );
    assert_eq!(title_of(&t, "privacy/"), "Privacy and data", "`_index.md` wins");
    assert_eq!(
        title_of(&t, "untitled/"),
        "From the config",
        "an `_index.md` without a title"
    );
    assert_eq!(title_of(&t, "contracts/eu-gdpr/"), "EU GDPR clauses", "a nested folder");
    assert_eq!(
        title_of(&t, "contracts/us-terms/"),
        "US terms",
        "the folder's own capitals are kept"
    );
    assert_eq!(title_of(&t, "contracts/"), "Contracts");
    let nav = between(&t.output("index.html"), "<nav class=\"top-nav\"", "</nav>")
        .unwrap()
        .to_string();
    assert!(nav.contains(">ACME terms</a>"), "{nav}");
    run.assert_diagnostic(
        "warning: `section_titles` key `nowhere` names no folder with pages",
        "casebook.yaml:7:3",
        "  nowhere: Nothing",
        "folders in `content`",
    );
}
