//! Every internal link checked and given its URL.
//!
//! Relative `.md` links and site-absolute links (`/policy-site/area/page`,
//! see [`super::targets`]) become links relative to the page that holds
//! them, so the output works under any prefix and from `file://`. Each class
//! of problem is reported at the level `links:` in casebook.yaml gives it.

use std::sync::Arc;

use rayon::prelude::*;

use super::targets::{Found, Resolution, Targets};
use super::{Page, PageId, Site};
use crate::config::links::{Level, LinkPolicy};
use crate::diag::{Diagnostic, Diagnostics, Notice, did_you_mean, suggest};
use crate::parse::anchors::Anchor;
use crate::parse::links::{Link, LinkTarget};
use crate::paths;

/// Ids a missing-anchor report lists at most.
const LISTED_IDS: usize = 10;

/// Checks every link of every page and rewrites page and site-absolute
/// links to their targets' URLs.
pub(super) fn links(site: &mut Site, diags: &mut Diagnostics) {
    type Checks = (
        Vec<(usize, Option<LinkTarget>, String)>,
        Vec<Diagnostic>,
        Vec<(String, usize, String)>,
    );
    let checked: Vec<Checks> = {
        let check = Check {
            site,
            targets: Targets::new(site),
            policy: site.config.links,
        };
        (site.pages.par_iter())
            .map(|p| {
                let (mut rewrites, mut found, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
                for (n, link) in p.parsed.body.links.iter().enumerate() {
                    let mut report = |level: Level, message: String, help: String| {
                        if let Some(d) = level.diagnostic(message) {
                            found.push(d.in_file(&p.parsed.file).at(link.position.clone()).help(help));
                        }
                    };
                    match check.one(p, link, &mut report) {
                        Some(Checked::Rewrite(target, href)) => rewrites.push((n, target, href)),
                        Some(Checked::Unknown) => {
                            unknown.push((p.parsed.file.clone(), link.position.line, link.written.clone()))
                        }
                        None => {}
                    }
                }
                (rewrites, found, unknown)
            })
            .collect()
    };
    let mut unknown = Vec::new();
    let mut rewrites = Vec::with_capacity(checked.len());
    for (r, found, u) in checked {
        rewrites.push(r);
        diags.extend(found);
        unknown.extend(u);
    }
    (site.pages.par_iter_mut().zip(rewrites)).for_each(|(page, rewrites)| {
        // A parse no one else holds gives its links up rather than copy them.
        page.links = match Arc::get_mut(&mut page.parsed) {
            Some(parsed) => std::mem::take(&mut parsed.body.links),
            None => page.parsed.body.links.clone(),
        };
        for (n, target, href) in rewrites {
            rewrite(&mut page.links[n], target, href);
        }
    });
    if let Some((file, line, written)) = unknown.first() {
        let n = unknown.len();
        site.notes.push(Notice {
            message: format!(
                "{n} site-absolute link{} match{} no page and {} left as written (first `{written}` at {file}:{line})",
                if n == 1 { "" } else { "s" },
                if n == 1 { "es" } else { "" },
                if n == 1 { "is" } else { "are" },
            ),
            help: "without `base_url` casebook cannot tell where they lead; set it, e.g. `base_url: https://docs.example.com/policy-site`, so links under its path are checked and the others point at its host".into(),
        });
    }
}

/// Gives the links of another text of page `id` (an earlier revision, shown
/// at `url`) their URLs the way the page's own links get theirs. Problems are
/// not reported: they are the old text's, not this build's.
pub fn rewrite_links_at(site: &Site, id: PageId, url: &str, links: &mut [Link]) {
    let mut host = site.pages[id].clone();
    Arc::make_mut(&mut host.parsed).url = url.to_string();
    let check = Check {
        site,
        targets: Targets::new(site),
        policy: site.config.links,
    };
    for link in links {
        if let Some(Checked::Rewrite(target, href)) = check.one(&host, link, &mut |_, _, _| {}) {
            rewrite(link, target, href);
        }
    }
}

fn rewrite(link: &mut Link, target: Option<LinkTarget>, href: String) {
    if let Some(t) = target {
        link.target = t;
    }
    link.href = href;
}

struct Check<'a> {
    site: &'a Site,
    targets: Targets<'a>,
    policy: LinkPolicy,
}

enum Checked {
    /// The link's target as the model found it (`None`: as written), and its URL.
    Rewrite(Option<LinkTarget>, String),
    /// A site-absolute link nothing is known about (no `base_url`).
    Unknown,
}

type Report<'r> = dyn FnMut(Level, String, String) + 'r;

