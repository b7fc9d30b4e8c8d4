//! Printed output: the board report and policy pack PDFs of `build --pdf`.
//!
//! [`Settings`] are the `pdf:` and `markings:` keys of casebook.yaml, which
//! the theme also reads (paper size and markings apply to printing from a
//! browser too). [`print`] drives a headless Chromium and [`finish`] fixes
//! what Chromium cannot set: document metadata and links that would point
//! into the build machine's folders.

pub mod finish;
pub mod print;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::suggest;
use crate::yaml::Fields;

/// The sheet a PDF is printed on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    A4,
    Letter,
    Legal,
}

impl Paper {
    const NAMES: [&'static str; 3] = ["A4", "Letter", "Legal"];

    fn parse(s: &str) -> Option<Paper> {
        match s.to_ascii_lowercase().as_str() {
            "a4" => Some(Paper::A4),
            "letter" => Some(Paper::Letter),
            "legal" => Some(Paper::Legal),
            _ => None,
        }
    }

    /// The CSS `@page { size: … }` value.
    pub fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
            Paper::Legal => "legal",
        }
    }
}

/// `pdf:` and `markings:` in casebook.yaml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub paper: Paper,
    /// Also print every policy the audience sees into one PDF.
    pub policy_pack: bool,
    /// Audience → the protective marking its pages carry, e.g.
    /// `board: "Board confidential"`.
    pub markings: BTreeMap<String, String>,
}

impl Settings {
    /// Reads `pdf:` and `markings:`; each problem is reported at its place.
    pub fn read(f: &mut Fields<'_>, audiences: &[String]) -> Settings {
        let (paper, policy_pack) = f
            .nested("pdf", "`pdf`", |p| {
                let paper = p.node("paper").and_then(|n| {
                    let parsed = n.text().and_then(|t| Paper::parse(t.trim()));
                    if parsed.is_none() {
                        let text = n.text().unwrap_or_default().to_string();
                        let help = suggest(
                            &text,
                            Paper::NAMES,
                            "write `paper: A4`, `paper: Letter` or `paper: Legal`",
                        );
                        p.error(n, format!("unknown paper size `{text}`"), help);
                    }
                    parsed
                });
                (paper.unwrap_or_default(), p.bool("policy_pack").unwrap_or(false))
            })
            .unwrap_or_default();
        let help = "a map of audience to marking, e.g. `markings: {board: \"Board confidential\"}`";
        let mut markings = BTreeMap::new();
        for (k, v) in f.entries("markings", help) {
            let name = k.text().unwrap_or_default().to_string();
            if !audiences.contains(&name) {
                let all = format!("audiences: {}", audiences.join(", "));
                let help = suggest(&name, audiences.iter().map(String::as_str), &all);
                f.error(k, format!("`markings` names unknown audience `{name}`"), help);
                continue;
            }
            match v.text().map(str::trim) {
                Some(t) if !t.is_empty() && v.entries().is_none() && v.items().is_none() => {
                    markings.insert(name, t.to_string());
                }
                _ => f.wrong("markings", v, "text", format!("e.g. `{name}: \"Board confidential\"`")),
            }
        }
        Settings {
            paper,
            policy_pack,
            markings,
        }
    }
}

/// One PDF to print: a written page, and what the finished PDF says about itself.
#[derive(Debug, Clone)]
pub struct Job {
    /// The page's URL, e.g. `reports/2026-q3/`.
    pub page: String,
    /// Where the PDF goes in the output folder, e.g. `reports/2026-q3/report.pdf`.
    pub pdf: String,
    pub meta: finish::Meta,
    /// `@page` rules known only when printing, e.g. the policy pack's print date.
    pub print_css: String,
    /// The page's printed table of contents (`.print-toc`), to number with
    /// the pages its headings fall on; empty for none.
    pub toc: Vec<TocLine>,
}

/// An entry of a printed table of contents: the heading's id and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocLine {
    pub id: String,
    pub text: String,
}

/// `html` with print-only rules added at the end of its `<head>`.
pub fn with_print_css(html: &str, css: &str) -> String {
    if css.is_empty() {
        return html.to_string();
    }
    let style = format!("<style media=\"print\">{css}</style>\n");
    match html.find("</head>") {
        Some(i) => format!("{}{style}{}", &html[..i], &html[i..]),
        None => format!("{style}{html}"),
    }
}

