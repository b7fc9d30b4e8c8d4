//! A diff whose work is bounded by the size of its input, never by a clock,
//! so the same two texts give the same redline on an idle laptop and on a
//! loaded build server.
//!
//! [`diff`] trims the common prefix and suffix, then runs `similar`'s
//! Patience diff when what is left fits `budget` cells (old × new, an upper
//! bound of the Myers work inside Patience). A larger problem is cut at
//! anchors, the elements found once in each side, in the longest chain that
//! is in order on both (Patience's own idea); each gap between anchors is
//! diffed exactly when it fits the budget and replaced whole when it does
//! not. The work is O(n log n) plus at most `budget` cells per gap.

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Range;

use similar::{Algorithm, DiffTag, capture_diff_slices};

/// One step of an edit script: a tag and the old and new ranges it covers.
pub type Span = (DiffTag, Range<usize>, Range<usize>);

/// An edit script from `old` to `new`, in order, covering both entirely.
pub fn diff<T: Hash + Eq>(old: &[T], new: &[T], budget: usize) -> Vec<Span> {
    let mut out = Vec::new();
    run(old, new, (0, 0), budget, true, &mut out);
    out
}

fn push(out: &mut Vec<Span>, tag: DiffTag, o: Range<usize>, n: Range<usize>) {
    if o.is_empty() && n.is_empty() {
        return;
    }
    if let Some(last) = out.last_mut()
        && last.0 == tag
        && tag == DiffTag::Equal
    {
        last.1.end = o.end;
        last.2.end = n.end;
        return;
    }
    out.push((tag, o, n));
}

