//! Markdown to HTML for one page, with what the later stages need to know:
//! headings (for anchors and the table of contents), links (to check), and
//! component calls (to render once the whole site is known).
//!
//! Pure and per file: links are rewritten from `.md` paths to relative URLs
//! here, because a page's URL follows from its path alone; whether the target
//! exists is the model's question.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use super::components::{self, Call, Scan};
use super::sections::{self, HeadingSpan, Section};
use crate::diag::{Diagnostic, Position};
use crate::paths;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Another page, by its content-relative source path.
    Page { source: String, anchor: Option<String> },
    /// A heading on the same page.
    Anchor(String),
    /// A file in the content folder (image, PDF), by its content-relative path.
    File(String),
    /// An `http(s)://` address, checked only by `casebook check --external`.
    External(String),
}

#[derive(Debug, Clone)]
pub struct Link {
    pub target: LinkTarget,
    /// The link as written, for messages.
    pub written: String,
    pub position: Position,
    /// The relative URL it becomes.
    pub href: String,
}

/// The `href` left in the HTML for a link to another page; the render stage
/// puts the URL back, or drops the link when its target is not published.
pub fn link_placeholder(n: usize) -> String {
    format!("casebook-link:{n}")
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
    /// HTML with [`placeholder`]s where component calls go.
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    pub calls: Vec<PlacedCall>,
    /// The text of the first paragraph, for listings and descriptions.
    pub summary: String,
    pub word_count: usize,
    /// The text under each heading, for the search index.
    pub sections: Vec<Section>,
}

/// The marker left in the HTML for component call `n`.
pub fn placeholder(n: usize) -> String {
    format!("<!--casebook:component:{n}-->")
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
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
}

pub fn render(body: &str, page: &PageContext<'_>, errors: &mut Vec<Diagnostic>) -> Rendered {
    let mut r = Renderer {
        body,
        page,
        out: Vec::new(),
        headings: Vec::new(),
        links: Vec::new(),
        calls: Vec::new(),
        errors,
        summary: None,
        words: 0,
        heading: None,
        code_depth: 0,
        quote_kinds: Vec::new(),
        paragraph_text: None,
        nesting: 0,
        skip_until: 0,
        heading_spans: Vec::new(),
    };
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        r.event(event, range);
    }
    let sections = sections::collect(&r.out, &r.heading_spans, &r.headings);
    let events = unwrap_block_calls(r.out, &mut r.calls);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered {
        html,
        headings: r.headings,
        links: r.links,
        calls: r.calls,
        summary: r.summary.unwrap_or_default(),
        word_count: r.words,
        sections,
    }
}

struct Renderer<'a, 'b> {
    body: &'a str,
    page: &'b PageContext<'b>,
    out: Vec<Event<'a>>,
    headings: Vec<Heading>,
    links: Vec<Link>,
    calls: Vec<PlacedCall>,
    errors: &'b mut Vec<Diagnostic>,
    summary: Option<String>,
    words: usize,
    /// The open heading: index of its placeholder event, level, text so far, custom id.
    heading: Option<(usize, u8, String, Option<String>)>,
    code_depth: usize,
    quote_kinds: Vec<Option<BlockQuoteKind>>,
    /// Text of the first top-level paragraph while it is being read.
    paragraph_text: Option<String>,
    /// Depth of blocks that contain paragraphs (lists, quotes…), to find top-level ones.
    nesting: usize,
    /// Component calls consume source up to here; events before it are dropped.
    skip_until: usize,
    /// Where each heading's events are in `out`, for [`sections::collect`].
    heading_spans: Vec<HeadingSpan>,
}

