//! Board reports as snapshots of their quarter, "what changed" from both
//! sources, and what every status is measured against. The repositories
//! are scripted here with fixed commit dates; expectations come from those
//! dates and from `git` itself.

use crate::harness::{SiteTest, between, main_of, text_of};
use crate::history::{commit, git_in};

const ROLE: &str = "---\ntitle: General Counsel\n---\nThe GC.\n";

/// Effective 2025-11-01, reviewed every 12 months: overdue from 2 November 2026.
const RETENTION: &str = "---\ntitle: Records retention\nowner: general-counsel\napprover: general-counsel\neffective: 2025-11-01\nreview_every: 12 months\n---\nKeep records for seven years.\n";

const TRAVEL: &str = "---\ntitle: Travel\nowner: general-counsel\napprover: general-counsel\neffective: 2026-08-01\nreview_every: 12 months\n---\nEconomy class for flights under six hours.\n";

const Q3_REPORT: &str = "---\ntitle: Board report Q3 2026\nquarter: 2026-Q3\n---\nThe quarter.\n\n{{ policy_list() }}\n\n{{ dashboard() }}\n\n{{ kpi_table() }}\n\n{{ chart(metric=\"spend\", quarters=\"all\") }}\n";

/// A repository whose records retention policy falls overdue after the end
/// of Q3 2026, with a travel policy that took effect and changed in Q3, and
/// a policy, a report and figures added in Q4.
fn scripted() -> SiteTest {
    let t = SiteTest::with_files(&[
        ("casebook.yaml", "title: Acme Legal\n"),
        ("content/_index.md", "---\ntitle: Acme Legal\n---\nWelcome.\n"),
        ("content/roles/general-counsel.md", ROLE),
        ("content/policies/retention.md", RETENTION),
        (
            "content/metrics/spend.yaml",
            "title: Spend\nunit: USD\nbetter: lower\ntarget: 100\nvalues:\n  2026-Q2: 90\n  2026-Q3: 95\n",
        ),
        ("content/reports/2026-q3.md", Q3_REPORT),
    ]);
    git_in(t.root(), None, &["init", "-q"]);
    commit(&t, "alice", "2025-11-05T10:00:00Z", "Add the retention policy");
    t.create("content/policies/travel.md", TRAVEL);
    commit(&t, "alice", "2026-08-03T10:00:00Z", "Add the travel policy");
    t.create("content/policies/travel.md", TRAVEL.replace("six hours", "five hours"));
    commit(&t, "bob", "2026-08-20T10:00:00Z", "Shorten the economy threshold");
    // After the quarter: a renamed policy, a new one, later figures and a later report.
    t.create(
        "content/policies/travel.md",
        TRAVEL
            .replace("six hours", "five hours")
            .replace("title: Travel", "title: Travel and expenses"),
    );
    t.create(
        "content/policies/gifts.md",
        "---\ntitle: Gifts\napprover: general-counsel\neffective: 2026-10-01\nreview_every: 12 months\n---\nDeclare gifts.\n",
    );
    t.create(
        "content/metrics/spend.yaml",
        "title: Spend\nunit: USD\nbetter: lower\ntarget: 100\nvalues:\n  2026-Q2: 90\n  2026-Q3: 95\n  2026-Q4: 81\n",
    );
    t.create(
        "content/reports/2026-q4.md",
        "---\ntitle: Board report Q4 2026\nquarter: 2026-Q4\n---\nLater.\n",
    );
    commit(
        &t,
        "alice",
        "2026-10-12T10:00:00Z",
        "Gifts policy, Q4 figures and report",
    );
    t
}

fn build_into(t: &SiteTest, today: &str, out: &str) -> String {
    t.run(&["build", "--today", today, "--out", out]).assert_code(0);
    t.read(&format!("{out}/reports/2026-q3/index.html"))
}

