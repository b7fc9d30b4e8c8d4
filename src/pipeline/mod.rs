//! The stages composed, in one place, for `build`, every published version,
//! `check` and `serve`.
//!
//! [`Settings`] resolves what a build is for once (configuration, audience,
//! day); [`sources`] and [`resolve`] run the load, parse and resolve stages
//! on the working tree or on a tag's tree read from git; [`models`] does that
//! for latest and every published version and works out which page is which
//! across them; [`render`] turns a model into files. Nothing else strings
//! stages together.

use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::history::set::Tag;
use crate::history::{self, Annotations, History, Notice, VersionSet};
use crate::model::{Audience, ResolveOptions, Site};
use crate::parse::{self, Parsed};
use crate::render::sink::{Claims, Sink};
use crate::render::theme::Theme;
use crate::render::{self, Render};
use crate::{BuildOptions, search, source};
pub use carry::Carry;
use carry::VersionFolder;
use tags::{borrowed_config_notice, published, report_failed, tag, tag_site};

mod carry;
mod tags;

/// How many threads link carried folders at most: each holds a folder open
/// at every level of the tree it links.
const LINKING_LANES: usize = 8;

/// What one build is for, resolved once and the same for every version.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The working tree's configuration.
    pub config: Config,
    pub resolve: ResolveOptions,
    /// Report pages link the `report.pdf` that `build --pdf` prints.
    pub pdf: bool,
}

impl Settings {
    /// Reads the configuration and resolves the rest.
    pub fn load(root: &Path, opts: &BuildOptions, diags: &mut Diagnostics) -> Option<Settings> {
        let config = Config::load(root, diags);
        if diags.has_errors() {
            return None;
        }
        Settings::resolve(config, opts, diags)
    }

    /// Checks the audience against `config`; the day is `--today` or the
    /// clock's date in the configured time zone.
    pub fn resolve(config: Config, opts: &BuildOptions, diags: &mut Diagnostics) -> Option<Settings> {
        let audience = match &opts.audience {
            Some(name) => match Audience::named(&config, name) {
                Ok(a) => a,
                Err(d) => {
                    diags.push(d);
                    return None;
                }
            },
            None => Audience::default_of(&config),
        };
        let today = opts.today.unwrap_or_else(|| crate::clock::today(&config.timezone));
        Some(Settings {
            resolve: ResolveOptions {
                today,
                drafts: opts.drafts,
                audience,
            },
            pdf: opts.pdf,
            config,
        })
    }
}

/// Stages 1 and 2 on the working tree: every content file, parsed, through
/// `shared` when published versions will reuse the parses.
pub fn sources(root: &Path, config: &Config, shared: Option<&parse::Shared>, diags: &mut Diagnostics) -> Parsed {
    let files = source::walk(root, config, diags);
    match shared {
        Some(shared) => shared.all(files, config, diags),
        None => parse::all(files, config, diags),
    }
}

/// The history, opened before latest is parsed: when it publishes
/// versions, latest's parses go through the returned cache, which the
/// versions then share wherever a file is the same.
pub fn open_history(root: &Path, config: &Config) -> (Result<History, Notice>, Option<parse::Shared>) {
    let history = history::open(root, config);
    let shared = history
        .as_ref()
        .is_ok_and(|h| !h.versions.is_empty())
        .then(parse::Shared::default);
    (history, shared)
}

/// Stage 3 for one version, with its own configuration.
pub fn resolve(parsed: Parsed, config: &Config, settings: &Settings, diags: &mut Diagnostics) -> Site {
    crate::model::resolve(parsed, config, &settings.resolve, diags)
}

/// The values of the computed metrics (`computed:`) of the site built from
/// the working tree: from the register's history, or without it from
/// today's files (see [`history::reviews::fill`]).
pub fn computed_metrics(site: &mut Site, history: Option<&History>, diags: &mut Diagnostics) {
    let today = site.today;
    history::reviews::fill(site, history.map(|h| (h, h.head)), today, diags);
}

