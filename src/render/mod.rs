//! Stage 4, RENDER: the site model to output files, each handed to a
//! [`sink::Sink`] as soon as it is made.
//!
//! Pages render in parallel; nothing here touches the disk except reading
//! content assets to copy. Template and component errors become
//! diagnostics at the file that caused them, in page order.

pub mod args;
pub mod components;
pub mod context;
pub mod dashboard;
pub mod fingerprint;
pub mod glossary;
pub mod goal_views;
pub mod history;
pub mod in_force;
pub mod metric_components;
pub mod metric_pages;
pub mod metric_views;
pub mod navigation;
pub mod print;
pub mod report;
mod report_changes;
pub mod sidebar;
pub mod sink;
pub mod terms;
pub mod theme;
pub mod typography;
pub mod versions;
pub mod views;

use std::path::PathBuf;

use rayon::prelude::*;
use serde_json::json;

use crate::diag::{Diagnostic, Diagnostics};
use crate::history::Annotations;
use crate::kind::Kind;
use crate::model::{PageId, Site};
use crate::parse::markdown::{PLACEHOLDER_OPEN, PlacedCall};
use sink::Sink;
use theme::Theme;

#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// Copied from this path when written.
    Copy(PathBuf),
}

#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative to the output folder, `/`-separated.
    pub path: String,
    pub content: Content,
}

impl OutputFile {
    fn text(path: impl Into<String>, text: String) -> OutputFile {
        OutputFile {
            path: path.into(),
            content: Content::Bytes(text.into_bytes()),
        }
    }
}

/// The output path of a page URL: `policies/x/` → `policies/x/index.html`.
pub fn output_path(url: &str) -> String {
    if url.ends_with(".html") {
        url.to_string()
    } else {
        format!("{url}index.html")
    }
}

pub const REGISTER_URL: &str = "register/";

/// A resolved site and what a render needs to know around it.
#[derive(Clone, Copy)]
pub struct Render<'a> {
    pub site: &'a Site,
    /// Page history and the other published versions; `None` without git.
    pub history: Option<&'a Annotations>,
}

/// Renders every page of the site, in parallel, in page order.
pub fn pages(
    r: Render<'_>,
    theme: &Theme,
    progress: &indicatif::ProgressBar,
    out: &dyn sink::Sink,
    diags: &mut Diagnostics,
) {
    progress.set_length(r.site.pages.len() as u64);
    let trees = sidebar::Trees::new(r.site);
    let failed: Vec<Vec<Diagnostic>> = (0..r.site.pages.len())
        .into_par_iter()
        .filter_map(|id| {
            let rendered = page(r, theme, &trees, id);
            progress.inc(1);
            rendered.map(|f| out.put(f)).err()
        })
        .collect();
    failed.into_iter().for_each(|d| diags.extend(d));
}

/// Makes the site-wide view (`site`: title, navigation…) visible to every template.
pub fn set_globals(r: Render<'_>, theme: &mut Theme, version: Option<String>) {
    theme.insert_global("site", &context::site_view(r.site, version));
    theme.insert_global("versions", &versions::view(r.history));
}

/// Every output that is not one page's own, search index aside: the
/// register, the 404 page, redirects, the sitemap, metric pages, theme
/// statics, content assets, and history pages and redlines.
/// `serve` renders these whole on every change and only pages selectively,
/// so anything derived from more than one page belongs here.
pub fn site_files(r: Render<'_>, theme: &Theme, out: &dyn Sink, diags: &mut Diagnostics) {
    let site = r.site;
    // The model refuses pages at the register's URL.
    if !site.register.is_empty() {
        match register(r, theme) {
            Ok(f) => out.put(f),
            Err(d) => diags.push(d),
        }
    }
    match not_found(site, theme) {
        Ok(f) => out.put(f),
        Err(d) => diags.push(d),
    }
    match glossary::file(r, theme) {
        Some(Ok(f)) => out.put(f),
        Some(Err(d)) => diags.push(d),
        None => {}
    }
    for (alias, &target) in &site.redirects {
        out.put(redirect(site, alias, target));
    }
    out.put(OutputFile::text("sitemap.xml", sitemap(site)));
    for (path, bytes) in &theme.statics {
        out.put(OutputFile {
            path: path.clone(),
            content: Content::Bytes(bytes.clone()),
        });
    }
    for a in &site.assets {
        out.put(OutputFile {
            path: a.rel.clone(),
            content: Content::Copy(a.abs.clone()),
        });
    }
    match print::policy_pack(r, theme) {
        Ok(pack) => pack.into_iter().for_each(|f| out.put(f)),
        Err(d) => diags.extend(d),
    }
    for f in metric_pages::files(site, theme, diags)
        .into_iter()
        .chain(in_force::files(r, theme, diags))
    {
        out.put(f);
    }
    history::files(site, r.history, theme, out, diags);
}

