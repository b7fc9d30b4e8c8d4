//! Stage 1, LOAD: walk the content folder and read what it holds.
//!
//! Owns file discovery and decoding only; it knows nothing of front matter or
//! Markdown. The walk is sorted so every later stage sees the same order,
//! and [`scope`] decides what may be a source at all.

pub mod scope;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Position, display_path, io_error};
pub use scope::{OUTPUT_STAMP, Reserved, Scope, is_ignored, is_reserved};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Markdown,
    /// `metrics/*.yaml`: a metric definition with quarterly values.
    Metric,
    /// `glossary.yaml` at the top of the content folder: the site's terms.
    Glossary,
    /// Anything else: copied to the output as it is.
    Asset,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the content folder, `/`-separated: `policies/retention.md`.
    pub rel: String,
    /// Relative to the site root, for reports: `content/policies/retention.md`.
    pub file: String,
    /// Where the bytes are read from: resolved, symbolic links followed.
    pub abs: PathBuf,
    pub kind: FileKind,
    /// The decoded text; empty for assets.
    pub text: Arc<str>,
}

#[cfg(test)]
impl SourceFile {
    /// A file of `kind` at `content/<rel>` holding `text`, for tests.
    pub fn in_content(kind: FileKind, rel: &str, text: &str) -> SourceFile {
        SourceFile {
            rel: rel.into(),
            file: format!("content/{rel}"),
            abs: rel.into(),
            kind,
            text: text.into(),
        }
    }
}

/// The error for a content folder that is not there: at the `content_dir`
/// line of casebook.yaml when the folder is named there.
fn missing_content(root: &Path, content_dir: &Path) -> Diagnostic {
    let shown = display_path(content_dir);
    let d = Diagnostic::error(format!("content folder `{shown}` does not exist"));
    let config = std::fs::read_to_string(root.join(crate::config::FILE_NAME)).unwrap_or_default();
    let line = config
        .match_indices("content_dir:")
        .find(|(i, _)| *i == 0 || config.as_bytes()[i - 1] == b'\n');
    match line {
        Some((at, key)) => {
            let value = at + key.len() + config[at + key.len()..].len() - config[at + key.len()..].trim_start().len();
            d.in_file(crate::config::FILE_NAME)
                .at(Position::at_byte(&config, value, shown.len()))
                .help("create the folder, or set `content_dir` to the folder that holds the pages")
        }
        None => d.help("create it (`casebook init` makes a starter site), or set `content_dir` in casebook.yaml"),
    }
}

/// Lists and reads every source file of the content folder, following the
/// rules of [`scope`]. Unreadable files and invalid UTF-8 are errors; links
/// that are not followed are warnings; both are left out.
pub fn walk(root: &Path, config: &Config, diags: &mut Diagnostics) -> Vec<SourceFile> {
    let content_dir = &config.content_dir;
    if !root.join(content_dir).is_dir() {
        diags.push(missing_content(root, content_dir));
        return Vec::new();
    }
    let scope = match Scope::new(root, config) {
        Ok(s) => s,
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("could not read the content folder: {e}"))
                    .help("check the permissions of the site folder and of the content folder"),
            );
            return Vec::new();
        }
    };
    let base = scope.content().to_path_buf();
    let mut walk = Walk {
        scope: &scope,
        reserved: Reserved::new(config),
        content_dir,
        open: vec![base.clone()],
        found: Vec::new(),
        diags,
    };
    walk.visit(&base, "");
    let Walk { found, diags, .. } = walk;
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

/// One walk of the content folder, depth first in file-name order.
struct Walk<'a> {
    scope: &'a Scope,
    reserved: Reserved,
    content_dir: &'a Path,
    /// The resolved folders being listed, outermost first.
    open: Vec<PathBuf>,
    found: Vec<SourceFile>,
    diags: &'a mut Diagnostics,
}

