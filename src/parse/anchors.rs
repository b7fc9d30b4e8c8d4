//! The ids on a page that links can point at: headings, raw HTML `id` and
//! `<a name>` attributes, footnotes, and component calls' elements.
//!
//! Raw HTML is read with html5ever's tokenizer (already built for ammonia),
//! so quoting, entities and comments are read the way a browser reads them.

use std::cell::RefCell;

use crate::diag::Position;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};

/// What made an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorKind {
    Heading,
    /// An `id` (any element) or `name` (`<a>`) attribute in raw HTML.
    Html,
    Footnote,
    /// The element a component call renders (`{{ chart(…, id="x") }}`).
    Component,
    /// A defined term's `<dfn>`.
    Definition,
}

impl AnchorKind {
    /// How the kind is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            AnchorKind::Heading => "heading",
            AnchorKind::Html => "HTML",
            AnchorKind::Footnote => "footnote",
            AnchorKind::Component => "component",
            AnchorKind::Definition => "definition",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub id: String,
    pub kind: AnchorKind,
    pub position: Position,
}

/// The ids raw HTML gives link targets: every `id`, and `name` on `<a>`
/// (the other elements' `name` is not a fragment target).
pub fn html_ids(html: &str) -> Vec<String> {
    if !html.contains("id") && !html.contains("name") {
        return Vec::new();
    }
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    let tokenizer = Tokenizer::new(Ids::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

#[derive(Default)]
struct Ids(RefCell<Vec<String>>);

impl TokenSink for Ids {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token
            && tag.kind == TagKind::StartTag
        {
            let is_a = &*tag.name == "a";
            for attr in &tag.attrs {
                let name = &*attr.name.local;
                let value = attr.value.trim();
                if (name == "id" || (is_a && name == "name")) && !value.is_empty() {
                    self.0.borrow_mut().push(value.to_string());
                }
            }
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_anchor_names_as_a_browser_reads_them() {
        assert_eq!(html_ids("<a name=\"with-a-court-order\"></a>"), ["with-a-court-order"]);
        assert_eq!(html_ids("<a id='x' name=y>"), ["x", "y"]);
        assert_eq!(html_ids("<span id=\"a&amp;b\">t</span>"), ["a&b"]);
        assert_eq!(
            html_ids("<div>\n<p id=\"first\">x</p>\n<input name=\"q\">\n</div>"),
            ["first"],
            "`name` on a form field is not a link target"
        );
        assert!(html_ids("<!-- <a id=\"commented\"> -->").is_empty());
        assert!(html_ids("<!-- markdownlint-disable MD033 -->").is_empty());
        assert!(html_ids("</a>").is_empty());
        assert!(html_ids("<a id=\"\">").is_empty());
    }
}