impl<'a> Renderer<'a, '_> {
    fn position(&self, start: usize, len: usize) -> Position {
        Position::at_byte(self.page.full, self.page.body_offset + start, len)
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
            Event::Start(tag @ (Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_))) => {
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
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
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
        self.words += text.split_whitespace().count();
        if let Some((_, _, t, _)) = &mut self.heading {
            t.push_str(text);
        }
        if let Some(p) = &mut self.paragraph_text {
            p.push_str(text);
        }
    }

    /// Plain text: finds component calls and escapes, passes the rest on.
    fn text(&mut self, text: CowStr<'a>, range: std::ops::Range<usize>) {
        let start = range.start.max(self.skip_until);
        let source = &self.body[start..range.end];
        // Only text that is the source as written can hold a call; entities
        // and escapes are never part of one.
        let Some(found) = source.find("{{") else {
            if start == range.start {
                self.note_text(&text);
                self.out.push(Event::Text(text));
            } else {
                self.plain(&self.body[start..range.end]);
            }
            return;
        };
        let mut cursor = start;
        let mut at = start + found;
        loop {
            match components::scan(self.body, at) {
                Scan::NotACall => {
                    let next = self.body[at + 2..range.end].find("{{").map(|i| at + 2 + i);
                    match next {
                        Some(n) => {
                            at = n;
                            continue;
                        }
                        None => {
                            self.plain(&self.body[cursor..range.end]);
                            return;
                        }
                    }
                }
                Scan::Escaped { literal, end } => {
                    self.plain(&self.body[cursor..at]);
                    self.note_text(&literal);
                    self.out.push(Event::Text(CowStr::from(literal)));
                    cursor = end;
                }
                Scan::Call { call, end } => {
                    self.plain(&self.body[cursor..at]);
                    let n = self.calls.len();
                    self.calls.push(PlacedCall {
                        call,
                        position: self.position(at, end - at),
                        block: false,
                    });
                    self.out.push(Event::Html(CowStr::from(placeholder(n))));
                    cursor = end;
                }
                Scan::Malformed { message, at: bad, end } => {
                    self.plain(&self.body[cursor..at]);
                    self.errors.push(
                        Diagnostic::error(format!("malformed component call: {message}"))
                            .in_file(self.page.file)
                            .at(self.position(bad, 1))
                            .help("write calls as {{ name(arg=\"text\", n=3, list=[\"a\", \"b\"]) }}; to show braces literally write {{/* ... */}}"),
                    );
                    cursor = end;
                }
            }
            self.skip_until = self.skip_until.max(cursor);
            if cursor >= range.end {
                return;
            }
            match self.body[cursor..range.end].find("{{") {
                Some(i) => at = cursor + i,
                None => {
                    self.plain(&self.body[cursor..range.end]);
                    return;
                }
            }
        }
    }

    fn plain(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.note_text(s);
        self.out.push(Event::Text(CowStr::from(s.to_string())));
    }

    fn close_heading(&mut self, level: HeadingLevel) {
        let Some((index, lvl, text, custom)) = self.heading.take() else {
            self.out.push(Event::End(TagEnd::Heading(level)));
            return;
        };
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
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
            // This heading is the page title, which the template shows already.
            self.out.truncate(index);
            self.headings.push(Heading { level: lvl, text, id });
            return;
        }
        let esc = escape_attr(&id);
        self.out[index] = Event::Html(CowStr::from(format!("<h{lvl} id=\"{esc}\">")));
        self.out.push(Event::Html(CowStr::from(format!(
            "<a class=\"anchor\" href=\"#{esc}\" aria-label=\"Link to this section\">#</a></h{lvl}>\n"
        ))));
        self.heading_spans.push(HeadingSpan {
            events: index..self.out.len(),
            heading: self.headings.len(),
        });
        self.headings.push(Heading { level: lvl, text, id });
    }

    /// Rewrites a link target and records it for checking.
    fn link(&mut self, link_type: LinkType, dest: CowStr<'a>, range: &std::ops::Range<usize>) -> CowStr<'a> {
        let written = dest.to_string();
        let line_len = self.body[range.clone()].find('\n').unwrap_or(range.len());
        let position = self.position(range.start, line_len);
        let lower = written.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            self.links.push(Link {
                target: LinkTarget::External(written.clone()),
                written: written.clone(),
                position,
                href: written,
            });
            return dest;
        }
        if matches!(link_type, LinkType::Email) || paths::is_external(&dest) || dest.is_empty() {
            return dest;
        }
        if let Some(anchor) = written.strip_prefix('#') {
            let target = LinkTarget::Anchor(paths::percent_decode(anchor));
            self.links.push(Link {
                target,
                written: written.clone(),
                position,
                href: written,
            });
            return dest;
        }
        let (path_part, fragment) = match written.split_once('#') {
            Some((p, f)) => (p, Some(paths::percent_decode(f))),
            None => (written.as_str(), None),
        };
        let path_part = path_part.split_once('?').map_or(path_part, |(p, _)| p);
        let decoded = paths::percent_decode(path_part);
        let Some(target) = paths::join(paths::parent(self.page.rel), &decoded) else {
            self.errors.push(
                Diagnostic::error(format!("link `{written}` points outside the content folder"))
                    .in_file(self.page.file)
                    .at(position)
                    .help("link to pages and files inside the content folder with relative paths"),
            );
            return dest;
        };
        let is_page = decoded.to_ascii_lowercase().ends_with(".md");
        let href_path = if is_page {
            paths::page_url(&target)
        } else {
            target.clone()
        };
        let mut href = paths::relative(self.page.url, &href_path);
        if let Some(f) = &fragment {
            href.push('#');
            href.push_str(f);
        }
        let n = self.links.len();
        if is_page {
            let target = LinkTarget::Page {
                source: target,
                anchor: fragment,
            };
            self.links.push(Link {
                target,
                written,
                position,
                href,
            });
            CowStr::from(link_placeholder(n))
        } else {
            self.links.push(Link {
                target: LinkTarget::File(target),
                written,
                position,
                href: href.clone(),
            });
            CowStr::from(href)
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

/// Removes what could run in a reader's browser from raw HTML written in
/// Markdown (`safe_html: true`): scripts, styles, event handlers, `javascript:`
/// and other unknown URL schemes, forms and frames. casebook's own markup
/// survives: heading ids and anchors, classes, task-list checkboxes, table
/// alignment, and the placeholders for component calls and page links.
pub fn sanitize(html: &str) -> String {
    static CLEANER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes([
            "id",
            "class",
            "role",
            "aria-label",
            "aria-hidden",
            "title",
            "lang",
            "style",
        ])
        .filter_style_properties(["text-align"].into_iter().collect())
        .add_tags(["input", "aside", "section"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
        .add_url_schemes(["casebook-link"])
        .link_rel(None);
        b
    });
    // Component placeholders are comments, which the cleaner drops: carry
    // them through as private-use characters and put them back after.
    const OPEN: &str = "<!--casebook:component:";
    const MARK: char = '\u{F8FF}';
    let mut marked = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(OPEN) {
        marked.push_str(&rest[..i]);
        let after = &rest[i + OPEN.len()..];
        match after.find("-->") {
            Some(end) if after[..end].bytes().all(|b| b.is_ascii_digit()) => {
                marked.push(MARK);
                marked.push_str(&after[..end]);
                marked.push(MARK);
                rest = &after[end + 3..];
            }
            _ => {
                marked.push_str(OPEN);
                rest = after;
            }
        }
    }
    marked.push_str(rest);
    let clean = CLEANER.clean(&marked).to_string();
    let mut out = String::with_capacity(clean.len());
    let mut parts = clean.split(MARK);
    out.push_str(parts.next().unwrap_or_default());
    while let Some(n) = parts.next() {
        let tail = parts.next();
        if n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() && tail.is_some() {
            out.push_str(&placeholder(n.parse().unwrap_or(usize::MAX)));
        } else {
            out.push_str(n);
        }
        out.push_str(tail.unwrap_or_default());
    }
    out
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
mod tests {
    use super::*;

    fn md(body: &str, rel: &str) -> (Rendered, Vec<Diagnostic>) {
        let url = paths::page_url(rel);
        let page = PageContext {
            full: body,
            file: rel,
            body_offset: 0,
            rel,
            url: &url,
            title_from_heading: false,
        };
        let mut errors = Vec::new();
        let r = render(body, &page, &mut errors);
        (r, errors)
    }

    #[test]
    fn headings_get_unique_stable_ids() {
        let (r, _) = md(
            "## Scope\n\n## Scope\n\n### Approval thresholds (USD)\n\n## Custom {#my-id}\n",
            "p.md",
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["scope", "scope-1", "approval-thresholds-usd", "my-id"]);
        assert!(
            r.html
                .contains("<h2 id=\"scope\">Scope<a class=\"anchor\" href=\"#scope\""),
            "{}",
            r.html
        );
        assert_eq!(r.headings[2].level, 3);
    }

    #[test]
    fn md_links_become_relative_urls_and_are_recorded() {
        let (r, errors) = md(
            "See [the policy](../../policies/x.md#scope) and [img](../../assets/a.png).\n",
            "handbook/contracts/nda.md",
        );
        assert!(errors.is_empty());
        assert!(r.html.contains("href=\"casebook-link:0\""), "{}", r.html);
        assert_eq!(r.links[0].href, "../../../policies/x/#scope");
        assert!(r.html.contains("href=\"../../../assets/a.png\""), "{}", r.html);
        assert_eq!(
            r.links[0].target,
            LinkTarget::Page {
                source: "policies/x.md".into(),
                anchor: Some("scope".into())
            }
        );
        assert_eq!(r.links[1].target, LinkTarget::File("assets/a.png".into()));
    }

    #[test]
    fn link_outside_content_is_an_error_with_line() {
        let (_, errors) = md("intro\n\n[x](../../secret.md)\n", "a/b.md");
        assert_eq!(errors[0].position.as_ref().unwrap().line, 3);
    }

    #[test]
    fn admonitions_become_labelled_asides() {
        let (r, _) = md("> [!WARNING]\n> Do not delete.\n", "p.md");
        assert!(
            r.html
                .contains("<aside class=\"admonition admonition-warning\" role=\"note\" aria-label=\"Warning\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("Do not delete."));
        assert!(r.html.trim_end().ends_with("</aside>"), "{}", r.html);
    }

    #[test]
    fn template_braces_in_prose_stay_literal() {
        let (r, errors) = md(
            "Dear {{ counterparty_name }}, {% if mutual %}both{% endif %}.\n",
            "p.md",
        );
        assert!(errors.is_empty());
        assert!(
            r.html
                .contains("Dear {{ counterparty_name }}, {% if mutual %}both{% endif %}."),
            "{}",
            r.html
        );
    }

    #[test]
    fn calls_alone_in_a_paragraph_are_blocks() {
        let (r, errors) = md(
            "Intro.\n\n{{ kpi(metric=\"spend\", quarter=\"2026-Q3\") }}\n\nInline {{ kpi(metric=\"x\") }} here.\n",
            "p.md",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(r.calls.len(), 2);
        assert!(r.calls[0].block && !r.calls[1].block);
        assert_eq!(r.calls[0].call.args["quarter"], "2026-Q3");
        assert_eq!(r.calls[0].position.line, 3);
        assert!(r.html.contains("\n<!--casebook:component:0-->\n"), "{}", r.html);
        assert!(
            r.html.contains("<p>Inline <!--casebook:component:1--> here.</p>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn calls_in_code_stay_literal_and_escapes_print() {
        let (r, _) = md(
            "`{{ kpi(metric=\"x\") }}`\n\n```\n{{ chart(metric=\"y\") }}\n```\n\n{{/* chart(metric=\"z\") */}}\n",
            "p.md",
        );
        assert!(r.calls.is_empty());
        assert!(r.html.contains("<pre><code>{{ chart(metric=\"y\") }}"), "{}", r.html);
        assert!(r.html.contains("<p>{{ chart(metric=\"z\") }}</p>"), "{}", r.html);
    }

    #[test]
    fn malformed_call_is_located() {
        let (_, errors) = md("Text\n\n{{ chart(metric=spend) }}\n", "p.md");
        let p = errors[0].position.as_ref().unwrap();
        assert_eq!((p.line, p.column), (3, 17));
    }

    #[test]
    fn leading_title_heading_is_dropped_when_it_is_the_title() {
        let url = paths::page_url("p.md");
        let page = PageContext {
            full: "",
            file: "p.md",
            body_offset: 0,
            rel: "p.md",
            url: &url,
            title_from_heading: true,
        };
        let r = render("# Data Protection\n\nText.\n\n# Second\n", &page, &mut Vec::new());
        assert!(!r.html.contains("Data Protection"), "{}", r.html);
        assert!(r.html.contains("<h1 id=\"second\">"), "{}", r.html);
        assert_eq!(r.headings[0].text, "Data Protection");
    }

    #[test]
    fn sanitize_removes_scripts_and_keeps_casebook_markup() {
        let (r, errors) = md(
            "## Scope {#scope}\n\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\"> [x](javascript:alert(3)) [p](other.md)\n\n<a href=\"javascript:alert(4)\" onclick=\"x()\">a</a><iframe src=\"https://evil\"></iframe>\n\n{{ kpi(metric=\"m\") }}\n\n- [x] done\n\n| a |\n|:-:|\n| b |\n\n> [!NOTE]\n> n\n",
            "p.md",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let clean = sanitize(&r.html);
        for bad in ["<script", "alert(1)", "onerror", "javascript:", "onclick", "<iframe"] {
            assert!(!clean.contains(bad), "`{bad}` survived:\n{clean}");
        }
        for good in [
            "<h2 id=\"scope\">",
            "<a class=\"anchor\" href=\"#scope\"",
            "href=\"casebook-link:0\"",
            "\n<!--casebook:component:0-->\n",
            "style=\"text-align:center\"",
            "<aside class=\"admonition admonition-note\" role=\"note\" aria-label=\"Note\">",
        ] {
            assert!(clean.contains(good), "`{good}` was lost:\n{clean}");
        }
        let input = clean
            .split("<input")
            .nth(1)
            .and_then(|s| s.split('>').next())
            .unwrap_or_default();
        assert!(
            input.contains("type=\"checkbox\"") && input.contains("checked"),
            "task box lost: {clean}"
        );
    }

    #[test]
    fn task_list_boxes_have_accessible_names() {
        let (r, _) = md("- [x] Signed\n- [ ] Filed\n", "p.md");
        assert!(
            r.html
                .contains("<input type=\"checkbox\" disabled checked aria-label=\"Done\"> Signed"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<input type=\"checkbox\" disabled aria-label=\"Not done\"> Filed"),
            "{}",
            r.html
        );
    }

    #[test]
    fn summary_is_first_top_level_paragraph() {
        let (r, _) = md("# T\n\n> quote\n\nFirst *real* paragraph\nwraps.\n\nSecond.\n", "p.md");
        assert_eq!(r.summary, "First real paragraph wraps.");
    }
}