#[test]
fn a_report_is_the_same_snapshot_whatever_the_build_day() {
    let t = scripted();
    let early = build_into(&t, "2026-10-20", "early");
    let late = build_into(&t, "2027-02-01", "late");
    // The fixture does fall overdue: the register of the later build says so.
    let register = text_of(&main_of(&t.read("late/register/index.html")));
    assert!(register.contains("Records retention Overdue"), "{register}");
    assert!(!text_of(&main_of(&t.read("early/register/index.html"))).contains("Overdue"));

    let main = main_of(&early);
    assert_eq!(main, main_of(&late), "the report's <main> depends on the build day");
    let text = text_of(&main);
    assert!(text.contains("As of 30 September 2026"), "{text}");
    assert!(!text.contains("Overdue"), "{text}");
    assert!(
        text.contains("No policy was due for review or overdue on 30 September 2026 ."),
        "{text}"
    );
    // The register as it stood: no Q4 policy, the Q3 title.
    assert!(!text.contains("Gifts"), "{text}");
    assert!(!text.contains("Travel and expenses"), "{text}");
    let list = text_of(between(&main, "<div class=\"component policy-list\"", "</div>").unwrap());
    assert!(list.contains("Records retention Effective"), "{list}");
    assert!(list.contains("Travel Effective"), "{list}");
    // The dashboard in the report is the report's day's too.
    let dashboard = text_of(between(&main, "<section class=\"component dashboard\"", "</section>").unwrap());
    assert!(dashboard.contains("No policy is overdue for review"), "{dashboard}");
    // Figures up to the quarter only, even in a chart of "all" quarters.
    assert!(text.contains("$95"), "{text}");
    assert!(!text.contains("$81"), "{text}");
    // Nothing of Q4 in the report itself (the pager links the Q4 report).
    let report = &text[..text.find("Last updated").expect("page history")];
    assert!(!report.contains("Q4 2026"), "{report}");

    // Later figures and a later report: a banner outside <main>, screen only.
    let banner = between(&early, "<aside class=\"banner banner-info report-newer\"", "</aside>").expect("banner");
    assert!(banner.contains("href=\"../../reports/2026-q4/\""), "{banner}");
    assert!(text_of(banner).contains("A newer report covers Q4 2026"), "{banner}");
    assert!(!main.contains("report-newer"));
    let css = t.read("early/css/casebook.css");
    let print = &css[css.find("@media print").unwrap()..];
    assert!(
        print.contains(".report-newer { display: none"),
        "the banner is not hidden in print"
    );
}

#[test]
fn what_changed_lists_policies_that_took_effect_and_commits_with_their_redlines() {
    let t = scripted();
    let page = build_into(&t, "2026-11-27", "public");
    let section = between(&page, "id=\"policies-changed\"", "</section>").expect("changes section");
    let took = between(section, "id=\"policies-took-effect\"", "id=\"policies-committed\"").unwrap();
    let committed = section.split("id=\"policies-committed\"").nth(1).unwrap();
    // Labelled by source.
    assert!(
        text_of(took).starts_with("Took effect in Q3 2026 by their effective date"),
        "{took}"
    );
    assert!(
        text_of(committed).starts_with("Text changed in Q3 2026 by commits, from git"),
        "{committed}"
    );

    let shortened = git_in(t.root(), None, &["rev-parse", "HEAD~1"]);
    let short = &shortened.trim()[..10];
    let redline = format!("href=\"../../policies/travel/history/{short}/\"");
    assert_eq!(
        text_of(took),
        "Took effect in Q3 2026 by their effective date Policies whose effective date falls from 1 July 2026 to 30 September 2026 Policy Effective Approved by Changes Travel 1 August 2026 General Counsel Redline"
    );
    assert!(took.contains(&redline), "{took}");
    let rows = text_of(committed);
    assert!(
        rows.contains("Travel 20 August 2026 Shorten the economy threshold Bob Ops — 3 August 2026 Add the travel policy Alice Law —"),
        "{rows}"
    );
    assert!(committed.contains(&redline), "{committed}");
    // The redline linked is the commit's, and it exists.
    let redline_page = t.read(&format!("public/policies/travel/history/{short}/index.html"));
    assert!(redline_page.contains("five"), "the linked redline is not the Q3 change");
    // Q4 commits and the policy that only took effect before Q3 are not listed.
    assert!(!text_of(section).contains("Records retention"), "{section}");
    assert!(!text_of(section).contains("Gifts"), "{section}");
}

#[test]
fn a_report_cannot_ask_for_a_quarter_after_its_own() {
    let t = scripted();
    t.create(
        "content/reports/2026-q3.md",
        Q3_REPORT.replace("{{ kpi_table() }}", "{{ kpi(metric=\"spend\", quarter=\"2026-Q4\") }}"),
    );
    let run = t.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("this report is as of Q3 2026, so it cannot show Q4 2026"),
        "{}",
        run.stderr
    );
}

#[test]
fn without_git_a_report_says_it_uses_todays_files() {
    let t = SiteTest::with_files(&[
        ("content/roles/general-counsel.md", ROLE),
        ("content/policies/retention.md", RETENTION),
        ("content/reports/2026-q3.md", Q3_REPORT),
        (
            "content/metrics/spend.yaml",
            "title: Spend\nunit: USD\nbetter: lower\ntarget: 100\nvalues:\n  2026-Q3: 95\n",
        ),
    ]);
    let early = build_into(&t, "2026-10-20", "early");
    let late = build_into(&t, "2027-02-01", "late");
    assert_eq!(main_of(&early), main_of(&late));
    let text = text_of(&main_of(&early));
    assert!(
        text.contains("Without git history, the policies and goals shown are today’s files"),
        "{text}"
    );
    // Their status is still worked out for the report's day.
    assert!(text.contains("Records retention Effective"), "{text}");
    assert!(
        text.contains("Commits are read from git history, which this build could not read"),
        "{text}"
    );
}

