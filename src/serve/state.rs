//! The incremental engine behind `casebook serve`: a site built into memory,
//! kept up to date file change by file change, always equal to what
//! [`crate::build`] would produce from the same files.
//!
//! What is kept between changes: every content file with its text, each
//! Markdown file's parse result keyed by a hash of its text, asset bytes, the
//! theme, and for each page of the last good build the fingerprint of what
//! its render saw and the bytes it produced.
//!
//! An update, [`State::apply`]:
//! 1. classifies the changed paths ([`super::watch::classify`]): the config
//!    starts everything over; a theme file reloads the theme; content paths
//!    are read again (a folder, or anything odd, rescans the content folder);
//! 2. parses again only Markdown files whose text changed;
//! 3. resolves the whole site again: cheap next to parsing and rendering, and
//!    it makes every cross-page fact (sections, navigation, ownership,
//!    register, links, metrics) exactly what a full build computes;
//! 4. fingerprints every page by rendering it with the theme's hashing twin
//!    ([`Theme::fingerprinter`]). The twin receives exactly what the real
//!    render would: the template names with the sources of every template
//!    they use, each context (page view, resolved body, component data) and
//!    the globals. Rendering is a pure function of those, so a page whose
//!    fingerprint and output path did not change would render to the same
//!    bytes and keeps them; the others render again;
//! 5. renders whole everything that is not one page's own (register, 404,
//!    redirects, sitemap, metric pages, statics, assets), checks collisions
//!    as the build does, and swaps in the new files;
//! 6. the search index, which reads every page's text and is the slowest
//!    output, comes second: [`State::index_job`] can run on another thread
//!    while the pages are already served, and [`State::complete_index`]
//!    swaps its files in unless a newer build came first ([`State::finish`]
//!    does both at once).
//!
//! Git history and published versions are read once, with the first build
//! and again after a config or theme change: each rebuild attaches the same
//! history to the new model, and the `v/<tag>/` pages are rendered then.
//! Commits and tags made while serving show after a restart.
//!
//! A failed update returns its diagnostics and keeps the last good files.
//! `tests/suite/serve.rs` checks the result against a full build on random
//! edit sequences.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::watch::{self, Change};
use crate::BuildOptions;
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::history::{Annotations, Notice};
use crate::model::{self, Site};
use crate::parse::{self, ParsedPage};
use crate::render::theme::Theme;
use crate::render::{self, Content, OutputFile};
use crate::source::{self, FileKind, SourceFile};

/// Output path → bytes: a whole site in memory.
pub type Files = BTreeMap<String, Arc<[u8]>>;

/// A site built into memory, ready to take changes.
pub struct State {
    root: PathBuf,
    opts: BuildOptions,
    config: Config,
    config_diags: Vec<Diagnostic>,
    version: Option<String>,
    /// Every content file, in the order [`source::walk`] lists them.
    sources: Vec<SourceFile>,
    /// Problems listing or reading the content folder.
    load_diags: Vec<Diagnostic>,
    /// Markdown parse results by content path.
    parsed: HashMap<String, Parsed>,
    /// Bytes of content assets by absolute path, or why they could not be read.
    assets: HashMap<PathBuf, Result<Arc<[u8]>, Diagnostic>>,
    theme: Option<Theme>,
    theme_diags: Vec<Diagnostic>,
    /// Git history and published versions, once read.
    history: Option<History>,
    /// Of the last good build: each page's render by content path.
    pages: HashMap<String, PageOutput>,
    /// The last good build.
    files: Arc<Files>,
    /// The paths in `files` that are the search index, and the build it is of.
    index: Vec<String>,
    index_generation: u64,
    /// Counts good builds.
    generation: u64,
    /// The last good build's model, for the search index.
    site: Option<Arc<Site>>,
    page_count: usize,
    warnings: Diagnostics,
    /// The inputs changed since the last good build and did not build.
    failed: bool,
}

/// What [`crate::versioned`] found, kept between rebuilds.
struct History {
    annotations: Option<Arc<Annotations>>,
    /// The `v/<tag>/` files.
    files: Vec<OutputFile>,
    diags: Vec<Diagnostic>,
    notices: Vec<Notice>,
}

struct Parsed {
    hash: u64,
    page: Option<ParsedPage>,
    diags: Vec<Diagnostic>,
}

struct PageOutput {
    fingerprint: Option<u64>,
    path: String,
    bytes: Arc<[u8]>,
}

