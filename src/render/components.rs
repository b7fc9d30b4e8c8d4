//! Components called from Markdown: `{{ policy_list(status="overdue") }}`.
//!
//! Each component is a theme template `components/<name>.html`. Built-in
//! components also get `data` computed here from the site; a site's own
//! components get their arguments only.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::args::{known, list_arg, string_arg};
use super::metric_components;
use super::report::AsOf;
use super::views::{self, register_rows, role_link};
use crate::diag::{Diagnostic, suggest};
use crate::model::policy::PolicyStatus;
use crate::model::{PageId, Site};
use crate::parse::markdown::PlacedCall;

/// The arguments each built-in accepts; a site component accepts any.
fn accepted(name: &str) -> Option<&'static [&'static str]> {
    match name {
        "policy_list" => Some(&["status", "owner", "title", "id"]),
        "raci" => Some(&["activities", "roles", "title", "id"]),
        "chart" => Some(&["metric", "metrics", "kind", "quarters", "quarter", "title", "id"]),
        "kpi" => Some(&["metric", "quarter", "title", "id"]),
        "kpi_table" => Some(&["metrics", "goal", "owner", "quarter", "title", "id"]),
        "goal_status" => Some(&["goal", "quarter", "id"]),
        "dashboard" => Some(&["title", "id"]),
        _ => None,
    }
}

/// The data a component template receives as `data`, or an error message
/// about the call's arguments. `page` is the page making the call; `as_of`
/// is set in a board report, whose components show its day.
pub fn data(site: &Site, page: PageId, call: &PlacedCall, as_of: Option<&AsOf>) -> Result<Value, String> {
    let name = call.call.name.as_str();
    let args = &call.call.args;
    if let Some(ok) = accepted(name) {
        for key in args.keys() {
            if !ok.contains(&key.as_str()) {
                return Err(format!(
                    "`{name}` has no argument `{key}`; {}",
                    suggest(key, ok.iter().copied(), &format!("it takes {}", ok.join(", ")))
                ));
            }
        }
    }
    match name {
        "policy_list" => policy_list(site, args, as_of),
        "raci" => raci(site, args),
        "chart" => metric_components::chart(site, page, call),
        "kpi" => metric_components::kpi(site, page, call, as_of),
        "kpi_table" => metric_components::kpi_table(site, page, call, as_of),
        "goal_status" => metric_components::goal_status(site, page, call, as_of),
        "dashboard" => Ok(super::dashboard::dashboard(site, page, as_of)),
        _ => Ok(Value::Null),
    }
}

fn check_role(site: &Site, role: &str) -> Result<(), String> {
    known(&site.roles, role, "role").map(|_| ())
}

fn policy_list(site: &Site, args: &BTreeMap<String, Value>, as_of: Option<&AsOf>) -> Result<Value, String> {
    let status = match string_arg(args, "status")? {
        None => None,
        Some(s) => Some(PolicyStatus::parse(s).ok_or_else(|| {
            let ids: Vec<&str> = PolicyStatus::ALL.iter().map(|s| s.id()).collect();
            format!(
                "unknown policy status `{s}`; {}",
                suggest(s, ids.iter().copied(), &format!("statuses: {}", ids.join(", ")))
            )
        })?),
    };
    let owner = string_arg(args, "owner")?;
    if let Some(o) = owner {
        check_role(site, o)?;
    }
    // In a report: the register as it stood on the report's day.
    if let Some(a) = as_of {
        return Ok(json!({ "policies": a.policy_rows(site, status, owner) }));
    }
    let ids: Vec<PageId> = site
        .register
        .iter()
        .copied()
        .filter(|&id| {
            let p = site.page(id);
            let status_ok = status.is_none_or(|s| p.lifecycle.as_ref().is_some_and(|l| l.status == s));
            let owner_ok = owner.is_none_or(|o| p.front().owner.as_ref().is_some_and(|r| r.id == o));
            status_ok && owner_ok
        })
        .collect();
    Ok(json!({ "policies": register_rows(site, &ids) }))
}

fn raci(site: &Site, args: &BTreeMap<String, Value>) -> Result<Value, String> {
    let roles: Vec<String> = match list_arg(args, "roles")? {
        Some(r) => {
            for role in &r {
                check_role(site, role)?;
            }
            r
        }
        None => site
            .roles
            .iter()
            .filter(|(_, id)| !site.page(**id).front().raci.is_empty())
            .map(|(r, _)| r.clone())
            .collect(),
    };
    let all_activities: Vec<String> = {
        let mut set = std::collections::BTreeSet::new();
        for r in &roles {
            if let Some(p) = site.role_page(r) {
                set.extend(p.front().raci.keys().cloned());
            }
        }
        set.into_iter().collect()
    };
    let activities = match list_arg(args, "activities")? {
        Some(a) => {
            for act in &a {
                if !all_activities.contains(act) {
                    return Err(format!(
                        "no role has a RACI entry for `{act}`; {}",
                        suggest(
                            act,
                            all_activities.iter().map(String::as_str),
                            "add it under `raci:` in the role files"
                        )
                    ));
                }
            }
            a
        }
        None => all_activities,
    };
    let rows: Vec<Value> = activities
        .iter()
        .map(|act| {
            let cells: Vec<Value> = roles
                .iter()
                .map(|r| {
                    let letter = site
                        .role_page(r)
                        .and_then(|p| p.front().raci.get(act))
                        .cloned()
                        .unwrap_or_default();
                    json!({ "role": r, "letter": letter })
                })
                .collect();
            json!({ "activity": act, "cells": cells })
        })
        .collect();
    let role_views: Vec<views::RoleLink> = roles.iter().map(|r| role_link(site, r)).collect();
    Ok(json!({ "roles": role_views, "rows": rows }))
}

/// The error for a call to a component the theme does not have.
pub fn unknown(call: &PlacedCall, file: &str, known: &[String]) -> Diagnostic {
    let name = &call.call.name;
    Diagnostic::error(format!("unknown component `{name}`"))
        .in_file(file)
        .at(call.position.clone())
        .help(suggest(
            name,
            known.iter().map(String::as_str),
            &format!(
                "components are the theme's templates/components/*.html: {}; to show braces literally write {{{{/* ... */}}}}",
                known.join(", ")
            ),
        ))
}
