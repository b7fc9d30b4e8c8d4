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
//! 4. [`render`] turns the model into output files in memory, with the theme;
//! 5. [`output`] swaps them into the output folder atomically.
//!
//! Every problem is a located [`diag::Diagnostic`]; a build reports all of
//! them and writes nothing when any is an error.
//!
//! [`serve`] runs the same stages incrementally: it keeps a build in memory
//! and re-runs, per change, only what the changed files can affect.

pub mod chart;
pub mod check;
pub mod cli;
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
pub mod publish;
pub mod quarter;
pub mod render;
pub mod search;
pub mod serve;
pub mod source;
pub mod versioned;
pub mod yaml;

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use config::Config;
use diag::Diagnostics;
use render::OutputFile;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The day policy statuses are computed for.
    pub today: Date,
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
    /// folder, no progress bar, no PDFs; `today` defaults to the current date.
    pub fn in_memory(today: Option<Date>, drafts: bool, audience: Option<String>) -> BuildOptions {
        BuildOptions {
            today: today.unwrap_or_else(cmd::today),
            drafts,
            out: None,
            progress: false,
            audience,
            pdf: false,
        }
    }
}

/// A site rendered into memory, ready to be written.
pub struct Built {
    pub config: Config,
    pub files: Vec<OutputFile>,
    pub page_count: usize,
    /// Warnings only: a build with errors returns `Err`.
    pub diagnostics: Diagnostics,
    /// URLs of the board report pages, for `build --pdf`.
    pub reports: Vec<String>,
    /// Said once, not problems: no git history, a shallow clone.
    pub notices: Vec<history::Notice>,
}

/// Builds the site at `root` into memory. Writing is the caller's job
/// ([`output::write_atomically`]), so a failed build never touches the output.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<Built, Diagnostics> {
    let mut diags = Diagnostics::default();
    match pipeline(root, opts, &mut diags) {
        Some(Pipeline {
            config,
            site,
            mut files,
            versions,
        }) if !diags.has_errors() => Ok(Built {
            notices: versions.notices.clone(),
            files: {
                files.extend(versioned::render(root, &config, opts, versions, &mut diags));
                files
            },
            page_count: site.pages.len(),
            reports: site
                .pages
                .iter()
                .filter(|p| p.kind() == kind::Kind::Report && !p.is_section())
                .map(|p| p.url().to_string())
                .collect(),
            config,
            diagnostics: diags.sorted(),
        }),
        _ => Err(diags.sorted()),
    }
}

/// What the pipeline produced, for callers that look further than the files.
pub struct Pipeline {
    pub config: Config,
    pub site: model::Site,
    pub files: Vec<OutputFile>,
    /// The published versions (git tags), rendered by [`build`].
    pub versions: versioned::Prepared,
}

/// Every stage short of writing. Stops early only where later stages could
/// not run; otherwise goes as far as it can so all problems are reported.
pub fn pipeline(root: &Path, opts: &BuildOptions, diags: &mut Diagnostics) -> Option<Pipeline> {
    let config = Config::load(root, diags);
    if diags.has_errors() {
        return None;
    }
    let resolve_opts = match resolve_options(opts, &config) {
        Ok(r) => r,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let sources = source::walk(root, &config, diags);
    let parsed = parse::pages(&sources, &config, diags);
    let mut site = model::resolve(parsed, &sources, &config, &resolve_opts, diags);
    let mut theme = render::theme::Theme::load(root, &config.theme, diags)?;
    if diags.has_errors() {
        return None;
    }
    let versions = versioned::prepare(root, &config, &resolve_opts, &mut site, diags);
    set_globals(&mut theme, opts);
    let progress = progress_bar(opts.progress);
    let files = render::site(&site, &mut theme, site_version(root, &config), &progress, diags);
    progress.finish_and_clear();
    Some(Pipeline {
        config,
        site,
        files,
        versions,
    })
}

/// How to resolve the site for `opts`, the same for `build` and `serve`.
pub fn resolve_options(opts: &BuildOptions, config: &Config) -> Result<model::ResolveOptions, diag::Diagnostic> {
    let audience = opts.audience.clone().unwrap_or_else(|| config.default_audience.clone());
    model::audience::check_name(config, &audience)?;
    Ok(model::ResolveOptions {
        today: opts.today,
        drafts: opts.drafts,
        audience,
    })
}

/// Template globals from the command line, the same for `build` and `serve`.
pub fn set_globals(theme: &mut render::theme::Theme, opts: &BuildOptions) {
    theme.insert_global("pdf_reports", &opts.pdf);
}

/// The version shown in the footer: `version` from the config, else `git describe`.
pub fn site_version(root: &Path, config: &Config) -> Option<String> {
    config.version.clone().or_else(|| git_describe(root))
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

/// `git describe` of the repository holding the site, for the footer.
fn git_describe(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["describe", "--tags", "--always"])
        .current_dir(root)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let v = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !v.is_empty()).then_some(v)
}
