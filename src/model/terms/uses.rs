//! Which definition each use of a term means, page by page: every form of
//! every term in scope found in one pass over the page's runs of prose.

use std::collections::{BTreeMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;

use super::forms::forms;
use super::{Origin, Use, Used};
use crate::diag::{Diagnostic, Diagnostics, Position};
use crate::model::{PageId, Site};
use crate::parse::markdown::drafting::{RUN_CLOSE, RUN_OPEN};

/// What a form of a term in scope stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target<'a> {
    /// An entry of [`super::Terms::entries`].
    Entry(usize),
    /// A term whose definition this build does not publish.
    Hidden(&'a str),
}

/// The terms in scope on a page, ready to find.
struct Matcher<'a> {
    ac: AhoCorasick,
    /// By pattern id.
    targets: Vec<(Target<'a>, &'a str)>,
}

fn matcher<'a>(scope: &BTreeMap<&'a str, Target<'a>>) -> Option<Matcher<'a>> {
    let mut patterns = Vec::new();
    let mut targets = Vec::new();
    for (&term, &target) in scope {
        for form in forms(term) {
            // Runs hold HTML text, which escapes these three.
            patterns.push(form.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"));
            targets.push((target, term));
        }
    }
    if patterns.is_empty() {
        return None;
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .ok()?;
    Some(Matcher { ac, targets })
}

/// What one page's runs hold.
struct Found {
    uses: Vec<Use>,
    /// Terms whose definition is not published, with where first used.
    hidden: Vec<(String, Position)>,
}

/// Finds the uses on every page and which pages use each entry.
pub(super) fn resolve(site: &mut Site, diags: &mut Diagnostics) {
    let found = find_all(site);
    let mut used: Vec<Vec<Used>> = vec![Vec::new(); site.terms.entries.len()];
    for (id, f) in found.into_iter().enumerate() {
        let p = &site.pages[id];
        for (term, position) in f.hidden {
            let place = site.hidden.terms.get(&term).map_or("", String::as_str);
            diags.push(
                Diagnostic::warning(format!(
                    "the definition of `{term}` is not published for audience `{}`, so its uses on this page show as plain text",
                    site.audience
                ))
                .in_file(&p.parsed.file)
                .at(position)
                .help(format!(
                    "`{term}` is defined in {place}; define it where this audience can read it too, e.g. in `content/glossary.yaml`"
                )),
            );
        }
        for u in &f.uses {
            let list = &mut used[u.entry];
            match list.last_mut() {
                Some(last) if last.page == id => last.count += 1,
                _ => list.push(Used {
                    page: id,
                    count: 1,
                    anchor: u.anchor.clone().unwrap_or_default(),
                }),
            }
        }
        site.terms.pages[id].uses = f.uses;
    }
    for (e, u) in site.terms.entries.iter_mut().zip(used) {
        e.uses = u;
    }
}

/// The uses on every page, in page order.
fn find_all(site: &Site) -> Vec<Found> {
    let scope = site_scope(site);
    let shared = matcher(&scope);
    (0..site.pages.len())
        .into_par_iter()
        .map(|id| find(site, id, &scope, shared.as_ref()))
        .collect()
}

/// The uses on page `id` alone, exactly as [`resolve`] finds them; `None`
/// when the page uses a term whose definition is not published, which only
/// a whole build reports.
pub(crate) fn on_page(site: &Site, id: PageId) -> Option<Vec<Use>> {
    let scope = site_scope(site);
    let found = find(site, id, &scope, matcher(&scope).as_ref());
    found.hidden.is_empty().then_some(found.uses)
}

/// The terms in scope on every page: the site-wide entries, then the terms
/// this build does not publish.
fn site_scope(site: &Site) -> BTreeMap<&str, Target<'_>> {
    let mut scope: BTreeMap<&str, Target> = BTreeMap::new();
    for (i, e) in site.terms.entries.iter().enumerate().filter(|(_, e)| e.site_wide) {
        scope.entry(e.term.as_str()).or_insert(Target::Entry(i));
    }
    for term in site.hidden.terms.keys() {
        scope.entry(term.as_str()).or_insert(Target::Hidden(term));
    }
    scope
}

/// The uses on page `id`: `shared` finds `scope`, to which the page's own
/// definitions add.
fn find<'a>(site: &'a Site, id: PageId, scope: &BTreeMap<&'a str, Target<'a>>, shared: Option<&Matcher<'_>>) -> Found {
    let own: Vec<(usize, &str)> = (site.terms.entries.iter().enumerate())
        .filter(|(_, e)| !e.site_wide && matches!(e.origin, Origin::Page { page, .. } if page == id))
        .map(|(i, e)| (i, e.term.as_str()))
        .collect();
    if own.is_empty() {
        return scan(site, id, shared);
    }
    let mut here = scope.clone();
    for (i, term) in own {
        here.insert(term, Target::Entry(i));
    }
    scan(site, id, matcher(&here).as_ref())
}

