//! A page body's HTML split at its headings into plain-text sections, so a
//! search result can link to the heading under which its words stand.
//!
//! The HTML is casebook's own Markdown output (plus whatever raw HTML the
//! author wrote), so a small scanner is enough: tags are dropped, entities
//! decoded, `<script>`/`<style>` and comments (component placeholders) are
//! skipped, and the `#` anchor links casebook adds to headings are left out.

/// The text under one heading (or before the first: `anchor` empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    pub anchor: String,
    pub heading: String,
    pub text: String,
    /// Emphasised and defined words (`<strong>`, `<b>`, `<dfn>`, `<dt>`),
    /// which weigh more: legal texts put defined terms in bold.
    pub terms: String,
}

/// Splits `html` into sections; the first is the text before any heading.
pub fn split(html: &str) -> Vec<Section> {
    let mut out = vec![Section::default()];
    let mut heading: Option<u8> = None;
    let mut emphasis = 0usize;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, heading.is_some(), emphasis > 0, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            push_text(&mut out, heading.is_some(), emphasis > 0, rest);
            rest = "";
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let bare = tag.trim_start_matches('/');
        let name = &bare[..bare
            .bytes()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(bare.len())];
        let lower;
        let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = name.to_ascii_lowercase();
            lower.as_str()
        } else {
            name
        };
        match name {
            "script" | "style" | "template" if !closing => {
                let end = format!("</{name}");
                rest = find_ci(rest, &end).map_or("", |i| &rest[i..]);
            }
            "a" if !closing && attr(tag, "class").is_some_and(|c| c.split(' ').any(|c| c == "anchor")) => {
                rest = find_ci(rest, "</a>").map_or("", |i| &rest[i + 4..]);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" if !closing => {
                let s = Section {
                    anchor: attr(tag, "id").map(decode).unwrap_or_default(),
                    ..Section::default()
                };
                out.push(s);
                heading = name[1..].parse().ok();
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => heading = None,
            "strong" | "b" | "dfn" | "dt" => {
                if closing {
                    emphasis = emphasis.saturating_sub(1);
                } else {
                    emphasis += 1;
                }
                push_text(&mut out, heading.is_some(), false, " ");
            }
            // Block ends and line breaks separate words.
            "p" | "li" | "td" | "th" | "br" | "div" | "tr" | "dd" | "blockquote" | "pre" | "aside" | "figcaption"
            | "caption" | "summary" | "hr" | "img" => push_text(&mut out, heading.is_some(), false, " "),
            _ => {}
        }
    }
    push_text(&mut out, heading.is_some(), emphasis > 0, rest);
    for s in &mut out {
        for t in [&mut s.heading, &mut s.text, &mut s.terms] {
            let end = t.trim_end().len();
            t.truncate(end);
        }
    }
    out
}

fn push_text(out: &mut [Section], in_heading: bool, emphasised: bool, raw: &str) {
    if raw.is_empty() {
        return;
    }
    let s = out.last_mut().expect("split starts with one section");
    if in_heading {
        push_squeezed(&mut s.heading, raw);
    } else {
        push_squeezed(&mut s.text, raw);
        if emphasised {
            push_squeezed(&mut s.terms, raw);
            push_squeezed(&mut s.terms, " ");
        }
    }
}

/// Appends `raw` with entities decoded and runs of white space made one
/// space (none at the start).
fn push_squeezed(into: &mut String, raw: &str) {
    let decoded = if raw.contains('&') {
        std::borrow::Cow::Owned(decode(raw))
    } else {
        std::borrow::Cow::Borrowed(raw)
    };
    for (i, part) in decoded.split(char::is_whitespace).enumerate() {
        if i > 0 && !into.is_empty() && !into.ends_with(' ') {
            into.push(' ');
        }
        into.push_str(part);
    }
}

/// Case-insensitive find of an ASCII needle.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    hay.as_bytes()
        .windows(n)
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The value of attribute `name` in a tag's source (`a class="anchor" href=…`).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(i) = rest.find(name) {
        let before = rest[..i].chars().next_back();
        let after = &rest[i + name.len()..];
        if before.is_some_and(char::is_whitespace)
            && let Some(v) = after.trim_start().strip_prefix('=')
        {
            let v = v.trim_start();
            return match v.chars().next() {
                Some(q @ ('"' | '\'')) => v[1..].find(q).map(|end| &v[1..1 + end]),
                _ => Some(
                    v.split(|c: char| c.is_whitespace() || c == '>')
                        .next()
                        .unwrap_or_default(),
                ),
            };
        }
        rest = after;
    }
    None
}

/// Decodes the character references casebook and common HTML use.
pub fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // `;` is ASCII, so its index is a char boundary whatever precedes it.
        let end = rest.as_bytes()[..rest.len().min(12)].iter().position(|&b| b == b';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_headings_and_keeps_their_ids() {
        let html = "<p>Intro &amp; <strong>Confidential Information</strong> here.</p>\n<!--casebook:component:0-->\n<h2 id=\"scope\">Scope<a class=\"anchor\" href=\"#scope\" aria-label=\"Link\">#</a></h2>\n<p>Applies to <em>all</em> staff.</p><script>var x = '<h2>';</script><h3 id=\"who\">Who</h3><ul><li>one</li><li>two</li></ul>";
        let s = split(html);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].text, "Intro & Confidential Information here.");
        assert_eq!(s[0].terms, "Confidential Information");
        assert_eq!((s[1].anchor.as_str(), s[1].heading.as_str()), ("scope", "Scope"));
        assert_eq!(s[1].text, "Applies to all staff.");
        assert_eq!((s[2].anchor.as_str(), s[2].text.as_str()), ("who", "one two"));
    }

    #[test]
    fn broken_html_does_not_lose_text_or_panic() {
        for html in [
            "<p>a <",
            "<h2 id=\"x",
            "a &#xZZ; &#99999999; &",
            "<!-- never closed",
            "<a class=\"anchor\">#",
        ] {
            let _ = split(html);
        }
        assert_eq!(split("x &lt; y &#8212; z")[0].text, "x < y \u{2014} z");
        assert_eq!(decode("&ééééééé; &amp;"), "&ééééééé; &");
    }
}
