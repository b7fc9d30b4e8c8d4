//! `casebook build`: build into memory, then write atomically.

use std::time::Instant;

use crate::cli::BuildArgs;
use crate::cmd::Outcome;
use crate::{BuildOptions, output};

pub fn run(args: &BuildArgs) -> Outcome {
    let started = Instant::now();
    let root = &args.site.root;
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
    let built = match crate::publish::build(root, &opts).and_then(|b| crate::publish::strict(b, args.strict)) {
        Ok(b) => b,
        Err(diags) => {
            eprint!("{}", diags.render());
            eprintln!("build failed; the previous output was left as it was");
            return Outcome::ContentErrors;
        }
    };
    if !args.quiet {
        built.notices.iter().for_each(|n| eprintln!("{}", n.render()));
    }
    if !built.diagnostics.items.is_empty() {
        eprint!("{}", built.diagnostics.render());
    }
    let out = match &opts.out {
        Some(o) => o.clone(),
        None => root.join(&built.config.output_dir),
    };
    if let Err(msg) = check_output_dir(root, &built.config.content_dir, &out) {
        eprintln!("error: {msg}");
        return Outcome::Failed;
    }
    if let Err(e) = output::write_atomically(&out, &built.files) {
        eprintln!("error: {e}\n  = help: check that the folder is writable; the previous output was left as it was");
        return Outcome::Failed;
    }
    if let Some(browser) = &browser {
        for w in super::pdf::print_all(browser, &out, &built.config.base_url, &built.print, args.quiet) {
            eprintln!(
                "warning: {w}\n  = help: the site was built; open the report page and print it from a browser instead"
            );
        }
    }
    if !args.quiet {
        eprintln!(
            "built {} pages ({} files) into {} in {:.2?}",
            built.page_count,
            built.files.len(),
            out.display(),
            started.elapsed()
        );
    }
    Outcome::Ok
}

/// The output folder is replaced whole: refuse folders that hold the site.
fn check_output_dir(root: &std::path::Path, content: &std::path::Path, out: &std::path::Path) -> Result<(), String> {
    let abs = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, out, content) = (abs(root), abs(out), abs(&root.join(content)));
    if out == root || root.starts_with(&out) || content.starts_with(&out) || out.starts_with(&content) {
        return Err(format!(
            "refusing to write into `{}`: it holds or is inside the site's sources, and the output folder is replaced on every build",
            out.display()
        ));
    }
    Ok(())
}
