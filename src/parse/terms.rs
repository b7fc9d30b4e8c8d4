//! Defined terms, found where lawyers write them.
//!
//! A definition is a bold, quoted, capitalised term followed by a defining
//! verb (`**"Business Day"** means …`, `… has the meaning given in …`), a
//! bold quoted term in parentheses after what it names (`Northwind
//! Industries Ltd (the **"Company"**)`), a bold capitalised term that opens
//! its paragraph or list item and is followed by a defining verb
//! (`**Approver** means …`), or an entry of a definition list
//! (`Business Day` on one line, `: A day …` on the next).
//!
//! Nothing inside a heading, a link, code, raw HTML or a quotation (a
//! blockquote that is not an admonition, or text inside quotation marks)
//! defines anything: those quote or name a term, they do not define it.
//!
//! [`Detector`] reads the events of one body, as the Markdown stage does,
//! and knows nothing of other pages; which page a definition applies to,
//! and where its uses are, is the model's question.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use words::*;
pub use words::{TEXT_CHARS, cut, is_term, normalise};

use crate::text::collapse;

/// How a definition was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `**"Term"** means …`
    Verb,
    /// `… (the **"Term"**)`
    Parenthetical,
    /// A definition-list entry.
    List,
}

/// A definition found in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub term: String,
    /// What a reader is shown: the definition's sentence, plain text.
    pub text: String,
    /// What two definitions are compared by: the meaning, normalised.
    pub meaning: String,
    pub form: Form,
    /// The source bytes of the term as written (the bold, or the list entry).
    pub range: Range<usize>,
    /// The block (paragraph, list item, definition) that holds it.
    pub block: usize,
    /// How many headings come before it.
    pub headings: usize,
    /// Indexes, in the event stream the detector was given, of the events
    /// that open and close the term (`Strong`, `DefinitionListTitle`).
    pub open: usize,
    pub close: usize,
}

/// A capitalised term in quotation marks that does not define anything:
/// `the "Supplier"`. Unless something defines it, it is a drafting slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    pub term: String,
    /// Where the term (inside the quotes) is in the source.
    pub range: Range<usize>,
}

/// How cross-reference `n` of a page stands in a definition's text until
/// the model knows what it reads: private-use characters, which no source
/// text turns into.
pub fn xref_mark(n: usize) -> String {
    format!("\u{E000}{n}\u{E001}")
}

