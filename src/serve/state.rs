//! The incremental engine behind `casebook serve`: a site built into memory,
//! kept up to date file change by file change, always equal to what
//! [`crate::build`] would produce from the same files.
//!
//! What is kept between changes: the sources (`serve/inputs.rs`: every
//! content file, each Markdown file's parse result keyed by a hash of its
//! text, asset bytes), the theme, and for each page of the last good build
//! the fingerprint of what its render saw and the bytes it produced.
//!
//! An update, [`State::apply`]:
//! 1. classifies the changed paths ([`super::watch::classify`]): the config
//!    starts everything over; a theme file reloads the theme; content paths
//!    are read again (a folder, or anything odd, rescans the content folder);
//! 2. parses again only Markdown files whose text changed;
//! 3. resolves the whole site again: cheap next to parsing and rendering, and
//!    it makes every cross-page fact (sections, navigation, ownership,
//!    register, links, metrics) exactly what a full build computes;
//! 4. hands the new build's pages to the server ([`Preview`]): each is
//!    rendered when first asked for, the saved pages at once, so the page
//!    being edited is in the browser before the steps below are done
//!    (`serve/fresh.rs`). A newer change waiting ([`State::cut_short_on`])
//!    stops the update here or before any later step that takes long: the
//!    last good build stays, and the next update starts from it;
//! 5. fingerprints every page by rendering it with the theme's hashing twin
//!    ([`Theme::fingerprinter`]). The twin receives exactly what the real
//!    render would: the template names with the sources of every template
//!    they use, each context (page view, resolved body, component data) and
//!    the globals. Rendering is a pure function of those, so a page whose
//!    fingerprint and output path did not change would render to the same
//!    bytes and keeps them; the others render again, or take the preview's
//!    render;
//! 6. renders whole everything that is not one page's own
//!    ([`render::site_files`]: register, 404, redirects, sitemap, metric and
//!    history pages, statics, assets), checks collisions as the build does,
//!    and swaps in the new files; open pages reload only for what the
//!    preview did not already show;
//! 7. the search index, which reads every page's text and is the slowest
//!    output, comes second: [`State::index_job`] can run on another thread
//!    while the pages are already served, and [`State::complete_index`]
//!    swaps its files in unless a newer build came first ([`State::finish`]
//!    does both at once).
//!
//! Git history and published versions are read with the first build, and
//! again after a config or theme change or when a commit or tag is made:
//! re-reading every tag per save would cost a full build per tag. Each
//! rebuild asks git which files differ from `HEAD`; when those or latest's
//! pages change, which page is which across versions is worked out again
//! from the history already read, so "not yet committed" marks and the
//! version switcher's maps follow edits as a build shows them; the
//! `v/<tag>/` pages are of their tags alone and stay. They are rendered
//! after the preview: latest's pages need the versions read, not rendered.
//!
//! A failed update returns its diagnostics and keeps the last good files.
//! `tests/suite/serve.rs` checks the result against a full build on random
//! edit sequences.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

pub use super::files::Files;
use super::files::{InOrder, bytes_of, changed_paths, materialize};
use super::fresh::{Fresh, Preview};
use super::inputs::Inputs;
use super::published::Published;
use super::watch::{self, Change};
use crate::BuildOptions;
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::history::Notice;
use crate::model::Site;
use crate::pipeline::{self, Settings};
use crate::render::theme::Theme;
use crate::render::{self, Content, OutputFile, Render};

/// A site built into memory, ready to take changes.
pub struct State {
    opts: BuildOptions,
    inputs: Inputs,
    /// What the build is for, resolved from the config; `None` while the
    /// config has errors (they are in `inputs.config_diags`).
    settings: Result<Settings, Vec<Diagnostic>>,
    version: Option<String>,
    theme: Option<Arc<Theme>>,
    theme_diags: Vec<Diagnostic>,
    /// Git history and published versions, once read.
    history: Option<Published>,
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
    /// Where a rebuild shows its pages before it is done: see [`Preview`].
    on_preview: Option<Box<dyn FnMut(Preview) + Send>>,
    /// Output paths the current rebuild's preview already reloaded pages
    /// for, or served as they will be.
    announced: HashSet<String>,
    /// Set when a newer change is waiting: see [`State::cut_short_on`].
    newer: Option<Arc<AtomicBool>>,
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
    /// Open pages should reload: something changed that the preview did
    /// not already show.
    pub reload: bool,
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
    /// A newer change came while this one was worked out
    /// ([`State::cut_short_on`]): the rebuild stopped after its preview,
    /// and the files are still the last good build's.
    pub cut_short: bool,
}

