//! Where things end up: content paths to pretty URLs, slugs, relative links.
//!
//! URLs are kept without a leading slash (`policies/retention/`) and turned
//! into links relative to the page that holds them, so a site works under any
//! sub-path, in `/v/<tag>/`, and from a plain folder.

/// A URL-safe slug: lower-case letters and digits, other runs become `-`.
/// Unicode letters are kept (`Übersicht` → `übersicht`), so non-English
/// headings still get readable anchors.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else if c == '\'' || c == '’' {
            // "Counsel's" → "counsels", as readers expect.
        } else {
            pending_dash = true;
        }
    }
    out
}

/// True for the file names that make a folder's own page.
pub fn is_section_index(file_name: &str) -> bool {
    matches!(
        file_name.to_ascii_lowercase().as_str(),
        "_index.md" | "index.md" | "readme.md"
    )
}

/// The URL of the page made from `rel` (a content-relative `.md` path):
/// `policies/Records Retention.md` → `policies/records-retention/`,
/// `handbook/_index.md` → `handbook/`, `_index.md` → `` (the home page).
pub fn page_url(rel: &str) -> String {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let file = parts.pop().unwrap_or_default();
    let mut url = String::new();
    for dir in &parts {
        push_segment(&mut url, dir);
    }
    if !is_section_index(file) {
        let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
        push_segment(&mut url, stem);
    }
    url
}

fn push_segment(url: &mut String, segment: &str) {
    let slug = slugify(segment);
    url.push_str(if slug.is_empty() { "-" } else { &slug });
    url.push('/');
}

/// A file name without its folder and extension: `metrics/spend.yaml` → `spend`.
pub fn stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// A readable title from a file or folder name: `records-retention.md` →
/// `Records retention`, `handbook/ACME-terms/_index.md` → `ACME terms`. The
/// name keeps its own capitals; only its first letter is raised.
pub fn title_from_path(rel: &str) -> String {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let file = parts.pop().unwrap_or_default();
    // A folder's name is all name: `v1.2` keeps its dot.
    let stem = if is_section_index(file) {
        parts.pop().unwrap_or("Home")
    } else {
        file.rsplit_once('.').map_or(file, |(s, _)| s)
    };
    let words = stem.replace(['-', '_'], " ");
    let words = crate::text::collapse(&words);
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Untitled".into(),
    }
}

/// A folder named by a key of casebook.yaml (`kinds`, `section_titles`),
/// relative to the content folder and without slashes around it: `.` is
/// the content folder itself (``), and so is the content folder's own name
/// (`Policies` with `content_dir: Policies`), or anything under it
/// (`Policies/privacy`). `./x` is always inside the content folder.
pub fn config_key(key: &str, content_dir: &str) -> String {
    let key = key.trim().replace('\\', "/");
    if key == "." {
        return String::new();
    }
    if let Some(inside) = key.strip_prefix("./") {
        return inside.trim_matches('/').to_string();
    }
    let content = content_dir.trim_start_matches("./").trim_end_matches('/');
    let key = key.trim_matches('/');
    if !content.is_empty() && content != "." && !content.starts_with('/') {
        if key == content {
            return String::new();
        }
        if let Some(inside) = key.strip_prefix(content).and_then(|r| r.strip_prefix('/')) {
            return inside.to_string();
        }
    }
    key.to_string()
}

/// The folder part of a content-relative path: `a/b/c.md` → `a/b`.
pub fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(p, _)| p)
}

/// Joins a relative link onto `base_dir` and normalises `.` and `..`.
/// `None` when the link climbs out of the content folder.
pub fn join(base_dir: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = base_dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// A link from the page at `from` (a URL, i.e. a folder) to the output path
/// `to`: `policies/x/` → `handbook/y/` is `../../handbook/y/`.
pub fn relative(from: &str, to: &str) -> String {
    let depth = from.split('/').filter(|s| !s.is_empty()).count();
    if depth == 0 && to.is_empty() {
        return "./".into();
    }
    // Made for every link of every page: one allocation.
    let mut out = String::with_capacity(3 * depth + to.len());
    for _ in 0..depth {
        out.push_str("../");
    }
    out.push_str(to);
    out
}

/// How to write a link from a file in folder `from_dir` to the content file
/// `to`: from `handbook/contracts` to `policies/x.md` is `../../policies/x.md`.
pub fn relative_file(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let target: Vec<&str> = to.split('/').collect();
    let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; from.len() - common];
    parts.extend(&target[common..]);
    parts.join("/")
}

/// The prefix that leads from the page at `url` back to the site root.
pub fn root_of(url: &str) -> String {
    let depth = url.split('/').filter(|s| !s.is_empty()).count();
    if depth == 0 { "./".into() } else { "../".repeat(depth) }
}

/// Decodes `%20`-style escapes in a link path. Malformed escapes stay as
/// written, and so does a link whose escapes do not decode to UTF-8.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map_or_else(|_| s.to_string(), |d| d.into_owned())
}