impl Walk<'_> {
    /// Lists the resolved folder `dir`, whose content path is `rel`.
    fn visit(&mut self, dir: &Path, rel: &str) {
        let content_dir = self.content_dir;
        let shown = |rel: &str| display_path(&content_dir.join(rel));
        let mut entries = Vec::new();
        match std::fs::read_dir(dir) {
            Ok(list) => {
                for entry in list {
                    match entry.and_then(|e| Ok((e.file_name(), e.file_type()?))) {
                        Ok(e) => entries.push(e),
                        Err(e) => self.unreadable(&shown(rel), &e),
                    }
                }
            }
            Err(e) => return self.unreadable(&shown(rel), &e),
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, kind) in entries {
            let name_text = name.to_string_lossy();
            let rel = if rel.is_empty() {
                name_text.into_owned()
            } else {
                format!("{rel}/{name_text}")
            };
            // By path first, so a `themes` link at the top is not reported.
            if self.reserved.contains(&rel) {
                continue;
            }
            let mut real = dir.join(&name);
            let mut is_dir = kind.is_dir();
            if kind.is_symlink() {
                match self.scope.follow(&real, &self.open) {
                    Ok((target, dir)) => (real, is_dir) = (target, dir),
                    Err(why) => {
                        let warning = self.scope.refusal(&shown(&rel), &why);
                        self.diags.push(warning);
                        continue;
                    }
                }
            } else if !kind.is_file() && !is_dir {
                continue;
            }
            if self.scope.excludes(&real, is_dir) {
                continue;
            }
            if is_dir {
                self.open.push(real.clone());
                self.visit(&real, &rel);
                self.open.pop();
            } else {
                self.found.push(SourceFile {
                    file: shown(&rel),
                    kind: classify(&rel),
                    rel,
                    abs: real,
                    text: Arc::from(""),
                });
            }
        }
    }

    fn unreadable(&mut self, shown: &str, e: &std::io::Error) {
        self.diags.push(
            Diagnostic::error(format!("could not read `{shown}`: {e}"))
                .in_file(shown)
                .help("check the permissions of the file or folder"),
        );
    }
}

/// Reads the one content file at `rel` (content-relative, `/`-separated)
/// exactly as [`walk`] would, for callers that know what changed: `None`
/// when it is not a source (reserved, or behind a folder link that the
/// walk reports).
pub fn read(root: &Path, config: &Config, rel: &str) -> Result<Option<SourceFile>, Diagnostic> {
    if rel.is_empty() || is_reserved(config, rel) {
        return Ok(None);
    }
    let file = display_path(&config.content_dir.join(rel));
    let scope = Scope::new(root, config).map_err(|e| {
        Diagnostic::error(format!("could not read `{file}`: {e}"))
            .in_file(&file)
            .help("check the permissions of the site folder and of the content folder")
    })?;
    let path = root.join(&config.content_dir).join(rel);
    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    let abs = if is_link {
        match scope.follow(&path, &[]) {
            Ok((target, false)) => target,
            Ok((_, true)) => return Ok(None),
            Err(why) => return Err(scope.refusal(&file, &why)),
        }
    } else {
        match crate::fspath::resolve(&path) {
            Ok(real) if scope.admits(&real).is_ok() => real,
            _ => return Ok(None),
        }
    };
    read_text(SourceFile {
        rel: rel.to_string(),
        file,
        abs,
        kind: classify(rel),
        text: Arc::from(""),
    })
    .map(Some)
}

fn read_text(mut f: SourceFile) -> Result<SourceFile, Diagnostic> {
    if f.kind == FileKind::Asset {
        return Ok(f);
    }
    let bytes = std::fs::read(&f.abs).map_err(|e| io_error("read", Path::new(&f.file), &e).in_file(&f.file))?;
    f.text = Arc::from(decode(bytes, &f.file)?);
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
    } else if crate::parse::glossary::is_glossary(rel) {
        FileKind::Glossary
    } else if (lower.ends_with(".yaml") || lower.ends_with(".yml")) && rel.split('/').rev().nth(1) == Some("metrics") {
        FileKind::Metric
    } else {
        FileKind::Asset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_extension_and_folder() {
        assert_eq!(classify("policies/x.md"), FileKind::Markdown);
        assert_eq!(classify("metrics/spend.yaml"), FileKind::Metric);
        assert_eq!(classify("data/other.yaml"), FileKind::Asset);
        assert_eq!(classify("glossary.yaml"), FileKind::Glossary);
        assert_eq!(classify("policies/glossary.yaml"), FileKind::Asset);
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
