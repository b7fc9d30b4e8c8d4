//! Links as written in Markdown, sorted by what they point at.
//!
//! Per file and pure: a relative `.md` link names its target's source path,
//! a site-absolute link (`/policy-site/area/page#x`) its path from the site
//! root; which page either one is, and the URL it becomes, is the model's
//! question ([`crate::model`]), because a page's URL may come from its front
//! matter. The HTML holds a [`placeholder`] where the model's URL goes.

use crate::paths;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Another page, by its content-relative source path.
    Page { source: String, anchor: Option<String> },
    /// A path from the site root (`/policy-site/area/page`), decoded and
    /// without its leading `/`, query or fragment.
    Site { path: String, anchor: Option<String> },
    /// An id on the same page.
    Anchor(String),
    /// A file in the content folder (image, PDF), by its content-relative path.
    File(String),
    /// An `http(s)://` address, checked only by `casebook check --external`.
    External(String),
}

#[derive(Debug, Clone)]
pub struct Link {
    pub target: LinkTarget,
    /// The link as written, for messages.
    pub written: String,
    pub position: crate::diag::Position,
    /// The URL it becomes: relative to the page, or absolute when it
    /// leaves the site.
    pub href: String,
    /// Written without text (`[](#late-payment)`): a cross-reference, which
    /// shows its target's clause number or title.
    pub empty: bool,
}

/// What the scheme of a [`placeholder`] starts with.
pub const PLACEHOLDER: &str = "casebook-link:";

/// The `href` (or `src`) left in the HTML for link `n`, whose URL the model
/// works out; the render stage puts it back, or drops the link when its
/// target is not published.
pub fn placeholder(n: usize) -> String {
    format!("{PLACEHOLDER}{n}")
}

/// A link destination, sorted.
#[derive(Debug, PartialEq, Eq)]
pub enum Classified {
    /// Not recorded and left as written: `mailto:`, other schemes, empty.
    AsWritten,
    /// Recorded; the HTML keeps the link's `href`.
    Direct(LinkTarget, String),
    /// Recorded; the HTML gets a [`placeholder`] for the URL the model finds
    /// (`href` is the guess made from the path alone).
    Resolved(LinkTarget, String),
    /// A relative path that climbs out of the content folder.
    Outside,
}

/// Sorts the destination `written` of a link on the page at `rel` whose URL is `url`.
pub fn classify(written: &str, email: bool, rel: &str, url: &str) -> Classified {
    let lower = written.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Classified::Direct(LinkTarget::External(written.to_string()), written.to_string());
    }
    if email || written.is_empty() || paths::is_external(written) {
        return Classified::AsWritten;
    }
    if let Some(anchor) = written.strip_prefix('#') {
        return Classified::Direct(LinkTarget::Anchor(paths::percent_decode(anchor)), written.to_string());
    }
    let (path_part, fragment) = match written.split_once('#') {
        Some((p, f)) => (p, Some(paths::percent_decode(f))),
        None => (written, None),
    };
    let path_part = path_part.split_once('?').map_or(path_part, |(p, _)| p);
    let decoded = paths::percent_decode(path_part);
    if paths::is_site_absolute(&decoded) {
        let path = decoded.trim_start_matches('/').to_string();
        return Classified::Resolved(LinkTarget::Site { path, anchor: fragment }, written.to_string());
    }
    let Some(target) = paths::join(paths::parent(rel), &decoded) else {
        return Classified::Outside;
    };
    let with_fragment = |mut href: String| {
        if let Some(f) = &fragment {
            href.push('#');
            href.push_str(f);
        }
        href
    };
    if decoded.to_ascii_lowercase().ends_with(".md") {
        let href = with_fragment(paths::relative(url, &paths::page_url(&target)));
        let target = LinkTarget::Page {
            source: target,
            anchor: fragment.clone(),
        };
        Classified::Resolved(target, href)
    } else {
        // Resolved by the model too: a file this build does not publish
        // loses its link.
        let href = with_fragment(paths::relative(url, &target));
        Classified::Resolved(LinkTarget::File(target), href)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_nda(written: &str) -> Classified {
        classify(written, false, "handbook/contracts/nda.md", "handbook/contracts/nda/")
    }

    #[test]
    fn relative_md_links_name_their_source() {
        assert_eq!(
            on_nda("../../policies/x.md#scope"),
            Classified::Resolved(
                LinkTarget::Page {
                    source: "policies/x.md".into(),
                    anchor: Some("scope".into())
                },
                "../../../policies/x/#scope".into()
            )
        );
        assert_eq!(
            on_nda("../../assets/a%20b.png"),
            Classified::Resolved(
                LinkTarget::File("assets/a b.png".into()),
                "../../../assets/a b.png".into()
            )
        );
        assert_eq!(on_nda("../../../secret.md"), Classified::Outside);
    }

    #[test]
    fn site_absolute_links_keep_their_path_for_the_model() {
        assert_eq!(
            on_nda("/policy-site/area/Page%20Name?x=1#with-a-court-order"),
            Classified::Resolved(
                LinkTarget::Site {
                    path: "policy-site/area/Page Name".into(),
                    anchor: Some("with-a-court-order".into())
                },
                "/policy-site/area/Page%20Name?x=1#with-a-court-order".into()
            )
        );
        assert_eq!(on_nda("//cdn.example/x.js"), Classified::AsWritten);
    }

    #[test]
    fn other_destinations() {
        assert_eq!(
            on_nda("#scope"),
            Classified::Direct(LinkTarget::Anchor("scope".into()), "#scope".into())
        );
        assert!(matches!(
            on_nda("HTTPS://x.example"),
            Classified::Direct(LinkTarget::External(_), _)
        ));
        assert_eq!(on_nda("mailto:a@b.example"), Classified::AsWritten);
        assert_eq!(on_nda(""), Classified::AsWritten);
        assert_eq!(classify("a@b.example", true, "p.md", "p/"), Classified::AsWritten);
    }
}
