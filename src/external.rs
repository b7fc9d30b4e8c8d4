//! `casebook check --external`: are the site's http(s) links alive?
//!
//! Off by default because it needs the network. Addresses are checked
//! concurrently with a timeout; answers that were fine are cached for a day
//! so repeated checks stay fast and polite.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::links::Level;
use crate::diag::Diagnostics;
use crate::model::Site;
use crate::parse::links::LinkTarget;

const CACHE_FOR: u64 = 24 * 60 * 60;
const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum Outcome {
    Ok,
    /// The server answered with this status (404, 410, 500…).
    Status(u16),
    /// No answer: DNS, refused, timed out, TLS.
    Failed(String),
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    /// URL → (checked at, seconds since the epoch; outcome).
    entries: BTreeMap<String, (u64, Outcome)>,
}

fn cache_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("casebook").join("external-links.json"))
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Checks every distinct external address once and reports broken ones at
/// each place they are written.
pub fn check(site: &Site, diags: &mut Diagnostics) {
    let mut uses: BTreeMap<&str, Vec<(&str, &crate::diag::Position)>> = BTreeMap::new();
    for p in &site.pages {
        for l in &p.links {
            if let LinkTarget::External(url) = &l.target {
                uses.entry(url.as_str())
                    .or_default()
                    .push((p.parsed.file.as_str(), &l.position));
            }
        }
    }
    let path = cache_path();
    let mut cache: Cache = path
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let now = now();
    let todo: Vec<&str> = uses
        .keys()
        .copied()
        .filter(|u| !matches!(cache.entries.get(*u), Some((at, Outcome::Ok)) if now.saturating_sub(*at) < CACHE_FOR))
        .collect();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(8).build();
    let probe = |url: &str| (url.to_string(), probe(&agent, url));
    let results: Vec<(String, Outcome)> = match &pool {
        Ok(pool) => pool.install(|| todo.par_iter().map(|u| probe(u)).collect()),
        Err(_) => todo.iter().map(|u| probe(u)).collect(),
    };
    for (url, outcome) in results {
        cache.entries.insert(url, (now, outcome));
    }
    for (url, places) in &uses {
        let Some((_, outcome)) = cache.entries.get(*url) else {
            continue;
        };
        // `links.external` sets the level of a dead link; other failures
        // may be temporary, so they warn (unless the class is ignored).
        let level = site.config.links.external;
        let (message, level) = match outcome {
            Outcome::Ok => continue,
            Outcome::Status(s @ (404 | 410)) => (format!("external link is broken: `{url}` answers {s}"), level),
            Outcome::Status(s) => (
                format!("external link may be broken: `{url}` answers {s}"),
                level.max(Level::Warn),
            ),
            Outcome::Failed(why) => (
                format!("external link could not be checked: `{url}`: {why}"),
                level.max(Level::Warn),
            ),
        };
        for (file, pos) in places {
            let Some(d) = level.diagnostic(&message) else { continue };
            diags.push(
                d.in_file(*file)
                    .at((*pos).clone())
                    .help("fix or remove the link; answers other than 404/410 may be temporary"),
            );
        }
    }
    if let Some(p) = path {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Ok(json) = serde_json::to_vec(&cache) {
            let _ = std::fs::write(p, json);
        }
    }
}

fn probe(agent: &ureq::Agent, url: &str) -> Outcome {
    // Some servers refuse HEAD; fall back to GET before calling a link broken.
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| r.map(|resp| resp.status().as_u16());
    match status(agent.head(url).call()) {
        Ok(s) if s < 400 => Outcome::Ok,
        Ok(_) | Err(_) => match status(agent.get(url).call()) {
            Ok(s) if s < 400 => Outcome::Ok,
            Ok(s) => Outcome::Status(s),
            Err(e) => Outcome::Failed(e.to_string()),
        },
    }
}
