//! The HTML of a redline: blocks back in their containers, each change
//! numbered and linked to its neighbours, long unchanged stretches marked
//! for the changes-only view, and the summary by section.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::inline::{self, plain, wrap_all};
use super::{Entry, Limits, Redline, Section};
use crate::history::blocks::{Block, Container, Doc, Kind, NOTE_OPEN};

/// Unchanged blocks kept on each side of a change in the changes-only view.
const CONTEXT: usize = 1;
/// Shorter unchanged stretches are never folded: the marker would be as long.
const MIN_FOLD: usize = 2;

/// One block of the result, marked up.
struct Piece<'a> {
    block: &'a Block,
    class: &'static str,
    inner: String,
    /// The ordered-list number shown (items of the new text only).
    number: Option<u64>,
    changed: bool,
    added: usize,
    removed: usize,
    /// A changed heading's old text.
    was: Option<String>,
    /// A numbered heading's clause number as shown, and the old one when it
    /// was another: numbers are made from the headings, so neither is an edit.
    clause: Option<String>,
    was_clause: Option<String>,
}

fn pieces<'a>(
    (old, new): (&'a Doc, &'a Doc),
    entries: &[Entry],
    limits: &Limits,
    numbers: [&[Option<String>]; 2],
    r: &mut Redline,
) -> Vec<Piece<'a>> {
    let newer = |html: &str| number_notes(html, &new.notes, &old.notes);
    let older = |html: &str| number_notes(html, &old.notes, &new.notes);
    let whole = |block: &'a Block, class, inner: String, number| Piece {
        block,
        class,
        inner,
        number,
        changed: !class.is_empty(),
        added: 0,
        removed: 0,
        was: None,
        clause: None,
        was_clause: None,
    };
    let pieces: Vec<Piece<'a>> = entries
        .iter()
        .map(|e| match *e {
            Entry::Same(j) => {
                let b = &new.blocks[j];
                whole(b, "", newer(&b.html), b.number)
            }
            Entry::Changed(i, j) => {
                let (a, b) = (&old.blocks[i], &new.blocks[j]);
                let d = inline::diff(&a.html, &b.html, limits.words);
                r.words_added += d.added;
                r.words_removed += d.removed;
                r.blocks_changed += usize::from(d.changed);
                let was = (d.changed && matches!(b.kind, Kind::Heading(_))).then(|| plain(&a.html));
                Piece {
                    was,
                    added: d.added,
                    removed: d.removed,
                    ..whole(b, if d.changed { "rl-changed" } else { "" }, newer(&d.html), b.number)
                }
            }
            Entry::Added(j) => {
                let b = &new.blocks[j];
                let (h, w) = wrap_all(&b.html, "ins");
                r.words_added += w;
                r.blocks_added += 1;
                Piece {
                    added: w,
                    ..whole(b, "rl-added", newer(&h), b.number)
                }
            }
            Entry::Removed(i) => {
                let b = &old.blocks[i];
                let (h, w) = wrap_all(&b.html, "del");
                r.words_removed += w;
                r.blocks_removed += 1;
                Piece {
                    removed: w,
                    ..whole(b, "rl-removed", older(&h), None)
                }
            }
            Entry::MovedTo(j) => {
                let b = &new.blocks[j];
                r.blocks_moved += 1;
                whole(b, "rl-moved-to", newer(&wrap_all(&b.html, "ins").0), b.number)
            }
            Entry::MovedFrom(i) => {
                let b = &old.blocks[i];
                whole(b, "rl-moved-from", older(&wrap_all(&b.html, "del").0), None)
            }
        })
        .collect();
    let [was, now] = numbers;
    // Old blocks appear in order, one per entry that is not new: the old
    // number of an unchanged heading is found by counting them.
    let mut old_at = 0;
    pieces
        .into_iter()
        .zip(entries)
        .map(|(mut p, e)| {
            let old = match *e {
                Entry::Added(_) | Entry::MovedTo(_) => None,
                _ => {
                    old_at += 1;
                    was.get(old_at - 1).cloned().flatten()
                }
            };
            let shown = match *e {
                Entry::Same(j) | Entry::Changed(_, j) | Entry::Added(j) | Entry::MovedTo(j) => now[j].clone(),
                Entry::Removed(_) | Entry::MovedFrom(_) => old.clone(),
            };
            p.was_clause = old.filter(|o| shown.as_ref().is_some_and(|s| s != o));
            p.clause = shown;
            p
        })
        .collect()
}

