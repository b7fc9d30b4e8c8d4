//! Times the search index against the rest of a build:
//! `cargo run --release --example search_index -- /tmp/c10k/plain`.

use std::time::Instant;

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let opts = casebook::BuildOptions {
        today: jiff::civil::date(2026, 11, 27),
        drafts: false,
        out: None,
        progress: false,
        audience: None,
        pdf: false,
    };
    let started = Instant::now();
    let mut diags = casebook::diag::Diagnostics::default();
    let Some(p) = casebook::pipeline(std::path::Path::new(&root), &opts, &mut diags) else {
        eprint!("{}", diags.render());
        std::process::exit(1);
    };
    let whole = started.elapsed();
    let t = Instant::now();
    let files = casebook::search::files(&p.site);
    let index = t.elapsed();
    let bytes: usize = files
        .iter()
        .map(|f| match &f.content {
            casebook::render::Content::Bytes(b) => b.len(),
            casebook::render::Content::Copy(_) => 0,
        })
        .sum();
    println!(
        "{} pages: whole pipeline (index included) {whole:.2?}; search index alone {index:.2?} ({} files, {:.1} MB)",
        p.site.pages.len(),
        files.len(),
        bytes as f64 / 1_048_576.0
    );
}
