//! Latest and every published version, built side by side.
//!
//! [`prepare`] opens the history, reads each selected tag into memory and
//! takes it through the same parse and resolve stages as the working tree,
//! with the same audience and drafts settings, so a version shows exactly
//! what this build's audience may see of it. Then it works out, for every
//! version, which page is which across renames (a page's *identity* is its
//! path in latest, found through the commit that last touched it) and
//! attaches a [`history::Annotations`] to each site. [`render`] renders the
//! tags into `v/<slug>/` with the current theme.
//!
//! A tag that does not build is reported, error by error, as a warning that
//! names the tag; the other versions and latest publish. `--strict` turns
//! those warnings into errors like any other.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::history::{self, Annotations, History, Notice, Trail, Version, VersionEntry, VersionPage, VersionSet};
use crate::kind::Kind;
use crate::model::{ResolveOptions, Site};
use crate::render::{self, Content, OutputFile};

/// The tags that built, waiting to be rendered, and what to tell the user.
#[derive(Default)]
pub struct Prepared {
    pub notices: Vec<Notice>,
    tags: Vec<TagBuild>,
}

struct TagBuild {
    version: Version,
    site: Site,
    assets: HashMap<PathBuf, Arc<[u8]>>,
}

/// Reads the history and builds the model of every published version;
/// attaches the history to `site` (latest).
pub fn prepare(
    root: &Path,
    config: &Config,
    opts: &ResolveOptions,
    site: &mut Site,
    diags: &mut Diagnostics,
) -> Prepared {
    let history = match history::open(root, config) {
        Ok(h) => Arc::new(h),
        Err(n) => {
            return Prepared {
                notices: vec![n],
                tags: Vec::new(),
            };
        }
    };
    let mut notices = Vec::new();
    if !history.repo.shallow.is_empty() {
        notices.push(history::shallow_notice());
    }
    let mut tags = Vec::new();
    let mut blobs: Vec<HashMap<String, String>> = Vec::new();
    // Newest first, the order of the version list.
    for version in history.versions.iter().rev() {
        let mut d = Diagnostics::default();
        let tree = history::versions::read(&history, version, config, &mut d);
        if let Err(e) = crate::model::audience::check_name(&tree.config, &opts.audience) {
            d.push(e.in_file(crate::config::FILE_NAME));
        }
        let parsed = crate::parse::pages(&tree.sources, &tree.config, &mut d);
        let tag_opts = ResolveOptions {
            today: opts.today,
            drafts: opts.drafts,
            audience: opts.audience.clone(),
        };
        let tag_site = crate::model::resolve(parsed, &tree.sources, &tree.config, &tag_opts, &mut d);
        if d.has_errors() {
            report_failed(&version.name, d, diags);
            continue;
        }
        blobs.push(tree.blobs);
        tags.push(TagBuild {
            version: version.clone(),
            site: tag_site,
            assets: tree.assets,
        });
    }
    let set = Arc::new(version_set(&history, config, site, &tags, &blobs));
    site.history = Some(Arc::new(Annotations {
        set: Arc::clone(&set),
        current: 0,
    }));
    for (k, t) in tags.iter_mut().enumerate() {
        t.site.history = Some(Arc::new(Annotations {
            set: Arc::clone(&set),
            current: k + 1,
        }));
    }
    Prepared { notices, tags }
}

/// A tag's errors, each as a warning naming the tag.
fn report_failed(tag: &str, d: Diagnostics, diags: &mut Diagnostics) {
    for e in d.items.into_iter().filter(Diagnostic::is_error) {
        let help = e.help.clone().unwrap_or_default();
        diags.push(Diagnostic {
            severity: Severity::Warning,
            message: format!("version `{tag}` is left out: {}", e.message),
            help: Some(format!(
                "{}{}this is the file as tagged `{tag}`; fix it in a new tag, or narrow `versions.tags` in casebook.yaml",
                help,
                if help.is_empty() { "" } else { "; " }
            )),
            ..e
        });
    }
}

