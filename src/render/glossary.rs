//! The glossary page, `glossary/`: every defined term this build
//! publishes, by letter, with its definition, where it is defined and
//! which pages use it, each linked. It is made from the whole site, so it
//! is rendered with the other site files.

use serde::Serialize;
use serde_json::json;

use super::theme::Theme;
use super::{OutputFile, Render, output_path};
use crate::diag::Diagnostic;
use crate::model::terms::{Entry, GLOSSARY_URL, Origin};
use crate::model::{PageId, Site};

#[derive(Serialize)]
struct GlossaryView {
    letters: Vec<LetterView>,
    count: usize,
}

#[derive(Serialize)]
struct LetterView {
    letter: String,
    id: String,
    entries: Vec<EntryView>,
}

#[derive(Serialize)]
struct EntryView {
    term: String,
    id: String,
    text: String,
    /// It applies to every page, not only to where it is written.
    site_wide: bool,
    /// Pages that define it, first the one uses link to.
    defined_on: Vec<Place>,
    /// It is (also) an entry of `glossary.yaml`.
    in_glossary_file: bool,
    used_on: Vec<Place>,
    uses: usize,
}

/// A page, linked at an id on it; URLs are relative to the site root.
#[derive(Serialize)]
struct Place {
    title: String,
    url: String,
    count: usize,
}

/// The glossary page, when the site defines any term.
pub fn file(r: Render<'_>, theme: &Theme) -> Option<Result<OutputFile, Diagnostic>> {
    let site = r.site;
    if site.terms.entries.is_empty() || site.by_url.contains_key(GLOSSARY_URL) {
        return None;
    }
    let mut letters: Vec<LetterView> = Vec::new();
    for e in &site.terms.entries {
        let letter = initial(&e.term);
        if letters.last().is_none_or(|l| l.letter != letter) {
            let id = format!("letter-{}", crate::paths::slugify(&letter));
            letters.push(LetterView {
                id: if id == "letter-" { "letter-other".into() } else { id },
                letter,
                entries: Vec::new(),
            });
        }
        letters
            .last_mut()
            .expect("pushed just above")
            .entries
            .push(entry(site, e));
    }
    let audience = super::print::strictest(site, site.terms.entries.iter().map(|e| e.audience.as_str()));
    let page = json!({
        "title": "Glossary", "url": GLOSSARY_URL, "kind": "page", "toc": [], "breadcrumbs": [],
        "description": format!("The defined terms of {}", site.config.title),
        "marking": super::print::marking(site, audience),
    });
    let view = GlossaryView {
        count: site.terms.entries.len(),
        letters,
    };
    let mut ctx = theme.context();
    ctx.insert("root", &super::context::root_for(GLOSSARY_URL));
    ctx.insert("page", &page);
    ctx.insert("glossary", &view);
    Some(
        theme
            .render("glossary.html", &ctx, None)
            .map(|html| OutputFile::text(output_path(GLOSSARY_URL), html)),
    )
}

/// The letter a term is listed under: its first letter, capitalised, or
/// `#` for a digit or sign.
fn initial(term: &str) -> String {
    match term.chars().next() {
        Some(c) if c.is_alphabetic() => c.to_uppercase().collect(),
        _ => "#".into(),
    }
}

fn entry(site: &Site, e: &Entry) -> EntryView {
    let defined = |o: &Origin| match o {
        Origin::Page { page, id, .. } => Some(place(site, *page, id, 0)),
        Origin::Glossary { .. } => None,
    };
    let origins = || std::iter::once(&e.origin).chain(&e.also);
    EntryView {
        term: e.term.clone(),
        id: e.id.clone(),
        text: e.text.clone(),
        site_wide: e.site_wide,
        defined_on: origins().filter_map(defined).collect(),
        in_glossary_file: origins().any(|o| matches!(o, Origin::Glossary { .. })),
        used_on: e.uses.iter().map(|u| place(site, u.page, &u.anchor, u.count)).collect(),
        uses: e.uses.iter().map(|u| u.count).sum(),
    }
}

fn place(site: &Site, page: PageId, anchor: &str, count: usize) -> Place {
    let p = site.page(page);
    let url = if anchor.is_empty() {
        p.url().to_string()
    } else {
        format!("{}#{anchor}", p.url())
    };
    Place {
        title: p.title.clone(),
        url,
        count,
    }
}
