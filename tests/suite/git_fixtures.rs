//! Git repositories for tests, and two of the shapes real teams bring.
//!
//! [`Repo`] is a [`SiteTest`] under git with a hermetic environment (no
//! system or user config), fixed people and an explicit date on every
//! commit, so each repository is the same on every machine. Its methods
//! mirror what a team does: edit, move, commit, branch, merge a pull
//! request, back-merge main, squash.
//!
//! [`policy_repo`] is a policy repository written for a Jekyll-style docs
//! site and [`flat_handbook`] an employee handbook of plain Markdown at the
//! repository root; their histories have every shape a page history must
//! get right: pull requests merged by GitHub and GitLab, back-merges of main
//! into feature branches, side-branch commits dated before commits already
//! on main, moves between folders on side branches (one with an edit), a
//! squash merge and direct commits.

use std::ops::Deref;
use std::path::Path;
use std::process::Command;

use crate::harness::SiteTest;

pub const ALICE: (&str, &str) = ("Alice Law", "alice@example.com");
pub const BOB: (&str, &str) = ("Bob Ops", "bob@example.com");
/// GitHub or GitLab, as the committer of merges made in its web interface.
pub const HOST: (&str, &str) = ("Code Host", "noreply@example.com");

/// A site folder that is a git repository on branch `main`.
pub struct Repo {
    site: SiteTest,
}

impl Deref for Repo {
    type Target = SiteTest;

    fn deref(&self) -> &SiteTest {
        &self.site
    }
}

