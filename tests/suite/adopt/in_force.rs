//! The text in force beside a policy whose current text takes effect
//! later: read from git, shown only when the build's audience could see
//! that revision, and listed in the register next to the scheduled text.

use super::git::{commit, git, init};
use crate::harness::{SiteTest, attributes, between, text_of};

fn revision(effective: &str, extra: &str, body: &str) -> String {
    format!("---\ntitle: Records retention\neffective: {effective}\nreview_every: 24 months\n{extra}---\n{body}")
}

const V1: &str =
    "## Scope\n\nKeep records for six years. See [gifts](gifts.md).\n\n{{ policy_list(status=\"effective\") }}\n";
const V2: &str = "## Scope\n\nKeep records for seven years.\n";

/// v1 in force since last year, a draft revision that never took effect,
/// then v2, effective next month (the build day is 2026-11-27).
fn scheduled(v1_extra: &str) -> (SiteTest, String) {
    let t = SiteTest::with_files(&[
        (
            "casebook.yaml",
            "title: Acme\nrepo_url: https://git.example/legal/policies\n",
        ),
        ("content/policies/retention.md", &revision("2025-06-01", v1_extra, V1)),
        (
            "content/policies/gifts.md",
            "---\ntitle: Gifts\neffective: 2025-01-01\n---\nNone over 50 EUR.\n",
        ),
    ]);
    init(&t);
    let v1 = commit(&t, "2025-05-20", "Retention: six years");
    t.create(
        "content/policies/retention.md",
        revision(
            "2025-09-01",
            "status: draft\n",
            "## Scope\n\nKeep records for ten years.\n",
        ),
    );
    commit(&t, "2025-08-01", "Draft: ten years");
    t.create("content/policies/retention.md", revision("2026-12-15", "", V2));
    commit(&t, "2026-11-01", "Retention: seven years from December");
    (t, v1)
}

#[test]
fn a_scheduled_policy_shows_the_text_in_force_from_git() {
    let (t, v1) = scheduled("");
    t.build_ok();
    let page = t.main_of("policies/retention/");
    let banner = between(&page, "<strong>Not yet in effect.</strong>", "</div>").unwrap();
    let short = between(banner, "<code>", "</code>").expect("the commit is named");
    assert!(v1.starts_with(short), "{short} is v1 ({v1}), not the draft");
    assert_eq!(
        text_of(banner),
        format!(
            "This policy takes effect on 15 December 2026 . Until then, the text in force is the one effective 1 June 2025 , committed 20 May 2025 in {short} . Read the text in force ."
        )
    );
    assert!(attributes(banner, "href").contains(&format!("https://git.example/legal/policies/commit/{v1}")));
    assert!(page.contains("seven years") && !page.contains("six years"), "{page}");

    let old = t.main_of("policies/retention/in-force/");
    assert!(old.contains("Keep records for six years."), "{old}");
    assert!(!old.contains("seven") && !old.contains("ten years"), "{old}");
    assert!(text_of(&old).contains("In force until 15 December 2026 ."), "{old}");
    assert!(
        old.contains("The component <code>policy_list</code> is shown only in the current text."),
        "components are not run in the earlier text:\n{old}"
    );
    // The earlier text's links work from its own page.
    let gifts = attributes(&old, "href")
        .into_iter()
        .find(|h| h.ends_with("gifts/"))
        .expect("a link to gifts");
    assert_eq!(gifts, "../../../policies/gifts/");
    assert!(
        t.path("public/policies/retention/in-force")
            .join(&gifts)
            .join("index.html")
            .is_file()
    );
}

#[test]
fn the_register_lists_the_scheduled_text_and_the_text_in_force() {
    let (t, _) = scheduled("");
    t.build_ok();
    let register = t.main_of("register/");
    let rows: Vec<String> = register
        .split("<tr class=\"")
        .skip(1)
        .filter(|r| r.contains("Records retention"))
        .map(|row| text_of(&format!("<tr class=\"{row}")))
        .collect();
    assert_eq!(
        rows,
        [
            "Records retention Scheduled 15 December 2026 15 December 2028",
            "Records retention text in force until 15 December 2026 Effective 1 June 2025 1 June 2027",
        ]
    );
    assert!(
        register.contains("2 policies; 1 of them not yet in effect"),
        "{register}"
    );
    assert!(attributes(&register, "href").contains(&"../policies/retention/in-force/".to_string()));
}

