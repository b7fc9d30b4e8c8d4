//! Word diffs of one block's inline HTML.

use std::fmt::Write as _;

use similar::{DiffTag, DiffableStr};

use super::bounded;
use crate::history::blocks::NOTE_OPEN;

/// Splits inline HTML into tags, footnote atoms, entities, words and whitespace.
pub fn tokens(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let cut = if rest.starts_with(NOTE_OPEN) {
            rest.find("</sup>").map_or(rest.len(), |i| i + "</sup>".len())
        } else if rest.starts_with('<') {
            rest.find('>').map_or(rest.len(), |i| i + 1)
        } else if let Some(after) = rest.strip_prefix('&') {
            match after.find(';') {
                Some(i) if i < 10 && after[..i].chars().all(|c| c.is_ascii_alphanumeric() || c == '#') => i + 2,
                _ => 1,
            }
        } else {
            let end = rest.find(['<', '&']).unwrap_or(rest.len());
            out.extend(rest[..end].tokenize_unicode_words());
            end
        };
        if rest.starts_with(['<', '&']) {
            out.push(&rest[..cut]);
        }
        rest = &rest[cut..];
    }
    out
}

/// A footnote reference: shown and marked like text, counted as no word.
fn is_note(t: &str) -> bool {
    t.starts_with(NOTE_OPEN)
}

fn is_tag(t: &str) -> bool {
    t.starts_with('<') && !is_note(t)
}

fn is_space(t: &str) -> bool {
    t.chars().all(char::is_whitespace)
}

pub fn is_word(t: &str) -> bool {
    !t.starts_with('<') && t.chars().any(char::is_alphanumeric)
}

/// What a reader sees of a token run: anything but tags and spaces.
fn is_visible(t: &str) -> bool {
    !is_tag(t) && !is_space(t)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Ins,
}

/// The new HTML of a block with deleted words in `<del>` and inserted words in `<ins>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    pub html: String,
    pub added: usize,
    pub removed: usize,
    /// Something a reader sees differs (words, punctuation, a footnote).
    pub changed: bool,
}

/// Word diff of two inline HTML strings, at most `budget` token cells of exact work.
pub fn diff(old: &str, new: &str, budget: usize) -> Inline {
    let (ot, nt) = (tokens(old), tokens(new));
    fn key<'a>(t: &&'a str) -> &'a str {
        if is_space(t) { " " } else { t }
    }
    let ok: Vec<&str> = ot.iter().map(key).collect();
    let nk: Vec<&str> = nt.iter().map(key).collect();
    let mut items: Vec<(Op, &str)> = Vec::with_capacity(nt.len() + 8);
    for (tag, o, n) in spans(&ok, &nk, budget) {
        match tag {
            DiffTag::Equal => items.extend(n.map(|j| (Op::Same, nk[j]))),
            DiffTag::Delete => items.extend(o.map(|i| (Op::Del, ok[i]))),
            DiffTag::Insert => items.extend(n.map(|j| (Op::Ins, nk[j]))),
            DiffTag::Replace => {
                items.extend(o.map(|i| (Op::Del, ok[i])));
                items.extend(n.map(|j| (Op::Ins, nk[j])));
            }
        }
    }
    // A lone space between two changes joins them: `<del>30 days</del>`,
    // not `<del>30</del> <del>days</del>`.
    let mut joined: Vec<(Op, &str)> = Vec::with_capacity(items.len());
    for (i, &item) in items.iter().enumerate() {
        let between = item.0 == Op::Same
            && is_space(item.1)
            && i > 0
            && items[i - 1].0 != Op::Same
            && items.get(i + 1).is_some_and(|x| x.0 != Op::Same);
        if between {
            joined.push((Op::Del, " "));
            joined.push((Op::Ins, " "));
        } else {
            joined.push(item);
        }
    }
    let items = joined;
    let mut out = Inline {
        html: String::with_capacity(new.len() + 64),
        added: 0,
        removed: 0,
        changed: false,
    };
    let mut i = 0;
    while i < items.len() {
        if items[i].0 == Op::Same {
            out.html.push_str(items[i].1);
            i += 1;
            continue;
        }
        let end = items[i..]
            .iter()
            .position(|x| x.0 == Op::Same)
            .map_or(items.len(), |k| i + k);
        let run = &items[i..end];
        let dels: String = run
            .iter()
            .filter(|x| x.0 == Op::Del && !is_tag(x.1))
            .map(|x| x.1)
            .collect();
        out.removed += run.iter().filter(|x| x.0 == Op::Del && is_word(x.1)).count();
        out.added += run.iter().filter(|x| x.0 == Op::Ins && is_word(x.1)).count();
        let ins: Vec<&str> = run.iter().filter(|x| x.0 == Op::Ins).map(|x| x.1).collect();
        if !is_space(&dels) {
            out.changed = true;
            let _ = write!(out.html, "<del>{}</del>", dels.trim_end());
            if dels.ends_with(' ') && ins.first().is_none_or(|t| !is_space(t)) {
                out.html.push(' ');
            }
        }
        if ins.iter().any(|t| is_visible(t)) {
            out.changed = true;
            push_wrapped(&mut out.html, &ins, "ins");
        } else {
            // Only tags or spaces were inserted: keep the new structure as it is.
            ins.iter().for_each(|t| out.html.push_str(t));
        }
        i = end;
    }
    out
}

