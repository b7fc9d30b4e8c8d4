//! A page of the written site printed to PDF by a headless Chromium found
//! on the PATH, with the document outline Chromium builds from headings.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Names Chromium goes by on Linux, macOS (via a PATH shim) and in CI images.
const BROWSERS: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// A page that takes longer than this is abandoned.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The first browser on the PATH that can print PDFs.
pub fn find_browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in BROWSERS {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// What to tell a user without Chromium.
pub const INSTALL_HELP: &str = "install Chromium to print board reports to PDF: `apt-get install chromium` on Debian/Ubuntu, \
`dnf install chromium` on Fedora, `brew install --cask chromium` on macOS; or print a report page from any browser";

/// Prints the HTML file `page` to `pdf`. Chromium's own header and footer
/// are off: the theme's `@page` rules draw the running header and footer.
pub fn print(browser: &Path, page: &Path, pdf: &Path) -> Result<(), String> {
    let profile = std::env::temp_dir().join(format!("casebook-chromium-{}-{}", std::process::id(), stamp(pdf)));
    let _ = std::fs::remove_file(pdf);
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
            "--print-to-pdf-no-header",
            "--generate-pdf-document-outline",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(file_url(page))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{}`: {e}", browser.display()))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_dir_all(&profile);
                return Err(format!("Chromium did not finish within {} s", TIMEOUT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let mut stderr = String::new();
    if let Some(mut s) = child.stderr.take() {
        use std::io::Read as _;
        let _ = s.read_to_string(&mut stderr);
    }
    let _ = std::fs::remove_dir_all(&profile);
    let written = std::fs::metadata(pdf).map(|m| m.len() > 0).unwrap_or(false);
    if status.success() && written {
        Ok(())
    } else {
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        Err(format!("Chromium exited with {status}: {last}"))
    }
}

/// A short, stable tag for a profile folder name.
fn stamp(pdf: &Path) -> String {
    pdf.parent()
        .and_then(Path::file_name)
        .map(|n| {
            n.to_string_lossy()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect()
        })
        .unwrap_or_default()
}

/// `file://` URL of an absolute path, with the characters URLs need escaped.
pub fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in crate::diag::display_path(path).bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => url.push(b as char),
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_escape_spaces_and_unicode() {
        assert_eq!(
            file_url(Path::new("/tmp/my site/reports/q3/index.html")),
            "file:///tmp/my%20site/reports/q3/index.html"
        );
        assert_eq!(file_url(Path::new("/tmp/é")), "file:///tmp/%C3%A9");
    }
}