/// `html` with each footnote atom numbered from `first`, else from
/// `second` (a note deleted from the new text keeps its old number).
fn number_notes(html: &str, first: &HashMap<String, usize>, second: &HashMap<String, usize>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(NOTE_OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + NOTE_OPEN.len()..];
        let Some(end) = after.find("\"></sup>") else {
            out.push_str(&rest[i..]);
            return out;
        };
        let label = &after[..end];
        match first.get(label).or_else(|| second.get(label)) {
            Some(n) => out.push_str(&format!("<sup class=\"rl-fn\">{n}</sup>")),
            None => out.push_str(&format!("<sup class=\"rl-fn\">{label}</sup>")),
        }
        rest = &after[end + "\"></sup>".len()..];
    }
    out.push_str(rest);
    out
}

fn is_heading(p: &Piece) -> bool {
    matches!(p.block.kind, Kind::Heading(_))
}

pub fn render(old: &Doc, new: &Doc, entries: &[Entry], limits: &Limits, numbers: [&[Option<String>]; 2]) -> Redline {
    let mut r = Redline::default();
    let p = pieces((old, new), entries, limits, numbers, &mut r);
    // Each edited block is a change; a run of blocks added or deleted whole
    // is one. A heading always starts a change, so each lies in one section.
    let whole = |p: &Piece| matches!(p.class, "rl-added" | "rl-removed");
    let mut starts: Vec<Option<usize>> = vec![None; p.len()];
    for i in 0..p.len() {
        let continues = i > 0 && whole(&p[i]) && whole(&p[i - 1]) && !is_heading(&p[i]);
        if p[i].changed && !continues {
            r.changes += 1;
            starts[i] = Some(r.changes);
        }
    }
    r.sections = sections(&p, &starts);
    // With only front matter changed, nothing is folded: the text is all there is to read.
    let fold = if r.changes > 0 {
        folds(&p, &starts)
    } else {
        vec![0; p.len()]
    };
    r.foldable = fold.iter().any(|&n| n > 0);
    let total = r.changes;
    let mut html = String::new();
    let mut open: Option<(Container, bool)> = None;
    let mut folded_until = 0;
    for (i, piece) in p.iter().enumerate() {
        let c = piece.block.container;
        if fold[i] > 0 {
            folded_until = i + fold[i];
        }
        if open.is_none_or(|(o, _)| o != c) {
            if let Some((o, _)) = open {
                html.push_str(close(o));
            }
            let end = (i..p.len()).find(|&k| p[k].block.container != c).unwrap_or(p.len());
            // A container folded whole hides itself; its marker goes before it.
            let hidden = c != Container::Body && end <= folded_until;
            if hidden && fold[i] > 0 {
                html.push_str(&gap(Container::Body, &p[i..i + fold[i]]));
            }
            html.push_str(&open_tag(c, hidden));
            open = Some((c, hidden));
        }
        if fold[i] > 0 && open.is_some_and(|(_, hidden)| !hidden) {
            html.push_str(&gap(c, &p[i..i + fold[i]]));
        }
        push_block(&mut html, piece, starts[i].map(|n| (n, total)), i < folded_until);
    }
    if let Some((o, _)) = open {
        html.push_str(close(o));
    }
    r.html = html;
    r
}

/// The sections holding a change, with their counts.
fn sections(p: &[Piece], starts: &[Option<usize>]) -> Vec<Section> {
    let mut all: Vec<Section> = Vec::new();
    for (i, piece) in p.iter().enumerate() {
        if let Kind::Heading(level) = piece.block.kind {
            let status = match piece.class {
                "rl-added" => "added",
                "rl-removed" => "deleted",
                "rl-changed" => "renamed",
                "rl-moved-to" | "rl-moved-from" => "moved",
                _ => "",
            };
            let mut s = section(plain(&piece.block.html), level, piece.was.clone(), status);
            s.number = piece.clause.clone();
            all.push(s);
        } else if all.is_empty() {
            all.push(section("Opening text".into(), 0, None, ""));
        }
        let Some(s) = all.last_mut() else { continue };
        if let Some(n) = starts[i] {
            if s.changes == 0 {
                s.change = n;
            }
            s.changes += 1;
        }
        s.words_added += piece.added;
        s.words_removed += piece.removed;
    }
    all.retain(|s| s.changes > 0);
    all
}

