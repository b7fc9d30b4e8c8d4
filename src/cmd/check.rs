//! `casebook check`: everything a build validates, plus editorial checks,
//! without writing a file. Human or JSON output; the exit code gates CI.

use serde::Serialize;

use crate::cli::{CheckArgs, Format};
use crate::cmd::Outcome;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::{BuildOptions, check, external};

/// The JSON document `--format json` prints. Field names are stable.
#[derive(Serialize)]
struct Report<'a> {
    /// Bumped only when a field changes meaning or disappears.
    schema: u32,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
}

pub fn run(args: &CheckArgs) -> Outcome {
    let opts = BuildOptions::in_memory(args.today, args.drafts, args.audience.clone());
    let mut diags = Diagnostics::default();
    // Each audience published is checked as its build sees it.
    for (audience, _) in crate::publish::plan(&args.site.root, args.audience.as_deref()) {
        let opts = BuildOptions {
            audience,
            ..opts.clone()
        };
        let mut these = Diagnostics::default();
        if let Some(result) = crate::pipeline(&args.site.root, &opts, &mut these) {
            check::editorial(&result.site, &mut these);
            if args.external {
                external::check(&result.site, &mut these);
            }
        }
        crate::publish::merge_unique(&mut diags, these);
    }
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
