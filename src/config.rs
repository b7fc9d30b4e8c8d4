//! `casebook.yaml`: site configuration with documented defaults.
//!
//! Every key is optional; a folder without the file builds with the defaults
//! below. Unknown keys are errors with a did-you-mean, since a typo such as
//! `ouput_dir` would otherwise be silently ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::kind::Kind;
use crate::yaml;

pub const FILE_NAME: &str = "casebook.yaml";

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "organisation",
    "content_dir",
    "output_dir",
    "theme",
    "fiscal_year_start",
    "review_due_days",
    "status_tolerance",
    "audiences",
    "default_audience",
    "versions",
    "repo_url",
    "kinds",
    "version",
    "language",
    "publish",
    "safe_html",
    "edit_url",
    "favicon",
];

#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    organisation: Option<String>,
    content_dir: Option<String>,
    output_dir: Option<String>,
    theme: Option<String>,
    fiscal_year_start: Option<u32>,
    review_due_days: Option<u32>,
    status_tolerance: Option<f64>,
    audiences: Option<Vec<String>>,
    default_audience: Option<String>,
    versions: Option<RawVersions>,
    repo_url: Option<String>,
    kinds: Option<BTreeMap<String, String>>,
    version: Option<String>,
    language: Option<String>,
    publish: Option<Vec<String>>,
    safe_html: Option<bool>,
    edit_url: Option<String>,
    favicon: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersions {
    tags: String,
    keep: Option<usize>,
}

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
    /// Folder name → kind of the pages inside it.
    pub kinds: BTreeMap<String, Kind>,
    /// Shown in the footer; falls back to `git describe` when absent.
    pub version: Option<String>,
    pub language: String,
    /// Audiences `build` publishes, each into `<output_dir>/<audience>/`;
    /// empty for one build for `default_audience`.
    pub publish: Vec<String>,
    /// Sanitise raw HTML in Markdown (scripts, event handlers, `javascript:` URLs).
    pub safe_html: bool,
    /// "Edit this page" link; `{path}` is the source file's path in the repository.
    pub edit_url: Option<String>,
    /// The site icon: a file's path from the site root; the theme's own without it.
    pub favicon: Option<String>,
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
            kinds: default_kinds(),
            version: None,
            language: "en".into(),
            publish: Vec::new(),
            safe_html: false,
            edit_url: None,
            favicon: None,
        }
    }
}

fn default_kinds() -> BTreeMap<String, Kind> {
    [
        ("policies", Kind::Policy),
        ("roles", Kind::Role),
        ("goals", Kind::Goal),
        ("reports", Kind::Report),
        ("handbook", Kind::Playbook),
        ("playbooks", Kind::Playbook),
    ]
    .into_iter()
    .map(|(f, k)| (f.to_string(), k))
    .collect()
}

impl Config {
    /// Loads `casebook.yaml` from `root`, or the defaults when there is none.
    /// Problems are pushed to `diags`; the result is usable either way.
    pub fn load(root: &Path, diags: &mut Diagnostics) -> Config {
        let path = root.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Config::default(),
            Err(e) => {
                diags.push(crate::diag::io_error("read", &path, &e).in_file(FILE_NAME));
                return Config::default();
            }
        };
        Config::parse(&text, diags)
    }

    pub fn parse(text: &str, diags: &mut Diagnostics) -> Config {
        let map = match yaml::parse_map(text, FILE_NAME, text, 0) {
            Ok(m) => m,
            Err(d) => {
                diags.push(d);
                return Config::default();
            }
        };
        for (key, value) in &map {
            if !KEYS.contains(&key.as_str()) {
                let mut pos = yaml::position(value, text, 0);
                // Point at the key, which starts the line for top-level keys.
                pos.column = 1;
                pos.len = key.chars().count();
                diags.push(
                    Diagnostic::error(format!("unknown key `{key}` in {FILE_NAME}"))
                        .in_file(FILE_NAME)
                        .at(pos)
                        .help(suggest(
                            key,
                            KEYS.iter().copied(),
                            &format!("known keys: {}", KEYS.join(", ")),
                        )),
                );
            }
        }
        // Type errors are reported per key so one bad value does not hide the others.
        let mut raw = RawConfig::default();
        macro_rules! field {
            ($name:ident) => {
                if let Some(v) = map.get(stringify!($name)) {
                    match field_value(v, stringify!($name), text) {
                        Ok(x) => raw.$name = x,
                        Err(d) => diags.push(d),
                    }
                }
            };
        }
        field!(title);
        field!(description);
        field!(base_url);
        field!(organisation);
        field!(content_dir);
        field!(output_dir);
        field!(theme);
        field!(fiscal_year_start);
        field!(review_due_days);
        field!(status_tolerance);
        field!(audiences);
        field!(default_audience);
        field!(versions);
        field!(repo_url);
        field!(kinds);
        field!(version);
        field!(language);
        field!(publish);
        field!(safe_html);
        field!(edit_url);
        field!(favicon);
        validate(raw, &map, text, diags)
    }
}

