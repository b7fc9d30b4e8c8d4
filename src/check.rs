//! Checks that only `casebook check` runs: editorial warnings that would be
//! noise on every build (missing descriptions, reviews coming due), and
//! commit messages shown to an audience that names what is hidden from it.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Diagnostic, Diagnostics, Position};
use crate::history::{Trail, VersionSet, visible};
use crate::kind::Kind;
use crate::model::Site;
use crate::model::policy::PolicyStatus;
use crate::source::{self, FileKind};

pub fn editorial(site: &Site, diags: &mut Diagnostics) {
    for p in &site.pages {
        if p.implicit {
            continue;
        }
        let fm = p.front();
        let file = p.parsed.file.as_str();
        if fm.title.is_none() && p.parsed.first_heading.is_none() {
            diags.push(
                Diagnostic::warning(format!("page has no title; `{}` is made from its file name", p.title))
                    .in_file(file)
                    .help("add `title:` to the front matter or start the page with `# Title`"),
            );
        }
        if fm.description.is_none() {
            diags.push(
                Diagnostic::warning("page has no description").in_file(file).help(
                    "add `description:` (one sentence); it is shown in listings, search results and link previews",
                ),
            );
        }
        if p.kind() == Kind::Policy
            && let Some(l) = &p.lifecycle
            && let Some(next) = l.next_review
        {
            let message = match l.status {
                PolicyStatus::Overdue => format!("policy review is overdue: it was due on {next}"),
                PolicyStatus::ReviewDue => format!("policy review is due on {next}"),
                _ => continue,
            };
            let mut d = Diagnostic::warning(message)
                .in_file(file)
                .help("review the policy, then update `effective` (or `next_review`) in its front matter");
            if let Some(pos) = review_date_position(&p.parsed.text.unpack()) {
                d = d.at(pos);
            }
            diags.push(d);
        }
    }
}

/// The line that sets the review date, to point the warning at.
fn review_date_position(text: &str) -> Option<Position> {
    ["next_review:", "review_every:", "effective:"].iter().find_map(|key| {
        let start = text.find(&format!("\n{key}"))? + 1;
        Some(Position::at_byte(text, start, key.len() - 1))
    })
}

/// A warning for each commit whose message this build shows on a page's
/// history while the same commit changed pages meant for an audience this
/// one does not include: a subject such as "Add Project Falcon merger
/// protocol and public FAQ" names what the hidden page is about. Drafts
/// are not secrets from their audience, so they do not count.
pub fn commit_details(set: &VersionSet, site: &Site, diags: &mut Diagnostics) {
    if !set.details {
        return;
    }
    let history = &set.history;
    let log = &history.log;
    // Commit → the pages whose history shows it, in every version.
    let mut shown: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
    for vp in set.pages.iter().flat_map(|pages| pages.values()) {
        for &(c, _) in &vp.trail.changes {
            shown.entry(c).or_default().insert(vp.rel.as_str());
        }
    }
    // Every page revision those commits made, judged like any other.
    let made = Trail {
        changes: shown
            .keys()
            .flat_map(|&c| {
                let changes = log.commits[c].changes.iter().enumerate();
                changes
                    .filter(|(_, ch)| ch.path.starts_with(&history.repo.content_prefix))
                    .filter(|(_, ch)| source::classify(&ch.path) == FileKind::Markdown)
                    .map(move |(n, _)| (c, n))
            })
            .collect(),
    };
    let Some(visible) = visible::shown(history, &site.config, &site.audience, true, &[&made]) else {
        return;
    };
    let audience = &site.audience;
    let narrower = site
        .config
        .audiences
        .iter()
        .skip_while(|a| *a != audience.name())
        .nth(1);
    for (&c, pages) in &shown {
        let hidden: BTreeSet<&str> = made
            .changes
            .iter()
            .filter(|e| e.0 == c && !visible.contains(e))
            .map(|&(_, n)| history.display_path(&log.commits[c].changes[n].path))
            .collect();
        if hidden.is_empty() {
            continue;
        }
        // A commit that imported a whole site names a few pages, not all.
        let quote = |paths: &BTreeSet<&str>| {
            let mut named: Vec<String> = paths.iter().take(3).map(|p| format!("`{p}`")).collect();
            if paths.len() > named.len() {
                named.push(format!("{} more", paths.len() - named.len()));
            }
            named.join(", ")
        };
        let fix = match narrower {
            Some(next) => format!(
                "set `history: {{details_from: {next}}}` in casebook.yaml so `{audience}` is shown dates and redlines only, or"
            ),
            None => "reword the commit before it is merged, or".to_string(),
        };
        let commit = &log.commits[c];
        let mut d = Diagnostic::warning(format!(
            "commit `{}` (\"{}\") is shown in the history of {} for audience `{audience}`, and also changed {}, hidden from `{audience}`",
            log.short(c),
            commit.subject,
            quote(pages),
            quote(&hidden),
        ))
        .help(format!(
            "its subject, body and author may name what the hidden page is about; {fix} commit pages for different audiences separately"
        ));
        if let Some(&id) = pages.first().and_then(|rel| site.by_rel.get(*rel)) {
            d = d.in_file(&site.page(id).parsed.file);
        }
        diags.push(d);
    }
}
