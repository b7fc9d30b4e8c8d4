//! Plain text as every stage compares it.

/// `s` with each run of whitespace as one space, trimmed, so re-wrapped
/// prose reads the same.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::collapse;

    #[test]
    fn runs_of_any_whitespace_are_one_space() {
        assert_eq!(
            collapse("  The Supplier\n\tshall\u{a0} notify\r\n"),
            "The Supplier shall notify"
        );
        assert_eq!(collapse("\u{2003}"), "");
        assert_eq!(collapse("Übersicht"), "Übersicht");
    }
}
