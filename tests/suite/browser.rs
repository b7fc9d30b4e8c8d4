//! The default theme in a real headless Chromium: links that work from
//! disk, the header at phone and desktop widths, the phone menu by
//! keyboard, the dark scheme, and axe-core's accessibility rules.

pub mod cdp;

use serde_json::{Value, json};

use crate::harness::{SiteTest, repo_root};
use cdp::{Browser, serve};

/// The example site built for the audience that sees every page.
fn example() -> SiteTest {
    let site = SiteTest::example();
    site.build(&["--audience", "legal-only"]).assert_code(0);
    site
}

fn file_url(site: &SiteTest, rel: &str) -> String {
    format!("file://{}/{rel}", site.path("public").display())
}

fn h1(b: &mut Browser) -> String {
    b.dt.eval("(document.querySelector('h1') || {}).textContent")
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Clicks a link and checks where it lands: the file and the `<h1>`.
fn follow(b: &mut Browser, selector: &str, text: &str, lands: &str, title: &str) {
    // The page left is marked, so the wait is for the next one even when
    // the address left starts with the one sought (a page below `lands`).
    b.dt.eval("window.casebookLeft = true");
    b.click(selector, text);
    let js = format!(
        "!window.casebookLeft && location.href.indexOf({}) === 0 && document.readyState === 'complete'",
        json!(lands)
    );
    b.dt.wait_for(&js, &format!("{lands} to load"));
    assert_eq!(h1(b), title, "`{text}` in `{selector}` lands on {lands}");
}

#[test]
fn every_kind_of_link_lands_on_its_page_from_disk() {
    let Some(mut b) = Browser::start(1366, 900) else {
        return;
    };
    let site = example();
    b.open(&file_url(&site, "index.html"));
    let page = |rel: &str| file_url(&site, rel);
    follow(
        &mut b,
        ".top-nav a",
        "Policies",
        &page("policies/index.html"),
        "Policies",
    );
    follow(
        &mut b,
        ".cards .card > a",
        "Records retention",
        &page("policies/records-retention/index.html"),
        "Records retention",
    );
    follow(
        &mut b,
        ".breadcrumbs a",
        "Policies",
        &page("policies/index.html"),
        "Policies",
    );
    follow(
        &mut b,
        ".top-nav a",
        "Policy register",
        &page("register/index.html"),
        "Policy register",
    );
    follow(
        &mut b,
        ".register a",
        "Legal hold",
        &page("policies/legal-hold/index.html"),
        "Legal hold",
    );
    follow(
        &mut b,
        ".sidebar a",
        "Signature authority",
        &page("policies/signature-authority/index.html"),
        "Signature authority",
    );
    follow(
        &mut b,
        ".top-nav a",
        "Handbook",
        &page("handbook/index.html"),
        "Handbook",
    );
    follow(
        &mut b,
        ".pager a",
        "Next Contracts",
        &page("handbook/contracts/index.html"),
        "Contracts",
    );
    follow(&mut b, ".top-nav a", "Metrics", &page("metrics/index.html"), "Metrics");
    follow(
        &mut b,
        ".kpi-table a",
        "Total legal spend",
        &page("metrics/legal-spend/index.html"),
        "Total legal spend",
    );
    follow(
        &mut b,
        ".site-title",
        "Northwind Industries Northwind Legal",
        &page("index.html"),
        "Northwind Legal",
    );
    // An old address (an alias) forwards to the page, keeping the fragment.
    b.dt.call(
        "Page.navigate",
        json!({ "url": page("legal/records/index.html#scope") }),
    );
    b.wait_loaded(&page("policies/records-retention/index.html#scope"));
    assert_eq!(h1(&mut b), "Records retention");
}

#[test]
fn the_not_found_page_is_styled_from_disk_and_under_any_prefix() {
    let Some(mut b) = Browser::start(1366, 900) else {
        return;
    };
    let site = example();
    let styled = "getComputedStyle(document.querySelector('.site-header')).backgroundColor";
    b.open(&file_url(&site, "404.html"));
    assert_eq!(
        b.dt.eval(styled),
        "rgb(20, 39, 74)",
        "404.html from disk has its styles"
    );
    follow(
        &mut b,
        "main a",
        "Go to the home page",
        &file_url(&site, "index.html"),
        "Northwind Legal",
    );

    let base = serve(site.path("public"), "/intranet/legal/");
    let missing = format!("{base}no/such/page/");
    b.open(&missing);
    assert_eq!(h1(&mut b), "Page not found");
    assert_eq!(
        b.dt.eval(styled),
        "rgb(20, 39, 74)",
        "404 under a prefix has its styles"
    );
    assert_eq!(
        b.dt.eval("document.querySelector('.top-nav a').href"),
        format!("{base}handbook/"),
        "links point into the site, not below the missing address"
    );
    follow(&mut b, "main a", "Go to the home page", &base, "Northwind Legal");
}

/// The search panel's box after typing `q` at `width`, and the viewport's width.
fn search_panel_box(b: &mut Browser, width: u32) -> (Value, f64) {
    b.resize(width, 900);
    b.dt.eval("var i = document.getElementById('site-search-q'); i.value = ''; i.dispatchEvent(new Event('input')); i.focus()");
    b.dt.call("Input.insertText", json!({ "text": "policy" }));
    b.dt.wait_for(
        "document.querySelectorAll('#site-search-list [role=option]').length > 0",
        "search results",
    );
    let rect = b.dt.eval(
        "(function () { var r = document.querySelector('.search-panel').getBoundingClientRect(); return [r.left, r.right, r.top, r.width]; })()",
    );
    (
        rect,
        b.dt.eval("document.documentElement.clientWidth")
            .as_f64()
            .unwrap_or(0.0),
    )
}

#[test]
fn the_search_panel_is_inside_the_screen_at_every_width() {
    let Some(mut b) = Browser::start(1366, 900) else {
        return;
    };
    let site = example();
    b.open(&file_url(&site, "policies/records-retention/index.html"));
    for width in [320, 390, 1024, 1366, 1920, 2560] {
        let (r, vw) = search_panel_box(&mut b, width);
        let (left, right, top, w) = (
            r[0].as_f64().unwrap(),
            r[1].as_f64().unwrap(),
            r[2].as_f64().unwrap(),
            r[3].as_f64().unwrap(),
        );
        assert!(
            left >= 0.0 && right <= vw && top >= 0.0 && w > 200.0,
            "at {width} px the panel spans {left}..{right} of 0..{vw}"
        );
    }
}

/// Whether the visible parts of the header share one row.
const ONE_ROW: &str = "(function () {
  var kids = Array.prototype.filter.call(document.querySelector('.site-header').children, function (e) { return e.offsetWidth > 0 && e.tagName !== 'SCRIPT'; });
  var rects = kids.map(function (e) { return e.getBoundingClientRect(); });
  var top = Math.max.apply(null, rects.map(function (r) { return r.top; }));
  var bottom = Math.min.apply(null, rects.map(function (r) { return r.bottom; }));
  return { row: top < bottom, items: kids.length, height: document.querySelector('.site-header').offsetHeight,
           collapsed: document.querySelector('.site-header').classList.contains('is-collapsed') };
})()";