/// Latest and every published version, resolved, with which page is which
/// across them: everything a render needs.
pub struct Models {
    pub latest: Site,
    pub history: Option<Arc<History>>,
    /// The published versions that resolved, newest first.
    pub tags: Vec<Tag>,
    /// `None` without history.
    pub set: Option<Arc<VersionSet>>,
    /// Said once: no git, a shallow clone.
    pub notices: Vec<Notice>,
}

impl Models {
    /// Latest's view of the versions.
    pub fn latest_history(&self) -> Option<Annotations> {
        annotations(self.set.as_ref(), 0)
    }
}

/// The view of version `k` (0 is latest, then the tags in order).
pub fn annotations(set: Option<&Arc<VersionSet>>, k: usize) -> Option<Annotations> {
    set.map(|set| Annotations {
        set: Arc::clone(set),
        current: k,
    })
}

/// Resolves every published version of `history` (see [`open_history`])
/// around the resolved `latest`, parsing through `shared` (which latest's
/// parses may already be in), and carries over from `carry` the folders of
/// those whose inputs did not change, without reading them. A tag that does
/// not resolve is left out with warnings naming it.
pub fn models(
    settings: &Settings,
    latest: Site,
    (history, shared): (Result<History, Notice>, Option<parse::Shared>),
    carry: Option<&Carry>,
    diags: &mut Diagnostics,
) -> Models {
    let history = match history {
        Ok(h) => Arc::new(h),
        Err(n) => {
            return Models {
                latest,
                history: None,
                tags: Vec::new(),
                set: None,
                notices: vec![n],
            };
        }
    };
    let mut notices = Vec::new();
    if !history.repo.shallow.is_empty() {
        notices.push(history::shallow_notice());
    }
    notices.extend(history.notices.iter().cloned());
    let (mut tags, mut borrows) = published(&history, settings, shared.unwrap_or_default(), carry, diags);
    let set_of = |tags: &[Tag]| {
        history::set::build(
            &history,
            &settings.config,
            &settings.resolve,
            &latest,
            tags,
            &history.uncommitted,
        )
    };
    // Carrying a folder over is mostly the system linking its files: the
    // folders link on threads of their own, outside the pool the set is
    // worked out on, so neither waits for the other.
    let (linked, mut set) = std::thread::scope(|scope| {
        let linking: Vec<_> = tags
            .chunks(tags.len().div_ceil(LINKING_LANES).max(1))
            .map(|chunk| {
                let link = move || -> Vec<bool> {
                    (chunk.iter())
                        .map(|t| t.source.is_some() || carry.is_some_and(|c| c.link(t)))
                        .collect()
                };
                (chunk.len(), scope.spawn(link))
            })
            .collect();
        let set = set_of(&tags);
        let linked: Vec<bool> = linking
            .into_iter()
            .flat_map(|(len, l)| l.join().unwrap_or_else(|_| vec![false; len]))
            .collect();
        (linked, set)
    });
    // A folder that would not link is rendered from its tag after all.
    if linked.contains(&false) {
        let shared = parse::Shared::default();
        for k in (0..tags.len()).rev().filter(|&k| !linked[k]) {
            let key = tags[k].key.take();
            match tag(&history, &tags[k].version, settings, &shared, key, diags) {
                Some((t, b)) => (tags[k], borrows[k]) = (t, b),
                None => {
                    tags.remove(k);
                    borrows.remove(k);
                }
            }
        }
        set = set_of(&tags);
    }
    let borrowed: Vec<String> = tags
        .iter()
        .zip(&borrows)
        .rev()
        .filter(|(_, b)| **b)
        .map(|(t, _)| t.version.name.clone())
        .collect();
    if !borrowed.is_empty() {
        notices.push(borrowed_config_notice(&borrowed));
    }
    Models {
        latest,
        history: Some(history),
        tags,
        set: Some(Arc::new(set)),
        notices,
    }
}

/// The site-wide template globals of one render.
pub fn set_globals(r: Render<'_>, theme: &mut Theme, settings: &Settings, version: Option<String>) {
    theme.insert_global("pdf_reports", &settings.pdf);
    render::set_globals(r, theme, version);
}

