//! Versions, page history and redlines, read from git.
//!
//! [`open`] finds the repository holding the content folder and reads its
//! whole history in one `git log` pass ([`log`]); published versions are the
//! tags matching `versions.tags`, each read from the object store into memory
//! ([`versions`]) and built through the same pipeline as the working tree.
//! [`trace`](History::trace) gives each page exactly the commits
//! `git log --follow` lists for it ([`follow`], [`detect`]); [`credit`] says which pull
//! request brought each commit in; [`redline`] compares two texts of a page
//! block by block and word by word.
//!
//! Nothing here writes into the repository or checks anything out. Without
//! git, outside a repository or in a repository without commits, the site
//! builds as usual and the build says so once, with a [`Notice`].

pub mod blocks;
pub mod credit;
pub mod detect;
pub mod follow;
pub mod git;
pub mod in_force;
pub mod log;
pub mod redline;
pub mod register;
pub mod reviews;
pub mod set;
pub mod versions;
pub mod visible;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::config::Config;
use crate::parse::packed::Packed;
use crate::source::{self, FileKind};
use git::{Repo, Unavailable};
use log::Log;

pub use crate::diag::Notice;

/// A published version: a tag, built to `v/<slug>/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The tag's name.
    pub name: String,
    /// The tag's name made safe for a URL folder.
    pub slug: String,
    /// The tagged commit, an index into [`Log::commits`].
    pub commit: usize,
}

/// The repository's history, read once per build.
pub struct History {
    pub repo: Repo,
    pub log: Log,
    /// `HEAD` in [`Log::commits`].
    pub head: usize,
    /// Content-relative paths that differ from `HEAD` in the working tree.
    pub uncommitted: BTreeSet<String>,
    /// The published versions, oldest first.
    pub versions: Vec<Version>,
    /// Every tag of the repository when read, for [`History::is_stale`].
    tags: Vec<git::Tag>,
    /// Commits at the edge of a shallow clone, as indexes.
    pub shallow: BTreeSet<usize>,
    /// Said once about this history (besides a shallow clone).
    pub notices: Vec<Notice>,
    /// Content-relative path → blob, for every file committed at `HEAD`.
    committed: HashMap<String, String>,
    /// `git log`'s order from `HEAD` and from each version.
    orders: HashMap<usize, Vec<usize>>,
    /// Blobs read so far, packed: every version's files pass through here.
    blobs: Mutex<HashMap<String, Packed>>,
}

/// One file's history as seen from one commit: what `git log --follow`
/// lists for it, in its order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trail {
    /// `(commit, change)` indexes, newest first.
    pub changes: Vec<(usize, usize)>,
}

/// Opens the history of the site at `root`; `Err` carries the one notice
/// the build prints instead.
pub fn open(root: &Path, config: &Config) -> Result<History, Notice> {
    let content = root.join(&config.content_dir);
    let shown = crate::diag::display_path(&config.content_dir);
    if !content.is_dir() {
        // The content walk reports a missing folder.
        return Err(Notice {
            message: format!("no history: the content folder `{shown}` does not exist"),
            help: "create it, or set `content_dir` in casebook.yaml".into(),
        });
    }
    let repo = git::open(root, &content).map_err(|u| notice(&u, &shown))?;
    let all_tags = git::tags(&repo);
    let matching: Vec<&git::Tag> = match &config.versions {
        Some(v) => {
            // Compiled once: a repository may have thousands of tags.
            let matches = glob_matcher(&v.tags);
            all_tags.iter().filter(|t| matches(&t.name)).collect()
        }
        None => Vec::new(),
    };
    let mut revs = vec!["HEAD".to_string()];
    revs.extend(matching.iter().map(|t| t.commit.clone()));
    revs.dedup();
    let mut log = log::read(&repo, &revs).map_err(|u| notice(&u, &shown))?;
    let head_hash = git::head(&repo);
    let Some(&head) = log.by_hash.get(&head_hash) else {
        return Err(notice(&Unavailable::NoCommits, &shown));
    };
    let mut versions: Vec<Version> = matching
        .iter()
        .filter_map(|t| {
            Some(Version {
                name: t.name.clone(),
                slug: slug(&t.name),
                commit: *log.by_hash.get(&t.commit)?,
            })
        })
        .collect();
    // Newest `keep` by the tagged commit's time, then oldest first.
    versions.sort_by(|a, b| (log.commits[b.commit].time, &b.name).cmp(&(log.commits[a.commit].time, &a.name)));
    let keep = config.versions.as_ref().map_or(0, |v| v.keep);
    versions.truncate(keep);
    versions.reverse();
    let mut seen = BTreeSet::new();
    versions.retain(|v| v.slug != "latest" && seen.insert(v.slug.clone()));
    let shallow = repo
        .shallow
        .iter()
        .filter_map(|h| log.by_hash.get(h).copied())
        .collect();
    let mut starts = vec![head];
    starts.extend(versions.iter().rev().map(|v| v.commit));
    credit::credit(&mut log, &starts);
    let orders: HashMap<usize, Vec<usize>> = starts.iter().map(|&s| (s, follow::walk(&log, s))).collect();
    let pages = page_paths(&log, &repo.content_prefix);
    let page_refs: Vec<&str> = pages.iter().map(String::as_str).collect();
    let order_refs: Vec<&[usize]> = starts.iter().map(|s| orders[s].as_slice()).collect();
    let unsure = detect::settle(&repo, &mut log, &order_refs, &page_refs);
    let committed = git::ls_tree(&repo, "HEAD", repo.content_prefix.trim_end_matches('/'))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| Some((e.path.strip_prefix(&repo.content_prefix)?.to_string(), e.oid)))
        .collect();
    Ok(History {
        uncommitted: git::uncommitted(&repo, None).into_iter().collect(),
        repo,
        log,
        head,
        versions,
        tags: all_tags,
        shallow,
        notices: (unsure > 0).then(|| unsure_notice(unsure)).into_iter().collect(),
        committed,
        orders,
        blobs: Mutex::new(HashMap::new()),
    })
}

