//! `build --pdf`: board reports and the policy pack printed by a real
//! Chromium, read back with poppler (`pdfinfo`, `pdftotext`, `pdftoppm`)
//! and lopdf: paper, metadata, markings on every page, a numbered table of
//! contents, an outline, links under `base_url` and never `file:`, badges
//! that keep their colour, and long tables that repeat their header.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::SiteTest;

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
}

/// Whether this machine can print and read PDFs; CI must.
fn can_print() -> bool {
    let chromium = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
        "chrome",
    ]
    .iter()
    .any(|n| on_path(n));
    let poppler = ["pdfinfo", "pdftotext", "pdftoppm"].iter().all(|n| on_path(n));
    if chromium && poppler {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must have chromium and poppler-utils"
    );
    eprintln!("skipped: needs chromium and poppler-utils (pdfinfo, pdftotext, pdftoppm)");
    false
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> Vec<u8> {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("run {name}: {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `pdfinfo`'s fields: `Title`, `Pages`, `Page size`…
fn info(pdf: &Path) -> BTreeMap<String, String> {
    String::from_utf8_lossy(&tool("pdfinfo", &[], pdf))
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Width and height in points, rounded: Chromium's A4 is 594.96 × 841.92.
fn page_size(info: &BTreeMap<String, String>) -> (i64, i64) {
    let size = &info["Page size"];
    let n: Vec<i64> = size
        .split_whitespace()
        .filter_map(|w| w.parse::<f64>().ok())
        .map(|f| f.round() as i64)
        .collect();
    assert_eq!(n.len(), 2, "{size}");
    (n[0], n[1])
}

/// The text of every page, in order.
fn pages(pdf: &Path) -> Vec<String> {
    let n: usize = info(pdf)["Pages"].parse().expect("a page count");
    (1..=n)
        .map(|i| {
            let i = i.to_string();
            String::from_utf8_lossy(&tool("pdftotext", &["-layout", "-f", &i, "-l", &i], pdf)).into_owned()
        })
        .collect()
}

/// Every URI of every link annotation, read with lopdf.
fn link_uris(pdf: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).expect("lopdf reads the PDF");
    let mut out = Vec::new();
    for page in doc.get_pages().into_values() {
        for annot in doc.get_page_annotations(page).unwrap_or_default() {
            let uri = annot
                .get(b"A")
                .and_then(lopdf::Object::as_dict)
                .and_then(|a| a.get(b"URI"))
                .and_then(lopdf::Object::as_str);
            if let Ok(u) = uri {
                out.push(String::from_utf8_lossy(u).into_owned());
            }
        }
    }
    out
}

/// The outline (bookmarks): each entry's title and page.
fn outline(pdf: &Path) -> Vec<(String, usize)> {
    let doc = lopdf::Document::load(pdf).expect("lopdf reads the PDF");
    let toc = doc.get_toc().expect("the PDF has an outline");
    toc.toc.into_iter().map(|t| (t.title, t.page)).collect()
}

/// Pixels of page `n` at 40 dpi within 24 of `rgb` on each channel.
fn pixels_like(pdf: &Path, n: usize, rgb: (u8, u8, u8)) -> usize {
    let n = n.to_string();
    let ppm = tool("pdftoppm", &["-r", "40", "-f", &n, "-l", &n], pdf);
    // P6 header: magic, width, height, maxval, then RGB bytes.
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 {
        while ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        while !ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    let near = |a: u8, b: u8| a.abs_diff(b) <= 24;
    ppm[i + 1..]
        .chunks_exact(3)
        .filter(|p| near(p[0], rgb.0) && near(p[1], rgb.1) && near(p[2], rgb.2))
        .count()
}

fn has_marking(page: &str, marking: &str) -> bool {
    page.to_lowercase().contains(&marking.to_lowercase())
}

/// The number printed at the end of the contents line that starts with `entry`.
fn contents_page(contents: &str, entry: &str) -> usize {
    let line = contents
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(entry))
        .unwrap_or_else(|| panic!("no contents line `{entry}` in:\n{contents}"));
    line.rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no page number in `{line}`"))
}

fn example_pdf(site: &SiteTest, rel: &str) -> PathBuf {
    let pdf = site.path(&format!("public/{rel}"));
    assert!(pdf.is_file(), "no {rel}");
    pdf
}

#[test]
fn the_q3_board_report_prints_as_a_board_pack() {
    if !can_print() {
        return;
    }
    let site = SiteTest::example();
    site.build(&["--audience", "board", "--pdf"]).assert_code(0);
    let pdf = example_pdf(&site, "reports/2026-q3/report.pdf");
    let meta = info(&pdf);
    assert_eq!(page_size(&meta), (595, 842), "A4 by default");
    assert_eq!(meta["Title"], "Board report — Q3 2026");
    assert_eq!(meta["Author"], "Northwind Industries");
    assert_eq!(meta["Subject"], "Board report, Q3 2026");
    assert_eq!(meta["Creator"], "casebook");
    let texts = pages(&pdf);
    assert!(texts.len() >= 6, "{} pages", texts.len());
    for (i, t) in texts.iter().enumerate() {
        assert!(
            has_marking(t, "Board confidential"),
            "page {} has no marking:\n{t}",
            i + 1
        );
        assert!(
            !t.contains("by casebook") && !t.contains("Last updated") && !t.contains("Statuses as of"),
            "page {} shows build details:\n{t}",
            i + 1
        );
    }
    // The cover: organisation apart from the title, meeting, presenter, and
    // (without git in this copy) the end of the report's quarter, not the build day.
    let cover = &texts[0];
    for want in [
        "NORTHWIND INDUSTRIES",
        "Board report — Q3 2026",
        "19 November 2026",
        "General Counsel",
        "Helena Marsh",
        "30 September 2026",
    ] {
        assert!(cover.contains(want), "the cover lacks `{want}`:\n{cover}");
    }
    assert!(
        !cover.contains("Northwind Legal") && !cover.contains("27 November 2026"),
        "{cover}"
    );
    assert!(!cover.contains("Executive summary\n"), "the cover is a page of its own");
    // Contents on page 2, each line numbered with the page its heading starts on.
    let contents = &texts[1];
    assert!(contents.contains("Contents"), "{contents}");
    for (entry, heading) in [
        ("Executive summary", "Executive summary"),
        ("Risk and litigation", "Risk and litigation"),
        ("KPI summary", "KPI summary, Q3 2026"),
        ("Policies changed this quarter", "Policies changed this quarter"),
    ] {
        let n = contents_page(contents, entry);
        assert!(
            texts[n - 1].lines().any(|l| l.trim() == heading),
            "contents say `{entry}` is on page {n}, which reads:\n{}",
            texts[n - 1]
        );
    }
    // The outline holds the headings.
    let bookmarks = outline(&pdf);
    assert!(
        bookmarks.iter().any(|(t, _)| t == "Asks of the board")
            && bookmarks.iter().any(|(t, _)| t.starts_with("KPI summary")),
        "{bookmarks:?}"
    );
    // Links: every page link is an address under base_url; none points at this machine.
    let uris = link_uris(&pdf);
    assert!(uris.iter().all(|u| !u.starts_with("file:")), "{uris:?}");
    assert!(
        uris.contains(&"https://legal.northwind.example/policies/records-retention/".to_string()),
        "{uris:?}"
    );
    assert!(uris.len() >= 10, "the report's links are kept: {uris:?}");
    // Badges keep their colour and a shape: the KPI summary has off track (red),
    // at risk (amber) and on track badges.
    let kpi = texts
        .iter()
        .position(|t| t.lines().any(|l| l.trim() == "KPI summary, Q3 2026"))
        .expect("a KPI summary page");
    for shape in ["✓ On track", "▲ At risk", "✕ Off track"] {
        assert!(
            texts[kpi].contains(shape),
            "no `{shape}` on the KPI page:\n{}",
            texts[kpi]
        );
    }
    assert!(
        pixels_like(&pdf, kpi + 1, (0xb4, 0x23, 0x18)) > 40,
        "red off-track badges"
    );
    assert!(
        pixels_like(&pdf, kpi + 1, (0xfd, 0xc5, 0x4a)) > 40,
        "amber at-risk badges"
    );
}

#[test]
fn the_policy_pack_holds_every_policy_with_an_uncontrolled_copy_footer() {
    if !can_print() {
        return;
    }
    let site = SiteTest::example();
    site.build(&["--audience", "internal", "--pdf"]).assert_code(0);
    assert!(
        site.output("register/index.html")
            .contains("href=\"../register/policy-pack.pdf\""),
        "the register links the pack"
    );
    let pdf = example_pdf(&site, "register/policy-pack.pdf");
    assert_eq!(info(&pdf)["Creator"], "casebook");
    let texts = pages(&pdf);
    let footer = "Uncontrolled when printed — printed on 27 November 2026 from version";
    for (i, t) in texts.iter().enumerate() {
        assert!(t.contains(footer), "page {} lacks the footer:\n{t}", i + 1);
    }
    // Every policy the audience sees, in register order, each on its own pages.
    let register = site.main_of("register/");
    let titles: Vec<String> = register
        .split("<tr class=\"row-")
        .skip(1)
        .filter_map(|row| crate::harness::between(row, "/\">", "</a>"))
        .map(|t| t.replace("&amp;", "&"))
        .collect();
    assert!(titles.len() >= 7, "{titles:?}");
    assert!(
        !titles.iter().any(|t| t == "Privilege"),
        "a legal-only policy stays out"
    );
    // The first page is the pack's title and contents.
    let contents = &texts[0];
    assert!(contents.contains("Contents"), "{contents}");
    let mut last = 0;
    for t in &titles {
        let n = contents_page(contents, t);
        assert!(n > last, "`{t}` (page {n}) comes in register order");
        assert!(texts[n - 1].lines().any(|l| l.trim() == t), "`{t}` starts page {n}");
        last = n;
    }
    assert!(link_uris(&pdf).iter().all(|u| !u.starts_with("file:")));
}

const ROLE: &str = "---\ntitle: General Counsel\nholder: Jo Smith\n---\nLeads the team.\n";

const POLICY: &str = "---\ntitle: Gifts\nkind: policy\nowner: gc\napprover: gc\neffective: 2026-01-01\nreview_every: 12 months\n---\nBe modest.\n";

/// A legal-only report on Letter paper with a 60-row KPI table, on a site
/// without `base_url`, committed to git on 16 October 2026.
fn letter_site() -> SiteTest {
    let site = SiteTest::with_files(&[
        (
            "casebook.yaml",
            "title: Acme Legal\norganisation: Acme Corp\npdf: {paper: Letter}\nmarkings:\n  legal-only: \"Privileged & Confidential — attorney-client communication\"\n",
        ),
        ("content/roles/gc.md", ROLE),
        ("content/policies/gifts.md", POLICY),
        (
            "content/reports/q3.md",
            "---\ntitle: Legal report Q3\nquarter: 2026-Q3\naudience: legal-only\nmeeting: 2026-10-20\npresented_by: gc\n---\nSee [the gifts policy](../policies/gifts.md).\n\n## Numbers\n\n{{ kpi_table(quarter=\"2026-Q3\") }}\n",
        ),
    ]);
    for i in 1..=60 {
        site.create(
            &format!("content/metrics/m{i:02}.yaml"),
            format!(
                "title: Metric {i:02}\nunit: count\nbetter: higher\ntarget: 10\nvalues: {{2026-Q2: 9, 2026-Q3: {}}}\n",
                5 + i % 9
            ),
        );
    }
    crate::history::git_in(site.root(), None, &["init", "-q"]);
    crate::history::commit(&site, "alice", "2026-10-16T09:00:00Z", "Q3 report");
    site
}

#[test]
fn letter_paper_plain_text_links_repeated_headers_and_the_commit_date() {
    if !can_print() {
        return;
    }
    let site = letter_site();
    site.build(&["--audience", "legal-only", "--pdf"]).assert_code(0);
    let pdf = site.path("public/reports/q3/report.pdf");
    let meta = info(&pdf);
    assert_eq!(page_size(&meta), (612, 792), "Letter");
    assert_eq!(meta["Title"], "Legal report Q3");
    assert_eq!(meta["Author"], "Acme Corp");
    assert_eq!(meta["Subject"], "Legal only report, Q3 2026");
    let texts = pages(&pdf);
    let marking = "Privileged & Confidential — attorney-client communication";
    for (i, t) in texts.iter().enumerate() {
        assert!(has_marking(t, marking), "page {} has no marking:\n{t}", i + 1);
    }
    // Dated by its last commit, not by the build day.
    assert!(
        texts[0].contains("16 October 2026") && !texts[0].contains("27 November 2026"),
        "{}",
        texts[0]
    );
    assert!(
        texts[0].contains("20 October 2026") && texts[0].contains("Jo Smith"),
        "{}",
        texts[0]
    );
    // Without base_url a link to a page is plain text: no link annotation at all.
    assert_eq!(link_uris(&pdf), Vec::<String>::new());
    assert!(texts.iter().any(|t| t.contains("See the gifts policy.")));
    // The long KPI table breaks across pages, each with the header row again.
    let is_row = |l: &str| {
        let l = l.trim_start();
        l.starts_with("Metric ") && l[7..].starts_with(|c: char| c.is_ascii_digit())
    };
    let table_pages: Vec<&String> = texts.iter().filter(|t| t.lines().any(is_row)).collect();
    assert!(
        table_pages.len() >= 2,
        "60 rows take more than a page: {} pages",
        table_pages.len()
    );
    for t in &table_pages {
        let lines: Vec<&str> = t.lines().collect();
        let first_row = lines.iter().position(|l| is_row(l)).expect("a row");
        let header = |l: &&str| {
            let l = l.trim_start();
            l.starts_with("Metric ") && l.contains("Status") && l.contains("Q3 2026")
        };
        assert!(
            lines[..first_row].iter().any(header),
            "rows on a page without the header row above them:\n{t}"
        );
    }
}

#[test]
fn a_page_carries_the_marking_of_its_effective_audience_on_screen_and_in_print() {
    let site = SiteTest::with_files(&[
        (
            "casebook.yaml",
            "title: T\nmarkings:\n  board: Board confidential\n  legal-only: \"Privileged & \\\"Confidential\\\"\"\n",
        ),
        ("content/open.md", "---\ntitle: Open\n---\nFor everyone inside.\n"),
        (
            "content/board.md",
            "---\ntitle: Board\naudience: board\n---\nFor the board.\n",
        ),
        (
            "content/counsel/_index.md",
            "---\ntitle: Counsel\naudience: legal-only\n---\nLawyers only.\n",
        ),
        (
            "content/counsel/memo.md",
            "---\ntitle: Memo\n---\nNo audience of its own.\n",
        ),
        (
            "content/metrics/open.yaml",
            "title: Open metric\nunit: count\nvalues: {2026-Q3: 1}\n",
        ),
        (
            "content/metrics/exposure.yaml",
            "title: Exposure\nunit: USD\naudience: board\nvalues: {2026-Q3: 1}\n",
        ),
    ]);
    site.build(&["--audience", "legal-only"]).assert_code(0);
    let page = |url: &str| site.output(&format!("{url}index.html"));
    assert!(
        !page("open/").contains("class=\"marking"),
        "no marking for the default audience"
    );
    let board = page("board/");
    assert!(board.contains("<p class=\"marking marking-board\" role=\"note\"><span class=\"visually-hidden\">Marking: </span>Board confidential</p>"));
    assert!(
        board.contains("@page{@top-center{content:\"Board confidential\"}}"),
        "the running header"
    );
    // The section's audience cascades to the page inside it; the CSS string is escaped.
    let memo = page("counsel/memo/");
    assert!(memo.contains("marking-legal-only\" role=\"note\"><span class=\"visually-hidden\">Marking: </span>Privileged &amp; &quot;Confidential&quot;</p>"), "{memo}");
    assert!(memo.contains("content:\"Privileged & \\\"Confidential\\\"\""), "{memo}");
    assert!(memo.contains("@page{size:A4}"), "A4 unless configured");
    // Generated pages carry the strictest marking of what they show.
    assert!(page("metrics/exposure/").contains("marking-board"));
    assert!(!page("metrics/open/").contains("class=\"marking"));
    assert!(
        page("metrics/").contains("marking-board"),
        "the index lists the board's metric"
    );
}
