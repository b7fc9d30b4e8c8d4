//! Published versions do not change when a new tag appears: a version's
//! files name only their own version, and the switcher reads the others
//! from latest's `versions.json` and page maps in the browser. Checked on a
//! repository scripted here (a guide moved twice, a policy deleted, a page
//! added, an uncommitted edit) and in headless Chromium, with and without
//! JavaScript.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::browser::cdp::{Browser, serve};
use crate::git_fixtures::Repo;
use crate::harness::{SiteTest, tree};

/// Where the guide is in each tag: moved into a folder for v2, out again
/// (and renamed) for v3.
const GUIDE: [(&str, &str); 3] = [
    ("v1", "content/handbook/guide.md"),
    ("v2", "content/handbook/rules/guide.md"),
    ("v3", "content/handbook/conduct.md"),
];
/// The working tree's label for latest; no tag's files may name it.
const LATEST_LABEL: &str = "Current edition";

/// Tags v1 and v2; the caller builds, then calls [`tag_v3`].
fn two_tags() -> Repo {
    let repo = Repo::init(SiteTest::with_files(&[
        (
            "casebook.yaml",
            "title: Acme Legal\nversion: Current edition\nversions:\n  tags: \"v*\"\n",
        ),
        ("content/_index.md", "---\ntitle: Acme Legal\n---\nWelcome.\n"),
        (
            "content/policies/privacy.md",
            "---\ntitle: Privacy\neffective: 2026-01-01\n---\nThe privacy policy.\n",
        ),
        (
            GUIDE[0].1,
            "---\ntitle: Guide\n---\nHow we work.\n\nAsk legal before you sign.\n\nKeep records for seven years.\n\nReport a breach within a day.\n",
        ),
    ]));
    repo.commit("2026-01-10T10:00:00Z", "First edition");
    repo.tag("v1");
    repo.mv(GUIDE[0].1, GUIDE[1].1)
        .edit("content/policies/privacy.md", "The privacy", "Our privacy");
    repo.commit("2026-02-10T10:00:00Z", "Move the guide into rules");
    repo.tag("v2");
    repo
}

/// A third tag that moves the guide again, deletes the privacy policy and
/// adds a travel policy; then an edit not committed yet.
fn tag_v3(repo: &Repo) {
    repo.mv(GUIDE[1].1, GUIDE[2].1)
        .edit(GUIDE[2].1, "How we work.", "How we work together.")
        .rm("content/policies/privacy.md")
        .write(
            "content/policies/travel.md",
            "---\ntitle: Travel\neffective: 2026-03-01\n---\nBook early.\n",
        );
    repo.commit("2026-03-10T10:00:00Z", "Third edition");
    repo.tag("v3");
    repo.edit("content/_index.md", "Welcome.", "Welcome to legal.");
}

/// `content/handbook/guide.md` → `handbook/guide/`, checked against the
/// tag's tree in git.
fn url_in(repo: &Repo, tag: &str, path: &str) -> String {
    repo.git(&["cat-file", "-e", &format!("{tag}:{path}")]);
    let rel = path.strip_prefix("content/").and_then(|p| p.strip_suffix(".md"));
    format!("{}/", rel.expect("a Markdown file under content/"))
}

/// Every row of every page map, as version name → URL (`None`: not there).
pub(crate) fn page_rows(t: &SiteTest) -> Vec<BTreeMap<String, Option<String>>> {
    let index: Value = serde_json::from_str(&t.output("versions.json")).expect("versions.json is JSON");
    let count = index["page_maps"].as_u64().expect("`page_maps` is a count");
    let mut rows = Vec::new();
    for i in 0..count {
        let map: Value = serde_json::from_str(&t.output(&format!("versions/{i}.json"))).expect("a page map is JSON");
        let names: Vec<String> = serde_json::from_value(map["versions"].clone()).expect("version names");
        for row in map["pages"].as_array().expect("rows") {
            let mut last: Option<String> = None;
            let mut decoded = BTreeMap::new();
            for (k, name) in names.iter().enumerate() {
                last = match row.get(k) {
                    Some(Value::String(u)) => Some(u.clone()),
                    Some(v) if v == &json!(1) => last,
                    _ => None,
                };
                decoded.insert(name.clone(), last.clone());
            }
            if !rows.contains(&decoded) {
                rows.push(decoded);
            }
        }
    }
    rows
}

/// The page map row of the page at `url` in `version`.
pub(crate) fn same_page(t: &SiteTest, version: &str, url: &str) -> BTreeMap<String, Option<String>> {
    let rows = page_rows(t);
    let mut found = rows.iter().filter(|r| r[version].as_deref() == Some(url));
    let row = found
        .next()
        .unwrap_or_else(|| panic!("no row for `{url}` in `{version}`: {rows:?}"));
    assert!(found.next().is_none(), "two rows for `{url}` in `{version}`");
    row.clone()
}

