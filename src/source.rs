//! Stage 1, LOAD: walk the content folder and read what it holds.
//!
//! Owns file discovery and decoding only; it knows nothing of front matter or
//! Markdown. The walk is sorted so every later stage sees the same order.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Diagnostics, Position, display_path, io_error};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Markdown,
    /// `metrics/*.yaml`: a metric definition with quarterly values.
    Metric,
    /// Anything else: copied to the output as it is.
    Asset,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the content folder, `/`-separated: `policies/retention.md`.
    pub rel: String,
    /// Relative to the site root, for reports: `content/policies/retention.md`.
    pub file: String,
    pub abs: PathBuf,
    pub kind: FileKind,
    /// The decoded text; empty for assets.
    pub text: String,
}

/// Lists and reads every file under `content_dir`. Unreadable files and
/// invalid UTF-8 are reported and left out.
pub fn walk(root: &Path, content_dir: &Path, diags: &mut Diagnostics) -> Vec<SourceFile> {
    let base = root.join(content_dir);
    if !base.is_dir() {
        diags.push(
            Diagnostic::error(format!("content folder `{}` does not exist", display_path(content_dir)))
                .help("create it, run `casebook init`, or set `content_dir` in casebook.yaml"),
        );
        return Vec::new();
    }
    let mut found = Vec::new();
    let walker = WalkDir::new(&base)
        .sort_by_file_name()
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_string_lossy().as_ref()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| base.clone());
                let shown = display_path(&content_dir.join(path.strip_prefix(&base).unwrap_or(&path)));
                let why = e.io_error().map_or_else(|| e.to_string(), |io| io.to_string());
                diags.push(
                    Diagnostic::error(format!("could not read `{shown}`: {why}"))
                        .in_file(&shown)
                        .help("check the file's permissions, or remove a broken symbolic link"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let abs = entry.path().to_path_buf();
        let rel = display_path(abs.strip_prefix(&base).expect("walkdir yields paths under its root"));
        let file = display_path(&content_dir.join(&rel));
        let kind = classify(&rel);
        found.push(SourceFile {
            rel,
            file,
            abs,
            kind,
            text: String::new(),
        });
    }
    let read: Vec<Result<SourceFile, Diagnostic>> = found.into_par_iter().map(read_text).collect();
    let mut files = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    files
}

/// Reads the one content file at `rel` (content-relative, `/`-separated)
/// exactly as [`walk`] would, for callers that know what changed.
pub fn read(root: &Path, content_dir: &Path, rel: &str) -> Result<SourceFile, Diagnostic> {
    read_text(SourceFile {
        rel: rel.to_string(),
        file: display_path(&content_dir.join(rel)),
        abs: root.join(content_dir).join(rel),
        kind: classify(rel),
        text: String::new(),
    })
}

fn read_text(mut f: SourceFile) -> Result<SourceFile, Diagnostic> {
    if f.kind == FileKind::Asset {
        return Ok(f);
    }
    let bytes = std::fs::read(&f.abs).map_err(|e| io_error("read", Path::new(&f.file), &e).in_file(&f.file))?;
    f.text = decode(bytes, &f.file)?;
    Ok(f)
}

/// UTF-8 text without a byte-order mark; invalid bytes are located.
pub fn decode(bytes: Vec<u8>, file: &str) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            Err(Diagnostic::error("file is not valid UTF-8 text")
                .in_file(file)
                .at(Position::at_byte(&lossy, prefix.len(), 1))
                .help("save the file as UTF-8 in your editor (it may be Latin-1 or Windows-1252)"))
        }
    }
}

/// What a content file is, from its path alone.
pub fn classify(rel: &str) -> FileKind {
    let lower = rel.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        FileKind::Markdown
    } else if (lower.ends_with(".yaml") || lower.ends_with(".yml")) && rel.split('/').rev().nth(1) == Some("metrics") {
        FileKind::Metric
    } else {
        FileKind::Asset
    }
}

/// Hidden files and editor leftovers are never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with("#")
        || name == "4913"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_extension_and_folder() {
        assert_eq!(classify("policies/x.md"), FileKind::Markdown);
        assert_eq!(classify("metrics/spend.yaml"), FileKind::Metric);
        assert_eq!(classify("data/other.yaml"), FileKind::Asset);
        assert_eq!(classify("assets/logo.png"), FileKind::Asset);
    }

    #[test]
    fn invalid_utf8_is_located() {
        let bytes = b"title: ok\nname: caf\xe9\n".to_vec();
        let d = decode(bytes, "content/x.md").unwrap_err();
        let p = d.position.unwrap();
        assert_eq!((p.line, p.column), (2, 10));
    }

    #[test]
    fn bom_is_dropped() {
        assert_eq!(decode("\u{feff}# Hi".as_bytes().to_vec(), "x").unwrap(), "# Hi");
    }
}
