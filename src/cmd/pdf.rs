//! `build --pdf`: prints each board report (and the policy pack, when
//! configured) next to its page with a headless Chromium found on the
//! PATH, then sets the PDF's metadata and links. Without Chromium the build
//! still succeeds, with a warning that says what to install.

use std::path::Path;
use std::time::Instant;

use crate::pdf::finish::{self, Links};
use crate::pdf::{Job, print};

pub use print::{INSTALL_HELP, find_browser};

/// Prints every job into the written site at `out`. Returns the warnings to show.
pub fn print_all(browser: &Path, out: &Path, base_url: &str, jobs: &[Job], quiet: bool) -> Vec<String> {
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let mut warnings = Vec::new();
    for job in jobs {
        let started = Instant::now();
        let pdf = out.join(&job.pdf);
        match print_one(browser, &out, base_url, job) {
            Ok(note) => {
                if !quiet {
                    eprintln!(
                        "printed {} in {:.1?}",
                        crate::diag::display_path(&pdf),
                        started.elapsed()
                    );
                }
                warnings.extend(note.map(|n| format!("`{}` was printed, but {n}", job.pdf)));
            }
            Err(e) => {
                let _ = std::fs::remove_file(&pdf);
                warnings.push(format!("could not print `{}` to PDF: {e}", job.page));
            }
        }
    }
    warnings
}

/// Prints once to learn on which page each heading falls, then again with
/// those page numbers in the table of contents. A Chromium that makes no
/// outline still prints, with a note: the contents then have no numbers.
fn print_one(browser: &Path, out: &Path, base_url: &str, job: &Job) -> Result<Option<String>, String> {
    let dir = out.join(job.page.trim_end_matches('/'));
    let html = std::fs::read_to_string(dir.join("index.html")).map_err(|e| format!("could not read the page: {e}"))?;
    let pdf = out.join(&job.pdf);
    let variant = dir.join(".casebook-print.html");
    let result = (|| {
        std::fs::write(&variant, crate::pdf::with_print_css(&html, &job.print_css))
            .map_err(|e| format!("could not write `{}`: {e}", variant.display()))?;
        print::print(browser, &variant, &pdf)?;
        let mut note = None;
        if !job.toc.is_empty() {
            match crate::pdf::heading_pages(&pdf) {
                Ok(pages) => {
                    let css = format!("{}{}", job.print_css, crate::pdf::toc_numbers_css(&job.toc, &pages));
                    std::fs::write(&variant, crate::pdf::with_print_css(&html, &css))
                        .map_err(|e| format!("could not write `{}`: {e}", variant.display()))?;
                    print::print(browser, &variant, &pdf)?;
                }
                Err(e) => note = Some(format!("{e}; update Chromium for page numbers in the contents")),
            }
        }
        let links = Links { out, base_url };
        finish::finish(&pdf, &job.meta, &links)?;
        Ok(note)
    })();
    let _ = std::fs::remove_file(&variant);
    result
}
