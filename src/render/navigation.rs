//! Where a page sits and where readers go from it: the section tree of the
//! sidebar, previous and next in reading order, the "edit this page" link
//! and the description shown in search engines and link previews.

use std::sync::OnceLock;

use serde::Serialize;
use tera::value::Key;

use super::context::SIDEBAR_LIMIT;
use super::views::{Link, link};
use crate::history::Annotations;
use crate::model::{PageId, Site};

/// Levels below the top-level section the sidebar lists pages of.
const TREE_DEPTH: usize = 2;

/// Links the sidebar tree shows beyond the pages along the current page's
/// path, so a big section does not put thousands of links on every page.
const TREE_BUDGET: usize = 200;

/// How long a description made from the page text may be, in characters.
const DESCRIPTION_CHARS: usize = 160;

/// One entry of a section's tree in the sidebar.
#[derive(Debug, Clone, Serialize)]
pub struct TreeNode {
    pub title: String,
    pub url: String,
    pub is_section: bool,
    /// This is the page being rendered.
    pub current: bool,
    /// The page being rendered is this one or inside it.
    pub open: bool,
    /// Sub-sections and pages, in reading order; empty for a sub-section
    /// whose pages are not listed (see `more`).
    pub children: Vec<TreeNode>,
    /// Pages of this section that are not listed.
    pub more: usize,
}

/// The top-level section `id` is in (or is); `None` for the home page and
/// pages right under it.
pub fn top_section(site: &Site, id: PageId) -> Option<PageId> {
    let chain = site.ancestors(id);
    match chain.len() {
        0 => None,
        1 => site.page(id).is_section().then_some(id),
        _ => Some(chain[1]),
    }
}

/// The tree of `top` for the sidebar of page `id`: every section on the way
/// to `id` is open and lists its pages; other sub-sections list theirs while
/// the budget lasts.
pub fn tree(site: &Site, top: PageId, id: PageId) -> TreeNode {
    let mut path = site.ancestors(id);
    path.push(id);
    let mut budget = TREE_BUDGET;
    node(site, top, Some(id), &path, 0, &mut budget)
}

/// The sidebar trees of one render, as template values. Most pages are
/// leaves, and the trees of a section's leaves differ only in which leaf is
/// current: among the first [`SIDEBAR_LIMIT`] of the section, each such
/// section's tree is made once and shared (template values are reference
/// counted), with the one leaf marked per page; past the limit, the tree
/// lists the page after the first ones, so one tree with the last slot
/// filled per page is shared. Equal to [`tree`] for every page.
pub struct Trees {
    /// By section: the tree its listed leaf pages see, no leaf marked.
    listed: Vec<OnceLock<tera::Value>>,
    /// By section: the tree its unlisted leaf pages see, with the first of
    /// them in the slot after the listed ones.
    past: Vec<OnceLock<tera::Value>>,
}

impl Trees {
    pub fn new(site: &Site) -> Trees {
        let cells = || (0..site.pages.len()).map(|_| OnceLock::new()).collect();
        Trees {
            listed: cells(),
            past: cells(),
        }
    }

    /// The sidebar tree of page `id`; `None` outside the top-level sections.
    pub fn of(&self, site: &Site, id: PageId) -> Option<tera::Value> {
        let top = top_section(site, id)?;
        let p = site.page(id);
        let Some(parent) = p.parent.filter(|_| p.children.is_empty()) else {
            return Some(tera::Value::from_serializable(&tree(site, top, id)));
        };
        let listed = site.page(parent).children.iter().take(SIDEBAR_LIMIT).any(|&c| c == id);
        let (cells, on_path) = if listed {
            (&self.listed, parent)
        } else {
            (&self.past, id)
        };
        let shared = cells[parent].get_or_init(|| {
            let mut path = site.ancestors(on_path);
            path.push(on_path);
            let mut budget = TREE_BUDGET;
            tera::Value::from_serializable(&node(site, top, None, &path, 0, &mut budget))
        });
        let mut path = site.ancestors(id);
        path.push(id);
        let urls: Vec<&str> = path
            .iter()
            .skip_while(|&&a| a != top)
            .skip(1)
            .map(|&a| site.page(a).url())
            .collect();
        Some(if listed {
            mark_current(shared, &urls)
        } else {
            let leaf = TreeNode {
                title: p.title.clone(),
                url: p.url().to_string(),
                is_section: false,
                current: true,
                open: true,
                children: Vec::new(),
                more: 0,
            };
            let to_parent = &urls[..urls.len().saturating_sub(1)];
            with_last_child(shared, to_parent, tera::Value::from_serializable(&leaf))
        })
    }
}

