//! Diagnostics: every problem casebook finds in a site, located and explained.
//!
//! Stages never stop at the first problem; they push [`Diagnostic`]s into a
//! [`Diagnostics`] list so one build reports everything. A diagnostic carries
//! the file (relative to the site root), the line and column, the quoted line
//! and a `help` that says how to fix it. Rendering is plain text in the rustc
//! style (via annotate-snippets) or JSON for tools.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a text file: 1-based line, 1-based column counted in
/// characters, and the length of the offending text in characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub len: usize,
    /// The whole offending line, quoted in the report.
    #[serde(skip)]
    pub source_line: String,
}

impl Position {
    /// The position of the byte offset `start` in `text`, underlining `len` bytes.
    pub fn at_byte(text: &str, start: usize, len: usize) -> Position {
        let start = floor_char_boundary(text, start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(text, (start + len).min(line_end));
        Position {
            line,
            column,
            len: text[start..end].chars().count().max(1),
            source_line: text[line_start..line_end].trim_end_matches('\r').to_string(),
        }
    }

    /// The position of a 1-based line and column in `text`, underlining `len` characters.
    pub fn at_line(text: &str, line: usize, column: usize, len: usize) -> Position {
        let source_line = text.lines().nth(line.saturating_sub(1)).unwrap_or_default().to_string();
        Position {
            line: line.max(1),
            column: column.max(1),
            len: len.max(1),
            source_line,
        }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Relative to the site root, with `/` separators.
    pub file: Option<String>,
    #[serde(flatten)]
    pub position: Option<Position>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            position: None,
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn in_file(mut self, file: impl AsRef<Path>) -> Diagnostic {
        self.file = Some(display_path(file.as_ref()));
        self
    }

    pub fn at(mut self, position: Position) -> Diagnostic {
        self.position = Some(position);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// rustc-style text: message, `--> file:line:col`, the quoted line with a
    /// caret under the offending text, and the help.
    pub fn render(&self) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group = Group::with_title(level.primary_title(&self.message));
        match (&self.file, &self.position) {
            (Some(file), Some(pos)) => {
                let start = byte_of_column(&pos.source_line, pos.column);
                let end = byte_of_column(&pos.source_line, pos.column + pos.len).max(start);
                group = group.element(
                    Snippet::source(pos.source_line.as_str())
                        .line_start(pos.line)
                        .path(file.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                );
            }
            (Some(file), None) => {
                group = group.element(Snippet::<annotate_snippets::Annotation>::source("").path(file.as_str()));
            }
            _ => {}
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let report: [Group; 1] = [group];
        let text = Renderer::plain().render(&report).to_string();
        if self.position.is_some() {
            return text;
        }
        // Without a quoted line the snippet frame is empty; keep only the `-->`.
        text.lines().filter(|l| l.trim() != "|").collect::<Vec<_>>().join("\n")
    }
}

fn byte_of_column(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}

/// Said once per build, not a problem of the site: printed as `note:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub message: String,
    pub help: String,
}

impl Notice {
    pub fn render(&self) -> String {
        format!("note: {}\n  = help: {}\n", self.message, self.help)
    }
}

/// A path as users see it in reports: relative, `/`-separated.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Everything a run found, in a stable order once [`Diagnostics::sorted`].
#[derive(Debug, Default, Clone, Serialize)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Sorted by file, then position, then message: parallel stages push in
    /// any order, reports must not change between runs.
    pub fn sorted(mut self) -> Diagnostics {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.file.clone(),
                    d.position.as_ref().map(|p| (p.line, p.column)),
                    d.severity,
                    d.message.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        self.items.dedup();
        self
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&d.render());
            out.push_str("\n\n");
        }
        let (errors, warnings) = (self.error_count(), self.warning_count());
        if errors + warnings > 0 {
            let _ = writeln!(
                out,
                "{} error{}, {} warning{}",
                errors,
                plural(errors),
                warnings,
                plural(warnings)
            );
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// "did you mean `x`?" for the closest candidate, if any is close enough.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Builds a help text: the suggestion when there is one, then what is allowed.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str> + Clone, tail: &str) -> String {
    match did_you_mean(word, candidates) {
        Some(s) => format!("did you mean `{s}`? {tail}"),
        None => tail.to_string(),
    }
}

/// A path joined for I/O error messages.
pub fn io_error(action: &str, path: &Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("could not {action} `{}`: {err}", display_path(path)))
}

/// Path relative to `root` for reports; falls back to the path itself.
pub fn relative_to(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_characters_not_bytes() {
        let text = "title: x\nowner: «légal-ops»\n";
        let start = text.find("légal").unwrap();
        let pos = Position::at_byte(text, start, "légal-ops".len());
        assert_eq!((pos.line, pos.column, pos.len), (2, 9, 9));
        assert_eq!(pos.source_line, "owner: «légal-ops»");
    }

    #[test]
    fn rendered_report_quotes_line_and_points_at_column() {
        let text = "---\nowner: legal-opps\n---\n";
        let d = Diagnostic::error("unknown role `legal-opps`")
            .in_file("content/policies/x.md")
            .at(Position::at_byte(text, 11, 10))
            .help("did you mean `legal-ops`?");
        let out = d.render();
        assert!(out.contains("error: unknown role `legal-opps`"), "{out}");
        assert!(out.contains("content/policies/x.md:2:8"), "{out}");
        assert!(out.contains("owner: legal-opps"), "{out}");
        assert!(out.contains("^^^^^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `legal-ops`?"), "{out}");
    }

    #[test]
    fn file_only_report_names_the_file() {
        let out = Diagnostic::warning("page has no description")
            .in_file("content/a.md")
            .render();
        assert!(out.contains("--> content/a.md"), "{out}");
    }

    #[test]
    fn did_you_mean_finds_close_ids_only() {
        let roles = ["legal-ops", "general-counsel", "paralegal"];
        assert_eq!(did_you_mean("legal-opps", roles), Some("legal-ops"));
        assert_eq!(did_you_mean("ceo", roles), None);
    }

    #[test]
    fn sorting_is_by_file_then_line() {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::error("b").in_file("b.md"));
        d.push(
            Diagnostic::error("a2")
                .in_file("a.md")
                .at(Position::at_line("x\ny", 2, 1, 1)),
        );
        d.push(
            Diagnostic::error("a1")
                .in_file("a.md")
                .at(Position::at_line("x\ny", 1, 1, 1)),
        );
        let msgs: Vec<_> = d.sorted().items.into_iter().map(|d| d.message).collect();
        assert_eq!(msgs, ["a1", "a2", "b"]);
    }
}
