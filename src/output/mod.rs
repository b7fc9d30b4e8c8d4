//! Stage 5, WRITE: put the rendered site on disk, all or nothing.
//!
//! Every file is written, as soon as it is rendered, into a staging folder
//! beside the output folder (`.public.casebook-staging-PID`), stamped with
//! [`OUTPUT_STAMP`] before the first page; once the build is done the
//! folder is swapped in ([`swap`]): at every instant the output path holds
//! the whole old site or the whole new one. A build that fails or a write
//! that fails removes its staging folder, and a build killed on the way
//! leaves a stamped staging folder that the next build removes. The old
//! site is removed after the swap, by a process of its own ([`Old`]).
//! Where the output may go is [`target`]'s question.

mod remove;
mod reuse;
pub mod swap;
pub mod target;

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::render::sink::Sink;
use crate::render::{Content, OutputFile};
use crate::source::OUTPUT_STAMP;
use remove::remove_ours;
pub use remove::{Old, REMOVE_ENV, remove_old};
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
    /// The output this build replaced, to remove.
    pub old: Old,
}

/// A build's output on its way: files are written as the render hands them
/// over, then [`Staging::publish`] swaps the folder in. Dropped unpublished
/// (a failed build), it removes what it wrote.
pub struct Staging {
    target: Target,
    dir: PathBuf,
    /// Held locked while the build runs, so no other build takes the
    /// folder for a leftover.
    lock: fs::File,
    /// Folders made so far, relative to `dir`.
    made: Mutex<HashSet<String>>,
    /// The first write that failed; later files are not written.
    failed: Mutex<Option<WriteError>>,
    written: AtomicUsize,
    published: bool,
    kept: Vec<PathBuf>,
    /// Version folder → key of its inputs, in the previous output.
    previous: BTreeMap<String, String>,
    /// The same for this build, written with it.
    keys: Mutex<BTreeMap<String, String>>,
    /// Version folders taken from the previous output.
    reused: AtomicUsize,
}

impl Staging {
    /// Makes and stamps a staging folder beside the checked output folder,
    /// removing what killed builds left there first.
    pub fn begin(target: &Target) -> Result<Staging, WriteError> {
        let (parent, name) = parent_and_name(&target.path);
        ctx(fs::create_dir_all(&parent), "create", &parent)?;
        let kept = remove_leftovers(&parent, &name);
        let dir = parent.join(format!("{}{}", leftover_prefix(&name, "staging"), std::process::id()));
        ctx(fs::create_dir(&dir), "create", &dir)?;
        let lock = match stamp(&dir) {
            Ok(lock) => lock,
            Err(e) => {
                remove_ours(&dir);
                return Err(e);
            }
        };
        let previous = match target::state(&target.path) {
            Ok(target::State::Ours) => reuse::read_manifest(&target.path),
            _ => BTreeMap::new(),
        };
        Ok(Staging {
            previous,
            keys: Mutex::default(),
            reused: AtomicUsize::new(0),
            target: target.clone(),
            dir,
            lock,
            made: Mutex::new(HashSet::from([String::new()])),
            failed: Mutex::default(),
            written: AtomicUsize::new(0),
            published: false,
            kept,
        })
    }

    /// How many files were written.
    pub fn written(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }

    /// How many published versions were taken from the previous output.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Swaps the staging folder in for the output folder, in one step.
    pub fn publish(mut self) -> Result<Written, WriteError> {
        if let Some(e) = self.failed.lock().unwrap_or_else(|e| e.into_inner()).take() {
            return Err(e);
        }
        let keys = self.keys.get_mut().unwrap_or_else(|e| e.into_inner());
        if !keys.is_empty() {
            let path = self.dir.join(reuse::MANIFEST);
            ctx(fs::write(&path, reuse::manifest(keys)), "write", &path)?;
        }
        let out = &self.target.path;
        // Looked at again at the last moment: the build took a while.
        let now = ctx(target::state(out), "look at", out)?;
        if now == target::State::Foreign && self.target.replace == Replace::OnlyOurs || now == target::State::NotAFolder
        {
            let error = io::Error::other("something that casebook did not write appeared there during the build");
            return Err(WriteError {
                path: out.clone(),
                error,
                action: "replace",
            });
        }
        let (parent, name) = parent_and_name(out);
        let aside = parent.join(format!("{}{}", leftover_prefix(&name, "old"), std::process::id()));
        let swapped = swap::replace(&self.dir, out, &aside).map_err(|error| WriteError {
            path: out.clone(),
            error,
            action: "move into place",
        })?;
        self.published = true;
        let old = match swapped {
            swap::Swapped::Placed => None,
            // The staging folder's name now holds the old output.
            swap::Swapped::Exchanged => Some(self.dir.clone()),
            swap::Swapped::MovedAside => Some(aside),
        };
        Ok(Written {
            kept: std::mem::take(&mut self.kept),
            old: Old(old),
        })
    }

