//! Diagnostics: every problem casebook finds in a site, located and explained.
//!
//! Stages never stop at the first problem; they push [`Diagnostic`]s into a
//! [`Diagnostics`] list so one build reports everything. A diagnostic carries
//! the file (relative to the site root), the line and column, the quoted line
//! and a `help` that says how to fix it. Rendering is plain text in the rustc
//! style (via annotate-snippets) or JSON for tools.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
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
    /// The offending line, quoted in the report; a very long line is cut
    /// to a window around the column (with `…` where it was cut).
    /// Shared, since every copy of a parsed page copies its links' positions.
    #[serde(skip)]
    pub source_line: std::sync::Arc<str>,
    /// The column `source_line` starts at: 1 unless the line was cut.
    #[serde(skip)]
    pub first_column: usize,
}

/// Characters of a line quoted around the offending text: a report must
/// stay readable, and a position must not copy a megabyte-long line.
const QUOTE_BEFORE: usize = 60;
const QUOTE_WIDTH: usize = 160;

impl Position {
    /// The position of the byte offset `start` in `text`, underlining `len`
    /// bytes. Counts lines from the start: for many positions in one text,
    /// use a [`LineIndex`].
    pub fn at_byte(text: &str, start: usize, len: usize) -> Position {
        let start = floor_char_boundary(text, start.min(text.len()));
        let line = text.as_bytes()[..start].iter().filter(|&&b| b == b'\n').count() + 1;
        Position::on_line(text, start, line, len)
    }

    /// The position of a 1-based line and column in `text`, underlining `len` characters.
    pub fn at_line(text: &str, line: usize, column: usize, len: usize) -> Position {
        let line = line.max(1);
        let line_start: usize = text.split_inclusive('\n').take(line - 1).map(str::len).sum();
        let start = text[line_start..]
            .char_indices()
            .nth(column.max(1) - 1)
            .map_or(text.len(), |(i, _)| line_start + i);
        let mut p = Position::on_line(text, start, line, 0);
        p.len = len.max(1);
        p
    }

    /// The position of byte `start`, known to be on `line`: reads only that line.
    pub fn on_line(text: &str, start: usize, line: usize, len: usize) -> Position {
        let start = floor_char_boundary(text, start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..start].chars().count() + 1;
        Position::around(text, start, line, column, len)
    }

    /// The position of byte `start` at a known line and column: reads only
    /// a window of the line around it, however long the line.
    fn around(text: &str, start: usize, line: usize, column: usize, len: usize) -> Position {
        let at_line_start = |i: usize| i == 0 || text.as_bytes()[i - 1] == b'\n';
        let mut from = start;
        let mut before = 0;
        while before < QUOTE_BEFORE && !at_line_start(from) {
            from = floor_char_boundary(text, from - 1);
            before += 1;
        }
        let cut_before = !at_line_start(from);
        let rest = &text[from..];
        let line_len = rest.find('\n').unwrap_or(rest.len());
        let end = rest[..line_len]
            .char_indices()
            .nth(QUOTE_WIDTH)
            .map_or(line_len, |(i, _)| i);
        let cut_after = end < line_len;
        let span_end = floor_char_boundary(text, (start + len).min(from + line_len));
        let mut source_line = String::with_capacity(end + 6);
        if cut_before {
            source_line.push('…');
        }
        source_line.push_str(rest[..end].trim_end_matches('\r'));
        if cut_after {
            source_line.push('…');
        }
        Position {
            line,
            column,
            len: text[start..span_end].chars().count().max(1),
            source_line: source_line.into(),
            // The `…` stands in the column before the window.
            first_column: if cut_before { column - before - 1 } else { 1 },
        }
    }
}

