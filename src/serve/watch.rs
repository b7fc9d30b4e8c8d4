//! Watching the site: which changed paths matter ([`classify`], pure) and the
//! debounced file watcher that reports them ([`Watcher`], or polling with
//! `serve/poll.rs`).
//!
//! Watched: the site root itself (for `casebook.yaml` and folders appearing),
//! the content folder and `themes/`, recursively. The output folder, `.git/`,
//! and what is never a source ([`source::is_reserved`]: hidden files, editor
//! leftovers, `node_modules/`…) never trigger a build, and neither do reads
//! (`Access` events).

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

pub use super::poll::Batch;
use std::time::Duration;

use notify_debouncer_full::notify::{self, EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache};

use crate::config::{self, Config};
use crate::diag::display_path;
use crate::source;

/// What a batch of changed paths asks of the build.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Change {
    /// `casebook.yaml` (or the site folder itself): start over.
    pub config: bool,
    /// A file of the site's theme folder: load the theme again.
    pub theme: bool,
    /// Content paths, `/`-separated and relative to the content folder; files
    /// or folders, present or gone. `""` is the content folder itself.
    pub content: BTreeSet<String>,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        !self.config && !self.theme && self.content.is_empty()
    }
}

/// Sorts changed paths (absolute, or relative to `root`) by what they affect.
pub fn classify(paths: &[PathBuf], root: &Path, config: &Config) -> Change {
    let root = normalise(root);
    let content = normalise(&root.join(&config.content_dir));
    let output = normalise(&root.join(&config.output_dir));
    let themes = root.join("themes");
    let theme = themes.join(&config.theme);
    let mut change = Change::default();
    for path in paths {
        let path = normalise(&root.join(path));
        if path == root || path == root.join(config::FILE_NAME) {
            change.config = true;
        } else if path.starts_with(&output) || path.starts_with(root.join(".git")) {
        } else if path == themes || path == theme {
            change.theme = true;
        } else if let Ok(rel) = path.strip_prefix(&theme) {
            change.theme |= !has_ignored(rel);
        } else if let Ok(rel) = path.strip_prefix(&content)
            && !source::is_reserved(config, &display_path(rel))
        {
            change.content.insert(display_path(rel));
        }
    }
    change
}

fn has_ignored(rel: &Path) -> bool {
    rel.components()
        .any(|c| source::is_ignored(&c.as_os_str().to_string_lossy()))
}

/// `a/./b/../c` → `a/c`, without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The file watcher: inotify (or its platform's kin), or polling.
pub struct Watcher {
    inner: Inner,
    watched: BTreeSet<PathBuf>,
}

enum Inner {
    Native(Debouncer<notify::RecommendedWatcher, RecommendedCache>),
    Poll(super::poll::Poller),
}

/// Long enough to fold an editor's write-rename-delete into one batch.
const DEBOUNCE: Duration = Duration::from_millis(50);

impl Watcher {
    /// Starts watching; each debounced batch goes to `send`.
    pub fn start(poll: bool, send: impl Fn(Batch) + Send + 'static) -> notify::Result<Watcher> {
        let inner = if poll {
            Inner::Poll(super::poll::Poller::start(DEBOUNCE, send)?)
        } else {
            let handler = move |result: DebounceEventResult| send(batch(result));
            Inner::Native(notify_debouncer_full::new_debouncer(DEBOUNCE, None, handler)?)
        };
        Ok(Watcher {
            inner,
            watched: BTreeSet::new(),
        })
    }

    /// Watches what the site at `root` reads, adding folders that appeared
    /// since the last call (a content or theme folder created later).
    pub fn watch_site(&mut self, root: &Path, config: &Config) -> notify::Result<()> {
        self.watch(root, RecursiveMode::NonRecursive)?;
        for dir in [root.join(&config.content_dir), root.join("themes")] {
            if dir.is_dir() {
                self.watch(&dir, RecursiveMode::Recursive)?;
            }
        }
        Ok(())
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        if self.watched.contains(path) {
            return Ok(());
        }
        match &mut self.inner {
            Inner::Native(d) => d.watch(path, mode)?,
            Inner::Poll(p) => p.watch(path, mode == RecursiveMode::Recursive),
        }
        self.watched.insert(path.to_path_buf());
        Ok(())
    }
}

