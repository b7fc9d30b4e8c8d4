//! A saved page shown before its rebuild: when a save changes only the
//! page's own prose, the rest of the site cannot see the change, so the
//! last good build with the page's new parse swapped in renders the page
//! exactly as the rebuild will. Resolving ten thousand pages again takes
//! most of an update; this takes one page's render.
//!
//! "Only its own prose": everything of the parse that the model or another
//! page reads is as it was (see [`own_prose_only`]); the model used the
//! last parse as it was, not a copy it rewrote for the audience; and the
//! page's history reads the same (git still says whether it differs from
//! `HEAD` as before, and no commit or tag came). The rebuild's own preview
//! then checks the page against what was shown ([`State::preview`]): a
//! difference reloads it and is reported as a bug.

use std::sync::Arc;
use std::time::Duration;

use super::State;
use super::rebuild::Clock;
use crate::model::{Site, terms};
use crate::parse::ParsedPage;
use crate::parse::front_matter;
use crate::render::sidebar::Trees;
use crate::render::{self, Render};
use crate::serve::files::{Held, held_page};
use crate::serve::fresh::Preview;
use crate::serve::watch::Change;

/// A page shown before its rebuild.
pub(super) struct Shown {
    pub path: String,
    pub bytes: Held,
    /// How long after the change came in.
    pub after: Duration,
    /// The rebuild's preview made the page otherwise.
    pub differed: bool,
}

/// What an update did with its early show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Early {
    /// The saved page was served this long after the change came in,
    /// byte for byte as the rebuild then made it.
    Shown(Duration),
    /// What was shown differed from the rebuild's page: a bug, reloaded.
    Differed,
}

impl State {
    /// The one Markdown page `change` touches, with its parse in the last
    /// good build: taken before the inputs follow the change.
    pub(super) fn early_candidate(&self, change: &Change) -> Option<(String, Arc<ParsedPage>)> {
        if self.on_preview.is_none() || self.failed || change.config || change.theme {
            return None;
        }
        let [rel] = Vec::from_iter(&change.content)[..] else {
            return None;
        };
        Some((rel.clone(), Arc::clone(self.inputs.page(rel)?)))
    }

    /// Shows the page at `rel` before the rebuild if the change kept to its
    /// prose; whether it did.
    pub(super) fn show_early(&mut self, rel: &str, before: &Arc<ParsedPage>, clock: &Clock) -> bool {
        let Some((path, bytes)) = self.render_early(rel, before) else {
            return false;
        };
        let mut files = (*self.files).clone();
        let reload = files.insert(path.clone(), bytes.clone()).as_ref() != Some(&bytes);
        let shown = Shown {
            path,
            bytes,
            after: clock.elapsed(),
            differed: false,
        };
        if let Some(hook) = self.on_preview.as_mut() {
            hook(Preview {
                files: Arc::new(files),
                fresh: None,
                reload,
            });
        }
        self.early = Some(shown);
        true
    }

    /// The output path and bytes of the page at `rel` with its new parse.
    fn render_early(&mut self, rel: &str, before: &Arc<ParsedPage>) -> Option<(String, Held)> {
        let after = Arc::clone(self.inputs.page(rel)?);
        if Arc::ptr_eq(&after, before) || !own_prose_only(before, &after) {
            return None;
        }
        let published = self.history.as_ref()?;
        if let Some(h) = &published.history
            && (h.is_stale() || h.is_edited(rel) != published.edited.contains(rel))
        {
            return None;
        }
        let annotations = published.annotations();
        let (theme, dictionary) = (self.theme.as_deref()?, self.dictionary.as_ref()?);
        let shared = self.site.as_ref()?;
        let id = *shared.by_rel.get(rel)?;
        if !Arc::ptr_eq(&shared.pages[id].parsed, before) {
            return None;
        }
        // The search index may be being built from the model: then a copy,
        // for this page alone, rather than waiting for it.
        let mut copy = (Arc::strong_count(shared) > 1).then(|| Site::clone(shared));
        let site = match copy.as_mut() {
            Some(copy) => copy,
            None => Arc::get_mut(self.site.as_mut()?)?,
        };
        site.pages[id].parsed = after;
        let uses = terms::on_page(site, id);
        let kept = match (uses, site.terms.pages.get_mut(id)) {
            (Some(uses), Some(t)) => Some(std::mem::replace(&mut t.uses, uses)),
            (Some(uses), None) => uses.is_empty().then(Vec::new),
            (None, _) => None,
        };
        let made = kept.as_ref().and_then(|_| {
            let r = Render {
                site,
                history: annotations.as_ref(),
            };
            render::page(r, theme, &Trees::new(site), id).ok()
        });
        // The last good build stays as it was.
        if let (Some(uses), Some(t)) = (kept, site.terms.pages.get_mut(id)) {
            t.uses = uses;
        }
        site.pages[id].parsed = Arc::clone(before);
        if let Some(copy) = copy {
            std::thread::spawn(move || drop(copy));
        }
        made.map(|f| (f.path, held_page(f.content, dictionary)))
    }
}

/// Whether `after` differs from `before` only where nothing but the page's
/// own render looks: the HTML of its prose, the text under its headings
/// (for the search index, built afresh), its word count, its runs of prose
/// (its term uses are found again), and positions, which only diagnostics
/// and the page's own charts read. Everything else the model or another
/// page reads is compared: the front matter as written, the title heading
/// and summary, headings and anchors (link targets and the contents), links
/// as written, component calls, definitions, quoted terms and
/// cross-references, and template text.
fn own_prose_only(before: &ParsedPage, after: &ParsedPage) -> bool {
    let (b, a) = (&before.body, &after.body);
    let (bd, ad) = (&b.drafting, &a.drafting);
    before.rel == after.rel
        && before.file == after.file
        && before.url == after.url
        && before.is_section == after.is_section
        && before.kind == after.kind
        && before.first_heading == after.first_heading
        && b.summary == a.summary
        && b.headings == a.headings
        && same(&b.anchors, &a.anchors, |x| (&x.id, &x.kind))
        && same(&b.links, &a.links, |l| (&l.target, &l.written, &l.href, l.empty))
        && same(&b.calls, &a.calls, |c| (&c.call, c.block))
        && same(&b.templates, &a.templates, |t| &t.text)
        && same(&bd.definitions, &ad.definitions, |d| {
            (&d.term, &d.text, &d.meaning, &d.form, &d.id, &d.section)
        })
        && same(&bd.quoted, &ad.quoted, |q| &q.term)
        && bd.xrefs == ad.xrefs
        && front_matter_text(before) == front_matter_text(after)
}

fn same<'a, T, K: PartialEq>(a: &'a [T], b: &'a [T], key: impl Fn(&'a T) -> K) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| key(x) == key(y))
}

/// The front matter as written, or `None` when it does not split off.
fn front_matter_text(p: &ParsedPage) -> Option<String> {
    let text = p.text.unpack();
    front_matter::split(&text, &p.file).ok().map(|s| s.yaml.to_string())
}