/// Where the child with `url` is among `children`.
fn position(children: &[tera::Value], url: &str) -> Option<usize> {
    children.iter().position(|c| {
        c.as_map()
            .and_then(|m| m.get(&Key::Str("url")))
            .and_then(tera::Value::as_str)
            == Some(url)
    })
}

fn children(tree: &tera::Value) -> Option<&[tera::Value]> {
    tree.as_map()?.get(&Key::Str("children"))?.as_array()
}

/// `tree` with `edit` applied to the children of the node at the end of
/// `urls` (each a child of the one before); unchanged when the tree does
/// not list it or `edit` says no.
fn edit_at(tree: &tera::Value, urls: &[&str], edit: &dyn Fn(&mut Vec<tera::Value>) -> bool) -> tera::Value {
    let Some(map) = tree.as_map() else {
        return tree.clone();
    };
    let mut map = map.clone();
    match urls.split_first() {
        None => {
            let Some(children) = children(tree) else {
                return tree.clone();
            };
            let mut children = children.to_vec();
            if !edit(&mut children) {
                return tree.clone();
            }
            map.insert("children".into(), children.into());
        }
        Some((next, rest)) => {
            let Some((children, at)) = children(tree).and_then(|c| Some((c, position(c, next)?))) else {
                return tree.clone();
            };
            let mut children = children.to_vec();
            children[at] = edit_at(&children[at], rest, edit);
            map.insert("children".into(), children.into());
        }
    }
    map.into()
}

/// `tree` with the node at the end of `urls` (each a child of the one
/// before) marked current and open; unchanged when the tree does not list it.
fn mark_current(tree: &tera::Value, urls: &[&str]) -> tera::Value {
    let Some((last, to_parent)) = urls.split_last() else {
        let Some(map) = tree.as_map() else {
            return tree.clone();
        };
        let mut map = map.clone();
        map.insert("current".into(), true.into());
        map.insert("open".into(), true.into());
        return map.into();
    };
    edit_at(tree, to_parent, &|children| {
        let Some(at) = position(children, last) else {
            return false;
        };
        children[at] = mark_current(&children[at], &[]);
        true
    })
}

/// `tree` with the last child of the node at `urls` replaced by `leaf`.
fn with_last_child(tree: &tera::Value, urls: &[&str], leaf: tera::Value) -> tera::Value {
    edit_at(tree, urls, &|children| match children.last_mut() {
        Some(last) => {
            *last = leaf.clone();
            true
        }
        None => false,
    })
}

fn node(
    site: &Site,
    n: PageId,
    current: Option<PageId>,
    path: &[PageId],
    depth: usize,
    budget: &mut usize,
) -> TreeNode {
    let p = site.page(n);
    let open = path.contains(&n);
    let kids = &p.children;
    let mut shown: Vec<PageId> = kids.iter().copied().take(SIDEBAR_LIMIT).collect();
    // The page being read is always listed, even past the limit.
    if let Some(&on_path) = kids.iter().skip(SIDEBAR_LIMIT).find(|c| path.contains(c)) {
        shown.push(on_path);
    }
    let expand = depth <= TREE_DEPTH && (open || shown.len() <= *budget);
    if !expand {
        shown.clear();
    }
    *budget = budget.saturating_sub(shown.len());
    TreeNode {
        title: p.title.clone(),
        url: p.url().to_string(),
        is_section: p.is_section(),
        current: current == Some(n),
        open,
        children: shown
            .iter()
            .map(|&c| node(site, c, current, path, depth + 1, budget))
            .collect(),
        more: kids.len() - shown.len(),
    }
}

/// The pages before and after `id` in the reading order of its top-level
/// section: a section page, then its pages and sub-sections, depth first.
pub fn prev_next(site: &Site, id: PageId) -> (Option<Link>, Option<Link>) {
    let Some(top) = top_section(site, id) else {
        return (None, None);
    };
    let prev = previous(site, top, id).map(|p| link(site, p));
    let next = following(site, top, id).map(|p| link(site, p));
    (prev, next)
}

fn index_in_parent(site: &Site, id: PageId) -> Option<(PageId, usize)> {
    let parent = site.page(id).parent?;
    let i = site.page(parent).children.iter().position(|&c| c == id)?;
    Some((parent, i))
}

