//! Running the `git` command line, read-only.
//!
//! Every call clears the variables that would point git at another
//! repository (`GIT_DIR`, `GIT_WORK_TREE`, …), turns off anything that could
//! write into the user's repository (optional index locks, fsmonitor) and
//! asks for machine-readable, unquoted paths. Nothing here checks anything
//! out: trees and blobs are read straight from the object store.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rayon::prelude::*;

/// Why there is no history: said once, in the build's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// The `git` program could not be started.
    NoGit,
    /// The content folder is not inside a git repository.
    NotARepo,
    /// git refuses a repository owned by another user (`safe.directory`).
    Dubious(PathBuf),
    /// The repository has no commit yet.
    NoCommits,
    /// Anything else git said.
    Failed(String),
}

/// A repository found around the content folder.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The working tree's top folder.
    pub toplevel: PathBuf,
    /// The content folder relative to `toplevel`, `/`-separated with a
    /// trailing slash, or empty when the content folder is the top.
    pub content_prefix: String,
    /// The site root relative to `toplevel`, the same way; `None` when the
    /// site root is outside this repository (content in a submodule, say).
    pub site_prefix: Option<String>,
    /// Commits at the edge of a shallow clone; empty for a full clone.
    pub shallow: Vec<String>,
}

/// A `git` command for `dir` with a clean, read-only environment.
pub fn command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .args([
            "-c",
            "core.quotepath=off",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "color.ui=false",
            "-c",
            "log.showSignature=false",
            "-c",
            "i18n.logOutputEncoding=UTF-8",
        ])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C");
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_PREFIX",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs git in `dir` and returns its standard output, or what it said.
pub fn run(dir: &Path, args: &[&str]) -> Result<Vec<u8>, Unavailable> {
    let out = command(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(spawn_error)?;
    finish(dir, out)
}

/// [`run`] with `input` written to git's standard input.
pub fn run_with_input(dir: &Path, args: &[&str], input: Vec<u8>) -> Result<Vec<u8>, Unavailable> {
    let mut child = command(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    // Written from another thread: git answers while we ask, and either
    // side would block on a full pipe otherwise.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().map_err(spawn_error)?;
    let _ = writer.join();
    finish(dir, out)
}

fn spawn_error(e: std::io::Error) -> Unavailable {
    match e.kind() {
        std::io::ErrorKind::NotFound => Unavailable::NoGit,
        _ => Unavailable::Failed(e.to_string()),
    }
}

fn finish(dir: &Path, out: std::process::Output) -> Result<Vec<u8>, Unavailable> {
    if out.status.success() {
        return Ok(out.stdout);
    }
    let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
    Err(if said.contains("dubious ownership") {
        Unavailable::Dubious(dir.to_path_buf())
    } else if said.contains("not a git repository") {
        Unavailable::NotARepo
    } else {
        Unavailable::Failed(said.lines().next().unwrap_or("git failed").to_string())
    })
}

/// Finds the repository holding `content` (an existing folder) and the
/// positions of the content folder and the site root `root` in it.
pub fn open(root: &Path, content: &Path) -> Result<Repo, Unavailable> {
    let out = run(
        content,
        &[
            "rev-parse",
            "--show-toplevel",
            "--show-prefix",
            "--absolute-git-dir",
            "--is-shallow-repository",
        ],
    )?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let mut lines = text.lines();
    let (Some(top), Some(prefix), Some(git_dir), Some(shallow)) =
        (lines.next(), lines.next(), lines.next(), lines.next())
    else {
        // An empty prefix prints an empty line; a bare repository prints less.
        return Err(Unavailable::NotARepo);
    };
    let toplevel = PathBuf::from(top);
    if run(&toplevel, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).is_err() {
        return Err(Unavailable::NoCommits);
    }
    let shallow = if shallow.trim() == "true" {
        std::fs::read_to_string(Path::new(git_dir).join("shallow"))
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect()
    } else {
        Vec::new()
    };
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let site_prefix = match (canon(root), canon(&toplevel)) {
        (Some(r), Some(t)) => r.strip_prefix(&t).ok().map(|rel| {
            let s = crate::diag::display_path(rel);
            if s.is_empty() { s } else { format!("{s}/") }
        }),
        _ => None,
    };
    Ok(Repo {
        toplevel,
        content_prefix: prefix.to_string(),
        site_prefix,
        shallow,
    })
}

/// `git describe --tags --always` of the repository holding `dir`.
pub fn describe(dir: &Path) -> Option<String> {
    let out = run(dir, &["describe", "--tags", "--always"]).ok()?;
    let v = String::from_utf8(out).ok()?.trim().to_string();
    (!v.is_empty()).then_some(v)
}

/// One entry of `git ls-tree`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    pub mode: String,
    pub oid: String,
    /// Relative to the repository's top.
    pub path: String,
}

/// Every file under `path` (relative to the top, may be empty) in the tree of `rev`.
pub fn ls_tree(repo: &Repo, rev: &str, path: &str) -> Result<Vec<TreeEntry>, Unavailable> {
    let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", rev];
    if !path.is_empty() {
        args.extend(["--", path]);
    }
    let out = run(&repo.toplevel, &args)?;
    Ok(parse_ls_tree(&out))
}

/// Parses `<mode> SP <type> SP <oid> TAB <path> NUL` records; keeps blobs only.
pub fn parse_ls_tree(out: &[u8]) -> Vec<TreeEntry> {
    out.split(|&b| b == 0)
        .filter_map(|rec| {
            let tab = rec.iter().position(|&b| b == b'\t')?;
            let meta = std::str::from_utf8(&rec[..tab]).ok()?;
            let mut parts = meta.split(' ');
            let (mode, kind, oid) = (parts.next()?, parts.next()?, parts.next()?);
            // Symbolic links (120000) and submodules are not content.
            if kind != "blob" || mode == "120000" {
                return None;
            }
            Some(TreeEntry {
                mode: mode.to_string(),
                oid: oid.to_string(),
                path: String::from_utf8(rec[tab + 1..].to_vec()).ok()?,
            })
        })
        .collect()
}

/// Reads blobs through `git cat-file --batch`, one process per core for
/// many. Objects git does not have are left out of the answer.
pub fn read_blobs(repo: &Repo, oids: &[String]) -> Result<HashMap<String, Vec<u8>>, Unavailable> {
    // git inflates each object on one core: a few processes share that.
    let parts: Vec<HashMap<String, Vec<u8>>> = oids
        .par_chunks(per_process(oids.len()))
        .map(|part| read_blobs_part(repo, part))
        .collect::<Result<_, _>>()?;
    Ok(parts.into_iter().flatten().collect())
}

/// How many questions each of a few `git cat-file` processes is asked.
fn per_process(questions: usize) -> usize {
    questions.div_ceil(rayon::current_num_threads()).max(1024)
}

fn read_blobs_part(repo: &Repo, oids: &[String]) -> Result<HashMap<String, Vec<u8>>, Unavailable> {
    let mut found = HashMap::with_capacity(oids.len());
    if oids.is_empty() {
        return Ok(found);
    }
    let mut child = command(&repo.toplevel)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(spawn_error)?;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let request: Vec<u8> = oids.iter().flat_map(|o| format!("{o}\n").into_bytes()).collect();
    // Written from another thread: git answers while we ask, and either
    // side would block on a full pipe otherwise.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&request);
    });
    let mut out = BufReader::new(child.stdout.take().expect("stdout was piped"));
    let mut header = String::new();
    for oid in oids {
        header.clear();
        if out.read_line(&mut header).unwrap_or(0) == 0 {
            break;
        }
        let mut parts = header.split_whitespace();
        let (_, kind, size) = (parts.next(), parts.next(), parts.next());
        if kind == Some("missing") || kind.is_none() {
            continue;
        }
        let Some(size) = size.and_then(|s| s.parse::<usize>().ok()) else {
            break;
        };
        let mut bytes = vec![0; size];
        if out.read_exact(&mut bytes).is_err() {
            break;
        }
        let mut newline = [0u8; 1];
        let _ = out.read_exact(&mut newline);
        if kind == Some("blob") {
            found.insert(oid.clone(), bytes);
        }
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(found)
}

