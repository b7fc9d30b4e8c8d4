//! Versions, page history, redlines and "what changed", on git repositories
//! scripted inside each test: two authors, fixed dates, a rename into a
//! sub-folder, a deleted page, a policy whose effective date and approver
//! change, three tags, an uncommitted edit.

use std::path::Path;

use crate::harness::{SiteTest, main_of, text_of};

/// Runs git in `dir` with a hermetic environment; `who` (`bob`, else Alice)
/// and `date` set author and committer.
pub(crate) fn git_in(dir: &Path, who: Option<(&str, &str)>, args: &[&str]) -> String {
    let author = match who.map(|w| w.0) {
        Some("bob") => ("Bob Ops", "bob@example.com"),
        _ => ("Alice Law", "alice@example.com"),
    };
    let date = who.map_or("2026-01-01T00:00:00Z", |w| w.1);
    crate::git_fixtures::git_in(dir, author, date, args)
}

fn git(t: &SiteTest, args: &[&str]) -> String {
    git_in(t.root(), None, args)
}

/// Stages everything and commits as `who` at `date`.
pub(crate) fn commit(t: &SiteTest, who: &str, date: &str, message: &str) {
    git_in(t.root(), None, &["add", "-A"]);
    git_in(t.root(), Some((who, date)), &["commit", "-q", "-m", message]);
}

fn edit(t: &SiteTest, rel: &str, from: &str, to: &str) {
    let text = t.read(rel);
    assert!(text.contains(from), "`{from}` not in {rel}");
    t.create(rel, text.replacen(from, to, 1));
}

const RETENTION: &str = "---
title: Records retention
owner: general-counsel
approver: general-counsel
effective: 2026-01-01
review_every: 12 months
---
## Scope

This policy applies to all records
held by the Company.

## Notice

The Supplier shall notify the Company within 30 days.
";

/// The scripted repository every test here starts from.
fn scripted() -> SiteTest {
    let t = SiteTest::with_files(&[
        (
            "casebook.yaml",
            "title: Acme Legal\nversions:\n  tags: \"handbook-*\"\nrepo_url: https://git.example/legal/handbook\n",
        ),
        ("content/_index.md", "---\ntitle: Acme Legal\n---\nWelcome.\n"),
        (
            "content/roles/general-counsel.md",
            "---\ntitle: General Counsel\n---\nThe GC.\n",
        ),
        ("content/roles/ceo.md", "---\ntitle: Chief Executive\n---\nThe CEO.\n"),
        ("content/policies/retention.md", RETENTION),
        (
            "content/policies/privacy.md",
            "---\ntitle: Privacy\nowner: general-counsel\neffective: 2026-01-01\n---\nOriginal privacy text.\n",
        ),
        (
            "content/policies/secret.md",
            "---\ntitle: Secret settlement policy\naudience: legal-only\n---\nConfidential v1.\n",
        ),
        (
            "content/handbook/old-guide.md",
            "---\ntitle: Old guide\n---\nSoon gone.\n",
        ),
        (
            "content/reports/2026-q1.md",
            "---\ntitle: Board report Q1 2026\nkind: report\nquarter: 2026-Q1\n---\nThe quarter.\n",
        ),
    ]);
    git(&t, &["init", "-q"]);
    commit(&t, "alice", "2026-01-10T10:00:00Z", "Add first policies");
    git(&t, &["tag", "handbook-1"]);

    edit(&t, "content/policies/retention.md", "shall notify", "must notify");
    edit(
        &t,
        "content/policies/retention.md",
        "within 30 days",
        "within 10 business days",
    );
    edit(&t, "content/policies/secret.md", "v1", "v2");
    commit(
        &t,
        "bob",
        "2026-02-10T10:00:00Z",
        "Shorten notice period\n\nReviewed-by: Carol Counsel <carol@example.com>",
    );
    std::fs::create_dir_all(t.path("content/policies/privacy")).unwrap();
    git(
        &t,
        &[
            "mv",
            "content/policies/privacy.md",
            "content/policies/privacy/privacy.md",
        ],
    );
    commit(
        &t,
        "alice",
        "2026-03-01T10:00:00Z",
        "Move privacy policy into its folder (#12)",
    );
    std::fs::remove_file(t.path("content/handbook/old-guide.md")).unwrap();
    t.create("content/handbook/new-guide.md", "---\ntitle: New guide\n---\nNew.\n");
    commit(&t, "bob", "2026-04-02T10:00:00Z", "Replace the old guide");
    git_in(
        t.root(),
        Some(("bob", "2026-04-03T10:00:00Z")),
        &["tag", "-a", "handbook-2", "-m", "Second edition"],
    );

    // Re-wrapped paragraph, new effective date and approver.
    edit(
        &t,
        "content/policies/retention.md",
        "This policy applies to all records\nheld by the Company.",
        "This policy applies to\nall records held by the Company.",
    );
    edit(
        &t,
        "content/policies/retention.md",
        "effective: 2026-01-01",
        "effective: 2026-07-01",
    );
    edit(
        &t,
        "content/policies/retention.md",
        "approver: general-counsel",
        "approver: ceo",
    );
    commit(&t, "alice", "2026-07-15T10:00:00Z", "Re-approve retention policy");
    edit(
        &t,
        "content/policies/privacy/privacy.md",
        "Original privacy text.",
        "Updated privacy text.",
    );
    commit(&t, "bob", "2026-08-01T10:00:00Z", "Update privacy policy");
    git(&t, &["tag", "handbook-3"]);

    // The working tree is latest: an edit not committed yet.
    edit(&t, "content/_index.md", "Welcome.", "Welcome to legal.");
    t
}

