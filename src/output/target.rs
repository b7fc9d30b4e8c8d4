//! Where a build may write. Every build replaces its output folder whole, so
//! before anything is built the folder's path is resolved
//! ([`fspath::resolve`]: absolute, links followed, no `..`) and compared with
//! every folder that holds what the site is made of.
//!
//! Refused: the site folder, `casebook.yaml`, the content folder, `themes/`
//! and the repository's git folders, any folder holding one of them, and
//! any folder inside the content folder, `themes/` or a git folder. With
//! `content_dir: .` the content folder is the site itself, so there an
//! output folder inside it is allowed and left out of the sources, unless
//! it already holds sources. A regular file is refused, and so is a
//! non-empty folder casebook did not write, unless `--force` is given.

use std::path::{Path, PathBuf};

use crate::config::{self, Config};
use crate::diag::{Diagnostic, display_path};
use crate::fspath;
use crate::source::{OUTPUT_STAMP, Scope};

/// Whether an existing folder that casebook did not write may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Only a missing or empty folder, or one with casebook's stamp.
    OnlyOurs,
    /// Any folder (`--force`).
    Anything,
}

/// What is at the output path right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Missing,
    Empty,
    /// A folder holding [`OUTPUT_STAMP`].
    Ours,
    /// A non-empty folder without the stamp.
    Foreign,
    /// Anything but a folder.
    NotAFolder,
}

/// Looks at `path` (resolved) as it is now.
pub fn state(path: &Path) -> std::io::Result<State> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::Missing),
        Err(e) => Err(e),
        Ok(m) if !m.is_dir() => Ok(State::NotAFolder),
        Ok(_) if path.join(OUTPUT_STAMP).is_file() => Ok(State::Ours),
        Ok(_) if std::fs::read_dir(path)?.next().is_none() => Ok(State::Empty),
        Ok(_) => Ok(State::Foreign),
    }
}

/// A checked output folder.
#[derive(Debug, Clone)]
pub struct Target {
    /// Resolved: every later step works on this path, not on what was typed.
    pub path: PathBuf,
    pub replace: Replace,
}

/// A folder the output must never be, hold or (unless `inside_ok`) lie in.
struct Guarded {
    path: PathBuf,
    what: String,
    inside_ok: bool,
}

/// Checks the output folder for the site at `root`: `out` from the command
/// line, else `output_dir` from `config`. A refusal is a usage error.
pub fn check(root: &Path, config: &Config, out: Option<&Path>, replace: Replace) -> Result<Target, Diagnostic> {
    let place = Place::new(root, config, out)?;
    place.location()?;
    let path = place.path.clone();
    let state = state(&path).map_err(|e| place.unreadable(&e))?;
    let content_is_site = place.root.starts_with(&place.content);
    match state {
        State::NotAFolder => Err(place.refuse(
            "it is a file, not a folder",
            "the site is built into a folder; choose a folder that does not exist yet or one casebook wrote",
        )),
        State::Foreign if content_is_site && path.starts_with(&place.content) && holds_sources(root, config, &path) => {
            Err(place.refuse(
                "it holds sources of the site",
                "with the site folder as content folder, every folder in it is content unless casebook \
                 wrote it; choose a new or empty folder, or one outside the site",
            ))
        }
        State::Foreign if replace == Replace::OnlyOurs => Err(place.refuse(
            "it is not empty and casebook did not write it",
            &format!(
                "casebook replaces its output folder whole, and this one has no `{OUTPUT_STAMP}` stamp; \
                 choose a new or empty folder, or pass `--force` to replace it"
            ),
        )),
        _ => Ok(Target { path, replace }),
    }
}

/// Only where `output_dir` is, not what is in it now: for `check`, which
/// writes nothing but must refuse what `build` refuses.
pub fn check_location(root: &Path, config: &Config) -> Result<(), Diagnostic> {
    Place::new(root, config, None)?.location()
}

/// The output folder and the folders it is judged against, all resolved.
struct Place<'a> {
    config: &'a Config,
    root_given: &'a Path,
    /// As the user wrote it, for messages.
    shown: String,
    from_config: bool,
    path: PathBuf,
    root: PathBuf,
    content: PathBuf,
}

