//! Which pull request brought each commit into the main line.
//!
//! The main line is the first-parent history of `HEAD`. A commit on it that
//! is not a merge landed directly: it is its own pull request when its
//! subject says so (a squash merge, `Tighten retention (#123)`), else it has
//! none. A merge `M` on it brought in `M^1..M^2`, the commits reachable from
//! its other parents and not from its first: they belong to `M`'s pull
//! request (`Merge pull request #412 from …`, GitLab's `See merge request
//! group/project!12`) and carry its `Approved-by:` and `Reviewed-by:`
//! trailers. Each commit belongs to the oldest main-line commit that
//! contains it, so a back-merge (main merged into a feature branch, off the
//! main line) never credits again what main already had.
//!
//! A commit reachable only from published tags is credited the same way
//! along the first-parent line of the newest tag that contains it.

use super::log::{Log, request_number};

/// Credits every commit reachable from `starts` (`HEAD` first, then the
/// tags newest first), in place.
pub fn credit(log: &mut Log, starts: &[usize]) {
    let landing = landings(log, starts);
    let own: Vec<Option<u64>> = log
        .commits
        .iter()
        .map(|c| request_number(&c.subject, &c.body))
        .collect();
    for id in 0..log.commits.len() {
        let Some(by) = landing[id] else { continue };
        let (approvals, reviews) = if by == id {
            (Vec::new(), Vec::new())
        } else {
            let m = &log.commits[by];
            (m.approvals.clone(), m.reviews.clone())
        };
        let c = &mut log.commits[id];
        // A merge without a number ("Merge branch 'release'") leaves the commit's own.
        c.request = if by == id { own[id] } else { own[by].or(own[id]) };
        extend_unique(&mut c.approvals, approvals);
        extend_unique(&mut c.reviews, reviews);
    }
}

fn extend_unique(names: &mut Vec<String>, more: Vec<String>) {
    for n in more {
        if !names.contains(&n) {
            names.push(n);
        }
    }
}

