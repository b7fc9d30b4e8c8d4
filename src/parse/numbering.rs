//! Clause numbers for the headings of a numbered page: 1, 1.1, 1.1.1.
//!
//! Numbers are made from the headings' levels alone, so they follow the
//! text: inserting a clause renumbers the ones after it without anyone
//! editing them, and the heading ids links use never change. A heading
//! marked `{.unnumbered}` (as in Pandoc) takes no number, and neither does
//! anything under it; numbering resumes with the next heading of its level.

use crate::diag::suggest;
use crate::kind::Kind;
use crate::yaml::Fields;

/// `numbered: [policies, playbook]` in casebook.yaml: the kinds whose pages
/// are numbered, each named as a kind or its plural.
pub fn read_kinds(f: &mut Fields<'_>) -> Vec<Kind> {
    let help = "a list of page kinds, e.g. `numbered: [policies]`";
    let all = format!("kinds: {}", Kind::names().collect::<Vec<_>>().join(", "));
    let mut out = Vec::new();
    for (name, position) in f.texts("numbered", help) {
        let singular = name
            .strip_suffix("ies")
            .map(|s| format!("{s}y"))
            .or_else(|| name.strip_suffix('s').map(str::to_string));
        let kind = Kind::parse(&name).or_else(|| singular.as_deref().and_then(Kind::parse));
        match kind {
            Some(k) if !out.contains(&k) => out.push(k),
            Some(_) => {}
            None => {
                let help = if matches!(name.as_str(), "true" | "false") {
                    "list the kinds whose pages are numbered, e.g. `numbered: [policies]`; one page takes `numbered: true` in its front matter".to_string()
                } else {
                    suggest(&name, Kind::names(), &all)
                };
                f.diags.push(
                    crate::diag::Diagnostic::error(format!("`numbered` names unknown kind `{name}`"))
                        .in_file(crate::config::FILE_NAME)
                        .at(position)
                        .help(help),
                );
            }
        }
    }
    out
}

/// The number of each heading, given as `(level, numbered)` in page order;
/// `None` for an unnumbered heading.
pub fn numbers(headings: &[(u8, bool)]) -> Vec<Option<String>> {
    // Open levels, outermost first, with the count reached at each.
    let mut open: Vec<(u8, u32)> = Vec::new();
    let mut unnumbered_under: Option<u8> = None;
    headings
        .iter()
        .map(|&(level, numbered)| {
            if let Some(l) = unnumbered_under {
                if level > l {
                    return None;
                }
                unnumbered_under = None;
            }
            // A deeper level closed here leaves its count to a heading that
            // takes its depth: `##`, `####`, `###` is 1, 1.1, 1.2.
            let mut closed = None;
            while open.last().is_some_and(|&(l, _)| l > level) {
                closed = open.pop().map(|(_, n)| n);
            }
            if !numbered {
                unnumbered_under = Some(level);
                return None;
            }
            match open.last_mut() {
                Some((l, n)) if *l == level => *n += 1,
                _ => open.push((level, closed.map_or(1, |n| n + 1))),
            }
            let parts: Vec<String> = open.iter().map(|(_, n)| n.to_string()).collect();
            Some(parts.join("."))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(headings: &[(u8, bool)]) -> Vec<String> {
        numbers(headings)
            .into_iter()
            .map(|n| n.unwrap_or_else(|| "-".into()))
            .collect()
    }

    #[test]
    fn levels_make_dotted_numbers() {
        let h = [(2, true), (3, true), (3, true), (4, true), (2, true), (3, true)];
        assert_eq!(shown(&h), ["1", "1.1", "1.2", "1.2.1", "2", "2.1"]);
    }

    #[test]
    fn a_skipped_level_is_the_next_depth() {
        assert_eq!(shown(&[(2, true), (4, true), (3, true)]), ["1", "1.1", "1.2"]);
    }

    #[test]
    fn unnumbered_headings_and_what_is_under_them_take_no_number() {
        let h = [(2, true), (2, false), (3, true), (2, true), (3, true)];
        assert_eq!(shown(&h), ["1", "-", "-", "2", "2.1"]);
        assert_eq!(shown(&[(2, true), (3, false), (3, true)]), ["1", "-", "1.1"]);
    }

    #[test]
    fn inserting_a_clause_shifts_only_the_numbers_after_it() {
        let before = shown(&[(2, true), (3, true), (2, true)]);
        let after = shown(&[(2, true), (2, true), (3, true), (2, true)]);
        assert_eq!(before, ["1", "1.1", "2"]);
        assert_eq!(after, ["1", "2", "2.1", "3"]);
    }
}
