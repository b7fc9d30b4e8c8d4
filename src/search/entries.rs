//! What the index holds for each published page, metric and defined term: its sections
//! with the weight of every term, its kind, and its standing (the status a
//! result shows, which also scales its score).
//!
//! A page's first section is the page itself: its title, reference, tags
//! and description, and what its template shows from the front matter (a
//! role's holder and responsibilities, a goal's outcome). Then one section
//! per heading, collected from the Markdown (`parse::sections`).
//!
//! Component output (KPI tables, charts, policy lists, RACI matrices) is
//! not indexed on the page that embeds it: it repeats what other pages say,
//! and would make every report match every metric's name. Each metric is
//! indexed once instead, on its own page, with its latest figure.

use std::sync::Arc;

use serde_json::json;

use super::text::{self, FastMap};
use crate::metrics::compute::{self, Status};
use crate::metrics::{Metric, format};
use crate::model::policy::PolicyStatus;
use crate::model::terms::GLOSSARY_URL;
use crate::model::{PageId, Site, audience};
use crate::parse::sections::{ROW, Section};
use crate::render::metric_views;

/// Section text kept for snippets; a longer section is cut at a word and
/// ends in ` …`. Long enough for a table of a dozen rows: a match in its
/// last row still has its row to show.
pub const STORED_CHARS: usize = 2400;

/// How much a word counts where it stands (summed, capped at 63). The
/// reader relies on two sums: a word weighs `TITLE` or more in a page's own
/// section only when the title or reference holds it, and `HEADING` or
/// more in another section only when its heading does (body and strong
/// words together stay below).
pub mod weight {
    pub const TITLE: u32 = 16;
    pub const REFERENCE: u32 = 16;
    pub const TAG: u32 = 6;
    pub const DESCRIPTION: u32 = 2;
    pub const HEADING: u32 = 12;
    pub const TERM: u32 = 3;
    /// Body occurrences count one each, up to this many.
    pub const BODY_CAP: u32 = 8;
    const _: () = assert!(BODY_CAP + TERM < HEADING && TAG + TAG + DESCRIPTION < TITLE);
}

/// What a result's badge says and how much its matches count: a policy in
/// force ranks above one that is scheduled, a draft, superseded or retired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    None,
    /// A policy's lifecycle; other pages that are drafts show `Draft` too.
    Policy(PolicyStatus),
    /// A policy replaced by one in force, though not marked retired.
    Superseded,
    /// A metric, with its status in its latest quarter when it has one.
    Metric(Option<Status>),
    /// A defined term's entry: first when the query is the term, below the
    /// pages that use it when the query only shares a word with it.
    Term,
}

impl Standing {
    /// Every standing, in the order the index numbers them.
    pub const ALL: [Standing; 14] = [
        Standing::None,
        Standing::Policy(PolicyStatus::Effective),
        Standing::Policy(PolicyStatus::ReviewDue),
        Standing::Policy(PolicyStatus::Overdue),
        Standing::Policy(PolicyStatus::Scheduled),
        Standing::Policy(PolicyStatus::Draft),
        Standing::Superseded,
        Standing::Policy(PolicyStatus::Retired),
        Standing::Metric(None),
        Standing::Metric(Some(Status::OnTrack)),
        Standing::Metric(Some(Status::AtRisk)),
        Standing::Metric(Some(Status::OffTrack)),
        Standing::Policy(PolicyStatus::Undated),
        Standing::Term,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Standing::None | Standing::Metric(None) | Standing::Term => "",
            Standing::Policy(s) => s.id(),
            Standing::Superseded => "superseded",
            Standing::Metric(Some(s)) => s.id(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::None | Standing::Metric(None) | Standing::Term => "",
            Standing::Policy(s) => s.label(),
            Standing::Superseded => "Superseded",
            Standing::Metric(Some(s)) => s.label(),
        }
    }

    /// What a page's score is multiplied by. A metric's page is its
    /// numbers: its title names what it counts ("Matters opened"), which
    /// matches many a question the pages that explain answer better.
    pub fn factor(self) -> f64 {
        match self {
            Standing::Policy(PolicyStatus::Scheduled) => 0.85,
            Standing::Policy(PolicyStatus::Draft) => 0.6,
            Standing::Metric(_) => 0.6,
            Standing::Term => 0.85,
            Standing::Superseded => 0.45,
            Standing::Policy(PolicyStatus::Retired) => 0.4,
            _ => 1.0,
        }
    }

    pub fn index(self) -> usize {
        Standing::ALL
            .iter()
            .position(|s| *s == self)
            .expect("every standing is listed in `ALL`")
    }

