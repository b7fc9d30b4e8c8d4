//! White space as [`char::is_whitespace`] sees it, found byte by byte
//! where the text is ASCII: the parse looks at every word of the site, and
//! comparing texts (redlines, definitions) squeezes every block.

/// Where `text` has white space: each character's byte offset and length,
/// in order.
pub fn white_space(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let (at, b) = (i, bytes[i]);
            if b.is_ascii() {
                i += 1;
                if matches!(b, b'\t'..=b'\r' | b' ') {
                    return Some((at, 1));
                }
            } else {
                let c = text[i..].chars().next().expect("`i` is on a character boundary");
                i += c.len_utf8();
                if c.is_whitespace() {
                    return Some((at, c.len_utf8()));
                }
            }
        }
        None
    })
}

/// How many words `text` has: what `text.split_whitespace().count()` says.
pub fn word_count(text: &str) -> usize {
    let mut words = 0;
    let mut from = 0;
    for (at, len) in white_space(text) {
        words += usize::from(at > from);
        from = at + len;
    }
    words + usize::from(text.len() > from)
}

/// `text` with each run of white space as one space, trimmed, so re-wrapped
/// prose reads the same.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = |w: &str| {
        if !w.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    };
    let mut from = 0;
    for (at, len) in white_space(text) {
        word(&text[from..at]);
        from = at + len;
    }
    word(&text[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_words_and_collapsing_as_the_standard_library_sees_them() {
        let texts = [
            "",
            " ",
            "one",
            "  two  words ",
            "tab\tline\nfeed\rreturn\x0bvertical\x0cform",
            // No-break, line separator, ideographic space, next line: white space.
            "a\u{a0}b\u{2028}c\u{3000}d\u{85}e",
            // Zero-width space and joiner are not.
            "zero\u{200b}width\u{200d}joiner",
            "Übersicht — “quoted” 🎁 words\u{2003}\u{2003}em",
        ];
        for text in texts {
            let expected: Vec<(usize, usize)> = text
                .char_indices()
                .filter(|(_, c)| c.is_whitespace())
                .map(|(i, c)| (i, c.len_utf8()))
                .collect();
            assert_eq!(white_space(text).collect::<Vec<_>>(), expected, "{text:?}");
            assert_eq!(word_count(text), text.split_whitespace().count(), "{text:?}");
            let words: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(collapse(text), words.join(" "), "{text:?}");
        }
    }
}
