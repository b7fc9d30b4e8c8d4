//! History for an audience: a page's history, redlines and feed entries
//! start where the page became visible to the build's audience, and
//! commit messages, authors and reviews reach only the audiences
//! `history.details_from` names; `check` warns about messages that name
//! hidden pages.

use crate::git_fixtures::Repo;
use crate::harness::{SiteTest, attributes, tree};

const CONFIG: &str = "title: Acme Legal\nrepo_url: https://git.example/acme/legal\n";

/// Every output file of the build in `out` (under the site root) that
/// contains `needle`, case-insensitively.
fn files_containing(repo: &Repo, out: &str, needle: &str) -> Vec<String> {
    let needle = needle.to_lowercase();
    tree(&repo.path(out))
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).to_lowercase().contains(&needle))
        .map(|(path, _)| path)
        .collect()
}

/// The commits a history page lists, in its order.
fn listed(html: &str) -> Vec<String> {
    let main = crate::harness::main_of(html);
    attributes(&main, "href")
        .into_iter()
        .filter_map(|h| h.rsplit_once("/commit/").map(|(_, hash)| hash.to_string()))
        .collect()
}

fn policy(audience: &str, body: &str) -> String {
    format!("---\ntitle: Records retention\naudience: {audience}\neffective: 2026-01-01\n---\n## Scope\n\n{body}\n")
}

/// A policy written for the board with a sentence about an acquisition,
/// made public without it, then edited in public.
fn board_then_public() -> (Repo, [String; 3]) {
    let repo = Repo::init(SiteTest::new());
    repo.write("casebook.yaml", &format!("{CONFIG}versions:\n  tags: \"handbook-*\"\n"));
    repo.write(
        "content/_index.md",
        "---\ntitle: Acme Legal\naudience: public\n---\nWelcome.\n",
    );
    repo.commit("2026-01-05T09:00:00Z", "Start the site");
    repo.write(
        "content/policies/retention.md",
        &policy(
            "board",
            "Keep records for six years. The Zanzibar acquisition files are kept forever.",
        ),
    );
    let board = repo.commit("2026-02-02T09:00:00Z", "Retention for the board");
    repo.tag("handbook-1");
    repo.write(
        "content/policies/retention.md",
        &policy("public", "Keep records for six years."),
    );
    let public = repo.commit("2026-03-02T09:00:00Z", "Publish the retention policy");
    repo.edit("content/policies/retention.md", "six years", "seven years");
    let edit = repo.commit("2026-04-01T09:00:00Z", "Seven years");
    repo.tag("handbook-2");
    (repo, [board, public, edit])
}

#[test]
fn a_page_made_public_shows_nothing_of_its_board_revisions() {
    let (repo, [board, public, edit]) = board_then_public();
    repo.build(&["--audience", "public"]).assert_code(0);
    let history = repo.output("policies/retention/history/index.html");
    assert_eq!(listed(&history), [edit.clone(), public.clone()], "{history}");
    assert!(
        history.contains("not published to this audience are not listed"),
        "{history}"
    );
    // The first public revision is a baseline: no redline against the board text.
    let short = |h: &str| h[..10].to_string();
    assert!(
        repo.path(&format!(
            "public/policies/retention/history/{}/index.html",
            short(&edit)
        ))
        .is_file()
    );
    assert!(
        !repo
            .path(&format!("public/policies/retention/history/{}", short(&public)))
            .exists()
    );
    assert!(
        !repo
            .path(&format!("public/policies/retention/history/{}", short(&board)))
            .exists()
    );
    // Not a word of it anywhere: pages, redlines, feed, search index, versions.
    assert_eq!(files_containing(&repo, "public", "Zanzibar"), Vec::<String>::new());
    // The board's commit is named only as the commit of the version tagged there.
    assert_eq!(files_containing(&repo, "public", &board), ["versions.json"]);
    assert!(repo.output("policies.atom").contains("Records retention"));
    assert!(repo.files("public").iter().any(|f| f.starts_with("search/")));

    // The board sees every revision, and the redline that removed the sentence.
    let out = tempfile::tempdir().expect("a temporary folder");
    let board_out = out.path().display().to_string();
    repo.build(&["--audience", "board", "--out", &board_out]).assert_code(0);
    let board_history =
        std::fs::read_to_string(out.path().join("policies/retention/history/index.html")).expect("board history");
    assert_eq!(listed(&board_history), [edit, public.clone(), board]);
    let removal = std::fs::read_to_string(
        out.path()
            .join(format!("policies/retention/history/{}/index.html", short(&public))),
    )
    .expect("the board's redline of the publication");
    assert!(removal.contains("<del") && removal.contains("Zanzibar"), "{removal}");
}