/// Why [`State::follow_outside`] built again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outside {
    NewDay,
    Repository,
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
        let files = render::sink::Memory::default();
        pipeline::search_index(&self.site, &files);
        IndexDone {
            files: files.into_files(),
            generation: self.generation,
        }
    }
}

impl State {
    /// Loads and builds the site at `root`. The state is usable even when
    /// the build fails: the next [`State::apply`] may fix it.
    pub fn new(root: &Path, opts: &BuildOptions) -> (State, Result<Update, Diagnostics>) {
        State::start(root, opts, None)
    }

    /// Like [`State::new`], handing every rebuild's [`Preview`] to
    /// `on_preview` before the rebuild is done.
    pub fn start(
        root: &Path,
        opts: &BuildOptions,
        on_preview: Option<Box<dyn FnMut(Preview) + Send>>,
    ) -> (State, Result<Update, Diagnostics>) {
        let mut clock = Clock::start();
        let mut state = State {
            opts: opts.clone(),
            inputs: Inputs::load(root),
            settings: Err(Vec::new()),
            version: None,
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
            on_preview,
            announced: HashSet::new(),
            newer: None,
        };
        state.prepare();
        clock.lap("load");
        let result = state.rebuild(clock, &BTreeSet::new());
        (state, result)
    }

    /// Lets a rebuild stop after its preview once `newer` is set: the
    /// change that set it is applied next, and finishing this one would
    /// only hold up that change's preview. The flag is the caller's to
    /// clear when it takes up the newer change.
    pub fn cut_short_on(&mut self, newer: Arc<AtomicBool>) {
        self.newer = Some(newer);
    }

    fn newer_waits(&self) -> bool {
        waits(self.newer.as_deref())
    }

