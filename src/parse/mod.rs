//! Stage 2, PARSE: each file on its own, in parallel, with no knowledge of
//! the others. Front matter is typed and checked, Markdown becomes HTML with
//! its headings, links and component calls recorded for the model.

pub mod anchors;
pub mod components;
pub mod front_matter;
pub mod glossary;
pub mod links;
pub mod markdown;
pub mod numbering;
pub mod packed;
pub mod sanitize;
pub mod sections;
pub mod templates;
pub mod terms;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::kind::Kind;
use crate::metrics::Metric;
use crate::paths;
use crate::source::{FileKind, SourceFile};
use front_matter::FrontMatter;
use markdown::Rendered;

#[derive(Debug, Clone)]
pub struct ParsedPage {
    /// Content-relative source path, `/`-separated.
    pub rel: String,
    /// Path for reports, relative to the site root.
    pub file: String,
    pub url: String,
    pub is_section: bool,
    /// From front matter, else the folder (`kinds:` in config), else `page`.
    pub kind: Kind,
    pub front: FrontMatter,
    /// The first `# Heading` of the body, a title for pages without front matter.
    pub first_heading: Option<String>,
    pub body: Rendered,
    /// The whole source text, kept for positions in later diagnostics.
    pub text: packed::Text,
}

/// One metric file, read and checked on its own.
#[derive(Debug, Clone)]
pub struct ParsedMetric {
    /// The file stem: `outside-counsel-spend`.
    pub id: String,
    pub file: String,
    /// `None` when the file has errors (they are reported).
    pub metric: Option<Metric>,
}

/// Everything the parse stage makes of a site's files, in walk order.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Shared: serve's cache, published versions and the model hold the same parse.
    pub pages: Vec<Arc<ParsedPage>>,
    pub metrics: Vec<ParsedMetric>,
    /// Files copied as they are.
    pub assets: Vec<Asset>,
    /// `glossary.yaml` (there should be one at most).
    pub glossaries: Vec<glossary::Glossary>,
}

/// A file copied to the output as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Content-relative path; also its output path.
    pub rel: String,
    pub abs: std::path::PathBuf,
}

/// Parses every file, in parallel; the order of the input is kept. Each
/// file's text is let go once it is parsed (the parse keeps it packed).
pub fn all(sources: Vec<SourceFile>, config: &Config, diags: &mut Diagnostics) -> Parsed {
    let results: Vec<Parse> = sources.into_par_iter().map(|s| one(&s, config)).collect();
    merge(results, diags)
}

/// Files' parses as one, in order, with their problems.
pub fn merge(results: Vec<Parse>, diags: &mut Diagnostics) -> Parsed {
    let mut out = Parsed::default();
    // Pages are large; a growing list would hold up to twice them.
    out.pages
        .reserve_exact(results.iter().map(|(p, _)| p.pages.len()).sum());
    for (p, errors) in results {
        diags.extend(errors);
        out.pages.extend(p.pages);
        out.metrics.extend(p.metrics);
        out.assets.extend(p.assets);
        out.glossaries.extend(p.glossaries);
    }
    out
}

/// One file's parse with its problems.
pub type Parse = (Parsed, Vec<Diagnostic>);

/// Files' parses as one, in order, with their problems; the pages are
/// shared, and resolving copies one only to change it.
pub fn gather(parses: &[Arc<Parse>], diags: &mut Diagnostics) -> Parsed {
    let mut out = Parsed::default();
    out.pages.reserve_exact(parses.iter().map(|p| p.0.pages.len()).sum());
    for p in parses {
        let (parsed, errors) = &**p;
        diags.extend(errors.iter().cloned());
        out.pages.extend(parsed.pages.iter().cloned());
        out.metrics.extend(parsed.metrics.iter().cloned());
        out.assets.extend(parsed.assets.iter().cloned());
        out.glossaries.extend(parsed.glossaries.iter().cloned());
    }
    out
}

/// Parses of pages shared between the published versions of one build: a
/// file at the same path with the same text under the same configuration
/// parses the same, and most files are the same in every tag. A version
/// holds its files' parses until it renders, so each is held once.
#[derive(Default)]
pub struct Shared {
    /// The configurations seen, by their full description.
    configs: Mutex<Vec<String>>,
    /// (configuration, path, hash of the text) → the parse and its problems.
    parses: Mutex<HashMap<(usize, String, u64), Arc<Parse>>>,
}

