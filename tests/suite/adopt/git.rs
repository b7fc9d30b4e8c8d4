//! A small scripted repository inside a [`SiteTest`]: hermetic git, fixed
//! dates, one author.

use crate::harness::SiteTest;

/// Runs git in the site root with a hermetic environment, committing at
/// `date`; paths in its output are not quoted.
pub fn git_at(t: &SiteTest, date: &str, args: &[&str]) -> String {
    let args: Vec<&str> = ["-c", "core.quotepath=off"].iter().chain(args).copied().collect();
    crate::git_fixtures::git_in(t.root(), ("Alice Law", "alice@example.com"), date, &args)
}

pub fn git(t: &SiteTest, args: &[&str]) -> String {
    git_at(t, "2026-01-01T00:00:00Z", args)
}

pub fn init(t: &SiteTest) {
    git(t, &["init", "-q"]);
}

/// Stages everything and commits at `date` (`YYYY-MM-DD`, noon UTC).
pub fn commit(t: &SiteTest, date: &str, message: &str) -> String {
    let when = format!("{date}T12:00:00Z");
    git(t, &["add", "-A"]);
    git_at(t, &when, &["commit", "-q", "--allow-empty", "-m", message]);
    git(t, &["rev-parse", "HEAD"]).trim().to_string()
}

/// Commits at `date` and tags the commit with the date as its name.
pub fn commit_and_tag(t: &SiteTest, date: &str, message: &str) {
    commit(t, date, message);
    git(t, &["tag", date]);
}

/// The Markdown files of `folder` in the tree of `rev`, relative to `folder`.
pub fn pages_at(t: &SiteTest, rev: &str, folder: &str) -> Vec<String> {
    git(t, &["ls-tree", "-r", "--name-only", rev, "--", folder])
        .lines()
        .filter(|p| p.ends_with(".md"))
        .map(|p| {
            p.strip_prefix(&format!("{folder}/"))
                .expect("under the folder")
                .to_string()
        })
        .collect()
}

/// `git diff --name-status --no-renames` between two revisions under
/// `folder`: `(status, path relative to folder)` for Markdown files.
pub fn diff(t: &SiteTest, from: &str, to: &str, folder: &str) -> Vec<(char, String)> {
    git(t, &["diff", "--name-status", "--no-renames", from, to, "--", folder])
        .lines()
        .filter_map(|l| {
            let (status, path) = l.split_once('\t')?;
            let rel = path.strip_prefix(&format!("{folder}/"))?;
            rel.ends_with(".md")
                .then(|| (status.chars().next().expect("a status letter"), rel.to_string()))
        })
        .collect()
}

/// The URL of a content-relative page path made of plain lower-case names:
/// `privacy/gdpr.md` → `privacy/gdpr/`.
pub fn url_of(rel: &str) -> String {
    format!("{}/", rel.strip_suffix(".md").expect("a Markdown file"))
}
