//! `casebook serve`: the incremental engine against full builds on random
//! edit sequences, and the real server on a free port: pages from memory,
//! edits, live reload over the WebSocket, the error overlay, path escapes,
//! the 404 page, a taken port, Ctrl-C, and a headless Chromium reloading.
//! What the server refuses is in [`guard`].

mod early;
mod guard;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;

use casebook::BuildOptions;
use casebook::diag::Diagnostics;
use casebook::render::Content;
use casebook::serve::fresh::{Fresh, Preview};
use casebook::serve::state::{Early, Files, Outside, State};

use crate::harness::{SiteTest, TODAY, main_of, repo_root};

/// A small site touching every kind of page, a metric, components and an asset.
const SITE: &[(&str, &str)] = &[
    (
        "casebook.yaml",
        "title: Serve Test Legal\nbase_url: https://legal.example\n",
    ),
    (
        "content/_index.md",
        "---\ntitle: Home\n---\nWelcome to the handbook.\n\n{{ policy_list(status=\"effective\") }}\n",
    ),
    (
        "content/policies/_index.md",
        "---\ntitle: Policies\n---\nEvery policy we keep.\n",
    ),
    (
        "content/policies/alpha.md",
        "---\ntitle: Alpha policy\nkind: policy\nowner: legal-ops\napprover: general-counsel\neffective: 2026-01-01\nreview_every: 12 months\n---\nAlpha says what to do.\n\n## Scope\n\nEveryone.\n",
    ),
    (
        "content/policies/beta.md",
        "---\ntitle: Beta policy\nowner: general-counsel\neffective: 2025-01-01\nreview_every: 12 months\n---\nBeta builds on [Alpha](alpha.md#scope).\n",
    ),
    (
        "content/handbook/contracts/nda.md",
        "---\ntitle: NDA playbook\nowner: legal-ops\n---\nHow we sign NDAs; see [Beta](../../policies/beta.md).\n",
    ),
    (
        "content/roles/legal-ops.md",
        "---\nid: legal-ops\ntitle: Head of Legal Operations\nreports_to: general-counsel\nholder: Priya Raman\nraci:\n  Review invoices: A\n---\nRuns legal as a business.\n",
    ),
    (
        "content/roles/general-counsel.md",
        "---\ntitle: General Counsel\nholder: Sam Okafor\nraci:\n  Review invoices: I\n---\nLeads the department.\n",
    ),
    (
        "content/goals/spend.md",
        "---\ntitle: Lower spend\nowners: [legal-ops, general-counsel]\ndue: 2026-Q4\nkey_results:\n  - metric: spend\n    target: 100\n    by: 2026-Q4\n---\nSpend less outside.\n",
    ),
    (
        "content/metrics/spend.yaml",
        "title: Outside spend\nunit: USD\nbetter: lower\nowner: legal-ops\ngoal: spend\ntarget: 100\nvalues:\n  2026-Q1: 120\n  2026-Q2: 110\n  2026-Q3: 105\n",
    ),
    (
        "content/reports/2026-q3.md",
        "---\ntitle: Board report Q3\nquarter: 2026-Q3\nauthor: legal-ops\n---\nThe quarter.\n\n{{ kpi(metric=\"spend\", quarter=\"2026-Q3\") }}\n\n{{ chart(metric=\"spend\", kind=\"trend\") }}\n\n{{ raci() }}\n",
    ),
    ("content/assets/note.txt", "a note\n"),
];

fn site() -> SiteTest {
    SiteTest::with_files(SITE)
}

fn options() -> BuildOptions {
    BuildOptions {
        today: Some(TODAY.parse().expect("TODAY is a date")),
        ..BuildOptions::default()
    }
}

// ---------------------------------------------------------------------------
// The incremental engine equals a full build

