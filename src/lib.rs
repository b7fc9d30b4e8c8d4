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

pub mod check;
pub mod chart;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod external;
pub mod kind;
pub mod metrics;
pub mod model;
pub mod output;
pub mod parse;
pub mod paths;
pub mod quarter;
pub mod render;
pub mod source;
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
}

/// A site rendered into memory, ready to be written.
pub struct Built {
    pub config: Config,
    pub files: Vec<OutputFile>,
    pub page_count: usize,
    /// Warnings only: a build with errors returns `Err`.
    pub diagnostics: Diagnostics,
}

/// Builds the site at `root` into memory. Writing is the caller's job
/// ([`output::write_atomically`]), so a failed build never touches the output.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<Built, Diagnostics> {
    let mut diags = Diagnostics::default();
    match pipeline(root, opts, &mut diags) {
        Some(Pipeline { config, site, files }) if !diags.has_errors() => Ok(Built {
            page_count: site.pages.len(),
            config,
            files,
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
}

/// Every stage short of writing. Stops early only where later stages could
/// not run; otherwise goes as far as it can so all problems are reported.
pub fn pipeline(root: &Path, opts: &BuildOptions, diags: &mut Diagnostics) -> Option<Pipeline> {
    let config = Config::load(root, diags);
    if diags.has_errors() {
        return None;
    }
    let sources = source::walk(root, &config.content_dir, diags);
    let parsed = parse::pages(&sources, &config, diags);
    let site = model::resolve(
        parsed,
        &sources,
        &config,
        &model::ResolveOptions {
            today: opts.today,
            drafts: opts.drafts,
        },
        diags,
    );
    let mut theme = render::theme::Theme::load(root, &config.theme, diags)?;
    if diags.has_errors() {
        return None;
    }
    let progress = progress_bar(opts.progress);
    let version = config.version.clone().or_else(|| git_describe(root));
    let files = render::site(&site, &mut theme, version, &progress, diags);
    progress.finish_and_clear();
    Some(Pipeline { config, site, files })
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