/// Spend beats its Q3 2026 target (990 against 1,000) yet is behind the
/// straight path to a harder key result: from 2,000 in 2025-Q3 to 200 by
/// 2027-Q2 is 1,800 over 7 quarters, so 2000 − 1800 × 4/7 ≈ 971 in 2026-Q3,
/// and 990 is above it within the 5% band: at risk. A second key result
/// came due in Q3 (1,200 by 2026-Q3) and is met.
fn labelled() -> SiteTest {
    SiteTest::with_files(&[
        (
            "content/metrics/spend.yaml",
            "title: Spend\nunit: USD\nbetter: lower\ntarget: {2026-Q3: 1000}\nvalues:\n  2025-Q3: 2000\n  2025-Q4: 1700\n  2026-Q1: 1400\n  2026-Q2: 1100\n  2026-Q3: 990\n",
        ),
        (
            "content/goals/cut-spend.md",
            "---\ntitle: Cut spend\nkey_results:\n  - metric: spend\n    target: 200\n    by: 2027-Q2\n    description: Spend of 200 a quarter\n  - metric: spend\n    target: 1200\n    by: 2026-Q3\n    description: Spend under 1,200\n---\nWhy.\n",
        ),
        (
            "content/reports/2026-q3.md",
            "---\ntitle: Board report Q3 2026\nquarter: 2026-Q3\n---\n{{ kpi(metric=\"spend\") }}\n",
        ),
    ])
}

#[test]
fn every_status_says_what_it_is_measured_against() {
    let t = labelled();
    t.build_ok();
    let main = t.main_of("reports/2026-q3/");
    let text = text_of(&main);
    // The executive counts say which question they answer.
    assert!(
        text.contains("Metrics against their Q3 2026 targets: 1 on track, 0 at risk, 0 off track (of 1)"),
        "{text}"
    );
    assert!(text.contains("Goals, each as its weakest key result"), "{text}");
    assert!(text.contains("0 on track, 1 at risk, 0 off track (of 1)"), "{text}");
    // The KPI table: the quarter's status beside the key results' on the same metric.
    let table = text_of(between(&main, "<table class=\"data kpi-table\">", "</table>").unwrap());
    assert!(
        table.contains("Spend On track vs Q3 2026 target At risk vs path to key result (by Q2 2027) Cut spend On track vs key result target (due Q3 2026) Cut spend $990"),
        "{table}"
    );
    // The KPI tile in the body does the same.
    let tile = text_of(between(&main, "<div class=\"component kpi-tile", "</dl>").unwrap());
    assert!(tile.contains("$990 On track vs Q3 2026 target"), "{tile}");
    assert!(
        tile.contains("Key result At risk vs path to key result (by Q2 2027)"),
        "{tile}"
    );
    // The goal's card: each key result's status, then the metric's for the quarter.
    let goal = text_of(between(&main, "id=\"goal-summary\"", "</section>").unwrap());
    assert!(goal.contains("Cut spend At risk worst of its key results"), "{goal}");
    assert!(
        goal.contains(
            "Spend of 200 a quarter Spend At risk vs path to key result (by Q2 2027) On track vs Q3 2026 target"
        ),
        "{goal}"
    );
    // No KPI badge anywhere in the report goes without its basis.
    let badges = main.matches("<span class=\"status status-").count();
    let bases = main.matches("<span class=\"status-basis\">").count();
    assert!(badges >= 8, "{badges} badges");
    assert_eq!(badges, bases, "a status without what it is measured against");

    // The goal and metric pages label theirs the same way.
    let goal_page = text_of(&t.main_of("goals/cut-spend/"));
    assert!(
        goal_page.contains("At risk vs path to key result (by Q2 2027)"),
        "{goal_page}"
    );
    let metric_page = text_of(&t.main_of("metrics/spend/"));
    assert!(metric_page.contains("On track vs Q3 2026 target"), "{metric_page}");
}

#[test]
fn as_of_computes_a_report_on_another_day() {
    let t = scripted();
    t.create(
        "content/reports/2026-q3.md",
        Q3_REPORT.replace("quarter: 2026-Q3\n", "quarter: 2026-Q3\nas_of: 2026-10-15\n"),
    );
    let page = build_into(&t, "2027-02-01", "public");
    let text = text_of(&main_of(&page));
    assert!(text.contains("As of 15 October 2026"), "{text}");
    // On 15 October the retention review (1 November) is within 30 days, and
    // the commit of 12 October stands: the new title and the gifts policy.
    let due = text_of(between(&page, "id=\"policy-attention\"", "</section>").unwrap());
    assert!(due.contains("Records retention Review due"), "{due}");
    assert!(text.contains("Travel and expenses Effective"), "{text}");
    assert!(text.contains("Gifts Effective"), "{text}");
    // Figures still end with the quarter, and so does what changed in it.
    assert!(!text.contains("$81"), "{text}");
    let took = text_of(between(&page, "id=\"policies-took-effect\"", "id=\"policies-committed\"").unwrap());
    assert!(!took.contains("Gifts"), "{took}");

    t.create(
        "content/about.md",
        "---\ntitle: About\nas_of: 2026-10-15\n---\nAbout.\n",
    );
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: `as_of` is the day a report's `quarter` is computed as of",
        "content/about.md:3:1",
        "as_of: 2026-10-15",
        "add `quarter: 2026-Q3`",
    );
}
