//! Checks that only `casebook check` runs: editorial warnings that would be
//! noise on every build (missing descriptions, reviews coming due).

use crate::diag::{Diagnostic, Diagnostics, Position};
use crate::kind::Kind;
use crate::model::Site;
use crate::model::policy::PolicyStatus;

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
            if let Some(pos) = review_date_position(&p.parsed.text) {
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
