//! Published versions carried over from the previous output: a version is
//! taken whole when nothing it is made from changed, and rendered again as
//! soon as anything did; either way the output equals a build into an empty
//! folder. Which versions were carried over is read from the disk (a carried
//! file is the previous build's file, hard linked), not from what casebook says.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::git_fixtures::Repo;
use crate::harness::{SiteTest, tree};

fn repo() -> Repo {
    let repo = Repo::init(SiteTest::with_files(&[
        ("casebook.yaml", "title: Reuse\nversions:\n  tags: \"v*\"\n"),
        ("content/_index.md", "# Home\n\nThe handbook.\n"),
        ("content/policies/_index.md", "# Policies\n"),
        (
            "content/policies/gifts.md",
            "---\ntitle: Gifts\nkind: policy\nowner: general-counsel\neffective: 2025-01-01\nreview_every: 12 months\n---\n\nGifts above 100 are declared.\n",
        ),
        ("content/handbook/_index.md", "# Handbook\n"),
        ("content/handbook/intro.md", "# Introduction\n\nWelcome.\n"),
        (
            "content/roles/general-counsel.md",
            "---\ntitle: General Counsel\nkind: role\n---\n\nLeads legal.\n",
        ),
    ]));
    repo.commit("2025-01-01T09:00:00Z", "First handbook");
    repo.tag("v1");
    repo.edit("content/policies/gifts.md", "above 100", "above 150");
    repo.commit("2025-03-01T09:00:00Z", "Raise the gifts threshold");
    repo.tag("v2");
    repo
}

/// The inode of every file under each `v/<tag>/`.
fn inodes(out: &Path) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut by_version = BTreeMap::new();
    let Ok(versions) = std::fs::read_dir(out.join("v")) else {
        return by_version;
    };
    for v in versions {
        let v = v.unwrap();
        let mut files = BTreeMap::new();
        for e in walkdir::WalkDir::new(v.path()) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(v.path()).unwrap().to_string_lossy().into_owned();
                files.insert(rel, e.metadata().unwrap().ino());
            }
        }
        by_version.insert(v.file_name().to_string_lossy().into_owned(), files);
    }
    by_version
}

