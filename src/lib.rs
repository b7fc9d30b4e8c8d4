//! casebook: a static site generator for corporate legal departments.
//!
//! A build runs these stages in order; each takes plain data from the one
//! before and never calls a later one:
//!
//! 1. [`source`] walks the content folder and reads the files;
//! 2. [`parse`] turns each file, on its own and in parallel, into typed front
//!    matter and HTML with its headings, links and component calls;
//! 3. [`model`] resolves the whole site: sections, roles and what they own,
//!    policy lifecycles, references and links;
//! 4. [`render`] turns the model into output files with the theme, handing
//!    each to a sink as it is made;
//! 5. [`output`] is the sink of a build: it writes them into a staging
//!    folder and swaps that into the output folder atomically.
//!
//! [`pipeline`] is the one place that composes them, for the working tree
//! and for every published version ([`history`] reads the tags from git).
//! Every problem is a located [`diag::Diagnostic`]; a build reports all of
//! them and writes nothing when any is an error.
//!
//! [`serve`] runs the same stages incrementally: it keeps a build in memory
//! and re-runs, per change, only what the changed files can affect.

pub mod chart;
pub mod check;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod external;
pub mod fspath;
pub mod history;
pub mod kind;
pub mod metrics;
pub mod model;
pub mod output;
pub mod parse;
pub mod paths;
pub mod pdf;
pub mod pipeline;
pub mod publish;
pub mod quarter;
pub mod render;
pub mod search;
pub mod serve;
pub mod source;
pub mod text;
pub mod yaml;

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use config::Config;
use diag::Diagnostics;
use render::sink::Sink;

/// What the command line asks of a build, before anything is checked.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The day policy statuses are computed for; `None` is today in the
    /// configured time zone.
    pub today: Option<Date>,
    pub drafts: bool,
    /// Overrides `output_dir` from the config.
    pub out: Option<PathBuf>,
    /// Show a progress bar (only drawn on a terminal).
    pub progress: bool,
    /// The audience to publish for; `None` is `default_audience` from the config.
    pub audience: Option<String>,
    /// Report pages link the `report.pdf` that `build --pdf` prints next to them.
    pub pdf: bool,
}

impl BuildOptions {
    /// Options for a build that stays in memory (`check`, `serve`): no output
    /// folder, no progress bar, no PDFs.
    pub fn in_memory(today: Option<Date>, drafts: bool, audience: Option<String>) -> BuildOptions {
        BuildOptions {
            today,
            drafts,
            audience,
            ..BuildOptions::default()
        }
    }
}

/// What a build made, its files aside (those went to the sink).
pub struct Built {
    pub config: Config,
    pub page_count: usize,
    /// Warnings only: a build with errors returns `Err`.
    pub diagnostics: Diagnostics,
    /// The PDFs `build --pdf` prints: board reports, the policy pack.
    pub print: Vec<pdf::Job>,
    /// Said once, not problems: no git history, a shallow clone, template
    /// text and keys of other tools.
    pub notices: Vec<history::Notice>,
}

/// Builds the site at `root`, each file into `out` as it is rendered. A
/// build that returns `Err` may have put files there: the caller discards
/// them ([`output::Staging`] does), so a failed build never touches the output.
pub fn build(root: &Path, opts: &BuildOptions, out: &dyn Sink) -> Result<Built, Diagnostics> {
    let mut diags = Diagnostics::default();
    let Some(settings) = pipeline::Settings::load(root, opts, &mut diags) else {
        return Err(diags.sorted());
    };
    let history = pipeline::open_history(root, &settings.config);
    let parsed = pipeline::sources(root, &settings.config, history.1.as_ref(), &mut diags);
    let latest = pipeline::resolve(parsed, &settings.config, &settings, &mut diags);
    diags.extend(latest.empty.clone());
    let theme = render::theme::Theme::load(root, &settings.config, &mut diags);
    let carry = theme
        .as_ref()
        .filter(|_| out.carries())
        .map(|t| pipeline::Carry::new(&settings, t, out));
    let mut models = pipeline::models(&settings, latest, history, carry.as_ref(), &mut diags);
    pipeline::computed_metrics(&mut models.latest, models.history.as_deref(), &mut diags);
    if let Some(t) = &theme {
        pipeline::theme_claims(&models.latest, t, &mut diags);
    }
    let (Some(mut theme), false) = (theme, diags.has_errors()) else {
        return Err(diags.sorted());
    };
    let progress = progress_bar(opts.progress);
    pipeline::render(root, &settings, &mut models, &mut theme, &progress, out, &mut diags);
    progress.finish_and_clear();
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    let print = if opts.pdf {
        let history = models.latest_history();
        let r = render::Render {
            site: &models.latest,
            history: history.as_ref(),
        };
        render::print::jobs(r, pipeline::site_version(root, &settings.config).as_deref())
    } else {
        Vec::new()
    };
    Ok(Built {
        page_count: models.latest.pages.len(),
        print,
        notices: models.notices.iter().chain(&models.latest.notes).cloned().collect(),
        config: settings.config,
        diagnostics: diags.sorted(),
    })
}

fn progress_bar(enabled: bool) -> indicatif::ProgressBar {
    if !enabled {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} pages")
            .expect("the progress template is valid")
            .progress_chars("=> "),
    );
    bar.set_prefix("Rendering");
    bar
}
