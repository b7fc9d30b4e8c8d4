//! Times the history work on a site in git: the one `git log` pass, tracing
//! every page through renames, reading blobs, the redlines of the policies'
//! last commits, and whole builds. `cargo run --release --example
//! history_bench -- SITE_DIR` (see /work/shared/bench for a corpus).

use std::path::PathBuf;
use std::time::Instant;

use casebook::config::Config;
use casebook::diag::Diagnostics;
use casebook::history;

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("usage: history_bench SITE_DIR"));
    let mut d = Diagnostics::default();
    let config = Config::load(&root, &mut d);
    let sources = casebook::source::walk(&root, &config, &mut d);
    let rels: Vec<&str> = sources.iter().map(|s| s.rel.as_str()).collect();

    let t = Instant::now();
    let h = history::open(&root, &config).expect("a git repository");
    let open = t.elapsed();
    let t = Instant::now();
    let trails = h.trace(h.head, rels.iter().copied());
    let trace = t.elapsed();
    let entries: usize = trails.values().map(|t| t.changes.len()).sum();

    let mut jobs = Vec::new();
    let mut sorted: Vec<_> = trails.iter().collect();
    sorted.sort_by_key(|(rel, _)| *rel);
    for (rel, trail) in sorted {
        if !rel.starts_with("policies/") {
            continue;
        }
        for &(c, n) in trail.changes.iter().take(20) {
            let ch = &h.log.commits[c].changes[n];
            if let (Some(a), Some(b)) = (&ch.old_blob, &ch.new_blob) {
                jobs.push((a.clone(), b.clone()));
            }
        }
    }
    let oids: Vec<String> = jobs.iter().flat_map(|(a, b)| [a.clone(), b.clone()]).collect();
    let t = Instant::now();
    let blobs = h.blobs(&oids);
    let read = t.elapsed();
    let t = Instant::now();
    let mut words = 0;
    for (a, b) in &jobs {
        let text = |o: &String| String::from_utf8_lossy(&blobs[o]).into_owned();
        let r = history::redline::compare(&text(a), &text(b));
        words += r.words_added + r.words_removed;
    }
    let redlines = t.elapsed();
    println!(
        "{} files, {} commits, {} file×commit entries, {} versions",
        rels.len(),
        h.log.commits.len(),
        entries,
        h.versions.len()
    );
    println!("git log + parse + status + tags: {open:.2?}");
    println!("trace every file through renames: {trace:.2?}");
    println!("read {} blobs: {read:.2?}", blobs.len());
    println!(
        "{} policy redlines (1 thread): {redlines:.2?} ({words} words marked)",
        jobs.len()
    );

    let opts = casebook::BuildOptions {
        today: Some(jiff::civil::date(2026, 11, 27)),
        drafts: false,
        out: None,
        progress: false,
        audience: None,
        pdf: false,
    };
    for _ in 0..2 {
        let t = Instant::now();
        let memory = casebook::render::sink::Memory::default();
        let built = casebook::build(&root, &opts, &memory);
        let files = if built.is_ok() { memory.into_files().len() } else { 0 };
        println!("whole build: {:.2?} ({files} files)", t.elapsed());
    }
}
