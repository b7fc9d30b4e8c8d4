//! The one `git log` pass: every commit reachable from `HEAD` and the
//! published tags, newest first in topological order, with every file it
//! changed in the repository.
//!
//! `--raw --no-abbrev --no-renames` gives one entry per changed path with
//! the blob on each side (what redlines need). Where a path came from when
//! it was created is git's rename and copy detection, asked only where a
//! page's history needs it ([`super::follow`]). Merge commits list no files.
//! Trailers are parsed by git itself (`%(trailers)`), `Approved-by:` apart
//! from `Reviewed-by:`; [`super::credit`] then says which pull request
//! brought each commit into the main line.

use std::collections::HashMap;

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
    /// What the commit did to each path against its parent, one entry per
    /// path (top-relative); none for merges.
    pub changes: Vec<Change>,
    /// The pull or merge request that brought this commit into the main
    /// line ([`super::credit`]).
    pub request: Option<u64>,
    /// `Approved-by:` names of this commit and of the merge that brought it
    /// in, in order, each once, without e-mail.
    pub approvals: Vec<String>,
    /// `Reviewed-by:` names, the same way.
    pub reviews: Vec<String>,
}

/// What one commit did to one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `A`dded, `M`odified, `D`eleted, `T`ype changed; a created path that
    /// git's detection says came from another file is `R`enamed or `C`opied.
    pub status: char,
    /// The path it came from (renames and copies only), top-relative.
    pub from: Option<String>,
    /// The path, relative to the repository's top.
    pub path: String,
    /// Blob before (of `from` for a rename or copy), `None` for an addition.
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

const FORMAT: &str = "--format=%x1e%H%x1f%P%x1f%an%x1f%ct%x1f\
    %(trailers:key=Approved-by,valueonly,unfold,separator=%x1d)%x1f\
    %(trailers:key=Reviewed-by,valueonly,unfold,separator=%x1d)%x1f%B%x1f";

/// Reads the history reachable from `revs` (commit ids or `HEAD`).
pub fn read(repo: &Repo, revs: &[String]) -> Result<Log, Unavailable> {
    let mut args = vec![
        "log",
        "-z",
        "--topo-order",
        "--raw",
        "--root",
        "--no-abbrev",
        "--no-renames",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        FORMAT,
    ];
    args.extend(revs.iter().map(String::as_str));
    args.push("--");
    let out = git::run(&repo.toplevel, &args)?;
    Ok(parse(&out))
}

