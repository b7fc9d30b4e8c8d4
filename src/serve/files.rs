//! The site as `serve` holds it: output paths and their bytes, shared
//! between builds wherever they did not change.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::inputs::Assets;
use crate::diag::Diagnostics;
use crate::render::{Content, OutputFile};

/// Output path → bytes: a whole site in memory.
pub type Files = BTreeMap<String, Arc<[u8]>>;

/// Files with their bytes in the order the build makes them, which decides
/// what a collision reports.
pub(super) type InOrder = Vec<(String, Arc<[u8]>)>;

/// Bytes of rendered files, as the server holds them: a copied file is
/// read now, from the assets already read when it is one.
pub(super) fn materialize(files: Vec<OutputFile>, assets: &Assets, diags: &mut Diagnostics) -> InOrder {
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let bytes = match f.content {
            Content::Bytes(b) => Arc::from(b),
            Content::Copy(abs) => match assets.get(&abs) {
                Some(Ok(b)) => Arc::clone(b),
                Some(Err(d)) => {
                    diags.push(d.clone());
                    continue;
                }
                None => match std::fs::read(&abs) {
                    Ok(b) => Arc::from(b),
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
pub(super) fn bytes_of(content: Content) -> Arc<[u8]> {
    match content {
        Content::Bytes(b) => Arc::from(b),
        Content::Copy(p) => Arc::from(std::fs::read(p).unwrap_or_default()),
    }
}

/// Paths whose bytes differ between two builds, or that only one has.
pub(super) fn changed_paths(old: &Files, new: &Files) -> Vec<String> {
    let mut out: Vec<String> = new
        .iter()
        .filter(|(p, b)| old.get(*p).is_none_or(|o| !Arc::ptr_eq(o, b) && o != *b))
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
        let a: Arc<[u8]> = Arc::from(&b"a"[..]);
        let old: Files = [
            ("x".to_string(), Arc::clone(&a)),
            ("y".to_string(), Arc::from(&b"y"[..])),
        ]
        .into();
        let new: Files = [("x".to_string(), Arc::from(&b"a"[..])), ("z".to_string(), a)].into();
        assert_eq!(changed_paths(&old, &new), ["y", "z"]);
    }
}
