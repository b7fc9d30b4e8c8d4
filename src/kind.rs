//! Page kinds: what a page is in the legal department's model.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, suggest};
use crate::yaml::Fields;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Page,
    Policy,
    Playbook,
    Role,
    Goal,
    Report,
    // Handbook document kinds: rendered like playbooks, labelled by kind.
    Guide,
    Checklist,
    Faq,
    Clause,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Page,
        Kind::Policy,
        Kind::Playbook,
        Kind::Role,
        Kind::Goal,
        Kind::Report,
        Kind::Guide,
        Kind::Checklist,
        Kind::Faq,
        Kind::Clause,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Policy => "policy",
            Kind::Playbook => "playbook",
            Kind::Role => "role",
            Kind::Goal => "goal",
            Kind::Report => "report",
            Kind::Guide => "guide",
            Kind::Checklist => "checklist",
            Kind::Faq => "faq",
            Kind::Clause => "clause",
        }
    }

    /// Kinds that document how work is done; role pages list them together.
    pub fn is_handbook_document(self) -> bool {
        matches!(
            self,
            Kind::Playbook | Kind::Guide | Kind::Checklist | Kind::Faq | Kind::Clause
        )
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    pub fn names() -> impl Iterator<Item = &'static str> + Clone {
        Kind::ALL.into_iter().map(Kind::name)
    }

    /// The folder a kind lives in by default (`casebook new` writes there).
    pub fn default_folder(self) -> &'static str {
        match self {
            Kind::Page | Kind::Guide | Kind::Checklist | Kind::Faq | Kind::Clause => "",
            Kind::Policy => "policies",
            Kind::Playbook => "handbook",
            Kind::Role => "roles",
            Kind::Goal => "goals",
            Kind::Report => "reports",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which kind a page is by where it sits: `kinds:` and `kind:` in casebook.yaml.
///
/// Every rule that matches a page's path competes and the most specific one
/// wins: the one that matches the deepest part of the path (the file itself
/// is deeper than its folder), then a plain path over a glob, then the rule
/// written last (so configured keys override the built-in folders).
#[derive(Debug, Clone)]
pub struct Kinds {
    /// The built-in folders first, then the configured keys in file order.
    pub rules: Vec<Rule>,
    /// `kind:`: the kind of pages that no rule matches.
    pub fallback: Kind,
}

/// One `folder: kind` entry of `kinds:`.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The key as written.
    pub key: String,
    pub kind: Kind,
    pattern: Pattern,
    /// Where the key is written; `None` for the built-in folders.
    pub at: Option<crate::diag::Position>,
}

#[derive(Debug, Clone)]
enum Pattern {
    /// A folder or file relative to the content folder; empty for all of it.
    Path(String),
    /// Matched against the page's path and each folder above it.
    Glob(globset::GlobMatcher),
}

impl Default for Kinds {
    fn default() -> Kinds {
        let rules = [
            ("policies", Kind::Policy),
            ("roles", Kind::Role),
            ("goals", Kind::Goal),
            ("reports", Kind::Report),
            ("handbook", Kind::Playbook),
            ("playbooks", Kind::Playbook),
        ]
        .into_iter()
        .map(|(folder, kind)| Rule {
            key: folder.to_string(),
            kind,
            pattern: Pattern::Path(folder.to_string()),
            at: None,
        })
        .collect();
        Kinds {
            rules,
            fallback: Kind::Page,
        }
    }
}

impl Rule {
    /// A configured rule for `key`, already made relative to the content
    /// folder ([`crate::paths::config_key`]); `Err` says why a glob is invalid.
    pub fn new(key: &str, relative: String, kind: Kind, at: crate::diag::Position) -> Result<Rule, String> {
        let pattern = if relative.contains(['*', '?', '[', '{']) {
            let glob = globset::GlobBuilder::new(&relative)
                .literal_separator(true)
                .build()
                .map_err(|e| e.kind().to_string())?;
            Pattern::Glob(glob.compile_matcher())
        } else {
            Pattern::Path(relative)
        };
        Ok(Rule {
            key: key.to_string(),
            kind,
            pattern,
            at: Some(at),
        })
    }

    /// How many path segments deep this rule matches the content-relative
    /// page path `rel`; `None` when it does not match.
    pub fn depth(&self, rel: &str) -> Option<usize> {
        match &self.pattern {
            Pattern::Path(p) if p.is_empty() => Some(0),
            Pattern::Path(p) => {
                let under = rel
                    .strip_prefix(p.as_str())
                    .is_some_and(|r| r.is_empty() || r.starts_with('/'));
                under.then(|| p.split('/').count())
            }
            Pattern::Glob(g) => {
                let mut end = rel.len();
                let mut depth = rel.split('/').count();
                loop {
                    if g.is_match(&rel[..end]) {
                        return Some(depth);
                    }
                    end = rel[..end].rfind('/')?;
                    depth -= 1;
                }
            }
        }
    }

    /// The folder a plain-path rule names, content-relative.
    pub fn folder(&self) -> Option<&str> {
        match &self.pattern {
            Pattern::Path(p) => Some(p),
            Pattern::Glob(_) => None,
        }
    }
}