#[test]
fn a_text_in_force_for_another_audience_is_not_shown() {
    let (t, _) = scheduled("audience: board\n");
    t.build_ok();
    let page = t.main_of("policies/retention/");
    assert!(
        text_of(&page).contains("The text in force until then is not available in this edition of the site."),
        "{page}"
    );
    assert!(!page.contains("six years") && !page.contains("1 June 2025"), "{page}");
    assert!(!t.path("public/policies/retention/in-force").exists());
    let register = t.main_of("register/");
    assert!(
        !register.contains("row-in-force") && !register.contains("1 June 2025"),
        "{register}"
    );

    // The board sees what was committed for it.
    t.build(&["--audience", "board", "--out", "board"]).assert_code(0);
    let old = crate::harness::main_of(&t.read("board/policies/retention/in-force/index.html"));
    assert!(old.contains("Keep records for six years."), "{old}");
}

#[test]
fn without_history_or_an_earlier_text_the_page_says_so() {
    let t = SiteTest::with_files(&[("content/policies/retention.md", &revision("2026-12-15", "", V2))]);
    t.build_ok();
    let page = text_of(&t.main_of("policies/retention/"));
    assert!(
        page.contains("The text in force until then is not available in this edition of the site."),
        "no git: {page}"
    );

    init(&t);
    commit(&t, "2026-11-01", "A new policy, from December");
    t.build_ok();
    let page = text_of(&t.main_of("policies/retention/"));
    assert!(
        page.contains("No earlier text of this policy is in force."),
        "a new policy: {page}"
    );
    assert!(!t.path("public/policies/retention/in-force").exists());
    assert_eq!(git(&t, &["rev-list", "--count", "HEAD"]).trim(), "1");
}

#[test]
fn a_policy_in_effect_has_no_text_in_force_panel() {
    let (t, _) = scheduled("");
    t.run(&["build", "--today", "2026-12-15"]).assert_code(0);
    let page = t.main_of("policies/retention/");
    assert!(
        !page.contains("Not yet in effect") && !page.contains("in-force/"),
        "{page}"
    );
    assert!(!t.path("public/policies/retention/in-force").exists());
}

#[test]
fn an_undated_revision_is_in_force_and_a_retired_one_means_nothing_is() {
    // Adopted policies often have no dates until someone schedules a new text.
    let t = SiteTest::with_files(&[(
        "content/policies/retention.md",
        "---\ntitle: Records retention\n---\nKeep records for six years.\n",
    )]);
    init(&t);
    let v1 = commit(&t, "2024-02-02", "Imported");
    t.create("content/policies/retention.md", revision("2026-12-15", "", V2));
    commit(&t, "2026-11-01", "Seven years from December");
    t.build_ok();
    let main = t.main_of("policies/retention/");
    let short = between(&main, "<code>", "</code>").expect("the commit is named");
    assert!(v1.starts_with(short), "{short} is {v1}");
    let page = text_of(&main);
    assert!(
        page.contains(&format!(
            "Until then, the text in force is the one committed 2 February 2024 in {short} , which states no effective date."
        )),
        "{page}"
    );
    assert!(t.main_of("policies/retention/in-force/").contains("six years"));

    t.create(
        "content/policies/retention.md",
        revision("2025-01-01", "status: retired\n", "Withdrawn.\n"),
    );
    commit(&t, "2026-11-02", "Withdraw it for now");
    t.create("content/policies/retention.md", revision("2026-12-15", "", V2));
    commit(&t, "2026-11-03", "Reinstate it from December");
    t.build_ok();
    let page = text_of(&t.main_of("policies/retention/"));
    assert!(page.contains("No earlier text of this policy is in force."), "{page}");
    assert!(!t.path("public/policies/retention/in-force").exists());
}