/// The outline Chromium made from the headings: each title with its page.
pub fn heading_pages(pdf: &std::path::Path) -> Result<Vec<(String, usize)>, String> {
    let doc = lopdf::Document::load(pdf).map_err(|e| format!("could not read the printed PDF: {e}"))?;
    let toc = doc
        .get_toc()
        .map_err(|e| format!("the printed PDF has no outline to number the contents from: {e}"))?;
    Ok(toc.toc.into_iter().map(|t| (t.title, t.page)).collect())
}

/// Rules that print each contents line's page number after it, from the
/// outline: lines and headings are matched by text, in document order (a
/// heading may say more than its line: `KPI summary, Q3 2026`).
pub fn toc_numbers_css(toc: &[TocLine], pages: &[(String, usize)]) -> String {
    let norm = crate::text::collapse;
    let mut css = String::new();
    let mut from = 0;
    for line in toc {
        let want = norm(&line.text);
        if let Some(i) = pages[from..].iter().position(|(t, _)| norm(t).starts_with(&want)) {
            let page = pages[from + i].1;
            from += i + 1;
            css.push_str(&format!(
                ".print-toc a[href=\"#{}\"]::after{{content:\"{page}\"}}\n",
                line.id.replace(['"', '\\'], "")
            ));
        }
    }
    css
}

/// Text for a CSS string in double quotes: `content: "…"` in an `@page` rule.
pub fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            // A hex escape ends with a space; `<` keeps `</style>` out of the sheet.
            '\n' | '\r' | '<' | '>' => out.push_str(&format!("\\{:X} ", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::diag::Diagnostics;

    fn config(text: &str) -> (Config, Vec<String>) {
        let mut diags = Diagnostics::default();
        let c = Config::parse(text, &mut diags);
        (c, diags.items.iter().map(|d| d.message.clone()).collect())
    }

    #[test]
    fn paper_defaults_to_a4_and_markings_name_audiences() {
        let (c, errors) = config("");
        assert_eq!(c.print, Settings::default());
        assert_eq!(c.print.paper, Paper::A4);
        let (c, errors2) =
            config("pdf: {paper: letter, policy_pack: true}\nmarkings: {board: \"Board confidential\"}\n");
        assert!(errors.is_empty() && errors2.is_empty(), "{errors:?} {errors2:?}");
        assert_eq!(c.print.paper, Paper::Letter);
        assert!(c.print.policy_pack);
        assert_eq!(c.print.markings["board"], "Board confidential");
    }

    #[test]
    fn bad_paper_and_markings_are_located_errors() {
        let mut diags = Diagnostics::default();
        Config::parse(
            "pdf: {paper: A5, colour: true}\nmarkings: {bord: Secret, board: [a]}\n",
            &mut diags,
        );
        let msgs: Vec<&str> = diags.items.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "unknown paper size `A5`",
                "unknown key `colour` in `pdf`",
                "`markings` names unknown audience `bord`",
                "`markings` must be text, found a list",
            ]
        );
        assert!(
            diags.items[2]
                .help
                .as_deref()
                .unwrap_or("")
                .starts_with("did you mean `board`?")
        );
        assert_eq!(diags.items[2].position.as_ref().unwrap().line, 2);
    }

    #[test]
    fn contents_lines_get_the_page_of_their_heading() {
        let toc = [
            TocLine {
                id: "spend".into(),
                text: "Spend".into(),
            },
            TocLine {
                id: "risk".into(),
                text: "Risk and  litigation".into(),
            },
            TocLine {
                id: "gone".into(),
                text: "Not in the outline".into(),
            },
        ];
        let pages = [
            ("Board report".to_string(), 1),
            ("Spend".to_string(), 3),
            ("Risk and litigation".to_string(), 5),
        ];
        assert_eq!(
            toc_numbers_css(&toc, &pages),
            ".print-toc a[href=\"#spend\"]::after{content:\"3\"}\n.print-toc a[href=\"#risk\"]::after{content:\"5\"}\n"
        );
        assert_eq!(
            with_print_css("<head><title>x</title></head>", "p{}"),
            "<head><title>x</title><style media=\"print\">p{}</style>\n</head>"
        );
    }

    #[test]
    fn css_strings_cannot_break_out() {
        assert_eq!(
            css_string("Privileged & \"Confidential\""),
            "\"Privileged & \\\"Confidential\\\"\""
        );
        assert_eq!(css_string("a</style>\\"), "\"a\\3C /style\\3E \\\\\"");
    }
}
