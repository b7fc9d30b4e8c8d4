//! Block alignment: which blocks stayed, moved, changed, left or arrived.

use std::collections::HashMap;

use similar::DiffTag;

use super::inline::{is_word, tokens};
use super::{Entry, Limits, bounded};
use crate::history::blocks::{Block, Container, Kind};

/// Aligns two block lists; see the module documentation of [`super`].
pub fn align(old: &[Block], new: &[Block], limits: &Limits) -> Vec<Entry> {
    let ok: Vec<_> = old.iter().map(Block::key).collect();
    let nk: Vec<_> = new.iter().map(Block::key).collect();
    // Equal runs and the changed regions between them.
    enum Seg {
        Same(std::ops::Range<usize>),
        Region(std::ops::Range<usize>, std::ops::Range<usize>),
    }
    let mut segs: Vec<Seg> = Vec::new();
    for (tag, o, n) in bounded::diff(&ok, &nk, limits.blocks) {
        if tag == DiffTag::Equal {
            segs.push(Seg::Same(n));
            continue;
        }
        match segs.last_mut() {
            Some(Seg::Region(ro, rn)) => {
                ro.end = ro.end.max(o.end);
                rn.end = rn.end.max(n.end);
            }
            _ => segs.push(Seg::Region(o, n)),
        }
    }
    // Moves: a block gone from one region and back, unchanged, in another (or the same).
    let mut gone: HashMap<&(Kind, Container, &str), std::collections::VecDeque<usize>> = HashMap::new();
    for s in &segs {
        if let Seg::Region(o, _) = s {
            for i in o.clone() {
                gone.entry(&ok[i]).or_default().push_back(i);
            }
        }
    }
    let mut moved_to: HashMap<usize, usize> = HashMap::new();
    let mut moved_from: HashMap<usize, usize> = HashMap::new();
    for s in &segs {
        if let Seg::Region(_, n) = s {
            for j in n.clone() {
                if let Some(i) = gone.get_mut(&nk[j]).and_then(|list| list.pop_front()) {
                    moved_to.insert(j, i);
                    moved_from.insert(i, j);
                }
            }
        }
    }
    let mut out = Vec::with_capacity(old.len().max(new.len()));
    for s in segs {
        match s {
            Seg::Same(n) => out.extend(n.map(Entry::Same)),
            Seg::Region(o, n) => {
                let olds: Vec<usize> = o.clone().filter(|i| !moved_from.contains_key(i)).collect();
                let news: Vec<usize> = n.clone().filter(|j| !moved_to.contains_key(j)).collect();
                let pairs = pair(old, new, &olds, &news, limits.pairs);
                let (mut oi, mut ni) = (o.start, n.start);
                let old_entry = |i: usize| {
                    if moved_from.contains_key(&i) {
                        Entry::MovedFrom(i)
                    } else {
                        Entry::Removed(i)
                    }
                };
                let new_entry = |j: usize| {
                    if moved_to.contains_key(&j) {
                        Entry::MovedTo(j)
                    } else {
                        Entry::Added(j)
                    }
                };
                for (pi, pj) in pairs {
                    out.extend((oi..pi).map(old_entry));
                    out.extend((ni..pj).map(new_entry));
                    out.push(Entry::Changed(pi, pj));
                    (oi, ni) = (pi + 1, pj + 1);
                }
                out.extend((oi..o.end).map(old_entry));
                out.extend((ni..n.end).map(new_entry));
            }
        }
    }
    out
}

/// A block's words as sorted `(word id, count)`, for similarity.
type Bag = Vec<(u32, u32)>;

fn bags<'a>(blocks: impl Iterator<Item = &'a Block>, ids: &mut HashMap<String, u32>) -> Vec<Bag> {
    blocks
        .map(|b| {
            let mut bag: Vec<(u32, u32)> = Vec::new();
            for t in tokens(&b.html).into_iter().filter(|t| is_word(t)) {
                let next = ids.len() as u32;
                bag.push((*ids.entry(t.to_lowercase()).or_insert(next), 1));
            }
            bag.sort_unstable();
            bag.dedup_by(|b, a| {
                let same = a.0 == b.0;
                if same {
                    a.1 += b.1;
                }
                same
            });
            bag
        })
        .collect()
}