fn hash_of(t: &SiteTest, subject: &str) -> String {
    let log = git(t, &["log", "--format=%H %s"]);
    let line = log
        .lines()
        .find(|l| l.ends_with(subject))
        .unwrap_or_else(|| panic!("no commit `{subject}` in:\n{log}"));
    line[..10].to_string()
}

#[test]
fn each_version_is_built_from_its_own_tag() {
    let t = scripted();
    let run = t.build_ok();
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    let v1 = t.main_of("v/handbook-1/policies/retention/");
    assert!(
        v1.contains("The Supplier shall notify the Company within 30 days."),
        "{v1}"
    );
    assert!(!v1.contains("must notify"), "{v1}");
    assert!(
        v1.contains("You are reading version <strong>handbook-1</strong>"),
        "{v1}"
    );
    let latest = t.main_of("policies/retention/");
    assert!(
        latest.contains("must notify the Company within 10 business days"),
        "{latest}"
    );
    assert!(!latest.contains("You are reading version"), "{latest}");
    // The tag's own tree: the privacy policy before its move, the old guide.
    assert!(
        t.main_of("v/handbook-1/policies/privacy/")
            .contains("Original privacy text.")
    );
    assert!(t.path("public/v/handbook-1/handbook/old-guide/index.html").is_file());
    assert!(!t.path("public/v/handbook-2/handbook/old-guide/index.html").exists());
    assert!(t.main_of("v/handbook-3/").contains("Welcome."));
    assert!(t.main_of("").contains("Welcome to legal."));
    // Only the site root has these.
    assert!(!t.path("public/v/handbook-1/sitemap.xml").exists());

    let versions: serde_json::Value = serde_json::from_str(&t.output("versions.json")).unwrap();
    let names: Vec<&str> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["latest", "handbook-3", "handbook-2", "handbook-1"]);
    assert_eq!(versions["versions"][3]["url"], "v/handbook-1/");
    assert_eq!(versions["versions"][3]["date"], "2026-01-10");

    // Reproducible: a second build is byte-identical.
    let first = crate::harness::tree_hash(&t.path("public"));
    t.build_ok();
    assert_eq!(first, crate::harness::tree_hash(&t.path("public")));
}

#[test]
fn switcher_goes_to_the_same_page_across_renames_or_to_the_version_home() {
    let t = scripted();
    t.build_ok();
    let some = |u: &str| Some(u.to_string());
    let privacy = crate::versions::same_page(&t, "latest", "policies/privacy/privacy/");
    assert_eq!(
        privacy.into_iter().collect::<Vec<_>>(),
        [
            ("handbook-1".to_string(), some("policies/privacy/")),
            ("handbook-2".to_string(), some("policies/privacy/privacy/")),
            ("handbook-3".to_string(), some("policies/privacy/privacy/")),
            ("latest".to_string(), some("policies/privacy/privacy/")),
        ]
    );
    let old = crate::versions::same_page(&t, "handbook-1", "handbook/old-guide/");
    assert_eq!((&old["latest"], &old["handbook-3"]), (&None, &None), "{old:?}");
    // Each page names only its own version; the script finds the others.
    let html = t.output("v/handbook-1/policies/privacy/index.html");
    let nav = crate::harness::between(&html, "<nav class=\"version-switcher\"", "</nav>")
        .unwrap_or_else(|| panic!("no version switcher in:\n{html}"));
    assert!(
        nav.contains(
            "data-versions=\"../../../../versions.json\" data-version=\"handbook-1\" data-page=\"policies/privacy/\""
        ),
        "{nav}"
    );
    assert!(
        nav.contains("<a class=\"version-switcher-toggle\" href=\"../../../../changes/\">"),
        "{nav}"
    );
    assert!(!nav.contains("handbook-2") && !nav.contains("Latest"), "{nav}");
    let banner = t.main_of("v/handbook-1/policies/privacy/");
    assert!(
        banner.contains("<a class=\"version-current\" href=\"../../../../\">Go to the current version</a>"),
        "{banner}"
    );
}

