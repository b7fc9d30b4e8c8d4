//! The site as `serve` holds it: output paths and their bytes, shared
//! between builds wherever they did not change.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::inputs::Assets;
use crate::diag::Diagnostics;
use crate::parse::packed::Packed;
use crate::render::{Content, OutputFile};

/// Output path → bytes: a whole site in memory.
pub type Files = BTreeMap<String, Held>;

/// Files with their bytes in the order the build makes them, which decides
/// what a collision reports.
pub(super) type InOrder = Vec<(String, Held)>;

/// A file's bytes until they are asked for. The server holds every file of
/// the site, and its pages, which all repeat the navigation, pack to a
/// fraction of their size; a copied file is the one read from the inputs.
#[derive(Clone, PartialEq, Eq)]
pub enum Held {
    Read(Arc<[u8]>),
    Made(Packed),
}

impl Held {
    pub fn made(bytes: &[u8]) -> Held {
        Held::Made(Packed::new(bytes))
    }

    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Held::Read(b) => Cow::Borrowed(b),
            Held::Made(p) => Cow::Owned(p.unpack()),
        }
    }
}

/// Bytes of rendered files, as the server holds them: a copied file is
/// read now, from the assets already read when it is one.
pub(super) fn materialize(files: Vec<OutputFile>, assets: &Assets, diags: &mut Diagnostics) -> InOrder {
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let bytes = match f.content {
            Content::Bytes(b) => Held::made(&b),
            Content::Copy(abs) => match assets.get(&abs) {
                Some(Ok(b)) => Held::Read(Arc::clone(b)),
                Some(Err(d)) => {
                    diags.push(d.clone());
                    continue;
                }
                None => match std::fs::read(&abs) {
                    Ok(b) => Held::Read(Arc::from(b)),
                    Err(e) => {
                        diags.push(crate::diag::io_error("read", &abs, &e));
                        continue;
                    }
                },
            },
        };
        out.push((f.path, bytes));
    }
    out
}

/// A rendered page's or search shard's bytes: always made in memory.
pub(super) fn held(content: Content) -> Held {
    match content {
        Content::Bytes(b) => Held::made(&b),
        Content::Copy(p) => Held::Read(Arc::from(std::fs::read(p).unwrap_or_default())),
    }
}

/// Paths whose bytes differ between two builds, or that only one has.
pub(super) fn changed_paths(old: &Files, new: &Files) -> Vec<String> {
    let mut out: Vec<String> = new
        .iter()
        .filter(|(p, b)| old.get(*p).is_none_or(|o| o != *b))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_paths_are_the_symmetric_difference_by_bytes() {
        let a = Held::made(b"a");
        let old: Files = [
            ("x".to_string(), a.clone()),
            ("y".to_string(), Held::made(b"y")),
            ("w".to_string(), Held::Read(Arc::from(&b"w"[..]))),
        ]
        .into();
        let new: Files = [
            ("x".to_string(), Held::made(b"a")),
            ("z".to_string(), a),
            ("w".to_string(), Held::Read(Arc::from(&b"w"[..]))),
        ]
        .into();
        assert_eq!(changed_paths(&old, &new), ["y", "z"]);
        let new: Files = [("x".to_string(), Held::made(b"b"))].into();
        assert_eq!(changed_paths(&old, &new), ["w", "x", "y"]);
    }

    #[test]
    fn held_bytes_are_the_bytes() {
        let page = "<nav><a href=\"../x/\">X</a></nav>".repeat(400);
        let held = Held::made(page.as_bytes());
        assert_eq!(held.bytes(), page.as_bytes());
        assert!(matches!(&held, Held::Made(p) if p.unpack().len() == page.len()));
        assert_eq!(Held::made(b"").bytes(), &b""[..]);
    }
}
