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
//! 2. parses again only Markdown files whose text changed; when the change
//!    is one page's own prose, serves that page at once, rendered from the
//!    last good build with the new parse swapped in (`state/early.rs`);
//! 3. resolves the whole site again: cheap next to parsing and rendering, and
//!    it makes every cross-page fact (sections, navigation, ownership,
//!    register, links, metrics) exactly what a full build computes;
//! 4. hands the new build's pages to the server ([`Preview`]): each is
//!    rendered when first asked for, the saved pages at once, so the page
//!    being edited is in the browser before the steps below are done
//!    (`serve/fresh.rs`), and a page served at step 2 is checked against
//!    its render here. A newer change waiting ([`State::cut_short_on`])
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
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

pub use super::files::Files;
use super::files::{Dictionary, Held, InOrder, Packing, changed_paths};
use super::fresh::Preview;
use super::inputs::Inputs;
use super::published::Published;
use super::watch::{self, Change};
use crate::BuildOptions;
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::history::Notice;
use crate::model::Site;
use crate::pipeline::{self, Settings};
use crate::render;
use crate::render::theme::Theme;
pub use early::Early;
use rebuild::Clock;

mod early;
mod rebuild;

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
    /// The last good build's model, for its search index and to show an
    /// edit early (`state/early.rs`).
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
    /// The page the current update showed before its rebuild.
    early: Option<early::Shown>,
    /// What pages are packed against, from the first good build on.
    dictionary: Option<Dictionary>,
}

struct PageOutput {
    fingerprint: Option<u64>,
    path: String,
    bytes: Held,
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
    /// The saved page was shown before the rebuild: see [`Early`].
    pub early: Option<Early>,
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
    files: InOrder,
    generation: u64,
}

impl IndexJob {
    pub fn run(self) -> IndexDone {
        let files = Packing::default();
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
            early: None,
            dictionary: None,
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
        let early = if touched { None } else { self.early_candidate(change) };
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
        if touched
            && let Some((rel, before)) = early
            && self.show_early(&rel, &before, &clock)
        {
            clock.lap("early");
        }
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
        let all = (self.files.keys().filter(|p| !old.contains(p.as_str()))).chain(done.files.iter().map(|(p, _)| p));
        let mut diags = Diagnostics::default();
        render::check_collisions(all, &mut diags);
        if diags.has_errors() {
            self.failed = true;
            return Err(diags.sorted());
        }
        let mut files: Files = self
            .files
            .iter()
            .filter(|(p, _)| !old.contains(p.as_str()))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        let mut index = Vec::with_capacity(done.files.len());
        for (path, bytes) in done.files {
            index.push(path.clone());
            files.insert(path, bytes);
        }
        let changed = changed_paths(&self.files, &files);
        self.files = Arc::new(files);
        self.index = index;
        self.index_generation = self.generation;
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
}
