//! Redlines: two texts of a page compared the way lawyers read changes.
//!
//! The bodies are split into [`blocks`](super::blocks) and aligned first
//! (Patience diff on whitespace-normalised blocks, so re-wrapping is no
//! change); a block that left one place and turned up unchanged in another
//! is *moved*; the blocks left over in a changed region are paired with
//! their most similar counterpart of the same kind, in order, and compared
//! word by word (`similar`, Patience, with a deadline). Front matter is
//! compared key by key. The result is HTML with the page's structure:
//! `<ins>` for inserted words, `<del>` for deleted ones, whole blocks marked
//! as added, removed or moved.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, DiffTag, DiffableStr, capture_diff_slices_deadline};

use super::blocks::{self, Block, Container, Kind};

/// How long one redline may spend diffing before settling for a coarser result.
const TIMEOUT: Duration = Duration::from_secs(2);

/// A compared pair of texts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Redline {
    /// The marked-up body.
    pub html: String,
    pub words_added: usize,
    pub words_removed: usize,
    pub blocks_added: usize,
    pub blocks_removed: usize,
    pub blocks_changed: usize,
    pub blocks_moved: usize,
    /// Front matter keys whose values differ, in key order.
    pub front: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub key: String,
    /// `review_every` → `Review every`.
    pub label: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Redline {
    /// Whether anything a reader would call an edit differs.
    pub fn has_changes(&self) -> bool {
        self.words_added + self.words_removed + self.blocks_added + self.blocks_removed + self.blocks_moved > 0
            || !self.front.is_empty()
    }
}

/// Compares two whole page files (front matter and body).
pub fn compare(old: &str, new: &str) -> Redline {
    let (old_yaml, old_body) = split(old);
    let (new_yaml, new_body) = split(new);
    let mut r = compare_bodies(old_body, new_body);
    r.front = front_changes(old_yaml, new_yaml);
    r
}

fn split(text: &str) -> (&str, &str) {
    match crate::parse::front_matter::split(text, "") {
        Ok(s) => (s.yaml, s.body),
        Err(_) => ("", text),
    }
}

/// One block of the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Same(usize),
    Changed(usize, usize),
    Added(usize),
    Removed(usize),
    /// The new place of a block that moved unchanged (index into new).
    MovedTo(usize),
    /// The old place of a moved block (index into old).
    MovedFrom(usize),
}

/// Compares two Markdown bodies.
pub fn compare_bodies(old: &str, new: &str) -> Redline {
    let deadline = Instant::now() + TIMEOUT;
    let (ob, nb) = (blocks::parse(old), blocks::parse(new));
    let entries = align(&ob, &nb, deadline);
    render(&ob, &nb, &entries, deadline)
}

