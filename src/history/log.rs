//! The one `git log` pass: every commit, newest first in topological order,
//! with the files it changed under the content folder.
//!
//! The log is read once per build for the whole site with
//! `--raw --no-abbrev -M --relative=<content>/`, so each change carries the
//! blob ids on both sides (what redlines need) and renames are recognised.
//! Merge commits list no files; they matter for who reviewed what: a commit
//! brought in by "Merge pull request #12" is credited to pull request 12.

use std::collections::{BinaryHeap, HashMap};

use super::git::{self, Repo, Unavailable};

/// One commit of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub hash: String,
    /// Indexes of the parents in [`Log::commits`]; a parent outside the log
    /// (the edge of a shallow clone) is left out.
    pub parents: Vec<usize>,
    pub author: String,
    /// Committer time, seconds since the epoch (UTC): when the change landed.
    pub time: i64,
    pub subject: String,
    /// The message after the subject, trimmed.
    pub body: String,
    pub changes: Vec<Change>,
    /// A pull or merge request number from the subject of this commit or of
    /// the merge that brought it in.
    pub request: Option<u64>,
    /// `Reviewed-by:` and `Approved-by:` names, of this commit and of the
    /// merge that brought it in, in order, each once.
    pub reviewers: Vec<String>,
}

/// One file changed by a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `A`dded, `M`odified, `D`eleted, `R`enamed, `C`opied, `T`ype changed.
    pub status: char,
    /// Content-relative path before the change (renames and copies only).
    pub from: Option<String>,
    /// Content-relative path after the change (the deleted path for `D`).
    pub path: String,
    /// Blob before, `None` for an addition.
    pub old_blob: Option<String>,
    /// Blob after, `None` for a deletion.
    pub new_blob: Option<String>,
}

/// The whole history, newest first; every parent comes after its children.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub commits: Vec<Commit>,
    pub by_hash: HashMap<String, usize>,
}

const FORMAT: &str = "--format=%x1e%H%x1f%P%x1f%an%x1f%ct%x1f%B%x1f";

/// Reads the history reachable from `revs` (commit ids or `HEAD`).
pub fn read(repo: &Repo, revs: &[String]) -> Result<Log, Unavailable> {
    let relative = format!("--relative={}", repo.content_prefix);
    let mut args = vec![
        "log",
        "-z",
        "--topo-order",
        "--raw",
        "--no-abbrev",
        "-M",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        FORMAT,
    ];
    if !repo.content_prefix.is_empty() {
        args.push(&relative);
    }
    args.extend(revs.iter().map(String::as_str));
    args.push("--");
    let out = git::run(&repo.toplevel, &args)?;
    Ok(parse(&out))
}

