//! Defined terms across the site: every definition this build publishes,
//! which one each use on each page means, and the drafting checks.
//!
//! A definition on a page applies to that page; with `defines: site` in
//! its front matter, and for every entry of `glossary.yaml`, to the whole
//! site. On a page, its own definition of a term wins over the site's.
//! Only what this build's audience may see is here: a definition on a page
//! it does not publish, or a glossary entry for another audience, is known
//! by its term alone ([`super::audience::Hidden::terms`]), so its uses show
//! as plain text and are reported, and its text never reaches the output.

mod checks;
pub mod forms;
mod uses;

pub(crate) use uses::on_page;

use std::collections::BTreeMap;

use super::audience::{Hidden, rank};
use super::{PageId, Site};
use crate::diag::{Diagnostic, Diagnostics, Position, suggest};
use crate::parse::ParsedPage;
use crate::parse::glossary::Glossary;

/// The URL of the glossary page.
pub const GLOSSARY_URL: &str = "glossary/";

/// The defined terms of a build.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    /// Every definition published, in glossary order (by term).
    pub entries: Vec<Entry>,
    /// By page id: what its prose and cross-references show.
    pub pages: Vec<PageTerms>,
}

/// One definition, as the glossary lists it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub term: String,
    /// Its id on the glossary page.
    pub id: String,
    /// What a reader is shown: the definition's sentence.
    pub text: String,
    /// The meaning, normalised, that duplicates are compared by.
    pub meaning: String,
    pub origin: Origin,
    /// Other places that define the term with the same meaning.
    pub also: Vec<Origin>,
    /// It applies to every page, not only to where it is written.
    pub site_wide: bool,
    /// The audience that may read it: its page's, or the glossary entry's.
    pub audience: String,
    /// The pages that use it, in page order.
    pub uses: Vec<Used>,
}

/// Where a definition is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Glossary {
        file: String,
        position: Position,
    },
    /// A page, and the id of its `<dfn>`.
    Page {
        page: PageId,
        id: String,
        position: Position,
    },
}

impl Origin {
    pub fn file<'s>(&'s self, site: &'s Site) -> &'s str {
        match self {
            Origin::Glossary { file, .. } => file,
            Origin::Page { page, .. } => &site.pages[*page].parsed.file,
        }
    }

    pub fn position(&self) -> &Position {
        match self {
            Origin::Glossary { position, .. } | Origin::Page { position, .. } => position,
        }
    }
}

/// A page that uses a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Used {
    pub page: PageId,
    pub count: usize,
    /// The id of the first use on the page.
    pub anchor: String,
}

/// What one page's prose shows of defined terms.
#[derive(Debug, Clone, Default)]
pub struct PageTerms {
    /// Uses of terms, in reading order.
    pub uses: Vec<Use>,
    /// The text of each cross-reference (`clause 2.1`).
    pub xrefs: Vec<String>,
}

/// One use of a defined term in a run of prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub run: usize,
    /// Bytes of the run's HTML text.
    pub start: usize,
    pub end: usize,
    /// Index into [`Terms::entries`].
    pub entry: usize,
    /// The id of its tooltip.
    pub tip: String,
    /// The id the glossary links to, on the first use of the term on the page.
    pub anchor: Option<String>,
}

/// A definition before entries are made of them.
struct Candidate {
    term: String,
    text: String,
    meaning: String,
    origin: Origin,
    audience: String,
}

/// Collects the definitions this build publishes into glossary entries.
pub(super) fn collect(site: &mut Site, glossaries: Vec<Glossary>, diags: &mut Diagnostics) {
    let mut hidden = std::mem::take(&mut site.hidden);
    let glossary = glossary_candidates(site, glossaries, &mut hidden, diags);
    site.hidden = hidden;
    let mut candidates: Vec<(Candidate, bool)> = Vec::new();
    for (id, p) in site.pages.iter().enumerate() {
        let site_wide = p.front().defines_site;
        for d in &p.parsed.body.drafting.definitions {
            let origin = Origin::Page {
                page: id,
                id: d.id.clone(),
                position: d.position.clone(),
            };
            let c = Candidate {
                term: d.term.clone(),
                text: d.text.clone(),
                meaning: d.meaning.clone(),
                origin,
                audience: p.audience.clone(),
            };
            candidates.push((c, site_wide));
        }
    }
    candidates.extend(glossary.into_iter().map(|c| (c, true)));
    let mut entries = merge(site, candidates, diags);
    entries.sort_by(|a, b| {
        let key = |e: &Entry| {
            (
                e.term.to_lowercase(),
                e.term.clone(),
                !e.site_wide,
                origin_key(site, &e.origin),
            )
        };
        key(a).cmp(&key(b))
    });
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for e in &mut entries {
        let base = crate::paths::slugify(&e.term);
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        e.id = if *n == 1 { base } else { format!("{base}-{n}") };
    }
    site.terms = Terms {
        pages: vec![PageTerms::default(); site.pages.len()],
        entries,
    };
}