/// The uses in the runs of page `id`.
fn scan(site: &Site, id: PageId, m: Option<&Matcher<'_>>) -> Found {
    let mut out = Found {
        uses: Vec::new(),
        hidden: Vec::new(),
    };
    let Some(m) = m else { return out };
    let p = &site.pages[id];
    let body = &p.parsed.body;
    let runs = &body.drafting.runs;
    let taken: HashSet<&str> = body.anchors.iter().map(|a| a.id.as_str()).collect();
    let mut ids = Ids { taken, tips: 0 };
    let mut first: HashSet<usize> = HashSet::new();
    let html = body.html.unpack();
    for (n, text) in run_texts(&html) {
        let Some(run) = runs.get(n) else { continue };
        let literal = template_spans(text);
        for hit in m.ac.find_iter(text) {
            let (start, end) = (hit.start(), hit.end());
            if !at_word_edges(text, start, end) || literal.iter().any(|r| r.start < end && start < r.end) {
                continue;
            }
            let (target, term) = m.targets[hit.pattern().as_usize()];
            // The block that defines a term does not use it.
            let defines_here = body
                .drafting
                .definitions
                .iter()
                .any(|d| d.term == term && d.block == run.block);
            match target {
                Target::Entry(entry) if !defines_here => {
                    let anchor = first
                        .insert(entry)
                        .then(|| ids.fresh(&format!("term-use-{}", site.terms.entries[entry].id)));
                    let tip = ids.tip();
                    out.uses.push(Use {
                        run: n,
                        start,
                        end,
                        entry,
                        tip,
                        anchor,
                    });
                }
                Target::Hidden(term) if !out.hidden.iter().any(|(t, _)| t == term) => {
                    out.hidden
                        .push((term.to_string(), locate(&p.parsed.text.unpack(), run.source, term)));
                }
                _ => {}
            }
        }
    }
    out
}

/// Fresh element ids on one page, clear of the ids it has.
struct Ids<'a> {
    taken: HashSet<&'a str>,
    tips: usize,
}

impl Ids<'_> {
    fn fresh(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 2;
        while self.taken.contains(id.as_str()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    fn tip(&mut self) -> String {
        loop {
            self.tips += 1;
            let id = format!("term-tip-{}", self.tips);
            if !self.taken.contains(id.as_str()) {
                return id;
            }
        }
    }
}

/// Whether `start..end` of `text` is whole words: `Gift` is not in `Gifted`
/// or in `Sub-Gift`.
fn at_word_edges(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    !text[..start].chars().next_back().is_some_and(word) && !text[end..].chars().next().is_some_and(word)
}

/// Where `text` holds template text of other tools (`{{ name }}`,
/// `{% if x %}`), which stays as written: no term in it is a use.
fn template_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(['{']).map(|i| from + i) {
        let close = match text.get(i + 1..i + 2) {
            Some("{") => "}}",
            Some("%") => "%}",
            _ => {
                from = i + 1;
                continue;
            }
        };
        match text[i + 2..].find(close) {
            Some(j) => {
                out.push(i..i + 2 + j + 2);
                from = i + 2 + j + 2;
            }
            None => break,
        }
    }
    out
}

/// Each run of prose in `html`: its number and its HTML text.
pub(crate) fn run_texts(html: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let i = rest.find(RUN_OPEN)?;
            let after = &rest[i + RUN_OPEN.len()..];
            let digits = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
            let n = after[..digits].parse::<usize>().ok();
            let Some(text_start) = after[digits..].strip_prefix("-->").map(|_| digits + 3) else {
                rest = after;
                continue;
            };
            let Some(len) = after[text_start..].find(RUN_CLOSE) else {
                rest = after;
                continue;
            };
            let text = &after[text_start..text_start + len];
            rest = &after[text_start + len..];
            // Only the Markdown stage's own runs, which are text, are read.
            if let Some(n) = n.filter(|_| !text.contains(['<', '>'])) {
                return Some((n, text));
            }
        }
    })
}

/// Where `term` is first written at or after byte `from` of the file.
fn locate(text: &str, from: usize, term: &str) -> Position {
    let from = from.min(text.len());
    let window_end = (from + 4000).min(text.len());
    let window = text.get(from..window_end).unwrap_or_default();
    let at = window.find(term).map_or(from, |i| from + i);
    Position::at_byte(text, at, term.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_read_in_order_and_forged_ones_skipped() {
        let html = "<p><!--casebook:t:0-->The Company<!--casebook:/t--> <!--casebook:t:x-->no<!--casebook:/t--><!--casebook:t:1--><b>x</b><!--casebook:/t--><!--casebook:t:2-->Last<!--casebook:/t--></p>";
        let runs: Vec<(usize, &str)> = run_texts(html).collect();
        assert_eq!(runs, [(0, "The Company"), (2, "Last")]);
    }

    #[test]
    fn template_text_of_other_tools_is_no_use() {
        let t = "Sign {{ Company }} and {% if Company %}, {{/* Company() */}} but Company {";
        let spans: Vec<&str> = template_spans(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(spans, ["{{ Company }}", "{% if Company %}", "{{/* Company() */}}"]);
        assert!(template_spans("{{ never closed Company").is_empty());
    }

    #[test]
    fn words_are_matched_whole() {
        let t = "A Gift, Gifted, Sub-Gift, Gift’s.";
        let edges: Vec<bool> = [(2, 6), (8, 12), (20, 24), (26, 30)]
            .iter()
            .map(|&(s, e)| at_word_edges(t, s, e))
            .collect();
        assert_eq!(edges, [true, false, false, true]);
    }
}
