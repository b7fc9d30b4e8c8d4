//! What printing needs from a render: each page's protective marking, the
//! date a board report is dated, the policy pack page, and the list of
//! PDFs `build --pdf` prints ([`jobs`]).

use jiff::civil::Date;
use serde::Serialize;

use super::context::{self, TocEntry};
use super::theme::Theme;
use super::views::{DateView, display_date};
use super::{OutputFile, Render, output_path};
use crate::diag::Diagnostic;
use crate::history::Annotations;
use crate::kind::Kind;
use crate::model::{PageId, Site, audience};
use crate::pdf::finish::Meta;
use crate::pdf::{Job, TocLine, css_string};

/// The policy pack's page and its PDF, next to the register.
pub const PACK_URL: &str = "register/policy-pack/";
pub const PACK_PDF: &str = "register/policy-pack.pdf";

/// A page's marking: the text configured for its audience, for the screen
/// and as a CSS string for the printed page's running header.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Marking {
    pub audience: String,
    pub text: String,
    pub css: String,
}

pub fn marking(site: &Site, audience: &str) -> Option<Marking> {
    site.config.print.markings.get(audience).map(|text| Marking {
        audience: audience.to_string(),
        text: text.clone(),
        css: css_string(text),
    })
}

/// The most restricted of `audiences` (the default audience when empty):
/// the audience of a page that gathers things of several.
pub fn strictest<'a>(site: &'a Site, audiences: impl IntoIterator<Item = &'a str>) -> &'a str {
    let config = &site.config;
    audiences.into_iter().fold(config.default_audience.as_str(), |a, b| {
        if audience::rank(config, b) > audience::rank(config, a) {
            b
        } else {
            a
        }
    })
}

/// The day a report is dated: its last commit, else its `date:`, else the
/// end of its quarter, else the build day. Never the clock of the build.
pub fn report_date(site: &Site, ann: Option<&Annotations>, id: PageId) -> Date {
    let p = site.page(id);
    let committed = ann.and_then(|a| Some((a, a.page(&p.parsed.rel)?))).and_then(|(a, vp)| {
        let &(c, _) = vp.trail.changes.first()?;
        let time = a.set.history.log.commits[c].time;
        jiff::Timestamp::from_second(time)
            .ok()
            .map(|t| a.set.timezone.to_datetime(t).date())
    });
    let fm = p.front();
    committed
        .or(fm.date)
        .or_else(|| fm.quarter.map(|q| q.last_day(site.config.fiscal_year_start)))
        .unwrap_or(site.today)
}

/// What a report's cover shows besides its title.
#[derive(Debug, Clone, Serialize)]
pub struct CoverView {
    pub organisation: Option<String>,
    pub meeting: Option<DateView>,
    pub presented_by: Option<super::views::RoleLink>,
    pub generated: DateView,
}

pub fn cover(r: Render<'_>, id: PageId) -> CoverView {
    let site = r.site;
    let fm = site.page(id).front();
    CoverView {
        organisation: site.config.organisation.clone(),
        meeting: fm.meeting.map(DateView::from),
        presented_by: fm.presented_by.as_ref().map(|p| super::views::role_link(site, &p.id)),
        generated: report_date(site, r.history, id).into(),
    }
}

/// `Board report, Q3 2026`: a report's subject line.
fn subject(site: &Site, id: PageId) -> String {
    let p = site.page(id);
    let mut audience = p.audience.replace('-', " ");
    if let Some(first) = audience.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    match p.front().quarter {
        Some(q) => format!("{audience} report, {}", site.config.quarter_format.label(q)),
        None => format!("{audience} report"),
    }
}

fn author(site: &Site) -> String {
    site.config
        .organisation
        .clone()
        .unwrap_or_else(|| site.config.title.clone())
}

/// The lines of a printed table of contents: the page's own, without
/// what print leaves out.
pub fn toc_lines(toc: &[TocEntry]) -> Vec<TocLine> {
    toc.iter()
        .filter(|t| t.id != "page-history")
        .map(|t| TocLine {
            id: t.id.clone(),
            text: t.text.clone(),
        })
        .collect()
}