/// `publish:` must list configured audiences, each once; an error points at
/// the offending name.
fn check_publish(
    publish: Vec<String>,
    audiences: &[String],
    map: &yaml::LocatedMap,
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<String> {
    let start = map.get("publish").map(|v| yaml::position(v, text, 0));
    let at = |name: &str| -> Option<crate::diag::Position> {
        let p = start.as_ref()?;
        let line_start: usize = text.split_inclusive('\n').take(p.line - 1).map(str::len).sum();
        let found = text[line_start..].find(name).map_or(line_start, |i| line_start + i);
        Some(crate::diag::Position::at_byte(text, found, name.len()))
    };
    let mut out: Vec<String> = Vec::new();
    for name in publish {
        let problem = if !audiences.contains(&name) {
            Some((
                format!("`publish` names unknown audience `{name}`"),
                suggest(
                    &name,
                    audiences.iter().map(String::as_str),
                    &format!("audiences: {}", audiences.join(", ")),
                ),
            ))
        } else if out.contains(&name) {
            Some((
                format!("`publish` names `{name}` twice"),
                "list each audience once".to_string(),
            ))
        } else {
            None
        };
        match problem {
            Some((msg, help)) => {
                let mut e = Diagnostic::error(msg).in_file(FILE_NAME).help(help);
                if let Some(p) = at(&name) {
                    e = e.at(p);
                }
                diags.push(e);
            }
            None => out.push(name),
        }
    }
    out
}

fn field_value<T: serde::de::DeserializeOwned>(v: &yaml::Located, key: &str, text: &str) -> Result<T, Diagnostic> {
    yaml::convert(v, key, FILE_NAME, text, 0).map_err(|d| d.help(help_for(key)))
}

fn help_for(key: &str) -> String {
    match key {
        "fiscal_year_start" => "a month number from 1 to 12, e.g. `fiscal_year_start: 7`".into(),
        "review_due_days" => "a number of days, e.g. `review_due_days: 30`".into(),
        "status_tolerance" => "a fraction of the target, e.g. `status_tolerance: 0.05` for 5%".into(),
        "audiences" => "a list, e.g. `audiences: [public, internal, board, legal-only]`".into(),
        "versions" => "e.g. `versions: {tags: \"handbook-*\", keep: 10}`".into(),
        "kinds" => "a map of folder to kind, e.g. `kinds: {Policies: policy}`".into(),
        "publish" => "a list of audiences to build, each into its own folder, e.g. `publish: [public, board]`".into(),
        "safe_html" => "`safe_html: true` or `safe_html: false`".into(),
        _ => format!("`{key}` takes a text value"),
    }
}

fn validate(mut raw: RawConfig, map: &yaml::LocatedMap, text: &str, diags: &mut Diagnostics) -> Config {
    let d = Config::default();
    let publish = check_publish(
        raw.publish.take().unwrap_or_default(),
        raw.audiences.as_ref().unwrap_or(&d.audiences),
        map,
        text,
        diags,
    );
    let at = |key: &str| map.get(key).map(|v| yaml::position(v, text, 0));
    let mut err = |key: &str, msg: String, help: &str| {
        let mut e = Diagnostic::error(msg).in_file(FILE_NAME).help(help);
        if let Some(p) = at(key) {
            e = e.at(p);
        }
        diags.push(e);
    };
    let RawConfig {
        title,
        description,
        base_url,
        organisation,
        content_dir,
        output_dir,
        theme,
        fiscal_year_start,
        review_due_days,
        status_tolerance,
        audiences,
        default_audience,
        versions,
        repo_url,
        kinds,
        version,
        language,
        publish: _,
        safe_html,
        edit_url,
        favicon,
    } = raw;

    let fiscal_year_start = match fiscal_year_start {
        Some(m @ 1..=12) => m,
        Some(m) => {
            err(
                "fiscal_year_start",
                format!("`fiscal_year_start` must be a month from 1 to 12, not {m}"),
                &help_for("fiscal_year_start"),
            );
            1
        }
        None => 1,
    };
    let status_tolerance = match status_tolerance {
        Some(t) if (0.0..1.0).contains(&t) => t,
        Some(t) => {
            err(
                "status_tolerance",
                format!("`status_tolerance` must be between 0 and 1, not {t}"),
                &help_for("status_tolerance"),
            );
            d.status_tolerance
        }
        None => d.status_tolerance,
    };
    let audiences = audiences.unwrap_or(d.audiences);
    if audiences.is_empty() {
        err(
            "audiences",
            "`audiences` must name at least one audience".into(),
            &help_for("audiences"),
        );
    }
    let default_audience = default_audience.unwrap_or_else(|| {
        if audiences.iter().any(|a| a == &d.default_audience) {
            d.default_audience.clone()
        } else {
            audiences.first().cloned().unwrap_or_default()
        }
    });
    if !audiences.is_empty() && !audiences.contains(&default_audience) {
        err(
            "default_audience",
            format!("default audience `{default_audience}` is not one of `audiences`"),
            &suggest(
                &default_audience,
                audiences.iter().map(String::as_str),
                &format!("audiences: {}", audiences.join(", ")),
            ),
        );
    }
    let mut kind_map = d.kinds;
    for (folder, kind) in kinds.unwrap_or_default() {
        match Kind::parse(&kind) {
            Some(k) => {
                kind_map.insert(folder, k);
            }
            None => err(
                "kinds",
                format!("unknown kind `{kind}` for folder `{folder}`"),
                &suggest(
                    &kind,
                    Kind::names(),
                    &format!("kinds: {}", Kind::names().collect::<Vec<_>>().join(", ")),
                ),
            ),
        }
    }
    let non_empty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let content_dir = non_empty(content_dir).map_or(d.content_dir, PathBuf::from);
    let output_dir = non_empty(output_dir).map_or(d.output_dir, PathBuf::from);
    if content_dir == output_dir {
        err(
            "output_dir",
            "`output_dir` and `content_dir` are the same folder".into(),
            "publish into a separate folder, e.g. `output_dir: public`",
        );
    }
    let edit_url = non_empty(edit_url);
    if edit_url.as_ref().is_some_and(|u| !u.contains("{path}")) {
        err(
            "edit_url",
            "`edit_url` has no `{path}`".into(),
            "put `{path}` where the file's path goes, e.g. `https://git.example/legal/handbook/edit/main/{path}`",
        );
    }
    Config {
        title: non_empty(title).unwrap_or(d.title),
        description: non_empty(description),
        base_url: non_empty(base_url)
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_default(),
        organisation: non_empty(organisation),
        content_dir,
        output_dir,
        theme: non_empty(theme).unwrap_or(d.theme),
        fiscal_year_start,
        review_due_days: review_due_days.map_or(d.review_due_days, i64::from),
        status_tolerance,
        audiences,
        default_audience,
        versions: versions.map(|v| Versions {
            tags: v.tags,
            keep: v.keep.unwrap_or(10),
        }),
        repo_url: non_empty(repo_url).map(|u| u.trim_end_matches('/').to_string()),
        kinds: kind_map,
        version: non_empty(version),
        language: non_empty(language).unwrap_or(d.language),
        publish,
        safe_html: safe_html.unwrap_or(false),
        edit_url,
        favicon: non_empty(favicon),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_keys_gives_documented_defaults() {
        let mut diags = Diagnostics::default();
        let c = Config::parse("", &mut diags);
        assert!(!diags.has_errors());
        assert_eq!(c.content_dir, PathBuf::from("content"));
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert_eq!(c.review_due_days, 30);
        assert_eq!(c.kinds["policies"], Kind::Policy);
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
            msgs.iter().any(|m| m.contains("`review_due_days` has the wrong type")),
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
        assert_eq!(c.kinds["Policies"], Kind::Policy);
    }
}