/// Builds into `public/` (over the previous output) and into an empty
/// folder; asserts both are the same bytes and returns the versions whose
/// files are all the previous build's, and those with none of them.
fn rebuild(repo: &Repo, args: &[&str]) -> (Vec<String>, Vec<String>) {
    let before = inodes(&repo.path("public"));
    let mut build = vec!["build"];
    build.extend(args);
    if !args.contains(&"--today") {
        build.extend(["--today", "2026-11-27"]);
    }
    repo.run(&build).assert_code(0);
    let fresh = repo.path("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    let mut again = build.clone();
    again.extend(["--out", "fresh"]);
    repo.run(&again).assert_code(0);
    let (reused, built) = (tree(&repo.path("public")), tree(&fresh));
    assert_eq!(
        reused.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>(),
        "the same files with {args:?}"
    );
    for (path, bytes) in &built {
        let old = &reused[path];
        if old != bytes {
            let at = old
                .iter()
                .zip(bytes)
                .position(|(a, b)| a != b)
                .unwrap_or(old.len().min(bytes.len()));
            let around =
                |b: &[u8]| String::from_utf8_lossy(&b[at.saturating_sub(80)..(at + 80).min(b.len())]).into_owned();
            panic!(
                "`{path}` differs from a build into an empty folder with {args:?} ({} vs {} bytes, at {at}):\n  carried: {}\n  fresh:   {}",
                old.len(),
                bytes.len(),
                around(old),
                around(bytes)
            );
        }
    }
    let after = inodes(&repo.path("public"));
    let (mut carried, mut rendered) = (Vec::new(), Vec::new());
    for (version, files) in &after {
        let old = before.get(version);
        let same = files
            .iter()
            .filter(|(f, ino)| old.and_then(|o| o.get(*f)) == Some(ino))
            .count();
        if same == files.len() && !files.is_empty() {
            carried.push(version.clone());
        } else if same == 0 {
            rendered.push(version.clone());
        } else {
            panic!(
                "version `{version}` is part carried over, part rendered ({same} of {})",
                files.len()
            );
        }
    }
    (carried, rendered)
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_version_is_carried_over_exactly_when_nothing_it_is_made_from_changed() {
    let repo = repo();
    let (carried, rendered) = rebuild(&repo, &[]);
    assert_eq!(
        (carried, rendered),
        (vec![], names(&["v1", "v2"])),
        "the first build renders all"
    );
    let (carried, rendered) = rebuild(&repo, &[]);
    assert_eq!((carried, rendered), (names(&["v1", "v2"]), vec![]), "nothing changed");

    // Latest moves on: the published versions stay as they were.
    repo.edit("content/handbook/intro.md", "Welcome.", "Welcome to legal.");
    let (carried, _) = rebuild(&repo, &[]);
    assert_eq!(carried, names(&["v1", "v2"]), "an uncommitted edit");
    repo.commit("2025-05-01T09:00:00Z", "Warmer welcome");
    let (carried, _) = rebuild(&repo, &[]);
    assert_eq!(carried, names(&["v1", "v2"]), "a commit");

    // A new tag is rendered; the older ones are not touched.
    repo.tag("v3");
    let (carried, rendered) = rebuild(&repo, &[]);
    assert_eq!((carried, rendered), (names(&["v1", "v2"]), names(&["v3"])), "a new tag");

    // A tag moved to another commit is that version changed, and only it.
    repo.edit("content/policies/gifts.md", "above 150", "above 200");
    repo.commit("2025-06-01T09:00:00Z", "Raise it again");
    repo.git(&["tag", "-f", "v3"]);
    let (carried, rendered) = rebuild(&repo, &[]);
    assert_eq!(
        (carried, rendered),
        (names(&["v1", "v2"]), names(&["v3"])),
        "a moved tag"
    );

    // What every version is made from: each change renders them all again.
    let all = names(&["v1", "v2", "v3"]);
    repo.write("casebook.yaml", "title: Reuse, renamed\nversions:\n  tags: \"v*\"\n");
    assert_eq!(rebuild(&repo, &[]), (vec![], all.clone()), "the configuration");
    repo.write("themes/default/static/brand.css", "body { color: #123; }\n");
    assert_eq!(rebuild(&repo, &[]), (vec![], all.clone()), "a theme file");
    assert_eq!(rebuild(&repo, &[]).0, all, "and unchanged again");
    assert_eq!(rebuild(&repo, &["--drafts"]), (vec![], all.clone()), "drafts");
    assert_eq!(
        rebuild(&repo, &["--today", "2026-11-28"]),
        (vec![], all.clone()),
        "the build day"
    );
}

#[test]
fn a_version_folder_changed_by_hand_is_not_trusted_through_links() {
    let repo = repo();
    rebuild(&repo, &[]);
    // Someone replaced a version folder's page with a link to a file elsewhere.
    let page = repo.path("public/v/v1/index.html");
    std::fs::remove_file(&page).unwrap();
    std::os::unix::fs::symlink(repo.path("casebook.yaml"), &page).unwrap();
    let (carried, rendered) = rebuild(&repo, &[]);
    assert_eq!((carried, rendered), (names(&["v2"]), names(&["v1"])));
    assert!(!std::fs::symlink_metadata(&page).unwrap().file_type().is_symlink());
}

#[test]
fn of_more_versions_than_threads_link_only_the_folder_that_fails_is_rendered() {
    let repo = repo();
    let mut all = names(&["v1", "v2"]);
    for n in 3..=10 {
        repo.edit("content/handbook/intro.md", "Welcome", &format!("Welcome ({n})"));
        repo.commit(&format!("2025-{n:02}-01T09:00:00Z"), &format!("Edition {n}"));
        repo.tag(&format!("v{n}"));
        all.push(format!("v{n}"));
    }
    // In the order of folder names, as the output lists them.
    all.sort();
    assert_eq!(rebuild(&repo, &[]), (vec![], all.clone()), "the first build");
    assert_eq!(rebuild(&repo, &[]), (all.clone(), vec![]), "nothing changed");
    // Each of these folders in turn will not link: that one is rendered, whichever
    // thread it fell to, and every other is carried over.
    for broken in ["v1", "v2", "v5"] {
        let page = repo.path(&format!("public/v/{broken}/index.html"));
        std::fs::remove_file(&page).unwrap();
        std::os::unix::fs::symlink(repo.path("casebook.yaml"), &page).unwrap();
        let rest: Vec<String> = all.iter().filter(|v| *v != broken).cloned().collect();
        assert_eq!(rebuild(&repo, &[]), (rest, names(&[broken])), "{broken} is linked");
    }
}

#[test]
fn a_version_folder_without_its_page_list_is_rendered_again() {
    let repo = repo();
    rebuild(&repo, &[]);
    // The list of a version's pages, which the next build reads instead of the tag.
    let list = |v: &str| repo.path(&format!("public/v/{v}/.casebook-pages.json"));
    std::fs::write(list("v1"), "[{\"rel\": \"_index.md\"").unwrap();
    assert_eq!(rebuild(&repo, &[]), (names(&["v2"]), names(&["v1"])), "cut short");
    std::fs::remove_file(list("v2")).unwrap();
    assert_eq!(rebuild(&repo, &[]), (names(&["v1"]), names(&["v2"])), "gone");
    std::fs::remove_file(list("v1")).unwrap();
    std::os::unix::fs::symlink(repo.path("public/v/v2/.casebook-pages.json"), list("v1")).unwrap();
    assert_eq!(rebuild(&repo, &[]), (names(&["v2"]), names(&["v1"])), "a link");
}

#[test]
fn a_tag_off_the_main_line_is_rendered_again_when_the_main_line_moves() {
    let repo = repo();
    let main = repo.git(&["branch", "--show-current"]).trim().to_string();
    // A fix released from a branch, merged back later: until then its
    // commits are credited along the tag's line, afterwards along main's.
    repo.branch("release", "v2");
    repo.edit("content/policies/gifts.md", "above 150", "above 175");
    repo.commit("2025-04-01T09:00:00Z", "Hotfix the threshold");
    repo.tag("v2.1");
    repo.switch(&main);
    let all = names(&["v1", "v2", "v2.1"]);
    assert_eq!(rebuild(&repo, &[]), (vec![], all.clone()), "the first build");
    assert_eq!(rebuild(&repo, &[]).0, all, "nothing changed");
    repo.merge("release", "2025-05-01T09:00:00Z", "Merge pull request #7 from release");
    assert_eq!(rebuild(&repo, &[]), (vec![], all), "the main line moved");
}
