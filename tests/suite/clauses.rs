//! Numbered clauses and cross-references: numbers in the page, its table
//! of contents and print, cross-references that show the number and follow
//! a renumbering, and a redline across a renumbering, checked against git.

use std::collections::BTreeSet;

use crate::harness::{SiteTest, between, text_of};
use crate::redline::{changed_lines, commit, git};
use crate::terms::{PAYMENTS, site};

#[test]
fn numbered_pages_number_their_headings_in_the_page_and_its_contents() {
    let t = site();
    t.build_ok();
    let main = t.main_of("policies/payments/");
    for (id, number, text) in [
        ("definitions", "1", "Definitions"),
        ("payment-terms", "2", "Payment terms"),
        ("late-payment", "2.1", "Late payment"),
        ("questions", "3", "Invoice questions"),
    ] {
        assert!(
            main.contains(&format!(
                "id=\"{id}\"><span class=\"clause-number\">{number}</span> {text}<a class=\"anchor\""
            )),
            "heading {number} {text} in {main}"
        );
        assert!(
            main.contains(&format!(
                "<a href=\"#{id}\"><span class=\"toc-number\">{number}</span> {text}</a>"
            )),
            "contents entry {number} {text}"
        );
    }
    // A page of a kind not numbered has plain headings.
    let plain = SiteTest::with_files(&[(
        "content/handbook/guide.md",
        "---\ntitle: Guide\n---\n## First\n\nText.\n",
    )]);
    plain.build_ok();
    assert!(plain.main_of("handbook/guide/").contains("<h2 id=\"first\">First<a"));
}

#[test]
fn front_matter_and_unnumbered_headings_override_the_config() {
    let t = SiteTest::with_files(&[
        ("casebook.yaml", "numbered: [policies]\nclause_word: section\n"),
        (
            "content/handbook/guide.md",
            "---\ntitle: Guide\nnumbered: true\n---\n## Scope\n\n## Notes {.unnumbered}\n\n### Aside\n\n## Rules\n\nSee [](#rules) and [](#notes).\n",
        ),
        (
            "content/policies/plain.md",
            "---\ntitle: Plain\nnumbered: false\n---\n## Scope\n\nText.\n",
        ),
    ]);
    t.build_ok();
    let guide = t.main_of("handbook/guide/");
    assert!(
        guide.contains("<span class=\"clause-number\">1</span> Scope"),
        "{guide}"
    );
    assert!(guide.contains("<h2 id=\"notes\">Notes<a"), "{guide}");
    assert!(
        guide.contains("<h3 id=\"aside\">Aside<a"),
        "nothing under an unnumbered heading: {guide}"
    );
    assert!(
        guide.contains("<span class=\"clause-number\">2</span> Rules"),
        "{guide}"
    );
    // The word comes from `clause_word:`; a heading without a number shows its text.
    assert!(
        guide.contains("See <a href=\"#rules\">section 2</a> and <a href=\"#notes\">Notes</a>."),
        "{guide}"
    );
    assert!(t.main_of("policies/plain/").contains("<h2 id=\"scope\">Scope<a"));
}

#[test]
fn cross_references_show_the_number_and_the_page() {
    let t = site();
    t.build_ok();
    let main = t.main_of("policies/payments/");
    assert!(
        main.contains("interest is in <a href=\"#late-payment\">clause 2.1</a>."),
        "{main}"
    );
    assert!(
        main.contains(". <a href=\"#late-payment\">Clause 2.1</a> sets the rate"),
        "capitalised: {main}"
    );
    assert!(
        main.contains(
            "Ask under <a href=\"../../policies/signatures/#limits\">clause 1 of the Signature authority policy</a>."
        ),
        "{main}"
    );
}

/// The policy with a new first clause and `Invoice` redefined.
fn renumbered() -> String {
    PAYMENTS
        .replace(
            "## Definitions {#definitions}",
            "## Scope {#scope}\n\nThis policy covers every payment to a supplier.\n\n## Definitions {#definitions}",
        )
        .replace("that a supplier sends", "that a supplier sends in writing")
}

#[test]
fn cross_references_follow_a_renumbering() {
    let t = site();
    t.create("content/policies/payments.md", renumbered());
    t.build_ok();
    let main = t.main_of("policies/payments/");
    assert!(
        main.contains("<span class=\"clause-number\">3.1</span> Late payment"),
        "{main}"
    );
    assert!(
        main.contains("interest is in <a href=\"#late-payment\">clause 3.1</a>."),
        "{main}"
    );
}

