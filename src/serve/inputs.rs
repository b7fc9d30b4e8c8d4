//! What the engine keeps of the site's sources between changes: every
//! content file in walk order, each Markdown file's parse result keyed by a
//! hash of its text, and asset bytes; and how they follow changed paths.
//!
//! A changed file is read again, and parsed again only if its text changed.
//! A folder, the content folder itself, or a broken link rescans the whole
//! content folder with [`source::walk`], so the result is always what a
//! fresh walk and parse would give.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::parse::{self, Parsed, ParsedPage};
use crate::source::{self, FileKind, SourceFile};

/// Bytes of content assets by absolute path, or why they could not be read.
pub(super) type Assets = HashMap<PathBuf, Result<Arc<[u8]>, Diagnostic>>;

pub(super) struct Inputs {
    pub root: PathBuf,
    pub config: Config,
    pub config_diags: Vec<Diagnostic>,
    /// Every content file, in the order [`source::walk`] lists them,
    /// without its text: what is kept of a text is its parse and its hash.
    pub sources: Vec<SourceFile>,
    /// Problems listing or reading the content folder.
    pub load_diags: Vec<Diagnostic>,
    /// Parse results of Markdown, metric and glossary files by content path.
    parsed: HashMap<String, Cached>,
    pub assets: Assets,
}

struct Cached {
    hash: u64,
    parsed: Parsed,
    diags: Vec<Diagnostic>,
}

impl Inputs {
    /// Loads the config and, when it has no errors, every content file.
    pub fn load(root: &Path) -> Inputs {
        let mut d = Diagnostics::default();
        let config = Config::load(root, &mut d);
        let mut inputs = Inputs {
            root: root.to_path_buf(),
            config,
            config_diags: d.items,
            sources: Vec::new(),
            load_diags: Vec::new(),
            parsed: HashMap::new(),
            assets: HashMap::new(),
        };
        if !inputs.config_diags.iter().any(Diagnostic::is_error) {
            inputs.rescan();
        }
        inputs
    }

    /// Every file parsed, in walk order, with the problems parsing found:
    /// what [`parse::all`] gives for the same files. The pages are the
    /// cache's own, shared.
    pub fn parsed(&self, diags: &mut Diagnostics) -> Parsed {
        let copies: Vec<(Parsed, Vec<Diagnostic>)> = self
            .sources
            .iter()
            .map(|s| match self.parsed.get(&s.rel) {
                Some(c) => (c.parsed.clone(), c.diags.clone()),
                // Assets: nothing to cache.
                None => parse::one(s, &self.config),
            })
            .collect();
        parse::merge(copies, diags)
    }

    /// The parse of the Markdown file at `rel` when it is one page that
    /// parsed without errors.
    pub fn page(&self, rel: &str) -> Option<&Arc<ParsedPage>> {
        let c = self.parsed.get(rel)?;
        match &c.parsed.pages[..] {
            [page] if !c.diags.iter().any(Diagnostic::is_error) => Some(page),
            _ => None,
        }
    }

    /// Lists and reads the whole content folder again, parsing what changed.
    pub fn rescan(&mut self) -> bool {
        let mut d = Diagnostics::default();
        let sources = source::walk(&self.root, &self.config, &mut d);
        self.load_diags = d.items;
        let mut assets = HashMap::new();
        for s in sources.iter().filter(|s| s.kind == FileKind::Asset) {
            assets.insert(s.abs.clone(), read_asset(s));
        }
        self.assets = assets;
        let present: BTreeSet<&str> = sources.iter().map(|s| s.rel.as_str()).collect();
        self.parsed.retain(|rel, _| present.contains(rel.as_str()));
        let todo: Vec<&SourceFile> = sources
            .iter()
            .filter(|s| s.kind != FileKind::Asset)
            .filter(|s| self.parsed.get(&s.rel).is_none_or(|p| p.hash != text_hash(&s.text)))
            .collect();
        let fresh = parse_all(&todo, &self.config);
        self.parsed.extend(fresh);
        self.sources = sources.iter().map(unread).collect();
        true
    }

