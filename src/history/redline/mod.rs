//! Redlines: two texts of a page compared the way lawyers read changes.
//!
//! The bodies are split into [`blocks`] and aligned first
//! (Patience diff on whitespace-normalised blocks, so re-wrapping is no
//! change); a block that left one place and turned up unchanged in another
//! is *moved*; the blocks left over in a changed region are paired with
//! their most similar counterpart of the same kind, in order, and compared
//! word by word. Front matter is compared key by key. The result is HTML
//! with the page's structure — `<ins>` for inserted words, `<del>` for
//! deleted ones, whole blocks marked as added, removed or moved — where
//! every change has an id (`change-1`, …), with a summary by section.
//!
//! No step looks at a clock: each is bounded by the size of its input
//! (`Limits`) and settles for a coarser, still deterministic result beyond
//! it (`bounded`), so a redline is the same on any machine.

mod align;
mod bounded;
mod clauses;
mod definitions;
mod inline;
mod render;

use std::collections::BTreeMap;

use serde::Serialize;

use super::blocks::{self, Doc};
use align::align;

/// How much exact work one redline may do, in cells (old × new).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Limits {
    /// Exact alignment of blocks (2,000 × 2,000 blocks).
    blocks: usize,
    /// Exact similarity pairing of the blocks of one changed region.
    pairs: usize,
    /// Exact word diff of one pair of blocks (about 500 × 500 words).
    words: usize,
}

const LIMITS: Limits = Limits {
    blocks: 4_000_000,
    pairs: 250_000,
    words: 1_000_000,
};

/// A compared pair of texts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Redline {
    /// The marked-up body.
    pub html: String,
    pub words_added: usize,
    pub words_removed: usize,
    pub blocks_added: usize,
    pub blocks_removed: usize,
    pub blocks_changed: usize,
    pub blocks_moved: usize,
    /// Changes in reading order; change `n` has the id `change-n` in `html`.
    pub changes: usize,
    /// The sections holding a change, in reading order.
    pub sections: Vec<Section>,
    /// The changes-only view hides something.
    pub foldable: bool,
    /// Front matter keys whose values differ, in key order.
    pub front: Vec<FieldChange>,
    /// Definitions added, changed or removed, by term.
    pub definitions: Vec<definitions::DefinitionChange>,
}

/// A part of the text under one heading, as the summary lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// The heading's text as HTML (entities escaped, no tags); for the text
    /// before the first heading, `Opening text`.
    pub title: String,
    /// The heading level; 0 before the first heading.
    pub level: u8,
    /// The heading's clause number in the new text (the old for a deleted one).
    pub number: Option<String>,
    /// The heading as it was, when it changed.
    pub was: Option<String>,
    /// `added`, `deleted`, `renamed`, `moved` or empty.
    pub status: &'static str,
    /// The first change in the section.
    pub change: usize,
    pub changes: usize,
    pub words_added: usize,
    pub words_removed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub key: String,
    /// `review_every` → `Review every`.
    pub label: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Redline {
    /// Whether anything a reader would call an edit differs.
    pub fn has_changes(&self) -> bool {
        self.changes > 0 || !self.front.is_empty()
    }
}

/// Whether `numbered:` in the config numbers the page's kind; a text's own
/// `numbered:` decides for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KindNumbering {
    #[default]
    Plain,
    Numbered,
}

/// Compares two whole page files (front matter and body).
pub fn compare(old: &str, new: &str) -> Redline {
    compare_as(old, new, KindNumbering::Plain, &|dest, _| format!("[{dest}]"))
}

/// Compares two whole page files of a page whose kind is numbered or not;
/// `xref` names a cross-reference from its target as written, the same in
/// both texts, so a renumbering elsewhere changes no sentence that refers.
pub fn compare_as(old: &str, new: &str, kind: KindNumbering, xref: &dyn Fn(&str, bool) -> String) -> Redline {
    compare_read(&Text::read(old, kind, xref), &Text::read(new, kind, xref))
}

