//! Page kinds: what a page is in the legal department's model.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
