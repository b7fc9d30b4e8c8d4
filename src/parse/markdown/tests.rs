use super::*;
use crate::config::variables::Variables;
use crate::parse::links::LinkTarget;

fn md(body: &str, rel: &str) -> (Rendered, Vec<Diagnostic>) {
    md_with(body, rel, None)
}

fn md_with(body: &str, rel: &str, variables: Option<&Variables>) -> (Rendered, Vec<Diagnostic>) {
    let url = paths::page_url(rel);
    let page = PageContext {
        full: body,
        file: rel,
        body_offset: 0,
        rel,
        url: &url,
        title_from_heading: false,
        variables,
        numbered: false,
    };
    let mut errors = Vec::new();
    let mut r = render(body, &page, &mut errors);
    // Markers of prose for defined terms are `drafting`'s to test.
    r.html = super::packed::Text::new(&drafting::without_runs(&r.html.unpack()));
    (r, errors)
}

#[test]
fn headings_get_unique_stable_ids() {
    let (r, _) = md(
        "## Scope\n\n## Scope\n\n### Approval thresholds (USD)\n\n## Custom {#my-id}\n",
        "p.md",
    );
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["scope", "scope-1", "approval-thresholds-usd", "my-id"]);
    assert!(
        r.html
            .unpack()
            .contains("<h2 id=\"scope\">Scope<a class=\"anchor\" href=\"#scope\""),
        "{}",
        r.html.unpack()
    );
    assert_eq!(r.headings[2].level, 3);
}

#[test]
fn md_links_become_relative_urls_and_are_recorded() {
    let (r, errors) = md(
        "See [the policy](../../policies/x.md#scope) and [img](../../assets/a.png).\n",
        "handbook/contracts/nda.md",
    );
    assert!(errors.is_empty());
    assert!(
        r.html.unpack().contains("href=\"casebook-link:0\""),
        "{}",
        r.html.unpack()
    );
    assert_eq!(r.links[0].href, "../../../policies/x/#scope");
    assert!(
        r.html.unpack().contains("href=\"casebook-link:1\""),
        "{}",
        r.html.unpack()
    );
    assert_eq!(r.links[1].href, "../../../assets/a.png");
    assert_eq!(
        r.links[0].target,
        LinkTarget::Page {
            source: "policies/x.md".into(),
            anchor: Some("scope".into())
        }
    );
    assert_eq!(r.links[1].target, LinkTarget::File("assets/a.png".into()));
}

#[test]
fn link_outside_content_is_an_error_with_line() {
    let (_, errors) = md("intro\n\n[x](../../secret.md)\n", "a/b.md");
    assert_eq!(errors[0].position.as_ref().unwrap().line, 3);
}

#[test]
fn admonitions_become_labelled_asides() {
    let (r, _) = md("> [!WARNING]\n> Do not delete.\n", "p.md");
    assert!(
        r.html
            .unpack()
            .contains("<aside class=\"admonition admonition-warning\" role=\"note\" aria-label=\"Warning\">"),
        "{}",
        r.html.unpack()
    );
    assert!(r.html.unpack().contains("Do not delete."));
    assert!(r.html.unpack().trim_end().ends_with("</aside>"), "{}", r.html.unpack());
}

#[test]
fn template_braces_in_prose_stay_literal() {
    let (r, errors) = md(
        "Dear {{ counterparty_name }}, {% if mutual %}both{% endif %}.\n",
        "p.md",
    );
    assert!(errors.is_empty());
    assert!(
        r.html
            .unpack()
            .contains("Dear {{ counterparty_name }}, {% if mutual %}both{% endif %}."),
        "{}",
        r.html.unpack()
    );
}