/// Diffs token keys: exactly within `budget` cells, else chunk by chunk
/// first (see [`chunks`]) and word by word inside the chunks that differ.
fn spans(ok: &[&str], nk: &[&str], budget: usize) -> Vec<bounded::Span> {
    if ok.len().saturating_mul(nk.len()) <= budget {
        return bounded::diff(ok, nk, budget);
    }
    let (oc, nc) = (chunks(ok), chunks(nk));
    let okeys: Vec<&[&str]> = oc.iter().map(|r| &ok[r.clone()]).collect();
    let nkeys: Vec<&[&str]> = nc.iter().map(|r| &nk[r.clone()]).collect();
    // Chunk indexes to token indexes.
    let at = |c: &[std::ops::Range<usize>], r: std::ops::Range<usize>, len: usize| {
        let start = c.get(r.start).map_or(len, |x| x.start);
        let end = r
            .end
            .checked_sub(1)
            .and_then(|e| c.get(e))
            .map_or(start, |x| x.end.max(start));
        start..end
    };
    let mut out = Vec::new();
    for (tag, o, n) in bounded::diff(&okeys, &nkeys, budget) {
        let (o, n) = (at(&oc, o, ok.len()), at(&nc, n, nk.len()));
        if tag == DiffTag::Replace {
            for (t, a, b) in bounded::diff(&ok[o.clone()], &nk[n.clone()], budget) {
                out.push((
                    t,
                    o.start + a.start..o.start + a.end,
                    n.start + b.start..n.start + b.end,
                ));
            }
        } else {
            out.push((tag, o, n));
        }
    }
    out
}

