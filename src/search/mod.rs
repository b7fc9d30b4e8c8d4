//! The full-text search index: built from the published pages only, written
//! as JavaScript files the browser loads with `<script>` (so search works
//! from `file://` as well as over HTTP), in shards it fetches on demand.
//!
//! Format (version 1), all under `search/`:
//!
//! - `index.js`: `casebookSearch.add("meta", 0, {…})` with the counts, the
//!   stop words, the first term of every term shard, the first section of
//!   every document shard, and the number of sections of each page.
//! - `t/<n>.js`: `casebookSearch.add("t", n, [term, postings, …])`, terms
//!   sorted (UTF-16 order, as JavaScript compares). `postings` lists the
//!   sections holding the term: for each, the gap to the previous section id
//!   as a little-endian base-32 varint (characters 32–63 of [`ALPHABET`]
//!   continue, 0–31 end), then one character for its weight, 1–63.
//! - `d/<n>.js`: `casebookSearch.add("d", n, {pages, sections})`: for a run of
//!   sections, `[page, anchor, heading, text]` each (text cut at
//!   [`STORED_CHARS`]), and `[page, title, url, kind, section]` for their pages.
//!
//! A section is a page's text under one heading, or before the first one.
//! Each page's first section is the page itself: its title, reference, tags
//! and description (stored as its text), so a result can link to the page's
//! top when the title is what matched. Everything is sorted, so the bytes are
//! the same on every build. The terms come from [`text`], which the reader
//! in `themes/default/static/js/search.js` mirrors.

mod defined;
pub mod sections;
pub mod text;

use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::model::{PageId, Site};
use crate::render::OutputFile;

/// The digits of postings: 64 characters that need no escaping in JSON.
pub const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
/// Where the index lives in the output.
pub const DIR: &str = "search/";
/// Section text kept for snippets; a longer section is cut at a word.
pub const STORED_CHARS: usize = 1200;
/// Size a term shard grows to before the next starts (bytes of postings).
const TERM_SHARD: usize = 24 * 1024;
/// Size a document shard grows to before the next starts.
const DOC_SHARD: usize = 16 * 1024;

/// How much a word counts where it stands (summed, capped at 63).
mod weight {
    pub const TITLE: u32 = 16;
    pub const REFERENCE: u32 = 16;
    pub const TAG: u32 = 6;
    pub const DESCRIPTION: u32 = 2;
    pub const HEADING: u32 = 10;
    pub const TERM: u32 = 4;
    /// Body occurrences count one each, up to this many.
    pub const BODY_CAP: u32 = 8;
}

/// A section as stored (`[page, anchor, heading, text]`, JSON) and its
/// terms with their weights.
type WeighedSection = (String, Vec<(Arc<str>, u8)>);

/// One page's part of the index.
struct PageEntry {
    /// `[page, title, url, kind, parent section]` as JSON.
    info: String,
    sections: Vec<WeighedSection>,
}

