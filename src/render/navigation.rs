//! Where a page sits and where readers go from it: the section tree of the
//! sidebar, previous and next in reading order, the "edit this page" link
//! and the description shown in search engines and link previews.

use serde::Serialize;

use super::context::SIDEBAR_LIMIT;
use super::views::{Link, link};
use crate::history::Annotations;
use crate::model::{PageId, Site};

/// Levels below the top-level section the sidebar lists pages of.
const TREE_DEPTH: usize = 2;

/// Links the sidebar tree shows beyond the pages along the current page's
/// path, so a big section does not put thousands of links on every page.
pub(super) const TREE_BUDGET: usize = 200;

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

pub(super) fn node(
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
