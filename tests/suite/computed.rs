//! `computed: policy-reviews` on a scripted git history. The expected
//! value of each quarter is worked out here from the fixture's own dates:
//! which commit stood at the quarter's end, and which of its policies were
//! in force and past their review date that day.

use std::collections::BTreeMap;

use crate::harness::{SiteTest, text_of};
use crate::history::{commit, git_in};

/// A policy as one commit leaves it.
#[derive(Clone, Copy)]
struct Policy {
    file: &'static str,
    /// (year, month, day)
    effective: (i32, u32, u32),
    /// Reviewed this many months after `effective`, unless `next_review`.
    every_months: Option<u32>,
    next_review: Option<(i32, u32, u32)>,
    status: Option<&'static str>,
    audience: Option<&'static str>,
}

impl Policy {
    fn markdown(&self) -> String {
        let (y, m, d) = self.effective;
        let mut fm = format!("---\ntitle: {}\neffective: {y}-{m:02}-{d:02}\n", self.file);
        if let Some(n) = self.every_months {
            fm.push_str(&format!("review_every: {n} months\n"));
        }
        if let Some((y, m, d)) = self.next_review {
            fm.push_str(&format!("next_review: {y}-{m:02}-{d:02}\n"));
        }
        if let Some(s) = self.status {
            fm.push_str(&format!("status: {s}\n"));
        }
        if let Some(a) = self.audience {
            fm.push_str(&format!("audience: {a}\n"));
        }
        fm + "---\nText.\n"
    }

    /// The day its review falls due.
    fn due(&self) -> Option<(i32, u32, u32)> {
        self.next_review.or_else(|| {
            let (y, m, d) = self.effective;
            let months = self.every_months?;
            let total = m - 1 + months;
            // Every fixture day is at most the 15th: no month-end clamping.
            Some((y + (total / 12) as i32, total % 12 + 1, d))
        })
    }
}

const fn policy(file: &'static str, effective: (i32, u32, u32)) -> Policy {
    Policy {
        file,
        effective,
        every_months: None,
        next_review: None,
        status: None,
        audience: None,
    }
}

/// Each commit's day (committed at noon UTC) and the policies it leaves.
fn script() -> Vec<((i32, u32, u32), Vec<Policy>)> {
    let p1 = Policy {
        every_months: Some(6),
        ..policy("p1", (2025, 2, 1))
    };
    // Legal-only and overdue from April 2025: the metric's audience (the
    // default, internal) never counts it.
    let secret = Policy {
        next_review: Some((2025, 4, 1)),
        audience: Some("legal-only"),
        ..policy("secret", (2025, 3, 1))
    };
    let p2 = Policy {
        next_review: Some((2025, 9, 15)),
        ..policy("p2", (2025, 5, 1))
    };
    let p1_reviewed = Policy {
        effective: (2025, 8, 15),
        ..p1
    };
    let draft = Policy {
        status: Some("draft"),
        every_months: Some(12),
        ..policy("p4", (2025, 9, 1))
    };
    let p3 = Policy {
        every_months: Some(12),
        ..policy("p3", (2025, 12, 1))
    };
    let p2_retired = Policy {
        status: Some("retired"),
        ..p2
    };
    // After Q1 2026 is over, P1's review date moves: Q1 2026 keeps its value.
    let p1_moved = Policy {
        every_months: None,
        next_review: Some((2026, 6, 30)),
        ..p1_reviewed
    };
    vec![
        ((2025, 2, 10), vec![p1, secret]),
        ((2025, 5, 5), vec![p1, secret, p2]),
        ((2025, 8, 20), vec![p1_reviewed, secret, p2, draft]),
        ((2025, 11, 10), vec![p1_reviewed, secret, p2, draft, p3]),
        ((2026, 1, 20), vec![p1_reviewed, secret, p2_retired, draft, p3]),
        ((2026, 4, 15), vec![p1_moved, secret, p2_retired, draft, p3]),
    ]
}

