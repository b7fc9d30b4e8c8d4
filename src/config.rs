//! `casebook.yaml`: site configuration with documented defaults.
//!
//! Every key is optional; a folder without the file builds with the defaults
//! below. Unknown keys are errors with a did-you-mean, since a typo such as
//! `ouput_dir` would otherwise be silently ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, Position, suggest};
use crate::kind::{Kind, Kinds};
use crate::metrics::format::QuarterFormat;
use crate::yaml::{self, Fields, Source};

pub mod links;
pub mod variables;

pub const FILE_NAME: &str = "casebook.yaml";

#[derive(Debug, Clone)]
pub struct Versions {
    pub tags: String,
    pub keep: usize,
}

/// The checked configuration every later stage reads.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    /// Without a trailing slash; empty when not configured.
    pub base_url: String,
    pub organisation: Option<String>,
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
    pub theme: String,
    pub fiscal_year_start: u32,
    pub review_due_days: i64,
    pub status_tolerance: f64,
    pub audiences: Vec<String>,
    pub default_audience: String,
    pub versions: Option<Versions>,
    pub repo_url: Option<String>,
    /// `kinds:` and `kind:`: the kind of a page by where it sits.
    pub kinds: Kinds,
    /// Which pages get a redline for each commit (`redlines:`).
    pub redlines: Redlines,
    /// `history: {details_from: …}`: the least audience shown commit
    /// subjects, bodies, authors, trailers and pull requests.
    pub details_from: String,
    /// Content-relative folder → the title of its section page, for
    /// folders whose `_index.md` gives none.
    pub section_titles: BTreeMap<String, SectionTitle>,
    /// Shown in the footer; falls back to `git describe` when absent.
    pub version: Option<String>,
    pub language: String,
    /// Audiences `build` publishes, each into `<output_dir>/<audience>/`;
    /// empty for one build for `default_audience`.
    pub publish: Vec<String>,
    /// Sanitise raw HTML in Markdown (scripts, event handlers, `javascript:` URLs).
    pub safe_html: bool,
    /// The zone of "today" and of every date shown (commit dates included).
    pub timezone: jiff::tz::TimeZone,
    /// "Edit this page" link; `{path}` is the source file's path in the repository.
    pub edit_url: Option<String>,
    /// The site icon: a file's path from the site root; the theme's own without it.
    pub favicon: Option<String>,
    /// How loud each class of link problem is.
    pub links: links::LinkPolicy,
    /// `{{ variables.x }}` in prose; `None` when not configured.
    pub variables: Option<variables::Variables>,
    /// How quarters are written for readers, e.g. `Q3 2026`.
    pub quarter_format: QuarterFormat,
    /// `pdf:` (paper, policy pack) and `markings:` per audience.
    pub print: crate::pdf::Settings,
    /// `numbered:`: kinds of page whose headings are numbered as clauses.
    pub numbered: Vec<Kind>,
    /// `clause_word:`: how a cross-reference names a numbered heading (`clause 2.1`).
    pub clause_word: String,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            title: "Legal handbook".into(),
            description: None,
            base_url: String::new(),
            organisation: None,
            content_dir: "content".into(),
            output_dir: "public".into(),
            theme: "default".into(),
            fiscal_year_start: 1,
            review_due_days: 30,
            status_tolerance: 0.05,
            audiences: ["public", "internal", "board", "legal-only"].map(String::from).to_vec(),
            default_audience: "internal".into(),
            versions: None,
            repo_url: None,
            kinds: Kinds::default(),
            redlines: Redlines::Policies,
            details_from: "internal".into(),
            section_titles: BTreeMap::new(),
            version: None,
            language: "en".into(),
            publish: Vec::new(),
            safe_html: false,
            timezone: jiff::tz::TimeZone::UTC,
            edit_url: None,
            favicon: None,
            links: links::LinkPolicy::default(),
            variables: None,
            quarter_format: QuarterFormat::default(),
            print: crate::pdf::Settings::default(),
            numbered: Vec::new(),
            clause_word: "clause".into(),
        }
    }
}