/// The paths of a debounced batch, reads left out. An overflowing event
/// queue asks for a rescan: the paths then name the watched folders.
fn batch(result: DebounceEventResult) -> Batch {
    match result {
        Ok(events) => {
            let mut paths = Vec::new();
            for e in events {
                if matches!(e.event.kind, EventKind::Access(_)) {
                    continue;
                }
                if e.event.need_rescan() {
                    paths.push(PathBuf::from(""));
                }
                paths.extend(e.event.paths.iter().cloned());
            }
            Ok(paths)
        }
        Err(errors) => Err(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(paths: &[&str], config: &Config) -> Change {
        let paths: Vec<PathBuf> = paths.iter().map(|p| PathBuf::from("/site").join(p)).collect();
        classify(&paths, Path::new("/site"), config)
    }

    fn content(rels: &[&str]) -> Change {
        Change {
            content: rels.iter().map(|r| r.to_string()).collect(),
            ..Change::default()
        }
    }

    #[test]
    fn paths_sort_into_config_theme_and_content() {
        let c = Config::default();
        let cases: &[(&[&str], Change)] = &[
            (
                &["casebook.yaml"],
                Change {
                    config: true,
                    ..Change::default()
                },
            ),
            (
                &[""],
                Change {
                    config: true,
                    ..Change::default()
                },
            ),
            (&["content/policies/x.md"], content(&["policies/x.md"])),
            (&["content/metrics/spend.yaml"], content(&["metrics/spend.yaml"])),
            (&["content/new-folder"], content(&["new-folder"])),
            (&["content"], content(&[""])),
            (&["content/a.md", "content/./b/../c.md"], content(&["a.md", "c.md"])),
            (
                &["themes/default/templates/page.html"],
                Change {
                    theme: true,
                    ..Change::default()
                },
            ),
            (
                &["themes/default/static/css/x.css"],
                Change {
                    theme: true,
                    ..Change::default()
                },
            ),
            (
                &["themes"],
                Change {
                    theme: true,
                    ..Change::default()
                },
            ),
        ];
        for (paths, expected) in cases {
            assert_eq!(&change(paths, &c), expected, "{paths:?}");
        }
    }

    #[test]
    fn output_git_editor_files_and_other_themes_are_ignored() {
        let c = Config::default();
        for p in [
            "public/index.html",
            "public",
            ".git/index",
            "content/policies/.x.md.swp",
            "content/policies/x.md~",
            "content/policies/4913",
            "content/.hidden/x.md",
            "content/#x.md#",
            "themes/other/templates/page.html",
            "themes/default/templates/.page.html.swp",
            "README.md",
            "src/main.rs",
        ] {
            assert!(change(&[p], &c).is_empty(), "{p} should be ignored");
        }
    }

    #[test]
    fn a_whole_repository_as_content_ignores_what_is_never_a_source() {
        let c = Config {
            content_dir: ".".into(),
            ..Config::default()
        };
        for p in [
            "public/index.html",
            "node_modules/x/y.md",
            "target/debug/x",
            ".github/ci.yml",
        ] {
            assert!(change(&[p], &c).is_empty(), "{p} should be ignored");
        }
        assert_eq!(change(&["README.md"], &c), content(&["README.md"]));
        assert!(change(&["casebook.yaml"], &c).config);
    }

    #[test]
    fn configured_folders_are_followed() {
        let c = Config {
            content_dir: "Policies".into(),
            output_dir: "site/out".into(),
            theme: "acme".into(),
            ..Config::default()
        };
        assert_eq!(change(&["Policies/hr/leave.md"], &c), content(&["hr/leave.md"]));
        assert!(change(&["site/out/index.html"], &c).is_empty());
        assert!(change(&["content/x.md"], &c).is_empty());
        assert!(change(&["themes/acme/templates/base.html"], &c).theme);
        assert!(!change(&["themes/default/templates/base.html"], &c).theme);
    }
}
