//! The `versions` template global, `versions.json` and the page maps the
//! version switcher reads.
//!
//! A published version's files are a function of its tag alone: its pages
//! name only their own version and link latest's root, never which other
//! versions exist. The theme's `versions.js` fetches the list and the page
//! maps when a reader opens the switcher, so a new tag changes no byte
//! under `v/`. Only latest's build writes these files.
//!
//! A page map row is one page across every version, latest first: its URL
//! in that version, `1` for "the URL of the version before", `0` for "not
//! in that version", trailing `0`s left out. Rows are spread over
//! [`PAGES_PER_MAP`]-sized files by a hash of each URL they hold, so the
//! switcher fetches one small file whatever the size of the site.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Value, json};

use super::OutputFile;
use super::history::{CHANGES_URL, FEED_PATH, date_of};
use super::views::DateView;
use crate::history::{Annotations, VersionSet};
use crate::kind::Kind;
use crate::model::Site;

pub const VERSIONS_JSON: &str = "versions.json";
/// The folder of the page maps, at latest's root.
pub const MAPS_DIR: &str = "versions/";
/// About how many rows one page map holds.
const PAGES_PER_MAP: usize = 512;

/// A version as templates show it.
#[derive(Debug, Clone, Serialize)]
pub struct VersionLink {
    pub name: String,
    pub label: String,
    /// From latest's root.
    pub path: String,
    pub latest: bool,
    pub date: DateView,
}

/// The `versions` global: this version only, and the way to the others.
#[derive(Debug, Clone, Serialize)]
pub struct VersionsView {
    pub current: VersionLink,
    /// From this version's root up to latest's root.
    pub up: String,
    /// Latest's list of every version (from latest's root); `None` when
    /// latest is the only version.
    pub changes_url: Option<String>,
    /// Latest's feed of policy changes, linked where this version has policies.
    pub feed_url: Option<String>,
}

pub(super) fn version_link(set: &VersionSet, k: usize) -> VersionLink {
    let v = &set.list[k];
    VersionLink {
        name: v.name.clone(),
        label: v.label.clone(),
        path: v.path.clone(),
        latest: v.latest,
        date: date_of(set, set.history.log.commits[v.commit].time),
    }
}

/// The `versions` global of a build; `None` without history. Built from
/// the current version alone, so that an old version renders the same
/// whatever came after it.
pub fn view(ann: Option<&Annotations>) -> Option<VersionsView> {
    let ann = ann?;
    let set = &ann.set;
    let latest = ann.current == 0;
    let has_policies = set.pages[ann.current].values().any(|p| p.kind == Kind::Policy);
    Some(VersionsView {
        current: version_link(set, ann.current),
        up: "../".repeat(ann.version().path.matches('/').count()),
        // A tag's build always has latest beside it.
        changes_url: (!latest || set.list.len() > 1).then(|| CHANGES_URL.to_string()),
        feed_url: has_policies.then(|| FEED_PATH.to_string()),
    })
}

/// `versions.json` and, when there is more than one version, the page maps.
pub(super) fn files(site: &Site, set: &VersionSet) -> Vec<OutputFile> {
    let maps = if set.list.len() > 1 { page_maps(set) } else { Vec::new() };
    let mut out = vec![OutputFile::text(VERSIONS_JSON, versions_json(site, set, maps.len()))];
    // Each map names its versions, so a map and a list cached from different
    // builds still agree on which column is which.
    let names: Vec<&str> = set.list.iter().map(|v| v.name.as_str()).collect();
    out.extend(maps.into_iter().enumerate().map(|(i, map)| {
        OutputFile::text(
            format!("{MAPS_DIR}{i}.json"),
            pretty(&json!({ "versions": names, "pages": map }), false),
        )
    }));
    out
}

fn versions_json(site: &Site, set: &VersionSet, maps: usize) -> String {
    let list: Vec<Value> = (0..set.list.len())
        .map(|k| {
            let v = &set.list[k];
            let c = &set.history.log.commits[v.commit];
            json!({
                "name": v.name,
                "label": v.label,
                "latest": v.latest,
                "url": v.path,
                "href": super::history::absolute(site, &v.path),
                "commit": c.hash,
                "date": date_of(set, c.time).iso,
                "pages": set.pages[k].values().filter(|p| !p.implicit).count(),
                "changes": (set.list.len() > 1).then(|| format!("{CHANGES_URL}{}/", v.slug)),
            })
        })
        .collect();
    pretty(&json!({ "versions": list, "page_maps": maps }), true)
}

fn pretty(value: &Value, indent: bool) -> String {
    let mut s = if indent {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .expect("JSON values always serialize");
    s.push('\n');
    s
}

/// Every page of every version as rows, spread over the page maps.
fn page_maps(set: &VersionSet) -> Vec<Vec<Value>> {
    let identities: BTreeSet<&str> = set.pages.iter().flat_map(|p| p.keys().map(String::as_str)).collect();
    let count = identities.len().div_ceil(PAGES_PER_MAP).max(1);
    let mut maps: BTreeMap<usize, Vec<Value>> = (0..count).map(|i| (i, Vec::new())).collect();
    for identity in identities {
        let urls: Vec<Option<&str>> = set
            .pages
            .iter()
            .map(|p| p.get(identity).map(|vp| vp.url.as_str()))
            .collect();
        let row = Value::Array(row(&urls));
        let homes: BTreeSet<usize> = urls.iter().flatten().map(|u| map_of(u, count)).collect();
        for i in homes {
            maps.get_mut(&i)
                .expect("every map index is below `count`")
                .push(row.clone());
        }
    }
    maps.into_values().collect()
}

/// One page's row: its URL in each version (see the module's doc).
fn row(urls: &[Option<&str>]) -> Vec<Value> {
    let mut row: Vec<Value> = urls
        .iter()
        .enumerate()
        .map(|(k, url)| match url {
            None => json!(0),
            Some(u) if k > 0 && urls[k - 1] == Some(*u) => json!(1),
            Some(u) => json!(u),
        })
        .collect();
    while row.last() == Some(&json!(0)) {
        row.pop();
    }
    row
}

/// The page map a URL's rows are in: FNV-1a (32 bits) of its UTF-8 bytes,
/// as `versions.js` computes it.
fn map_of(url: &str, count: usize) -> usize {
    let hash = url
        .bytes()
        .fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    hash as usize % count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_say_same_as_before_and_leave_out_trailing_absences() {
        let cases: [(&[Option<&str>], Value); 4] = [
            (&[Some("a/"), Some("a/"), Some("a/")], json!(["a/", 1, 1])),
            (&[Some("b/"), Some("b/"), Some("a/")], json!(["b/", 1, "a/"])),
            (&[Some("n/"), None, None], json!(["n/"])),
            (&[None, Some("old/"), None, Some("old/")], json!([0, "old/", 0, "old/"])),
        ];
        for (urls, want) in cases {
            assert_eq!(Value::Array(row(urls)), want, "{urls:?}");
        }
    }

    #[test]
    fn map_of_is_fnv1a_as_the_script_computes_it() {
        // FNV-1a 32-bit reference values: "" is the offset basis, "a" is 0xe40c292c.
        assert_eq!(map_of("", usize::MAX), 0x811c_9dc5);
        assert_eq!(map_of("a", usize::MAX), 0xe40c_292c);
        assert_eq!(map_of("foobar", usize::MAX), 0xbf9c_f968);
        assert!(map_of("policies/privacy/", 7) < 7);
    }
}
