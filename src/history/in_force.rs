//! The text in force: for a policy whose current text takes effect later,
//! the newest committed revision whose `effective` date has passed.
//!
//! The page's revisions are walked newest first and each revision's front matter
//! is read with the real parser. A draft or a revision that takes effect
//! after the build day was never in force and is passed over; a retired
//! revision means nothing is in force; a revision without an `effective`
//! date counts as in force, as an undated policy does. The revision found is
//! only shown when this build's audience could see it as committed (its
//! own `audience:` and its sections', [`super::visible`]); otherwise the
//! text is "not available", exactly as without history, so the output says
//! nothing of what it hides.

use super::Annotations;
use crate::model::audience::is_draft;
use crate::model::{Page, Site};
use crate::parse::front_matter::{self, DeclaredStatus, FrontMatter};

/// One committed revision of a page.
#[derive(Debug, Clone)]
pub struct Revision {
    /// Index into [`super::log::Log::commits`].
    pub commit: usize,
    /// Content-relative path of the file at that commit.
    pub rel: String,
    pub text: String,
    pub front: FrontMatter,
    /// Byte offset of the Markdown body in `text`.
    pub body_offset: usize,
}

/// What was in force before a scheduled policy's current text.
#[derive(Debug, Clone)]
pub enum Earlier {
    InForce(Box<Revision>),
    /// No earlier revision is in force: the policy is new, or was retired.
    Nothing,
    /// It cannot be shown: no history, a shallow clone that stops before it,
    /// a revision that cannot be read, or one this audience may not see.
    Unavailable,
}

/// The revision of `page` (a policy of `site`, the version `ann` is the
/// view of) in force on `site.today`.
pub fn find(site: &Site, ann: Option<&Annotations>, page: &Page) -> Earlier {
    let Some((ann, vp)) = ann.and_then(|a| Some((a, a.page(&page.parsed.rel)?))) else {
        return Earlier::Unavailable;
    };
    let history = &ann.set.history;
    for &(c, n) in &vp.revisions.changes {
        let change = &history.log.commits[c].changes[n];
        let Some(text) = change.new_blob.as_deref().and_then(|b| history.text(b)) else {
            return Earlier::Unavailable;
        };
        let Some((front, body_offset)) = read_front(&text, &page.parsed.file) else {
            return Earlier::Unavailable;
        };
        if is_draft(&front) || front.effective.is_some_and(|e| e > site.today) {
            continue;
        }
        if front.status == Some(DeclaredStatus::Retired) {
            return Earlier::Nothing;
        }
        if !vp.trail.changes.contains(&(c, n)) {
            return Earlier::Unavailable;
        }
        return Earlier::InForce(Box::new(Revision {
            commit: c,
            rel: history.display_path(&change.path).to_string(),
            text,
            front,
            body_offset,
        }));
    }
    if vp.truncated {
        Earlier::Unavailable
    } else {
        Earlier::Nothing
    }
}

/// The front matter of a revision and where its body starts; `None` when
/// it has errors, since its dates and audience cannot then be trusted.
pub(super) fn read_front(text: &str, file: &str) -> Option<(FrontMatter, usize)> {
    let split = front_matter::split(text, file).ok()?;
    let mut errors = Vec::new();
    let front = front_matter::parse(&split, file, text, &mut errors);
    (!front.has_errors).then_some((front, split.body_offset))
}
