//! The one YAML reader: `casebook.yaml`, front matter and metric files.
//!
//! A document is read into a tree of [`Node`]s that keep where each key and
//! value was written, in the coordinates of the whole file (front matter
//! starts after its opening `---`). Everything about YAML that casebook
//! decides lives here: which plain scalars are booleans (`true`/`false` only,
//! never `yes`/`on`), that a key appears once per mapping, how much an alias
//! may expand, and how problems are worded. [`Fields`] reads typed values out
//! of a mapping and reports each problem at its place.
//!
//! Scalars keep the text as written, so a number is exactly what the author
//! typed (metric values never pass through a float).

mod read;

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, ScanError, Span};

use crate::diag::{Diagnostic, Position};
pub use read::{Fields, YEARS, describe};

/// Nodes an alias may expand into, in one document: far above any real
/// file, far below what exhausts memory ("billion laughs").
const NODE_BUDGET: usize = 200_000;
/// Nesting deeper than this is not a configuration but an attack.
const MAX_DEPTH: usize = 64;

/// A reference to another thing by id (a role, a goal, a metric), with where
/// it was written so an unknown id can be reported at its place.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ref {
    pub id: String,
    #[serde(skip)]
    pub position: Position,
}

/// Where a document is, for positions in reports.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// Relative to the site root, for reports.
    pub file: &'a str,
    /// The whole file the YAML is part of.
    pub full: &'a str,
}

