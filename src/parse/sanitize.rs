//! `safe_html: true`: raw HTML in Markdown made harmless with ammonia.

/// Removes what could run in a reader's browser from raw HTML written in
/// Markdown (`safe_html: true`): scripts, styles, event handlers, `javascript:`
/// and other unknown URL schemes, forms and frames. casebook's own markup
/// survives: heading ids and anchors (`id`, `<a name>`), classes, task-list checkboxes, table
/// alignment, and the placeholders for component calls and page links.
pub fn sanitize(html: &str) -> String {
    static CLEANER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes([
            "id",
            "class",
            "role",
            "aria-label",
            "aria-hidden",
            "title",
            "lang",
            "style",
        ])
        .filter_style_properties(["text-align"].into_iter().collect())
        .add_tags(["input", "aside", "section"])
        .add_tag_attributes("a", ["name"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
        .add_url_schemes([super::links::PLACEHOLDER.trim_end_matches(':')])
        .link_rel(None);
        b
    });
    // casebook's markers (component calls, prose, cross-references) are
    // comments, which the cleaner drops: carry them through as private-use
    // characters and put them back after.
    const OPEN: &str = "<!--casebook:";
    const MARK: char = '\u{F8FF}';
    let ours = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b':' || b == b'/')
    };
    let mut marked = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(OPEN) {
        marked.push_str(&rest[..i]);
        let after = &rest[i + OPEN.len()..];
        match after.find("-->") {
            Some(end) if ours(&after[..end]) => {
                marked.push(MARK);
                marked.push_str(&after[..end]);
                marked.push(MARK);
                rest = &after[end + 3..];
            }
            _ => {
                marked.push_str(OPEN);
                rest = after;
            }
        }
    }
    marked.push_str(rest);
    let clean = CLEANER.clean(&marked).to_string();
    let mut out = String::with_capacity(clean.len());
    let mut parts = clean.split(MARK);
    out.push_str(parts.next().unwrap_or_default());
    while let Some(n) = parts.next() {
        let tail = parts.next();
        if ours(n) && tail.is_some() {
            out.push_str(OPEN);
            out.push_str(n);
            out.push_str("-->");
        } else {
            out.push_str(n);
        }
        out.push_str(tail.unwrap_or_default());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_names_and_link_placeholders_survive() {
        let clean = sanitize(
            "<p><a name=\"with-a-court-order\"></a><a href=\"casebook-link:3\">x</a><img src=\"casebook-link:4\" alt=\"\"></p>",
        );
        assert!(clean.contains("<a name=\"with-a-court-order\">"), "{clean}");
        assert!(clean.contains("href=\"casebook-link:3\""), "{clean}");
        assert!(clean.contains("src=\"casebook-link:4\""), "{clean}");
    }

    #[test]
    fn casebook_markers_survive_and_others_comments_do_not() {
        let html = "<p><!--casebook:t:0-->The Company<!--casebook:/t--> <a href=\"#x\"><!--casebook:xref:2--></a><!--casebook:component:1--><!-- note --><!--casebook:<b>--></p>";
        assert_eq!(
            sanitize(html),
            "<p><!--casebook:t:0-->The Company<!--casebook:/t--> <a href=\"#x\"><!--casebook:xref:2--></a><!--casebook:component:1--></p>"
        );
    }
}
