//! An update's steps 3–6 (see the parent module): the model, the preview,
//! fingerprints, the pages that changed, the site files and the swap.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::{Early, Files, PageOutput, State, Update};
use crate::diag::Diagnostics;
use crate::model::Site;
use crate::pipeline;
use crate::render::sidebar::Trees;
use crate::render::theme::Theme;
use crate::render::{self, Content, Render};
use crate::serve::files::{Dictionary, Held, InOrder, changed_paths, materialize};
use crate::serve::fresh::{Fresh, Preview};
use crate::serve::published::Published;

impl State {
    /// Resolves, fingerprints and renders what changed; swaps in the files.
    /// `edited`: the content files this change touched, whose pages the
    /// preview renders at once.
    pub(super) fn rebuild(&mut self, mut clock: Clock, edited: &BTreeSet<String>) -> Result<Update, Diagnostics> {
        // Past the early show, the last model is only for its search index
        // if that is behind: not held beside the new one otherwise.
        if self.index_generation == self.generation
            && let Some(old) = self.site.take()
        {
            std::thread::spawn(move || drop(old));
        }
        let result = self.try_rebuild(&mut clock, edited);
        self.announced.clear();
        let early = self.early.take();
        match result {
            Ok(mut update) => {
                update.timings = clock.laps;
                update.early = early.map(|s| match s.differed {
                    false => Early::Shown(s.after),
                    true => Early::Differed,
                });
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
        let fresh = self.model(clock, &mut diags)?;
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
        let Some(fingerprints) = self.fingerprints(&fresh) else {
            return Ok(self.cut_short());
        };
        clock.lap("fingerprint");
        let site = fresh.site();
        let paths: Vec<String> = site.pages.iter().map(|p| render::output_path(p.url())).collect();
        let made = self.render_changed(&fresh, &fingerprints, &paths, &mut diags);
        clock.lap("render");
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
        let all = (paths.iter())
            .chain(site_files.iter().map(|(p, _)| p))
            // The search index of the last build stays until its successor is built.
            .chain(&self.index);
        render::check_collisions(all, &mut diags);
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

    /// Step 3: the parsed site copied and resolved, with its
    /// history, computed metrics and template globals, ready to render.
    fn model(&mut self, clock: &mut Clock, diags: &mut Diagnostics) -> Result<Arc<Fresh>, Diagnostics> {
        let inputs = &self.inputs;
        diags.extend(inputs.config_diags.iter().cloned());
        if diags.has_errors() {
            return Err(std::mem::take(diags));
        }
        diags.extend(inputs.load_diags.iter().cloned());
        let parsed = inputs.parsed(diags);
        clock.lap("copy");
        let settings = match &self.settings {
            Ok(s) => s,
            Err(d) => {
                diags.extend(d.iter().cloned());
                return Err(std::mem::take(diags));
            }
        };
        let mut site = pipeline::resolve(parsed, &inputs.config, settings, diags);
        diags.extend(site.empty.clone());
        clock.lap("resolve");
        diags.extend(self.theme_diags.iter().cloned());
        let Some(shared_theme) = self.theme.as_mut() else {
            return Err(std::mem::take(diags));
        };
        // The last preview may still be serving the theme: copied only then.
        let theme = Arc::make_mut(shared_theme);
        pipeline::theme_claims(&site, theme, diags);
        if diags.has_errors() {
            return Err(std::mem::take(diags));
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
        pipeline::computed_metrics(&mut site, history, diags);
        diags.extend(published.diags.iter().cloned());
        let r = Render {
            site: &site,
            history: annotations.as_ref(),
        };
        pipeline::set_globals(r, theme, settings, self.version.clone());
        let dictionary = (self.dictionary).get_or_insert_with(|| sample(r, theme)).clone();
        let before = self.pages.values().map(|k| k.path.as_str());
        Ok(Arc::new(Fresh::new(
            Arc::new(site),
            annotations,
            Arc::clone(shared_theme),
            before,
            dictionary,
        )))
    }

    /// Step 5: every page's fingerprint (`None` where its render fails);
    /// `None` when a newer change came first.
    fn fingerprints(&self, fresh: &Fresh) -> Option<Vec<Option<u64>>> {
        let (site, r, trees) = (fresh.site(), fresh.render(), fresh.trees());
        let twin = fresh.theme().fingerprinter();
        let newer = self.newer.as_deref();
        (0..site.pages.len())
            .into_par_iter()
            .map(|id| {
                let fingerprint = || render::page(r, &twin, trees, id).ok().map(|f| content_hash(&f.content));
                (!waits(newer)).then(fingerprint)
            })
            .collect()
    }

    /// The bytes of every page whose fingerprint or output path changed,
    /// taking the preview's renders: by page id.
    fn render_changed(
        &self,
        fresh: &Fresh,
        fingerprints: &[Option<u64>],
        paths: &[String],
        diags: &mut Diagnostics,
    ) -> HashMap<usize, Held> {
        let site = fresh.site();
        let dirty: Vec<usize> = (0..site.pages.len())
            .filter(|&id| {
                let kept = self.pages.get(&site.pages[id].parsed.rel);
                kept.is_none_or(|k| {
                    fingerprints[id].is_none() || k.fingerprint != fingerprints[id] || k.path != paths[id]
                })
            })
            .collect();
        let rendered: Vec<_> = dirty.par_iter().map(|&id| (id, fresh.page_or_errors(id))).collect();
        let mut made = HashMap::with_capacity(rendered.len());
        for (id, r) in rendered {
            match r {
                Ok(bytes) => {
                    made.insert(id, bytes);
                }
                Err(d) => diags.extend(d),
            }
        }
        made
    }

    fn newer_waits(&self) -> bool {
        waits(self.newer.as_deref())
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

    /// The files besides the pages, in path order.
    fn site_files(&self, fresh: &Fresh, diags: &mut Diagnostics) -> InOrder {
        let files = render::sink::Memory::default();
        pipeline::site_files(fresh.render(), fresh.theme(), &files, diags);
        materialize(files.into_files(), &self.inputs.assets, diags)
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
        let mut reload = false;
        let files = match site_files {
            Some(site_files) => {
                let versions = self.history.iter().flat_map(|h| &h.files);
                let files: Files = site_files.iter().chain(versions).cloned().collect();
                self.announced = files.keys().cloned().collect();
                let pages = fresh.site().pages.iter().map(|p| render::output_path(p.url()));
                self.announced.extend(pages);
                reload = !self.announced.is_empty();
                Arc::new(files)
            }
            None => {
                for (id, p) in fresh.site().pages.iter().enumerate() {
                    if !edited.contains(&p.parsed.rel) {
                        continue;
                    }
                    let path = render::output_path(p.url());
                    let Some(bytes) = fresh.page(id) else { continue };
                    // The page shown early is checked against its render.
                    let early = self.early.as_mut().filter(|s| s.path == path);
                    let shown = early.as_ref().map_or(self.files.get(&path), |s| Some(&s.bytes));
                    let differs = shown.is_none_or(|old| *old != bytes);
                    if let Some(s) = early {
                        s.differed = differs;
                    } else if !differs {
                        continue;
                    }
                    reload |= differs;
                    self.announced.insert(path);
                }
                Arc::clone(&self.files)
            }
        };
        hook(Preview {
            files,
            fresh: Some(Arc::clone(fresh)),
            reload,
        });
    }

    /// Puts the new build in place of the last good one.
    fn swap_in(
        &mut self,
        site: &Site,
        fingerprints: Vec<Option<u64>>,
        paths: Vec<String>,
        mut made: HashMap<usize, Held>,
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
                None => self
                    .pages
                    .get(rel)
                    .expect("pages without a kept render are all rendered")
                    .bytes
                    .clone(),
            };
            files.insert(path.clone(), bytes.clone());
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
            files.insert(path.clone(), self.files[path].clone());
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

/// What every page of the session is packed against, from its first
/// resolved build: a page of the largest section, whose navigation most
/// pages share.
fn sample(r: Render<'_>, theme: &Theme) -> Dictionary {
    let site = r.site;
    let leaf = (site.pages.iter().filter(|p| p.is_section()))
        .max_by_key(|p| p.children.len())
        .and_then(|s| s.children.iter().copied().find(|&c| !site.pages[c].is_section()));
    let bytes = leaf
        .and_then(|id| render::page(r, theme, &Trees::new(site), id).ok())
        .and_then(|f| match f.content {
            Content::Bytes(b) => Some(b),
            Content::Copy(_) => None,
        });
    Dictionary::new(&bytes.unwrap_or_default())
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
pub(super) struct Clock {
    last: Instant,
    pub(super) laps: Vec<(&'static str, Duration)>,
}

impl Clock {
    pub(super) fn start() -> Clock {
        Clock {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    /// Since the clock started.
    pub(super) fn elapsed(&self) -> Duration {
        self.laps.iter().map(|(_, d)| *d).sum::<Duration>() + self.last.elapsed()
    }

    pub(super) fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }
}
