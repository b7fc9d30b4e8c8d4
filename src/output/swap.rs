//! Putting a finished staging folder in the place of the old output, so that
//! at every instant the output path holds either the whole old site or the
//! whole new one.
//!
//! Linux (`renameat2` with `RENAME_EXCHANGE`) and macOS (`renamex_np` with
//! `RENAME_SWAP`) exchange two folders in one step; rustix makes both calls
//! without `unsafe` here. Where the system or the file system has no such
//! call (Windows, the BSDs, some network file systems), the old folder is
//! renamed aside and the new one renamed in: between those two renames, a
//! few microseconds, the output path does not exist. A build killed right
//! there leaves the old site complete beside it, and the next build removes
//! it.

use std::io;
use std::path::Path;

/// Exchanges the folders at `a` and `b` in one step.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// How the old output left.
#[derive(Debug, PartialEq, Eq)]
pub enum Swapped {
    /// There was none.
    Placed,
    /// The old output now sits at the staging path.
    Exchanged,
    /// The old output was renamed to the path given as `aside`.
    MovedAside,
}

/// Replaces the folder `out` (if any) with `staging`, both in one parent.
pub fn replace(staging: &Path, out: &Path, aside: &Path) -> io::Result<Swapped> {
    if std::fs::symlink_metadata(out).is_err() {
        std::fs::rename(staging, out)?;
        return Ok(Swapped::Placed);
    }
    match exchange(staging, out) {
        Ok(()) => return Ok(Swapped::Exchanged),
        // ENOSYS, EOPNOTSUPP (Unsupported) and EINVAL (InvalidInput) are how
        // kernels and file systems say they have no exchange.
        Err(e) if !matches!(e.kind(), io::ErrorKind::Unsupported | io::ErrorKind::InvalidInput) => return Err(e),
        Err(_) => {}
    }
    std::fs::rename(out, aside)?;
    if let Err(e) = std::fs::rename(staging, out) {
        // Put the old output back so nothing is lost.
        let _ = std::fs::rename(aside, out);
        return Err(e);
    }
    Ok(Swapped::MovedAside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_swaps_two_full_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let (new, out) = (tmp.path().join(".new"), tmp.path().join("out"));
        std::fs::create_dir_all(new.join("n")).unwrap();
        std::fs::create_dir_all(out.join("o")).unwrap();
        let how = replace(&new, &out, &tmp.path().join(".aside")).unwrap();
        assert!(out.join("n").is_dir() && !out.join("o").exists());
        match how {
            Swapped::Exchanged => assert!(new.join("o").is_dir(), "the old output is at the staging path"),
            Swapped::MovedAside => assert!(tmp.path().join(".aside/o").is_dir()),
            Swapped::Placed => panic!("there was an old output"),
        }
        // This machine's file system has the exchange; the suite runs here.
        #[cfg(target_os = "linux")]
        assert_eq!(how, Swapped::Exchanged);
    }

    #[test]
    fn first_output_is_a_plain_rename() {
        let tmp = tempfile::tempdir().unwrap();
        let (new, out) = (tmp.path().join(".new"), tmp.path().join("out"));
        std::fs::create_dir_all(new.join("n")).unwrap();
        assert_eq!(
            replace(&new, &out, &tmp.path().join(".aside")).unwrap(),
            Swapped::Placed
        );
        assert!(out.join("n").is_dir() && !new.exists());
    }
}
