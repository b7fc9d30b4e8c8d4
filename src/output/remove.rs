//! Removing the output a build replaced. A build hands it to a process of
//! its own ([`Old::remove_in_background`]) and exits: removing ten
//! thousand files takes seconds that nobody needs to wait for. That process
//! holds the folder's stamp while it works, so the next build leaves the
//! folder to it; one cut short leaves a stamped folder named like a
//! leftover, which the next build removes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::source::OUTPUT_STAMP;

/// When set, the program removes the old output folder it names, and
/// nothing else (see `main.rs`).
pub const REMOVE_ENV: &str = "CASEBOOK_REMOVE_OLD_OUTPUT";

/// The output a build replaced, if there was one.
#[must_use = "the old output stays until removed, or until the next build"]
#[derive(Debug, Default)]
pub struct Old(pub(super) Option<PathBuf>);

impl Old {
    /// Removes the old output now.
    pub fn remove(self) {
        if let Some(dir) = self.0 {
            remove_ours(&dir);
        }
    }

    /// Removes the old output from a process of its own, started from this
    /// program; now, where that process cannot be started.
    pub fn remove_in_background(self) {
        let Some(dir) = self.0 else {
            return;
        };
        let started = std::env::current_exe().and_then(|exe| {
            let mut command = Command::new(exe);
            command
                .env(REMOVE_ENV, &dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            // Its own process group: a Ctrl-C meant for the next command
            // in the terminal does not cut it short.
            #[cfg(unix)]
            std::os::unix::process::CommandExt::process_group(&mut command, 0);
            command.spawn()
        });
        if started.is_err() {
            remove_ours(&dir);
        }
    }
}

/// What the process started by [`Old::remove_in_background`] does: removes
/// `dir` if it is named like a replaced output (`.NAME.casebook-old-PID`
/// or `.NAME.casebook-staging-PID`), carries the stamp, and no build holds
/// that stamp. Anything else is left alone.
pub fn remove_old(dir: &Path) {
    let named = dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        let name = n.strip_prefix('.').and_then(|rest| rest.rsplit_once(".casebook-"));
        name.is_some_and(|(name, _)| super::is_leftover(n, name))
    });
    if !named {
        return;
    }
    let Ok(stamp) = fs::File::open(dir.join(OUTPUT_STAMP)) else {
        return;
    };
    if stamp.try_lock().is_ok() {
        remove_ours(dir);
    }
}

/// Removes a staging folder or an old output, the stamp last: a removal
/// cut short leaves a folder the next build still knows as ours (stamped,
/// or empty). Links inside are removed, never followed. Failures are left
/// for the next build to retry.
pub(super) fn remove_ours(dir: &Path) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(parent: &Path, name: &str, stamped: bool) -> PathBuf {
        let dir = parent.join(name);
        fs::create_dir_all(dir.join("a")).unwrap();
        fs::write(dir.join("a/index.html"), "old").unwrap();
        if stamped {
            fs::write(dir.join(OUTPUT_STAMP), "stamp").unwrap();
        }
        dir
    }

    #[test]
    fn only_a_stamped_unheld_folder_named_like_a_replaced_output_goes() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path();
        for (name, stamped, goes) in [
            (".public.casebook-old-12", true, true),
            (".site-out.casebook-staging-7", true, true),
            (".public.casebook-old-12", false, false),
            (".public.casebook-old-12x", true, false),
            (".public.casebook-old-", true, false),
            ("public.casebook-old-12", true, false),
            ("public", true, false),
        ] {
            let dir = folder(p, name, stamped);
            remove_old(&dir);
            assert_eq!(!dir.exists(), goes, "{name}, stamped: {stamped}");
            let _ = fs::remove_dir_all(&dir);
        }
        let held = folder(p, ".public.casebook-old-13", true);
        let stamp = fs::File::open(held.join(OUTPUT_STAMP)).unwrap();
        stamp.lock().unwrap();
        remove_old(&held);
        assert!(held.join("a/index.html").exists(), "another process is removing it");
        drop(stamp);
        remove_old(&held);
        assert!(!held.exists());
    }
}
