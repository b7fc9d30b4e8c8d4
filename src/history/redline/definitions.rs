//! Definitions in a redline: the terms a change defines anew, defines
//! otherwise or stops defining. A redefined term changes every sentence
//! that uses it, so the summary names them and the pages that use them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::parse::terms::definitions_in;

/// A term whose definition differs between the two texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefinitionChange {
    pub term: String,
    /// The definition as it was; `None` for a new term.
    pub old: Option<String>,
    /// The definition now; `None` for a term no longer defined.
    pub new: Option<String>,
}

/// A body's definitions: term → (its meaning, compared; its text, shown).
pub(super) type Defined = BTreeMap<String, (String, String)>;

/// The definitions of a body, the first of each term.
pub(super) fn defined(body: &str) -> Defined {
    let mut by_term = Defined::new();
    for f in definitions_in(body) {
        by_term.entry(f.term).or_insert((f.meaning, f.text));
    }
    by_term
}

/// The definitions that differ in meaning between two bodies, by term.
pub(super) fn changes(before: &Defined, after: &Defined) -> Vec<DefinitionChange> {
    let mut terms: Vec<&String> = before.keys().chain(after.keys()).collect();
    terms.sort();
    terms.dedup();
    terms
        .into_iter()
        .filter_map(|t| {
            let (a, b) = (before.get(t), after.get(t));
            let same = matches!((a, b), (Some((m1, _)), Some((m2, _))) if m1 == m2);
            (!same).then(|| DefinitionChange {
                term: t.clone(),
                old: a.map(|(_, text)| text.clone()),
                new: b.map(|(_, text)| text.clone()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_changed_and_removed_definitions_by_term() {
        let old = "**\"Gift\"** means anything of value.\n\n**\"Register\"** means the spreadsheet.\n\n**\"Hospitality\"** means meals.\n";
        let new = "**\"Gift\"** means anything of value.\n\n**\"Register\"** means the compliance portal.\n\n**\"Public Official\"** includes civil servants.\n";
        let all = changes(&defined(old), &defined(new));
        let got: Vec<(&str, Option<&str>, Option<&str>)> = all
            .iter()
            .map(|c| (c.term.as_str(), c.old.as_deref(), c.new.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("Hospitality", Some("“Hospitality” means meals."), None),
                (
                    "Public Official",
                    None,
                    Some("“Public Official” includes civil servants.")
                ),
                (
                    "Register",
                    Some("“Register” means the spreadsheet."),
                    Some("“Register” means the compliance portal.")
                ),
            ]
        );
    }

    #[test]
    fn rewrapping_a_definition_is_no_change() {
        assert!(
            changes(
                &defined("**\"Gift\"** means anything\nof value.\n"),
                &defined("**\"Gift\"** means anything of   value.\n")
            )
            .is_empty()
        );
    }
}