/// Stage 4 for one version: pages, site files and the search index, each
/// into `out` as it is made.
pub fn render_site(
    r: Render<'_>,
    theme: &Theme,
    progress: &indicatif::ProgressBar,
    out: &dyn Sink,
    diags: &mut Diagnostics,
) {
    let claims = Claims::new(out);
    render::pages(r, theme, progress, &claims, diags);
    site_files(r, theme, &claims, diags);
    search_index(r.site, &claims);
    claims.report(diags);
}

/// Every output that is not one page's own, search index aside (see
/// [`render::site_files`]), and the search page, into `out`.
pub fn site_files(r: Render<'_>, theme: &Theme, out: &dyn Sink, diags: &mut Diagnostics) {
    render::site_files(r, theme, out, diags);
    if !r.site.pages.is_empty() {
        match search::page(r.site, theme) {
            Ok(f) => out.put(f),
            Err(d) => diags.push(d),
        }
    }
}

/// A content file at the path of a theme file would replace it (or be
/// replaced): an error at the content file, found as soon as the theme is
/// loaded, before anything renders.
pub fn theme_claims(site: &Site, theme: &Theme, diags: &mut Diagnostics) {
    for a in site.assets.iter().filter(|a| theme.statics.contains_key(&a.rel)) {
        let file = crate::diag::display_path(&site.config.content_dir.join(&a.rel));
        diags.push(
            Diagnostic::error(format!("`{file}` has the path of the theme's `{}`", a.rel))
                .in_file(&file)
                .help(format!(
                    "rename or move it; to change the theme's file, put yours in `themes/{}/static/{}`",
                    site.config.theme, a.rel
                )),
        );
    }
}

/// The search index. It reads every page's text and is the slowest output,
/// so `serve` builds it in the background once the pages are served.
pub fn search_index(site: &Site, out: &dyn Sink) {
    if !site.pages.is_empty() {
        search::files(site, out);
    }
}

/// Stage 4 for latest and every version (`v/<slug>/` for the tags), into `out`.
pub fn render(
    root: &Path,
    settings: &Settings,
    models: &mut Models,
    theme: &mut Theme,
    progress: &indicatif::ProgressBar,
    out: &dyn Sink,
    diags: &mut Diagnostics,
) {
    let latest = models.latest_history();
    let r = Render {
        site: &models.latest,
        history: latest.as_ref(),
    };
    set_globals(r, theme, settings, site_version(root, &settings.config));
    render_site(r, theme, progress, out, diags);
    let history = models.history.as_deref();
    render_tags(
        settings,
        history,
        &mut models.tags,
        models.set.as_ref(),
        theme,
        out,
        diags,
    );
}

/// Stage 4 for the published versions, each into `v/<slug>/`, resolved
/// again one at a time and let go of once rendered; a tag whose render
/// fails is left out whole, with warnings naming it.
pub fn render_tags(
    settings: &Settings,
    history: Option<&History>,
    tags: &mut [Tag],
    set: Option<&Arc<VersionSet>>,
    theme: &mut Theme,
    out: &dyn Sink,
    diags: &mut Diagnostics,
) {
    let hidden = indicatif::ProgressBar::hidden();
    for (k, t) in tags.iter_mut().enumerate() {
        let (Some(history), Some(source)) = (history, t.source.take()) else {
            continue;
        };
        // Its warnings were said when it was first resolved.
        let mut quiet = Diagnostics::default();
        let parsed = parse::gather(&source.parses, &mut quiet);
        let site = tag_site(history, &t.version, parsed, &source, &mut quiet);
        drop(source);
        let t = &*t;
        let folder = VersionFolder::new(t, out);
        let ann = annotations(set, k + 1);
        let r = Render {
            site: &site,
            history: ann.as_ref(),
        };
        set_globals(r, theme, settings, Some(t.version.name.clone()));
        let mut d = Diagnostics::default();
        render_site(r, theme, &hidden, &folder, &mut d);
        if d.has_errors() {
            folder.withdraw("");
            report_failed(&t.version.name, d, diags);
        } else if let Some(key) = &t.key {
            folder.rendered(key);
        }
    }
}

/// The version shown in the footer: `version` from the config, else `git describe`.
pub fn site_version(root: &Path, config: &Config) -> Option<String> {
    config.version.clone().or_else(|| history::git::describe(root))
}
