//! The site as `serve` holds it: output paths and their bytes, shared
//! between builds wherever they did not change.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::inputs::Assets;
use crate::diag::Diagnostics;
use crate::parse::packed::Packed;
use crate::render::sink::Sink;
use crate::render::{Content, OutputFile};

/// Output path → bytes: a whole site in memory.
pub type Files = BTreeMap<String, Held>;

/// Files with their bytes in the order the build makes them, which decides
/// what a collision reports.
pub(super) type InOrder = Vec<(String, Held)>;

/// A file's bytes until they are asked for. The server holds every file of
/// the site packed; a copied file is the one read from the inputs.
#[derive(Clone)]
pub enum Held {
    Read(Arc<[u8]>),
    Made(Packed),
    /// A page, packed against a sample page of the same site: pages repeat
    /// its layout and much of its navigation, so they pack to a third of
    /// what they do alone.
    Page(Dictionary, Arc<[u8]>),
}

/// The sample page every page of one `serve` is packed against. It stays
/// for the whole session, so equal pages are equal packed.
#[derive(Clone)]
pub struct Dictionary(Arc<[u8]>);

impl Dictionary {
    pub fn new(sample: &[u8]) -> Dictionary {
        // LZ4 refers back 64 KiB at most.
        Dictionary(sample[sample.len().saturating_sub(1 << 16)..].into())
    }
}

impl PartialEq for Held {
    fn eq(&self, other: &Held) -> bool {
        match (self, other) {
            (Held::Read(a), Held::Read(b)) => a == b,
            (Held::Made(a), Held::Made(b)) => a == b,
            // The same bytes pack the same against the same dictionary.
            (Held::Page(d, a), Held::Page(e, b)) => Arc::ptr_eq(&d.0, &e.0) && a == b,
            _ => false,
        }
    }
}

impl Eq for Held {}

impl Held {
    pub fn made(bytes: &[u8]) -> Held {
        Held::Made(Packed::new(bytes))
    }

    pub fn page(bytes: &[u8], dictionary: &Dictionary) -> Held {
        let packed = lz4_flex::block::compress_prepend_size_with_dict(bytes, &dictionary.0);
        Held::Page(dictionary.clone(), packed.into())
    }

    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Held::Read(b) => Cow::Borrowed(b),
            Held::Made(p) => Cow::Owned(p.unpack()),
            Held::Page(d, p) => Cow::Owned(
                lz4_flex::block::decompress_size_prepended_with_dict(p, &d.0)
                    .expect("the bytes were packed by `Held::page`"),
            ),
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

/// A rendered page's bytes, packed against `dictionary`.
pub(super) fn held_page(content: Content, dictionary: &Dictionary) -> Held {
    match content {
        Content::Bytes(b) => Held::page(&b, dictionary),
        copied => held(copied),
    }
}

/// A rendered page's or search shard's bytes: always made in memory.
pub(super) fn held(content: Content) -> Held {
    match content {
        Content::Bytes(b) => Held::made(&b),
        Content::Copy(p) => Held::Read(Arc::from(std::fs::read(p).unwrap_or_default())),
    }
}

/// Keeps files packed as they come: the search index of ten thousand pages
/// is tens of megabytes before it is packed, made beside the one served.
#[derive(Default)]
pub(super) struct Packing(Mutex<InOrder>);

impl Packing {
    /// The files taken, in path order.
    pub fn into_files(self) -> InOrder {
        let mut files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }
}

impl Sink for Packing {
    fn put(&self, file: OutputFile) {
        let bytes = held(file.content);
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((file.path, bytes));
    }

    fn withdraw(&self, prefix: &str) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(p, _)| !p.starts_with(prefix));
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

    #[test]
    fn pages_packed_against_a_sample_are_their_bytes_and_smaller() {
        let nav = "<nav><a href=\"../x/\">Section X</a><a href=\"../y/\">Section Y</a></nav>".repeat(40);
        let dictionary = Dictionary::new(format!("<html>{nav}<main>Sample</main></html>").as_bytes());
        let page = format!("<html>{nav}<main>This page</main></html>");
        let held = Held::page(page.as_bytes(), &dictionary);
        assert_eq!(held.bytes(), page.as_bytes());
        let Held::Page(_, packed) = &held else { panic!("a page") };
        let alone = lz4_flex::compress_prepend_size(page.as_bytes()).len();
        assert!(packed.len() * 2 < alone, "{} against {alone}", packed.len());
        assert!(held == Held::page(page.as_bytes(), &dictionary));
        assert!(held != Held::page(b"<html>Other</html>", &dictionary));
        assert!(held != Held::page(page.as_bytes(), &Dictionary::new(b"another sample")));
        assert_eq!(Held::page(b"", &dictionary).bytes(), &b""[..]);
    }
}
