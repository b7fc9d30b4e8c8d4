//! The full-text search index: built from the published pages and metrics
//! only, written as JavaScript files the browser loads with `<script>` (so
//! search works from `file://` as well as over HTTP), in shards it fetches
//! on demand.
//!
//! Format (version 2), all under `search/`:
//!
//! - `index.js`: `casebookSearch.add("meta", 0, {…})` with the counts, the
//!   stop words, the first term of every term shard, the first section of
//!   every document shard, the first word of every dictionary shard, the
//!   number of sections of each page, and for each page one [`ALPHABET`]
//!   digit each for its kind (indexing `kinds`), its standing (indexing
//!   `statuses`: `[id, label, factor]`, the factor scaling its score) and
//!   the number of terms in its title.
//! - `t/<n>.js`: `casebookSearch.add("t", n, [term, postings, …])`, terms
//!   sorted (UTF-16 order, as JavaScript compares). `postings` lists the
//!   sections holding the term: for each, the gap to the previous section id
//!   as a little-endian base-32 varint (characters 32–63 of [`ALPHABET`]
//!   continue, 0–31 end), then one character for its weight, 1–63.
//! - `d/<n>.js`: `casebookSearch.add("d", n, {pages, sections})`: for a run of
//!   sections, `[page, anchor, heading, text]` each (text cut at
//!   [`entries::STORED_CHARS`]; table cells and list items separated by ` · `, rows by a
//!   line break), and `[page, title, url, section]` for their pages.
//! - `w/<n>.js`: `casebookSearch.add("w", n, [words, counts])`, the
//!   [`dictionary`] typos are corrected against.
//!
//! What each page contributes is in [`entries`]. Everything is sorted, so the
//! bytes are the same on every build. The terms come from [`text`], which the
//! reader in `themes/default/static/js/search.js` mirrors.

pub mod dictionary;
pub mod entries;
pub mod text;

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::model::Site;
use crate::render::sink::Sink;
use crate::render::{Content, OutputFile};
use entries::{Entry, Standing, Words};

/// The digits of postings: 64 characters that need no escaping in JSON.
pub const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
/// Where the index lives in the output.
pub const DIR: &str = "search/";
/// Size a term shard grows to before the next starts (bytes of postings).
const TERM_SHARD: usize = 24 * 1024;
/// Size a document shard grows to before the next starts.
const DOC_SHARD: usize = 16 * 1024;

/// Builds the index files for the pages and metrics of `site`.
pub fn files(site: &Site, out: &dyn Sink) {
    // Each page's words are merged as the pages are read, so the dictionary
    // costs memory for the site's distinct words, not for every page's.
    let (mut entries, mut words) = (0..site.pages.len())
        .into_par_iter()
        .map(|id| (id, entries::page(site, id)))
        .fold(
            || (Vec::new(), Words::default()),
            |(mut entries, mut words), (id, (e, w))| {
                entries.push((id, e));
                words.extend(w);
                (entries, words)
            },
        )
        .reduce(
            || (Vec::new(), Words::default()),
            |(mut a, mut words), (b, more)| {
                a.extend(b);
                words.extend(more);
                (a, words)
            },
        );
    entries.sort_unstable_by_key(|(id, _)| *id);
    let mut entries: Vec<Entry> = entries.into_iter().map(|(_, e)| e).collect();
    let first_metric = entries.len();
    for (k, m) in site.metrics.values().enumerate() {
        let (e, w) = entries::metric(site, first_metric + k, m);
        entries.push(e);
        words.extend(w);
    }
    for (e, w) in entries::terms(site, entries.len()) {
        entries.push(e);
        words.extend(w);
    }

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
    let words = dictionary::shards(&words, |t| postings.get(t).map_or(0, Vec::len));
    let mut terms: Vec<(Arc<str>, String)> = postings.into_iter().map(|(t, list)| (t, encode(&list))).collect();
    terms.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));

    let term_starts = term_shards(&terms, out);
    let doc_starts = doc_shards(&entries, out);
    let mut word_starts = Vec::with_capacity(words.len());
    for (n, (first, data)) in words.into_iter().enumerate() {
        out.put(shard_file("w", n, &json!(data)));
        word_starts.push(first);
    }

    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e.kind)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (mut counts, mut kind, mut status, mut titles) = (String::new(), String::new(), String::new(), String::new());
    for e in &entries {
        push_varint(&mut counts, e.sections.len() as u32);
        let k = kinds.binary_search(&e.kind).expect("every kind is listed");
        kind.push(ALPHABET[k] as char);
        status.push(ALPHABET[e.standing.index()] as char);
        titles.push(ALPHABET[e.title_terms.min(63)] as char);
    }
    let statuses: Vec<Value> = Standing::ALL
        .iter()
        .map(|s| json!([s.id(), s.label(), s.factor()]))
        .collect();
    let meta = json!({
        "version": 2,
        "pages": entries.len(),
        "sections": section_id,
        "stop": text::STOP_WORDS,
        "terms": term_starts,
        "docs": doc_starts,
        "words": word_starts,
        "counts": counts,
        "kinds": kinds,
        "kind": kind,
        "statuses": statuses,
        "status": status,
        "titles": titles,
    });
    out.put(OutputFile {
        path: format!("{DIR}index.js"),
        content: Content::Bytes(script("meta", 0, &meta).into_bytes()),
    });
}

