// casebook serve: live reload and the error overlay. Injected into HTML
// responses by `casebook serve` only; never part of a built site.
(() => {
  const initialError = __CASEBOOK_ERROR__;
  const scrollKey = "casebook:scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const restore = () => window.scrollTo(0, Number(saved) || 0);
    if (document.readyState === "complete") restore();
    else window.addEventListener("load", restore);
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  function el(tag, style, text) {
    const e = document.createElement(tag);
    if (style) e.style.cssText = style;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function hideOverlay() {
    const old = document.getElementById("casebook-error-overlay");
    if (old) old.remove();
  }

  function showOverlay(error) {
    hideOverlay();
    const box = el("div", "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);color:#f5f5f5;font:14px/1.5 system-ui,sans-serif;padding:2rem");
    box.id = "casebook-error-overlay";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-label", "Build error");
    const close = el("button", "float:right;font:inherit;padding:.25rem .75rem", "Close");
    close.addEventListener("click", hideOverlay);
    box.append(close, el("h2", "margin:0 0 1rem;color:#ff8a80", "The last change did not build"));
    box.append(el("p", "margin:0 0 1rem", "Still showing the last good build. Fix the file and save: this page reloads."));
    for (const d of error.diagnostics || []) {
      const item = el("div", "margin:0 0 1rem;padding:.75rem 1rem;border-left:4px solid " + (d.severity === "error" ? "#ff5252" : "#ffd740") + ";background:#262626");
      const where = [d.file, d.line, d.column].filter((x) => x !== null && x !== undefined).join(":");
      item.append(el("div", "font-family:ui-monospace,monospace;color:#bbb", where || "(site)"));
      item.append(el("div", "font-weight:600", d.severity + ": " + d.message));
      if (d.help) item.append(el("div", "color:#ccc", "help: " + d.help));
      box.append(item);
    }
    box.append(el("pre", "white-space:pre-wrap;font:12px/1.4 ui-monospace,monospace;color:#ddd", error.text || ""));
    document.body.append(box);
  }

  if (initialError) {
    if (document.body) showOverlay(initialError);
    else document.addEventListener("DOMContentLoaded", () => showOverlay(initialError));
  }

  let wasClosed = false;
  function connect() {
    const proto = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(proto + location.host + "/__casebook/livereload");
    socket.addEventListener("open", () => {
      // The server restarted while we waited: what it serves may be new.
      if (wasClosed) reload();
    });
    socket.addEventListener("message", (event) => {
      let msg;
      try { msg = JSON.parse(event.data); } catch (_) { return; }
      if (msg.type === "reload") reload();
      else if (msg.type === "error") showOverlay(msg);
    });
    socket.addEventListener("close", () => {
      wasClosed = true;
      setTimeout(connect, 1000);
    });
  }
  connect();
})();