/// What one update did.
#[derive(Debug, Default)]
pub struct Update {
    /// Output paths added, changed or removed, sorted.
    pub changed: Vec<String>,
    /// Pages rendered again; the others kept their bytes.
    pub rendered: usize,
    /// Pages in the site.
    pub pages: usize,
    /// Warnings of the new build.
    pub warnings: Diagnostics,
    /// Time spent per step, in order.
    pub timings: Vec<(&'static str, Duration)>,
    /// The search index is of an older build: see [`State::index_job`].
    pub index_pending: bool,
}

/// Building the search index of one build, on any thread.
pub struct IndexJob {
    site: Arc<Site>,
    generation: u64,
}

/// A built search index, for [`State::complete_index`].
pub struct IndexDone {
    files: Vec<OutputFile>,
    generation: u64,
}

impl IndexJob {
    pub fn run(self) -> IndexDone {
        IndexDone {
            files: render::search_index(&self.site),
            generation: self.generation,
        }
    }
}

impl State {
    /// Loads and builds the site at `root`. The state is usable even when
    /// the build fails: the next [`State::apply`] may fix it.
    pub fn new(root: &Path, opts: &BuildOptions) -> (State, Result<Update, Diagnostics>) {
        let mut state = State {
            root: root.to_path_buf(),
            opts: opts.clone(),
            config: Config::default(),
            config_diags: Vec::new(),
            version: None,
            sources: Vec::new(),
            load_diags: Vec::new(),
            parsed: HashMap::new(),
            assets: HashMap::new(),
            theme: None,
            theme_diags: Vec::new(),
            history: None,
            pages: HashMap::new(),
            files: Arc::new(Files::new()),
            index: Vec::new(),
            index_generation: 0,
            generation: 0,
            site: None,
            page_count: 0,
            warnings: Diagnostics::default(),
            failed: true,
        };
        let mut clock = Clock::start();
        state.reload();
        clock.lap("load");
        let result = state.rebuild(clock);
        (state, result)
    }

    /// Brings the build up to date with the files at `changed` (absolute, or
    /// relative to the site root). Paths the build does not read are ignored.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Update, Diagnostics> {
        let change = watch::classify(changed, &self.root, &self.config);
        self.apply_change(&change)
    }

    /// Like [`State::apply`], for an already classified change.
    pub fn apply_change(&mut self, change: &Change) -> Result<Update, Diagnostics> {
        let mut clock = Clock::start();
        let mut touched = false;
        if change.config {
            self.reload();
            touched = true;
        } else {
            if change.theme {
                self.load_theme();
                touched = true;
            }
            if !change.content.is_empty() {
                touched |= self.refresh(&change.content);
            }
        }
        clock.lap("load");
        if !touched && !self.failed {
            return Ok(Update {
                pages: self.page_count,
                warnings: self.warnings.clone(),
                timings: clock.laps,
                index_pending: self.index_generation != self.generation,
                ..Update::default()
            });
        }
        self.rebuild(clock)
    }

    /// The search index still to build for the last good build, if any.
    pub fn index_job(&self) -> Option<IndexJob> {
        let site = self.site.as_ref()?;
        (self.index_generation != self.generation).then(|| IndexJob {
            site: Arc::clone(site),
            generation: self.generation,
        })
    }

    /// Swaps in a search index; `None` when a newer build made it stale.
    pub fn complete_index(&mut self, done: IndexDone) -> Result<Option<Update>, Diagnostics> {
        if done.generation != self.generation || self.index_generation == self.generation {
            return Ok(None);
        }
        let old: HashSet<&str> = self.index.iter().map(String::as_str).collect();
        let mut all: Vec<OutputFile> = self
            .files
            .keys()
            .filter(|p| !old.contains(p.as_str()))
            .chain(done.files.iter().map(|f| &f.path))
            .map(|p| OutputFile {
                path: p.clone(),
                content: Content::Bytes(Vec::new()),
            })
            .collect();
        let mut diags = Diagnostics::default();
        render::check_collisions(&mut all, &mut diags);
        if diags.has_errors() {
            self.failed = true;
            return Err(diags.sorted());
        }
        let mut files: Files = self
            .files
            .iter()
            .filter(|(p, _)| !old.contains(p.as_str()))
            .map(|(p, b)| (p.clone(), Arc::clone(b)))
            .collect();
        let mut index = Vec::with_capacity(done.files.len());
        for f in done.files {
            index.push(f.path.clone());
            files.insert(f.path, bytes_of(f.content));
        }
        let changed = changed_paths(&self.files, &files);
        self.files = Arc::new(files);
        self.index = index;
        self.index_generation = self.generation;
        // Only the search index needs the model: give its memory back.
        if let Some(old) = self.site.take() {
            std::thread::spawn(move || drop(old));
        }
        Ok(Some(Update {
            changed,
            pages: self.page_count,
            warnings: self.warnings.clone(),
            ..Update::default()
        }))
    }

