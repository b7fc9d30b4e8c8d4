//! The theme: Tera templates and static files.
//!
//! The default theme is embedded in the binary, so a folder with only
//! `content/` builds. A site overrides any file by placing one with the same
//! name under `themes/<name>/templates/` or `themes/<name>/static/`, and adds
//! components by adding `templates/components/<name>.html`.
//!
//! Everything a render may depend on goes through [`Theme::context`] and
//! [`Theme::insert_global`], never straight into Tera: that is how a
//! fingerprinting twin ([`Theme::fingerprinter`]) sees exactly what the real
//! render would, which incremental rebuilds rely on.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

use super::fingerprint;
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Position, display_path};
use crate::source;

static DEFAULT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The theme's own site icon, in `static/`.
const DEFAULT_FAVICON: &str = "favicon.svg";

/// Site icon formats browsers show, by file extension.
const FAVICON_TYPES: [&str; 4] = ["svg", "png", "ico", "gif"];

/// Where the site icon is written: `favicon.<its extension>`.
pub fn favicon_name(config: &Config) -> String {
    match config.favicon.as_deref().and_then(|f| Path::new(f).extension()) {
        Some(ext) => format!("favicon.{}", ext.to_string_lossy().to_ascii_lowercase()),
        None => DEFAULT_FAVICON.to_string(),
    }
}

/// The bytes of the configured icon, which must be a file inside the site
/// folder (resolved fully, so `..` and links cannot reach outside it).
fn favicon(root: &Path, path: &str) -> Result<Vec<u8>, String> {
    let ext = Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !FAVICON_TYPES.contains(&ext.as_str()) {
        return Err(format!("use an icon file ending in .{}", FAVICON_TYPES.join(", .")));
    }
    let not_found = || {
        format!("no such file in the site folder; give its path from the site root, e.g. `content/assets/logo.{ext}`")
    };
    let file = root.join(path).canonicalize().map_err(|_| not_found())?;
    let top = root.canonicalize().map_err(|_| not_found())?;
    if !file.starts_with(&top) || !file.is_file() {
        return Err(not_found());
    }
    std::fs::read(&file).map_err(|e| format!("could not read it: {e}"))
}

/// An error about `key` in `casebook.yaml`, at its line when it can be found.
fn config_error(root: &Path, key: &str, msg: String, help: String) -> Diagnostic {
    let e = Diagnostic::error(msg).in_file(crate::config::FILE_NAME).help(help);
    let text = std::fs::read_to_string(root.join(crate::config::FILE_NAME)).unwrap_or_default();
    let prefix = format!("{key}:");
    match text.lines().position(|l| l.starts_with(&prefix)) {
        Some(i) => {
            let line = text.lines().nth(i).unwrap_or_default();
            let value = line[prefix.len()..].trim_start();
            let column = line.len() - value.len() + 1;
            e.at(Position::at_line(
                &text,
                i + 1,
                column,
                value.trim_end().chars().count().max(1),
            ))
        }
        None => e,
    }
}

#[derive(Clone)]
pub struct Theme {
    tera: tera::Tera,
    /// Template name → (path for reports, source), to quote template errors.
    sources: BTreeMap<String, (String, String)>,
    /// Output path → bytes of every static file.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Names of the components a page may call.
    pub components: Vec<String>,
    /// Template name → fingerprint of its source and every template it uses.
    closures: Arc<BTreeMap<String, u64>>,
    /// Global name → fingerprint of its value.
    globals: BTreeMap<&'static str, u64>,
    /// A twin that hashes what it is given instead of rendering.
    fingerprinting: bool,
}

/// The variables of one render, made by [`Theme::context`]. A fingerprinting
/// theme's contexts only hash what is inserted.
pub struct Ctx {
    vars: tera::Context,
    hash: Option<fingerprint::Fingerprinter>,
}

impl Ctx {
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        match &mut self.hash {
            Some(h) => {
                fingerprint::hash(key, h);
                fingerprint::hash(value, h);
            }
            None => self.vars.insert(key, value),
        }
    }
}

