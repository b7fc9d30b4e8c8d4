//! Which audiences a build publishes, and where each goes.
//!
//! `casebook build --audience NAME` publishes one audience into the output
//! folder. Without the flag, `publish: [public, board]` in the config builds
//! each audience listed into `<output_dir>/<audience>/`, all swapped in at
//! once; without either, the build is for `default_audience`. Each audience
//! runs the whole pipeline on its own, so nothing computed for one (search
//! index, KPI tables, navigation) can carry over into another.

use std::path::Path;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::sink::{Prefixed, Sink};
use crate::{BuildOptions, Built};

/// The audiences to build, each with the folder (inside the output folder)
/// it goes to: `[(None, "")]` for a single build for the default audience.
pub fn plan(root: &Path, audience: Option<&str>) -> Vec<(Option<String>, String)> {
    if let Some(a) = audience {
        return vec![(Some(a.to_string()), String::new())];
    }
    // Problems in the config are the pipeline's to report.
    let config = Config::load(root, &mut Diagnostics::default());
    if config.publish.is_empty() {
        return vec![(None, String::new())];
    }
    config
        .publish
        .iter()
        .map(|a| (Some(a.clone()), format!("{a}/")))
        .collect()
}

/// Builds every audience of [`plan`] into `out`, each in its folder.
pub fn build(root: &Path, opts: &BuildOptions, out: &dyn Sink) -> Result<Built, Diagnostics> {
    let plan = plan(root, opts.audience.as_deref());
    if let [(_, prefix)] = plan.as_slice()
        && prefix.is_empty()
    {
        return crate::build(root, opts, out);
    }
    let mut merged: Option<Built> = None;
    let mut failed = Diagnostics::default();
    for (audience, prefix) in plan {
        let opts = BuildOptions {
            audience,
            ..opts.clone()
        };
        let folder = Prefixed { sink: out, prefix };
        match crate::build(root, &opts, &folder) {
            Ok(mut b) => {
                for job in &mut b.print {
                    job.page = format!("{}{}", folder.prefix, job.page);
                    job.pdf = format!("{}{}", folder.prefix, job.pdf);
                }
                merged = Some(match merged {
                    None => b,
                    Some(mut all) => {
                        all.print.extend(b.print);
                        all.page_count += b.page_count;
                        for n in b.notices {
                            if !all.notices.contains(&n) {
                                all.notices.push(n);
                            }
                        }
                        merge_unique(&mut all.diagnostics, b.diagnostics);
                        all
                    }
                });
            }
            Err(d) => merge_unique(&mut failed, d),
        }
    }
    match merged {
        Some(mut all) if !failed.has_errors() => {
            all.diagnostics = all.diagnostics.sorted();
            Ok(all)
        }
        Some(all) => {
            merge_unique(&mut failed, all.diagnostics);
            Err(failed.sorted())
        }
        None => Err(failed.sorted()),
    }
}

/// Adds the diagnostics of another audience's run, leaving out those
/// already reported (most are the same for every audience).
pub fn merge_unique(into: &mut Diagnostics, from: Diagnostics) {
    for d in from.items {
        if !into.items.contains(&d) {
            into.push(d);
        }
    }
}

/// With `--strict`, a build with warnings fails like one with errors.
pub fn strict(built: Built, strict: bool) -> Result<Built, Diagnostics> {
    if !strict || built.diagnostics.items.is_empty() {
        return Ok(built);
    }
    let mut diags = built.diagnostics;
    for d in &mut diags.items {
        *d = Diagnostic {
            severity: crate::diag::Severity::Error,
            ..d.clone()
        };
    }
    Err(diags)
}
