//! The register as it stood on a past day: every policy and goal as
//! committed by the end of that day (in the configured time zone), read
//! from git and parsed with the real front matter parser.
//!
//! The log is replayed oldest first up to the day, file by file: a file
//! stands as its last commit on or before the day left it (renames move
//! it, deletions remove it). Before the content's first commit git knows
//! nothing; the files then stand as first committed, and the snapshot says
//! so ([`Basis::FirstCommit`]). Audiences and drafts are those of each
//! file (and of its sections' `_index.md`) on that day.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use super::History;
use super::log::Log;
use crate::config::Config;
use crate::kind::Kind;
use crate::model::audience::{self, Audience, is_draft};
use crate::model::policy;
use crate::parse::front_matter::{self, FrontMatter};
use crate::source::{self, FileKind};
use crate::{diag, paths};

/// A policy or goal file as it stood on the day.
#[derive(Debug, Clone)]
pub struct Standing {
    /// Content-relative path on that day.
    pub rel: String,
    /// The commit and change that last touched it on or before the day.
    pub commit: usize,
    pub change: usize,
    pub kind: Kind,
    pub front: FrontMatter,
    /// Its audience on that day, made stricter by its sections' own; `None`
    /// when one of them is not a configured audience (nobody sees it).
    pub audience: Option<String>,
}

impl Standing {
    /// Whether `who` could see it on that day, drafts never.
    pub fn seen_by(&self, config: &Config, who: &Audience) -> bool {
        !is_draft(&self.front) && self.audience.as_deref().is_some_and(|a| who.sees(config, a))
    }

    /// Its lifecycle on `day` (a policy's).
    pub fn lifecycle(&self, day: Date, config: &Config) -> policy::Lifecycle {
        policy::lifecycle(&self.front, day, config.review_due_days)
    }
}

/// Where a snapshot's files come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// As committed by the end of the day.
    Git,
    /// The day is before the content's first commit, made on `first`: the
    /// files as first committed stand for it.
    FirstCommit { first: Date },
}

/// The policies and goals of one day, sorted by path.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub day: Date,
    pub basis: Basis,
    pub pages: Vec<Standing>,
    /// Policy and goal files whose front matter could not be read as they
    /// stood (it had errors then): left out, by path.
    pub unreadable: Vec<String>,
}

impl Snapshot {
    pub fn policies(&self) -> impl Iterator<Item = &Standing> {
        self.pages.iter().filter(|s| s.kind == Kind::Policy)
    }

    pub fn goals(&self) -> impl Iterator<Item = &Standing> {
        self.pages.iter().filter(|s| s.kind == Kind::Goal)
    }
}

/// The commits reachable from `start` (an index into the log), oldest first.
fn oldest_first(log: &Log, start: usize) -> Vec<usize> {
    let reachable = log.reachable(start);
    (0..log.commits.len()).rev().filter(|&c| reachable[c]).collect()
}

/// The first second after `day` in `tz`: commits before it are on or
/// before the day.
fn end_of(day: Date, tz: &jiff::tz::TimeZone) -> i64 {
    day.tomorrow()
        .ok()
        .and_then(|d| d.to_zoned_datetime(tz.clone()).ok())
        .map_or(i64::MAX, |z| z.timestamp().as_second())
}

/// The content files standing at the end of `day`: content-relative path
/// → (commit, change). The log's paths are relative to the repository's
/// top; `prefix` is the content folder's there.
fn replay(log: &Log, commits: &[usize], before: i64, prefix: &str) -> BTreeMap<String, (usize, usize)> {
    let mut files = BTreeMap::new();
    let rel = |p: &str| p.strip_prefix(prefix).map(str::to_string);
    for &c in commits {
        let commit = &log.commits[c];
        if commit.time >= before {
            continue;
        }
        for (n, ch) in commit.changes.iter().enumerate() {
            if ch.status == 'R'
                && let Some(from) = ch.from.as_deref().and_then(rel)
            {
                files.remove(&from);
            }
            let Some(path) = rel(&ch.path) else {
                continue;
            };
            if ch.status == 'D' {
                files.remove(&path);
            } else {
                files.insert(path, (c, n));
            }
        }
    }
    files
}

/// The register at the end of `day`, from the history reachable from
/// `start`; `None` when no content was ever committed there.
pub fn at(history: &History, start: usize, day: Date, config: &Config) -> Option<Snapshot> {
    Snapshots::new(history, start, config).at(day)
}

/// The files standing on a day: path → (commit, change).
type Files = BTreeMap<String, (usize, usize)>;

/// Snapshots of many days from one history: days on which the same files
/// stood share one reading of their front matter.
pub struct Snapshots<'h> {
    history: &'h History,
    config: &'h Config,
    commits: Vec<usize>,
    read: BTreeMap<Files, (Vec<Standing>, Vec<String>)>,
}

