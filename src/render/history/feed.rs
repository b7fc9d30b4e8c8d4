//! `policies.atom`: one entry per commit that touched a published policy,
//! newest first, linking each policy's redline or history.

use std::collections::{BTreeMap, HashSet};

use super::{CommitView, Compare, FEED_ENTRIES, FEED_PATH, absolute, commit_redline_url, commit_view, listed};
use crate::history::{VersionPage, VersionSet};
use crate::kind::Kind;
use crate::model::Site;
use crate::parse::markdown::escape_attr;

fn rfc3339(time: i64) -> String {
    jiff::Timestamp::from_second(time)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// The policies one commit touched: identity, page, change index.
type Touched<'a> = Vec<(&'a String, &'a VersionPage, usize)>;

/// `policies.atom`: one entry per commit that touched a published policy, newest first.
pub(super) fn atom(site: &Site, set: &VersionSet, made: &HashSet<(String, Compare)>) -> String {
    let log = &set.history.log;
    let mut by_commit: BTreeMap<usize, Touched> = BTreeMap::new();
    for (identity, vp) in listed(&set.pages[0]) {
        if vp.kind != Kind::Policy {
            continue;
        }
        for &(c, n) in &vp.trail.changes {
            by_commit.entry(c).or_default().push((identity, vp, n));
        }
    }
    let e = escape_attr;
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let title = format!("{}: policy changes", site.config.title);
    out.push_str(&format!("  <title>{}</title>\n", e(&title)));
    let id = if site.config.base_url.is_empty() {
        format!(
            "tag:casebook,2000:{}/{FEED_PATH}",
            crate::paths::slugify(&site.config.title)
        )
    } else {
        absolute(site, FEED_PATH)
    };
    out.push_str(&format!("  <id>{}</id>\n", e(&id)));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n",
        e(&absolute(site, FEED_PATH)),
        e(&absolute(site, "register/"))
    ));
    // Log order is newest first (topological); commits sort by time within it.
    let mut entries: Vec<(usize, Touched)> = by_commit.into_iter().collect();
    entries.sort_by(|a, b| log.commits[b.0].time.cmp(&log.commits[a.0].time).then(a.0.cmp(&b.0)));
    entries.truncate(FEED_ENTRIES);
    let updated = entries.first().map_or(0, |(c, _)| log.commits[*c].time);
    out.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)));
    for (c, mut touched) in entries {
        touched.sort_by(|a, b| a.1.title.cmp(&b.1.title).then(a.1.url.cmp(&b.1.url)));
        let commit = &log.commits[c];
        let links: Vec<(String, String)> = touched
            .iter()
            .map(|(identity, vp, n)| {
                let redline = made.contains(&((*identity).clone(), Compare::Commit { commit: c, change: *n }));
                let url = if redline {
                    commit_redline_url(set, &vp.url, c)
                } else {
                    format!("{}history/", vp.url)
                };
                (vp.title.clone(), url)
            })
            .collect();
        let titles: Vec<&str> = links.iter().map(|(t, _)| t.as_str()).collect();
        let view = commit_view(set, c, None);
        let entry_title = format!("{}: {}", titles.join(", "), view.subject);
        // Atom wants an author; without details, the site stands for it.
        let author = if view.details { &view.author } else { &site.config.title };
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", e(&entry_title)));
        out.push_str(&format!("    <id>tag:casebook,2000:commit/{}</id>\n", e(&commit.hash)));
        out.push_str(&format!("    <link href=\"{}\"/>\n", e(&absolute(site, &links[0].1))));
        out.push_str(&format!("    <updated>{}</updated>\n", rfc3339(commit.time)));
        out.push_str(&format!("    <author><name>{}</name></author>\n", e(author)));
        let mut html = String::new();
        if view.details && !commit.body.is_empty() {
            html.push_str(&format!("<p>{}</p>", e(&commit.body)));
        }
        let review = review_line(&view);
        if !review.is_empty() {
            html.push_str(&format!("<p>{}</p>", e(&review)));
        }
        html.push_str("<ul>");
        for (t, u) in &links {
            html.push_str(&format!("<li><a href=\"{}\">{}</a></li>", e(&absolute(site, u)), e(t)));
        }
        html.push_str("</ul>");
        out.push_str(&format!("    <content type=\"html\">{}</content>\n", e(&html)));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// How a commit was reviewed, in words: "Pull request #3 · Approved by A ·
/// Reviewed by B", as the history page shows it.
fn review_line(view: &CommitView) -> String {
    let mut parts: Vec<String> = view.request.map(|n| format!("Pull request #{n}")).into_iter().collect();
    if !view.approvals.is_empty() {
        parts.push(format!("Approved by {}", view.approvals.join(", ")));
    }
    if !view.reviews.is_empty() {
        parts.push(format!("Reviewed by {}", view.reviews.join(", ")));
    }
    parts.join(" · ")
}
