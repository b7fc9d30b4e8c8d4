//! A build's pages before the rebuild has worked out which of them changed:
//! served as soon as the site is resolved, each page rendered when it is
//! first asked for (and kept), so the page just saved is in the browser
//! while the rest of the rebuild goes on.
//!
//! A page's render is a pure function of the resolved site, the theme and
//! the page, so what [`Fresh::get`] hands out is byte for byte what the
//! finished rebuild serves for that path; the rebuild takes these renders
//! over instead of making them again.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use super::files::{Dictionary, Files, Held, held_page};
use crate::diag::Diagnostic;
use crate::history::Annotations;
use crate::model::{PageId, Site};
use crate::render::sidebar::Trees;
use crate::render::theme::Theme;
use crate::render::{self, Render};

pub struct Fresh {
    site: Arc<Site>,
    annotations: Option<Annotations>,
    theme: Arc<Theme>,
    trees: Trees,
    dictionary: Dictionary,
    /// Output path → page.
    by_path: HashMap<String, PageId>,
    /// Pages of the last good build that this one no longer has.
    gone: HashSet<String>,
    /// Each page's render once made; `None` when it failed, which the
    /// rebuild reports. Packed: the first build makes every page here.
    made: Vec<OnceLock<Option<Held>>>,
}

impl Fresh {
    /// `before`: the output paths of the last good build's pages; pages
    /// are packed against `dictionary`.
    pub fn new<'a>(
        site: Arc<Site>,
        annotations: Option<Annotations>,
        theme: Arc<Theme>,
        before: impl Iterator<Item = &'a str>,
        dictionary: Dictionary,
    ) -> Fresh {
        let by_path: HashMap<String, PageId> = (site.pages.iter().enumerate())
            .map(|(id, p)| (render::output_path(p.url()), id))
            .collect();
        let gone = before
            .filter(|p| !by_path.contains_key(*p))
            .map(str::to_string)
            .collect();
        Fresh {
            gone,
            trees: Trees::new(&site),
            made: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
            site,
            annotations,
            theme,
            by_path,
            dictionary,
        }
    }

    pub fn render(&self) -> Render<'_> {
        Render {
            site: &self.site,
            history: self.annotations.as_ref(),
        }
    }

    pub fn site(&self) -> &Arc<Site> {
        &self.site
    }

    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    pub fn trees(&self) -> &Trees {
        &self.trees
    }

    /// Whether `path` is one of this build's pages.
    pub fn has(&self, path: &str) -> bool {
        self.by_path.contains_key(path)
    }

    /// The output paths of this build's pages.
    pub fn pages(&self) -> impl Iterator<Item = &str> {
        self.by_path.keys().map(String::as_str)
    }

    /// Whether `path` was a page of the last good build and is not one now.
    pub fn gone(&self, path: &str) -> bool {
        self.gone.contains(path)
    }

    /// The page at output path `path`, rendered now if it was not yet.
    pub fn get(&self, path: &str) -> Option<Held> {
        self.page(*self.by_path.get(path)?)
    }

    /// Page `id`, rendered now if it was not yet; `None` if it fails.
    pub fn page(&self, id: PageId) -> Option<Held> {
        self.made[id].get_or_init(|| self.make(id).ok()).clone()
    }

    /// Page `id` as the rebuild needs it: its render, or why it fails.
    pub fn page_or_errors(&self, id: PageId) -> Result<Held, Vec<Diagnostic>> {
        if let Some(Some(bytes)) = self.made[id].get() {
            return Ok(bytes.clone());
        }
        let bytes = self.make(id)?;
        // A request may have made it meanwhile: the same bytes.
        let _ = self.made[id].set(Some(bytes.clone()));
        Ok(bytes)
    }

    fn make(&self, id: PageId) -> Result<Held, Vec<Diagnostic>> {
        render::page(self.render(), &self.theme, &self.trees, id).map(|f| held_page(f.content, &self.dictionary))
    }
}

/// What to serve while a rebuild goes on: the files of the last good build
/// (or, for the first build, its site files) with the new build's pages
/// over them; or, before the rebuild has a model, the last good build's
/// files with the saved page in them (`state/early.rs`).
pub struct Preview {
    pub files: Arc<Files>,
    pub fresh: Option<Arc<Fresh>>,
    /// Open pages should reload: a page the change edited looks different.
    pub reload: bool,
}