/// The hash of the commit at `HEAD`; empty without one.
pub fn head(repo: &Repo) -> String {
    run(&repo.toplevel, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .unwrap_or_default()
}

/// The size of each blob of `oids` git has, from one `git cat-file`.
pub fn blob_sizes(repo: &Repo, oids: &[String]) -> Result<HashMap<String, u64>, Unavailable> {
    if oids.is_empty() {
        return Ok(HashMap::new());
    }
    let input: String = oids.iter().map(|o| format!("{o}\n")).collect();
    let out = run_with_input(
        &repo.toplevel,
        &["cat-file", "--batch-check=%(objectname) %(objectsize)"],
        input.into_bytes(),
    )?;
    Ok(String::from_utf8_lossy(&out)
        .lines()
        .filter_map(|l| {
            let (oid, size) = l.split_once(' ')?;
            Some((oid.to_string(), size.parse().ok()?))
        })
        .collect())
}

/// The blob each of `specs` (`<commit>:<path>`) names, in order; `None`
/// for one that names nothing or no blob.
pub fn resolve_blobs(repo: &Repo, specs: &[String]) -> Result<Vec<Option<String>>, Unavailable> {
    // git walks the trees of each question on one core: a few processes
    // share the walking.
    let parts: Vec<Vec<Option<String>>> = specs
        .par_chunks(per_process(specs.len()))
        .map(|part| resolve_part(repo, part))
        .collect::<Result<_, _>>()?;
    Ok(parts.concat())
}

fn resolve_part(repo: &Repo, specs: &[String]) -> Result<Vec<Option<String>>, Unavailable> {
    // One line per question and per answer: a name with a line break is
    // asked as nothing at all (`:` names the index, never a blob here).
    let input: String = specs
        .iter()
        .map(|s| {
            if s.contains('\n') {
                ":\n".to_string()
            } else {
                format!("{s}\n")
            }
        })
        .collect();
    let out = run_with_input(
        &repo.toplevel,
        &["cat-file", "--batch-check=%(objectname) %(objecttype)"],
        input.into_bytes(),
    )?;
    let answers: Vec<Option<String>> = String::from_utf8_lossy(&out)
        .lines()
        .map(|l| {
            l.strip_suffix(" blob")
                .filter(|oid| !oid.contains(' '))
                .map(str::to_string)
        })
        .collect();
    if answers.len() != specs.len() {
        return Err(Unavailable::Failed(format!(
            "`git cat-file` answered {} of {} questions",
            answers.len(),
            specs.len()
        )));
    }
    Ok(answers)
}

/// Paths under the content folder (content-relative) that differ from
/// `HEAD`: modified, added, renamed or not yet tracked. With `rel`, only
/// that content file is looked at.
pub fn uncommitted(repo: &Repo, rel: Option<&str>) -> Vec<String> {
    let pathspec = match rel {
        Some(rel) => format!(":(top,literal){}{rel}", repo.content_prefix),
        None if repo.content_prefix.is_empty() => ".".to_string(),
        None => format!(":(top){}", repo.content_prefix),
    };
    let Ok(out) = run(
        &repo.toplevel,
        &[
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--",
            &pathspec,
        ],
    ) else {
        return Vec::new();
    };
    parse_status(&out)
        .into_iter()
        .filter_map(|p| p.strip_prefix(repo.content_prefix.as_str()).map(str::to_string))
        .collect()
}

/// Paths from `git status --porcelain=v1 -z` that exist in the working tree.
pub fn parse_status(out: &[u8]) -> Vec<String> {
    let mut paths = Vec::new();
    let mut records = out.split(|&b| b == 0);
    while let Some(rec) = records.next() {
        if rec.len() < 4 {
            continue;
        }
        let (x, y) = (rec[0], rec[1]);
        let path = String::from_utf8_lossy(&rec[3..]).into_owned();
        if x == b'R' || x == b'C' {
            // The original path follows as its own record.
            records.next();
        }
        if x != b'D' && y != b'D' {
            paths.push(path);
        }
    }
    paths
}

/// A tag pointing (perhaps through an annotated tag) at a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub commit: String,
}

