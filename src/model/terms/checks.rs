//! Drafting checks on defined terms: a term defined twice with different
//! meanings, a definition nothing uses, a capitalised term in quotation
//! marks that nothing defines, and a page in the glossary's place.

use super::forms::forms;
use super::{GLOSSARY_URL, Origin};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;

/// Reports `term`, defined at `first` and again at `second` with another
/// meaning, at both places.
pub(super) fn defined_twice(site: &Site, first: &Origin, second: &Origin, term: &str, diags: &mut Diagnostics) {
    for (here, there) in [(second, first), (first, second)] {
        let p = there.position();
        diags.push(
            Diagnostic::warning(format!("`{term}` is defined twice with different meanings"))
                .in_file(here.file(site))
                .at(here.position().clone())
                .help(format!(
                    "it is also defined at {}:{}:{}; make the definitions say the same, or give one of the terms another name",
                    there.file(site),
                    p.line,
                    p.column
                )),
        );
    }
}

pub(super) fn run(site: &Site, diags: &mut Diagnostics) {
    unused(site, diags);
    undefined(site, diags);
    if !site.terms.entries.is_empty()
        && let Some(&id) = site.by_url.get(GLOSSARY_URL)
    {
        diags.push(
            Diagnostic::error("a page uses the URL `/glossary/`, which the glossary of defined terms needs")
                .in_file(&site.pages[id].parsed.file)
                .help("give the page another URL (e.g. `permalink: /terms/`), or move its definitions into `content/glossary.yaml`; casebook lists every defined term on `/glossary/`"),
        );
    }
}

/// Definitions on pages that no published page uses. The glossary file is
/// a dictionary, so its entries may wait for a use.
fn unused(site: &Site, diags: &mut Diagnostics) {
    for e in &site.terms.entries {
        let Origin::Page { page, .. } = &e.origin else { continue };
        if !e.uses.is_empty() {
            continue;
        }
        let help = if e.site_wide {
            format!(
                "no page this build publishes for audience `{}` uses it; remove the definition, or use the term",
                site.audience
            )
        } else {
            "this page never uses it; remove the definition, or add `defines: site` to the front matter if other pages use it".to_string()
        };
        diags.push(
            Diagnostic::warning(format!("`{}` is defined but never used", e.term))
                .in_file(&site.pages[*page].parsed.file)
                .at(e.origin.position().clone())
                .help(help),
        );
    }
}

/// Capitalised terms in quotation marks that nothing in scope defines:
/// `the "Supplier"` with no definition of `Supplier`.
fn undefined(site: &Site, diags: &mut Diagnostics) {
    let site_terms: Vec<String> = site
        .terms
        .entries
        .iter()
        .filter(|e| e.site_wide)
        .map(|e| e.term.clone())
        .chain(site.hidden.terms.keys().cloned())
        .flat_map(|t| forms(&t))
        .collect();
    for (id, p) in site.pages.iter().enumerate() {
        let quoted = &p.parsed.body.drafting.quoted;
        if quoted.is_empty() {
            continue;
        }
        let own: Vec<String> = site
            .terms
            .entries
            .iter()
            .filter(|e| matches!(e.origin, Origin::Page { page, .. } if page == id))
            .flat_map(|e| forms(&e.term))
            .collect();
        for q in quoted {
            if site_terms.contains(&q.term) || own.contains(&q.term) {
                continue;
            }
            diags.push(
                Diagnostic::warning(format!("`{}` is quoted like a defined term, but nothing defines it", q.term))
                    .in_file(&p.parsed.file)
                    .at(q.position.clone())
                    .help(format!(
                        "define it where it is first used (`**\"{t}\"** means …`, or `(the **\"{t}\"**)` after what it names), add it to `content/glossary.yaml`, or write it without quotation marks",
                        t = q.term
                    )),
            );
        }
    }
}
