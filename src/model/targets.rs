//! Which page or file a site-absolute link names.
//!
//! A repository written for a deployed site links `/policy-site/area/page`,
//! with or without `.md`, `.html`, a trailing slash or `index`. The path is
//! tried under `base_url`'s path first, then from the site root; source
//! paths are matched as the file system of the content has them
//! (case-sensitive), URLs as casebook makes them (slugs, `permalink`s) and
//! old URLs through `aliases`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::audience::Hidden;
use super::{Index, PageId, Site};
use crate::paths;

/// What a path from the site root names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Page(PageId),
    /// A page this build leaves out, by source path.
    Hidden(String),
    /// A content file, by content-relative path.
    File(String),
    /// A page casebook writes itself (the register, a metric page), by URL.
    Generated(String),
}

/// What a site-absolute link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Found(Found),
    /// Under `base_url`'s path, yet nothing there.
    Missing,
    /// Outside `base_url`'s path: this absolute address on its origin.
    Outside(String),
    /// Nothing in the site, and without `base_url` nowhere else to point.
    Unknown,
}

/// The lookups a site-absolute link is resolved with.
pub struct Targets<'a> {
    pub by_rel: &'a Index,
    pub by_url: &'a Index,
    pub redirects: &'a BTreeMap<String, PageId>,
    pub hidden: &'a Hidden,
    pub assets: HashSet<&'a str>,
    /// URLs of pages casebook writes that a link may name.
    pub generated: BTreeSet<String>,
}