/// Which page is which in every version, with trails and flags.
fn version_set(
    history: &Arc<History>,
    config: &Config,
    latest: &Site,
    tags: &[TagBuild],
    blobs: &[HashMap<String, String>],
) -> VersionSet {
    let log = &history.log;
    let mut list = vec![VersionEntry {
        name: "latest".into(),
        path: String::new(),
        slug: "latest".into(),
        label: config.version.clone().unwrap_or_else(|| "Latest".into()),
        commit: history.head,
        latest: true,
    }];
    list.extend(tags.iter().map(|t| VersionEntry {
        name: t.version.name.clone(),
        path: format!("v/{}/", t.version.slug),
        slug: t.version.slug.clone(),
        label: t.version.name.clone(),
        commit: t.version.commit,
        latest: false,
    }));
    let reachable: Vec<Vec<bool>> = list.iter().map(|v| log.reachable(v.commit)).collect();

    // Latest: identity is the path; each change a trail holds points back to it.
    let latest_rels: Vec<&str> = latest
        .pages
        .iter()
        .filter(|p| !p.implicit)
        .map(|p| p.parsed.rel.as_str())
        .collect();
    let latest_trails = history.trace(history.head, latest_rels.iter().copied());
    let mut owner: HashMap<(usize, &str), &str> = HashMap::new();
    let mut sorted: Vec<(&String, &Trail)> = latest_trails.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (rel, trail) in sorted {
        for &(c, n) in &trail.changes {
            owner.insert((c, log.commits[c].changes[n].path.as_str()), rel.as_str());
        }
    }
    let mut pages = Vec::with_capacity(list.len());
    let mut by_rel = Vec::with_capacity(list.len());
    let (p, r) = pages_of(history, latest, &latest_trails, &owner, None, true);
    pages.push(p);
    by_rel.push(r);
    for (t, blobs) in tags.iter().zip(blobs) {
        let rels: Vec<&str> = t
            .site
            .pages
            .iter()
            .filter(|p| !p.implicit)
            .map(|p| p.parsed.rel.as_str())
            .collect();
        let trails = history.trace(t.version.commit, rels.iter().copied());
        let (p, r) = pages_of(history, &t.site, &trails, &owner, Some(blobs), false);
        pages.push(p);
        by_rel.push(r);
    }
    VersionSet {
        history: Arc::clone(history),
        list,
        pages,
        by_rel,
        reachable,
        repo_url: config.repo_url.clone(),
    }
}

type Pages = (HashMap<String, VersionPage>, HashMap<String, String>);

fn pages_of(
    history: &History,
    site: &Site,
    trails: &HashMap<String, Trail>,
    owner: &HashMap<(usize, &str), &str>,
    blobs: Option<&HashMap<String, String>>,
    latest: bool,
) -> Pages {
    let log = &history.log;
    let mut pages = HashMap::with_capacity(site.pages.len());
    let mut by_rel = HashMap::with_capacity(site.pages.len());
    for p in &site.pages {
        let rel = &p.parsed.rel;
        let trail = trails.get(rel).cloned().unwrap_or_default();
        let identity = if latest || p.implicit {
            rel.clone()
        } else {
            trail
                .changes
                .first()
                .and_then(|&(c, n)| owner.get(&(c, log.commits[c].changes[n].path.as_str())))
                .map_or_else(|| rel.clone(), |s| s.to_string())
        };
        let redline = p.kind() == Kind::Policy
            || p.front()
                .extra
                .get("redline")
                .is_some_and(|v| v == &serde_json::Value::Bool(true));
        let page = VersionPage {
            rel: rel.clone(),
            url: p.url().to_string(),
            title: p.title.clone(),
            kind: p.kind(),
            redline: redline && !p.is_section(),
            // Latest's committed text is its last change's blob, unless edited since.
            blob: match blobs {
                Some(b) => b.get(rel).cloned(),
                None if history.uncommitted.contains(rel) => None,
                None => trail
                    .changes
                    .first()
                    .and_then(|&(c, n)| log.commits[c].changes[n].new_blob.clone()),
            },
            uncommitted: latest && !p.implicit && history.uncommitted.contains(rel),
            truncated: history.is_truncated(&trail),
            implicit: p.implicit,
            trail,
        };
        by_rel.insert(rel.clone(), identity.clone());
        // Two pages claiming one identity (a file split in two): the first keeps it.
        pages.entry(identity).or_insert(page);
    }
    (pages, by_rel)
}

/// Renders every tag that built into `v/<slug>/`.
pub fn render(
    root: &Path,
    config: &Config,
    opts: &crate::BuildOptions,
    prepared: Prepared,
    diags: &mut Diagnostics,
) -> Vec<OutputFile> {
    if prepared.tags.is_empty() {
        return Vec::new();
    }
    let mut d = Diagnostics::default();
    let Some(mut theme) = render::theme::Theme::load(root, config, &mut d) else {
        return Vec::new();
    };
    crate::set_globals(&mut theme, opts);
    let hidden = indicatif::ProgressBar::hidden();
    let mut out = Vec::new();
    for t in prepared.tags {
        let mut d = Diagnostics::default();
        let files = render::site(&t.site, &mut theme, Some(t.version.name.clone()), &hidden, &mut d);
        if d.has_errors() {
            report_failed(&t.version.name, d, diags);
            continue;
        }
        let prefix = format!("v/{}/", t.version.slug);
        for mut f in files {
            // Only the site root has these.
            if f.path == "sitemap.xml" || f.path == "404.html" {
                continue;
            }
            if let Content::Copy(abs) = &f.content
                && let Some(bytes) = t.assets.get(abs)
            {
                f.content = Content::Bytes(bytes.to_vec());
            }
            f.path = format!("{prefix}{}", f.path);
            out.push(f);
        }
    }
    out
}