impl Theme {
    /// The embedded default theme overlaid with the site's theme folder,
    /// with the site's `favicon` when it has one.
    pub fn load(root: &Path, config: &Config, diags: &mut Diagnostics) -> Option<Theme> {
        let name = config.theme.as_str();
        let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut statics: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for file in embedded_files(&DEFAULT) {
            let path = display_path(file.path());
            if let Some(name) = path.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(file.contents()).into_owned();
                templates.insert(name.to_string(), (format!("(built-in theme) templates/{name}"), text));
            } else if let Some(name) = path.strip_prefix("static/") {
                statics.insert(name.to_string(), file.contents().to_vec());
            }
        }
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            for (rel, bytes, shown) in overlay(root, &dir.join("templates"), diags) {
                match source::decode(bytes, &shown) {
                    Ok(text) => {
                        templates.insert(rel, (shown, text));
                    }
                    Err(d) => diags.push(d),
                }
            }
            for (rel, bytes, _) in overlay(root, &dir.join("static"), diags) {
                statics.insert(rel, bytes);
            }
        } else if name != "default" {
            diags.push(
                Diagnostic::error(format!("theme `{name}` not found"))
                    .in_file(crate::config::FILE_NAME)
                    .help(format!(
                        "create `themes/{name}/templates/`, or remove `theme:` to use the built-in theme"
                    )),
            );
            return None;
        }
        if let Some(path) = &config.favicon {
            match favicon(root, path) {
                Ok(bytes) => {
                    statics.remove(DEFAULT_FAVICON);
                    statics.insert(favicon_name(config), bytes);
                }
                Err(help) => diags.push(config_error(
                    root,
                    "favicon",
                    format!("cannot use favicon `{path}`"),
                    help,
                )),
            }
        }
        let components = templates
            .keys()
            .filter_map(|k| k.strip_prefix("components/")?.strip_suffix(".html"))
            .map(str::to_string)
            .collect();
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        if let Err(e) = tera.add_raw_templates(templates.iter().map(|(n, (_, t))| (n.as_str(), t.as_str()))) {
            diags.push(template_error(&e, &templates, None));
            return None;
        }
        let closures = Arc::new(fingerprint::closures(
            templates.iter().map(|(n, (_, t))| (n.as_str(), t.as_str())),
        ));
        Some(Theme {
            tera,
            sources: templates,
            statics,
            components,
            closures,
            globals: BTreeMap::new(),
            fingerprinting: false,
        })
    }

    /// An empty context for one render.
    pub fn context(&self) -> Ctx {
        Ctx {
            vars: tera::Context::new(),
            hash: self.fingerprinting.then(fingerprint::hasher),
        }
    }

    /// Makes `value` visible to every template as `key`.
    pub fn insert_global<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.globals.insert(key, fingerprint::of(value));
        if !self.fingerprinting {
            self.tera.global_context().insert(key, value);
        }
    }

    /// A twin of this theme whose [`Theme::render`] returns a fingerprint of
    /// its inputs (the template with everything it uses, the context, the
    /// globals) instead of rendering. Rendering a page with the twin costs
    /// little, and equal fingerprints mean equal output.
    pub fn fingerprinter(&self) -> Theme {
        Theme {
            tera: tera::Tera::new(),
            sources: self.sources.clone(),
            statics: BTreeMap::new(),
            components: self.components.clone(),
            closures: Arc::clone(&self.closures),
            globals: self.globals.clone(),
            fingerprinting: true,
        }
    }

    /// Renders `template`; a failure becomes a diagnostic at the template line.
    pub fn render(&self, template: &str, ctx: &Ctx, page_file: Option<&str>) -> Result<String, Diagnostic> {
        if self.fingerprinting {
            let closure = self
                .closures
                .get(template)
                .ok_or_else(|| Diagnostic::error(format!("template `{template}` not found")))?;
            let mut h = ctx.hash.clone().unwrap_or_else(fingerprint::hasher);
            template.hash(&mut h);
            closure.hash(&mut h);
            self.globals.hash(&mut h);
            return Ok(format!("{:016x}", h.finish()));
        }
        self.tera
            .render(template, &ctx.vars)
            .map_err(|e| template_error(&e, &self.sources, page_file))
    }

    /// What a render of `template` takes from this theme, as one number:
    /// the template with everything it uses, the globals, and whether this
    /// is the fingerprinting twin. Renders of equal variants with equal
    /// contexts give equal output.
    pub fn variant(&self, template: &str) -> u64 {
        let mut h = fingerprint::hasher();
        self.fingerprinting.hash(&mut h);
        self.closures.get(template).hash(&mut h);
        self.globals.hash(&mut h);
        h.finish()
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Feeds every template and static file, named, to `h`: what a render
    /// takes from the theme besides the globals it is given.
    pub fn digest(&self, h: &mut impl sha2::Digest) {
        for (name, (_, source)) in &self.sources {
            for part in [name.as_bytes(), source.as_bytes()] {
                h.update(part.len().to_le_bytes());
                h.update(part);
            }
        }
        for (path, bytes) in &self.statics {
            for part in [path.as_bytes(), bytes] {
                h.update(part.len().to_le_bytes());
                h.update(part);
            }
        }
    }
}

