//! Property tests: no input, however broken, makes casebook panic.
//!
//! Most cases call the parser directly (fast, a few hundred each); a handful
//! go through the real binary. Inputs are raw bytes, arbitrary strings, and
//! "token soup" made of the pieces our parsers care about (front matter
//! fences, YAML punctuation, component braces, links), which reaches the
//! tricky paths far more often than uniform noise.

use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;

use casebook::config::Config;
use casebook::diag::{Diagnostic, Diagnostics};
use casebook::source::{self, FileKind, SourceFile};

use crate::harness::SiteTest;

#[rustfmt::skip]
const TOKENS: &[&str] = &[
    "---\n", "---", "...\n", "\n", "\r\n", "\r", " ", "  ", "\t", "title: ", "owner: ", "owners: ", "effective: ",
    "next_review: ", "2026-01-01", "review_every: ", "12 months", "kind: ", "policy", "status: ", "draft",
    "aliases: ", "key_results: ", "metric: ", "raci: ", "due: ", "2026-Q3", "weight: ", "- ", ": ", ":", "\"", "'",
    "[", "]", "{", "}", "{{", "}}", "{{/*", "*/}}", "{%", "%}", "(", ")", "=", ",", "chart", " x(a=", "[1, [2]]", "#",
    "# ", "## ", "[x](", "a.md", "#frag", "../", "./", "> ", "> [!NOTE]\n", "|", "|---|\n", "*", "_", "`", "```\n",
    "<", ">", "&", "é", "\u{1f600}", "\u{301}", "\u{202e}", "\0", "\u{feff}", "~", "!", "%", "%20", "\\", "[^1]",
    "[^1]: ", "&a ", "*a", "!!str ", "? ", "{#id}", "0", "-1", "1e999", "null", "true", "~~", "- [ ] ", "<!--", "-->",
    "<div>", "http://x",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|v| v.concat())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![soup(), any::<String>(), "[ -~\n]{0,200}"]
}

fn source(text: String) -> SourceFile {
    SourceFile {
        rel: "policies/fuzz.md".into(),
        file: "content/policies/fuzz.md".into(),
        abs: PathBuf::from("content/policies/fuzz.md"),
        kind: FileKind::Markdown,
        text: text.into(),
    }
}

/// Parses one page and renders every diagnostic it produced, the way the
/// CLI would print them.
fn parse_and_report(text: String) {
    let mut errors: Vec<Diagnostic> = Vec::new();
    let _ = casebook::parse::page(&source(text), &Config::default(), &mut errors);
    for d in &errors {
        let _ = d.render();
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_bytes_as_a_page_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        match source::decode(bytes, "content/policies/fuzz.md") {
            Ok(text) => parse_and_report(text),
            Err(d) => { let _ = d.render(); }
        }
    }

    #[test]
    fn random_text_as_a_page_never_panics(body in text()) {
        parse_and_report(body);
    }

    #[test]
    fn random_front_matter_never_panics(yaml in text(), body in soup()) {
        parse_and_report(format!("---\n{yaml}\n---\n{body}"));
    }

    #[test]
    fn random_config_never_panics(yaml in text()) {
        let mut diags = Diagnostics::default();
        let _ = Config::parse(&yaml, &mut diags);
        let _ = diags.sorted().render();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, failure_persistence: None, ..ProptestConfig::default() })]

    /// Through the real binary: whatever the page holds, the build ends
    /// with 0 or 1 (the harness fails the test on a panic or a signal).
    #[test]
    fn random_page_through_the_binary_exits_0_or_1(
        bytes in prop_oneof![prop::collection::vec(any::<u8>(), 0..400), soup().prop_map(String::into_bytes)]
    ) {
        let site = SiteTest::with_files(&[("content/roles/legal-ops.md", "---\ntitle: Legal ops\n---\n")]);
        site.create("content/policies/fuzz.md", &bytes);
        let run = site.build(&[]);
        prop_assert!(run.code == 0 || run.code == 1, "exit {}:\n{}", run.code, run.stderr);
    }
}
