//! Date-named tags made years before the repository had a `casebook.yaml`:
//! they are built with the working tree's configuration, a tag that has
//! nothing to publish is left out with a warning, and what changed between
//! versions is what `git diff` says.

use std::collections::BTreeSet;

use super::git::{commit, commit_and_tag, diff, init, pages_at, url_of};
use crate::harness::{SiteTest, attributes, between};

const CONFIG: &str =
    "title: Acme Policies\ncontent_dir: Policies\nkinds: {Policies: policy}\nversions:\n  tags: \"20*\"\n";

/// Tags `2016-03-01` (no `Policies/`), `2016-06-01` (`Policies/` without a
/// page), `2017-08-07` and `2018-01-15` (pages, no config), `2019-06-01`
/// (its own config); then the working tree's config and one more edit.
fn policy_repo() -> SiteTest {
    let t = SiteTest::with_files(&[("README.md", "# Acme policies\n\nSee the folders.\n")]);
    init(&t);
    commit_and_tag(&t, "2016-03-01", "Start the policy repository");
    t.create("Policies/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
    commit_and_tag(&t, "2016-06-01", "Add the logo");
    t.create(
        "Policies/privacy/gdpr.md",
        "---\ntitle: GDPR\n---\nWe process personal data lawfully.\n",
    );
    t.create(
        "Policies/privacy/retention.md",
        "# Records retention\n\nKeep records for six years.\n",
    );
    t.create(
        "Policies/security/access.md",
        "---\ntitle: Access control\n---\nLeast privilege.\n",
    );
    t.create("Policies/security/laptops.md", "# Laptops\n\nEncrypt every disk.\n");
    commit_and_tag(&t, "2017-08-07", "Publish the first policies");
    t.create(
        "Policies/privacy/gdpr.md",
        "---\ntitle: GDPR\n---\nWe process personal data lawfully and fairly.\n",
    );
    std::fs::remove_file(t.path("Policies/security/access.md")).unwrap();
    t.create(
        "Policies/security/passwords.md",
        "# Passwords\n\nUse a password manager.\n",
    );
    t.create(
        "Policies/hr/leave.md",
        "---\ntitle: Leave\n---\nTwenty-five days a year.\n",
    );
    commit_and_tag(&t, "2018-01-15", "Passwords and leave");
    t.create("casebook.yaml", CONFIG.replace("Acme Policies", "Acme policies 2019"));
    t.create("Policies/hr/leave.md", "---\ntitle: Leave\n---\nThirty days a year.\n");
    commit_and_tag(&t, "2019-06-01", "Configure casebook; more leave");
    t.create("casebook.yaml", CONFIG);
    t.create(
        "Policies/privacy/retention.md",
        "# Records retention\n\nKeep records for seven years.\n",
    );
    commit(&t, "2020-02-02", "Longer retention");
    t
}

/// Every folder of `v/<tag>/` (or the root) that holds an `index.html`.
fn page_urls(t: &SiteTest, prefix: &str) -> BTreeSet<String> {
    t.files(&format!("public/{prefix}"))
        .into_iter()
        .filter_map(|f| f.strip_suffix("index.html").map(str::to_string))
        .filter(|u| !u.starts_with("v/") && !u.starts_with("changes/") && !u.contains("/history/"))
        .collect()
}

/// The URLs a version of `pages` (content-relative) publishes: its pages,
/// a section per folder, the home page, the register and the search page.
fn expected_urls(pages: &[String]) -> BTreeSet<String> {
    let mut urls: BTreeSet<String> = pages.iter().map(|p| url_of(p)).collect();
    for p in pages {
        let mut dir = p.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            urls.insert(format!("{parent}/"));
            dir = parent;
        }
    }
    urls.extend(["".to_string(), "register/".to_string(), "search/".to_string()]);
    urls
}