/// Writes the term shards; returns the first term of each.
fn term_shards(terms: &[(Arc<str>, String)], out: &dyn Sink) -> Vec<String> {
    let mut starts: Vec<String> = Vec::new();
    let mut shard: Vec<&str> = Vec::new();
    let mut size = 0;
    for (t, p) in terms {
        if size >= TERM_SHARD {
            out.put(shard_file("t", starts.len() - 1, &json!(shard)));
            shard.clear();
            size = 0;
        }
        if shard.is_empty() {
            starts.push(t.to_string());
        }
        shard.push(t);
        shard.push(p);
        size += t.len() + p.len() + 6;
    }
    if !shard.is_empty() {
        out.put(shard_file("t", starts.len() - 1, &json!(shard)));
    }
    starts
}

/// Writes the document shards; returns the first section of each. They are
/// written as JSON text directly: they hold all the stored text, and
/// building `Value`s of it would copy it twice more.
fn doc_shards(entries: &[Entry], out: &dyn Sink) -> Vec<u32> {
    let mut starts: Vec<u32> = Vec::new();
    let (mut pages, mut secs) = (String::new(), String::new());
    let mut first = 0u32;
    let mut sid = 0u32;
    let mut flush = |pages: &mut String, secs: &mut String, first: u32, out: &dyn Sink| {
        let n = starts.len();
        let data = format!("{{\"pages\":[{pages}],\"sections\":[{secs}]}}");
        out.put(OutputFile {
            path: format!("{DIR}d/{n}.js"),
            content: Content::Bytes(format!("casebookSearch.add(\"d\",{n},{data});\n").into_bytes()),
        });
        starts.push(first);
        pages.clear();
        secs.clear();
    };
    for e in entries {
        let mut page_listed = false;
        for (s, _) in &e.sections {
            if pages.len() + secs.len() >= DOC_SHARD {
                flush(&mut pages, &mut secs, first, out);
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
        flush(&mut pages, &mut secs, first, out);
    }
    starts
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
        content: Content::Bytes(html.into_bytes()),
    })
}

fn shard_file(kind: &str, n: usize, data: &Value) -> OutputFile {
    OutputFile {
        path: format!("{DIR}{kind}/{n}.js"),
        content: Content::Bytes(script(kind, n, data).into_bytes()),
    }
}

fn script(kind: &str, n: usize, data: &Value) -> String {
    format!("casebookSearch.add(\"{kind}\",{n},{data});\n")
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
}
