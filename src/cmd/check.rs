//! `casebook check`: everything a build validates, plus editorial checks,
//! without writing a file. Human or JSON output; the exit code gates CI.

use serde::Serialize;

use crate::cli::{CheckArgs, Format};
use crate::cmd::Outcome;
use crate::diag::{Diagnostic, Diagnostics, Notice, Severity};
use crate::render::sink::Discard;
use crate::{BuildOptions, check, external, pipeline};

/// The JSON document `--format json` prints. Field names are stable.
#[derive(Serialize)]
struct Report<'a> {
    /// Bumped only when a field changes meaning or disappears.
    schema: u32,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
    /// Said once, not problems: template text of other tools, site-absolute
    /// links without `base_url`.
    notes: &'a [Notice],
}

pub fn run(args: &CheckArgs) -> Outcome {
    if let Err(outcome) = super::check_arguments(&args.site.root, args.audience.as_deref()) {
        return outcome;
    }
    let opts = BuildOptions::in_memory(args.today, args.drafts, args.audience.clone());
    // Every audience is checked as its own build sees it, so a clean check
    // means every build succeeds.
    let (audiences, built) = match &args.audience {
        Some(a) => (vec![Some(a.clone())], vec![Some(a.clone())]),
        None => every_audience(&args.site.root),
    };
    let mut runs: Vec<(String, Diagnostics)> = Vec::new();
    let mut notes: Vec<Notice> = Vec::new();
    for audience in audiences {
        let opts = BuildOptions {
            audience: audience.clone(),
            ..opts.clone()
        };
        let mut these = Diagnostics::default();
        if let Some(site) = check_site(&args.site.root, &opts, &mut these) {
            for n in &site.notes {
                if !notes.contains(n) {
                    notes.push(n.clone());
                }
            }
            if built.contains(&audience) {
                these.extend(site.empty.clone());
            }
            check::editorial(&site, &mut these);
            if args.external {
                external::check(&site, &mut these);
            }
        }
        runs.push((audience.unwrap_or_default(), these));
    }
    let mut diags = merge_audiences(runs);
    let mut config_diags = Diagnostics::default();
    let config = crate::config::Config::load(&args.site.root, &mut config_diags);
    if !config_diags.has_errors()
        && let Err(d) = crate::output::target::check_location(&args.site.root, &config)
    {
        diags.push(d);
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
                print!("{}", diags.render_all(args.verbose));
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

/// The configured audiences (the default one when the config cannot be
/// read: its errors are reported by the check itself), and those a build
/// publishes: `publish:`, else the default audience.
fn every_audience(root: &std::path::Path) -> (Vec<Option<String>>, Vec<Option<String>>) {
    let mut d = Diagnostics::default();
    let config = crate::config::Config::load(root, &mut d);
    if d.has_errors() {
        return (vec![None], vec![None]);
    }
    let built: Vec<Option<String>> = if config.publish.is_empty() {
        vec![Some(config.default_audience.clone())]
    } else {
        config.publish.iter().cloned().map(Some).collect()
    };
    (config.audiences.into_iter().map(Some).collect(), built)
}

/// The problems of every audience's run, each once; one found in some
/// builds only says in which.
fn merge_audiences(runs: Vec<(String, Diagnostics)>) -> Diagnostics {
    let names: Vec<String> = runs.iter().map(|(a, _)| a.clone()).collect();
    let mut seen: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    for (audience, diags) in runs {
        for d in diags.items {
            match seen.iter_mut().find(|(s, _)| *s == d) {
                Some((_, list)) if !list.contains(&audience) => list.push(audience.clone()),
                Some(_) => {}
                None => seen.push((d, vec![audience.clone()])),
            }
        }
    }
    let mut out = Diagnostics::default();
    for (mut d, list) in seen {
        if list.len() < names.len() && list.iter().all(|a| !a.is_empty()) {
            let builds: Vec<String> = list.iter().map(|a| format!("`{a}`")).collect();
            d.notes.push(format!("in the build for {}", builds.join(", ")));
        }
        out.push(d);
    }
    out
}

/// Everything a build checks short of writing, for one audience: the
/// model of latest and of every version, and a render (templates and
/// components can fail); the resolved latest site for the editorial checks.
fn check_site(root: &std::path::Path, opts: &BuildOptions, diags: &mut Diagnostics) -> Option<crate::model::Site> {
    let settings = pipeline::Settings::load(root, opts, diags)?;
    let history = pipeline::open_history(root, &settings.config);
    let parsed = pipeline::sources(root, &settings.config, history.1.as_ref(), diags);
    let latest = pipeline::resolve(parsed, &settings.config, &settings, diags);
    let mut models = pipeline::models(&settings, latest, history, None, diags);
    pipeline::computed_metrics(&mut models.latest, models.history.as_deref(), diags);
    if let Some(set) = &models.set {
        check::commit_details(set, &models.latest, diags);
    }
    let mut theme = crate::render::theme::Theme::load(root, &settings.config, diags)?;
    pipeline::theme_claims(&models.latest, &theme, diags);
    if !diags.has_errors() {
        let hidden = indicatif::ProgressBar::hidden();
        pipeline::render(root, &settings, &mut models, &mut theme, &hidden, &Discard, diags);
    }
    Some(models.latest)
}
