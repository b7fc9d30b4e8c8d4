//! Published versions carried over from the previous output instead of
//! rendered again (see [`crate::output::Staging`]), and the folder each
//! version's files go to.
//!
//! A version folder's key names everything its files are made from: this
//! casebook, the build's settings with the working tree's configuration,
//! the theme, and the commits of its tag and of every older tag. The version
//! set (which page is which across versions) needs a version's pages, so a
//! folder keeps their names and places in [`PAGES`]: a version carried over
//! with it is neither read from git nor resolved, only its tree listed. A
//! folder without them, or with facts that do not read back, is rendered
//! again.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::Settings;
use crate::config::Config;
use crate::diag::Diagnostics;
use crate::history::set::{Facts, Tag};
use crate::history::{History, Version, versions};
use crate::render::sink::{Prefixed, Sink};
use crate::render::theme::Theme;
use crate::render::{Content, OutputFile};

/// The file of a version folder with its pages' [`Facts`].
const PAGES: &str = ".casebook-pages.json";

/// Where a build may carry published versions over from: its sink, with
/// what every version's render depends on besides its tag.
pub struct Carry<'a> {
    inputs: Sha256,
    out: &'a dyn Sink,
}

impl<'a> Carry<'a> {
    pub fn new(settings: &Settings, theme: &Theme, out: &'a dyn Sink) -> Carry<'a> {
        Carry {
            inputs: inputs(settings, theme),
            out,
        }
    }

    /// `version` as its folder in the previous output holds it, without
    /// reading its files, when that folder was made with `key` (see
    /// [`Carry::key`]) and kept its pages' facts; with whether the tag has
    /// no configuration of its own (`config`, the working tree's, stands
    /// in). [`Carry::link`] then takes the folder over.
    pub(super) fn listed(
        &self,
        history: &History,
        version: &Version,
        key: &str,
        config: &Config,
    ) -> Option<(Tag, bool)> {
        let facts = self.folder(version).previous("", key, PAGES)?;
        let pages: Vec<Facts> = serde_json::from_slice(&facts).ok()?;
        let mut d = Diagnostics::default();
        let listing = versions::list(history, version, config, &mut d);
        if d.has_errors() {
            return None;
        }
        let tag = Tag {
            version: version.clone(),
            pages,
            source: None,
            assets: HashMap::new(),
            blobs: listing.blobs(),
            key: Some(key.to_string()),
        };
        Some((tag, listing.borrowed_config))
    }

    /// Links the folder of `tag`, [listed](Carry::listed), from the
    /// previous output into this one; `false` when that fails, and the tag
    /// is to be rendered.
    pub(super) fn link(&self, tag: &Tag) -> bool {
        tag.key
            .as_deref()
            .is_some_and(|key| self.folder(&tag.version).reuse("", key))
    }

    fn folder(&self, version: &Version) -> Prefixed<'a> {
        Prefixed {
            sink: self.out,
            prefix: folder(version),
        }
    }

    /// The key of the folder of `version`.
    pub(super) fn key(&self, history: &History, version: &Version) -> String {
        key(&self.inputs, history, version)
    }
}

/// What every version's render depends on besides its tag.
fn inputs(settings: &Settings, theme: &Theme) -> Sha256 {
    let mut h = Sha256::new();
    // A casebook built anew is another casebook, whatever its version says.
    let exe = std::env::current_exe().and_then(std::fs::metadata).ok();
    let built = exe.as_ref().map(|m| (m.len(), m.modified().ok()));
    h.update(format!("casebook {} {built:?}\n", env!("CARGO_PKG_VERSION")));
    h.update(format!(
        "{:?} {}\n{:?}\n",
        settings.resolve, settings.pdf, settings.config
    ));
    theme.digest(&mut h);
    h
}

/// The key of `version`'s folder: the render's `inputs` and the commits of
/// the tag and of every older one (published or not, since which of them
/// publish is decided later). A tag off `HEAD`'s first-parent line has its
/// commits credited along history made after it (see
/// [`crate::history::credit`]), so then every tag and `HEAD` count.
fn key(inputs: &Sha256, history: &History, version: &Version) -> String {
    let mut h = inputs.clone();
    // A deepened shallow clone shows more of every tag's history.
    h.update(format!("shallow {:?}\n", history.repo.shallow));
    let log = &history.log;
    let mut line = std::collections::HashSet::new();
    let mut at = Some(history.head);
    while let Some(c) = at.filter(|&c| line.insert(c)) {
        at = log.commits[c].parents.first().copied();
    }
    let older = history
        .versions
        .iter()
        .position(|v| v.name == version.name)
        .map_or(0, |i| i + 1);
    let counted = if history.versions.iter().all(|v| line.contains(&v.commit)) {
        &history.versions[..older]
    } else {
        h.update(format!("HEAD {}\n", log.commits[history.head].hash));
        &history.versions[..]
    };
    for v in counted {
        h.update(format!("{} {} {}\n", v.name, v.slug, log.commits[v.commit].hash));
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A tag's files go under `v/<slug>/`, its assets read from git.
pub(super) struct VersionFolder<'a> {
    tag: &'a Tag,
    folder: Prefixed<'a>,
}

impl<'a> VersionFolder<'a> {
    pub fn new(tag: &'a Tag, sink: &'a dyn Sink) -> VersionFolder<'a> {
        let prefix = folder(&tag.version);
        VersionFolder {
            tag,
            folder: Prefixed { sink, prefix },
        }
    }

    /// Notes that the folder was rendered from `key`, keeping its pages'
    /// facts for the build that carries it over.
    pub fn rendered(&self, key: &str) {
        // Plain data, so this does not fail; an empty file would only mean a render next time.
        let facts = serde_json::to_vec(&self.tag.pages).unwrap_or_default();
        self.folder.put(OutputFile {
            path: PAGES.into(),
            content: Content::Bytes(facts),
        });
        self.folder.made("", key);
    }
}

/// A version's folder in the output.
fn folder(version: &Version) -> String {
    format!("v/{}/", version.slug)
}

impl Sink for VersionFolder<'_> {
    fn put(&self, mut f: OutputFile) {
        // Only the site root has these.
        if f.path == "sitemap.xml" || f.path == "404.html" {
            return;
        }
        if let Content::Copy(abs) = &f.content
            && let Some(bytes) = self.tag.assets.get(abs)
        {
            f.content = Content::Bytes(bytes.to_vec());
        }
        self.folder.put(f);
    }

    fn withdraw(&self, prefix: &str) {
        self.folder.withdraw(prefix);
    }

    fn reuse(&self, prefix: &str, key: &str) -> bool {
        self.folder.reuse(prefix, key)
    }

    fn made(&self, prefix: &str, key: &str) {
        self.folder.made(prefix, key);
    }
}