fn names(t: &SiteTest) -> Vec<String> {
    let index: Value = serde_json::from_str(&t.output("versions.json")).unwrap();
    index["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn old_versions_are_byte_identical_after_a_new_tag() {
    let repo = two_tags();
    repo.build_ok();
    let before: Vec<_> = ["v1", "v2"].map(|v| tree(&repo.path(&format!("public/v/{v}")))).into();
    for (files, v) in before.iter().zip(["v1", "v2"]) {
        assert!(files.len() > 10, "{v} has its pages: {:?}", files.keys());
        for (path, bytes) in files {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(LATEST_LABEL), "{v}/{path} names latest");
        }
    }

    tag_v3(&repo);
    repo.build_ok();
    assert_eq!(names(&repo), ["latest", "v3", "v2", "v1"]);
    for (files, v) in before.iter().zip(["v1", "v2"]) {
        let after = tree(&repo.path(&format!("public/v/{v}")));
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "{v}: the same files"
        );
        for (path, bytes) in files {
            assert!(after[path] == *bytes, "{v}/{path} changed when v3 was tagged");
        }
    }
}

#[test]
fn page_maps_follow_each_rename_and_mark_pages_a_version_lacks() {
    let repo = two_tags();
    tag_v3(&repo);
    repo.build_ok();
    let v1_guide = url_in(&repo, "v1", GUIDE[0].1);
    let mut want: BTreeMap<String, Option<String>> = GUIDE
        .iter()
        .map(|(tag, path)| (tag.to_string(), Some(url_in(&repo, tag, path))))
        .collect();
    // Latest is v3 plus an edit to the home page.
    want.insert("latest".into(), want["v3"].clone());
    assert_eq!(same_page(&repo, "v1", &v1_guide), want);
    assert_eq!(same_page(&repo, "latest", want["latest"].as_deref().unwrap()), want);

    let privacy = url_in(&repo, "v2", "content/policies/privacy.md");
    let row = same_page(&repo, "v1", &privacy);
    assert_eq!(row["v2"].as_deref(), Some(privacy.as_str()));
    assert_eq!((&row["latest"], &row["v3"]), (&None, &None), "deleted in v3: {row:?}");
    let travel = same_page(&repo, "latest", &url_in(&repo, "v3", "content/policies/travel.md"));
    assert_eq!(
        (&travel["v1"], &travel["v2"]),
        (&None, &None),
        "added in v3: {travel:?}"
    );
    // The maps and the list are latest's alone.
    assert!(repo.files("public/v").iter().all(|f| !f.ends_with("versions.json")));
    assert!(!repo.path("public/v/v1/versions").exists());
}

/// The switcher's visible entries: `(label, href)`.
fn entries(b: &mut Browser) -> Value {
    b.dt.eval(
        "Array.prototype.map.call(document.querySelectorAll('.version-switcher li a'), function (a) { return [a.textContent.trim(), a.href]; })",
    )
}

