//! A page body's searchable text, split at its headings, collected from the
//! Markdown events rather than from the HTML they become: text arrives with
//! every entity and escape already decoded, table cells and rows keep their
//! boundaries, and casebook's own markup (heading anchors, admonition
//! labels, component placeholders) is never mistaken for the author's words.
//!
//! Raw HTML written in the Markdown goes through html5ever's tokenizer, so
//! its character references are decoded as a browser would and the contents
//! of `<script>` and `<style>` are left out.

use std::cell::RefCell;
use std::ops::Range;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, EndTag, StartTag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts,
};
use pulldown_cmark::{Event, Tag, TagEnd};

use super::markdown::Heading;

/// Between the cells of a table row, and the items of a list, in
/// [`Section::text`].
pub const CELL: &str = " · ";
/// Between the rows of a table (and around a table) in [`Section::text`].
pub const ROW: char = '\n';

/// The text under one heading (or before the first: `anchor` empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub anchor: String,
    pub heading: String,
    /// Words separated by single spaces; table cells and list items by
    /// [`CELL`], table rows by [`ROW`].
    pub text: String,
    /// Strong and defined words (`**…**`, `<b>`, `<dfn>`, `<dt>`), which
    /// weigh more: legal texts put defined terms in bold.
    pub terms: String,
}

/// A heading in the event list: the range of its events and what it is.
#[derive(Debug, Clone)]
pub struct HeadingSpan {
    pub events: Range<usize>,
    pub heading: usize,
}

/// The sections of a page from its events (`spans` in order): the text
/// before the first heading, then one per heading. Empty ones are left out.
pub fn collect(events: &[Event<'_>], spans: &[HeadingSpan], headings: &[Heading]) -> Vec<Section> {
    let mut c = Collector::default();
    let mut spans = spans.iter().peekable();
    let mut html = String::new();
    let mut i = 0;
    while i < events.len() {
        if let Some(span) = spans.next_if(|s| s.events.start == i) {
            c.flush_html(&mut html);
            let h = &headings[span.heading];
            c.out.push(Section {
                anchor: h.id.clone(),
                heading: h.text.clone(),
                ..Section::default()
            });
            i = span.events.end;
            continue;
        }
        match &events[i] {
            Event::Html(s) | Event::InlineHtml(s) => html.push_str(s),
            other => {
                c.flush_html(&mut html);
                c.event(other);
            }
        }
        i += 1;
    }
    c.flush_html(&mut html);
    let mut out = c.out;
    for s in &mut out {
        for t in [&mut s.text, &mut s.terms] {
            let end = t.trim_end().len();
            t.truncate(end);
        }
    }
    out.retain(|s| !(s.text.is_empty() && s.heading.is_empty()));
    out
}

struct Collector {
    out: Vec<Section>,
    /// Depth of strong or defining elements open.
    emphasis: usize,
    /// Cells begun in the current table row.
    cells: usize,
    /// Items begun in each open list, innermost last.
    items: Vec<usize>,
    /// Inside `<script>`, `<style>` or an admonition's label: text is skipped.
    skipping: Option<String>,
}

impl Default for Collector {
    fn default() -> Collector {
        Collector {
            out: vec![Section::default()],
            emphasis: 0,
            cells: 0,
            items: Vec::new(),
            skipping: None,
        }
    }
}

impl Collector {
    fn section(&mut self) -> &mut Section {
        self.out.last_mut().expect("the collector starts with one section")
    }

    fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(t) | Event::Code(t) => self.text(t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => self.text(" "),
            Event::Start(Tag::Strong) => self.emphasis += 1,
            Event::End(TagEnd::Strong) => self.emphasis = self.emphasis.saturating_sub(1),
            Event::Start(Tag::TableHead | Tag::TableRow) => self.row(),
            Event::Start(Tag::TableCell) => self.cell(),
            Event::Start(Tag::List(_)) => self.items.push(0),
            Event::Start(Tag::Item) => self.item(),
            Event::End(TagEnd::Table) => self.row(),
            // Blocks end words; inline elements (links, emphasis) do not.
            Event::End(TagEnd::List(_)) => {
                self.items.pop();
                self.text(" ");
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::Item
                | TagEnd::FootnoteDefinition
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::Image,
            ) => self.text(" "),
            _ => {}
        }
    }

    fn text(&mut self, raw: &str) {
        if self.skipping.is_some() {
            return;
        }
        let emphasised = self.emphasis > 0;
        let s = self.section();
        push_squeezed(&mut s.text, raw);
        if emphasised {
            push_squeezed(&mut s.terms, raw);
            push_squeezed(&mut s.terms, " ");
        }
    }

    /// A table row starts (or a table ends): a new line.
    fn row(&mut self) {
        self.cells = 0;
        let text = &mut self.section().text;
        let end = text.trim_end_matches(' ').len();
        text.truncate(end);
        if !text.is_empty() && !text.ends_with(ROW) {
            text.push(ROW);
        }
    }

    fn cell(&mut self) {
        if self.cells > 0 {
            let text = &mut self.section().text;
            let end = text.trim_end_matches(' ').len();
            text.truncate(end);
            text.push_str(CELL);
        }
        self.cells += 1;
    }

    /// A list item starts: set apart from the one before, unless that one
    /// ended its sentence or clause itself.
    fn item(&mut self) {
        let first = self.items.last_mut().is_none_or(|n| {
            *n += 1;
            *n == 1
        });
        let text = &mut self.section().text;
        let end = text.trim_end_matches(' ').len();
        text.truncate(end);
        if first || text.is_empty() || text.ends_with([ROW, '.', ';', ':', ',', '!', '?']) || text.ends_with(CELL) {
            self.text(" ");
        } else {
            text.push_str(CELL);
        }
    }

    /// Raw HTML gathered from consecutive events, as text and structure.
    fn flush_html(&mut self, html: &mut String) {
        if html.is_empty() {
            return;
        }
        for piece in tokenize(html) {
            if let Some(skip) = &self.skipping {
                if matches!(&piece, Piece::Close(n) if n == skip) {
                    self.skipping = None;
                }
                continue;
            }
            match piece {
                Piece::Text(t) => self.text(&t),
                Piece::Open(name, class) => match name.as_str() {
                    "script" | "style" | "template" => self.skipping = Some(name),
                    // The label casebook gives an admonition.
                    "p" if class.as_deref() == Some("admonition-title") => self.skipping = Some(name),
                    "strong" | "b" | "dfn" | "dt" => {
                        self.text(" ");
                        self.emphasis += 1;
                    }
                    "tr" => self.row(),
                    "td" | "th" => self.cell(),
                    n if !is_inline(n) => self.text(" "),
                    _ => {}
                },
                Piece::Close(name) => match name.as_str() {
                    "strong" | "b" | "dfn" | "dt" => {
                        self.emphasis = self.emphasis.saturating_sub(1);
                        self.text(" ");
                    }
                    "table" => self.row(),
                    n if !is_inline(n) => self.text(" "),
                    _ => {}
                },
            }
        }
        html.clear();
    }
}