/// Cuts tokens into chunks that an edit elsewhere does not shift: after
/// the end of a sentence, and after words whose fixed hash says so (about
/// one in sixteen), so the same text is cut the same way in both versions.
fn chunks(keys: &[&str]) -> Vec<std::ops::Range<usize>> {
    fn cut_after(t: &str) -> bool {
        if matches!(t, "." | "!" | "?" | ";" | ":") {
            return true;
        }
        // FNV-1a: stable across runs and machines, unlike the std hasher.
        let h = t.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        is_word(t) && h % 16 == 0
    }
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in keys.iter().enumerate() {
        if cut_after(t) {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < keys.len() {
        out.push(start..keys.len());
    }
    out
}

/// Pushes `tokens`, wrapping each run of text between tags in `<el>`.
fn push_wrapped(out: &mut String, tokens: &[&str], el: &str) {
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.trim().is_empty() {
            out.push_str(run);
        } else {
            let lead = run.len() - run.trim_start().len();
            let trail = run.trim_end().len();
            let _ = write!(
                out,
                "{}<{el}>{}</{el}>{}",
                &run[..lead],
                &run[lead..trail],
                &run[trail..]
            );
        }
        run.clear();
    };
    for t in tokens {
        if is_tag(t) {
            flush(&mut run, out);
            out.push_str(t);
        } else {
            run.push_str(t);
        }
    }
    flush(&mut run, out);
}

/// A whole block's HTML with all its text in `<el>`, and its word count.
pub fn wrap_all(html: &str, el: &str) -> (String, usize) {
    let t = tokens(html);
    let words = t.iter().filter(|x| is_word(x)).count();
    let mut out = String::with_capacity(html.len() + 16);
    push_wrapped(&mut out, &t, el);
    (out, words)
}

/// The text of inline HTML without its tags and footnote atoms (entities kept).
pub fn plain(html: &str) -> String {
    let text: String = tokens(html).into_iter().filter(|t| !t.starts_with('<')).collect();
    crate::text::collapse(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::blocks::note;

    const BIG: usize = 1_000_000;

    fn html(old: &str, new: &str) -> (String, usize, usize) {
        let d = diff(old, new, BIG);
        (d.html, d.added, d.removed)
    }

    #[test]
    fn word_diff_marks_exactly_the_changed_words() {
        let (html, added, removed) = html(
            "The Supplier shall notify the Company within 30 days.",
            "The Supplier must notify the Company in writing within 10 business days.",
        );
        assert_eq!(
            html,
            "The Supplier <del>shall</del><ins>must</ins> notify the Company <ins>in writing</ins> within <del>30</del><ins>10 business</ins> days."
        );
        assert_eq!((added, removed), (5, 2));
    }

    #[test]
    fn word_diff_handles_unicode_and_markup() {
        let (html, a, d) = html("Über <em>alle</em> «Daten» 合同", "Über <em>viele</em> «Daten» 合同");
        assert_eq!(html, "Über <em><del>alle</del><ins>viele</ins></em> «Daten» 合同");
        assert_eq!((a, d), (1, 1));
        // Entities stay whole.
        let (html, _, _) = self::html("A &amp; B", "A &lt; B");
        assert_eq!(html, "A <del>&amp;</del><ins>&lt;</ins> B");
    }

    #[test]
    fn a_footnote_reference_is_marked_but_is_no_word() {
        let old = "Data is kept.".to_string();
        let new = format!("Data is kept{}.", note("gdpr"));
        let d = diff(&old, &new, BIG);
        assert_eq!(d.html, format!("Data is kept<ins>{}</ins>.", note("gdpr")));
        assert_eq!((d.added, d.removed, d.changed), (0, 0, true));
    }

    #[test]
    fn only_new_markup_is_no_visible_change() {
        let d = diff("the Company", "the <em>Company</em>", BIG);
        assert_eq!(d.html, "the <em>Company</em>");
        assert!(!d.changed);
    }

    #[test]
    fn over_budget_the_changed_middle_is_replaced_whole() {
        // Nothing in the middle occurs once on each side, so nothing anchors it.
        let (old, new) = ("x the the z", "p the the q");
        let exact = diff(old, new, BIG);
        assert_eq!(exact.html, "<del>x</del><ins>p</ins> the the <del>z</del><ins>q</ins>");
        assert_eq!((exact.added, exact.removed), (2, 2));
        let coarse = diff(old, new, 1);
        assert_eq!(coarse.html, "<del>x the the z</del><ins>p the the q</ins>");
        assert_eq!((coarse.added, coarse.removed, coarse.changed), (4, 4, true));
    }

    #[test]
    fn plain_text_drops_tags_and_notes() {
        assert_eq!(
            plain(&format!("Retention <em>periods</em>{}", note("x"))),
            "Retention periods"
        );
    }
}
