//! Where a created file came from, as `git log --follow` decides it.
//!
//! Where the followed path is created, git runs rename and copy detection
//! for that one path, every file of the parent a candidate
//! (`--find-copies-harder`), and follows the best match. [`settle`] asks git
//! the same question for every such commit at once, one
//! `git diff-tree --stdin -C -C` per round, which can differ from git's
//! answer for a single path in two ways, both handled:
//!
//! - a commit that creates many files can exceed git's rename limit, which
//!   cuts detection short: the batch raises the limit (`-l`) as needed, up
//!   to [`MAX_RENAME_LIMIT`];
//! - another file created in the same commit can take the source this one
//!   prefers (a file split in two): such a creation is asked about on its
//!   own, with `git log --follow` itself ([`EXACT_QUERIES`] at most).
//!
//! Detection reads about every file of the repository, so a build spends at
//! most [`SCAN_BUDGET`] file reads on it: commits past the budget are only
//! searched for renames of deleted files, which is cheap, and the build says
//! how many created files may differ from git's answer.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::follow;
use super::git::{self, Repo};
use super::log::{Change, Log, RawEntry, raw_entry};

/// Files read, over all detections of one build (one detection reads about
/// every file of the repository): about ten seconds of git's time.
pub const SCAN_BUDGET: usize = 500_000;

/// Creations asked about on their own, at most.
pub const EXACT_QUERIES: usize = 20;

/// The highest rename limit asked for: creations times files up to its
/// square are compared in full (16 million pairs).
pub const MAX_RENAME_LIMIT: usize = 4000;

/// git's default rename limit (`diff.renameLimit`).
const DEFAULT_RENAME_LIMIT: usize = 1000;

/// What git said about one commit's creations.
struct Detected {
    entries: Vec<RawEntry>,
    /// Full detection (every file a candidate, no limit hit).
    complete: bool,
}

/// What a build may still spend on detection.
struct Budget {
    /// Files one detection reads.
    files: usize,
    reads: usize,
    exact: usize,
}

impl Budget {
    /// How many of `want` full detections fit, now spent.
    fn scans(&mut self, want: usize) -> usize {
        let fits = (self.reads / self.files).min(want);
        self.reads -= fits * self.files;
        fits
    }

    /// Whether one more creation can be asked about on its own, now spent.
    fn exact(&mut self) -> bool {
        let fits = self.exact > 0 && self.reads >= self.files;
        if fits {
            self.exact -= 1;
            self.reads -= self.files;
        }
        fits
    }
}

/// Settles every creation a trail of `paths` reaches along `orders`: asks
/// git where each came from and records it in the log (`A` becomes `R` or
/// `C`). Each round asks about the creations the trails reached so far; a
/// trail that moved on reaches more, until none is left. Returns how many
/// creations were settled with less than git's answer for their path.
pub fn settle(repo: &Repo, log: &mut Log, orders: &[&[usize]], paths: &[&str]) -> usize {
    let mut budget = Budget {
        files: distinct_paths(log).max(1),
        reads: SCAN_BUDGET,
        exact: EXACT_QUERIES,
    };
    let mut settled: HashSet<(usize, usize)> = HashSet::new();
    let mut detected: HashMap<usize, Detected> = HashMap::new();
    let mut unsure = 0;
    loop {
        let mut pending = BTreeSet::new();
        for order in orders {
            pending.extend(follow::follow(log, order, paths, Some(&settled)).1);
        }
        if pending.is_empty() {
            return unsure;
        }
        let mut missing: BTreeMap<usize, usize> = BTreeMap::new();
        for &(c, _) in pending.iter().filter(|(c, _)| !detected.contains_key(c)) {
            *missing.entry(c).or_default() += 1;
        }
        let (full, cheap) = afford(missing, &mut budget);
        let limit = rename_limit(log, &full, budget.files);
        let mut found = detect(repo, log, &full, Some(limit));
        found.extend(detect(repo, log, &cheap, None));
        for (c, complete) in full.iter().map(|&c| (c, true)).chain(cheap.iter().map(|&c| (c, false))) {
            let complete = complete && creations(log, c).saturating_mul(budget.files) <= limit * limit;
            let entries = found.remove(&c).unwrap_or_default();
            detected.insert(c, Detected { entries, complete });
        }
        let sizes = contention_sizes(repo, log, &pending, &detected);
        for (c, n) in pending {
            let (source, sure) = place(repo, log, (c, n), &detected[&c], &sizes, &mut budget);
            unsure += usize::from(!sure);
            if let Some(source) = source {
                let change = &mut log.commits[c].changes[n];
                change.status = source.status;
                change.from = source.from;
                change.old_blob = source.old_blob;
            }
            settled.insert((c, n));
        }
    }
}

