//! Where `casebook build` may write: output folders that would replace the
//! sources are refused with every source byte kept, folders outside are
//! accepted, a folder casebook did not write needs `--force`, the swap is
//! atomic under `kill -9`, and a whole repository can be the content folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use proptest::prelude::RngExt;
use proptest::test_runner::{RngAlgorithm, TestRng};

use crate::harness::{Run, SiteTest, TODAY, tree, tree_hash};

const STAMP: &str = ".casebook-output";

/// git, hermetic, in `dir`; the tests need it (the site is a repository).
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository at `outer/` whose site is the sub-folder `outer/site/`, with
/// a theme, a content folder and a committed history.
fn nested_site() -> SiteTest {
    let t = SiteTest::with_files(&[
        ("outer/README.md", "The repository's own readme.\n"),
        ("outer/site/casebook.yaml", "title: Nested Legal\n"),
        (
            "outer/site/content/about.md",
            "---\ntitle: About\n---\nWe are the legal team.\n",
        ),
        ("outer/site/content/assets/note.txt", "a note\n"),
        ("outer/site/themes/default/static/css/extra.css", "p { margin: 0 }\n"),
        ("outer/site/notes.txt", "my own notes, not a folder\n"),
    ]);
    git(&t.path("outer"), &["init", "-q"]);
    git(&t.path("outer"), &["add", "-A"]);
    git(&t.path("outer"), &["commit", "-qm", "init"]);
    t
}

/// Every build that would replace a source is refused as a usage error, and
/// the repository (sources, config, theme, `.git`) is byte-identical after.
#[test]
fn output_folders_holding_or_inside_the_sources_are_refused() {
    let t = nested_site();
    let real = std::fs::canonicalize(t.path("outer/site")).expect("the site exists");
    std::os::unix::fs::symlink(&real, t.path("link")).expect("link to the site");
    std::os::unix::fs::symlink("content", t.path("outer/site/content-link")).expect("link to content");
    let before = tree_hash(&t.path("outer"));
    let top_before = names(t.root());
    let real_content = format!("{}/content", real.display());
    let top = t.root().to_string_lossy().into_owned();
    let link = t.path("link").to_string_lossy().into_owned();
    let cases: &[(&str, &[&str])] = &[
        ("outer/site", &["--out", "../site"]),
        ("outer/site", &["--out", "x/../content"]),
        ("outer/site", &["--out", "../.."]),
        ("outer/site", &["--out", "notes.txt"]),
        ("outer/site", &["--out", "."]),
        ("outer/site", &["--out", ".."]),
        ("outer/site", &["--out", "../.git"]),
        ("outer/site", &["--out", "../.git/casebook"]),
        ("outer/site", &["--out", "themes"]),
        ("outer/site", &["--out", "themes/default/out"]),
        ("outer/site", &["--out", "content/assets"]),
        ("outer/site", &["--out", "content-link"]),
        ("outer/site", &["--out", "casebook.yaml"]),
        ("outer/site", &["--out", &top]),
        ("", &["--root", &link, "--out", &real_content]),
    ];
    for (dir, extra) in cases {
        for force in [false, true] {
            let mut args = vec!["build", "--today", TODAY];
            args.extend_from_slice(extra);
            if force {
                args.push("--force");
            }
            let run = t.run_in(dir, &args);
            assert_refused(&run, &format!("{args:?} in {dir:?}"));
            assert_eq!(tree_hash(&t.path("outer")), before, "{args:?} changed the repository");
            assert_eq!(names(t.root()), top_before, "{args:?} changed the folder around it");
        }
    }
    assert_eq!(t.read("outer/site/notes.txt"), "my own notes, not a folder\n");
}

