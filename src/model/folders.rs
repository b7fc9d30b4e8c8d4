//! Configuration keyed by folder (`kinds`, `section_titles`): each key is
//! checked against the pages it could apply to, and sections get their
//! titles.
//!
//! Keys are checked against every page of the site, hidden ones included,
//! so a key that matches only pages this audience does not see is no
//! warning in one build and a warning in another.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::config::{Config, FILE_NAME};
use crate::diag::{Diagnostic, Diagnostics, display_path, suggest};
use crate::parse::ParsedPage;
use crate::paths;

/// A warning for each `kinds` or `section_titles` key that names nothing.
pub fn check_keys(pages: &[Arc<ParsedPage>], config: &Config, diags: &mut Diagnostics) {
    let rels: Vec<&str> = pages.iter().map(|p| p.rel.as_str()).collect();
    let folders = folders(&rels);
    let content = display_path(&config.content_dir);
    let listed = || {
        let top: Vec<&str> = folders
            .iter()
            .filter(|f| !f.is_empty() && !f.contains('/'))
            .map(String::as_str)
            .collect();
        if top.is_empty() {
            format!("`{content}` has no sub-folders with pages")
        } else {
            format!("folders in `{content}`: {}", top.join(", "))
        }
    };
    for rule in config.kinds.unmatched(&rels) {
        let Some(at) = rule.at.clone() else { continue };
        let help = suggest(
            &rule.key,
            folders.iter().map(String::as_str),
            &format!(
                "keys are folders or globs relative to the content folder (`.` is all of it); {}",
                listed()
            ),
        );
        diags.push(
            Diagnostic::warning(format!("`kinds` key `{}` matches no page", rule.key))
                .in_file(FILE_NAME)
                .at(at)
                .help(help),
        );
    }
    for (folder, title) in &config.section_titles {
        if folders.contains(folder) {
            continue;
        }
        let help = suggest(
            folder,
            folders.iter().map(String::as_str),
            &format!("keys are folders relative to the content folder; {}", listed()),
        );
        diags.push(
            Diagnostic::warning(format!("`section_titles` key `{folder}` names no folder with pages"))
                .in_file(FILE_NAME)
                .at(title.at.clone())
                .help(help),
        );
    }
}

/// Every folder holding a page, at any depth, the content folder (``) included.
fn folders(rels: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for rel in rels {
        let mut dir = paths::parent(rel);
        loop {
            out.insert(dir.to_string());
            if dir.is_empty() {
                break;
            }
            dir = paths::parent(dir);
        }
    }
    out
}

/// The title of the section page of `folder` when its `_index.md` gives
/// none: `section_titles:` in the config, else the folder's name as written.
pub fn section_title(folder: &str, config: &Config) -> String {
    match config.section_titles.get(folder) {
        Some(t) => t.title.clone(),
        None if folder.is_empty() => config.title.clone(),
        None => paths::title_from_path(&format!("{folder}/_index.md")),
    }
}
