//! Cross-file checks: ids, references between pages and aliases (links are
//! [`super::links`]).
//! Lookups go through hash maps so checking stays linear in the site size.

use std::collections::BTreeMap;

use super::{PageId, Site};
use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::kind::Kind;
use crate::model::policy::PolicyStatus;
use crate::yaml::Ref;

/// Role and goal ids: the `id` key or the file stem, unique per kind.
pub(super) fn ids(site: &mut Site, diags: &mut Diagnostics) {
    for id in 0..site.pages.len() {
        let p = &site.pages[id];
        let kind = p.kind();
        if !matches!(kind, Kind::Role | Kind::Goal) || p.is_section() {
            continue;
        }
        let ident = p
            .front()
            .id
            .as_ref()
            .map_or_else(|| crate::paths::stem(&p.parsed.rel).to_string(), |r| r.id.clone());
        let map = if kind == Kind::Role {
            &mut site.roles
        } else {
            &mut site.goals
        };
        if let Some(&first) = map.get(&ident) {
            let other = &site.pages[first].parsed.file;
            let mut d = Diagnostic::error(format!("two {}s have the id `{ident}`", kind.name()))
                .in_file(&site.pages[id].parsed.file)
                .help(format!("`{other}` has the same id; give one of them another `id:`"));
            if let Some(r) = &site.pages[id].front().id {
                d = d.at(r.position.clone());
            }
            diags.push(d);
            continue;
        }
        map.insert(ident.clone(), id);
        if kind == Kind::Role {
            site.pages[id].role_id = Some(ident);
        } else {
            site.pages[id].goal_id = Some(ident);
        }
    }
    for role in site.roles.keys() {
        site.ownership.insert(role.clone(), super::Ownership::default());
    }
}

fn unknown(what: &str, r: &Ref, file: &str, known: &BTreeMap<String, PageId>, folder: &str) -> Diagnostic {
    let names: Vec<&str> = known.keys().map(String::as_str).collect();
    let list = if names.is_empty() {
        format!("there are no {what}s yet: add one under `{folder}`")
    } else {
        format!("{what}s are the files in `{folder}`: {}", names.join(", "))
    };
    Diagnostic::error(format!("unknown {what} `{}`", r.id))
        .in_file(file)
        .at(r.position.clone())
        .help(suggest(&r.id, names.iter().copied(), &list))
}