#[test]
fn history_lists_every_commit_across_the_rename() {
    let t = scripted();
    t.build_ok();
    let main = t.main_of("policies/privacy/privacy/history/");
    let subjects: Vec<String> = main
        .split("<tr>")
        .skip(2)
        .map(|row| text_of(row.split("</td>").nth(1).unwrap_or_default()))
        .collect();
    assert_eq!(
        subjects,
        [
            "Update privacy policy",
            "Move privacy policy into its folder (#12) Moved from policies/privacy.md",
            "Add first policies Created",
        ]
    );
    assert!(
        main.contains("<a href=\"https://git.example/legal/handbook/pull/12\">#12</a>"),
        "{main}"
    );
    let update = hash_of(&t, "Update privacy policy");
    assert!(main.contains(&format!("history/{update}/\">Redline</a>")), "{main}");
    // Last updated, with author and date, on the page itself.
    let page = t.main_of("policies/privacy/privacy/");
    assert!(
        page.contains("Last updated <time datetime=\"2026-08-01\">1 August 2026</time> by Bob Ops"),
        "{page}"
    );
    // The retention history credits the reviewer from the trailer.
    let retention = t.main_of("policies/retention/history/");
    assert!(retention.contains("Reviewed by</span> Carol Counsel"), "{retention}");
    // Uncommitted edits are marked.
    assert!(t.main_of("").contains("Not yet committed"));
    assert!(!t.main_of("policies/retention/").contains("Not yet committed"));
}

#[test]
fn redline_marks_exactly_the_changed_words_and_ignores_rewrapping() {
    let t = scripted();
    t.build_ok();
    let shorten = hash_of(&t, "Shorten notice period");
    let main = t.main_of(&format!("policies/retention/history/{shorten}/"));
    assert!(main.contains("<p class=\"rl-changed\" id=\"change-1\">"), "{main}");
    assert!(
        main.contains(
            "The Supplier <del>shall</del><ins>must</ins> notify the Company within <del>30</del><ins>10 business</ins> days.</p>"
        ),
        "{main}"
    );
    let body = crate::harness::between(&main, "<div class=\"content redline\">", "</div>").unwrap();
    assert_eq!(body.matches("<ins>").count(), 2, "{body}");
    assert_eq!(body.matches("<del>").count(), 2, "{body}");
    assert!(
        main.contains("3 words added") && main.contains("2 words deleted"),
        "{main}"
    );

    let reapprove = hash_of(&t, "Re-approve retention policy");
    let main = t.main_of(&format!("policies/retention/history/{reapprove}/"));
    let body = crate::harness::between(&main, "<div class=\"content redline\">", "</div>").unwrap();
    assert!(!body.contains("<ins>") && !body.contains("<del>"), "{body}");
    assert!(
        body.contains("<p>This policy applies to all records held by the Company.</p>"),
        "{body}"
    );
    assert!(
        main.contains("<th scope=\"row\">Approver</th><td><del>general-counsel</del></td><td><ins>ceo</ins></td>"),
        "{main}"
    );
    assert!(
        main.contains("<th scope=\"row\">Effective</th><td><del>2026-01-01</del></td><td><ins>2026-07-01</ins></td>")
    );

    // Between two published versions.
    let pair = t.main_of("policies/retention/history/handbook-1..handbook-3/");
    assert!(pair.contains("<del>shall</del><ins>must</ins>"), "{pair}");
    assert!(pair.contains("Re-approve retention policy"), "{pair}");
}

