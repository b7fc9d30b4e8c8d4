//! Markdown to HTML for one page, with what the later stages need to know:
//! headings (for the table of contents), the ids links can point at
//! ([`anchors`](super::anchors)), links ([`links`](super::links)), component
//! calls (to render once the whole site is known) and template text of other
//! tools ([`templates`](super::templates)).
//!
//! Pure and per file: whether a link's target exists is the model's question.

use std::sync::Arc;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use super::anchors::{self, Anchor, AnchorKind};
use super::components::Call;
use super::links::{self, Classified, Link};
use super::packed::{self, Text};
use super::sections::{self, HeadingSpan};
use super::templates::TemplateText;
use crate::config::variables::Variables;
use crate::diag::{Diagnostic, LineIndex, Position};
use crate::paths;

pub mod drafting;
mod text;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub id: String,
    /// Its clause number on a numbered page: `2.1`.
    pub number: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PlacedCall {
    pub call: Call,
    pub position: Position,
    /// Alone in its paragraph: rendered as a block instead of inline.
    pub block: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// HTML with [`placeholder`]s where component calls go and
    /// [`links::placeholder`]s where the model's link URLs go.
    pub html: Text,
    pub headings: Arc<[Heading]>,
    /// Every id in the body a link can point at, in order.
    pub anchors: Arc<[Anchor]>,
    /// The one part here the model writes to (each link's URL); the large
    /// parts are shared by every copy, which the model and each version take.
    pub links: Vec<Link>,
    pub calls: Arc<[PlacedCall]>,
    /// Template text of other tools, left as written.
    pub templates: Arc<[TemplateText]>,
    /// The text of the first paragraph, for listings and descriptions.
    pub summary: String,
    pub word_count: usize,
    /// The text under each heading, for the search index.
    pub sections: packed::Sections,
    /// Definitions, prose where defined terms may be used, cross-references.
    pub drafting: Arc<drafting::Drafting>,
}

/// How the marker left in the HTML for a component call starts.
pub const PLACEHOLDER_OPEN: &str = "<!--casebook:component:";

/// The marker left in the HTML for component call `n`.
pub fn placeholder(n: usize) -> String {
    format!("{PLACEHOLDER_OPEN}{n}-->")
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST
}

/// Where the page is and how its positions map back to the file.
pub struct PageContext<'a> {
    /// The whole file, for positions.
    pub full: &'a str,
    pub file: &'a str,
    /// Byte offset of the Markdown body in `full`.
    pub body_offset: usize,
    /// Content-relative source path of this page.
    pub rel: &'a str,
    /// This page's URL.
    pub url: &'a str,
    /// The page has no `title:`, so a leading `# Heading` is its title and is
    /// left out of the body.
    pub title_from_heading: bool,
    /// `variables:` from the config; without it variable references stay as written.
    pub variables: Option<&'a Variables>,
    /// Number the headings as clauses (`numbered:`).
    pub numbered: bool,
}

pub fn render(body: &str, page: &PageContext<'_>, errors: &mut Vec<Diagnostic>) -> Rendered {
    let mut r = Renderer {
        body,
        page,
        out: Vec::new(),
        headings: Vec::new(),
        anchors: Vec::new(),
        links: Vec::new(),
        calls: Vec::new(),
        templates: Vec::new(),
        errors,
        summary: None,
        words: 0,
        heading: None,
        code_depth: 0,
        quote_kinds: Vec::new(),
        paragraph_text: None,
        nesting: 0,
        skip_until: 0,
        lines: LineIndex::new(page.full),
        templates_until: 0,
        html_block: None,
        heading_spans: Vec::new(),
        drafting: drafting::State::new(body),
    };
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let (from, source) = (r.out.len(), range.start);
        r.drafting_before(&event, &range);
        r.event(event, range);
        r.drafting_after(from, source);
    }
    // Before the drafting markers go in, which move the events the heading spans count.
    let sections = sections::collect(&r.out, &r.heading_spans, &r.headings);
    let drafting = r.drafting_finish();
    r.report_duplicate_ids();
    let events = unwrap_block_calls(r.out, &mut r.calls);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered {
        html: Text::new(&html),
        headings: Arc::from(r.headings),
        anchors: Arc::from(r.anchors),
        links: r.links,
        calls: Arc::from(r.calls),
        templates: Arc::from(r.templates),
        summary: r.summary.unwrap_or_default(),
        word_count: r.words,
        sections: packed::Sections::new(&sections),
        drafting: Arc::new(drafting),
    }
}