impl Check<'_> {
    fn one(&self, from: &Page, link: &Link, report: &mut Report<'_>) -> Option<Checked> {
        let site = self.site;
        match &link.target {
            // A cross-reference's missing heading is reported with its text.
            LinkTarget::Anchor(_) if link.empty => None,
            LinkTarget::Anchor(anchor) => {
                self.anchor(from, from, anchor, report);
                None
            }
            LinkTarget::Page { source, anchor } => match site.by_rel.get(source) {
                Some(&to) => Some(self.to_page(from, to, link, anchor.as_deref(), report)),
                None if site.hidden.pages.contains_key(source) => {
                    self.unpublished(source, link, report);
                    None
                }
                None => {
                    let help = missing_page_help(site, &from.parsed.rel, source);
                    report(
                        self.policy.missing_page,
                        format!("link to a missing page `{}`", link.written),
                        help,
                    );
                    None
                }
            },
            LinkTarget::Site { path, anchor } => {
                let base_url = &site.config.base_url;
                let with = |href: String| with_fragment(href, anchor.as_deref());
                match self.targets.resolve(base_url, path, &link.written) {
                    Resolution::Found(Found::Page(to)) => Some(self.to_page(from, to, link, anchor.as_deref(), report)),
                    Resolution::Found(Found::Hidden(rel)) => {
                        self.unpublished(&rel, link, report);
                        let target = LinkTarget::Page {
                            source: rel,
                            anchor: anchor.clone(),
                        };
                        Some(Checked::Rewrite(Some(target), link.href.clone()))
                    }
                    Resolution::Found(Found::File(rel)) => {
                        let href = with(paths::relative(from.url(), &rel));
                        Some(Checked::Rewrite(Some(LinkTarget::File(rel)), href))
                    }
                    Resolution::Found(Found::Generated(url)) => {
                        Some(Checked::Rewrite(None, with(paths::relative(from.url(), &url))))
                    }
                    Resolution::Missing => {
                        let help = missing_site_path_help(site, path);
                        report(
                            self.policy.missing_page,
                            format!("link to a missing page `{}`", link.written),
                            help,
                        );
                        let origin = paths::origin(base_url).unwrap_or_default();
                        Some(Checked::Rewrite(None, format!("{origin}{}", link.written)))
                    }
                    Resolution::Outside(href) => Some(Checked::Rewrite(None, href)),
                    Resolution::Unknown => Some(Checked::Unknown),
                }
            }
            LinkTarget::File(rel) if site.hidden.assets.contains_key(rel) => {
                report(
                    self.policy.unpublished,
                    format!("link to unpublished file `{}` is left out", link.written),
                    match &site.hidden.assets[rel] {
                        super::audience::Reason::Audience(a) => format!(
                            "the file's folder is for audience `{a}`, which this build does not include; move the file to a folder this page's readers see, or give its folder's `_index.md` an `audience`"
                        ),
                        super::audience::Reason::Draft => "the file's folder is a draft".to_string(),
                    },
                );
                None
            }
            LinkTarget::File(rel) => {
                if !self.targets.assets.contains(rel.as_str()) {
                    let folder_page = format!("{}/_index.md", rel.trim_end_matches('/'));
                    let help = if site.by_rel.contains_key(&folder_page) {
                        format!(
                            "to link to the section, link to its page: `{}`",
                            link.written.trim_end_matches('/').to_string() + "/_index.md"
                        )
                    } else {
                        "check the path; it is relative to this page's folder".to_string()
                    };
                    report(
                        self.policy.missing_page,
                        format!("link to a missing file `{}`", link.written),
                        help,
                    );
                }
                None
            }
            LinkTarget::External(_) => None,
        }
    }

    fn to_page(&self, from: &Page, to: PageId, link: &Link, anchor: Option<&str>, report: &mut Report<'_>) -> Checked {
        let target = &self.site.pages[to];
        // A cross-reference's missing heading is reported with its text.
        if let Some(a) = anchor
            && !link.empty
        {
            self.anchor(from, target, a, report);
        }
        let href = with_fragment(paths::relative(from.url(), target.url()), anchor);
        let same = matches!(&link.target, LinkTarget::Page { source, anchor: a }
            if *source == target.parsed.rel && a.as_deref() == anchor);
        let source = (!same).then(|| LinkTarget::Page {
            source: target.parsed.rel.clone(),
            anchor: anchor.map(str::to_string),
        });
        Checked::Rewrite(source, href)
    }

    fn unpublished(&self, rel: &str, link: &Link, report: &mut Report<'_>) {
        report(
            self.policy.unpublished,
            format!("link to unpublished page `{}` is shown as plain text", link.written),
            self.site.hidden.why(rel),
        );
    }

    fn anchor(&self, from: &Page, target: &Page, anchor: &str, report: &mut Report<'_>) {
        let ids = &target.parsed.body.anchors;
        if anchor.is_empty() || ids.iter().any(|a| a.id == anchor) || is_generated_anchor(anchor) {
            return;
        }
        let where_ = if std::ptr::eq(from, target) {
            "this page".to_string()
        } else {
            format!("`{}`", target.parsed.file)
        };
        report(
            self.policy.missing_anchor,
            format!("link to a missing anchor `#{anchor}` on {where_}"),
            missing_anchor_help(anchor, ids, &where_),
        );
    }
}