/// Where the creation `(commit, change)` came from (`None`: nothing), and
/// whether that is git's answer for its path.
fn place(
    repo: &Repo,
    log: &Log,
    (commit, n): (usize, usize),
    d: &Detected,
    sizes: &HashMap<String, u64>,
    budget: &mut Budget,
) -> (Option<Change>, bool) {
    let change = &log.commits[commit].changes[n];
    let found = d
        .entries
        .iter()
        .find(|e| e.change.path == change.path)
        .map(|e| e.change.clone());
    if !d.complete {
        return (found, false);
    }
    if !contended(&change.path, change.new_blob.as_deref(), &d.entries, sizes) {
        return (found, true);
    }
    if !budget.exact() {
        return (found, false);
    }
    match exact(repo, log, commit, &change.path) {
        Some(answer) => (answer, true),
        None => (found, false),
    }
}

/// The commits of `missing` (commit → creations it settles) whose full
/// detection fits in `budget`, those settling most first, then the
/// newest; and the rest.
fn afford(missing: BTreeMap<usize, usize>, budget: &mut Budget) -> (Vec<usize>, Vec<usize>) {
    let mut by_worth: Vec<(usize, usize)> = missing.into_iter().collect();
    by_worth.sort_by_key(|&(c, creations)| (std::cmp::Reverse(creations), c));
    let mut full: Vec<usize> = by_worth.into_iter().map(|(c, _)| c).collect();
    let cheap = full.split_off(budget.scans(full.len()));
    (full, cheap)
}

/// How many paths the log ever names: more than any one tree holds.
fn distinct_paths(log: &Log) -> usize {
    log.commits
        .iter()
        .flat_map(|c| c.changes.iter().map(|ch| ch.path.as_str()))
        .collect::<HashSet<_>>()
        .len()
}

fn creations(log: &Log, commit: usize) -> usize {
    log.commits[commit]
        .changes
        .iter()
        .filter(|c| matches!(c.status, 'A' | 'R' | 'C'))
        .count()
}

/// A limit that lets git compare every creation of `commits` with every
/// file, as it does for one path; within git's default and our maximum.
fn rename_limit(log: &Log, commits: &[usize], files: usize) -> usize {
    let most = commits.iter().map(|&c| creations(log, c)).max().unwrap_or(0);
    let needed = (most.saturating_mul(files) as f64).sqrt().ceil() as usize;
    needed.clamp(DEFAULT_RENAME_LIMIT, MAX_RENAME_LIMIT)
}

/// Renames and copies git detects in each of `commits` (one parent each):
/// with `limit`, every file of the parent a candidate, as `--follow` does;
/// without, only renames of deleted files.
fn detect(repo: &Repo, log: &Log, commits: &[usize], limit: Option<usize>) -> BTreeMap<usize, Vec<RawEntry>> {
    if commits.is_empty() {
        return BTreeMap::new();
    }
    let input: String = commits.iter().map(|&c| format!("{}\n", log.commits[c].hash)).collect();
    let limit_arg = limit.map(|l| format!("-l{l}"));
    let mut args = vec!["diff-tree", "--stdin", "-r", "-z", "--raw", "--no-abbrev"];
    match &limit_arg {
        Some(l) => args.extend(["-C", "--find-copies-harder", l.as_str(), "--diff-filter=RC"]),
        None => args.extend(["-M", "--diff-filter=R"]),
    }
    let out = git::run_with_input(&repo.toplevel, &args, input.into_bytes()).unwrap_or_default();
    parse_detected(&out, log)
}

