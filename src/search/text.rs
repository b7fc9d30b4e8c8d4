//! Words as the search index and the browser both see them.
//!
//! The JavaScript reader (`themes/default/static/js/search.js`) repeats each
//! step exactly, so a query finds what the index holds: fold (lower case,
//! accents removed, a few letters spelled out), split into runs of letters
//! and digits, drop stop words and one-letter words, and stem words of plain
//! `a`–`z` letters with Snowball English (Porter2). The stop words are
//! written into the index, so the reader never keeps its own copy.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Common English words left out of the index: they match nearly every
/// section and would triple its size.
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been",
    "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "each", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "of", "off",
    "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some",
    "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
];

/// Lower case, accents removed, and letters that do not decompose spelled
/// out (`ß` → `ss`, `æ` → `ae`, `ø` → `o`).
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.to_lowercase().nfd() {
        match c {
            c if is_combining_mark(c) => {}
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'đ' | 'ð' => out.push('d'),
            'ł' => out.push('l'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            c => out.push(c),
        }
    }
    out
}

/// A hash map for lookups by word. The index hashes every word of the site
/// a few times, and words come from the site's own files, so a simple
/// multiplicative hash (FxHash, as rustc uses) beats SipHash by far. Nothing
/// iterates these maps into output unsorted.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[derive(Default)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("chunks of 8")));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// What words are made of: letters, digits, and the accents on them.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || (!c.is_ascii() && is_combining_mark(c))
}

/// Calls `f` with the index term of every word of `text` and the folded
/// word, in order. Terms are cached per thread: a site has far fewer
/// distinct words than words.
pub fn for_each_term(text: &str, mut f: impl FnMut(&Arc<str>, &str)) {
    thread_local! {
        static CACHE: RefCell<FastMap<String, Option<Arc<str>>>> = RefCell::new(FastMap::default());
    }
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        let mut buf = String::new();
        for raw in text.split(|c: char| !is_word_char(c)) {
            if raw.is_empty() {
                continue;
            }
            buf.clear();
            if raw.is_ascii() {
                buf.push_str(raw);
                buf.make_ascii_lowercase();
            } else {
                buf.push_str(&fold(raw));
            }
            if let Some(t) = cache.get(buf.as_str()) {
                if let Some(t) = t {
                    f(t, &buf);
                }
                continue;
            }
            let t: Option<Arc<str>> = if buf.is_empty() {
                None
            } else {
                term(&buf).map(Arc::from)
            };
            if let Some(t) = &t {
                f(t, &buf);
            }
            cache.insert(buf.clone(), t);
        }
    });
}

/// The folded words of `text`, in order, stop words included.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(fold)
        .filter(|w| !w.is_empty())
}

/// The index term of a folded word, or `None` for a word not indexed.
pub fn term(word: &str) -> Option<String> {
    if word.chars().count() < 2 && !word.chars().all(|c| c.is_numeric()) {
        return None;
    }
    if word.len() > 40 || STOP_WORDS.binary_search(&word).is_ok() {
        return None;
    }
    Some(stem(word))
}

/// Snowball English for words of `a`–`z` letters; anything else as it is.
pub fn stem(word: &str) -> String {
    if !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_string();
    }
    thread_local! {
        static STEMMER: rust_stemmers::Stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    }
    STEMMER.with(|s| s.stem(word).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_terms_are_the_same_terms() {
        let text = "Straße, LEG-POL-004: the retention of records; retention!";
        let mut cached = Vec::new();
        for_each_term(text, |t, _| cached.push(t.to_string()));
        for_each_term(text, |_, _| {});
        let direct: Vec<String> = words(text).filter_map(|w| term(&w)).collect();
        assert_eq!(cached, direct);
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn folding_removes_accents_and_spells_out_letters() {
        assert_eq!(fold("Économie Straße Ærø Łódź"), "economie strasse aero lodz");
    }

    #[test]
    fn terms_are_stemmed_folded_and_skip_stop_words() {
        let terms: Vec<String> = words("The Retention of Records, LEG-POL-004; résumés 5 x")
            .filter_map(|w| term(&w))
            .collect();
        assert_eq!(terms, ["retent", "record", "leg", "pol", "004", "resum", "5"]);
        assert_eq!(stem("policies"), "polici");
        assert_eq!(stem("generously"), "generous");
    }
}
