//! Typed values out of a YAML mapping, each problem reported at its place.
//!
//! A [`Fields`] reader is asked for keys one by one (`text("title")`,
//! `int("weight")`); every key asked is a known key, so the list of known
//! keys is the code that reads them and cannot drift from it. What is left
//! at the end is unknown: an error with a suggestion for files with a fixed
//! schema ([`Fields::finish`]), kept for templates in front matter
//! ([`Fields::finish_open`]).

use jiff::civil::Date;

use super::{Node, Source, Value};
use crate::diag::{Diagnostic, Position, did_you_mean, suggest};

/// Years a date or quarter may have: four digits that mean something in a
/// policy register (`0000-01-01` is a typo, `9999-12-31` overflows).
pub const YEARS: std::ops::RangeInclusive<i16> = 1900..=2999;

pub struct Fields<'a> {
    src: Source<'a>,
    entries: &'a [(Node, Node)],
    /// The mapping itself, for problems of the whole (a missing key).
    at: Option<&'a Node>,
    known: Vec<&'static str>,
    pub diags: Vec<Diagnostic>,
}

/// How a value is named in messages: `a list`, `the number `3``.
pub fn describe(n: &Node) -> String {
    match &n.value {
        Value::Scalar { .. } if n.is_null() => "nothing".into(),
        Value::Scalar { text, plain } => match (n.as_bool(), n.as_f64()) {
            (Some(b), _) => format!("`{b}`"),
            (_, Some(_)) if *plain => format!("the number `{text}`"),
            _ => format!("`{text}`"),
        },
        Value::List(_) => "a list".into(),
        Value::Map(_) => "a map".into(),
    }
}

