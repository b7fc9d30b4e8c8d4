//! Times the search index against the rest of a build:
//! `cargo run --release --example search_index -- /tmp/c10k/plain`.

use std::time::Instant;

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let opts = casebook::BuildOptions {
        today: Some(jiff::civil::date(2026, 11, 27)),
        ..casebook::BuildOptions::default()
    };
    let started = Instant::now();
    let root = std::path::Path::new(&root);
    let mut diags = casebook::diag::Diagnostics::default();
    let Some(settings) = casebook::pipeline::Settings::load(root, &opts, &mut diags) else {
        eprint!("{}", diags.render());
        std::process::exit(1);
    };
    let parsed = casebook::pipeline::sources(root, &settings.config, None, &mut diags);
    let site = casebook::pipeline::resolve(parsed, &settings.config, &settings, &mut diags);
    let whole = started.elapsed();
    let t = Instant::now();
    let memory = casebook::render::sink::Memory::default();
    casebook::pipeline::search_index(&site, &memory);
    let index = t.elapsed();
    let files = memory.into_files();
    let bytes: usize = files
        .iter()
        .map(|f| match &f.content {
            casebook::render::Content::Bytes(b) => b.len(),
            casebook::render::Content::Copy(_) => 0,
        })
        .sum();
    println!(
        "{} pages: load, parse and resolve {whole:.2?}; search index alone {index:.2?} ({} files, {:.1} MB)",
        site.pages.len(),
        files.len(),
        bytes as f64 / 1_048_576.0
    );
}
