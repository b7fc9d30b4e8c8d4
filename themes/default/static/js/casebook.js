/* casebook: progressive enhancement only; every page works without it. */
(function () {
  "use strict";
  var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true, sensitivity: "base" });

  function key(row, col) {
    var cell = row.cells[col];
    if (!cell) return "";
    var v = cell.getAttribute("data-sort");
    return (v === null ? cell.textContent : v).trim();
  }

  function number(s) {
    var t = s.replace(/[\s,$€£¥%]/g, "").replace(/^\((.*)\)$/, "-$1").replace(/^[−–]/, "-");
    return t !== "" && isFinite(t) ? Number(t) : NaN;
  }

  function compare(a, b) {
    var x = number(a), y = number(b);
    if (!isNaN(x) && !isNaN(y)) return x - y;
    return collator.compare(a, b);
  }

  function sortBy(table, th, col) {
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var rows = Array.prototype.map.call(body.rows, function (r, i) { return { r: r, k: key(r, col), i: i }; });
      rows.sort(function (a, b) {
        // Empty cells stay at the bottom in either direction.
        if (a.k === "" || b.k === "") return (a.k === "") - (b.k === "") || a.i - b.i;
        return dir * compare(a.k, b.k) || a.i - b.i;
      });
      rows.forEach(function (x) { body.appendChild(x.r); });
    });
    var cap = table.caption;
    if (cap && cap.classList.contains("visually-hidden")) {
      cap.textContent = cap.textContent.replace(/, sorted by .*$/, "") + ", sorted by " + th.textContent.trim() + (dir === 1 ? ", ascending" : ", descending");
    }
  }

  function sortable(table) {
    if (!table.tHead || !table.tHead.rows.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      if (th.hasAttribute("data-nosort")) return;
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      var icon = document.createElement("span");
      icon.className = "sort-icon";
      icon.setAttribute("aria-hidden", "true");
      button.appendChild(icon);
      button.addEventListener("click", function () { sortBy(table, th, col); });
      th.appendChild(button);
    });
  }

  document.querySelectorAll("table.sortable").forEach(sortable);

  // Let keyboard users scroll wide tables and code blocks (only those that overflow).
  function scrollers() {
    document.querySelectorAll(".table-wrap, pre").forEach(function (el) {
      var ours = el.hasAttribute("data-scroll");
      if (el.scrollWidth > el.clientWidth + 1) {
        if (ours || el.hasAttribute("tabindex")) return;
        el.setAttribute("data-scroll", "");
        el.tabIndex = 0;
        if (el.tagName !== "PRE") {
          var cap = el.querySelector("caption");
          el.setAttribute("role", "group");
          el.setAttribute("aria-label", cap ? cap.textContent.trim() : "Table (scrolls sideways)");
        }
      } else if (ours) {
        ["data-scroll", "tabindex", "role", "aria-label"].forEach(function (a) { el.removeAttribute(a); });
      }
    });
  }
  var pending = false;
  window.addEventListener("resize", function () {
    if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; scrollers(); }); }
  });
  scrollers();

  /* ---- links from disk ---- */
  // Links name folders (`../register/`): a web server answers with the
  // folder's index.html, but a browser reading files from disk shows a
  // folder listing. So from file:// links to folders get `index.html`
  // added, while over HTTP the pretty URLs stay as written. (Redirect pages
  // do the same in their own script; see render/mod.rs.)
  function fileLink(a) {
    var u;
    try { u = new URL(a.href); } catch (e) { return; }
    if (u.protocol === "file:" && /\/$/.test(u.pathname)) {
      u.pathname += "index.html";
      a.href = u.href;
    }
  }
  if (location.protocol === "file:") {
    document.querySelectorAll("a[href]").forEach(fileLink);
    // Links added later (search results, say) are fixed as they are followed.
    document.addEventListener("click", function (ev) {
      var a = ev.target.closest && ev.target.closest("a[href]");
      if (a) fileLink(a);
    }, true);
  }

  /* ---- colour scheme ---- */
  // The head script already set data-theme (stored choice, else the system's).
  var KEY = "casebook-theme", html = document.documentElement;
  var toggle = document.querySelector(".theme-toggle");
  var darkQuery = window.matchMedia ? matchMedia("(prefers-color-scheme: dark)") : null;
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function applyTheme(t) {
    html.setAttribute("data-theme", t);
    if (toggle) toggle.setAttribute("aria-pressed", t === "dark" ? "true" : "false");
  }
  applyTheme(html.getAttribute("data-theme") === "dark" ? "dark" : "light");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var t = html.getAttribute("data-theme") === "dark" ? "light" : "dark";
      applyTheme(t);
      try { localStorage.setItem(KEY, t); } catch (e) { /* private mode: for this page only */ }
    });
  }
  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener("change", function (e) { if (!stored()) applyTheme(e.matches ? "dark" : "light"); });
  }

  /* ---- header: the navigation folds into a menu before it would wrap ---- */
  var header = document.querySelector(".site-header");
  var menuButton = header && header.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  var navList = menu && menu.querySelector("ul");
  var sectionNav = document.querySelector(".sidebar .section-nav");
  var sidebar = sectionNav && sectionNav.parentNode;
  var media = function (q) { return window.matchMedia ? matchMedia(q) : { matches: false }; };
  var narrow = media("(max-width: 56rem)"), phone = media("(max-width: 40rem)");

  function isOpen() { return header.classList.contains("menu-open"); }
  function setOpen(open, refocus) {
    header.classList.toggle("menu-open", open);
    menuButton.setAttribute("aria-expanded", open ? "true" : "false");
    // On narrow screens the sidebar sits below the page: the menu brings the
    // section's pages up with it while it is open.
    if (sectionNav) {
      if (open && narrow.matches) menu.appendChild(sectionNav);
      else if (sectionNav.parentNode !== sidebar) sidebar.appendChild(sectionNav);
    }
    if (!open && refocus) menuButton.focus();
  }
  function fit() {
    header.classList.remove("is-collapsed");
    var items = navList.children, box = menu.getBoundingClientRect();
    var first = items.length ? items[0].getBoundingClientRect() : box;
    var last = items.length ? items[items.length - 1].getBoundingClientRect() : box;
    var over = phone.matches || first.left < box.left - 1 || last.right > box.right + 1 || first.top !== last.top ||
      header.scrollWidth > header.clientWidth + 1;
    header.classList.toggle("is-collapsed", over);
    if (!over && isOpen()) setOpen(false);
  }
  if (header && menuButton && menu && navList) {
    menuButton.hidden = false;
    menuButton.addEventListener("click", function () { setOpen(!isOpen()); });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && isOpen()) { ev.preventDefault(); setOpen(false, true); }
    });
    document.addEventListener("click", function (ev) {
      if (isOpen() && !header.contains(ev.target)) setOpen(false);
    });
    var fitting = false;
    window.addEventListener("resize", function () {
      if (!fitting) { fitting = true; requestAnimationFrame(function () { fitting = false; fit(); }); }
    });
    fit();
  }

  /* ---- keyboard: / and Ctrl-K (Cmd-K) go to the search box ---- */
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    var slash = ev.key === "/" && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey;
    var ctrlK = (ev.ctrlKey || ev.metaKey) && !ev.altKey && (ev.key === "k" || ev.key === "K");
    if (!slash && !ctrlK) return;
    var box = document.getElementById("search-page-q") || document.getElementById("site-search-q");
    if (!box || box.offsetParent === null) return;
    ev.preventDefault();
    if (header && isOpen()) setOpen(false);
    box.focus();
    box.select();
  });

  /* ---- copy a link to a heading ---- */
  var said = document.createElement("p");
  said.className = "visually-hidden";
  said.setAttribute("role", "status");
  document.body.appendChild(said);
  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand && document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }
  document.querySelectorAll(".content :is(h2, h3, h4)[id] > a.anchor").forEach(function (anchor) {
    var heading = anchor.parentNode, button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.setAttribute("aria-label", "Copy link to this section");
    button.title = "Copy link to this section";
    button.addEventListener("click", function () {
      var url = location.href.replace(/#.*$/, "") + "#" + heading.id;
      copy(url).then(function () {
        button.classList.add("copied");
        said.textContent = "Link copied";
        setTimeout(function () { button.classList.remove("copied"); said.textContent = ""; }, 2000);
      }, function () { said.textContent = "Could not copy; the link is " + url; });
    });
    heading.appendChild(button);
  });

  /* ---- defined terms: Escape hides a definition shown on hover or focus, until the pointer or focus leaves ---- */
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    document.querySelectorAll(".term:hover, .term:focus-within").forEach(function (t) { t.classList.add("tip-dismissed"); });
  });
  function undismiss(ev) {
    var t = ev.target.closest && ev.target.closest(".term.tip-dismissed");
    if (t && !(ev.relatedTarget && t.contains(ev.relatedTarget))) t.classList.remove("tip-dismissed");
  }
  document.addEventListener("mouseout", undismiss);
  document.addEventListener("focusout", undismiss);

  /* ---- print: the day of printing in the footer ---- */
  var printed = document.querySelector(".print-date");
  if (printed) {
    window.addEventListener("beforeprint", function () {
      var d = new Date(), two = function (n) { return (n < 10 ? "0" : "") + n; };
      var time = printed.querySelector("time");
      time.setAttribute("datetime", d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()));
      time.textContent = d.toLocaleDateString(html.lang || undefined, { year: "numeric", month: "long", day: "numeric" });
      printed.hidden = false;
    });
  }
})();