/// Every tag of the repository that names a commit, sorted by name.
pub fn tags(repo: &Repo) -> Vec<Tag> {
    let Ok(out) = run(
        &repo.toplevel,
        &[
            "for-each-ref",
            "--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)",
            "refs/tags",
        ],
    ) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&out);
    let mut tags: Vec<Tag> = text
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\0').collect();
            let [name, kind, oid, peeled_kind, peeled] = f.as_slice() else {
                return None;
            };
            let commit = match (*kind, *peeled_kind) {
                ("commit", _) => oid,
                ("tag", "commit") => peeled,
                _ => return None,
            };
            Some(Tag {
                name: name.to_string(),
                commit: commit.to_string(),
            })
        })
        .collect();
    tags.sort_by(|a, b| a.name.cmp(&b.name));
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_questions_are_answered_in_order_across_processes() {
        let tmp = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let ok = Command::new("git")
                .current_dir(tmp.path())
                .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
                .args(args)
                .status()
                .unwrap()
                .success();
            assert!(ok, "git {args:?}");
        };
        git(&["init", "-q"]);
        for i in 0..3 {
            std::fs::write(tmp.path().join(format!("f{i}.md")), format!("file {i}\n")).unwrap();
        }
        git(&["add", "-A"]);
        git(&["commit", "-qm", "files"]);
        let repo = open(tmp.path(), tmp.path()).unwrap();
        let oid = |i: usize| String::from_utf8(run(tmp.path(), &["rev-parse", &format!("HEAD:f{i}.md")]).unwrap());
        let oids: Vec<String> = (0..3).map(|i| oid(i).unwrap().trim().to_string()).collect();
        // More questions than one process is asked, every third one about nothing.
        let n = 3 * per_process(1) * rayon::current_num_threads().max(2);
        let specs: Vec<String> = (0..n)
            .map(|k| {
                if k % 3 == 2 {
                    format!("HEAD:none{k}.md")
                } else {
                    format!("HEAD:f{}.md", k % 3)
                }
            })
            .collect();
        let answers = resolve_blobs(&repo, &specs).unwrap();
        assert_eq!(answers.len(), n);
        for (k, a) in answers.iter().enumerate() {
            let want = (k % 3 != 2).then(|| oids[k % 3].clone());
            assert_eq!(a, &want, "question {k}");
        }
        let asked: Vec<String> = (0..n).map(|k| oids[k % 3].clone()).collect();
        let read = read_blobs(&repo, &asked).unwrap();
        assert_eq!(read.len(), 3);
        for (i, o) in oids.iter().enumerate() {
            assert_eq!(read[o], format!("file {i}\n").into_bytes());
        }
    }

    #[test]
    fn ls_tree_keeps_blobs_with_odd_names() {
        let out = b"100644 blob aaaa\tcontent/a b.md\x00120000 blob bbbb\tcontent/link\x00160000 commit cccc\tsub\x00100644 blob dddd\tcontent/\xc3\xbc.md\x00";
        let entries = parse_ls_tree(out);
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["content/a b.md", "content/ü.md"]);
        assert_eq!(entries[0].oid, "aaaa");
    }

    #[test]
    fn status_lists_changed_paths_and_skips_deletions() {
        let out = b" M content/a.md\0?? content/new.md\0R  content/b.md\0content/old.md\0 D content/gone.md\0";
        assert_eq!(parse_status(out), ["content/a.md", "content/new.md", "content/b.md"]);
    }
}
