//! Plain text of a page: component calls, variables, template text of
//! other tools and the `{{/* … */}}` escape.

use pulldown_cmark::{CowStr, Event};

use super::{PlacedCall, Renderer, placeholder};
use crate::config::variables::{Missing, Variables};
use crate::diag::{Diagnostic, Position, suggest};
use crate::parse::anchors::AnchorKind;
use crate::parse::components::{self, Scan};
use crate::parse::templates::{self, Template, TemplateText};

impl<'a> Renderer<'a, '_> {
    /// Plain text: finds component calls, variables, template text and
    /// escapes, passes the rest on.
    pub(super) fn text(&mut self, text: CowStr<'a>, range: std::ops::Range<usize>) {
        let start = range.start.max(self.skip_until);
        // Only text that is the source as written can hold a call; entities
        // and escapes are never part of one.
        let Some(found) = next_open(&self.body[start..range.end]) else {
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
            // Where the literal text resumes, or where to look further.
            let resume = match self.scan_at(at, cursor) {
                Some(consumed_to) => {
                    cursor = consumed_to;
                    self.skip_until = self.skip_until.max(cursor);
                    cursor
                }
                None => at + 2,
            };
            if cursor >= range.end {
                return;
            }
            match next_open(&self.body[resume.min(range.end)..range.end]) {
                Some(i) => at = resume.min(range.end) + i,
                None => {
                    self.plain(&self.body[cursor..range.end]);
                    return;
                }
            }
        }
    }

    /// What starts at `at` (`{{` or `{%`); the text from `cursor` to `at` is
    /// literal. Returns where the source is consumed to when `at` starts
    /// something that replaces its source.
    fn scan_at(&mut self, at: usize, cursor: usize) -> Option<usize> {
        if self.body[at..].starts_with("{{") {
            match components::scan(self.body, at) {
                Scan::NotACall => {}
                Scan::Escaped { literal, end } => {
                    self.plain(&self.body[cursor..at]);
                    self.note_text(&literal);
                    self.out.push(Event::Text(CowStr::from(literal)));
                    return Some(end);
                }
                Scan::Call { call, end } => {
                    self.plain(&self.body[cursor..at]);
                    let position = self.position(at, end - at);
                    if let Some(id) = components::element_id(&call, position.line, position.column) {
                        self.anchor(id, AnchorKind::Component, at, end - at);
                    }
                    let n = self.calls.len();
                    self.calls.push(PlacedCall {
                        call,
                        position,
                        block: false,
                    });
                    self.out.push(Event::Html(CowStr::from(placeholder(n))));
                    return Some(end);
                }
                Scan::Malformed { message, at: bad, end } => {
                    self.plain(&self.body[cursor..at]);
                    self.errors.push(
                        Diagnostic::error(format!("malformed component call: {message}"))
                            .in_file(self.page.file)
                            .at(self.position(bad, 1))
                            .help("write calls as {{ name(arg=\"text\", n=3, list=[\"a\", \"b\"]) }}; to show braces literally write {{/* ... */}}"),
                    );
                    return Some(end);
                }
            }
        }
        let found = templates::scan(self.body, at);
        if let (Template::Variable { name, name_at, end }, Some(vars)) = (&found, self.page.variables) {
            self.plain(&self.body[cursor..at]);
            match vars.get(name) {
                Ok(value) => {
                    self.note_text(value);
                    self.out.push(Event::Text(CowStr::from(value.to_string())));
                }
                Err(why) => {
                    let position = self.position(*name_at, "variables.".len() + name.len());
                    self.errors
                        .push(unknown_variable(name, why, vars, self.page.file, position));
                    self.plain(&self.body[at..*end]);
                }
            }
            return Some(*end);
        }
        match found {
            Template::Variable { end, .. } | Template::Foreign { end } => {
                if at >= self.templates_until {
                    self.templates_until = end;
                    self.templates.push(TemplateText {
                        text: templates::shown(&self.body[at..end]),
                        position: self.position(at, end - at),
                    });
                }
                None
            }
            Template::Text => None,
        }
    }

    fn plain(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.note_text(s);
        self.out.push(Event::Text(CowStr::from(s.to_string())));
    }
}

/// The first `{{` or `{%` in `s`.
fn next_open(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    (0..bytes.len().saturating_sub(1)).find(|&i| bytes[i] == b'{' && matches!(bytes[i + 1], b'{' | b'%'))
}

fn unknown_variable(name: &str, why: Missing, vars: &Variables, file: &str, at: Position) -> Diagnostic {
    let names = vars.names();
    let full: Vec<String> = names.iter().map(|n| format!("variables.{n}")).collect();
    let list = if names.is_empty() {
        "`variables:` in casebook.yaml defines none".to_string()
    } else {
        format!("variables in casebook.yaml: {}", names.join(", "))
    };
    let (message, tail) = match why {
        Missing::Unknown => (format!("unknown variable `variables.{name}`"), list),
        Missing::Group => (
            format!("`variables.{name}` is a group of variables, not one"),
            format!("name one of its variables; {list}"),
        ),
    };
    let written = format!("variables.{name}");
    Diagnostic::error(message)
        .in_file(file)
        .at(at)
        .help(suggest(&written, full.iter().map(String::as_str), &tail))
}
