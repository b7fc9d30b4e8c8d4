//! `SiteTest`: a site in a temporary folder and the real `casebook` binary
//! run on it in a hermetic environment.
//!
//! Files are written inline with [`SiteTest::create`], the way ripgrep's
//! `Dir::create` does, so each test reads as its own fixture. Every run
//! checks that the binary did not panic, whatever the test asserts next.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The day every build is pinned to unless a test says otherwise.
pub const TODAY: &str = "2026-11-27";

/// A site folder of its own, removed when the test ends.
pub struct SiteTest {
    dir: tempfile::TempDir,
}

/// What a run of the binary printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl SiteTest {
    pub fn new() -> SiteTest {
        let dir = tempfile::Builder::new()
            .prefix("casebook-test-")
            .tempdir()
            .expect("create a temporary folder");
        SiteTest { dir }
    }

    /// A site made of `(path, contents)` pairs, paths relative to the site root.
    pub fn with_files(files: &[(&str, &str)]) -> SiteTest {
        let t = SiteTest::new();
        for (path, contents) in files {
            t.create(path, contents);
        }
        t
    }

    /// A copy of the repository's example site: `content/` and `casebook.yaml` if present.
    pub fn example() -> SiteTest {
        let t = SiteTest::new();
        let repo = repo_root();
        copy_dir(&repo.join("content"), &t.root().join("content"));
        let config = repo.join("casebook.yaml");
        if config.is_file() {
            std::fs::copy(&config, t.root().join("casebook.yaml")).expect("copy casebook.yaml");
        }
        t
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file (text or bytes), creating its folders.
    pub fn create(&self, rel: &str, contents: impl AsRef<[u8]>) -> &SiteTest {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        self
    }

    /// The binary with a hermetic environment, run in the site root.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_casebook"));
        cmd.args(args).current_dir(self.root()).env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        cmd.env("HOME", self.root())
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            // `git describe` must never find a repository around the temp folder.
            .env("GIT_CEILING_DIRECTORIES", self.root().parent().unwrap_or(self.root()));
        cmd
    }

    /// Runs `casebook ARGS` as given.
    pub fn run(&self, args: &[&str]) -> Run {
        Self::finish(self.command(args), args)
    }

    /// Runs `casebook ARGS` in the folder `dir` (relative to the root).
    pub fn run_in(&self, dir: &str, args: &[&str]) -> Run {
        let mut cmd = self.command(args);
        cmd.current_dir(self.path(dir));
        Self::finish(cmd, args)
    }

    fn finish(mut cmd: Command, args: &[&str]) -> Run {
        let out = cmd.output().expect("run the casebook binary");
        let run = Run {
            code: out
                .status
                .code()
                .unwrap_or_else(|| panic!("casebook {args:?} was killed by a signal: {:?}", out.status)),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        run.assert_no_panic(args);
        run
    }

    /// `casebook build --today 2026-11-27 EXTRA…` in the site root.
    pub fn build(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build", "--today", TODAY];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// A build that must succeed.
    pub fn build_ok(&self) -> Run {
        let run = self.build(&[]);
        run.assert_code(0);
        run
    }

    /// A text file of the site, relative to the root.
    pub fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// A file of the default output folder `public/`.
    pub fn output(&self, rel: &str) -> String {
        self.read(&format!("public/{rel}"))
    }

    /// The `<main …>…</main>` of the page at `url` (`policies/x/`) in `public/`.
    pub fn main_of(&self, url: &str) -> String {
        main_of(&self.output(&format!("{url}index.html")))
    }

    /// Every file under `rel` (default output: `public`), `/`-separated and sorted.
    pub fn files(&self, rel: &str) -> Vec<String> {
        tree(&self.path(rel)).into_keys().collect()
    }
}

impl Run {
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    fn assert_no_panic(&self, args: &[&str]) {
        assert!(
            self.code != 101 && !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "casebook {args:?} panicked (exit {}):\n{}",
            self.code,
            self.stderr
        );
    }

    /// The one rendered diagnostic whose first line starts with `first_line`
    /// (`error: unknown role …`), up to the blank line that ends it.
    pub fn diagnostic(&self, first_line: &str) -> String {
        let blocks: Vec<&str> = self.stderr.split("\n\n").collect();
        let found: Vec<&&str> = blocks
            .iter()
            .filter(|b| b.lines().next().is_some_and(|l| l.starts_with(first_line)))
            .collect();
        match found.as_slice() {
            [one] => one.to_string(),
            [] => panic!("no diagnostic `{first_line}` in:\n{}", self.stderr),
            _ => panic!(
                "diagnostic `{first_line}` reported {} times in:\n{}",
                found.len(),
                self.stderr
            ),
        }
    }

    /// Asserts a diagnostic: its first line, its `--> file:line:col`, the
    /// quoted source line, and a help containing `help`. Returns the block.
    pub fn assert_diagnostic(&self, first_line: &str, location: &str, quoted: &str, help: &str) -> String {
        let block = self.diagnostic(first_line);
        let arrow = block.lines().nth(1).map(str::trim_start).unwrap_or_default();
        assert_eq!(
            arrow,
            format!("--> {location}"),
            "location of `{first_line}` in:\n{block}"
        );
        assert!(
            block
                .lines()
                .any(|l| l.split_once(" | ").is_some_and(|(_, q)| q == quoted)),
            "`{first_line}` does not quote `{quoted}`:\n{block}"
        );
        let help_line = block
            .lines()
            .find(|l| l.trim_start().starts_with("= help:"))
            .unwrap_or_default();
        assert!(
            help_line.contains(help),
            "help of `{first_line}` lacks `{help}`:\n{block}"
        );
        block
    }
}

/// The folder holding Cargo.toml and the example `content/`.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let entry = entry.expect("list a folder");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// Every file under `dir` with its bytes, keyed by `/`-separated relative path.
/// The staging and old-output folders (`.NAME.casebook-…`) left in `dir`
/// once the output a build replaced is gone: a process of its own removes
/// it after the build exits, so this waits for that, a minute at most.
pub fn leftovers(dir: &Path) -> Vec<String> {
    let list = || -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .expect("list the folder")
            .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".casebook-"))
            .collect();
        n.sort();
        n
    };
    let started = std::time::Instant::now();
    loop {
        let now = list();
        if now.is_empty() || started.elapsed() > std::time::Duration::from_secs(60) {
            return now;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
            let path = entry.expect("list a folder").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .expect("under base")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(
                    rel,
                    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display())),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// One hash of every path and byte under `dir`.
pub fn tree_hash(dir: &Path) -> u64 {
    let mut h = DefaultHasher::new();
    tree(dir).hash(&mut h);
    h.finish()
}

/// The `<main …>…</main>` element of an HTML page.
pub fn main_of(html: &str) -> String {
    let start = html.find("<main").unwrap_or_else(|| panic!("no <main> in:\n{html}"));
    let end = html[start..]
        .find("</main>")
        .map(|i| start + i + "</main>".len())
        .expect("</main> closes <main>");
    html[start..end].to_string()
}

/// The text between the first `after` and the next `until` after it.
pub fn between<'a>(html: &'a str, after: &str, until: &str) -> Option<&'a str> {
    let start = html.find(after)? + after.len();
    let end = html[start..].find(until)? + start;
    Some(&html[start..end])
}