/// Aligns two block lists; see the module documentation.
pub fn align(old: &[Block], new: &[Block], deadline: Instant) -> Vec<Entry> {
    let ok: Vec<_> = old.iter().map(Block::key).collect();
    let nk: Vec<_> = new.iter().map(Block::key).collect();
    let ops = capture_diff_slices_deadline(Algorithm::Patience, &ok, &nk, Some(deadline));
    // Equal runs and the changed regions between them.
    enum Seg {
        Same(std::ops::Range<usize>),
        Region(std::ops::Range<usize>, std::ops::Range<usize>),
    }
    let mut segs: Vec<Seg> = Vec::new();
    for op in &ops {
        let (tag, o, n) = op.as_tag_tuple();
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
    let mut gone: HashMap<&(Kind, Container, String), Vec<usize>> = HashMap::new();
    for s in &segs {
        if let Seg::Region(o, _) = s {
            for i in o.clone() {
                gone.entry(&ok[i]).or_default().push(i);
            }
        }
    }
    let mut moved_to: HashMap<usize, usize> = HashMap::new();
    let mut moved_from: HashMap<usize, usize> = HashMap::new();
    for s in &segs {
        if let Seg::Region(_, n) = s {
            for j in n.clone() {
                if let Some(list) = gone.get_mut(&nk[j])
                    && !list.is_empty()
                {
                    let i = list.remove(0);
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
                let pairs = pair(old, new, &olds, &news);
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

/// Pairs old and new blocks of one region, in order, maximising similarity.
fn pair(old: &[Block], new: &[Block], olds: &[usize], news: &[usize]) -> Vec<(usize, usize)> {
    let (m, n) = (olds.len(), news.len());
    if m == 0 || n == 0 || m * n > 40_000 {
        return Vec::new();
    }
    let ow: Vec<HashMap<String, usize>> = olds.iter().map(|&i| words(&old[i].html)).collect();
    let nw: Vec<HashMap<String, usize>> = news.iter().map(|&j| words(&new[j].html)).collect();
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

fn words(html: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for t in tokens(html) {
        if is_word(t) {
            *out.entry(t.to_lowercase()).or_insert(0) += 1;
        }
    }
    out
}

fn dice(a: &HashMap<String, usize>, b: &HashMap<String, usize>) -> f64 {
    let (ta, tb): (usize, usize) = (a.values().sum(), b.values().sum());
    if ta + tb == 0 {
        return 1.0;
    }
    let common: usize = a.iter().map(|(w, &c)| c.min(b.get(w).copied().unwrap_or(0))).sum();
    2.0 * common as f64 / (ta + tb) as f64
}

/// Splits inline HTML into tags, entities, words and whitespace.
pub fn tokens(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let cut = if rest.starts_with('<') {
            rest.find('>').map_or(rest.len(), |i| i + 1)
        } else if let Some(after) = rest.strip_prefix('&') {
            match after.find(';') {
                Some(i) if i < 10 && after[..i].chars().all(|c| c.is_ascii_alphanumeric() || c == '#') => i + 2,
                _ => 1,
            }
        } else {
            let end = rest.find(['<', '&']).unwrap_or(rest.len());
            out.extend(rest[..end].tokenize_unicode_words());
            end
        };
        if rest.starts_with(['<', '&']) {
            out.push(&rest[..cut]);
        }
        rest = &rest[cut..];
    }
    out
}

fn is_tag(t: &str) -> bool {
    t.starts_with('<')
}

fn is_space(t: &str) -> bool {
    t.chars().all(char::is_whitespace)
}

fn is_word(t: &str) -> bool {
    !is_tag(t) && t.chars().any(char::is_alphanumeric)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Ins,
}

/// Word diff of two inline HTML strings: the new HTML with deleted words in
/// `<del>` and inserted words in `<ins>`, and the counts of each.
pub fn inline_diff(old: &str, new: &str, deadline: Instant) -> (String, usize, usize) {
    let (ot, nt) = (tokens(old), tokens(new));
    fn key<'a>(t: &&'a str) -> &'a str {
        if is_space(t) { " " } else { t }
    }
    let ok: Vec<&str> = ot.iter().map(key).collect();
    let nk: Vec<&str> = nt.iter().map(key).collect();
    let mut items: Vec<(Op, &str)> = Vec::with_capacity(nt.len() + 8);
    for op in capture_diff_slices_deadline(Algorithm::Patience, &ok, &nk, Some(deadline)) {
        let (tag, o, n) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => items.extend(n.map(|j| (Op::Same, nk[j]))),
            DiffTag::Delete => items.extend(o.map(|i| (Op::Del, ok[i]))),
            DiffTag::Insert => items.extend(n.map(|j| (Op::Ins, nk[j]))),
            DiffTag::Replace => {
                items.extend(o.map(|i| (Op::Del, ok[i])));
                items.extend(n.map(|j| (Op::Ins, nk[j])));
            }
        }
    }
    // A lone space between two changes joins them: `<del>30 days</del>`,
    // not `<del>30</del> <del>days</del>`.
    let mut i = 0;
    while i < items.len() {
        if items[i].0 == Op::Same && is_space(items[i].1) {
            let before = i > 0 && items[i - 1].0 != Op::Same;
            let after = items.get(i + 1).is_some_and(|x| x.0 != Op::Same);
            if before && after {
                items[i] = (Op::Del, " ");
                items.insert(i + 1, (Op::Ins, " "));
                i += 1;
            }
        }
        i += 1;
    }
    let (mut html, mut added, mut removed) = (String::with_capacity(new.len() + 64), 0, 0);
    let mut i = 0;
    while i < items.len() {
        if items[i].0 == Op::Same {
            html.push_str(items[i].1);
            i += 1;
            continue;
        }
        let end = items[i..]
            .iter()
            .position(|x| x.0 == Op::Same)
            .map_or(items.len(), |k| i + k);
        let run = &items[i..end];
        let dels: String = run
            .iter()
            .filter(|x| x.0 == Op::Del && !is_tag(x.1))
            .map(|x| x.1)
            .collect();
        removed += run.iter().filter(|x| x.0 == Op::Del && is_word(x.1)).count();
        added += run.iter().filter(|x| x.0 == Op::Ins && is_word(x.1)).count();
        let ins: Vec<&str> = run.iter().filter(|x| x.0 == Op::Ins).map(|x| x.1).collect();
        let has_words = |s: &[&str]| s.iter().any(|t| !is_tag(t) && !is_space(t));
        if !is_space(&dels) {
            let _ = write!(html, "<del>{}</del>", dels.trim_end());
            if dels.ends_with(' ') && ins.first().is_none_or(|t| !is_space(t)) {
                html.push(' ');
            }
        }
        if has_words(&ins) {
            push_wrapped(&mut html, &ins, "ins");
        } else {
            // Only tags or spaces were inserted: keep the new structure as it is.
            ins.iter().for_each(|t| html.push_str(t));
        }
        i = end;
    }
    (html, added, removed)
}

/// Pushes `tokens`, wrapping each run of text between tags in `<el>`.
fn push_wrapped(out: &mut String, tokens: &[&str], el: &str) {
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.trim().is_empty() {
            out.push_str(run);
        } else {
            let lead = run.len() - run.trim_start().len();
            let trail = run.trim_end().len();
            let _ = write!(
                out,
                "{}<{el}>{}</{el}>{}",
                &run[..lead],
                &run[lead..trail],
                &run[trail..]
            );
        }
        run.clear();
    };
    for t in tokens {
        if is_tag(t) {
            flush(&mut run, out);
            out.push_str(t);
        } else {
            run.push_str(t);
        }
    }
    flush(&mut run, out);
}

/// A whole block's HTML with all its text in `<el>`, and its word count.
fn wrap_all(html: &str, el: &str) -> (String, usize) {
    let t = tokens(html);
    let words = t.iter().filter(|x| is_word(x)).count();
    let mut out = String::with_capacity(html.len() + 16);
    push_wrapped(&mut out, &t, el);
    (out, words)
}

fn render(old: &[Block], new: &[Block], entries: &[Entry], deadline: Instant) -> Redline {
    let mut r = Redline::default();
    let mut html = String::new();
    let mut open: Option<Container> = None;
    for e in entries {
        let (block, class, inner) = match *e {
            Entry::Same(j) => (&new[j], "", new[j].html.clone()),
            Entry::Changed(i, j) => {
                let (h, a, d) = inline_diff(&old[i].html, &new[j].html, deadline);
                r.words_added += a;
                r.words_removed += d;
                if a + d > 0 {
                    r.blocks_changed += 1;
                }
                (&new[j], if a + d > 0 { "rl-changed" } else { "" }, h)
            }
            Entry::Added(j) => {
                let (h, w) = wrap_all(&new[j].html, "ins");
                r.words_added += w;
                r.blocks_added += 1;
                (&new[j], "rl-added", h)
            }
            Entry::Removed(i) => {
                let (h, w) = wrap_all(&old[i].html, "del");
                r.words_removed += w;
                r.blocks_removed += 1;
                (&old[i], "rl-removed", h)
            }
            Entry::MovedTo(j) => {
                r.blocks_moved += 1;
                (&new[j], "rl-moved-to", wrap_all(&new[j].html, "ins").0)
            }
            Entry::MovedFrom(i) => (&old[i], "rl-moved-from", wrap_all(&old[i].html, "del").0),
        };
        if open != Some(block.container) {
            if let Some(c) = open {
                html.push_str(close(c));
            }
            html.push_str(&open_tag(block.container));
            open = Some(block.container);
        }
        push_block(&mut html, block.kind, class, &inner);
    }
    if let Some(c) = open {
        html.push_str(close(c));
    }
    r.html = html;
    r
}

fn open_tag(c: Container) -> String {
    match c {
        Container::Body => String::new(),
        Container::List { ordered, depth } => {
            format!(
                "<{} class=\"rl-list rl-depth-{depth}\">\n",
                if ordered { "ol" } else { "ul" }
            )
        }
        Container::Table => "<div class=\"table-wrap\"><table class=\"rl-table\">\n".into(),
        Container::Quote => "<blockquote>\n".into(),
        Container::Footnote => "<div class=\"rl-footnotes\">\n".into(),
    }
}

fn close(c: Container) -> &'static str {
    match c {
        Container::Body => "",
        Container::List { ordered: true, .. } => "</ol>\n",
        Container::List { ordered: false, .. } => "</ul>\n",
        Container::Table => "</table></div>\n",
        Container::Quote => "</blockquote>\n",
        Container::Footnote => "</div>\n",
    }
}

fn push_block(html: &mut String, kind: Kind, class: &str, inner: &str) {
    let label = match class {
        "rl-added" => "Added",
        "rl-removed" => "Deleted",
        "rl-moved-to" => "Moved here",
        "rl-moved-from" => "Moved from here",
        _ => "",
    };
    let attr = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{class}\"")
    };
    let mark = if label.is_empty() {
        String::new()
    } else {
        format!("<span class=\"rl-mark\">{label}</span> ")
    };
    let _ = match kind {
        // One level down: the redline page has its own `<h1>`.
        Kind::Heading(l) => {
            let l = (l + 1).min(6);
            writeln!(html, "<h{l}{attr}>{mark}{inner}</h{l}>")
        }
        Kind::Paragraph => writeln!(html, "<p{attr}>{mark}{inner}</p>"),
        Kind::Item => writeln!(html, "<li{attr}>{mark}{inner}</li>"),
        Kind::Row { .. } => writeln!(html, "<tr{attr}>{inner}</tr>"),
        Kind::Code => writeln!(html, "<pre{attr}><code>{inner}</code></pre>"),
        Kind::Html => writeln!(html, "<pre{attr}>{mark}{inner}</pre>"),
        Kind::Rule => writeln!(html, "<hr{attr}>"),
    };
}

