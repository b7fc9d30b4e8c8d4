//! Page history as an audit trail, checked against git itself: every
//! history page lists exactly what `git log --follow` lists, in its order,
//! and credits each commit to the pull request the first-parent walk says
//! brought it in; approvals and reviews are shown as what they are.

use std::collections::BTreeMap;

use crate::git_fixtures::{Extras, Repo, flat_handbook, policy_repo};
use crate::git_random::random_history;
use crate::harness::{attributes, main_of, text_of};

/// One row of a history page.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    hash: String,
    request: Option<u64>,
    approved: Option<String>,
    reviewed: Option<String>,
    /// The row's redline, relative to the history page.
    redline: Option<String>,
}

/// The rows of the history page at `file` (under the output folder `out`).
fn rows(out: &std::path::Path, url: &str) -> Vec<Row> {
    let path = out.join(format!("{url}history/index.html"));
    let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let main = main_of(&html);
    let body = main.split("<tbody>").nth(1).unwrap_or_default();
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let cells: Vec<&str> = row.split("</td>").collect();
            let review = cells.get(3).copied().unwrap_or_default();
            let links = attributes(cells.get(4).copied().unwrap_or_default(), "href");
            let hash = links
                .iter()
                .find_map(|h| h.rsplit_once("/commit/").map(|(_, hash)| hash.to_string()))
                .unwrap_or_else(|| panic!("no commit link in row {row}"));
            let request = attributes(review, "href")
                .iter()
                .find_map(|h| h.rsplit_once("/pull/").map(|(_, n)| n.parse().expect("a number")));
            // `<span class="history-approved"><span class="muted">Approved by</span> A, B</span>`
            let part = |class: &str, label: &str| {
                let open = format!("<span class=\"{class}\"><span class=\"muted\">{label}</span>");
                crate::harness::between(review, &open, "</span>").map(|names| format!("{label} {}", text_of(names)))
            };
            Row {
                hash,
                request,
                approved: part("history-approved", "Approved by"),
                reviewed: part("history-reviewed", "Reviewed by"),
                redline: attributes(cells.get(5).copied().unwrap_or_default(), "href").pop(),
            }
        })
        .collect()
}

/// The pull request of each commit as the test derives it from git alone:
/// the first-parent line of `HEAD`; a merge `M` on it gets `M^1..M^2`; a
/// commit on it that is not a merge is its own, from a `(#N)` subject.
fn credit_from_git(repo: &Repo) -> BTreeMap<String, Option<u64>> {
    let mut credit = BTreeMap::new();
    let log = repo.git(&["log", "--first-parent", "--format=%H %P%x00%B%x1e", "HEAD"]);
    for record in log.split('\x1e').filter(|r| !r.trim().is_empty()) {
        let (line, message) = record.trim_start().split_once('\0').expect("hash and message");
        let ids: Vec<&str> = line.split(' ').collect();
        let subject = message.lines().next().unwrap_or_default();
        if ids.len() > 2 {
            let number = subject
                .strip_prefix("Merge pull request #")
                .and_then(|r| r.split(' ').next())
                .or_else(|| {
                    message
                        .lines()
                        .find_map(|l| l.strip_prefix("See merge request legal/policies!"))
                })
                .map(|n| n.trim().parse::<u64>().expect("a number"));
            credit.insert(ids[0].to_string(), number);
            for brought in repo.git(&["rev-list", &format!("{}^1..{}^2", ids[0], ids[0])]).lines() {
                credit.insert(brought.to_string(), number);
            }
        } else {
            let number = subject
                .strip_suffix(')')
                .and_then(|s| s.rsplit_once("(#"))
                .map(|(_, n)| n.parse::<u64>().expect("a number"));
            credit.insert(ids[0].to_string(), number);
        }
    }
    credit
}

/// Every Markdown file committed at `HEAD` under `content` (`""` for the top).
fn pages(repo: &Repo, content: &str) -> Vec<String> {
    let mut args = vec!["ls-tree", "-r", "--name-only", "HEAD"];
    if !content.is_empty() {
        args.push(content);
    }
    repo.git(&args)
        .lines()
        .filter(|p| p.ends_with(".md"))
        .map(str::to_string)
        .collect()
}

