//! Cross-references: links written without text, which show what they
//! point at. A numbered heading shows its clause number (`clause 2.2`),
//! with the page named when it is another page's (`clause 4.1 of the
//! Signature authority policy`); a heading that is not numbered shows its
//! text; a page shows its title. The word comes from `clause_word:`.
//!
//! A cross-reference to a heading that is not there shows the id it names
//! in brackets and is reported.

use super::{Page, PageId, Site};
use crate::config::links::Level;
use crate::diag::{Diagnostics, suggest};
use crate::kind::Kind;
use crate::parse::anchors::AnchorKind;
use crate::parse::links::{Link, LinkTarget};
use crate::parse::markdown::Heading;
use crate::parse::markdown::drafting::XRef;

/// What each cross-reference of page `id` shows, reporting those that
/// point at no heading.
pub(super) fn texts(site: &Site, id: PageId, diags: &mut Diagnostics) -> Vec<String> {
    let p = &site.pages[id];
    let body = &p.parsed.body;
    let level = quieter(site.config.links.missing_anchor);
    body.drafting
        .xrefs
        .iter()
        .map(|x| {
            let (text, missing) = one(site, p, &body.headings, &p.links, x);
            if let (Some(anchor), Some(d)) = (missing, level.diagnostic(missing_message(&p.links[x.link]))) {
                let target = target_page(site, p, &p.links[x.link]).unwrap_or(p);
                let ids: Vec<&str> = target.parsed.body.headings.iter().map(|h| h.id.as_str()).collect();
                let tail = if ids.is_empty() {
                    "the page it points at has no headings".to_string()
                } else {
                    format!("its headings: {}", ids.join(", "))
                };
                diags.push(
                    d.in_file(&p.parsed.file)
                        .at(p.links[x.link].position.clone())
                        .help(suggest(&anchor, ids.iter().copied(), &tail)),
                );
            }
            text
        })
        .collect()
}

/// The cross-references of another text of page `id` (an earlier
/// revision), whose own headings are `headings`; nothing is reported.
pub fn texts_of(site: &Site, id: PageId, headings: &[Heading], links: &[Link], xrefs: &[XRef]) -> Vec<String> {
    let p = &site.pages[id];
    xrefs.iter().map(|x| one(site, p, headings, links, x).0).collect()
}

/// A reference is reported as a warning: it still reads, if oddly.
fn quieter(level: Level) -> Level {
    level.max(Level::Warn)
}

fn missing_message(link: &Link) -> String {
    format!("cross-reference `{}` points at no heading", link.written)
}

/// The page a link leads to, when it is a published page.
fn target_page<'a>(site: &'a Site, from: &'a Page, link: &Link) -> Option<&'a Page> {
    match &link.target {
        LinkTarget::Anchor(_) => Some(from),
        LinkTarget::Page { source, .. } => site.by_rel.get(source).map(|&t| &site.pages[t]),
        _ => None,
    }
}

/// What one cross-reference shows, and the id it names when no heading has it.
fn one(site: &Site, from: &Page, headings: &[Heading], links: &[Link], x: &XRef) -> (String, Option<String>) {
    let Some(link) = links.get(x.link) else {
        return (String::new(), None);
    };
    let (page, anchor) = match &link.target {
        LinkTarget::Anchor(a) => (None, Some(a.as_str())),
        LinkTarget::Page { source, anchor } => match site.by_rel.get(source) {
            Some(&t) if std::ptr::eq(&site.pages[t], from) => (None, anchor.as_deref()),
            Some(&t) => (Some(&site.pages[t]), anchor.as_deref()),
            // Not published: the link is shown as text, and reported.
            None => return ("(not published)".into(), None),
        },
        _ => return (link.written.clone(), None),
    };
    let headings = page.map_or(headings, |t| &t.parsed.body.headings[..]);
    let word = &site.config.clause_word;
    let text = match anchor.filter(|a| !a.is_empty()) {
        None => page.map_or_else(|| from.title.clone(), name),
        Some(a) => match headings.iter().find(|h| h.id == a) {
            Some(h) => {
                let what = h
                    .number
                    .as_ref()
                    .map_or_else(|| h.text.clone(), |n| format!("{word} {n}"));
                let joint = if h.number.is_some() { "of" } else { "in" };
                match page {
                    Some(t) => format!("{what} {joint} {}", name(t)),
                    None => what,
                }
            }
            None => match other_anchor(page.unwrap_or(from), a) {
                Some(t) => t,
                None => return (format!("[#{a}]"), Some(a.to_string())),
            },
        },
    };
    let text = if x.capitalise { capitalise(&text) } else { text };
    (text, None)
}

/// An id that is not a heading's but is there (a definition, a raw HTML
/// anchor): the page's title names it.
fn other_anchor(page: &Page, id: &str) -> Option<String> {
    page.parsed
        .body
        .anchors
        .iter()
        .find(|a| a.id == id && a.kind != AnchorKind::Heading)
        .map(|_| name(page))
}

/// How a page is named in a sentence: `the Signature authority policy`;
/// a plain page or a section by its title alone.
fn name(p: &Page) -> String {
    let title = &p.title;
    let word = match p.kind() {
        _ if p.is_section() => return title.clone(),
        Kind::Page => return title.clone(),
        Kind::Faq => "FAQ",
        k => k.name(),
    };
    if title.to_lowercase().ends_with(&word.to_lowercase()) {
        format!("the {title}")
    } else {
        format!("the {title} {word}")
    }
}

/// `s` with its first letter a capital.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
