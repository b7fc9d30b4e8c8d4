//! Stage 2, PARSE: each file on its own, in parallel, with no knowledge of
//! the others. Front matter is typed and checked, Markdown becomes HTML with
//! its headings, links and component calls recorded for the model.

pub mod components;
pub mod front_matter;
pub mod markdown;

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::kind::Kind;
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
    pub text: String,
}

/// Parses every Markdown file. The order of the input is kept.
pub fn pages(sources: &[SourceFile], config: &Config, diags: &mut Diagnostics) -> Vec<ParsedPage> {
    let results: Vec<(Option<ParsedPage>, Vec<Diagnostic>)> = sources
        .par_iter()
        .filter(|s| s.kind == FileKind::Markdown)
        .map(|s| {
            let mut errors = Vec::new();
            let page = page(s, config, &mut errors);
            (page, errors)
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for (page, errors) in results {
        diags.extend(errors);
        out.extend(page);
    }
    out
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
    let front = front_matter::parse(&split, &source.file, &source.text, errors);
    let file_name = source.rel.rsplit('/').next().unwrap_or_default();
    let is_section = paths::is_section_index(file_name);
    let url = paths::page_url(&source.rel);
    let kind = if is_section {
        Kind::Page
    } else {
        front.kind.unwrap_or_else(|| folder_kind(&source.rel, config))
    };
    let ctx = markdown::PageContext {
        full: &source.text,
        file: &source.file,
        body_offset: split.body_offset,
        rel: &source.rel,
        url: &url,
        title_from_heading: front.title.is_none(),
    };
    let mut body = markdown::render(split.body, &ctx, errors);
    if config.safe_html {
        body.html = markdown::sanitize(&body.html);
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
        text: source.text.clone(),
    })
}

/// The kind given by the nearest enclosing folder listed in `kinds:`.
fn folder_kind(rel: &str, config: &Config) -> Kind {
    let mut dirs: Vec<&str> = rel.split('/').collect();
    dirs.pop();
    dirs.iter()
        .rev()
        .find_map(|d| config.kinds.get(*d).copied())
        .unwrap_or(Kind::Page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_follows_nearest_configured_folder() {
        let c = Config::default();
        assert_eq!(folder_kind("policies/privacy/x.md", &c), Kind::Policy);
        assert_eq!(folder_kind("handbook/contracts/nda.md", &c), Kind::Playbook);
        assert_eq!(folder_kind("about.md", &c), Kind::Page);
    }
}
