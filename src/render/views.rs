//! Small views shared by page contexts, components and metric views:
//! links, role links, statuses, dates and register rows.

use jiff::civil::Date;
use serde::Serialize;

use crate::kind::Kind;
use crate::model::policy::PolicyStatus;
use crate::model::{Page, PageId, Site};

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub kind: Kind,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleLink {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    pub holder: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub id: &'static str,
    pub label: &'static str,
}

impl From<PolicyStatus> for StatusView {
    fn from(s: PolicyStatus) -> StatusView {
        StatusView {
            id: s.id(),
            label: s.label(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// `2026-11-27`, for `<time datetime>` and sorting.
    pub iso: String,
    /// `27 November 2026`.
    pub display: String,
}

impl From<Date> for DateView {
    fn from(d: Date) -> DateView {
        DateView {
            iso: d.to_string(),
            display: display_date(d),
        }
    }
}

pub fn display_date(d: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {} {}", d.day(), MONTHS[(d.month() - 1) as usize], d.year())
}

pub fn link(site: &Site, id: PageId) -> Link {
    let p = site.page(id);
    Link {
        title: p.title.clone(),
        url: p.url().to_string(),
        kind: p.kind(),
    }
}

pub fn role_link(site: &Site, role: &str) -> RoleLink {
    match site.role_page(role) {
        Some(p) => RoleLink {
            id: role.to_string(),
            title: p.title.clone(),
            url: Some(p.url().to_string()),
            holder: p.front().holder.clone(),
        },
        None => RoleLink {
            id: role.to_string(),
            title: role.to_string(),
            url: None,
            holder: None,
        },
    }
}

/// One row of the policy register.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterRow {
    pub title: String,
    pub url: String,
    pub reference: Option<String>,
    pub owner: Option<RoleLink>,
    pub approver: Option<RoleLink>,
    pub effective: Option<DateView>,
    pub next_review: Option<DateView>,
    pub days_to_review: Option<i64>,
    pub status: StatusView,
    /// Set on the row of an earlier text still in force: until this day.
    pub in_force_until: Option<DateView>,
}

pub fn register_rows(site: &Site, ids: &[PageId]) -> Vec<RegisterRow> {
    ids.iter()
        .filter_map(|&id| {
            let p: &Page = site.page(id);
            let l = p.lifecycle.as_ref()?;
            let fm = p.front();
            Some(RegisterRow {
                title: p.title.clone(),
                url: p.url().to_string(),
                reference: fm.reference.clone(),
                owner: fm.owner.as_ref().map(|r| role_link(site, &r.id)),
                approver: fm.approver.as_ref().map(|r| role_link(site, &r.id)),
                effective: l.effective.map(DateView::from),
                next_review: l.next_review.map(DateView::from),
                days_to_review: l.days_to_review,
                status: l.status.into(),
                in_force_until: None,
            })
        })
        .collect()
}
