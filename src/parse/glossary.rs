//! `content/glossary.yaml`: the site's terms, each with its definition and,
//! optionally, the audience that may see it.
//!
//! ```yaml
//! Business Day: A day other than a Saturday, Sunday or public holiday in England.
//! Privileged Matter:
//!   definition: A matter in which Legal gives advice under legal privilege.
//!   audience: legal-only
//! ```
//!
//! The file is read here on its own; which entries a build publishes is
//! the model's question, as it is for pages.

use crate::diag::{Diagnostic, Position};
use crate::yaml::{self, Fields, Ref, Source, describe};

/// The glossary's path in the content folder (`.yml` is read too).
pub const FILE: &str = "glossary.yaml";

/// Whether the content file at `rel` is the glossary.
pub fn is_glossary(rel: &str) -> bool {
    matches!(rel, "glossary.yaml" | "glossary.yml")
}

/// One entry of the glossary.
#[derive(Debug, Clone)]
pub struct Entry {
    pub term: String,
    pub definition: String,
    /// `None`: the default audience, as for a page.
    pub audience: Option<Ref>,
    /// Where the term is written.
    pub position: Position,
}

/// The glossary file, read.
#[derive(Debug, Clone)]
pub struct Glossary {
    /// For reports, relative to the site root.
    pub file: String,
    pub entries: Vec<Entry>,
}

/// Reads the glossary; every problem is reported at its place and the
/// entries that could be read are kept.
pub fn parse(file: &str, text: &str, errors: &mut Vec<Diagnostic>) -> Glossary {
    let src = Source { file, full: text };
    let mut out = Glossary {
        file: file.to_string(),
        entries: Vec::new(),
    };
    let root = match yaml::parse_map(text, src, 0) {
        Ok(r) => r,
        Err(d) => {
            errors.push(d);
            return out;
        }
    };
    let entries = root.as_ref().and_then(yaml::Node::entries).unwrap_or(&[]);
    let help = "write `Term: its definition`, or `Term: {definition: …, audience: legal-only}`";
    for (key, value) in entries {
        let position = key.position(src);
        let term = key.text().map(crate::text::collapse).unwrap_or_default();
        if !crate::parse::terms::is_term(&term) {
            errors.push(
                Diagnostic::error(format!("`{term}` is not a term the glossary can define"))
                    .in_file(file)
                    .at(position)
                    .help("a term is one to eight words starting with a capital letter or a digit, without commas, colons or brackets, e.g. `Business Day`"),
            );
            continue;
        }
        let (definition, audience) = if value.entries().is_some() {
            let mut f = Fields::new(Some(value), src);
            let definition = f.text("definition").filter(|d| !d.is_empty());
            let audience = f
                .id("audience", "legal-only")
                .map(|(id, position)| Ref { id, position });
            if definition.is_none() {
                f.missing(format!("`{term}` has no `definition`"), help);
            }
            errors.extend(f.finish("a glossary entry"));
            (definition, audience)
        } else {
            match value.text().map(str::trim) {
                Some(d) if !d.is_empty() && !value.is_null() => (Some(d.to_string()), None),
                _ => {
                    errors.push(
                        Diagnostic::error(format!("`{term}` must have a definition, found {}", describe(value)))
                            .in_file(file)
                            .at(value.position(src))
                            .help(help),
                    );
                    (None, None)
                }
            }
        };
        if let Some(definition) = definition {
            out.entries.push(Entry {
                term,
                definition: crate::text::collapse(&definition),
                audience,
                position,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_text_or_a_map_with_an_audience() {
        let text = "Business Day: A day on which banks\n  are open.\nMatter:\n  definition: A piece of legal work.\n  audience: legal-only\n";
        let mut errors = Vec::new();
        let g = parse("content/glossary.yaml", text, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let got: Vec<(&str, &str, Option<&str>)> = g
            .entries
            .iter()
            .map(|e| {
                (
                    e.term.as_str(),
                    e.definition.as_str(),
                    e.audience.as_ref().map(|a| a.id.as_str()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Business Day", "A day on which banks are open.", None),
                ("Matter", "A piece of legal work.", Some("legal-only"))
            ]
        );
        assert_eq!((g.entries[1].position.line, g.entries[1].position.column), (3, 1));
    }

    #[test]
    fn bad_entries_are_located_and_the_rest_kept() {
        let text = "Gift: \nlower case: x\nMatter:\n  definiton: typo\nCompany: Northwind\n";
        let mut errors = Vec::new();
        let g = parse("content/glossary.yaml", text, &mut errors);
        let found: Vec<(String, usize)> = errors
            .iter()
            .map(|d| (d.message.clone(), d.position.as_ref().map_or(0, |p| p.line)))
            .collect();
        assert_eq!(
            found,
            [
                ("`Gift` must have a definition, found nothing".to_string(), 1),
                ("`lower case` is not a term the glossary can define".to_string(), 2),
                ("`Matter` has no `definition`".to_string(), 4),
                ("unknown key `definiton` in a glossary entry".to_string(), 4),
            ]
        );
        assert_eq!(g.entries.len(), 1);
        assert_eq!(g.entries[0].term, "Company");
    }
}
