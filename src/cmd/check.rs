//! `casebook check`: everything a build validates, plus editorial checks,
//! without writing a file. Human or JSON output; the exit code gates CI.

use serde::Serialize;

use crate::cli::{CheckArgs, Format};
use crate::cmd::Outcome;
use crate::diag::{Diagnostic, Diagnostics, Notice, Severity};
use crate::{BuildOptions, check, external, pipeline};

/// The JSON document `--format json` prints. Field names are stable.
#[derive(Serialize)]
struct Report<'a> {
    /// Bumped only when a field changes meaning or disappears.
    schema: u32,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
    /// Said once about the content, not problems: template text and keys
    /// of other tools, site-absolute links without `base_url`.
    notes: &'a [Notice],
}

pub fn run(args: &CheckArgs) -> Outcome {
    let opts = BuildOptions::in_memory(args.today, args.drafts, args.audience.clone());
    let mut diags = Diagnostics::default();
    let mut notes: Vec<Notice> = Vec::new();
    // Each audience published is checked as its build sees it.
    for (audience, _) in crate::publish::plan(&args.site.root, args.audience.as_deref()) {
        let opts = BuildOptions {
            audience,
            ..opts.clone()
        };
        let mut these = Diagnostics::default();
        if let Some(site) = check_site(&args.site.root, &opts, &mut these) {
            for n in &site.notes {
                if !notes.contains(n) {
                    notes.push(n.clone());
                }
            }
            check::editorial(&site, &mut these);
            if args.external {
                external::check(&site, &mut these);
            }
        }
        crate::publish::merge_unique(&mut diags, these);
    }
    let mut diags = diags.sorted();
    if args.strict {
        for d in &mut diags.items {
            d.severity = Severity::Error;
        }
    }
    match args.format {
        Format::Human => {
            notes.iter().for_each(|n| println!("{}", n.render()));
            if diags.items.is_empty() {
                println!("no problems found");
            } else {
                print!("{}", diags.render());
                let files: std::collections::BTreeSet<_> =
                    diags.items.iter().filter_map(|d| d.file.as_deref()).collect();
                println!("in {} file{}", files.len(), if files.len() == 1 { "" } else { "s" });
            }
        }
        Format::Json => {
            let report = Report {
                schema: 1,
                errors: diags.error_count(),
                warnings: diags.warning_count(),
                diagnostics: &diags.items,
                notes: &notes,
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("diagnostics always serialize")
            );
        }
    }
    if diags.has_errors() {
        Outcome::ContentErrors
    } else {
        Outcome::Ok
    }
}

/// Everything a build checks short of writing, for one audience: the
/// model of latest and of every version, and a render (templates and
/// components can fail); the resolved latest site for the editorial checks.
fn check_site(root: &std::path::Path, opts: &BuildOptions, diags: &mut Diagnostics) -> Option<crate::model::Site> {
    let settings = pipeline::Settings::load(root, opts, diags)?;
    let parsed = pipeline::sources(root, &settings.config, diags);
    let latest = pipeline::resolve(parsed, &settings.config, &settings, diags);
    let models = pipeline::models(root, &settings, latest, diags);
    let mut theme = crate::render::theme::Theme::load(root, &settings.config, diags)?;
    if !diags.has_errors() {
        let hidden = indicatif::ProgressBar::hidden();
        pipeline::render(root, &settings, &models, &mut theme, &hidden, diags);
    }
    Some(models.latest)
}
