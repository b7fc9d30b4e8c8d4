//! Symbolic links in the content folder: one that leads out of the site, into
//! `.git`, to `..`, nowhere or around a loop is reported with its path and
//! nothing of its target reaches the output, in `build` and in `serve`'s
//! engine; a link to another part of the site keeps working.

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use casebook::BuildOptions;
use casebook::serve::state::State;

use crate::harness::{SiteTest, TODAY, tree};

/// Words that must never reach an output: the outside files' and `.git`'s.
const OUTSIDE_CANARY: &str = "zq-outside-the-site";
const GIT_CANARY: &str = "Unnamed repository";

/// A site at `site/` (a git repository) next to a folder `secret/` it must
/// not publish, with every kind of link that leads out of it.
fn site_with_links_out() -> SiteTest {
    let t = SiteTest::with_files(&[
        ("secret/passwd.txt", &format!("{OUTSIDE_CANARY} password file\n")),
        ("secret/page.md", &format!("# Secret\n\n{OUTSIDE_CANARY} page text\n")),
        (
            "secret/folder/inside.md",
            &format!("# Inside\n\n{OUTSIDE_CANARY} folder text\n"),
        ),
        (
            "site/content/about.md",
            "---\ntitle: About\n---\nWe are the legal team.\n",
        ),
        (
            "site/content/handbook/guide.md",
            "---\ntitle: Guide\n---\nHow we work.\n",
        ),
        ("site/content/assets/ok.txt", "fine\n"),
    ]);
    let out = |target: &str, link: &str| symlink(target, t.path(link)).unwrap_or_else(|e| panic!("{link}: {e}"));
    let secret = t.path("secret");
    out(
        &secret.join("passwd.txt").to_string_lossy(),
        "site/content/assets/passwd.txt",
    );
    out("/etc/passwd", "site/content/assets/etc-passwd.txt");
    out("/etc/passwd", "site/content/handbook/passwd.md");
    out("../../../secret/page.md", "site/content/handbook/secret.md");
    out(
        &secret.join("folder").to_string_lossy(),
        "site/content/handbook/outside",
    );
    out("../../.git", "site/content/assets/dotgit");
    out("..", "site/content/up");
    out("nowhere.md", "site/content/dangling.md");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
            .args(args)
            .current_dir(t.path("site"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("run git")
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    std::fs::write(
        t.path("site/.git/description"),
        format!("{GIT_CANARY}; zq-git-description\n"),
    )
    .expect("write");
    git(&["add", "-A"]);
    git(&["commit", "-qm", "init"]);
    t
}

/// The links of [`site_with_links_out`] and the reason each must give.
const LINKS: &[(&str, &str)] = &[
    ("content/assets/passwd.txt", "points outside the site"),
    ("content/assets/etc-passwd.txt", "points outside the site"),
    ("content/handbook/passwd.md", "points outside the site"),
    ("content/handbook/secret.md", "points outside the site"),
    ("content/handbook/outside", "points outside the site"),
    ("content/assets/dotgit", "points to `.git`, which is never a source"),
    ("content/up", "loops back on itself"),
    ("content/dangling.md", "is broken"),
];

/// Output paths and files that carry anything of a link's target.
fn leaks(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let passwd = std::fs::read("/etc/passwd").unwrap_or_default();
    let passwd_line = passwd.split(|b| *b == b'\n').next().unwrap_or_default().to_vec();
    let mut out = Vec::new();
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(bytes);
        let named = ["passwd", "secret", "outside", "dotgit", "up/", "dangling"]
            .iter()
            .any(|n| path.contains(n));
        let carries = text.contains(OUTSIDE_CANARY)
            || text.contains(GIT_CANARY)
            || (!passwd_line.is_empty() && bytes.windows(passwd_line.len()).any(|w| w == passwd_line));
        if named || carries {
            out.push(path.clone());
        }
    }
    out
}

#[test]
fn links_out_of_the_site_are_reported_and_publish_nothing() {
    let t = site_with_links_out();
    let run = t.run_in("site", &["build", "--today", TODAY]);
    run.assert_code(0);
    for (link, why) in LINKS {
        let block = run.diagnostic(&format!("warning: symbolic link `{link}` "));
        assert!(block.contains(why), "`{link}` should say it {why}:\n{block}");
        assert!(block.contains(&format!("--> {link}")), "{block}");
        assert!(block.contains("= help: "), "{block}");
    }
    let files = tree(&t.path("site/public"));
    assert!(files.contains_key("about/index.html") && files.contains_key("assets/ok.txt"));
    assert_eq!(
        leaks(&files),
        Vec::<String>::new(),
        "the output carries a link's target"
    );
    // `check` sees the same sources.
    let check = t.run_in("site", &["check", "--today", TODAY]);
    for (link, _) in LINKS {
        assert!(
            check.stdout.contains(&format!("symbolic link `{link}`")),
            "{}",
            check.stdout
        );
    }
}

fn options() -> BuildOptions {
    BuildOptions::in_memory(Some(TODAY.parse().expect("a date")), false, None)
}

fn served(state: &mut State) -> BTreeMap<String, Vec<u8>> {
    state.finish().map_err(|d| d.render()).expect("the search index builds");
    state
        .files()
        .iter()
        .map(|(p, b)| (p.clone(), b.bytes().to_vec()))
        .collect()
}

#[test]
fn serve_publishes_nothing_through_links_out_even_when_they_appear_later() {
    let t = site_with_links_out();
    let root = std::fs::canonicalize(t.path("site")).expect("the site");
    let (mut state, first) = State::new(&root, &options());
    let warnings = first.expect("the site builds").warnings.render();
    for (link, why) in LINKS {
        assert!(warnings.contains(&format!("symbolic link `{link}` ")), "{warnings}");
        assert!(warnings.contains(why), "{warnings}");
    }
    assert_eq!(leaks(&served(&mut state)), Vec::<String>::new());

    // Links made while serving, to a file and to a folder.
    let secret = t.path("secret");
    symlink(secret.join("passwd.txt"), root.join("content/assets/late-passwd.txt")).expect("link");
    symlink(secret.join("folder"), root.join("content/late-outside")).expect("link");
    let changed: Vec<PathBuf> = ["content/assets/late-passwd.txt", "content/late-outside"]
        .iter()
        .map(|p| root.join(p))
        .collect();
    let update = state.apply(&changed).map_err(|d| d.render()).expect("still builds");
    let warnings = update.warnings.render();
    for link in ["content/assets/late-passwd.txt", "content/late-outside"] {
        assert!(
            warnings.contains(&format!("symbolic link `{link}` points outside the site")),
            "{warnings}"
        );
    }
    assert_eq!(leaks(&served(&mut state)), Vec::<String>::new());
}

#[test]
fn links_inside_the_site_keep_working() {
    let t = SiteTest::with_files(&[
        ("content/about.md", "---\ntitle: About\n---\nWe are the legal team.\n"),
        (
            "shared/common.md",
            "---\ntitle: Common terms\n---\nShared across handbooks.\n",
        ),
        ("shared/team/people.md", "---\ntitle: People\n---\nWho is who.\n"),
        ("brand/logo.txt", "the logo\n"),
        (
            "content/policies/retention.md",
            "---\ntitle: Retention\n---\nKeep records.\n",
        ),
    ]);
    let link = |target: &str, at: &str| symlink(target, t.path(at)).expect("link");
    std::fs::create_dir_all(t.path("content/handbook")).expect("folder");
    std::fs::create_dir_all(t.path("content/assets")).expect("folder");
    link("../../shared/common.md", "content/handbook/common.md");
    link("../../shared/team", "content/handbook/team");
    link("../../brand/logo.txt", "content/assets/logo.txt");
    link("retention.md", "content/policies/records.md");
    let run = t.build_ok();
    assert!(!run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(t.main_of("handbook/common/").contains("Shared across handbooks."));
    assert!(t.main_of("handbook/team/people/").contains("Who is who."));
    assert!(t.main_of("policies/records/").contains("Keep records."));
    assert_eq!(t.output("assets/logo.txt"), "the logo\n");
}

#[test]
fn link_loops_are_reported_not_followed() {
    let t = SiteTest::with_files(&[
        ("content/about.md", "---\ntitle: About\n---\nHello.\n"),
        ("content/a/page.md", "---\ntitle: A page\n---\nIn a.\n"),
        ("content/b/page.md", "---\ntitle: B page\n---\nIn b.\n"),
    ]);
    let link = |target: &str, at: &str| symlink(target, t.path(at)).expect("link");
    link("..", "content/a/back");
    link(".", "content/b/itself");
    link("l2", "content/l1");
    link("l1", "content/l2");
    link("../b", "content/a/to-b");
    link("../a", "content/b/to-a");
    let run = t.build_ok();
    for l in ["content/a/back", "content/b/itself", "content/l1", "content/l2"] {
        let block = run.diagnostic(&format!("warning: symbolic link `{l}` "));
        assert!(block.contains("loops back on itself"), "{block}");
    }
    // a/to-b/to-a would be a again: reported where the walk met it.
    assert!(
        run.stderr.contains("symbolic link `content/a/to-b/to-a` loops back"),
        "{}",
        run.stderr
    );
    assert!(
        t.main_of("a/to-b/page/").contains("In b."),
        "a link to a sibling folder is followed once"
    );
    let files = tree(&t.path("public"));
    assert!(
        !files
            .keys()
            .any(|p| p.contains("back/") || p.contains("itself/") || p.contains("to-a/to-b"))
    );
    assert!(Path::new(&t.path("public/about/index.html")).is_file());
}