/// The headings (`## X`, `### X`) above the lines git's diff of the last
/// commit adds or deletes.
fn git_changed_sections(t: &SiteTest, path: &str) -> BTreeSet<String> {
    let show = |rev: &str| git(t.root(), "2026-01-01T00:00:00Z", &["show", &format!("{rev}:{path}")]);
    let (old, new) = (show("HEAD~1"), show("HEAD"));
    let heading_above = |text: &str, line: usize| {
        let lines: Vec<&str> = text.lines().collect();
        lines[..line.min(lines.len())].iter().rev().find_map(|l| {
            let h = l.trim_start_matches('#');
            (l.starts_with("##") && h.starts_with(' ')).then(|| h.split(" {").next().unwrap().trim().to_string())
        })
    };
    let diff = git(
        t.root(),
        "2026-01-01T00:00:00Z",
        &["diff", "-U0", "HEAD~1", "HEAD", "--", path],
    );
    let (deleted, added) = changed_lines(&diff);
    let old_headings = deleted.into_iter().filter_map(|o| heading_above(&old, o));
    old_headings
        .chain(added.into_iter().filter_map(|n| heading_above(&new, n)))
        .collect()
}

#[test]
fn a_redline_across_a_renumbering_shows_only_the_real_edits() {
    let t = site();
    git(t.root(), "2026-01-10T10:00:00Z", &["init", "-q"]);
    commit(&t, "2026-01-10T10:00:00Z", "Add the payments policy");
    t.create("content/policies/payments.md", renumbered());
    let hash = commit(&t, "2026-02-10T10:00:00Z", "Add a scope clause; invoices in writing");
    t.build_ok();
    let main = t.main_of(&format!("policies/payments/history/{hash}/"));

    // The summary lists the sections git's diff touches, and no clause
    // that only moved down the numbering.
    let list = between(&main, "<ul class=\"rl-sections\">", "</ul>").expect("sections list");
    let listed: BTreeSet<String> = list
        .split("<li")
        .skip(1)
        .map(|li| text_of(between(li, "\">", "</a>").unwrap()))
        .map(|t| {
            t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')
                .to_string()
        })
        .collect();
    let expected = git_changed_sections(&t, "content/policies/payments.md");
    assert_eq!(listed, expected, "summary: {list}");
    assert_eq!(
        expected,
        BTreeSet::from(["Definitions".to_string(), "Scope".to_string()])
    );
    assert!(list.contains("<span class=\"clause-number\">1</span> Scope</a> <span class=\"rl-status rl-status-added\">new section</span>"), "{list}");

    // Renumbered headings read with their new number and the old one, unmarked.
    let body = between(&main, "<div class=\"content redline\">", "<nav class=\"rl-toolbar\"").unwrap();
    for (now, was, text) in [
        ("3", "2", "Payment terms"),
        ("3.1", "2.1", "Late payment"),
        ("4", "3", "Invoice questions"),
    ] {
        let heading = body
            .split("<h")
            .find(|h| {
                h.contains(&format!("{text}<span class=\"rl-renumbered\">"))
                    || h.contains(&format!("{text} <span class=\"rl-renumbered\">"))
            })
            .unwrap_or_else(|| panic!("heading {text} in {body}"));
        assert!(
            heading.contains(&format!("<span class=\"clause-number\">{now}</span>")),
            "{heading}"
        );
        assert!(heading.contains(&format!("(was {was})")), "{heading}");
        assert!(!heading.contains("<ins>") && !heading.contains("<del>"), "{heading}");
    }

    // Cross-references read as on the page, alike in both texts: not an edit.
    assert!(
        body.contains("interest is in clause 3.1. Clause 3.1 sets the rate;"),
        "{body}"
    );
    assert!(
        body.contains("Ask under clause 1 of the Signature authority policy."),
        "{body}"
    );

    // The changed definition is listed with the pages that use the term.
    let defs = between(&main, "<ul class=\"rl-definitions\">", "</ul>").expect("definitions changed");
    assert_eq!(
        text_of(defs),
        "Invoice redefined “Invoice” means a request for payment that a supplier sends. \
         “Invoice” means a request for payment that a supplier sends in writing. \
         Every use changes meaning in: Payments"
    );
}