/// Elements that sit inside a line of text, so they do not end a word.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "bdi"
            | "bdo"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "em"
            | "i"
            | "ins"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "sub"
            | "sup"
            | "time"
            | "u"
            | "var"
    )
}

/// Appends `raw` with runs of white space made one space (none at the start).
/// Runs of other characters are copied whole: this sees every word of the site.
fn push_squeezed(into: &mut String, raw: &str) {
    let mut from = 0;
    for (at, len) in crate::text::white_space(raw) {
        into.push_str(&raw[from..at]);
        if !into.is_empty() && !into.ends_with([' ', ROW]) {
            into.push(' ');
        }
        from = at + len;
    }
    into.push_str(&raw[from..]);
}

/// What raw HTML holds, for the collector: decoded text and element names
/// (with their class, which tells casebook's own markup apart).
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Open(String, Option<String>),
    Close(String),
}

#[derive(Default)]
struct Sink(RefCell<Vec<Piece>>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut pieces = self.0.borrow_mut();
        match token {
            CharacterTokens(t) => match pieces.last_mut() {
                Some(Piece::Text(s)) => s.push_str(&t),
                _ => pieces.push(Piece::Text(t.to_string())),
            },
            TagToken(tag) => {
                let name = tag.name.to_string();
                match tag.kind {
                    StartTag => {
                        let class = tag
                            .attrs
                            .iter()
                            .find(|a| &*a.name.local == "class")
                            .map(|a| a.value.to_string());
                        let raw = match name.as_str() {
                            "script" => Some(RawKind::ScriptData),
                            "style" => Some(RawKind::Rawtext),
                            _ => None,
                        };
                        pieces.push(Piece::Open(name, class));
                        if let Some(kind) = raw.filter(|_| !tag.self_closing) {
                            return TokenSinkResult::RawData(kind);
                        }
                    }
                    EndTag => pieces.push(Piece::Close(name)),
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn tokenize(html: &str) -> Vec<Piece> {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markdown::{PageContext, render};

    fn sections(body: &str) -> Vec<Section> {
        let page = PageContext {
            full: body,
            file: "p.md",
            body_offset: 0,
            rel: "p.md",
            url: "p/",
            title_from_heading: false,
            variables: None,
            numbered: false,
        };
        render(body, &page, &mut Vec::new()).sections.list()
    }

    #[test]
    fn white_space_is_squeezed_to_one_space_but_never_after_a_row() {
        let mut text = String::new();
        push_squeezed(&mut text, "  a \n b\u{a0}c\u{2028}\u{3000}d  ");
        assert_eq!(text, "a b c d ");
        let mut row = format!("cell{ROW}");
        push_squeezed(&mut row, " \t next\u{200b}word");
        assert_eq!(row, format!("cell{ROW}next\u{200b}word"));
    }

    #[test]
    fn splits_at_headings_and_keeps_their_ids() {
        let s = sections(
            "Intro &amp; **Confidential Information** here.\n\n{{ kpi(metric=\"m\") }}\n\n## Scope {#scope}\n\nApplies to *all* staff.\n\n### Who\n\n- one\n- two\n",
        );
        assert_eq!(s.len(), 3, "{s:#?}");
        assert_eq!(s[0].text, "Intro & Confidential Information here.");
        assert_eq!(s[0].terms, "Confidential Information");
        assert_eq!((s[1].anchor.as_str(), s[1].heading.as_str()), ("scope", "Scope"));
        assert_eq!(s[1].text, "Applies to all staff.");
        assert_eq!((s[2].anchor.as_str(), s[2].text.as_str()), ("who", "one · two"));
    }

    #[test]
    fn every_entity_is_decoded_in_markdown_and_raw_html() {
        let s = sections(
            "Caf&eacute; &mdash; na&iuml;ve &#x263A; &frac12;\n\n<div>R&eacute;sum&eacute; &amp; <b>d&eacute;fini</b> &lt;tag&gt;</div>\n\n<script>var x = '&eacute; hidden';</script>\n",
        );
        assert_eq!(s[0].text, "Café — naïve ☺ ½ Résumé & défini <tag>");
        assert_eq!(s[0].terms, "défini");
    }

    #[test]
    fn table_cells_and_rows_keep_their_boundaries() {
        let s = sections(
            "Before.\n\n| Record class | Keep for |\n| --- | --- |\n| Email and chat | 3 years |\n| Invoices | 7 **years** |\n\nAfter.\n\n<table><tr><th>A</th><th>B</th></tr><tr><td>x&nbsp;1</td><td>y</td></tr></table>\n",
        );
        assert_eq!(
            s[0].text,
            "Before.\nRecord class · Keep for\nEmail and chat · 3 years\nInvoices · 7 years\nAfter.\nA · B\nx 1 · y"
        );
    }

    #[test]
    fn list_items_are_set_apart_unless_their_punctuation_does_it() {
        let s = sections(
            "Steps:\n\n- open\n- staff\n  - lead\n  - team\n- close\n\nIt includes:\n\n- an email;\n- a laptop.\n",
        );
        assert_eq!(
            s[0].text,
            "Steps: open · staff lead · team · close It includes: an email; a laptop."
        );
    }

    #[test]
    fn casebook_markup_is_not_the_authors_text() {
        let s = sections(
            "> [!WARNING]\n> Do not delete.\n\n- [x] Signed\n- [ ] Filed\n\n## Heading `code` {#h}\n\nBody.\n",
        );
        assert_eq!(s[0].text, "Do not delete. Signed · Filed");
        assert_eq!((s[1].heading.as_str(), s[1].text.as_str()), ("Heading code", "Body."));
    }

    #[test]
    fn broken_html_does_not_lose_text_or_panic() {
        for body in [
            "<p>a <",
            "<h2 id=\"x",
            "a &#xZZ; &#99999999; &",
            "<!-- never closed",
            "<td>x",
        ] {
            let _ = sections(body);
        }
        assert_eq!(sections("x &lt; y &#8212; z")[0].text, "x < y \u{2014} z");
    }
}