/// Every Markdown path under the content folder the log names: the pages
/// of any version are among them.
fn page_paths(log: &log::Log, content_prefix: &str) -> Vec<String> {
    let pages: BTreeSet<&str> = log
        .commits
        .iter()
        .flat_map(|c| c.changes.iter().map(|ch| ch.path.as_str()))
        .filter(|p| {
            p.strip_prefix(content_prefix)
                .is_some_and(|rel| source::classify(rel) == FileKind::Markdown)
        })
        .collect();
    pages.into_iter().map(str::to_string).collect()
}

/// The notice for a history that could not be read.
fn notice(u: &Unavailable, content: &str) -> Notice {
    let (message, help) = match u {
        Unavailable::NoGit => (
            "git is not installed, so pages have no history, redlines or versions".to_string(),
            "install git (e.g. `apt-get install git`) to publish history from the repository".to_string(),
        ),
        Unavailable::NotARepo => (
            format!("`{content}` is not in a git repository, so pages have no history, redlines or versions"),
            "keep the site in git (`git init`, then commit) to publish page history and versions".to_string(),
        ),
        Unavailable::NoCommits => (
            "the repository has no commit yet, so pages have no history".to_string(),
            "commit the content (`git add -A && git commit`) to start its history".to_string(),
        ),
        Unavailable::Dubious(dir) => (
            format!(
                "git refuses to read `{}`, which belongs to another user, so pages have no history",
                dir.display()
            ),
            format!(
                "if you trust this repository, run `git config --global --add safe.directory {}`",
                dir.display()
            ),
        ),
        Unavailable::Failed(said) => (
            format!("git could not read the history ({said}), so pages have no history"),
            "run `git log` in the site folder to see what is wrong".to_string(),
        ),
    };
    Notice { message, help }
}

/// The notice of creations placed with less than git's own answer.
fn unsure_notice(count: usize) -> Notice {
    Notice {
        message: format!(
            "{count} file{} created in big or many commits {} searched for the file {} came from less thoroughly \
             than `git log --follow` does, to keep the build short; histories through them may differ from git's",
            if count == 1 { "" } else { "s" },
            if count == 1 { "was" } else { "were" },
            if count == 1 { "it" } else { "each" },
        ),
        help: "`git log --follow -- <file>` shows git's own history of one file".into(),
    }
}

/// The notice of a shallow clone, whose histories stop early.
pub fn shallow_notice() -> Notice {
    Notice {
        message: "this is a shallow clone: page histories are truncated and \"last updated\" dates may be wrong".into(),
        help: "fetch the whole history with `git fetch --unshallow`; in CI, check out with `fetch-depth: 0` \
               (GitHub Actions `actions/checkout`) or `GIT_DEPTH: 0` (GitLab)"
            .into(),
    }
}

