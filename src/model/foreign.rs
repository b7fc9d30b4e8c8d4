//! What other tools left in the content, said once per build instead of
//! once per page: `layout:` keys and template text (Liquid tags,
//! `{{ site.title }}`) that casebook shows as written.

use std::collections::BTreeMap;

use super::Site;
use crate::diag::Notice;

/// Distinct template forms and places a note names at most.
const SHOWN: usize = 5;
const PLACES: usize = 3;

pub(super) fn notes(site: &Site) -> Vec<Notice> {
    let mut out = Vec::new();
    let layouts = site.pages.iter().filter(|p| p.front().layout).count();
    if layouts > 0 {
        out.push(Notice {
            message: format!(
                "`layout` is ignored on {layouts} page{}",
                if layouts == 1 { "" } else { "s" }
            ),
            help: "casebook picks a page's template from its kind (`policy.html`, `page.html`…); override one in `themes/<name>/templates/` to change how pages look".into(),
        });
    }
    if let Some(n) = templates(site) {
        out.push(n);
    }
    out
}

fn templates(site: &Site) -> Option<Notice> {
    let mut forms: BTreeMap<&str, usize> = BTreeMap::new();
    let mut places = Vec::new();
    let mut pages = 0;
    for p in &site.pages {
        let found = &p.parsed.body.templates;
        if found.is_empty() {
            continue;
        }
        pages += 1;
        for t in found.iter() {
            *forms.entry(t.text.as_str()).or_default() += 1;
            if places.len() < PLACES {
                places.push(format!("{}:{}", p.parsed.file, t.position.line));
            }
        }
    }
    let total: usize = forms.values().sum();
    if total == 0 {
        return None;
    }
    let mut ranked: Vec<(&str, usize)> = forms.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut shown: Vec<String> = ranked.iter().take(SHOWN).map(|(t, n)| format!("`{t}` ({n})")).collect();
    if ranked.len() > SHOWN {
        shown.push(format!("and {} other forms", ranked.len() - SHOWN));
    }
    let plural = |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    Some(Notice {
        message: format!(
            "{total} template tag{} of another tool {} shown as written, on {pages} page{}: {}",
            plural(total, "", "s"),
            plural(total, "is", "are"),
            plural(pages, "", "s"),
            shown.join(", ")
        ),
        help: format!(
            "first at {}; casebook has no template language in Markdown: define `variables:` in casebook.yaml to expand `{{{{ variables.x }}}}` and `{{% data variables.x %}}`, use components for includes, or edit the text",
            places.join(", ")
        ),
    })
}