fn template_for(site: &Site, id: PageId, theme: &Theme) -> &'static str {
    let p = site.page(id);
    let name = if p.url().is_empty() {
        "home.html"
    } else if p.is_section() {
        "section.html"
    } else {
        match p.kind() {
            Kind::Page => "page.html",
            Kind::Policy => "policy.html",
            Kind::Playbook | Kind::Guide | Kind::Checklist | Kind::Faq | Kind::Clause => "playbook.html",
            Kind::Role => "role.html",
            Kind::Goal => "goal.html",
            Kind::Report => "report.html",
        }
    };
    if theme.has_template(name) { name } else { "page.html" }
}

/// Renders one page. Its output depends only on what reaches `theme`
/// (contexts, globals, templates), which `serve` fingerprints.
pub fn page(r: Render<'_>, theme: &Theme, trees: &sidebar::Trees, id: PageId) -> Result<OutputFile, Vec<Diagnostic>> {
    let site = r.site;
    let p = site.page(id);
    let root = context::root_for(p.url());
    let (mut view, as_of) = page_context(r, trees, id);
    if let Some(tree) = view.tree.take() {
        view.tree = Some(trees.with_branches(site, theme, id, &root, tree).map_err(|d| vec![d])?);
    }
    view.content = typography::keep_dates_whole(&body_with_components(site, theme, id, &root, as_of.as_ref())?);
    let history = history::page_view(site, r.history, id);
    if history.as_ref().is_some_and(|h| h.updated.is_some() || h.uncommitted) {
        view.toc
            .push(context::TocEntry::generated("page-history", "Page history"));
    }
    let mut ctx = theme.context();
    ctx.insert("page", &view);
    ctx.insert("root", &root);
    ctx.insert("history", &history);
    ctx.insert("in_force", &in_force::view(r, id));
    let html = theme
        .render(template_for(site, id, theme), &ctx, Some(&p.parsed.file))
        .map_err(|d| vec![d])?;
    Ok(OutputFile::text(output_path(p.url()), html))
}

/// A page's view as its template sees it, body aside; for a board report
/// also what it is computed as of, which the components in its body use.
pub fn page_context(r: Render<'_>, trees: &sidebar::Trees, id: PageId) -> (context::PageView, Option<report::AsOf>) {
    let site = r.site;
    let mut view = context::page_view(site, trees, id);
    view.edit_url = navigation::edit_url(site, r.history, id);
    let as_of = report::as_of(r, id);
    if let Some(rv) = &mut view.report {
        rv.cover = Some(print::cover(r, id));
        if let Some(a) = &as_of {
            let sections = report::sections(r, id, a);
            view.toc.extend(report::toc(&sections));
            rv.computed = Some(sections);
        }
    }
    (view, as_of)
}