/// Parses the output of [`read`]'s `git log`. Tolerant: a malformed record
/// ends the parse with what was read so far.
pub fn parse(out: &[u8]) -> Log {
    struct Raw {
        hash: String,
        parents: Vec<String>,
        author: String,
        time: i64,
        message: String,
        changes: Vec<Change>,
    }
    let mut raws: Vec<Raw> = Vec::new();
    let mut pos = 0;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    while pos < out.len() {
        if out[pos] != 0x1e {
            pos += 1;
            continue;
        }
        pos += 1;
        let mut fields = Vec::with_capacity(4);
        for _ in 0..4 {
            let Some(end) = find(out, pos, &[0x1f]) else {
                return finish(raws);
            };
            fields.push(text(&out[pos..end]));
            pos = end + 1;
        }
        // The message has no NUL; it ends at the last field separator before one.
        let Some(end) = find(out, pos, &[0x1f, 0]).or_else(|| find(out, pos, &[0x1f])) else {
            return finish(raws);
        };
        let message = text(&out[pos..end]);
        pos = end + 1;
        while pos < out.len() && (out[pos] == 0 || out[pos] == b'\n') {
            pos += 1;
        }
        let mut changes = Vec::new();
        while pos < out.len() && out[pos] == b':' {
            let Some((change, next)) = raw_entry(out, pos) else {
                return finish(raws);
            };
            changes.extend(change);
            pos = next;
            while pos < out.len() && out[pos] == b'\n' {
                pos += 1;
            }
        }
        raws.push(Raw {
            hash: fields[0].clone(),
            parents: fields[1].split_whitespace().map(str::to_string).collect(),
            author: fields[2].clone(),
            time: fields[3].trim().parse().unwrap_or(0),
            message,
            changes,
        });
    }
    return finish(raws);

    fn finish(raws: Vec<Raw>) -> Log {
        let by_hash: HashMap<String, usize> = raws.iter().enumerate().map(|(i, r)| (r.hash.clone(), i)).collect();
        let commits = raws
            .into_iter()
            .map(|r| {
                let (subject, body) = split_message(&r.message);
                Commit {
                    parents: r.parents.iter().filter_map(|p| by_hash.get(p).copied()).collect(),
                    request: request_number(&subject, &body),
                    reviewers: trailers(&body),
                    hash: r.hash,
                    author: r.author,
                    time: r.time,
                    subject,
                    body,
                    changes: r.changes,
                }
            })
            .collect();
        let mut log = Log { commits, by_hash };
        credit_merges(&mut log);
        log
    }
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// `:100644 100644 <old> <new> M\0path\0` (a second path for renames and copies).
fn raw_entry(out: &[u8], pos: usize) -> Option<(Option<Change>, usize)> {
    let meta_end = find(out, pos, &[0])?;
    let meta = String::from_utf8_lossy(&out[pos + 1..meta_end]).into_owned();
    let parts: Vec<&str> = meta.split(' ').collect();
    let [old_mode, new_mode, old, new, status] = parts.as_slice() else {
        return None;
    };
    let status_char = status.chars().next().unwrap_or('M');
    let first_end = find(out, meta_end + 1, &[0])?;
    let first = String::from_utf8_lossy(&out[meta_end + 1..first_end]).into_owned();
    let (from, path, next) = if matches!(status_char, 'R' | 'C') {
        let second_end = find(out, first_end + 1, &[0])?;
        let second = String::from_utf8_lossy(&out[first_end + 1..second_end]).into_owned();
        (Some(first), second, second_end + 1)
    } else {
        (None, first, first_end + 1)
    };
    let blob = |mode: &str, oid: &str| (!oid.bytes().all(|b| b == b'0') && mode != "160000").then(|| oid.to_string());
    let change = Change {
        status: status_char,
        from,
        path,
        old_blob: blob(old_mode, old),
        new_blob: blob(new_mode, new),
    };
    Some((Some(change), next))
}

fn split_message(message: &str) -> (String, String) {
    let message = message.trim();
    let (subject, body) = message.split_once('\n').unwrap_or((message, ""));
    (subject.trim().to_string(), body.trim().to_string())
}

/// `Merge pull request #12 from …`, `Fix typo (#12)` (squash merges) and
/// GitLab's `See merge request group/project!12`.
pub fn request_number(subject: &str, body: &str) -> Option<u64> {
    let digits = |s: &str| -> Option<u64> {
        let d: String = s.chars().take_while(char::is_ascii_digit).collect();
        d.parse().ok()
    };
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        return digits(rest);
    }
    if let Some(open) = subject.rfind("(#")
        && subject.trim_end().ends_with(')')
    {
        return digits(&subject[open + 2..]);
    }
    for line in body.lines() {
        if let Some(rest) = line.trim().strip_prefix("See merge request ")
            && let Some(bang) = rest.rfind('!')
        {
            return digits(&rest[bang + 1..]);
        }
    }
    None
}

