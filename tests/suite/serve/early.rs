//! A saved page shown before its rebuild: only when the save kept to the
//! page's own prose, and then byte for byte what the rebuild and a full
//! build make of it.

use super::{Previews, full, git, options, pages_as_built, recorder, same, take};
use crate::harness::SiteTest;
use casebook::serve::state::{Early, State};

const PAYMENTS: &str = "---
title: Payments
owner: legal-ops
effective: 2026-01-01
review_every: 12 months
---
Acme pays its suppliers on time.

**\"Invoice\"** means a request for payment that a supplier sends.

Each Invoice is checked against the order. The scope is in [Terms](terms.md#scope).

## Late payment

Interest runs from the due date.
";

const REPORT: &str = "---
title: Board report Q3
quarter: 2026-Q3
author: legal-ops
---
The quarter in numbers.

{{ kpi(metric=\"spend\", quarter=\"2026-Q3\") }}

Spend fell again.
";

const REFERRAL: &str = "---
title: Referrals
owner: legal-ops
approver: counsel
---
How matters reach outside counsel.
";

fn site() -> SiteTest {
    SiteTest::with_files(&[
        (
            "casebook.yaml",
            "title: Early Legal\naudiences: [internal, legal-only]\ndefault_audience: internal\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        (
            "content/policies/_index.md",
            "---\ntitle: Policies\n---\nEvery policy.\n",
        ),
        ("content/policies/payments.md", PAYMENTS),
        (
            "content/policies/terms.md",
            "---\ntitle: Terms\n---\nOur terms.\n\n## Scope {#scope}\n\nAll of it.\n",
        ),
        (
            "content/glossary.yaml",
            "Board Minute:\n  definition: A record of the board.\n  audience: legal-only\n",
        ),
        (
            "content/roles/legal-ops.md",
            "---\nid: legal-ops\ntitle: Head of Legal Operations\n---\nRuns legal.\n",
        ),
        (
            "content/metrics/spend.yaml",
            "title: Outside spend\nunit: USD\nbetter: lower\nowner: legal-ops\nvalues:\n  2026-Q2: 110\n  2026-Q3: 105\n",
        ),
        ("content/reports/2026-q3.md", REPORT),
        ("content/policies/referral.md", REFERRAL),
        (
            "content/roles/counsel.md",
            "---\nid: counsel\ntitle: Counsel\naudience: legal-only\n---\nAdvises.\n",
        ),
    ])
}

/// Saves `text` at `rel` and follows it; checks that what was shown early
/// is the update's, and the update a full build. What the update did early.
fn save(site: &SiteTest, state: &mut State, previews: &Previews, rel: &str, text: &str) -> Option<Early> {
    site.create(rel, text);
    let before = state.files();
    let update = state.apply(&[site.path(rel)]).expect("the edit builds");
    for p in take(previews) {
        pages_as_built(&p, &state.files(), &before).unwrap_or_else(|e| panic!("{rel}: {e}"));
    }
    state.finish().expect("the index builds");
    let files = (state.files().iter())
        .map(|(p, b)| (p.clone(), b.bytes().to_vec()))
        .collect();
    let got = Ok((files, update.warnings.render()));
    same(rel, &got, &full(site.root())).unwrap_or_else(|e| panic!("{e}"));
    update.early
}

fn start(site: &SiteTest) -> (State, Previews) {
    let (previews, hook) = recorder();
    let (mut state, first) = State::start(site.root(), &options(), Some(hook));
    first.expect("the fixture builds");
    state.finish().expect("the index builds");
    take(&previews);
    (state, previews)
}

fn shown(early: Option<Early>) -> bool {
    match early {
        Some(Early::Shown(_)) => true,
        None => false,
        Some(Early::Differed) => panic!("shown early otherwise than built"),
    }
}

#[test]
fn prose_is_shown_early_and_anything_another_page_reads_is_not() {
    let site = site();
    let (mut state, previews) = start(&site);
    let (payments, report) = ("content/policies/payments.md", "content/reports/2026-q3.md");
    let moved = PAYMENTS.replace("Each Invoice is checked", "Each one\nof them\nis checked");
    let uses = moved.replace(
        "Interest runs",
        "Each Invoice paid late carries interest. Interest runs",
    );
    let add = |text: &str| uses.replace("Interest runs", &format!("{text} Interest runs"));
    // In order, each from the last: whether it is shown early, and why.
    let saves = [
        (
            payments,
            format!("{PAYMENTS}\nA closing paragraph.\n"),
            true,
            "a paragraph added",
        ),
        (payments, moved.clone(), true, "lines added above a link and a heading"),
        (payments, uses.clone(), true, "a use of the page's own term"),
        (
            payments,
            add("A Board Minute records it."),
            false,
            "a term this audience may not read: only a build reports it",
        ),
        (payments, add("See [Home](../_index.md)."), false, "a new link"),
        (
            payments,
            uses.replace("on time.", "within thirty days."),
            false,
            "the summary, which listings show",
        ),
        (
            payments,
            uses.replace("## Late payment", "## Late payments"),
            false,
            "a heading, which the contents and links show",
        ),
        (
            payments,
            uses.replace("review_every: 12 months", "review_every: 6 months"),
            false,
            "the front matter",
        ),
        (
            report,
            REPORT.replace("fell again.", "fell again, by 5%."),
            true,
            "prose after a chart",
        ),
        (
            report,
            REPORT.replace("in numbers.\n", "in numbers.\n\nAs the board asked:\n"),
            true,
            "a chart moved, whose element ids come from its place on the page",
        ),
        (
            report,
            REPORT.replace("quarter=\"2026-Q3\"", "quarter=\"2026-Q2\""),
            false,
            "a chart's arguments",
        ),
        // The model rewrites this page's parse for the audience: a build,
        // not a swap, leaves the role out.
        (
            "content/policies/referral.md",
            format!("{REFERRAL}\nMore.\n"),
            false,
            "a page the audience rewrites",
        ),
    ];
    for (rel, text, early, why) in saves {
        assert_eq!(shown(save(&site, &mut state, &previews, rel, &text)), early, "{why}");
    }
}

#[test]
fn a_page_is_shown_early_only_while_git_says_the_same_of_it() {
    let site = site();
    assert!(git(&site, &["init", "-q"]) && git(&site, &["add", "-A"]) && git(&site, &["commit", "-qm", "First"]));
    let (mut state, previews) = start(&site);
    let mut edit = |text: String| {
        shown(save(
            &site,
            &mut state,
            &previews,
            "content/policies/payments.md",
            &text,
        ))
    };

    assert!(
        !edit(format!("{PAYMENTS}\nOne.\n")),
        "the first edit makes the page differ from HEAD, which its history shows"
    );
    assert!(edit(format!("{PAYMENTS}\nOne.\nTwo.\n")), "it still differs");
    assert!(!edit(PAYMENTS.to_string()), "back to the committed text");
}

#[test]
fn a_page_is_shown_early_while_the_search_index_is_built_from_the_last_build() {
    let site = site();
    let (mut state, previews) = start(&site);
    let payments = "content/policies/payments.md";
    site.create(payments, format!("{PAYMENTS}\nOne.\n"));
    state.apply(&[site.path(payments)]).expect("the edit builds");
    take(&previews);
    let job = state.index_job().expect("the index is behind");
    let early = save(
        &site,
        &mut state,
        &previews,
        payments,
        &format!("{PAYMENTS}\nOne.\nTwo.\n"),
    );
    assert!(shown(early), "the model is shared with the index job");
    drop(job);
}
