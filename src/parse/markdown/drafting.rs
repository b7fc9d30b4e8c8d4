//! A page's Markdown read as a legal text: its definitions anchored
//! (`<dfn id="def-…">`), the prose where defined terms may be used marked
//! for the model, clause numbers on the headings of a numbered page, and
//! links without text (cross-references) left for the model to name.
//!
//! Which term a use is, and what a cross-reference says, needs the whole
//! site; here the page only says where they can be.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::Renderer;
use crate::diag::Position;
use crate::parse::anchors::{Anchor, AnchorKind};
use crate::parse::numbering;
use crate::parse::terms::{self, Detector, Form};

/// How the marker before a run of prose starts; its number and `-->` follow.
pub const RUN_OPEN: &str = "<!--casebook:t:";
/// The marker after a run of prose.
pub const RUN_CLOSE: &str = "<!--casebook:/t-->";
/// How the marker inside a cross-reference's empty link starts.
pub const XREF_OPEN: &str = "<!--casebook:xref:";

/// What a page holds for defined terms and clauses.
#[derive(Debug, Clone, Default)]
pub struct Drafting {
    pub definitions: Vec<Definition>,
    /// Capitalised terms in quotation marks that define nothing here.
    pub quoted: Vec<QuotedTerm>,
    pub xrefs: Vec<XRef>,
    /// Runs of prose, in order: run `n` is between `<!--casebook:t:n-->`
    /// and [`RUN_CLOSE`] in the HTML.
    pub runs: Vec<Run>,
}

/// A definition on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub term: String,
    /// The definition's sentence, for tooltips and the glossary.
    pub text: String,
    /// The meaning, normalised, to compare two definitions by.
    pub meaning: String,
    pub form: Form,
    /// The id of its `<dfn>`.
    pub id: String,
    /// The id of the heading above it; empty before the first.
    pub section: String,
    /// The block holding it: uses of the term there are the definition's own.
    pub block: usize,
    pub position: Position,
}

/// A capitalised term in quotation marks, `the "Supplier"`, that nothing
/// on the page defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotedTerm {
    pub term: String,
    pub position: Position,
}

/// A link written without text: it shows its target's clause number, the
/// heading's text, or the page's title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XRef {
    /// Its index in the page's links.
    pub link: usize,
    /// It starts a sentence, so its text starts with a capital.
    pub capitalise: bool,
}

/// A stretch of prose where defined terms may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub block: usize,
    /// The byte of the file where its text starts, to locate uses.
    pub source: usize,
}

impl Drafting {
    /// Whether link `n` of the page is a cross-reference.
    pub fn is_xref(&self, n: usize) -> bool {
        self.xrefs.iter().any(|x| x.link == n)
    }
}

/// The marker before run `n`.
pub fn run_open(n: usize) -> String {
    format!("{RUN_OPEN}{n}-->")
}

/// The marker inside cross-reference `n`.
pub fn xref_marker(n: usize) -> String {
    format!("{XREF_OPEN}{n}-->")
}

