//! `serve --poll`: finds changes by listing the watched folders every half
//! second, for file systems that send no events (network drives, WSL's
//! `/mnt/c`, some container mounts).
//!
//! A file counts as changed when its size or modification time (to the
//! nanosecond) differs. notify's own poller keeps whole seconds, and so
//! misses a second save within the same second.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use walkdir::WalkDir;

/// Debounced batches of changed paths, from either watcher.
pub type Batch = Result<Vec<PathBuf>, String>;

const INTERVAL: Duration = Duration::from_millis(500);

/// The polling thread; it stops when this is dropped.
pub struct Poller {
    shared: Arc<Mutex<Listing>>,
    stop: Arc<AtomicBool>,
}

/// The watched folders (recursive or not) and what they held at the last look.
#[derive(Default)]
struct Listing {
    roots: Vec<(PathBuf, bool)>,
    last: HashMap<PathBuf, Stamp>,
}

/// What a listing knows of a path: modification time, size, whether a folder.
type Stamp = (Option<SystemTime>, u64, bool);

impl Poller {
    /// Starts polling; changes go to `send`, gathered over `settle` so an
    /// editor's save arrives as one batch.
    pub fn start(settle: Duration, send: impl Fn(Batch) + Send + 'static) -> std::io::Result<Poller> {
        let shared: Arc<Mutex<Listing>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (l, s) = (Arc::clone(&shared), Arc::clone(&stop));
        std::thread::Builder::new()
            .name("casebook poll".into())
            .spawn(move || {
                while !s.load(Ordering::Relaxed) {
                    std::thread::sleep(INTERVAL);
                    let (mut changed, now) = {
                        let mut l = l.lock().unwrap_or_else(|e| e.into_inner());
                        let now = listing(&l.roots);
                        let changed = differences(&l.last, &now);
                        if changed.is_empty() {
                            l.last = now;
                            continue;
                        }
                        (changed, now)
                    };
                    std::thread::sleep(settle);
                    {
                        let mut l = l.lock().unwrap_or_else(|e| e.into_inner());
                        let later = listing(&l.roots);
                        changed.extend(differences(&now, &later));
                        l.last = later;
                    }
                    changed.sort();
                    changed.dedup();
                    send(Ok(changed));
                }
            })?;
        Ok(Poller { shared, stop })
    }

    /// Watches `path` from now on: what it holds now is the starting point.
    pub fn watch(&self, path: &Path, recursive: bool) {
        let root = (path.to_path_buf(), recursive);
        let mut l = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        let found = listing(std::slice::from_ref(&root));
        l.last.extend(found);
        l.roots.push(root);
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn listing(roots: &[(PathBuf, bool)]) -> HashMap<PathBuf, Stamp> {
    let mut out = HashMap::new();
    for (root, recursive) in roots {
        let walk = WalkDir::new(root)
            .follow_links(true)
            .max_depth(if *recursive { usize::MAX } else { 1 });
        for entry in walk.into_iter().filter_map(Result::ok) {
            if let Ok(m) = entry.metadata() {
                out.insert(entry.into_path(), (m.modified().ok(), m.len(), m.is_dir()));
            }
        }
    }
    out
}

/// Paths added, removed or touched between two listings.
fn differences(old: &HashMap<PathBuf, Stamp>, new: &HashMap<PathBuf, Stamp>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = new
        .iter()
        .filter(|(p, s)| old.get(*p) != Some(*s) && !(s.2 && old.get(*p).is_some_and(|o| o.2)))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_additions_removals_and_edits_not_folder_times() {
        let t = |n: u64| Some(SystemTime::UNIX_EPOCH + Duration::from_nanos(n));
        let old: HashMap<PathBuf, Stamp> = [
            ("a.md".into(), (t(1), 10, false)),
            ("b.md".into(), (t(1), 10, false)),
            ("gone.md".into(), (t(1), 10, false)),
            ("dir".into(), (t(1), 0, true)),
        ]
        .into();
        let new: HashMap<PathBuf, Stamp> = [
            ("a.md".into(), (t(1), 10, false)),
            ("b.md".into(), (t(2), 10, false)),
            ("new.md".into(), (t(1), 3, false)),
            ("dir".into(), (t(5), 0, true)),
        ]
        .into();
        let mut d = differences(&old, &new);
        d.sort();
        assert_eq!(d, [PathBuf::from("b.md"), "gone.md".into(), "new.md".into()]);
    }
}