/// Diffs `old` against `new`, which start at `at` in the whole inputs.
fn run<T: Hash + Eq>(old: &[T], new: &[T], at: (usize, usize), budget: usize, anchor: bool, out: &mut Vec<Span>) {
    let pre = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suf = old[pre..]
        .iter()
        .rev()
        .zip(new[pre..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (o0, n0) = at;
    push(out, DiffTag::Equal, o0..o0 + pre, n0..n0 + pre);
    let (o, n) = (&old[pre..old.len() - suf], &new[pre..new.len() - suf]);
    let (os, ns) = (o0 + pre, n0 + pre);
    let (oe, ne) = (os + o.len(), ns + n.len());
    if o.is_empty() || n.is_empty() {
        let tag = if o.is_empty() { DiffTag::Insert } else { DiffTag::Delete };
        push(out, tag, os..oe, ns..ne);
    } else if o.len().saturating_mul(n.len()) <= budget {
        for op in capture_diff_slices(Algorithm::Patience, o, n) {
            let (tag, a, b) = op.as_tag_tuple();
            push(out, tag, os + a.start..os + a.end, ns + b.start..ns + b.end);
        }
    } else if anchor {
        let (mut i, mut j) = (0, 0);
        for (a, b) in anchors(o, n) {
            run(&o[i..a], &n[j..b], (os + i, ns + j), budget, false, out);
            push(out, DiffTag::Equal, os + a..os + a + 1, ns + b..ns + b + 1);
            (i, j) = (a + 1, b + 1);
        }
        run(&o[i..], &n[j..], (os + i, ns + j), budget, false, out);
    } else {
        push(out, DiffTag::Replace, os..oe, ns..ne);
    }
    push(out, DiffTag::Equal, oe..oe + suf, ne..ne + suf);
}

/// Elements unique in both sides, as `(old, new)` indexes, in the longest
/// chain increasing on both.
fn anchors<T: Hash + Eq>(old: &[T], new: &[T]) -> Vec<(usize, usize)> {
    // Per element: count and place in old, count and place in new.
    let mut seen: HashMap<&T, [usize; 4]> = HashMap::with_capacity(old.len());
    for (i, t) in old.iter().enumerate() {
        let e = seen.entry(t).or_insert([0, i, 0, 0]);
        e[0] += 1;
    }
    for (j, t) in new.iter().enumerate() {
        if let Some(e) = seen.get_mut(t) {
            e[2] += 1;
            e[3] = j;
        }
    }
    let pairs: Vec<(usize, usize)> = new
        .iter()
        .enumerate()
        .filter_map(|(j, t)| {
            let e = seen.get(t)?;
            (e[0] == 1 && e[2] == 1).then_some((e[1], j))
        })
        .collect();
    // Longest increasing run of old indexes, by patience sorting.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for k in 0..pairs.len() {
        let pos = tails.partition_point(|&t| pairs[t].0 < pairs[k].0);
        prev[k] = pos.checked_sub(1).map(|p| tails[p]);
        if pos == tails.len() {
            tails.push(k);
        } else {
            tails[pos] = k;
        }
    }
    let mut chain = Vec::with_capacity(tails.len());
    let mut k = tails.last().copied();
    while let Some(i) = k {
        chain.push(pairs[i]);
        k = prev[i];
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Checks that `script` is an edit script from `old` to `new`.
    fn check(old: &[u8], new: &[u8], script: &[Span]) {
        let (mut i, mut j) = (0, 0);
        for (tag, o, n) in script {
            assert_eq!((o.start, n.start), (i, j), "{script:?}");
            match tag {
                DiffTag::Equal => assert_eq!(old[o.clone()], new[n.clone()]),
                DiffTag::Delete => assert!(n.is_empty() && !o.is_empty()),
                DiffTag::Insert => assert!(o.is_empty() && !n.is_empty()),
                DiffTag::Replace => assert!(!o.is_empty() && !n.is_empty()),
            }
            (i, j) = (o.end, n.end);
        }
        assert_eq!((i, j), (old.len(), new.len()), "{script:?}");
    }

    #[test]
    fn within_budget_the_diff_is_exact() {
        let (old, new) = (b"xccy", b"zccw");
        let script = diff(old, new, 100);
        check(old, new, &script);
        assert_eq!(
            script,
            vec![
                (DiffTag::Replace, 0..1, 0..1),
                (DiffTag::Equal, 1..3, 1..3),
                (DiffTag::Replace, 3..4, 3..4),
            ]
        );
    }

    #[test]
    fn over_budget_a_gap_without_anchors_is_replaced_whole() {
        // `c` occurs twice, so nothing anchors: 4 × 4 cells over a budget of 3.
        let (old, new) = (b"xccy", b"zccw");
        let script = diff(old, new, 3);
        check(old, new, &script);
        assert_eq!(script, vec![(DiffTag::Replace, 0..4, 0..4)]);
    }

    #[test]
    fn over_budget_unique_elements_anchor_the_gaps() {
        // `A` and `B` occur once on each side; each gap is 1 × 1, within budget.
        let (old, new) = (b"xAyBz", b"pAqBr");
        let script = diff(old, new, 1);
        check(old, new, &script);
        assert_eq!(
            script,
            vec![
                (DiffTag::Replace, 0..1, 0..1),
                (DiffTag::Equal, 1..2, 1..2),
                (DiffTag::Replace, 2..3, 2..3),
                (DiffTag::Equal, 3..4, 3..4),
                (DiffTag::Replace, 4..5, 4..5),
            ]
        );
        // Anchors out of order on the two sides: the longest ordered chain wins.
        let (old, new) = (b"1BCD2", b"3DBC4");
        let script = diff(old, new, 0);
        check(old, new, &script);
        let equal: Vec<&[u8]> = script
            .iter()
            .filter(|s| s.0 == DiffTag::Equal)
            .map(|s| &old[s.1.clone()])
            .collect();
        assert_eq!(equal, vec![b"BC" as &[u8]]);
    }

    #[test]
    fn common_ends_are_trimmed_before_the_budget_applies() {
        let old: Vec<u32> = (0..5000).collect();
        let mut new = old.clone();
        new[2500] = 9999;
        let script = diff(&old, &new, 0);
        assert_eq!(
            script,
            vec![
                (DiffTag::Equal, 0..2500, 0..2500),
                (DiffTag::Replace, 2500..2501, 2500..2501),
                (DiffTag::Equal, 2501..5000, 2501..5000),
            ]
        );
    }

    proptest! {
        #[test]
        fn every_budget_gives_an_edit_script(
            old in proptest::collection::vec(0u8..6, 0..40),
            new in proptest::collection::vec(0u8..6, 0..40),
            budget in 0usize..200,
        ) {
            let script = diff(&old, &new, budget);
            check(&old, &new, &script);
            prop_assert_eq!(diff(&old, &new, budget), script);
        }
    }
}
