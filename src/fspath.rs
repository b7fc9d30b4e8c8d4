//! Paths on the disk, resolved the way the operating system will open them.
//!
//! Two paths can only be compared once both are absolute, free of `.` and
//! `..`, and free of symbolic links: `x/../content`, `../site` seen from
//! inside the site, or a `--root` given through a link all name folders
//! that a plain string comparison would call different. [`resolve`] does
//! what `realpath` does, and also for paths that do not exist yet (an output
//! folder before its first build).

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};

/// As many links as Linux follows in one lookup before `ELOOP`.
const MAX_LINKS: usize = 40;

/// Why a path could not be resolved.
#[derive(Debug)]
pub enum Unresolved {
    /// Following links never ended (`a -> b -> a`); `at` is where it gave up.
    Loop { at: PathBuf },
    /// The disk said no, e.g. permission denied on a folder along the way.
    Io { at: PathBuf, error: io::Error },
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unresolved::Loop { at } => write!(f, "symbolic links loop at `{}`", at.display()),
            Unresolved::Io { at, error } => write!(f, "cannot look at `{}`: {error}", at.display()),
        }
    }
}

impl std::error::Error for Unresolved {}

/// `a/./b/../c` → `a/c` by the text alone; a `..` that climbs above the
/// start of a relative path is kept (`../x`), one above `/` is dropped.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out
}

/// The absolute path `path` names, every symbolic link along it followed,
/// with no `.` or `..` left. Equal to `fs::canonicalize` for a path that
/// exists; for one that does not, the part that exists is resolved and the
/// rest appended as written.
///
/// Each component is resolved before the `..` after it is applied, as the
/// OS does: `link/..` is the parent of the link's target, not the folder
/// holding the link. Normalising `..` first would compare a different
/// folder than the one the build then writes to.
pub fn resolve(path: &Path) -> Result<PathBuf, Unresolved> {
    let start = std::path::absolute(path).map_err(|error| Unresolved::Io {
        at: path.to_path_buf(),
        error,
    })?;
    // Components still to walk, the next one last.
    let mut todo: Vec<OsString> = Vec::new();
    let mut out = PathBuf::new();
    push_components(&start, &mut out, &mut todo);
    let mut links = 0;
    while let Some(name) = todo.pop() {
        if name == ".." {
            out.pop();
            continue;
        }
        if name == "." {
            continue;
        }
        out.push(&name);
        match std::fs::symlink_metadata(&out) {
            Ok(m) if m.file_type().is_symlink() => {
                links += 1;
                if links > MAX_LINKS {
                    return Err(Unresolved::Loop { at: out });
                }
                let target = std::fs::read_link(&out).map_err(|error| Unresolved::Io { at: out.clone(), error })?;
                out.pop();
                push_components(&target, &mut out, &mut todo);
            }
            Ok(_) => {}
            // Not there (yet): the rest of the path is taken as written.
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {}
            Err(error) => return Err(Unresolved::Io { at: out, error }),
        }
    }
    Ok(out)
}

/// Queues the components of `path` onto `todo` (first one last). An
/// absolute `path` restarts `out` at its root.
fn push_components(path: &Path, out: &mut PathBuf, todo: &mut Vec<OsString>) {
    let mut names = Vec::new();
    for c in path.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => {
                out.clear();
                out.push(c);
            }
            Component::CurDir => {}
            Component::ParentDir => names.push(OsString::from("..")),
            Component::Normal(n) => names.push(n.to_os_string()),
        }
    }
    todo.extend(names.into_iter().rev());
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn normalise_drops_dots_and_keeps_leading_parents() {
        for (input, expected) in [
            ("a/./b/../c", "a/c"),
            ("x/../content", "content"),
            ("../site-out", "../site-out"),
            ("../../a/..", "../.."),
            ("/a/../../b", "/b"),
            ("./", ""),
        ] {
            assert_eq!(normalise(Path::new(input)), PathBuf::from(expected), "{input}");
        }
    }

    /// A folder with real folders, a file and links of every shape:
    /// relative, absolute, through `..`, to a file, dangling, and a loop.
    fn fixture() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let r = tmp.path();
        std::fs::create_dir_all(r.join("a/b/c")).unwrap();
        std::fs::create_dir_all(r.join("d")).unwrap();
        std::fs::write(r.join("a/f.txt"), "x").unwrap();
        symlink("a/b", r.join("lb")).unwrap();
        symlink(r.join("d"), r.join("ld")).unwrap();
        symlink("../../d", r.join("a/b/up")).unwrap();
        symlink("../f.txt", r.join("a/b/lf")).unwrap();
        symlink("nowhere/else", r.join("dangling")).unwrap();
        symlink("loop2", r.join("loop1")).unwrap();
        symlink("loop1", r.join("loop2")).unwrap();
        tmp
    }

    const PARTS: &[&str] = &[
        "a", "b", "c", "d", "f.txt", "lb", "ld", "up", "lf", "dangling", "new", "..", ".",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn normalise_is_idempotent_and_leaves_no_inner_dots(parts in prop::collection::vec(prop::sample::select(PARTS), 0..8)) {
            let p: PathBuf = parts.iter().collect();
            let n = normalise(&p);
            prop_assert_eq!(normalise(&n), n.clone());
            let comps: Vec<Component> = n.components().collect();
            prop_assert!(!comps.contains(&Component::CurDir));
            let first_normal = comps.iter().position(|c| matches!(c, Component::Normal(_)));
            if let Some(i) = first_normal {
                prop_assert!(!comps[i..].contains(&Component::ParentDir), "{:?}", n);
            }
        }

        #[test]
        fn resolve_agrees_with_the_operating_system(parts in prop::collection::vec(prop::sample::select(PARTS), 0..7)) {
            let tmp = fixture();
            let base = std::fs::canonicalize(tmp.path()).unwrap();
            let p: PathBuf = std::iter::once(base.clone()).chain(parts.iter().map(PathBuf::from)).collect();
            let resolved = resolve(&p).unwrap();
            prop_assert!(resolved.is_absolute());
            prop_assert!(resolved.components().all(|c| matches!(c, Component::Normal(_) | Component::RootDir)));
            match std::fs::canonicalize(&p) {
                // What the OS opens for this path is exactly what we compare.
                Ok(real) => prop_assert_eq!(&resolved, &real),
                // Nothing there: what we return is its own resolution, so
                // creating it creates exactly that folder.
                Err(_) => prop_assert_eq!(resolve(&resolved).unwrap(), resolved.clone()),
            }
        }
    }

    #[test]
    fn links_are_resolved_before_the_parent_step_after_them() {
        let tmp = fixture();
        let base = std::fs::canonicalize(tmp.path()).unwrap();
        // `lb` is `a/b`, so `lb/..` is `a`, not the fixture's top.
        assert_eq!(resolve(&base.join("lb/..")).unwrap(), base.join("a"));
        assert_eq!(resolve(&base.join("a/b/up/new/x")).unwrap(), base.join("d/new/x"));
        assert_eq!(resolve(&base.join("dangling")).unwrap(), base.join("nowhere/else"));
    }

    #[test]
    fn a_link_loop_is_an_error_not_a_hang() {
        let tmp = fixture();
        let err = resolve(&tmp.path().join("loop1/x")).unwrap_err();
        assert!(matches!(err, Unresolved::Loop { .. }), "{err}");
    }
}
