//! Component calls in Markdown: `{{ chart(metric="spend", kind="trend") }}`.
//!
//! Only the shape `{{ name(...) }}` is a call; any other braces (Liquid or
//! Jinja snippets quoted in prose, `{{ counterparty }}`) stay literal text.
//! `{{/* chart(...) */}}` is the escape: it prints `{{ chart(...) }}` as is.
//! This module only reads calls; the render stage decides what a name means.

use std::collections::BTreeMap;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: BTreeMap<String, Value>,
}

#[derive(Debug, PartialEq)]
pub enum Scan {
    /// Not a component call: the braces are literal text.
    NotACall,
    /// The escape form; `literal` is what to print, `end` the byte after `*/}}`.
    Escaped {
        literal: String,
        end: usize,
    },
    Call {
        call: Call,
        end: usize,
    },
    /// Looked like a call but is malformed: `at` is the byte where it went wrong.
    Malformed {
        message: String,
        at: usize,
        end: usize,
    },
}

/// Reads the component call starting at `start`, where `src[start..]` begins with `{{`.
pub fn scan(src: &str, start: usize) -> Scan {
    debug_assert!(src[start..].starts_with("{{"));
    let mut p = Parser {
        src,
        pos: start + 2,
        depth: 0,
    };
    if src[p.pos..].starts_with("/*") {
        return match src[p.pos..].find("*/}}") {
            Some(i) => {
                let inner = &src[p.pos + 2..p.pos + i];
                Scan::Escaped {
                    literal: format!("{{{{{inner}}}}}"),
                    end: p.pos + i + 4,
                }
            }
            None => Scan::NotACall,
        };
    }
    p.ws();
    let Some(name) = p.ident() else { return Scan::NotACall };
    p.ws();
    if !p.eat('(') {
        return Scan::NotACall;
    }
    match p.args() {
        Ok(args) => {
            p.ws();
            if p.eat_str("}}") {
                Scan::Call {
                    call: Call { name, args },
                    end: p.pos,
                }
            } else {
                p.malformed("expected `}}` to close the component call")
            }
        }
        Err(message) => p.malformed(&message),
    }
}

/// The id of the element a call renders, which links can point at: its
/// `id="…"` argument, else for a chart one made from the call and its place
/// (`chart-spend-trend-l12c1`), the id the render stage gives the chart.
pub fn element_id(call: &Call, line: usize, column: usize) -> Option<String> {
    if let Some(Value::String(id)) = call.args.get("id") {
        return Some(id.clone());
    }
    if call.name != "chart" {
        return None;
    }
    let text = |key: &str| call.args.get(key).and_then(Value::as_str);
    let compare = text("kind").map_or(call.args.contains_key("metrics"), |k| k == "compare");
    let mut parts: Vec<&str> = if compare {
        match call.args.get("metrics")? {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().map(Value::as_str).collect::<Option<_>>()?,
            _ => return None,
        }
    } else {
        vec![text("metric")?, text("kind").unwrap_or("trend")]
    };
    if compare {
        parts.push("compare");
    }
    let at = format!("l{line}c{column}");
    parts.push(&at);
    Some(crate::chart::id_from(&parts))
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    /// Nesting of `[` lists, bounded so hostile input cannot exhaust the stack.
    depth: usize,
}

