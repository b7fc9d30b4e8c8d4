//! A page's history is exactly what `git log --follow -- <file>` lists.
//!
//! git makes that list by walking the history in its default order (newest
//! committer date first; a commit is queued when a child of it is shown, so
//! a side branch dated earlier than main's commits comes after them, and a
//! parent can come before a child dated earlier) and diffing each commit
//! that is not a merge against its parent, limited to one path. Merges are
//! not diffed, so never listed. Where that path is created, git looks for a
//! file it came from (rename or copy detection, every file of the parent a
//! candidate) and from then on follows that file's path, for whatever
//! commit it walks next, on any branch. [`walk`] and [`follow`] replay this
//! on the one log pass, for every page at once.
//!
//! Only where a followed path was created does git have to be asked again:
//! [`super::detect`] does that before any trail is read.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet};

use super::Trail;
use super::log::Log;

/// The commits reachable from `start` in `git log`'s default order.
pub fn walk(log: &Log, start: usize) -> Vec<usize> {
    let mut seen = vec![false; log.commits.len()];
    // Newest first; equal dates in the order they were queued.
    let mut queue = BinaryHeap::new();
    let mut queued = 0usize;
    seen[start] = true;
    queue.push((log.commits[start].time, Reverse(queued), start));
    let mut order = Vec::with_capacity(log.commits.len());
    while let Some((_, _, id)) = queue.pop() {
        order.push(id);
        for &p in &log.commits[id].parents {
            if !std::mem::replace(&mut seen[p], true) {
                queued += 1;
                queue.push((log.commits[p].time, Reverse(queued), p));
            }
        }
    }
    order
}