impl<'a> Targets<'a> {
    pub fn new(site: &'a Site) -> Targets<'a> {
        let mut generated = BTreeSet::new();
        if site.pages.iter().any(|p| p.lifecycle.is_some()) {
            generated.insert("register/".to_string());
        }
        if !site.terms.entries.is_empty() {
            generated.insert(super::terms::GLOSSARY_URL.to_string());
        }
        if !site.metrics.is_empty() {
            generated.insert("metrics/".to_string());
            generated.extend(site.metrics.keys().map(|id| format!("metrics/{id}/")));
        }
        Targets {
            by_rel: &site.by_rel,
            by_url: &site.by_url,
            redirects: &site.redirects,
            hidden: &site.hidden,
            assets: site.assets.iter().map(|a| a.rel.as_str()).collect(),
            generated,
        }
    }

    /// Resolves `written`'s decoded path (`policy-site/area/page`, no leading
    /// `/`) for a site at `base_url`; `written` is the link as written.
    pub fn resolve(&self, base_url: &str, path: &str, written: &str) -> Resolution {
        let base = paths::base_path(base_url);
        let base = base.trim_matches('/');
        let under = if base.is_empty() {
            Some(path)
        } else {
            path.strip_prefix(base).filter(|r| r.is_empty() || r.starts_with('/'))
        };
        let found = under.and_then(|rest| self.find(rest)).or_else(|| self.find(path));
        match (found, paths::origin(base_url)) {
            (Some(f), _) => Resolution::Found(f),
            (None, None) => Resolution::Unknown,
            (None, Some(_)) if under.is_some() => Resolution::Missing,
            (None, Some(origin)) => Resolution::Outside(format!("{origin}{written}")),
        }
    }

    /// What `path` (from the site root, no leading `/`) names, if anything.
    pub fn find(&self, path: &str) -> Option<Found> {
        let path = paths::join("", path)?;
        if self.assets.contains(path.as_str()) {
            return Some(Found::File(path));
        }
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", &path));
        let index = matches!(
            file.to_ascii_lowercase().as_str(),
            "index" | "index.html" | "index.htm" | "index.md" | "_index.md" | "readme.md"
        );
        let folder = if index { dir } else { path.as_str() };
        let mut sources = Vec::with_capacity(6);
        if index {
            sources.push(path.clone());
        } else {
            if path.to_ascii_lowercase().ends_with(".md") {
                sources.push(path.clone());
            }
            sources.push(format!("{path}.md"));
        }
        for name in ["_index.md", "index.md", "README.md"] {
            sources.push(if folder.is_empty() {
                name.to_string()
            } else {
                format!("{folder}/{name}")
            });
        }
        for s in &sources {
            if let Some(&id) = self.by_rel.get(s) {
                return Some(Found::Page(id));
            }
            if self.hidden.pages.contains_key(s) {
                return Some(Found::Hidden(s.clone()));
            }
        }
        let stem = if index {
            dir
        } else {
            [".html", ".htm", ".md"]
                .iter()
                .find_map(|ext| path.strip_suffix(ext))
                .unwrap_or(&path)
        };
        let as_url = |p: &str| if p.is_empty() { String::new() } else { format!("{p}/") };
        let slugs: Vec<String> = stem
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| match paths::slugify(s) {
                slug if slug.is_empty() => "-".to_string(),
                slug => slug,
            })
            .collect();
        for url in [as_url(stem), as_url(&slugs.join("/"))] {
            if let Some(&id) = self.by_url.get(&url) {
                return Some(Found::Page(id));
            }
            if let Some(rel) = self.hidden.urls.get(&url) {
                return Some(Found::Hidden(rel.clone()));
            }
            if self.generated.contains(&url) {
                return Some(Found::Generated(url));
            }
        }
        [super::resolve::normalise_alias(&path), as_url(stem)]
            .iter()
            .find_map(|alias| self.redirects.get(alias))
            .map(|&id| Found::Page(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::audience::Reason;

    struct Fixture {
        by_rel: Index,
        by_url: Index,
        redirects: BTreeMap<String, PageId>,
        hidden: Hidden,
    }

    /// Pages as `(source, url)`; page ids are their places in the list.
    fn fixture(pages: &[(&str, &str)]) -> Fixture {
        let mut f = Fixture {
            by_rel: Index::default(),
            by_url: Index::default(),
            redirects: BTreeMap::new(),
            hidden: Hidden::default(),
        };
        for (id, (rel, url)) in pages.iter().enumerate() {
            f.by_rel.insert(rel.to_string(), id);
            f.by_url.insert(url.to_string(), id);
        }
        f.redirects.insert("old/gifts.html".into(), 2);
        f.redirects.insert("legal/gifts/".into(), 2);
        f.hidden.pages.insert("area/secret.md".into(), Reason::Draft);
        f.hidden.urls.insert("area/secret/".into(), "area/secret.md".into());
        f
    }

    impl Fixture {
        fn targets(&self) -> Targets<'_> {
            Targets {
                by_rel: &self.by_rel,
                by_url: &self.by_url,
                redirects: &self.redirects,
                hidden: &self.hidden,
                assets: ["assets/logo.png"].into_iter().collect(),
                generated: ["register/".to_string()].into_iter().collect(),
            }
        }
    }

    const PAGES: &[(&str, &str)] = &[
        ("_index.md", ""),
        ("Acme terms/README.md", "acme-terms/"),
        (
            "Acme terms/Gifts_and Hospitality.md",
            "acme-terms/gifts-and-hospitality/",
        ),
        ("area/page-name.md", "area/page-name/"),
        ("area/moved.md", "elsewhere/moved/"),
    ];

    #[test]
    fn every_spelling_of_a_page_finds_it() {
        let f = fixture(PAGES);
        let t = f.targets();
        for path in [
            "area/page-name",
            "area/page-name/",
            "area/page-name.md",
            "area/page-name.html",
            "area/page-name/index.html",
            "area/page-name/index",
            "area/./x/../page-name",
        ] {
            assert_eq!(t.find(path), Some(Found::Page(3)), "{path}");
        }
        for path in ["", "index.html", "README.md", "_index.md"] {
            assert_eq!(t.find(path), Some(Found::Page(0)), "`{path}`");
        }
        for path in [
            "Acme terms",
            "Acme terms/README.md",
            "acme-terms/",
            "Acme-Terms/index.html",
        ] {
            assert_eq!(t.find(path), Some(Found::Page(1)), "{path}");
        }
    }

    #[test]
    fn sources_are_case_sensitive_and_urls_are_slugs() {
        let f = fixture(PAGES);
        let t = f.targets();
        assert_eq!(
            t.find("Acme terms/Gifts_and Hospitality"),
            Some(Found::Page(2)),
            "source, no extension"
        );
        assert_eq!(t.find("Acme terms/Gifts_and Hospitality.md"), Some(Found::Page(2)));
        assert_eq!(
            t.find("acme-terms/gifts-and-hospitality"),
            Some(Found::Page(2)),
            "its URL"
        );
        assert_eq!(
            t.find("Acme-terms/Gifts-and-Hospitality.html"),
            Some(Found::Page(2)),
            "the slug of the URL"
        );
        assert_eq!(
            t.find("area/PAGE-NAME.md"),
            Some(Found::Page(3)),
            "a .md name that is not a source still matches the slug URL"
        );
        assert_eq!(t.find("elsewhere/moved"), Some(Found::Page(4)), "a permalink");
        assert_eq!(t.find("area/moved.md"), Some(Found::Page(4)), "its source");
        assert_eq!(t.find("area/nothing"), None);
        assert_eq!(t.find("../area/page-name"), None, "above the root");
    }

    #[test]
    fn aliases_files_hidden_and_generated_pages() {
        let f = fixture(PAGES);
        let t = f.targets();
        assert_eq!(t.find("old/gifts.html"), Some(Found::Page(2)));
        assert_eq!(t.find("legal/gifts"), Some(Found::Page(2)));
        assert_eq!(t.find("assets/logo.png"), Some(Found::File("assets/logo.png".into())));
        assert_eq!(t.find("area/secret"), Some(Found::Hidden("area/secret.md".into())));
        assert_eq!(t.find("area/secret.md"), Some(Found::Hidden("area/secret.md".into())));
        assert_eq!(t.find("register/"), Some(Found::Generated("register/".into())));
    }

    #[test]
    fn base_url_path_first_then_the_root_then_outside() {
        let f = fixture(PAGES);
        let t = f.targets();
        let base = "https://docs.example.com/policy-site";
        let r = |path: &str| t.resolve(base, path, &format!("/{path}"));
        assert_eq!(r("policy-site/area/page-name"), Resolution::Found(Found::Page(3)));
        assert_eq!(r("policy-site"), Resolution::Found(Found::Page(0)));
        assert_eq!(r("area/page-name"), Resolution::Found(Found::Page(3)), "from the root");
        assert_eq!(r("policy-site/area/nothing"), Resolution::Missing);
        assert_eq!(
            r("articles/about-docs"),
            Resolution::Outside("https://docs.example.com/articles/about-docs".into())
        );
        assert_eq!(
            r("policy-sites/x"),
            Resolution::Outside("https://docs.example.com/policy-sites/x".into()),
            "a prefix is whole path segments"
        );
        assert_eq!(
            t.resolve("https://docs.example.com", "articles/x", "/articles/x"),
            Resolution::Missing
        );
        assert_eq!(t.resolve("", "articles/x", "/articles/x"), Resolution::Unknown);
        assert_eq!(
            t.resolve("", "area/page-name", "/area/page-name"),
            Resolution::Found(Found::Page(3))
        );
    }
}