/// For each commit, the main-line commit that brought it in (itself when
/// it is on the main line); `None` when no start reaches it.
pub fn landings(log: &Log, starts: &[usize]) -> Vec<Option<usize>> {
    let mut landing: Vec<Option<usize>> = vec![None; log.commits.len()];
    for &start in starts {
        // The first-parent line, down to where an earlier start's history begins.
        let mut line = Vec::new();
        let mut at = Some(start);
        while let Some(id) = at.filter(|&id| landing[id].is_none()) {
            line.push(id);
            at = log.commits[id].parents.first().copied();
        }
        // Oldest first: everything reachable from a line commit's first
        // parent is then taken, so what is left is exactly `M^1..M`.
        for &m in line.iter().rev() {
            landing[m] = Some(m);
            let mut todo: Vec<usize> = log.commits[m].parents.iter().skip(1).copied().collect();
            while let Some(id) = todo.pop() {
                if landing[id].is_some() {
                    continue;
                }
                landing[id] = Some(m);
                todo.extend(
                    log.commits[id]
                        .parents
                        .iter()
                        .copied()
                        .filter(|&p| landing[p].is_none()),
                );
            }
        }
    }
    landing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::log::Commit;

    /// `(hash, parents, subject, approvals, reviews)`.
    type Spec<'a> = (&'a str, &'a [&'a str], &'a str, &'a [&'a str], &'a [&'a str]);

    /// A log from specs, newest first.
    fn log(commits: &[Spec]) -> Log {
        let mut log = Log::default();
        for (i, (hash, ..)) in commits.iter().enumerate() {
            log.by_hash.insert(hash.to_string(), i);
        }
        for (i, (hash, parents, subject, approvals, reviews)) in commits.iter().enumerate() {
            let (subject, body) = subject.split_once("\n\n").unwrap_or((subject, ""));
            log.commits.push(Commit {
                hash: hash.to_string(),
                parents: parents.iter().map(|p| log.by_hash[*p]).collect(),
                author: "Al".into(),
                time: 1000 - i as i64,
                subject: subject.into(),
                body: body.into(),
                changes: Vec::new(),
                request: None,
                approvals: approvals.iter().map(|s| s.to_string()).collect(),
                reviews: reviews.iter().map(|s| s.to_string()).collect(),
            });
        }
        log
    }

    fn request(log: &Log, hash: &str) -> Option<u64> {
        log.commits[log.by_hash[hash]].request
    }

    /// main: a - b - m1(#12: f1, f2) - d - m2(#13: g1, back, g2) - s(squash #14)
    /// `back` merges main (b) into the second feature branch.
    fn history() -> Log {
        log(&[
            ("s", &["m2"], "Tighten retention (#14)", &[], &[]),
            (
                "m2",
                &["d", "g2"],
                "Merge pull request #13 from org/two\n\nApproved-by: GC",
                &["GC"],
                &[],
            ),
            ("g2", &["back"], "Two, again", &[], &["Carol"]),
            ("back", &["g1", "m1"], "Merge branch 'main' into two", &[], &[]),
            ("d", &["m1"], "Direct fix", &[], &[]),
            ("m1", &["b", "f2"], "Merge pull request #12 from org/one", &[], &["Dan"]),
            ("g1", &["b"], "Two", &[], &[]),
            ("f2", &["f1"], "One, again", &[], &[]),
            ("f1", &["b"], "One", &[], &[]),
            ("b", &["a"], "Second", &[], &[]),
            ("a", &[], "First", &[], &[]),
        ])
    }

    #[test]
    fn commits_belong_to_the_merge_that_first_brought_them_in() {
        let mut log = history();
        let head = log.by_hash["s"];
        credit(&mut log, &[head]);
        assert_eq!(request(&log, "f1"), Some(12));
        assert_eq!(request(&log, "f2"), Some(12));
        assert_eq!(request(&log, "m1"), Some(12));
        // The back-merge brought m1, f1, f2 into the branch of #13: they stay #12's.
        assert_eq!(request(&log, "g1"), Some(13));
        assert_eq!(request(&log, "back"), Some(13));
        assert_eq!(request(&log, "g2"), Some(13));
        // Direct commits on the main line have none; a squash commit is its own.
        assert_eq!(request(&log, "d"), None);
        assert_eq!(request(&log, "a"), None);
        assert_eq!(request(&log, "s"), Some(14));
    }

    #[test]
    fn trailers_of_the_merge_travel_with_the_commits_it_brought_in() {
        let mut log = history();
        let head = log.by_hash["s"];
        credit(&mut log, &[head]);
        let get = |h: &str| &log.commits[log.by_hash[h]];
        assert_eq!(
            (get("g2").approvals.clone(), get("g2").reviews.clone()),
            (vec!["GC".to_string()], vec!["Carol".to_string()])
        );
        assert_eq!(get("f1").reviews, ["Dan"]);
        assert!(get("f1").approvals.is_empty());
        // Not re-credited by m2's approval through the back-merge.
        assert!(get("f2").approvals.is_empty());
        assert!(get("d").approvals.is_empty() && get("d").reviews.is_empty());
    }

    #[test]
    fn commits_only_a_tag_reaches_follow_the_tags_first_parent_line() {
        // HEAD is h; the tag t is on a release line that HEAD never merged.
        let mut log = log(&[
            ("t", &["r", "x"], "Merge pull request #7 from org/hotfix", &[], &[]),
            ("x", &["r"], "Hotfix", &[], &[]),
            ("h", &["r"], "Main work", &[], &[]),
            ("r", &[], "Root", &[], &[]),
        ]);
        let (h, t) = (log.by_hash["h"], log.by_hash["t"]);
        let landing = landings(&log, &[h, t]);
        assert_eq!(landing[log.by_hash["r"]], Some(log.by_hash["r"]));
        assert_eq!(landing[log.by_hash["x"]], Some(t));
        credit(&mut log, &[h, t]);
        assert_eq!(request(&log, "x"), Some(7));
        assert_eq!(request(&log, "h"), None);
    }

    #[test]
    fn a_merge_without_a_number_leaves_a_squash_commits_own() {
        let mut log = log(&[
            ("m", &["a", "q"], "Merge branch 'release'", &[], &[]),
            ("q", &["a"], "Squashed work (#31)", &[], &[]),
            ("a", &[], "Root", &[], &[]),
        ]);
        let head = log.by_hash["m"];
        credit(&mut log, &[head]);
        assert_eq!(request(&log, "q"), Some(31));
        assert_eq!(request(&log, "m"), None);
    }
}
