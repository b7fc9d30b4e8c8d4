//! A published version's files, read from its tag into memory.
//!
//! The tag's own `casebook.yaml`, content, metric files and assets are read
//! from the object store (`git ls-tree` + one `git cat-file --batch`) into
//! the same [`SourceFile`]s the content walk makes from the disk, so a
//! version goes through the same pipeline as the working tree. Assets get a
//! stand-in path ([`blob_path`]) and their bytes travel alongside.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::{History, Version};
use crate::config::{self, Config};
use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::source::{self, FileKind, SourceFile};

/// The inputs of one version's build.
pub struct Tree {
    pub listing: Listing,
    pub sources: Vec<SourceFile>,
    /// Stand-in path of each asset ([`blob_path`]) → its bytes.
    pub assets: HashMap<PathBuf, Arc<[u8]>>,
}

/// The path standing for a blob in [`SourceFile::abs`]; never on the disk.
pub fn blob_path(oid: &str) -> PathBuf {
    PathBuf::from(format!("git-blob:{oid}"))
}

/// A version's tree as listed, before any file is read.
pub struct Listing {
    pub config: Config,
    /// The tag has no `casebook.yaml` of its own: `config` is the working tree's.
    pub borrowed_config: bool,
    /// The content folder looked for, from the top of the repository.
    pub content: String,
    /// The tag's tree has that folder.
    pub has_content: bool,
    /// Content-relative path and blob id of every file, in walk order.
    pub files: Vec<(String, String)>,
}

impl Listing {
    /// Content-relative path → blob id.
    pub fn blobs(&self) -> HashMap<String, String> {
        self.files.iter().cloned().collect()
    }
}

/// Lists `version`'s tree and reads its configuration. Problems (a config
/// that cannot be read) are pushed to `diags`.
pub fn list(history: &History, version: &Version, current: &Config, diags: &mut Diagnostics) -> Listing {
    let rev = history.log.commits[version.commit].hash.clone();
    let repo = &history.repo;
    let mut borrowed_config = false;
    let config = match &repo.site_prefix {
        Some(prefix) => {
            let path = format!("{prefix}{}", config::FILE_NAME);
            let entries = super::git::ls_tree(repo, &rev, &path).unwrap_or_default();
            match entries.iter().find(|e| e.path == path) {
                // Tagged before the site had a configuration: these settings
                // are the ones that make sense of its files today.
                None => {
                    borrowed_config = true;
                    current.clone()
                }
                Some(e) => match history.text(&e.oid) {
                    Some(text) => Config::parse(&text, diags),
                    None => {
                        diags.push(
                            Diagnostic::error("casebook.yaml is not UTF-8 text")
                                .in_file(config::FILE_NAME)
                                .help("save it as UTF-8"),
                        );
                        Config::default()
                    }
                },
            }
        }
        // The site root is outside the repository: the content is all it has.
        None => current.clone(),
    };
    let content_path = match &repo.site_prefix {
        Some(prefix) => format!("{prefix}{}/", display_path(&config.content_dir).trim_end_matches('/')),
        None => repo.content_prefix.clone(),
    };
    let entries = super::git::ls_tree(repo, &rev, content_path.trim_end_matches('/')).unwrap_or_default();
    let has_content = content_path.is_empty() || !entries.is_empty();
    let mut files: Vec<(String, String)> = entries
        .into_iter()
        .filter_map(|e| {
            let rel = e.path.strip_prefix(&content_path)?.to_string();
            // A link is stored as the text of its target: not the file it names.
            let is_link = e.mode == "120000";
            (!rel.is_empty() && !is_link && !source::is_reserved(&config, &rel)).then_some((rel, e.oid))
        })
        .collect();
    files.sort_by(|a, b| a.0.split('/').cmp(b.0.split('/')));
    Listing {
        content: match content_path.trim_end_matches('/') {
            "" => ".".to_string(),
            path => path.to_string(),
        },
        config,
        borrowed_config,
        has_content,
        files,
    }
}

/// Reads `version`'s tree. Problems (a config or file that cannot be read)
/// are pushed to `diags`, as the content walk does for the disk.
pub fn read(history: &History, version: &Version, current: &Config, diags: &mut Diagnostics) -> Tree {
    let listing = list(history, version, current, diags);
    let oids: Vec<String> = listing.files.iter().map(|(_, o)| o.clone()).collect();
    let bytes = history.blobs(&oids);
    let mut sources = Vec::with_capacity(listing.files.len());
    let mut assets = HashMap::new();
    for (rel, oid) in &listing.files {
        let file = display_path(&listing.config.content_dir.join(rel));
        let kind = source::classify(rel);
        let Some(b) = bytes.get(oid) else {
            diags.push(Diagnostic::error(format!("could not read `{file}` from git")).in_file(&file));
            continue;
        };
        let abs = blob_path(oid);
        let text = if kind == FileKind::Asset {
            assets.insert(abs.clone(), Arc::clone(b));
            String::new()
        } else {
            match source::decode(b.to_vec(), &file) {
                Ok(t) => t,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            }
        };
        sources.push(SourceFile {
            rel: rel.clone(),
            file,
            abs,
            kind,
            text: text.into(),
        });
    }
    Tree {
        listing,
        sources,
        assets,
    }
}
