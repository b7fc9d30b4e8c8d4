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

/// Pages weighed at once: enough to keep every core busy, few enough that
/// their section texts and term lists are a small part of the build.
const BATCH: usize = 512;

/// Builds the index files for the pages and metrics of `site`. Entries are
/// made a batch of pages at a time and folded into postings and document
/// shards at once, so memory holds the postings, not every section's text.
/// Folding is done in order, on one thread: it goes on while the next
/// batch is weighed.
pub fn files(site: &Site, out: &dyn Sink) {
    let mut index = Index::new(out);
    let ids: Vec<usize> = (0..site.pages.len()).collect();
    let mut weighed: Vec<(Entry, Words)> = Vec::new();
    for batch in ids.chunks(BATCH) {
        let (previous, index) = (std::mem::take(&mut weighed), &mut index);
        let fold = move || previous.into_iter().for_each(|e| index.add(e));
        weighed = rayon::join(fold, || batch.par_iter().map(|&id| entries::page(site, id)).collect()).1;
    }
    weighed.into_iter().for_each(|e| index.add(e));
    for m in site.metrics.values() {
        let e = entries::metric(site, index.entries.len(), m);
        index.add(e);
    }
    for e in entries::terms(site, index.entries.len()) {
        index.add(e);
    }
    index.finish();
}

/// A term's postings so far, encoded as they come (see the module docs):
/// section ids only grow, so each is written as the gap to the last.
#[derive(Default)]
struct Postings {
    encoded: String,
    last: u32,
    sections: usize,
}

impl Postings {
    fn push(&mut self, section: u32, weight: u8) {
        push_varint(&mut self.encoded, section - self.last);
        self.encoded.push(ALPHABET[weight.min(63) as usize] as char);
        (self.last, self.sections) = (section, self.sections + 1);
    }
}

/// The index as it is built: what each entry adds is folded in and dropped.
struct Index<'a> {
    out: &'a dyn Sink,
    postings: text::FastMap<Arc<str>, Postings>,
    words: Words,
    docs: Docs,
    /// Each entry's kind, standing, title terms and number of sections.
    entries: Vec<(&'static str, Standing, usize, u32)>,
    sections: u32,
}

impl<'a> Index<'a> {
    fn new(out: &'a dyn Sink) -> Index<'a> {
        Index {
            out,
            postings: text::FastMap::default(),
            words: Words::default(),
            docs: Docs::default(),
            entries: Vec::new(),
            sections: 0,
        }
    }

    fn add(&mut self, (e, words): (Entry, Words)) {
        self.words.extend(words);
        let before = self.sections;
        for (json, terms) in e.sections {
            for (t, w) in terms {
                self.postings.entry(t).or_default().push(self.sections, w);
            }
            self.docs
                .section(self.sections, &e.info, self.sections == before, &json, self.out);
            self.sections += 1;
        }
        self.entries
            .push((e.kind, e.standing, e.title_terms, self.sections - before));
    }

    fn finish(self) {
        let Index {
            out,
            postings,
            words,
            docs,
            entries,
            sections,
        } = self;
        let doc_starts = docs.finish(out);
        let words = dictionary::shards(&words, |t| postings.get(t).map_or(0, |p| p.sections));
        let mut terms: Vec<(Arc<str>, String)> = postings.into_iter().map(|(t, p)| (t, p.encoded)).collect();
        terms.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        let term_starts = term_shards(&terms, out);
        let mut word_starts = Vec::with_capacity(words.len());
        for (n, (first, data)) in words.into_iter().enumerate() {
            out.put(shard_file("w", n, &json!(data)));
            word_starts.push(first);
        }

        let meta = meta(
            &entries,
            sections,
            [json!(term_starts), json!(doc_starts), json!(word_starts)],
        );
        out.put(OutputFile {
            path: format!("{DIR}index.js"),
            content: Content::Bytes(script("meta", 0, &meta).into_bytes()),
        });
    }
}

/// `index.js`'s data: the counts, the shards' first keys (`starts`: terms,
/// documents, words) and one digit per entry for its kind, standing and
/// title terms.
fn meta(entries: &[(&'static str, Standing, usize, u32)], sections: u32, starts: [Value; 3]) -> Value {
    let [terms, docs, words] = starts;
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e.0)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (mut counts, mut kind, mut status, mut titles) = (String::new(), String::new(), String::new(), String::new());
    for &(k, standing, title_terms, n) in entries {
        push_varint(&mut counts, n);
        let k = kinds.binary_search(&k).expect("every kind is listed");
        kind.push(ALPHABET[k] as char);
        status.push(ALPHABET[standing.index()] as char);
        titles.push(ALPHABET[title_terms.min(63)] as char);
    }
    let statuses: Vec<Value> = Standing::ALL
        .iter()
        .map(|s| json!([s.id(), s.label(), s.factor()]))
        .collect();
    json!({
        "version": 2,
        "pages": entries.len(),
        "sections": sections,
        "stop": text::STOP_WORDS,
        "terms": terms,
        "docs": docs,
        "words": words,
        "counts": counts,
        "kinds": kinds,
        "kind": kind,
        "statuses": statuses,
        "status": status,
        "titles": titles,
    })
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

/// The document shards, written as they fill; they are JSON text made
/// directly: they hold all the stored text, and building `Value`s of it
/// would copy it twice more.
#[derive(Default)]
struct Docs {
    pages: String,
    sections: String,
    /// The first section of each shard written.
    starts: Vec<u32>,
    first: u32,
}

impl Docs {
    /// Adds section `id` (`json`) of the page `info`, listing the page in
    /// every shard that holds one of its sections; `first` says the
    /// section is its page's first.
    fn section(&mut self, id: u32, info: &str, first: bool, json: &str, out: &dyn Sink) {
        let mut listed = !first;
        if self.pages.len() + self.sections.len() >= DOC_SHARD {
            self.flush(out);
            (self.first, listed) = (id, false);
        }
        if !listed {
            if !self.pages.is_empty() {
                self.pages.push(',');
            }
            self.pages.push_str(info);
        }
        if !self.sections.is_empty() {
            self.sections.push(',');
        }
        self.sections.push_str(json);
    }

    fn flush(&mut self, out: &dyn Sink) {
        let n = self.starts.len();
        let data = format!("{{\"pages\":[{}],\"sections\":[{}]}}", self.pages, self.sections);
        out.put(OutputFile {
            path: format!("{DIR}d/{n}.js"),
            content: Content::Bytes(format!("casebookSearch.add(\"d\",{n},{data});\n").into_bytes()),
        });
        self.starts.push(self.first);
        self.pages.clear();
        self.sections.clear();
    }

    /// Writes the last shard; the first section of each.
    fn finish(mut self, out: &dyn Sink) -> Vec<u32> {
        if !self.sections.is_empty() {
            self.flush(out);
        }
        self.starts
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What the reader does with postings.
    fn decode(s: &str) -> Vec<(u32, u8)> {
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

    fn encode(list: &[(u32, u8)]) -> Postings {
        let mut p = Postings::default();
        list.iter().for_each(|&(s, w)| p.push(s, w));
        p
    }

    #[test]
    fn postings_round_trip() {
        let list = vec![(0, 1), (1, 63), (31, 5), (32, 2), (1_000_000, 9)];
        let p = encode(&list);
        assert_eq!(decode(&p.encoded), list);
        assert_eq!((p.last, p.sections), (1_000_000, 5));
        assert_eq!(
            encode(&[(3, 1), (4, 2)]).encoded,
            "3112",
            "the first id as is, then gaps"
        );
    }
}
