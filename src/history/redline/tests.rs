//! Whole redlines: structure, counts, change ids, folding, determinism.

use super::*;

fn body(old: &str, new: &str) -> Redline {
    compare_bodies(old, new, &LIMITS, [(false, false); 2])
}

/// The `id="change-N"` values of `html`, in order.
fn ids(html: &str) -> Vec<usize> {
    html.split("id=\"change-")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
        .collect()
}

#[test]
fn rewrapped_paragraph_is_no_change() {
    let r = body(
        "Records are kept for seven years\nafter the matter closes.\n",
        "Records are kept for\nseven years after the   matter closes.\n",
    );
    assert!(!r.has_changes(), "{r:?}");
    assert!(!r.html.contains("<ins>") && !r.html.contains("<del>"), "{}", r.html);
}

#[test]
fn reordered_list_items_are_one_move() {
    let r = body("- alpha\n- beta\n- gamma\n", "- gamma\n- alpha\n- beta\n");
    assert_eq!((r.words_added, r.words_removed, r.blocks_moved), (0, 0, 1));
    assert!(
        r.html.contains("<li class=\"rl-moved-to\" id=\"change-1\">"),
        "{}",
        r.html
    );
}

#[test]
fn added_table_row_keeps_the_table_and_takes_the_links_in_its_first_cell() {
    let r = body(
        "| Role | Limit |\n|---|---|\n| GC | 1M |\n| CFO | 5M |\n",
        "| Role | Limit |\n|---|---|\n| GC | 1M |\n| CEO | 10M |\n| CFO | 5M |\n",
    );
    assert!(
        r.html
            .contains("<tr class=\"rl-added\" id=\"change-1\"><td><span class=\"rl-nav\"><span class=\"rl-nav-n\">"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<ins>CEO</ins></td><td><ins>10M</ins></td></tr>"),
        "{}",
        r.html
    );
    assert_eq!((r.words_added, r.words_removed), (2, 0));
}

#[test]
fn renamed_heading_is_reported_with_its_old_name() {
    let r = body(
        "## Scope\n\nThis applies to all staff.\n\n## Retention periods\n\nSeven years.\n",
        "## Scope\n\nThis applies to all staff.\n\n## Retention schedule\n\nSeven years.\n",
    );
    assert!(
        r.html.contains("<h3 class=\"rl-changed\" id=\"change-1\">"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("Retention <del>periods</del><ins>schedule</ins></h3>"),
        "{}",
        r.html
    );
    assert_eq!(r.sections.len(), 1);
    let s = &r.sections[0];
    assert_eq!(
        (s.title.as_str(), s.was.as_deref(), s.status, s.change),
        ("Retention schedule", Some("Retention periods"), "renamed", 1)
    );
}

#[test]
fn html_comments_and_raw_markup_never_show() {
    let r = body(
        "<!-- markdownlint-disable MD013 -->\n\n# Policy\n\n* <a name=\"court\"></a> With a court order we act.\n",
        "<!-- markdownlint-disable MD013 MD033 -->\n\n# Policy\n\n* <a name=\"court\"></a> With a court order we must act.\n",
    );
    assert!(
        !r.html.contains("markdownlint") && !r.html.contains("&lt;"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("With a court order we <ins>must</ins> act."),
        "{}",
        r.html
    );
    assert_eq!((r.words_added, r.words_removed, r.changes), (1, 0, 1));
}

#[test]
fn footnotes_show_numbers_and_renumbering_is_no_change() {
    let old = "Data[^gdpr] is kept.\n\n[^gdpr]: Regulation (EU) 2016/679.\n";
    let new = "Staff[^hr] data[^gdpr] is kept.\n\n[^hr]: The HR policy.\n[^gdpr]: Regulation (EU) 2016/679.\n";
    let r = body(old, new);
    assert!(
        !r.html.contains("[gdpr]") && !r.html.contains("data-label"),
        "{}",
        r.html
    );
    // The GDPR note is number 2 now, and its text is unchanged.
    assert!(
        r.html
            .contains("<p><sup class=\"rl-fn\">2</sup> Regulation (EU) 2016/679.</p>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains(
            "<del>Data</del><ins>Staff<sup class=\"rl-fn\">1</sup> data</ins><sup class=\"rl-fn\">2</sup> is kept."
        ),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("<ins><sup class=\"rl-fn\">1</sup> The HR policy.</ins>"),
        "{}",
        r.html
    );
}

#[test]
fn each_change_has_a_sequential_id_and_links_to_its_neighbours() {
    let old = "# A\n\nOne.\n\nTwo.\n\n# B\n\nThree.\n\nFour.\n";
    let new = "# A\n\nOne more.\n\nTwo.\n\n# B\n\nThree.\n\nFour again.\n\nFive.\n";
    let new = new.replace("Five.", "Five.\n\nSix.");
    let r = body(old, &new);
    assert_eq!(r.changes, 3);
    assert_eq!(ids(&r.html), vec![1, 2, 3]);
    // Each edited block is a change; the added "Five" and "Six" are one.
    assert!(
        r.html.contains("<p class=\"rl-changed\" id=\"change-2\">"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<p class=\"rl-added\" id=\"change-3\">"), "{}", r.html);
    assert!(
        r.html
            .contains("<p class=\"rl-added\"><span class=\"rl-mark\">Added</span> <ins>Six.</ins>"),
        "{}",
        r.html
    );
    for n in 1..=2 {
        assert_eq!(
            r.html
                .matches(&format!("href=\"#change-{}\" rel=\"next\"", n + 1))
                .count(),
            1
        );
        assert_eq!(r.html.matches(&format!("href=\"#change-{n}\" rel=\"prev\"")).count(), 1);
    }
    assert!(
        !r.html.contains("#change-0") && !r.html.contains("#change-4"),
        "{}",
        r.html
    );
    let titles: Vec<(&str, usize, usize, usize, usize)> = r
        .sections
        .iter()
        .map(|s| (s.title.as_str(), s.change, s.changes, s.words_added, s.words_removed))
        .collect();
    assert_eq!(titles, vec![("A", 1, 1, 1, 0), ("B", 2, 2, 3, 0)]);
}

#[test]
fn a_changed_heading_starts_a_change_of_its_own() {
    let r = body(
        "Intro.\n\n## Old name\n\nBody.\n",
        "Intro changed.\n\n## New name\n\nBody.\n",
    );
    assert_eq!(r.changes, 2);
    let s: Vec<(&str, usize)> = r.sections.iter().map(|s| (s.title.as_str(), s.change)).collect();
    assert_eq!(s, vec![("Opening text", 1), ("New name", 2)]);
}

#[test]
fn changes_only_view_folds_long_unchanged_stretches_and_keeps_headings() {
    let mut old = String::from("# Title\n\n");
    for i in 0..10 {
        old.push_str(&format!("Paragraph number {i} stays.\n\n"));
    }
    old.push_str("- item one\n- item two\n- item three\n\nLast words.\n");
    let new = old.replace("Paragraph number 5 stays.", "Paragraph number 5 changed.");
    let r = body(&old, &new);
    assert!(r.foldable);
    // Title kept as context; 0–3 folded; 4, 5, 6 shown; 7–9, the list and the end folded.
    assert!(
        r.html
            .starts_with("<h2>Title</h2>\n<p class=\"rl-gap\">⋯ 4 paragraphs unchanged</p>\n"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<p>Paragraph number 4 stays.</p>"), "{}", r.html);
    assert!(r.html.contains("<p>Paragraph number 6 stays.</p>"), "{}", r.html);
    assert!(
        r.html.contains("<p class=\"rl-fold\">Paragraph number 3 stays.</p>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains(
            "<p class=\"rl-gap\">⋯ 4 paragraphs and 3 list items unchanged</p>\n<p class=\"rl-fold\">Paragraph number 7"
        ),
        "{}",
        r.html
    );
    // The list is folded whole, so the list element itself is hidden.
    assert!(
        r.html.contains("<ul class=\"rl-list rl-depth-1 rl-fold\">"),
        "{}",
        r.html
    );
    assert_eq!(r.html.matches("rl-gap").count(), 2);
}

#[test]
fn a_folded_stretch_inside_a_table_is_marked_by_a_row() {
    let mut old = String::from("| Role | Limit |\n|---|---|\n");
    for i in 0..6 {
        old.push_str(&format!("| R{i} | {i}M |\n"));
    }
    let new = old.replace("| R0 | 0M |", "| R0 | 9M |");
    let r = body(&old, &new);
    assert!(
        r.html.contains(
            "<tr class=\"rl-gap\"><td colspan=\"2\">⋯ 4 table rows unchanged</td></tr>\n<tr class=\"rl-fold\">"
        ),
        "{}",
        r.html
    );
}

#[test]
fn ordered_items_show_the_new_numbers() {
    let r = body("1. first\n2. second\n3. third\n", "1. first\n2. third\n");
    assert!(r.html.contains("<li value=\"1\">first</li>"), "{}", r.html);
    assert!(
        r.html.contains("<li class=\"rl-removed\" id=\"change-1\">"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<li value=\"2\">third</li>"), "{}", r.html);
}

#[test]
fn with_only_front_matter_changed_nothing_folds() {
    let mut text = String::from("---\ntitle: X\neffective: 2026-01-01\n---\n");
    for i in 0..6 {
        text.push_str(&format!("Paragraph {i}.\n\n"));
    }
    let r = compare(&text, &text.replace("2026-01-01", "2026-07-01"));
    assert!(r.has_changes() && r.changes == 0 && !r.foldable, "{r:?}");
    assert!(!r.html.contains("rl-fold") && !r.html.contains("rl-gap"), "{}", r.html);
}

#[test]
fn front_matter_changes_are_listed() {
    let r = compare(
        "---\ntitle: X\neffective: 2026-01-01\napprover: general-counsel\n---\nBody.\n",
        "---\ntitle: X\neffective: 2026-07-01\napprover: ceo\n---\nBody.\n",
    );
    let f: Vec<(&str, Option<&str>, Option<&str>)> = r
        .front
        .iter()
        .map(|c| (c.label.as_str(), c.old.as_deref(), c.new.as_deref()))
        .collect();
    assert_eq!(
        f,
        vec![
            ("Approver", Some("general-counsel"), Some("ceo")),
            ("Effective", Some("2026-01-01"), Some("2026-07-01")),
        ]
    );
    assert!(r.has_changes());
}

#[test]
fn odd_input_does_not_panic() {
    for (a, b) in [
        ("", ""),
        ("---\n", "---\nx: [\n---\n"),
        ("<div>\n<b>raw</b>\n</div>\n", "<div>\n<i>raw</i>\n</div>\n"),
        ("a &amp b &#x; &", "a & b"),
        ("```\ncode <x>\n```\n", "```\ncode <y>\n```\n"),
        ("[^1]: note\n\nText[^1]", "Text"),
        ("- a\n\n  <div>x</div>\n- b\n", "> - <script>\n"),
    ] {
        let _ = compare(a, b);
        let _ = compare(b, a);
    }
}

/// A policy of `sections` sections of `paragraphs` paragraphs, worded by `seed`.
fn policy(sections: usize, paragraphs: usize, seed: u64) -> String {
    let words = [
        "supplier",
        "company",
        "shall",
        "notify",
        "records",
        "retention",
        "within",
        "days",
        "notice",
        "party",
        "agreement",
        "data",
        "personal",
        "processing",
        "lawful",
        "basis",
        "consent",
        "term",
        "termination",
        "liability",
    ];
    let mut x = seed;
    let mut next = move || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 33) as usize
    };
    let mut out = String::new();
    for s in 0..sections {
        out.push_str(&format!("## Section {s}\n\n"));
        for _ in 0..paragraphs {
            let n = 15 + next() % 20;
            let para: Vec<&str> = (0..n).map(|_| words[next() % words.len()]).collect();
            out.push_str(&para.join(" "));
            out.push_str(".\n\n");
        }
    }
    out
}

#[test]
fn a_rewrite_under_cpu_load_gives_the_same_bytes_every_time() {
    // About 12,000 words, rewritten entirely: the largest work a redline does.
    let (old, new) = (policy(40, 15, 1), policy(40, 15, 2));
    let expected = body(&old, &new);
    assert!(
        expected.words_added > 10_000 && expected.words_removed > 10_000,
        "{expected:?}"
    );
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let burners: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
                }
            })
        })
        .collect();
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let (old, new) = (old.clone(), new.clone());
            std::thread::spawn(move || body(&old, &new))
        })
        .collect();
    let results: Vec<Redline> = runs.into_iter().map(|h| h.join().unwrap()).collect();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    burners.into_iter().for_each(|b| b.join().unwrap());
    for r in results {
        assert!(r.html == expected.html, "the redline differs under load");
        assert_eq!(
            (r.words_added, r.words_removed, r.changes, r.sections.len()),
            (
                expected.words_added,
                expected.words_removed,
                expected.changes,
                expected.sections.len()
            )
        );
    }
}

#[test]
fn limits_coarsen_a_redline_but_never_lose_a_word() {
    let old = policy(5, 4, 7);
    let mut new = old.replacen("supplier", "vendor", 3);
    new.push_str("A closing paragraph on governing law.\n");
    let exact = body(&old, &new);
    let tight = compare_bodies(
        &old,
        &new,
        &Limits {
            blocks: 0,
            pairs: 0,
            words: 0,
        },
        [(false, false); 2],
    );
    assert_eq!((exact.words_added, exact.words_removed), (3 + 6, 3));
    // Coarser marking may count more, never fewer, and shows every new word.
    assert!(tight.words_added >= exact.words_added && tight.words_removed >= exact.words_removed);
    assert!(
        tight.html.contains("<ins>A closing paragraph on governing law.</ins>"),
        "{}",
        tight.html
    );
    assert!(tight.has_changes());
}
