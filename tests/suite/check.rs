//! `casebook check`: text and JSON reports, exit codes, strictness, the
//! editorial warnings and the external link check (against a local server).

use std::io::{Read, Write};
use std::net::TcpListener;

use crate::harness::{SiteTest, TODAY};

const ROLE: &str = "---\ntitle: General Counsel\ndescription: Leads the department.\n---\n";

fn clean_site() -> SiteTest {
    SiteTest::with_files(&[
        (
            "content/_index.md",
            "---\ntitle: Home\ndescription: The handbook.\n---\nWelcome.\n",
        ),
        (
            "content/roles/_index.md",
            "---\ntitle: Roles\ndescription: Who does what.\n---\n",
        ),
        ("content/roles/general-counsel.md", ROLE),
    ])
}

fn check(t: &SiteTest, extra: &[&str]) -> crate::harness::Run {
    let mut args = vec!["check", "--today", TODAY];
    args.extend_from_slice(extra);
    t.run(&args)
}

fn json(run: &crate::harness::Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout))
}

fn messages(report: &serde_json::Value) -> Vec<&str> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect()
}

#[test]
fn clean_site_passes_and_writes_nothing() {
    let t = clean_site();
    let run = check(&t, &[]);
    run.assert_code(0);
    assert_eq!(run.stdout.trim(), "no problems found");
    assert!(!t.path("public").exists(), "check must not write output");
}

#[test]
fn errors_are_reported_in_text_and_json_with_exit_1() {
    let t = clean_site();
    t.create(
        "content/policies/retention.md",
        "---\ntitle: Retention\ndescription: Keep records.\nowner: general-counsl\neffective: 2026-01-01\n---\nText.\n",
    );
    let text = check(&t, &[]);
    text.assert_code(1);
    assert!(
        text.stdout.contains("error: unknown role `general-counsl`"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("--> content/policies/retention.md:4:8"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("1 error, 0 warnings"), "{}", text.stdout);

    let run = check(&t, &["--format", "json"]);
    run.assert_code(1);
    let report = json(&run);
    assert_eq!(report["schema"], 1);
    assert_eq!(report["errors"], 1);
    let d = &report["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "unknown role `general-counsl`");
    assert_eq!(d["file"], "content/policies/retention.md");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(4), Some(8)));
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .starts_with("did you mean `general-counsel`?"),
        "{d}"
    );
}

#[test]
fn editorial_warnings_pass_unless_strict() {
    let t = clean_site();
    // Effective 2025-09-01, reviewed every 12 months: due 2026-09-01, overdue on 2026-11-27.
    t.create(
        "content/policies/retention.md",
        "---\ntitle: Retention\nowner: general-counsel\neffective: 2025-09-01\nreview_every: 12 months\n---\nText.\n",
    );
    let run = check(&t, &["--format", "json"]);
    run.assert_code(0);
    let report = json(&run);
    let messages = messages(&report);
    assert_eq!(
        messages,
        [
            "page has no description",
            "policy review is overdue: it was due on 2026-09-01"
        ]
    );
    let overdue = &report["diagnostics"][1];
    assert_eq!(overdue["line"], 5, "points at review_every: {overdue}");
    assert_eq!(report["warnings"], 2);

    check(&t, &["--strict"]).assert_code(1);
}

#[test]
fn usage_errors_exit_2() {
    let t = clean_site();
    assert_eq!(check(&t, &["--format", "xml"]).code, 2);
}

/// A one-thread HTTP server on loopback: `/ok` answers 200, anything else 404.
fn serve(requests: usize) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 2048];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let status = if request.split_whitespace().nth(1) == Some("/ok") {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (base, handle)
}

#[test]
fn external_links_are_checked_and_good_answers_cached() {
    // /ok: HEAD 200. /gone: HEAD 404, then GET 404. Three requests in all.
    let (base, server) = serve(3);
    let t = clean_site();
    t.create(
        "content/links.md",
        format!("---\ntitle: Links\ndescription: Outside links.\n---\n[fine]({base}/ok)\n\n[dead]({base}/gone)\n"),
    );
    let run = check(&t, &["--external", "--format", "json"]);
    server.join().unwrap();
    run.assert_code(1);
    let report = json(&run);
    let d = &report["diagnostics"][0];
    assert_eq!(report["errors"], 1, "{report}");
    assert_eq!(
        d["message"],
        format!("external link is broken: `{base}/gone` answers 404")
    );
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64()),
        (Some("content/links.md"), Some(7))
    );

    // The server is gone now: the good answer comes from the cache, the
    // broken one is asked again and cannot be reached, which is a warning.
    let again = check(&t, &["--external", "--format", "json"]);
    again.assert_code(0);
    let report = json(&again);
    let messages = messages(&report);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with(&format!("external link could not be checked: `{base}/gone`")),
        "{messages:?}"
    );
}

#[test]
fn without_external_no_network_is_used() {
    let t = clean_site();
    t.create(
        "content/links.md",
        "---\ntitle: Links\ndescription: x.\n---\n[x](http://127.0.0.1:9/nothing-listens-here)\n",
    );
    check(&t, &[]).assert_code(0);
}

