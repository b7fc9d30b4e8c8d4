//! Stage 5, WRITE: put the rendered site on disk, all or nothing.
//!
//! Everything is written into a staging folder beside the output folder
//! (`.public.casebook-staging-PID`), stamped with [`OUTPUT_STAMP`] before
//! the first page, then swapped in ([`swap`]): at every instant the output
//! path holds the whole old site or the whole new one. A build that fails
//! never reaches this stage, a write that fails removes its staging folder,
//! and a build killed on the way leaves a stamped staging folder that the
//! next build removes. Where the output may go is [`target`]'s question.

pub mod swap;
pub mod target;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::{Content, OutputFile};
use crate::source::OUTPUT_STAMP;
pub use target::{Replace, Target};

/// What the stamp says to whoever opens it; the same bytes every build.
const STAMP_TEXT: &str = "This folder was written by casebook. Every build replaces it whole:\n\
                          keep no files of your own in it.\n";

#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub error: io::Error,
    pub action: &'static str,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not {} `{}`: {}", self.action, self.path.display(), self.error)
    }
}

impl std::error::Error for WriteError {}

fn ctx<T>(r: io::Result<T>, action: &'static str, path: &Path) -> Result<T, WriteError> {
    r.map_err(|error| WriteError {
        path: path.to_path_buf(),
        error,
        action,
    })
}

/// What a write left that the user should hear about.
#[derive(Debug, Default)]
pub struct Written {
    /// Folders named like leftovers of an interrupted build but without the
    /// stamp, so not removed.
    pub kept: Vec<PathBuf>,
}

/// Writes `files` to the checked output folder, replacing what was there in
/// one step once every file is written.
pub fn write_atomically(target: &Target, files: &[OutputFile]) -> Result<Written, WriteError> {
    let out = &target.path;
    let parent = out.parent().unwrap_or(Path::new("/"));
    ctx(fs::create_dir_all(parent), "create", parent)?;
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let kept = remove_leftovers(parent, &name);
    let pid = std::process::id();
    let staging = parent.join(format!("{}{pid}", leftover_prefix(&name, "staging")));
    let aside = parent.join(format!("{}{pid}", leftover_prefix(&name, "old")));
    ctx(fs::create_dir(&staging), "create", &staging)?;
    let staged = stamp(&staging).and_then(|lock| write_all(&staging, files).map(|()| lock));
    let lock = match staged {
        Ok(lock) => lock,
        Err(e) => {
            remove_ours(&staging);
            return Err(e);
        }
    };
    // Looked at again at the last moment: the build took a while.
    let now = ctx(target::state(out), "look at", out)?;
    if now == target::State::Foreign && target.replace == Replace::OnlyOurs || now == target::State::NotAFolder {
        remove_ours(&staging);
        let error = io::Error::other("something that casebook did not write appeared there during the build");
        return Err(WriteError {
            path: out.clone(),
            error,
            action: "replace",
        });
    }
    let swapped = match swap::replace(&staging, out, &aside) {
        Ok(s) => s,
        Err(error) => {
            remove_ours(&staging);
            return Err(WriteError {
                path: out.clone(),
                error,
                action: "move into place",
            });
        }
    };
    match swapped {
        swap::Swapped::Placed => {}
        swap::Swapped::Exchanged => remove_ours(&staging),
        swap::Swapped::MovedAside => remove_ours(&aside),
    }
    drop(lock);
    Ok(Written { kept })
}

/// Leftovers of output `name` start with this: `.public.casebook-staging-`.
fn leftover_prefix(name: &str, what: &str) -> String {
    format!(".{name}.casebook-{what}-")
}

/// Writes the stamp first, so even a half-written staging folder is ours,
/// and holds a lock on it: a staging folder whose stamp is locked belongs
/// to a build that is still running.
fn stamp(dir: &Path) -> Result<fs::File, WriteError> {
    let path = dir.join(OUTPUT_STAMP);
    let file = ctx(fs::File::create(&path), "write", &path)?;
    ctx(io::Write::write_all(&mut &file, STAMP_TEXT.as_bytes()), "write", &path)?;
    ctx(file.lock(), "lock", &path)?;
    Ok(file)
}

/// Removes a staging folder or an old output, the stamp last: a removal
/// cut short leaves a folder the next build still knows as ours (stamped,
/// or empty). Links inside are removed, never followed. Failures are left
/// for the next build to retry.
fn remove_ours(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_name() == OUTPUT_STAMP {
                continue;
            }
            let path = entry.path();
            let _ = match entry.file_type() {
                Ok(t) if t.is_dir() => fs::remove_dir_all(&path),
                _ => fs::remove_file(&path),
            };
        }
    }
    let _ = fs::remove_file(dir.join(OUTPUT_STAMP));
    let _ = fs::remove_dir(dir);
}

/// Removes staging folders and old outputs that killed builds left beside
/// `name`: only those named like ours, carrying our stamp, and not locked by
/// a build still running. Returns the ones named like ours but not stamped.
fn remove_leftovers(parent: &Path, name: &str) -> Vec<PathBuf> {
    let prefixes = [leftover_prefix(name, "staging"), leftover_prefix(name, "old")];
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let ours = prefixes.iter().any(|p| {
            file_name
                .strip_prefix(p.as_str())
                .is_some_and(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        });
        if !ours || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        match fs::File::open(path.join(OUTPUT_STAMP)) {
            Ok(stamp) => {
                if stamp.try_lock().is_ok() {
                    drop(stamp);
                    remove_ours(&path);
                }
            }
            // Killed between making the folder and stamping it: nothing to lose.
            Err(_) if fs::remove_dir(&path).is_ok() => {}
            Err(_) => kept.push(path),
        }
    }
    kept.sort();
    kept
}

