//! The repository's own `content/`, built as a user would build it.
//!
//! Expectations about which pages exist and who owns what are read from the
//! content files at test time (with serde-saphyr, not casebook's parser), so
//! the example can grow without this file changing; the policy statuses are
//! worked out by hand below, as of the pinned day.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::harness::{SiteTest, attributes, between, front_matter, main_of, text_of, tree, tree_hash};

/// A Markdown file of the example, as the test reads it.
struct Source {
    /// Content-relative, `/`-separated.
    rel: String,
    front: Value,
}

impl Source {
    fn key(&self, key: &str) -> Option<&str> {
        self.front.get(key).and_then(Value::as_str)
    }

    fn is_draft(&self) -> bool {
        self.front.get("draft") == Some(&Value::Bool(true)) || self.key("status") == Some("draft")
    }

    /// Left out of the default build: a draft, or for an audience after the
    /// default (`internal`), such as the board reports and legal-only pages.
    fn is_hidden(&self) -> bool {
        self.is_draft() || matches!(self.key("audience"), Some("board" | "legal-only"))
    }

    fn is_index(&self) -> bool {
        is_index(self.rel.rsplit('/').next().unwrap_or_default())
    }

    fn stem(&self) -> &str {
        let name = self.rel.rsplit('/').next().unwrap_or_default();
        name.strip_suffix(".md").unwrap_or(name)
    }

    fn is_policy(&self) -> bool {
        !self.is_index() && (self.key("kind") == Some("policy") || self.rel.starts_with("policies/"))
    }

    /// The URL the design promises: folders and file stem, slugged.
    fn url(&self) -> String {
        let mut parts: Vec<&str> = self.rel.split('/').collect();
        let file = parts.pop().unwrap_or_default();
        let mut url: String = parts.iter().map(|p| format!("{}/", slug(p))).collect();
        if !is_index(file) {
            url.push_str(&format!("{}/", slug(file.strip_suffix(".md").unwrap_or(file))));
        }
        url
    }
}

fn is_index(file: &str) -> bool {
    matches!(
        file.to_ascii_lowercase().as_str(),
        "_index.md" | "index.md" | "readme.md"
    )
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for word in s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

fn sources(content: &Path) -> Vec<Source> {
    tree(content)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".md"))
        .map(|(rel, bytes)| {
            let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{rel} is UTF-8"));
            Source {
                front: front_matter(&text.replace("\r\n", "\n")),
                rel,
            }
        })
        .collect()
}

/// Pages the build must make: every published Markdown file, plus a section
/// page for each folder of published pages that has no index file.
fn expected_page_count(published: &[&Source]) -> usize {
    let mut folders = BTreeSet::new();
    let mut indexed = BTreeSet::new();
    for s in published {
        let folder = s.rel.rsplit_once('/').map_or("", |(f, _)| f).to_string();
        if s.is_index() {
            indexed.insert(folder.clone());
        }
        let mut f = folder.as_str();
        loop {
            folders.insert(f.to_string());
            match f.rsplit_once('/') {
                Some((up, _)) => f = up,
                None if !f.is_empty() => f = "",
                None => break,
            }
        }
    }
    published.len() + folders.difference(&indexed).count()
}

#[test]
fn example_site_builds_every_page_at_its_url() {
    let site = SiteTest::example();
    let run = site.build_ok();
    let all = sources(&site.path("content"));
    let published: Vec<&Source> = all.iter().filter(|s| !s.is_hidden()).collect();

    let count: usize = run
        .stderr
        .split_once("built ")
        .and_then(|(_, rest)| rest.split_once(" pages"))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no `built N pages` line:\n{}", run.stderr));
    assert_eq!(count, expected_page_count(&published), "page count");

    let files = site.files("public");
    for must in [
        "index.html",
        "policies/records-retention/index.html",
        "roles/legal-ops/index.html",
        "register/index.html",
        "sitemap.xml",
        "404.html",
    ] {
        assert!(files.iter().any(|f| f == must), "missing {must}; output has {files:#?}");
    }
    for s in &all {
        let path = format!("{}index.html", s.url());
        assert_eq!(
            files.contains(&path),
            !s.is_hidden(),
            "{} (hidden: {}) → {path}",
            s.rel,
            s.is_hidden()
        );
    }
    assert!(
        all.iter().any(Source::is_draft),
        "the example keeps a draft, so leaving drafts out is tested"
    );
}