fn section(title: String, level: u8, was: Option<String>, status: &'static str) -> Section {
    Section {
        title,
        level,
        number: None,
        was,
        status,
        change: 0,
        changes: 0,
        words_added: 0,
        words_removed: 0,
    }
}

/// For each block, the length of the folded stretch starting there (else 0).
/// Kept in view: changed blocks, [`CONTEXT`] blocks around them, and the
/// headings above each change.
fn folds(p: &[Piece], starts: &[Option<usize>]) -> Vec<usize> {
    let mut keep = vec![false; p.len()];
    let mut headings: Vec<(u8, usize)> = Vec::new();
    for (i, piece) in p.iter().enumerate() {
        if let Kind::Heading(level) = piece.block.kind {
            while headings.last().is_some_and(|&(l, _)| l >= level) {
                headings.pop();
            }
            headings.push((level, i));
        }
        if piece.changed {
            keep[i] = true;
            // Context stays within the change's section.
            for k in (i.saturating_sub(CONTEXT)..i).rev() {
                if is_heading(&p[k + 1]) {
                    break;
                }
                keep[k] = true;
            }
            for k in i + 1..(i + 1 + CONTEXT).min(p.len()) {
                if is_heading(&p[k]) {
                    break;
                }
                keep[k] = true;
            }
        }
        if starts[i].is_some() {
            headings.iter().for_each(|&(_, h)| keep[h] = true);
        }
    }
    // A table shown in part keeps its header rows.
    let mut i = 0;
    while i < p.len() {
        let end = (i..p.len())
            .find(|&k| p[k].block.container != p[i].block.container)
            .unwrap_or(p.len());
        if p[i].block.container == Container::Table && keep[i..end].contains(&true) {
            for k in i..end {
                if matches!(p[k].block.kind, Kind::Row { header: true }) {
                    keep[k] = true;
                }
            }
        }
        i = end;
    }
    let mut fold = vec![0; p.len()];
    let mut i = 0;
    while i < p.len() {
        let start = i;
        while i < p.len() && !keep[i] {
            i += 1;
        }
        if i - start >= MIN_FOLD {
            fold[start] = i - start;
        }
        i = i.max(start + 1);
    }
    fold
}