/// The URL of a page made from `file` as committed at `HEAD`, `content`
/// being its content folder: its `permalink:`, else its path.
fn url_of(repo: &Repo, file: &str, content: &str) -> String {
    let text = repo.git(&["show", &format!("HEAD:{file}")]);
    if let Some(permalink) = text.lines().find_map(|l| l.strip_prefix("permalink:")) {
        return permalink.trim().trim_start_matches('/').to_string();
    }
    let rel = file.strip_prefix(content).unwrap_or(file).trim_start_matches('/');
    match rel.strip_suffix(".md").unwrap_or(rel) {
        "README" | "index" | "_index" => String::new(),
        stem => format!("{}/", stem.trim_end_matches("/_index")),
    }
}

/// Asserts that every page's history is exactly `git log --follow` and
/// credits what the first-parent walk credits; returns the rows by file.
fn assert_audit_trail(repo: &Repo, out: &std::path::Path, content: &str) -> BTreeMap<String, Vec<Row>> {
    let credit = credit_from_git(repo);
    let mut all = BTreeMap::new();
    for file in pages(repo, content) {
        let rows = rows(out, &url_of(repo, &file, content));
        let hashes: Vec<String> = rows.iter().map(|r| r.hash.clone()).collect();
        assert_eq!(
            hashes,
            repo.follow("HEAD", &file),
            "history of `{file}` is not `git log --follow`"
        );
        for r in &rows {
            assert_eq!(
                r.request, credit[&r.hash],
                "pull request of {} in the history of `{file}`",
                r.hash
            );
        }
        all.insert(file, rows);
    }
    all
}

fn subject_hash(repo: &Repo, subject: &str) -> String {
    let log = repo.git(&["log", "--all", "--format=%H %s"]);
    log.lines()
        .find_map(|l| {
            l.split_once(' ')
                .filter(|(_, s)| *s == subject)
                .map(|(h, _)| h.to_string())
        })
        .unwrap_or_else(|| panic!("no commit `{subject}` in:\n{log}"))
}

fn row<'a>(rows: &'a BTreeMap<String, Vec<Row>>, file: &str, hash: &str) -> &'a Row {
    rows[file]
        .iter()
        .find(|r| r.hash == hash)
        .unwrap_or_else(|| panic!("{hash} not in the history of {file}: {:?}", rows[file]))
}

#[test]
fn policy_repository_history_is_git_log_follow_with_first_parent_credit() {
    let repo = policy_repo(Extras::None);
    repo.build_ok();
    let rows = assert_audit_trail(&repo, &repo.path("public"), "Policies");
    // The page was created by a move with an edit, on a side branch; its
    // history goes on through the file it came from. The hotline commit,
    // dated before its parent, edited the old path on another branch; git
    // walks it after the move, so lists it.
    let retention = "Policies/privacy/records-retention.md";
    let moved = subject_hash(&repo, "Move retention under privacy and narrow it");
    let longer = subject_hash(&repo, "Keep records for ten years");
    let hotline = subject_hash(&repo, "Add the incident hotline");
    let first = subject_hash(&repo, "Publish the first policies");
    let hashes: Vec<&str> = rows[retention].iter().map(|r| r.hash.as_str()).collect();
    assert_eq!(hashes, [&moved, &longer, &hotline, &first]);
    let html = repo.output("privacy/records-retention/history/index.html");
    assert!(
        html.contains("Moved from <code>general/records-retention.md</code>"),
        "{html}"
    );

    // Credit: the move came in with #3, whose approval it carries beside its own review.
    let r = row(&rows, retention, &moved);
    assert_eq!(
        (r.request, r.approved.as_deref(), r.reviewed.as_deref()),
        (
            Some(3),
            Some("Approved by General Counsel"),
            Some("Reviewed by Carol Counsel")
        )
    );
    // The hotline commit, brought into the reorganisation by its back-merge,
    // stays #2's, with #2's review only.
    let incident = "Policies/security/incident-response.md";
    let r = row(&rows, incident, &hotline);
    assert_eq!(
        (r.request, r.approved.as_deref(), r.reviewed.as_deref()),
        (Some(2), None, Some("Reviewed by Dan Security"))
    );
    // A squash merge is its own pull request; a direct commit has none.
    let squash = row(&rows, incident, &subject_hash(&repo, "Shorten the breach window (#4)"));
    assert_eq!(squash.request, Some(4));
    let terms = "Policies/general/terms-of-service.md";
    let typo = row(&rows, terms, &subject_hash(&repo, "Fix a typo in the terms"));
    assert_eq!((typo.request, &typo.approved, &typo.reviewed), (None, &None, &None));
    // GitLab's merge request number.
    let aup = subject_hash(&repo, "Add the acceptable use policy");
    assert_eq!(row(&rows, "Policies/general/acceptable-use.md", &aup).request, Some(5));
    // Approvals are never shown as reviews.
    for (file, rs) in &rows {
        for r in rs {
            let reviewed = r.reviewed.as_deref().unwrap_or_default();
            assert!(!reviewed.contains("General Counsel"), "{file}: {r:?}");
        }
    }
}

