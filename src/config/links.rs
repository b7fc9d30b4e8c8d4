//! `links:` in casebook.yaml: how loud each class of link problem is.
//!
//! Docusaurus has `onBrokenLinks` and `onBrokenAnchors` for the same reason:
//! a repository adopted as it is may carry known broken links that should
//! not stop every build, while a new site wants them all to be errors.

use crate::diag::{Diagnostic, suggest};
use crate::yaml::Fields;

/// What a class of link problem does to a build, loudest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Fails the build.
    Error,
    /// Reported; the build goes on.
    Warn,
    /// Not reported at all.
    Ignore,
}

impl Level {
    const NAMES: [&'static str; 3] = ["error", "warn", "ignore"];

    /// The diagnostic for a problem of this level, `None` when ignored.
    pub fn diagnostic(self, message: impl Into<String>) -> Option<Diagnostic> {
        match self {
            Level::Error => Some(Diagnostic::error(message)),
            Level::Warn => Some(Diagnostic::warning(message)),
            Level::Ignore => None,
        }
    }
}

/// The level of each class of link problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkPolicy {
    /// A link to a page or file that does not exist.
    pub missing_page: Level,
    /// A link to an id that is not on its target page.
    pub missing_anchor: Level,
    /// A link to a page this build leaves out (a draft, another audience).
    pub unpublished: Level,
    /// An http(s) link that answers 404 or 410 (`check --external`).
    pub external: Level,
}

impl Default for LinkPolicy {
    fn default() -> LinkPolicy {
        LinkPolicy {
            missing_page: Level::Error,
            missing_anchor: Level::Error,
            unpublished: Level::Warn,
            external: Level::Error,
        }
    }
}

/// Reads `links: {missing_page: …, missing_anchor: …, unpublished: …, external: …}`.
pub fn read(f: &mut Fields<'_>) -> LinkPolicy {
    let d = LinkPolicy::default();
    f.nested("links", "`links`", |l| LinkPolicy {
        missing_page: level(l, "missing_page").unwrap_or(d.missing_page),
        missing_anchor: level(l, "missing_anchor").unwrap_or(d.missing_anchor),
        unpublished: level(l, "unpublished").unwrap_or(d.unpublished),
        external: level(l, "external").unwrap_or(d.external),
    })
    .unwrap_or(d)
}

fn level(f: &mut Fields<'_>, key: &'static str) -> Option<Level> {
    let n = f.node(key)?;
    match n.text().map(str::trim) {
        Some("error") => Some(Level::Error),
        Some("warn") => Some(Level::Warn),
        Some("ignore") => Some(Level::Ignore),
        Some(other) => {
            let tail = format!("write `{key}: error`, `warn` or `ignore`");
            // Docusaurus spells them `throw`, `warn`, `log` and `ignore`.
            let help = match other {
                "throw" => format!("did you mean `error`? {tail}"),
                "log" | "warning" => format!("did you mean `warn`? {tail}"),
                _ => suggest(other, Level::NAMES, &tail),
            };
            f.error(n, format!("unknown level `{other}` for `links.{key}`"), help);
            None
        }
        None => {
            f.wrong(key, n, "`error`, `warn` or `ignore`", format!("e.g. `{key}: warn`"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::diag::Diagnostics;

    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let mut diags = Diagnostics::default();
        let c = Config::parse("", &mut diags);
        assert_eq!(c.links, LinkPolicy::default());
        let c = Config::parse("links: {missing_anchor: warn, external: ignore}\n", &mut diags);
        assert!(diags.items.is_empty(), "{:?}", diags.items);
        assert_eq!(c.links.missing_anchor, Level::Warn);
        assert_eq!(c.links.external, Level::Ignore);
        assert_eq!(c.links.missing_page, Level::Error);
        assert_eq!(c.links.unpublished, Level::Warn);
    }

    #[test]
    fn bad_levels_and_keys_are_located() {
        let mut diags = Diagnostics::default();
        let c = Config::parse("links:\n  missing_anchor: throw\n  missing_pages: warn\n", &mut diags);
        assert_eq!(c.links, LinkPolicy::default());
        let e = &diags.items[0];
        assert_eq!(e.message, "unknown level `throw` for `links.missing_anchor`");
        assert_eq!(e.position.as_ref().unwrap().line, 2);
        assert!(e.help.as_ref().unwrap().starts_with("did you mean `error`?"), "{e:?}");
        let e = &diags.items[1];
        assert_eq!(e.message, "unknown key `missing_pages` in `links`");
        assert!(
            e.help.as_ref().unwrap().starts_with("did you mean `missing_page`?"),
            "{e:?}"
        );
    }
}