/// Parses the output of [`read`]'s `git log`. Tolerant: a malformed record
/// ends the parse with what was read so far.
pub fn parse(out: &[u8]) -> Log {
    const FIELDS: usize = 6;
    let mut raws: Vec<(Vec<String>, String, Vec<Change>)> = Vec::new();
    let mut pos = 0;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    while pos < out.len() {
        if out[pos] != 0x1e {
            pos += 1;
            continue;
        }
        pos += 1;
        let mut fields = Vec::with_capacity(FIELDS);
        for _ in 0..FIELDS {
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
            let Some((entry, next)) = raw_entry(out, pos) else {
                return finish(raws);
            };
            changes.push(entry.change);
            pos = next;
            while pos < out.len() && out[pos] == b'\n' {
                pos += 1;
            }
        }
        raws.push((fields, message, changes));
    }
    return finish(raws);

    fn finish(raws: Vec<(Vec<String>, String, Vec<Change>)>) -> Log {
        let by_hash: HashMap<String, usize> = raws.iter().enumerate().map(|(i, r)| (r.0[0].clone(), i)).collect();
        let commits = raws
            .into_iter()
            .map(|(f, message, changes)| {
                let (subject, body) = split_message(&message);
                Commit {
                    parents: f[1]
                        .split_whitespace()
                        .filter_map(|p| by_hash.get(p).copied())
                        .collect(),
                    author: f[2].clone(),
                    time: f[3].trim().parse().unwrap_or(0),
                    approvals: names(&f[4]),
                    reviews: names(&f[5]),
                    hash: f[0].clone(),
                    request: None,
                    subject,
                    body,
                    changes,
                }
            })
            .collect();
        Log { commits, by_hash }
    }
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// One entry of `--raw -z` output, with the similarity of a rename or copy.
pub(super) struct RawEntry {
    pub change: Change,
    /// `R097` → 97; 0 for other statuses.
    pub score: u8,
}

/// `:100644 100644 <old> <new> M\0path\0` (a second path for renames and
/// copies); returns the entry and the position after it.
pub(super) fn raw_entry(out: &[u8], pos: usize) -> Option<(RawEntry, usize)> {
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
    let score = status.get(1..).and_then(|s| s.parse().ok()).unwrap_or(0);
    Some((RawEntry { change, score }, next))
}

fn split_message(message: &str) -> (String, String) {
    let message = message.trim();
    let (subject, body) = message.split_once('\n').unwrap_or((message, ""));
    (subject.trim().to_string(), body.trim().to_string())
}

/// Trailer values as git printed them (separated by `\x1d`), as names:
/// the e-mail dropped, each name once.
fn names(values: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in values.split('\x1d') {
        let name = value.split('<').next().unwrap_or_default().trim();
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out
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

    /// One commit as [`read`]'s `git log` prints it.
    pub(crate) fn record(
        hash: &str,
        parents: &str,
        time: i64,
        trailers: (&str, &str),
        msg: &str,
        raw: &[(&str, &str, &[&str])],
    ) -> Vec<u8> {
        let (approved, reviewed) = trailers;
        let mut out = format!("\x1e{hash}\x1f{parents}\x1fAl\x1f{time}\x1f{approved}\x1f{reviewed}\x1f{msg}\x1f\0\n")
            .into_bytes();
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
    fn parses_changes_messages_and_trailers_apart() {
        let mut out = record(
            "c2",
            "c1",
            200,
            (
                "General Counsel <gc@x>\x1dDan\x1dGeneral Counsel <other@x>",
                "Carol Counsel <c@x>",
            ),
            "Tighten policy\n\nMore words.\n\nApproved-by: General Counsel <gc@x>\n",
            &[("100644 100644 aaa bbb", "M", &["content/policies/x.md"])],
        );
        let meta = format!("000000 100644 {ZERO} aaa");
        out.extend(record(
            "c1",
            "",
            100,
            ("", ""),
            "Add x (#7)\n",
            &[(&meta, "A", &["content/policies/x.md"])],
        ));
        let log = parse(&out);
        assert_eq!(log.commits.len(), 2);
        let c2 = &log.commits[0];
        assert_eq!(c2.parents, [1]);
        assert_eq!(
            (c2.subject.as_str(), c2.body.as_str()),
            ("Tighten policy", "More words.\n\nApproved-by: General Counsel <gc@x>")
        );
        assert_eq!(c2.approvals, ["General Counsel", "Dan"]);
        assert_eq!(c2.reviews, ["Carol Counsel"]);
        assert_eq!(c2.changes[0].status, 'M');
        assert_eq!(c2.changes[0].path, "content/policies/x.md");
        assert_eq!(c2.changes[0].old_blob.as_deref(), Some("aaa"));
        let c1 = &log.commits[1];
        assert!(c1.parents.is_empty());
        assert!(c1.approvals.is_empty() && c1.reviews.is_empty());
        assert_eq!(c1.changes[0].old_blob, None);
        assert_eq!(c1.changes[0].new_blob.as_deref(), Some("aaa"));
    }

    #[test]
    fn odd_bytes_in_paths_and_messages_do_not_break_the_parse() {
        let out = record(
            "c1",
            "",
            1,
            ("", ""),
            "Sub\x1eject",
            &[("000000 100644 0000 abcd", "A", &["a\x1fb\nc.md"])],
        );
        let log = parse(&out);
        assert_eq!(log.commits.len(), 1);
        assert_eq!(log.commits[0].changes[0].path, "a\x1fb\nc.md");
        assert!(parse(b"\x1eonly\x1fhalf").commits.is_empty());
    }

    #[test]
    fn raw_entries_carry_the_similarity_of_renames_and_copies() {
        let out = b":100644 100644 aaa bbb R087\0old.md\0new.md\0:100644 100644 ccc ccc C100\0t.md\0copy.md\0";
        let (r, next) = raw_entry(out, 0).unwrap();
        assert_eq!((r.change.status, r.score), ('R', 87));
        assert_eq!(
            (r.change.from.as_deref(), r.change.path.as_str()),
            (Some("old.md"), "new.md")
        );
        let (c, end) = raw_entry(out, next).unwrap();
        assert_eq!(
            (c.change.status, c.score, c.change.path.as_str()),
            ('C', 100, "copy.md")
        );
        assert_eq!(end, out.len());
    }

    #[test]
    fn request_numbers() {
        assert_eq!(request_number("Merge pull request #12 from a/b", ""), Some(12));
        assert_eq!(request_number("Tighten retention (#345)", ""), Some(345));
        assert_eq!(
            request_number(
                "Merge branch 'x' into 'main'",
                "Retention\n\nSee merge request legal/handbook!9"
            ),
            Some(9)
        );
        assert_eq!(request_number("Fix #3 in text", ""), None);
        assert_eq!(request_number("Merge branch 'main' into feature", ""), None);
    }
}