impl<'a> Place<'a> {
    fn new(root: &'a Path, config: &'a Config, out: Option<&Path>) -> Result<Place<'a>, Diagnostic> {
        let shown = display_path(out.unwrap_or(&config.output_dir));
        let resolved = |p: &Path| resolve(&shown, p);
        Ok(Place {
            path: resolved(&out.map_or_else(|| root.join(&config.output_dir), Path::to_path_buf))?,
            root: resolved(root)?,
            content: resolved(&root.join(&config.content_dir))?,
            config,
            root_given: root,
            from_config: out.is_none(),
            shown,
        })
    }

    /// Whether a folder of the sources forbids the output folder.
    fn location(&self) -> Result<(), Diagnostic> {
        let path = &self.path;
        for g in self.guarded()? {
            let why = if *path == g.path {
                format!("it is {}", g.what)
            } else if g.path.starts_with(path) {
                format!("it holds {}", g.what)
            } else if path.starts_with(&g.path) && !g.inside_ok {
                format!("it is inside {}", g.what)
            } else {
                continue;
            };
            return Err(self.refuse(
                &why,
                "every build replaces its output folder whole; choose one that holds none of the site's \
                 sources, such as `public` (the default) or `../site-out`",
            ));
        }
        Ok(())
    }

    /// Every folder (and `casebook.yaml`) the output must keep clear of.
    fn guarded(&self) -> Result<Vec<Guarded>, Diagnostic> {
        let mut guarded = vec![
            Guarded {
                path: self.root.clone(),
                what: format!("the site folder `{}`", self.root.display()),
                inside_ok: true,
            },
            Guarded {
                path: self.root.join(config::FILE_NAME),
                what: format!("`{}`", config::FILE_NAME),
                inside_ok: false,
            },
            Guarded {
                path: self.content.clone(),
                what: format!("the content folder `{}`", display_path(&self.config.content_dir)),
                // With `content_dir: .` the output lies in it and is left out of the sources.
                inside_ok: self.root.starts_with(&self.content),
            },
            Guarded {
                path: resolve(&self.shown, &self.root_given.join("themes"))?,
                what: "the theme folder `themes`".into(),
                inside_ok: false,
            },
        ];
        guarded.extend(git_dirs(&self.root).into_iter().map(|g| Guarded {
            what: format!("the git repository `{}`", g.display()),
            path: g,
            inside_ok: false,
        }));
        Ok(guarded)
    }

    fn unreadable(&self, e: &std::io::Error) -> Diagnostic {
        Diagnostic::error(format!("cannot check the output folder `{}`: {e}", self.shown))
            .help("check the permissions of the folder")
    }

    fn refuse(&self, why: &str, help: &str) -> Diagnostic {
        let d = Diagnostic::error(format!("refusing to build into `{}`: {why}", self.shown));
        if self.from_config {
            d.in_file(config::FILE_NAME)
                .help(format!("{help}; `output_dir` in casebook.yaml sets the folder"))
        } else {
            d.help(help)
        }
    }
}

/// `p` resolved, or why not, for the output folder shown as `shown`.
fn resolve(shown: &str, p: &Path) -> Result<PathBuf, Diagnostic> {
    fspath::resolve(p).map_err(|e| {
        Diagnostic::error(format!("cannot check the output folder `{shown}`: {e}"))
            .help("check the permissions of the folders along the path")
    })
}

/// Whether the content walk would read files from `path`.
fn holds_sources(root: &Path, config: &Config, path: &Path) -> bool {
    Scope::new(root, config).is_ok_and(|s| s.admits(path).is_ok())
}

/// The git folders of every repository holding the site: each `.git` from
/// the site folder up, and for a linked worktree or submodule (a `.git`
/// file) the folder it names and that folder's common folder.
fn git_dirs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in root.ancestors() {
        let dot_git = dir.join(".git");
        let Ok(meta) = std::fs::symlink_metadata(&dot_git) else {
            continue;
        };
        out.push(dot_git.clone());
        out.extend(fspath::resolve(&dot_git).ok());
        if !meta.is_file() {
            continue;
        }
        let Some(linked) = std::fs::read_to_string(&dot_git)
            .ok()
            .and_then(|t| Some(PathBuf::from(t.strip_prefix("gitdir:")?.trim())))
        else {
            continue;
        };
        let Ok(linked) = fspath::resolve(&dir.join(linked)) else {
            continue;
        };
        if let Ok(common) = std::fs::read_to_string(linked.join("commondir")) {
            out.extend(fspath::resolve(&linked.join(common.trim())).ok());
        }
        out.push(linked);
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worktree_protects_its_own_and_the_common_git_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir_all(top.join("main/.git/worktrees/wt")).unwrap();
        std::fs::write(top.join("main/.git/worktrees/wt/commondir"), "../..\n").unwrap();
        std::fs::create_dir_all(top.join("wt/site")).unwrap();
        std::fs::write(
            top.join("wt/.git"),
            format!("gitdir: {}\n", top.join("main/.git/worktrees/wt").display()),
        )
        .unwrap();
        let dirs = git_dirs(&top.join("wt/site"));
        assert_eq!(
            dirs,
            [
                top.join("main/.git"),
                top.join("main/.git/worktrees/wt"),
                top.join("wt/.git")
            ]
        );
    }

    #[test]
    fn state_tells_ours_from_foreign() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        assert_eq!(state(&p.join("none")).unwrap(), State::Missing);
        std::fs::create_dir(p.join("empty")).unwrap();
        assert_eq!(state(&p.join("empty")).unwrap(), State::Empty);
        std::fs::create_dir(p.join("ours")).unwrap();
        std::fs::write(p.join("ours").join(OUTPUT_STAMP), "").unwrap();
        assert_eq!(state(&p.join("ours")).unwrap(), State::Ours);
        std::fs::create_dir(p.join("theirs")).unwrap();
        std::fs::write(p.join("theirs/index.html"), "").unwrap();
        assert_eq!(state(&p.join("theirs")).unwrap(), State::Foreign);
        assert_eq!(state(&p.join("theirs/index.html")).unwrap(), State::NotAFolder);
    }
}
