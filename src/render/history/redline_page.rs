//! One redline page: a page's text between two commits or two published
//! versions, with the fields and definitions the change touches.

use serde::Serialize;

use super::{CommitView, Compare, Job, commit_view, commits_between, crumbs, page_json};
use crate::diag::Diagnostic;
use crate::history::VersionSet;
use crate::history::redline::{FieldChange, Redline, Section};
use crate::model::{PageId, Site};
use crate::render::theme::Theme;
use crate::render::{OutputFile, context, output_path, views};

#[derive(Serialize)]
struct RedlineView<'a> {
    title: String,
    page_title: &'a str,
    page_url: &'a str,
    history_url: String,
    from_label: String,
    to_label: String,
    commit: Option<CommitView>,
    /// Commits between the two versions that touched the page.
    commits: Vec<CommitView>,
    html: &'a str,
    words_added: usize,
    words_removed: usize,
    blocks_added: usize,
    blocks_removed: usize,
    blocks_changed: usize,
    blocks_moved: usize,
    /// Changes are `#change-1` … `#change-{changes}` in `html`.
    changes: usize,
    sections: &'a [Section],
    foldable: bool,
    front: &'a [FieldChange],
    definitions: Vec<DefinitionView<'a>>,
}

/// A definition the change adds, rewrites or removes, with the pages that
/// use the term in this build.
#[derive(Serialize)]
struct DefinitionView<'a> {
    term: &'a str,
    old: Option<&'a str>,
    new: Option<&'a str>,
    used_on: Vec<views::Link>,
}

/// The pages of latest that use `term` as page `id` defines it.
fn used_on(site: &Site, id: PageId, term: &str) -> Vec<views::Link> {
    use crate::model::terms::Origin;
    let defines = |o: &Origin| matches!(o, Origin::Page { page, .. } if *page == id);
    let mut pages: Vec<PageId> = site
        .terms
        .entries
        .iter()
        .filter(|e| e.term == term && (defines(&e.origin) || e.also.iter().any(defines)))
        .flat_map(|e| e.uses.iter().map(|u| u.page))
        .collect();
    pages.sort_unstable();
    pages.dedup();
    pages.into_iter().map(|p| views::link(site, p)).collect()
}

pub(super) fn render(
    site: &Site,
    set: &VersionSet,
    theme: &Theme,
    job: &Job,
    r: &Redline,
) -> Result<OutputFile, Diagnostic> {
    let p = site.page(job.id);
    let log = &set.history.log;
    let (from_label, to_label, commit, commits) = match job.what {
        Compare::Commit { commit, change } => {
            // The page's previous change, which is what the old text is.
            let trail = set.pages[0].get(&job.identity).map(|vp| &vp.trail.changes);
            let before = trail
                .and_then(|t| t.iter().position(|&(c, _)| c == commit).and_then(|i| t.get(i + 1)))
                .map(|&(c, _)| log.short(c).to_string());
            (
                before.map_or_else(|| "the previous text".to_string(), |s| format!("commit {s}")),
                format!("commit {}", log.short(commit)),
                Some(commit_view(set, commit, Some(change))),
                Vec::new(),
            )
        }
        Compare::Versions { from, to } => (
            set.list[from].label.clone(),
            set.list[to].label.clone(),
            None,
            commits_between(set, &job.identity, from, to),
        ),
    };
    let title = format!("Redline: {}", p.title);
    let view = RedlineView {
        title: title.clone(),
        page_title: &p.title,
        page_url: p.url(),
        history_url: format!("{}history/", p.url()),
        from_label,
        to_label,
        commit,
        commits,
        html: &r.html,
        words_added: r.words_added,
        words_removed: r.words_removed,
        blocks_added: r.blocks_added,
        blocks_removed: r.blocks_removed,
        blocks_changed: r.blocks_changed,
        blocks_moved: r.blocks_moved,
        changes: r.changes,
        sections: &r.sections,
        foldable: r.foldable,
        front: &r.front,
        definitions: r
            .definitions
            .iter()
            .map(|d| DefinitionView {
                term: &d.term,
                old: d.old.as_deref(),
                new: d.new.as_deref(),
                used_on: used_on(site, job.id, &d.term),
            })
            .collect(),
    };
    let mut ctx = theme.context();
    ctx.insert("root", &context::root_for(&job.url));
    ctx.insert("page", &page_json(&title, &job.url, crumbs(site, job.id)));
    ctx.insert("redline", &view);
    let html = theme.render("redline.html", &ctx, Some(&p.parsed.file))?;
    Ok(OutputFile::text(output_path(&job.url), html))
}