/// Resolves every use and cross-reference, once links have their targets,
/// and runs the drafting checks.
pub(super) fn resolve(site: &mut Site, diags: &mut Diagnostics) {
    uses::resolve(site, diags);
    checks::run(site, diags);
    let xrefs: Vec<Vec<String>> = (0..site.pages.len())
        .map(|id| super::xrefs::texts(site, id, diags))
        .collect();
    for (p, x) in site.terms.pages.iter_mut().zip(xrefs) {
        p.xrefs = x;
    }
    // A definition's sentence reads its cross-references as its page does.
    let Terms { entries, pages } = &mut site.terms;
    for e in entries.iter_mut() {
        if let Origin::Page { page, .. } = e.origin {
            e.text = crate::parse::terms::fill_xrefs(&e.text, &pages[page].xrefs);
        }
    }
}

fn origin_key(site: &Site, o: &Origin) -> (u8, String) {
    match o {
        Origin::Page { page, .. } => (0, site.pages[*page].parsed.url.clone()),
        Origin::Glossary { .. } => (1, String::new()),
    }
}

/// The glossary entries this build's audience sees; the others are kept by term only.
fn glossary_candidates(
    site: &Site,
    glossaries: Vec<Glossary>,
    hidden: &mut Hidden,
    diags: &mut Diagnostics,
) -> Vec<Candidate> {
    let config = &site.config;
    let mut out = Vec::new();
    for (n, g) in glossaries.into_iter().enumerate() {
        if n > 0 {
            diags.push(
                Diagnostic::error("the content folder has two glossary files")
                    .in_file(&g.file)
                    .help("keep one of `glossary.yaml` and `glossary.yml`; casebook reads every term from it"),
            );
            continue;
        }
        for e in g.entries {
            let audience = e
                .audience
                .as_ref()
                .map_or(config.default_audience.as_str(), |a| a.id.as_str());
            if rank(config, audience).is_none()
                && let Some(a) = &e.audience
            {
                diags.push(
                    Diagnostic::error(format!("unknown audience `{}`", a.id))
                        .in_file(&g.file)
                        .at(a.position.clone())
                        .help(suggest(
                            &a.id,
                            config.audiences.iter().map(String::as_str),
                            &format!("audiences in casebook.yaml: {}", config.audiences.join(", ")),
                        )),
                );
            }
            if site.audience.sees(config, audience) {
                out.push(Candidate {
                    term: e.term,
                    text: crate::parse::terms::cut(&e.definition),
                    meaning: crate::parse::terms::normalise(&e.definition),
                    origin: Origin::Glossary {
                        file: g.file.clone(),
                        position: e.position,
                    },
                    audience: audience.to_string(),
                });
            } else {
                let place = format!("the entry in `{}` for audience `{audience}`", g.file);
                hidden.terms.entry(e.term).or_insert(place);
            }
        }
    }
    out
}

/// Remembers the terms a page this build leaves out defines for the whole site.
pub(super) fn note_hidden(p: &ParsedPage, why: &str, hidden: &mut Hidden) {
    if !p.front.defines_site {
        return;
    }
    for d in &p.body.drafting.definitions {
        let place = format!("`{}`, {why}", p.file);
        hidden.terms.entry(d.term.clone()).or_insert(place);
    }
}

/// Entries from candidates: one per term and scope, with the same meaning
/// merged; a term defined twice with different meanings is reported at both.
fn merge(site: &Site, candidates: Vec<(Candidate, bool)>, diags: &mut Diagnostics) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    // (term, page for page-wide entries) → the first entry.
    let mut first: BTreeMap<(String, Option<PageId>), usize> = BTreeMap::new();
    for (c, site_wide) in candidates {
        let scope = match (&c.origin, site_wide) {
            (Origin::Page { page, .. }, false) => Some(*page),
            _ => None,
        };
        match first.get(&(c.term.clone(), scope)) {
            Some(&e) if entries[e].meaning == c.meaning => entries[e].also.push(c.origin),
            other => {
                if let Some(&e) = other {
                    checks::defined_twice(site, &entries[e].origin, &c.origin, &c.term, diags);
                }
                first.entry((c.term.clone(), scope)).or_insert(entries.len());
                entries.push(Entry {
                    term: c.term,
                    id: String::new(),
                    text: c.text,
                    meaning: c.meaning,
                    origin: c.origin,
                    also: Vec::new(),
                    site_wide,
                    audience: c.audience,
                    uses: Vec::new(),
                });
            }
        }
    }
    // A page's own definition that says otherwise than the site's.
    for e in entries.iter().filter(|e| !e.site_wide) {
        let site_def = entries
            .iter()
            .find(|s| s.site_wide && s.term == e.term && s.meaning != e.meaning);
        if let Some(s) = site_def {
            checks::defined_twice(site, &s.origin, &e.origin, &e.term, diags);
        }
    }
    entries
}
