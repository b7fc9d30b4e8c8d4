//! A Markdown body as a flat list of blocks, the units a redline aligns.
//!
//! Each heading, paragraph, list item, table row and code block is one
//! [`Block`], with the container it sits in (a list at some depth, a table,
//! a quote) so the redline can rebuild the page's structure. Inline content
//! is kept as simple HTML (emphasis, code, breaks) without links or images,
//! which would point nowhere from a redline page; reference links keep their
//! text, resolved against the whole document.
//!
//! Raw HTML shows what a reader of the page sees: its text. Comments
//! (`<!-- markdownlint-disable -->`), scripts and styles show nothing, and a
//! block left empty, such as an `<a name="x"></a>` anchor, is no block.
//! Footnote references become [`note`] atoms, numbered at render time like
//! the page numbers them, so renumbering is no edit.

use std::collections::HashMap;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::parse::markdown::escape_attr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Heading(u8),
    Paragraph,
    Item,
    Row { header: bool },
    Code,
    Rule,
}

/// Where a block sits, innermost container only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Container {
    Body,
    List { ordered: bool, depth: u8 },
    Table,
    Quote,
    Footnote,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: Kind,
    pub container: Container,
    /// Inline HTML; for rows, the `<td>`/`<th>` cells.
    pub html: String,
    /// The number of an ordered list item, on the item's first block.
    pub number: Option<u64>,
    /// A later paragraph of the list item before it (no marker of its own).
    pub cont: bool,
    /// A heading marked `{.unnumbered}`, which takes no clause number.
    pub unnumbered: bool,
    /// `html` with every run of whitespace as one space.
    collapsed: String,
}

impl Block {
    /// What alignment compares: kind, container and the collapsed HTML, so
    /// re-wrapping a paragraph is no change.
    pub fn key(&self) -> (Kind, Container, &str) {
        (self.kind, self.container, &self.collapsed)
    }
}

/// A parsed body: its blocks and its footnote numbers by label.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
    pub notes: HashMap<String, usize>,
}

/// The start of a footnote atom in block HTML.
pub const NOTE_OPEN: &str = "<sup class=\"rl-fn\" data-label=\"";

/// A footnote reference as one atom, numbered when the redline is rendered.
pub fn note(label: &str) -> String {
    format!("{NOTE_OPEN}{}\"></sup>", escape_attr(label))
}

/// Splits a Markdown body (no front matter) into blocks; a link without
/// text (a cross-reference) shows its target in brackets.
pub fn parse(markdown: &str) -> Doc {
    parse_with(markdown, &|dest, _| format!("[{dest}]"))
}

/// The same, with what each cross-reference shows given by `xref` from its
/// target as written (`#late-payment`) and whether it starts a sentence.
pub fn parse_with(markdown: &str, xref: &dyn Fn(&str, bool) -> String) -> Doc {
    let mut b = Builder::default();
    for event in Parser::new_ext(markdown, crate::parse::markdown::options()) {
        b.event(event);
    }
    b.flush();
    let mut blocks = b.blocks;
    if !b.xrefs.is_empty() {
        let names: Vec<String> = b.xrefs.iter().map(|(d, cap)| escape_attr(&xref(d, *cap))).collect();
        for block in &mut blocks {
            for (n, name) in names.iter().enumerate() {
                let marker = xref_marker(n);
                if block.html.contains(&marker) {
                    block.html = block.html.replace(&marker, name);
                }
            }
        }
    }
    for block in &mut blocks {
        block.collapsed = crate::text::collapse(&block.html);
    }
    Doc { blocks, notes: b.notes }
}

/// Where cross-reference `n` goes in block HTML until it is named: private-use
/// characters, which no Markdown source turns into.
fn xref_marker(n: usize) -> String {
    format!("\u{E000}{n}\u{E001}")
}

/// The text a browser shows for raw HTML: tags, comments, scripts and styles gone.
fn visible_text(raw: &str) -> String {
    static TEXT_ONLY: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
        let mut b = ammonia::Builder::empty();
        b.add_tags(["br"]);
        b
    });
    TEXT_ONLY.clean(raw).to_string()
}

struct Open {
    kind: Kind,
    html: String,
    number: Option<u64>,
    cont: bool,
    unnumbered: bool,
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    containers: Vec<Container>,
    /// The next number of each open ordered list, innermost last.
    counters: Vec<Option<u64>>,
    open: Option<Open>,
    /// Inside a list item that already holds text (a second paragraph starts a new block).
    item_has_text: bool,
    in_item: bool,
    /// The next paragraph is the first of a footnote definition, whose label is already out.
    note_head: bool,
    cell_header: bool,
    code: bool,
    /// Raw HTML of the HTML block being read.
    raw: Option<String>,
    /// Inside inline `<script>` or `<style>`: its closing tag.
    skip_until: Option<&'static str>,
    notes: HashMap<String, usize>,
    /// Open links: target and how long the block's HTML was at their start.
    links: Vec<(String, usize)>,
    /// Targets of the links without text, in order, and whether each starts a sentence.
    xrefs: Vec<(String, bool)>,
}

