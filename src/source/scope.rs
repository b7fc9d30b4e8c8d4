//! What may be a source: the rules the content walk, `serve` and the
//! versions read from git share, so all three see the same site.
//!
//! Never a source, whatever `content_dir` says (it may be `.`, the whole
//! repository):
//! - hidden files and folders (`.git`, `.github`), editor leftovers and
//!   `node_modules`, wherever they are;
//! - at the site root: `casebook.yaml`, `themes/`, `target/` and the output
//!   folder;
//! - any folder holding casebook's output stamp ([`OUTPUT_STAMP`]), so a
//!   build written with `--out` somewhere in the sources is never read back.
//!
//! A symbolic link is followed only when its target resolves inside the site
//! root (or inside the content folder, when that lives elsewhere) and is none
//! of the above. Everything else about it is reported, never followed.

use std::path::{Path, PathBuf};

use crate::config::{self, Config};
use crate::diag::{Diagnostic, display_path};
use crate::fspath::{self, Unresolved};

/// The file that marks a folder as casebook's output. A folder holding it
/// is replaced by the next build without `--force`, and is never a source.
pub const OUTPUT_STAMP: &str = ".casebook-output";

/// Names at the site root that are never sources (besides the output folder).
const AT_ROOT: &[&str] = &[config::FILE_NAME, "themes", "target"];

/// Hidden files, editor leftovers and `node_modules` are never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with('#')
        || name == "4913"
        || name == "node_modules"
}

/// Whether the content path `rel` (`/`-separated) is never a source, judged
/// by its path alone: for files read from git, and for changed paths.
pub fn is_reserved(config: &Config, rel: &str) -> bool {
    Reserved::new(config).contains(rel)
}

/// The rules of [`is_reserved`], worked out once for a walk.
pub struct Reserved {
    /// The reserved paths that lie inside the content folder, relative to
    /// it and `/`-separated: with `content_dir: .`, `themes`, `public`…
    inside: Vec<String>,
}

impl Reserved {
    pub fn new(config: &Config) -> Reserved {
        let content = fspath::normalise(&config.content_dir);
        let inside = reserved_at_root(config)
            .iter()
            .filter_map(|r| r.strip_prefix(&content).ok())
            // `content_dir: themes` is odd, not a reason to publish nothing.
            .filter(|rest| !rest.as_os_str().is_empty())
            .map(display_path)
            .collect();
        Reserved { inside }
    }