/// True for links that leave the site: `https:`, `mailto:`, `//host`.
pub fn is_external(link: &str) -> bool {
    if link.starts_with("//") {
        return true;
    }
    let scheme_end = link.find(':');
    let first_sep = link.find(['/', '?', '#']);
    match (scheme_end, first_sep) {
        (Some(c), Some(s)) => {
            c < s
                && link[..c]
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "+-.".contains(ch))
        }
        (Some(c), None) => link[..c]
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "+-.".contains(ch)),
        _ => false,
    }
}

/// True for links written from the site root: `/area/page`, not `//host`.
pub fn is_site_absolute(link: &str) -> bool {
    link.starts_with('/') && !link.starts_with("//")
}

/// The path part of `base_url` with a trailing slash: `https://x/legal` → `/legal/`.
pub fn base_path(base_url: &str) -> String {
    let without_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    let path = without_scheme.find('/').map_or("", |i| &without_scheme[i..]);
    format!("{}/", path.trim_end_matches('/'))
}

/// `scheme://host[:port]` of `base_url`: `https://x.example/legal` → `https://x.example`.
pub fn origin(base_url: &str) -> Option<&str> {
    let (_, rest) = base_url.split_once("://")?;
    let host_len = rest.find('/').unwrap_or(rest.len());
    (host_len > 0).then(|| &base_url[..base_url.len() - rest.len() + host_len])
}

/// A page URL set in front matter (`permalink: /area/page/`), from the site root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permalink {
    /// The URL, in this module's form: `area/page/`, `` for the home page.
    pub url: String,
    /// A `.html` address as written (`area/page.html`): it redirects to `url`.
    pub html: Option<String>,
}

/// Reads a URL override. Pages live in folders, so `/area/page.html` becomes
/// `area/page/` and the `.html` address a redirect; the error says why the
/// text is not a URL inside the site.
pub fn permalink(raw: &str) -> Result<Permalink, String> {
    let raw = raw.trim();
    if is_external(raw) {
        return Err("it leaves the site; a permalink is a path from the site root, e.g. `/area/page/`".into());
    }
    if raw.contains(['?', '#', '\\']) {
        return Err("a permalink is a path only, without `?`, `#` or `\\`".into());
    }
    if raw.contains(':') {
        return Err(
            "placeholders such as `:title` are not supported; write the page's own URL, e.g. `/area/page/`".into(),
        );
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in raw.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("it climbs above the site root".into());
                }
            }
            s if s.chars().all(|c| c.is_alphanumeric() || "-_.~".contains(c)) => parts.push(s),
            s => {
                return Err(format!(
                    "`{s}` has characters a URL path cannot hold as they are; use letters, digits, `-`, `_` and `.`"
                ));
            }
        }
    }
    let last = parts.last().copied().unwrap_or_default();
    let mut html = None;
    if matches!(last, "index.html" | "index.htm") {
        parts.pop();
    } else if let Some(stem) = last.strip_suffix(".html").or_else(|| last.strip_suffix(".htm")) {
        html = Some(parts.join("/"));
        let n = parts.len();
        parts[n - 1] = stem;
    }
    let mut url = parts.join("/");
    if !url.is_empty() {
        url.push('/');
    }
    Ok(Permalink { url, html })
}

/// Output paths casebook writes itself, with what writes them. A page URL set
/// in front matter must not take one.
pub const GENERATED: &[(&str, &str)] = &[
    ("register/", "the policy register"),
    ("metrics/", "the metric pages"),
    ("metrics.json", "the metrics export"),
    ("search/", "the search page and index"),
    ("changes/", "the pages of what changed between versions"),
    ("v/", "the published versions"),
    ("versions.json", "the version list"),
    ("versions/", "the version switcher's page maps"),
    ("policies.atom", "the policy feed"),
    ("sitemap.xml", "the sitemap"),
    ("404.html", "the page-not-found page"),
    ("css/", "the theme's stylesheets"),
    ("js/", "the theme's scripts"),
];