    fn write(&self, file: &OutputFile) -> Result<(), WriteError> {
        let path = self.dir.join(&file.path);
        if let Some((folder, _)) = file.path.rsplit_once('/') {
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            if !made.contains(folder) {
                let d = self.dir.join(folder);
                ctx(fs::create_dir_all(&d), "create", &d)?;
                made.insert(folder.to_string());
            }
        }
        match &file.content {
            Content::Bytes(b) => ctx(fs::write(&path, b), "write", &path),
            Content::Copy(from) => ctx(fs::copy(from, &path).map(|_| ()), "copy", from),
        }
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) {
        if self.failed.lock().unwrap_or_else(|e| e.into_inner()).is_some() {
            return;
        }
        match self.write(&file) {
            Ok(()) => {
                self.written.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                self.failed.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
            }
        }
    }

    fn withdraw(&self, prefix: &str) {
        let folder = prefix.trim_end_matches('/');
        let path = self.dir.join(folder);
        let files = walkdir::WalkDir::new(&path)
            .into_iter()
            .filter(|e| e.as_ref().is_ok_and(|e| !e.file_type().is_dir()))
            .count();
        self.written.fetch_sub(files, Ordering::Relaxed);
        let _ = fs::remove_dir_all(&path);
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|m| m != folder && !m.starts_with(prefix));
        self.keys.lock().unwrap_or_else(|e| e.into_inner()).remove(prefix);
    }

    fn reuse(&self, prefix: &str, key: &str) -> bool {
        if !self.previously_made(prefix, key) {
            return false;
        }
        let Ok(files) = self.link_previous(prefix) else {
            return false;
        };
        self.written.fetch_add(files, Ordering::Relaxed);
        self.reused.fetch_add(1, Ordering::Relaxed);
        self.made(prefix, key);
        true
    }

    fn carries(&self) -> bool {
        true
    }

    fn previous(&self, prefix: &str, key: &str, name: &str) -> Option<Vec<u8>> {
        if !self.previously_made(prefix, key) {
            return None;
        }
        reuse::read_file(&self.target.path, prefix, name).ok()
    }

    fn made(&self, prefix: &str, key: &str) {
        self.keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(prefix.to_string(), key.to_string());
    }
}

impl Staging {
    /// Whether the previous output's folder `prefix` was made from `key`.
    fn previously_made(&self, prefix: &str, key: &str) -> bool {
        self.previous.get(prefix).is_some_and(|k| k == key)
    }

    fn link_previous(&self, prefix: &str) -> io::Result<usize> {
        let to = self.dir.join(prefix);
        if to.exists() {
            return Err(io::Error::other("already written"));
        }
        reuse::link_tree(&self.target.path, prefix, &to).inspect_err(|_| {
            let _ = fs::remove_dir_all(&to);
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            remove_ours(&self.dir);
        }
        let _ = self.lock.unlock();
    }
}

/// The folder the output folder is in, and its name.
fn parent_and_name(out: &Path) -> (PathBuf, String) {
    let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    (parent, name)
}

/// Whether `file_name` names a staging folder or an old output of output
/// `name`: [`leftover_prefix`] and a process id.
fn is_leftover(file_name: &str, name: &str) -> bool {
    ["staging", "old"].iter().any(|what| {
        file_name
            .strip_prefix(leftover_prefix(name, what).as_str())
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
    })
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

/// Removes staging folders and old outputs that killed builds left beside
/// `name`: only those named like ours, carrying our stamp, and not locked by
/// a build still running. Returns the ones named like ours but not stamped.
fn remove_leftovers(parent: &Path, name: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if !is_leftover(&file_name, name) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
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

    /// A whole build's write: every file handed over, then the swap and
    /// the removal of the old output.
    fn write_atomically(target: &Target, files: &[OutputFile]) -> Result<(), WriteError> {
        let staging = Staging::begin(target)?;
        files.iter().for_each(|f| staging.put(f.clone()));
        staging.publish()?.old.remove();
        Ok(())
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
    fn a_withdrawn_folder_and_an_unpublished_staging_leave_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = target(tmp.path().join("public"));
        let staging = Staging::begin(&out).unwrap();
        for f in [
            "index.html",
            "v/one/index.html",
            "v/one/a/index.html",
            "v/onex/index.html",
        ] {
            staging.put(file(f, f));
        }
        staging.withdraw("v/one/");
        // Written again after the withdrawal: its folder is made anew.
        staging.put(file("v/one/b/index.html", "again"));
        assert_eq!(staging.written(), 3, "withdrawn files are not counted");
        staging.publish().unwrap().old.remove();
        assert_eq!(names(&out.path.join("v")), ["one", "onex"]);
        assert_eq!(names(&out.path.join("v/one")), ["b"]);
        let failed = Staging::begin(&out).unwrap();
        failed.put(file("index.html", "new"));
        drop(failed);
        assert_eq!(names(tmp.path()), ["public"], "a dropped staging folder is removed");
        assert_eq!(fs::read_to_string(out.path.join("index.html")).unwrap(), "index.html");
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