fn h1(b: &mut Browser) -> String {
    b.dt.eval("document.querySelector('h1').textContent")
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The switcher's size and height on the page: the link without
/// JavaScript and the menu with it must be one box, so nothing moves when
/// the script runs. (Where it sits across the header also depends on the
/// theme toggle, which only JavaScript shows.)
fn switcher_box(b: &mut Browser) -> Value {
    b.dt.eval("(function () { var r = document.querySelector('.version-switcher').getBoundingClientRect(); return [r.top, r.width, r.height]; })()")
}

#[test]
fn switcher_in_an_old_version_lists_newer_tags_and_keeps_the_page() {
    let Some(mut b) = Browser::start(1366, 900) else {
        return;
    };
    let repo = two_tags();
    tag_v3(&repo);
    repo.build_ok();
    let base = serve(repo.path("public"), "/");
    let v1_guide = format!("{base}v/v1/{}", url_in(&repo, "v1", GUIDE[0].1));
    b.open(&v1_guide);
    let js_box = switcher_box(&mut b);

    // By keyboard: the summary takes focus, Enter opens, Escape closes.
    b.dt.eval("document.querySelector('.version-switcher summary').focus()");
    b.dt.key_typing("Enter", 13, "\r", 0);
    b.dt.wait_for(
        "document.querySelectorAll('.version-switcher li a').length === 5",
        "the version list",
    );
    let v3_guide = format!("{base}v/v3/{}", url_in(&repo, "v3", GUIDE[2].1));
    let latest_guide = format!("{base}{}", url_in(&repo, "v3", GUIDE[2].1));
    let v2_guide = format!("{base}v/v2/{}", url_in(&repo, "v2", GUIDE[1].1));
    assert_eq!(
        entries(&mut b),
        json!([
            [LATEST_LABEL, latest_guide],
            ["v3", v3_guide],
            ["v2", v2_guide],
            ["v1", v1_guide],
            ["All versions and what changed", format!("{base}changes/")],
        ])
    );
    assert_eq!(
        b.dt.eval("document.querySelector('.version-switcher [aria-current=page]').textContent"),
        "v1"
    );
    // The banner names the current version and links this page in it.
    let banner = b.dt.eval("document.querySelector('.version-banner').textContent");
    assert!(
        banner
            .as_str()
            .unwrap_or_default()
            .contains(&format!("which is {LATEST_LABEL}")),
        "{banner}"
    );
    assert_eq!(
        b.dt.eval("document.querySelector('.version-banner a').href"),
        latest_guide.as_str()
    );
    b.dt.key("Escape", 27);
    assert_eq!(
        b.dt.eval("document.querySelector('.version-switcher details').open"),
        false
    );
    assert_eq!(b.dt.eval("document.activeElement.tagName"), "SUMMARY");

    b.click(".version-switcher summary", "Version v1");
    b.dt.wait_for(
        "document.querySelector('.version-switcher details').open",
        "the menu to open",
    );
    b.click(".version-switcher li a", "v3");
    b.wait_loaded(&v3_guide);
    assert_eq!(h1(&mut b), "Guide");

    // A page the newer versions lack: their entries go to their homes.
    b.open(&format!(
        "{base}v/v1/{}",
        url_in(&repo, "v1", "content/policies/privacy.md")
    ));
    b.dt.eval("document.querySelector('.version-switcher summary').click()");
    b.dt.wait_for(
        "document.querySelectorAll('.version-switcher li a').length === 5",
        "the version list",
    );
    let listed = entries(&mut b);
    assert_eq!(listed[0], json!([format!("{LATEST_LABEL} (home: no such page)"), base]));
    assert_eq!(listed[1], json!(["v3 (home: no such page)", format!("{base}v/v3/")]));

    // From disk the browser refuses the fetch: the menu says so and keeps
    // the link to every version.
    let disk = format!("file://{}", repo.path("public").display());
    b.open(&format!("{disk}/v/v1/{}index.html", url_in(&repo, "v1", GUIDE[0].1)));
    b.dt.eval("document.querySelector('.version-switcher summary').click()");
    b.dt.wait_for(
        "/could not be loaded/.test(document.querySelector('.version-switcher').textContent)",
        "the menu to say the list could not be loaded",
    );
    b.click(".version-switcher li a", "All versions and what changed");
    b.wait_loaded(&format!("{disk}/changes/index.html"));
    assert_eq!(h1(&mut b), "Versions and what changed");

    // Without JavaScript: a link to the list of every version, in the same place.
    b.dt.call("Emulation.setScriptExecutionDisabled", json!({ "value": true }));
    b.open(&v1_guide);
    assert_eq!(
        switcher_box(&mut b),
        js_box,
        "the switcher does not move when the script runs"
    );
    b.click("a.version-switcher-toggle", "Version v1");
    b.wait_loaded(&format!("{base}changes/"));
    assert_eq!(h1(&mut b), "Versions and what changed");
    let rows = b.dt.eval(
        "Array.prototype.map.call(document.querySelectorAll('tbody th a'), function (a) { return a.textContent; })",
    );
    assert_eq!(rows, json!([LATEST_LABEL, "v3", "v2", "v1"]));
}

#[test]
fn a_page_replaced_by_a_rename_after_a_tag_keeps_its_own_history_there() {
    let repo = Repo::init(SiteTest::with_files(&[
        ("casebook.yaml", "versions:\n  tags: \"v*\"\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/policies/retention.md",
            "---\ntitle: Old retention\n---\nKeep everything forever, in paper.\n",
        ),
    ]));
    let old = repo.commit("2026-01-01T10:00:00Z", "Old retention policy");
    repo.write(
        "content/policies/records.md",
        "---\ntitle: Records\n---\nKeep records seven years.\n\nDestroy them safely.\n\nLog each destruction.\n",
    );
    let records = repo.commit("2026-01-05T10:00:00Z", "Records policy");
    repo.tag("v1");
    // The old policy retired; then the records policy takes over its address.
    repo.rm("content/policies/retention.md");
    repo.commit("2026-02-01T10:00:00Z", "Retire the old retention policy");
    repo.mv("content/policies/records.md", "content/policies/retention.md");
    repo.commit("2026-02-02T10:00:00Z", "Records policy at the retention address");
    repo.build_ok();
    // Git's view: latest's retention policy is the records policy.
    let follow = repo.follow("HEAD", "content/policies/retention.md");
    assert!(follow.contains(&records) && !follow.contains(&old), "{follow:?}");

    for (url, hash) in [("policies/retention/", &old), ("policies/records/", &records)] {
        let logged = repo.git(&[
            "log",
            "-1",
            "--format=%H",
            "v1",
            "--",
            &format!("content/{}.md", url.trim_end_matches('/')),
        ]);
        assert_eq!(logged.trim(), hash.as_str(), "git's newest commit of {url} at v1");
        let html = repo.output(&format!("v/v1/{url}index.html"));
        let footer = crate::harness::between(&html, "<footer class=\"page-history\"", "</footer>")
            .unwrap_or_else(|| panic!("no page history on v1's {url}"));
        assert!(
            footer.contains(&format!("<code>{}", &hash[..7])),
            "v1's {url}: {footer}"
        );
    }
    let moved = same_page(&repo, "v1", "policies/records/");
    assert_eq!(moved["latest"].as_deref(), Some("policies/retention/"));
    let retired = same_page(&repo, "v1", "policies/retention/");
    assert_eq!(retired["latest"], None, "{retired:?}");
}
