//! Published versions carried over from the previous output.
//!
//! A build notes, in [`MANIFEST`] at the output's root, the key of the
//! inputs each version folder was made from (see `pipeline::render_tags`).
//! The next build whose key for a folder is the same takes that folder's
//! files from the previous output as hard links (copies where the file
//! system has none) instead of rendering and writing them again.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Folder → key of its inputs, one `folder key` line each, in folder order.
pub const MANIFEST: &str = ".casebook-versions";

/// The keys the output at `out` was made with; none when it has no manifest
/// or one casebook did not write.
pub fn read_manifest(out: &Path) -> BTreeMap<String, String> {
    let Ok(text) = fs::read_to_string(out.join(MANIFEST)) else {
        return BTreeMap::new();
    };
    text.lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(folder, key)| folder.ends_with('/') && !folder.contains("..") && key.len() == 64)
        .map(|(f, k)| (f.to_string(), k.to_string()))
        .collect()
}

/// The manifest's bytes for `keys`.
pub fn manifest(keys: &BTreeMap<String, String>) -> String {
    keys.iter().map(|(f, k)| format!("{f} {k}\n")).collect()
}

/// Links every file under `folder` of the output `out` into `to`, which must not exist yet,
/// keeping the folder tree; returns how many files. Anything but plain
/// files and folders (a link someone put there) is refused, so nothing
/// reaches the new output that casebook did not write.
pub fn link_tree(out: &Path, folder: &str, to: &Path) -> io::Result<usize> {
    let from = folder_in(out, folder)?;
    fs::create_dir_all(to)?;
    link_folder(&from, to)
}

/// Folder by folder, each opened without following a link, and every name
/// looked up in its folder alone: a version folder is thousands of files,
/// and walking each one's full path again costs more than linking it.
#[cfg(unix)]
fn link_folder(from: &Path, to: &Path) -> io::Result<usize> {
    use rustix::fs::CWD;
    link_entries(open_folder(CWD, from)?, open_folder(CWD, to)?, (from, to))
}

/// The folder `name` in `dir`, not a link to one.
#[cfg(unix)]
fn open_folder(dir: impl rustix::fd::AsFd, name: impl rustix::path::Arg) -> io::Result<rustix::fd::OwnedFd> {
    use rustix::fs::{Mode, OFlags, openat};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(openat(dir, name, flags, Mode::empty())?)
}

#[cfg(unix)]
fn link_entries(
    from: rustix::fd::OwnedFd,
    to: rustix::fd::OwnedFd,
    (from_path, to_path): (&Path, &Path),
) -> io::Result<usize> {
    use std::os::unix::ffi::OsStrExt;

    use rustix::fs::{AtFlags, Dir, FileType, Mode, linkat, mkdirat, statat};
    let mut files = 0;
    // The stream takes `from` over: a copy of its own would be three more
    // calls a folder, and there is a folder for every page.
    let mut entries = Dir::new(from)?;
    while let Some(entry) = entries.read() {
        let entry = entry?;
        let from = entries.fd()?;
        let name = entry.file_name();
        if name == c"." || name == c".." {
            continue;
        }
        let kind = match entry.file_type() {
            FileType::Unknown => FileType::from_raw_mode(statat(from, name, AtFlags::SYMLINK_NOFOLLOW)?.st_mode),
            kind => kind,
        };
        let rel = std::ffi::OsStr::from_bytes(name.to_bytes());
        match kind {
            FileType::Directory => {
                mkdirat(&to, name, Mode::from_raw_mode(0o777))?;
                let (a, b) = (from_path.join(rel), to_path.join(rel));
                files += link_entries(open_folder(from, name)?, open_folder(&to, name)?, (&a, &b))?;
            }
            FileType::RegularFile => {
                if linkat(from, name, &to, name, AtFlags::empty()).is_err() {
                    fs::copy(from_path.join(rel), to_path.join(rel))?;
                }
                files += 1;
            }
            _ => {
                return Err(io::Error::other(format!(
                    "`{}` is not a plain file",
                    from_path.join(rel).display()
                )));
            }
        }
    }
    Ok(files)
}

