//! The published versions of a build, each listed from the previous output
//! or read from its tag in git, and what is said about those left out.

use rayon::prelude::*;

use super::{Carry, Settings};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::history::set::{Facts, Source, Tag};
use crate::history::{self, History, Notice, Version};
use crate::model::{Audience, Site};
use crate::parse::{self, Parsed};
use crate::source;

/// Every published version of `history`, newest first, the order of the
/// version list, with whether it borrows the working tree's configuration:
/// listed when `carry` has its folder (linked later, see [`Carry::link`]),
/// else read from git through `shared`, which is let go of after.
pub(super) fn published(
    history: &History,
    settings: &Settings,
    shared: parse::Shared,
    carry: Option<&Carry>,
    diags: &mut Diagnostics,
) -> (Vec<Tag>, Vec<bool>) {
    let listed: Vec<_> = history
        .versions
        .par_iter()
        .rev()
        .map(|v| {
            let key = carry.map(|c| c.key(history, v));
            let listed = carry
                .zip(key.as_deref())
                .and_then(|(c, key)| c.listed(history, v, key, &settings.config));
            (key, listed)
        })
        .collect();
    history
        .versions
        .iter()
        .rev()
        .zip(listed)
        .filter_map(|(v, (key, listed))| listed.or_else(|| tag(history, v, settings, &shared, key, diags)))
        .unzip()
}

/// Stages 1–3 on a tag's tree, read from git with its own configuration,
/// or the working tree's for a tag made before there was one (then with
/// `true`); a page as in a tag already read is not parsed again. `key`
/// names what its folder will be made from. A tag that publishes no page is
/// left out with a warning: as an empty version it would only make every
/// page look added.
pub(super) fn tag(
    history: &History,
    version: &Version,
    settings: &Settings,
    shared: &parse::Shared,
    key: Option<String>,
    diags: &mut Diagnostics,
) -> Option<(Tag, bool)> {
    let mut d = Diagnostics::default();
    let history::versions::Tree {
        listing: mut tree,
        sources,
        assets,
    } = history::versions::read(history, version, &settings.config, &mut d);
    // The working tree's link levels apply to every version, so a class
    // downgraded today does not drop an old tag; so do its variables when
    // the tag defines none.
    tree.config.links = settings.config.links;
    if tree.config.variables.is_none() {
        tree.config.variables.clone_from(&settings.config.variables);
    }
    let name = &version.name;
    if !tree.has_content {
        diags.push(left_out(
            name,
            format!("it has no content folder `{}`", tree.content),
            format!(
                "casebook looked for `{}/` in the tag's tree; tags of another layout cannot be published with this configuration",
                tree.content
            ),
        ));
        return None;
    }
    // The tag's own audiences must include this build's.
    let mut tag_settings = settings.clone();
    match Audience::named(&tree.config, settings.resolve.audience.name()) {
        Ok(a) => tag_settings.resolve.audience = a,
        Err(e) => d.push(e.in_file(crate::config::FILE_NAME)),
    }
    let has_markdown = sources.iter().any(|s| s.kind == source::FileKind::Markdown);
    let blobs = tree.blobs();
    let parses = shared.files(sources, &tree.config);
    let parsed = parse::gather(&parses, &mut d);
    let today = tag_settings.resolve.today;
    // A tag's computed metrics end with the last quarter over when it was made.
    let tagged = jiff::Timestamp::from_second(history.log.commits[version.commit].time)
        .map_or(today, |t| tree.config.timezone.to_datetime(t).date());
    let source = Source {
        parses,
        config: tree.config,
        resolve: tag_settings.resolve,
        until: tagged.min(today),
    };
    let site = tag_site(history, version, parsed, &source, &mut d);
    if d.has_errors() {
        report_failed(&version.name, d, diags);
        return None;
    }
    if site.pages.iter().all(|p| p.implicit) {
        let why = if has_markdown {
            format!(
                "it has no page for audience `{}` in `{}`",
                source.resolve.audience, tree.content
            )
        } else {
            format!("its content folder `{}` has no page", tree.content)
        };
        let help = format!(
            "casebook read the Markdown files under `{}/` in the tag's tree",
            tree.content
        );
        diags.push(left_out(name, why, help));
        return None;
    }
    let tag = Tag {
        version: version.clone(),
        pages: Facts::of(&site),
        source: Some(source),
        assets,
        blobs,
        key,
    };
    Some((tag, tree.borrowed_config))
}

/// Stage 3 for a tag: its parsed files (`source`'s) resolved with its
/// computed metrics.
pub(super) fn tag_site(
    history: &History,
    version: &Version,
    parsed: Parsed,
    source: &Source,
    diags: &mut Diagnostics,
) -> Site {
    let mut site = crate::model::resolve(parsed, &source.config, &source.resolve, diags);
    history::reviews::fill(&mut site, Some((history, version.commit)), source.until, diags);
    site
}

/// The warning for a tag that is not published, and why.
fn left_out(tag: &str, why: String, help: String) -> Diagnostic {
    Diagnostic::warning(format!("version `{tag}` is left out: {why}")).help(format!(
        "{help}; narrow `versions.tags` in casebook.yaml to leave it out quietly"
    ))
}

/// Said once for the tags built with the working tree's configuration.
pub(super) fn borrowed_config_notice(tags: &[String]) -> Notice {
    let names: Vec<String> = tags.iter().map(|t| format!("`{t}`")).collect();
    let (these, have) = if tags.len() == 1 {
        ("version", "has")
    } else {
        ("versions", "have")
    };
    Notice {
        message: format!(
            "{these} {} {have} no casebook.yaml, so {} read with the working tree's configuration",
            names.join(", "),
            if tags.len() == 1 { "it is" } else { "they are" }
        ),
        help: "this is usual for tags made before the site used casebook; a tag with its own casebook.yaml is built with that one".into(),
    }
}

/// A tag's errors, each as a warning naming the tag.
pub(super) fn report_failed(tag: &str, d: Diagnostics, diags: &mut Diagnostics) {
    for e in d.items.into_iter().filter(Diagnostic::is_error) {
        let help = e.help.clone().unwrap_or_default();
        diags.push(Diagnostic {
            severity: Severity::Warning,
            message: format!("version `{tag}` is left out: {}", e.message),
            help: Some(format!(
                "{}{}this is the file as tagged `{tag}`; fix it in a new tag, or narrow `versions.tags` in casebook.yaml",
                help,
                if help.is_empty() { "" } else { "; " }
            )),
            ..e
        });
    }
}