fn previous(site: &Site, top: PageId, id: PageId) -> Option<PageId> {
    if id == top {
        return None;
    }
    let (parent, i) = index_in_parent(site, id)?;
    if i == 0 {
        return Some(parent);
    }
    // The last page, depth first, of the sibling before.
    let mut cur = site.page(parent).children[i - 1];
    while let Some(&last) = site.page(cur).children.last() {
        cur = last;
    }
    Some(cur)
}

fn following(site: &Site, top: PageId, id: PageId) -> Option<PageId> {
    if let Some(&first) = site.page(id).children.first() {
        return Some(first);
    }
    let mut cur = id;
    while cur != top {
        let (parent, i) = index_in_parent(site, cur)?;
        if let Some(&n) = site.page(parent).children.get(i + 1) {
            return Some(n);
        }
        cur = parent;
    }
    None
}

/// `edit_url` with `{path}` replaced by the page's source file: relative to
/// the top of the git repository when there is one, else to the site root.
pub fn edit_url(site: &Site, history: Option<&Annotations>, id: PageId) -> Option<String> {
    let template = site.config.edit_url.as_deref()?;
    let p = site.page(id);
    if p.implicit {
        return None;
    }
    let path = match history {
        Some(h) => format!("{}{}", h.set.history.repo.content_prefix, p.parsed.rel),
        None => p.parsed.file.clone(),
    };
    Some(template.replace("{path}", &encode_path(&path)))
}

/// Percent-encodes what may not stand in a URL path as it is.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// What `<meta name="description">` and link previews say about a page: its
/// description, else the start of its first paragraph, else the site's.
pub fn meta_description(site: &Site, id: PageId) -> String {
    let p = site.page(id);
    if let Some(d) = p
        .front()
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        return d.to_string();
    }
    let summary = p.parsed.body.summary.trim();
    if !summary.is_empty() {
        return crate::model::truncate_words(summary, DESCRIPTION_CHARS);
    }
    site.config
        .description
        .clone()
        .unwrap_or_else(|| format!("{} · {}", p.title, site.config.title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_what_a_url_path_cannot_hold() {
        assert_eq!(encode_path("content/policies/a b.md"), "content/policies/a%20b.md");
        assert_eq!(encode_path("content/über#1.md"), "content/%C3%BCber%231.md");
        assert_eq!(encode_path("content/x-y_z~.md"), "content/x-y_z~.md");
    }
}

#[cfg(test)]
mod shared_trees {
    use super::*;

    /// A site whose sections hold more pages than the sidebar lists and
    /// more than the tree's budget, with sub-sections three levels deep.
    fn site() -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = tmp.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("casebook.yaml", "title: Trees\n");
        write("content/_index.md", "# Home\n");
        write("content/solo.md", "# Solo\n");
        for (dir, n) in [
            ("policies", 45),
            ("handbook", 3),
            ("handbook/big", 230),
            ("handbook/small", 2),
            ("handbook/small/deep", 3),
            ("handbook/small/deep/deeper", 2),
            ("handbook/empty", 0),
        ] {
            write(&format!("content/{dir}/_index.md"), &format!("# {dir}\n"));
            for i in 0..n {
                write(&format!("content/{dir}/p{i:03}.md"), &format!("# Page {i} of {dir}\n"));
            }
        }
        let mut diags = crate::diag::Diagnostics::default();
        let opts = crate::BuildOptions::in_memory(Some(jiff::civil::date(2026, 11, 27)), false, None);
        let settings = crate::pipeline::Settings::load(tmp.path(), &opts, &mut diags).unwrap();
        let parsed = crate::pipeline::sources(tmp.path(), &settings.config, None, &mut diags);
        let site = crate::pipeline::resolve(parsed, &settings.config, &settings, &mut diags);
        assert!(!diags.has_errors(), "{diags:?}");
        site
    }

    #[test]
    fn every_page_sees_the_tree_it_would_have_alone() {
        let site = site();
        assert!(site.pages.len() > 280, "the fixture is read whole");
        let trees = Trees::new(&site);
        let mut marked = 0;
        for id in 0..site.pages.len() {
            let alone = top_section(&site, id).map(|top| tera::Value::from_serializable(&tree(&site, top, id)));
            let shared = trees.of(&site, id);
            assert_eq!(shared, alone, "page `{}`", site.page(id).url());
            marked += usize::from(shared.is_some_and(|t| t.to_string().contains("\"current\": true")));
        }
        assert!(marked > 250, "pages are marked current in their trees: {marked}");
    }
}