/// Where each line of a text starts, for many positions in one text.
/// Positions asked for in the order of the text cost, together, one pass
/// over it, even when they are all on one enormous line.
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last position asked for: byte, line and column.
    cursor: std::cell::Cell<(usize, usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            starts,
            cursor: std::cell::Cell::new((0, 1, 1)),
        }
    }

    /// Like [`Position::at_byte`].
    pub fn position(&self, text: &str, start: usize, len: usize) -> Position {
        let start = floor_char_boundary(text, start.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= start).max(1);
        let (byte, cursor_line, col) = self.cursor.get();
        let column = if cursor_line == line && byte <= start {
            col + text[byte..start].chars().count()
        } else {
            text[self.starts[line - 1]..start].chars().count() + 1
        };
        self.cursor.set((start, line, column));
        Position::around(text, start, line, column, len)
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
    /// The places a summary stands for (`content/a.md`, …), listed under it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            position: None,
            help: None,
            notes: Vec::new(),
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

    /// The places a summary diagnostic stands for.
    pub fn notes(mut self, notes: Vec<String>) -> Diagnostic {
        self.notes = notes;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// rustc-style text: message, `--> file:line:col`, the quoted line with a
    /// caret under the offending text, the help, and the first few notes.
    pub fn render(&self) -> String {
        self.render_notes(NOTES_SHOWN)
    }

    /// Like [`Diagnostic::render`] with every note (`--verbose`).
    pub fn render_verbose(&self) -> String {
        self.render_notes(usize::MAX)
    }

    fn render_notes(&self, shown: usize) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let message = printable(&self.message);
        let mut group = Group::with_title(level.primary_title(&message));
        let file = self.file.as_deref().map(printable);
        let source_line = self.position.as_ref().map(|p| printable(&p.source_line));
        match (&file, &self.position, &source_line) {
            (Some(file), Some(pos), Some(line)) => {
                let shown = pos.column + 1 - pos.first_column.min(pos.column);
                let start = byte_of_column(line, shown);
                let end = byte_of_column(line, shown + pos.len).max(start);
                // The origin names the real column, whatever part of the line is quoted.
                group = group
                    .element(Origin::path(file.as_str()).line(pos.line).char_column(pos.column))
                    .element(
                        Snippet::source(line.as_str())
                            .line_start(pos.line)
                            .annotation(AnnotationKind::Primary.span(start..end)),
                    );
            }
            (Some(file), _, _) => {
                group = group.element(Snippet::<annotate_snippets::Annotation>::source("").path(file.as_str()));
            }
            _ => {}
        }
        let help = self.help.as_deref().map(printable);
        if let Some(help) = &help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let mut notes: Vec<String> = self.notes.iter().take(shown).map(|n| printable(n)).collect();
        if self.notes.len() > notes.len() {
            notes.push(format!(
                "… and {} more (`--verbose` lists them all)",
                self.notes.len() - notes.len()
            ));
        }
        for n in &notes {
            group = group.element(Level::NOTE.message(n.as_str()));
        }
        let report: [Group; 1] = [group];
        let text = Renderer::plain().render(&report).to_string();
        // The snippet after an origin opens with an empty `:::` line; without
        // a quoted line the frame is empty too: keep only the `-->`.
        let empty = |l: &str| l.trim() == ":::" || (self.position.is_none() && l.trim() == "|");
        text.lines().filter(|l| !empty(l)).collect::<Vec<_>>().join("\n")
    }
}

/// Notes shown under a summary unless `--verbose`.
const NOTES_SHOWN: usize = 5;

/// Text from content made safe for a terminal: control characters (an
/// escape sequence in a file name or a title) become their visible symbols,
/// one character each, so columns still line up.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
            _ => c,
        })
        .collect()
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

/// A path as users see it in reports: relative, `/`-separated. On Unix a
/// backslash is part of a file name (`a\\b.md`), not a separator.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
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
        self.render_all(false)
    }

    /// Every diagnostic and the counts; `verbose` lists every note.
    pub fn render_all(&self, verbose: bool) -> String {
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&if verbose { d.render_verbose() } else { d.render() });
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
        assert_eq!(&*pos.source_line, "owner: «légal-ops»");
    }

    #[test]
    fn long_lines_are_quoted_around_the_column_and_indexed_lines_agree() {
        let line = format!("{}[x](y.md){}", "a".repeat(5_000), "b".repeat(5_000));
        let text = format!("first\n{line}\nlast\n");
        let start = text.find("[x]").unwrap();
        let direct = Position::at_byte(&text, start, 9);
        let index = LineIndex::new(&text);
        assert_eq!(index.position(&text, start, 9), direct);
        assert_eq!((direct.line, direct.column, direct.len), (2, 5_001, 9));
        assert!(direct.source_line.chars().count() <= QUOTE_WIDTH + 2);
        assert!(direct.source_line.starts_with('…') && direct.source_line.ends_with('…'));
        let out = Diagnostic::error("x").in_file("a.md").at(direct).render();
        // The caret sits under the link in the quoted window.
        assert!(out.contains("--> a.md:2:5001"), "{out}");
        let quoted = out.lines().find(|l| l.contains("[x](y.md)")).unwrap();
        let caret = out.lines().find(|l| l.contains("^^^^^^^^^")).unwrap();
        let column = |l: &str, c: char| l.chars().position(|x| x == c);
        assert_eq!(column(caret, '^'), column(quoted, '['), "{out}");
        for n in [0, 5, 6, text.len()] {
            assert_eq!(index.position(&text, n, 1), Position::at_byte(&text, n, 1), "byte {n}");
        }
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