    fn of_page(site: &Site, id: PageId) -> Standing {
        let p = site.page(id);
        let in_force = |s: PolicyStatus| {
            matches!(
                s,
                PolicyStatus::Effective | PolicyStatus::ReviewDue | PolicyStatus::Overdue | PolicyStatus::Undated
            )
        };
        match &p.lifecycle {
            Some(l) if l.status == PolicyStatus::Retired => Standing::Policy(l.status),
            Some(_)
                if site.superseded_by.get(&id).is_some_and(|by| {
                    by.iter()
                        .any(|&n| site.page(n).lifecycle.as_ref().is_some_and(|l| in_force(l.status)))
                }) =>
            {
                Standing::Superseded
            }
            Some(l) => Standing::Policy(l.status),
            None if audience::is_draft(p.front()) => Standing::Policy(PolicyStatus::Draft),
            None => Standing::None,
        }
    }
}

/// A section as stored (`[page, anchor, heading, text]`, JSON) and its
/// terms with their weights.
pub type WeighedSection = (String, Vec<(Arc<str>, u8)>);

/// Distinct words of four letters or more, with their terms, for the
/// dictionary that typos are corrected against.
pub type Words = FastMap<Box<str>, Arc<str>>;

/// One result's part of the index.
pub struct Entry {
    /// `[page, title, url, parent section]` as JSON.
    pub info: String,
    pub kind: &'static str,
    pub standing: Standing,
    pub sections: Vec<WeighedSection>,
    /// How many distinct terms its title has, so the reader can tell a
    /// query that is the title from one that merely shares its words.
    pub title_terms: usize,
}

/// The page's title and what the result list shows, its sections' terms,
/// and its words.
pub fn page(site: &Site, id: PageId) -> (Entry, Words) {
    let p = site.page(id);
    let fm = p.front();
    let kind = if p.is_section() && !p.url().is_empty() {
        "section"
    } else {
        p.kind().name()
    };
    let parent = p
        .parent
        .filter(|&a| !site.page(a).url().is_empty())
        .map(|a| site.page(a).title.as_str());
    let mut own = p.description.clone().unwrap_or_default();
    for line in fm.responsibilities.iter().chain(&fm.outcome) {
        own.push(ROW);
        own.push_str(line);
    }
    let own = Own {
        title: &p.title,
        reference: fm.reference.as_deref().unwrap_or_default(),
        tags: fm.tags.join(" "),
        holder: fm.holder.as_deref().unwrap_or_default(),
        text: own.trim_start().to_string(),
    };
    let body = p.parsed.body.sections.list();
    weigh(id, &p.title, p.url(), parent.unwrap_or_default(), own, body.iter()).finish(kind, Standing::of_page(site, id))
}

/// A metric's entry: its page, with its latest figure as its text.
pub fn metric(site: &Site, id: usize, m: &Metric) -> (Entry, Words) {
    let mut text = m.description.clone().unwrap_or_default();
    if let Some(q) = m.latest_quarter()
        && let Some(v) = m.value(q)
    {
        text.push(ROW);
        text.push_str(&format!("Latest: {} ({q})", format::value(m.unit, v)));
    }
    let status = m
        .latest_quarter()
        .and_then(|q| compute::kpi(m, q, metric_views::tolerance(site)).status.ok());
    let standing = Standing::Metric(status);
    let own = Own {
        title: &m.title,
        reference: "",
        tags: String::new(),
        holder: "",
        text,
    };
    let url = metric_views::metric_url(&m.id);
    weigh(id, &m.title, &url, "Metrics", own, std::iter::empty()).finish("metric", standing)
}

/// One entry per defined term, numbered from `first`: titled by the term,
/// with its definition as its text, leading to its place on the glossary
/// page. A search for a term then names it as a title would, so the
/// definition comes first. Only published definitions are in `site.terms`,
/// so nothing a hidden definition says reaches the index.
pub fn terms(site: &Site, first: usize) -> Vec<(Entry, Words)> {
    if site.by_url.contains_key(GLOSSARY_URL) {
        return Vec::new();
    }
    site.terms
        .entries
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let own = Own {
                title: &e.term,
                reference: "",
                tags: String::new(),
                holder: "",
                text: e.text.clone(),
            };
            let url = format!("{GLOSSARY_URL}#{}", e.id);
            weigh(first + k, &e.term, &url, "Glossary", own, std::iter::empty()).finish("term", Standing::Term)
        })
        .collect()
}

/// The fields of an entry's own (first) section.
struct Own<'a> {
    title: &'a str,
    reference: &'a str,
    tags: String,
    holder: &'a str,
    /// Stored for snippets and weighed as a description.
    text: String,
}

struct Weighed {
    info: String,
    sections: Vec<WeighedSection>,
    title_terms: usize,
    words: Words,
}