#[test]
fn a_revision_hidden_by_its_section_is_not_shown_after_a_move() {
    let repo = Repo::init(SiteTest::new());
    repo.write("casebook.yaml", CONFIG);
    repo.write(
        "content/_index.md",
        "---\ntitle: Acme Legal\naudience: public\n---\nWelcome.\n",
    );
    repo.write(
        "content/board/_index.md",
        "---\ntitle: Board\naudience: board\n---\nBoard papers.\n",
    );
    // Public by its own front matter, hidden by its folder.
    let text = "---\ntitle: Gifts\naudience: public\n---\nGifts over 50 EUR are declared.\n\n\
                Gifts from Osprey Capital during the negotiation are refused.\n\n\
                The compliance office keeps the register of gifts.\n";
    repo.write("content/board/gifts.md", text);
    repo.commit("2026-02-02T09:00:00Z", "Gifts for the board");
    repo.mv("content/board/gifts.md", "content/policies/gifts.md");
    repo.edit(
        "content/policies/gifts.md",
        "Gifts from Osprey Capital during the negotiation are refused.\n\n",
        "",
    );
    let moved = repo.commit("2026-03-02T09:00:00Z", "Publish the gifts policy");
    assert_eq!(
        repo.follow("HEAD", "content/policies/gifts.md").len(),
        2,
        "git follows the move"
    );
    repo.build(&["--audience", "public"]).assert_code(0);
    let history = repo.output("policies/gifts/history/index.html");
    assert_eq!(listed(&history), [moved]);
    assert!(!history.contains("Moved from"), "{history}");
    assert_eq!(files_containing(&repo, "public", "Osprey"), Vec::<String>::new());
    assert_eq!(files_containing(&repo, "public", "board/gifts"), Vec::<String>::new());
}

/// One commit touching a board page and a public page, with a subject
/// that names the board's business.
fn falcon(config: &str) -> Repo {
    let repo = Repo::init(SiteTest::new());
    repo.write("casebook.yaml", &format!("{CONFIG}{config}"));
    repo.write(
        "content/_index.md",
        "---\ntitle: Acme Legal\naudience: public\n---\nWelcome.\n",
    );
    repo.write(
        "content/policies/faq.md",
        "---\ntitle: Mergers FAQ\naudience: public\neffective: 2026-01-01\n---\nAsk the legal team.\n",
    );
    repo.commit("2026-01-05T09:00:00Z", "Start the FAQ");
    repo.write(
        "content/board/merger-protocol.md",
        "---\ntitle: Merger protocol\naudience: board\n---\nOnly the board reads this.\n",
    );
    repo.edit(
        "content/policies/faq.md",
        "Ask the legal team.",
        "Ask the legal team about any merger.",
    );
    repo.commit_as(
        crate::git_fixtures::BOB,
        "2026-02-02T09:00:00Z",
        "Add Project Falcon merger protocol and public FAQ\n\nReviewed-by: Carol Counsel <carol@example.com>",
    );
    repo
}

#[test]
fn commit_messages_authors_and_reviews_stay_out_of_builds_below_details_from() {
    let repo = falcon("");
    repo.build(&["--audience", "public"]).assert_code(0);
    for word in ["Falcon", "Bob Ops", "Alice Law", "Carol Counsel", "Start the FAQ"] {
        assert_eq!(files_containing(&repo, "public", word), Vec::<String>::new(), "{word}");
    }
    // Dates and redlines stay.
    let history = repo.main_of("policies/faq/history/");
    assert_eq!(listed(&history).len(), 2, "{history}");
    assert!(
        history.contains("Revised") && history.contains("2 February 2026"),
        "{history}"
    );
    assert!(history.contains(">Redline</a>"), "{history}");
    let feed = repo.output("policies.atom");
    assert!(feed.contains("<title>Mergers FAQ: Revised</title>"), "{feed}");
    assert!(feed.contains("<author><name>Acme Legal</name></author>"), "{feed}");

    // The internal build is at `details_from` (`internal` by default): it is told.
    let out = tempfile::tempdir().expect("a temporary folder");
    let dir = out.path().display().to_string();
    repo.build(&["--audience", "internal", "--out", &dir]).assert_code(0);
    let internal = std::fs::read_to_string(out.path().join("policies/faq/history/index.html")).expect("history");
    assert!(
        internal.contains("Add Project Falcon merger protocol and public FAQ"),
        "{internal}"
    );
    assert!(
        internal.contains("Bob Ops") && internal.contains("Carol Counsel"),
        "{internal}"
    );
}