#[test]
fn what_changed_feed_and_report_list_only_published_pages() {
    let t = scripted();
    t.build_ok();
    let changes = text_of(&t.main_of("changes/handbook-2/"));
    assert!(
        changes.contains("Changed (1) Records retention · Redline 10 February 2026 Shorten notice period (Bob Ops)"),
        "{changes}"
    );
    assert!(changes.contains("Added (1) New guide"), "{changes}");
    assert!(changes.contains("Removed (1) Old guide"), "{changes}");
    assert!(!changes.contains("Secret"), "{changes}");
    assert!(text_of(&t.main_of("changes/")).contains("handbook-1 10 January 2026 First published version"));

    let feed = t.output("policies.atom");
    let doc = roxmltree::Document::parse(&feed).expect("the feed is XML");
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title")).and_then(|c| c.text()))
        .collect();
    assert_eq!(
        titles,
        [
            "Privacy: Update privacy policy",
            "Records retention: Re-approve retention policy",
            "Privacy: Move privacy policy into its folder (#12)",
            "Records retention: Shorten notice period",
            "Privacy, Records retention: Add first policies",
        ]
    );
    assert!(feed.contains("<updated>2026-08-01T10:00:00Z</updated>"));

    let report = t.main_of("reports/2026-q1/");
    let section = text_of(crate::harness::between(&report, "id=\"policies-changed\"", "</section>").unwrap());
    assert!(
        section.contains("Records retention 10 February 2026 Shorten notice period Bob Ops Reviewed by Carol Counsel"),
        "{section}"
    );
    assert!(
        section.contains("Privacy 1 March 2026 Move privacy policy into its folder (#12) Alice Law #12"),
        "{section}"
    );
    assert!(!section.contains("Update privacy policy"), "{section}");

    // The legal-only policy leaves no trace in this (internal) build.
    for f in t.files("public") {
        assert!(!f.contains("secret"), "{f}");
    }
    assert!(!feed.contains("Secret"));
    assert!(!t.output("versions.json").contains("secret"));
    for map in t.files("public/versions") {
        assert!(!t.output(&format!("versions/{map}")).contains("secret"), "{map}");
    }
}

#[test]
fn a_folder_without_git_builds_with_one_notice() {
    let t = SiteTest::with_files(&[("content/policies/x.md", "---\ntitle: X\n---\nText.\n")]);
    let run = t.build_ok();
    assert_eq!(run.stderr.matches("note:").count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("note: `content` is not in a git repository"),
        "{}",
        run.stderr
    );
    assert!(!t.main_of("policies/x/").contains("page-history"));
    assert!(!t.path("public/versions.json").exists());
    // Quiet builds stay quiet; checks do not mention it.
    assert!(!t.build(&["--quiet"]).stderr.contains("note:"));
}

#[test]
fn a_shallow_clone_builds_and_says_its_history_is_truncated() {
    let origin = scripted();
    let clone = SiteTest::new();
    let url = format!("file://{}", origin.root().display());
    git_in(clone.root(), None, &["clone", "-q", "--depth", "1", &url, "site"]);
    let site = clone.path("site");
    let out = clone
        .command(&["build", "--today", crate::harness::TODAY, "--root", "site"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.matches("note: this is a shallow clone").count(), 1, "{stderr}");
    assert!(stderr.contains("fetch-depth: 0"), "{stderr}");
    let page = main_of(&std::fs::read_to_string(site.join("public/policies/retention/index.html")).unwrap());
    assert!(page.contains("Earlier changes are missing"), "{page}");
}

#[test]
fn a_tag_that_does_not_build_is_reported_and_latest_still_publishes() {
    let t = SiteTest::with_files(&[
        ("casebook.yaml", "versions:\n  tags: \"v*\"\n"),
        (
            "content/policies/x.md",
            "---\ntitle: X\nowner: nobody-here\n---\nOld.\n",
        ),
    ]);
    git(&t, &["init", "-q"]);
    commit(&t, "alice", "2026-01-10T10:00:00Z", "Broken owner");
    git(&t, &["tag", "v1"]);
    t.create("content/policies/x.md", "---\ntitle: X\n---\nNew.\n");
    commit(&t, "bob", "2026-02-10T10:00:00Z", "Fix owner");
    let run = t.build_ok();
    assert!(
        run.stderr
            .contains("warning: version `v1` is left out: unknown role `nobody-here`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/policies/x.md"), "{}", run.stderr);
    assert!(t.main_of("policies/x/").contains("New."));
    assert!(!t.path("public/v/v1").exists());
    t.build(&["--strict"]).assert_code(1);
}

#[test]
fn commit_dates_are_shown_in_the_configured_time_zone() {
    let t = SiteTest::with_files(&[
        ("casebook.yaml", "title: Zones\ntimezone: Pacific/Auckland\n"),
        ("content/_index.md", "# Home\n"),
        ("content/p.md", "---\ntitle: P\n---\nText.\n"),
    ]);
    git(&t, &["init", "-q"]);
    // 20:00 UTC on 30 June is already 1 July in Auckland (UTC+12).
    commit(&t, "alice", "2026-06-30T20:00:00Z", "Add policy");
    t.build_ok();
    let page = t.main_of("p/");
    assert!(
        page.contains("Last updated <time datetime=\"2026-07-01\">1 July 2026</time>"),
        "{page}"
    );
    t.create("casebook.yaml", "title: Zones\ntimezone: Pacific/Aukland\n");
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: unknown time zone `Pacific/Aukland`",
        "casebook.yaml:2:11",
        "timezone: Pacific/Aukland",
        "did you mean `Pacific/Auckland`?",
    );
}
