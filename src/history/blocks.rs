//! A Markdown body as a flat list of blocks, the units a redline aligns.
//!
//! Each heading, paragraph, list item, table row, code block and HTML block
//! is one [`Block`], with the container it sits in (a list at some depth, a
//! table, a quote) so the redline can rebuild the page's structure. Inline
//! content is kept as simple HTML (emphasis, code, breaks) without links or
//! images, which would point nowhere from a redline page.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::parse::markdown::escape_attr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Heading(u8),
    Paragraph,
    Item,
    Row { header: bool },
    Code,
    Html,
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
}

impl Block {
    /// What alignment compares: kind, container and the HTML with every run
    /// of whitespace as one space, so re-wrapping a paragraph is no change.
    pub fn key(&self) -> (Kind, Container, String) {
        (self.kind, self.container, normalise(&self.html))
    }
}

/// Collapses whitespace runs to one space and trims.
pub fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits a Markdown body (no front matter) into blocks.
pub fn parse(markdown: &str) -> Vec<Block> {
    let mut b = Builder::default();
    for event in Parser::new_ext(markdown, crate::parse::markdown::options()) {
        b.event(event);
    }
    b.flush();
    b.blocks
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    containers: Vec<Container>,
    /// The block being filled: its kind and HTML so far.
    open: Option<(Kind, String)>,
    /// Inside a list item that already holds text (a second paragraph starts a new block).
    item_has_text: bool,
    in_item: bool,
    cell_header: bool,
    code: bool,
}

impl Builder {
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
        self.open = Some((kind, String::new()));
    }

    fn flush(&mut self) {
        if let Some((kind, html)) = self.open.take() {
            let keep = matches!(kind, Kind::Rule | Kind::Row { .. }) || !html.trim().is_empty();
            if keep {
                self.blocks.push(Block {
                    kind,
                    container: self.container(),
                    html: html.trim().to_string(),
                });
            }
        }
    }

    fn push(&mut self, s: &str) {
        if self.open.is_none() {
            // Loose text (a tight list item after a nested list, say).
            let kind = if self.in_item { Kind::Item } else { Kind::Paragraph };
            self.open = Some((kind, String::new()));
        }
        if let Some((_, html)) = &mut self.open {
            html.push_str(s);
        }
        if self.in_item {
            self.item_has_text = true;
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(end),
            Event::Text(t) => self.push(&escape_attr(&t)),
            Event::Code(t) => self.push(&format!("<code>{}</code>", escape_attr(&t))),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push(&escape_attr(&t)),
            Event::Html(t) => {
                self.begin(Kind::Html);
                self.push(&escape_attr(&t));
            }
            Event::InlineHtml(t) => self.push(&escape_attr(&t)),
            Event::FootnoteReference(label) => self.push(&format!("<sup>[{}]</sup>", escape_attr(&label))),
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
            Tag::Heading { level, .. } => self.begin(Kind::Heading(level as u8)),
            Tag::Paragraph => {
                if self.in_item && !self.item_has_text && self.open.is_some() {
                    // The first paragraph of a loose list item is the item's text.
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
                self.in_item = false;
            }
            Tag::Item => {
                self.begin(Kind::Item);
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
                self.push(&format!("<sup>[{}]</sup> ", escape_attr(&label)));
                self.item_has_text = false;
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
            Tag::HtmlBlock => self.begin(Kind::Html),
            Tag::Emphasis => self.push("<em>"),
            Tag::Strong => self.push("<strong>"),
            Tag::Strikethrough => self.push("<s>"),
            Tag::Superscript => self.push("<sup>"),
            Tag::Subscript => self.push("<sub>"),
            // Links and images keep their text only.
            Tag::Link { .. } | Tag::Image { .. } => {}
            Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {
                self.begin(Kind::Paragraph)
            }
            Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::TableHead | TagEnd::TableRow => {
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
                // Back in the enclosing item, if any: what follows is its text.
                self.in_item = self.list_depth() > 0;
                self.item_has_text = true;
            }
            TagEnd::BlockQuote(_) | TagEnd::Table | TagEnd::FootnoteDefinition => {
                self.flush();
                self.containers.pop();
            }
            TagEnd::TableCell => self.push(if self.cell_header { "</th>" } else { "</td>" }),
            TagEnd::Emphasis => self.push("</em>"),
            TagEnd::Strong => self.push("</strong>"),
            TagEnd::Strikethrough => self.push("</s>"),
            TagEnd::Superscript => self.push("</sup>"),
            TagEnd::Subscript => self.push("</sub>"),
            TagEnd::DefinitionListTitle | TagEnd::DefinitionListDefinition => self.flush(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(md: &str) -> Vec<(Kind, Container, String)> {
        parse(md).into_iter().map(|b| (b.kind, b.container, b.html)).collect()
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
    }

    #[test]
    fn rewrapping_keeps_the_key() {
        let a = parse("The Supplier shall notify\nthe Company.\n");
        let b = parse("The Supplier shall\nnotify the   Company.\n");
        assert_eq!(a[0].key(), b[0].key());
    }
}
