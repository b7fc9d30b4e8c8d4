//! The text in force beside a policy that takes effect later: a panel on
//! the policy's page, a second row in the register, and the page
//! `<policy>/in-force/` with that text.
//!
//! The earlier text goes through the same Markdown renderer as any page,
//! with links resolved against this build (a link to a page it does not
//! publish stays as text). Components are not run in it: they show today's
//! data (metrics, policy lists), which is not what that text showed, so each
//! call is replaced by a note naming the component.

use serde::Serialize;

use super::history::{CommitView, commit_view, crumbs, page_json};
use super::theme::Theme;
use super::views::{self, DateView, RegisterRow, StatusView};
use super::{OutputFile, Render, context, output_path};
use crate::diag::{Diagnostic, Diagnostics};
use crate::history::in_force::{self, Earlier, Revision};
use crate::model::policy::{self, PolicyStatus};
use crate::model::{PageId, Site};
use crate::parse::markdown::{self, PageContext, placeholder};

/// Where a policy's text in force is published, under the policy's own URL.
pub const FOLDER: &str = "in-force/";

/// `in_force` in a policy's template: set for policies not yet in effect.
#[derive(Debug, Clone, Serialize)]
pub struct InForceView {
    /// `shown`, `nothing` (no earlier text is in force) or `unavailable`.
    pub state: &'static str,
    /// When the current text takes effect, and the earlier one stops.
    pub until: Option<DateView>,
    pub title: Option<String>,
    pub effective: Option<DateView>,
    pub next_review: Option<DateView>,
    pub status: Option<StatusView>,
    /// The commit of the earlier text; set whenever it is shown.
    pub commit: Option<CommitView>,
    /// The page holding the earlier text, relative to the root.
    pub url: Option<String>,
    /// The current text's page, relative to the root.
    pub policy_url: String,
}

/// The earlier text of policy `id` when its current text is not yet in effect.
fn earlier(r: Render<'_>, id: PageId) -> Option<Earlier> {
    let p = r.site.page(id);
    let scheduled = p
        .lifecycle
        .as_ref()
        .is_some_and(|l| l.status == PolicyStatus::Scheduled);
    scheduled.then(|| in_force::find(r.site, r.history, p))
}

/// The URL of `id`'s text in force, unless a page already has it.
fn page_url(site: &Site, id: PageId) -> Option<String> {
    let url = format!("{}{FOLDER}", site.page(id).url());
    (!site.by_url.contains_key(&url)).then_some(url)
}

fn view_of(r: Render<'_>, id: PageId, earlier: &Earlier) -> InForceView {
    let p = r.site.page(id);
    let state = match earlier {
        Earlier::InForce(rev) => return shown(r, id, rev),
        Earlier::Nothing => "nothing",
        Earlier::Unavailable => "unavailable",
    };
    InForceView {
        state,
        until: p.lifecycle.as_ref().and_then(|l| l.effective).map(DateView::from),
        title: None,
        effective: None,
        next_review: None,
        status: None,
        commit: None,
        url: None,
        policy_url: p.url().to_string(),
    }
}

/// The view of `rev`, the text in force of policy `id`.
fn shown(r: Render<'_>, id: PageId, rev: &Revision) -> InForceView {
    let site = r.site;
    let p = site.page(id);
    let l = policy::lifecycle(&rev.front, site.today, site.config.review_due_days);
    InForceView {
        state: "shown",
        until: p.lifecycle.as_ref().and_then(|l| l.effective).map(DateView::from),
        title: Some(rev.front.title.clone().unwrap_or_else(|| p.title.clone())),
        effective: l.effective.map(DateView::from),
        next_review: l.next_review.map(DateView::from),
        status: Some(l.status.into()),
        commit: r.history.map(|a| commit_view(&a.set, rev.commit, None)),
        url: page_url(site, id),
        policy_url: p.url().to_string(),
    }
}

/// `in_force` for the page `id`: `None` unless it is a policy not yet in effect.
pub fn view(r: Render<'_>, id: PageId) -> Option<InForceView> {
    let earlier = earlier(r, id)?;
    Some(view_of(r, id, &earlier))
}