impl Builder {
    fn html_len(&self) -> usize {
        self.open.as_ref().map_or(0, |o| o.html.len())
    }

    fn container(&self) -> Container {
        self.containers.last().copied().unwrap_or(Container::Body)
    }

    fn list_depth(&self) -> u8 {
        self.containers
            .iter()
            .filter(|c| matches!(c, Container::List { .. }))
            .count() as u8
    }

    fn begin(&mut self, kind: Kind) {
        self.flush();
        self.open = Some(Open {
            kind,
            html: String::new(),
            number: None,
            // Only `Tag::Item` starts an item; any other item block continues one.
            cont: kind == Kind::Item,
            unnumbered: false,
        });
    }

    fn flush(&mut self) {
        if let Some(o) = self.open.take() {
            let keep = matches!(o.kind, Kind::Rule | Kind::Row { .. }) || !o.html.trim().is_empty();
            if keep {
                self.blocks.push(Block {
                    kind: o.kind,
                    container: self.container(),
                    html: o.html.trim().to_string(),
                    number: o.number,
                    cont: o.cont,
                    unnumbered: o.unnumbered,
                    collapsed: String::new(),
                });
            }
        }
    }

    fn push(&mut self, s: &str) {
        if self.skip_until.is_some() {
            return;
        }
        if self.open.is_none() {
            // Loose text (a tight list item after a nested list, say).
            let kind = if self.in_item { Kind::Item } else { Kind::Paragraph };
            self.begin(kind);
        }
        if let Some(o) = &mut self.open {
            o.html.push_str(s);
        }
        if self.in_item {
            self.item_has_text = true;
        }
    }

    fn number(&mut self, label: &str) -> usize {
        let next = self.notes.len() + 1;
        *self.notes.entry(label.to_string()).or_insert(next)
    }

    fn inline_html(&mut self, tag: &str) {
        let lower = tag.to_ascii_lowercase();
        if let Some(close) = self.skip_until {
            if lower.starts_with(close) {
                self.skip_until = None;
            }
        } else if lower.starts_with("<script") {
            self.skip_until = Some("</script");
        } else if lower.starts_with("<style") {
            self.skip_until = Some("</style");
        } else if lower.starts_with("<br") {
            self.push("<br>");
        }
    }