/// `html` without the markers around runs of prose: what a page shows
/// where no term is linked.
pub fn without_runs(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<!--casebook:") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let after_marker = after.strip_prefix(RUN_CLOSE).or_else(|| {
            let digits = after.strip_prefix(RUN_OPEN)?;
            let n = digits.find(|c: char| !c.is_ascii_digit())?;
            digits[n..].strip_prefix("-->")
        });
        match after_marker {
            Some(r) => rest = r,
            None => {
                out.push_str("<!--casebook:");
                rest = &after["<!--casebook:".len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// What the Markdown stage keeps while it reads one page.
pub(super) struct State<'a> {
    detector: Option<Detector<'a>>,
    /// Text events that may hold uses: index in the output, block, source byte.
    prose: Vec<(usize, usize, usize)>,
    /// Each heading read: its index in the output (`None` for the page
    /// title, which is not in the body) and whether it takes a number.
    headings: Vec<(Option<usize>, bool)>,
    unnumbered: bool,
    /// Open links: index in the output, the page's link count before
    /// it, whether it starts a sentence.
    links: Vec<(usize, usize, bool)>,
    xrefs: Vec<XRef>,
}

impl<'a> State<'a> {
    pub(super) fn new(body: &'a str) -> State<'a> {
        State {
            detector: Some(Detector::new(body)),
            prose: Vec::new(),
            headings: Vec::new(),
            unnumbered: false,
            links: Vec::new(),
            xrefs: Vec::new(),
        }
    }
}

impl<'a> Renderer<'a, '_> {
    /// Sees `event` before it is rendered.
    pub(super) fn drafting_before(&mut self, event: &Event<'a>, range: &std::ops::Range<usize>) {
        if range.end <= self.skip_until && !matches!(event, Event::End(_)) {
            return;
        }
        let at = self.out.len();
        let d = &mut self.drafting;
        let Some(detector) = d.detector.as_mut() else { return };
        match event {
            Event::Start(Tag::Heading { classes, .. }) => d.unnumbered = classes.iter().any(|c| &**c == "unnumbered"),
            Event::Start(Tag::Link { .. }) => d.links.push((at, self.links.len(), detector.at_sentence_start())),
            Event::End(TagEnd::Link) => {
                if let Some((start, before, capitalise)) = d.links.pop()
                    && at == start + 1
                    && self.links.len() == before + 1
                {
                    self.links[before].empty = true;
                    self.out.push(Event::Html(CowStr::from(xref_marker(d.xrefs.len()))));
                    detector.xref(d.xrefs.len(), range.clone());
                    d.xrefs.push(XRef {
                        link: before,
                        capitalise,
                    });
                }
            }
            _ => {}
        }
        detector.observe(event, range.clone(), at);
    }

    /// Notes the text events rendered from one event at `from..` that may hold uses.
    pub(super) fn drafting_after(&mut self, from: usize, source: usize) {
        let Some(detector) = self.drafting.detector.as_ref() else {
            return;
        };
        if !detector.is_prose() {
            return;
        }
        let block = detector.block();
        for i in from..self.out.len() {
            if matches!(self.out[i], Event::Text(_) | Event::SoftBreak) {
                let source = self.page.body_offset + source;
                self.drafting.prose.push((i, block, source));
            }
        }
    }

    /// Records a heading just closed; `at` is its opening tag in the output.
    pub(super) fn drafting_heading(&mut self, at: Option<usize>) {
        let numbered = !std::mem::take(&mut self.drafting.unnumbered);
        self.drafting.headings.push((at, numbered));
    }

    /// Anchors the definitions, numbers the headings and marks the runs of
    /// prose, once every event is read.
    pub(super) fn drafting_finish(&mut self) -> Drafting {
        let Some(detector) = self.drafting.detector.take() else {
            return Drafting::default();
        };
        let (found, quoted) = detector.finish();
        let definitions = found.into_iter().filter_map(|f| self.anchor_definition(f)).collect();
        let quoted = quoted.into_iter().map(|q| terms_quoted(self, q)).collect();
        if self.page.numbered {
            self.number_headings();
        }
        let runs = self.mark_runs();
        Drafting {
            definitions,
            quoted,
            xrefs: std::mem::take(&mut self.drafting.xrefs),
            runs,
        }
    }

    /// Wraps a definition's term in `<dfn id="def-…">` and records it.
    fn anchor_definition(&mut self, f: terms::Found) -> Option<Definition> {
        let (open, close) = match (self.out.get(f.open), self.out.get(f.close)) {
            (Some(Event::Start(Tag::Strong)), Some(Event::End(TagEnd::Strong))) => ("<strong>", "</strong>"),
            (Some(Event::Start(Tag::DefinitionListTitle)), Some(Event::End(TagEnd::DefinitionListTitle))) => {
                ("<dt>", "</dt>\n")
            }
            _ => return None,
        };
        let base = format!("def-{}", crate::paths::slugify(&f.term));
        let mut id = base.clone();
        let mut n = 2;
        while self.anchors.iter().any(|a| a.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let esc = super::escape_attr(&id);
        self.out[f.open] = Event::Html(CowStr::from(format!("{open}<dfn id=\"{esc}\">")));
        self.out[f.close] = Event::Html(CowStr::from(format!("</dfn>{close}")));
        // The term itself is no use of it.
        self.drafting.prose.retain(|&(i, _, _)| i < f.open || i > f.close);
        let line_len = self.body[f.range.clone()].find('\n').unwrap_or(f.range.len());
        let position = self.position(f.range.start, line_len);
        self.anchors.push(Anchor {
            id: id.clone(),
            kind: AnchorKind::Definition,
            position: position.clone(),
        });
        // The heading above, unless it is the page title (not in the body).
        let section = f
            .headings
            .checked_sub(1)
            .filter(|&h| self.drafting.headings.get(h).is_some_and(|(at, _)| at.is_some()))
            .and_then(|h| self.headings.get(h))
            .map(|h| h.id.clone())
            .unwrap_or_default();
        Some(Definition {
            term: f.term,
            text: f.text,
            meaning: f.meaning,
            form: f.form,
            id,
            section,
            block: f.block,
            position,
        })
    }

    /// Puts the clause number into each numbered heading.
    fn number_headings(&mut self) {
        let shown: Vec<(usize, usize)> = self
            .drafting
            .headings
            .iter()
            .enumerate()
            .filter_map(|(k, (at, _))| at.map(|a| (k, a)))
            .collect();
        let levels: Vec<(u8, bool)> = shown
            .iter()
            .map(|&(k, _)| (self.headings[k].level, self.drafting.headings[k].1))
            .collect();
        for ((k, at), number) in shown.into_iter().zip(numbering::numbers(&levels)) {
            let Some(number) = number else { continue };
            if let Event::Html(open) = &self.out[at] {
                let html = format!("{open}<span class=\"clause-number\">{number}</span> ");
                self.out[at] = Event::Html(CowStr::from(html));
            }
            self.headings[k].number = Some(number);
        }
    }

    /// Puts markers around each run of prose: text events next to each
    /// other in one block.
    fn mark_runs(&mut self) -> Vec<Run> {
        let prose = std::mem::take(&mut self.drafting.prose);
        if prose.is_empty() {
            return Vec::new();
        }
        let mut runs: Vec<(usize, usize, Run)> = Vec::new();
        for (i, block, source) in prose {
            match runs.last_mut() {
                Some((_, end, run)) if *end + 1 == i && run.block == block => *end = i,
                _ => runs.push((i, i, Run { block, source })),
            }
        }
        let events = std::mem::take(&mut self.out);
        let mut out = Vec::with_capacity(events.len() + runs.len() * 2);
        let mut next = runs.iter().enumerate().peekable();
        for (i, e) in events.into_iter().enumerate() {
            let starts = next.peek().is_some_and(|(_, (s, _, _))| *s == i);
            if starts && let Some((n, _)) = next.peek() {
                out.push(Event::Html(CowStr::from(run_open(*n))));
            }
            out.push(e);
            if let Some((_, (_, end, _))) = next.peek()
                && *end == i
            {
                out.push(Event::Html(CowStr::Borrowed(RUN_CLOSE)));
                next.next();
            }
        }
        self.out = out;
        runs.into_iter().map(|(_, _, r)| r).collect()
    }
}

fn terms_quoted(r: &Renderer<'_, '_>, q: terms::Quoted) -> QuotedTerm {
    QuotedTerm {
        position: r.position(q.range.start, q.range.len()),
        term: q.term,
    }
}

#[cfg(test)]
mod tests;