/// Every PDF `build --pdf` prints for this render: each board report, and
/// the policy pack when configured.
pub fn jobs(r: Render<'_>, version: Option<&str>) -> Vec<Job> {
    let site = r.site;
    let trees = super::sidebar::Trees::new(site);
    let mut jobs: Vec<Job> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind() == Kind::Report && !p.is_section())
        .map(|(id, p)| Job {
            page: p.url().to_string(),
            pdf: format!("{}report.pdf", p.url()),
            meta: Meta {
                title: p.title.clone(),
                author: author(site),
                subject: subject(site, id),
                date: report_date(site, r.history, id),
            },
            print_css: String::new(),
            toc: toc_lines(&super::page_context(r, &trees, id).0.toc),
        })
        .collect();
    if site.config.print.policy_pack && !site.register.is_empty() {
        let printed = display_date(site.today);
        let version = version.unwrap_or("an unversioned build");
        let footer = format!("Uncontrolled when printed — printed on {printed} from version {version}");
        jobs.push(Job {
            page: PACK_URL.to_string(),
            pdf: PACK_PDF.to_string(),
            meta: Meta {
                title: format!("Policy pack — {}", site.config.title),
                author: author(site),
                subject: format!("Policies as of {printed}, version {version}"),
                date: site.today,
            },
            print_css: format!("@page {{ @bottom-left {{ content: {} }} }}\n", css_string(&footer)),
            toc: site.register.iter().map(|&id| pack_line(site, id)).collect(),
        });
    }
    jobs
}

fn pack_id(site: &Site, id: PageId) -> String {
    format!(
        "policy-{}",
        crate::paths::slugify(crate::paths::stem(&site.page(id).parsed.rel))
    )
}

fn pack_line(site: &Site, id: PageId) -> TocLine {
    TocLine {
        id: pack_id(site, id),
        text: site.page(id).title.clone(),
    }
}

/// One policy as the pack shows it: its facts and its text.
#[derive(Debug, Clone, Serialize)]
struct PackPolicy {
    anchor: String,
    page: context::PageView,
}

/// `register/policy-pack/`: every policy this build publishes, in register
/// order, on one page made for printing.
pub fn policy_pack(r: Render<'_>, theme: &Theme) -> Result<Option<OutputFile>, Vec<Diagnostic>> {
    let site = r.site;
    if !site.config.print.policy_pack || site.register.is_empty() {
        return Ok(None);
    }
    let root = context::root_for(PACK_URL);
    let trees = super::sidebar::Trees::new(site);
    let mut policies = Vec::new();
    let mut errors = Vec::new();
    for &id in &site.register {
        let mut page = context::page_view(site, &trees, id);
        match super::body_with_components(site, theme, id, &root, None) {
            Ok(body) => {
                page.content = rebase(&body, site.page(id).url(), PACK_URL);
                policies.push(PackPolicy {
                    anchor: pack_id(site, id),
                    page,
                });
            }
            Err(d) => errors.extend(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let audiences: Vec<&str> = site
        .register
        .iter()
        .map(|&id| site.page(id).audience.as_str())
        .collect();
    let mut ctx = theme.context();
    ctx.insert("root", &root);
    ctx.insert(
        "page",
        &serde_json::json!({
            "title": "Policy pack", "url": PACK_URL, "kind": "page", "toc": [], "breadcrumbs": [],
            "marking": marking(site, strictest(site, audiences)),
        }),
    );
    ctx.insert("policies", &policies);
    let html = theme.render("policy_pack.html", &ctx, None).map_err(|d| vec![d])?;
    Ok(Some(OutputFile::text(output_path(PACK_URL), html)))
}

/// Links in a page's body lead up to the site root by the page's depth;
/// moved to a page at another depth, they must climb as far as it does.
fn rebase(html: &str, from: &str, to: &str) -> String {
    let (up_from, up_to) = (context::root_for(from), context::root_for(to));
    if up_from == up_to {
        return html.to_string();
    }
    html.replace(&format!("href=\"{up_from}"), &format!("href=\"{up_to}"))
        .replace(&format!("src=\"{up_from}"), &format!("src=\"{up_to}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_climb_to_the_root_from_their_new_depth() {
        let html = "<a href=\"../../../policies/x/\">x</a><img src=\"../../../assets/a.png\"><a href=\"#s\">s</a>";
        assert_eq!(
            rebase(html, "handbook/compliance/y/", PACK_URL),
            "<a href=\"../../policies/x/\">x</a><img src=\"../../assets/a.png\"><a href=\"#s\">s</a>"
        );
        assert_eq!(rebase(html, "policies/y/", PACK_URL), html);
    }
}