/// `<commit>\0` followed by that commit's raw entries, for each commit.
fn parse_detected(out: &[u8], log: &Log) -> BTreeMap<usize, Vec<RawEntry>> {
    let mut found: BTreeMap<usize, Vec<RawEntry>> = BTreeMap::new();
    let mut current = None;
    let mut pos = 0;
    while pos < out.len() {
        if matches!(out[pos], b'\n' | 0) {
            pos += 1;
            continue;
        }
        if out[pos] == b':' {
            let Some((entry, next)) = raw_entry(out, pos) else {
                break;
            };
            if let Some(c) = current {
                found.entry(c).or_default().push(entry);
            }
            pos = next;
            continue;
        }
        let end = out[pos..]
            .iter()
            .position(|&b| b == 0 || b == b'\n')
            .map_or(out.len(), |i| pos + i);
        current = log
            .by_hash
            .get(String::from_utf8_lossy(&out[pos..end]).as_ref())
            .copied();
        pos = end;
    }
    found
}

/// The sizes of the blobs [`contended`] compares, in one `git cat-file`.
fn contention_sizes(
    repo: &Repo,
    log: &Log,
    pending: &BTreeSet<(usize, usize)>,
    detected: &HashMap<usize, Detected>,
) -> HashMap<String, u64> {
    let mut oids = BTreeSet::new();
    for &(c, n) in pending {
        let entries = &detected[&c].entries;
        if entries.len() > 1 {
            oids.extend(log.commits[c].changes[n].new_blob.clone());
            oids.extend(entries.iter().filter_map(|e| e.change.old_blob.clone()));
        }
    }
    let oids: Vec<String> = oids.into_iter().collect();
    git::blob_sizes(repo, &oids).unwrap_or_default()
}

/// Whether another file created in the same commit may have taken the
/// source `path` prefers: git settles the best-scoring pairs first and
/// gives each source to one of them, so a creation scoring at least as
/// high, from another source, could have. A source whose size differs from
/// `path`'s by more than its score allows cannot score higher (git's score
/// is at most the smaller size over the larger), so it is left out.
fn contended(path: &str, blob: Option<&str>, entries: &[RawEntry], sizes: &HashMap<String, u64>) -> bool {
    let Some(mine) = entries.iter().find(|e| e.change.path == path) else {
        // Every other creation was free to share sources: none fits at all.
        return false;
    };
    let size = |oid: Option<&str>| oid.and_then(|o| sizes.get(o)).copied();
    let could_beat = |source: Option<&str>| match (size(blob), size(source)) {
        (Some(a), Some(b)) if a.max(b) > 0 => a.min(b) * 100 >= u64::from(mine.score) * a.max(b),
        _ => true,
    };
    entries.iter().any(|e| {
        e.change.path != path
            && e.change.from != mine.change.from
            && e.score >= mine.score
            && could_beat(e.change.old_blob.as_deref())
    })
}

