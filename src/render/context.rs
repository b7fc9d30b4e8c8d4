//! The views templates see: plain serializable structs built from the model.
//!
//! Templates never reach into the model; everything they may show is named
//! here, which is also the documented template interface of a theme.

use serde::Serialize;
use serde_json::Value;

use super::views::{DateView, Link, RoleLink, StatusView, display_date, link, role_link};
use crate::kind::Kind;
use crate::model::{PageId, Site};
use crate::paths;

/// How many pages of a section the sidebar lists before linking to the section.
pub const SIDEBAR_LIMIT: usize = 40;

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: Option<String>,
    pub organisation: Option<String>,
    pub base_url: String,
    pub language: String,
    pub version: Option<String>,
    pub today: String,
    pub today_display: String,
    /// Top-level sections with their sub-sections.
    pub nav: Vec<NavItem>,
    pub has_register: bool,
    /// The site has metric files, listed at `metrics/`.
    pub has_metrics: bool,
    /// The site defines terms, listed at `glossary/`.
    pub has_glossary: bool,
    /// The site icon's path from the site root.
    pub favicon: String,
    /// The CSS `@page` size of `pdf: {paper}`: `A4`, `letter` or `legal`.
    pub paper: &'static str,
    /// `pdf: {policy_pack: true}`: the register links the printable pack.
    pub policy_pack: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub title: String,
    pub url: String,
    pub children: Vec<NavItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub title: String,
    pub url: String,
    pub kind: Kind,
    pub is_section: bool,
    pub description: Option<String>,
    pub owner: Option<RoleLink>,
    pub status: Option<StatusView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyView {
    pub status: StatusView,
    pub effective: Option<DateView>,
    pub next_review: Option<DateView>,
    /// Days until the next review; negative when overdue.
    pub days_to_review: Option<i64>,
    pub review_every: Option<String>,
    pub reference: Option<String>,
    pub approver: Option<RoleLink>,
    pub supersedes: Option<Link>,
    pub superseded_by: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RaciEntry {
    pub activity: String,
    pub letter: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleView {
    pub id: String,
    pub holder: Option<String>,
    pub responsibilities: Vec<String>,
    pub raci: Vec<RaciEntry>,
    pub reports_to: Option<RoleLink>,
    pub direct_reports: Vec<RoleLink>,
    pub policies_owned: Vec<Item>,
    pub policies_approved: Vec<Item>,
    pub playbooks: Vec<Item>,
    pub goals: Vec<Item>,
    pub other_pages: Vec<Item>,
    /// The metrics this role owns, with their latest KPIs.
    pub metrics: Option<super::metric_views::KpiTable>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyResultView {
    pub metric: String,
    pub target: Option<f64>,
    pub by: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GoalView {
    pub id: String,
    pub outcome: Option<String>,
    pub due: Option<String>,
    /// `Q2 2027`, for running text.
    pub due_label: Option<String>,
    pub owners: Vec<RoleLink>,
    pub key_results: Vec<KeyResultView>,
    /// Each key result's progress from the metric data, and the overall status.
    pub progress: Option<super::metric_views::GoalProgressView>,
    /// Each key result's metric against its path to the target, as charts.
    pub charts: Vec<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub quarter: Option<String>,
    pub quarter_label: Option<String>,
    pub author: Option<RoleLink>,
    /// KPI summary, goals, metrics needing attention, policies due and
    /// changed, as of the report's day (set by `render::page_context`,
    /// which knows the history).
    pub computed: Option<super::report::ReportSections>,
    /// Organisation, meeting, presenter and date (set by `render::page`,
    /// which knows the history).
    pub cover: Option<super::print::CoverView>,
    /// The running footer of the printed report, as a CSS string.
    pub print_title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub text: String,
    pub id: String,
    /// The clause number of a numbered page's heading.
    pub number: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub title: String,
    pub description: Option<String>,
    pub url: String,
    pub kind: Kind,
    pub is_section: bool,
    pub is_home: bool,
    pub source: String,
    pub audience: String,
    pub tags: Vec<String>,
    pub draft: bool,
    /// Rendered body (print with `| safe`).
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    pub reading_minutes: usize,
    pub breadcrumbs: Vec<Link>,
    pub owner: Option<RoleLink>,
    pub policy: Option<PolicyView>,
    pub role: Option<RoleView>,
    pub goal: Option<GoalView>,
    pub report: Option<ReportView>,
    /// For section pages: what the section holds.
    pub children: Vec<Item>,
    /// The sidebar: pages of this page's section (at most [`SIDEBAR_LIMIT`]).
    pub section_pages: Vec<Link>,
    pub section_more: usize,
    pub section: Option<Link>,
    /// The sidebar: the top-level section this page is in, as a tree. When
    /// a page is rendered, each entry of the tree's top level also has
    /// `html`, that entry rendered by `partials/sidebar_branch.html`.
    pub tree: Option<tera::Value>,
    /// The pages before and after this one in its section's reading order.
    pub prev: Option<Link>,
    pub next: Option<Link>,
    /// `edit_url` from the config, for this page's source file.
    pub edit_url: Option<String>,
    /// For `<meta name="description">` and link previews; never empty.
    pub meta_description: String,
    /// Unknown front matter keys.
    pub extra: Value,
    /// `last_modified_at` (or `date`) from front matter, shown as "last
    /// updated" when git has no history for the page.
    pub updated: Option<DateView>,
    /// The protective marking of the page's audience, when one is configured.
    pub marking: Option<super::print::Marking>,
}

pub fn site_view(site: &Site, version: Option<String>) -> SiteView {
    let nav_item = |id: PageId, depth: usize| -> NavItem {
        fn build(site: &Site, id: PageId, depth: usize) -> NavItem {
            let p = site.page(id);
            NavItem {
                title: p.title.clone(),
                url: p.url().to_string(),
                children: if depth == 0 {
                    Vec::new()
                } else {
                    p.children
                        .iter()
                        .copied()
                        .filter(|&c| site.page(c).is_section())
                        .map(|c| build(site, c, depth - 1))
                        .collect()
                },
            }
        }
        build(site, id, depth)
    };
    // The home page's sections; a site (or audience) without any gets its
    // top-level pages instead, so its navigation is never empty.
    let top = |sections: bool| -> Vec<NavItem> {
        site.home()
            .map(|h| {
                site.page(h)
                    .children
                    .iter()
                    .copied()
                    .filter(|&c| site.page(c).is_section() == sections)
                    .map(|c| nav_item(c, 1))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut nav = top(true);
    if nav.is_empty() {
        nav = top(false);
    }
    SiteView {
        title: site.config.title.clone(),
        description: site.config.description.clone(),
        organisation: site.config.organisation.clone(),
        base_url: site.config.base_url.clone(),
        language: site.config.language.clone(),
        version,
        today: site.today.to_string(),
        today_display: display_date(site.today),
        nav,
        has_register: !site.register.is_empty(),
        has_metrics: !site.metrics.is_empty(),
        has_glossary: !site.terms.entries.is_empty(),
        favicon: super::theme::favicon_name(&site.config),
        paper: site.config.print.paper.css(),
        policy_pack: site.config.print.policy_pack && !site.register.is_empty(),
    }
}

pub fn item(site: &Site, id: PageId) -> Item {
    let p = site.page(id);
    Item {
        title: p.title.clone(),
        url: p.url().to_string(),
        kind: p.kind(),
        is_section: p.is_section(),
        description: p.description.clone(),
        owner: p.front().owner.as_ref().map(|r| role_link(site, &r.id)),
        status: p.lifecycle.as_ref().map(|l| l.status.into()),
    }
}

fn items(site: &Site, ids: &[PageId]) -> Vec<Item> {
    ids.iter().map(|&id| item(site, id)).collect()
}

pub fn page_view(site: &Site, trees: &super::sidebar::Trees, id: PageId) -> PageView {
    let p = site.page(id);
    let fm = p.front();
    let role_links = |refs: &[crate::yaml::Ref]| refs.iter().map(|r| role_link(site, &r.id)).collect::<Vec<_>>();
    let policy = p.lifecycle.as_ref().map(|l| PolicyView {
        status: l.status.into(),
        effective: l.effective.map(DateView::from),
        next_review: l.next_review.map(DateView::from),
        days_to_review: l.days_to_review,
        review_every: fm.review_every.map(|i| {
            let unit = match i.unit {
                crate::parse::front_matter::IntervalUnit::Days => "day",
                crate::parse::front_matter::IntervalUnit::Weeks => "week",
                crate::parse::front_matter::IntervalUnit::Months => "month",
                crate::parse::front_matter::IntervalUnit::Years => "year",
            };
            format!("{} {unit}{}", i.amount, if i.amount == 1 { "" } else { "s" })
        }),
        reference: fm.reference.clone(),
        approver: fm.approver.as_ref().map(|r| role_link(site, &r.id)),
        supersedes: p.supersedes.map(|old| link(site, old)),
        superseded_by: site
            .superseded_by
            .get(&id)
            .map(|v| v.iter().map(|&n| link(site, n)).collect())
            .unwrap_or_default(),
    });
    let role = p.role_id.as_ref().map(|rid| {
        let o = site.ownership.get(rid).cloned().unwrap_or_default();
        RoleView {
            id: rid.clone(),
            holder: fm.holder.clone(),
            responsibilities: fm.responsibilities.clone(),
            raci: fm
                .raci
                .iter()
                .map(|(a, l)| RaciEntry {
                    activity: a.clone(),
                    letter: l.clone(),
                })
                .collect(),
            reports_to: fm.reports_to.as_ref().map(|r| role_link(site, &r.id)),
            direct_reports: o
                .direct_reports
                .iter()
                .filter_map(|&d| site.page(d).role_id.as_ref().map(|r| role_link(site, r)))
                .collect(),
            policies_owned: items(site, &o.policies_owned),
            policies_approved: items(site, &o.policies_approved),
            playbooks: items(site, &o.playbooks),
            goals: items(site, &o.goals),
            other_pages: items(site, &o.other_pages),
            metrics: super::metric_views::role_metrics(site, rid),
        }
    });
    let goal = p.goal_id.as_ref().map(|gid| GoalView {
        id: gid.clone(),
        outcome: fm.outcome.clone(),
        due: fm.due.or(fm.quarter).map(|q| q.to_string()),
        due_label: fm.due.or(fm.quarter).map(|q| site.config.quarter_format.label(q)),
        owners: role_links(&fm.owners),
        key_results: fm
            .key_results
            .iter()
            .map(|k| KeyResultView {
                metric: k.metric.id.clone(),
                target: k.target,
                by: k.by.map(|q| site.config.quarter_format.label(q)),
                description: k.description.clone(),
            })
            .collect(),
        progress: super::metric_views::goal_progress(site, gid, None),
        charts: super::dashboard::goal_charts(site, gid),
    });
    let report = (p.kind() == Kind::Report && !p.is_section()).then(|| ReportView {
        quarter: fm.quarter.map(|q| q.to_string()),
        quarter_label: fm.quarter.map(|q| site.config.quarter_format.label(q)),
        author: fm.author.as_ref().map(|r| role_link(site, &r.id)),
        computed: None,
        cover: None,
        print_title: crate::pdf::css_string(&match &site.config.organisation {
            Some(org) => format!("{org} · {}", p.title),
            None => p.title.clone(),
        }),
    });
    let section_id = if p.is_section() { Some(id) } else { p.parent };
    let (section_pages, section_more) = section_id
        .map(|s| {
            let kids = &site.page(s).children;
            let shown: Vec<Link> = kids.iter().take(SIDEBAR_LIMIT).map(|&c| link(site, c)).collect();
            (shown, kids.len().saturating_sub(SIDEBAR_LIMIT))
        })
        .unwrap_or_default();
    let words = p.parsed.body.word_count;
    let headings = p
        .parsed
        .body
        .headings
        .iter()
        .filter(|h| (2..=3).contains(&h.level))
        .map(|h| TocEntry {
            level: h.level,
            text: h.text.clone(),
            id: h.id.clone(),
            number: h.number.clone(),
        });
    let children = if p.is_section() {
        items(site, &p.children)
    } else {
        Vec::new()
    };
    let toc = generated_before(role.as_ref(), goal.as_ref())
        .into_iter()
        .chain(headings)
        .chain(generated_after(
            role.as_ref(),
            // The home page shows its sections as cards instead.
            if p.url().is_empty() { &[] } else { &children },
        ))
        .collect();
    let (prev, next) = super::navigation::prev_next(site, id);
    PageView {
        title: p.title.clone(),
        description: p.description.clone(),
        url: p.url().to_string(),
        kind: p.kind(),
        is_section: p.is_section(),
        is_home: p.url().is_empty(),
        source: p.parsed.rel.clone(),
        audience: p.audience.clone(),
        tags: fm.tags.clone(),
        draft: fm.draft,
        content: String::new(),
        toc,
        word_count: words,
        reading_minutes: words.div_ceil(230).max(1),
        breadcrumbs: site.ancestors(id).into_iter().map(|a| link(site, a)).collect(),
        owner: fm.owner.as_ref().map(|r| role_link(site, &r.id)),
        policy,
        role,
        goal,
        report,
        children,
        section_pages,
        section_more,
        section: section_id.map(|s| link(site, s)),
        tree: trees.of(site, id),
        prev,
        next,
        // Set by `render::page`, which knows where the repository is.
        edit_url: None,
        meta_description: super::navigation::meta_description(site, id),
        extra: serde_json::to_value(&fm.extra).unwrap_or(Value::Null),
        updated: fm.last_modified.or(fm.date).map(DateView::from),
        marking: super::print::marking(site, &p.audience),
    }
}

impl TocEntry {
    /// An entry for a section the theme renders from page data, not from the Markdown.
    pub fn generated(id: &str, text: &str) -> TocEntry {
        TocEntry {
            level: 2,
            text: text.to_string(),
            id: id.to_string(),
            number: None,
        }
    }
}

/// "On this page" entries for the sections the default theme renders above
/// the body; their ids are the ones in the templates.
fn generated_before(role: Option<&RoleView>, goal: Option<&GoalView>) -> Vec<TocEntry> {
    let mut out = Vec::new();
    if role.is_some_and(|r| !r.responsibilities.is_empty()) {
        out.push(TocEntry::generated("resp-title", "Responsibilities"));
    }
    if let Some(g) = goal {
        let progress = g.progress.as_ref().is_some_and(|p| !p.key_results.is_empty());
        if progress {
            out.push(TocEntry::generated("progress-title", "Progress"));
        } else if !g.key_results.is_empty() {
            out.push(TocEntry::generated("kr-title", "Key results"));
        }
        if !g.charts.is_empty() {
            out.push(TocEntry::generated("path-title", "Key results against their path"));
        }
    }
    out
}

/// The same for the sections below the body.
fn generated_after(role: Option<&RoleView>, children: &[Item]) -> Vec<TocEntry> {
    let mut out = Vec::new();
    if let Some(r) = role {
        out.push(TocEntry::generated("owns-title", "What this role owns"));
        if !r.raci.is_empty() {
            out.push(TocEntry::generated("raci-title", "Part in key activities"));
        }
        if r.metrics.is_some() {
            out.push(TocEntry::generated("metrics-title", "Metrics this role owns"));
        }
    }
    if !children.is_empty() {
        out.push(TocEntry::generated("in-section", "In this section"));
    }
    out
}

/// The relative prefix from a page URL back to the site root.
pub fn root_for(url: &str) -> String {
    paths::root_of(url)
}
