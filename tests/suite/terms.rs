//! Defined terms through the real binary: uses linked to their definition
//! with its sentence as an accessible tooltip, the glossary page, the
//! drafting warnings with their places, search, and audiences (a
//! definition a build does not publish leaves no trace of its text).

use crate::harness::{SiteTest, attributes, between, text_of, tree};

pub const CONFIG: &str = "title: Acme Legal
audiences: [public, internal, legal-only]
default_audience: internal
numbered: [policies]
";

pub const PAYMENTS: &str = "---
title: Payments
owner: legal-ops
effective: 2026-01-01
review_every: 12 months
---

This policy applies to Acme Industries Ltd (the **\"Company\"**) and its staff.

## Definitions {#definitions}

**\"Invoice\"** means a request for payment that a supplier sends.

## Payment terms {#payment-terms}

The Company pays each Invoice within 30 Business Days. Late Invoices' interest is in [](#late-payment). [](#late-payment) sets the rate; the company (lower case) is no use.

### Late payment {#late-payment}

An Invoice paid late carries interest. `Invoice` in code and [an Invoice](#payment-terms) in a link are no uses.

## Invoice questions {#questions}

Ask under [](signatures.md#limits).
";

pub const SIGNATURES: &str = "---
title: Signature authority
owner: legal-ops
effective: 2026-01-01
review_every: 12 months
defines: site
---

**\"Authorised Signatory\"** means a person named in the signature matrix under [](#limits).

## Limits {#limits}

An Authorised Signatory may sign up to the limit.
";

/// A site with a page's own definitions, a page defining for the whole
/// site, the glossary file, and a plain page that uses the site's terms.
pub fn site() -> SiteTest {
    SiteTest::with_files(&[
        ("casebook.yaml", CONFIG),
        (
            "content/roles/legal-ops.md",
            "---\ntitle: Legal Operations\n---\nRuns the department.\n",
        ),
        ("content/policies/payments.md", PAYMENTS),
        ("content/policies/signatures.md", SIGNATURES),
        (
            "content/glossary.yaml",
            "Business Day: A day other than a Saturday, Sunday or public holiday in England.\n",
        ),
        (
            "content/handbook/approvals.md",
            "---\ntitle: Approvals\n---\nEach Authorised Signatory's approval takes one Business Day.\n",
        ),
    ])
}

/// `(href, tooltip id, text)` of each use of a term in `html`, and the
/// text of each tooltip by id.
fn uses(html: &str) -> Vec<(String, String, String)> {
    html.split("<a class=\"term-use\"")
        .skip(1)
        .map(|a| {
            let href = between(a, "href=\"", "\"").unwrap().to_string();
            let tip = between(a, "aria-describedby=\"", "\"").unwrap().to_string();
            let text = between(a, ">", "</a>").unwrap().to_string();
            (href, tip, text)
        })
        .collect()
}

fn tip<'a>(html: &'a str, id: &str) -> &'a str {
    between(
        html,
        &format!("<span class=\"term-tip\" id=\"{id}\" role=\"tooltip\">"),
        "</span>",
    )
    .unwrap_or_else(|| panic!("no tooltip `{id}` in {html}"))
}

#[test]
fn uses_link_to_their_definition_with_its_sentence_on_hover_and_focus() {
    let t = site();
    t.build_ok();
    let main = t.main_of("policies/payments/");
    let body = between(&main, "<div class=\"content\">", "</div>\n</div>").unwrap();
    assert!(
        body.contains("<strong><dfn id=\"def-invoice\">“Invoice”</dfn></strong> means"),
        "{body}"
    );

    let found = uses(body);
    let shown: Vec<(&str, &str)> = found.iter().map(|(h, _, t)| (h.as_str(), t.as_str())).collect();
    assert_eq!(
        shown,
        [
            ("#def-company", "Company"),
            ("#def-invoice", "Invoice"),
            ("../../glossary/#business-day", "Business Days"),
            ("#def-invoice", "Invoices’"),
            ("#def-invoice", "Invoice"),
        ],
        "uses in prose, plural and possessive; not the definitions, the heading, code, a link or `company`"
    );
    // Each use is described by its own tooltip: the definition's sentence.
    let tips: Vec<&str> = found.iter().map(|(_, id, _)| tip(body, id)).collect();
    assert_eq!(tips[1], "“Invoice” means a request for payment that a supplier sends.");
    assert_eq!(tips[0], "This policy applies to Acme Industries Ltd (the “Company”)");
    assert_eq!(
        tips[2],
        "A day other than a Saturday, Sunday or public holiday in England."
    );
    let mut ids: Vec<&String> = found.iter().map(|(_, id, _)| id).collect();
    ids.dedup();
    assert_eq!(ids.len(), found.len(), "one tooltip id per use");
    // The heading is not linked, nor code or link text.
    let heading = between(body, "<h2 id=\"questions\">", "</h2>").unwrap();
    assert!(!heading.contains("term-use"), "{heading}");
    assert!(
        body.contains("<code>Invoice</code>") && body.contains(">an Invoice</a>"),
        "{body}"
    );

    // On another page, the site's terms link across; a page's own terms do not.
    let other = t.main_of("handbook/approvals/");
    let shown: Vec<(String, String)> = uses(&other).into_iter().map(|(h, _, t)| (h, t)).collect();
    assert_eq!(
        shown,
        [
            (
                "../../policies/signatures/#def-authorised-signatory".to_string(),
                "Authorised Signatory’s".to_string()
            ),
            ("../../glossary/#business-day".to_string(), "Business Day".to_string()),
        ]
    );
    // In print the use is plain text and no tooltip shows.
    let css = t.output("css/casebook.css");
    let print = &css[css.find("@media print {\n  .term-tip").expect("print rules for terms")..];
    assert!(
        print.contains(".term-tip, .glossary-letters { display: none !important; }"),
        "{print}"
    );
    assert!(print.contains(".content .term-use { color: inherit; text-decoration: none; }"));
}

#[test]
fn the_glossary_lists_every_term_with_where_it_is_defined_and_used() {
    let t = site();
    t.build_ok();
    let g = t.main_of("glossary/");
    let entries: Vec<String> = g
        .split("<div class=\"glossary-entry\"")
        .skip(1)
        .map(|e| text_of(&e[e.find('>').unwrap() + 1..e.find("</div>").unwrap()]).replace(" , ", ", "))
        .collect();
    assert_eq!(
        entries,
        [
            "Authorised Signatory “Authorised Signatory” means a person named in the signature matrix under clause 1. \
             Applies to every page · Defined in Signature authority Used 2 times in Approvals, Signature authority",
            "Business Day A day other than a Saturday, Sunday or public holiday in England. \
             Applies to every page · Defined in this glossary Used 2 times in Approvals, Payments",
            "Company This policy applies to Acme Industries Ltd (the “Company”) \
             Applies to its own page only · Defined in Payments Used 1 time in Payments",
            "Invoice “Invoice” means a request for payment that a supplier sends. \
             Applies to its own page only · Defined in Payments Used 3 times in Payments",
        ]
    );
    // Each place links to the definition, and to the first use on each page.
    let hrefs = attributes(&g, "href");
    for h in [
        "../policies/signatures/#def-authorised-signatory",
        "../handbook/approvals/#term-use-authorised-signatory",
        "../policies/payments/#term-use-invoice",
    ] {
        assert!(hrefs.iter().any(|x| x == h), "{h} in {hrefs:?}");
    }
    let payments = t.output("policies/payments/index.html");
    assert!(payments.contains("<span class=\"term\" id=\"term-use-invoice\">"));
    // Every page's footer leads to it.
    assert!(
        t.output("index.html")
            .contains("<a href=\"./glossary/\">Glossary of defined terms</a></p>")
    );
}

#[test]
fn a_search_for_a_term_finds_its_definition_first() {
    let t = site();
    t.build_ok();
    let results = crate::search::query(&t.path("public"), &["invoice", "authorised signatory"]);
    for (r, url) in results
        .iter()
        .zip(["glossary/#invoice", "glossary/#authorised-signatory"])
    {
        let first = &r["results"][0];
        assert_eq!(first["url"], url, "{r}");
        assert_eq!(first["kind"], "term");
    }
}

const SECRET: &str = "---
title: Privilege protocol
audience: legal-only
defines: site
---

**\"Privileged Matter\"** means a matter run under the Larkspur protocol.
";

#[test]
fn a_definition_the_audience_may_not_read_leaves_no_trace_of_its_text() {
    let t = site();
    t.create("content/legal/protocol.md", SECRET);
    t.create(
        "content/glossary.yaml",
        "Business Day: A day other than a Saturday, Sunday or public holiday in England.\n\
         Board Minute:\n  definition: A record kept in the Quillfeather register.\n  audience: legal-only\n",
    );
    t.create(
        "content/handbook/approvals.md",
        "---\ntitle: Approvals\n---\nEach Privileged Matter and each Board Minute goes to the GC on a Business Day.\n",
    );
    let run = t.build(&[]);
    run.assert_code(0);
    for (term, column) in [("Privileged Matter", 6), ("Board Minute", 33)] {
        run.assert_diagnostic(
            &format!("warning: the definition of `{term}` is not published for audience `internal`"),
            &format!("content/handbook/approvals.md:4:{column}"),
            "Each Privileged Matter and each Board Minute goes to the GC on a Business Day.",
            "define it where this audience can read it too",
        );
    }
    // Not in any file: no page, tooltip, glossary entry or search shard.
    for (path, bytes) in tree(&t.path("public")) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for secret in ["larkspur", "quillfeather"] {
            assert!(!text.contains(secret), "`{secret}` in {path}");
        }
    }
    let page = t.main_of("handbook/approvals/");
    let shown: Vec<String> = uses(&page).into_iter().map(|(_, _, t)| t).collect();
    assert_eq!(shown, ["Business Day"], "the hidden terms read as plain text: {page}");
    let g = t.main_of("glossary/");
    assert!(!g.contains("Privileged Matter") && !g.contains("Board Minute"), "{g}");

    // The audience that may read them sees them everywhere.
    t.build(&["--audience", "legal-only"]).assert_code(0);
    let page = t.main_of("handbook/approvals/");
    let found = uses(&page);
    let texts: Vec<&str> = found.iter().map(|(_, id, _)| tip(&page, id)).collect();
    assert_eq!(
        texts,
        [
            "“Privileged Matter” means a matter run under the Larkspur protocol.",
            "A record kept in the Quillfeather register.",
            "A day other than a Saturday, Sunday or public holiday in England.",
        ]
    );
    let g = t.main_of("glossary/");
    assert!(g.contains("Quillfeather") && g.contains("Larkspur"), "{g}");
}
