//! casebook's integration suite: one test binary that runs the real CLI on
//! sites written into temporary folders (see `harness`), plus property tests
//! that call the parser directly.
//!
//! Run it with `cargo test --test suite`.

mod git_fixtures;
mod git_random;
mod harness;

mod adopt;
mod audience;
mod audit_trail;
mod browser;
mod build;
mod charts;
mod check;
mod clauses;
mod cli;
mod computed;
mod drafting;
mod errors;
mod example;
mod fuzz;
mod fuzz_sites;
mod history;
mod history_audience;
mod links;
mod metrics;
mod navigation;
mod output;
mod pdf;
mod public_face;
mod redline;
mod relevance;
mod reports;
mod reuse;
mod scale;
mod search;
mod serve;
mod symlinks;
mod terms;
mod versions;