#[test]
fn flat_handbook_history_is_git_log_follow() {
    let repo = flat_handbook();
    let out = tempfile::tempdir().expect("a temporary folder");
    repo.build(&["--out", &out.path().display().to_string()]).assert_code(0);
    let rows = assert_audit_trail(&repo, out.path(), "");
    let travel = &rows["travel-and-expenses.md"];
    assert_eq!(travel.len(), 3, "{travel:?}");
    assert!(
        travel
            .iter()
            .all(|r| r.request == Some(8) || r.hash == subject_hash(&repo, "Start the handbook"))
    );
    let claims = row(&rows, "expenses.md", &subject_hash(&repo, "Allow 60 days for claims"));
    assert_eq!(claims.request, Some(7));
    let welcome = row(&rows, "README.md", &subject_hash(&repo, "Welcome new people (#9)"));
    assert_eq!(welcome.request, Some(9));
}

/// Redlines, the what-changed page of latest and the feed credit each
/// commit as its history row does; returns how many redlines and listed
/// commits it checked.
fn assert_same_credit_elsewhere(repo: &Repo, rows: &BTreeMap<String, Vec<Row>>) -> (usize, usize) {
    let (mut redlines, mut listed) = (0, 0);
    for (file, rs) in rows {
        let history = repo.path(&format!("public/{}history", url_of(repo, file, "content")));
        for r in rs {
            let Some(href) = &r.redline else { continue };
            let html = std::fs::read_to_string(history.join(href).join("index.html")).expect("the redline exists");
            let shown = crate::harness::between(&html, "<dt>Pull request</dt><dd>", "</dd>").map(text_of);
            assert_eq!(shown, r.request.map(|n| format!("#{n}")), "redline {href} of {file}");
            redlines += 1;
        }
    }
    let by_subject: BTreeMap<String, String> = repo
        .git(&["log", "--format=%s%x00%H"])
        .lines()
        .filter_map(|l| l.split_once('\0'))
        .map(|(s, h)| (s.to_string(), h.to_string()))
        .collect();
    let changes = repo.output("changes/latest/index.html");
    let lists = changes.split("<ul class=\"changes-commits\">").skip(1);
    // `<li><time …>date</time> Subject <span class="muted">(Author, #3)</span></li>`
    for item in lists.flat_map(|l| l.split("</ul>").next().unwrap_or_default().split("<li>").skip(1)) {
        let after = item.split_once("</time>").expect("a date").1;
        let (subject, credit) = after.split_once("<span class=\"muted\">(").expect("author and credit");
        let hash = &by_subject[text_of(subject).as_str()];
        let expected = rows
            .values()
            .flatten()
            .find(|r| &r.hash == hash)
            .expect("in a history")
            .request;
        let shown = credit
            .split(")</span>")
            .next()
            .unwrap_or_default()
            .split_once(", #")
            .map(|(_, n)| n);
        assert_eq!(
            shown.map(str::to_string),
            expected.map(|n| n.to_string()),
            "what changed: {item}"
        );
        listed += 1;
    }
    // Each feed entry (`<id>tag:casebook,2000:commit/HASH</id>`) says its pull request.
    let feed = std::fs::read_to_string(repo.path("public/policies.atom")).unwrap_or_default();
    for entry in feed.split("<entry>").skip(1) {
        let hash = crate::harness::between(entry, "<id>tag:casebook,2000:commit/", "</id>").expect("an id");
        let content = crate::harness::between(entry, "<content type=\"html\">", "</content>").expect("content");
        let shown = content
            .split_once("Pull request #")
            .map(|(_, n)| n.chars().take_while(char::is_ascii_digit).collect::<String>());
        let expected = rows
            .values()
            .flatten()
            .find(|r| r.hash == hash)
            .expect("in a history")
            .request;
        assert_eq!(shown, expected.map(|n| n.to_string()), "feed entry {hash}");
        listed += 1;
    }
    (redlines, listed)
}