#[test]
fn calls_alone_in_a_paragraph_are_blocks() {
    let (r, errors) = md(
        "Intro.\n\n{{ kpi(metric=\"spend\", quarter=\"2026-Q3\") }}\n\nInline {{ kpi(metric=\"x\") }} here.\n",
        "p.md",
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(r.calls.len(), 2);
    assert!(r.calls[0].block && !r.calls[1].block);
    assert_eq!(r.calls[0].call.args["quarter"], "2026-Q3");
    assert_eq!(r.calls[0].position.line, 3);
    assert!(
        r.html.unpack().contains("\n<!--casebook:component:0-->\n"),
        "{}",
        r.html.unpack()
    );
    assert!(
        r.html
            .unpack()
            .contains("<p>Inline <!--casebook:component:1--> here.</p>"),
        "{}",
        r.html.unpack()
    );
}

#[test]
fn calls_in_code_stay_literal_and_escapes_print() {
    let (r, _) = md(
        "`{{ kpi(metric=\"x\") }}`\n\n```\n{{ chart(metric=\"y\") }}\n```\n\n{{/* chart(metric=\"z\") */}}\n",
        "p.md",
    );
    assert!(r.calls.is_empty());
    assert!(
        r.html.unpack().contains("<pre><code>{{ chart(metric=\"y\") }}"),
        "{}",
        r.html.unpack()
    );
    assert!(
        r.html.unpack().contains("<p>{{ chart(metric=\"z\") }}</p>"),
        "{}",
        r.html.unpack()
    );
}

#[test]
fn malformed_call_is_located() {
    let (_, errors) = md("Text\n\n{{ chart(metric=spend) }}\n", "p.md");
    let p = errors[0].position.as_ref().unwrap();
    assert_eq!((p.line, p.column), (3, 17));
}

#[test]
fn leading_title_heading_is_dropped_when_it_is_the_title() {
    let url = paths::page_url("p.md");
    let page = PageContext {
        full: "",
        file: "p.md",
        body_offset: 0,
        rel: "p.md",
        url: &url,
        title_from_heading: true,
        variables: None,
        numbered: false,
    };
    let r = render("# Data Protection\n\nText.\n\n# Second\n", &page, &mut Vec::new());
    assert!(!r.html.unpack().contains("Data Protection"), "{}", r.html.unpack());
    assert!(r.html.unpack().contains("<h1 id=\"second\">"), "{}", r.html.unpack());
    assert_eq!(r.headings[0].text, "Data Protection");
}

#[test]
fn sanitize_removes_scripts_and_keeps_casebook_markup() {
    let (r, errors) = md(
        "## Scope {#scope}\n\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\"> [x](javascript:alert(3)) [p](other.md)\n\n<a href=\"javascript:alert(4)\" onclick=\"x()\">a</a><iframe src=\"https://evil\"></iframe>\n\n{{ kpi(metric=\"m\") }}\n\n- [x] done\n\n| a |\n|:-:|\n| b |\n\n> [!NOTE]\n> n\n",
        "p.md",
    );
    assert!(errors.is_empty(), "{errors:?}");
    let clean = crate::parse::sanitize::sanitize(&r.html.unpack());
    for bad in ["<script", "alert(1)", "onerror", "javascript:", "onclick", "<iframe"] {
        assert!(!clean.contains(bad), "`{bad}` survived:\n{clean}");
    }
    for good in [
        "<h2 id=\"scope\">",
        "<a class=\"anchor\" href=\"#scope\"",
        "href=\"casebook-link:0\"",
        "\n<!--casebook:component:0-->\n",
        "style=\"text-align:center\"",
        "<aside class=\"admonition admonition-note\" role=\"note\" aria-label=\"Note\">",
    ] {
        assert!(clean.contains(good), "`{good}` was lost:\n{clean}");
    }
    let input = clean
        .split("<input")
        .nth(1)
        .and_then(|s| s.split('>').next())
        .unwrap_or_default();
    assert!(
        input.contains("type=\"checkbox\"") && input.contains("checked"),
        "task box lost: {clean}"
    );
}

#[test]
fn task_list_boxes_have_accessible_names() {
    let (r, _) = md("- [x] Signed\n- [ ] Filed\n", "p.md");
    assert!(
        r.html
            .unpack()
            .contains("<input type=\"checkbox\" disabled checked aria-label=\"Done\"> Signed"),
        "{}",
        r.html.unpack()
    );
    assert!(
        r.html
            .unpack()
            .contains("<input type=\"checkbox\" disabled aria-label=\"Not done\"> Filed"),
        "{}",
        r.html.unpack()
    );
}

#[test]
fn summary_is_first_top_level_paragraph() {
    let (r, _) = md("# T\n\n> quote\n\nFirst *real* paragraph\nwraps.\n\nSecond.\n", "p.md");
    assert_eq!(r.summary, "First real paragraph wraps.");
}

fn ids(r: &Rendered) -> Vec<(&str, AnchorKind)> {
    r.anchors.iter().map(|a| (a.id.as_str(), a.kind)).collect()
}

#[test]
fn raw_html_footnote_and_component_ids_are_anchors() {
    let (r, errors) = md(
        "<!-- markdownlint-disable MD033 -->\n\n## Scope\n\n* <a name=\"with-a-court-order\"></a> With a court order.\n* <span id='without'>Without</span> one.\n\n<div id=\"block-id\">\n<p>x</p>\n</div>\n\nSee the rules.[^gdpr]\n\n[^gdpr]: Regulation (EU) 2016/679.\n\n{{ chart(metric=\"spend\", id=\"spend-chart\") }}\n",
        "p.md",
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        ids(&r),
        [
            ("scope", AnchorKind::Heading),
            ("with-a-court-order", AnchorKind::Html),
            ("without", AnchorKind::Html),
            ("block-id", AnchorKind::Html),
            ("gdpr", AnchorKind::Footnote),
            ("spend-chart", AnchorKind::Component),
        ]
    );
    let raw = &r.anchors[1].position;
    assert_eq!((raw.line, raw.column), (5, 3));
    assert_eq!(r.anchors[4].position.line, 14);
    assert!(
        r.html.unpack().contains("id=\"gdpr\""),
        "pulldown-cmark gives the footnote this id: {}",
        r.html.unpack()
    );
}

#[test]
fn the_title_heading_is_not_a_link_target() {
    let url = paths::page_url("p.md");
    let page = PageContext {
        full: "",
        file: "p.md",
        body_offset: 0,
        rel: "p.md",
        url: &url,
        title_from_heading: true,
        variables: None,
        numbered: false,
    };
    let r = render("# Data Protection\n\n## Scope\n", &page, &mut Vec::new());
    assert_eq!(ids(&r), [("scope", AnchorKind::Heading)]);
}

#[test]
fn an_id_used_twice_is_a_warning_at_the_second() {
    let (_, errors) = md("## Scope\n\nText <a id=\"scope\"></a>\n", "p.md");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].message, "the id `scope` is on this page twice");
    assert_eq!(errors[0].position.as_ref().unwrap().line, 3);
    assert!(
        errors[0].help.as_ref().unwrap().contains("the heading on line 1"),
        "{errors:?}"
    );
}

