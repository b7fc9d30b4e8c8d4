//! The values of computed metrics (`computed: policy-reviews`): the
//! register at the end of each quarter, read from git (see
//! [`super::register`]), counted with [`crate::metrics::computed`].

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::History;
use super::register::{Basis, Snapshot, Snapshots};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::metrics::Decimal;
use crate::metrics::computed::{self, Provenance, Tally};
use crate::model::Site;
use crate::model::audience::{Audience, is_draft};
use crate::model::policy::PolicyStatus;
use crate::quarter::Quarter;

/// The policies `who` could see on the snapshot's day and how many of
/// those in force were not overdue.
pub fn tally(snapshot: &Snapshot, config: &Config, who: &Audience) -> Tally {
    let mut t = Tally::default();
    for s in snapshot.policies().filter(|s| s.seen_by(config, who)) {
        let status = s.lifecycle(snapshot.day, config).status;
        if status.in_force() {
            t.add(status == PolicyStatus::Overdue);
        }
    }
    t
}

/// Fills the values of every `computed:` metric of `site`. With `history`
/// (and the commit the site is built from), each quarter over by `until`
/// gets the value of the register at its end; without, the quarter of the
/// build day gets today's, with a warning.
pub fn fill(site: &mut Site, history: Option<(&History, usize)>, until: Date, diags: &mut Diagnostics) {
    let filled = {
        let site: &Site = site;
        let mut snapshots = history.map(|(h, start)| Snapshots::new(h, start, &site.config));
        site.metrics
            .values()
            .filter(|m| m.computed.is_some())
            .filter_map(|m| {
                let name = m
                    .audience
                    .as_ref()
                    .map_or(site.config.default_audience.as_str(), |a| a.id.as_str());
                // An unknown audience was reported with the file.
                let who = Audience::named(&site.config, name).ok()?;
                let from_git = snapshots.as_mut().and_then(|s| quarterly(s, &site.config, &who, until));
                Some((
                    m.id.clone(),
                    from_git.unwrap_or_else(|| from_files(site, m, &who, diags)),
                ))
            })
            .collect::<Vec<_>>()
    };
    for (id, (values, from)) in filled {
        if let Some(m) = site.metrics.get_mut(&id) {
            m.values = values;
            m.computed_from = Some(from);
        }
    }
}

/// Without history: the build day's quarter alone, from today's files.
fn from_files(
    site: &Site,
    m: &crate::metrics::Metric,
    who: &Audience,
    diags: &mut Diagnostics,
) -> (BTreeMap<Quarter, Decimal>, Provenance) {
    let q = Quarter::of_date(site.today, site.config.fiscal_year_start);
    let label = site.config.quarter_format.label(q);
    diags.push(
        Diagnostic::warning(format!(
            "`{}` is computed from today's policies only: there is no git history, so it has a value for {label} alone",
            m.id
        ))
        .in_file(&m.file)
        .help("earlier quarters are read from the policies as committed in git; build from a checkout with its whole history to compute them"),
    );
    let value = today(site, who).percent().map(|v| (q, v));
    (value.into_iter().collect(), Provenance::Files { day: site.today })
}

/// The value of every quarter over by `until`, and what they stand on;
/// `None` when git holds no content to read.
fn quarterly(
    snapshots: &mut Snapshots<'_>,
    config: &Config,
    who: &Audience,
    until: Date,
) -> Option<(BTreeMap<Quarter, Decimal>, Provenance)> {
    let fy = config.fiscal_year_start;
    // Values start with the content's first commit, or earlier with the
    // earliest effective date in it: before that commit the files as first
    // committed stand in, and later files were not in git yet.
    let first_day = snapshots.first_day()?;
    let imported = first_day.yesterday().ok().and_then(|d| snapshots.at(d));
    let earliest = imported
        .iter()
        .flat_map(Snapshot::policies)
        .filter(|s| s.seen_by(config, who))
        .filter_map(|s| s.front.effective)
        .fold(first_day, Date::min);
    let mut values = BTreeMap::new();
    let mut before_history = None;
    for q in computed::complete_quarters(earliest, until, fy) {
        let Some(snap) = snapshots.at(q.last_day(fy)) else {
            continue;
        };
        if let Basis::FirstCommit { first } = snap.basis {
            before_history = Some(first);
        }
        if let Some(v) = tally(&snap, config, who).percent() {
            values.insert(q, v);
        }
    }
    Some((values, Provenance::Git { before_history }))
}

/// Today's tally from the site's own policies, without history.
fn today(site: &Site, who: &Audience) -> Tally {
    let mut t = Tally::default();
    for &id in &site.register {
        let p = site.page(id);
        let Some(l) = &p.lifecycle else { continue };
        if is_draft(p.front()) || !who.sees(&site.config, &p.audience) || !l.status.in_force() {
            continue;
        }
        t.add(l.status == PolicyStatus::Overdue);
    }
    t
}