/// Runs git in `dir` with no system or user config; `who` and `date` set
/// author and committer. Panics with git's message when it fails.
pub fn git_in(dir: &Path, who: (&str, &str), date: &str, args: &[&str]) -> String {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap_or(dir))
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
        ])
        .args(args);
    for (k, v) in [
        ("GIT_AUTHOR_NAME", who.0),
        ("GIT_AUTHOR_EMAIL", who.1),
        ("GIT_COMMITTER_NAME", who.0),
        ("GIT_COMMITTER_EMAIL", who.1),
        ("GIT_AUTHOR_DATE", date),
        ("GIT_COMMITTER_DATE", date),
    ] {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Repo {
    /// `site` put under git, nothing committed yet.
    pub fn init(site: SiteTest) -> Repo {
        let repo = Repo { site };
        repo.git(&["init", "-q"]);
        repo
    }

    /// Runs git in the repository (as Alice, on the first day of 2017).
    pub fn git(&self, args: &[&str]) -> String {
        git_in(self.root(), ALICE, "2017-01-01T00:00:00Z", args)
    }

    /// The full hash of `rev`.
    pub fn hash(&self, rev: &str) -> String {
        self.git(&["rev-parse", "--verify", &format!("{rev}^{{commit}}")])
            .trim()
            .to_string()
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, rel: &str, text: &str) -> &Repo {
        self.create(rel, text);
        self
    }

    /// Replaces the first `from` in a file by `to`; panics if it is not there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Repo {
        let text = self.read(rel);
        assert!(text.contains(from), "`{from}` not in {rel}");
        self.write(rel, &text.replacen(from, to, 1))
    }

    /// `git mv`, creating the destination's folders.
    pub fn mv(&self, from: &str, to: &str) -> &Repo {
        if let Some(parent) = self.path(to).parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        self.git(&["mv", from, to]);
        self
    }

    pub fn rm(&self, rel: &str) -> &Repo {
        self.git(&["rm", "-q", rel]);
        self
    }

    /// Commits everything as Alice at `date`; returns the commit's hash.
    pub fn commit(&self, date: &str, message: &str) -> String {
        self.commit_as(ALICE, date, message)
    }

    pub fn commit_as(&self, who: (&str, &str), date: &str, message: &str) -> String {
        self.git(&["add", "-A"]);
        git_in(
            self.root(),
            who,
            date,
            &["commit", "-q", "--allow-empty", "-m", message],
        );
        self.hash("HEAD")
    }

    /// Creates branch `name` at `at` and switches to it.
    pub fn branch(&self, name: &str, at: &str) -> &Repo {
        self.git(&["switch", "-q", "-c", name, at]);
        self
    }

    pub fn switch(&self, name: &str) -> &Repo {
        self.git(&["switch", "-q", name]);
        self
    }

    /// Merges `branch` into the current branch with a merge commit, as the
    /// code host does; the branches must not conflict.
    pub fn merge(&self, branch: &str, date: &str, message: &str) -> String {
        git_in(
            self.root(),
            HOST,
            date,
            &["merge", "-q", "--no-ff", "-m", message, branch],
        );
        self.hash("HEAD")
    }

    /// Squash-merges `branch` into the current branch as one commit.
    pub fn squash(&self, branch: &str, date: &str, message: &str) -> String {
        self.git(&["merge", "-q", "--squash", branch]);
        self.commit_as(HOST, date, message)
    }

    /// A lightweight tag at `HEAD`.
    pub fn tag(&self, name: &str) -> &Repo {
        self.git(&["tag", name]);
        self
    }

    /// `git log --follow --format=%H [REV] -- PATH`, run from the top:
    /// what a page's history must list, in this order.
    pub fn follow(&self, rev: &str, path: &str) -> Vec<String> {
        self.git(&["log", "--follow", "--format=%H", rev, "--", path])
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// What a repository written for another tool carries besides its pages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Extras {
    /// Site-absolute links under the site's path prefix and into other
    /// docs, raw HTML anchors and links to them, Liquid tags, linter
    /// comments, `redirect_from`.
    All,
    /// Plain relative links and prose only, for tests about something else.
    None,
}

/// A policy repository as a Jekyll-style docs site keeps it:
/// `content_dir: Policies`, one folder per policy area, no `kind`, no
/// effective dates, date-named tags made before `casebook.yaml` existed,
/// and a history through pull requests (see the steps below).
pub fn policy_repo(extras: Extras) -> Repo {
    let repo = Repo::init(SiteTest::new());
    let all = extras == Extras::All;
    repo.write("README.md", "# Acme policies\n\nThe published policies of Acme.\n");
    repo.write("Policies/privacy/data-protection.md", &data_protection(all));
    repo.write("Policies/security/incident-response.md", &incident_response(all));
    repo.write("Policies/general/records-retention.md", RETENTION);
    repo.write("Policies/legal/terms-of-service.md", TERMS);
    repo.commit("2017-08-01T09:00:00Z", "Publish the first policies");
    repo.tag("2017-08-07");

    // Pull request 1, merged on the code host.
    repo.branch("retention-periods", "main");
    repo.edit("Policies/general/records-retention.md", "seven years", "ten years");
    repo.commit_as(BOB, "2017-08-10T09:00:00Z", "Keep records for ten years");
    repo.switch("main");
    repo.merge(
        "retention-periods",
        "2017-08-12T09:00:00Z",
        "Merge pull request #1 from acme/retention-periods\n\nLonger retention\n\nApproved-by: General Counsel <gc@example.com>",
    );

    // The reorganisation starts from here, on its own branch.
    repo.branch("reorg", "main");
    repo.mv(
        "Policies/general/records-retention.md",
        "Policies/privacy/records-retention.md",
    );
    repo.edit(
        "Policies/privacy/records-retention.md",
        "All records",
        "All personal records",
    );
    repo.commit(
        "2017-08-14T09:00:00Z",
        "Move retention under privacy and narrow it\n\nReviewed-by: Carol Counsel <carol@example.com>",
    );
    repo.edit(
        "Policies/privacy/data-protection.md",
        "We disclose",
        "The privacy office discloses",
    );
    repo.commit("2017-08-16T09:00:00Z", "Name the privacy office");

    // Pull request 2, branched from main after #1 was merged, with commits
    // dated before that merge (a clock that was behind).
    repo.switch("main");
    repo.branch("incident-hotline", "main");
    repo.edit(
        "Policies/security/incident-response.md",
        "by e-mail",
        "by e-mail or on the hotline",
    );
    repo.edit(
        "Policies/general/records-retention.md",
        "are shredded",
        "are shredded on site",
    );
    repo.commit_as(BOB, "2017-08-09T15:00:00Z", "Add the incident hotline");
    repo.edit(
        "Policies/privacy/data-protection.md",
        "with consent.",
        "with written consent.",
    );
    repo.commit_as(BOB, "2017-08-18T09:00:00Z", "Require written consent");
    repo.switch("main");
    repo.merge(
        "incident-hotline",
        "2017-08-20T09:00:00Z",
        "Merge pull request #2 from acme/incident-hotline\n\nReviewed-by: Dan Security <dan@example.com>",
    );

    // Back-merge of main into the reorganisation, then a move without edit.
    repo.switch("reorg");
    repo.merge("main", "2017-08-21T09:00:00Z", "Merge branch 'main' into reorg");
    repo.mv(
        "Policies/legal/terms-of-service.md",
        "Policies/general/terms-of-service.md",
    );
    repo.commit("2017-08-22T09:00:00Z", "Move the terms to general");
    repo.edit(
        "Policies/privacy/data-protection.md",
        "## Requests",
        "## Answering requests",
    );
    repo.commit("2017-08-23T09:00:00Z", "Retitle the requests section");
    repo.switch("main");
    repo.merge(
        "reorg",
        "2017-08-25T09:00:00Z",
        "Merge pull request #3 from acme/reorg\n\nApproved-by: General Counsel <gc@example.com>",
    );

    // Pull request 4, squash-merged; then a direct commit.
    repo.branch("breach-window", "main");
    repo.edit(
        "Policies/security/incident-response.md",
        "within 72 hours",
        "within 48 hours",
    );
    repo.commit_as(BOB, "2017-08-28T09:00:00Z", "Shorten the breach window");
    repo.edit(
        "Policies/security/incident-response.md",
        "48 hours",
        "48 hours of discovery",
    );
    repo.commit_as(BOB, "2017-08-29T09:00:00Z", "Say when the window starts");
    repo.switch("main");
    repo.squash(
        "breach-window",
        "2017-09-01T09:00:00Z",
        "Shorten the breach window (#4)\n\nReviewed-by: Dan Security <dan@example.com>",
    );
    repo.edit("Policies/general/terms-of-service.md", "recieve", "receive");
    repo.commit("2017-09-02T09:00:00Z", "Fix a typo in the terms");
    repo.tag("2017-09-05");

    // A GitLab merge request, merged with GitLab's message.
    repo.branch("acceptable-use", "main");
    repo.write("Policies/general/acceptable-use.md", ACCEPTABLE_USE);
    repo.commit_as(BOB, "2017-09-03T09:00:00Z", "Add the acceptable use policy");
    repo.switch("main");
    repo.merge(
        "acceptable-use",
        "2017-09-10T09:00:00Z",
        "Merge branch 'acceptable-use' into 'main'\n\nAdd the acceptable use policy\n\nSee merge request legal/policies!5",
    );

    // Years later, someone publishes the repository with casebook.
    repo.write(
        "casebook.yaml",
        "title: Acme policies\ncontent_dir: Policies\nbase_url: https://docs.example.com/policy-site\n\
         repo_url: https://git.example/acme/policies\nversions:\n  tags: \"20*\"\n",
    );
    repo.commit("2019-03-01T09:00:00Z", "Publish with casebook");
    repo
}

fn data_protection(extras: bool) -> String {
    let mut s = String::from("---\ntitle: Data protection\n");
    if extras {
        s.push_str("redirect_from:\n  - /articles/data-protection/\n  - /privacy/gdpr/\n");
    }
    s.push_str("---\n");
    if extras {
        s.push_str("<!-- markdownlint-disable MD033 -->\n\n");
    }
    s.push_str("## Requests for personal data\n\nWe disclose personal data only:\n\n");
    if extras {
        s.push_str("* <a name=\"with-a-court-order\"></a> with a court order;\n* <a id=\"with-consent\"></a> with consent.\n\n");
        s.push_str("{% data variables.product.name %} staff follow the ");
        s.push_str("[incident response policy](/policy-site/security/incident-response#reporting) ");
        s.push_str("and the [company glossary](/articles/glossary).\n");
    } else {
        s.push_str("* with a court order;\n* with consent.\n\n");
        s.push_str("Staff follow the [incident response policy](../security/incident-response.md#reporting).\n");
    }
    s
}

fn incident_response(extras: bool) -> String {
    let mut s = String::from("---\ntitle: Incident response\n---\n");
    if extras {
        s.push_str("<!-- markdownlint-disable-file MD041 -->\n");
    }
    s.push_str("## Reporting\n\nReport a suspected breach by e-mail.\n\nWe notify the authority within 72 hours.\n");
    if extras {
        s.push_str("\nSee [data protection](/policy-site/privacy/data-protection#with-a-court-order) and ");
        s.push_str("[consent](../privacy/data-protection.md#with-consent).\n");
    }
    s
}

const RETENTION: &str = "---\ntitle: Records retention\nredirect_from: /retention/\n---\n## Scope\n\n\
All records are kept for seven years.\n\n## Disposal\n\nRecords are shredded.\n";

const TERMS: &str = "---\ntitle: Terms of service\npermalink: /terms/\n---\nYou will recieve notice of changes.\n";

const ACCEPTABLE_USE: &str = "---\ntitle: Acceptable use\n---\nUse company systems for company work.\n";

/// An employee handbook of plain Markdown at the repository root:
/// `content_dir: .`, `README.md` as the home page, no front matter, titles
/// from the first heading; history through pull requests, a back-merge,
/// a branch commit dated before its parent, a move with an edit on a side
/// branch, a squash merge.
pub fn flat_handbook() -> Repo {
    let repo = Repo::init(SiteTest::new());
    repo.write(
        "casebook.yaml",
        "title: Handbook\ncontent_dir: .\nrepo_url: https://git.example/acme/handbook\n",
    );
    repo.write(
        "README.md",
        &handbook_page("Employee handbook", "Start with [onboarding](onboarding.md)."),
    );
    repo.write("onboarding.md", &handbook_page("Onboarding", "Your first week."));
    repo.write("expenses.md", &handbook_page("Expenses", "Claim within 30 days."));
    repo.write("travel.md", &handbook_page("Travel", "Book economy class."));
    repo.commit("2020-01-06T09:00:00Z", "Start the handbook");

    repo.branch("travel", "main");
    repo.mv("travel.md", "travel-and-expenses.md");
    repo.edit("travel-and-expenses.md", "# Travel", "# Travel and expenses");
    repo.commit_as(BOB, "2020-01-08T09:00:00Z", "Fold travel into travel and expenses");

    // A branch from main whose commit is dated before main's last commit.
    repo.switch("main");
    repo.edit("onboarding.md", "Your first week.", "Your first two weeks.");
    repo.commit("2020-01-09T09:00:00Z", "Two weeks of onboarding");
    repo.branch("claims", "main");
    repo.edit("expenses.md", "30 days", "60 days");
    repo.edit("onboarding.md", "Ask your manager", "Ask your buddy or your manager");
    repo.commit_as(BOB, "2020-01-07T09:00:00Z", "Allow 60 days for claims");
    repo.switch("main");
    repo.merge(
        "claims",
        "2020-01-10T09:00:00Z",
        "Merge pull request #7 from acme/claims",
    );

    repo.switch("travel");
    repo.merge("main", "2020-01-11T09:00:00Z", "Merge branch 'main' into travel");
    repo.edit(
        "travel-and-expenses.md",
        "economy class",
        "economy class for trips under six hours",
    );
    repo.commit_as(BOB, "2020-01-12T09:00:00Z", "Limit economy to short trips");
    repo.switch("main");
    repo.merge(
        "travel",
        "2020-01-13T09:00:00Z",
        "Merge pull request #8 from acme/travel\n\nApproved-by: People Lead <people@example.com>",
    );

    repo.branch("welcome", "main");
    repo.edit(
        "README.md",
        "# Employee handbook",
        "# Employee handbook\n\nWelcome to Acme.",
    );
    repo.commit("2020-01-14T09:00:00Z", "Welcome new people");
    repo.switch("main");
    repo.squash("welcome", "2020-01-15T09:00:00Z", "Welcome new people (#9)");
    repo
}

/// A handbook page: a heading, `lede`, and paragraphs long enough for git
/// to recognise the file after a move with an edit.
fn handbook_page(title: &str, lede: &str) -> String {
    format!(
        "# {title}\n\n{lede}\n\nAsk your manager when in doubt.\n\nPeople Operations keeps this page.\n\n\
         Changes are announced in the weekly update.\n"
    )
}