#[test]
fn site_absolute_links_and_images_get_placeholders() {
    let (r, errors) = md(
        "[a](/policy-site/area/page#x) ![logo](/policy-site/assets/logo.png) [ext](//cdn.example/x)\n",
        "area/other.md",
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        r.html.unpack().contains("<a href=\"casebook-link:0\">a</a>"),
        "{}",
        r.html.unpack()
    );
    assert!(
        r.html.unpack().contains("<img src=\"casebook-link:1\""),
        "{}",
        r.html.unpack()
    );
    assert!(
        r.html.unpack().contains("href=\"//cdn.example/x\""),
        "{}",
        r.html.unpack()
    );
    assert_eq!(
        r.links[0].target,
        LinkTarget::Site {
            path: "policy-site/area/page".into(),
            anchor: Some("x".into())
        }
    );
    assert_eq!(r.links.len(), 2);
}

fn product_variables() -> Variables {
    let mut diags = crate::diag::Diagnostics::default();
    let c = crate::config::Config::parse(
        "variables:\n  product:\n    name: Acme <Cloud>\n  support: help@acme.example\n",
        &mut diags,
    );
    assert!(diags.items.is_empty(), "{:?}", diags.items);
    c.variables.expect("configured")
}

#[test]
fn variables_expand_in_prose_not_in_code() {
    let vars = product_variables();
    let (r, errors) = md_with(
        "## About {{ variables.product.name }}\n\nUse {% data variables.product.name %} and write to {{variables.support}}.\n\n`{{ variables.product.name }}`\n\n```\n{% data variables.product.name %}\n```\n\n{{/* variables.support */}}\n",
        "p.md",
        Some(&vars),
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        r.html
            .unpack()
            .contains("<h2 id=\"about-acme-cloud\">About Acme &lt;Cloud&gt;"),
        "escaped as text: {}",
        r.html.unpack()
    );
    assert!(
        r.html
            .unpack()
            .contains("<p>Use Acme &lt;Cloud&gt; and write to help@acme.example.</p>"),
        "{}",
        r.html.unpack()
    );
    assert!(
        r.html.unpack().contains("<code>{{ variables.product.name }}</code>"),
        "{}",
        r.html.unpack()
    );
    assert!(
        r.html.unpack().contains("<pre><code>{% data variables.product.name %}"),
        "{}",
        r.html.unpack()
    );
    assert!(
        r.html.unpack().contains("<p>{{ variables.support }}</p>"),
        "the escape prints it: {}",
        r.html.unpack()
    );
    assert!(r.templates.is_empty(), "{:?}", r.templates);
}

#[test]
fn an_unknown_variable_is_located_with_a_suggestion() {
    let vars = product_variables();
    let (r, errors) = md_with(
        "Intro.\n\nWe sell {{ variables.product.nmae }} and {% data variables.product %}.\n",
        "p.md",
        Some(&vars),
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].message, "unknown variable `variables.product.nmae`");
    let p = errors[0].position.as_ref().unwrap();
    assert_eq!((p.line, p.column, p.len), (3, 12, 22));
    assert!(
        errors[0]
            .help
            .as_ref()
            .unwrap()
            .starts_with("did you mean `variables.product.name`?"),
        "{errors:?}"
    );
    assert_eq!(
        errors[1].message,
        "`variables.product` is a group of variables, not one"
    );
    assert!(
        r.html.unpack().contains("{{ variables.product.nmae }}"),
        "left as written: {}",
        r.html.unpack()
    );
}

#[test]
fn template_text_of_other_tools_is_recorded_once_each() {
    let (r, errors) = md(
        "# T\n\nBy {{ site.title }}: {% include warning.html.unpack() %} and {% data variables.product.name %}.\n\n{% if a %}{{ b }}{% endif %}\n\n```\n{% include code.html.unpack() %}\n```\n",
        "p.md",
    );
    assert!(errors.is_empty(), "{errors:?}");
    let found: Vec<(&str, usize)> = r.templates.iter().map(|t| (t.text.as_str(), t.position.line)).collect();
    assert_eq!(
        found,
        [
            ("{{ site.title }}", 3),
            ("{% include warning.html.unpack() %}", 3),
            ("{% data variables.product.name %}", 3),
            ("{% if a %}", 5),
            ("{{ b }}", 5),
            ("{% endif %}", 5)
        ]
    );
    assert!(
        r.html
            .unpack()
            .contains("By {{ site.title }}: {% include warning.html.unpack() %}"),
        "{}",
        r.html.unpack()
    );
}
