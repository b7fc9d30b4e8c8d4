use super::*;
use crate::parse::markdown::{PageContext, Rendered, render};

fn page(body: &str, numbered: bool, title_from_heading: bool) -> Rendered {
    let ctx = PageContext {
        full: body,
        file: "content/p.md",
        body_offset: 0,
        rel: "p.md",
        url: "p/",
        title_from_heading,
        variables: None,
        numbered,
    };
    render(body, &ctx, &mut Vec::new())
}

/// The text of every run of prose, in order.
fn runs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(RUN_OPEN) {
        let after = &rest[i + RUN_OPEN.len()..];
        let start = after.find("-->").expect("marker closes") + 3;
        let end = after.find(RUN_CLOSE).expect("run closes");
        out.push(after[start..end].to_string());
        rest = &after[end..];
    }
    out
}

#[test]
fn definitions_get_a_dfn_with_an_id_and_an_anchor() {
    let r = page(
        "## Definitions\n\n**\"Business Day\"** means a day on which banks are open.\n\nThe seller (the **\"Business Day\"**) again.\n\nBusiness Day\n: Third.\n",
        false,
        false,
    );
    let d = &r.drafting.definitions;
    let ids: Vec<&str> = d.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["def-business-day", "def-business-day-2", "def-business-day-3"]);
    assert!(
        r.html
            .unpack()
            .contains("<strong><dfn id=\"def-business-day\">“Business Day”</dfn></strong>"),
        "{}",
        r.html.unpack()
    );
    assert!(
        r.html.unpack().contains("<dt><dfn id=\"def-business-day-3\">"),
        "{}",
        r.html.unpack()
    );
    assert_eq!(d[0].section, "definitions");
    assert_eq!((d[0].position.line, d[0].position.column), (3, 1));
    assert_eq!(d[0].text, "“Business Day” means a day on which banks are open.");
    let kinds: Vec<_> = r.anchors.iter().filter(|a| a.kind == AnchorKind::Definition).collect();
    assert_eq!(kinds.len(), 3);
}

#[test]
fn prose_is_marked_but_not_headings_links_code_quotes_or_the_term_defined() {
    let r = page(
        "## The Company\n\n**\"Company\"** means Northwind. The Company pays.\n\nSee [the Company](x.md) and `Company`.\n\n> The Company, quoted.\n\n> [!NOTE]\n> The Company notes.\n\n<span>Company</span> raw.\n",
        false,
        false,
    );
    assert_eq!(
        runs(&r.html.unpack()),
        [
            " means Northwind. The Company pays.",
            "See ",
            " and ",
            ".",
            "The Company notes.",
            " raw."
        ]
    );
    assert_eq!(r.drafting.runs.len(), 6);
    // Runs know their block: the definition's own uses are told apart.
    assert_eq!(r.drafting.runs[0].block, r.drafting.definitions[0].block);
    assert_ne!(r.drafting.runs[1].block, r.drafting.definitions[0].block);
    assert_eq!(without_runs(&r.html.unpack()).matches("<!--casebook").count(), 0);
}

#[test]
fn runs_follow_soft_breaks_and_smart_apostrophes_within_a_block() {
    let r = page("The Company's\nrules.\n\n- One\n- Two\n", false, false);
    assert_eq!(runs(&r.html.unpack()), ["The Company’s\nrules.", "One", "Two"]);
    assert_eq!(r.drafting.runs[0].source, 0);
}

#[test]
fn numbered_pages_number_their_headings_but_not_the_title() {
    let md = "# Title\n\n## Scope\n\n### Who\n\n## Rules\n\n## Revision history {.unnumbered}\n";
    let r = page(md, true, true);
    let numbers: Vec<Option<&str>> = r.headings.iter().map(|h| h.number.as_deref()).collect();
    assert_eq!(numbers, [None, Some("1"), Some("1.1"), Some("2"), None]);
    assert!(
        r.html
            .unpack()
            .contains("<h2 id=\"scope\"><span class=\"clause-number\">1</span> Scope<a class=\"anchor\""),
        "{}",
        r.html.unpack()
    );
    assert!(
        r.html.unpack().contains("<h2 id=\"revision-history\">Revision history"),
        "{}",
        r.html.unpack()
    );
    let plain = page(md, false, true);
    assert!(plain.headings.iter().all(|h| h.number.is_none()));
    assert!(!plain.html.unpack().contains("clause-number"));
}

#[test]
fn links_without_text_are_cross_references() {
    let r = page(
        "Subject to [](#late-payment), pay.\n\n[](other.md#x) applies. See [the rules](#late-payment) and [](https://example.com).\n\n## Late payment\n",
        false,
        false,
    );
    let x = &r.drafting.xrefs;
    assert_eq!(x.len(), 3, "{x:?}");
    assert_eq!((x[0].link, x[0].capitalise), (0, false));
    assert_eq!((x[1].link, x[1].capitalise), (1, true));
    assert_eq!(x[2].link, 3);
    assert!(r.links[0].empty && r.links[1].empty && !r.links[2].empty);
    assert!(
        r.html
            .unpack()
            .contains("<a href=\"#late-payment\"><!--casebook:xref:0--></a>"),
        "{}",
        r.html.unpack()
    );
    assert!(r.drafting.is_xref(1) && !r.drafting.is_xref(2));
}