    /// For a clean content path (no `.` or `..`), as walks and git give.
    pub fn contains(&self, rel: &str) -> bool {
        rel.split('/').any(is_ignored)
            || self.inside.iter().any(|r| {
                rel.strip_prefix(r.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
    }
}

/// The root-relative paths that are never sources, lexically normalised.
fn reserved_at_root(config: &Config) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = AT_ROOT.iter().map(PathBuf::from).collect();
    let output = fspath::normalise(&config.output_dir);
    if !output.as_os_str().is_empty() {
        out.push(output);
    }
    out
}

/// Why a symbolic link is not followed.
#[derive(Debug)]
pub enum Refused {
    /// Its target is outside the site.
    Outside(PathBuf),
    /// Its target does not exist.
    Dangling(PathBuf),
    /// Its target is never a source (`.git`, `casebook.yaml`, an output folder…).
    Reserved(PathBuf),
    /// Following it would list a folder that holds it, or it never ends.
    Loop(PathBuf),
    /// The disk would not say where it leads.
    Unreadable(String),
}

/// The site's sources on the disk, resolved once per walk.
pub struct Scope {
    root: PathBuf,
    content: PathBuf,
    /// Resolved paths that are never sources.
    reserved: Vec<PathBuf>,
}

impl Scope {
    pub fn new(root: &Path, config: &Config) -> Result<Scope, Unresolved> {
        let root_real = fspath::resolve(root)?;
        let content = fspath::resolve(&root.join(&config.content_dir))?;
        let mut reserved = Vec::new();
        for r in reserved_at_root(config) {
            let r = fspath::resolve(&root.join(r))?;
            if !content.starts_with(&r) {
                reserved.push(r);
            }
        }
        Ok(Scope {
            root: root_real,
            content,
            reserved,
        })
    }

    /// The resolved content folder, where the walk starts.
    pub fn content(&self) -> &Path {
        &self.content
    }

    /// For an entry reached without a link (its name already checked):
    /// whether it is a reserved path or a stamped folder.
    pub fn excludes(&self, real: &Path, is_dir: bool) -> bool {
        self.reserved.iter().any(|r| real.starts_with(r)) || (is_dir && real.join(OUTPUT_STAMP).exists())
    }

    /// Where the symbolic link at `link` leads, and whether that is a folder,
    /// if it may be followed; `open` are the folders being walked, outermost
    /// first, to catch loops.
    pub fn follow(&self, link: &Path, open: &[PathBuf]) -> Result<(PathBuf, bool), Refused> {
        let target = fspath::resolve(link).map_err(|e| match e {
            Unresolved::Loop { at } => Refused::Loop(at),
            Unresolved::Io { error, .. } => Refused::Unreadable(error.to_string()),
        })?;
        self.admits(&target)?;
        let meta = std::fs::metadata(&target).map_err(|e| Refused::Unreadable(e.to_string()))?;
        if meta.is_dir() && open.iter().any(|o| o.starts_with(&target)) {
            return Err(Refused::Loop(target));
        }
        Ok((target, meta.is_dir()))
    }

    /// Whether the resolved path `real` may be a source: inside the site,
    /// present, and neither reserved, hidden nor inside an output folder.
    pub fn admits(&self, real: &Path) -> Result<(), Refused> {
        // Names count from the content folder first (so `content_dir: .docs`
        // is not hidden), then from the site folder; what lies above them
        // does not (a site kept in `~/.sites/`).
        let bound = [&self.content, &self.root].into_iter().find(|b| real.starts_with(b));
        let Some(bound) = bound else {
            return Err(Refused::Outside(real.to_path_buf()));
        };
        if std::fs::symlink_metadata(real).is_err() {
            return Err(Refused::Dangling(real.to_path_buf()));
        }
        let inside = real.strip_prefix(bound).expect("checked above");
        let hidden = inside
            .components()
            .any(|c| is_ignored(&c.as_os_str().to_string_lossy()));
        let stamped = real
            .ancestors()
            .take_while(|a| a.starts_with(bound) && a != bound)
            .any(|a| a.join(OUTPUT_STAMP).is_file());
        if hidden || stamped || self.excludes(real, false) {
            return Err(Refused::Reserved(real.to_path_buf()));
        }
        Ok(())
    }

    /// The warning for a link at `shown` (site-relative) that is not followed.
    pub fn refusal(&self, shown: &str, why: &Refused) -> Diagnostic {
        let at = |p: &Path| match p.strip_prefix(&self.root) {
            Ok(rel) if !rel.as_os_str().is_empty() => display_path(rel),
            Ok(_) => "the site folder".to_string(),
            Err(_) => display_path(p),
        };
        let (message, help) = match why {
            Refused::Outside(target) => (
                format!("symbolic link `{shown}` points outside the site, so it is not followed"),
                format!(
                    "it leads to `{}`, outside the site folder; copy what it points to into the site, or remove the link",
                    target.display()
                ),
            ),
            Refused::Dangling(target) => (
                format!("symbolic link `{shown}` is broken"),
                format!("`{}` does not exist; remove the link or create its target", at(target)),
            ),
            Refused::Reserved(target) => (
                format!(
                    "symbolic link `{shown}` points to `{}`, which is never a source",
                    at(target)
                ),
                "hidden files and folders (`.git`), `casebook.yaml`, `themes/`, `node_modules/`, `target/` \
                 and output folders are never published; link to a file of the site instead"
                    .to_string(),
            ),
            Refused::Loop(_) => (
                format!("symbolic link `{shown}` loops back on itself, so it is not followed"),
                "it leads to a folder that holds it, or around a circle of links; remove it".to_string(),
            ),
            Refused::Unreadable(why) => (
                format!("symbolic link `{shown}` cannot be followed: {why}"),
                "check the permissions of its target, or remove the link".to_string(),
            ),
        };
        Diagnostic::warning(message).in_file(shown).help(help)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_paths_for_a_whole_repository_as_content() {
        let flat = Config {
            content_dir: ".".into(),
            ..Config::default()
        };
        for rel in [
            "casebook.yaml",
            "themes/default/templates/page.html",
            "public/index.html",
            "target/debug/x",
            ".git/config",
            ".github/workflows/ci.yml",
            "docs/node_modules/x/README.md",
            "notes.md~",
        ] {
            assert!(is_reserved(&flat, rel), "{rel} is not a source");
        }
        for rel in [
            "README.md",
            "handbook/leave.md",
            "publications/x.md",
            "docs/themes/x.md",
        ] {
            assert!(!is_reserved(&flat, rel), "{rel} is a source");
        }
    }

    #[test]
    fn reserved_paths_under_a_content_folder() {
        let c = Config::default();
        // Nothing of `content/` is at the site root, so only names count.
        for rel in ["casebook.yaml", "themes/x.md", "public/x.md", "target/x.md"] {
            assert!(!is_reserved(&c, rel), "{rel} is a source under content/");
        }
        assert!(is_reserved(&c, "assets/.secret"));
        let nested = Config {
            output_dir: "./content/../site/out".into(),
            content_dir: "site".into(),
            ..Config::default()
        };
        assert!(
            is_reserved(&nested, "out/index.html"),
            "the output folder, however it is written"
        );
        assert!(!is_reserved(&nested, "outline.md"));
    }
}