/// Whether the tag `name` matches the `versions.tags` glob `pattern`: `*`
/// matches any run of characters (`/` included), `?` one character, `[…]`
/// and `{a,b}` as usual. The config reports a pattern that is not a glob;
/// such a pattern matches only itself.
pub fn glob(pattern: &str, name: &str) -> bool {
    glob_matcher(pattern)(name)
}

/// [`glob`] with the pattern compiled once, for many names.
pub fn glob_matcher(pattern: &str) -> impl Fn(&str) -> bool + '_ {
    let matcher = globset::Glob::new(pattern).ok().map(|g| g.compile_matcher());
    move |name| match &matcher {
        Some(m) => m.is_match(name),
        None => pattern == name,
    }
}

/// A tag name as one URL folder: letters, digits, `.`, `_` and `-` stay,
/// anything else becomes `-`.
pub fn slug(tag: &str) -> String {
    let s: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.chars().all(|c| c == '.') {
        format!("-{s}")
    } else {
        s
    }
}

impl History {
    /// Whether a commit or a tag was made since the history was read.
    pub fn is_stale(&self) -> bool {
        git::head(&self.repo) != self.log.commits[self.head].hash || git::tags(&self.repo) != self.tags
    }

    /// Content-relative paths that differ from `HEAD` now.
    pub fn edited(&self) -> BTreeSet<String> {
        git::uncommitted(&self.repo, None).into_iter().collect()
    }

    /// Whether the content file `rel` differs from `HEAD` now: what
    /// [`History::edited`] says of it, without looking at every other file.
    pub fn is_edited(&self, rel: &str) -> bool {
        !git::uncommitted(&self.repo, Some(rel)).is_empty()
    }

    /// The history of each content-relative path in `rels` as seen from
    /// commit `start`: exactly what `git log --follow <start> -- <path>`
    /// lists, renames, moves and copies followed on every branch.
    pub fn trace<'a>(&self, start: usize, rels: impl IntoIterator<Item = &'a str>) -> HashMap<String, Trail> {
        let walked;
        let order = match self.orders.get(&start) {
            Some(o) => o,
            None => {
                walked = follow::walk(&self.log, start);
                &walked
            }
        };
        let rels: Vec<&str> = rels.into_iter().collect();
        let tops: Vec<String> = rels
            .iter()
            .map(|r| format!("{}{r}", self.repo.content_prefix))
            .collect();
        let tops: Vec<&str> = tops.iter().map(String::as_str).collect();
        let (trails, _) = follow::follow(&self.log, order, &tops, None);
        rels.into_iter().map(str::to_string).zip(trails).collect()
    }

    /// Whether `trail` reaches the edge of a shallow clone, where git
    /// shows every file as created.
    pub fn is_truncated(&self, trail: &Trail) -> bool {
        trail.changes.iter().any(|(c, _)| self.shallow.contains(c))
    }

    /// The blob of a content-relative path as committed at `HEAD`.
    pub fn committed_blob(&self, rel: &str) -> Option<String> {
        self.committed.get(rel).cloned()
    }

    /// A path of the log as readers know it: relative to the content
    /// folder when inside it, else to the repository's top.
    pub fn display_path<'a>(&self, top: &'a str) -> &'a str {
        top.strip_prefix(self.repo.content_prefix.as_str()).unwrap_or(top)
    }

    /// The bytes of blobs, read once per build: everything asked for in one
    /// read (see [`git::read_blobs`]), kept (packed) for the next question.
    pub fn blobs(&self, oids: &[String]) -> HashMap<String, Arc<[u8]>> {
        let mut missing: Vec<String> = {
            let cache = self.blobs.lock().unwrap_or_else(|e| e.into_inner());
            oids.iter().filter(|o| !cache.contains_key(*o)).cloned().collect()
        };
        missing.sort();
        missing.dedup();
        // Read and packed outside the lock, in parallel; two questions at
        // once may both read a blob, which is the same bytes either way.
        let read: Vec<(String, Packed)> = git::read_blobs(&self.repo, &missing)
            .unwrap_or_default()
            .into_par_iter()
            .map(|(oid, bytes)| (oid, Packed::new(&bytes)))
            .collect();
        let packed: Vec<(String, Packed)> = {
            let mut cache = self.blobs.lock().unwrap_or_else(|e| e.into_inner());
            cache.extend(read);
            (oids.iter())
                .filter_map(|o| cache.get(o).map(|p| (o.clone(), p.clone())))
                .collect()
        };
        packed.into_par_iter().map(|(o, p)| (o, p.unpack().into())).collect()
    }

    /// A blob as text, if it is UTF-8.
    pub fn text(&self, oid: &str) -> Option<String> {
        let b = self.blobs(&[oid.to_string()]).remove(oid)?;
        String::from_utf8(b.to_vec()).ok()
    }
}

