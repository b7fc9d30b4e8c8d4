//! The words of definitions: which verbs define, what can be a term, where
//! a definition's sentence starts and ends, and how meanings compare.

use pulldown_cmark::BlockQuoteKind;

use super::Form;
use crate::text::collapse;

/// Longest tooltip text, in characters; a longer definition is cut at a word.
pub const TEXT_CHARS: usize = 320;

/// Verbs that make a bold term a definition, longest first so the longest matches.
pub(super) const VERBS: &[&str] = &[
    "shall have the meaning",
    "shall have the meanings",
    "has the meaning",
    "have the meaning",
    "is defined as",
    "are defined as",
    "shall include",
    "shall mean",
    "is used to mean",
    "refers to",
    "refer to",
    "includes",
    "include",
    "denotes",
    "means",
    "mean",
];

/// Verbs whose object is the meaning itself, left out when definitions are compared.
const PLAIN_VERBS: &[&str] = &[
    "shall mean",
    "is defined as",
    "are defined as",
    "refers to",
    "refer to",
    "means",
    "mean",
];

/// Words that may stand between `(` and the term of a parenthetical
/// definition: `(each a **"Party"** and together the **"Parties"**)`.
pub(super) const CONNECTORS: &[&str] = &[
    "the",
    "a",
    "an",
    "each",
    "together",
    "collectively",
    "individually",
    "jointly",
    "hereinafter",
    "hereafter",
    "referred",
    "to",
    "as",
    "known",
    "called",
    "or",
    "and",
    "in",
    "this",
    "these",
    "its",
    "their",
    "any",
    "such",
    "all",
    "both",
    "policy",
    "agreement",
    "document",
    "handbook",
];

/// Words before a quoted term that make it read as a term in use: `the "Supplier"`.
pub(super) const DETERMINERS: &[&str] = &[
    "the", "a", "an", "each", "any", "every", "no", "such", "this", "that", "these", "those", "all", "our", "its",
];

/// Small words a capitalised multi-word term may hold: `Head of Legal`.
const SMALL_WORDS: &[&str] = &[
    "of", "and", "the", "for", "in", "on", "to", "a", "an", "or", "by", "with", "&", "&amp;",
];

pub(super) fn is_quotation(kind: Option<BlockQuoteKind>) -> bool {
    kind.is_none()
}

pub(super) fn is_void(tag: &str) -> bool {
    let name: String = tag[1..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        name.as_str(),
        "br" | "img" | "input" | "hr" | "wbr" | "source" | "meta" | "link"
    )
}

pub(super) fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether quotation mark `open` is closed by `close`.
pub(super) fn closes(open: char, close: char) -> bool {
    matches!(
        (open, close),
        ('“', '”') | ('"', '"') | ('‘', '’') | ('\'', '\'') | ('«', '»')
    )
}

/// The text inside one pair of quotation marks around all of `s`.
pub(super) fn unquote(s: &str) -> Option<&str> {
    let s = s.trim();
    let open = s.chars().next()?;
    let close = s.chars().next_back()?;
    let inner = s.get(open.len_utf8()..s.len() - close.len_utf8())?;
    (s.chars().count() > 2 && closes(open, close) && !inner.trim().is_empty()).then(|| inner.trim())
}

/// Whether a quotation opened before this point is still open.
pub(super) fn quotation_open(before: &str) -> bool {
    before.matches('“').count() > before.matches('”').count()
}

/// What can be a defined term: one to eight words, starting with a
/// capital letter, a digit, or a letter of a script without case (`合同`),
/// without sentence punctuation.
pub fn is_term(t: &str) -> bool {
    let words = t.split_whitespace().count();
    let first = t.chars().next();
    (1..=8).contains(&words)
        && t.chars().count() <= 80
        && first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || (c.is_alphabetic() && !c.is_lowercase()))
        && t.chars().any(char::is_alphabetic)
        && !t.contains([
            ',', ';', ':', '!', '?', '(', ')', '[', ']', '{', '}', '<', '>', '"', '“', '”',
        ])
        && !t.ends_with('.')
}

/// Whether every word but the small ones starts with a capital: `Head of Legal`.
pub(super) fn is_capitalised(t: &str) -> bool {
    t.split_whitespace().enumerate().all(|(i, w)| {
        w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) || (i > 0 && SMALL_WORDS.contains(&w))
    })
}

/// The defining verb at the start of `after`, past an optional qualifier
/// between commas (`**"Affiliate"**, in relation to a person, means …`).
pub(super) fn verb_after(after: &str) -> Option<&'static str> {
    let mut rest = after.trim_start();
    if let Some(q) = rest.strip_prefix(',') {
        let close = q.find(',').filter(|&i| i <= 100 && !q[..i].contains(['.', ';']))?;
        rest = q[close + 1..].trim_start();
    }
    VERBS.iter().copied().find(|v| {
        rest.strip_prefix(v)
            .is_some_and(|tail| !tail.starts_with(char::is_alphanumeric))
    })
}

