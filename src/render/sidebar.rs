//! The sidebar of a render: the tree of each page's top-level section as a
//! template value, shared between the pages that see it alike, and each
//! entry of its top level rendered once for all the pages that show it
//! closed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tera::value::Key;

use super::context::SIDEBAR_LIMIT;
use super::navigation::{TREE_BUDGET, TreeNode, node, top_section, tree};
use super::theme::Theme;
use crate::diag::Diagnostic;
use crate::model::{PageId, Site};

/// The template of one entry of the sidebar's top level, given `a` and `root`.
const BRANCH: &str = "partials/sidebar_branch.html";

/// The leaf pages of `parent` whose trees are one shared tree with their own
/// leaf marked: the listed ones, or those `past` the listed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Cut {
    parent: PageId,
    past: bool,
}

impl Cut {
    fn of(site: &Site, id: PageId) -> Option<Cut> {
        let p = site.page(id);
        let parent = p.parent.filter(|_| p.children.is_empty())?;
        let listed = site.page(parent).children.iter().take(SIDEBAR_LIMIT).any(|&c| c == id);
        Some(Cut { parent, past: !listed })
    }
}

/// The entries of one shared tree's top level with their `html`, by
/// position; `None` for an open one, and for one that failed, so that each
/// page reports the failure as its own.
type Closed = Arc<OnceLock<Vec<Option<tera::Value>>>>;

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
    /// By theme (see [`Theme::variant`]), cut and `root`: the closed entries
    /// of the cut's top level, with their `html`.
    closed: Mutex<HashMap<(u64, Cut, String), Closed>>,
}

impl Trees {
    pub fn new(site: &Site) -> Trees {
        let cells = || (0..site.pages.len()).map(|_| OnceLock::new()).collect();
        Trees {
            listed: cells(),
            past: cells(),
            closed: Mutex::default(),
        }
    }

    /// The sidebar tree of page `id`; `None` outside the top-level sections.
    pub fn of(&self, site: &Site, id: PageId) -> Option<tera::Value> {
        let top = top_section(site, id)?;
        let p = site.page(id);
        let Some(Cut { parent, past }) = Cut::of(site, id) else {
            return Some(tera::Value::from_serializable(&tree(site, top, id)));
        };
        let (cells, on_path) = if past { (&self.past, id) } else { (&self.listed, parent) };
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
        Some(if !past {
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

    /// `tree`, page `id`'s from [`Trees::of`], with each entry of its top
    /// level given `html`: the entry rendered by [`BRANCH`]. An entry that
    /// does not lead to the page is the same for every page of its cut, so
    /// it is rendered once for them all; those of a page with a tree of its
    /// own are rendered for it.
    pub fn with_branches(
        &self,
        site: &Site,
        theme: &Theme,
        id: PageId,
        root: &str,
        tree: tera::Value,
    ) -> Result<tera::Value, Diagnostic> {
        let (Some(map), Some(entries)) = (tree.as_map(), children(&tree)) else {
            return Ok(tree);
        };
        let file = &site.page(id).parsed.file;
        // The entry with its `html`.
        let render = |a: &tera::Value| -> Result<tera::Value, Diagnostic> {
            let mut ctx = theme.context();
            ctx.insert("a", a);
            ctx.insert("root", root);
            let html = theme.render(BRANCH, &ctx, Some(file))?;
            let mut entry = a.as_map().cloned().unwrap_or_default();
            entry.insert("html".into(), html.into());
            Ok(entry.into())
        };
        let cell: Option<Closed> = Cut::of(site, id).map(|cut| {
            let key = (theme.variant(BRANCH), cut, root.to_string());
            let mut cells = self.closed.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(cells.entry(key).or_default())
        });
        let closed: &[Option<tera::Value>] = match &cell {
            Some(cell) => cell.get_or_init(|| {
                entries
                    .iter()
                    .map(|a| (!is_open(a)).then(|| render(a).ok()).flatten())
                    .collect()
            }),
            None => &[],
        };
        let entries = entries
            .iter()
            .enumerate()
            .map(|(i, a)| match closed.get(i) {
                Some(Some(entry)) if !is_open(a) => Ok(entry.clone()),
                _ => render(a),
            })
            .collect::<Result<Vec<tera::Value>, Diagnostic>>()?;
        let mut map = map.clone();
        map.insert("children".into(), entries.into());
        Ok(map.into())
    }
}

/// Whether the page being rendered is this tree entry or inside it: the
/// only entries its tree does not share with the rest of its cut.
fn is_open(entry: &tera::Value) -> bool {
    entry
        .as_map()
        .and_then(|m| m.get(&Key::Str("open")))
        .is_some_and(tera::Value::is_truthy)
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

#[cfg(test)]
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

    /// The rendered entries of page `id`'s sidebar.
    fn entries(site: &Site, trees: &Trees, theme: &Theme, id: PageId) -> Option<Vec<String>> {
        let tree = trees.of(site, id)?;
        let root = super::super::context::root_for(site.page(id).url());
        let tree = trees.with_branches(site, theme, id, &root, tree).unwrap();
        let html = |a: &tera::Value| a.as_map().unwrap()[&Key::Str("html")].as_str().unwrap().to_string();
        Some(children(&tree).unwrap().iter().map(html).collect())
    }

    #[test]
    fn every_page_shows_the_entries_it_would_render_alone() {
        let site = site();
        let mut diags = crate::diag::Diagnostics::default();
        let theme = Theme::load(std::path::Path::new("/nonexistent"), &site.config, &mut diags).unwrap();
        let twin = theme.fingerprinter();
        let shared = Trees::new(&site);
        let mut shown = 0;
        // Backwards, and the fingerprinting twin first: whichever page and
        // theme renders a cut's entries first, each page gets its own.
        for id in (0..site.pages.len()).rev() {
            entries(&site, &shared, &twin, id);
            let alone = entries(&site, &Trees::new(&site), &theme, id);
            assert_eq!(
                entries(&site, &shared, &theme, id),
                alone,
                "page `{}`",
                site.page(id).url()
            );
            let Some(alone) = alone else { continue };
            // One entry leads to the page, unless it is the top section
            // itself or deeper than the tree lists.
            let marked = alone.iter().filter(|h| h.contains(r#"aria-current="page""#)).count();
            let top = top_section(&site, id) == Some(id);
            assert!(marked <= usize::from(!top), "page `{}`: {alone:?}", site.page(id).url());
            shown += marked;
        }
        assert!(shown > 250, "pages are marked in their sidebars: {shown}");
    }
}
