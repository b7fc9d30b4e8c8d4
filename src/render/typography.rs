//! Small fixes to rendered page bodies that CSS alone cannot make.

/// Wraps ISO dates (`2025-09-01`) in the text of `html` in a `nowrap` span,
/// so a narrow table cell never breaks one at a hyphen. Tags, attributes
/// and the insides of `<script>`, `<style>` and `<svg>` are left as they are.
pub fn keep_dates_whole(html: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let (mut i, mut from) = (0, 0);
    while i < b.len() {
        if b[i] == b'<' {
            let rest = &html[i..];
            let raw = ["<script", "<style", "<svg"]
                .iter()
                .find(|t| rest.len() >= t.len() && rest.as_bytes()[..t.len()].eq_ignore_ascii_case(t.as_bytes()));
            let end = match raw {
                Some(t) => {
                    let close = format!("</{}", &t[1..]);
                    find_ignoring_case(rest, &close).map_or(rest.len(), |e| e + close.len())
                }
                None => rest.find('>').map_or(rest.len(), |e| e + 1),
            };
            i += end;
            continue;
        }
        let word_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-');
        if !word_before && is_date(&b[i..]) {
            out.push_str(&html[from..i]);
            out.push_str("<span class=\"nowrap\">");
            out.push_str(&html[i..i + 10]);
            out.push_str("</span>");
            i += 10;
            from = i;
            continue;
        }
        i += 1;
    }
    out.push_str(&html[from..]);
    out
}

/// Where `needle` (ASCII) first occurs in `hay`, in any case, without
/// copying `hay`: a page can hold thousands of charts.
fn find_ignoring_case(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..h.len().saturating_sub(n.len()) + 1)
        .filter(|&i| h[i] == n[0])
        .find(|&i| h.len() >= i + n.len() && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// `NNNN-NN-NN` not followed by another digit, letter or hyphen.
fn is_date(s: &[u8]) -> bool {
    s.len() >= 10
        && s[..10].iter().enumerate().all(|(k, &c)| {
            if k == 4 || k == 7 {
                c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && s.get(10).is_none_or(|&c| !(c.is_ascii_alphanumeric() || c == b'-'))
}

#[cfg(test)]
mod tests {
    use super::keep_dates_whole;

    #[test]
    fn wraps_dates_in_text_only() {
        assert_eq!(
            keep_dates_whole("<td>2025-09-01</td><td>from 2026-01-31.</td>"),
            "<td><span class=\"nowrap\">2025-09-01</span></td><td>from <span class=\"nowrap\">2026-01-31</span>.</td>"
        );
        // Attributes, scripts, longer numbers and references stay as they are.
        for same in [
            "<a href=\"/x/2025-09-01/\">x</a>",
            "<script>var d = \"2025-09-01\";</script>",
            "<svg><text>2025-09-01</text></svg>",
            "LEG-2025-09-01 and 2025-09-012 and 12025-09-01",
            "<é>café</é> — naïve",
        ] {
            assert_eq!(keep_dates_whole(same), same);
        }
        assert_eq!(
            keep_dates_whole("<SVG>2025-09-01</Svg> 2025-09-02"),
            "<SVG>2025-09-01</Svg> <span class=\"nowrap\">2025-09-02</span>"
        );
    }
}