/// The expected percentage (in tenths) on `day`, from the script alone.
fn expected_tenths(day: (i32, u32, u32)) -> Option<u32> {
    let script = script();
    let (_, standing) = script.iter().rev().find(|(committed, _)| *committed <= day)?;
    let in_force: Vec<&Policy> = standing
        .iter()
        .filter(|p| p.status.is_none() && p.audience.is_none() && p.effective <= day)
        .collect();
    let on_time = in_force.iter().filter(|p| p.due().is_none_or(|due| due >= day)).count() as u32;
    let total = in_force.len() as u32;
    // Rounded half away from zero to one decimal place.
    (total > 0).then(|| (on_time * 2000 + total) / (2 * total))
}

fn scripted() -> SiteTest {
    let t = SiteTest::with_files(&[
        ("casebook.yaml", "title: Acme Legal\n"),
        (
            "content/metrics/reviews.yaml",
            "title: Policies reviewed on schedule\ncomputed: policy-reviews\ntarget: 100\n",
        ),
    ]);
    git_in(t.root(), None, &["init", "-q"]);
    for ((y, m, d), policies) in script() {
        for p in &policies {
            t.create(&format!("content/policies/{}.md", p.file), p.markdown());
        }
        commit(&t, "alice", &format!("{y}-{m:02}-{d:02}T12:00:00Z"), "Register");
    }
    t
}

/// The metric's value for each quarter, from `metrics.json` of a build on `today`.
fn values(t: &SiteTest, today: &str) -> BTreeMap<String, f64> {
    let out = format!("out-{today}");
    t.run(&["build", "--today", today, "--out", &out]).assert_code(0);
    let json: serde_json::Value = serde_json::from_str(&t.read(&format!("{out}/metrics.json"))).unwrap();
    let m = &json["metrics"]["reviews"];
    assert_eq!(m["computed"], "policy-reviews");
    m["quarters"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(q, k)| Some((q.clone(), k["value"].as_f64()?)))
        .collect()
}

const QUARTER_ENDS: [(&str, (i32, u32, u32)); 6] = [
    ("2025-Q1", (2025, 3, 31)),
    ("2025-Q2", (2025, 6, 30)),
    ("2025-Q3", (2025, 9, 30)),
    ("2025-Q4", (2025, 12, 31)),
    ("2026-Q1", (2026, 3, 31)),
    ("2026-Q2", (2026, 6, 30)),
];

fn expected(through: usize) -> BTreeMap<String, f64> {
    QUARTER_ENDS[..through]
        .iter()
        .map(|&(q, day)| (q.to_string(), f64::from(expected_tenths(day).unwrap()) / 10.0))
        .collect()
}

#[test]
fn policy_reviews_are_computed_per_quarter_from_the_register_in_git() {
    let t = scripted();
    // The script gives, by hand: 1/1, 2/2, 1/2 (P2 overdue), 2/3, 1/2 (P1
    // overdue, P2 retired), then 2/2 once P1's review date moved.
    let want = expected(5);
    assert_eq!(
        want.values().copied().collect::<Vec<_>>(),
        [100.0, 100.0, 50.0, 66.7, 50.0],
        "the test's own arithmetic"
    );
    // In May 2026 the last complete quarter is 2026-Q1.
    assert_eq!(values(&t, "2026-05-10"), want);
    // Later, one more quarter; the ones already over keep their values,
    // although today's files would give 2026-Q1 100% and 2025-Q3 100%.
    let later = values(&t, "2026-08-01");
    assert_eq!(later, expected(6));
    assert_eq!(later["2026-Q2"], 100.0);

    // Its page says how it is computed.
    let page = text_of(&t.read("out-2026-08-01/metrics/reviews/index.html"));
    assert!(
        page.contains("Computed by casebook from the policy register in git"),
        "{page}"
    );
}

#[test]
fn a_computed_metric_cannot_also_list_values() {
    let t = SiteTest::with_files(&[(
        "content/metrics/reviews.yaml",
        "title: Reviews\ncomputed: policy-reviews\nvalues:\n  2026-Q1: 90\n",
    )]);
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: a computed metric has no `values`",
        "content/metrics/reviews.yaml:3:1",
        "values:",
        "remove `values:`",
    );
    let t = SiteTest::with_files(&[(
        "content/metrics/reviews.yaml",
        "title: Reviews\ncomputed: policy-review\n",
    )]);
    let run = t.build(&[]);
    run.assert_code(1);
    run.assert_diagnostic(
        "error: unknown computed metric `policy-review`",
        "content/metrics/reviews.yaml:2:11",
        "computed: policy-review",
        "policy-reviews",
    );
}
