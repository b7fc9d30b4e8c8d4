//! The forms a defined term is used in: its regular English plural and
//! possessives, matched case-sensitively as legal drafting reads them.
//!
//! The plural of the last word follows the regular rules: `Day` → `Days`,
//! `Company` → `Companies` (a consonant before `y`), `Business` →
//! `Businesses` (after `s`, `x`, `z`, `ch`, `sh`), `NDA` → `NDAs`. The
//! possessives are `Company's`, `Companies'` and `Business'`, with a
//! straight or a curly apostrophe. Irregular plurals (`Child` →
//! `Children`) need a definition of their own.

/// `term` and every form of it, `term` first.
pub fn forms(term: &str) -> Vec<String> {
    let plural = plural(term);
    let mut out = vec![term.to_string(), plural.clone()];
    for apostrophe in ['\'', '’'] {
        out.push(format!("{term}{apostrophe}s"));
        if term.ends_with('s') {
            out.push(format!("{term}{apostrophe}"));
        }
        out.push(format!("{plural}{apostrophe}"));
    }
    out.dedup();
    out
}

/// The regular plural of a term (of its last word).
pub fn plural(term: &str) -> String {
    let last = term.rsplit(' ').next().unwrap_or(term);
    let caps = last.len() > 1 && last.chars().all(|c| c.is_uppercase() || c.is_ascii_digit());
    if caps {
        return format!("{term}s");
    }
    let lower = last.to_lowercase();
    let before_y = lower.strip_suffix('y').and_then(|s| s.chars().next_back());
    if before_y.is_some_and(|c| !"aeiou".contains(c)) {
        return format!("{}ies", &term[..term.len() - 1]);
    }
    if ["s", "x", "z", "ch", "sh"].iter().any(|e| lower.ends_with(e)) {
        return format!("{term}es");
    }
    format!("{term}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_plurals() {
        for (term, want) in [
            ("Business Day", "Business Days"),
            ("Company", "Companies"),
            ("Party", "Parties"),
            ("Business", "Businesses"),
            ("Box", "Boxes"),
            ("Approved Search", "Approved Searches"),
            ("NDA", "NDAs"),
            ("Gift", "Gifts"),
            ("Key", "Keys"),
        ] {
            assert_eq!(plural(term), want, "{term}");
        }
    }

    #[test]
    fn possessives_with_either_apostrophe() {
        let f = forms("Company");
        for form in [
            "Company",
            "Companies",
            "Company's",
            "Company’s",
            "Companies'",
            "Companies’",
        ] {
            assert!(f.contains(&form.to_string()), "{form} in {f:?}");
        }
        assert!(forms("Business").contains(&"Business’".to_string()));
        assert!(!f.contains(&"Companys".to_string()));
    }
}
