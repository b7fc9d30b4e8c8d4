//! Policy lifecycle: the status of a policy as of a given day.

use jiff::civil::Date;
use serde::Serialize;

use crate::parse::front_matter::{DeclaredStatus, FrontMatter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyStatus {
    // Declared in this order so sorting puts what needs attention first.
    Overdue,
    ReviewDue,
    /// Neither an `effective` date nor a `next_review`: in force, but since
    /// when and until when nobody can tell.
    Undated,
    Scheduled,
    Effective,
    Draft,
    Retired,
}

impl PolicyStatus {
    pub fn label(self) -> &'static str {
        match self {
            PolicyStatus::Draft => "Draft",
            PolicyStatus::Scheduled => "Scheduled",
            PolicyStatus::Effective => "Effective",
            PolicyStatus::ReviewDue => "Review due",
            PolicyStatus::Overdue => "Overdue",
            PolicyStatus::Undated => "No effective date",
            PolicyStatus::Retired => "Retired",
        }
    }

    /// The id used in `policy_list(status=…)` and CSS classes.
    pub fn id(self) -> &'static str {
        match self {
            PolicyStatus::Draft => "draft",
            PolicyStatus::Scheduled => "scheduled",
            PolicyStatus::Effective => "effective",
            PolicyStatus::ReviewDue => "review-due",
            PolicyStatus::Overdue => "overdue",
            PolicyStatus::Undated => "undated",
            PolicyStatus::Retired => "retired",
        }
    }

    pub const ALL: [PolicyStatus; 7] = [
        PolicyStatus::Draft,
        PolicyStatus::Scheduled,
        PolicyStatus::Effective,
        PolicyStatus::ReviewDue,
        PolicyStatus::Overdue,
        PolicyStatus::Undated,
        PolicyStatus::Retired,
    ];

    /// In force on the day the status is for: it took effect and is neither
    /// draft nor retired. An undated policy is left out: since when it is in
    /// force, and when it falls due, nobody can tell.
    pub fn in_force(self) -> bool {
        matches!(
            self,
            PolicyStatus::Effective | PolicyStatus::ReviewDue | PolicyStatus::Overdue
        )
    }

    pub fn parse(s: &str) -> Option<PolicyStatus> {
        let norm = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        PolicyStatus::ALL.into_iter().find(|st| st.id() == norm)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Lifecycle {
    pub status: PolicyStatus,
    pub effective: Option<Date>,
    pub next_review: Option<Date>,
    /// Days from the build day to the next review; negative when overdue.
    pub days_to_review: Option<i64>,
}

/// The lifecycle of a policy as of `today`. A review is due when the next
/// review falls within `due_days`; it is overdue the day after it falls.
pub fn lifecycle(front: &FrontMatter, today: Date, due_days: i64) -> Lifecycle {
    let effective = front.effective;
    // A retired policy is never reviewed again.
    let next_review = front
        .next_review
        .or_else(|| effective.zip(front.review_every).and_then(|(e, every)| every.after(e)))
        .filter(|_| front.status != Some(DeclaredStatus::Retired));
    let days_to_review = next_review.and_then(|n| days_between(today, n));
    let status = match front.status {
        Some(DeclaredStatus::Retired) => PolicyStatus::Retired,
        Some(DeclaredStatus::Draft) => PolicyStatus::Draft,
        None => match (effective, days_to_review) {
            (Some(e), _) if e > today => PolicyStatus::Scheduled,
            (_, Some(d)) if d < 0 => PolicyStatus::Overdue,
            (_, Some(d)) if d <= due_days => PolicyStatus::ReviewDue,
            (None, None) => PolicyStatus::Undated,
            _ => PolicyStatus::Effective,
        },
    };
    Lifecycle {
        status,
        effective,
        next_review,
        days_to_review,
    }
}

fn days_between(from: Date, to: Date) -> Option<i64> {
    from.until((jiff::Unit::Day, to)).ok().map(|s| i64::from(s.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::front_matter::Interval;
    use jiff::civil::date;

    fn policy(
        effective: Option<Date>,
        every: Option<&str>,
        next: Option<Date>,
        status: Option<DeclaredStatus>,
    ) -> FrontMatter {
        FrontMatter {
            effective,
            review_every: every.and_then(Interval::parse),
            next_review: next,
            status,
            ..FrontMatter::default()
        }
    }

    const TODAY: Date = date(2026, 11, 27);

    fn status(fm: &FrontMatter) -> PolicyStatus {
        lifecycle(fm, TODAY, 30).status
    }

    #[test]
    fn statuses_as_of_a_day() {
        let e = Some(date(2025, 1, 1));
        assert_eq!(
            status(&policy(e, Some("24 months"), None, None)),
            PolicyStatus::Effective
        );
        // 12 months after 2025-12-15 is 2026-12-15: 18 days away, inside the 30-day window.
        assert_eq!(
            status(&policy(Some(date(2025, 12, 15)), Some("12 months"), None, None)),
            PolicyStatus::ReviewDue
        );
        assert_eq!(
            status(&policy(Some(date(2025, 9, 1)), Some("12 months"), None, None)),
            PolicyStatus::Overdue
        );
        assert_eq!(
            status(&policy(Some(date(2027, 1, 1)), Some("12 months"), None, None)),
            PolicyStatus::Scheduled
        );
        assert_eq!(
            status(&policy(e, None, None, Some(DeclaredStatus::Retired))),
            PolicyStatus::Retired
        );
        assert_eq!(
            status(&policy(e, None, None, Some(DeclaredStatus::Draft))),
            PolicyStatus::Draft
        );
        assert_eq!(status(&policy(e, None, None, None)), PolicyStatus::Effective);
    }

    #[test]
    fn window_edges() {
        // Due exactly today: review due, not overdue. Yesterday: overdue.
        assert_eq!(status(&policy(e(), None, Some(TODAY), None)), PolicyStatus::ReviewDue);
        assert_eq!(
            status(&policy(e(), None, Some(date(2026, 11, 26)), None)),
            PolicyStatus::Overdue
        );
        // 30 days out is inside the window, 31 is not.
        assert_eq!(
            status(&policy(e(), None, Some(date(2026, 12, 27)), None)),
            PolicyStatus::ReviewDue
        );
        assert_eq!(
            status(&policy(e(), None, Some(date(2026, 12, 28)), None)),
            PolicyStatus::Effective
        );
        // Becomes effective today: effective, not scheduled.
        assert_eq!(
            status(&policy(Some(TODAY), Some("1 year"), None, None)),
            PolicyStatus::Effective
        );
    }

    fn e() -> Option<Date> {
        Some(date(2024, 1, 1))
    }

    #[test]
    fn next_review_overrides_interval_and_days_are_signed() {
        let l = lifecycle(
            &policy(e(), Some("12 months"), Some(date(2026, 12, 7)), None),
            TODAY,
            30,
        );
        assert_eq!(l.next_review, Some(date(2026, 12, 7)));
        assert_eq!(l.days_to_review, Some(10));
        let overdue = lifecycle(
            &policy(Some(date(2025, 9, 1)), Some("12 months"), None, None),
            TODAY,
            30,
        );
        assert_eq!(overdue.days_to_review, Some(-87));
    }

    #[test]
    fn retired_policies_have_no_next_review() {
        let l = lifecycle(
            &policy(e(), Some("12 months"), None, Some(DeclaredStatus::Retired)),
            TODAY,
            30,
        );
        assert_eq!(
            (l.status, l.next_review, l.days_to_review),
            (PolicyStatus::Retired, None, None)
        );
    }

    #[test]
    fn status_names_parse_leniently() {
        assert_eq!(PolicyStatus::parse("Review due"), Some(PolicyStatus::ReviewDue));
        assert_eq!(PolicyStatus::parse("overdue"), Some(PolicyStatus::Overdue));
        assert_eq!(PolicyStatus::parse("late"), None);
    }
}