/// The marker of a folded stretch, as an element `c` may hold.
fn gap(c: Container, folded: &[Piece]) -> String {
    let mut counts = [0usize; 4];
    for piece in folded {
        counts[match piece.block.kind {
            Kind::Heading(_) => 0,
            Kind::Item => 2,
            Kind::Row { .. } => 3,
            _ => 1,
        }] += 1;
    }
    let names = [
        ("heading", "headings"),
        ("paragraph", "paragraphs"),
        ("list item", "list items"),
        ("table row", "table rows"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .zip(names)
        .filter(|(n, _)| **n > 0)
        .map(|(&n, (one, many))| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
    let text = match parts.split_last() {
        Some((last, [])) => format!("⋯ {last} unchanged"),
        Some((last, rest)) => format!("⋯ {} and {last} unchanged", rest.join(", ")),
        None => String::new(),
    };
    match c {
        Container::List { .. } => format!("<li class=\"rl-gap\">{text}</li>\n"),
        Container::Table => {
            let cells = folded.first().map_or(1, |f| {
                (f.inner.matches("<td").count() + f.inner.matches("<th").count()).max(1)
            });
            format!("<tr class=\"rl-gap\"><td colspan=\"{cells}\">{text}</td></tr>\n")
        }
        _ => format!("<p class=\"rl-gap\">{text}</p>\n"),
    }
}

fn open_tag(c: Container, hidden: bool) -> String {
    let fold = if hidden { " rl-fold" } else { "" };
    match c {
        Container::Body => String::new(),
        Container::List { ordered, depth } => {
            format!(
                "<{} class=\"rl-list rl-depth-{depth}{fold}\">\n",
                if ordered { "ol" } else { "ul" }
            )
        }
        Container::Table => format!("<div class=\"table-wrap{fold}\"><table class=\"rl-table\">\n"),
        Container::Quote if hidden => "<blockquote class=\"rl-fold\">\n".into(),
        Container::Quote => "<blockquote>\n".into(),
        Container::Footnote => format!("<div class=\"rl-footnotes{fold}\">\n"),
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

/// Links to the changes before and after change `n` of `total`.
fn nav(n: usize, total: usize) -> String {
    let mut s = String::from("<span class=\"rl-nav\">");
    if n > 1 {
        let _ = write!(
            s,
            "<a href=\"#change-{}\" rel=\"prev\"><span aria-hidden=\"true\">↑</span><span class=\"visually-hidden\">Previous change</span></a>",
            n - 1
        );
    }
    let _ = write!(
        s,
        "<span class=\"rl-nav-n\"><span class=\"visually-hidden\">Change </span>{n}<span aria-hidden=\"true\">/</span><span class=\"visually-hidden\"> of </span>{total}</span>"
    );
    if n < total {
        let _ = write!(
            s,
            "<a href=\"#change-{}\" rel=\"next\"><span aria-hidden=\"true\">↓</span><span class=\"visually-hidden\">Next change</span></a>",
            n + 1
        );
    }
    s.push_str("</span>");
    s
}

fn push_block(html: &mut String, p: &Piece, change: Option<(usize, usize)>, folded: bool) {
    let label = match p.class {
        "rl-added" => "Added",
        "rl-removed" => "Deleted",
        "rl-moved-to" => "Moved here",
        "rl-moved-from" => "Moved from here",
        _ => "",
    };
    let classes: Vec<&str> = [
        p.class,
        if p.block.cont { "rl-cont" } else { "" },
        if folded { "rl-fold" } else { "" },
    ]
    .into_iter()
    .filter(|c| !c.is_empty())
    .collect();
    let mut attr = String::new();
    if !classes.is_empty() {
        let _ = write!(attr, " class=\"{}\"", classes.join(" "));
    }
    if let Some((n, _)) = change {
        let _ = write!(attr, " id=\"change-{n}\"");
    }
    if let (Kind::Item, Some(v)) = (p.block.kind, p.number) {
        let _ = write!(attr, " value=\"{v}\"");
    }
    let nav = change.map(|(n, total)| nav(n, total)).unwrap_or_default();
    let mark = if label.is_empty() {
        String::new()
    } else {
        format!("<span class=\"rl-mark\">{label}</span> ")
    };
    let inner = &p.inner;
    let _ = match p.block.kind {
        // One level down: the redline page has its own `<h1>`.
        Kind::Heading(l) => {
            let l = (l + 1).min(6);
            let number = p
                .clause
                .as_ref()
                .map(|n| format!("<span class=\"clause-number\">{n}</span> "))
                .unwrap_or_default();
            let renumbered = p
                .was_clause
                .as_ref()
                .map(|n| format!(" <span class=\"rl-renumbered\">(was {n})</span>"))
                .unwrap_or_default();
            writeln!(html, "<h{l}{attr}>{nav}{mark}{number}{inner}{renumbered}</h{l}>")
        }
        Kind::Paragraph => writeln!(html, "<p{attr}>{nav}{mark}{inner}</p>"),
        Kind::Item => writeln!(html, "<li{attr}>{nav}{mark}{inner}</li>"),
        Kind::Row { .. } => {
            // The links go into the first cell.
            let cut = inner
                .find("<t")
                .and_then(|i| inner[i..].find('>').map(|j| i + j + 1))
                .unwrap_or(0);
            writeln!(html, "<tr{attr}>{}{nav}{}</tr>", &inner[..cut], &inner[cut..])
        }
        Kind::Code => writeln!(html, "<pre{attr}>{nav}<code>{inner}</code></pre>"),
        Kind::Rule => writeln!(html, "<hr{attr}>"),
    };
}