#[test]
fn the_header_is_one_row_on_desktop_and_folds_its_navigation_before_it_wraps() {
    let Some(mut b) = Browser::start(1366, 900) else {
        return;
    };
    let site = example();
    b.open(&file_url(&site, "policies/records-retention/index.html"));
    let wide = b.dt.eval(ONE_ROW);
    assert_eq!(wide["row"], true, "one row at 1366 px: {wide}");
    assert_eq!(wide["collapsed"], false, "the navigation fits at 1366 px: {wide}");
    assert!(wide["height"].as_u64().unwrap_or(999) < 70, "a compact header: {wide}");
    b.resize(1024, 900);
    let folded = b.dt.wait_for(
        &format!("(function () {{ var r = {ONE_ROW}; return r.collapsed && r; }})()"),
        "the navigation to fold at 1024 px",
    );
    assert_eq!(folded["row"], true, "still one row at 1024 px: {folded}");
    assert_eq!(
        b.dt.eval("document.querySelector('.menu-toggle').offsetWidth > 0"),
        true
    );
}

#[test]
fn the_phone_menu_opens_and_closes_with_the_keyboard() {
    let Some(mut b) = Browser::start(390, 800) else {
        return;
    };
    let site = example();
    b.open(&file_url(&site, "handbook/contracts/nda-review/index.html"));
    let menu_visible = "document.getElementById('site-menu').offsetHeight > 0";
    assert_eq!(b.dt.eval(menu_visible), false, "the menu starts closed");
    // Tab: the skip link, the site title, the menu button.
    for _ in 0..3 {
        b.dt.key("Tab", 9);
    }
    assert_eq!(b.dt.eval("document.activeElement.className"), "menu-toggle");
    b.dt.key_typing("Enter", 13, "\r", 0);
    assert_eq!(
        b.dt.eval("document.querySelector('.menu-toggle').getAttribute('aria-expanded')"),
        "true"
    );
    assert_eq!(b.dt.eval(menu_visible), true, "Enter opens the menu");
    assert_eq!(
        b.dt.eval("document.querySelector('#site-menu .section-nav [aria-current=page]').textContent"),
        "NDA review",
        "the menu holds the section's pages with the current one marked"
    );
    assert_eq!(
        b.dt.eval("Array.prototype.map.call(document.querySelectorAll('#site-menu .top-nav a'), function (a) { return a.offsetWidth > 0; }).every(Boolean)"),
        true,
        "and the top navigation"
    );
    b.dt.key("Tab", 9);
    assert_eq!(
        b.dt.eval("document.activeElement.textContent"),
        "Handbook",
        "Tab goes into the menu"
    );
    b.dt.key("Escape", 27);
    assert_eq!(b.dt.eval(menu_visible), false, "Escape closes it");
    assert_eq!(
        b.dt.eval("document.activeElement.className"),
        "menu-toggle",
        "and returns to the button"
    );
    assert_eq!(
        b.dt.eval("document.querySelector('.menu-toggle').getAttribute('aria-expanded')"),
        "false"
    );
    b.dt.key_typing(" ", 32, " ", 0);
    assert_eq!(b.dt.eval(menu_visible), true, "Space opens it too");
}

