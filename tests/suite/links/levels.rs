//! `links:` in casebook.yaml: each class of link problem at each level.

use std::io::{Read, Write};
use std::net::TcpListener;

use crate::harness::SiteTest;

/// One problem of each class on its own page, and what each level of its
/// class does to `build` (or `check --external`).
#[test]
fn each_class_of_link_problem_has_its_level() {
    let classes = [
        ("missing_page", "[x](nope.md)", "link to a missing page `nope.md`"),
        (
            "missing_page",
            "[x](/policy-site/nope)",
            "link to a missing page `/policy-site/nope`",
        ),
        (
            "missing_page",
            "[x](files/nope.pdf)",
            "link to a missing file `files/nope.pdf`",
        ),
        (
            "missing_anchor",
            "[x](other.md#nope)",
            "link to a missing anchor `#nope` on `Policies/other.md`",
        ),
        (
            "unpublished",
            "[x](draft.md)",
            "link to unpublished page `draft.md` is shown as plain text",
        ),
        (
            "unpublished",
            "[x](/policy-site/secret/)",
            "link to unpublished page `/policy-site/secret/` is shown as plain text",
        ),
    ];
    for (class, link, message) in classes {
        for level in ["error", "warn", "ignore"] {
            let t = SiteTest::with_files(&[
                (
                    "casebook.yaml",
                    &format!(
                        "base_url: https://docs.example.com/policy-site\ncontent_dir: Policies\nlinks:\n  {class}: {level}\n"
                    ),
                ),
                ("Policies/page.md", &format!("---\ntitle: Page\n---\nSee {link}.\n")),
                ("Policies/other.md", "---\ntitle: Other\n---\n## Scope\n"),
                (
                    "Policies/draft.md",
                    "---\ntitle: Draft\npublished: false\n---\nDraft.\n",
                ),
                (
                    "Policies/secret.md",
                    "---\ntitle: Secret\naudience: legal-only\n---\nSecret.\n",
                ),
            ]);
            let run = t.build(&[]);
            let case = format!("`{link}` with `{class}: {level}`");
            match level {
                "error" => {
                    run.assert_code(1);
                    assert!(
                        run.stderr.contains(&format!("error: {message}")),
                        "{case}:\n{}",
                        run.stderr
                    );
                }
                "warn" => {
                    run.assert_code(0);
                    assert!(
                        run.stderr.contains(&format!("warning: {message}")),
                        "{case}:\n{}",
                        run.stderr
                    );
                }
                _ => {
                    run.assert_code(0);
                    assert!(!run.stderr.contains(message), "{case}:\n{}", run.stderr);
                    assert!(!run.stderr.contains("warning:"), "{case}:\n{}", run.stderr);
                }
            }
            if class == "unpublished" && level != "error" {
                let page = t.main_of("page/");
                assert!(
                    page.contains("See x."),
                    "never a link to a hidden page ({case}): {page}"
                );
            }
        }
    }
}

/// A loopback server answering 404 to everything, for `requests` requests.
fn dead_server(requests: usize) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let _ = stream.read(&mut [0u8; 2048]);
            let _ = write!(
                stream,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (base, handle)
}

#[test]
fn a_dead_external_link_has_the_external_level() {
    for (level, code, shown) in [("error", 1, "error: "), ("warn", 0, "warning: "), ("ignore", 0, "")] {
        // HEAD, then GET before the link is called broken.
        let (base, server) = dead_server(2);
        let t = SiteTest::with_files(&[
            ("casebook.yaml", &format!("links: {{external: {level}}}\n")),
            (
                "content/page.md",
                &format!("---\ntitle: Page\ndescription: d.\n---\n[gone]({base}/gone)\n"),
            ),
        ]);
        let run = t.run(&["check", "--external", "--today", crate::harness::TODAY]);
        server.join().unwrap();
        run.assert_code(code);
        let message = format!("external link is broken: `{base}/gone` answers 404");
        if shown.is_empty() {
            assert!(!run.stdout.contains(&message), "{level}:\n{}", run.stdout);
        } else {
            assert!(
                run.stdout.contains(&format!("{shown}{message}")),
                "{level}:\n{}",
                run.stdout
            );
        }
        // Building never uses the network, whatever the level.
        t.build_ok();
    }
}