pub(super) fn only_connectors(s: &str) -> bool {
    s.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .all(|w| CONNECTORS.contains(&w.to_lowercase().as_str()))
}

/// What may follow a term in parentheses: the closing parenthesis, or
/// another term of the same parentheses.
pub(super) fn closes_parenthetical(after: &str) -> bool {
    let a = after.trim_start();
    a.starts_with(')') || a.starts_with([',', ';']) || a.starts_with("and ") || a.starts_with("or ")
}

/// Words that end in a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "cf", "no", "nos", "cl", "art", "arts", "para", "paras", "sec", "s", "ss", "inc", "ltd", "co",
    "corp", "mr", "mrs", "ms", "dr", "st", "vs", "v", "u.s", "u.k", "approx", "pp",
];

/// Whether the `.` at byte `i` of `text` ends a sentence.
fn ends_sentence(text: &str, i: usize) -> bool {
    let next = text[i + 1..].chars().next();
    if next.is_some_and(|c| !c.is_whitespace()) {
        return false;
    }
    let word = text[..i].rsplit(char::is_whitespace).next().unwrap_or("");
    let word = word.trim_start_matches(['(', '“', '"', '‘']).to_lowercase();
    if ABBREVIATIONS.contains(&word.as_str()) || (word.chars().count() == 1 && word.chars().all(char::is_alphabetic)) {
        return false;
    }
    let following = text[i + 1..].trim_start().chars().next();
    following.is_none_or(|c| c.is_uppercase() || c.is_ascii_digit() || matches!(c, '“' | '"' | '(' | '‘'))
}

/// Where the sentence holding byte `from` ends: after its full stop, or
/// before a semicolon, or at the end of the block.
fn sentence_end(text: &str, from: usize) -> usize {
    for (i, c) in text[from..].char_indices() {
        let at = from + i;
        match c {
            ';' => return at,
            '.' | '!' | '?' if ends_sentence(text, at) => return at + 1,
            _ => {}
        }
    }
    text.len()
}

/// Where the sentence holding byte `at` starts.
fn sentence_start(text: &str, at: usize) -> usize {
    let mut start = 0;
    for (i, c) in text[..at].char_indices() {
        match c {
            ';' => start = i + 1,
            '.' | '!' | '?' if ends_sentence(text, i) => start = i + 1,
            _ => {}
        }
    }
    start
}

/// What a reader is shown and what is compared, for a definition whose
/// term is at `start..end` of its block's text.
pub(super) fn sentence_of(text: &str, form: Form, start: usize, end: usize) -> (String, String) {
    match form {
        Form::Parenthetical => {
            let s = sentence_start(text, start);
            let open = text[..start].rfind('(').unwrap_or(start);
            let close = text[end..]
                .find(')')
                .map_or_else(|| sentence_end(text, end), |i| end + i + 1);
            let shown = cut(text[s..close].trim());
            let named = referent(&text[s..open]);
            let meaning = if named.is_empty() {
                normalise(&shown)
            } else {
                normalise(&named)
            };
            (shown, meaning)
        }
        _ => {
            let stop = sentence_end(text, end);
            let shown = cut(text[start..stop].trim());
            let rest = text[end..stop].trim_start();
            let rest = PLAIN_VERBS.iter().find_map(|v| rest.strip_prefix(v)).unwrap_or(rest);
            (shown, normalise(rest))
        }
    }
}

/// The capitalised name that ends `before`: `Northwind Industries Ltd` in
/// `This policy applies to Northwind Industries Ltd `.
fn referent(before: &str) -> String {
    let words: Vec<&str> = before.split_whitespace().collect();
    let mut from = words.len();
    while from > 0 {
        let w = words[from - 1];
        let capital = w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        if capital || SMALL_WORDS.contains(&w) {
            from -= 1;
        } else {
            break;
        }
    }
    while from < words.len() && SMALL_WORDS.contains(&words[from]) {
        from += 1;
    }
    words[from..].join(" ")
}

/// A meaning as compared: one kind of quotation mark, no closing
/// punctuation or list connector.
pub fn normalise(s: &str) -> String {
    let s: String = collapse(s)
        .chars()
        .map(|c| match c {
            '“' | '”' => '"',
            '‘' | '’' => '\'',
            c => c,
        })
        .collect();
    let mut s = s.trim_end_matches(['.', ';', ',', ':', ' ']).to_string();
    for tail in [" and", " or"] {
        if let Some(t) = s.strip_suffix(tail) {
            s = t.trim_end_matches([';', ',', ' ']).to_string();
        }
    }
    s
}

/// `s` with whitespace collapsed, cut at a word near [`TEXT_CHARS`].
pub fn cut(s: &str) -> String {
    let s = collapse(s);
    let s = s.trim_end_matches([';', ',', ' ']);
    match s.char_indices().nth(TEXT_CHARS) {
        None => s.to_string(),
        Some((i, _)) => {
            let head = s[..i].rsplit_once(' ').map_or(&s[..i], |(a, _)| a);
            format!("{}…", head.trim_end_matches([',', ';', ':', '.']))
        }
    }
}