    /// Builds the pending search index here and now.
    pub fn finish(&mut self) -> Result<Option<Update>, Diagnostics> {
        match self.index_job() {
            Some(job) => self.complete_index(job.run()),
            None => Ok(None),
        }
    }

    /// The last good build: what to serve.
    pub fn files(&self) -> Arc<Files> {
        Arc::clone(&self.files)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Pages in the last good build.
    pub fn page_count(&self) -> usize {
        self.page_count
    }

    /// What to say once about the history: no git, a shallow clone.
    pub fn notices(&self) -> &[Notice] {
        self.history.as_ref().map_or(&[], |h| &h.notices)
    }

    /// Starts over: config, every content file, the theme.
    fn reload(&mut self) {
        let mut d = Diagnostics::default();
        self.config = Config::load(&self.root, &mut d);
        self.config_diags = d.items;
        self.parsed.clear();
        self.sources.clear();
        self.assets.clear();
        self.load_diags.clear();
        self.theme = None;
        self.history = None;
        if self.config_diags.iter().any(Diagnostic::is_error) {
            return;
        }
        self.version = crate::site_version(&self.root, &self.config);
        self.rescan();
        self.load_theme();
    }

    fn load_theme(&mut self) {
        // Versions render with the theme.
        self.history = None;
        let mut d = Diagnostics::default();
        self.theme = Theme::load(&self.root, &self.config.theme, &mut d);
        self.theme_diags = d.items;
    }

    /// Lists and reads the whole content folder again, parsing what changed.
    fn rescan(&mut self) -> bool {
        let mut d = Diagnostics::default();
        self.sources = source::walk(&self.root, &self.config.content_dir, &mut d);
        self.load_diags = d.items;
        let mut assets = HashMap::new();
        for s in self.sources.iter().filter(|s| s.kind == FileKind::Asset) {
            assets.insert(s.abs.clone(), read_asset(s));
        }
        self.assets = assets;
        let present: BTreeSet<&str> = self.sources.iter().map(|s| s.rel.as_str()).collect();
        self.parsed.retain(|rel, _| present.contains(rel.as_str()));
        let todo: Vec<&SourceFile> = self
            .sources
            .iter()
            .filter(|s| s.kind == FileKind::Markdown)
            .filter(|s| self.parsed.get(&s.rel).is_none_or(|p| p.hash != text_hash(&s.text)))
            .collect();
        let fresh = parse_all(&todo, &self.config);
        self.parsed.extend(fresh);
        true
    }

    /// Reads the content paths again; whether anything differs.
    fn refresh(&mut self, rels: &BTreeSet<String>) -> bool {
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
            let s = match source::read(&self.root, &self.config.content_dir, rel) {
                Ok(s) => s,
                Err(d) => {
                    changed |= self.remove(rel);
                    self.load_diags.push(d);
                    continue;
                }
            };
            let same = match self.position(rel) {
                Ok(i) => {
                    let same = self.sources[i].text == s.text;
                    self.sources[i] = s.clone();
                    same
                }
                Err(i) => {
                    self.sources.insert(i, s.clone());
                    false
                }
            };
            match s.kind {
                FileKind::Markdown => {
                    changed |= !same;
                    todo.push(s);
                }
                FileKind::Metric => changed |= !same,
                FileKind::Asset => {
                    let bytes = read_asset(&s);
                    let kept = matches!((self.assets.get(&s.abs), &bytes), (Some(Ok(a)), Ok(b)) if a == b);
                    changed |= !same || !kept;
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

    /// Resolves, fingerprints and renders what changed; swaps in the files.
    fn rebuild(&mut self, mut clock: Clock) -> Result<Update, Diagnostics> {
        match self.try_rebuild(&mut clock) {
            Ok(mut update) => {
                update.timings = clock.laps;
                self.failed = false;
                Ok(update)
            }
            Err(diags) => {
                self.failed = true;
                Err(diags.sorted())
            }
        }
    }

    fn try_rebuild(&mut self, clock: &mut Clock) -> Result<Update, Diagnostics> {
        let mut diags = Diagnostics::default();
        diags.extend(self.config_diags.iter().cloned());
        if diags.has_errors() {
            return Err(diags);
        }
        diags.extend(self.load_diags.iter().cloned());
        // The model takes the pages by value; copying ten thousand is worth two threads.
        let copies: Vec<(Vec<Diagnostic>, Option<ParsedPage>)> = self
            .sources
            .par_iter()
            .filter(|s| s.kind == FileKind::Markdown)
            .filter_map(|s| self.parsed.get(&s.rel))
            .map(|p| (p.diags.clone(), p.page.clone()))
            .collect();
        let mut parsed = Vec::with_capacity(copies.len());
        for (d, page) in copies {
            diags.extend(d);
            parsed.extend(page);
        }
        clock.lap("copy");
        let resolve_opts = match crate::resolve_options(&self.opts, &self.config) {
            Ok(r) => r,
            Err(d) => {
                diags.push(d);
                return Err(diags);
            }
        };
        let mut site = model::resolve(parsed, &self.sources, &self.config, &resolve_opts, &mut diags);
        clock.lap("resolve");
        diags.extend(self.theme_diags.iter().cloned());
        if self.theme.is_none() || diags.has_errors() {
            return Err(diags);
        }
        match &self.history {
            Some(h) => {
                site.history = h.annotations.clone();
                diags.extend(h.diags.iter().cloned());
            }
            None => {
                let mut d = Diagnostics::default();
                let prepared = crate::versioned::prepare(&self.root, &self.config, &resolve_opts, &mut site, &mut d);
                let notices = prepared.notices.clone();
                let files = crate::versioned::render(&self.root, &self.config, &self.opts, prepared, &mut d);
                diags.extend(d.items.iter().cloned());
                self.history = Some(History {
                    annotations: site.history.clone(),
                    files,
                    diags: d.items,
                    notices,
                });
                clock.lap("history");
            }
        }
        let Some(theme) = self.theme.as_mut() else {
            return Err(diags);
        };
        crate::set_globals(theme, &self.opts);
        render::set_globals(&site, theme, self.version.clone());
        let theme: &Theme = theme;
        let twin = theme.fingerprinter();
        let fingerprints: Vec<Option<u64>> = (0..site.pages.len())
            .into_par_iter()
            .map(|id| render::page(&site, &twin, id).ok().map(|f| content_hash(&f.content)))
            .collect();
        clock.lap("fingerprint");
        let paths: Vec<String> = site.pages.iter().map(|p| render::output_path(p.url())).collect();
        let dirty: Vec<usize> = (0..site.pages.len())
            .filter(|&id| {
                let kept = self.pages.get(&site.pages[id].parsed.rel);
                kept.is_none_or(|k| {
                    fingerprints[id].is_none() || k.fingerprint != fingerprints[id] || k.path != paths[id]
                })
            })
            .collect();
        let rendered: Vec<(usize, Result<OutputFile, Vec<Diagnostic>>)> = dirty
            .par_iter()
            .map(|&id| (id, render::page(&site, theme, id)))
            .collect();
        clock.lap("render");
        let mut fresh: HashMap<usize, Arc<[u8]>> = HashMap::with_capacity(rendered.len());
        for (id, r) in rendered {
            match r {
                Ok(f) => {
                    fresh.insert(id, bytes_of(f.content));
                }
                Err(d) => diags.extend(d),
            }
        }
        let mut all: Vec<OutputFile> = paths
            .iter()
            .map(|p| OutputFile {
                path: p.clone(),
                content: Content::Bytes(Vec::new()),
            })
            .collect();
        all.extend(render::site_files(&site, theme, &mut diags));
        // The search index of the last build stays until its successor is built.
        all.extend(self.index.iter().map(|p| OutputFile {
            path: p.clone(),
            content: Content::Bytes(Vec::new()),
        }));
        clock.lap("site files");
        render::check_collisions(&mut all, &mut diags);
        if diags.has_errors() {
            return Err(diags);
        }
        let update = self.swap_in(&site, fingerprints, paths, fresh, all, &mut diags)?;
        self.generation += 1;
        // Freeing ten thousand pages takes a while: not on the way to the browser.
        let old = self.site.replace(Arc::new(site));
        std::thread::spawn(move || drop(old));
        clock.lap("assemble");
        Ok(Update {
            warnings: diags.sorted(),
            index_pending: true,
            ..update
        })
    }

    /// Puts the new build in place of the last good one.
    fn swap_in(
        &mut self,
        site: &Site,
        fingerprints: Vec<Option<u64>>,
        paths: Vec<String>,
        mut fresh: HashMap<usize, Arc<[u8]>>,
        all: Vec<OutputFile>,
        diags: &mut Diagnostics,
    ) -> Result<Update, Diagnostics> {
        let rendered = fresh.len();
        let mut pages = HashMap::with_capacity(site.pages.len());
        let mut by_path: HashMap<String, Arc<[u8]>> = HashMap::with_capacity(site.pages.len());
        for (id, (fingerprint, path)) in fingerprints.into_iter().zip(paths).enumerate() {
            let rel = &site.pages[id].parsed.rel;
            let bytes = match fresh.remove(&id) {
                Some(b) => b,
                None => Arc::clone(
                    &self
                        .pages
                        .get(rel)
                        .expect("pages without a kept render are all rendered")
                        .bytes,
                ),
            };
            by_path.insert(path.clone(), Arc::clone(&bytes));
            pages.insert(
                rel.clone(),
                PageOutput {
                    fingerprint,
                    path,
                    bytes,
                },
            );
        }
        let index: HashSet<&str> = self.index.iter().map(String::as_str).collect();
        let mut files = Files::new();
        let versions = self.history.as_ref().map(|h| h.files.clone()).unwrap_or_default();
        // As the build does: appended after the collision check.
        for f in all.into_iter().chain(versions) {
            let bytes = match (by_path.get(&f.path), f.content) {
                (Some(b), _) => Arc::clone(b),
                (None, _) if index.contains(f.path.as_str()) => Arc::clone(&self.files[&f.path]),
                (None, Content::Bytes(b)) => Arc::from(b),
                (None, Content::Copy(abs)) => match self.assets.get(&abs) {
                    Some(Ok(b)) => Arc::clone(b),
                    Some(Err(d)) => {
                        diags.push(d.clone());
                        continue;
                    }
                    None => match std::fs::read(&abs) {
                        Ok(b) => Arc::from(b),
                        Err(e) => {
                            diags.push(crate::diag::io_error("read", &abs, &e));
                            continue;
                        }
                    },
                },
            };
            files.insert(f.path, bytes);
        }
        if diags.has_errors() {
            return Err(std::mem::take(diags));
        }
        let changed = changed_paths(&self.files, &files);
        self.files = Arc::new(files);
        let old = std::mem::replace(&mut self.pages, pages);
        std::thread::spawn(move || drop(old));
        self.page_count = site.pages.len();
        self.warnings = diags.clone().sorted();
        Ok(Update {
            changed,
            rendered,
            pages: site.pages.len(),
            ..Update::default()
        })
    }
}

/// Parses in parallel, keyed by content path.
fn parse_all(sources: &[&SourceFile], config: &Config) -> Vec<(String, Parsed)> {
    sources
        .par_iter()
        .map(|s| {
            let mut diags = Vec::new();
            let page = parse::page(s, config, &mut diags);
            (
                s.rel.clone(),
                Parsed {
                    hash: text_hash(&s.text),
                    page,
                    diags,
                },
            )
        })
        .collect()
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

fn content_hash(content: &Content) -> u64 {
    let mut h = DefaultHasher::new();
    match content {
        Content::Bytes(b) => b.hash(&mut h),
        Content::Copy(p) => p.hash(&mut h),
    }
    h.finish()
}

fn bytes_of(content: Content) -> Arc<[u8]> {
    match content {
        Content::Bytes(b) => Arc::from(b),
        // Pages are always rendered text.
        Content::Copy(p) => Arc::from(std::fs::read(p).unwrap_or_default()),
    }
}

/// Paths whose bytes differ between two builds, or that only one has.
fn changed_paths(old: &Files, new: &Files) -> Vec<String> {
    let mut out: Vec<String> = new
        .iter()
        .filter(|(p, b)| old.get(*p).is_none_or(|o| !Arc::ptr_eq(o, b) && o != *b))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
    out.sort();
    out
}

/// Laps of one update, for the terminal and the benchmark.
struct Clock {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_paths_are_the_symmetric_difference_by_bytes() {
        let a: Arc<[u8]> = Arc::from(&b"a"[..]);
        let old: Files = [
            ("x".to_string(), Arc::clone(&a)),
            ("y".to_string(), Arc::from(&b"y"[..])),
        ]
        .into();
        let new: Files = [("x".to_string(), Arc::from(&b"a"[..])), ("z".to_string(), a)].into();
        assert_eq!(changed_paths(&old, &new), ["y", "z"]);
    }
}
