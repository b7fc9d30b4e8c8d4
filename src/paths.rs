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
            out.extend(c.to_lowercase());
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
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
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
    let mut out = "../".repeat(depth);
    out.push_str(to);
    if out.is_empty() { "./".into() } else { out }
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

/// True for links that leave the site: `https:`, `mailto:`, `//host`, `/abs`.
pub fn is_external(link: &str) -> bool {
    if link.starts_with('/') {
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
        for l in [
            "https://x.example",
            "mailto:a@b.c",
            "/abs/path",
            "//cdn.example/x",
            "tel:+1",
        ] {
            assert!(is_external(l), "{l}");
        }
        for l in ["x.md", "../x.md#a", "a/b:c.md", "#top"] {
            assert!(!is_external(l), "{l}");
        }
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
