/* casebook redlines: `n` and `p` jump to the next and previous change, and the
   toolbar's links follow the reading position. Without this script every
   change still links to its neighbours and the toolbar to the first and last. */
(function () {
  "use strict";
  var changes = Array.prototype.slice.call(document.querySelectorAll('.redline [id^="change-"]'));
  var bar = document.querySelector(".rl-toolbar");
  if (!changes.length || !bar) return;
  var prev = bar.querySelector(".rl-prev"), next = bar.querySelector(".rl-next"), where = bar.querySelector(".rl-where");
  // A change counts as reached once its top is above this line: where a jump
  // puts it (`scroll-margin-top: 20vh` in the stylesheet), and a little more.
  function line() { return window.innerHeight * 0.2 + 8; }

  // Index of the last change whose top is above the line, or -1 (changes are in document order).
  function current() {
    var lo = 0, hi = changes.length - 1, k = -1, at = line();
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (changes[mid].getBoundingClientRect().top <= at) { k = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return k;
  }

  function link(a, i) {
    if (!a) return;
    if (i >= 0 && i < changes.length) {
      a.href = "#" + changes[i].id;
      a.removeAttribute("aria-disabled");
    } else {
      a.removeAttribute("href");
      a.setAttribute("aria-disabled", "true");
    }
  }

  function update() {
    var k = current();
    link(prev, k > 0 ? k - 1 : -1);
    link(next, k + 1);
    if (where) {
      where.textContent = k < 0 ? changes.length + (changes.length === 1 ? " change" : " changes")
        : "Change " + (k + 1) + " of " + changes.length;
    }
  }

  var marked = null;
  function go(i) {
    var el = changes[i];
    if (!el) return;
    if (marked) marked.classList.remove("rl-current");
    el.classList.add("rl-current");
    marked = el;
    el.scrollIntoView({ block: "start" });
    if (history.replaceState) history.replaceState(null, "", "#" + el.id);
    el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: true });
    update();
  }

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || (t.closest && t.closest("input, textarea, select, [contenteditable]")))) return;
    var k = current();
    if (e.key === "n") {
      go(Math.min(k + 1, changes.length - 1));
    } else if (e.key === "p") {
      // Inside a long change, `p` first goes back to its start.
      var within = k >= 0 && changes[k].getBoundingClientRect().top < line() - 20;
      go(within ? k : Math.max(k - 1, 0));
    } else {
      return;
    }
    e.preventDefault();
  });

  bar.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a");
    if (!a || !a.getAttribute("href")) return;
    var i = changes.indexOf(document.getElementById(a.getAttribute("href").slice(1)));
    if (i < 0) return;
    e.preventDefault();
    go(i);
  });

  var pending = false;
  function later() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; update(); });
  }
  window.addEventListener("scroll", later, { passive: true });
  window.addEventListener("resize", later);
  document.addEventListener("change", function (e) { if (e.target.classList.contains("rl-only")) later(); });
  update();
})();
