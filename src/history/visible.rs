//! Which committed revisions of a page this build's audience could see.
//!
//! A revision is judged as the build judges the working tree
//! ([`crate::model::audience`]): its own `audience:` (else
//! `default_audience`) and `draft:`, as committed, restricted by the
//! `audience:` of every section page above it *at that commit*. Pages'
//! histories, redlines, what-changed pages and the feed show only what
//! passes, so nothing written while a page was hidden reaches the output.
//! A revision or section page whose front matter cannot be read is not
//! shown: what it meant for cannot be trusted.

use std::collections::{HashMap, HashSet};

use super::{History, Trail, git};
use crate::config::Config;
use crate::model::audience::{self, Audience, is_draft};
use crate::parse::front_matter::FrontMatter;
use crate::paths;

/// The `(commit, change)` entries of `trails` this build may show; `None`
/// when it may show every revision (the most restricted audience, drafts
/// included), so nothing needs reading.
pub fn shown(
    history: &History,
    config: &Config,
    audience: &Audience,
    drafts: bool,
    trails: &[&Trail],
) -> Option<HashSet<(usize, usize)>> {
    let widest = config.audiences.last().is_some_and(|a| audience.sees(config, a));
    if widest && drafts {
        return None;
    }
    let log = &history.log;
    let mut entries: Vec<(usize, usize)> = trails.iter().flat_map(|t| t.changes.iter().copied()).collect();
    entries.sort_unstable();
    entries.dedup();
    // A deletion is judged by what was deleted.
    let blob_of = |&(c, n): &(usize, usize)| {
        let ch = &log.commits[c].changes[n];
        ch.new_blob.as_ref().or(ch.old_blob.as_ref())
    };
    let oids: Vec<String> = entries.iter().filter_map(blob_of).cloned().collect();
    let texts = history.blobs(&oids);
    let sections = Sections::read(history, &entries);
    let judge = Judge {
        config,
        limit: audience::rank(config, audience.name()).unwrap_or(0),
        drafts,
    };
    Some(
        entries
            .into_iter()
            .filter(|e| {
                let (c, n) = *e;
                let top = &log.commits[c].changes[n].path;
                let front = blob_of(e).and_then(|b| texts.get(b)).and_then(|t| read_front(t));
                front.is_some_and(|f| judge.page(&f, sections.above(c, top, history)))
            })
            .collect(),
    )
}

struct Judge<'a> {
    config: &'a Config,
    limit: usize,
    drafts: bool,
}

impl Judge<'_> {
    /// Whether a revision with front matter `front` below the section pages
    /// `above` (their front matter; `None` when one cannot be read) is shown.
    fn page(&self, front: &FrontMatter, above: Option<Vec<&FrontMatter>>) -> bool {
        let Some(above) = above else {
            return false;
        };
        if !self.drafts && is_draft(front) {
            return false;
        }
        let rank = |f: &FrontMatter| f.audience.as_ref().map(|a| audience::rank(self.config, &a.id));
        let own = rank(front).unwrap_or_else(|| audience::rank(self.config, &self.config.default_audience));
        let sections: Option<Vec<usize>> = above.into_iter().filter_map(rank).collect();
        match (own, sections) {
            (Some(own), Some(s)) => s.into_iter().chain([own]).all(|r| r <= self.limit),
            _ => false,
        }
    }
}

/// The section pages (`_index.md`) above each judged revision, as
/// committed: one `git cat-file --batch-check` for every folder of every
/// revision, then one read of their blobs.
struct Sections {
    /// `(commit, content-relative folder)` → the front matter of its
    /// `_index.md`; `None` inside when it cannot be read. Folders without
    /// a section page are absent.
    found: HashMap<(usize, String), Option<FrontMatter>>,
    /// Whether git answered at all; without it no revision is shown.
    read: bool,
}

