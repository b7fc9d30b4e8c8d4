//! Clause numbers in a redline: each text numbered as its page shows it,
//! from its own headings. Numbers are made, not written, so a clause that
//! only moved up or down the numbering is no edit; a redline shows each
//! heading's number in the new text and, when it changed, the old one.

use crate::history::blocks::{Doc, Kind};
use crate::parse::numbering;

/// The number of each block of `doc` that is a numbered heading. A text
/// without a `title:` has its first `# Heading` as its title, which takes
/// no number (as on the page).
pub(super) fn numbers(doc: &Doc, numbered: bool, titled: bool) -> Vec<Option<String>> {
    let mut out = vec![None; doc.blocks.len()];
    if !numbered {
        return out;
    }
    let headings: Vec<(usize, u8, bool)> = doc
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b.kind {
            Kind::Heading(1) if i == 0 && !titled => None,
            Kind::Heading(l) => Some((i, l, !b.unnumbered)),
            _ => None,
        })
        .collect();
    let levels: Vec<(u8, bool)> = headings.iter().map(|&(_, l, n)| (l, n)).collect();
    for ((i, _, _), n) in headings.into_iter().zip(numbering::numbers(&levels)) {
        out[i] = n;
    }
    out
}

/// What a text says about its numbering in its front matter's `entries`:
/// `numbered:` if set, and whether it has a `title:`.
pub(super) fn front(entries: &[(crate::yaml::Node, crate::yaml::Node)]) -> (Option<bool>, bool) {
    let get = |key: &str| entries.iter().find(|(k, _)| k.text() == Some(key)).map(|(_, v)| v);
    let numbered = get("numbered").and_then(crate::yaml::Node::as_bool);
    let titled = get("title").is_some_and(|v| v.text().is_some_and(|t| !t.trim().is_empty()));
    (numbered, titled)
}