#[test]
fn tags_made_before_casebook_yaml_hold_their_pages() {
    let t = policy_repo();
    let note = "note: versions `2017-08-07`, `2018-01-15` have no casebook.yaml, so they are read with the working tree's configuration";
    let run = t.build_ok();
    assert!(run.stderr.contains(note), "{}", run.stderr);
    let again = t.build_ok();
    assert!(
        again.stderr.contains("3 published versions unchanged, carried over") && again.stderr.contains(note),
        "carried over, the versions still say so: {}",
        again.stderr
    );
    // A folder that will not link is read from its tag after all: said once, in order.
    let page = t.path("public/v/2018-01-15/index.html");
    std::fs::remove_file(&page).unwrap();
    std::os::unix::fs::symlink(t.path("README.md"), &page).unwrap();
    let third = t.build_ok();
    assert!(
        third.stderr.contains("2 published versions unchanged, carried over")
            && third.stderr.matches("no casebook.yaml").count() == 1
            && third.stderr.contains(note),
        "{}",
        third.stderr
    );
    assert!(!std::fs::symlink_metadata(&page).unwrap().file_type().is_symlink());
    let versions: serde_json::Value = serde_json::from_str(&t.output("versions.json")).unwrap();
    let names: Vec<&str> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["latest", "2019-06-01", "2018-01-15", "2017-08-07"]);
    for tag in ["2017-08-07", "2018-01-15", "2019-06-01"] {
        let pages = pages_at(&t, tag, "Policies");
        assert!(pages.len() >= 4, "{tag}: {pages:?}");
        assert_eq!(
            page_urls(&t, &format!("v/{tag}/")),
            expected_urls(&pages),
            "the pages of version {tag} are its tree's"
        );
    }
    // A tag without a config takes the working tree's; one with its own keeps it.
    let title = |url: &str| between(&t.output(url), "<title>", "</title>").unwrap().to_string();
    assert_eq!(title("v/2018-01-15/hr/leave/index.html"), "Leave · Acme Policies");
    assert_eq!(title("v/2019-06-01/hr/leave/index.html"), "Leave · Acme policies 2019");
    assert!(
        t.output("v/2018-01-15/hr/leave/index.html")
            .contains("Twenty-five days")
    );
    assert!(
        t.output("v/2018-01-15/register/index.html").contains("Passwords"),
        "`kinds` of the working tree applies to the old tag"
    );
}

#[test]
fn a_tag_with_nothing_to_publish_is_a_warning_and_left_out() {
    let t = policy_repo();
    let run = t.build_ok();
    let missing = run.diagnostic("warning: version `2016-03-01` is left out: it has no content folder `Policies`");
    assert!(
        missing.contains("looked for `Policies/` in the tag's tree"),
        "{missing}"
    );
    assert!(missing.contains("narrow `versions.tags`"), "{missing}");
    run.diagnostic("warning: version `2016-06-01` is left out: its content folder `Policies` has no page");
    for tag in ["2016-03-01", "2016-06-01"] {
        assert!(!t.path(&format!("public/v/{tag}")).exists(), "{tag} is not published");
        assert!(
            !t.path(&format!("public/changes/{tag}")).exists(),
            "{tag} has no what-changed page"
        );
        assert!(!t.output("versions.json").contains(tag));
    }
    // So the oldest published version is the first, not "every page added".
    let first = t.main_of("changes/2017-08-07/");
    assert!(first.contains("The first published version: 4 pages."), "{first}");
    assert!(!first.contains("id=\"added\""), "{first}");
}

/// The page URLs a section of a what-changed page lists, from `root`.
fn listed(main: &str, section: &str, prefix: &str) -> BTreeSet<String> {
    let block = between(main, &format!("<h2 id=\"{section}\">"), "</section>").unwrap_or_default();
    attributes(block, "href")
        .into_iter()
        .filter(|h| !h.contains("/history/"))
        .map(|h| {
            let from_root = h.strip_prefix("../../").expect("links go from the root");
            from_root.strip_prefix(prefix).unwrap_or(from_root).to_string()
        })
        .collect()
}

#[test]
fn what_changed_between_versions_is_what_git_diff_says() {
    let t = policy_repo();
    t.build_ok();
    let published = [
        ("2017-08-07", "v/2017-08-07/"),
        ("2018-01-15", "v/2018-01-15/"),
        ("2019-06-01", "v/2019-06-01/"),
        ("HEAD", ""),
    ];
    for pair in published.windows(2) {
        let ((from, old_prefix), (to, new_prefix)) = (pair[0], pair[1]);
        let slug = if to == "HEAD" { "latest" } else { to };
        let main = t.main_of(&format!("changes/{slug}/"));
        let mut want = [BTreeSet::new(), BTreeSet::new(), BTreeSet::new()];
        for (status, rel) in diff(&t, from, to, "Policies") {
            let k = match status {
                'A' => 0,
                'M' => 1,
                'D' => 2,
                other => panic!("unexpected status {other} for {rel}"),
            };
            want[k].insert(url_of(&rel));
        }
        assert_eq!(listed(&main, "added", new_prefix), want[0], "added in {slug}:\n{main}");
        assert_eq!(
            listed(&main, "changed", new_prefix),
            want[1],
            "changed in {slug}:\n{main}"
        );
        assert_eq!(
            listed(&main, "removed", old_prefix),
            want[2],
            "removed in {slug}:\n{main}"
        );
        assert!(
            want.iter().any(|w| !w.is_empty()),
            "the fixture changes something between {from} and {to}"
        );
    }
    // The working tree's own edit shows; the untouched pages do not.
    let latest = t.main_of("changes/latest/");
    assert!(
        listed(&latest, "changed", "").contains("privacy/retention/"),
        "{latest}"
    );
}
