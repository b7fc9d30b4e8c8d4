//! `casebook new <kind> "<title>"`: a page with the right front matter.

use crate::cli::NewKind;
use crate::cmd::Outcome;
use crate::config::Config;
use crate::diag::Diagnostics;
use crate::kind::Kind;
use crate::paths::slugify;
use crate::quarter::Quarter;

pub fn run(kind: NewKind, title: &str, root: &std::path::Path) -> Outcome {
    let slug = slugify(title);
    if slug.is_empty() {
        eprintln!("error: the title `{title}` has no letters or digits to make a file name from");
        return Outcome::Failed;
    }
    let mut diags = Diagnostics::default();
    let config = Config::load(root, &mut diags);
    if diags.has_errors() {
        eprint!("{}", diags.render());
        return Outcome::ContentErrors;
    }
    let kind = match kind {
        NewKind::Policy => Kind::Policy,
        NewKind::Playbook => Kind::Playbook,
        NewKind::Role => Kind::Role,
        NewKind::Goal => Kind::Goal,
        NewKind::Report => Kind::Report,
    };
    // The last configured folder of this kind that exists, as it overrides the others.
    let folder = config
        .kinds
        .rules
        .iter()
        .rev()
        .filter(|r| r.kind == kind)
        .filter_map(|r| r.folder())
        .find(|f| root.join(&config.content_dir).join(f).is_dir())
        .map_or(kind.default_folder().to_string(), str::to_string);
    let path = root.join(&config.content_dir).join(&folder).join(format!("{slug}.md"));
    if path.exists() {
        eprintln!(
            "error: `{}` already exists\n  = help: choose another title, or edit the existing file",
            path.display()
        );
        return Outcome::Failed;
    }
    let today = crate::clock::today(&config.timezone);
    let text = skeleton(kind, title, &slug, today, config.fiscal_year_start);
    if let Some(parent) = path.parent()
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        eprintln!("error: could not create `{}`: {e}", parent.display());
        return Outcome::Failed;
    }
    // `create_new` so a file appearing meanwhile is never overwritten.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
    if let Err(e) = written {
        eprintln!("error: could not write `{}`: {e}", path.display());
        return Outcome::Failed;
    }
    println!("created {}", path.display());
    Outcome::Ok
}

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

pub fn skeleton(kind: Kind, title: &str, slug: &str, today: jiff::civil::Date, fiscal_year_start: u32) -> String {
    let t = yaml_string(title);
    match kind {
        Kind::Policy => format!(
            "---\ntitle: {t}\ndescription: One sentence on what this policy requires and of whom.\nowner: general-counsel\napprover: general-counsel\neffective: {today}\nreview_every: 12 months\nstatus: draft\n---\n\n## Purpose\n\nWhy this policy exists.\n\n## Scope\n\nWho and what it covers.\n\n## Policy\n\nWhat is required.\n\n## Exceptions\n\nWho may grant an exception, and how it is recorded.\n"
        ),
        Kind::Playbook => format!(
            "---\ntitle: {t}\ndescription: One sentence on when to use this playbook.\nowner: legal-ops\n---\n\n## When to use this playbook\n\n## Steps\n\n- [ ] First step\n- [ ] Second step\n\n## Escalation\n"
        ),
        Kind::Role => format!(
            "---\ntitle: {t}\nid: {slug}\nreports_to: general-counsel\nholder: \nresponsibilities:\n  - What this role is accountable for\n---\n\n## What this role does\n"
        ),
        Kind::Goal => {
            let due = Quarter::of_date(today, fiscal_year_start).offset(4);
            format!(
                "---\ntitle: {t}\ndescription: One sentence on the goal.\nowners: [legal-ops, general-counsel]\noutcome: The business outcome this goal serves.\ndue: {due}\nkey_results: []\n---\n\n## Why it matters\n\n## How we will get there\n"
            )
        }
        Kind::Report => {
            let quarter = Quarter::of_date(today, fiscal_year_start).prev();
            format!(
                "---\ntitle: {t}\nquarter: {quarter}\naudience: board\nauthor: general-counsel\npresented_by: general-counsel\nmeeting:        # the date of the meeting, e.g. 2026-11-19, for the printed cover\n---\n\n## Executive summary\n\n## Asks of the board\n"
            )
        }
        _ => format!("---\ntitle: {t}\nkind: {kind}\n---\n"),
    }
}
