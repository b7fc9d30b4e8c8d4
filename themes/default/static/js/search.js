/* casebook search: the header search box and the results page.
 *
 * The index (written by src/search/mod.rs, format in the README) is a set of
 * JavaScript files under search/ that call casebookSearch.add(…). They are
 * loaded with <script> tags, never fetch(), so search also works when the
 * site is opened from file://, and only when needed: the small index.js when
 * the search box gets focus, then the term shards a query needs and the
 * document shards of the results shown.
 *
 * Words are made exactly as src/search/text.rs makes them: folded (lower
 * case, accents removed), split into letters and digits, stop words and
 * one-letter words dropped, stemmed with Snowball English (Porter2). */
(function (root) {
  "use strict";

  /* ---- words ---- */

  var SPECIAL = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i" };
  var WORD = /[\p{Alphabetic}\p{N}\p{M}]+/gu;
  var ASCII = /^[\x00-\x7f]*$/;

  function fold(s) {
    if (ASCII.test(s)) return s.toLowerCase();
    return s.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/[ßæœøđðłþı]/g, function (c) { return SPECIAL[c]; });
  }

  function words(text) {
    var out = [], m = String(text).match(WORD) || [];
    for (var i = 0; i < m.length; i++) {
      var w = fold(m[i]);
      if (w) out.push(w);
    }
    return out;
  }

  function utf8Length(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c < 0xdc00) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }

  var NUMERIC = /^\p{N}+$/u;

  /* The index term of a folded word, or null; `stop` maps stop words to true. */
  function term(w, stop) {
    if (Array.from(w).length < 2 && !NUMERIC.test(w)) return null;
    if (utf8Length(w) > 40 || (stop && stop[w] === true)) return null;
    return stem(w);
  }

  /* ---- Snowball English (Porter2), as the Rust crate rust-stemmers ---- */

  function isV(c) { return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y"; }
  function isVWXY(c) { return isV(c) || c === "w" || c === "x" || c === "Y"; }
  function hasV(s) { for (var i = 0; i < s.length; i++) if (isV(s[i])) return true; return false; }
  function ends(w, s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
  /* A short syllable ending at k. */
  function shortv(w, k) {
    if (k >= 3 && !isVWXY(w[k - 1]) && isV(w[k - 2]) && !isV(w[k - 3])) return true;
    return k === 2 && !isV(w[1]) && isV(w[0]);
  }
  /* The longest of `list` that `w` ends with. */
  function longest(w, list) {
    var best = null;
    for (var i = 0; i < list.length; i++) if (ends(w, list[i]) && (best === null || list[i].length > best.length)) best = list[i];
    return best;
  }

  var EXCEPTION1 = { skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes" };
  var EXCEPTION2 = { inning: 1, outing: 1, canning: 1, herring: 1, earring: 1, proceed: 1, exceed: 1, succeed: 1 };
  var STEP2 = { tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent", izer: "ize", ization: "ize", ational: "ate", ation: "ate", ator: "ate", alism: "al", aliti: "al", alli: "al", fulness: "ful", ousli: "ous", ousness: "ous", iveness: "ive", iviti: "ive", biliti: "ble", bli: "ble", ogi: "og", fulli: "ful", lessli: "less", li: "" };
  var STEP2_KEYS = Object.keys(STEP2);
  var STEP3 = { tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic", ical: "ic", ful: "", ness: "", ative: "" };
  var STEP3_KEYS = Object.keys(STEP3);
  var STEP4 = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion"];
  var DOUBLES = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];

  function stem(word) {
    if (!/^[a-z]+$/.test(word)) return word;
    if (Object.prototype.hasOwnProperty.call(EXCEPTION1, word)) return EXCEPTION1[word];
    if (word.length < 3) return word;
    var w = word, yFound = false, i;
    if (w[0] === "y") { w = "Y" + w.slice(1); yFound = true; }
    for (i = 1; i < w.length; i++) {
      if (w[i] === "y" && isV(w[i - 1])) { w = w.slice(0, i) + "Y" + w.slice(i + 1); yFound = true; }
    }
    // Regions: R1 after the first non-vowel that follows a vowel, R2 the same within R1.
    var n = w.length, p1 = n, p2 = n;
    var pre = /^(gener|commun|arsen)/.exec(w);
    var j = -1;
    if (pre) j = pre[0].length;
    else {
      for (i = 0; i < n - 1; i++) if (isV(w[i]) && !isV(w[i + 1])) { j = i + 2; break; }
    }
    if (j >= 0) {
      p1 = j;
      for (i = p1; i < n - 1; i++) if (isV(w[i]) && !isV(w[i + 1])) { p2 = i + 2; break; }
    }
    // Step 1a
    var s = longest(w, ["'s'", "'s", "'"]);
    if (s) w = w.slice(0, w.length - s.length);
    s = longest(w, ["sses", "ied", "ies", "s", "us", "ss"]);
    if (s === "sses") w = w.slice(0, -2);
    else if (s === "ied" || s === "ies") w = w.slice(0, -3) + (w.length - 3 > 1 ? "i" : "ie");
    else if (s === "s" && hasV(w.slice(0, -2))) w = w.slice(0, -1);
    if (!EXCEPTION2[w]) {
      // Step 1b
      s = longest(w, ["eed", "eedly", "ed", "edly", "ing", "ingly"]);
      if (s === "eed" || s === "eedly") {
        if (w.length - s.length >= p1) w = w.slice(0, -s.length) + "ee";
      } else if (s && hasV(w.slice(0, -s.length))) {
        w = w.slice(0, -s.length);
        if (ends(w, "at") || ends(w, "bl") || ends(w, "iz")) w += "e";
        else if (longest(w, DOUBLES)) w = w.slice(0, -1);
        else if (w.length === p1 && shortv(w, w.length)) w += "e";
      }
      // Step 1c
      n = w.length;
      if (n > 2 && (w[n - 1] === "y" || w[n - 1] === "Y") && !isV(w[n - 2])) w = w.slice(0, -1) + "i";
      // Step 2
      s = longest(w, STEP2_KEYS);
      if (s && w.length - s.length >= p1) {
        var before = w[w.length - s.length - 1];
        if (s === "ogi") { if (before === "l") w = w.slice(0, -3) + "og"; }
        else if (s === "li") { if (before && "cdeghkmnrt".indexOf(before) >= 0) w = w.slice(0, -2); }
        else w = w.slice(0, -s.length) + STEP2[s];
      }
      // Step 3
      s = longest(w, STEP3_KEYS);
      if (s && w.length - s.length >= p1) {
        if (s === "ative") { if (w.length - 5 >= p2) w = w.slice(0, -5); }
        else w = w.slice(0, -s.length) + STEP3[s];
      }
      // Step 4
      s = longest(w, STEP4);
      if (s && w.length - s.length >= p2) {
        if (s === "ion") { var c = w[w.length - 4]; if (c === "s" || c === "t") w = w.slice(0, -3); }
        else w = w.slice(0, -s.length);
      }
      // Step 5
      n = w.length;
      if (w[n - 1] === "e") {
        if (n - 1 >= p2 || (n - 1 >= p1 && !shortv(w, n - 1))) w = w.slice(0, -1);
      } else if (w[n - 1] === "l") {
        if (n - 1 >= p2 && w[n - 2] === "l") w = w.slice(0, -1);
      }
    }
    return yFound ? w.replace(/Y/g, "y") : w;
  }

  /* ---- the index ---- */

  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = new Int8Array(128);
  for (var d = 0; d < 64; d++) DIGIT[ALPHABET.charCodeAt(d)] = d;

  function varints(s) {
    var out = [], i = 0;
    while (i < s.length) {
      var v = 0, mul = 1, c;
      for (;;) {
        c = DIGIT[s.charCodeAt(i++)];
        if (c >= 32) { v += (c - 32) * mul; mul *= 32; } else { v += c * mul; break; }
      }
      out.push(v);
    }
    return out;
  }

  /* Postings of one term: section ids and weights. */
  function postings(s) {
    var ids = [], ws = [], i = 0, id = 0, first = true;
    while (i < s.length) {
      var v = 0, mul = 1, c;
      for (;;) {
        c = DIGIT[s.charCodeAt(i++)];
        if (c >= 32) { v += (c - 32) * mul; mul *= 32; } else { v += c * mul; break; }
      }
      id = first ? v : id + v;
      first = false;
      ids.push(id);
      ws.push(DIGIT[s.charCodeAt(i++)]);
    }
    return { ids: ids, ws: ws };
  }

  /* The last i with list[i] <= x (0 when x is before all). */
  function floorIndex(list, x) {
    var lo = 0, hi = list.length - 1, best = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid] <= x) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return best;
  }

  /* `load(kind, n)` returns a promise of the data of one index file. */
  function Engine(load) {
    this.load = load;
    this.meta = null;
    this.decoded = {};
    this.loaded = {};
  }

  Engine.prototype.ready = function () {
    var self = this;
    if (!this.metaPromise) {
      this.metaPromise = this.load("meta", 0).then(function (m) {
        var stop = {};
        m.stop.forEach(function (w) { stop[w] = true; });
        var counts = varints(m.counts), first = new Int32Array(counts.length + 1);
        var secPage = new Int32Array(m.sections);
        for (var p = 0, s = 0; p < counts.length; p++) {
          first[p] = s;
          for (var k = 0; k < counts[p]; k++) secPage[s++] = p;
        }
        first[counts.length] = m.sections;
        self.meta = { raw: m, stop: stop, first: first, secPage: secPage, counts: counts };
        return self.meta;
      });
    }
    return this.metaPromise;
  };

  /* What to look up for each query word: `exact` terms and a `prefix` for
   * the word being typed. */
  Engine.prototype.parse = function (q, typing) {
    var stop = this.meta.stop, ws = words(q), out = [];
    var open = typing && !/[\s\p{P}]$/u.test(q);
    for (var i = 0; i < ws.length; i++) {
      var w = ws[i], last = open && i === ws.length - 1;
      var t = term(w, stop);
      if (!t && !(last && w.length >= 2)) continue;
      out.push({ word: w, exact: t, prefix: last && w.length >= 2 ? (t && t.length <= w.length ? t : w) : null });
    }
    return out;
  };

  Engine.prototype.shardsFor = function (qw) {
    var starts = this.meta.raw.terms, set = {};
    if (!starts.length) return [];
    if (qw.exact) set[floorIndex(starts, qw.exact)] = true;
    if (qw.prefix) {
      var a = floorIndex(starts, qw.prefix), b = floorIndex(starts, qw.prefix + "\uffff");
      for (var i = a; i <= Math.min(b, a + 3); i++) set[i] = true;
      // A shorter term the typed word begins with ("organ" for "organiz").
      for (var k = 4; k < qw.word.length; k++) set[floorIndex(starts, qw.word.slice(0, k))] = true;
    }
    return Object.keys(set).map(Number);
  };

  Engine.prototype.lookup = function (t) {
    var starts = this.meta.raw.terms;
    if (!starts.length) return null;
    var shard = this.shard(floorIndex(starts, t));
    if (!shard) return null;
    var lo = 0, hi = shard.length / 2 - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1, x = shard[2 * mid];
      if (x === t) return shard[2 * mid + 1];
      if (x < t) lo = mid + 1; else hi = mid - 1;
    }
    return null;
  };

  Engine.prototype.shard = function (n) { return this.loaded["t" + n] || null; };

  Engine.prototype.decode = function (t, s) {
    return this.decoded[t] || (this.decoded[t] = postings(s));
  };

  /* Terms for one query word, each with a factor: the exact term counts
   * whole, completions of a word being typed less. */
  Engine.prototype.candidates = function (qw) {
    var out = [], seen = {};
    var add = function (t, s, f) { if (!seen[t]) { seen[t] = true; out.push({ term: t, postings: s, factor: f }); } };
    if (qw.exact) { var s = this.lookup(qw.exact); if (s) add(qw.exact, s, 1); }
    if (qw.prefix) {
      var starts = this.meta.raw.terms, p = qw.prefix, more = [];
      var a = floorIndex(starts, p), b = Math.min(floorIndex(starts, p + "\uffff"), a + 3);
      for (var n = a; n <= b; n++) {
        var shard = this.shard(n);
        if (!shard) continue;
        for (var i = 0; i < shard.length; i += 2) if (shard[i].indexOf(p) === 0) more.push({ t: shard[i], s: shard[i + 1] });
      }
      // The most frequent completions (longest postings) first.
      more.sort(function (x, y) { return y.s.length - x.s.length || (x.t < y.t ? -1 : 1); });
      more.slice(0, 40).forEach(function (m) { add(m.t, m.s, m.t === p ? 1 : 0.8); });
      if (!out.length) {
        for (var k = qw.word.length - 1; k >= 4; k--) {
          var cut = qw.word.slice(0, k), cs = this.lookup(cut);
          if (cs) { add(cut, cs, 0.6); break; }
        }
      }
    }
    return out;
  };

  /* Ranks pages for query `q`: a page must hold every word (any section),
   * or as many as possible; it links to its best section. */
  Engine.prototype.search = function (q, limit, typing) {
    var self = this;
    return this.ready().then(function (m) {
      var qws = self.parse(q, typing);
      if (!qws.length) return { results: [], total: 0, hits: [] };
      var need = {};
      qws.forEach(function (w) { self.shardsFor(w).forEach(function (n) { need[n] = true; }); });
      var ids = Object.keys(need).map(Number).sort(function (a, b) { return a - b; });
      return Promise.all(ids.map(function (n) { return self.load("t", n).then(function (data) { self.loaded["t" + n] = data; }); }))
        .then(function () { return self.rank(qws, limit); });
    });
  };

  Engine.prototype.rank = function (qws, limit) {
    var m = this.meta, S = m.raw.sections, self = this;
    var hits = [], prefixes = [];
    var perWord = qws.map(function (qw) {
      var sec = new Float32Array(S), page = new Map();
      self.candidates(qw).forEach(function (c) {
        hits.push(c.term);
        var p = self.decode(c.term, c.postings), idf = Math.log(1 + S / p.ids.length);
        for (var k = 0; k < p.ids.length; k++) {
          var id = p.ids[k], v = p.ws[k] * idf * c.factor;
          if (v > sec[id]) sec[id] = v;
          var pg = m.secPage[id];
          if (v > (page.get(pg) || 0)) page.set(pg, v);
        }
      });
      if (qw.prefix) prefixes.push(qw.prefix);
      return { sec: sec, page: page };
    });
    var scores = new Map();
    perWord.forEach(function (w) {
      w.page.forEach(function (v, pg) {
        var e = scores.get(pg);
        if (e) { e.n += 1; e.score += v; } else scores.set(pg, { n: 1, score: v });
      });
    });
    var all = [], most = 0;
    scores.forEach(function (e) { if (e.n > most) most = e.n; });
    scores.forEach(function (e, pg) { if (e.n === most) all.push({ page: pg, score: e.score }); });
    all.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
    // The page's first section is the page itself (title, reference, tags,
    // description): show the body section that matches best, and link to
    // it unless the page's own entry matched far better.
    var sum = function (s) { var t = 0; for (var k = 0; k < perWord.length; k++) t += perWord[k].sec[s]; return t; };
    var top = all.slice(0, limit).map(function (r) {
      var own = m.first[r.page], best = own, bestScore = 0;
      for (var s = own + 1; s < m.first[r.page + 1]; s++) {
        var v = sum(s);
        if (v > bestScore) { bestScore = v; best = s; }
      }
      return { page: r.page, section: best, top: best === own || sum(own) > 2 * bestScore, score: r.score };
    });
    return { results: top, total: all.length, partial: most < qws.length, hits: hits, prefixes: prefixes };
  };

  /* Fills in title, URL, kind, heading and text of ranked results. */
  Engine.prototype.describe = function (found) {
    var self = this, docs = this.meta.raw.docs, need = {};
    found.results.forEach(function (r) { need[floorIndex(docs, r.section)] = true; });
    var ids = Object.keys(need).map(Number);
    return Promise.all(ids.map(function (n) { return self.load("d", n).then(function (d) { return [n, d]; }); })).then(function (shards) {
      var byShard = {};
      shards.forEach(function (x) { byShard[x[0]] = x[1]; });
      return found.results.map(function (r) {
        var n = floorIndex(docs, r.section), shard = byShard[n], sec = shard.sections[r.section - docs[n]], info = null;
        for (var i = 0; i < shard.pages.length; i++) if (shard.pages[i][0] === r.page) { info = shard.pages[i]; break; }
        return {
          title: info[1], url: info[2], kind: info[3], parent: info[4],
          anchor: r.top ? "" : sec[1], heading: r.top ? "" : sec[2], text: sec[3], score: r.score
        };
      });
    });
  };

  /* ---- snippets ---- */

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }

  /* `text` around the query's words, at most `max` characters, with the
   * words in <mark>. */
  function snippet(text, hits, prefixes, stop, max) {
    var set = {};
    hits.forEach(function (t) { set[t] = true; });
    var found = [], re = new RegExp(WORD.source, "gu"), m;
    while ((m = re.exec(text))) {
      var f = fold(m[0]), t = term(f, stop), hit = t !== null && set[t] === true;
      for (var i = 0; !hit && i < prefixes.length; i++) hit = f.indexOf(prefixes[i]) === 0 || (t !== null && t.indexOf(prefixes[i]) === 0);
      if (hit) found.push({ start: m.index, end: m.index + m[0].length, t: t || f });
    }
    var from = 0;
    if (found.length) {
      var bestCount = -1;
      for (var a = 0; a < found.length; a++) {
        var seen = {}, count = 0;
        for (var b = a; b < found.length && found[b].end - found[a].start <= max * 0.7; b++) {
          if (!seen[found[b].t]) { seen[found[b].t] = true; count++; }
        }
        if (count > bestCount) { bestCount = count; from = found[a].start; }
      }
      from = Math.max(0, from - Math.round(max * 0.25));
      if (from > 0) { var sp = text.indexOf(" ", from); from = sp >= 0 && sp < from + 20 ? sp + 1 : from; }
    }
    var to = Math.min(text.length, from + max);
    if (to < text.length) { var back = text.lastIndexOf(" ", to); if (back > from + max / 2) to = back; }
    var out = from > 0 ? "… " : "", pos = from;
    found.forEach(function (h) {
      if (h.start < from || h.end > to) return;
      out += escapeHtml(text.slice(pos, h.start)) + "<mark>" + escapeHtml(text.slice(h.start, h.end)) + "</mark>";
      pos = h.end;
    });
    out += escapeHtml(text.slice(pos, to)) + (to < text.length ? " …" : "");
    return out;
  }

  var api = { fold: fold, words: words, term: term, stem: stem, postings: postings, Engine: Engine, snippet: snippet };

  /* ---- the page: script loading and the UI ---- */

  var store = {}, waiting = {};
  root.casebookSearch = {
    add: function (kind, n, data) {
      var key = kind + n;
      store[key] = data;
      (waiting[key] || []).forEach(function (f) { f(data); });
      delete waiting[key];
    },
    api: api
  };

  if (typeof module === "object" && module.exports) {
    module.exports = api;
    api.store = store;
    return;
  }
  if (typeof document === "undefined") return;

  var script = document.currentScript;
  var base = script ? script.src.replace(/js\/search\.js(\?.*)?$/, "") : "";
  var fileProtocol = location.protocol === "file:";
  var pending = {};

  function loadScript(kind, n) {
    var key = kind + n;
    if (store[key]) return Promise.resolve(store[key]);
    if (!pending[key]) {
      pending[key] = new Promise(function (resolve, reject) {
        (waiting[key] = waiting[key] || []).push(resolve);
        var s = document.createElement("script");
        s.src = base + "search/" + (kind === "meta" ? "index.js" : kind + "/" + n + ".js");
        s.async = true;
        s.onerror = function () { delete pending[key]; reject(new Error("could not load " + s.src)); };
        document.head.appendChild(s);
      });
    }
    return pending[key];
  }

  var engine = null;
  function getEngine() {
    if (!engine) engine = new Engine(loadScript);
    return engine;
  }

  function href(r) {
    var url = r.url;
    if (fileProtocol && (url === "" || /\/$/.test(url))) url += "index.html";
    return base + url + (r.anchor ? "#" + encodeURIComponent(r.anchor).replace(/%2F/g, "/") : "");
  }

  var KIND_LABELS = { faq: "FAQ" };
  function kindLabel(k) { return KIND_LABELS[k] || k.charAt(0).toUpperCase() + k.slice(1); }

  function resultHtml(r, found, max) {
    var where = [r.parent, r.anchor ? r.heading : ""].filter(Boolean).map(escapeHtml).join(" › ");
    var text = r.text || "";
    return '<span class="search-result-head"><span class="search-kind search-kind-' + escapeHtml(r.kind) + '">' + escapeHtml(kindLabel(r.kind)) + "</span> " +
      '<span class="search-result-title">' + escapeHtml(r.title) + "</span></span>" +
      (where ? '<span class="search-result-where">' + where + "</span>" : "") +
      (text ? '<span class="search-result-snippet">' + snippet(text, found.hits, found.prefixes, getEngine().meta.stop, max) + "</span>" : "");
  }

  function run(q, limit, typing) {
    var e = getEngine();
    return e.search(q, limit, typing).then(function (found) {
      return e.describe(found).then(function (results) { return { found: found, results: results }; });
    });
  }

  var UNAVAILABLE = "Search is not available: its index could not be loaded.";

  /* The header box: results as you type, in a listbox under it. */
  function setupBox(form) {
    var input = form.querySelector("input[type=search]");
    if (!input) return;
    var panel = document.createElement("div");
    panel.className = "search-panel";
    panel.hidden = true;
    panel.innerHTML = '<ul class="search-list" id="site-search-list" role="listbox" aria-label="Search results"></ul><p class="search-footer"><a class="search-all" href="#">All results</a><span class="search-keys" aria-hidden="true">↑↓ to move · Enter to open · Esc to close</span></p>';
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    form.appendChild(panel);
    form.appendChild(status);
    var list = panel.querySelector("ul"), all = panel.querySelector(".search-all");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "site-search-list");
    var active = -1, seq = 0, timer = 0;

    function options() { return list.querySelectorAll("[role=option]"); }
    function setActive(i) {
      var opts = options();
      if (!opts.length) { active = -1; input.removeAttribute("aria-activedescendant"); return; }
      active = (i + opts.length) % opts.length;
      for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", k === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function open(show) {
      panel.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) { active = -1; input.removeAttribute("aria-activedescendant"); }
    }
    function update() {
      var q = input.value.trim(), mine = ++seq;
      all.href = base + "search/index.html?q=" + encodeURIComponent(q);
      if (!q) { list.innerHTML = ""; open(false); status.textContent = ""; return; }
      run(input.value, 8, true).then(function (x) {
        if (mine !== seq) return;
        list.innerHTML = x.results.map(function (r, i) {
          return '<li role="option" id="site-search-opt-' + i + '" aria-selected="false"><a tabindex="-1" href="' + escapeHtml(href(r)) + '">' + resultHtml(r, x.found, 140) + "</a></li>";
        }).join("") || '<li class="search-empty">No pages match <q>' + escapeHtml(q) + "</q>.</li>";
        all.textContent = x.found.total > x.results.length ? "All " + x.found.total + " results" : "Open the results page";
        status.textContent = x.found.total ? x.found.total + (x.found.total === 1 ? " result" : " results") : "No results";
        active = -1;
        open(true);
      }, function () {
        if (mine !== seq) return;
        list.innerHTML = '<li class="search-empty">' + UNAVAILABLE + "</li>";
        open(true);
      });
    }
    input.addEventListener("focus", function () { getEngine().ready().catch(function () {}); if (input.value.trim() && list.children.length) open(true); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 60); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        if (panel.hidden) { if (input.value.trim()) { open(true); } return; }
        ev.preventDefault();
        setActive(active < 0 && ev.key === "ArrowUp" ? -1 : active + (ev.key === "ArrowDown" ? 1 : -1));
      } else if (ev.key === "Enter") {
        var opts = options();
        if (!panel.hidden && active >= 0 && opts[active]) {
          ev.preventDefault();
          location.href = opts[active].querySelector("a").href;
        }
      } else if (ev.key === "Escape") {
        if (!panel.hidden) { ev.preventDefault(); open(false); } else if (input.value) { ev.preventDefault(); input.value = ""; update(); }
      }
    });
    list.addEventListener("mousemove", function (ev) {
      var li = ev.target.closest && ev.target.closest("[role=option]");
      if (li) { var opts = options(); for (var k = 0; k < opts.length; k++) if (opts[k] === li && k !== active) setActive(k); }
    });
    document.addEventListener("click", function (ev) { if (!form.contains(ev.target)) open(false); });
    form.addEventListener("focusout", function () {
      setTimeout(function () { if (!form.contains(document.activeElement)) open(false); }, 150);
    });
    form.addEventListener("submit", function (ev) { if (!input.value.trim()) ev.preventDefault(); });
  }

  /* search/index.html: the results for ?q=, updated as the query changes. */
  function setupPage(list) {
    var input = document.getElementById("search-page-q"), status = document.getElementById("search-page-status");
    var params = new URLSearchParams(location.search), seq = 0, timer = 0;
    function show(q) {
      var mine = ++seq;
      if (!q.trim()) { list.innerHTML = ""; status.textContent = "Type words to search for: a policy's name or reference, a term, a role."; return; }
      status.textContent = "Searching…";
      run(q, 50, true).then(function (x) {
        if (mine !== seq) return;
        var n = x.found.total;
        status.textContent = n ? (n > x.results.length ? "Best " + x.results.length + " of " + n : n) + (n === 1 ? " page matches " : " pages match ") + "“" + q.trim() + "”" + (x.found.partial ? " (not every word was found)" : "") + "." : "No pages match “" + q.trim() + "”.";
        list.innerHTML = x.results.map(function (r) {
          return '<li class="search-page-result"><a href="' + escapeHtml(href(r)) + '">' + resultHtml(r, x.found, 260) + "</a></li>";
        }).join("");
      }, function () { if (mine === seq) status.textContent = UNAVAILABLE; });
    }
    var q = params.get("q") || "";
    if (input) {
      input.value = q;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          if (history.replaceState) history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
          show(input.value);
        }, 80);
      });
    }
    show(q);
  }

  function start() {
    var form = document.querySelector("form.site-search");
    var page = document.getElementById("search-page-results");
    if (form && !page) setupBox(form);
    if (form && page) form.hidden = true;
    if (page) setupPage(page);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof window !== "undefined" ? window : globalThis);
