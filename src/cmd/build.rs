//! `casebook build`: render into a staging folder, then swap it in.

use std::path::Path;
use std::time::Instant;

use crate::BuildOptions;
use crate::cli::BuildArgs;
use crate::cmd::Outcome;
use crate::config::Config;
use crate::diag::Diagnostics;
use crate::output::{self, Replace, Target, target};
use crate::render::sink::Discard;

pub fn run(args: &BuildArgs) -> Outcome {
    let started = Instant::now();
    let root = &args.site.root;
    if let Err(outcome) = super::check_arguments(root, args.audience.as_deref()) {
        return outcome;
    }
    let replace = if args.force {
        Replace::Anything
    } else {
        Replace::OnlyOurs
    };
    let early = match early_target(root, args, replace) {
        Ok(t) => t,
        Err(outcome) => return outcome,
    };
    let browser = if args.pdf { super::pdf::find_browser() } else { None };
    if args.pdf && browser.is_none() {
        eprintln!(
            "warning: no Chromium on the PATH, so no PDFs this time\n  = help: {}",
            super::pdf::INSTALL_HELP
        );
    }
    let opts = BuildOptions {
        today: args.today,
        drafts: args.drafts,
        out: args.out.clone(),
        progress: !args.quiet,
        audience: args.audience.clone(),
        pdf: browser.is_some(),
    };
    let Some(target) = early else {
        // The config has errors, which the build reports.
        let diags = crate::publish::build(root, &opts, &Discard).err().unwrap_or_default();
        return failed(&diags, args.verbose);
    };
    let staging = match output::Staging::begin(&target) {
        Ok(s) => s,
        Err(e) => return write_failed(&e),
    };
    let built = match crate::publish::build(root, &opts, &staging).and_then(|b| crate::publish::strict(b, args.strict))
    {
        Ok(b) => b,
        // Dropping the staging folder removes what was written.
        Err(diags) => return failed(&diags, args.verbose),
    };
    if !args.quiet {
        built.notices.iter().for_each(|n| eprintln!("{}", n.render()));
    }
    if !built.diagnostics.items.is_empty() {
        eprint!("{}", built.diagnostics.render_all(args.verbose));
    }
    let (files, reused) = (staging.written(), staging.reused());
    match staging.publish() {
        Ok(written) => {
            written.old.remove_in_background();
            for kept in written.kept {
                eprintln!(
                    "warning: `{}` looks left over from an interrupted build but has no casebook stamp, so it was kept\n  = help: look inside and remove it if it holds nothing of yours",
                    kept.display()
                );
            }
        }
        Err(e) => return write_failed(&e),
    }
    if let Some(browser) = &browser {
        for w in super::pdf::print_all(browser, &target.path, &built.config.base_url, &built.print, args.quiet) {
            eprintln!(
                "warning: {w}\n  = help: the site was built; open the report page and print it from a browser instead"
            );
        }
    }
    if !args.quiet {
        let carried = match reused {
            0 => String::new(),
            1 => "; 1 published version unchanged, carried over".into(),
            n => format!("; {n} published versions unchanged, carried over"),
        };
        eprintln!(
            "built {} pages ({files} files) into {} in {:.2?}{carried}",
            built.page_count,
            args.out
                .clone()
                .unwrap_or_else(|| root.join(&built.config.output_dir))
                .display(),
            started.elapsed()
        );
    }
    Outcome::Ok
}

fn failed(diags: &Diagnostics, verbose: bool) -> Outcome {
    eprint!("{}", diags.render_all(verbose));
    eprintln!("build failed; the previous output was left as it was");
    Outcome::ContentErrors
}

fn write_failed(e: &output::WriteError) -> Outcome {
    eprintln!("error: {e}\n  = help: check that the folder is writable; the previous output was left as it was");
    Outcome::Failed
}

/// The output folder checked before building, so a refused folder costs no
/// build and files go to its staging folder as they are rendered; `None`
/// when the config has errors, which the build reports.
fn early_target(root: &Path, args: &BuildArgs, replace: Replace) -> Result<Option<Target>, Outcome> {
    let mut diags = Diagnostics::default();
    let config = Config::load(root, &mut diags);
    if diags.has_errors() {
        return Ok(None);
    }
    checked_target(root, &config, args, replace).map(Some)
}

/// The output folder, checked; a refusal is printed and is a usage error.
fn checked_target(root: &Path, config: &Config, args: &BuildArgs, replace: Replace) -> Result<Target, Outcome> {
    target::check(root, config, args.out.as_deref(), replace).map_err(|d| {
        eprintln!("{}", d.render());
        Outcome::Usage
    })
}