impl Weighed {
    fn finish(self, kind: &'static str, standing: Standing) -> (Entry, Words) {
        let entry = Entry {
            info: self.info,
            kind,
            standing,
            sections: self.sections,
            title_terms: self.title_terms,
        };
        (entry, self.words)
    }
}

fn weigh<'a>(
    id: usize,
    title: &str,
    url: &str,
    parent: &str,
    own: Own<'_>,
    body: impl Iterator<Item = &'a Section>,
) -> Weighed {
    let mut s = Scorer::default();
    s.add(own.title, weight::TITLE);
    let title_terms = s.score.len();
    s.add(own.reference, weight::REFERENCE);
    s.add(&own.tags, weight::TAG);
    s.add(own.holder, weight::TAG);
    s.add(&own.text, weight::DESCRIPTION);
    let mut sections = vec![s.section(id, "", "", &own.text)];
    for b in body {
        s.add(&b.heading, weight::HEADING);
        s.add(&b.terms, weight::TERM);
        s.add(&b.text, 0);
        sections.push(s.section(id, &b.anchor, &b.heading, &b.text));
    }
    Weighed {
        info: json!([id, title, url, parent]).to_string(),
        sections,
        title_terms,
        words: s.words,
    }
}

/// Weights of the terms of the section being read, and the entry's words.
#[derive(Default)]
struct Scorer {
    /// term → (body occurrences, weight from fields, last field counted)
    score: FastMap<Arc<str>, (u32, u32, u8)>,
    field: u8,
    words: Words,
}

impl Scorer {
    /// Counts the words of `text`: each once at weight `w`, or, at weight
    /// 0, each occurrence as body text.
    fn add(&mut self, text: &str, w: u32) {
        self.field = self.field.wrapping_add(1).max(1);
        let (score, field, words) = (&mut self.score, self.field, &mut self.words);
        text::for_each_term(text, |t, word| {
            let e = match score.get_mut(&**t) {
                Some(e) => e,
                None => score.entry(t.clone()).or_insert((0, 0, 0)),
            };
            if w == 0 {
                e.0 += 1;
            } else if e.2 != field {
                // A field counts each of its words once.
                e.1 += w;
                e.2 = field;
            }
            if word.chars().nth(3).is_some() && word.chars().all(char::is_alphabetic) && !words.contains_key(word) {
                words.insert(word.into(), t.clone());
            }
        });
    }

    /// A section as stored, with the weights gathered for it (which are reset).
    fn section(&mut self, id: usize, anchor: &str, heading: &str, text: &str) -> WeighedSection {
        let terms: Vec<(Arc<str>, u8)> = self
            .score
            .drain()
            .map(|(t, (body, extra, _))| (t, (body.min(weight::BODY_CAP) + extra).clamp(1, 63) as u8))
            .collect();
        let json = format!(
            "[{id},{},{},{}]",
            json_str(anchor),
            json_str(heading),
            json_str(&cut(text, STORED_CHARS))
        );
        (json, terms)
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

/// `s` cut at a word boundary near `max` characters, marked with ` …`.
fn cut(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some((i, _)) => {
            let kept = s[..i].rsplit_once([' ', ROW]).map_or(&s[..i], |(a, _)| a);
            format!("{} …", kept.trim_end_matches([' ', '·'])).into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_keeps_whole_words() {
        assert_eq!(cut("alpha beta gamma", 8), "alpha …");
        assert_eq!(cut("short", 8), "short");
        assert_eq!(cut("a · b\ncell", 8), "a · b …");
        assert_eq!(cut("a · b · c", 5), "a …", "no cell mark before the cut");
    }

    #[test]
    fn standings_are_numbered_once_and_rank_policies_in_force_first() {
        for (i, s) in Standing::ALL.iter().enumerate() {
            assert_eq!(s.index(), i, "{s:?}");
        }
        // Every policy status has a standing, so a new status cannot panic the index.
        for status in PolicyStatus::ALL {
            assert!(Standing::ALL.contains(&Standing::Policy(status)), "{status:?}");
        }
        let f = |s: PolicyStatus| Standing::Policy(s).factor();
        assert_eq!(f(PolicyStatus::Effective), 1.0);
        assert_eq!(f(PolicyStatus::Overdue), 1.0, "an overdue policy is still in force");
        assert!(f(PolicyStatus::Effective) > f(PolicyStatus::Scheduled));
        assert!(f(PolicyStatus::Scheduled) > f(PolicyStatus::Draft));
        assert!(f(PolicyStatus::Draft) > Standing::Superseded.factor());
        assert!(Standing::Superseded.factor() > f(PolicyStatus::Retired));
    }
}
