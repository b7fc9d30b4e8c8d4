//! `changes/`: every version with counts, and for each version the pages
//! added, changed (with redlines and commits) and removed since the one
//! before it. Written by latest's build only.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::json;

use super::{
    CHANGES_URL, CommitView, Compare, commits_between, listed, page_json, pair_redline_url, same_blob, text_in,
};
use crate::diag::Diagnostic;
use crate::history::redline;
use crate::history::{VersionPage, VersionSet};
use crate::model::Site;
use crate::render::theme::Theme;
use crate::render::{OutputFile, context, output_path};

#[derive(Serialize)]
struct ChangedPage {
    title: String,
    url: String,
    redline: Option<String>,
    commits: Vec<CommitView>,
    uncommitted: bool,
}

/// `changes/` and `changes/<version>/` for every version.
pub(super) fn pages(
    site: &Site,
    set: &VersionSet,
    theme: &Theme,
    made: &HashSet<(String, Compare)>,
) -> Vec<Result<OutputFile, Diagnostic>> {
    let mut out = Vec::new();
    let mut index = Vec::new();
    for k in 0..set.list.len() {
        let url = format!("{CHANGES_URL}{}/", set.list[k].slug);
        let prev = k + 1;

        let link = |k: usize, p: &VersionPage| format!("{}{}", set.list[k].path, p.url);
        let (mut added, mut changed, mut removed) = (Vec::new(), Vec::new(), Vec::new());
        if prev < set.list.len() {
            for (identity, p) in listed(&set.pages[k]) {
                let Some(old) = set.pages[prev].get(identity.as_str()) else {
                    added.push(json!({ "title": p.title, "url": link(k, p) }));
                    continue;
                };
                let pair = Compare::Versions { from: prev, to: k };
                let redline = made.contains(&(identity.clone(), pair));
                let differs = redline
                    || (!set.pages[0].contains_key(identity.as_str()) && !same_blob(set, identity, prev, k) && {
                        // Gone from latest, so no redline was made: compare here.
                        let texts = set.history.blobs(
                            &[old.blob.clone(), p.blob.clone()]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>(),
                        );
                        let a = text_in(site, set, prev, identity, &texts);
                        let b = text_in(site, set, k, identity, &texts);
                        matches!((a, b), (Some(a), Some(b)) if redline::compare(&a, &b).has_changes())
                    });
                if !differs {
                    continue;
                }
                let latest_url = set.pages[0].get(identity.as_str()).map(|l| l.url.clone());
                changed.push(ChangedPage {
                    title: p.title.clone(),
                    url: link(k, p),
                    redline: redline
                        .then(|| latest_url.map(|u| pair_redline_url(set, &u, prev, k)))
                        .flatten(),
                    commits: commits_between(set, identity, prev, k),
                    uncommitted: p.uncommitted && old.url == p.url,
                });
            }
            for (identity, p) in listed(&set.pages[prev]) {
                if !set.pages[k].contains_key(identity.as_str()) {
                    removed.push(json!({ "title": p.title, "url": link(prev, p) }));
                }
            }
        }
        let v = super::super::versions::version_link(set, k);
        let previous = (prev < set.list.len()).then(|| super::super::versions::version_link(set, prev));
        index.push(json!({
            "version": v,
            "url": url,
            "previous": previous,
            "added": added.len(),
            "changed": changed.len(),
            "removed": removed.len(),
            "pages": set.pages[k].values().filter(|p| !p.implicit).count(),
        }));
        let title = format!("What changed in {}", set.list[k].label);
        let mut ctx = theme.context();
        ctx.insert("root", &context::root_for(&url));
        ctx.insert("page", &page_json(&title, &url, Vec::new()));
        ctx.insert(
            "changes",
            &json!({
                "title": title,
                "version": v,
                "previous": previous,
                "added": added,
                "changed": changed,
                "removed": removed,
                "pages": set.pages[k].values().filter(|p| !p.implicit).count(),
            }),
        );
        out.push(
            theme
                .render("changes.html", &ctx, None)
                .map(|html| OutputFile::text(output_path(&url), html)),
        );
    }
    let mut ctx = theme.context();
    ctx.insert("root", &context::root_for(CHANGES_URL));
    ctx.insert("page", &page_json("Versions and what changed", CHANGES_URL, Vec::new()));
    ctx.insert("changes_index", &index);
    out.push(
        theme
            .render("changes.html", &ctx, None)
            .map(|html| OutputFile::text(output_path(CHANGES_URL), html)),
    );
    out
}
