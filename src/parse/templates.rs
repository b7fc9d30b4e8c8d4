//! Template text of other tools in prose: Liquid tags (`{% include x.html %}`,
//! `{% data variables.product.name %}`) and expressions (`{{ site.title }}`).
//!
//! casebook has no template language in Markdown. Two forms name a variable
//! from `variables:` in casebook.yaml and are replaced by its text:
//! `{{ variables.product.name }}` and GitHub Docs' `{% data variables.product.name %}`.
//! Everything else stays as written, and the model says once per build how
//! much of it there is. Component calls (`{{ chart(…) }}`) always have
//! parentheses, a variable never does, so the two cannot be confused.

use crate::diag::Position;

/// What a `{{` or `{%` in prose starts.
#[derive(Debug, PartialEq, Eq)]
pub enum Template<'a> {
    /// A variable reference; `name` is the part after `variables.`.
    Variable {
        name: &'a str,
        /// The byte where `variables.` starts, for messages.
        name_at: usize,
        /// The byte after the closing `}}` or `%}`.
        end: usize,
    },
    /// Another tool's tag or expression, left as written.
    Foreign { end: usize },
    /// Braces of prose, not a template.
    Text,
}

/// Template text left as written, for the per-build note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateText {
    /// As written, whitespace collapsed and cut to a readable length.
    pub text: String,
    pub position: Position,
}

/// Reads what starts at `at`, where `src[at..]` begins with `{{` or `{%`.
/// Template text ends on the line it starts.
pub fn scan(src: &str, at: usize) -> Template<'_> {
    let rest = &src[at..];
    let (close, liquid_tag) = if rest.starts_with("{%") {
        ("%}", true)
    } else {
        ("}}", false)
    };
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let Some(inner_end) = line[2..].find(close).map(|i| i + 2) else {
        return Template::Text;
    };
    let end = at + inner_end + 2;
    let inner = line[2..inner_end].trim_matches('-');
    let trimmed = inner.trim();
    if trimmed.is_empty() || trimmed.starts_with("/*") {
        return Template::Text;
    }
    let reference = if liquid_tag {
        trimmed
            .strip_prefix("data")
            .filter(|r| r.starts_with(char::is_whitespace))
            .map(str::trim_start)
    } else {
        Some(trimmed)
    };
    if let Some(name) = reference.and_then(|r| r.strip_prefix("variables."))
        && is_dotted_name(name)
    {
        let name_at = at + line[..inner_end].find("variables.").unwrap_or(2);
        return Template::Variable { name, name_at, end };
    }
    Template::Foreign { end }
}

/// `product.name`: names of letters, digits, `_` and `-`, joined by dots.
fn is_dotted_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
}

/// The form shown in the note: whitespace collapsed, at most 60 characters.
pub fn shown(text: &str) -> String {
    let collapsed = crate::text::collapse(text);
    if collapsed.chars().count() <= 60 {
        collapsed
    } else {
        let cut: String = collapsed.chars().take(59).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at0(s: &str) -> Template<'_> {
        scan(s, 0)
    }

    #[test]
    fn variable_references_in_both_forms() {
        let s = "{{ variables.product.name }} rest";
        assert_eq!(
            at0(s),
            Template::Variable {
                name: "product.name",
                name_at: 3,
                end: 28
            }
        );
        let s = "{% data variables.product.name %}";
        let Template::Variable { name, name_at, end } = at0(s) else {
            panic!("{:?}", at0(s))
        };
        assert_eq!(
            (name, &s[name_at..name_at + 9], end),
            ("product.name", "variables", s.len())
        );
        let s = "{%- data  variables.x -%}";
        let Template::Variable { name, name_at, .. } = at0(s) else {
            panic!("{:?}", at0(s))
        };
        assert_eq!((name, &s[name_at..name_at + 11]), ("x", "variables.x"));
        let Template::Variable { name_at, .. } = scan("ab {{variables.y}}", 3) else {
            panic!()
        };
        assert_eq!(name_at, 5);
    }

    #[test]
    fn other_templates_are_foreign_and_prose_braces_are_text() {
        for s in [
            "{{ site.title }}",
            "{% include warning.html %}",
            "{% data reusables.policy.intro %}",
            "{{ variables.x | upcase }}",
            "{% if mutual %}",
            "{{ counterparty_name }}",
        ] {
            assert_eq!(at0(s), Template::Foreign { end: s.len() }, "{s}");
        }
        for s in ["{{ }}", "{{ not closed", "{% spans\n lines %}", "{{/* chart() */}}"] {
            assert_eq!(at0(s), Template::Text, "{s}");
        }
    }

    #[test]
    fn shown_text_is_short() {
        assert_eq!(shown("{%  include\tx.html %}"), "{% include x.html %}");
        assert_eq!(shown(&format!("{{{{ {} }}}}", "a".repeat(80))).chars().count(), 60);
    }
}