/// Builds the index files for the pages of `site`.
pub fn files(site: &Site) -> Vec<OutputFile> {
    let mut entries: Vec<PageEntry> = (0..site.pages.len())
        .into_par_iter()
        .map(|id| page_entry(site, id))
        .collect();
    entries.extend(defined::glossary(site, entries.len()));

    let mut postings: text::FastMap<Arc<str>, Vec<(u32, u8)>> = text::FastMap::default();
    let mut section_id = 0u32;
    for e in &entries {
        for (_, terms) in &e.sections {
            for (t, w) in terms {
                match postings.get_mut(&**t) {
                    Some(list) => list.push((section_id, *w)),
                    None => {
                        postings.insert(t.clone(), vec![(section_id, *w)]);
                    }
                }
            }
            section_id += 1;
        }
    }
    let mut terms: Vec<(Arc<str>, String)> = postings.into_iter().map(|(t, list)| (t, encode(&list))).collect();
    terms.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));

    let mut out = Vec::new();
    let mut term_starts: Vec<&str> = Vec::new();
    let mut shard: Vec<&str> = Vec::new();
    let mut size = 0;
    for (t, p) in &terms {
        if size >= TERM_SHARD {
            out.push(shard_file("t", term_starts.len() - 1, &json!(shard)));
            shard.clear();
            size = 0;
        }
        if shard.is_empty() {
            term_starts.push(t);
        }
        shard.push(t);
        shard.push(p);
        size += t.len() + p.len() + 6;
    }
    if !shard.is_empty() {
        out.push(shard_file("t", term_starts.len() - 1, &json!(shard)));
    }

    // Document shards are written as JSON text directly: they hold all the
    // stored text, and building `Value`s of it would copy it twice more.
    let mut doc_starts: Vec<u32> = Vec::new();
    let (mut pages, mut secs) = (String::new(), String::new());
    let mut first = 0u32;
    let mut sid = 0u32;
    let mut flush = |pages: &mut String, secs: &mut String, first: u32, out: &mut Vec<OutputFile>| {
        let n = doc_starts.len();
        let data = format!("{{\"pages\":[{pages}],\"sections\":[{secs}]}}");
        out.push(OutputFile {
            path: format!("{DIR}d/{n}.js"),
            content: crate::render::Content::Bytes(format!("casebookSearch.add(\"d\",{n},{data});\n").into_bytes()),
        });
        doc_starts.push(first);
        pages.clear();
        secs.clear();
    };
    for e in &entries {
        let mut page_listed = false;
        for (s, _) in &e.sections {
            if pages.len() + secs.len() >= DOC_SHARD {
                flush(&mut pages, &mut secs, first, &mut out);
                (first, page_listed) = (sid, false);
            }
            if !page_listed {
                if !pages.is_empty() {
                    pages.push(',');
                }
                pages.push_str(&e.info);
                page_listed = true;
            }
            if !secs.is_empty() {
                secs.push(',');
            }
            secs.push_str(s);
            sid += 1;
        }
    }
    if !secs.is_empty() {
        flush(&mut pages, &mut secs, first, &mut out);
    }

    let mut counts = String::new();
    for e in &entries {
        push_varint(&mut counts, e.sections.len() as u32);
    }
    let meta = json!({
        "version": 1,
        "pages": entries.len(),
        "sections": sid,
        "stop": text::STOP_WORDS,
        "terms": term_starts,
        "docs": doc_starts,
        "counts": counts,
    });
    out.push(OutputFile {
        path: format!("{DIR}index.js"),
        content: crate::render::Content::Bytes(script("meta", 0, &meta).into_bytes()),
    });
    out
}