/// What `git log --follow` itself says `path` came from in `commit`
/// (`Some(None)`: nothing); `None` when git could not be asked.
fn exact(repo: &Repo, log: &Log, commit: usize, path: &str) -> Option<Option<Change>> {
    let args = [
        "--literal-pathspecs",
        "log",
        "--no-walk",
        "--follow",
        "-z",
        "--raw",
        "--no-abbrev",
        "--format=%x1e",
        &log.commits[commit].hash,
        "--",
        path,
    ];
    let out = git::run(&repo.toplevel, &args).ok()?;
    let Some(start) = out.iter().position(|&b| b == b':') else {
        return Some(None);
    };
    let (entry, _) = raw_entry(&out, start)?;
    Some(matches!(entry.change.status, 'R' | 'C').then_some(entry.change))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::follow::tests::log;

    fn entries(list: &[(&str, &str, u8, &str)]) -> Vec<RawEntry> {
        list.iter()
            .map(|(from, to, score, blob)| RawEntry {
                change: Change {
                    status: 'R',
                    from: Some(from.to_string()),
                    path: to.to_string(),
                    old_blob: Some(blob.to_string()),
                    new_blob: None,
                },
                score: *score,
            })
            .collect()
    }

    #[test]
    fn a_creation_is_contended_only_when_another_could_have_taken_its_source() {
        let sizes: HashMap<String, u64> = [("whole", 1000), ("near", 950), ("tiny", 100), ("b", 900)]
            .map(|(o, s)| (o.to_string(), s))
            .into();
        // A split: both parts came from the same file, the weaker got what it prefers.
        let split = entries(&[("whole.md", "a.md", 80, "whole"), ("whole.md", "b.md", 60, "whole")]);
        assert!(!contended("b.md", Some("b"), &split, &sizes));
        // b.md got another source while a better-scoring creation took one it may prefer.
        let taken = entries(&[("whole.md", "a.md", 80, "whole"), ("near.md", "b.md", 60, "near")]);
        assert!(contended("b.md", Some("b"), &taken, &sizes));
        assert!(!contended("a.md", Some("a"), &taken, &sizes));
        // Nothing matched: no other creation can have prevented a match.
        assert!(!contended("c.md", Some("c"), &taken, &sizes));
        // A source a tenth of b.md's size scores at most 11: it cannot beat 60.
        let small = entries(&[("tiny.md", "a.md", 90, "tiny"), ("near.md", "b.md", 60, "near")]);
        assert!(!contended("b.md", Some("b"), &small, &sizes));
        // Unknown sizes: contended.
        assert!(contended("b.md", None, &small, &sizes));
    }

    #[test]
    fn the_rename_limit_covers_the_biggest_commit_within_bounds() {
        let log = log(&[
            ("b", &["a"], 2, &["A 1.md", "A 2.md", "A 3.md", "A 4.md"]),
            ("a", &[], 1, &["A 0.md"]),
        ]);
        assert_eq!(rename_limit(&log, &[0], 10), DEFAULT_RENAME_LIMIT);
        // Four creations among 4,000,000 files: 4,000 squared.
        assert_eq!(rename_limit(&log, &[0], 4_000_000), 4000);
        assert_eq!(rename_limit(&log, &[0], 100_000_000), MAX_RENAME_LIMIT);
    }

    #[test]
    fn full_detection_stops_at_the_budget() {
        let mut budget = Budget {
            files: 10,
            reads: 35,
            exact: 5,
        };
        // Commit 7 settles three creations, the others one each: 7, then the newest.
        let (full, cheap) = afford([(4, 1), (1, 1), (7, 3), (2, 1)].into(), &mut budget);
        assert_eq!((full, cheap, budget.reads), (vec![7, 1, 2], vec![4], 5));
        assert!(!budget.exact(), "an exact query reads as much as a detection");
        let (full, cheap) = afford([(9, 1)].into(), &mut budget);
        assert_eq!((full, cheap), (vec![], vec![9]));
    }

    #[test]
    fn detected_entries_are_grouped_by_commit() {
        let log = log(&[("b", &["a"], 2, &[]), ("a", &[], 1, &[])]);
        let out = b"b\0:100644 100644 aaa bbb R090\0x.md\0y.md\0a\0:100644 100644 aaa aaa C100\0t.md\0u.md\0";
        let found = parse_detected(out, &log);
        assert_eq!(found[&0].len(), 1);
        assert_eq!(found[&0][0].change.path, "y.md");
        assert_eq!(found[&1][0].change.status, 'C');
    }
}