/// One page file read for comparing, once however many texts it is
/// compared with.
pub struct Text {
    /// The front matter as written, and as keys and values when it reads.
    yaml: String,
    front: Option<BTreeMap<String, String>>,
    doc: Doc,
    /// The clause number of each block of `doc`.
    numbers: Vec<Option<String>>,
    definitions: definitions::Defined,
}

impl Text {
    /// Reads `text` of a page whose kind is numbered or not (see [`compare_as`]).
    pub fn read(text: &str, kind: KindNumbering, xref: &dyn Fn(&str, bool) -> String) -> Text {
        let (yaml, body) = split(text);
        let root = crate::yaml::parse_map(yaml, crate::yaml::Source { file: "", full: yaml }, 0);
        let entries = root.as_ref().ok().and_then(|r| r.as_ref()?.entries());
        let (own, titled) = clauses::front(entries.unwrap_or(&[]));
        let front = root.is_ok().then(|| {
            entries
                .unwrap_or(&[])
                .iter()
                .map(|(k, v)| (k.text().unwrap_or_default().to_string(), show(&v.to_json())))
                .collect()
        });
        let doc = blocks::parse_with(body, xref);
        let numbers = clauses::numbers(&doc, own.unwrap_or(kind == KindNumbering::Numbered), titled);
        Text {
            yaml: yaml.to_string(),
            front,
            numbers,
            definitions: definitions::defined(body),
            doc,
        }
    }
}

/// Compares two texts, each [read](Text::read) as its page's.
pub fn compare_read(old: &Text, new: &Text) -> Redline {
    let entries = align(&old.doc.blocks, &new.doc.blocks, &LIMITS);
    let numbers = [&old.numbers[..], &new.numbers[..]];
    let mut r = render::render(&old.doc, &new.doc, &entries, &LIMITS, numbers);
    r.front = front_changes(old, new);
    r.definitions = definitions::changes(&old.definitions, &new.definitions);
    r
}

fn split(text: &str) -> (&str, &str) {
    match crate::parse::front_matter::split(text, "") {
        Ok(s) => (s.yaml, s.body),
        Err(_) => ("", text),
    }
}

/// One block of the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Same(usize),
    Changed(usize, usize),
    Added(usize),
    Removed(usize),
    /// The new place of a block that moved unchanged (index into new).
    MovedTo(usize),
    /// The old place of a moved block (index into old).
    MovedFrom(usize),
}

/// Compares two Markdown bodies, each numbered and titled as `numbering` says.
#[cfg(test)]
fn compare_bodies(old: &str, new: &str, limits: &Limits, numbering: [(bool, bool); 2]) -> Redline {
    let (od, nd) = (blocks::parse(old), blocks::parse(new));
    let entries = align(&od.blocks, &nd.blocks, limits);
    let [(on, ot), (nn, nt)] = numbering;
    let numbers = [clauses::numbers(&od, on, ot), clauses::numbers(&nd, nn, nt)];
    render::render(&od, &nd, &entries, limits, [&numbers[0], &numbers[1]])
}

/// Front matter keys whose values differ; the whole front matter as one
/// change when either does not read and they differ otherwise than in spacing.
fn front_changes(old: &Text, new: &Text) -> Vec<FieldChange> {
    match (&old.front, &new.front) {
        (Some(a), Some(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| a.get(*k) != b.get(*k))
                .map(|k| FieldChange {
                    key: k.clone(),
                    label: label(k),
                    old: a.get(k).cloned(),
                    new: b.get(k).cloned(),
                })
                .collect()
        }
        _ if crate::text::collapse(&old.yaml) != crate::text::collapse(&new.yaml) => vec![FieldChange {
            key: String::new(),
            label: "Front matter".into(),
            old: Some(old.yaml.trim().to_string()),
            new: Some(new.yaml.trim().to_string()),
        }],
        _ => Vec::new(),
    }
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn label(key: &str) -> String {
    let s = key.replace(['_', '-'], " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