/// Dice similarity of two word bags: 1 for the same words, 0 for none in common.
fn dice(a: &Bag, b: &Bag) -> f64 {
    let total: u32 = a.iter().chain(b).map(|w| w.1).sum();
    if total == 0 {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0u32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += a[i].1.min(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * f64::from(common) / f64::from(total)
}

/// Pairs old and new blocks of one region, in order, maximising similarity:
/// exactly within `budget` cells, else greedily within a window of the
/// next `budget / olds` new blocks.
pub fn pair(old: &[Block], new: &[Block], olds: &[usize], news: &[usize], budget: usize) -> Vec<(usize, usize)> {
    let (m, n) = (olds.len(), news.len());
    if m == 0 || n == 0 {
        return Vec::new();
    }
    let mut ids = HashMap::new();
    let ow = bags(olds.iter().map(|&i| &old[i]), &mut ids);
    let nw = bags(news.iter().map(|&j| &new[j]), &mut ids);
    let score = |a: usize, b: usize| -> Option<f64> {
        let (ka, kb) = (old[olds[a]].kind, new[news[b]].kind);
        let compatible = ka == kb || matches!((ka, kb), (Kind::Paragraph, Kind::Item) | (Kind::Item, Kind::Paragraph));
        if !compatible {
            return None;
        }
        let s = dice(&ow[a], &nw[b]);
        // Headings are short: a renamed heading still pairs with its old self.
        let floor = if matches!(ka, Kind::Heading(_)) { 0.0 } else { 0.3 };
        (s >= floor).then_some(s + 0.01)
    };
    if m.saturating_mul(n) > budget {
        let window = (budget / m).clamp(1, n);
        let mut pairs = Vec::new();
        let mut next = 0;
        for (a, &i) in olds.iter().enumerate() {
            let mut best: Option<(usize, f64)> = None;
            for b in next..(next + window).min(n) {
                if let Some(s) = score(a, b)
                    && best.is_none_or(|(_, top)| s > top)
                {
                    best = Some((b, s));
                }
            }
            if let Some((b, _)) = best {
                pairs.push((i, news[b]));
                next = b + 1;
                if next == n {
                    break;
                }
            }
        }
        return pairs;
    }
    let mut best = vec![vec![0.0f64; n + 1]; m + 1];
    for a in 1..=m {
        for b in 1..=n {
            let mut v = best[a - 1][b].max(best[a][b - 1]);
            if let Some(s) = score(a - 1, b - 1) {
                v = v.max(best[a - 1][b - 1] + s);
            }
            best[a][b] = v;
        }
    }
    let mut pairs = Vec::new();
    let (mut a, mut b) = (m, n);
    while a > 0 && b > 0 {
        if best[a][b] == best[a - 1][b] {
            a -= 1;
        } else if best[a][b] == best[a][b - 1] {
            b -= 1;
        } else {
            pairs.push((olds[a - 1], news[b - 1]));
            a -= 1;
            b -= 1;
        }
    }
    pairs.reverse();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::blocks;

    fn entries(old: &str, new: &str) -> Vec<Entry> {
        align(
            &blocks::parse(old).blocks,
            &blocks::parse(new).blocks,
            &super::super::LIMITS,
        )
    }

    #[test]
    fn reordered_list_items_are_moves() {
        let e = entries("- alpha\n- beta\n- gamma\n", "- gamma\n- alpha\n- beta\n");
        assert!(e.contains(&Entry::MovedTo(0)), "{e:?}");
        assert!(e.contains(&Entry::MovedFrom(2)), "{e:?}");
    }

    #[test]
    fn added_table_row_is_one_added_block() {
        let old = "| Role | Limit |\n|---|---|\n| GC | 1M |\n| CFO | 5M |\n";
        let new = "| Role | Limit |\n|---|---|\n| GC | 1M |\n| CEO | 10M |\n| CFO | 5M |\n";
        assert_eq!(
            entries(old, new),
            vec![Entry::Same(0), Entry::Same(1), Entry::Added(2), Entry::Same(3)]
        );
    }

    #[test]
    fn renamed_heading_pairs_with_its_old_self() {
        let old = "## Scope\n\nThis applies to all staff.\n\n## Retention periods\n\nSeven years.\n";
        let new = "## Scope\n\nThis applies to all staff.\n\n## Retention schedule\n\nSeven years.\n";
        assert_eq!(
            entries(old, new),
            vec![Entry::Same(0), Entry::Same(1), Entry::Changed(2, 2), Entry::Same(3)]
        );
    }

    #[test]
    fn unrelated_paragraphs_are_removed_and_added_not_paired() {
        let e = entries(
            "Keep this.\n\nOld clause about fees.\n",
            "Keep this.\n\nA new section on gifts entirely.\n",
        );
        assert_eq!(e, vec![Entry::Same(0), Entry::Removed(1), Entry::Added(1)]);
    }

    /// Every paragraph edited: nothing aligns exactly, so pairing decides.
    fn renamed_everywhere(n: usize) -> (Vec<Block>, Vec<Block>) {
        let text = |who: &str| -> String {
            (0..n)
                .map(|i| format!("Clause {i}: the {who} keeps records of matter {i} for seven years.\n\n"))
                .collect()
        };
        (
            blocks::parse(&text("Supplier")).blocks,
            blocks::parse(&text("Vendor")).blocks,
        )
    }

    #[test]
    fn over_budget_pairing_falls_back_to_a_window_and_still_pairs_in_order() {
        let (old, new) = renamed_everywhere(6);
        let idx: Vec<usize> = (0..6).collect();
        let exact = pair(&old, &new, &idx, &idx, 1_000);
        let windowed = pair(&old, &new, &idx, &idx, 1);
        let diagonal: Vec<(usize, usize)> = idx.iter().map(|&i| (i, i)).collect();
        assert_eq!(exact, diagonal);
        assert_eq!(windowed, diagonal);
        // A deleted clause in the middle: the window skips past it.
        let (mut old, new) = renamed_everywhere(6);
        old.insert(
            3,
            blocks::parse("An unrelated indemnity paragraph nobody kept.").blocks[0].clone(),
        );
        let olds: Vec<usize> = (0..7).collect();
        let windowed = pair(&old, &new, &olds, &idx, 14);
        assert_eq!(windowed, vec![(0, 0), (1, 1), (2, 2), (4, 3), (5, 4), (6, 5)]);
    }

    #[test]
    fn over_budget_block_alignment_still_finds_the_unchanged_blocks() {
        let old = "Intro.\n\nAlpha stays.\n\nBeta goes away.\n\nGamma stays.\n\nEnd.\n";
        let new = "Preface.\n\nAlpha stays.\n\nDelta is new here.\n\nGamma stays.\n\nFin.\n";
        let limits = Limits {
            blocks: 0,
            ..super::super::LIMITS
        };
        let e = align(&blocks::parse(old).blocks, &blocks::parse(new).blocks, &limits);
        assert_eq!(
            e,
            vec![
                Entry::Removed(0),
                Entry::Added(0),
                Entry::Same(1),
                Entry::Removed(2),
                Entry::Added(2),
                Entry::Same(3),
                Entry::Removed(4),
                Entry::Added(4),
            ]
        );
    }
}