impl<'a> Fields<'a> {
    /// A reader over a mapping node; `None` (an empty document) reads as no keys.
    pub fn new(node: Option<&'a Node>, src: Source<'a>) -> Fields<'a> {
        Fields {
            src,
            entries: node.and_then(Node::entries).unwrap_or(&[]),
            at: node,
            known: Vec::new(),
            diags: Vec::new(),
        }
    }

    pub fn source(&self) -> Source<'a> {
        self.src
    }

    /// The value of `key`, unless absent or written as null. Marks `key` known.
    pub fn node(&mut self, key: &'static str) -> Option<&'a Node> {
        if !self.known.contains(&key) {
            self.known.push(key);
        }
        self.entries
            .iter()
            .find(|(k, _)| k.text() == Some(key))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    /// The key node itself, for reports about the key.
    pub fn key_node(&self, key: &str) -> Option<&'a Node> {
        self.entries.iter().find(|(k, _)| k.text() == Some(key)).map(|(k, _)| k)
    }

    pub fn pos(&self, n: &Node) -> Position {
        n.position(self.src)
    }

    pub fn error(&mut self, n: &Node, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::error(message)
            .in_file(self.src.file)
            .at(self.pos(n))
            .help(help);
        self.diags.push(d);
    }

    pub fn warning(&mut self, n: &Node, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::warning(message)
            .in_file(self.src.file)
            .at(self.pos(n))
            .help(help);
        self.diags.push(d);
    }

    /// A problem of the mapping as a whole, at its first line.
    pub fn missing(&mut self, message: impl Into<String>, help: impl Into<String>) {
        let mut d = Diagnostic::error(message).in_file(self.src.file).help(help);
        if let Some(n) = self.at {
            d = d.at(self.pos(n));
        }
        self.diags.push(d);
    }

    /// The one wording of a value of the wrong shape.
    pub fn wrong(&mut self, key: &str, n: &Node, expected: &str, help: impl Into<String>) {
        let found = describe(n);
        self.error(n, format!("`{key}` must be {expected}, found {found}"), help);
    }

    /// Text; a plain number or boolean is read as the text written.
    pub fn text(&mut self, key: &'static str) -> Option<String> {
        let n = self.node(key)?;
        match &n.value {
            Value::Scalar { text, .. } => Some(text.trim().to_string()),
            _ => {
                self.wrong(key, n, "text", format!("write it as `{key}: some text`"));
                None
            }
        }
    }

    /// Non-empty text, with where it was written: an id or a name.
    pub fn id(&mut self, key: &'static str, example: &str) -> Option<(String, Position)> {
        let n = self.node(key)?;
        match n.text().map(str::trim) {
            Some(t) if !t.is_empty() && n.entries().is_none() => Some((t.to_string(), self.pos(n))),
            _ => {
                self.wrong(key, n, "an id", format!("e.g. `{key}: {example}`"));
                None
            }
        }
    }

    pub fn bool(&mut self, key: &'static str) -> Option<bool> {
        let n = self.node(key)?;
        let b = n.as_bool();
        if b.is_none() {
            self.wrong(key, n, "`true` or `false`", format!("e.g. `{key}: true`"));
        }
        b
    }

    /// A whole number in `range`.
    pub fn int(&mut self, key: &'static str, range: std::ops::RangeInclusive<i64>, help: &str) -> Option<i64> {
        let n = self.node(key)?;
        match n.as_i64() {
            Some(i) if range.contains(&i) => Some(i),
            Some(i) => {
                let (lo, hi) = (range.start(), range.end());
                self.error(n, format!("`{key}` must be from {lo} to {hi}, not {i}"), help);
                None
            }
            None => {
                self.wrong(key, n, "a whole number", help);
                None
            }
        }
    }

    /// A number in `[lo, hi)`.
    pub fn fraction(&mut self, key: &'static str, help: &str) -> Option<f64> {
        let n = self.node(key)?;
        match n.as_f64() {
            Some(f) if (0.0..1.0).contains(&f) => Some(f),
            Some(_) => {
                let text = n.text().unwrap_or_default().to_string();
                self.error(n, format!("`{key}` must be between 0 and 1, not {text}"), help);
                None
            }
            None => {
                self.wrong(key, n, "a number", help);
                None
            }
        }
    }

    pub fn date(&mut self, key: &'static str) -> Option<Date> {
        let n = self.node(key)?;
        let help = format!("write dates as YYYY-MM-DD, e.g. `{key}: 2026-01-31`");
        let parsed = n.text().and_then(|t| t.trim().parse::<Date>().ok());
        match parsed {
            Some(d) if YEARS.contains(&d.year()) => Some(d),
            Some(d) => {
                let (lo, hi) = (YEARS.start(), YEARS.end());
                self.error(
                    n,
                    format!("`{key}` is in the year {:04}, outside {lo}–{hi}", d.year()),
                    format!("check the year; {help}"),
                );
                None
            }
            None => {
                self.wrong(key, n, "a date", help);
                None
            }
        }
    }

    /// A list of texts with their positions; one text is a list of one.
    pub fn texts(&mut self, key: &'static str, help: &str) -> Vec<(String, Position)> {
        let Some(n) = self.node(key) else {
            return Vec::new();
        };
        let items: Vec<&Node> = match &n.value {
            Value::Scalar { .. } => vec![n],
            Value::List(items) => items.iter().collect(),
            Value::Map(_) => {
                self.wrong(key, n, "a list", help.to_string());
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match &item.value {
                Value::Scalar { text, .. } if !item.is_null() => out.push((text.trim().to_string(), self.pos(item))),
                Value::Map(_) => {
                    // `- Budget: vendors` is a map in YAML, a classic surprise.
                    self.error(
                        item,
                        format!("an item of `{key}` contains `: ` and was read as a map"),
                        "put the item in quotes, e.g. `- \"Budget: vendors and tools\"`",
                    );
                }
                _ => self.wrong(key, item, "a list of texts", help.to_string()),
            }
        }
        out
    }

    /// The entries of a mapping under `key` (keys of any text).
    pub fn entries(&mut self, key: &'static str, help: &str) -> &'a [(Node, Node)] {
        let Some(n) = self.node(key) else { return &[] };
        match n.entries() {
            Some(e) => e,
            None => {
                self.wrong(key, n, "a map", help.to_string());
                &[]
            }
        }
    }

    /// Reads a nested mapping with its own fixed set of keys.
    pub fn nested<T>(&mut self, key: &'static str, what: &str, read: impl FnOnce(&mut Fields<'a>) -> T) -> Option<T> {
        let n = self.node(key)?;
        if n.entries().is_none() {
            self.wrong(
                key,
                n,
                "a map",
                format!("e.g. `{key}: {{…}}`, one `name: value` per entry"),
            );
            return None;
        }
        let mut sub = Fields::new(Some(n), self.src);
        let out = read(&mut sub);
        let diags = sub.finish(what);
        self.diags.extend(diags);
        Some(out)
    }

    /// Every problem found, plus an error for each key nobody asked for,
    /// with the nearest known key. `what` names the file or section
    /// (`casebook.yaml`, `a metric file`, `` `versions` ``).
    pub fn finish(mut self, what: &str) -> Vec<Diagnostic> {
        let known = self.known.clone();
        for (k, _) in self.entries {
            let name = k.text().unwrap_or_default();
            if known.contains(&name) {
                continue;
            }
            let help = suggest(
                name,
                known.iter().copied(),
                &format!("known keys: {}", known.join(", ")),
            );
            let d = Diagnostic::error(format!("unknown key `{name}` in {what}"))
                .in_file(self.src.file)
                .at(k.position(self.src))
                .help(help);
            self.diags.push(d);
        }
        self.diags
    }

    /// Like [`Fields::finish`] for open schemas: unknown keys are returned
    /// for templates, with a warning when one looks like a typo.
    pub fn finish_open(mut self) -> (Vec<Diagnostic>, Vec<(&'a Node, &'a Node)>) {
        let mut extra = Vec::new();
        for (k, v) in self.entries {
            let name = k.text().unwrap_or_default();
            if self.known.contains(&name) {
                continue;
            }
            if let Some(near) = did_you_mean(name, self.known.iter().copied()) {
                let d = Diagnostic::warning(format!("unknown front matter key `{name}`"))
                    .in_file(self.src.file)
                    .at(k.position(self.src))
                    .help(format!(
                        "did you mean `{near}`? Unknown keys are kept for templates as `page.extra.{name}`"
                    ));
                self.diags.push(d);
            }
            extra.push((k, v));
        }
        (self.diags, extra)
    }
}
