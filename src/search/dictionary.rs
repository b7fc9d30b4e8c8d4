//! The dictionary a misspelt query word is corrected against: the site's
//! words of four letters or more (as folded, before stemming, so a
//! correction reads as a word: *retention*), each with the number of
//! sections holding its term, in shards of words that share a first letter
//! so a correction loads one of them.
//!
//! Only the [`MAX_WORDS`] most frequent words are kept, which bounds the
//! dictionary's size whatever the site: a word too rare to make the cut is
//! still found when typed correctly, it only is never offered as a correction.

use super::ALPHABET;
use super::entries::Words;

/// The most words the dictionary holds.
pub const MAX_WORDS: usize = 50_000;
/// Size a shard grows to before the next starts (bytes of words).
const SHARD: usize = 16 * 1024;

/// The dictionary's shards: for each, its first word and its data, the
/// words separated by spaces and, one character each, how many sections
/// hold their term (capped at 63).
pub fn shards(all: &Words, sections_with: impl Fn(&str) -> usize) -> Vec<(String, [String; 2])> {
    let mut words: Vec<(&str, usize)> = all.iter().map(|(w, t)| (&**w, sections_with(t))).collect();
    if words.len() > MAX_WORDS {
        words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        words.truncate(MAX_WORDS);
    }
    words.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));

    let mut out: Vec<(String, [String; 2])> = Vec::new();
    let mut first_char = None;
    for (w, df) in words {
        let c = w.chars().next();
        let full = out.last().is_none_or(|(_, [text, _])| text.len() >= SHARD);
        // A shard starts at a new first letter once it is full, so the
        // words of one letter are in as few shards as possible.
        if out.is_empty() || (full && c != first_char) {
            out.push((w.to_string(), [String::new(), String::new()]));
        }
        first_char = c;
        let [text, counts] = &mut out.last_mut().expect("a shard was started").1;
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(w);
        counts.push(ALPHABET[df.min(63)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn entry(words: &[&str]) -> Words {
        words.iter().map(|w| (Box::from(*w), Arc::from(*w))).collect()
    }

    #[test]
    fn words_are_sorted_counted_and_shards_start_at_a_new_letter() {
        let words = entry(&["zebra", "apple", "élan", "azure"]);
        let count = |t: &str| if t == "apple" { 70 } else { t.len() };
        let one = shards(&words, count);
        assert_eq!(one.len(), 1);
        let (first, [words, counts]) = &one[0];
        assert_eq!(first, "apple");
        assert_eq!(words, "apple azure zebra élan", "UTF-16 order, as JavaScript sorts");
        assert_eq!(counts, "_555", "section counts, capped at 63");

        // Many words: shards never split the words of one letter.
        let many: Vec<String> = (0..4000).map(|i| format!("{}word{i:04}", ["b", "c"][i % 2])).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let two = shards(&entry(&refs), |_| 1);
        let starts: Vec<&str> = two.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(starts, ["bword0000", "cword0001"]);
    }

    #[test]
    fn only_the_most_frequent_words_are_kept() {
        let many: Vec<String> = (0..MAX_WORDS + 10).map(|i| format!("w{i:06}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        // The first ten words are the rarest.
        let rank = |t: &str| if t < "w000010" { 1 } else { 2 };
        let kept = shards(&entry(&refs), rank);
        let n: usize = kept.iter().map(|(_, [w, _])| w.split(' ').count()).sum();
        assert_eq!(n, MAX_WORDS);
        assert_eq!(kept[0].0, "w000010", "the rarest are left out");
    }
}