/// `text` with each [`xref_mark`] replaced by its text from `xrefs`.
pub fn fill_xrefs(text: &str, xrefs: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\u{E000}') {
        out.push_str(&rest[..i]);
        let after = &rest[i + '\u{E000}'.len_utf8()..];
        let Some(end) = after.find('\u{E001}') else {
            rest = after;
            continue;
        };
        let n: Option<usize> = after[..end].parse().ok();
        out.push_str(n.and_then(|n| xrefs.get(n)).map_or("", String::as_str));
        rest = &after[end + '\u{E001}'.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// The definitions of a Markdown body, in order (no front matter).
pub fn definitions_in(markdown: &str) -> Vec<Found> {
    let mut d = Detector::new(markdown);
    for (n, (event, range)) in Parser::new_ext(markdown, super::markdown::options())
        .into_offset_iter()
        .enumerate()
    {
        d.observe(&event, range, n);
    }
    d.finish().0
}

/// The bold text being read.
struct Strong {
    open: usize,
    /// Where its text starts in the block text.
    at: usize,
    /// The source of the whole bold span.
    range: Range<usize>,
    /// Holds nothing but text.
    plain: bool,
}

/// A bold span just closed, waiting for the text after it.
struct Pending {
    raw: String,
    open: usize,
    close: usize,
    /// Block text offsets of the bold's text.
    start: usize,
    end: usize,
    range: Range<usize>,
}

/// Text of one block with where each piece came from.
#[derive(Default)]
struct BlockText {
    text: String,
    /// (offset in `text`, source range) of each piece of text.
    pieces: Vec<(usize, Range<usize>)>,
    /// Nothing in it can define a term (a heading, a quotation).
    inert: bool,
}

/// A definition found in the current block, whose sentence is known when
/// the block ends: its index and where its term starts and ends (quotes
/// included) in the block text.
struct Open {
    found: usize,
    start: usize,
    end: usize,
}

/// Reads one body's events and finds its definitions and quoted terms.
pub struct Detector<'a> {
    body: &'a str,
    block: BlockText,
    blocks: usize,
    headings: usize,
    /// Open code blocks and HTML blocks: their text is no prose.
    hidden: usize,
    /// Open links and images: their text reads, but defines nothing.
    named: usize,
    /// Open blockquotes: `true` for a quotation, `false` for an admonition.
    quotes: Vec<bool>,
    heading: bool,
    /// Inside a definition-list definition, which is one block however
    /// many paragraphs it has.
    in_definition: bool,
    /// Raw inline HTML elements open around the text.
    inline_html: usize,
    strong: Option<Strong>,
    pending: Option<Pending>,
    /// The open definition-list title: its event index and source start.
    title: Option<(usize, usize)>,
    /// A list entry waiting for its definition text.
    entry: Option<Found>,
    /// Block text after the last parenthetical term, where the next may start.
    paren_from: usize,
    found: Vec<Found>,
    open_found: Vec<Open>,
    quoted: Vec<Quoted>,
}

impl<'a> Detector<'a> {
    pub fn new(body: &'a str) -> Detector<'a> {
        Detector {
            body,
            block: BlockText::default(),
            blocks: 0,
            headings: 0,
            hidden: 0,
            named: 0,
            quotes: Vec::new(),
            heading: false,
            in_definition: false,
            inline_html: 0,
            strong: None,
            pending: None,
            title: None,
            entry: None,
            paren_from: 0,
            found: Vec::new(),
            open_found: Vec::new(),
            quoted: Vec::new(),
        }
    }

    /// The block the text being read belongs to.
    pub fn block(&self) -> usize {
        self.blocks
    }

    /// Whether text read now may hold uses of defined terms: prose, not a
    /// heading, link, code, raw HTML or quotation.
    pub fn is_prose(&self) -> bool {
        !self.heading && self.hidden == 0 && self.named == 0 && self.inline_html == 0 && !self.in_quotation()
    }

    /// Whether what comes next starts a sentence: nothing but a finished
    /// sentence before it in its block.
    pub fn at_sentence_start(&self) -> bool {
        let t = self.block.text.trim_end();
        t.is_empty() || t.ends_with(['.', '!', '?'])
    }

    fn in_quotation(&self) -> bool {
        self.quotes.iter().any(|&q| q)
    }

    /// Notes cross-reference `n` (a link without text) just read: its text
    /// is part of a definition's sentence, filled in by the model.
    pub fn xref(&mut self, n: usize, range: Range<usize>) {
        self.push_text(&xref_mark(n), range);
    }

    /// Reads event `n` of the stream, from `range` of the body.
    pub fn observe(&mut self, event: &Event<'_>, range: Range<usize>, n: usize) {
        match event {
            Event::Text(t) => return self.text(t, range),
            Event::SoftBreak | Event::HardBreak => return self.text(" ", range),
            _ => {}
        }
        // Anything but text ends what a bold term was waiting for.
        self.decide();
        match event {
            Event::Code(t) => self.push_text(t, range),
            Event::Start(tag) => self.start(tag, range, n),
            Event::End(tag) => self.end(*tag, n),
            Event::InlineHtml(html) => {
                let h = html.trim_start();
                if h.starts_with("</") {
                    self.inline_html = self.inline_html.saturating_sub(1);
                } else if h.starts_with('<') && !h.starts_with("<!") && !h.ends_with("/>") && !is_void(h) {
                    self.inline_html += 1;
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: &Tag<'_>, range: Range<usize>, n: usize) {
        match tag {
            Tag::Heading { .. } => {
                self.begin_block();
                self.heading = true;
                self.block.inert = true;
            }
            Tag::Paragraph if self.in_definition => {}
            Tag::Paragraph | Tag::Item | Tag::TableCell | Tag::FootnoteDefinition(_) => self.begin_block(),
            Tag::DefinitionListDefinition => {
                self.begin_block();
                self.in_definition = true;
            }
            Tag::DefinitionListTitle => {
                self.begin_block();
                self.entry = None;
                self.title = Some((n, range.start));
            }
            Tag::CodeBlock(_) | Tag::HtmlBlock => self.hidden += 1,
            Tag::Link { .. } | Tag::Image { .. } => {
                self.named += 1;
                self.spoil_strong();
            }
            Tag::BlockQuote(kind) => self.quotes.push(is_quotation(*kind)),
            Tag::Strong if self.strong.is_none() => {
                self.strong = Some(Strong {
                    open: n,
                    at: self.block.text.len(),
                    range,
                    plain: true,
                })
            }
            _ => self.spoil_strong(),
        }
    }

    fn end(&mut self, tag: TagEnd, n: usize) {
        match tag {
            TagEnd::Heading(_) => {
                self.end_block();
                self.heading = false;
                self.headings += 1;
            }
            TagEnd::Paragraph if self.in_definition => {}
            TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::FootnoteDefinition => self.end_block(),
            TagEnd::DefinitionListTitle => self.end_title(n),
            TagEnd::DefinitionListDefinition => {
                if let Some(mut e) = self.entry.take() {
                    let meaning = collapse(&self.block.text);
                    e.text = cut(&format!("{}: {meaning}", e.term));
                    e.meaning = normalise(&meaning);
                    self.found.push(e);
                }
                self.in_definition = false;
                self.end_block();
            }
            TagEnd::CodeBlock | TagEnd::HtmlBlock => self.hidden = self.hidden.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => self.named = self.named.saturating_sub(1),
            TagEnd::BlockQuote(_) => {
                self.quotes.pop();
            }
            TagEnd::Strong => self.close_strong(n),
            _ => {}
        }
    }

    fn spoil_strong(&mut self) {
        if let Some(s) = &mut self.strong {
            s.plain = false;
        }
    }

    fn text(&mut self, t: &str, range: Range<usize>) {
        self.push_text(t, range);
        // The defining verb comes right after the term; this far on, it did not.
        if self
            .pending
            .as_ref()
            .is_some_and(|p| self.block.text.len() - p.end > 160)
        {
            self.decide();
        }
    }

    fn push_text(&mut self, t: &str, range: Range<usize>) {
        if self.hidden > 0 {
            return;
        }
        self.block.pieces.push((self.block.text.len(), range));
        self.block.text.push_str(t);
    }

    fn begin_block(&mut self) {
        self.end_block();
        self.blocks += 1;
        self.block.inert = self.heading || self.in_quotation();
    }

    fn end_block(&mut self) {
        self.decide();
        self.strong = None;
        let text = std::mem::take(&mut self.block.text);
        for o in std::mem::take(&mut self.open_found) {
            let f = &mut self.found[o.found];
            (f.text, f.meaning) = sentence_of(&text, f.form, o.start, o.end);
        }
        if !self.block.inert {
            self.find_quoted(&text);
        }
        self.block.pieces.clear();
        self.paren_from = 0;
    }

    fn close_strong(&mut self, n: usize) {
        let Some(s) = self.strong.take() else { return };
        if !s.plain || self.block.inert || self.named > 0 || self.hidden > 0 || self.inline_html > 0 {
            return;
        }
        let end = self.block.text.len();
        self.pending = Some(Pending {
            raw: self.block.text[s.at..end].to_string(),
            open: s.open,
            close: n,
            start: s.at,
            end,
            range: s.range,
        });
    }

    /// Decides whether the bold text waiting is a definition, from the
    /// text read after it.
    fn decide(&mut self) {
        let Some(p) = self.pending.take() else { return };
        let text = &self.block.text;
        let after = &text[p.end..];
        let (term, quoted, start, after) = match unquote(&p.raw) {
            Some(inner) => (inner.to_string(), true, p.start, after),
            None => match (text[..p.start].chars().next_back(), after.chars().next()) {
                (Some(o), Some(c)) if closes(o, c) => {
                    (p.raw.clone(), true, p.start - o.len_utf8(), &after[c.len_utf8()..])
                }
                _ => (p.raw.clone(), false, p.start, after),
            },
        };
        let term = collapse(&term);
        if !is_term(&term) || quotation_open(&text[..start]) {
            return;
        }
        let end = text.len() - after.len();
        let opens_block = text[..start].trim().is_empty();
        let form = if verb_after(after).is_some() && (quoted || opens_block) {
            Some(Form::Verb)
        } else if quoted && self.parenthetical(start, after) {
            Some(Form::Parenthetical)
        } else {
            None
        };
        let Some(form) = form else {
            if quoted && is_capitalised(&term) && !self.quoted.iter().any(|q| q.term == term) {
                let range = self.locate(&term, p.range.start);
                self.quoted.push(Quoted { term, range });
            }
            return;
        };
        if form == Form::Parenthetical {
            self.paren_from = end;
        }
        self.open_found.push(Open {
            found: self.found.len(),
            start,
            end,
        });
        self.found.push(Found {
            term,
            // Filled in when the block ends, from the whole sentence.
            text: String::new(),
            meaning: String::new(),
            form,
            range: p.range,
            block: self.blocks,
            headings: self.headings,
            open: p.open,
            close: p.close,
        });
    }

    /// Whether the term starting at `start` stands in parentheses after
    /// connector words only, and closes them (or another term follows).
    fn parenthetical(&self, start: usize, after: &str) -> bool {
        let text = &self.block.text;
        match text[..start].rfind('(') {
            Some(open) if !text[open..start].contains(')') => {
                let from = self.paren_from.max(open + 1).min(start);
                only_connectors(&text[from..start]) && closes_parenthetical(after)
            }
            _ => false,
        }
    }

    fn end_title(&mut self, n: usize) {
        let Some((open, source)) = self.title.take() else {
            return;
        };
        let raw = collapse(&self.block.text);
        let term = unquote(&raw).map_or(raw.clone(), collapse);
        let inert = self.block.inert || self.named > 0;
        self.end_block();
        if inert || !is_term(&term) {
            return;
        }
        let end = self.body[source..].find('\n').map_or(self.body.len(), |i| source + i);
        self.entry = Some(Found {
            term,
            text: String::new(),
            meaning: String::new(),
            form: Form::List,
            range: source..end,
            // The definition that follows is the next block.
            block: self.blocks + 1,
            headings: self.headings,
            open,
            close: n,
        });
    }

    /// Where `term` is written at or after `from` in the source.
    fn locate(&self, term: &str, from: usize) -> Range<usize> {
        let from = floor_boundary(self.body, from.min(self.body.len()));
        let to = floor_boundary(self.body, (from + 400 + term.len()).min(self.body.len()));
        match self.body[from..to].find(term) {
            Some(i) => from + i..from + i + term.len(),
            None => from..from + 1,
        }
    }

    /// Capitalised terms in quotation marks after a determiner: `the "Supplier"`.
    fn find_quoted(&mut self, text: &str) {
        let mut rest = 0;
        while let Some(i) = text[rest..].find(['“', '"']) {
            let open = rest + i;
            let inner_start = open + text[open..].chars().next().map_or(1, char::len_utf8);
            let Some(len) = text[inner_start..].find(['”', '"']) else {
                break;
            };
            let inner = &text[inner_start..inner_start + len];
            rest = inner_start + len + text[inner_start + len..].chars().next().map_or(1, char::len_utf8);
            let word_before = text[..open].trim_end().rsplit([' ', '\n']).next().unwrap_or("");
            let determined = DETERMINERS.contains(&word_before.to_lowercase().as_str()) || word_before.ends_with('(');
            let known = self.found.iter().any(|f| f.term == inner) || self.quoted.iter().any(|q| q.term == inner);
            if determined && is_term(inner) && is_capitalised(inner) && !known {
                let range = self.locate(inner, self.source_at(open));
                self.quoted.push(Quoted {
                    term: inner.to_string(),
                    range,
                });
            }
        }
    }

    /// The source byte where block text offset `at` came from.
    fn source_at(&self, at: usize) -> usize {
        let i = self.block.pieces.partition_point(|(o, _)| *o <= at);
        self.block.pieces.get(i.saturating_sub(1)).map_or(0, |(_, r)| r.start)
    }

    /// Every definition and quoted term found, in order.
    pub fn finish(mut self) -> (Vec<Found>, Vec<Quoted>) {
        self.end_block();
        (self.found, self.quoted)
    }
}

mod words;

#[cfg(test)]
mod tests;