/// `redlines:` in casebook.yaml; a page's `redline: true|false` overrides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redlines {
    /// Policies only (the default).
    Policies,
    /// Every page that has a history.
    All,
    None,
}

/// One entry of `section_titles:`.
#[derive(Debug, Clone)]
pub struct SectionTitle {
    pub title: String,
    /// Where the folder is named, for a key that names no folder.
    pub at: Position,
}

impl Config {
    /// Loads `casebook.yaml` from `root`, or the defaults when there is none.
    /// Problems are pushed to `diags`; the result is usable either way.
    pub fn load(root: &Path, diags: &mut Diagnostics) -> Config {
        let path = root.join(FILE_NAME);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Config::default(),
            Err(e) => {
                let help = if path.is_dir() {
                    format!("`{FILE_NAME}` is a folder; the configuration is a YAML file of that name")
                } else {
                    "check the file's permissions".to_string()
                };
                diags.push(
                    crate::diag::io_error("read", Path::new(FILE_NAME), &e)
                        .in_file(FILE_NAME)
                        .help(help),
                );
                return Config::default();
            }
        };
        match crate::source::decode(bytes, FILE_NAME) {
            Ok(text) => Config::parse(&text, diags),
            Err(d) => {
                diags.push(d);
                Config::default()
            }
        }
    }

    pub fn parse(text: &str, diags: &mut Diagnostics) -> Config {
        let src = Source {
            file: FILE_NAME,
            full: text,
        };
        let root = match yaml::parse_map(text, src, 0) {
            Ok(n) => n,
            Err(d) => {
                diags.push(d);
                return Config::default();
            }
        };
        let mut f = Fields::new(root.as_ref(), src);
        let config = read(&mut f);
        diags.extend(f.finish(FILE_NAME));
        config
    }
}

/// Reads every key; each problem is reported at its place and the default
/// is used instead, so one bad value does not hide the others.
fn read(f: &mut Fields<'_>) -> Config {
    let d = Config::default();
    let text = |f: &mut Fields<'_>, key| f.text(key).filter(|s| !s.is_empty());
    let title = text(f, "title").unwrap_or_else(|| d.title.clone());
    let description = text(f, "description");
    let base_url = text(f, "base_url").map(|u| u.trim_end_matches('/').to_string());
    let organisation = text(f, "organisation");
    let (content_dir, output_dir) = folders(f);
    let theme = text(f, "theme").unwrap_or_else(|| d.theme.clone());
    let month = "a month number from 1 to 12, e.g. `fiscal_year_start: 7`";
    let fiscal_year_start = f.int("fiscal_year_start", 1..=12, month).map_or(1, |m| m as u32);
    let days = "a number of days, e.g. `review_due_days: 30`";
    let review_due_days = f.int("review_due_days", 0..=3660, days).unwrap_or(d.review_due_days);
    let tolerance = "a fraction of the target, e.g. `status_tolerance: 0.05` for 5%";
    let status_tolerance = f.fraction("status_tolerance", tolerance).unwrap_or(d.status_tolerance);
    let (audiences, default_audience, publish) = audiences(f, &d);
    let versions = f.nested("versions", "`versions`", |v| {
        let tags = v.text("tags").filter(|t| !t.is_empty());
        if let (Some(t), Some(n)) = (&tags, v.node("tags"))
            && let Err(e) = globset::Glob::new(t)
        {
            let why = e.kind().to_string();
            v.error(
                n,
                format!("`{t}` is not a valid glob: {why}"),
                "e.g. `tags: \"handbook-*\"`; `*` matches any run of characters, `?` one, `[abc]` one of them",
            );
        }
        let keep = v.int("keep", 1..=1000, "how many tags to publish, e.g. `keep: 10`");
        match tags {
            Some(tags) => Some(Versions {
                tags,
                keep: keep.map_or(10, |k| k as usize),
            }),
            None => {
                v.missing(
                    "`versions` has no `tags` pattern",
                    "e.g. `versions: {tags: \"handbook-*\", keep: 10}`",
                );
                None
            }
        }
    });
    let repo_url = text(f, "repo_url").map(|u| u.trim_end_matches('/').to_string());
    let kinds = crate::kind::read(f, d.kinds, &content_dir);
    let redlines = redlines(f);
    let details_from = details_from(f, &audiences, &default_audience);
    let section_titles = section_titles(f, &content_dir);
    let version = text(f, "version");
    let language = text(f, "language").unwrap_or(d.language);
    let safe_html = f.bool("safe_html").unwrap_or(false);
    let timezone = timezone(f);
    let edit_url = text(f, "edit_url");
    if edit_url.as_ref().is_some_and(|u| !u.contains("{path}"))
        && let Some(n) = f.node("edit_url")
    {
        f.error(
            n,
            "`edit_url` has no `{path}`",
            "put `{path}` where the file's path goes, e.g. `https://git.example/legal/handbook/edit/main/{path}`",
        );
    }
    let favicon = text(f, "favicon");
    let links = links::read(f);
    let variables = variables::read(f);
    let quarter_format = quarter_format(f);
    let print = crate::pdf::Settings::read(f, &audiences);
    let numbered = crate::parse::numbering::read_kinds(f);
    let clause_word = text(f, "clause_word").unwrap_or(d.clause_word);
    Config {
        title,
        description,
        base_url: base_url.unwrap_or_default(),
        organisation,
        content_dir,
        output_dir,
        theme,
        fiscal_year_start,
        review_due_days,
        status_tolerance,
        audiences,
        default_audience,
        versions: versions.flatten(),
        repo_url,
        kinds,
        redlines,
        details_from,
        section_titles,
        version,
        language,
        publish,
        safe_html,
        timezone,
        edit_url,
        favicon,
        links,
        variables,
        quarter_format,
        print,
        numbered,
        clause_word,
    }
}

