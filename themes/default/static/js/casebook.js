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
})();