/// Every relative `href`/`src` of every output page leads to an output file,
/// and every `#fragment` to an `id` in it.
#[test]
fn example_site_links_and_anchors_resolve() {
    let site = SiteTest::example();
    site.build_ok();
    let out = tree(&site.path("public"));
    let mut broken = Vec::new();
    let mut checked = 0;
    for (page, bytes) in &out {
        if !page.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let folder = page.rsplit_once('/').map_or("", |(f, _)| f);
        for link in attributes(&html, "href").into_iter().chain(attributes(&html, "src")) {
            if is_external(&link) {
                continue;
            }
            checked += 1;
            let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let path = path.split('?').next().unwrap_or_default();
            let target = if path.is_empty() {
                Some(page.clone())
            } else {
                resolve(folder, &percent_decode(path), &out)
            };
            let Some(target) = target else {
                broken.push(format!("{page}: `{link}` leads nowhere"));
                continue;
            };
            if !fragment.is_empty() {
                let text = String::from_utf8_lossy(&out[&target]);
                if !text.contains(&format!(" id=\"{}\"", percent_decode(fragment))) {
                    broken.push(format!("{page}: `{link}` has no anchor in {target}"));
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} links checked");
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

fn is_external(link: &str) -> bool {
    // Root-absolute links appear only on 404.html, which is served at any path.
    link.starts_with('/')
        || link.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.contains('/') && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// Resolves `link` from output folder `folder` to an output file, if any.
fn resolve(folder: &str, link: &str, out: &BTreeMap<String, Vec<u8>>) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    let as_dir = if joined.is_empty() {
        "index.html".to_string()
    } else {
        format!("{joined}/index.html")
    };
    if !link.ends_with('/') && out.contains_key(&joined) {
        Some(joined)
    } else {
        out.contains_key(&as_dir).then_some(as_dir)
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The links in the `<ul>` after `<h3>{heading}</h3>` on a role page; empty without the heading.
fn listed(main: &str, heading: &str) -> BTreeSet<String> {
    between(main, &format!("<h3>{heading}</h3>"), "</ul>")
        .map_or_else(BTreeSet::new, |list| attributes(list, "href").into_iter().collect())
}

/// Role pages list the policies each role owns and approves, and no others,
/// as the policies' front matter says.
#[test]
fn example_role_pages_list_their_policies() {
    let site = SiteTest::example();
    site.build_ok();
    let all = sources(&site.path("content"));
    let policies: Vec<&Source> = all.iter().filter(|s| s.is_policy() && !s.is_hidden()).collect();
    let roles: Vec<&Source> = all
        .iter()
        .filter(|s| s.rel.starts_with("roles/") && !s.is_index())
        .collect();
    assert!(
        roles.len() >= 8 && policies.len() >= 6,
        "{} roles, {} policies",
        roles.len(),
        policies.len()
    );
    let mut listed_somewhere = 0;
    for role in roles {
        let id = role.key("id").unwrap_or(role.stem());
        let main = site.main_of(&role.url());
        for (key, heading) in [("owner", "Policies owned"), ("approver", "Policies approved")] {
            let expected: BTreeSet<String> = policies
                .iter()
                .filter(|p| p.key(key) == Some(id))
                .map(|p| format!("../../{}", p.url()))
                .collect();
            assert_eq!(listed(&main, heading), expected, "{heading} on the page of role `{id}`");
            listed_somewhere += expected.len();
        }
    }
    assert!(
        listed_somewhere >= 2 * policies.len(),
        "every policy has an owner and an approver listed"
    );
}

/// The status badge inside the policy page's metadata panel.
fn badge(main: &str) -> String {
    text_of(between(main, "<dt>Status</dt>", "</dd>").unwrap_or_else(|| panic!("no status in:\n{main}")))
}

/// Policy statuses as of 2026-11-27 (review window: 30 days, the default),
/// worked out by hand from the example's front matter:
///
/// - records-retention: effective 2025-09-01, every 12 months → review was
///   due 2026-09-01, 87 days ago → Overdue
/// - outside-counsel-guidelines: next_review 2026-12-15, 18 days away → Review due
/// - gifts-and-hospitality: effective 2027-01-01, after today → Scheduled
/// - signature-authority: effective 2026-03-01, every 24 months → next review
///   2028-03-01 → Effective
/// - contract-approval-matrix: `status: retired` → Retired
const STATUSES: [(&str, &str); 5] = [
    ("records-retention", "Overdue"),
    ("outside-counsel-guidelines", "Review due"),
    ("gifts-and-hospitality", "Scheduled"),
    ("signature-authority", "Effective"),
    ("contract-approval-matrix", "Retired"),
];

#[test]
fn example_policy_statuses_as_of_the_pinned_day() {
    let site = SiteTest::example();
    site.build_ok();
    for (slug, status) in STATUSES {
        let main = site.main_of(&format!("policies/{slug}/"));
        assert_eq!(badge(&main), status, "status badge of {slug}");
        // Overdue and not-yet-effective policies warn on their own page; an
        // effective one in its review cycle has nothing to warn about.
        let banner = main.contains("class=\"banner");
        match status {
            "Overdue" | "Scheduled" => assert!(banner, "{slug} is {status} and needs a banner"),
            "Effective" => assert!(!banner, "{slug} is effective and needs no banner"),
            _ => {}
        }
    }

    let register = main_of(&site.output("register/index.html"));
    let body = between(&register, "<tbody>", "</tbody>").expect("the register is a table");
    let rows: Vec<(String, String)> = body
        .split("<tr")
        .skip(1)
        .map(|row| {
            let href = attributes(row, "href")
                .into_iter()
                .next()
                .expect("each row links its policy");
            let slug = href
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string();
            let status = text_of(
                between(row, "<span class=\"status", "</span>")
                    .map_or("", |s| s)
                    .split_once('>')
                    .map_or("", |(_, t)| t),
            );
            (slug, status)
        })
        .collect();
    let published = sources(&site.path("content"))
        .into_iter()
        .filter(|s| s.is_policy() && !s.is_hidden())
        .count();
    assert_eq!(rows.len(), published, "one register row per published policy: {rows:?}");
    for (slug, status) in STATUSES {
        assert!(
            rows.contains(&(slug.to_string(), status.to_string())),
            "{slug} is `{status}` in the register: {rows:?}"
        );
    }
    // Needing attention first: overdue, review due, scheduled, effective, retired.
    let order = ["Overdue", "Review due", "Scheduled", "Effective", "Draft", "Retired"];
    let ranks: Vec<usize> = rows
        .iter()
        .map(|(slug, s)| {
            order
                .iter()
                .position(|o| o == s)
                .unwrap_or_else(|| panic!("unknown status `{s}` of {slug}"))
        })
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "register order: {rows:?}");
    assert_eq!(rows[0].0, "records-retention", "the overdue policy comes first");
}

#[test]
fn example_sitemap_lists_only_pages_that_exist() {
    let site = SiteTest::example();
    site.build_ok();
    let base = std::fs::read_to_string(site.path("casebook.yaml"))
        .ok()
        .and_then(|t| serde_saphyr::from_str::<Value>(&t).ok())
        .and_then(|c| {
            c.get("base_url")
                .and_then(Value::as_str)
                .map(|s| s.trim_end_matches('/').to_string())
        })
        .unwrap_or_default();
    let sitemap = site.output("sitemap.xml");
    let out = tree(&site.path("public"));
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split_once("</loc>").map(|(l, _)| l))
        .collect();
    assert!(locs.len() > 20, "{sitemap}");
    for loc in &locs {
        let path = loc
            .strip_prefix(&base)
            .unwrap_or_else(|| panic!("`{loc}` starts with base_url `{base}`"));
        assert!(
            resolve("", path.trim_start_matches('/'), &out).is_some(),
            "sitemap lists `{loc}`, which was not built"
        );
    }
    assert!(
        locs.iter().any(|l| l.ends_with("/register/")),
        "the register is in the sitemap"
    );
}

/// Two builds of the same input, each in a fresh process (so hash-map
/// seeds differ), write the same bytes.
#[test]
fn example_site_builds_are_byte_identical() {
    let site = SiteTest::example();
    site.build(&["--out", "out-a"]).assert_code(0);
    site.build(&["--out", "out-b"]).assert_code(0);
    let (a, b) = (site.path("out-a"), site.path("out-b"));
    if tree_hash(&a) != tree_hash(&b) {
        let (ta, tb) = (tree(&a), tree(&b));
        assert_eq!(
            ta.keys().collect::<Vec<_>>(),
            tb.keys().collect::<Vec<_>>(),
            "same files"
        );
        let differ: Vec<&String> = ta.iter().filter(|(k, v)| tb[*k] != **v).map(|(k, _)| k).collect();
        panic!("files differ between two builds: {differ:?}");
    }
}