fn quarter_format(f: &mut Fields<'_>) -> QuarterFormat {
    let Some(n) = f.node("quarter_format") else {
        return QuarterFormat::default();
    };
    match QuarterFormat::parse(n.text().unwrap_or_default()) {
        Ok(q) => q,
        Err(msg) => {
            let help = "`{q}` is the quarter's number, `{year}` the year, `{yy}` its last two digits, e.g. `quarter_format: \"Q{q} {year}\"`";
            f.error(n, msg, help);
            QuarterFormat::default()
        }
    }
}

/// An IANA zone from the bundled database, so every machine reads the same rules.
fn timezone(f: &mut Fields<'_>) -> jiff::tz::TimeZone {
    let Some((name, _)) = f.id("timezone", "Europe/Berlin") else {
        return jiff::tz::TimeZone::UTC;
    };
    let db = jiff::tz::TimeZoneDatabase::bundled();
    match db.get(&name) {
        Ok(tz) => tz,
        Err(_) => {
            let node = f.node("timezone").expect("read just before");
            let names: Vec<String> = db.available().map(|n| n.as_str().to_string()).collect();
            let help = suggest(
                &name,
                names.iter().map(String::as_str),
                "write an IANA zone name, e.g. `timezone: Europe/Berlin` or `timezone: America/New_York`",
            );
            f.error(node, format!("unknown time zone `{name}`"), help);
            jiff::tz::TimeZone::UTC
        }
    }
}

fn folders(f: &mut Fields<'_>) -> (PathBuf, PathBuf) {
    let d = Config::default();
    let content_dir = f
        .text("content_dir")
        .filter(|s| !s.is_empty())
        .map_or(d.content_dir, PathBuf::from);
    let out_node = f.node("output_dir");
    let output_dir = f
        .text("output_dir")
        .filter(|s| !s.is_empty())
        .map_or(d.output_dir, PathBuf::from);
    if content_dir == output_dir
        && let Some(n) = out_node
    {
        f.error(
            n,
            "`output_dir` and `content_dir` are the same folder",
            "publish into a separate folder, e.g. `output_dir: public`",
        );
    }
    (content_dir, output_dir)
}