    /// Brings the build up to date with the files at `changed` (absolute, or
    /// relative to the site root). Paths the build does not read are ignored.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Update, Diagnostics> {
        let change = watch::classify(changed, &self.inputs.root, &self.inputs.config);
        self.apply_change(&change)
    }

    /// Like [`State::apply`], for an already classified change.
    pub fn apply_change(&mut self, change: &Change) -> Result<Update, Diagnostics> {
        let mut clock = Clock::start();
        let mut touched = self.new_day();
        if change.config {
            self.reload();
            touched = true;
        } else {
            if change.theme {
                self.load_theme();
                touched = true;
            }
            if !change.content.is_empty() {
                touched |= self.inputs.refresh(&change.content);
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
        self.rebuild(clock, &change.content)
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

    /// Builds again when something the sources do not show changed: the
    /// build day, when it follows the clock (no `--today`), so policy
    /// statuses move with the calendar; or the repository, by a commit, a
    /// tag, or a file reverted to or moved away from its committed text.
    /// `None` when neither did.
    pub fn follow_outside(&mut self) -> Option<(Outside, Result<Update, Diagnostics>)> {
        let why = if self.new_day() {
            Outside::NewDay
        } else if self.repository_moved() {
            Outside::Repository
        } else {
            return None;
        };
        Some((why, self.rebuild(Clock::start(), &BTreeSet::new())))
    }

    fn repository_moved(&self) -> bool {
        self.history.as_ref().is_some_and(|p| {
            p.history
                .as_ref()
                .is_some_and(|h| h.is_stale() || h.edited() != p.edited)
        })
    }

    /// Moves the settings to the clock's day; whether it changed.
    fn new_day(&mut self) -> bool {
        let Ok(settings) = self.settings.as_mut() else {
            return false;
        };
        let today = crate::clock::today(&settings.config.timezone);
        if self.opts.today.is_some() || today == settings.resolve.today {
            return false;
        }
        settings.resolve.today = today;
        // Versions are resolved for a day too.
        self.history = None;
        true
    }

    /// The last good build: what to serve.
    pub fn files(&self) -> Arc<Files> {
        Arc::clone(&self.files)
    }

    pub fn config(&self) -> &Config {
        &self.inputs.config
    }

    pub fn root(&self) -> &Path {
        &self.inputs.root
    }

    /// Pages in the last good build.
    pub fn page_count(&self) -> usize {
        self.page_count
    }

    /// What to say once about the history: no git, a shallow clone.
    pub fn notices(&self) -> &[Notice] {
        self.history.as_ref().map_or(&[], |h| &h.notices)
    }

    /// What the last good build says once about the content (template text…).
    pub fn site_notes(&self) -> &[Notice] {
        self.site.as_ref().map_or(&[], |s| &s.notes)
    }

    /// Starts over: config, every content file, the theme.
    fn reload(&mut self) {
        self.inputs = Inputs::load(&self.inputs.root);
        self.prepare();
    }

    /// The settings, theme and version for freshly loaded inputs.
    fn prepare(&mut self) {
        self.theme = None;
        self.history = None;
        if self.inputs.config_diags.iter().any(Diagnostic::is_error) {
            return;
        }
        let mut d = Diagnostics::default();
        self.settings = Settings::resolve(self.inputs.config.clone(), &self.opts, &mut d).ok_or(d.items);
        self.load_theme();
    }

    fn load_theme(&mut self) {
        // Versions render with the theme.
        self.history = None;
        let mut d = Diagnostics::default();
        self.theme = Theme::load(&self.inputs.root, &self.inputs.config, &mut d).map(Arc::new);
        self.theme_diags = d.items;
    }

    /// Resolves, fingerprints and renders what changed; swaps in the files.
    /// `edited`: the content files this change touched, whose pages the
    /// preview renders at once.
    fn rebuild(&mut self, mut clock: Clock, edited: &BTreeSet<String>) -> Result<Update, Diagnostics> {
        let result = self.try_rebuild(&mut clock, edited);
        self.announced.clear();
        match result {
            Ok(mut update) => {
                update.timings = clock.laps;
                // Cut short, the last good build is behind its inputs.
                self.failed = update.cut_short;
                Ok(update)
            }
            Err(diags) => {
                self.failed = true;
                Err(diags.sorted())
            }
        }
    }

    fn try_rebuild(&mut self, clock: &mut Clock, edited: &BTreeSet<String>) -> Result<Update, Diagnostics> {
        let mut diags = Diagnostics::default();
        let inputs = &self.inputs;
        diags.extend(inputs.config_diags.iter().cloned());
        if diags.has_errors() {
            return Err(diags);
        }
        diags.extend(inputs.load_diags.iter().cloned());
        let parsed = inputs.parsed(&mut diags);
        clock.lap("copy");
        let settings = match &self.settings {
            Ok(s) => s,
            Err(d) => {
                diags.extend(d.iter().cloned());
                return Err(diags);
            }
        };
        let mut site = pipeline::resolve(parsed, &inputs.config, settings, &mut diags);
        diags.extend(site.empty.clone());
        clock.lap("resolve");
        diags.extend(self.theme_diags.iter().cloned());
        let Some(shared_theme) = self.theme.as_mut() else {
            return Err(diags);
        };
        // The last preview may still be serving the theme: copied only then.
        let theme = Arc::make_mut(shared_theme);
        pipeline::theme_claims(&site, theme, &mut diags);
        if diags.has_errors() {
            return Err(diags);
        }
        if self
            .history
            .as_ref()
            .is_some_and(|p| p.history.as_ref().is_some_and(|h| h.is_stale()))
        {
            self.history = None;
        }
        match self.history.as_mut() {
            None => {
                // `git describe` moves with commits and tags.
                self.version = pipeline::site_version(&inputs.root, &inputs.config);
                let (published, latest) = Published::read(&inputs.root, settings, site);
                self.history = Some(published);
                site = latest;
            }
            Some(published) => published.follow(settings, &site),
        }
        clock.lap("history");
        let published = self.history.as_ref().expect("read just above");
        let annotations = published.annotations();
        let history = annotations.as_ref().map(|a| &*a.set.history);
        pipeline::computed_metrics(&mut site, history, &mut diags);
        diags.extend(published.diags.iter().cloned());
        let r = Render {
            site: &site,
            history: annotations.as_ref(),
        };
        pipeline::set_globals(r, theme, settings, self.version.clone());
        let before = self.pages.values().map(|k| k.path.as_str());
        let fresh = Arc::new(Fresh::new(
            Arc::new(site),
            annotations,
            Arc::clone(shared_theme),
            before,
        ));
        // The first build has nothing to show meanwhile: its site files
        // (stylesheets, the register…) come before the preview.
        let mut site_files = None;
        if self.files.is_empty() && self.on_preview.is_some() {
            site_files = Some(self.site_files(&fresh, &mut diags));
            clock.lap("site files");
        }
        self.preview(&fresh, edited, site_files.as_ref());
        clock.lap("preview");
        if self.newer_waits() {
            return Ok(self.cut_short());
        }
        if let (Ok(settings), Some(published)) = (&self.settings, self.history.as_mut()) {
            published.render(settings, fresh.theme());
            diags.extend(published.render_diags.iter().cloned());
        }
        clock.lap("versions");
        let (site, r, theme, trees) = (fresh.site(), fresh.render(), fresh.theme(), fresh.trees());
        let twin = theme.fingerprinter();
        let newer = self.newer.as_deref();
        let fingerprinted: Option<Vec<Option<u64>>> = (0..site.pages.len())
            .into_par_iter()
            .map(|id| {
                let fingerprint = || render::page(r, &twin, trees, id).ok().map(|f| content_hash(&f.content));
                (!waits(newer)).then(fingerprint)
            })
            .collect();
        let Some(fingerprints) = fingerprinted else {
            return Ok(self.cut_short());
        };
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
        let rendered: Vec<_> = dirty.par_iter().map(|&id| (id, fresh.page_or_errors(id))).collect();
        clock.lap("render");
        let mut made: HashMap<usize, Arc<[u8]>> = HashMap::with_capacity(rendered.len());
        for (id, r) in rendered {
            match r {
                Ok(bytes) => {
                    made.insert(id, bytes);
                }
                Err(d) => diags.extend(d),
            }
        }
        // The site files take seconds with page histories: a newer change
        // goes first.
        if site_files.is_none() && self.newer_waits() {
            return Ok(self.cut_short());
        }
        let site_files = match site_files {
            Some(f) => f,
            None => {
                let f = self.site_files(&fresh, &mut diags);
                clock.lap("site files");
                f
            }
        };
        // Paths only, to find two files at one.
        let mut all: Vec<OutputFile> = (paths.iter())
            .chain(site_files.iter().map(|(p, _)| p))
            // The search index of the last build stays until its successor is built.
            .chain(&self.index)
            .map(|p| OutputFile {
                path: p.clone(),
                content: Content::Bytes(Vec::new()),
            })
            .collect();
        render::check_collisions(&mut all, &mut diags);
        if diags.has_errors() {
            return Err(diags);
        }
        let update = self.swap_in(site, fingerprints, paths, made, site_files, &mut diags)?;
        self.generation += 1;
        // Freeing ten thousand pages takes a while: not on the way to the browser.
        let old = self.site.replace(Arc::clone(site));
        std::thread::spawn(move || drop(old));
        clock.lap("assemble");
        Ok(Update {
            warnings: diags.sorted(),
            index_pending: true,
            ..update
        })
    }

    /// A rebuild stopped for a newer change.
    fn cut_short(&self) -> Update {
        Update {
            pages: self.page_count,
            warnings: self.warnings.clone(),
            index_pending: self.index_generation != self.generation,
            cut_short: true,
            ..Update::default()
        }
    }

    /// The files besides the pages, in the order the build makes them.
    fn site_files(&self, fresh: &Fresh, diags: &mut Diagnostics) -> InOrder {
        let files = pipeline::site_files(fresh.render(), fresh.theme(), diags);
        materialize(files, &self.inputs.assets, diags)
    }

    /// Hands the new build's pages to the server before the rebuild has
    /// worked out what else changed: over the last good build's files,
    /// with the pages of `edited` rendered at once to know whether open
    /// pages should reload; for the first build, over its site files and
    /// versions, which is then the whole site.
    fn preview(&mut self, fresh: &Arc<Fresh>, edited: &BTreeSet<String>, site_files: Option<&InOrder>) {
        let Some(hook) = self.on_preview.as_mut() else {
            return;
        };
        let files = match site_files {
            Some(site_files) => {
                let versions = self.history.iter().flat_map(|h| &h.files);
                let files: Files = site_files.iter().chain(versions).cloned().collect();
                self.announced = files.keys().cloned().collect();
                let pages = fresh.site().pages.iter().map(|p| render::output_path(p.url()));
                self.announced.extend(pages);
                Arc::new(files)
            }
            None => {
                for (id, p) in fresh.site().pages.iter().enumerate() {
                    if !edited.contains(&p.parsed.rel) {
                        continue;
                    }
                    let path = render::output_path(p.url());
                    if let Some(bytes) = fresh.page(id)
                        && self.files.get(&path).is_none_or(|old| **old != *bytes)
                    {
                        self.announced.insert(path);
                    }
                }
                Arc::clone(&self.files)
            }
        };
        hook(Preview {
            files,
            fresh: Arc::clone(fresh),
            reload: !self.announced.is_empty(),
        });
    }

    /// Puts the new build in place of the last good one.
    fn swap_in(
        &mut self,
        site: &Site,
        fingerprints: Vec<Option<u64>>,
        paths: Vec<String>,
        mut made: HashMap<usize, Arc<[u8]>>,
        site_files: InOrder,
        diags: &mut Diagnostics,
    ) -> Result<Update, Diagnostics> {
        let rendered = made.len();
        let mut pages = HashMap::with_capacity(site.pages.len());
        let mut files = Files::new();
        for (id, (fingerprint, path)) in fingerprints.into_iter().zip(paths).enumerate() {
            let rel = &site.pages[id].parsed.rel;
            let bytes = match made.remove(&id) {
                Some(b) => b,
                None => Arc::clone(
                    &self
                        .pages
                        .get(rel)
                        .expect("pages without a kept render are all rendered")
                        .bytes,
                ),
            };
            files.insert(path.clone(), Arc::clone(&bytes));
            pages.insert(
                rel.clone(),
                PageOutput {
                    fingerprint,
                    path,
                    bytes,
                },
            );
        }
        files.extend(site_files);
        for path in &self.index {
            files.insert(path.clone(), Arc::clone(&self.files[path]));
        }
        // As the build does: after the collision check.
        files.extend(self.history.iter().flat_map(|h| h.files.iter().cloned()));
        if diags.has_errors() {
            return Err(std::mem::take(diags));
        }
        let changed = changed_paths(&self.files, &files);
        let reload = changed.iter().any(|p| !self.announced.contains(p));
        self.files = Arc::new(files);
        let old = std::mem::replace(&mut self.pages, pages);
        std::thread::spawn(move || drop(old));
        self.page_count = site.pages.len();
        self.warnings = diags.clone().sorted();
        Ok(Update {
            changed,
            reload,
            rendered,
            pages: site.pages.len(),
            ..Update::default()
        })
    }
}

fn waits(newer: Option<&AtomicBool>) -> bool {
    newer.is_some_and(|n| n.load(Ordering::Relaxed))
}

fn content_hash(content: &Content) -> u64 {
    let mut h = DefaultHasher::new();
    match content {
        Content::Bytes(b) => b.hash(&mut h),
        Content::Copy(p) => p.hash(&mut h),
    }
    h.finish()
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