#[cfg(not(unix))]
fn link_folder(from: &Path, to: &Path) -> io::Result<usize> {
    let mut files = 0;
    for entry in walkdir::WalkDir::new(from).follow_links(false).min_depth(1) {
        let entry = entry?;
        let dest = to.join(entry.path().strip_prefix(from).map_err(io::Error::other)?);
        let kind = entry.file_type();
        if kind.is_dir() {
            fs::create_dir(&dest)?;
        } else if kind.is_file() {
            if fs::hard_link(entry.path(), &dest).is_err() {
                fs::copy(entry.path(), &dest)?;
            }
            files += 1;
        } else {
            return Err(io::Error::other(format!(
                "`{}` is not a plain file",
                entry.path().display()
            )));
        }
    }
    Ok(files)
}

/// The bytes of the plain file `name` in `folder` of the output `out`.
pub fn read_file(out: &Path, folder: &str, name: &str) -> io::Result<Vec<u8>> {
    let path = folder_in(out, folder)?.join(name);
    if !fs::symlink_metadata(&path)?.is_file() {
        return Err(io::Error::other(format!("`{}` is not a plain file", path.display())));
    }
    fs::read(path)
}

/// `folder` of the output `out`, every folder on the way a folder, not a
/// link to one elsewhere.
fn folder_in(out: &Path, folder: &str) -> io::Result<PathBuf> {
    let mut path = out.to_path_buf();
    for part in folder.split('/').filter(|p| !p.is_empty()) {
        path.push(part);
        if !fs::symlink_metadata(&path)?.is_dir() {
            return Err(io::Error::other(format!("`{}` is not a folder", path.display())));
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_reads_back_what_was_written_and_nothing_odd() {
        let tmp = tempfile::tempdir().unwrap();
        let key = "a".repeat(64);
        let keys = BTreeMap::from([
            ("v/one/".to_string(), key.clone()),
            ("board/v/two/".to_string(), key.clone()),
        ]);
        let text = manifest(&keys);
        assert_eq!(text, format!("board/v/two/ {key}\nv/one/ {key}\n"));
        fs::write(
            tmp.path().join(MANIFEST),
            format!("{text}../x/ {key}\nv/short/ abc\nno-slash {key}\n"),
        )
        .unwrap();
        assert_eq!(read_manifest(tmp.path()), keys);
    }

    #[cfg(unix)]
    #[test]
    fn links_files_and_refuses_links_planted_in_the_old_output() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("old");
        let old = out.join("v/one");
        fs::create_dir_all(old.join("a/b")).unwrap();
        fs::write(old.join("index.html"), "one").unwrap();
        fs::write(old.join("a/b/index.html"), "deep").unwrap();
        let new = tmp.path().join("new/v/one");
        assert_eq!(link_tree(&out, "v/one/", &new).unwrap(), 2);
        assert_eq!(fs::read_to_string(new.join("a/b/index.html")).unwrap(), "deep");
        let ino = |p: &Path| fs::metadata(p).unwrap().ino();
        assert_eq!(
            ino(&new.join("index.html")),
            ino(&old.join("index.html")),
            "a hard link"
        );
        std::os::unix::fs::symlink(&old, out.join("v/two")).unwrap();
        assert!(
            link_tree(&out, "v/two/", &tmp.path().join("linked")).is_err(),
            "a linked folder"
        );
        fs::create_dir(old.join("empty")).unwrap();
        assert_eq!(link_tree(&out, "v/one/", &tmp.path().join("empty")).unwrap(), 2);
        assert!(tmp.path().join("empty/empty").is_dir(), "an empty folder is kept");
        std::os::unix::fs::symlink(tmp.path().join("new"), old.join("a/elsewhere")).unwrap();
        assert!(
            link_tree(&out, "v/one/", &tmp.path().join("deep")).is_err(),
            "a linked folder inside"
        );
        fs::remove_file(old.join("a/elsewhere")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", old.join("a/passwd")).unwrap();
        assert!(
            link_tree(&out, "v/one/", &tmp.path().join("again")).is_err(),
            "a linked file"
        );
    }
}