#[test]
fn details_from_moves_the_line() {
    let public = falcon("history:\n  details_from: public\n");
    public.build(&["--audience", "public"]).assert_code(0);
    assert!(
        public
            .output("policies/faq/history/index.html")
            .contains("Add Project Falcon merger protocol")
    );
    let board = falcon("history:\n  details_from: board\n");
    board.build(&["--audience", "internal"]).assert_code(0);
    assert_eq!(files_containing(&board, "public", "Falcon"), Vec::<String>::new());

    let wrong = falcon("history:\n  details_from: boardroom\n");
    wrong.build(&[]).assert_code(1).assert_diagnostic(
        "error: `details_from` names unknown audience `boardroom`",
        "casebook.yaml:4:17",
        "  details_from: boardroom",
        "did you mean `board`",
    );
}

/// The `check --format json` diagnostics about commit messages.
fn commit_warnings(repo: &Repo) -> Vec<serde_json::Value> {
    let run = repo.run(&["check", "--today", crate::harness::TODAY, "--format", "json"]);
    run.assert_code(0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    report["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .filter(|d| d["message"].as_str().is_some_and(|m| m.starts_with("commit `")))
        .cloned()
        .collect()
}

#[test]
fn check_warns_where_a_shown_message_touched_a_hidden_page() {
    let repo = falcon("");
    let short = &repo.hash("HEAD")[..10];
    let warnings = commit_warnings(&repo);
    // Only that commit: the FAQ's first commit touched nothing hidden.
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = &warnings[0];
    assert_eq!(w["severity"], "warning");
    assert_eq!(
        w["message"],
        format!(
            "commit `{short}` (\"Add Project Falcon merger protocol and public FAQ\") is shown in the history of \
             `policies/faq.md` for audience `internal`, and also changed `board/merger-protocol.md`, hidden from `internal`"
        )
    );
    assert_eq!(w["file"], "content/policies/faq.md");
    let help = w["help"].as_str().expect("a help");
    assert!(
        help.contains("set `history: {details_from: board}` in casebook.yaml"),
        "{help}"
    );
    assert_eq!(w["notes"], serde_json::json!(["in the build for `internal`"]));

    // Once messages are for the board and above, nobody is warned.
    assert_eq!(
        commit_warnings(&falcon("history:\n  details_from: board\n")),
        Vec::<serde_json::Value>::new()
    );
    // Shown to the public, the public is warned too.
    let wide = commit_warnings(&falcon("history:\n  details_from: public\n"));
    assert_eq!(wide.len(), 2, "{wide:#?}");

    // A commit that brought in many hidden pages names the first three.
    for name in ["a", "b", "c", "d", "e"] {
        repo.write(
            &format!("content/board/{name}.md"),
            "---\ntitle: Board paper\naudience: board\n---\nFor the board.\n",
        );
    }
    repo.edit("content/policies/faq.md", "any merger", "any merger or sale");
    let papers = repo.commit("2026-03-02T09:00:00Z", "Board papers and a FAQ line");
    // A draft is no secret from its audience: no warning for it.
    repo.write(
        "content/policies/travel.md",
        "---\ntitle: Travel\naudience: public\ndraft: true\n---\nBook economy.\n",
    );
    repo.edit("content/policies/faq.md", "or sale", "or sale of a business");
    repo.commit("2026-03-09T09:00:00Z", "Draft travel and a FAQ line");
    let warnings = commit_warnings(&repo);
    let messages: Vec<&str> = warnings.iter().filter_map(|w| w["message"].as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    let many = messages
        .iter()
        .find(|m| m.starts_with(&format!("commit `{}`", &papers[..10])))
        .expect("the board papers' commit");
    assert!(
        many.ends_with("also changed `board/a.md`, `board/b.md`, `board/c.md`, 2 more, hidden from `internal`"),
        "{many}"
    );
}