const MAX_DEPTH: usize = 16;

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.src.len() - trimmed.len();
    }

    fn eat(&mut self, c: char) -> bool {
        if self.rest().starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        self.pos += len;
        Some(rest[..len].to_string())
    }

    fn args(&mut self) -> Result<BTreeMap<String, Value>, String> {
        let mut args = BTreeMap::new();
        loop {
            self.ws();
            if self.eat(')') {
                return Ok(args);
            }
            let name = self.ident().ok_or("expected an argument name such as `metric=`")?;
            self.ws();
            if !self.eat('=') {
                return Err(format!("expected `=` after argument `{name}`"));
            }
            self.ws();
            let value = self.value()?;
            if args.insert(name.clone(), value).is_some() {
                return Err(format!("argument `{name}` is given twice"));
            }
            self.ws();
            if self.eat(')') {
                return Ok(args);
            }
            if !self.eat(',') {
                return Err("expected `,` between arguments or `)` to end them".into());
            }
        }
    }

    /// A value; on error the position is left at its start, for the report.
    fn value(&mut self) -> Result<Value, String> {
        let start = self.pos;
        let v = self.value_inner();
        if v.is_err() && self.pos != start && !self.src[start..].starts_with(['[', '"', '\'', '“', '‘']) {
            self.pos = start;
        }
        v
    }

    fn value_inner(&mut self) -> Result<Value, String> {
        let rest = self.rest();
        match rest.chars().next() {
            Some(q @ ('"' | '\'' | '“' | '‘')) => self.string(q),
            Some('[') => {
                if self.depth >= MAX_DEPTH {
                    return Err(format!("lists are nested more than {MAX_DEPTH} deep"));
                }
                self.depth += 1;
                self.pos += 1;
                let items = self.list_items();
                self.depth -= 1;
                items
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let len = rest
                    .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '_'))
                    .unwrap_or(rest.len());
                let text = rest[..len].replace('_', "");
                self.pos += len;
                if let Ok(i) = text.parse::<i64>() {
                    Ok(Value::from(i))
                } else {
                    text.parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                        .ok_or_else(|| format!("`{text}` is not a number"))
                }
            }
            _ => match self.ident().as_deref() {
                Some("true") => Ok(Value::Bool(true)),
                Some("false") => Ok(Value::Bool(false)),
                Some(word) => Err(format!(
                    "`{word}` is not a value; put text in double quotes: \"{word}\""
                )),
                None => Err("expected a value: text in double quotes, a number, true/false or a [list]".into()),
            },
        }
    }

    fn list_items(&mut self) -> Result<Value, String> {
        let mut items = Vec::new();
        loop {
            self.ws();
            if self.eat(']') {
                return Ok(Value::Array(items));
            }
            items.push(self.value()?);
            self.ws();
            if self.eat(']') {
                return Ok(Value::Array(items));
            }
            if !self.eat(',') {
                return Err("expected `,` or `]` in the list".into());
            }
        }
    }

    fn string(&mut self, open: char) -> Result<Value, String> {
        let close = match open {
            '“' => '”',
            '‘' => '’',
            q => q,
        };
        self.pos += open.len_utf8();
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, next)) = chars.next() {
                        out.push(next);
                    }
                }
                '\n' => break,
                c if c == close => {
                    self.pos += i + c.len_utf8();
                    return Ok(Value::String(out));
                }
                c => out.push(c),
            }
        }
        Err(format!("text starting with {open} is not closed"))
    }

    fn malformed(&self, message: &str) -> Scan {
        let at = self.pos;
        let end = self.src[at..].find("}}").map_or_else(
            || self.src[at..].find('\n').map_or(self.src.len(), |i| at + i),
            |i| at + i + 2,
        );
        Scan::Malformed {
            message: message.to_string(),
            at,
            end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(src: &str) -> Call {
        match scan(src, 0) {
            Scan::Call { call, end } => {
                assert_eq!(end, src.len());
                call
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reads_names_and_typed_arguments() {
        let c = call(r#"{{ kpi_table(metrics=["a", "b"], quarter="2026-Q3", top=3, ratio=0.5, all=true) }}"#);
        assert_eq!(c.name, "kpi_table");
        assert_eq!(c.args["metrics"], serde_json::json!(["a", "b"]));
        assert_eq!(c.args["top"], serde_json::json!(3));
        assert_eq!(c.args["ratio"], serde_json::json!(0.5));
        assert_eq!(c.args["all"], Value::Bool(true));
        assert!(call("{{raci()}}").args.is_empty());
    }

    #[test]
    fn liquid_and_jinja_braces_are_not_calls() {
        for s in [
            "{{ counterparty_name }}",
            "{{ user.name | upcase }}",
            "{{",
            "{{ 42 }}",
            "{{ }}",
            "{{ if x }}",
        ] {
            assert_eq!(scan(s, 0), Scan::NotACall, "{s}");
        }
    }

    #[test]
    fn escape_prints_the_call_literally() {
        let src = r#"{{/* chart(metric="x") */}} after"#;
        match scan(src, 0) {
            Scan::Escaped { literal, end } => {
                assert_eq!(literal, r#"{{ chart(metric="x") }}"#);
                assert_eq!(&src[end..], " after");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_calls_say_where() {
        let src = r#"{{ chart(metric=spend) }}"#;
        match scan(src, 0) {
            Scan::Malformed { message, at, end } => {
                assert!(message.contains("double quotes"), "{message}");
                assert_eq!(&src[at..at + 5], "spend");
                assert_eq!(end, src.len());
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(scan(r#"{{ chart(metric="x" }}"#, 0), Scan::Malformed { .. }));
        assert!(matches!(scan(r#"{{ chart(metric="x""#, 0), Scan::Malformed { .. }));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = format!("{{{{ raci(a={}) }}}}", "[".repeat(100_000));
        match scan(&src, 0) {
            Scan::Malformed { message, .. } => assert!(message.contains("nested"), "{message}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn element_ids_of_calls() {
        let id = |src: &str| element_id(&call(src), 12, 1);
        assert_eq!(
            id("{{ chart(metric=\"spend\") }}").as_deref(),
            Some("chart-spend-trend-l12c1")
        );
        assert_eq!(
            id("{{ chart(metric=\"spend\", kind=\"bar\") }}").as_deref(),
            Some("chart-spend-bar-l12c1")
        );
        assert_eq!(
            id("{{ chart(metrics=[\"a\", \"b\"]) }}").as_deref(),
            Some("chart-a-b-compare-l12c1")
        );
        assert_eq!(
            id("{{ kpi_table(metrics=[\"a\"], id=\"kpis\") }}").as_deref(),
            Some("kpis")
        );
        assert_eq!(
            id("{{ chart(metric=\"spend\", id=\"spend\") }}").as_deref(),
            Some("spend")
        );
        assert_eq!(id("{{ kpi(metric=\"spend\") }}"), None);
        assert_eq!(id("{{ chart(metric=3) }}"), None);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "{{ a(b=\"é",
            "{{ a(b=[1,",
            "{{ a(b=-)",
            "{{ a(b='x\\",
            "{{ ä(",
            "{{ a(b=“x”) }}",
        ] {
            let _ = scan(s, 0);
        }
    }
}