/// The values of every `name="…"` attribute, entities `&amp;` and `&quot;` decoded.
pub fn attributes(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').expect("attribute closes");
        out.push(
            rest[..end]
                .replace("&quot;", "\"")
                .replace("&#x27;", "'")
                .replace("&amp;", "&"),
        );
        rest = &rest[end..];
    }
    out
}

/// Text with tags removed and whitespace collapsed.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Front matter of a Markdown file as JSON, read with serde-saphyr (not
/// casebook's parser); `Null` when there is none.
pub fn front_matter(text: &str) -> serde_json::Value {
    let Some(rest) = text.strip_prefix("---\n") else {
        return serde_json::Value::Null;
    };
    let end = rest.find("\n---").expect("front matter is closed");
    serde_saphyr::from_str(&rest[..end + 1]).unwrap_or_else(|e| panic!("front matter parses: {e}\n{text}"))
}

/// What [`check_links`] found in an output folder.
#[derive(Debug)]
pub struct LinkReport {
    /// Relative `href` and `src` values followed.
    pub checked: usize,
    /// `file: href (why)` for each one that leads nowhere.
    pub broken: Vec<String>,
}

/// Follows every relative `href` and `src` in every HTML file under `out`,
/// the way a browser opening the files from disk would: a folder link needs
/// its `index.html`, and a `#fragment` needs an element with that `id` (or
/// an `<a name>`) in the target. Links that leave the site (`https:`,
/// `mailto:`, `//host`) are skipped; a link from the site root (`/x`) is
/// broken, since it works neither under a prefix nor from disk.
pub fn check_links(out: &Path) -> LinkReport {
    let files = tree(out);
    let html: BTreeMap<&str, String> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p.as_str(), String::from_utf8_lossy(b).into_owned()))
        .collect();
    let mut report = LinkReport {
        checked: 0,
        broken: Vec::new(),
    };
    for (file, text) in &html {
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        // The 404 page's `<base>` points at the site root, where it is.
        let text = match between(text, "<base ", ">") {
            Some(base) => text.replacen(&format!("<base {base}>"), "", 1),
            None => text.clone(),
        };
        for href in attributes(&text, "href").into_iter().chain(attributes(&text, "src")) {
            let lower = href.to_ascii_lowercase();
            if href.is_empty()
                || href.starts_with("//")
                || ["http:", "https:", "mailto:", "tel:", "data:", "javascript:"]
                    .iter()
                    .any(|s| lower.starts_with(s))
            {
                continue;
            }
            report.checked += 1;
            let mut broken = |why: &str| report.broken.push(format!("{file}: {href} ({why})"));
            if href.starts_with('/') {
                broken("from the site root");
                continue;
            }
            let (path, fragment) = href
                .split_once('#')
                .map_or((href.as_str(), None), |(p, f)| (p, Some(f)));
            let path = path.split_once('?').map_or(path, |(p, _)| p);
            let target = if path.is_empty() {
                file.to_string()
            } else {
                let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
                let mut escapes = false;
                for seg in path.split('/') {
                    match seg {
                        "" | "." => {}
                        ".." => escapes |= parts.pop().is_none(),
                        s => parts.push(s),
                    }
                }
                if escapes {
                    broken("climbs out of the output");
                    continue;
                }
                let joined = parts.join("/");
                if path.ends_with('/')
                    || files.keys().any(|k| k.starts_with(&format!("{joined}/"))) && !files.contains_key(&joined)
                {
                    if joined.is_empty() {
                        "index.html".to_string()
                    } else {
                        format!("{joined}/index.html")
                    }
                } else {
                    joined
                }
            };
            if !files.contains_key(&target) {
                broken(&format!("no file `{target}`"));
                continue;
            }
            if let (Some(f), Some(page)) = (fragment.filter(|f| !f.is_empty()), html.get(target.as_str())) {
                let ids = attributes(page, "id");
                let names = attributes(page, "name");
                if f != "top" && !ids.iter().chain(&names).any(|i| i == f) {
                    broken(&format!("no id `{f}` in `{target}`"));
                }
            }
        }
    }
    report
}
