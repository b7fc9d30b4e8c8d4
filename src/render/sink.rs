//! Where a render's files go as they are made, from any thread: to the
//! staging folder of a build ([`crate::output::Staging`]), into memory for
//! `serve`, or nowhere for `check`. A render never holds the whole site.

use std::collections::{BTreeSet, HashSet};
use std::sync::Mutex;

use super::OutputFile;
use crate::diag::{Diagnostic, Diagnostics};

/// Takes rendered files one at a time, from several threads at once.
pub trait Sink: Sync {
    /// Takes one file; a failure to store it is the sink's to report when
    /// it is finished.
    fn put(&self, file: OutputFile);

    /// Drops every file taken under `prefix` (a folder, `/`-terminated): a
    /// published version whose render failed is left out whole.
    fn withdraw(&self, prefix: &str);

    /// Takes the files under `prefix` from the previous output instead of
    /// a render, when they were made from the same inputs (`key`, see
    /// [`Sink::made`]); whether it did. Only a build's staging folder has a
    /// previous output.
    fn reuse(&self, _prefix: &str, _key: &str) -> bool {
        false
    }

    /// Whether the sink keeps what the next build needs to take version
    /// folders from it (see [`Sink::made`]).
    fn carries(&self) -> bool {
        false
    }

    /// The bytes of the file `name` under `prefix` in the previous output,
    /// when that folder was made from inputs `key`.
    fn previous(&self, _prefix: &str, _key: &str, _name: &str) -> Option<Vec<u8>> {
        None
    }

    /// Notes that the files under `prefix` were made from inputs `key`, so
    /// the next build may reuse them.
    fn made(&self, _prefix: &str, _key: &str) {}
}

/// Keeps every file in memory.
#[derive(Default)]
pub struct Memory(Mutex<Vec<OutputFile>>);

impl Memory {
    /// The files taken, in path order.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Memory {
    fn put(&self, file: OutputFile) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(file);
    }

    fn withdraw(&self, prefix: &str) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|f| !f.path.starts_with(prefix));
    }
}

/// Keeps nothing: `check` renders to find problems, not to publish.
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _: OutputFile) {}

    fn withdraw(&self, _: &str) {}
}

/// Puts files into another sink under a folder: an audience's folder of a
/// `publish:` build, a tag's `v/<slug>/`.
pub struct Prefixed<'s> {
    pub sink: &'s dyn Sink,
    /// Empty, or a folder ending in `/`.
    pub prefix: String,
}

impl Sink for Prefixed<'_> {
    fn put(&self, mut file: OutputFile) {
        if !self.prefix.is_empty() {
            file.path.insert_str(0, &self.prefix);
        }
        self.sink.put(file);
    }

    fn withdraw(&self, prefix: &str) {
        self.sink.withdraw(&format!("{}{prefix}", self.prefix));
    }

    fn reuse(&self, prefix: &str, key: &str) -> bool {
        self.sink.reuse(&format!("{}{prefix}", self.prefix), key)
    }

    fn carries(&self) -> bool {
        self.sink.carries()
    }

    fn previous(&self, prefix: &str, key: &str, name: &str) -> Option<Vec<u8>> {
        self.sink.previous(&format!("{}{prefix}", self.prefix), key, name)
    }

    fn made(&self, prefix: &str, key: &str) {
        self.sink.made(&format!("{}{prefix}", self.prefix), key);
    }
}

/// Passes files on while noting their paths: two files of one render at
/// one path are an error (a content file and a generated page, say), and
/// which one would win must not depend on thread timing.
pub struct Claims<'s> {
    sink: &'s dyn Sink,
    seen: Mutex<HashSet<String>>,
    twice: Mutex<BTreeSet<String>>,
}

impl<'s> Claims<'s> {
    pub fn new(sink: &'s dyn Sink) -> Claims<'s> {
        Claims {
            sink,
            seen: Mutex::default(),
            twice: Mutex::default(),
        }
    }

    /// Reports each path taken more than once.
    pub fn report(self, diags: &mut Diagnostics) {
        let twice = self.twice.into_inner().unwrap_or_else(|e| e.into_inner());
        diags.extend(twice.iter().map(|p| collision(p)));
    }
}

impl Sink for Claims<'_> {
    fn put(&self, file: OutputFile) {
        let new = self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(file.path.clone());
        if new {
            self.sink.put(file);
        } else {
            self.twice.lock().unwrap_or_else(|e| e.into_inner()).insert(file.path);
        }
    }

    fn withdraw(&self, prefix: &str) {
        self.sink.withdraw(prefix);
    }
}

/// The error for two files at one output path.
pub fn collision(path: &str) -> Diagnostic {
    Diagnostic::error(format!("two files would be written to `{path}`"))
        .help("a content file and a page or theme file share this output path; rename one of them")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Content;

    fn file(path: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            content: Content::Bytes(path.as_bytes().to_vec()),
        }
    }

    #[test]
    fn prefixes_nest_and_withdraw_only_their_folder() {
        let memory = Memory::default();
        let audience = Prefixed {
            sink: &memory,
            prefix: "board/".into(),
        };
        let tag = Prefixed {
            sink: &audience,
            prefix: "v/one/".into(),
        };
        audience.put(file("index.html"));
        tag.put(file("index.html"));
        tag.put(file("a/index.html"));
        let paths = |m: &Memory| m.0.lock().unwrap().iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(
            paths(&memory),
            ["board/index.html", "board/v/one/index.html", "board/v/one/a/index.html"]
        );
        tag.withdraw("");
        assert_eq!(paths(&memory), ["board/index.html"]);
    }

    #[test]
    fn a_path_taken_twice_is_reported_once_and_kept_once() {
        let memory = Memory::default();
        let claims = Claims::new(&memory);
        for p in ["b", "a", "b", "b", "c", "a"] {
            claims.put(file(p));
        }
        let mut diags = Diagnostics::default();
        claims.report(&mut diags);
        let messages: Vec<&str> = diags.items.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["two files would be written to `a`", "two files would be written to `b`"]
        );
        let files = memory.into_files();
        assert_eq!(
            files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
    }
}
