//! `casebook init`, `casebook new`, `--help` and usage errors.

use serde_json::Value;

use crate::harness::{SiteTest, front_matter, tree};

#[test]
fn init_then_build_round_trip() {
    let t = SiteTest::new();
    let run = t.run(&["init", "site"]);
    run.assert_code(0);
    let files = t.files("site");
    let has = |prefix: &str, ext: &str| {
        files
            .iter()
            .any(|f| f.starts_with(prefix) && f.ends_with(ext) && !f.ends_with("_index.md"))
    };
    assert!(files.iter().any(|f| f == "casebook.yaml"), "{files:?}");
    for folder in [
        "content/policies/",
        "content/roles/",
        "content/goals/",
        "content/reports/",
        "content/handbook/",
    ] {
        assert!(has(folder, ".md"), "the starter has a page in {folder}: {files:?}");
    }
    assert!(
        has("content/metrics/", ".yaml"),
        "the starter has a metric file: {files:?}"
    );

    let run = t.build(&["--root", "site"]);
    run.assert_code(0);
    assert!(
        !run.stderr.contains("warning"),
        "the starter builds clean:\n{}",
        run.stderr
    );
    assert!(t.path("site/public/index.html").is_file());
}

#[test]
fn init_without_a_folder_uses_the_current_one() {
    let t = SiteTest::new();
    t.run(&["init"]).assert_code(0);
    assert!(t.path("casebook.yaml").is_file() && t.path("content").is_dir());
    t.build_ok();
}

#[test]
fn init_refuses_an_existing_site() {
    let t = SiteTest::with_files(&[("site/content/about.md", "---\ntitle: Ours\n---\n")]);
    let before = tree(t.root());
    let run = t.run(&["init", "site"]);
    run.assert_code(1);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert!(tree(t.root()) == before, "init changed an existing site");
}

/// (kind, folder, front matter keys the skeleton must have)
const KINDS: [(&str, &str, &[&str]); 5] = [
    (
        "policy",
        "policies",
        &["title", "owner", "approver", "effective", "review_every"],
    ),
    ("playbook", "handbook", &["title", "owner"]),
    ("role", "roles", &["title", "reports_to"]),
    ("goal", "goals", &["title", "owners", "outcome", "key_results"]),
    ("report", "reports", &["title", "quarter"]),
];

#[test]
fn new_writes_each_kind_with_its_front_matter() {
    let t = SiteTest::new();
    t.run(&["init", "site"]).assert_code(0);
    for (kind, folder, keys) in KINDS {
        let run = t.run(&["new", kind, "Data Protection & Privacy", "--root", "site"]);
        run.assert_code(0);
        let rel = format!("site/content/{folder}/data-protection-privacy.md");
        let front = front_matter(&t.read(&rel));
        assert_eq!(front["title"], Value::from("Data Protection & Privacy"), "{rel}");
        for key in keys {
            assert!(
                front.get(key).is_some(),
                "`casebook new {kind}` writes `{key}`:\n{}",
                t.read(&rel)
            );
        }
    }
    // The skeletons are valid pages: the site still builds.
    let run = t.build(&["--root", "site"]);
    run.assert_code(0);
}

#[test]
fn new_in_a_bare_folder_creates_the_kind_folder() {
    let t = SiteTest::new();
    t.run(&["new", "policy", "Records Retention"]).assert_code(0);
    assert!(
        t.path("content/policies/records-retention.md").is_file(),
        "{:?}",
        t.files(".")
    );
}

#[test]
fn new_refuses_to_overwrite() {
    let t = SiteTest::with_files(&[("content/policies/privacy.md", "---\ntitle: Mine\n---\nKeep me.\n")]);
    let run = t.run(&["new", "policy", "Privacy"]);
    run.assert_code(1);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(
        t.read("content/policies/privacy.md"),
        "---\ntitle: Mine\n---\nKeep me.\n"
    );
}

#[test]
fn new_refuses_a_title_without_letters() {
    let t = SiteTest::new();
    t.run(&["new", "policy", "&&&"]).assert_code(1);
    assert!(!t.path("content").exists());
}

#[test]
fn help_of_each_subcommand_names_its_options() {
    let t = SiteTest::new();
    for (args, words) in [
        (&["--help"][..], &["init", "new", "build"][..]),
        (
            &["build", "--help"],
            &["--root", "--out", "--drafts", "--today", "--quiet"],
        ),
        (&["init", "--help"], &["DIR"]),
        (
            &["new", "--help"],
            &["policy", "playbook", "role", "goal", "report", "--root"],
        ),
    ] {
        let run = t.run(args);
        run.assert_code(0);
        for w in words {
            assert!(
                run.stdout.contains(w),
                "`casebook {}` mentions `{w}`:\n{}",
                args.join(" "),
                run.stdout
            );
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    let t = SiteTest::new();
    for args in [
        &["frobnicate"][..],
        &["build", "--nope"],
        &["build", "--today", "2026-13-01"],
        &["new", "policy"],
        &["new", "widget", "Title"],
        &[],
    ] {
        let run = t.run(args);
        assert_eq!(run.code, 2, "`casebook {}`:\n{}", args.join(" "), run.stderr);
        assert!(
            run.stderr.contains("Usage") || run.stderr.contains("--help"),
            "{}",
            run.stderr
        );
    }
    assert!(!t.path("public").exists(), "a usage error builds nothing");
}

#[test]
fn unknown_audience_and_missing_site_folder_are_usage_errors() {
    let t = SiteTest::with_files(&[("content/_index.md", "# Home\n")]);
    for cmd in ["build", "check"] {
        let run = t.run(&[cmd, "--audience", "bord"]);
        run.assert_code(2);
        assert!(run.stderr.contains("unknown audience `bord`"), "{}", run.stderr);
        assert!(run.stderr.contains("did you mean `board`?"), "{}", run.stderr);
        let run = t.run(&[cmd, "--root", "no-such-site"]);
        run.assert_code(2);
        assert!(
            run.stderr.contains("the site folder `no-such-site` does not exist"),
            "{}",
            run.stderr
        );
    }
    assert!(!t.path("public").exists());
}