/// What casebook itself writes at or under `url`, if anything.
pub fn generated(url: &str) -> Option<&'static str> {
    GENERATED
        .iter()
        .find(|(path, _)| {
            if path.ends_with('/') {
                url.starts_with(path)
            } else {
                url == *path
            }
        })
        .map(|(_, what)| *what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Approval thresholds (USD)"), "approval-thresholds-usd");
        assert_eq!(
            slugify("  Outside Counsel's Guidelines  "),
            "outside-counsels-guidelines"
        );
        assert_eq!(slugify("Übersicht — Verträge"), "übersicht-verträge");
        assert_eq!(slugify("§ 4.2"), "4-2");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn page_urls() {
        assert_eq!(page_url("_index.md"), "");
        assert_eq!(page_url("handbook/_index.md"), "handbook/");
        assert_eq!(page_url("Policies/README.md"), "policies/");
        assert_eq!(page_url("policies/records-retention.md"), "policies/records-retention/");
        assert_eq!(page_url("Policies/Data Protection.md"), "policies/data-protection/");
        assert_eq!(
            page_url("handbook/contracts/nda-review.md"),
            "handbook/contracts/nda-review/"
        );
    }

    #[test]
    fn joins_and_refuses_to_escape() {
        assert_eq!(
            join("handbook/contracts", "../../policies/x.md").as_deref(),
            Some("policies/x.md")
        );
        assert_eq!(join("handbook", "./y.md").as_deref(), Some("handbook/y.md"));
        assert_eq!(join("", "x.md").as_deref(), Some("x.md"));
        assert_eq!(join("handbook", "../../x.md"), None);
    }

    #[test]
    fn relative_links_between_pages() {
        assert_eq!(relative("policies/x/", "handbook/y/"), "../../handbook/y/");
        assert_eq!(relative("", "handbook/y/"), "handbook/y/");
        assert_eq!(relative("", ""), "./");
        assert_eq!(relative("a/", ""), "../");
        assert_eq!(root_of(""), "./");
        assert_eq!(root_of("a/b/"), "../../");
    }

    #[test]
    fn relative_file_links() {
        assert_eq!(
            relative_file("policies", "policies/records-retention.md"),
            "records-retention.md"
        );
        assert_eq!(
            relative_file("handbook/contracts", "policies/x.md"),
            "../../policies/x.md"
        );
        assert_eq!(relative_file("", "policies/x.md"), "policies/x.md");
        assert_eq!(relative_file("a/b", "a/c/d.md"), "../c/d.md");
    }

    #[test]
    fn external_links() {
        for l in ["https://x.example", "mailto:a@b.c", "//cdn.example/x", "tel:+1"] {
            assert!(is_external(l), "{l}");
        }
        for l in ["x.md", "../x.md#a", "a/b:c.md", "#top", "/abs/path"] {
            assert!(!is_external(l), "{l}");
        }
        assert!(is_site_absolute("/policy-site/a/b#x"));
        assert!(!is_site_absolute("//cdn.example/x"));
        assert!(!is_site_absolute("a/b.md"));
    }

    #[test]
    fn base_paths_and_origins() {
        assert_eq!(base_path(""), "/");
        assert_eq!(base_path("https://legal.acme.example"), "/");
        assert_eq!(base_path("https://intranet.example/legal/"), "/legal/");
        assert_eq!(base_path("https://docs.example.com/policy-site"), "/policy-site/");
        assert_eq!(
            origin("https://docs.example.com/policy-site"),
            Some("https://docs.example.com")
        );
        assert_eq!(origin("http://localhost:8080"), Some("http://localhost:8080"));
        assert_eq!(origin(""), None);
        assert_eq!(origin("docs.example.com/x"), None);
    }

    #[test]
    fn permalinks_are_folder_urls_inside_the_site() {
        let ok = |raw: &str| permalink(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(ok("/area/page/").url, "area/page/");
        assert_eq!(ok("area/page").url, "area/page/");
        assert_eq!(ok("/").url, "");
        assert_eq!(
            ok("/Area/Acceptable_Use/").url,
            "Area/Acceptable_Use/",
            "kept as written"
        );
        assert_eq!(ok("/a/./b/../c").url, "a/c/");
        assert_eq!(
            ok("/area/index.html"),
            Permalink {
                url: "area/".into(),
                html: None
            }
        );
        assert_eq!(
            ok("/area/page.html"),
            Permalink {
                url: "area/page/".into(),
                html: Some("area/page.html".into())
            }
        );
        for bad in [
            "https://evil.example/x",
            "//evil.example/x",
            "/../../etc/passwd",
            "/a b/",
            "/:title/",
            "/x?y",
            "/x#y",
        ] {
            assert!(permalink(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn generated_urls() {
        assert_eq!(generated("register/"), Some("the policy register"));
        assert_eq!(generated("v/2026/x/"), Some("the published versions"));
        assert_eq!(generated("sitemap.xml"), Some("the sitemap"));
        assert_eq!(generated("registers/"), None);
        assert_eq!(generated("policies/x/"), None);
    }

    #[test]
    fn config_keys_are_content_relative() {
        let cases = [
            (".", "Policies", ""),
            ("./", "Policies", ""),
            ("Policies", "Policies", ""),
            ("Policies/", "Policies", ""),
            ("Policies/privacy", "Policies", "privacy"),
            ("./Policies", "Policies", "Policies"),
            ("privacy/", "Policies", "privacy"),
            ("content", ".", "content"),
            ("policies", "content", "policies"),
            ("site/docs/terms", "site/docs", "terms"),
        ];
        for (key, content, want) in cases {
            assert_eq!(config_key(key, content), want, "`{key}` with content_dir `{content}`");
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("Data%20Protection.md"), "Data Protection.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%C3%BCber.md"), "über.md");
        assert_eq!(percent_decode("caf%E9.md"), "caf%E9.md", "not UTF-8: kept as written");
        assert_eq!(percent_decode("a%2Fb.md"), "a/b.md");
    }
}