/// Owners, approvers, reporting lines, goal owners, key-result metrics,
/// superseded policies; and the ownership lists on role pages.
pub(super) fn references(site: &mut Site, diags: &mut Diagnostics) {
    let roles_folder = format!("{}/roles/", site.config.content_dir.display());
    let policies_by_stem: BTreeMap<String, PageId> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind() == Kind::Policy && !p.is_section())
        .map(|(id, p)| (crate::paths::stem(&p.parsed.rel).to_string(), id))
        .collect();
    let mut owned: Vec<(String, PageId, Slot)> = Vec::new();
    let mut superseded: Vec<(PageId, PageId)> = Vec::new();
    let mut undated: Vec<String> = Vec::new();
    for (id, p) in site.pages.iter().enumerate() {
        let fm = p.front();
        let file = p.parsed.file.as_str();
        let mut check_role = |r: &Ref, slot: Option<Slot>| {
            if site.roles.contains_key(&r.id) {
                if let Some(slot) = slot {
                    owned.push((r.id.clone(), id, slot));
                }
            } else if site.hidden.roles.contains(&r.id) {
                diags.push(unpublished("role", r, file));
            } else {
                diags.push(unknown("role", r, file, &site.roles, &roles_folder));
            }
        };
        let owner_slot = match p.kind() {
            _ if p.is_section() => Slot::Other,
            Kind::Policy => Slot::PolicyOwned,
            k if k.is_handbook_document() => Slot::Playbook,
            Kind::Goal => Slot::Goal,
            _ => Slot::Other,
        };
        if let Some(r) = &fm.owner {
            check_role(r, Some(owner_slot));
        }
        for r in &fm.owners {
            check_role(r, Some(owner_slot));
        }
        if let Some(r) = &fm.approver {
            check_role(r, (p.kind() == Kind::Policy).then_some(Slot::PolicyApproved));
        }
        if let Some(r) = &fm.reports_to {
            check_role(
                r,
                (p.kind() == Kind::Role && !p.is_section()).then_some(Slot::DirectReport),
            );
        }
        for r in fm.author.iter().chain(&fm.presented_by) {
            check_role(r, None);
        }
        for kr in &fm.key_results {
            if !site.metric_ids.contains(&kr.metric.id) {
                let names: Vec<&str> = site.metric_ids.iter().map(String::as_str).collect();
                diags.push(
                    Diagnostic::error(format!("unknown metric `{}`", kr.metric.id))
                        .in_file(file)
                        .at(kr.metric.position.clone())
                        .help(suggest(
                            &kr.metric.id,
                            names.iter().copied(),
                            "metrics are the files in `content/metrics/`, named by id",
                        )),
                );
            }
        }
        if let Some(r) = &fm.supersedes {
            match policies_by_stem.get(&r.id) {
                Some(&old) => superseded.push((old, id)),
                None if site.hidden.policies.contains(&r.id) => diags.push(unpublished("policy", r, file)),
                None => diags.push(
                    Diagnostic::error(format!("unknown policy `{}` in `supersedes`", r.id))
                        .in_file(file)
                        .at(r.position.clone())
                        .help(suggest(
                            &r.id,
                            policies_by_stem.keys().map(String::as_str),
                            "name the superseded policy by its file name without `.md`",
                        )),
                ),
            }
        }
        if p.kind() == Kind::Goal && !p.is_section() && fm.owners.is_empty() && fm.owner.is_none() {
            diags.push(
                Diagnostic::warning("goal has no owners")
                    .in_file(file)
                    .help("goals are shared: add `owners: [legal-ops, general-counsel]`"),
            );
        }
        if p.lifecycle.as_ref().is_some_and(|l| l.status == PolicyStatus::Undated) && !fm.has_errors {
            undated.push(file.to_string());
        }
    }
    if let Some(d) = undated_summary(undated) {
        diags.push(d);
    }
    for (role, id, slot) in owned {
        let o = site.ownership.entry(role).or_default();
        let list = match slot {
            Slot::PolicyOwned => &mut o.policies_owned,
            Slot::PolicyApproved => &mut o.policies_approved,
            Slot::Playbook => &mut o.playbooks,
            Slot::Goal => &mut o.goals,
            Slot::DirectReport => &mut o.direct_reports,
            Slot::Other => &mut o.other_pages,
        };
        if !list.contains(&id) {
            list.push(id);
        }
    }
    let by_title = |site: &Site, list: &mut Vec<PageId>| {
        list.sort_by(|&a, &b| {
            site.pages[a]
                .title
                .to_lowercase()
                .cmp(&site.pages[b].title.to_lowercase())
        });
    };
    let mut ownership = std::mem::take(&mut site.ownership);
    for o in ownership.values_mut() {
        for list in [
            &mut o.policies_owned,
            &mut o.policies_approved,
            &mut o.playbooks,
            &mut o.goals,
            &mut o.other_pages,
            &mut o.direct_reports,
        ] {
            by_title(site, list);
        }
    }
    site.ownership = ownership;
    for (old, new) in superseded {
        site.superseded_by.entry(old).or_default().push(new);
        site.pages[new].supersedes = Some(old);
    }
}

/// One warning for every policy without an `effective` date: an adopted
/// repository may have dozens, and one line each would bury the rest.
fn undated_summary(files: Vec<String>) -> Option<Diagnostic> {
    let help = "add `effective: YYYY-MM-DD` (and `review_every`) so status and review dates can be computed; until then the register shows them as \"No effective date\"";
    match files.as_slice() {
        [] => None,
        [one] => Some(
            Diagnostic::warning("policy has no `effective` date")
                .in_file(one)
                .help(help),
        ),
        _ => Some(
            Diagnostic::warning(format!("{} policies have no `effective` date", files.len()))
                .help(help)
                .notes(files),
        ),
    }
}

/// A reference to a role, goal or policy this build leaves out: reported,
/// then removed from the model (see `audience::strip_references`).
fn unpublished(what: &str, r: &Ref, file: &str) -> Diagnostic {
    Diagnostic::warning(format!(
        "{what} `{}` is not published in this build; it is left out",
        r.id
    ))
    .in_file(file)
    .at(r.position.clone())
    .help(format!(
        "the {what}'s page is a draft or for an audience this build does not include"
    ))
}

#[derive(Clone, Copy)]
enum Slot {
    PolicyOwned,
    PolicyApproved,
    Playbook,
    Goal,
    DirectReport,
    Other,
}