/// The register's rows for `ids`: a policy not yet in effect is followed by
/// the row of its text in force, when there is one to show.
pub fn register_rows(r: Render<'_>, ids: &[PageId]) -> Vec<RegisterRow> {
    let mut rows = Vec::with_capacity(ids.len());
    for &id in ids {
        rows.extend(views::register_rows(r.site, &[id]));
        if let Some(Earlier::InForce(rev)) = earlier(r, id) {
            rows.push(register_row(r, id, &rev));
        }
    }
    rows
}

fn register_row(r: Render<'_>, id: PageId, rev: &Revision) -> RegisterRow {
    let site = r.site;
    let view = shown(r, id, rev);
    let l = policy::lifecycle(&rev.front, site.today, site.config.review_due_days);
    // Only roles this build publishes: the revision may name others.
    let role = |r: &Option<crate::yaml::Ref>| {
        r.as_ref()
            .filter(|r| site.roles.contains_key(&r.id))
            .map(|r| views::role_link(site, &r.id))
    };
    RegisterRow {
        title: view.title.unwrap_or_default(),
        url: view.url.unwrap_or(view.policy_url),
        reference: rev.front.reference.clone(),
        owner: role(&rev.front.owner),
        approver: role(&rev.front.approver),
        effective: view.effective,
        next_review: view.next_review,
        days_to_review: l.days_to_review,
        status: l.status.into(),
        in_force_until: view.until,
    }
}

/// `<policy>/in-force/` for every policy not yet in effect whose earlier
/// text can be shown.
pub fn files(r: Render<'_>, theme: &Theme, diags: &mut Diagnostics) -> Vec<OutputFile> {
    let mut out = Vec::new();
    for &id in &r.site.register {
        let Some(Earlier::InForce(rev)) = earlier(r, id) else {
            continue;
        };
        let Some(url) = page_url(r.site, id) else {
            continue;
        };
        match page(r, theme, id, &rev, &url) {
            Ok(f) => out.push(f),
            Err(d) => diags.push(d),
        }
    }
    out
}

fn page(r: Render<'_>, theme: &Theme, id: PageId, rev: &Revision, url: &str) -> Result<OutputFile, Diagnostic> {
    let site = r.site;
    let p = site.page(id);
    let view = shown(r, id, rev);
    let title = view.title.clone().unwrap_or_else(|| p.title.clone());
    let mut ctx = theme.context();
    ctx.insert("root", &context::root_for(url));
    ctx.insert("page", &page_json(&title, url, crumbs(site, id)));
    ctx.insert("in_force", &view);
    ctx.insert("content", &body(site, id, rev, url));
    let html = theme.render("in_force.html", &ctx, Some(&p.parsed.file))?;
    Ok(OutputFile::text(output_path(url), html))
}

/// The earlier text as HTML for the page at `url`.
fn body(site: &Site, id: PageId, rev: &Revision, url: &str) -> String {
    let file = crate::diag::display_path(&site.config.content_dir.join(&rev.rel));
    let ctx = PageContext {
        full: &rev.text,
        file: &file,
        body_offset: rev.body_offset,
        rel: &rev.rel,
        url,
        title_from_heading: rev.front.title.is_none(),
        variables: site.config.variables.as_ref(),
        numbered: rev
            .front
            .numbered
            .unwrap_or_else(|| site.config.numbered.contains(&site.page(id).kind())),
    };
    // Problems of an old revision are not this build's to report.
    let mut rendered = markdown::render(&rev.text[rev.body_offset..], &ctx, &mut Vec::new());
    let mut body = rendered.html.unpack();
    if site.config.safe_html {
        body = crate::parse::sanitize::sanitize(&body);
    }
    crate::model::rewrite_links_at(site, id, url, &mut rendered.links);
    let xrefs = crate::model::xref_texts_of(site, id, &rendered.headings, &rendered.links, &rendered.drafting.xrefs);
    let mut html = super::terms::plain(&super::resolve_links(site, &rendered.links, &body), &xrefs);
    for (n, call) in rendered.calls.iter().enumerate() {
        let note = format!(
            "The component <code>{}</code> is shown only in the current text.",
            markdown::escape_attr(&call.call.name)
        );
        let note = if call.block {
            format!("<p class=\"component-omitted\">{note}</p>")
        } else {
            format!("<span class=\"component-omitted\">{note}</span>")
        };
        html = html.replacen(&placeholder(n), &note, 1);
    }
    super::typography::keep_dates_whole(&html)
}