impl Shared {
    /// [`all`], reusing the parse of every page already parsed here.
    pub fn all(&self, sources: Vec<SourceFile>, config: &Config, diags: &mut Diagnostics) -> Parsed {
        gather(&self.files(sources, config), diags)
    }

    /// Each file's parse, in order, the one here for a page parsed before.
    pub fn files(&self, sources: Vec<SourceFile>, config: &Config) -> Vec<Arc<Parse>> {
        let described = format!("{config:?}");
        let c = {
            let mut configs = self.configs.lock().unwrap_or_else(|e| e.into_inner());
            configs.iter().position(|d| *d == described).unwrap_or_else(|| {
                configs.push(described);
                configs.len() - 1
            })
        };
        sources.into_par_iter().map(|s| self.one(c, &s, config)).collect()
    }

    fn one(&self, c: usize, s: &SourceFile, config: &Config) -> Arc<Parse> {
        if s.kind != FileKind::Markdown {
            return Arc::new(one(s, config));
        }
        let key = (
            c,
            s.rel.clone(),
            ahash::RandomState::with_seeds(1, 2, 3, 4).hash_one(&s.text),
        );
        let parses = || self.parses.lock().unwrap_or_else(|e| e.into_inner());
        // The hash picks the entry; the text itself decides, unpacked
        // outside the lock.
        let candidate = parses().get(&key).cloned();
        let hit = candidate
            .filter(|parse| (parse.0.pages.first()).is_some_and(|p| p.file == s.file && p.text.unpack() == *s.text));
        hit.unwrap_or_else(|| {
            let fresh = Arc::new(one(s, config));
            parses().insert(key, Arc::clone(&fresh));
            fresh
        })
    }
}

/// Parses one file of any kind, with its problems.
pub fn one(s: &SourceFile, config: &Config) -> Parse {
    let mut errors = Vec::new();
    let mut out = Parsed::default();
    match s.kind {
        FileKind::Markdown => out.pages.extend(page(s, config, &mut errors).map(Arc::new)),
        FileKind::Metric => {
            let id = paths::stem(&s.rel).to_string();
            let (metric, problems) = crate::metrics::file::parse(&id, &s.file, &s.text);
            let failed = problems.iter().any(Diagnostic::is_error);
            errors.extend(problems);
            out.metrics.push(ParsedMetric {
                id,
                file: s.file.clone(),
                metric: metric.filter(|_| !failed),
            });
        }
        FileKind::Glossary => out.glossaries.push(glossary::parse(&s.file, &s.text, &mut errors)),
        FileKind::Asset => out.assets.push(Asset {
            rel: s.rel.clone(),
            abs: s.abs.clone(),
        }),
    }
    (out, errors)
}

/// Parses one page; `None` only when its front matter cannot even be split.
pub fn page(source: &SourceFile, config: &Config, errors: &mut Vec<Diagnostic>) -> Option<ParsedPage> {
    let split = match front_matter::split(&source.text, &source.file) {
        Ok(s) => s,
        Err(d) => {
            errors.push(d);
            return None;
        }
    };
    let mut front = front_matter::parse(&split, &source.file, &source.text, errors);
    let file_name = source.rel.rsplit('/').next().unwrap_or_default();
    let is_section = paths::is_section_index(file_name);
    let url = page_url(&source.rel, &mut front, &source.file, errors);
    let kind = if is_section {
        Kind::Page
    } else {
        front.kind.unwrap_or_else(|| config.kinds.of(&source.rel))
    };
    let ctx = markdown::PageContext {
        full: &source.text,
        file: &source.file,
        body_offset: split.body_offset,
        rel: &source.rel,
        url: &url,
        title_from_heading: front.title.is_none(),
        variables: config.variables.as_ref(),
        numbered: front.numbered.unwrap_or_else(|| config.numbered.contains(&kind)),
    };
    let mut body = markdown::render(split.body, &ctx, errors);
    if config.safe_html {
        body.html = packed::Text::new(&sanitize::sanitize(&body.html.unpack()));
    }
    let first_heading = body.headings.iter().find(|h| h.level == 1).map(|h| h.text.clone());
    Some(ParsedPage {
        rel: source.rel.clone(),
        file: source.file.clone(),
        url,
        is_section,
        kind,
        front,
        first_heading,
        body,
        text: packed::Text::new(&source.text),
    })
}