#[test]
fn the_dark_scheme_follows_the_system_and_the_toggle_is_remembered() {
    let Some(mut b) = Browser::start(1366, 900) else {
        return;
    };
    let site = example();
    // Over HTTP, where every page of the origin shares one `localStorage`;
    // pages opened from disk now and then got an empty one of their own.
    let base = serve(site.path("public"), "/");
    let home = format!("{base}index.html");
    let background = "getComputedStyle(document.body).backgroundColor";
    let pressed = "document.querySelector('.theme-toggle').getAttribute('aria-pressed')";
    b.scheme("dark");
    b.open(&home);
    assert_eq!(b.dt.eval(background), "rgb(15, 22, 35)", "dark when the system is");
    assert_eq!(b.dt.eval(pressed), "true");
    b.click(".theme-toggle", "");
    assert_eq!(
        b.dt.eval(background),
        "rgb(255, 255, 255)",
        "the toggle switches to light"
    );
    assert_eq!(b.dt.eval(pressed), "false");
    b.open(&format!("{base}register/"));
    assert_eq!(
        b.dt.eval(background),
        "rgb(255, 255, 255)",
        "the choice holds on the next page"
    );
    b.scheme("light");
    b.click(".theme-toggle", "");
    b.open(&home);
    assert_eq!(
        b.dt.eval(background),
        "rgb(15, 22, 35)",
        "and a dark choice on a light system"
    );
    assert_eq!(b.dt.eval("document.documentElement.getAttribute('data-theme')"), "dark");
}

#[test]
fn axe_finds_no_violations_in_either_scheme() {
    let axe = repo_root().join("tests/axe/node_modules/axe-core/axe.min.js");
    let Ok(axe) = std::fs::read_to_string(&axe) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install axe-core (npm ci in tests/axe)"
        );
        eprintln!("skipped: run `npm ci --prefix tests/axe` for axe-core");
        return;
    };
    let Some(mut b) = Browser::start(1366, 900) else {
        return;
    };
    let site = example();
    let pages = [
        "index.html",
        "register/index.html",
        "policies/records-retention/index.html",
        "reports/2026-q3/index.html",
        "metrics/legal-spend/index.html",
        "search/index.html?q=retention",
    ];
    let mut found = Vec::new();
    for scheme in ["light", "dark"] {
        b.scheme(scheme);
        for rel in pages {
            b.open(&file_url(&site, rel));
            if rel.starts_with("search/") {
                b.dt.wait_for(
                    "document.querySelectorAll('.search-page-result').length > 0",
                    "search results",
                );
            }
            assert_eq!(b.dt.eval("document.documentElement.getAttribute('data-theme')"), scheme);
            b.dt.eval(&axe);
            let v = b.dt.eval_async(
                "axe.run(document, { resultTypes: ['violations'] }).then(function (r) { return r.passes.length < 20 ? null : r.violations.map(function (v) {
                   return v.id + ': ' + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' ') + ' ' + (n.failureSummary || ''); }).join(' | '); }); })",
            );
            let Some(list) = v.as_array() else {
                panic!("axe-core did not run on {rel}: {v}");
            };
            for v in list {
                found.push(format!("{rel} ({scheme}): {}", v.as_str().unwrap_or_default()));
            }
        }
    }
    assert!(found.is_empty(), "axe-core violations:\n{}", found.join("\n"));
}