#[test]
fn random_histories_are_git_log_follow_everywhere() {
    let mut flags = String::new();
    let (mut redlines, mut listed) = (0, 0);
    for seed in [3, 17, 4242] {
        let repo = random_history(seed);
        repo.build_ok();
        let rows = assert_audit_trail(&repo, &repo.path("public"), "content");
        let (r, l) = assert_same_credit_elsewhere(&repo, &rows);
        (redlines, listed) = (redlines + r, listed + l);
        assert!(
            rows.values().any(|r| r.len() > 2),
            "seed {seed} made no history to speak of"
        );
        for file in rows.keys() {
            flags.push_str(&repo.output(&format!("{}history/index.html", url_of(&repo, file, "content"))));
        }
        flags.push_str(&repo.output("policies.atom"));
    }
    // The seeds cover what matters: moves, copies, trails leaving the
    // content folder, and credited commits in the feed.
    for flag in [
        "Moved from <code>policies/",
        "Copied from <code>",
        "from <code>archive/",
        "&lt;p&gt;Pull request #",
    ] {
        assert!(flags.contains(flag), "no history shows `{flag}`");
    }
    assert!(
        redlines > 5 && listed > 5,
        "only {redlines} redlines and {listed} listed commits checked"
    );
}

#[test]
fn a_split_policy_follows_the_file_git_log_follow_follows() {
    // Two parts of one policy, each most like it; a near-copy elsewhere is
    // the second choice of the weaker part. Detection over the whole commit
    // gives the weaker part the near-copy, git following that one path
    // gives it the original: the history must be git's.
    let repo = Repo::init(crate::harness::SiteTest::new());
    let whole: Vec<String> = (1..=20)
        .map(|i| format!("whole line {i} about the supplier and notice"))
        .collect();
    let lines = |n: usize, own: &str, k: usize| {
        let mut v: Vec<String> = whole[..n].to_vec();
        v.extend((1..=k).map(|i| format!("{own} line {i}")));
        v.join("\n") + "\n"
    };
    repo.write(
        "casebook.yaml",
        "title: Split\nrepo_url: https://git.example/acme/split\n",
    );
    repo.write("content/policies/whole.md", &lines(20, "", 0));
    repo.write("content/policies/near.md", &lines(14, "near", 2));
    repo.commit("2021-01-04T09:00:00Z", "Add the supplier policy");
    repo.edit("content/policies/near.md", "near line 2", "near line two");
    repo.commit("2021-01-11T09:00:00Z", "Touch up the near copy");
    repo.edit(
        "content/policies/whole.md",
        "whole line 20 about",
        "whole line 20, last, about",
    );
    repo.commit("2021-01-18T09:00:00Z", "Touch up the supplier policy");
    repo.rm("content/policies/whole.md");
    repo.write("content/policies/notice.md", &lines(18, "notice", 2));
    repo.write("content/policies/supplier.md", &lines(16, "supplier", 4));
    repo.commit("2021-02-01T09:00:00Z", "Split the supplier policy");
    let whole_wide = repo.git(&["diff-tree", "-r", "-C", "--find-copies-harder", "--name-status", "HEAD"]);
    assert!(
        whole_wide.contains("content/policies/near.md\tcontent/policies/supplier.md"),
        "the scenario no longer makes git disagree with itself:\n{whole_wide}"
    );
    let follow = repo.follow("HEAD", "content/policies/supplier.md");
    assert_eq!(follow[1], repo.hash("HEAD~1"), "git follows the original: {follow:?}");
    repo.build_ok();
    assert_audit_trail(&repo, &repo.path("public"), "content");
    let html = repo.output("policies/supplier/history/index.html");
    assert!(html.contains("Moved from <code>policies/whole.md</code>"), "{html}");
}
