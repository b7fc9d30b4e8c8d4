//! Defined terms in the search index: the words of a term weigh most in
//! the section that defines it, so a search for a term finds its
//! definition first, and the glossary is one more document, a section per
//! term. Both hold only what the build publishes: the site is filtered.

use std::sync::Arc;

use super::{PageEntry, STORED_CHARS, WeighedSection, cut, json_str, text, weight};
use crate::model::terms::GLOSSARY_URL;
use crate::model::{PageId, Site};

/// What a word of a term counts in the section that defines it: more than
/// a title, so the definition ranks first.
pub(super) const DEFINED: u32 = 40;

/// The terms defined in the section at `anchor` of page `id`, as one text.
pub(super) fn in_section(site: &Site, id: PageId, anchor: &str) -> String {
    let defs = &site.page(id).parsed.body.drafting.definitions;
    let terms: Vec<&str> = defs
        .iter()
        .filter(|d| d.section == anchor)
        .map(|d| d.term.as_str())
        .collect();
    terms.join(" ")
}

/// The glossary as a document, numbered `n` (after the pages).
pub(super) fn glossary(site: &Site, n: usize) -> Option<PageEntry> {
    if site.terms.entries.is_empty() || site.by_url.contains_key(GLOSSARY_URL) {
        return None;
    }
    let description = format!("The defined terms of {}", site.config.title);
    let mut sections = vec![section(n, "", "", &description, &[("Glossary", weight::TITLE), (&description, weight::DESCRIPTION)])];
    for e in &site.terms.entries {
        let fields = [(e.term.as_str(), DEFINED), (e.text.as_str(), 0)];
        sections.push(section(n, &e.id, &e.term, &e.text, &fields));
    }
    Some(PageEntry {
        info: serde_json::json!([n, "Glossary", GLOSSARY_URL, "glossary", ""]).to_string(),
        sections,
    })
}

/// A stored section and its terms, weighed as the pages' are: a field's
/// weight once per word, body words (weight 0) once per occurrence, capped.
fn section(n: usize, anchor: &str, heading: &str, stored: &str, fields: &[(&str, u32)]) -> WeighedSection {
    let mut score: text::FastMap<Arc<str>, (u32, u32, usize)> = text::FastMap::default();
    for (f, &(t, w)) in fields.iter().enumerate() {
        text::for_each_term(t, |term| {
            let e = score.entry(term.clone()).or_insert((0, 0, usize::MAX));
            if w == 0 {
                e.0 += 1;
            } else if e.2 != f {
                e.1 += w;
                e.2 = f;
            }
        });
    }
    let mut terms: Vec<(Arc<str>, u8)> = score
        .into_iter()
        .map(|(t, (body, extra, _))| (t, (body.min(weight::BODY_CAP) + extra).clamp(1, 63) as u8))
        .collect();
    terms.sort();
    let stored = format!(
        "[{n},{},{},{}]",
        json_str(anchor),
        json_str(heading),
        json_str(cut(stored, STORED_CHARS))
    );
    (stored, terms)
}
