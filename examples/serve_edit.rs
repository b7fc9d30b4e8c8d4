//! How long `casebook serve` takes from a one-page edit to the new files
//! being ready, measured on the library's incremental engine.
//!
//! ```sh
//! python3 bench/gen_corpus.py 10000 /tmp/c10k --formats plain
//! cargo run --release --example serve_edit -- /tmp/c10k/plain
//! ```
//!
//! Edits a page's body, then its title, then a template, then the base
//! template, applying each like the watcher would; prints the time of each
//! step and restores the files at the end.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use casebook::BuildOptions;
use casebook::serve::state::{State, Update};

fn main() {
    let Some(root) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: serve_edit SITE_DIR");
        std::process::exit(2);
    };
    let runs: usize = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(5);
    let opts = BuildOptions {
        today: Some(jiff::civil::date(2026, 11, 27)),
        drafts: false,
        out: None,
        progress: false,
        audience: None,
        pdf: false,
    };
    let started = Instant::now();
    let (mut state, first) = State::new(&root, &opts);
    let first = first.unwrap_or_else(|d| panic!("the site must build:\n{}", d.render()));
    let pages_ready = started.elapsed();
    state
        .finish()
        .unwrap_or_else(|d| panic!("the index must build:\n{}", d.render()));
    println!(
        "initial build: {} pages, {} files; pages ready in {:.0} ms, search index {:.0} ms later",
        first.pages,
        state.files().len(),
        pages_ready.as_secs_f64() * 1000.0,
        (started.elapsed() - pages_ready).as_secs_f64() * 1000.0
    );

    let page = pick_page(&root.join("content"));
    let original = std::fs::read_to_string(&page).expect("read the page");
    let mut restore: Vec<(PathBuf, Option<String>)> = vec![(page.clone(), Some(original.clone()))];

    let mut body = Vec::new();
    let mut title = Vec::new();
    for run in 0..runs {
        write(&page, &format!("{original}\nAn added paragraph, edit {run}.\n"));
        body.push(apply(&mut state, &page));
    }
    for run in 0..runs {
        write(&page, &retitle(&original, &format!("Retitled page {run}")));
        title.push(apply(&mut state, &page));
    }
    write(&page, &original);
    apply(&mut state, &page);

    let templates = root.join("themes/default/templates");
    let mut leaf = Vec::new();
    let mut base = Vec::new();
    for (name, out) in [("policy.html", &mut leaf), ("base.html", &mut base)] {
        let path = templates.join(name);
        restore.push((path.clone(), std::fs::read_to_string(&path).ok()));
        let builtin = builtin_template(name);
        for run in 0..runs.min(3) {
            write(&path, &edit_template(&builtin, run));
            out.push(apply(&mut state, &path));
        }
    }
    for (path, text) in restore.into_iter().rev() {
        match text {
            Some(t) => write(&path, &t),
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    let _ = std::fs::remove_dir(root.join("themes/default/templates"));
    let _ = std::fs::remove_dir(root.join("themes/default"));
    let _ = std::fs::remove_dir(root.join("themes"));

    summary("body edit", &body);
    summary("title edit", &title);
    summary("policy.html edit", &leaf);
    summary("base.html edit", &base);
}

/// Applies one edit: the time until the pages are ready, the update, and
/// the time the search index then takes.
fn apply(state: &mut State, path: &Path) -> (Duration, Update, Duration) {
    let started = Instant::now();
    let update = state
        .apply(&[path.to_path_buf()])
        .unwrap_or_else(|d| panic!("the edit must build:\n{}", d.render()));
    let pages = started.elapsed();
    state
        .finish()
        .unwrap_or_else(|d| panic!("the index must build:\n{}", d.render()));
    (pages, update, started.elapsed() - pages)
}

fn summary(what: &str, runs: &[(Duration, Update, Duration)]) {
    let mut times: Vec<Duration> = runs.iter().map(|(d, _, _)| *d).collect();
    times.sort();
    let median = times[times.len() / 2];
    let mut index: Vec<Duration> = runs.iter().map(|(_, _, i)| *i).collect();
    index.sort();
    let (_, last, _) = &runs[runs.len() - 1];
    let steps: Vec<String> = last
        .timings
        .iter()
        .map(|(n, d)| format!("{n} {:.0} ms", d.as_secs_f64() * 1000.0))
        .collect();
    println!(
        "{what:>18}: pages ready in {:>4.0} ms median (min {:.0}, max {:.0}, {} runs), search index {:.0} ms later; {} of {} pages rendered, {} files changed; {}",
        median.as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0,
        runs.len(),
        index[index.len() / 2].as_secs_f64() * 1000.0,
        last.rendered,
        last.pages,
        last.changed.len(),
        steps.join(", ")
    );
}

/// A policy with front matter, deep in the corpus.
fn pick_page(content: &Path) -> PathBuf {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(content.join("policies"))
        .expect("the corpus has content/policies")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.starts_with("---") && t.contains("\ntitle:")))
        .collect();
    candidates.sort();
    candidates
        .into_iter()
        .nth(7)
        .expect("the corpus has policies with titles")
}

fn retitle(text: &str, title: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("title:") {
                format!("title: {title}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The template with a comment added inside its first block.
fn edit_template(text: &str, run: usize) -> String {
    let block = text.find("{% block ").expect("the template has a block");
    let end = block + text[block..].find("%}").expect("the block tag closes") + 2;
    format!("{}<!-- edit {run} -->{}", &text[..end], &text[end..])
}

fn builtin_template(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("themes/default/templates")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create the folder");
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}
