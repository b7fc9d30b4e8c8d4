//! Reference chains that must end: `reports_to` between roles and
//! `supersedes` between policies. A chain that comes back to where it
//! started (a role reporting to itself, two policies superseding each other)
//! is an error at the reference that closes it, naming the whole cycle.

use super::{PageId, Site};
use crate::diag::{Diagnostic, Diagnostics};
use crate::yaml::Ref;

pub(super) fn check(site: &mut Site, diags: &mut Diagnostics) {
    let reports_to = |id: PageId| {
        let r = site.pages[id].front().reports_to.as_ref()?;
        Some((*site.roles.get(&r.id)?, r))
    };
    let roles: Vec<PageId> = site.roles.values().copied().collect();
    for cycle in cycles(&roles, reports_to) {
        let names = chain(site, &cycle, |p| p.role_id.clone().unwrap_or_default());
        let (first, r) = (cycle[0], reports_to(cycle[0]).expect("a cycle has edges").1);
        let (message, help) = if cycle.len() == 1 {
            (
                format!("role `{names}` reports to itself"),
                "name the role this one reports to, or remove `reports_to` for the head of the department",
            )
        } else {
            (
                format!("roles report to each other in a circle: {names}"),
                "the chain must end at a role without `reports_to`; fix the `reports_to` of one of them",
            )
        };
        diags.push(error(site, first, r, message, help));
    }
    let supersedes = |id: PageId| {
        let old = site.pages[id].supersedes?;
        Some((old, site.pages[id].front().supersedes.as_ref()?))
    };
    let policies: Vec<PageId> = (0..site.pages.len())
        .filter(|&id| site.pages[id].supersedes.is_some())
        .collect();
    let found = cycles(&policies, supersedes);
    for cycle in &found {
        let names = chain(site, cycle, |p| crate::paths::stem(&p.parsed.rel).to_string());
        let (first, r) = (cycle[0], supersedes(cycle[0]).expect("a cycle has edges").1);
        let (message, help) = if cycle.len() == 1 {
            (
                format!("policy `{names}` supersedes itself"),
                "name the older policy this one replaces, or remove `supersedes`",
            )
        } else {
            (
                format!("policies supersede each other in a circle: {names}"),
                "only the newer policy names the one it replaces; remove `supersedes` from the older",
            )
        };
        diags.push(error(site, first, r, message, help));
    }
    // Templates follow these links; a circle would never end.
    for id in found.into_iter().flatten() {
        site.pages[id].supersedes = None;
    }
    for list in site.superseded_by.values_mut() {
        list.retain(|new| site.pages[*new].supersedes.is_some());
    }
    site.superseded_by.retain(|_, list| !list.is_empty());
}

fn error(site: &Site, id: PageId, r: &Ref, message: String, help: &str) -> Diagnostic {
    Diagnostic::error(message)
        .in_file(&site.pages[id].parsed.file)
        .at(r.position.clone())
        .help(help)
}

/// `a → b → a`: the names along a cycle, back to the first.
fn chain(site: &Site, cycle: &[PageId], name: impl Fn(&super::Page) -> String) -> String {
    if cycle.len() == 1 {
        return name(&site.pages[cycle[0]]);
    }
    let mut names: Vec<String> = cycle.iter().map(|&id| name(&site.pages[id])).collect();
    names.push(names[0].clone());
    names.join(" → ")
}

/// Every cycle of the graph whose edges `next` gives (at most one out of
/// each node), each once, starting at its smallest node.
fn cycles<'a>(nodes: &[PageId], next: impl Fn(PageId) -> Option<(PageId, &'a Ref)>) -> Vec<Vec<PageId>> {
    let mut state: std::collections::HashMap<PageId, u8> = std::collections::HashMap::new();
    let mut out = Vec::new();
    let mut sorted = nodes.to_vec();
    sorted.sort_unstable();
    for &start in &sorted {
        let mut path = Vec::new();
        let mut cur = Some(start);
        while let Some(n) = cur {
            match state.get(&n) {
                // On this walk: the walk closed a cycle from `n`.
                Some(1) => {
                    let from = path.iter().position(|&p| p == n).expect("on the path");
                    let mut cycle: Vec<PageId> = path[from..].to_vec();
                    let min = cycle
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, id)| **id)
                        .map_or(0, |(i, _)| i);
                    cycle.rotate_left(min);
                    out.push(cycle);
                    break;
                }
                Some(_) => break,
                None => {
                    state.insert(n, 1);
                    path.push(n);
                    cur = next(n).map(|(to, _)| to);
                }
            }
        }
        for n in path {
            state.insert(n, 2);
        }
    }
    out.sort();
    out
}