struct Renderer<'a, 'b> {
    body: &'a str,
    page: &'b PageContext<'b>,
    out: Vec<Event<'a>>,
    headings: Vec<Heading>,
    anchors: Vec<Anchor>,
    links: Vec<Link>,
    calls: Vec<PlacedCall>,
    templates: Vec<TemplateText>,
    errors: &'b mut Vec<Diagnostic>,
    summary: Option<String>,
    words: usize,
    /// The open heading: index of its placeholder event, level, text so far,
    /// custom id, where it starts.
    heading: Option<(usize, u8, String, Option<String>, usize)>,
    code_depth: usize,
    quote_kinds: Vec<Option<BlockQuoteKind>>,
    /// Text of the first top-level paragraph while it is being read.
    paragraph_text: Option<String>,
    /// Depth of blocks that contain paragraphs (lists, quotes…), to find top-level ones.
    nesting: usize,
    /// Component calls and variables consume source up to here; events before it are dropped.
    skip_until: usize,
    /// Line starts of the whole file, for the position of every link and call.
    lines: LineIndex,
    /// Template text up to here is recorded already.
    templates_until: usize,
    /// The HTML block being read: where it starts and its text so far.
    html_block: Option<(usize, String)>,
    /// Where each heading's events are in `out`, for [`sections::collect`].
    heading_spans: Vec<HeadingSpan>,
    drafting: drafting::State<'a>,
}

