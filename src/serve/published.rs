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
    /// The `v/<tag>/` files.
    pub files: super::state::InOrder,
    /// Of resolving the tags, then of rendering them.
    pub diags: Vec<Diagnostic>,
    pub render_diags: Vec<Diagnostic>,
    pub notices: Vec<Notice>,
}

impl Published {
    /// Reads the history around `latest` and renders the published versions.
    pub fn read(root: &Path, settings: &Settings, latest: Site, theme: &mut Theme) -> (Published, Site) {
        let mut d = Diagnostics::default();
        let models = pipeline::models(root, settings, latest, None, &mut d);
        let mut published = Published {
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
        published.render(settings, theme);
        (published, models.latest)
    }

    fn render(&mut self, settings: &Settings, theme: &mut Theme) {
        let mut d = Diagnostics::default();
        let files = render::sink::Memory::default();
        pipeline::render_tags(settings, &self.tags, self.set.as_ref(), theme, &files, &mut d);
        self.files = super::state::materialize(files.into_files(), &Assets::new(), &mut d);
        self.render_diags = d.items;
    }

    /// Works out which page is which again when latest's pages or its
    /// edited files changed since the last time.
    pub fn follow(&mut self, settings: &Settings, latest: &Site, theme: &mut Theme) {
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
        (self.rels, self.edited) = (rels, edited);
        self.render(settings, theme);
    }

    pub fn annotations(&self) -> Option<Annotations> {
        pipeline::annotations(self.set.as_ref(), 0)
    }
}

/// The content files of a site's pages.
fn pages_of(site: &Site) -> Vec<String> {
    site.pages.iter().map(|p| p.parsed.rel.clone()).collect()
}