    /// Reads the content paths again; whether anything differs.
    pub fn refresh(&mut self, rels: &BTreeSet<String>) -> bool {
        let base = self.root.join(&self.config.content_dir);
        let mut read = Vec::new();
        let mut changed = false;
        for rel in rels {
            if rel.is_empty() {
                return self.rescan();
            }
            let abs = base.join(rel);
            match std::fs::metadata(&abs) {
                Ok(m) if m.is_dir() => return self.rescan(),
                Ok(m) if m.is_file() => {
                    // It may have replaced a folder of the same name.
                    let folder = format!("{rel}/");
                    changed |= self.forget(|r| r.starts_with(&folder));
                    read.push(rel.as_str());
                }
                // A broken link: the walk reports it.
                Err(_) if std::fs::symlink_metadata(&abs).is_ok() => return self.rescan(),
                _ => changed |= self.remove(rel),
            }
        }
        let mut todo = Vec::new();
        for rel in read {
            let file = display_path(&self.config.content_dir.join(rel));
            self.load_diags.retain(|d| d.file.as_deref() != Some(file.as_str()));
            let s = match source::read(&self.root, &self.config, rel) {
                Ok(Some(s)) => s,
                Ok(None) => {
                    changed |= self.remove(rel);
                    continue;
                }
                Err(d) => {
                    changed |= self.remove(rel);
                    self.load_diags.push(d);
                    continue;
                }
            };
            let known = match self.position(rel) {
                Ok(i) => {
                    self.sources[i] = unread(&s);
                    true
                }
                Err(i) => {
                    self.sources.insert(i, unread(&s));
                    false
                }
            };
            match s.kind {
                FileKind::Markdown | FileKind::Metric | FileKind::Glossary => {
                    changed |= self.parsed.get(rel).is_none_or(|p| p.hash != text_hash(&s.text));
                    todo.push(s);
                }
                FileKind::Asset => {
                    let bytes = read_asset(&s);
                    let kept = matches!((self.assets.get(&s.abs), &bytes), (Some(Ok(a)), Ok(b)) if a == b);
                    changed |= !known || !kept;
                    self.assets.insert(s.abs.clone(), bytes);
                }
            }
        }
        let todo: Vec<&SourceFile> = todo
            .iter()
            .filter(|s| self.parsed.get(&s.rel).is_none_or(|p| p.hash != text_hash(&s.text)))
            .collect();
        let fresh = parse_all(&todo, &self.config);
        self.parsed.extend(fresh);
        changed
    }

    /// Forgets the file or folder at `rel`.
    fn remove(&mut self, rel: &str) -> bool {
        // Files that could not be read are not sources, only problems.
        let file = display_path(&self.config.content_dir.join(rel));
        let file_prefix = format!("{file}/");
        self.load_diags.retain(|d| {
            d.file
                .as_deref()
                .is_none_or(|f| f != file && !f.starts_with(&file_prefix))
        });
        let prefix = format!("{rel}/");
        self.forget(|r| r == rel || r.starts_with(&prefix))
    }

    /// Forgets the content files whose path is `gone`, and their problems.
    fn forget(&mut self, gone: impl Fn(&str) -> bool) -> bool {
        let before = self.sources.len();
        let (kept, removed): (Vec<SourceFile>, Vec<SourceFile>) = std::mem::take(&mut self.sources)
            .into_iter()
            .partition(|s| !gone(&s.rel));
        self.sources = kept;
        for s in &removed {
            self.assets.remove(&s.abs);
        }
        self.parsed.retain(|r, _| !gone(r));
        let files: HashSet<&str> = removed.iter().map(|s| s.file.as_str()).collect();
        self.load_diags
            .retain(|d| d.file.as_deref().is_none_or(|f| !files.contains(f)));
        self.sources.len() != before
    }

    /// Where `rel` is or would be in walk order.
    fn position(&self, rel: &str) -> Result<usize, usize> {
        self.sources.binary_search_by(|s| s.rel.split('/').cmp(rel.split('/')))
    }
}

/// Parses in parallel, keyed by content path.
fn parse_all(sources: &[&SourceFile], config: &Config) -> Vec<(String, Cached)> {
    sources
        .par_iter()
        .map(|s| {
            let (parsed, diags) = parse::one(s, config);
            let cached = Cached {
                hash: text_hash(&s.text),
                parsed,
                diags,
            };
            (s.rel.clone(), cached)
        })
        .collect()
}

/// `s` without its text, once it is parsed.
fn unread(s: &SourceFile) -> SourceFile {
    SourceFile {
        text: Arc::from(""),
        ..s.clone()
    }
}

fn read_asset(s: &SourceFile) -> Result<Arc<[u8]>, Diagnostic> {
    std::fs::read(&s.abs)
        .map(Arc::from)
        .map_err(|e| crate::diag::io_error("read", Path::new(&s.file), &e).in_file(&s.file))
}

fn text_hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}