/// One fixture per diagnostic `check` reports: each case adds files to a
/// clean site and expects exactly one diagnostic, with its location.
#[test]
fn each_diagnostic_class_is_reported_with_its_location() {
    struct Case {
        files: &'static [(&'static str, &'static str)],
        severity: &'static str,
        message: &'static str,
        file: &'static str,
        line: Option<u64>,
    }
    let cases = [
        Case {
            files: &[("content/a.md", "---\ntitle: A\ndescription: x.\n---\nSee [b](b.md).\n")],
            severity: "error",
            message: "link to a missing page `b.md`",
            file: "content/a.md",
            line: Some(5),
        },
        Case {
            files: &[
                (
                    "content/a.md",
                    "---\ntitle: A\ndescription: x.\n---\n\nSee [b](b.md#nope).\n",
                ),
                ("content/b.md", "---\ntitle: B\ndescription: x.\n---\n## Scope\n"),
            ],
            severity: "error",
            message: "link to a missing anchor `#nope` on `content/b.md`",
            file: "content/a.md",
            line: Some(6),
        },
        Case {
            files: &[(
                "content/a.md",
                "---\ntitle: A\ndescription: x.\n---\n![logo](logo.png)\n",
            )],
            severity: "error",
            message: "link to a missing file `logo.png`",
            file: "content/a.md",
            line: Some(5),
        },
        Case {
            files: &[
                ("content/a/b.md", "---\ntitle: B\ndescription: x.\n---\n"),
                ("content/a/b/_index.md", "---\ntitle: B again\ndescription: x.\n---\n"),
            ],
            severity: "error",
            message: "two files make the page `/a/b/`",
            file: "content/a/b/_index.md",
            line: None,
        },
        Case {
            files: &[("content/a.md", "---\ntitle: A\ndescription: x.\nkind: polcy\n---\n")],
            severity: "error",
            message: "unknown kind `polcy`",
            file: "content/a.md",
            line: Some(4),
        },
        Case {
            files: &[(
                "content/a.md",
                "---\ntitle: A\ndescription: x.\neffective: soon\nkind: policy\nowner: general-counsel\n---\n",
            )],
            severity: "error",
            message: "`effective` must be a date, found `soon`",
            file: "content/a.md",
            line: Some(4),
        },
        Case {
            files: &[("content/a.md", "---\ntitle: \"A\ndescription: x.\n---\n")],
            severity: "error",
            message: "invalid YAML",
            file: "content/a.md",
            line: None,
        },
        Case {
            files: &[(
                "content/a.md",
                "---\ntitle: A\ndescription: x.\n---\n{{ chrt(metric=\"x\") }}\n",
            )],
            severity: "error",
            message: "unknown component `chrt`",
            file: "content/a.md",
            line: Some(5),
        },
        Case {
            files: &[(
                "content/a.md",
                "---\ntitle: A\ndescription: x.\nownr: general-counsel\n---\n",
            )],
            severity: "warning",
            message: "unknown front matter key `ownr`",
            file: "content/a.md",
            line: Some(4),
        },
        Case {
            files: &[("casebook.yaml", "title: X\nouput_dir: site\n")],
            severity: "error",
            message: "unknown key `ouput_dir` in casebook.yaml",
            file: "casebook.yaml",
            line: Some(2),
        },
    ];
    for case in cases {
        let t = clean_site();
        for (path, text) in case.files {
            t.create(path, text);
        }
        let run = check(&t, &["--format", "json"]);
        let report = json(&run);
        let found: Vec<&serde_json::Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["message"].as_str().unwrap().starts_with(case.message))
            .collect();
        assert_eq!(found.len(), 1, "`{}` not reported once in {report}", case.message);
        let d = found[0];
        assert_eq!(d["severity"], case.severity, "{d}");
        assert_eq!(d["file"], case.file, "{d}");
        if let Some(line) = case.line {
            assert_eq!(d["line"].as_u64(), Some(line), "{d}");
        } else if case.message == "invalid YAML" {
            assert!(
                d["line"].as_u64().is_some_and(|l| l >= 2),
                "YAML errors are located: {d}"
            );
        }
        let expected_code = if case.severity == "error" { 1 } else { 0 };
        run.assert_code(expected_code);
        let text = check(&t, &[]);
        assert!(
            text.stdout.contains(&format!("{}: {}", case.severity, case.message)),
            "{}",
            text.stdout
        );
    }
}

#[test]
fn check_without_an_audience_checks_every_audience_and_keeps_warnings_beside_errors() {
    let t = SiteTest::with_files(&[
        (
            "content/roles/gc.md",
            "---\ntitle: GC\ndescription: The general counsel.\n---\n",
        ),
        (
            "content/privileged/memo.md",
            "---\ntitle: Memo\ndescription: Privileged.\naudience: legal-only\nowner: legal-opps\n---\nText.\n",
        ),
        ("content/open.md", "---\ntitle: Open\n---\nNo description here.\n"),
    ]);
    // The default audience (`internal`) does not see the memo; its build passes.
    t.build_ok();
    let run = t.run(&["check", "--today", crate::harness::TODAY]);
    run.assert_code(1);
    let d = run
        .stdout
        .split("\n\n")
        .find(|d| d.starts_with("error: unknown role `legal-opps`"))
        .unwrap_or_else(|| panic!("no unknown role in:\n{}", run.stdout));
    assert!(d.contains("note: in the build for `legal-only`"), "{d}");
    // Warnings are not hidden by the error.
    assert!(
        run.stdout.contains("warning: page has no description"),
        "{}",
        run.stdout
    );
    let json = t.run(&["check", "--format", "json", "--today", crate::harness::TODAY]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(v["errors"], 1);
    assert!(v["warnings"].as_u64().unwrap() >= 1);
}