impl<'h> Snapshots<'h> {
    pub fn new(history: &'h History, start: usize, config: &'h Config) -> Snapshots<'h> {
        Snapshots {
            history,
            config,
            commits: oldest_first(&history.log, start),
            read: BTreeMap::new(),
        }
    }

    /// The day the content was first committed, in the configured zone.
    pub fn first_day(&self) -> Option<Date> {
        let log = &self.history.log;
        let &first = self.commits.iter().find(|&&c| !log.commits[c].changes.is_empty())?;
        let t = jiff::Timestamp::from_second(log.commits[first].time).ok()?;
        Some(self.config.timezone.to_datetime(t).date())
    }

    /// The register at the end of `day`; `None` when no content was ever committed.
    pub fn at(&mut self, day: Date) -> Option<Snapshot> {
        let log = &self.history.log;
        let &first = self.commits.iter().find(|&&c| !log.commits[c].changes.is_empty())?;
        let first_time = log.commits[first].time;
        let tz = &self.config.timezone;
        let before = end_of(day, tz);
        let prefix = self.history.repo.content_prefix.as_str();
        let (files, basis) = if first_time >= before {
            let first_day = jiff::Timestamp::from_second(first_time)
                .map(|t| tz.to_datetime(t).date())
                .unwrap_or(day);
            (
                replay(log, &self.commits, first_time + 1, prefix),
                Basis::FirstCommit { first: first_day },
            )
        } else {
            (replay(log, &self.commits, before, prefix), Basis::Git)
        };
        let (history, config) = (self.history, self.config);
        let (pages, unreadable) = self
            .read
            .entry(files)
            .or_insert_with_key(|files| read(history, files, config))
            .clone();
        Some(Snapshot {
            day,
            basis,
            pages,
            unreadable,
        })
    }
}

/// A file that may matter: a page whose path or front matter makes it a
/// policy or goal, or a section page that may set an audience.
struct Candidate<'a> {
    rel: &'a str,
    at: (usize, usize),
    oid: String,
    section: bool,
}

fn candidates<'a>(
    history: &History,
    files: &'a BTreeMap<String, (usize, usize)>,
    config: &Config,
) -> Vec<Candidate<'a>> {
    let reserved = source::Reserved::new(config);
    files
        .iter()
        .filter(|(rel, _)| source::classify(rel) == FileKind::Markdown && !reserved.contains(rel))
        .filter(|(rel, _)| !rel.split('/').any(source::is_ignored))
        .filter_map(|(rel, &(c, n))| {
            let oid = history.log.commits[c].changes[n].new_blob.clone()?;
            let name = rel.rsplit('/').next().unwrap_or_default();
            Some(Candidate {
                rel,
                at: (c, n),
                oid,
                section: paths::is_section_index(name),
            })
        })
        .collect()
}

/// Reads the front matter of every policy, goal and section page of `files`.
fn read(history: &History, files: &BTreeMap<String, (usize, usize)>, config: &Config) -> (Vec<Standing>, Vec<String>) {
    let candidates = candidates(history, files, config);
    let oids: Vec<String> = candidates.iter().map(|c| c.oid.clone()).collect();
    let blobs = history.blobs(&oids);
    let mut sections: HashMap<&str, Option<String>> = HashMap::new();
    let mut pages: Vec<(Standing, &str)> = Vec::new();
    let mut unreadable = Vec::new();
    for cand in &candidates {
        let by_path = config.kinds.of(cand.rel);
        let text = blobs.get(&cand.oid).and_then(|b| std::str::from_utf8(b).ok());
        let file = diag::display_path(&config.content_dir.join(cand.rel));
        let split = text.and_then(|t| Some((t, front_matter::split(t, &file).ok()?)));
        // Most pages are neither: skip their YAML unless it may say otherwise.
        let maybe = cand.section
            || matches!(by_path, Kind::Policy | Kind::Goal)
            || split.as_ref().is_some_and(|(_, s)| s.yaml.contains("kind"));
        if !maybe {
            continue;
        }
        let front = split.and_then(|(t, s)| {
            let f = front_matter::parse(&s, &file, t, &mut Vec::new());
            (!f.has_errors).then_some(f)
        });
        let Some(front) = front else {
            if cand.section {
                // A section that may have hidden its folder: nobody sees the folder.
                sections.insert(paths::parent(cand.rel), Some(String::new()));
            } else if matches!(by_path, Kind::Policy | Kind::Goal) {
                unreadable.push(cand.rel.to_string());
            }
            continue;
        };
        if cand.section {
            sections.insert(paths::parent(cand.rel), front.audience.map(|a| a.id));
            continue;
        }
        let kind = front.kind.unwrap_or(by_path);
        if !matches!(kind, Kind::Policy | Kind::Goal) {
            continue;
        }
        let (commit, change) = cand.at;
        let own = front.audience.as_ref().map(|a| a.id.clone());
        pages.push((
            Standing {
                rel: cand.rel.to_string(),
                commit,
                change,
                kind,
                front,
                audience: own,
            },
            cand.rel,
        ));
    }
    let pages = pages
        .into_iter()
        .map(|(mut s, rel)| {
            s.audience = effective_audience(config, s.audience.as_deref(), rel, &sections);
            s
        })
        .collect();
    (pages, unreadable)
}