/// Front matter keys whose values differ.
pub fn front_changes(old: &str, new: &str) -> Vec<FieldChange> {
    let parse = |y: &str| -> Option<std::collections::BTreeMap<String, String>> {
        let src = crate::yaml::Source { file: "", full: y };
        let root = crate::yaml::parse_map(y, src, 0).ok()?;
        let entries = root.as_ref().and_then(crate::yaml::Node::entries).unwrap_or(&[]);
        Some(
            entries
                .iter()
                .map(|(k, v)| (k.text().unwrap_or_default().to_string(), show(&v.to_json())))
                .collect(),
        )
    };
    match (parse(old), parse(new)) {
        (Some(a), Some(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| a.get(*k) != b.get(*k))
                .map(|k| FieldChange {
                    key: k.clone(),
                    label: label(k),
                    old: a.get(k).cloned(),
                    new: b.get(k).cloned(),
                })
                .collect()
        }
        _ if blocks::normalise(old) != blocks::normalise(new) => vec![FieldChange {
            key: String::new(),
            label: "Front matter".into(),
            old: Some(old.trim().to_string()),
            new: Some(new.trim().to_string()),
        }],
        _ => Vec::new(),
    }
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn label(key: &str) -> String {
    let s = key.replace(['_', '-'], " ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soon() -> Instant {
        Instant::now() + TIMEOUT
    }

    fn entries(old: &str, new: &str) -> Vec<Entry> {
        align(&blocks::parse(old), &blocks::parse(new), soon())
    }

    #[test]
    fn word_diff_marks_exactly_the_changed_words() {
        let (html, added, removed) = inline_diff(
            "The Supplier shall notify the Company within 30 days.",
            "The Supplier must notify the Company in writing within 10 business days.",
            soon(),
        );
        assert_eq!(
            html,
            "The Supplier <del>shall</del><ins>must</ins> notify the Company <ins>in writing</ins> within <del>30</del><ins>10 business</ins> days."
        );
        assert_eq!((added, removed), (5, 2));
    }

    #[test]
    fn word_diff_handles_unicode_and_markup() {
        let (html, a, d) = inline_diff(
            "Über <em>alle</em> «Daten» 合同",
            "Über <em>viele</em> «Daten» 合同",
            soon(),
        );
        assert_eq!(html, "Über <em><del>alle</del><ins>viele</ins></em> «Daten» 合同");
        assert_eq!((a, d), (1, 1));
        // Entities stay whole.
        let (html, _, _) = inline_diff("A &amp; B", "A &lt; B", soon());
        assert_eq!(html, "A <del>&amp;</del><ins>&lt;</ins> B");
    }

    #[test]
    fn rewrapped_paragraph_is_no_change() {
        let r = compare_bodies(
            "Records are kept for seven years\nafter the matter closes.\n",
            "Records are kept for\nseven years after the   matter closes.\n",
        );
        assert!(!r.has_changes(), "{r:?}");
        assert!(!r.html.contains("<ins>") && !r.html.contains("<del>"), "{}", r.html);
    }

    #[test]
    fn reordered_list_items_are_moves() {
        let e = entries("- alpha\n- beta\n- gamma\n", "- gamma\n- alpha\n- beta\n");
        assert!(e.contains(&Entry::MovedTo(0)), "{e:?}");
        assert!(e.contains(&Entry::MovedFrom(2)), "{e:?}");
        let r = compare_bodies("- alpha\n- beta\n- gamma\n", "- gamma\n- alpha\n- beta\n");
        assert_eq!((r.words_added, r.words_removed, r.blocks_moved), (0, 0, 1));
        assert!(r.html.contains("<li class=\"rl-moved-to\">"), "{}", r.html);
    }

    #[test]
    fn added_table_row_is_one_added_block() {
        let old = "| Role | Limit |\n|---|---|\n| GC | 1M |\n| CFO | 5M |\n";
        let new = "| Role | Limit |\n|---|---|\n| GC | 1M |\n| CEO | 10M |\n| CFO | 5M |\n";
        let e = entries(old, new);
        assert_eq!(e, vec![Entry::Same(0), Entry::Same(1), Entry::Added(2), Entry::Same(3)]);
        let r = compare_bodies(old, new);
        assert!(
            r.html
                .contains("<tr class=\"rl-added\"><td><ins>CEO</ins></td><td><ins>10M</ins></td></tr>"),
            "{}",
            r.html
        );
        assert_eq!((r.words_added, r.words_removed), (2, 0));
    }

    #[test]
    fn renamed_heading_pairs_with_its_old_self() {
        let old = "## Scope\n\nThis applies to all staff.\n\n## Retention periods\n\nSeven years.\n";
        let new = "## Scope\n\nThis applies to all staff.\n\n## Retention schedule\n\nSeven years.\n";
        assert_eq!(
            entries(old, new),
            vec![Entry::Same(0), Entry::Same(1), Entry::Changed(2, 2), Entry::Same(3)]
        );
        let r = compare_bodies(old, new);
        assert!(
            r.html
                .contains("<h3 class=\"rl-changed\">Retention <del>periods</del><ins>schedule</ins></h3>"),
            "{}",
            r.html
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

    #[test]
    fn front_matter_changes_are_listed() {
        let r = compare(
            "---\ntitle: X\neffective: 2026-01-01\napprover: general-counsel\n---\nBody.\n",
            "---\ntitle: X\neffective: 2026-07-01\napprover: ceo\n---\nBody.\n",
        );
        let f: Vec<(&str, Option<&str>, Option<&str>)> = r
            .front
            .iter()
            .map(|c| (c.label.as_str(), c.old.as_deref(), c.new.as_deref()))
            .collect();
        assert_eq!(
            f,
            vec![
                ("Approver", Some("general-counsel"), Some("ceo")),
                ("Effective", Some("2026-01-01"), Some("2026-07-01")),
            ]
        );
        assert!(r.has_changes());
    }

    #[test]
    fn odd_input_does_not_panic() {
        for (a, b) in [
            ("", ""),
            ("---\n", "---\nx: [\n---\n"),
            ("<div>\n<b>raw</b>\n</div>\n", "<div>\n<i>raw</i>\n</div>\n"),
            ("a &amp b &#x; &", "a & b"),
            ("```\ncode <x>\n```\n", "```\ncode <y>\n```\n"),
            ("[^1]: note\n\nText[^1]", "Text"),
        ] {
            let _ = compare(a, b);
        }
    }
}