    fn event(&mut self, event: Event<'_>) {
        if let Some(raw) = &mut self.raw
            && let Event::Html(t) | Event::Text(t) = &event
        {
            raw.push_str(t);
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(end),
            Event::Text(t) => self.push(&escape_attr(&t)),
            Event::Code(t) => self.push(&format!("<code>{}</code>", escape_attr(&t))),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push(&escape_attr(&t)),
            Event::Html(t) => self.push(&visible_text(&t)),
            Event::InlineHtml(t) => self.inline_html(&t),
            Event::FootnoteReference(label) => {
                self.number(&label);
                self.push(&note(&label));
            }
            Event::SoftBreak => self.push(if self.code { "\n" } else { " " }),
            Event::HardBreak => self.push("<br>"),
            Event::Rule => {
                self.begin(Kind::Rule);
                self.flush();
            }
            Event::TaskListMarker(done) => self.push(if done { "☑ " } else { "☐ " }),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { level, classes, .. } => {
                self.begin(Kind::Heading(level as u8));
                if let Some(o) = &mut self.open {
                    o.unnumbered = classes.iter().any(|c| &**c == "unnumbered");
                }
            }
            Tag::Paragraph => {
                if self.note_head || self.in_item && !self.item_has_text && self.open.is_some() {
                    // The first paragraph of a loose list item or a footnote continues its block.
                    self.note_head = false;
                } else {
                    let kind = if self.in_item { Kind::Item } else { Kind::Paragraph };
                    self.begin(kind);
                }
            }
            Tag::List(start) => {
                self.flush();
                let depth = self.list_depth() + 1;
                self.containers.push(Container::List {
                    ordered: start.is_some(),
                    depth,
                });
                self.counters.push(start);
                self.in_item = false;
            }
            Tag::Item => {
                self.begin(Kind::Item);
                let number = self.counters.last_mut().and_then(|c| {
                    let n = *c;
                    *c = c.map(|v| v.saturating_add(1));
                    n
                });
                if let Some(o) = &mut self.open {
                    o.number = number;
                    o.cont = false;
                }
                self.in_item = true;
                self.item_has_text = false;
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.containers.push(Container::Quote);
            }
            Tag::FootnoteDefinition(label) => {
                self.flush();
                self.containers.push(Container::Footnote);
                self.begin(Kind::Paragraph);
                self.number(&label);
                self.push(&format!("{} ", note(&label)));
                self.note_head = true;
            }
            Tag::Table(_) => {
                self.flush();
                self.containers.push(Container::Table);
            }
            Tag::TableHead => {
                self.begin(Kind::Row { header: true });
                self.cell_header = true;
            }
            Tag::TableRow => {
                self.begin(Kind::Row { header: false });
                self.cell_header = false;
            }
            Tag::TableCell => self.push(if self.cell_header { "<th>" } else { "<td>" }),
            Tag::CodeBlock(_) => {
                self.begin(Kind::Code);
                self.code = true;
            }
            Tag::HtmlBlock => {
                // Inside a list item its text belongs to the item; elsewhere it is a paragraph.
                if !(self.in_item && self.open.is_some()) {
                    let kind = if self.in_item { Kind::Item } else { Kind::Paragraph };
                    self.begin(kind);
                }
                self.raw = Some(String::new());
            }
            Tag::Emphasis => self.push("<em>"),
            Tag::Strong => self.push("<strong>"),
            Tag::Strikethrough => self.push("<s>"),
            Tag::Superscript => self.push("<sup>"),
            Tag::Subscript => self.push("<sub>"),
            // Links and images keep their text only.
            Tag::Link { dest_url, .. } => {
                let at = self.html_len();
                self.links.push((dest_url.to_string(), at));
            }
            Tag::Image { .. } => {}
            Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {
                self.begin(Kind::Paragraph)
            }
            Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::HtmlBlock => {
                let text = visible_text(&self.raw.take().unwrap_or_default());
                if !text.trim().is_empty() {
                    self.push(text.trim());
                }
                if !self.in_item {
                    self.flush();
                }
            }
            TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::TableHead | TagEnd::TableRow => {
                self.code = false;
                self.flush();
            }
            TagEnd::Paragraph if !self.in_item => self.flush(),
            TagEnd::Item => {
                self.flush();
                self.in_item = matches!(self.container(), Container::List { .. }) && self.list_depth() > 1;
                self.item_has_text = true;
            }
            TagEnd::List(_) => {
                self.flush();
                self.containers.pop();
                self.counters.pop();
                // Back in the enclosing item, if any: what follows is its text.
                self.in_item = self.list_depth() > 0;
                self.item_has_text = true;
            }
            TagEnd::BlockQuote(_) | TagEnd::Table | TagEnd::FootnoteDefinition => {
                self.flush();
                self.containers.pop();
                self.note_head = false;
            }
            TagEnd::TableCell => self.push(if self.cell_header { "</th>" } else { "</td>" }),
            TagEnd::Emphasis => self.push("</em>"),
            TagEnd::Strong => self.push("</strong>"),
            TagEnd::Strikethrough => self.push("</s>"),
            TagEnd::Superscript => self.push("</sup>"),
            TagEnd::Subscript => self.push("</sub>"),
            TagEnd::DefinitionListTitle | TagEnd::DefinitionListDefinition => self.flush(),
            TagEnd::Link => {
                if let Some((dest, at)) = self.links.pop()
                    && self.open.is_some()
                    && self.html_len() == at
                {
                    let before = self.open.as_ref().map_or("", |o| o.html.trim_end());
                    let starts = before.is_empty() || before.ends_with(['.', '!', '?']);
                    self.push(&xref_marker(self.xrefs.len()));
                    self.xrefs.push((dest, starts));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(md: &str) -> Vec<(Kind, Container, String)> {
        parse(md)
            .blocks
            .into_iter()
            .map(|b| (b.kind, b.container, b.html))
            .collect()
    }

    #[test]
    fn headings_paragraphs_items_rows() {
        let md = "# Title\n\nSome *text*\nwrapped.\n\n- one\n- two\n  - nested\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let list1 = Container::List {
            ordered: false,
            depth: 1,
        };
        let list2 = Container::List {
            ordered: false,
            depth: 2,
        };
        assert_eq!(
            kinds(md),
            vec![
                (Kind::Heading(1), Container::Body, "Title".into()),
                (Kind::Paragraph, Container::Body, "Some <em>text</em> wrapped.".into()),
                (Kind::Item, list1, "one".into()),
                (Kind::Item, list1, "two".into()),
                (Kind::Item, list2, "nested".into()),
                (
                    Kind::Row { header: true },
                    Container::Table,
                    "<th>a</th><th>b</th>".into()
                ),
                (
                    Kind::Row { header: false },
                    Container::Table,
                    "<td>1</td><td>2</td>".into()
                ),
            ]
        );
    }

    #[test]
    fn loose_items_and_quotes() {
        let md = "1. first\n\n   more of first\n\n2. second\n\n> quoted\n";
        let list = Container::List {
            ordered: true,
            depth: 1,
        };
        assert_eq!(
            kinds(md),
            vec![
                (Kind::Item, list, "first".into()),
                (Kind::Item, list, "more of first".into()),
                (Kind::Item, list, "second".into()),
                (Kind::Paragraph, Container::Quote, "quoted".into()),
            ]
        );
        let marks: Vec<(Option<u64>, bool)> = parse(md).blocks.iter().map(|b| (b.number, b.cont)).collect();
        assert_eq!(
            marks,
            vec![(Some(1), false), (None, true), (Some(2), false), (None, false)]
        );
    }

    #[test]
    fn ordered_items_keep_their_numbers_across_a_nested_list() {
        let md = "3. three\n   - inside\n4. four\n";
        let numbers: Vec<(String, Option<u64>)> = parse(md).blocks.into_iter().map(|b| (b.html, b.number)).collect();
        assert_eq!(
            numbers,
            vec![
                ("three".into(), Some(3)),
                ("inside".into(), None),
                ("four".into(), Some(4))
            ]
        );
    }

    #[test]
    fn raw_html_shows_its_text_and_comments_show_nothing() {
        let md = "<!-- markdownlint-disable MD013 -->\n\n* <a name=\"court\"></a> With a court order.\n\n\
                  <div class=\"x\">\n<b>Raw</b> text <!-- hidden -->\n<script>alert(1)</script>\n</div>\n\n\
                  Inline <!-- a\ncomment --> and <span>kept</span> <style>p{}</style>words.\n";
        let list = Container::List {
            ordered: false,
            depth: 1,
        };
        assert_eq!(
            kinds(md),
            vec![
                (Kind::Item, list, "With a court order.".into()),
                (Kind::Paragraph, Container::Body, "Raw text".into()),
                (Kind::Paragraph, Container::Body, "Inline  and kept words.".into()),
            ]
        );
    }

    #[test]
    fn footnotes_are_numbered_atoms_with_their_text() {
        let md = "See the rules[^gdpr] and more[^b].\n\n[^b]: Second.\n[^gdpr]: The GDPR.\n";
        let doc = parse(md);
        // Numbered in order of first mention, as the page numbers them.
        assert_eq!((doc.notes.get("gdpr"), doc.notes.get("b")), (Some(&1), Some(&2)));
        let html: Vec<&str> = doc.blocks.iter().map(|b| b.html.as_str()).collect();
        assert_eq!(
            html,
            vec![
                format!("See the rules{} and more{}.", note("gdpr"), note("b")),
                format!("{} Second.", note("b")),
                format!("{} The GDPR.", note("gdpr")),
            ]
        );
        assert!(doc.blocks[1..].iter().all(|b| b.container == Container::Footnote));
    }

    #[test]
    fn reference_links_take_their_text_from_anywhere_in_the_document() {
        let md = "Under the [GDPR][gdpr] and [CCPA].\n\n- [Art. 6][gdpr]\n\n[gdpr]: https://gdpr.eu\n[ccpa]: https://ccpa.example\n";
        assert_eq!(
            kinds(md).into_iter().map(|k| k.2).collect::<Vec<_>>(),
            vec!["Under the GDPR and CCPA.", "Art. 6"]
        );
    }

    #[test]
    fn links_without_text_show_what_they_point_at() {
        let name = |d: &str, cap: bool| format!("{} <{d}>", if cap { "Clause" } else { "clause" });
        let named = parse_with(
            "See [](#late-payment) and [](other.md#x), [text](#y). [](#z) too.\n",
            &name,
        );
        assert_eq!(
            named.blocks[0].html,
            "See clause &lt;#late-payment&gt; and clause &lt;other.md#x&gt;, text. Clause &lt;#z&gt; too."
        );
        assert_eq!(parse("[](#a)\n").blocks[0].html, "[#a]");
    }

    #[test]
    fn rewrapping_keeps_the_key() {
        let a = parse("The Supplier shall notify\nthe Company.\n");
        let b = parse("The Supplier shall\nnotify the   Company.\n");
        assert_eq!(a.blocks[0].key(), b.blocks[0].key());
    }
}
