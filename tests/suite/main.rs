//! casebook's integration suite: one test binary that runs the real CLI on
//! sites written into temporary folders (see `harness`), plus property tests
//! that call the parser directly.
//!
//! Run it with `cargo test --test suite`.

mod harness;

mod audience;
mod browser;
mod build;
mod check;
mod cli;
mod errors;
mod example;
mod fuzz;
mod history;
mod metrics;
mod navigation;
mod public_face;
mod relevance;
mod search;
mod serve;