fn assert_refused(run: &Run, what: &str) {
    assert_eq!(run.code, 2, "{what} was not refused as a usage error:\n{}", run.stderr);
    assert!(
        run.stderr.contains("error: refusing to build into `"),
        "{what}:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("= help: "), "{what} has no help:\n{}", run.stderr);
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .expect("list a folder")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn a_regular_file_is_refused_even_through_a_link_or_with_force() {
    let t = nested_site();
    std::os::unix::fs::symlink("notes.txt", t.path("outer/site/notes-link")).expect("link to a file");
    for out in ["notes.txt", "notes-link"] {
        for force in [&[][..], &["--force"][..]] {
            let mut args = vec!["build", "--today", TODAY, "--out", out];
            args.extend_from_slice(force);
            let run = t.run_in("outer/site", &args);
            assert_refused(&run, out);
            assert!(run.stderr.contains("it is a file, not a folder"), "{}", run.stderr);
        }
    }
    assert_eq!(t.read("outer/site/notes.txt"), "my own notes, not a folder\n");
}

#[test]
fn folders_outside_the_sources_are_accepted_and_normalised() {
    let t = nested_site();
    let sources = tree_hash(&t.path("outer/site"));
    t.run_in("outer/site", &["build", "--today", TODAY, "--out", "../site-out"])
        .assert_code(0);
    assert!(
        t.read("outer/site-out/about/index.html")
            .contains("We are the legal team.")
    );
    assert!(t.path("outer/site-out").join(STAMP).is_file(), "the output is stamped");
    t.run_in(
        "outer/site",
        &["build", "--today", TODAY, "--out", "./x/../../site-out2"],
    )
    .assert_code(0);
    assert!(t.path("outer/site-out2/about/index.html").is_file());
    assert!(!t.path("outer/site/x").exists(), "`x/..` is not created");
    assert_eq!(tree(&t.path("outer/site-out")), tree(&t.path("outer/site-out2")));

    t.create(
        "outer/site/casebook.yaml",
        "title: Nested Legal\noutput_dir: ../configured-out\n",
    );
    t.run_in("outer/site", &["build", "--today", TODAY]).assert_code(0);
    t.run_in("outer/site", &["check", "--today", TODAY]).assert_code(0);
    assert!(t.path("outer/configured-out/about/index.html").is_file());
    t.create("outer/site/casebook.yaml", "title: Nested Legal\n");
    assert_eq!(tree_hash(&t.path("outer/site")), sources, "the sources are untouched");
}

#[test]
fn a_folder_casebook_did_not_write_is_replaced_only_with_force() {
    let t = nested_site();
    t.create("outer/keep/mine.txt", "mine\n");
    let run = t.run_in("outer/site", &["build", "--today", TODAY, "--out", "../keep"]);
    assert_refused(&run, "a foreign folder");
    assert!(run.stderr.contains("pass `--force` to replace it"), "{}", run.stderr);
    assert_eq!(t.read("outer/keep/mine.txt"), "mine\n");

    t.run_in(
        "outer/site",
        &["build", "--today", TODAY, "--out", "../keep", "--force"],
    )
    .assert_code(0);
    assert!(!t.path("outer/keep/mine.txt").exists(), "--force replaced it");
    assert!(t.path("outer/keep").join(STAMP).is_file());
    // Stamped now: the next build replaces it without being asked.
    t.run_in("outer/site", &["build", "--today", TODAY, "--out", "../keep"])
        .assert_code(0);

    std::fs::create_dir_all(t.path("outer/empty")).expect("an empty folder");
    t.run_in("outer/site", &["build", "--today", TODAY, "--out", "../empty"])
        .assert_code(0);

    // The default folder, left by another tool, is no different.
    t.create("outer/site/public/index.html", "<p>hand-made</p>");
    let run = t.run_in("outer/site", &["build", "--today", TODAY]);
    assert_refused(&run, "an unstamped public/");
    assert!(run.stderr.contains("`output_dir` in casebook.yaml"), "{}", run.stderr);
    assert_eq!(t.read("outer/site/public/index.html"), "<p>hand-made</p>");
}

#[test]
fn check_refuses_the_output_dir_that_build_refuses() {
    let t = nested_site();
    t.create(
        "outer/site/casebook.yaml",
        "title: Nested Legal\noutput_dir: ./content/../content\n",
    );
    let before = tree_hash(&t.path("outer"));
    assert_refused(
        &t.run_in("outer/site", &["build", "--today", TODAY]),
        "output_dir: content",
    );
    let check = t.run_in("outer/site", &["check", "--today", TODAY]);
    check.assert_code(1);
    assert!(
        check.stdout.contains("refusing to build into `./content/../content`"),
        "{}",
        check.stdout
    );
    assert_eq!(tree_hash(&t.path("outer")), before);
}

/// A flat handbook: Markdown at the top of a repository, `README.md` as the
/// home page, `content_dir: .`, and the things such a repository holds.
const FLAT: &[(&str, &str)] = &[
    ("casebook.yaml", "title: Employee handbook\ncontent_dir: .\n"),
    ("README.md", "# Employee handbook\n\nWelcome. See [leave](leave.md).\n"),
    ("leave.md", "# Leave\n\nTake your holidays.\n"),
    ("benefits/health.md", "# Health\n\nWe cover it.\n"),
    ("node_modules/lint/README.md", "# zq-node-modules\n"),
    ("target/doc.md", "# zq-target\n"),
    (".github/workflows/ci.md", "# zq-dot-github\n"),
    ("themes/default/static/css/extra.css", "/* zq-theme-static */\n"),
];

#[test]
fn a_flat_handbook_builds_into_public_twice_without_publishing_its_config() {
    let t = SiteTest::with_files(FLAT);
    git(t.root(), &["init", "-q"]);
    git(t.root(), &["add", "-A"]);
    git(t.root(), &["commit", "-qm", "handbook"]);
    t.build_ok();
    let first = tree(&t.path("public"));
    t.build_ok();
    let second = tree(&t.path("public"));
    assert!(first == second, "the second build reads nothing of the first");
    assert!(t.main_of("").contains("Welcome."), "README.md is the home page");
    assert!(t.main_of("leave/").contains("Take your holidays."));
    assert!(t.main_of("benefits/health/").contains("We cover it."));
    let config = t.read("casebook.yaml");
    for (path, bytes) in &second {
        assert!(!path.contains("casebook.yaml"), "published {path}");
        assert!(bytes != config.as_bytes(), "{path} is casebook.yaml");
        let text = String::from_utf8_lossy(bytes);
        for canary in [
            "zq-node-modules",
            "zq-target",
            "zq-dot-github",
            "Employee handbook\ncontent_dir",
        ] {
            assert!(!text.contains(canary), "{path} carries `{canary}`");
        }
        assert!(
            !path.starts_with("public/") && !path.contains(".git/"),
            "published {path}"
        );
    }
    // The theme folder is the theme, not content: its file is served as a static file.
    assert!(second.contains_key("css/extra.css") && !second.keys().any(|p| p.starts_with("themes/")));

    let check = t.run(&["check", "--today", TODAY, "--format", "json"]);
    check.assert_code(0);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("JSON");
    assert_eq!(report["errors"], 0, "{}", check.stdout);
    t.run(&["build", "--today", TODAY, "--out", "../flat-out"])
        .assert_code(0);

    // Every other folder of the repository is content: never an output.
    assert_eq!(leftovers(&t), Vec::<String>::new(), "the replaced output is removed");
    let before = tree_hash(t.root());
    let run = t.build(&["--out", "benefits", "--force"]);
    assert_refused(&run, "--out benefits");
    assert!(run.stderr.contains("it holds sources of the site"), "{}", run.stderr);
    assert_eq!(tree_hash(t.root()), before);
}

/// A content file named like the stamp is a hidden file: never content,
/// and the stamp is never mistaken for a page.
#[test]
fn the_stamp_is_never_content() {
    let t = SiteTest::with_files(FLAT);
    t.create(".casebook-output", "zq-fake-stamp");
    t.build_ok();
    assert_ne!(t.read("public/.casebook-output"), "zq-fake-stamp");
    assert!(!tree(&t.path("public")).values().any(|b| b == b"zq-fake-stamp"));
}

// ---------------------------------------------------------------------------
// The swap, under kill -9

/// The example site with more pages and assets, so that writing takes a
/// real part of the build.
fn big_site() -> SiteTest {
    let t = SiteTest::example();
    let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    for i in 0..20 {
        let words: Vec<String> = (0..300).map(|_| format!("w{}", rng.random_range(0..5000))).collect();
        t.create(
            &format!("content/handbook/bulk/page-{i}.md"),
            format!("---\ntitle: Bulk page {i}\n---\n## Part\n\n{}\n", words.join(" ")),
        );
    }
    for i in 0..30 {
        let bytes: Vec<u8> = (0..40_000).map(|_| rng.random()).collect();
        t.create(&format!("content/assets/bulk/blob-{i}.bin"), bytes);
    }
    t
}

/// Sets the site to version `v` (0 or 1): one page differs.
fn set_version(t: &SiteTest, v: usize) {
    t.create(
        "content/handbook/bulk/page-0.md",
        format!("---\ntitle: Bulk page 0\n---\nThis is version {v}.\n"),
    );
}

fn leftovers(t: &SiteTest) -> Vec<String> {
    crate::harness::leftovers(t.root())
}

#[test]
fn a_killed_build_leaves_the_old_or_the_new_site_whole() {
    let t = big_site();
    let mut reference: Vec<BTreeMap<String, Vec<u8>>> = Vec::new();
    for v in 0..2 {
        set_version(&t, v);
        t.build(&["--quiet", "--out", &format!("ref-{v}")]).assert_code(0);
        reference.push(tree(&t.path(&format!("ref-{v}"))));
    }
    assert!(reference[0] != reference[1]);
    let public = t.path("public");
    let whole = |attempt: &str| {
        let now = tree(&public);
        let which = reference.iter().position(|r| *r == now);
        which.unwrap_or_else(|| panic!("{attempt}: the output is neither the old nor the new site"))
    };
    // Builds left to finish, watched as the killed ones will be, say how
    // long one takes on this machine right now.
    set_version(&t, 0);
    t.build(&["--quiet"]).assert_code(0);
    let mut took = Duration::ZERO;
    for v in [1, 0] {
        set_version(&t, v);
        let started = Instant::now();
        let (finished, missing) = watched_build(&t, None);
        took = took.max(started.elapsed());
        assert!(
            finished && missing == 0,
            "an uninterrupted build: missing {missing} times"
        );
        assert_eq!(
            whole("an uninterrupted build"),
            v,
            "the output does not depend on where it goes"
        );
    }
    let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[42; 32]);
    let mut seen = [0usize; 2];
    let mut finished_count = 0;
    for attempt in 0..20 {
        set_version(&t, (attempt + 1) % 2);
        // Half the kills anywhere in the build, half around its end, where it writes and swaps.
        let share = if attempt % 2 == 0 {
            rng.random_range(0.0..1.2)
        } else {
            rng.random_range(0.7..1.2)
        };
        let (finished, missing) = watched_build(&t, Some(took.mul_f64(share)));
        assert_eq!(
            missing, 0,
            "attempt {attempt}: the output folder was missing {missing} times"
        );
        seen[whole(&format!("attempt {attempt}"))] += 1;
        finished_count += usize::from(finished);
    }
    println!(
        "20 builds killed after up to {:?}: {finished_count} finished first; the output was version 0 {} times, version 1 {} times",
        took.mul_f64(1.2),
        seen[0],
        seen[1]
    );
    set_version(&t, 1);
    t.build(&["--quiet"]).assert_code(0);
    assert!(tree(&public) == reference[1]);
    assert_eq!(
        leftovers(&t),
        Vec::<String>::new(),
        "the last build removed every leftover"
    );
}

/// Runs a build while watching that `public/` exists, killing it after
/// `kill_after` if given; whether it finished first, and how many looks
/// found no output folder.
fn watched_build(t: &SiteTest, kill_after: Option<Duration>) -> (bool, usize) {
    let mut child = t
        .command(&["build", "--today", TODAY, "--quiet"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start a build");
    let watcher = Watcher::start(t.path("public"));
    let finished = match kill_after {
        Some(after) => {
            std::thread::sleep(after);
            let finished = child.try_wait().expect("poll the build").is_some();
            let _ = child.kill();
            child.wait().expect("reap the build");
            finished
        }
        None => child.wait().expect("wait for the build").success(),
    };
    (finished, watcher.stop())
}

/// Looks at the output folder over and over while a build runs.
struct Watcher {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<usize>,
}

impl Watcher {
    fn start(path: PathBuf) -> Watcher {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut missing = 0;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                if std::fs::symlink_metadata(&path).is_err() {
                    missing += 1;
                }
                std::thread::sleep(Duration::from_micros(50));
            }
            missing
        });
        Watcher { stop, thread }
    }

    fn stop(self) -> usize {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().expect("the watcher does not panic")
    }
}
