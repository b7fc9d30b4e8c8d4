//! Redline pages on a scripted git repository: what a lawyer reads (no
//! linter comments, footnotes and reference links as text, a summary whose
//! counts match `git diff`), the changes-only view, change navigation, and
//! byte-identical output while the machine is busy.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::harness::{SiteTest, between, text_of};

/// Runs git hermetically in `dir`, committing as one author at `date`.
pub fn git(dir: &Path, date: &str, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("TZ", "UTC")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Alice Law")
        .env("GIT_AUTHOR_EMAIL", "alice@example.com")
        .env("GIT_COMMITTER_NAME", "Alice Law")
        .env("GIT_COMMITTER_EMAIL", "alice@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .args(["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn commit(t: &SiteTest, date: &str, message: &str) -> String {
    git(t.root(), date, &["add", "-A"]);
    git(t.root(), date, &["commit", "-q", "-m", message]);
    git(t.root(), date, &["rev-parse", "--short=10", "HEAD"])
        .trim()
        .to_string()
}

const POLICY: &str = "---
title: Records retention
owner: general-counsel
effective: 2026-01-01
---
<!-- markdownlint-disable MD013 -->

## Purpose

The Company keeps records as long as the law requires and no longer.
Keeping records forever breaches the storage limitation principle of the
[GDPR][gdpr].[^gdpr]

## Scope

This policy applies to every employee and contractor.

It covers paper, email, chat and shared drives.

It covers the data of every product platform.

It covers records held by subsidiaries.

## Retention periods

| Record class | Keep for |
| --- | --- |
| Contracts | 10 years |
| Invoices | 7 years |

## Destruction

Devices are wiped by IT before disposal.

Paper is shredded on site.

Backups expire after ninety days.

[gdpr]: https://gdpr.example/article-5
[^gdpr]: Article 5 of the General Data Protection Regulation.
";

/// The prose edits of the second commit; comments, links and notes stay.
const EDITS: &[(&str, &str)] = &[
    (
        "as the law requires and no longer.",
        "as the law or a regulator requires and not one day longer.",
    ),
    (
        "| Invoices | 7 years |\n",
        "| Invoices | 7 years |\n| Candidate files | 6 months |\n",
    ),
    ("wiped by IT before disposal.", "wiped or destroyed by IT."),
    ("Backups expire after ninety days.\n\n", ""),
    (
        "## Retention periods",
        "## Exceptions\n\nThe General Counsel approves every exception in writing.\n\n## Retention periods",
    ),
];

const RETENTION: &str = "content/policies/retention.md";

/// A site whose retention policy has an edited commit and a comment-only commit.
fn scripted() -> (SiteTest, String, String) {
    let t = SiteTest::with_files(&[
        ("casebook.yaml", "title: Acme Legal\n"),
        ("content/_index.md", "---\ntitle: Acme Legal\n---\nWelcome.\n"),
        (
            "content/roles/general-counsel.md",
            "---\ntitle: General Counsel\n---\nThe GC.\n",
        ),
        (RETENTION, POLICY),
    ]);
    git(t.root(), "2026-01-10T10:00:00Z", &["init", "-q"]);
    commit(&t, "2026-01-10T10:00:00Z", "Add the retention policy");
    let mut text = POLICY.to_string();
    for (from, to) in EDITS {
        assert!(text.contains(from), "`{from}` not in the policy");
        text = text.replacen(from, to, 1);
    }
    t.create(RETENTION, &text);
    let edited = commit(&t, "2026-02-10T10:00:00Z", "Tighten the retention policy");
    t.create(RETENTION, text.replace("MD013 -->", "MD013 MD033 -->"));
    let comment = commit(&t, "2026-03-10T10:00:00Z", "Silence another linter rule");
    (t, edited, comment)
}

/// Words (runs of letters and digits) in the `+` and `-` lines of
/// `git diff --word-diff=porcelain` between `HEAD~2` and `HEAD~1`.
fn git_word_counts(t: &SiteTest) -> (usize, usize) {
    let diff = git(
        t.root(),
        "2026-01-01T00:00:00Z",
        &[
            "diff",
            "--word-diff=porcelain",
            "--word-diff-regex=[[:alnum:]]+",
            "HEAD~2",
            "HEAD~1",
            "--",
            RETENTION,
        ],
    );
    let words = |sign: char| -> usize {
        diff.lines()
            .filter(|l| l.starts_with(sign) && !l.starts_with("+++") && !l.starts_with("---"))
            .map(|l| {
                l[1..]
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .count()
            })
            .sum()
    };
    (words('+'), words('-'))
}

/// The headings (`## X`) above every line `git diff -U0` adds or deletes.
fn git_changed_sections(t: &SiteTest) -> BTreeSet<String> {
    let show = |rev: &str| {
        git(
            t.root(),
            "2026-01-01T00:00:00Z",
            &["show", &format!("{rev}:{RETENTION}")],
        )
    };
    let (old, new) = (show("HEAD~2"), show("HEAD~1"));
    let heading_above = |text: &str, line: usize| -> Option<String> {
        let lines: Vec<&str> = text.lines().collect();
        lines[..line.min(lines.len())]
            .iter()
            .rev()
            .find_map(|l| l.strip_prefix("## "))
            .map(str::to_string)
    };
    let diff = git(
        t.root(),
        "2026-01-01T00:00:00Z",
        &["diff", "-U0", "HEAD~2", "HEAD~1", "--", RETENTION],
    );
    let (deleted, added) = changed_lines(&diff);
    let old_headings = deleted.into_iter().filter_map(|o| heading_above(&old, o));
    old_headings
        .chain(added.into_iter().filter_map(|n| heading_above(&new, n)))
        .collect()
}

/// The line numbers of the non-blank lines a `git diff -U0` deletes (in the
/// old text) and adds (in the new), each the count of lines before it.
pub fn changed_lines(diff: &str) -> (Vec<usize>, Vec<usize>) {
    let (mut deleted, mut added) = (Vec::new(), Vec::new());
    let (mut o, mut n) = (0, 0);
    for l in diff.lines() {
        if let Some(h) = l.strip_prefix("@@ -") {
            let num = |s: &str| s.split(',').next().unwrap().parse::<usize>().unwrap();
            let (a, b) = h.split_once(" +").unwrap();
            (o, n) = (num(a), num(b.split(' ').next().unwrap()));
        } else if l.starts_with("+++") || l.starts_with("---") {
        } else if let Some(text) = l.strip_prefix('+') {
            if !text.trim().is_empty() {
                added.push(n);
            }
            n += 1;
        } else if let Some(text) = l.strip_prefix('-') {
            if !text.trim().is_empty() {
                deleted.push(o);
            }
            o += 1;
        }
    }
    (deleted, added)
}

/// The number before `label` in the summary's totals.
fn total(main: &str, label: &str) -> usize {
    let totals = between(main, "<p class=\"rl-totals\">", "</p>").expect("summary totals");
    let text = text_of(totals);
    let at = text.find(label).unwrap_or_else(|| panic!("no `{label}` in `{text}`"));
    text[..at].split_whitespace().last().unwrap().parse().unwrap()
}

/// `(href, title)` of each section the summary lists.
fn summary_sections(main: &str) -> Vec<(String, String)> {
    let list = between(main, "<ul class=\"rl-sections\">", "</ul>").expect("sections list");
    list.split("<li")
        .skip(1)
        .map(|li| {
            let link = &li[li.find("<a ").expect("a link")..];
            let href = between(link, "href=\"", "\"").unwrap().to_string();
            let title = between(link, ">", "</a>").unwrap().to_string();
            (href, title)
        })
        .collect()
}

#[test]
fn a_redline_reads_like_the_page_and_its_summary_matches_git() {
    let (t, edited, _) = scripted();
    t.build_ok();
    let main = t.main_of(&format!("policies/retention/history/{edited}/"));
    let body = between(&main, "<div class=\"content redline\">", "<nav class=\"rl-toolbar\"").unwrap();

    // No linter comment, no raw markup, no raw labels.
    for raw in ["markdownlint", "<!--", "&lt;", "[gdpr]", "[^", "]["] {
        assert!(!main.contains(raw), "`{raw}` shows in:\n{main}");
    }
    // The reference link and the footnote read as on the page.
    assert!(
        body.contains("principle of the GDPR.<sup class=\"rl-fn\">1</sup></p>"),
        "{body}"
    );
    assert!(
        body.contains("<sup class=\"rl-fn\">1</sup> Article 5 of the General Data Protection Regulation."),
        "{body}"
    );

    // The totals are git's word counts of the same commit.
    let (added, deleted) = git_word_counts(&t);
    assert_eq!(
        (total(&main, "words added"), total(&main, "words deleted")),
        (added, deleted)
    );
    let marked = |el: &str| -> usize {
        body.split(&format!("<{el}>"))
            .skip(1)
            .map(|s| {
                s[..s.find(&format!("</{el}>")).unwrap()]
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .count()
            })
            .sum()
    };
    assert_eq!((marked("ins"), marked("del")), (added, deleted), "{body}");

    // The sections changed are those git's hunks fall in, each linked to its first change.
    let expected = git_changed_sections(&t);
    assert_eq!(
        expected,
        ["Destruction", "Exceptions", "Purpose", "Retention periods"]
            .map(String::from)
            .into()
    );
    let listed = summary_sections(&main);
    let titles: BTreeSet<String> = listed.iter().map(|(_, t)| t.clone()).collect();
    assert_eq!(titles, expected);
    assert_eq!(total(&main, "sections changed"), expected.len());
    for (href, title) in &listed {
        // The section's link lands on a change under that section's heading.
        let id = format!("id=\"{}\"", href.strip_prefix("#").unwrap());
        let at = body.find(&id).unwrap_or_else(|| panic!("no `{id}` for {title}"));
        let h = body[..at].rfind("<h3").expect("a heading above");
        let heading = text_of(&body[h..h + body[h..].find("</h3>").unwrap()]);
        assert!(heading.ends_with(title.as_str()), "{title} → {id} under `{heading}`");
    }
}

#[test]
fn each_change_has_a_sequential_id_and_every_link_lands_on_one() {
    let (t, edited, _) = scripted();
    t.build_ok();
    let main = t.main_of(&format!("policies/retention/history/{edited}/"));
    let ids: Vec<String> = crate::harness::attributes(&main, "id")
        .into_iter()
        .filter(|i| i.starts_with("change-"))
        .collect();
    let n = ids.len();
    assert!(n >= 5, "{main}");
    let expected: Vec<String> = (1..=n).map(|k| format!("change-{k}")).collect();
    assert_eq!(ids, expected, "ids are sequential, in reading order");
    let links: Vec<String> = crate::harness::attributes(&main, "href")
        .into_iter()
        .filter_map(|h| h.strip_prefix('#').map(str::to_string))
        .filter(|h| h.starts_with("change-"))
        .collect();
    assert!(links.len() >= 2 * (n - 1), "{links:?}");
    for l in &links {
        assert!(ids.contains(l), "`#{l}` points nowhere");
    }
    // Without JavaScript the toolbar still goes to the first and the last change.
    let bar = between(&main, "<nav class=\"rl-toolbar\"", "</nav>").expect("toolbar");
    assert!(bar.contains("href=\"#change-1\" rel=\"next\""), "{bar}");
    assert!(bar.contains(&format!("href=\"#change-{n}\" rel=\"prev\"")), "{bar}");
    assert!(text_of(bar).contains(&format!("{n} changes")), "{bar}");
    let js = t.output("js/redline.js");
    assert!(js.contains("e.key === \"n\"") && js.contains("e.key === \"p\""));
    assert!(main.contains("js/redline.js"));
}

#[test]
fn changes_only_folds_the_unchanged_section_and_keeps_context() {
    let (t, edited, _) = scripted();
    t.build_ok();
    let main = t.main_of(&format!("policies/retention/history/{edited}/"));
    let body = between(&main, "<div class=\"content redline\">", "<nav class=\"rl-toolbar\"").unwrap();
    assert!(
        main.contains("<input type=\"checkbox\" id=\"rl-only\" class=\"rl-only\">"),
        "{main}"
    );
    // The whole unchanged Scope section folds behind one marker.
    for p in [
        "This policy applies to every employee and contractor.",
        "It covers paper, email, chat and shared drives.",
        "It covers records held by subsidiaries.",
    ] {
        assert!(body.contains(&format!("<p class=\"rl-fold\">{p}</p>")), "{p}:\n{body}");
    }
    assert!(body.contains("<h3 class=\"rl-fold\">Scope</h3>"), "{body}");
    let gap = body.find("<p class=\"rl-gap\">").expect("a fold marker");
    assert!(gap < body.find(">Scope</h3>").unwrap(), "{body}");
    let marker = text_of(&body[gap..]);
    assert!(marker.starts_with("⋯ 1 heading and 4 paragraphs unchanged"), "{marker}");
    // Changed blocks, their headings and the table's header stay in view.
    for kept in [
        "<h3>Purpose</h3>",
        "<h3>Retention periods</h3>",
        "<tr><th>Record class</th>",
    ] {
        assert!(body.contains(kept), "{kept}:\n{body}");
    }
    assert!(!body.contains("class=\"rl-changed rl-fold\""), "{body}");
}

#[test]
fn a_commit_that_only_edits_an_html_comment_has_no_redline() {
    let (t, edited, comment) = scripted();
    t.build_ok();
    assert!(
        t.path(&format!("public/policies/retention/history/{edited}/index.html"))
            .is_file()
    );
    assert!(!t.path(&format!("public/policies/retention/history/{comment}")).exists());
    let history = t.main_of("policies/retention/history/");
    assert!(history.contains("Silence another linter rule"), "{history}");
    assert!(!history.contains(&format!("history/{comment}/")), "{history}");
}

/// One paragraph of 30,000 words drawn from 300 by `seed`. Rewriting it
/// is the largest word diff a redline can face: an exact diff of the two
/// takes seconds, which is where a wall-clock deadline made output vary.
fn long_policy(seed: u64) -> String {
    let mut x = seed;
    let mut next = move || {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 33) % 300
    };
    let words: Vec<String> = (0..30_000).map(|_| format!("w{}", next())).collect();
    format!("---\ntitle: Long policy\n---\n## Terms\n\n{}.\n", words.join(" "))
}

#[test]
fn a_long_rewrite_gives_the_same_redline_bytes_on_a_busy_machine() {
    let t = SiteTest::with_files(&[
        ("casebook.yaml", "title: Acme Legal\n"),
        ("content/_index.md", "---\ntitle: Acme Legal\n---\nWelcome.\n"),
        ("content/policies/long.md", &long_policy(1)),
    ]);
    git(t.root(), "2026-01-10T10:00:00Z", &["init", "-q"]);
    commit(&t, "2026-01-10T10:00:00Z", "First text");
    t.create("content/policies/long.md", long_policy(2));
    let rewrite = commit(&t, "2026-02-10T10:00:00Z", "Rewrite");
    let page = format!("policies/long/history/{rewrite}/index.html");
    t.build_ok();
    let quiet = t.output(&page);
    assert!(quiet.contains("id=\"change-1\""));

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let burners: Vec<_> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 1u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            })
        })
        .collect();
    let busy: Vec<String> = (0..2)
        .map(|_| {
            t.build_ok();
            t.output(&page)
        })
        .collect();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    burners.into_iter().for_each(|b| b.join().unwrap());
    for b in busy {
        assert!(b == quiet, "the redline changed under load");
    }
}
