//! Which redlines latest's history shows, and the redlines themselves.

use std::collections::HashMap;

use rayon::prelude::*;

use super::{commit_redline_url, has_commit_redline, history_url, pair_redline_url, same_blob, text_in};
use crate::history::VersionSet;
use crate::history::redline::{self, Redline};
use crate::model::{PageId, Site};

/// What one redline page compares.
pub(super) struct Job {
    /// The page in latest.
    pub id: PageId,
    pub identity: String,
    pub url: String,
    pub what: Compare,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Compare {
    Commit {
        commit: usize,
        change: usize,
    },
    /// Version indexes of [`VersionSet::list`]: older, newer.
    Versions {
        from: usize,
        to: usize,
    },
}

/// Every redline page of latest, each page's next to each other.
pub(super) fn redline_jobs(site: &Site, set: &VersionSet) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (id, p) in site.pages.iter().enumerate() {
        if p.implicit {
            continue;
        }
        let rel = &p.parsed.rel;
        let Some(identity) = set.by_rel[0].get(rel) else {
            continue;
        };
        let Some(vp) = set.pages[0].get(identity) else {
            continue;
        };
        if history_url(site, p.url()).is_none() {
            continue;
        }
        for (i, &(c, n)) in vp.trail.changes.iter().enumerate() {
            if has_commit_redline(set, vp, i) {
                jobs.push(Job {
                    id,
                    identity: identity.clone(),
                    url: commit_redline_url(set, p.url(), c),
                    what: Compare::Commit { commit: c, change: n },
                });
            }
        }
        let present: Vec<usize> = (0..set.list.len())
            .filter(|&k| set.pages[k].contains_key(identity))
            .collect();
        for (a, &to) in present.iter().enumerate() {
            for &from in &present[a + 1..] {
                // Policies: every pair; other pages: successive versions only.
                if (vp.redline || from == to + 1) && !same_blob(set, identity, from, to) {
                    jobs.push(Job {
                        id,
                        identity: identity.clone(),
                        url: pair_redline_url(set, p.url(), from, to),
                        what: Compare::Versions { from, to },
                    });
                }
            }
        }
    }
    jobs
}

/// Runs every redline, in parallel, after one read of the blobs they need.
pub(super) fn compute(site: &Site, set: &VersionSet, jobs: &[Job]) -> Vec<Option<Redline>> {
    let log = &set.history.log;
    let mut oids: Vec<String> = Vec::new();
    for j in jobs {
        match j.what {
            Compare::Commit { commit, change } => {
                let ch = &log.commits[commit].changes[change];
                oids.extend(ch.old_blob.iter().chain(&ch.new_blob).cloned());
            }
            Compare::Versions { from, to } => {
                for k in [from, to].into_iter().filter(|&k| k != 0) {
                    if let Some(b) = set.pages[k].get(&j.identity).and_then(|p| p.blob.clone()) {
                        oids.push(b);
                    }
                }
            }
        }
    }
    let blobs = set.history.blobs(&oids);
    // A page's jobs are next to each other; each of its texts is read once
    // for all of them.
    let pages: Vec<&[Job]> = jobs.chunk_by(|a, b| a.id == b.id).collect();
    pages
        .par_iter()
        .flat_map_iter(|jobs| page_redlines(site, set, jobs, &blobs))
        .collect()
}

/// Where a redline's text is: a blob, or latest's file as built (`None`).
type TextAt<'a> = Option<&'a str>;

/// The redlines of one page's `jobs`.
fn page_redlines(
    site: &Site,
    set: &VersionSet,
    jobs: &[Job],
    blobs: &HashMap<String, std::sync::Arc<[u8]>>,
) -> Vec<Option<Redline>> {
    let log = &set.history.log;
    let (id, identity) = (jobs[0].id, &jobs[0].identity);
    let blob_in = |k: usize| -> Option<TextAt> {
        let vp = set.pages[k].get(identity)?;
        if k == 0 {
            Some(None)
        } else {
            Some(Some(vp.blob.as_deref()?))
        }
    };
    let sides: Vec<Option<[TextAt; 2]>> = jobs
        .iter()
        .map(|j| match j.what {
            Compare::Commit { commit, change } => {
                let ch = &log.commits[commit].changes[change];
                Some([Some(ch.old_blob.as_deref()?), Some(ch.new_blob.as_deref()?)])
            }
            Compare::Versions { from, to } => Some([blob_in(from)?, blob_in(to)?]),
        })
        .collect();
    let text_at = |at: TextAt| -> Option<String> {
        match at {
            Some(oid) => String::from_utf8(blobs.get(oid)?.to_vec()).ok(),
            None => text_in(site, set, 0, identity, blobs),
        }
    };
    let mut texts: HashMap<TextAt, Option<String>> = HashMap::new();
    for &at in sides.iter().flatten().flatten() {
        texts.entry(at).or_insert_with(|| text_at(at));
    }
    let kind = if site.config.numbered.contains(&site.page(id).kind()) {
        redline::KindNumbering::Numbered
    } else {
        redline::KindNumbering::Plain
    };
    let xref = |dest: &str, cap| xref_now(site, id, dest, cap);
    let mut read: HashMap<TextAt, redline::Text> = HashMap::new();
    for s in &sides {
        if let (Some(sides), Some([a, b])) = (s, both(&texts, *s))
            && a != b
        {
            for (at, text) in sides.iter().zip([a, b]) {
                read.entry(*at)
                    .or_insert_with(|| redline::Text::read(text, kind, &xref));
            }
        }
    }
    sides
        .iter()
        .map(|s| {
            let [a, b] = both(&texts, *s)?;
            let [old, new] = (*s)?;
            Some(if a == b {
                Redline::default()
            } else {
                redline::compare_read(&read[&old], &read[&new])
            })
        })
        .collect()
}

/// The two texts a redline compares, when both read.
fn both<'t, 'a>(
    texts: &'t HashMap<TextAt<'a>, Option<String>>,
    at: Option<[TextAt<'a>; 2]>,
) -> Option<[&'t String; 2]> {
    let [a, b] = at?;
    Some([texts[&a].as_ref()?, texts[&b].as_ref()?])
}

/// What a cross-reference to `dest` reads on page `id` as built now (with
/// a capital when it starts a sentence), so both texts of a redline name it
/// alike; one the page no longer has shows its target.
fn xref_now(site: &Site, id: PageId, dest: &str, capital: bool) -> String {
    let page = site.page(id);
    let body = &page.parsed.body;
    let texts = site.terms.pages.get(id).map_or(&[][..], |t| &t.xrefs[..]);
    let same: Vec<(bool, &String)> = body
        .drafting
        .xrefs
        .iter()
        .zip(texts)
        .filter(|(x, _)| page.links.get(x.link).is_some_and(|l| l.written == dest))
        .map(|(x, t)| (x.capitalise, t))
        .collect();
    match same.iter().find(|(c, _)| *c == capital).or(same.first()) {
        Some((_, t)) if capital => crate::model::capitalise(t),
        Some((_, t)) => t.to_string(),
        None => format!("[{dest}]"),
    }
}