/// The trails of `paths` (top-relative) along `order`, and the creations
/// that still need detection. With `settled`, a creation in a commit that
/// has a parent, not yet in `settled`, ends that trail for now and is
/// returned as `(commit, change)`; without, every creation is taken as it is.
pub fn follow(
    log: &Log,
    order: &[usize],
    paths: &[&str],
    settled: Option<&HashSet<(usize, usize)>>,
) -> (Vec<Trail>, BTreeSet<(usize, usize)>) {
    let mut current: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in paths.iter().enumerate() {
        current.entry(p).or_default().push(i);
    }
    let mut trails = vec![Trail::default(); paths.len()];
    let mut pending = BTreeSet::new();
    for &id in order {
        if current.is_empty() {
            break;
        }
        let commit = &log.commits[id];
        if commit.parents.len() > 1 {
            continue;
        }
        // Paths switch after the whole commit is seen, as git's pathspec does.
        let mut next: Vec<(&str, Vec<usize>)> = Vec::new();
        for (n, change) in commit.changes.iter().enumerate() {
            let Some(files) = current.remove(change.path.as_str()) else {
                continue;
            };
            for &f in &files {
                trails[f].changes.push((id, n));
            }
            match (change.status, &change.from) {
                ('R' | 'C', Some(from)) => next.push((from, files)),
                ('A', _) if !commit.parents.is_empty() && settled.is_some_and(|s| !s.contains(&(id, n))) => {
                    pending.insert((id, n));
                }
                _ => next.push((&change.path, files)),
            }
        }
        for (path, files) in next {
            current.entry(path).or_default().extend(files);
        }
    }
    (trails, pending)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::history::log::{Change, Commit};

    /// A log from `(hash, parents, time, changes)`, newest first; a change is
    /// `"M a.md"`, `"D a.md"`, `"A a.md"` or `"R old.md new.md"`.
    pub(in crate::history) fn log(commits: &[(&str, &[&str], i64, &[&str])]) -> Log {
        let mut log = Log::default();
        for (i, (hash, ..)) in commits.iter().enumerate() {
            log.by_hash.insert(hash.to_string(), i);
        }
        for (hash, parents, time, changes) in commits {
            let changes = changes
                .iter()
                .map(|c| {
                    let parts: Vec<&str> = c.split(' ').collect();
                    let status = parts[0].chars().next().unwrap();
                    let (from, path) = match parts.as_slice() {
                        [_, from, to] => (Some(from.to_string()), to.to_string()),
                        _ => (None, parts[1].to_string()),
                    };
                    Change {
                        status,
                        from,
                        path,
                        old_blob: (status != 'A').then(|| "old".into()),
                        new_blob: (status != 'D').then(|| "new".into()),
                    }
                })
                .collect();
            log.commits.push(Commit {
                hash: hash.to_string(),
                parents: parents.iter().map(|p| log.by_hash[*p]).collect(),
                author: "Al".into(),
                time: *time,
                subject: hash.to_string(),
                body: String::new(),
                changes,
                request: None,
                approvals: Vec::new(),
                reviews: Vec::new(),
            });
        }
        log
    }

    fn hashes(log: &Log, ids: impl IntoIterator<Item = usize>) -> Vec<&str> {
        ids.into_iter().map(|id| log.commits[id].hash.as_str()).collect()
    }

    fn trail<'a>(log: &'a Log, start: &str, path: &str) -> Vec<&'a str> {
        let order = walk(log, log.by_hash[start]);
        let (trails, _) = follow(log, &order, &[path], None);
        hashes(log, trails[0].changes.iter().map(|&(c, _)| c))
    }

    #[test]
    fn the_walk_is_by_date_and_queues_a_parent_when_a_child_is_shown() {
        // A side branch dated before main's commit, merged at the end; the root
        // (100) is newer than the side commits, so it comes before them.
        let log = log(&[
            ("m", &["e", "s2"], 300, &[]),
            ("e", &["r"], 200, &["M a.md"]),
            ("s2", &["s1"], 60, &["M b.md"]),
            ("s1", &["r"], 50, &["R a.md b.md"]),
            ("r", &[], 100, &["A a.md"]),
        ]);
        assert_eq!(hashes(&log, walk(&log, log.by_hash["m"])), ["m", "e", "r", "s2", "s1"]);
        // What `git log --follow -- b.md` lists: the switch to `a.md` comes after
        // `e` and `r` were walked, so they are not listed.
        assert_eq!(trail(&log, "m", "b.md"), ["s2", "s1"]);
    }

    #[test]
    fn equal_dates_come_in_the_order_they_were_queued() {
        let log = log(&[
            ("m", &["a", "b"], 10, &[]),
            ("b", &["r"], 5, &["M x.md"]),
            ("a", &["r"], 5, &["M x.md"]),
            ("r", &[], 5, &["A x.md"]),
        ]);
        assert_eq!(hashes(&log, walk(&log, log.by_hash["m"])), ["m", "a", "b", "r"]);
    }

    #[test]
    fn a_trail_goes_on_past_a_creation_and_lists_deletions() {
        let log = log(&[
            ("d", &["c"], 40, &["M x.md"]),
            ("c", &["b"], 30, &["A x.md"]),
            ("b", &["a"], 20, &["D x.md"]),
            ("a", &[], 10, &["A x.md", "A y.md"]),
        ]);
        assert_eq!(trail(&log, "d", "x.md"), ["d", "c", "b", "a"]);
        assert_eq!(trail(&log, "d", "y.md"), ["a"]);
    }

    #[test]
    fn unsettled_creations_are_returned_and_end_their_trail() {
        let log = log(&[
            ("b", &["a"], 20, &["A new.md", "M other.md"]),
            ("a", &[], 10, &["A other.md"]),
        ]);
        let order = walk(&log, 0);
        let settled = HashSet::new();
        let (trails, pending) = follow(&log, &order, &["new.md", "other.md"], Some(&settled));
        assert_eq!(pending.into_iter().collect::<Vec<_>>(), [(0, 0)]);
        assert_eq!(trails[0].changes, [(0, 0)]);
        // The root's creations need no detection: nothing came before.
        assert_eq!(trails[1].changes, [(0, 1), (1, 0)]);
    }

    #[test]
    fn a_commit_that_moves_and_deletes_switches_paths_after_the_whole_commit() {
        // c moves a.md to b.md, which also deletes a.md; b.md's trail must not
        // take that deletion as one more change of its own.
        let log = log(&[
            ("c", &["r"], 20, &["R a.md b.md", "D a.md"]),
            ("r", &[], 10, &["A a.md"]),
        ]);
        assert_eq!(trail(&log, "c", "b.md"), ["c", "r"]);
    }
}