impl Kinds {
    /// The kind of the page at the content-relative path `rel`.
    pub fn of(&self, rel: &str) -> Kind {
        self.rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some(((r.depth(rel)?, r.folder().is_some(), i), r.kind)))
            .max_by_key(|(rank, _)| *rank)
            .map_or(self.fallback, |(_, kind)| kind)
    }

    /// The configured rules that match none of `rels`.
    pub fn unmatched<'a>(&'a self, rels: &[&str]) -> impl Iterator<Item = &'a Rule> {
        let rels = rels.to_vec();
        self.rules
            .iter()
            .filter(move |r| r.at.is_some() && !rels.iter().any(|rel| r.depth(rel).is_some()))
    }
}

/// `kinds:` (folder or glob → kind) on top of the built-in folders, and `kind:`.
pub fn read(f: &mut Fields<'_>, mut kinds: Kinds, content_dir: &Path) -> Kinds {
    let all = format!("kinds: {}", Kind::names().collect::<Vec<_>>().join(", "));
    let content = crate::diag::display_path(content_dir);
    let help = "a map of folder (or glob) to kind, e.g. `kinds: {\".\": policy, \"*/faq-*.md\": faq}`";
    for (key, value) in f.entries("kinds", help) {
        let (Some(folder), Some(name)) = (key.text(), value.text()) else {
            f.wrong("kinds", value, "a kind name", all.clone());
            continue;
        };
        let Some(kind) = Kind::parse(name.trim()) else {
            f.error(
                value,
                format!("unknown kind `{name}` for folder `{folder}`"),
                suggest(name, Kind::names(), &all),
            );
            continue;
        };
        let relative = crate::paths::config_key(folder, &content);
        match Rule::new(folder, relative, kind, f.pos(key)) {
            Ok(rule) => kinds.rules.push(rule),
            Err(why) => f.error(
                key,
                format!("`{folder}` is not a valid glob: {why}"),
                "`*` matches within a folder, `**` across folders, `?` one character, `[abc]` one of them",
            ),
        }
    }
    if let Some((name, pos)) = f.id("kind", "policy") {
        match Kind::parse(&name) {
            Some(k) => kinds.fallback = k,
            None => f.diags.push(
                Diagnostic::error(format!("unknown kind `{name}`"))
                    .in_file(crate::config::FILE_NAME)
                    .at(pos)
                    .help(suggest(&name, Kind::names(), &all)),
            ),
        }
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Position;

    fn kinds(keys: &[(&str, Kind)]) -> Kinds {
        let mut k = Kinds::default();
        for (key, kind) in keys {
            let at = Position::at_line("", 1, 1, 1);
            k.rules
                .push(Rule::new(key, crate::paths::config_key(key, "Policies"), *kind, at).expect("valid key"));
        }
        k
    }

    #[test]
    fn most_specific_rule_wins() {
        let k = kinds(&[
            (".", Kind::Policy),
            ("privacy", Kind::Guide),
            ("*/faq-*.md", Kind::Faq),
            ("privacy/faq-gdpr.md", Kind::Checklist),
            ("terms/*", Kind::Clause),
        ]);
        let cases = [
            ("security/access.md", Kind::Policy, "`.` covers everything"),
            ("privacy/notice.md", Kind::Guide, "a folder beats `.`"),
            ("privacy/faq-ccpa.md", Kind::Faq, "a glob on the file beats its folder"),
            (
                "privacy/faq-gdpr.md",
                Kind::Checklist,
                "a path beats a glob at the same depth",
            ),
            (
                "terms/acme/nda.md",
                Kind::Clause,
                "a folder glob covers what is under it",
            ),
            ("roles/gc.md", Kind::Role, "a built-in folder is deeper than `.`"),
        ];
        for (rel, kind, why) in cases {
            assert_eq!(k.of(rel), kind, "{rel}: {why}");
        }
    }

    #[test]
    fn later_keys_override_built_in_folders_and_fallback_applies() {
        let mut k = kinds(&[("policies", Kind::Page)]);
        assert_eq!(k.of("policies/x.md"), Kind::Page);
        k.fallback = Kind::Guide;
        assert_eq!(k.of("about.md"), Kind::Guide);
        assert_eq!(Kinds::default().of("about.md"), Kind::Page);
        assert_eq!(Kinds::default().of("policies/privacy/x.md"), Kind::Policy);
        assert_eq!(
            Kinds::default().of("policiesx/y.md"),
            Kind::Page,
            "a prefix is not a folder"
        );
    }

    #[test]
    fn unmatched_lists_only_configured_keys() {
        let k = kinds(&[("privacy", Kind::Guide), ("nowhere/*", Kind::Faq)]);
        let keys: Vec<&str> = k.unmatched(&["privacy/a.md"]).map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["nowhere/*"]);
    }

    #[test]
    fn the_readme_configuration_example_is_valid() {
        let readme = include_str!("../README.md");
        let section = &readme[readme
            .find("## Configuration")
            .expect("the README has a Configuration section")..];
        let start = section.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
        let block = &section[start..start + section[start..].find("```").expect("the block closes")];
        let mut diags = crate::diag::Diagnostics::default();
        let c = crate::config::Config::parse(block, &mut diags);
        assert!(diags.items.is_empty(), "{:?}", diags.items);
        assert_eq!(c.kinds.of("privacy/faq-gdpr.md"), Kind::Faq);
        assert_eq!(c.kinds.of("privacy/gdpr.md"), Kind::Policy);
        assert_eq!(c.section_titles["acme-terms"].title, "ACME terms");
    }
}