/// Names from `Reviewed-by:` and `Approved-by:` trailers, without e-mail.
pub fn trailers(body: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in body.lines() {
        let line = line.trim();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        if key != "reviewed-by" && key != "approved-by" {
            continue;
        }
        let name = value.split('<').next().unwrap_or_default().trim();
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// Credits every commit a merge brought in (reachable from its second
/// parent but not its first) with the merge's request number and reviewers.
/// Newer merges are processed first, so a commit gets the merge that
/// first brought it into the mainline... of the newest such merge; either
/// way, each commit is credited at most once.
fn credit_merges(log: &mut Log) {
    let generation = generations(log);
    for m in 0..log.commits.len() {
        let c = &log.commits[m];
        if c.parents.len() < 2 || (c.request.is_none() && c.reviewers.is_empty()) {
            continue;
        }
        let (request, reviewers) = (c.request, c.reviewers.clone());
        let (first, second) = (c.parents[0], c.parents[1]);
        for id in brought_in(log, &generation, first, second) {
            let commit = &mut log.commits[id];
            if commit.request.is_none() {
                commit.request = request;
            }
            for r in &reviewers {
                if !commit.reviewers.contains(r) {
                    commit.reviewers.push(r.clone());
                }
            }
        }
    }
}

/// Topological depth of every commit: 1 + the deepest parent.
fn generations(log: &Log) -> Vec<u32> {
    let mut g = vec![0u32; log.commits.len()];
    // Parents come after their children, so walk from the end.
    for i in (0..log.commits.len()).rev() {
        g[i] = 1 + log.commits[i].parents.iter().map(|&p| g[p]).max().unwrap_or(0);
    }
    g
}

/// Commits reachable from `second` and not from `first`, by painting both
/// sides down in generation order until only first-side commits are left.
fn brought_in(log: &Log, generation: &[u32], first: usize, second: usize) -> Vec<usize> {
    const FIRST: u8 = 1;
    const SECOND: u8 = 2;
    let mut flags: HashMap<usize, u8> = HashMap::new();
    let mut queue = BinaryHeap::new();
    // Queued commits painted by the second side only: the walk ends at zero.
    let mut second_only = 0usize;
    let mut out = Vec::new();
    let paint = |id: usize,
                 f: u8,
                 flags: &mut HashMap<usize, u8>,
                 queue: &mut BinaryHeap<(u32, usize)>,
                 second_only: &mut usize| {
        match flags.get(&id).copied() {
            None => {
                flags.insert(id, f);
                queue.push((generation[id], id));
                if f == SECOND {
                    *second_only += 1;
                }
            }
            Some(old) if old & 0x80 == 0 && old | f != old => {
                // Still queued: its flags may grow.
                if old == SECOND {
                    *second_only -= 1;
                }
                flags.insert(id, old | f);
            }
            _ => {}
        }
    };
    paint(first, FIRST, &mut flags, &mut queue, &mut second_only);
    paint(second, SECOND, &mut flags, &mut queue, &mut second_only);
    while second_only > 0 {
        let Some((_, id)) = queue.pop() else { break };
        let f = flags[&id];
        // Mark as popped; parents inherit the final flags.
        flags.insert(id, f | 0x80);
        if f == SECOND {
            second_only -= 1;
            out.push(id);
        }
        for &p in &log.commits[id].parents {
            paint(p, f, &mut flags, &mut queue, &mut second_only);
        }
    }
    out
}

impl Log {
    /// Which commits are reachable from `start` (an index).
    pub fn reachable(&self, start: usize) -> Vec<bool> {
        let mut seen = vec![false; self.commits.len()];
        let mut todo = vec![start];
        while let Some(c) = todo.pop() {
            if std::mem::replace(&mut seen[c], true) {
                continue;
            }
            todo.extend(self.commits[c].parents.iter().copied().filter(|&p| !seen[p]));
        }
        seen
    }

    /// The ten-character abbreviation used in URLs.
    pub fn short(&self, id: usize) -> &str {
        let h = &self.commits[id].hash;
        &h[..h.len().min(10)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(hash: &str, parents: &str, author: &str, time: i64, msg: &str, raw: &[(&str, &str, &[&str])]) -> Vec<u8> {
        let mut out = format!("\x1e{hash}\x1f{parents}\x1f{author}\x1f{time}\x1f{msg}\x1f\0\n").into_bytes();
        for (meta, status, paths) in raw {
            out.extend(format!(":{meta} {status}\0").into_bytes());
            for p in *paths {
                out.extend(p.as_bytes());
                out.push(0);
            }
        }
        out
    }

    const ZERO: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn parses_changes_renames_and_messages() {
        let mut out = record(
            "c2",
            "c1",
            "Bea",
            200,
            "Move policy\n\nReviewed-by: Carol <c@x>\nApproved-by: Dan\n",
            &[(
                "100644 100644 aaa bbb",
                "R097",
                &["policies/x.md", "policies/privacy/x.md"],
            )],
        );
        let meta = format!("000000 100644 {ZERO} aaa");
        out.extend(record(
            "c1",
            "",
            "Al",
            100,
            "Add x (#7)\n",
            &[(&meta, "A", &["policies/x.md"])],
        ));
        let log = parse(&out);
        assert_eq!(log.commits.len(), 2);
        let c2 = &log.commits[0];
        assert_eq!(c2.parents, [1]);
        assert_eq!(c2.subject, "Move policy");
        assert_eq!(c2.reviewers, ["Carol", "Dan"]);
        assert_eq!(c2.changes[0].status, 'R');
        assert_eq!(c2.changes[0].from.as_deref(), Some("policies/x.md"));
        assert_eq!(c2.changes[0].path, "policies/privacy/x.md");
        let c1 = &log.commits[1];
        assert_eq!(c1.request, Some(7));
        assert_eq!(c1.changes[0].old_blob, None);
        assert_eq!(c1.changes[0].new_blob.as_deref(), Some("aaa"));
    }

    #[test]
    fn odd_bytes_in_paths_and_messages_do_not_break_the_parse() {
        let out = record(
            "c1",
            "",
            "Al",
            1,
            "Sub\x1eject",
            &[("000000 100644 0000 abcd", "A", &["a\x1fb\nc.md"])],
        );
        let log = parse(&out);
        assert_eq!(log.commits.len(), 1);
        assert_eq!(log.commits[0].changes[0].path, "a\x1fb\nc.md");
        assert!(parse(b"\x1eonly\x1fhalf").commits.is_empty());
    }

    #[test]
    fn merges_credit_the_commits_they_bring_in() {
        // m merges side branch s2 -> s1 into mainline a; b is on mainline.
        let mut out = record(
            "m",
            "b s2",
            "Gh",
            50,
            "Merge pull request #12 from x/y\n\nApproved-by: GC\n",
            &[],
        );
        out.extend(record("s2", "s1", "Al", 40, "Two", &[]));
        out.extend(record("b", "a", "Bea", 35, "Mainline", &[]));
        out.extend(record("s1", "a", "Al", 30, "One", &[]));
        out.extend(record("a", "", "Al", 10, "Root", &[]));
        let log = parse(&out);
        let get = |h: &str| &log.commits[log.by_hash[h]];
        assert_eq!(get("s1").request, Some(12));
        assert_eq!(get("s2").reviewers, ["GC"]);
        assert_eq!(get("b").request, None);
        assert_eq!(get("a").request, None);
    }

    #[test]
    fn request_numbers() {
        assert_eq!(request_number("Merge pull request #12 from a/b", ""), Some(12));
        assert_eq!(request_number("Tighten retention (#345)", ""), Some(345));
        assert_eq!(
            request_number("Merge branch 'x'", "See merge request legal/handbook!9"),
            Some(9)
        );
        assert_eq!(request_number("Fix #3 in text", ""), None);
    }
}