/// `aliases:` (and `redirect_from:`) make redirect pages; they must not
/// collide with pages or each other.
pub(super) fn aliases(site: &mut Site, diags: &mut Diagnostics) {
    let mut redirects = BTreeMap::new();
    let assets: std::collections::HashSet<&str> = site.assets.iter().map(|a| a.rel.as_str()).collect();
    let base = crate::paths::base_path(&site.config.base_url);
    let base = base.trim_matches('/');
    for (id, p) in site.pages.iter().enumerate() {
        for alias in &p.front().aliases {
            // An old URL written with `base_url`'s path is inside the site.
            let path = alias.id.trim_start_matches('/');
            let within = path
                .strip_prefix(base)
                .filter(|rest| !base.is_empty() && (rest.is_empty() || rest.starts_with('/')))
                .unwrap_or(path);
            let url = normalise_alias(within);
            let taken = if site.by_url.contains_key(&url) {
                Some("a page already has this URL".to_string())
            } else if let Some(why) = alias_clash(&url, &assets) {
                Some(why)
            } else {
                redirects
                    .get(&url)
                    .map(|&other: &PageId| format!("`{}` already uses this alias", site.pages[other].parsed.file))
            };
            match (url.is_empty(), taken) {
                (true, _) => diags.push(
                    Diagnostic::error(format!("alias `{}` is not a usable URL", alias.id))
                        .in_file(&p.parsed.file)
                        .at(alias.position.clone())
                        .help("write an old URL path, e.g. `aliases: [/legal/nda-guide/]`"),
                ),
                (false, Some(why)) => diags.push(
                    Diagnostic::error(format!("alias `{}` collides: {why}", alias.id))
                        .in_file(&p.parsed.file)
                        .at(alias.position.clone())
                        .help("remove the alias or choose another URL"),
                ),
                (false, None) => {
                    redirects.insert(url, id);
                }
            }
        }
    }
    site.redirects = redirects;
}

/// A page's URL, from its path or set in front matter, must not take one
/// casebook writes itself: a generated page, another page's history, a
/// content file.
pub(super) fn claimed_urls(site: &Site, diags: &mut Diagnostics) {
    let assets: std::collections::HashSet<&str> = site.assets.iter().map(|a| a.rel.as_str()).collect();
    for p in site.pages.iter().filter(|p| !p.implicit) {
        let url = p.url();
        let history_of = url
            .match_indices("history/")
            .filter(|(i, _)| *i == 0 || url[..*i].ends_with('/'))
            .find_map(|(i, _)| site.by_url.get(&url[..i]))
            .map(|&id| format!("the page history of `{}`", site.pages[id].parsed.file));
        let file = format!("{url}index.html");
        let taken = crate::paths::generated(url)
            .map(str::to_string)
            .or(history_of)
            .or_else(|| {
                assets
                    .contains(file.as_str())
                    .then(|| format!("the content file `{file}`"))
            });
        let Some(what) = taken else { continue };
        let d = match &p.front().url {
            Some(set) => Diagnostic::error(format!(
                "`{}` gives this page the URL `/{url}`, which is taken by {what}",
                set.key
            ))
            .at(set.value.position.clone())
            .help("choose another URL; casebook writes that one itself"),
            None => Diagnostic::error(format!("this page's URL `/{url}` is taken by {what}")).help(
                "rename the file, or give the page another URL with `permalink:`; casebook writes that one itself",
            ),
        };
        diags.push(d.in_file(&p.parsed.file));
    }
}

/// What an alias's redirect page would overwrite, if anything: a file
/// casebook generates or a content file. `url` is normalised.
fn alias_clash(url: &str, assets: &std::collections::HashSet<&str>) -> Option<String> {
    let bare = url.trim_end_matches('/');
    if let Some(what) = crate::paths::generated(url).or_else(|| crate::paths::generated(bare)) {
        return Some(format!("casebook writes {what} there"));
    }
    let file = format!("{url}index.html");
    [bare, file.as_str()]
        .into_iter()
        .find(|f| assets.contains(f))
        .map(|f| format!("the content file `{f}` is there"))
}

/// `/legal/nda.html` → `legal/nda.html`; `/legal/nda` → `legal/nda/`.
pub fn normalise_alias(alias: &str) -> String {
    let path = alias.split(['?', '#']).next().unwrap_or_default();
    let parts: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    let joined = parts.join("/");
    if joined.ends_with(".html") || joined.ends_with(".htm") {
        joined
    } else {
        format!("{joined}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_normalise_to_urls() {
        assert_eq!(normalise_alias("/legal/nda"), "legal/nda/");
        assert_eq!(normalise_alias("legal/nda/"), "legal/nda/");
        assert_eq!(normalise_alias("/old/page.html"), "old/page.html");
        assert_eq!(normalise_alias("/../x"), "x/");
        assert_eq!(normalise_alias("/"), "");
    }
}
