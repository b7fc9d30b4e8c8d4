/* casebook: the version switcher. A version's pages name only their own
   version, so a new tag changes none of them; the other versions come from
   the site's versions.json and one page map, fetched when the reader opens
   the switcher (on an old version's page, at once, for its banner). Without
   JavaScript the switcher is a link to the list of every version. */
(function () {
  "use strict";
  var nav = document.querySelector("nav.version-switcher[data-versions]");
  var toggle = nav && nav.querySelector("a.version-switcher-toggle");
  if (!toggle || !window.fetch || !window.TextEncoder) return;
  var source = new URL(nav.getAttribute("data-versions"), location.href);
  var root = new URL(".", source);
  var here = nav.getAttribute("data-version");
  var page = nav.getAttribute("data-page");
  var loaded = null;

  // FNV-1a (32 bits) of the URL's UTF-8 bytes: which page map holds it.
  function mapOf(url, count) {
    var bytes = new TextEncoder().encode(url), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h % count;
  }

  function json(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  // A row holds the page's URL in each version: a URL, 1 for the previous
  // version's URL, 0 (or nothing) where the page is not.
  function urls(row, length) {
    var out = [], last = null;
    for (var k = 0; k < length; k++) {
      var cell = row[k];
      last = typeof cell === "string" ? cell : cell === 1 ? last : null;
      out.push(last);
    }
    return out;
  }

  // Version name → this page's URL there (null: not there); null when the
  // page is in no map (a generated page), so every entry goes home.
  function targets(map) {
    var k = map.versions.indexOf(here);
    if (k < 0) return null;
    for (var i = 0; i < map.pages.length; i++) {
      var u = urls(map.pages[i], map.versions.length);
      if (u[k] === page) {
        var out = {};
        map.versions.forEach(function (name, j) { out[name] = u[j]; });
        return out;
      }
    }
    return null;
  }

  function load() {
    if (!loaded) {
      loaded = json(source).then(function (index) {
        if (!index.page_maps) return { list: index.versions, targets: null };
        var map = new URL("versions/" + mapOf(page, index.page_maps) + ".json", source);
        return json(map).then(function (m) { return { list: index.versions, targets: targets(m) }; });
      });
    }
    return loaded;
  }

  function hrefOf(v, data) {
    var there = data.targets ? data.targets[v.name] : null;
    return { href: new URL(v.url + (there || ""), root).href, missing: data.targets !== null && !there };
  }

  function item(list, child, className) {
    var li = document.createElement("li");
    if (className) li.className = className;
    li.appendChild(child);
    list.appendChild(li);
    return li;
  }

  var details = document.createElement("details");
  var summary = document.createElement("summary");
  while (toggle.firstChild) summary.appendChild(toggle.firstChild);
  var list = document.createElement("ul");
  var status = document.createElement("span");
  status.className = "version-status";
  status.setAttribute("role", "status");
  status.textContent = "Loading versions…";
  var statusItem = item(list, status);
  var all = document.createElement("a");
  all.href = toggle.href;
  all.textContent = "All versions and what changed";
  item(list, all, "version-changes");
  details.appendChild(summary);
  details.appendChild(list);
  toggle.replaceWith(details);

  function fill(data) {
    data.list.forEach(function (v) {
      var a = document.createElement("a"), to = hrefOf(v, data);
      a.href = to.href;
      a.textContent = v.label;
      if (v.name === here) a.setAttribute("aria-current", "page");
      if (to.missing) {
        var note = document.createElement("span");
        note.className = "version-missing";
        note.textContent = " (home: no such page)";
        a.appendChild(note);
      }
      list.insertBefore(item(list, a), statusItem);
    });
    statusItem.remove();
  }

  var filled = false;
  function open() {
    if (filled) return;
    filled = true;
    load().then(fill, function () {
      // Offline or opened from disk: keep the link to every version, and
      // try again on the next open.
      status.textContent = "The version list could not be loaded.";
      filled = false;
      loaded = null;
    });
  }
  details.addEventListener("toggle", function () { if (details.open) open(); });
  // Start fetching as soon as a reader heads for the switcher.
  function warm() { load().catch(function () {}); }
  summary.addEventListener("pointerenter", warm);
  summary.addEventListener("focus", warm);
  details.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && details.open) {
      details.open = false;
      summary.focus();
    }
  });
  document.addEventListener("click", function (e) {
    if (details.open && !details.contains(e.target)) details.open = false;
  });

  // An old version's banner: name the current version and link this page in it.
  var banner = document.querySelector(".version-banner");
  if (!banner) return;
  load().then(function (data) {
    var latest = data.list.filter(function (v) { return v.latest; })[0];
    if (!latest) return;
    var name = banner.querySelector(".version-latest");
    if (name) {
      var strong = document.createElement("strong");
      strong.textContent = latest.label;
      name.textContent = ", which is ";
      name.appendChild(strong);
    }
    var link = banner.querySelector("a.version-current");
    var to = hrefOf(latest, data);
    if (link && data.targets && !to.missing) {
      link.href = to.href;
      link.textContent = "Read the current version of this page";
    }
  }, function () {});
})();