fn write_all(dir: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    use rayon::prelude::*;
    ctx(fs::create_dir_all(dir), "create", dir)?;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(|p| dir.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        ctx(fs::create_dir_all(d), "create", d)?;
    }
    files.par_iter().try_for_each(|f| {
        let path = dir.join(&f.path);
        match &f.content {
            Content::Bytes(b) => ctx(fs::write(&path, b), "write", &path),
            Content::Copy(from) => ctx(fs::copy(from, &path).map(|_| ()), "copy", from),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            content: Content::Bytes(text.as_bytes().to_vec()),
        }
    }

    fn target(path: PathBuf) -> Target {
        Target {
            path,
            replace: Replace::OnlyOurs,
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn replaces_previous_output_and_leaves_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let out = target(tmp.path().join("public"));
        write_atomically(&out, &[file("a/index.html", "one"), file("gone.txt", "x")]).unwrap();
        write_atomically(&out, &[file("a/index.html", "two")]).unwrap();
        assert_eq!(fs::read_to_string(out.path.join("a/index.html")).unwrap(), "two");
        assert!(!out.path.join("gone.txt").exists());
        assert_eq!(names(tmp.path()), ["public"]);
        assert_eq!(names(&out.path), [OUTPUT_STAMP, "a"]);
        assert_eq!(fs::read_to_string(out.path.join(OUTPUT_STAMP)).unwrap(), STAMP_TEXT);
    }

    #[test]
    fn failed_write_keeps_previous_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = target(tmp.path().join("public"));
        write_atomically(&out, &[file("index.html", "good")]).unwrap();
        let bad = OutputFile {
            path: "x.pdf".into(),
            content: Content::Copy(tmp.path().join("missing.pdf")),
        };
        assert!(write_atomically(&out, &[file("index.html", "new"), bad]).is_err());
        assert_eq!(fs::read_to_string(out.path.join("index.html")).unwrap(), "good");
        assert_eq!(names(tmp.path()), ["public"], "only public/ stays");
    }

    #[test]
    fn leftovers_go_only_when_named_stamped_and_unlocked() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        let folder = |name: &str, stamped: bool| {
            fs::create_dir_all(p.join(name).join("x")).unwrap();
            if stamped {
                fs::write(p.join(name).join(OUTPUT_STAMP), STAMP_TEXT).unwrap();
            }
        };
        folder(".public.casebook-staging-11", true);
        folder(".public.casebook-old-12", true);
        folder(".public.casebook-staging-13", false);
        folder(".public.casebook-staging-14x", true);
        folder(".other.casebook-staging-15", true);
        folder("public.casebook-staging-16", true);
        folder(".public.casebook-staging-17", true);
        fs::create_dir(p.join(".public.casebook-staging-18")).unwrap();
        // A build still running holds its stamp locked.
        let running = fs::File::open(p.join(".public.casebook-staging-17").join(OUTPUT_STAMP)).unwrap();
        running.lock().unwrap();
        let kept = remove_leftovers(p, "public");
        assert_eq!(
            kept,
            [p.join(".public.casebook-staging-13")],
            "named like ours, unstamped: reported"
        );
        assert_eq!(
            names(p),
            [
                ".other.casebook-staging-15",
                ".public.casebook-staging-13",
                ".public.casebook-staging-14x",
                ".public.casebook-staging-17",
                "public.casebook-staging-16",
            ]
        );
        drop(running);
        remove_leftovers(p, "public");
        assert!(
            !p.join(".public.casebook-staging-17").exists(),
            "removed once its build is gone"
        );
    }

    #[cfg(unix)]
    #[test]
    fn removing_an_old_output_never_follows_its_links() {
        let tmp = tempfile::tempdir().unwrap();
        let (old, keep) = (tmp.path().join(".public.casebook-old-1"), tmp.path().join("keep"));
        fs::create_dir_all(old.join("a")).unwrap();
        fs::create_dir_all(&keep).unwrap();
        fs::write(keep.join("mine.txt"), "mine").unwrap();
        fs::write(old.join(OUTPUT_STAMP), STAMP_TEXT).unwrap();
        std::os::unix::fs::symlink(&keep, old.join("a/link")).unwrap();
        std::os::unix::fs::symlink(keep.join("mine.txt"), old.join("file-link")).unwrap();
        remove_ours(&old);
        assert!(!old.exists());
        assert_eq!(fs::read_to_string(keep.join("mine.txt")).unwrap(), "mine");
    }

    #[test]
    fn a_folder_that_appears_during_the_build_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = target(tmp.path().join("public"));
        fs::create_dir_all(out.path.join("mine")).unwrap();
        let err = write_atomically(&out, &[file("index.html", "x")]).unwrap_err();
        assert_eq!(err.action, "replace");
        assert!(out.path.join("mine").is_dir());
        assert_eq!(names(tmp.path()), ["public"]);
        let forced = Target {
            replace: Replace::Anything,
            ..out
        };
        write_atomically(&forced, &[file("index.html", "x")]).unwrap();
        assert!(!forced.path.join("mine").exists());
    }
}