/// `audiences`, `default_audience` and `publish`, which name each other.
fn audiences(f: &mut Fields<'_>, d: &Config) -> (Vec<String>, String, Vec<String>) {
    let list_help = "a list, e.g. `audiences: [public, internal, board, legal-only]`";
    let node = f.node("audiences");
    let mut audiences: Vec<String> = Vec::new();
    for (name, pos) in f.texts("audiences", list_help) {
        if audiences.contains(&name) {
            f.diags.push(
                Diagnostic::error(format!("audience `{name}` is listed twice"))
                    .in_file(FILE_NAME)
                    .at(pos)
                    .help("list each audience once, from the widest to the most restricted"),
            );
        } else if !name.is_empty() {
            audiences.push(name);
        }
    }
    match node {
        None => audiences = d.audiences.clone(),
        Some(n) if audiences.is_empty() => {
            f.error(n, "`audiences` must name at least one audience", list_help);
            audiences = d.audiences.clone();
        }
        Some(_) => {}
    }
    let all = format!("audiences: {}", audiences.join(", "));
    let default_audience = match f.id("default_audience", "internal") {
        Some((name, _)) if audiences.contains(&name) => name,
        Some((name, pos)) => {
            let help = suggest(&name, audiences.iter().map(String::as_str), &all);
            f.diags.push(
                Diagnostic::error(format!("default audience `{name}` is not one of `audiences`"))
                    .in_file(FILE_NAME)
                    .at(pos)
                    .help(help),
            );
            audiences[0].clone()
        }
        None if audiences.contains(&d.default_audience) => d.default_audience.clone(),
        None => audiences[0].clone(),
    };
    let publish_help = "a list of audiences to build, each into its own folder, e.g. `publish: [public, board]`";
    let mut publish: Vec<String> = Vec::new();
    for (name, pos) in f.texts("publish", publish_help) {
        let problem = if !audiences.contains(&name) {
            Some((
                format!("`publish` names unknown audience `{name}`"),
                suggest(&name, audiences.iter().map(String::as_str), &all),
            ))
        } else if publish.contains(&name) {
            Some((
                format!("`publish` names `{name}` twice"),
                "list each audience once".to_string(),
            ))
        } else {
            None
        };
        match problem {
            Some((msg, help)) => f
                .diags
                .push(Diagnostic::error(msg).in_file(FILE_NAME).at(pos).help(help)),
            None => publish.push(name),
        }
    }
    (audiences, default_audience, publish)
}

/// `history: {details_from: <audience>}`; by default `internal`, or the
/// default audience when no audience is called `internal`.
fn details_from(f: &mut Fields<'_>, audiences: &[String], default_audience: &str) -> String {
    let fallback = || {
        let internal = audiences.iter().find(|a| *a == "internal");
        internal.map_or_else(|| default_audience.to_string(), String::clone)
    };
    let named = f.nested("history", "`history`", |h| {
        let (name, pos) = h.id("details_from", "internal")?;
        if audiences.contains(&name) {
            return Some(name);
        }
        let all = format!("audiences: {}", audiences.join(", "));
        h.diags.push(
            Diagnostic::error(format!("`details_from` names unknown audience `{name}`"))
                .in_file(FILE_NAME)
                .at(pos)
                .help(suggest(&name, audiences.iter().map(String::as_str), &all)),
        );
        None
    });
    named.flatten().unwrap_or_else(fallback)
}

fn redlines(f: &mut Fields<'_>) -> Redlines {
    let Some((name, pos)) = f.id("redlines", "all") else {
        return Redlines::Policies;
    };
    match name.as_str() {
        "policies" => Redlines::Policies,
        "all" => Redlines::All,
        "none" => Redlines::None,
        _ => {
            f.diags.push(
                Diagnostic::error(format!("unknown `redlines` value `{name}`"))
                    .in_file(FILE_NAME)
                    .at(pos)
                    .help(suggest(
                        &name,
                        ["policies", "all", "none"],
                        "write `redlines: policies` (the default), `redlines: all` or `redlines: none`",
                    )),
            );
            Redlines::Policies
        }
    }
}

