//! The one place that knows the YAML engine (serde-saphyr).
//!
//! Front matter, `casebook.yaml` and metric files all go through here, so
//! errors come out as located [`Diagnostic`]s and the engine can be swapped
//! in one file. `line_offset` shifts positions when the YAML is embedded in a
//! larger file (front matter starts after the opening `---`).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_saphyr::Options;

use crate::diag::{Diagnostic, Position};

pub use serde_saphyr::Spanned;

/// A YAML value with the line and column where it was written.
pub type Located = Spanned<serde_json::Value>;

/// A top-level mapping whose values keep their positions.
pub type LocatedMap = BTreeMap<String, Located>;

fn options() -> Options {
    let mut opts = Options::default();
    // `yes`/`on` as booleans surprise authors; only `true`/`false` are booleans.
    opts.strict_booleans = true;
    opts.with_snippet = false;
    opts
}

/// Parses a mapping of keys to located values; an empty document is an empty map.
pub fn parse_map(text: &str, file: &str, full_text: &str, line_offset: usize) -> Result<LocatedMap, Diagnostic> {
    if text.trim().is_empty() {
        return Ok(LocatedMap::new());
    }
    let value: Located = serde_saphyr::from_str_with_options(text, options())
        .map_err(|e| to_diagnostic(&e, file, full_text, line_offset))?;
    match value.value {
        serde_json::Value::Object(_) => {}
        serde_json::Value::Null => return Ok(LocatedMap::new()),
        _ => {
            return Err(Diagnostic::error("expected a mapping of `key: value` lines")
                .in_file(file)
                .at(position(&value, full_text, line_offset))
                .help("write one `key: value` per line, e.g. `title: Records retention`"));
        }
    }
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| to_diagnostic(&e, file, full_text, line_offset))
}

/// Parses a whole document into `T`, reporting the first YAML or type error.
pub fn parse_typed<T: DeserializeOwned>(
    text: &str,
    file: &str,
    full_text: &str,
    line_offset: usize,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| to_diagnostic(&e, file, full_text, line_offset))
}

/// Converts a located value into `T`, or an error at its position.
pub fn convert<T: DeserializeOwned>(
    value: &Located,
    what: &str,
    file: &str,
    full_text: &str,
    line_offset: usize,
) -> Result<T, Diagnostic> {
    serde_json::from_value(value.value.clone()).map_err(|e| {
        Diagnostic::error(format!(
            "`{what}` has the wrong type: {}",
            plain_serde_message(&e.to_string())
        ))
        .in_file(file)
        .at(position(value, full_text, line_offset))
    })
}

/// Where any spanned value was written, underlining `len` characters.
pub fn position_of<T>(value: &Spanned<T>, full_text: &str, line_offset: usize, len: usize) -> Position {
    let loc = value.referenced;
    Position::at_line(full_text, loc.line() as usize + line_offset, loc.column() as usize, len)
}

/// Where a located value was written, in the coordinates of `full_text`.
pub fn position(value: &Located, full_text: &str, line_offset: usize) -> Position {
    let loc = value.referenced;
    let line = loc.line() as usize + line_offset;
    let column = loc.column() as usize;
    let len = scalar_len(&value.value);
    Position::at_line(full_text, line, column, len)
}

fn scalar_len(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::String(s) => s.chars().count(),
        serde_json::Value::Number(n) => n.to_string().len(),
        serde_json::Value::Bool(b) => b.to_string().len(),
        _ => 1,
    }
}

fn to_diagnostic(err: &serde_saphyr::Error, file: &str, full_text: &str, line_offset: usize) -> Diagnostic {
    let err = err.without_snippet();
    let mut message = strip_location(&err.to_string());
    if message.starts_with("budget breached") {
        message = "the YAML is nested too deeply or expands too much".to_string();
    }
    let mut d = Diagnostic::error(format!("invalid YAML: {message}")).in_file(file);
    if let Some(loc) = err.location() {
        d = d.at(Position::at_line(
            full_text,
            loc.line() as usize + line_offset,
            loc.column() as usize,
            1,
        ));
    }
    d.help("check the indentation and quoting on this line; values with `:` or `#` need quotes")
}

/// serde-saphyr appends " at line L, column C" (or prefixes it); the position
/// goes in the report header instead.
fn strip_location(msg: &str) -> String {
    let mut m = msg.trim().to_string();
    if let Some(i) = m.find(" at line ") {
        m.truncate(i);
    }
    if let Some(rest) = m.strip_prefix("line ")
        && let Some(i) = rest.find(": ")
    {
        m = rest[i + 2..].to_string();
    }
    m
}

fn plain_serde_message(msg: &str) -> String {
    strip_location(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_values_keep_their_lines_after_offset() {
        let full = "---\ntitle: A\nowner: legal-ops\n---\nbody";
        let yaml = "title: A\nowner: legal-ops\n";
        let map = parse_map(yaml, "x.md", full, 1).unwrap();
        let pos = position(&map["owner"], full, 1);
        assert_eq!((pos.line, pos.column), (3, 8));
        assert_eq!(pos.source_line, "owner: legal-ops");
    }

    #[test]
    fn syntax_error_points_into_the_file() {
        let full = "---\ntitle: \"unclosed\nx: 1\n---\n";
        let yaml = "title: \"unclosed\nx: 1\n";
        let err = parse_map(yaml, "x.md", full, 1).unwrap_err();
        let pos = err.position.expect("a syntax error has a position");
        assert!(pos.line >= 2, "{pos:?}");
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
    }

    #[test]
    fn a_list_is_not_front_matter() {
        let err = parse_map("- a\n- b\n", "x.md", "- a\n- b\n", 0).unwrap_err();
        assert!(err.message.contains("mapping"));
    }
}
