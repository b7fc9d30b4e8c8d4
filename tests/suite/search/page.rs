//! The results page in a real headless Chromium: the kind filter by
//! keyboard and in the address (so a filtered search can be bookmarked),
//! the correction line and its way back to the word as typed, and queries
//! that try to inject HTML.

use crate::browser::cdp::{Browser, serve};
use crate::harness::SiteTest;

/// The kinds of the results shown, in order.
const KINDS: &str = "Array.prototype.map.call(document.querySelectorAll('#search-page-results .search-kind'), function (k) { return k.textContent; })";

fn results_page(b: &mut Browser, url: &str) {
    b.open(url);
    b.dt.wait_for(
        "/match|No pages/.test((document.getElementById('search-page-status') || {}).textContent)",
        "results",
    );
}

#[test]
fn the_kind_filter_works_by_keyboard_and_lives_in_the_address() {
    let Some(mut b) = Browser::start(1366, 900) else {
        return;
    };
    let site = SiteTest::example();
    site.build_ok();
    let base = serve(site.path("public"), "/");
    results_page(&mut b, &format!("{base}search/index.html?q=outside+counsel"));
    let all = b.dt.eval(KINDS);
    let kinds: Vec<&str> = all.as_array().unwrap().iter().filter_map(|k| k.as_str()).collect();
    assert!(kinds.contains(&"Policy") && kinds.contains(&"Playbook"), "{kinds:?}");
    assert_eq!(
        b.dt.eval("document.querySelector('#search-page-filters input:checked').value"),
        "",
        "`All` is chosen"
    );

    // Focus the group as Tab would (on the chosen button), then choose the
    // next kind with the arrow key.
    b.dt.eval("document.querySelector('#search-page-filters input:checked').focus()");
    b.dt.key("ArrowRight", 39);
    let chosen = b.dt.wait_for(
        "(document.querySelector('#search-page-filters input:checked') || {}).value",
        "a kind to be chosen",
    );
    let chosen = chosen.as_str().unwrap_or_default().to_string();
    let label = b.dt.eval(&format!(
        "document.querySelector('label[for=search-kind-{chosen}]').textContent"
    ));
    b.dt.wait_for(
        &format!("location.search.indexOf('kind={chosen}') >= 0"),
        "the kind in the address",
    );
    let shown = b.dt.wait_for(
        &format!("(function () {{ var k = {KINDS}; return k.length && k.every(function (x) {{ return x.toLowerCase() === '{chosen}'; }}) && k.length; }})()"),
        "only that kind",
    );
    assert!(
        label.as_str().unwrap_or_default().ends_with(&format!(" {shown}")),
        "the label counts the results: {label}, {shown}"
    );
    assert_eq!(
        b.dt.eval("document.activeElement && document.activeElement.checked"),
        true,
        "focus stays on the chosen kind"
    );

    // The address alone gives the same page (a bookmark), and Back undoes it.
    let bookmark = b.dt.eval("location.href").as_str().unwrap_or_default().to_string();
    results_page(&mut b, &bookmark);
    assert_eq!(
        b.dt.eval("document.querySelector('#search-page-filters input:checked').value"),
        chosen.as_str()
    );
    assert_eq!(b.dt.eval(&format!("{KINDS}.length")), shown, "a bookmarked filter");
    results_page(&mut b, &format!("{base}search/index.html?q=outside+counsel"));
    b.dt.eval(&format!("document.getElementById('search-kind-{chosen}').click()"));
    b.dt.wait_for(&format!("location.search.indexOf('kind={chosen}') >= 0"), "the filter");
    b.dt.eval("history.back()");
    b.dt.wait_for(
        "location.search.indexOf('kind=') < 0 && document.querySelector('#search-page-filters input:checked').value === ''",
        "Back to all kinds",
    );
}

#[test]
fn corrections_show_with_a_way_back_and_queries_cannot_inject_html() {
    let Some(mut b) = Browser::start(1366, 900) else {
        return;
    };
    let site = SiteTest::example();
    site.build_ok();
    let page = |q: &str| format!("file://{}/search/index.html?q={q}", site.path("public").display());

    results_page(&mut b, &page("%3Cb%3Eretension%3C%2Fb%3E"));
    let note =
        b.dt.eval("document.getElementById('search-page-correction').textContent");
    assert_eq!(
        note, "Showing results for <b>retention</b>. Search instead for <b>retension</b>",
        "the query's markup is shown as text"
    );
    assert_eq!(
        b.dt.eval("document.querySelector('#search-page-correction em').textContent"),
        "retention"
    );
    assert_eq!(
        b.dt.eval("document.querySelectorAll('#search-page-correction b, #search-page-results b').length"),
        0
    );
    assert!(
        b.dt.eval("document.querySelector('#search-page-results .search-result-title').textContent")
            .as_str()
            .unwrap_or_default()
            .contains("Records retention")
    );
    b.click("#search-page-correction a", "Search instead for <b>retension</b>");
    b.dt.wait_for(
        "location.search.indexOf('exact=1') >= 0 && /No pages/.test((document.getElementById('search-page-status') || {}).textContent)",
        "the word as typed, uncorrected",
    );

    let attack = "%22%3E%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3Eretention";
    results_page(&mut b, &page(attack));
    assert_eq!(b.dt.eval("document.querySelectorAll('main img').length"), 0);
    assert_eq!(b.dt.eval("typeof window.pwned"), "undefined");

    // The header box on another page.
    b.open(&format!("file://{}/index.html", site.path("public").display()));
    b.dt.eval("document.getElementById('site-search-q').focus()");
    b.dt.call(
        "Input.insertText",
        serde_json::json!({ "text": "<img src=x onerror=window.pwned=1>zzqx" }),
    );
    b.dt.wait_for("!document.querySelector('.search-panel').hidden", "the results panel");
    assert_eq!(b.dt.eval("document.querySelectorAll('.search-panel img').length"), 0);
    assert_eq!(b.dt.eval("typeof window.pwned"), "undefined");
}