fn embedded_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out = Vec::new();
    for entry in dir.entries() {
        match entry {
            include_dir::DirEntry::Dir(d) => out.extend(embedded_files(d)),
            include_dir::DirEntry::File(f) => out.push(f),
        }
    }
    out.sort_by_key(|f| f.path());
    out
}

/// The files of a site theme folder: (name inside the folder, bytes, path for reports).
fn overlay(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<(String, Vec<u8>, String)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    for entry in WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !source::is_ignored(&e.file_name().to_string_lossy()))
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(format!("could not read theme folder: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = display_path(
            entry
                .path()
                .strip_prefix(dir)
                .expect("walkdir yields paths under its root"),
        );
        let shown = display_path(entry.path().strip_prefix(root).unwrap_or(entry.path()));
        match std::fs::read(entry.path()) {
            Ok(bytes) => out.push((rel, bytes, shown)),
            Err(e) => diags.push(crate::diag::io_error("read", Path::new(&shown), &e).in_file(&shown)),
        }
    }
    out
}

/// A Tera error as a diagnostic at the template's file and line.
fn template_error(
    e: &tera::Error,
    sources: &BTreeMap<String, (String, String)>,
    page_file: Option<&str>,
) -> Diagnostic {
    let help = match page_file {
        Some(f) => format!("this happened while rendering `{f}`; fix the template, or the page data it uses"),
        None => "fix the template syntax; see the Tera documentation for tags and filters".to_string(),
    };
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let (shown, text) = sources.get(r.filename()).map_or_else(
                || (r.filename().to_string(), String::new()),
                |(s, t)| (s.clone(), t.clone()),
            );
            let span = r.span();
            let len = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            Diagnostic::error(format!("template error: {}", r.message()))
                .in_file(shown)
                .at(Position::at_line(&text, span.start_line, span.start_col + 1, len))
                .help(help)
        }
        tera::ErrorKind::CircularInclude { include_chain, .. } if include_chain.len() >= 2 => {
            // Point at the include that closes the circle, in the template that makes it.
            let (last, from) = (
                &include_chain[include_chain.len() - 1],
                &include_chain[include_chain.len() - 2],
            );
            let (shown, text) = sources
                .get(from)
                .map_or_else(|| (from.clone(), String::new()), |(s, t)| (s.clone(), t.clone()));
            let chain = include_chain.join(" → ");
            let mut d = Diagnostic::error(format!("templates include each other in a circle: {chain}"))
                .in_file(shown)
                .help(format!(
                    "remove the include of `{last}` from `{from}`, or move the shared part into a third template"
                ));
            if let Some(at) = text.find(&format!("\"{last}\"")) {
                d = d.at(Position::at_byte(&text, at, last.len() + 2));
            }
            d
        }
        _ => {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            // Unknown filters, tests and functions come back as a rendered
            // report; read its location back so it names the real file.
            if let Some((message, name, line, col)) = located_report(&msg) {
                let (shown, text) = sources
                    .get(&name)
                    .map_or_else(|| (name.clone(), String::new()), |(s, t)| (s.clone(), t.clone()));
                return Diagnostic::error(format!("template error: {message}"))
                    .in_file(shown)
                    .at(Position::at_line(&text, line, col, 1))
                    .help(help);
            }
            Diagnostic::error(format!("template error: {msg}")).help(help)
        }
    }
}

/// `error: Unknown filter `x`` followed by `--> page.html:3:20`, as Tera
/// renders reports: (message, template, line, column).
fn located_report(text: &str) -> Option<(String, String, usize, usize)> {
    let mut lines = text.lines().map(str::trim);
    let message = lines.find_map(|l| l.strip_prefix("error: "))?.to_string();
    let location = lines.find_map(|l| l.strip_prefix("--> "))?;
    let mut parts = location.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?.to_string();
    Some((message, name, line, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_location_back_from_a_rendered_report() {
        let report = "error: Unknown filter `shout`\n --> page.html:3:20\n  |\n3 | x\n";
        assert_eq!(
            located_report(report),
            Some(("Unknown filter `shout`".into(), "page.html".into(), 3, 20))
        );
        assert_eq!(located_report("plain message"), None);
    }
}