/// The page's URL: from its path, unless front matter sets it. `permalink`
/// and `url` (Jekyll, Hugo) are paths from the site root; `slug` (Hugo,
/// Docusaurus) is the last part of the URL, or a path from the root when it
/// starts with `/`. A `.html` permalink becomes a folder URL and an alias.
/// A URL that cannot be one is an error, and the path's URL is used.
fn page_url(rel: &str, front: &mut FrontMatter, file: &str, errors: &mut Vec<Diagnostic>) -> String {
    let default = paths::page_url(rel);
    let Some(set) = &front.url else { return default };
    let raw = set.value.id.as_str();
    let wanted = if set.key == "slug" && !raw.starts_with('/') {
        if raw.contains('/') {
            Err(
                "a slug is one part of the URL; write `slug: name`, or a path from the root, `slug: /area/name`"
                    .to_string(),
            )
        } else {
            let parent = default.trim_end_matches('/').rsplit_once('/').map_or("", |(p, _)| p);
            paths::permalink(&format!("{parent}/{raw}"))
        }
    } else {
        paths::permalink(raw)
    };
    match wanted {
        Ok(p) => {
            if let Some(html) = p.html {
                let position = set.value.position.clone();
                front.aliases.push(crate::yaml::Ref { id: html, position });
            }
            p.url
        }
        Err(why) => {
            errors.push(
                Diagnostic::error(format!("`{}` `{raw}` is not a URL inside the site", set.key))
                    .in_file(file)
                    .at(set.value.position.clone())
                    .help(why),
            );
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(rel: &str, text: &str) -> SourceFile {
        SourceFile::in_content(FileKind::Markdown, rel, text)
    }

    #[test]
    fn a_shared_parse_is_the_parse_of_the_same_path_text_and_configuration() {
        let shared = Shared::default();
        let described = |p: &Parsed| format!("{:?}", p.pages);
        let parse =
            |s: &SourceFile, c: &Config| described(&shared.all(vec![s.clone()], c, &mut Diagnostics::default()));
        let entries = || shared.parses.lock().unwrap().len();
        let (plain, titled) = (
            Config::default(),
            Config {
                title: "Other".into(),
                ..Config::default()
            },
        );
        let gifts = source("policies/gifts.md", "# Gifts\n\nDeclare them.\n");
        let alone = described(&one(&gifts, &plain).0);
        assert_eq!(parse(&gifts, &plain), alone);
        assert_eq!(parse(&gifts, &plain), alone, "taken from the first");
        assert_eq!(entries(), 1);
        let edited = source("policies/gifts.md", "# Gifts\n\nDeclare them all.\n");
        assert_eq!(parse(&edited, &plain), described(&one(&edited, &plain).0));
        let moved = source("handbook/gifts.md", "# Gifts\n\nDeclare them.\n");
        assert_eq!(parse(&moved, &plain), described(&one(&moved, &plain).0));
        assert_ne!(parse(&moved, &plain), alone, "the path is part of a parse");
        parse(&gifts, &titled);
        assert_eq!(entries(), 4, "another text, path or configuration is parsed anew");
        // Versions with the same file hold one parse of it.
        let held = || shared.files(vec![gifts.clone(), moved.clone()], &plain);
        let (first, again) = (held(), held());
        assert!(first.iter().zip(&again).all(|(a, b)| Arc::ptr_eq(a, b)));
        assert!(!Arc::ptr_eq(&first[0], &first[1]));
        assert_eq!(entries(), 4);
    }

    #[test]
    fn kind_follows_the_folder_and_front_matter_wins() {
        let c = Config::default();
        let kind = |rel: &str, text: &str| page(&source(rel, text), &c, &mut Vec::new()).expect("parses").kind;
        assert_eq!(kind("policies/privacy/x.md", "Text.\n"), Kind::Policy);
        assert_eq!(kind("handbook/contracts/nda.md", "Text.\n"), Kind::Playbook);
        assert_eq!(kind("about.md", "Text.\n"), Kind::Page);
        assert_eq!(kind("about.md", "---\nkind: policy\n---\nText.\n"), Kind::Policy);
        assert_eq!(kind("policies/_index.md", "Text.\n"), Kind::Page, "a section page");
    }
}