impl<'a> Renderer<'a, '_> {
    fn position(&self, start: usize, len: usize) -> Position {
        self.lines.position(self.page.full, self.page.body_offset + start, len)
    }

    fn anchor(&mut self, id: String, kind: AnchorKind, start: usize, len: usize) {
        let position = self.position(start, len);
        self.anchors.push(Anchor { id, kind, position });
    }

    fn event(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        if range.end <= self.skip_until && !matches!(event, Event::End(_)) {
            return;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                self.heading = Some((
                    self.out.len(),
                    heading_level(level),
                    String::new(),
                    id.map(|s| s.to_string()),
                    range.start,
                ));
                self.out.push(Event::Html(CowStr::Borrowed("")));
            }
            Event::End(TagEnd::Heading(level)) => self.close_heading(level),
            Event::Start(Tag::CodeBlock(kind)) => {
                self.code_depth += 1;
                self.out.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                self.code_depth = self.code_depth.saturating_sub(1);
                self.out.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Start(Tag::HtmlBlock) => {
                self.html_block = Some((range.start, String::new()));
                self.out.push(Event::Start(Tag::HtmlBlock));
            }
            Event::Html(html) => {
                if let Some((_, text)) = &mut self.html_block {
                    text.push_str(&html);
                }
                self.out.push(Event::Html(html));
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((start, text)) = self.html_block.take() {
                    for id in anchors::html_ids(&text) {
                        let len = text.find('\n').unwrap_or(text.len());
                        self.anchor(id, AnchorKind::Html, start, len);
                    }
                }
                self.out.push(Event::End(TagEnd::HtmlBlock));
            }
            Event::InlineHtml(html) => {
                for id in anchors::html_ids(&html) {
                    self.anchor(id, AnchorKind::Html, range.start, range.len());
                }
                self.out.push(Event::InlineHtml(html));
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                self.nesting += 1;
                self.quote_kinds.push(kind);
                match kind {
                    Some(k) => {
                        let (class, label) = admonition(k);
                        self.out.push(Event::Html(CowStr::from(format!(
                            "<aside class=\"admonition admonition-{class}\" role=\"note\" aria-label=\"{label}\"><p class=\"admonition-title\">{label}</p>\n"
                        ))));
                    }
                    None => self.out.push(Event::Start(Tag::BlockQuote(None))),
                }
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.nesting = self.nesting.saturating_sub(1);
                match self.quote_kinds.pop().flatten() {
                    Some(_) => self.out.push(Event::Html(CowStr::Borrowed("</aside>\n"))),
                    None => self.out.push(Event::End(TagEnd::BlockQuote(None))),
                }
            }
            Event::Start(Tag::Table(align)) => {
                self.out
                    .push(Event::Html(CowStr::Borrowed("<div class=\"table-wrap\">")));
                self.out.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                self.out.push(Event::End(TagEnd::Table));
                self.out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                // pulldown-cmark gives the definition the label as its id.
                let len = self.body[range.clone()].find('\n').unwrap_or(range.len());
                self.anchor(label.to_string(), AnchorKind::Footnote, range.start, len);
                self.nesting += 1;
                self.out.push(Event::Start(Tag::FootnoteDefinition(label)));
            }
            Event::Start(tag @ (Tag::List(_) | Tag::Item)) => {
                self.nesting += 1;
                self.out.push(Event::Start(tag));
            }
            Event::End(tag @ (TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition)) => {
                self.nesting = self.nesting.saturating_sub(1);
                self.out.push(Event::End(tag));
            }
            Event::Start(Tag::Paragraph) => {
                if self.summary.is_none() && self.nesting == 0 {
                    self.paragraph_text = Some(String::new());
                }
                self.out.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = self.paragraph_text.take() {
                    let text = crate::text::collapse(&text);
                    if !text.is_empty() {
                        self.summary = Some(text);
                    }
                }
                self.out.push(Event::End(TagEnd::Paragraph));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link(link_type, dest_url, &range);
                self.out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link(link_type, dest_url, &range);
                self.out.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Text(text) if self.code_depth == 0 => self.text(text, range),
            Event::Text(text) => self.out.push(Event::Text(text)),
            Event::TaskListMarker(done) => {
                // pulldown-cmark's checkbox has no accessible name.
                let (checked, label) = if done { (" checked", "Done") } else { ("", "Not done") };
                self.out.push(Event::Html(CowStr::from(format!(
                    "<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> "
                ))));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.note_text(" ");
                self.out.push(event);
            }
            Event::Code(code) => {
                self.note_text(&code);
                self.out.push(Event::Code(code));
            }
            other => self.out.push(other),
        }
    }

    fn note_text(&mut self, text: &str) {
        self.words += crate::text::word_count(text);
        if let Some((_, _, t, _, _)) = &mut self.heading {
            t.push_str(text);
        }
        if let Some(p) = &mut self.paragraph_text {
            p.push_str(text);
        }
    }

    fn close_heading(&mut self, level: HeadingLevel) {
        let Some((index, lvl, text, custom, start)) = self.heading.take() else {
            self.out.push(Event::End(TagEnd::Heading(level)));
            return;
        };
        let text = crate::text::collapse(&text);
        let base = custom.unwrap_or_else(|| {
            let s = paths::slugify(&text);
            if s.is_empty() { "section".into() } else { s }
        });
        let mut id = base.clone();
        let mut n = 1;
        while self.headings.iter().any(|h| h.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        if lvl == 1 && index == 0 && self.page.title_from_heading {
            // This heading is the page title, which the template shows
            // already, without an id: not a link target.
            self.out.truncate(index);
            self.drafting_heading(None);
            self.headings.push(Heading {
                level: lvl,
                text,
                id,
                number: None,
            });
            return;
        }
        let len = self.body[start..].find('\n').unwrap_or(self.body.len() - start);
        self.anchor(id.clone(), AnchorKind::Heading, start, len);
        let esc = escape_attr(&id);
        self.out[index] = Event::Html(CowStr::from(format!("<h{lvl} id=\"{esc}\">")));
        self.out.push(Event::Html(CowStr::from(format!(
            "<a class=\"anchor\" href=\"#{esc}\" aria-label=\"Link to this section\">#</a></h{lvl}>\n"
        ))));
        self.drafting_heading(Some(index));
        self.heading_spans.push(HeadingSpan {
            events: index..self.out.len(),
            heading: self.headings.len(),
        });
        self.headings.push(Heading {
            level: lvl,
            text,
            id,
            number: None,
        });
    }

    /// Rewrites a link target and records it for checking.
    fn link(&mut self, link_type: LinkType, dest: CowStr<'a>, range: &std::ops::Range<usize>) -> CowStr<'a> {
        let line_len = self.body[range.clone()].find('\n').unwrap_or(range.len());
        let position = self.position(range.start, line_len);
        let written = dest.to_string();
        let email = matches!(link_type, LinkType::Email);
        let (target, href, placeholder) = match links::classify(&written, email, self.page.rel, self.page.url) {
            Classified::AsWritten => return dest,
            Classified::Direct(target, href) => (target, href, false),
            Classified::Resolved(target, href) => (target, href, true),
            Classified::Outside => {
                self.errors.push(
                    Diagnostic::error(format!("link `{written}` points outside the content folder"))
                        .in_file(self.page.file)
                        .at(position)
                        .help("link to pages and files inside the content folder with relative paths"),
                );
                return dest;
            }
        };
        let n = self.links.len();
        let out = if placeholder {
            CowStr::from(links::placeholder(n))
        } else {
            CowStr::from(href.clone())
        };
        self.links.push(Link {
            target,
            written,
            position,
            href,
            empty: false,
        });
        out
    }

    /// Browsers follow a fragment to the first element with the id, so a
    /// second one is never reached.
    fn report_duplicate_ids(&mut self) {
        let mut seen: std::collections::HashMap<&str, &Anchor> = std::collections::HashMap::new();
        for a in &self.anchors {
            match seen.get(a.id.as_str()) {
                Some(first) => self.errors.push(
                    Diagnostic::warning(format!("the id `{}` is on this page twice", a.id))
                        .in_file(self.page.file)
                        .at(a.position.clone())
                        .help(format!(
                            "links to `#{}` reach only the first, the {} on line {}; rename one (a heading takes `{{#other-id}}`)",
                            a.id,
                            first.kind.name(),
                            first.position.line
                        )),
                ),
                None => {
                    seen.insert(&a.id, a);
                }
            }
        }
    }
}

/// A call alone in its paragraph becomes a block: `<p>` cannot hold a table
/// or a chart.
fn unwrap_block_calls<'a>(events: Vec<Event<'a>>, calls: &mut [PlacedCall]) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let (Event::Start(Tag::Paragraph), Some(Event::Html(h)), Some(Event::End(TagEnd::Paragraph))) =
            (&events[i], events.get(i + 1), events.get(i + 2))
            && let Some(n) = h
                .strip_prefix("<!--casebook:component:")
                .and_then(|s| s.strip_suffix("-->"))
            && let Ok(n) = n.parse::<usize>()
            && n < calls.len()
        {
            calls[n].block = true;
            out.push(Event::Html(CowStr::from(format!("{}\n", placeholder(n)))));
            i += 3;
            continue;
        }
        out.push(events[i].clone());
        i += 1;
    }
    out
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn admonition(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