/// The page body with each component call replaced by its rendered
/// template; in a report, components show what it is computed as of.
pub(crate) fn body_with_components(
    site: &Site,
    theme: &Theme,
    id: PageId,
    root: &str,
    as_of: Option<&report::AsOf>,
) -> Result<String, Vec<Diagnostic>> {
    let p = site.page(id);
    let body = &p.parsed.body;
    let html = terms::fill(site, id, &resolve_links(site, &p.links, &body.html.unpack()));
    if body.calls.is_empty() {
        return Ok(html);
    }
    let mut errors = Vec::new();
    let mut rendered: Vec<String> = Vec::with_capacity(body.calls.len());
    for call in body.calls.iter() {
        match component(site, theme, id, call, root, as_of) {
            Ok(out) => rendered.push(out),
            Err(d) => {
                errors.push(d);
                rendered.push(String::new());
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(fill_placeholders(&html, &rendered))
}

/// One component call rendered with its template; empty when it names
/// something this audience may not see (the model reported it).
fn component(
    site: &Site,
    theme: &Theme,
    id: PageId,
    call: &PlacedCall,
    root: &str,
    as_of: Option<&report::AsOf>,
) -> Result<String, Diagnostic> {
    let file = site.page(id).parsed.file.as_str();
    let name = &call.call.name;
    if crate::model::audience::hidden_in_call(&site.hidden, call).is_some() {
        return Ok(String::new());
    }
    if !theme.components.contains(name) {
        return Err(components::unknown(call, file, &theme.components));
    }
    let data = components::data(site, id, call, as_of).map_err(|msg| {
        Diagnostic::error(format!("bad call to `{name}`"))
            .in_file(file)
            .at(call.position.clone())
            .help(msg)
    })?;
    let mut ctx = theme.context();
    ctx.insert("args", &call.call.args);
    ctx.insert("data", &data);
    ctx.insert("root", root);
    ctx.insert("block", &call.block);
    let out = theme.render(&format!("components/{name}.html"), &ctx, Some(file))?;
    Ok(out.trim_end().to_string())
}

/// Puts each call's output where its placeholder is, in one pass over
/// the page (a page may hold thousands of calls).
fn fill_placeholders(html: &str, rendered: &[String]) -> String {
    const OPEN: &str = PLACEHOLDER_OPEN;
    let mut out = String::with_capacity(html.len() + rendered.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + OPEN.len()..];
        let end = after.find("-->");
        let n = end.and_then(|e| after[..e].parse::<usize>().ok());
        match (n.and_then(|n| rendered.get(n)), end) {
            (Some(r), Some(e)) => {
                out.push_str(r);
                rest = &after[e + 3..];
            }
            // Not ours: raw HTML that looks like it, kept as written.
            _ => {
                out.push_str(OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Puts the URLs the model found for `links` (a rendered body's) back into
/// its HTML (`href` and `src`); a link to a page that is not published loses
/// its `<a>` and stays as text.
fn resolve_links(site: &Site, links: &[crate::parse::links::Link], html: &str) -> String {
    use crate::parse::links::{Link, LinkTarget, PLACEHOLDER};
    const OPEN_A: &str = "<a href=\"";
    let published = |l: &Link| match &l.target {
        LinkTarget::Page { source, .. } => site.by_rel.contains_key(source),
        LinkTarget::File(rel) => !site.hidden.assets.contains_key(rel),
        _ => true,
    };
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(PLACEHOLDER) {
        let after = &rest[i + PLACEHOLDER.len()..];
        let num_end = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
        let link = after[..num_end].parse::<usize>().ok().and_then(|n| links.get(n));
        let in_a = rest[..i].ends_with(OPEN_A);
        // Only an attribute value is a placeholder; prose may quote the word.
        let in_attr = rest[..i].ends_with("href=\"") || rest[..i].ends_with("src=\"");
        match (link.filter(|_| in_attr), after.find('>'), after.find("</a>")) {
            (Some(l), _, _) if published(l) => {
                out.push_str(&rest[..i]);
                out.push_str(&crate::parse::markdown::escape_attr(&l.href));
                rest = &after[num_end..];
            }
            (Some(_), Some(tag_end), Some(close)) if in_a && close > tag_end => {
                out.push_str(&rest[..i - OPEN_A.len()]);
                out.push_str(&after[tag_end + 1..close]);
                rest = &after[close + 4..];
            }
            // An image this build does not publish: its text alternative stays.
            (Some(_), Some(tag_end), _) if rest[..i].ends_with("src=\"") && rest[..i].rfind("<img").is_some() => {
                let start = rest[..i].rfind("<img").expect("checked just before");
                out.push_str(&rest[..start]);
                out.push_str(&image_alt(&rest[start..i + PLACEHOLDER.len() + tag_end + 1]));
                rest = &after[tag_end + 1..];
            }
            _ => {
                out.push_str(&rest[..i + PLACEHOLDER.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `alt` of an `<img …>` tag, still escaped as the attribute was.
fn image_alt(tag: &str) -> String {
    tag.split_once(" alt=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or_else(String::new, |(alt, _)| alt.to_string())
}

fn register(r: Render<'_>, theme: &Theme) -> Result<OutputFile, Diagnostic> {
    let site = r.site;
    let root = context::root_for(REGISTER_URL);
    let mut ctx = theme.context();
    ctx.insert("root", &root);
    ctx.insert(
        "page",
        &json!({
            "title": "Policy register", "url": REGISTER_URL, "kind": "page", "toc": [], "breadcrumbs": [],
            "marking": print::marking(site, print::strictest(site, site.register.iter().map(|&id| site.page(id).audience.as_str()))),
        }),
    );
    ctx.insert("policies", &in_force::register_rows(r, &site.register));
    ctx.insert("policy_count", &site.register.len());
    let html = theme.render("register.html", &ctx, None)?;
    Ok(OutputFile::text(output_path(REGISTER_URL), html))
}

fn not_found(site: &Site, theme: &Theme) -> Result<OutputFile, Diagnostic> {
    // Served for any missing path, so links are relative to a `<base>` that
    // the template points at the site root: `base_url`'s path, or where a
    // script finds the site (from disk, or under another prefix).
    let mut ctx = theme.context();
    ctx.insert("root", "");
    ctx.insert("base_path", &crate::paths::base_path(&site.config.base_url));
    ctx.insert(
        "page",
        &json!({ "title": "Page not found", "url": "404.html", "kind": "page", "toc": [], "breadcrumbs": [] }),
    );
    let html = theme.render("404.html", &ctx, None)?;
    Ok(OutputFile::text("404.html", html))
}

fn redirect(site: &Site, alias: &str, target: PageId) -> OutputFile {
    let from_dir = if alias.ends_with(".html") {
        crate::paths::parent(alias).to_string() + "/"
    } else {
        alias.to_string()
    };
    let from_dir = from_dir.trim_start_matches('/');
    let to = crate::paths::relative(from_dir, site.page(target).url());
    let base = &site.config.base_url;
    let canonical = if base.is_empty() {
        to.clone()
    } else {
        format!("{base}/{}", site.page(target).url())
    };
    let canonical = crate::parse::markdown::escape_attr(&canonical);
    // With JavaScript the pretty URL over HTTP and `index.html` from disk,
    // keeping the `#fragment`; without it, `index.html`, which works on both.
    let js = |s: &str| serde_json::to_string(s).unwrap_or_default().replace("</", "<\\/");
    let script = format!(
        "location.replace((location.protocol === \"file:\" ? {} : {}) + location.hash)",
        js(&output_path(&to)),
        js(&to)
    );
    let file = crate::parse::markdown::escape_attr(&output_path(&to));
    let title = crate::parse::markdown::escape_attr(&site.page(target).title);
    let html = format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n<script>{script}</script>\n<noscript><meta http-equiv=\"refresh\" content=\"0; url={file}\"></noscript>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{file}\">{title}</a>.</p>\n</body>\n</html>\n",
        site.config.language
    );
    OutputFile::text(output_path(alias), html)
}

fn sitemap(site: &Site) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let base = &site.config.base_url;
    let mut urls: Vec<String> = site.pages.iter().map(|p| p.url().to_string()).collect();
    if !site.register.is_empty() {
        urls.push(REGISTER_URL.to_string());
    }
    if !site.terms.entries.is_empty() {
        urls.push(crate::model::terms::GLOSSARY_URL.to_string());
    }
    if !site.metrics.is_empty() {
        urls.push(metric_pages::INDEX_URL.to_string());
        urls.extend(site.metrics.keys().map(|id| metric_views::metric_url(id)));
    }
    urls.sort_unstable();
    urls.dedup();
    for url in urls {
        let loc = crate::parse::markdown::escape_attr(&format!("{base}/{url}"));
        out.push_str(&format!("  <url><loc>{loc}</loc></url>\n"));
    }
    out.push_str("</urlset>\n");
    out
}

/// Two sources writing one output path (a content file shadowing a theme
/// file, say) would lose one silently: each path given again is reported.
pub fn check_collisions<'a>(paths: impl IntoIterator<Item = &'a String>, diags: &mut Diagnostics) {
    let mut seen = std::collections::HashSet::new();
    for path in paths {
        if !seen.insert(path) {
            diags.push(sink::collision(path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths() {
        assert_eq!(output_path(""), "index.html");
        assert_eq!(output_path("policies/x/"), "policies/x/index.html");
        assert_eq!(output_path("old/page.html"), "old/page.html");
    }

    #[test]
    fn generated_urls_are_reserved_for_permalinks() {
        for url in [
            REGISTER_URL,
            metric_pages::INDEX_URL,
            metric_pages::JSON_PATH,
            crate::search::DIR,
            history::CHANGES_URL,
            history::FEED_PATH,
            "404.html",
            "sitemap.xml",
            "v/x/",
        ] {
            assert!(
                crate::paths::generated(url).is_some(),
                "`{url}` is not in paths::GENERATED"
            );
        }
    }
}