fn with_fragment(mut href: String, anchor: Option<&str>) -> String {
    if let Some(a) = anchor {
        href.push('#');
        href.push_str(a);
    }
    href
}

/// Every id of the target, of every kind, nearest to the missing one first.
fn missing_anchor_help(anchor: &str, ids: &[Anchor], where_: &str) -> String {
    if ids.is_empty() {
        return format!("{where_} has no headings or other ids to link to");
    }
    let mut ranked: Vec<&Anchor> = ids.iter().collect();
    let score = |a: &Anchor| strsim::jaro_winkler(anchor, &a.id);
    ranked.sort_by(|a, b| score(b).total_cmp(&score(a)));
    let mut listed: Vec<String> = ranked
        .iter()
        .take(LISTED_IDS)
        .map(|a| format!("`{}` ({})", a.id, a.kind.name()))
        .collect();
    if ranked.len() > LISTED_IDS {
        listed.push(format!("and {} more", ranked.len() - LISTED_IDS));
    }
    let tail = format!("ids on {where_}, nearest first: {}", listed.join(", "));
    suggest(anchor, ids.iter().map(|a| a.id.as_str()), &tail)
}

fn missing_page_help(site: &Site, from: &str, source: &str) -> String {
    // Suggest among pages in the same folder first, the cheap and likely case.
    let folder = paths::parent(source);
    let others = |k: &&String| k.as_str() != from;
    let siblings: Vec<&str> = site
        .by_rel
        .keys()
        .filter(others)
        .filter(|k| paths::parent(k) == folder)
        .map(String::as_str)
        .collect();
    let close = did_you_mean(source, siblings.iter().copied())
        .or_else(|| did_you_mean(source, site.by_rel.keys().filter(others).map(String::as_str)));
    match close {
        Some(s) => format!(
            "did you mean `{}`? Links are relative to this page's folder",
            paths::relative_file(paths::parent(from), s)
        ),
        None => "no such page; links to pages are relative paths to their `.md` files".to_string(),
    }
}

/// The nearest page URL, written the way the link was: under `base_url`'s path.
fn missing_site_path_help(site: &Site, path: &str) -> String {
    let base = paths::base_path(&site.config.base_url);
    let rest = path
        .strip_prefix(base.trim_matches('/'))
        .unwrap_or(path)
        .trim_matches('/');
    let wanted = format!("{rest}/");
    let mut urls: Vec<&str> = site.by_url.keys().map(String::as_str).collect();
    urls.sort_unstable();
    let tail = format!(
        "a link from the site root names a page under `base_url`'s path `{base}`: its source path (with or without `.md`) or its URL"
    );
    match did_you_mean(&wanted, urls.iter().copied()) {
        Some(url) => format!("did you mean `{base}{url}`? {tail}"),
        None => tail,
    }
}

/// Anchors every page has: the top of the page and the theme's `<main>`.
fn is_generated_anchor(anchor: &str) -> bool {
    matches!(anchor, "top" | "main")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Position;
    use crate::parse::anchors::AnchorKind;

    fn anchor(id: &str, kind: AnchorKind) -> Anchor {
        Anchor {
            id: id.into(),
            kind,
            position: Position::at_line("", 1, 1, 1),
        }
    }

    #[test]
    fn missing_anchor_lists_every_kind_nearest_first() {
        let ids = [
            anchor("scope", AnchorKind::Heading),
            anchor("without-a-court-order", AnchorKind::Html),
            anchor("gdpr", AnchorKind::Footnote),
            anchor("with-a-court-order", AnchorKind::Html),
        ];
        let help = missing_anchor_help("with-court-order", &ids, "`p.md`");
        assert_eq!(
            help,
            "did you mean `with-a-court-order`? ids on `p.md`, nearest first: `with-a-court-order` (HTML), `without-a-court-order` (HTML), `scope` (heading), `gdpr` (footnote)"
        );
        assert_eq!(
            missing_anchor_help("x", &[], "this page"),
            "this page has no headings or other ids to link to"
        );
    }

    #[test]
    fn long_id_lists_are_cut() {
        let ids: Vec<Anchor> = (0..15).map(|i| anchor(&format!("s{i}"), AnchorKind::Heading)).collect();
        let help = missing_anchor_help("zzz", &ids, "this page");
        assert!(help.ends_with(", and 5 more"), "{help}");
        assert_eq!(help.matches("(heading)").count(), LISTED_IDS);
    }
}