/// Every version of one build, side by side: what a render needs to know
/// of history and of the other versions. Shared by all versions' builds.
pub struct VersionSet {
    pub history: Arc<History>,
    /// Latest (the working tree) first, then the tags that built, newest first.
    pub list: Vec<VersionEntry>,
    /// For each version of `list`: identity → page. Only published pages.
    pub pages: Vec<HashMap<String, VersionPage>>,
    /// For each version of `list`: content-relative path → identity.
    pub by_rel: Vec<HashMap<String, String>>,
    /// For each version of `list`: the commits its build contains.
    pub reachable: Vec<Vec<bool>>,
    pub repo_url: Option<String>,
    /// The zone commit dates are shown in (`timezone` in the config).
    pub timezone: jiff::tz::TimeZone,
    /// Whether the build's audience is shown commit messages, authors,
    /// trailers and pull requests (`history.details_from`).
    pub details: bool,
}

/// One published version.
#[derive(Debug, Clone)]
pub struct VersionEntry {
    /// The tag, or `latest`.
    pub name: String,
    /// Its folder from the site root: empty for latest, `v/<slug>/`.
    pub path: String,
    pub slug: String,
    /// What readers see: the tag, or `config.version`/`Latest` for latest.
    pub label: String,
    pub commit: usize,
    pub latest: bool,
}

/// A page as published in one version.
#[derive(Debug, Clone)]
pub struct VersionPage {
    pub rel: String,
    pub url: String,
    pub title: String,
    pub kind: crate::kind::Kind,
    /// A redline for each commit: `redlines:` in the config, or the page's `redline:`.
    pub redline: bool,
    /// The committed text's blob; `None` for latest's uncommitted pages.
    /// (Latest's text itself is read from the working tree.)
    pub blob: Option<String>,
    /// The revisions this build may show, newest first ([`visible`]).
    pub trail: Trail,
    /// Every revision git lists, shown or not: the text in force must know
    /// whether the one in force is hidden.
    pub revisions: Trail,
    /// Commits of `trail` whose previous revision is not shown: a first
    /// version here, never compared with the hidden text before it.
    pub baseline: BTreeSet<usize>,
    pub uncommitted: bool,
    pub truncated: bool,
    /// A folder's page made up for a folder without `_index.md`.
    pub implicit: bool,
}

/// One version's view of the [`VersionSet`], held by its `Site`.
pub struct Annotations {
    pub set: Arc<VersionSet>,
    /// This build's index in [`VersionSet::list`].
    pub current: usize,
}

impl std::fmt::Debug for Annotations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Annotations {{ version: {:?} }}",
            self.set.list.get(self.current).map(|v| &v.name)
        )
    }
}

impl Annotations {
    pub fn version(&self) -> &VersionEntry {
        &self.set.list[self.current]
    }

    /// This version's page made from `rel`.
    pub fn page(&self, rel: &str) -> Option<&VersionPage> {
        let id = self.set.by_rel[self.current].get(rel)?;
        self.set.pages[self.current].get(id)
    }

    pub fn identity(&self, rel: &str) -> Option<&str> {
        self.set.by_rel[self.current].get(rel).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("handbook-*", "handbook-2026.1"));
        assert!(glob("20*", "2026-Q3"));
        assert!(glob("*", "anything/at/all"));
        assert!(glob("v?.*", "v1.2"));
        assert!(!glob("handbook-*", "release-1"));
        assert!(!glob("v?", "v10"));
        assert!(glob("a*b*c", "aXXbYYc"));
        assert!(!glob("a*b*c", "aXXbYY"));
        assert!(glob("{2017,2018}-*", "2018-03-01"));
        assert!(glob("[", "["), "not a glob: matches itself");
    }

    #[test]
    fn slugs_are_one_safe_folder() {
        assert_eq!(slug("handbook-2026.1"), "handbook-2026.1");
        assert_eq!(slug("release/2026 Q1"), "release-2026-Q1");
        assert_eq!(slug(".."), "-..");
        assert_eq!(slug("ünï"), "-n-");
    }
}