#[derive(Debug, Clone)]
enum Edit {
    Body(usize, usize),
    Title(usize, usize),
    Add(usize, usize),
    AddInNewFolder(usize),
    Delete(usize),
    Rename(usize, usize),
    Break(usize),
    NotUtf8(usize),
    Role(usize),
    Template(usize),
    Static(usize),
    Metric(usize),
    Asset(usize),
    Config(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let n = || 0..64usize;
    prop_oneof![
        4 => (n(), n()).prop_map(|(a, b)| Edit::Body(a, b)),
        3 => (n(), n()).prop_map(|(a, b)| Edit::Title(a, b)),
        2 => (n(), n()).prop_map(|(a, b)| Edit::Add(a, b)),
        1 => n().prop_map(Edit::AddInNewFolder),
        2 => n().prop_map(Edit::Delete),
        2 => (n(), n()).prop_map(|(a, b)| Edit::Rename(a, b)),
        1 => n().prop_map(Edit::Break),
        1 => n().prop_map(Edit::NotUtf8),
        2 => n().prop_map(Edit::Role),
        4 => n().prop_map(Edit::Template),
        1 => n().prop_map(Edit::Static),
        2 => n().prop_map(Edit::Metric),
        1 => n().prop_map(Edit::Asset),
        1 => n().prop_map(Edit::Config),
    ]
}

const BODIES: &[&str] = &[
    "A new paragraph.\n",
    "## Duties\n\nWhat to do.\n\n## Exceptions\n\nNone.\n",
    "See [Alpha](/policies/alpha/) and [the NDA playbook](../handbook/contracts/nda.md).\n",
    "Policies owned by legal ops:\n\n{{ policy_list(owner=\"legal-ops\") }}\n",
    "A [broken link](missing.md).\n",
    "Spend this quarter: {{ kpi(metric=\"spend\", quarter=\"2026-Q3\") }}\n",
];

const TITLES: &[&str] = &["Renamed page", "Zeta", "Alpha policy", "A & B <tricky>"];

const FOLDERS: &[&str] = &["policies", "handbook/contracts", "roles", "goals", "handbook"];

const NEW_PAGES: &[&str] = &[
    "---\ntitle: Gamma policy\nkind: policy\nowner: legal-ops\neffective: 2026-06-01\nreview_every: 6 months\n---\nGamma.\n",
    "---\ntitle: Fresh page\nweight: 1\n---\nFresh.\n",
    "# Heading only\n\nNo front matter here.\n",
    "---\ntitle: Draft page\ndraft: true\n---\nNot yet.\n",
];

/// Applies an edit to the site's files; returns the paths a watcher would report.
fn perform(root: &Path, e: &Edit) -> Vec<PathBuf> {
    let pages = markdown_pages(root);
    let pick = |i: usize| pages.get(i % pages.len().max(1)).cloned();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("create folder");
        std::fs::write(&path, text).expect("write");
        path
    };
    match *e {
        Edit::Body(i, v) => pick(i).map_or_else(Vec::new, |rel| {
            let text = read(root, &rel);
            vec![write(&rel, &format!("{text}\n{}", BODIES[v % BODIES.len()]))]
        }),
        Edit::Title(i, v) => pick(i).map_or_else(Vec::new, |rel| {
            let title = TITLES[v % TITLES.len()];
            let text = read(root, &rel);
            let text = match text.strip_prefix("---\n") {
                Some(rest) if rest.contains("\ntitle:") || rest.starts_with("title:") => text
                    .lines()
                    .map(|l| {
                        if l.starts_with("title:") {
                            format!("title: \"{title}\"")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                Some(rest) => format!("---\ntitle: \"{title}\"\n{rest}"),
                None => format!("---\ntitle: \"{title}\"\n---\n{text}"),
            };
            vec![write(&rel, &text)]
        }),
        Edit::Add(f, v) => {
            let folder = FOLDERS[f % FOLDERS.len()];
            vec![write(
                &format!("content/{folder}/new-{v}.md"),
                NEW_PAGES[v % NEW_PAGES.len()],
            )]
        }
        Edit::AddInNewFolder(v) => {
            write(&format!("content/area-{v}/sub/page.md"), NEW_PAGES[v % NEW_PAGES.len()]);
            // A watcher sees the folder appear, not the file inside it.
            vec![root.join(format!("content/area-{v}"))]
        }
        Edit::Delete(i) => pick(i).map_or_else(Vec::new, |rel| {
            std::fs::remove_file(root.join(&rel)).expect("remove");
            vec![root.join(rel)]
        }),
        Edit::Rename(i, v) => pick(i).map_or_else(Vec::new, |rel| {
            let to = format!("content/{}/moved-{v}.md", FOLDERS[v % FOLDERS.len()]);
            std::fs::create_dir_all(root.join(&to).parent().expect("a folder")).expect("create folder");
            std::fs::rename(root.join(&rel), root.join(&to)).expect("rename");
            vec![root.join(rel), root.join(to)]
        }),
        Edit::Break(i) => pick(i).map_or_else(Vec::new, |rel| {
            vec![write(&rel, "---\ntitle: [unclosed\n---\nBroken.\n")]
        }),
        Edit::NotUtf8(i) => pick(i).map_or_else(Vec::new, |rel| {
            std::fs::write(root.join(&rel), b"---\ntitle: Caf\xe9\n---\n").expect("write");
            vec![root.join(rel)]
        }),
        Edit::Role(v) => {
            let holder = ["Ada Lovelace", "Grace Hopper", "Priya Raman"][v % 3];
            let title = ["Head of Legal Operations", "Legal Ops Lead"][v % 2];
            vec![write(
                "content/roles/legal-ops.md",
                &format!(
                    "---\nid: legal-ops\ntitle: {title}\nreports_to: general-counsel\nholder: {holder}\nraci:\n  Review invoices: R\n---\nRuns legal.\n"
                ),
            )]
        }
        Edit::Template(v) => {
            let (name, text) = match v % 9 {
                0 => ("policy.html", None),
                1 => ("policy.html", Some(mark_template(&builtin("policy.html"), v))),
                2 => ("base.html", Some(mark_template(&builtin("base.html"), v))),
                3 => ("base.html", None),
                // Included by other templates, never rendered on its own.
                4 => (
                    "partials/status.html",
                    Some(format!("{}<!-- {v} -->", builtin("partials/status.html"))),
                ),
                5 => ("partials/status.html", None),
                6 => (
                    "components/policy_list.html",
                    Some(format!("{}<!-- {v} -->", builtin("components/policy_list.html"))),
                ),
                7 => (
                    "page.html",
                    Some("{% extends \"base.html\" %}{% block nope %}{% if %}{% endblock nope %}".into()),
                ),
                _ => ("page.html", None),
            };
            let rel = format!("themes/default/templates/{name}");
            match text {
                Some(t) => vec![write(&rel, &t)],
                None => {
                    let _ = std::fs::remove_file(root.join(&rel));
                    vec![root.join(rel)]
                }
            }
        }
        Edit::Static(v) => vec![write(
            "themes/default/static/css/extra.css",
            &format!("body {{ order: {v}; }}\n"),
        )],
        Edit::Metric(v) => {
            let text = if v % 5 == 4 {
                "title: Outside spend\nunit: USD\nvalues: [oops\n".to_string()
            } else {
                format!(
                    "title: Outside spend\nunit: USD\nbetter: lower\nowner: legal-ops\ngoal: spend\ntarget: {}\nvalues:\n  2026-Q1: 120\n  2026-Q2: {}\n  2026-Q3: {}\n",
                    100 + v % 3,
                    90 + v,
                    80 + 2 * v
                )
            };
            vec![write("content/metrics/spend.yaml", &text)]
        }
        Edit::Asset(v) => vec![write("content/assets/note.txt", &format!("note {v}\n"))],
        Edit::Config(v) => vec![write(
            "casebook.yaml",
            &format!("title: Serve Test Legal {}\nbase_url: https://legal.example\n", v % 3),
        )],
    }
}

fn markdown_pages(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = crate::harness::tree(&root.join("content"))
        .into_keys()
        .filter(|p| p.ends_with(".md"))
        .map(|p| format!("content/{p}"))
        .collect();
    out.sort();
    out
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_default()
}

fn builtin(name: &str) -> String {
    let path = repo_root().join("themes/default/templates").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The template with a comment inside its first block.
fn mark_template(text: &str, v: usize) -> String {
    match text
        .find("{% block ")
        .and_then(|b| text[b..].find("%}").map(|e| b + e + 2))
    {
        Some(end) => format!("{}<!-- edit {v} -->{}", &text[..end], &text[end..]),
        None => format!("{text}<!-- edit {v} -->"),
    }
}

/// The engine's files after `paths` changed, or its diagnostics.
fn incremental(state: &mut State, paths: &[PathBuf]) -> Result<(BTreeMap<String, Vec<u8>>, String), String> {
    incremental_previewed(state, paths, None)
}

/// Like [`incremental`]; with `previews`, each preview the update made is
/// first checked against the update's own files.
fn incremental_previewed(
    state: &mut State,
    paths: &[PathBuf],
    previews: Option<&Previews>,
) -> Result<(BTreeMap<String, Vec<u8>>, String), String> {
    let before = state.files();
    let update = state.apply(paths).map_err(|d| d.render());
    for p in previews.map(take).unwrap_or_default() {
        if update.is_ok() {
            pages_as_built(&p, &state.files(), &before)?;
        }
    }
    let update = update?;
    if update.early == Some(Early::Differed) {
        return Err("the page shown early differs from the update's".into());
    }
    state.finish().map_err(|d| d.render())?;
    let files = state
        .files()
        .iter()
        .map(|(p, b)| (p.clone(), b.bytes().to_vec()))
        .collect();
    Ok((files, update.warnings.render()))
}

type Previews = Arc<Mutex<Vec<Preview>>>;

/// Keeps every preview the engine hands out.
fn recorder() -> (Previews, Box<dyn FnMut(Preview) + Send>) {
    let kept = Previews::default();
    let into = Arc::clone(&kept);
    (kept, Box::new(move |p| into.lock().expect("not poisoned").push(p)))
}

fn take(previews: &Previews) -> Vec<Preview> {
    std::mem::take(&mut *previews.lock().expect("not poisoned"))
}

/// Every page the preview serves is byte for byte the finished update's,
/// and no page it hides is still in the update; a page shown early, over
/// the files of the build `before`, is the update's page.
fn pages_as_built(p: &Preview, built: &Files, before: &Files) -> Result<(), String> {
    let Some(fresh) = &p.fresh else {
        let shown: Vec<&String> = (p.files.iter())
            .filter(|(k, b)| before.get(*k) != Some(b))
            .map(|(k, _)| k)
            .collect();
        return match shown[..] {
            [] => Ok(()),
            [path] if built.get(path) == p.files.get(path) => Ok(()),
            _ => Err(format!("shown early otherwise than the update: {shown:?}")),
        };
    };
    for path in fresh.pages() {
        let served = fresh.get(path).ok_or(format!("the preview cannot render `{path}`"))?;
        if built.get(path) != Some(&served) {
            return Err(format!("the preview serves `{path}` otherwise than the update"));
        }
    }
    match p.files.keys().find(|k| fresh.gone(k) && built.contains_key(*k)) {
        Some(k) => Err(format!("the preview hides `{k}`, which the update serves")),
        None => Ok(()),
    }
}

/// What a preview serves at each path: its pages over its files.
fn previewed(p: &Preview) -> Files {
    let Some(fresh) = &p.fresh else {
        return (*p.files).clone();
    };
    let mut out: Files = (p.files.iter())
        .filter(|(k, _)| !fresh.gone(k))
        .map(|(k, b)| (k.clone(), b.clone()))
        .collect();
    for path in fresh.pages() {
        out.insert(
            path.to_string(),
            fresh.get(path).expect("a page of a good build renders"),
        );
    }
    out
}

/// The preview of the rebuild among an update's previews, past any early one.
fn rebuilt(shown: &[Preview]) -> &Fresh {
    let fresh = shown.iter().filter_map(|p| p.fresh.as_deref()).collect::<Vec<_>>();
    assert_eq!(fresh.len(), 1, "one rebuild preview per update");
    fresh[0]
}

/// A full build's files, or its diagnostics.
fn full(root: &Path) -> Result<(BTreeMap<String, Vec<u8>>, String), String> {
    let memory = casebook::render::sink::Memory::default();
    let built = casebook::build(root, &options(), &memory).map_err(|d: Diagnostics| d.render())?;
    let files = memory
        .into_files()
        .into_iter()
        .map(|f| {
            let bytes = match f.content {
                Content::Bytes(b) => b,
                Content::Copy(p) => std::fs::read(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display())),
            };
            (f.path, bytes)
        })
        .collect();
    Ok((files, built.diagnostics.render()))
}

fn same(
    step: &str,
    got: &Result<(BTreeMap<String, Vec<u8>>, String), String>,
    want: &Result<(BTreeMap<String, Vec<u8>>, String), String>,
) -> Result<(), TestCaseError> {
    match (got, want) {
        (Ok((g, gw)), Ok((w, ww))) => {
            let only_got: Vec<&String> = g.keys().filter(|k| !w.contains_key(*k)).collect();
            let only_want: Vec<&String> = w.keys().filter(|k| !g.contains_key(*k)).collect();
            prop_assert!(
                only_got.is_empty() && only_want.is_empty(),
                "{step}: files differ: incremental only {only_got:?}, full only {only_want:?}"
            );
            for (path, bytes) in w {
                if &g[path] != bytes {
                    let (a, b) = (String::from_utf8_lossy(&g[path]), String::from_utf8_lossy(bytes));
                    let at = a
                        .bytes()
                        .zip(b.bytes())
                        .position(|(x, y)| x != y)
                        .unwrap_or(a.len().min(b.len()));
                    let from = at.saturating_sub(120);
                    prop_assert!(
                        false,
                        "{step}: `{path}` differs at byte {at}\n--- incremental\n{}\n--- full build\n{}",
                        a.get(from..(at + 200).min(a.len())).unwrap_or_default(),
                        b.get(from..(at + 200).min(b.len())).unwrap_or_default()
                    );
                }
            }
            prop_assert_eq!(gw, ww, "{}: warnings differ", step);
        }
        (Err(g), Err(w)) => prop_assert_eq!(g, w, "{}: errors differ", step),
        (Ok(_), Err(w)) => prop_assert!(
            false,
            "{step}: the full build fails but the incremental one does not:\n{w}"
        ),
        (Err(g), Ok(_)) => prop_assert!(
            false,
            "{step}: the incremental build fails but the full one does not:\n{g}"
        ),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, max_shrink_iters: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// After every edit of a random sequence the engine's files, warnings and
    /// errors are exactly those of a fresh full build.
    #[test]
    fn incremental_rebuilds_equal_full_builds(edits in prop::collection::vec(edit(), 1..12)) {
        let site = site();
        let (previews, hook) = recorder();
        let (mut state, first) = State::start(site.root(), &options(), Some(hook));
        prop_assert!(first.is_ok(), "the fixture builds: {}", first.err().map(|d| d.render()).unwrap_or_default());
        // Before its search index, the first build is exactly what its preview served.
        let shown = take(&previews);
        prop_assert_eq!(shown.len(), 1, "one preview per build");
        let (shown, built) = (previewed(&shown[0]), state.files());
        let differ: std::collections::BTreeSet<&String> = built.keys().chain(shown.keys()).filter(|k| built.get(*k) != shown.get(*k)).collect();
        prop_assert!(differ.is_empty(), "the first preview differs from the build at {:?}", differ);
        state.finish().map_err(|d| TestCaseError::fail(d.render()))?;
        let files = state.files().iter().map(|(p, b)| (p.clone(), b.bytes().to_vec())).collect();
        same("initial build", &Ok((files, first.map(|u| u.warnings.render()).unwrap_or_default())), &full(site.root()))?;
        for (n, e) in edits.iter().enumerate() {
            let paths = perform(site.root(), e);
            let got = incremental_previewed(&mut state, &paths, Some(&previews));
            same(&format!("edit {n} ({e:?})"), &got, &full(site.root()))?;
        }
    }
}

#[test]
fn a_body_edit_renders_only_that_page() {
    let site = site();
    let (mut state, first) = State::new(site.root(), &options());
    first.expect("the fixture builds");
    state.finish().expect("the index builds");
    site.create(
        "content/policies/beta.md",
        format!("{}\nOne more line.\n", site.read("content/policies/beta.md")),
    );
    let update = state
        .apply(&[site.path("content/policies/beta.md")])
        .expect("the edit builds");
    assert_eq!(update.rendered, 1, "{:?}", update.changed);
    assert_eq!(update.changed, ["policies/beta/index.html"]);
    let done = state.finish().expect("the index builds").expect("the index was behind");
    assert!(
        done.changed.iter().all(|p| p.starts_with("search/")),
        "{:?}",
        done.changed
    );
}

#[test]
fn the_preview_reloads_for_the_saved_page_and_the_update_for_what_else_changed() {
    let site = site();
    let (previews, hook) = recorder();
    let (mut state, first) = State::start(site.root(), &options(), Some(hook));
    assert!(
        !first.expect("the fixture builds").reload,
        "the preview showed the whole first build"
    );
    take(&previews);

    // A body edit changes its page only: the preview has it, the update adds nothing.
    let beta = site.read("content/policies/beta.md");
    site.create("content/policies/beta.md", format!("{beta}\nOne more line.\n"));
    let update = state
        .apply(&[site.path("content/policies/beta.md")])
        .expect("the edit builds");
    let shown = take(&previews);
    assert_eq!(shown.len(), 2, "shown early, then the rebuild's preview");
    assert!(shown[0].fresh.is_none() && shown[0].reload, "the saved page changed");
    let page = &shown[0].files["policies/beta/index.html"];
    assert!(String::from_utf8_lossy(&page.bytes()).contains("One more line."));
    assert!(rebuilt(&shown).get("policies/beta/index.html").as_ref() == Some(page));
    assert!(!shown[1].reload, "the rebuild shows the page as it was shown");
    assert!(matches!(update.early, Some(Early::Shown(_))), "{:?}", update.early);
    assert_eq!(update.changed, ["policies/beta/index.html"]);
    assert!(!update.reload, "nothing the preview did not show");

    // A title shows on other pages: those reload with the update.
    let alpha = site.read("content/policies/alpha.md");
    site.create(
        "content/policies/alpha.md",
        alpha.replace("title: Alpha policy", "title: Alpha rules"),
    );
    let update = state
        .apply(&[site.path("content/policies/alpha.md")])
        .expect("the edit builds");
    assert!(take(&previews)[0].reload);
    assert!(
        update.changed.iter().any(|p| p == "policies/beta/index.html"),
        "{:?}",
        update.changed
    );
    assert!(update.reload, "beta's link text changed after the preview");

    // Saved unchanged: nothing to reload at all.
    site.create("content/policies/alpha.md", site.read("content/policies/alpha.md"));
    state.apply(&[site.path("content/policies/alpha.md")]).expect("builds");
    let touched = take(&previews);
    assert!(touched.iter().all(|p| !p.reload), "the same text looks the same");

    // A deleted page is hidden at once, even before the update is done.
    site.create("content/policies/gamma.md", "---\ntitle: Gamma policy\n---\nGamma.\n");
    state.apply(&[site.path("content/policies/gamma.md")]).expect("builds");
    take(&previews);
    std::fs::remove_file(site.path("content/policies/gamma.md")).expect("delete");
    let update = state.apply(&[site.path("content/policies/gamma.md")]).expect("builds");
    let shown = take(&previews);
    assert!(rebuilt(&shown).gone("policies/gamma/index.html"));
    assert!(!previewed(&shown[0]).contains_key("policies/gamma/index.html"));
    assert!(update.reload, "the section no longer lists gamma");
}

#[test]
fn a_newer_change_cuts_a_rebuild_short_after_its_preview() {
    let site = site();
    let (previews, hook) = recorder();
    let (mut state, first) = State::start(site.root(), &options(), Some(hook));
    first.expect("the fixture builds");
    state.finish().expect("the index builds");
    take(&previews);
    let newer = Arc::new(std::sync::atomic::AtomicBool::new(false));
    state.cut_short_on(Arc::clone(&newer));
    let before = state.files();

    let alpha = site.read("content/policies/alpha.md");
    site.create(
        "content/policies/alpha.md",
        alpha.replace("Alpha says", "Alpha first says"),
    );
    newer.store(true, std::sync::atomic::Ordering::Relaxed);
    let update = state.apply(&[site.path("content/policies/alpha.md")]).expect("builds");
    assert!(update.cut_short);
    assert!(Arc::ptr_eq(&before, &state.files()), "the last good build stays");
    let shown = take(&previews);
    let page = rebuilt(&shown).get("policies/alpha/index.html").expect("renders");
    assert!(
        String::from_utf8_lossy(&page.bytes()).contains("Alpha first says"),
        "the preview came first"
    );

    // The newer change is taken up; a change to nothing the build reads
    // still finishes the build that was cut short.
    newer.store(false, std::sync::atomic::Ordering::Relaxed);
    let update = state.apply(&[site.path("notes.txt")]).expect("builds");
    assert!(!update.cut_short);
    state.finish().expect("the index builds");
    let files: BTreeMap<String, Vec<u8>> = state
        .files()
        .iter()
        .map(|(p, b)| (p.clone(), b.bytes().to_vec()))
        .collect();
    same(
        "after a rebuild cut short",
        &Ok((files, update.warnings.render())),
        &full(site.root()),
    )
    .expect("the engine equals a full build");
}

#[test]
fn a_content_file_at_a_generated_path_is_refused_as_a_build_refuses_it() {
    let site = site();
    let (mut state, first) = State::new(site.root(), &options());
    first.expect("the fixture builds");
    state.finish().expect("the index builds");
    // The sitemap is a site file; the search index is the last build's
    // until its successor is made.
    for (rel, path) in [
        ("content/sitemap.xml", "sitemap.xml"),
        ("content/search/index.js", "search/index.js"),
    ] {
        let good = state.files();
        site.create(rel, "not ours");
        let diags = state.apply(&[site.path(rel)]).expect_err("two files at one path");
        let rendered = diags.render();
        assert!(
            rendered.contains(&format!("two files would be written to `{path}`")),
            "{rendered}"
        );
        assert!(Arc::ptr_eq(&state.files(), &good), "the last good files stay");
        std::fs::remove_file(site.path(rel)).unwrap();
        state.apply(&[site.path(rel)]).expect("builds again without it");
        state.finish().expect("the index builds");
        let built: Vec<String> = full(site.root()).unwrap().0.into_keys().collect();
        assert_eq!(state.files().keys().cloned().collect::<Vec<_>>(), built);
    }
}

#[test]
fn a_title_edit_renders_the_pages_that_show_it() {
    let site = site();
    let (mut state, first) = State::new(site.root(), &options());
    first.expect("the fixture builds");
    let text = site
        .read("content/policies/alpha.md")
        .replace("title: Alpha policy", "title: Alpha rules");
    site.create("content/policies/alpha.md", text);
    let update = state
        .apply(&[site.path("content/policies/alpha.md")])
        .expect("the edit builds");
    for path in [
        "policies/alpha/index.html",
        "policies/beta/index.html",
        "policies/index.html",
        "index.html",
        "roles/legal-ops/index.html",
        "register/index.html",
    ] {
        assert!(
            update.changed.iter().any(|p| p == path),
            "{path} not in {:?}",
            update.changed
        );
    }
    assert!(
        !update.changed.iter().any(|p| p == "handbook/contracts/nda/index.html"),
        "{:?}",
        update.changed
    );
    assert!(update.rendered < update.pages, "{update:?}");
}

// ---------------------------------------------------------------------------
// The real server

/// `casebook serve` on a free port, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
    _logs: tempfile::TempDir,
}

/// A response: status, lower-cased headers, body.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
}

const DEADLINE: Duration = Duration::from_secs(60);

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("a bound address").port()
}

impl Server {
    fn start(site: &SiteTest, extra: &[&str]) -> Server {
        let port = free_port();
        let logs = tempfile::tempdir().expect("a folder for the log");
        let log = logs.path().join("serve.log");
        let file = std::fs::File::create(&log).expect("create the log");
        let mut args = vec!["serve", "--today", TODAY, "--port"];
        let port_arg = port.to_string();
        args.push(&port_arg);
        args.extend_from_slice(extra);
        let child = site
            .command(&args)
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("start casebook serve");
        let mut server = Server {
            child,
            port,
            log,
            _logs: logs,
        };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("casebook serve exited ({status}):\n{}", server.log());
            }
            if server.log().contains("serving on http://") && TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "casebook serve did not start:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log says `what`.
    fn wait_log(&self, what: &str) {
        let started = Instant::now();
        while !self.log().contains(what) {
            assert!(
                started.elapsed() < DEADLINE,
                "the log never said `{what}`:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// A raw request for exactly `path`, the way curl --path-as-is sends it.
    fn get(&self, path: &str) -> Response {
        self.get_as(&format!("127.0.0.1:{}", self.port), path)
    }

    /// A raw request for `path` with this `Host` header.
    fn get_as(&self, host: &str, path: &str) -> Response {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to the server");
        s.set_read_timeout(Some(DEADLINE)).expect("set a timeout");
        write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").expect("send");
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("read the response");
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {raw:?}"));
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Response {
            status,
            headers,
            body: body.to_string(),
        }
    }

    /// Polls `path` until `ready` holds.
    fn wait_for(&self, path: &str, what: &str, ready: impl Fn(&Response) -> bool) -> Response {
        let started = Instant::now();
        loop {
            let r = self.get(path);
            if ready(&r) {
                return r;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "{path} never showed {what}; last response {}:\n{}\n--- log\n{}",
                r.status,
                r.body,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// The live-reload socket, opened as a page of this server opens it.
    fn socket(&self) -> LiveReload {
        let origin = format!("http://127.0.0.1:{}", self.port);
        let (mut ws, _) = self
            .open_socket(&format!("127.0.0.1:{}", self.port), Some(&origin))
            .expect("open the live-reload socket");
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_mut() {
            s.set_read_timeout(Some(Duration::from_millis(200)))
                .expect("set a timeout");
        }
        LiveReload(ws)
    }

    /// Opens the live-reload socket naming the server as `host`, from a
    /// page at `origin`; the server's answer when it refuses.
    fn open_socket(
        &self,
        host: &str,
        origin: Option<&str>,
    ) -> Result<(Socket, tungstenite::handshake::client::Response), Response> {
        use tungstenite::client::IntoClientRequest;
        let mut request = format!("ws://127.0.0.1:{}/__casebook/livereload", self.port)
            .into_client_request()
            .expect("a socket request");
        let headers = request.headers_mut();
        headers.insert("host", host.parse().expect("a header value"));
        if let Some(o) = origin {
            headers.insert("origin", o.parse().expect("a header value"));
        }
        match tungstenite::connect(request) {
            Ok(open) => Ok(open),
            Err(tungstenite::Error::Http(r)) => Err(Response {
                status: r.status().as_u16(),
                headers: r
                    .headers()
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body: String::from_utf8_lossy(r.body().as_deref().unwrap_or_default()).into_owned(),
            }),
            Err(e) => panic!("the socket handshake failed: {e}\n{}", self.log()),
        }
    }
}

type Socket = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>;

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct LiveReload(Socket);

impl LiveReload {
    /// The next message whose `type` is `kind`, as JSON.
    fn expect(&mut self, kind: &str, log: impl Fn() -> String) -> serde_json::Value {
        let started = Instant::now();
        loop {
            match self.0.read() {
                Ok(tungstenite::Message::Text(t)) => {
                    let v: serde_json::Value = serde_json::from_str(&t).expect("messages are JSON");
                    if v["type"] == kind {
                        return v;
                    }
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
                Err(e) => panic!("the live-reload socket failed: {e}\n{}", log()),
            }
            assert!(
                started.elapsed() < DEADLINE,
                "no `{kind}` message arrived\n--- log\n{}",
                log()
            );
        }
    }
}

#[test]
fn serve_serves_the_site_from_memory() {
    let site = site();
    let server = Server::start(&site, &[]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.headers["content-type"], "text/html; charset=utf-8");
    assert!(home.body.contains("Welcome to the handbook."), "{}", home.body);
    assert!(
        home.body.contains("/__casebook/livereload"),
        "the live-reload script is injected"
    );
    let page = server.get("/policies/alpha/");
    assert_eq!(page.status, 200);
    assert!(main_of(&page.body).contains("Alpha says what to do."));
    let redirect = server.get("/policies/alpha");
    assert_eq!(redirect.status, 302);
    assert_eq!(redirect.headers["location"], "/policies/alpha/");
    let css = server.get("/css/casebook.css");
    assert_eq!(
        (css.status, css.headers["content-type"].as_str()),
        (200, "text/css; charset=utf-8")
    );
    assert!(!css.body.contains("livereload"), "scripts go into HTML only");
    let asset = server.get("/assets/note.txt");
    assert_eq!((asset.status, asset.body.as_str()), (200, "a note\n"));
    assert_eq!(
        server.get("/sitemap.xml").headers["content-type"],
        "text/xml; charset=utf-8"
    );
    // No listing of folders without a page, and no sources.
    assert_eq!(server.get("/css/").status, 404);
    assert_eq!(server.get("/content/policies/alpha.md").status, 404);
    assert!(!site.path("public").exists(), "serve never writes the output folder");
}

#[test]
fn serve_answers_missing_pages_with_the_themes_404_page() {
    let site = site();
    let server = Server::start(&site, &[]);
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.headers["content-type"], "text/html; charset=utf-8");
    let built = full(site.root()).expect("the fixture builds").0;
    let theirs = String::from_utf8_lossy(&built["404.html"]).into_owned();
    assert!(
        missing
            .body
            .starts_with(theirs.split("</body>").next().expect("some text")),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("/__casebook/livereload"));
}

#[test]
fn serve_refuses_path_escapes() {
    let site = site();
    site.create("secret.txt", "TOP SECRET");
    let server = Server::start(&site, &[]);
    for path in [
        "/../secret.txt",
        "/../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/policies/..%2f..%2fsecret.txt",
        "/policies/../../secret.txt",
        "//etc/passwd",
        "/..\\secret.txt",
        "/secret.txt",
        "/casebook.yaml",
        "/%00",
        "/%zz",
    ] {
        let r = server.get(path);
        assert!(matches!(r.status, 400 | 404), "{path} answered {}", r.status);
        assert!(
            !r.body.contains("TOP SECRET") && !r.body.contains("root:"),
            "{path} leaked a file"
        );
    }
    assert_eq!(server.get("/etc/passwd").status, 404);
}

#[test]
fn serve_follows_edits_additions_renames_and_deletions() {
    let site = site();
    let server = Server::start(&site, &[]);
    let mut socket = server.socket();

    site.create(
        "content/policies/alpha.md",
        site.read("content/policies/alpha.md")
            .replace("Alpha says", "Alpha now says"),
    );
    server.wait_for("/policies/alpha/", "the edit", |r| r.body.contains("Alpha now says"));
    socket.expect("reload", || server.log());

    site.create("content/policies/gamma.md", "---\ntitle: Gamma policy\nowner: legal-ops\neffective: 2026-02-01\nreview_every: 12 months\n---\nGamma text.\n");
    server.wait_for("/policies/gamma/", "the new page", |r| {
        r.status == 200 && r.body.contains("Gamma text.")
    });
    server.wait_for("/policies/", "the new page in its section", |r| {
        r.body.contains("Gamma policy")
    });
    socket.expect("reload", || server.log());

    std::fs::rename(
        site.path("content/policies/gamma.md"),
        site.path("content/policies/delta.md"),
    )
    .expect("rename");
    server.wait_for("/policies/delta/", "the renamed page", |r| {
        r.status == 200 && r.body.contains("Gamma text.")
    });
    assert_eq!(server.get("/policies/gamma/").status, 404);

    std::fs::remove_file(site.path("content/policies/delta.md")).expect("delete");
    server.wait_for("/policies/delta/", "the page gone", |r| r.status == 404);
    server.wait_for("/policies/", "the page gone from its section", |r| {
        !r.body.contains("Gamma policy")
    });

    // A folder made with the file already in it (`mkdir -p`, a checkout).
    std::fs::create_dir_all(site.path("content/area/deep")).expect("create folders");
    std::fs::write(site.path("content/area/deep/page.md"), "# Deep page\n\nDown here.\n").expect("write");
    server.wait_for("/area/deep/page/", "the page in a new folder", |r| {
        r.status == 200 && r.body.contains("Down here.")
    });
}

#[test]
fn serve_follows_metric_files_and_templates() {
    let site = site();
    let server = Server::start(&site, &[]);
    let before = server.get("/reports/2026-q3/").body;
    assert!(
        before.contains("$105"),
        "the report shows the Q3 value:\n{}",
        main_of(&before)
    );
    site.create(
        "content/metrics/spend.yaml",
        site.read("content/metrics/spend.yaml")
            .replace("2026-Q3: 105", "2026-Q3: 97"),
    );
    server.wait_for("/reports/2026-q3/", "the new metric value", |r| r.body.contains("$97"));

    let mut socket = server.socket();
    site.create(
        "themes/default/templates/policy.html",
        mark_template(&builtin("policy.html"), 4242),
    );
    server.wait_for("/policies/alpha/", "the template edit", |r| {
        r.body.contains("<!-- edit 4242 -->")
    });
    socket.expect("reload", || server.log());
    assert!(!server.get("/handbook/contracts/nda/").body.contains("edit 4242"));
    std::fs::remove_file(site.path("themes/default/templates/policy.html")).expect("remove the override");
    server.wait_for("/policies/alpha/", "the built-in template back", |r| {
        !r.body.contains("<!-- edit 4242 -->")
    });
}

#[test]
fn serve_shows_a_broken_edit_and_recovers() {
    let site = site();
    let server = Server::start(&site, &[]);
    let mut socket = server.socket();
    let good = site.read("content/policies/beta.md");
    site.create(
        "content/policies/beta.md",
        good.replace("owner: general-counsel", "owner: \"<gc>\""),
    );
    let error = socket.expect("error", || server.log());
    let d = &error["diagnostics"][0];
    assert_eq!(d["file"], "content/policies/beta.md");
    assert_eq!(d["line"], 3);
    assert_eq!(d["message"], "unknown role `<gc>`");
    assert!(
        error["text"]
            .as_str()
            .is_some_and(|t| t.contains("--> content/policies/beta.md:3:")),
        "{error}"
    );
    // The last good page is still served, with the error over it.
    let page = server.get("/policies/beta/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Beta builds on"));
    assert!(
        page.body.contains("content/policies/beta.md") && page.body.contains("unknown role `\\u003cgc>`"),
        "escaped error data in:\n{}",
        page.body
    );
    assert!(!page.body.contains("`<gc>`"), "the message is escaped");
    assert!(
        server.log().contains("unknown role `<gc>`"),
        "the terminal shows it too"
    );

    site.create(
        "content/policies/beta.md",
        good.replace("Beta builds on", "Beta now builds on"),
    );
    socket.expect("reload", || server.log());
    let page = server.wait_for("/policies/beta/", "the fix", |r| r.body.contains("Beta now builds on"));
    assert!(!page.body.contains("unknown role"), "the overlay is gone");
}

#[test]
fn a_site_that_never_built_shows_its_errors_until_fixed() {
    let site = site();
    let good = site.read("content/policies/beta.md");
    site.create("content/policies/beta.md", "---\ntitle: [unclosed\n---\nBroken.\n");
    let server = Server::start(&site, &[]);
    let page = server.get("/policies/beta/");
    assert_eq!(page.status, 503);
    assert!(
        page.body.contains("Not built yet") && page.body.contains("content/policies/beta.md"),
        "{}",
        page.body
    );
    let mut socket = server.socket();
    socket.expect("error", || server.log());
    site.create("content/policies/beta.md", good);
    socket.expect("reload", || server.log());
    server.wait_for("/policies/beta/", "the page", |r| {
        r.status == 200 && r.body.contains("Beta builds on")
    });
}

#[test]
fn one_save_is_one_rebuild() {
    let site = site();
    let server = Server::start(&site, &[]);
    // An editor's safe save: write a temporary file, then rename it over.
    let tmp = site.path("content/policies/.alpha.md.tmp");
    std::fs::write(
        &tmp,
        site.read("content/policies/alpha.md")
            .replace("Alpha says", "Alpha saved says"),
    )
    .expect("write");
    std::fs::write(site.path("content/policies/alpha.md~"), "backup").expect("write a backup");
    std::fs::rename(&tmp, site.path("content/policies/alpha.md")).expect("rename");
    server.wait_for("/policies/alpha/", "the save", |r| r.body.contains("Alpha saved says"));
    std::thread::sleep(Duration::from_millis(600));
    let log = server.log();
    assert_eq!(log.matches("rebuilt in").count(), 1, "{log}");
}

#[test]
fn serve_with_poll_follows_edits() {
    let site = site();
    let server = Server::start(&site, &["--poll"]);
    site.create(
        "content/policies/alpha.md",
        site.read("content/policies/alpha.md")
            .replace("Alpha says", "Alpha polled says"),
    );
    server.wait_for("/policies/alpha/", "the edit", |r| r.body.contains("Alpha polled says"));
}

#[test]
fn serve_reports_a_taken_port() {
    let site = site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("address").port().to_string();
    let run = site.run(&["serve", "--port", &port]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains(&format!("error: port {port} is already in use on 127.0.0.1")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--port"), "{}", run.stderr);
}

#[test]
fn serve_warns_when_not_on_loopback() {
    let site = site();
    let server = Server::start(&site, &["--bind", "0.0.0.0"]);
    assert!(server.log().contains("warning: serving on 0.0.0.0"), "{}", server.log());
}

#[test]
fn serve_stops_cleanly_on_ctrl_c() {
    let site = site();
    let mut server = Server::start(&site, &[]);
    let _socket = server.socket();
    let before = crate::harness::tree(site.root()).len();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = server.child.try_wait().expect("wait for serve") {
            break s;
        }
        assert!(started.elapsed() < DEADLINE, "serve did not stop:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}:\n{}", server.log());
    assert_eq!(crate::harness::tree(site.root()).len(), before, "nothing left behind");
    assert!(!site.path("public").exists());
}

/// `git ARGS` in the site, hermetic, with fixed dates; false when git is missing.
fn git(site: &SiteTest, args: &[&str]) -> bool {
    std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(site.root())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", "2026-10-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-10-01T12:00:00Z")
        .env("GIT_CEILING_DIRECTORIES", site.root().parent().unwrap_or(site.root()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A served page without the live-reload script: what the build wrote.
fn without_script(html: &str) -> String {
    match html
        .find("<script>// casebook serve")
        .and_then(|a| html[a..].find("</script>").map(|b| (a, a + b + 9)))
    {
        Some((a, b)) => format!("{}{}", &html[..a], &html[b..]),
        None => html.to_string(),
    }
}

#[test]
fn serve_shows_what_the_build_writes_history_included() {
    let site = site();
    if !git(&site, &["init", "-q"]) {
        println!("SKIPPED serve_shows_what_the_build_writes_history_included: no git");
        return;
    }
    assert!(git(&site, &["add", "-A"]) && git(&site, &["commit", "-qm", "First version"]));
    let alpha = site
        .read("content/policies/alpha.md")
        .replace("Everyone.", "Everyone, contractors too.");
    site.create("content/policies/alpha.md", alpha);
    assert!(git(&site, &["commit", "-qam", "Widen the scope"]));
    site.build_ok();
    let server = Server::start(&site, &[]);
    server.wait_log("search index updated");
    let built = crate::harness::tree(&site.path("public"));
    assert!(
        built.keys().any(|p| p.ends_with("/history/index.html")),
        "the build has history pages"
    );
    // The output stamp and the version manifest are the build's marks on the
    // disk, not pages of the site.
    for (path, bytes) in built.iter().filter(|(p, _)| !p.starts_with(".casebook-")) {
        let served = server.get(&format!("/{path}"));
        assert_eq!(served.status, 200, "/{path}");
        assert_eq!(without_script(&served.body), String::from_utf8_lossy(bytes), "/{path}");
    }
}

#[test]
fn built_sites_carry_no_live_reload_script() {
    let site = site();
    site.build_ok();
    for (path, bytes) in crate::harness::tree(&site.path("public")) {
        assert!(!String::from_utf8_lossy(&bytes).contains("__casebook"), "{path}");
    }
}

// ---------------------------------------------------------------------------
// A real browser

/// Chromium driven over the DevTools protocol, killed when dropped.
struct Browser {
    child: Child,
    page: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn open(url: &str) -> Option<Browser> {
        let chromium = ["chromium", "chromium-browser", "google-chrome"]
            .into_iter()
            .find(|c| {
                std::process::Command::new(c)
                    .arg("--version")
                    .output()
                    .is_ok_and(|o| o.status.success())
            })?;
        let profile = tempfile::tempdir().expect("a browser profile folder");
        let child = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let mut browser_child = Some(child);
        let port_file = profile.path().join("DevToolsActivePort");
        let started = Instant::now();
        let port: u16 = loop {
            if let Some(p) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|t| t.lines().next()?.parse().ok())
            {
                break p;
            }
            assert!(started.elapsed() < DEADLINE, "chromium did not open its DevTools port");
            std::thread::sleep(Duration::from_millis(50));
        };
        // The page target's socket, from the DevTools HTTP endpoint.
        let ws_url = loop {
            let list = http_get(port, "/json/list");
            let targets: serde_json::Value = serde_json::from_str(&list).unwrap_or_default();
            let found = targets.as_array().and_then(|ts| {
                ts.iter()
                    .find(|t| {
                        t["type"] == "page" && t["url"].as_str().is_some_and(|u| u.starts_with("http://127.0.0.1"))
                    })
                    .and_then(|t| t["webSocketDebuggerUrl"].as_str().map(str::to_string))
            });
            if let Some(u) = found {
                break u;
            }
            assert!(started.elapsed() < DEADLINE, "chromium never opened the page: {list}");
            std::thread::sleep(Duration::from_millis(50));
        };
        let (page, _) = tungstenite::connect(ws_url).expect("attach to the page");
        Some(Browser {
            child: browser_child.take().expect("started above"),
            page,
            next_id: 0,
            _profile: profile,
        })
    }

    /// Evaluates `js` in the page; its value, `Null` while the page reloads.
    fn eval(&mut self, js: &str) -> serde_json::Value {
        self.next_id += 1;
        let id = self.next_id;
        let call = serde_json::json!({ "id": id, "method": "Runtime.evaluate", "params": { "expression": js, "returnByValue": true } });
        if self
            .page
            .send(tungstenite::Message::Text(call.to_string().into()))
            .is_err()
        {
            return serde_json::Value::Null;
        }
        loop {
            match self.page.read() {
                Ok(tungstenite::Message::Text(t)) => {
                    let v: serde_json::Value = serde_json::from_str(&t).unwrap_or_default();
                    if v["id"] == id {
                        return v["result"]["result"]["value"].clone();
                    }
                }
                Ok(_) => {}
                Err(_) => return serde_json::Value::Null,
            }
        }
    }

    fn wait_until(&mut self, js: &str, what: &str) {
        let started = Instant::now();
        while self.eval(js) != serde_json::Value::Bool(true) {
            assert!(started.elapsed() < DEADLINE, "the browser never showed {what} ({js})");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_get(port: u16, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    let mut raw = String::new();
    let _ = s.read_to_string(&mut raw);
    raw.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}

#[test]
fn a_browser_reloads_on_save_keeps_its_place_and_shows_errors() {
    let site = site();
    let long = (1..=120)
        .map(|n| format!("Paragraph {n} of a long policy.\n\n"))
        .collect::<String>();
    site.create(
        "content/policies/alpha.md",
        format!("{}{long}", site.read("content/policies/alpha.md")),
    );
    let server = Server::start(&site, &[]);
    let url = format!("http://127.0.0.1:{}/policies/alpha/", server.port);
    let Some(mut browser) = Browser::open(&url) else {
        println!(
            "SKIPPED a_browser_reloads_on_save_keeps_its_place_and_shows_errors: no chromium on the PATH (CI installs it)"
        );
        return;
    };
    browser.wait_until(
        "document.readyState === 'complete' && document.body.innerText.includes('Alpha says')",
        "the page",
    );
    // Once the page has its socket, scroll down and edit the source.
    std::thread::sleep(Duration::from_millis(300));
    browser.eval("window.scrollTo(0, 900); window.scrollY");
    let text = site.read("content/policies/alpha.md");
    site.create(
        "content/policies/alpha.md",
        text.replace("Alpha says", "Alpha reloaded says"),
    );
    browser.wait_until("document.body.innerText.includes('Alpha reloaded says')", "the edit");
    browser.wait_until(
        "document.readyState === 'complete' && Math.abs(window.scrollY - 900) < 50",
        "the scroll position kept",
    );

    site.create(
        "content/policies/alpha.md",
        text.replace("owner: legal-ops", "owner: nobody-here"),
    );
    browser.wait_until(
        "!!document.getElementById('casebook-error-overlay') && document.getElementById('casebook-error-overlay').innerText.includes('content/policies/alpha.md:4')",
        "the error overlay",
    );
    site.create(
        "content/policies/alpha.md",
        text.replace("Alpha says", "Alpha fixed says"),
    );
    browser.wait_until(
        "document.body.innerText.includes('Alpha fixed says') && !document.getElementById('casebook-error-overlay')",
        "the fix without the overlay",
    );
}

/// The engine's files after `paths` changed must equal a fresh build's.
fn follows(state: &mut State, site: &SiteTest, paths: &[PathBuf], step: &str) -> BTreeMap<String, Vec<u8>> {
    let got = incremental(state, paths);
    if let Err(e) = same(step, &got, &full(site.root())) {
        panic!("{e}");
    }
    got.expect("same as a build that succeeds").0
}

/// What the engine serves after noticing a change in the repository.
fn outside(state: &mut State, site: &SiteTest, step: &str) -> BTreeMap<String, Vec<u8>> {
    let (why, update) = state.follow_outside().expect("the repository change is noticed");
    assert_eq!(why, Outside::Repository, "{step}");
    let warnings = update.expect("it builds").warnings.render();
    state.finish().expect("the index builds");
    assert!(state.follow_outside().is_none(), "{step}: noticed once");
    let got: BTreeMap<String, Vec<u8>> = state
        .files()
        .iter()
        .map(|(p, b)| (p.clone(), b.bytes().to_vec()))
        .collect();
    if let Err(e) = same(step, &Ok((got.clone(), warnings)), &full(site.root())) {
        panic!("{e}");
    }
    got
}

#[test]
fn edits_commits_and_tags_while_serving_show_as_a_build_shows_them() {
    let site = site();
    site.create(
        "casebook.yaml",
        "title: Serve Test Legal\nbase_url: https://legal.example\nversions:\n  tags: \"v*\"\n",
    );
    if !git(&site, &["init", "-q"]) {
        println!("SKIPPED edits_commits_and_tags_while_serving_show_as_a_build_shows_them: no git");
        return;
    }
    assert!(git(&site, &["add", "-A"]) && git(&site, &["commit", "-qm", "First version"]));
    assert!(git(&site, &["tag", "v1"]));
    let (mut state, first) = State::new(site.root(), &options());
    assert!(first.is_ok());
    state.finish().expect("the index builds");
    let flag = "Not yet committed";
    let page = "policies/alpha/index.html";
    let shown = |files: &BTreeMap<String, Vec<u8>>, path: &str| String::from_utf8_lossy(&files[path]).into_owned();

    let alpha = site.path("content/policies/alpha.md");
    let text = site.read("content/policies/alpha.md");
    site.create(
        "content/policies/alpha.md",
        text.replace("Everyone.", "Everyone, contractors too."),
    );
    let files = follows(&mut state, &site, std::slice::from_ref(&alpha), "an edit");
    assert!(shown(&files, page).contains(flag), "an edited page is marked");

    site.create("content/policies/new.md", "---\ntitle: New\nkind: policy\n---\nNew.\n");
    let added = site.path("content/policies/new.md");
    let files = follows(&mut state, &site, std::slice::from_ref(&added), "a new page");
    assert!(
        shown(&files, "policies/new/index.html").contains(flag),
        "a new page is marked"
    );

    assert!(git(&site, &["add", "-A"]) && git(&site, &["commit", "-qm", "Widen the scope"]));
    let files = outside(&mut state, &site, "a commit");
    assert!(!shown(&files, page).contains(flag), "a committed page is not marked");
    assert!(shown(&files, "policies/alpha/history/index.html").contains("Widen the scope"));

    assert!(git(&site, &["tag", "v2"]));
    let files = outside(&mut state, &site, "a tag");
    assert!(
        files.contains_key("v/v2/policies/new/index.html"),
        "the new version is published"
    );
}