/// The results page, `search/index.html`, from the theme's `search.html`.
/// It lists results for `?q=` with JavaScript and says that search needs it
/// without.
pub fn page(site: &Site, theme: &crate::render::theme::Theme) -> Result<OutputFile, crate::diag::Diagnostic> {
    let url = DIR;
    let mut ctx = theme.context();
    ctx.insert("root", &crate::render::context::root_for(url));
    ctx.insert(
        "page",
        &json!({ "title": "Search", "url": url, "kind": "page", "toc": [], "breadcrumbs": [], "description": format!("Search {}", site.config.title) }),
    );
    let html = theme.render("search.html", &ctx, None)?;
    Ok(OutputFile {
        path: format!("{DIR}index.html"),
        content: crate::render::Content::Bytes(html.into_bytes()),
    })
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

fn shard_file(kind: &str, n: usize, data: &Value) -> OutputFile {
    OutputFile {
        path: format!("{DIR}{kind}/{n}.js"),
        content: crate::render::Content::Bytes(script(kind, n, data).into_bytes()),
    }
}

fn script(kind: &str, n: usize, data: &Value) -> String {
    format!("casebookSearch.add(\"{kind}\",{n},{data});\n")
}

/// The page's title and what the result list shows, and its sections' terms.
fn page_entry(site: &Site, id: PageId) -> PageEntry {
    let p = site.page(id);
    let fm = p.front();
    let kind = if p.is_section() && !p.url().is_empty() {
        "section"
    } else {
        p.kind().name()
    };
    let parent = p
        .parent
        .filter(|&a| !site.page(a).url().is_empty())
        .map(|a| site.page(a).title.clone());
    let info = json!([id, p.title, p.url(), kind, parent.unwrap_or_default()]).to_string();

    // The page's own entry comes first: its title, reference, tags and
    // description, with the description stored as its text.
    let mut secs = vec![sections::Section {
        text: p.description.clone().unwrap_or_default(),
        ..sections::Section::default()
    }];
    secs.extend(
        sections::split(&p.parsed.body.html)
            .into_iter()
            .filter(|s| !(s.text.is_empty() && s.heading.is_empty() && s.terms.is_empty())),
    );
    let mut weighed: Vec<WeighedSection> = Vec::with_capacity(secs.len());
    // term → (body occurrences, weight from fields, last field counted)
    let mut score: text::FastMap<Arc<str>, (u32, u32, u8)> = text::FastMap::default();
    for (n, s) in secs.into_iter().enumerate() {
        let mut field = 0u8;
        let mut add = |text: &str, w: u32| {
            field += 1;
            text::for_each_term(text, |t| {
                let e = match score.get_mut(&**t) {
                    Some(e) => e,
                    None => score.entry(t.clone()).or_insert((0, 0, 0)),
                };
                if w == 0 {
                    e.0 += 1;
                } else if e.2 != field {
                    // A field counts each of its words once.
                    e.1 += w;
                    e.2 = field;
                }
            });
        };
        if n == 0 {
            add(&p.title, weight::TITLE);
            add(fm.reference.as_deref().unwrap_or_default(), weight::REFERENCE);
            add(&fm.tags.join(" "), weight::TAG);
            add(&s.text, weight::DESCRIPTION);
        } else {
            add(&s.heading, weight::HEADING);
            add(&s.terms, weight::TERM);
            add(&defined::in_section(site, id, &s.anchor), defined::DEFINED);
            add(&s.text, 0);
        }
        let terms: Vec<(Arc<str>, u8)> = score
            .drain()
            .map(|(t, (body, extra, _))| (t, (body.min(weight::BODY_CAP) + extra).clamp(1, 63) as u8))
            .collect();
        let stored = format!(
            "[{id},{},{},{}]",
            json_str(&s.anchor),
            json_str(&s.heading),
            json_str(cut(&s.text, STORED_CHARS))
        );
        weighed.push((stored, terms));
    }
    PageEntry {
        info,
        sections: weighed,
    }
}

/// `s` cut at a word boundary near `max` characters.
fn cut(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        None => s,
        Some((i, _)) => s[..i].rsplit_once(' ').map_or(&s[..i], |(a, _)| a),
    }
}

fn push_varint(out: &mut String, mut v: u32) {
    while v >= 32 {
        out.push(ALPHABET[32 + (v & 31) as usize] as char);
        v >>= 5;
    }
    out.push(ALPHABET[v as usize] as char);
}

/// Postings as gaps and weights (see the module docs).
pub fn encode(list: &[(u32, u8)]) -> String {
    let mut out = String::with_capacity(list.len() * 2);
    let mut prev = 0;
    for (i, &(s, w)) in list.iter().enumerate() {
        push_varint(&mut out, if i == 0 { s } else { s - prev });
        out.push(ALPHABET[w.min(63) as usize] as char);
        prev = s;
    }
    out
}

/// The inverse of [`encode`], for tests.
pub fn decode(s: &str) -> Vec<(u32, u8)> {
    let digit = |c: u8| ALPHABET.iter().position(|&a| a == c).unwrap_or(0) as u32;
    let mut out = Vec::new();
    let (mut prev, mut first) = (0u32, true);
    let mut bytes = s.bytes();
    'outer: loop {
        let (mut v, mut shift) = (0u32, 0);
        loop {
            let Some(c) = bytes.next() else { break 'outer };
            let d = digit(c);
            if d >= 32 {
                v |= (d - 32) << shift;
                shift += 5;
            } else {
                v |= d << shift;
                break;
            }
        }
        let w = bytes.next().map_or(0, digit) as u8;
        let id = if first { v } else { prev + v };
        out.push((id, w));
        (prev, first) = (id, false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_round_trip() {
        let list = vec![(0, 1), (1, 63), (31, 5), (32, 2), (1_000_000, 9)];
        assert_eq!(decode(&encode(&list)), list);
        assert_eq!(encode(&[(3, 1), (4, 2)]), "3112");
    }

    #[test]
    fn cut_keeps_whole_words() {
        assert_eq!(cut("alpha beta gamma", 8), "alpha");
        assert_eq!(cut("short", 8), "short");
    }
}
