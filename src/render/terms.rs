//! Defined terms and cross-references in a page's HTML: each use of a term
//! becomes a link to its definition, with the definition's sentence in a
//! tooltip that shows on hover and on keyboard focus and that assistive
//! technology reads as the link's description; each cross-reference gets
//! its text. In print, uses are plain text (the theme's stylesheet).

use crate::model::terms::{Entry, GLOSSARY_URL, Origin, Use};
use crate::model::{PageId, Site};
use crate::parse::markdown::drafting::{RUN_CLOSE, RUN_OPEN, XREF_OPEN};
use crate::parse::markdown::escape_attr;
use crate::paths;

/// The body of page `id` with its terms linked and cross-references named.
pub fn fill(site: &Site, id: PageId, html: &str) -> String {
    let Some(terms) = site.terms.pages.get(id) else {
        return html.to_string();
    };
    let link = Linker {
        site,
        from: id,
        from_url: site.page(id).url(),
    };
    replace(html, &terms.uses, &terms.xrefs, Some(&link))
}

/// `html` with runs of prose as plain text and cross-references named:
/// for another text of a page, whose terms are not linked.
pub fn plain(html: &str, xrefs: &[String]) -> String {
    replace(html, &[], xrefs, None)
}

/// What a use of a term links to, from one page.
struct Linker<'a> {
    site: &'a Site,
    from: PageId,
    from_url: &'a str,
}

impl Linker<'_> {
    fn href(&self, e: &Entry) -> String {
        match &e.origin {
            Origin::Page { page, id, .. } if *page == self.from => format!("#{id}"),
            Origin::Page { page, id, .. } => {
                format!("{}#{id}", paths::relative(self.from_url, self.site.page(*page).url()))
            }
            Origin::Glossary { .. } => format!("{}#{}", paths::relative(self.from_url, GLOSSARY_URL), e.id),
        }
    }

    fn html(&self, u: &Use, shown: &str, out: &mut String) {
        let e = &self.site.terms.entries[u.entry];
        out.push_str("<span class=\"term\"");
        if let Some(a) = &u.anchor {
            out.push_str(&format!(" id=\"{}\"", escape_attr(a)));
        }
        let tip = escape_attr(&u.tip);
        out.push_str(&format!(
            "><a class=\"term-use\" href=\"{}\" aria-describedby=\"{tip}\">{shown}</a><span class=\"term-tip\" id=\"{tip}\" role=\"tooltip\">{}</span></span>",
            escape_attr(&self.href(e)),
            escape_attr(&e.text)
        ));
    }
}

/// One pass over `html`: runs of prose with their uses, cross-references
/// with their texts; every other marker stays for the next step.
fn replace(html: &str, uses: &[Use], xrefs: &[String], link: Option<&Linker<'_>>) -> String {
    let mut out = String::with_capacity(html.len() + uses.len() * 200);
    let mut rest = html;
    let mut next = 0;
    while let Some(i) = rest.find("<!--casebook:") {
        out.push_str(&rest[..i]);
        let here = &rest[i..];
        if let Some(after) = here.strip_prefix(RUN_CLOSE) {
            rest = after;
        } else if let Some((n, after)) = numbered(here, RUN_OPEN) {
            let end = after.find(RUN_CLOSE).unwrap_or(after.len());
            let text = &after[..end];
            let mut at = 0;
            while let Some(u) = uses.get(next).filter(|u| u.run <= n) {
                next += 1;
                let in_run = u.run == n && u.start >= at && u.end <= text.len();
                if let (true, Some(l)) = (in_run, link) {
                    out.push_str(&text[at..u.start]);
                    l.html(u, &text[u.start..u.end], &mut out);
                    at = u.end;
                }
            }
            out.push_str(&text[at..]);
            rest = &after[end..];
        } else if let Some((k, after)) = numbered(here, XREF_OPEN) {
            out.push_str(&escape_attr(xrefs.get(k).map_or("", String::as_str)));
            rest = after;
        } else {
            out.push_str("<!--casebook:");
            rest = &here["<!--casebook:".len()..];
        }
    }
    out.push_str(rest);
    out
}

/// The number of a marker `open…N-->` at the start of `s`, and what follows it.
fn numbered<'a>(s: &'a str, open: &str) -> Option<(usize, &'a str)> {
    let digits = s.strip_prefix(open)?;
    let len = digits.find(|c: char| !c.is_ascii_digit())?;
    let n = digits[..len].parse().ok()?;
    Some((n, digits[len..].strip_prefix("-->")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_components_and_names_cross_references() {
        let html = "<p><!--casebook:t:0-->See <!--casebook:/t--><a href=\"#x\"><!--casebook:xref:0--></a><!--casebook:component:3--> &amp; <!--casebook:xref:9--></p>";
        assert_eq!(
            plain(html, &["clause 2 & 3".to_string()]),
            "<p>See <a href=\"#x\">clause 2 &amp; 3</a><!--casebook:component:3--> &amp; </p>"
        );
    }
}