/// `section_titles:`, folder → title, keyed by the content-relative folder.
fn section_titles(f: &mut Fields<'_>, content_dir: &Path) -> BTreeMap<String, SectionTitle> {
    let content = crate::diag::display_path(content_dir);
    let help = "a map of folder to title, e.g. `section_titles: {acme-terms: ACME terms}`";
    let mut out = BTreeMap::new();
    for (key, value) in f.entries("section_titles", help) {
        match (key.text(), value.text().map(str::trim)) {
            (Some(folder), Some(title)) if !title.is_empty() && value.entries().is_none() => {
                let title = SectionTitle {
                    title: title.to_string(),
                    at: f.pos(key),
                };
                out.insert(crate::paths::config_key(folder, &content), title);
            }
            _ => f.wrong("section_titles", value, "a title", help),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;

    #[test]
    fn no_keys_gives_documented_defaults() {
        let mut diags = Diagnostics::default();
        let c = Config::parse("", &mut diags);
        assert!(!diags.has_errors());
        assert_eq!(c.content_dir, PathBuf::from("content"));
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert_eq!(c.review_due_days, 30);
        assert_eq!(c.kinds.of("policies/x.md"), Kind::Policy);
        assert_eq!(c.redlines, Redlines::Policies);
    }

    #[test]
    fn unknown_key_is_an_error_with_suggestion_and_line() {
        let mut diags = Diagnostics::default();
        let text = "title: Acme Legal\nouput_dir: site\n";
        let c = Config::parse(text, &mut diags);
        let e = &diags.items[0];
        assert_eq!(e.message, "unknown key `ouput_dir` in casebook.yaml");
        assert_eq!(e.position.as_ref().unwrap().line, 2);
        assert!(e.help.as_ref().unwrap().starts_with("did you mean `output_dir`?"));
        assert_eq!(c.title, "Acme Legal");
    }

    #[test]
    fn wrong_types_and_ranges_are_reported_per_key() {
        let mut diags = Diagnostics::default();
        let text = "fiscal_year_start: 13\nreview_due_days: soon\nkinds: {Policies: polcy}\n";
        let c = Config::parse(text, &mut diags);
        let msgs: Vec<_> = diags.items.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("from 1 to 12")), "{msgs:?}");
        assert!(
            msgs.iter()
                .any(|m| m == &"`review_due_days` must be a whole number, found `soon`"),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("unknown kind `polcy`")), "{msgs:?}");
        assert_eq!(c.fiscal_year_start, 1);
    }

    #[test]
    fn publish_names_configured_audiences_once() {
        let mut diags = Diagnostics::default();
        let c = Config::parse("safe_html: true\npublish: [public, bord, public]\n", &mut diags);
        assert!(c.safe_html);
        assert_eq!(c.publish, ["public"]);
        let msgs: Vec<_> = diags.items.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`publish` names unknown audience `bord`",
                "`publish` names `public` twice"
            ]
        );
        let p = diags.items[0].position.as_ref().unwrap();
        assert_eq!((p.line, p.column), (2, 19));
        assert!(
            diags.items[0]
                .help
                .as_ref()
                .unwrap()
                .starts_with("did you mean `board`?")
        );
    }

    #[test]
    fn content_dir_can_be_an_existing_folder_name() {
        let mut diags = Diagnostics::default();
        let c = Config::parse("content_dir: Policies\nkinds: {Policies: policy}\n", &mut diags);
        assert!(!diags.has_errors(), "{:?}", diags.items);
        assert_eq!(c.content_dir, PathBuf::from("Policies"));
        assert_eq!(
            c.kinds.of("privacy/x.md"),
            Kind::Policy,
            "the content folder's own name is all of it"
        );
    }
}