impl Sections {
    fn read(history: &History, entries: &[(usize, usize)]) -> Sections {
        let log = &history.log;
        let mut wanted: Vec<(usize, String)> = Vec::new();
        for &(c, n) in entries {
            if let Some(rel) = content_rel(history, &log.commits[c].changes[n].path) {
                wanted.extend(folders(rel).map(|d| (c, d.to_string())));
            }
        }
        wanted.sort_unstable();
        wanted.dedup();
        let specs: Vec<String> = wanted
            .iter()
            .map(|(c, dir)| {
                format!(
                    "{}:{}",
                    log.commits[*c].hash,
                    section_file(&history.repo.content_prefix, dir)
                )
            })
            .collect();
        let Ok(oids) = git::resolve_blobs(&history.repo, &specs) else {
            return Sections {
                found: HashMap::new(),
                read: false,
            };
        };
        let present: Vec<String> = oids.iter().flatten().cloned().collect();
        let texts = history.blobs(&present);
        let found = wanted
            .into_iter()
            .zip(oids)
            .filter_map(|(key, oid)| Some((key, texts.get(&oid?).and_then(|t| read_front(t)))))
            .collect();
        Sections { found, read: true }
    }

    /// The front matter of the section pages above the top-relative path
    /// `top` at commit `c`; `None` when one of them cannot be read.
    fn above(&self, c: usize, top: &str, history: &History) -> Option<Vec<&FrontMatter>> {
        if !self.read {
            return None;
        }
        let Some(rel) = content_rel(history, top) else {
            return Some(Vec::new()); // Outside the content folder: no section above it.
        };
        let mut out = Vec::new();
        for dir in folders(rel) {
            match self.found.get(&(c, dir.to_string())) {
                Some(Some(front)) => out.push(front),
                Some(None) => return None,
                None => {}
            }
        }
        Some(out)
    }
}

/// `top` relative to the content folder, if it lies inside it.
fn content_rel<'a>(history: &History, top: &'a str) -> Option<&'a str> {
    top.strip_prefix(history.repo.content_prefix.as_str())
}

/// The folders holding content path `rel`, nearest first, down to the
/// content folder itself (``).
fn folders(rel: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(paths::parent(rel));
    std::iter::from_fn(move || {
        let dir = next?;
        next = (!dir.is_empty()).then(|| paths::parent(dir));
        Some(dir)
    })
}

fn section_file(content_prefix: &str, dir: &str) -> String {
    if dir.is_empty() {
        format!("{content_prefix}_index.md")
    } else {
        format!("{content_prefix}{dir}/_index.md")
    }
}

/// The front matter of a committed text; `None` when it has errors.
fn read_front(bytes: &[u8]) -> Option<FrontMatter> {
    let text = std::str::from_utf8(bytes).ok()?;
    super::in_force::read_front(text, "(committed revision)").map(|(front, _)| front)
}

#[cfg(test)]
mod tests {
    use super::{FrontMatter, Judge, folders, read_front};
    use crate::config::Config;

    fn front(yaml: &str) -> FrontMatter {
        read_front(format!("---\n{yaml}---\nText.\n").as_bytes()).expect("valid front matter")
    }

    #[test]
    fn a_revision_is_judged_by_itself_and_every_section_above_it() {
        let config = Config::default();
        let internal = Judge {
            config: &config,
            limit: 1,
            drafts: false,
        };
        let (public, board) = (front("audience: public\n"), front("audience: board\n"));
        let plain = front("title: Plain\n");
        assert!(internal.page(&public, Some(vec![])));
        assert!(internal.page(&plain, Some(vec![&public])), "default audience");
        assert!(!internal.page(&board, Some(vec![])));
        assert!(
            !internal.page(&public, Some(vec![&public, &board])),
            "a section above restricts"
        );
        assert!(!internal.page(&public, None), "a section that cannot be read");
        assert!(
            !internal.page(&front("audience: boardroom\n"), Some(vec![])),
            "an unknown audience"
        );
        let draft = front("draft: true\n");
        assert!(!internal.page(&draft, Some(vec![])));
        assert!(
            Judge {
                drafts: true,
                ..internal
            }
            .page(&draft, Some(vec![]))
        );
    }

    #[test]
    fn folders_run_from_the_nearest_to_the_content_folder() {
        assert_eq!(
            folders("board/falcon/plan.md").collect::<Vec<_>>(),
            ["board/falcon", "board", ""]
        );
        assert_eq!(folders("_index.md").collect::<Vec<_>>(), [""]);
    }
}
