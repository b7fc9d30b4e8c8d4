//! Stage 5, WRITE: put the rendered site on disk, all or nothing.
//!
//! Everything is written into a staging folder beside the output folder,
//! then swapped in with two renames. A build that fails never reaches this
//! stage, and a write that fails removes its staging folder, so the previous
//! output stays as it was.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::{Content, OutputFile};

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

/// Writes `files` to `out` atomically: the old `out` is replaced only once
/// every file has been written.
pub fn write_atomically(out: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    ctx(fs::create_dir_all(parent), "create", parent)?;
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.casebook-new-{pid}"));
    let old = parent.join(format!(".{name}.casebook-old-{pid}"));
    let _ = fs::remove_dir_all(&staging);
    if let Err(e) = write_all(&staging, files) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_old = out.exists();
    if had_old && let Err(e) = ctx(fs::rename(out, &old), "move aside", out) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if let Err(e) = ctx(fs::rename(&staging, out), "move into place", out) {
        // Put the previous output back so nothing is lost.
        if had_old {
            let _ = fs::rename(&old, out);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if had_old {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
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

    #[test]
    fn replaces_previous_output_and_leaves_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomically(&out, &[file("a/index.html", "one"), file("gone.txt", "x")]).unwrap();
        write_atomically(&out, &[file("a/index.html", "two")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("gone.txt").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn failed_write_keeps_previous_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomically(&out, &[file("index.html", "good")]).unwrap();
        let bad = OutputFile {
            path: "x.pdf".into(),
            content: Content::Copy(tmp.path().join("missing.pdf")),
        };
        assert!(write_atomically(&out, &[file("index.html", "new"), bad]).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1, "only public/ stays");
    }
}