/// The most restricted of a page's own audience (or the default) and those
/// its sections set, as [`audience::partition`] publishes by.
fn effective_audience(
    config: &Config,
    own: Option<&str>,
    rel: &str,
    sections: &HashMap<&str, Option<String>>,
) -> Option<String> {
    let mut name = own.unwrap_or(&config.default_audience);
    let mut rank = audience::rank(config, name)?;
    let mut dir = paths::parent(rel);
    loop {
        if let Some(Some(a)) = sections.get(dir) {
            let r = audience::rank(config, a)?;
            if r > rank {
                (name, rank) = (a, r);
            }
        }
        if dir.is_empty() {
            break;
        }
        dir = paths::parent(dir);
    }
    Some(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::log::{Change, Commit};
    use jiff::civil::date;

    fn change(status: char, from: Option<&str>, path: &str, blob: &str) -> Change {
        Change {
            status,
            from: from.map(str::to_string),
            path: path.into(),
            old_blob: None,
            new_blob: (status != 'D').then(|| blob.to_string()),
        }
    }

    /// Newest first, each the parent of the one before it.
    fn log(commits: Vec<(i64, Vec<Change>)>) -> Log {
        let n = commits.len();
        let commits = commits
            .into_iter()
            .enumerate()
            .map(|(i, (time, changes))| Commit {
                hash: format!("c{i}"),
                parents: if i + 1 < n { vec![i + 1] } else { vec![] },
                author: "a".into(),
                time,
                subject: String::new(),
                body: String::new(),
                changes,
                request: None,
                approvals: Vec::new(),
                reviews: Vec::new(),
            })
            .collect();
        Log {
            commits,
            by_hash: HashMap::new(),
        }
    }

    #[test]
    fn files_stand_as_their_last_commit_before_the_cutoff() {
        let l = log(vec![
            (400, vec![change('D', None, "content/policies/b.md", "")]),
            (
                300,
                vec![change(
                    'R',
                    Some("content/policies/a.md"),
                    "content/policies/x/a.md",
                    "a2",
                )],
            ),
            (200, vec![change('M', None, "content/policies/a.md", "a1")]),
            (
                100,
                vec![
                    change('A', None, "content/policies/a.md", "a0"),
                    change('A', None, "content/policies/b.md", "b0"),
                    change('A', None, "README.md", "r0"),
                ],
            ),
        ]);
        let order = oldest_first(&l, 0);
        assert_eq!(order, [3, 2, 1, 0]);
        let blob = |files: &BTreeMap<String, (usize, usize)>, p: &str| {
            files
                .get(p)
                .map(|&(c, n)| l.commits[c].changes[n].new_blob.clone().unwrap())
        };
        let at = replay(&l, &order, 250, "content/");
        assert_eq!(blob(&at, "policies/a.md").as_deref(), Some("a1"));
        assert_eq!(blob(&at, "policies/b.md").as_deref(), Some("b0"));
        assert_eq!(at.len(), 2, "files outside the content folder are not content");
        // A commit exactly at the cutoff is the next day's.
        assert_eq!(
            blob(&replay(&l, &order, 200, "content/"), "policies/a.md").as_deref(),
            Some("a0")
        );
        let later = replay(&l, &order, 1000, "content/");
        assert_eq!(
            later.keys().collect::<Vec<_>>(),
            ["policies/x/a.md"],
            "renamed and deleted"
        );
        assert!(replay(&l, &order, 50, "content/").is_empty());
    }

    #[test]
    fn a_day_ends_at_midnight_in_the_configured_zone() {
        let utc = jiff::tz::TimeZone::UTC;
        // 2026-10-01T00:00:00Z
        assert_eq!(end_of(date(2026, 9, 30), &utc), 1_790_812_800);
        let ny = jiff::tz::TimeZone::get("America/New_York").unwrap();
        // Midnight in New York (UTC−4 in October) is four hours later.
        assert_eq!(end_of(date(2026, 9, 30), &ny), 1_790_812_800 + 4 * 3600);
    }

    #[test]
    fn section_audiences_make_a_page_stricter_never_looser() {
        let config = Config {
            audiences: ["public", "internal", "board", "legal-only"].map(String::from).to_vec(),
            default_audience: "internal".into(),
            ..Config::default()
        };
        let mut sections = HashMap::new();
        sections.insert("policies/board", Some("board".to_string()));
        sections.insert("policies", Some("public".to_string()));
        let eff = |own: Option<&str>, rel: &str| effective_audience(&config, own, rel, &sections);
        assert_eq!(eff(None, "policies/x.md").as_deref(), Some("internal"));
        assert_eq!(eff(Some("public"), "policies/board/x.md").as_deref(), Some("board"));
        assert_eq!(
            eff(Some("legal-only"), "policies/board/x.md").as_deref(),
            Some("legal-only")
        );
        assert_eq!(eff(Some("nobody"), "policies/x.md"), None);
        sections.insert("policies/broken", Some(String::new()));
        let eff = |own: Option<&str>, rel: &str| effective_audience(&config, own, rel, &sections);
        assert_eq!(
            eff(None, "policies/broken/x.md"),
            None,
            "an unreadable section hides its folder"
        );
    }
}