/// One YAML value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// 1-based line in the whole file.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Characters underlined in reports (the scalar as written, else 1).
    pub len: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar as written; `plain` is false for quoted and block scalars,
    /// which are always text.
    Scalar {
        text: String,
        plain: bool,
    },
    List(Vec<Node>),
    /// Entries in file order; keys are unique.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// Where this node was written.
    pub fn position(&self, src: Source<'_>) -> Position {
        Position::at_line(src.full, self.line, self.column, self.len)
    }

    /// The scalar's text, for keys and plain values.
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if is_null_word(text))
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A whole number written plainly (`12`, `-3`, `+4`, `0x1f`).
    pub fn as_i64(&self) -> Option<i64> {
        let Value::Scalar { text, plain: true } = &self.value else {
            return None;
        };
        let t = text.trim();
        if let Some(hex) = t.strip_prefix("0x") {
            return i64::from_str_radix(hex, 16).ok();
        }
        if let Some(oct) = t.strip_prefix("0o") {
            return i64::from_str_radix(oct, 8).ok();
        }
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    }

    /// A plain number, whole or not.
    pub fn as_f64(&self) -> Option<f64> {
        let Value::Scalar { text, plain: true } = &self.value else {
            return None;
        };
        if let Some(i) = self.as_i64() {
            return Some(i as f64);
        }
        is_float_word(text).then(|| text.trim().parse::<f64>().ok()).flatten()
    }

    /// The entries of a mapping.
    pub fn entries(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The value as JSON, for templates: plain scalars become null, booleans
    /// and numbers the way YAML's core schema reads them.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Scalar { text, plain: false } => J::String(text.clone()),
            Value::Scalar { text, plain: true } => {
                if is_null_word(text) {
                    J::Null
                } else if let Some(b) = self.as_bool() {
                    J::Bool(b)
                } else if let Some(i) = self.as_i64() {
                    J::from(i)
                } else if let Some(n) = self.as_f64().and_then(serde_json::Number::from_f64) {
                    J::Number(n)
                } else {
                    J::String(text.clone())
                }
            }
            Value::List(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.text().unwrap_or_default().to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

fn is_null_word(t: &str) -> bool {
    matches!(t, "" | "~" | "null" | "Null" | "NULL")
}

fn is_float_word(t: &str) -> bool {
    let t = t.trim();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exp_ok
}

/// Reads one YAML document. `line_offset` lines of the file come before the
/// YAML. An empty document is `None`.
pub fn parse(yaml: &str, src: Source<'_>, line_offset: usize) -> Result<Option<Node>, Diagnostic> {
    if yaml.trim().is_empty() {
        return Ok(None);
    }
    let mut b = Builder {
        src,
        yaml,
        line_offset,
        anchors: HashMap::new(),
        nodes: 0,
        stack: Vec::new(),
        root: None,
        documents: 0,
    };
    for next in Parser::new_from_str(yaml) {
        let (event, span) = next.map_err(|e| b.syntax_error(&e))?;
        b.event(event, span)?;
    }
    Ok(b.root.filter(|n| !n.is_null()))
}

/// A document that must be a mapping of keys (or empty).
pub fn parse_map(yaml: &str, src: Source<'_>, line_offset: usize) -> Result<Option<Node>, Diagnostic> {
    let Some(node) = parse(yaml, src, line_offset)? else {
        return Ok(None);
    };
    if node.entries().is_none() {
        return Err(Diagnostic::error(format!(
            "expected a mapping of `key: value` lines, found {}",
            describe(&node)
        ))
        .in_file(src.file)
        .at(node.position(src))
        .help("write one `key: value` per line, e.g. `title: Records retention`"));
    }
    Ok(Some(node))
}

enum Open {
    List(Node, usize),
    /// A mapping and, once its key is read, the key waiting for a value.
    Map(Node, usize, Option<Node>),
}

struct Builder<'a> {
    src: Source<'a>,
    yaml: &'a str,
    line_offset: usize,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    stack: Vec<Open>,
    root: Option<Node>,
    documents: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Diagnostic> {
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(self
                        .error_at(&span, 3, "a second YAML document (`---`) where one is expected".into())
                        .help("remove the extra `---` line; a file holds one document"));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let forced_text = tag.as_ref().is_some_and(|t| t.is_yaml_core_schema_tag("str"));
                let plain = style == ScalarStyle::Plain && !forced_text;
                let len = span
                    .slice(self.yaml)
                    .map_or(text.chars().count(), |s| s.chars().count());
                let node = self.node(
                    &span,
                    Value::Scalar {
                        text: text.into_owned(),
                        plain,
                    },
                    len,
                );
                self.push(node, anchor)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                let node = self.node(&span, Value::List(Vec::new()), 1);
                self.open(Open::List(node, anchor), &span)?;
            }
            Event::MappingStart(_, anchor, _) => {
                let node = self.node(&span, Value::Map(Vec::new()), 1);
                self.open(Open::Map(node, anchor, None), &span)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Open::List(n, a)) | Some(Open::Map(n, a, None)) => (n, a),
                    // The parser never ends a mapping between key and value.
                    Some(Open::Map(n, a, Some(_))) => (n, a),
                    None => return Ok(()),
                };
                self.push(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id).cloned() else {
                    return Err(self.error_at(&span, 1, "an alias names no anchor".into()));
                };
                self.nodes += count(&target);
                if self.nodes > NODE_BUDGET {
                    return Err(self
                        .error_at(&span, 1, "the YAML expands too much through its aliases".into())
                        .help("write the values out instead of repeating `*alias` references"));
                }
                let node = Node {
                    line: self.line(&span),
                    column: span.start.col() + 1,
                    ..target
                };
                self.push(node, 0)?;
            }
            Event::UnresolvedAlias(name) => {
                return Err(self.error_at(&span, 1, format!("alias `*{name}` names no anchor")));
            }
            _ => {}
        }
        Ok(())
    }

    fn line(&self, span: &Span) -> usize {
        span.start.line() + self.line_offset
    }

    fn node(&mut self, span: &Span, value: Value, len: usize) -> Node {
        self.nodes += 1;
        Node {
            value,
            line: self.line(span),
            column: span.start.col() + 1,
            len: len.max(1),
        }
    }

    fn open(&mut self, open: Open, span: &Span) -> Result<(), Diagnostic> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self
                .error_at(span, 1, "the YAML is nested too deeply".into())
                .help(format!("at most {MAX_DEPTH} levels of lists and mappings")));
        }
        self.stack.push(open);
        Ok(())
    }

    /// Adds a finished node to whatever is open, or makes it the document.
    fn push(&mut self, node: Node, anchor: usize) -> Result<(), Diagnostic> {
        if self.nodes > NODE_BUDGET {
            return Err(Diagnostic::error("the YAML has too many values")
                .in_file(self.src.file)
                .at(node.position(self.src))
                .help("split the file; a configuration or metric file is far smaller than this"));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        let src = self.src;
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::List(list, _)) => {
                if let Value::List(items) = &mut list.value {
                    items.push(node);
                }
            }
            Some(Open::Map(_, _, pending @ None)) => {
                if node.text().is_none() {
                    return Err(
                        Diagnostic::error(format!("a key must be text, not {}", describe(&node)))
                            .in_file(src.file)
                            .at(node.position(src))
                            .help("write `key: value`; if the key holds `:` or `{`, put it in quotes"),
                    );
                }
                *pending = Some(node);
            }
            Some(Open::Map(map, _, pending @ Some(_))) => {
                let key = pending.take().expect("matched Some");
                let Value::Map(entries) = &mut map.value else {
                    unreachable!("an open mapping holds a map")
                };
                if let Some((first, _)) = entries.iter().find(|(k, _)| k.text() == key.text()) {
                    return Err(Diagnostic::error(format!(
                        "key `{}` appears twice; first at line {}",
                        key.text().unwrap_or_default(),
                        first.line
                    ))
                    .in_file(src.file)
                    .at(key.position(src))
                    .help("keep one of them; a key is written once per mapping"));
                }
                entries.push((key, node));
            }
        }
        Ok(())
    }

    fn error_at(&self, span: &Span, len: usize, message: String) -> Diagnostic {
        Diagnostic::error(message).in_file(self.src.file).at(Position::at_line(
            self.src.full,
            self.line(span),
            span.start.col() + 1,
            len,
        ))
    }

    fn syntax_error(&self, e: &ScanError) -> Diagnostic {
        let m = e.marker();
        let info = e.info();
        let what = info.split(" at char ").next().unwrap_or(&info).trim();
        Diagnostic::error(format!(
            "invalid YAML: {}",
            if what.is_empty() { "syntax error" } else { what }
        ))
        .in_file(self.src.file)
        .at(Position::at_line(
            self.src.full,
            m.line() + self.line_offset,
            m.col() + 1,
            1,
        ))
        .help("check the indentation and quoting on this line; values with `: ` or ` #` need quotes")
    }
}

/// Nodes in a tree, for the alias budget.
fn count(n: &Node) -> usize {
    1 + match &n.value {
        Value::Scalar { .. } => 0,
        Value::List(items) => items.iter().map(count).sum(),
        Value::Map(entries) => entries.iter().map(|(k, v)| count(k) + count(v)).sum(),
    }
}

#[cfg(test)]
mod tests;
