//! The published versions as `serve` keeps them: git history and every
//! tag, read with the first good build and again only when the repository,
//! the config or the theme changes; which page is which across versions
//! follows latest's pages as they are edited.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use super::inputs::Assets;
use crate::diag::{Diagnostic, Diagnostics};
use crate::history::set::Tag;
use crate::history::{self, Annotations, History, Notice, VersionSet};
use crate::model::Site;
use crate::pipeline::{self, Settings};
use crate::render;
use crate::render::theme::Theme;

/// What the published versions add, read with the first good build.
pub(super) struct Published {
    pub history: Option<Arc<History>>,
    pub tags: Vec<Tag>,
    pub set: Option<Arc<VersionSet>>,
    /// What `set` was worked out for: latest's pages and its files that
    /// differed from `HEAD`.
    pub rels: Vec<String>,
    pub edited: BTreeSet<String>,
    /// The `v/<tag>/` files, once rendered: see [`Published::render`].
    pub files: super::files::InOrder,
    /// Of resolving the tags, then of rendering them.
    pub diags: Vec<Diagnostic>,
    pub render_diags: Vec<Diagnostic>,
    pub notices: Vec<Notice>,
}

impl Published {
    /// Reads the history around `latest` and resolves the published versions.
    pub fn read(root: &Path, settings: &Settings, latest: Site) -> (Published, Site) {
        let mut d = Diagnostics::default();
        // Latest's parses are serve's own.
        let history = (history::open(root, &settings.config), None);
        let models = pipeline::models(settings, latest, history, None, &mut d);
        let published = Published {
            rels: pages_of(&models.latest),
            edited: models
                .history
                .as_ref()
                .map(|h| h.uncommitted.clone())
                .unwrap_or_default(),
            history: models.history,
            tags: models.tags,
            set: models.set,
            files: Vec::new(),
            diags: d.items,
            render_diags: Vec::new(),
            notices: models.notices,
        };
        (published, models.latest)
    }

    /// Renders the `v/<tag>/` files once after reading them, with a copy of
    /// `theme`, whose globals each version sets for itself. After latest's
    /// preview: latest's pages need the versions resolved, not rendered.
    pub fn render(&mut self, settings: &Settings, theme: &Theme) {
        // Rendering takes each tag's parse.
        if self.tags.iter().all(|t| t.source.is_none()) {
            return;
        }
        let mut d = Diagnostics::default();
        let files = render::sink::Memory::default();
        let mut theme = theme.clone();
        let history = self.history.as_deref();
        pipeline::render_tags(
            settings,
            history,
            &mut self.tags,
            self.set.as_ref(),
            &mut theme,
            &files,
            &mut d,
        );
        self.files = super::files::materialize(files.into_files(), &Assets::new(), &mut d);
        self.render_diags = d.items;
    }

    /// Works out which page is which again when latest's pages or its
    /// edited files changed since the last time.
    pub fn follow(&mut self, settings: &Settings, latest: &Site) {
        let Some(history) = &self.history else {
            return;
        };
        let (rels, edited) = (pages_of(latest), history.edited());
        if rels == self.rels && edited == self.edited {
            return;
        }
        self.set = Some(Arc::new(history::set::build(
            history,
            &settings.config,
            &settings.resolve,
            latest,
            &self.tags,
            &edited,
        )));
        // A version's own files are of its tag alone (which is what lets
        // a build carry them over): they stay.
        (self.rels, self.edited) = (rels, edited);
    }

    pub fn annotations(&self) -> Option<Annotations> {
        pipeline::annotations(self.set.as_ref(), 0)
    }
}

/// The content files of a site's pages.
fn pages_of(site: &Site) -> Vec<String> {
    site.pages.iter().map(|p| p.parsed.rel.clone()).collect()
}
