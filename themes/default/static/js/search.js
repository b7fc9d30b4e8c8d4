/* casebook search: the header search box and the results page.
 *
 * The index (written by src/search/mod.rs, format in the README) is a set of
 * JavaScript files under search/ that call casebookSearch.add(…). They are
 * loaded with <script> tags, never fetch(), so search also works when the
 * site is opened from file://, and only when needed: the small index.js when
 * the search box gets focus, then the term shards a query needs, the
 * dictionary shard of a word to correct, and the document shards of the
 * results shown.
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

  /* ---- typos ---- */

  /* Words of 4–7 letters are corrected at an edit distance of 1, longer
   * ones at 2; a word found in more than RARE sections is never corrected,
   * a rarer one only towards a word POPULAR times as common. */
  var RARE = 2, POPULAR = 20, LETTERS = /^\p{L}+$/u;
  /* The weights src/search/entries.rs gives a word of a title and of a
   * heading: a section weighs a word this much only when they hold it. */
  var TITLE = 16, HEADING = 12;
  function maxEdits(w) { var n = Array.from(w).length; return n < 4 ? 0 : n < 8 ? 1 : 2; }

  /* Optimal string alignment distance (Damerau–Levenshtein where a
   * transposition is one edit), or max + 1 once it exceeds max. */
  function editDistance(a, b, max) {
    a = Array.from(a); b = Array.from(b);
    var n = a.length, m = b.length, i, j;
    if (Math.abs(n - m) > max) return max + 1;
    var before = null, prev = [], cur;
    for (j = 0; j <= m; j++) prev.push(j);
    for (i = 1; i <= n; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= m; j++) {
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2] + 1);
        cur.push(v);
        if (v < low) low = v;
      }
      if (low > max) return max + 1;
      before = prev; prev = cur;
    }
    return prev[m];
  }

  /* The closest word of a dictionary shard to `w` ([words, counts] data):
   * fewest edits, then most common, then first in order; and whether `w`
   * itself is a word of the site. */
  function closest(shard, w, max) {
    var words = shard[0] ? shard[0].split(" ") : [], counts = shard[1], first = Array.from(w)[0];
    var best = null, literal = false;
    for (var i = 0; i < words.length; i++) {
      var c = words[i];
      if (c === w) { literal = true; continue; }
      if (Array.from(c)[0] !== first) continue;
      var dist = editDistance(w, c, max);
      if (dist > max) continue;
      var n = DIGIT[counts.charCodeAt(i)];
      if (!best || dist < best.dist || (dist === best.dist && (n > best.count || (n === best.count && c < best.word)))) {
        best = { word: c, dist: dist, count: n };
      }
    }
    return { best: best, literal: literal };
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
        var kind = new Int8Array(counts.length), status = new Int8Array(counts.length), titles = new Int8Array(counts.length);
        for (p = 0; p < counts.length; p++) {
          kind[p] = DIGIT[m.kind.charCodeAt(p)];
          status[p] = DIGIT[m.status.charCodeAt(p)];
          titles[p] = DIGIT[m.titles.charCodeAt(p)];
        }
        self.meta = { raw: m, stop: stop, first: first, secPage: secPage, counts: counts, kind: kind, status: status, titles: titles };
        return self.meta;
      });
    }
    return this.metaPromise;
  };

  /* What to look up for each query word: `exact` terms and a `prefix` for
   * the word being typed. A stop word kept only as a prefix is `optional`. */
  Engine.prototype.parse = function (q, typing) {
    var stop = this.meta.stop, ws = words(q), out = [];
    var open = typing && !/[\s\p{P}]$/u.test(q);
    for (var i = 0; i < ws.length; i++) {
      var w = ws[i], last = open && i === ws.length - 1;
      var t = term(w, stop);
      if (!t && !(last && w.length >= 2)) continue;
      var prefix = last && w.length >= 2 ? (t && t.length <= w.length ? t : w) : null;
      out.push({ word: w, exact: t, prefix: prefix, derive: !prefix && t && t.length >= 4 && LETTERS.test(t), optional: !t });
    }
    return out;
  };

  Engine.prototype.shardsFor = function (qw) {
    var starts = this.meta.raw.terms, set = {};
    if (!starts.length) return [];
    if (qw.exact) set[floorIndex(starts, qw.exact)] = true;
    if (qw.also) set[floorIndex(starts, qw.also)] = true;
    if (qw.derive) derivedShards(starts, qw.exact).forEach(function (n) { set[n] = true; });
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
   * whole, completions of a word being typed and corrections less. */
  Engine.prototype.candidates = function (qw) {
    var out = [], seen = {};
    var add = function (t, s, f) { if (!seen[t]) { seen[t] = true; out.push({ term: t, postings: s, factor: f }); } };
    if (qw.exact && !qw.replaced) { var s = this.lookup(qw.exact); if (s) add(qw.exact, s, 1); }
    if (qw.also) { var a = this.lookup(qw.also); if (a) add(qw.also, a, qw.replaced ? 1 : 0.7); }
    if (qw.derive && !qw.replaced) this.derived(qw.exact).forEach(function (d) { add(d.t, d.s, DERIVED); });
    if (qw.prefix && !qw.replaced) {
      var starts = this.meta.raw.terms, p = qw.prefix, more = [];
      var lo = floorIndex(starts, p), hi = Math.min(floorIndex(starts, p + "\uffff"), lo + 3);
      for (var n = lo; n <= hi; n++) {
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

  /* Longer terms that begin with the term `t`, for words that stemming
   * does not join (sign: signature, signatory; retire: retirement): the
   * most frequent few, at most DERIVED_CHARS longer. */
  var DERIVED = 0.5, DERIVED_CHARS = 5, DERIVED_MAX = 10;
  /* The term shards derived words are looked for in: where `t` is and the
   * next two at most, the same whatever was loaded before. */
  function derivedShards(starts, t) {
    var out = [], a = floorIndex(starts, t), b = Math.min(floorIndex(starts, t + "\uffff"), a + 2);
    for (var n = a; n <= b; n++) out.push(n);
    return out;
  }
  Engine.prototype.derived = function (t) {
    var self = this, out = [];
    derivedShards(this.meta.raw.terms, t).forEach(function (n) {
      var shard = self.shard(n);
      if (!shard) return;
      for (var i = 0; i < shard.length; i += 2) {
        var x = shard[i];
        if (x.length > t.length && x.length <= t.length + DERIVED_CHARS && x.indexOf(t) === 0) out.push({ t: x, s: shard[i + 1] });
      }
    });
    out.sort(function (x, y) { return y.s.length - x.s.length || (x.t < y.t ? -1 : 1); });
    return out.slice(0, DERIVED_MAX);
  };

  /* How many sections hold the term `t` (0 when none). */
  Engine.prototype.frequency = function (t) {
    var s = t && this.lookup(t);
    return s ? this.decode(t, s).ids.length : 0;
  };

  /* Which query words to correct: missing ones, and rare ones that have a
   * far more common neighbour. A word still being typed that completes to
   * something is left alone. */
  Engine.prototype.toCorrect = function (qws) {
    var self = this;
    return qws.filter(function (qw) {
      if (!qw.exact || !LETTERS.test(qw.word) || !maxEdits(qw.word)) return false;
      if (qw.prefix && self.candidates(qw).some(function (c) { return c.term !== qw.exact; })) return false;
      return self.frequency(qw.exact) <= RARE;
    });
  };

  /* Sets `also` (and `replaced`, for a missing word) on the query words a
   * dictionary word corrects; returns the corrections made. A rare word is
   * corrected towards a more common one only when the site never uses the
   * word as typed (its term matched through another word), or when the
   * other word is POPULAR times as common (a typo in the content itself). */
  Engine.prototype.correct = function (qws) {
    var self = this, starts = this.meta.raw.words || [], todo = this.toCorrect(qws);
    if (!todo.length || !starts.length) return Promise.resolve([]);
    var shards = {};
    todo.forEach(function (qw) { shards[floorIndex(starts, qw.word)] = true; });
    return Promise.all(Object.keys(shards).map(function (n) {
      return self.load("w", Number(n)).then(function (data) { shards[n] = data; });
    })).then(function () {
      var made = [];
      todo.forEach(function (qw) {
        var near = closest(shards[floorIndex(starts, qw.word)], qw.word, maxEdits(qw.word)), found = near.best;
        var t = found && term(found.word, self.meta.stop), n = self.frequency(qw.exact);
        if (!t || t === qw.exact) return;
        if (n > 0 && found.count < (near.literal ? POPULAR * n : n + 1)) return;
        qw.also = t;
        qw.replaced = n === 0;
        made.push({ from: qw.word, to: found.word, replaced: qw.replaced });
      });
      return made;
    });
  };

  /* Loads the term shards the query words need. */
  Engine.prototype.loadTerms = function (qws) {
    var self = this, need = {};
    qws.forEach(function (w) { self.shardsFor(w).forEach(function (n) { need[n] = true; }); });
    return Promise.all(Object.keys(need).map(function (n) {
      return self.load("t", Number(n)).then(function (data) { self.loaded["t" + n] = data; });
    }));
  };

  /* Ranks pages for query `q`. `opts`: `limit` (results to return),
   * `typing` (the last word may be incomplete), `kind` (only pages of that
   * kind), `exact` (no corrections). A page must hold every word (in any
   * section), or as many as possible; it links to its best section. */
  Engine.prototype.search = function (q, opts) {
    var self = this;
    opts = opts || {};
    return this.ready().then(function () {
      var qws = self.parse(q, opts.typing);
      if (!qws.length) return { results: [], total: 0, all: 0, kinds: [], hits: [], prefixes: [], corrections: [] };
      return self.loadTerms(qws)
        .then(function () { return opts.exact ? [] : self.correct(qws); })
        .then(function (corrections) {
          return self.loadTerms(qws).then(function () {
            var found = self.rank(qws, opts);
            found.corrections = corrections;
            return found;
          });
        });
    });
  };

  Engine.prototype.rank = function (qws, opts) {
    var m = this.meta, S = m.raw.sections, self = this, limit = opts.limit || 10;
    var hits = [], prefixes = [];
    var required = qws.some(function (qw) { return !qw.optional; });
    var perWord = qws.map(function (qw) {
      var sec = new Float32Array(S), page = new Map(), titled = new Set(), headed = [];
      self.candidates(qw).forEach(function (c) {
        hits.push(c.term);
        var p = self.decode(c.term, c.postings), idf = Math.log(1 + S / p.ids.length);
        for (var k = 0; k < p.ids.length; k++) {
          var id = p.ids[k], v = p.ws[k] * idf * c.factor, pg = m.secPage[id];
          if (v > sec[id]) sec[id] = v;
          if (v > (page.get(pg) || 0)) page.set(pg, v);
          // A page's own section weighs a word TITLE or more only when
          // its title (or reference) holds it.
          if (c.factor < 0.8) continue;
          if (id === m.first[pg]) { if (p.ws[k] >= TITLE) titled.add(pg); } else if (p.ws[k] >= HEADING) headed.push(id);
        }
      });
      if (qw.prefix && !qw.replaced) prefixes.push(qw.prefix);
      return { sec: sec, page: page, titled: titled, headed: headed, counts: !required || !qw.optional };
    });
    // Sections whose heading holds every word.
    var inHeading = new Map(), named = new Set();
    perWord.forEach(function (w) {
      if (!w.counts) return;
      new Set(w.headed).forEach(function (id) { inHeading.set(id, (inHeading.get(id) || 0) + 1); });
    });
    var scores = new Map();
    perWord.forEach(function (w) {
      w.page.forEach(function (v, pg) {
        var e = scores.get(pg) || { n: 0, score: 0, titled: 0 };
        if (w.counts) e.n += 1;
        if (w.counts && w.titled.has(pg)) e.titled += 1;
        e.score += v;
        scores.set(pg, e);
      });
    });
    // Pages with every word, else with as many as there are; from three
    // words on, a page may miss one, at a cost (a question's filler word
    // must not hide the page that answers it).
    var all = [], most = 0, words = perWord.filter(function (w) { return w.counts; }).length;
    scores.forEach(function (e) { if (e.n > most) most = e.n; });
    var least = Math.max(1, words >= 3 ? most - 1 : most), factors = m.raw.statuses;
    inHeading.forEach(function (n, id) { if (n === words) named.add(m.secPage[id]); });
    scores.forEach(function (e, pg) {
      if (e.n < least) return;
      var coord = e.n / words;
      // Every word in the title: the page is named by the query, the more
      // so when the title has no other word; or in one of its headings.
      var name = e.titled === words ? (m.titles[pg] <= words ? 2 : 1.5) : named.has(pg) ? 1.5 : 1;
      all.push({ page: pg, score: e.score * coord * coord * name * factors[m.status[pg]][2] });
    });
    all.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
    var byKind = {};
    all.forEach(function (r) { var k = m.raw.kinds[m.kind[r.page]]; byKind[k] = (byKind[k] || 0) + 1; });
    var kinds = Object.keys(byKind).map(function (k) { return { kind: k, count: byKind[k] }; });
    kinds.sort(function (a, b) { return b.count - a.count || (a.kind < b.kind ? -1 : 1); });
    var shown = opts.kind ? all.filter(function (r) { return m.raw.kinds[m.kind[r.page]] === opts.kind; }) : all;
    // The page's first section is the page itself (title, reference, tags,
    // description): show the body section that matches best, and link to
    // it unless the page's own entry matched far better.
    var sum = function (s) { var t = 0; for (var k = 0; k < perWord.length; k++) t += perWord[k].sec[s]; return t; };
    var top = shown.slice(0, limit).map(function (r) {
      var own = m.first[r.page], best = own, bestScore = 0;
      for (var s = own + 1; s < m.first[r.page + 1]; s++) {
        var v = sum(s);
        if (v > bestScore) { bestScore = v; best = s; }
      }
      return { page: r.page, section: best, top: best === own || sum(own) > 2 * bestScore, score: r.score };
    });
    return { results: top, total: shown.length, all: all.length, kinds: kinds, partial: most < words, hits: hits, prefixes: prefixes };
  };

  /* Fills in title, URL, kind, status, heading and text of ranked results. */
  Engine.prototype.describe = function (found) {
    var self = this, m = this.meta, docs = m.raw.docs, need = {};
    found.results.forEach(function (r) { need[floorIndex(docs, r.section)] = true; });
    var ids = Object.keys(need).map(Number);
    return Promise.all(ids.map(function (n) { return self.load("d", n).then(function (d) { return [n, d]; }); })).then(function (shards) {
      var byShard = {};
      shards.forEach(function (x) { byShard[x[0]] = x[1]; });
      return found.results.map(function (r) {
        var n = floorIndex(docs, r.section), shard = byShard[n], sec = shard.sections[r.section - docs[n]], info = null;
        for (var i = 0; i < shard.pages.length; i++) if (shard.pages[i][0] === r.page) { info = shard.pages[i]; break; }
        var st = m.raw.statuses[m.status[r.page]];
        return {
          title: info[1], url: info[2], parent: info[3], kind: m.raw.kinds[m.kind[r.page]],
          status: st[0] ? { id: st[0], label: st[1] } : null,
          anchor: r.top ? "" : sec[1], heading: r.top ? "" : sec[2], text: sec[3], score: r.score
        };
      });
    });
  };

  /* ---- snippets ---- */

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }

  /* `text` around the query's words, at most `max` characters, escaped,
   * with the words in <mark> and table rows (lines of the text) on lines
   * of their own. */
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
      var bestCount = -1, first = 0;
      for (var a = 0; a < found.length; a++) {
        var seen = {}, count = 0;
        for (var b = a; b < found.length && found[b].end - found[a].start <= max * 0.7; b++) {
          if (!seen[found[b].t]) { seen[found[b].t] = true; count++; }
        }
        if (count > bestCount) { bestCount = count; first = found[a].start; }
      }
      // Start at the row (line) the match is in when it is near, else a
      // little before the match, at a word.
      var line = text.lastIndexOf("\n", first) + 1;
      from = first - line <= max * 0.5 ? line : Math.max(0, first - Math.round(max * 0.25));
      if (from > line) { var sp = text.indexOf(" ", from); from = sp >= 0 && sp < from + 20 ? sp + 1 : from; }
    }
    var to = Math.min(text.length, from + max);
    if (to < text.length) { var back = Math.max(text.lastIndexOf(" ", to), text.lastIndexOf("\n", to)); if (back > from + max / 2) to = back; }
    var piece = function (a, b) { return escapeHtml(text.slice(a, b)).replace(/\n/g, "<br>"); };
    var out = from > 0 && text[from - 1] !== "\n" ? "… " : "", pos = from;
    found.forEach(function (h) {
      if (h.start < from || h.end > to) return;
      out += piece(pos, h.start) + "<mark>" + piece(h.start, h.end) + "</mark>";
      pos = h.end;
    });
    out += piece(pos, to).replace(/(<br>)+$/, "") + (to < text.length ? " …" : "");
    return out;
  }

  var api = { fold: fold, words: words, term: term, stem: stem, postings: postings, editDistance: editDistance, Engine: Engine, snippet: snippet, escapeHtml: escapeHtml };
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
    // A defined term's entry leads to its place on the glossary page.
    var url = r.url, hash = "", at = url.indexOf("#");
    if (at >= 0) { hash = url.slice(at); url = url.slice(0, at); }
    if (fileProtocol && (url === "" || /\/$/.test(url))) url += "index.html";
    return base + url + (r.anchor ? "#" + encodeURIComponent(r.anchor).replace(/%2F/g, "/") : hash);
  }

  /* The results page's address for a search. */
  function pageHref(q, kind, exact) {
    return base + "search/index.html?q=" + encodeURIComponent(q) + (kind ? "&kind=" + encodeURIComponent(kind) : "") + (exact ? "&exact=1" : "");
  }

  var KIND_LABELS = { faq: "FAQ" }, KIND_PLURALS = { faq: "FAQs", policy: "Policies" };
  function kindLabel(k) { return KIND_LABELS[k] || k.charAt(0).toUpperCase() + k.slice(1); }
  function kindPlural(k) { return KIND_PLURALS[k] || kindLabel(k) + "s"; }

  function resultHtml(r, found, max) {
    var where = [r.parent, r.anchor ? r.heading : ""].filter(Boolean).map(escapeHtml).join(" › ");
    var text = r.text || "";
    return '<span class="search-result-head"><span class="search-kind search-kind-' + escapeHtml(r.kind) + '">' + escapeHtml(kindLabel(r.kind)) + "</span> " +
      '<span class="search-result-title">' + escapeHtml(r.title) + "</span>" +
      (r.status ? ' <span class="status status-' + escapeHtml(r.status.id) + '">' + escapeHtml(r.status.label) + "</span>" : "") + "</span>" +
      (where ? '<span class="search-result-where">' + where + "</span>" : "") +
      (text ? '<span class="search-result-snippet">' + snippet(text, found.hits, found.prefixes, getEngine().meta.stop, max) + "</span>" : "");
  }

  /* "Showing results for …": the query as searched, corrected words in <em>. */
  function correctedQuery(q, corrections) {
    var to = {}, out = "", pos = 0, re = new RegExp(WORD.source, "gu"), m;
    corrections.forEach(function (c) { to[c.from] = c.to; });
    while ((m = re.exec(q))) {
      var c = to[fold(m[0])];
      if (c === undefined) continue;
      out += escapeHtml(q.slice(pos, m.index)) + "<em>" + escapeHtml(c) + "</em>";
      pos = m.index + m[0].length;
    }
    return out + escapeHtml(q.slice(pos));
  }

  /* The correction line, or "" when nothing was corrected. */
  function correctionHtml(q, found, kind) {
    var cs = found.corrections || [];
    if (!cs.length) return "";
    var replaced = cs.every(function (c) { return c.replaced; });
    return (replaced ? "Showing results for " : "Including results for ") + correctedQuery(q.trim(), cs) +
      '. <a class="search-exact" href="' + escapeHtml(pageHref(q.trim(), kind, true)) + '">' +
      (replaced ? "Search instead for " : "Search only for ") + "<q>" + escapeHtml(q.trim()) + "</q></a>";
  }

  function run(q, opts) {
    var e = getEngine();
    return e.search(q, opts).then(function (found) {
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
    panel.innerHTML = '<p class="search-correction" hidden></p><ul class="search-list" id="site-search-list" role="listbox" aria-label="Search results"></ul><p class="search-footer"><a class="search-all" href="#">All results</a><span class="search-keys" aria-hidden="true">↑↓ to move · Enter to open · Esc to close</span></p>';
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    form.appendChild(panel);
    form.appendChild(status);
    var list = panel.querySelector("ul"), all = panel.querySelector(".search-all"), note = panel.querySelector(".search-correction");
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
      all.href = pageHref(q);
      if (!q) { list.innerHTML = ""; note.hidden = true; open(false); status.textContent = ""; return; }
      run(input.value, { limit: 8, typing: true }).then(function (x) {
        if (mine !== seq) return;
        list.innerHTML = x.results.map(function (r, i) {
          return '<li role="option" id="site-search-opt-' + i + '" aria-selected="false"><a tabindex="-1" href="' + escapeHtml(href(r)) + '">' + resultHtml(r, x.found, 140) + "</a></li>";
        }).join("") || '<li class="search-empty">No pages match <q>' + escapeHtml(q) + "</q>.</li>";
        note.innerHTML = correctionHtml(q, x.found);
        note.hidden = !note.innerHTML;
        all.textContent = x.found.total > x.results.length ? "All " + x.found.total + " results" : "Open the results page";
        status.textContent = (x.found.total ? x.found.total + (x.found.total === 1 ? " result" : " results") : "No results") + (note.hidden ? "" : ". " + note.textContent);
        active = -1;
        open(true);
      }, function () {
        if (mine !== seq) return;
        list.innerHTML = '<li class="search-empty">' + UNAVAILABLE + "</li>";
        note.hidden = true;
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

  /* search/index.html: the results for ?q= (and &kind=, &exact=1), updated
   * as the query or the kind filter changes, and kept in the address so a
   * filtered search can be bookmarked. */
  function setupPage(list) {
    var input = document.getElementById("search-page-q"), status = document.getElementById("search-page-status");
    var note = document.getElementById("search-page-correction"), filters = document.getElementById("search-page-filters");
    var state = { q: "", kind: "", exact: false }, seq = 0, timer = 0, shownKinds = "";
    // A query from the address was submitted whole; one typed here may end in half a word.
    var typing = false;

    function read() {
      var p = new URLSearchParams(location.search);
      state = { q: p.get("q") || "", kind: p.get("kind") || "", exact: p.get("exact") === "1" };
    }
    function address() {
      return "?q=" + encodeURIComponent(state.q) + (state.kind ? "&kind=" + encodeURIComponent(state.kind) : "") + (state.exact ? "&exact=1" : "");
    }
    /* The kind filter: one radio button per kind among the results. It is
     * rebuilt only when the kinds change, so focus stays where it was. */
    function showFilters(found) {
      var kinds = found.kinds || [], key = JSON.stringify(kinds);
      if (!filters) return;
      filters.hidden = kinds.length < 2 && !state.kind;
      if (key !== shownKinds) {
        shownKinds = key;
        var had = filters.contains(document.activeElement);
        var option = function (value, label, count) {
          var id = "search-kind-" + (value || "all");
          return '<input type="radio" class="visually-hidden" name="kind" id="' + id + '" value="' + escapeHtml(value) + '"><label for="' + id + '">' + escapeHtml(label) + ' <span class="search-filter-count">' + count + "</span></label>";
        };
        filters.innerHTML = '<legend class="visually-hidden">Show results of kind</legend>' + option("", "All", found.all) +
          kinds.map(function (k) { return option(k.kind, kindPlural(k.kind), k.count); }).join("");
        if (had) focusChecked();
      }
      var boxes = filters.querySelectorAll("input");
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = boxes[i].value === state.kind;
      if (!filters.querySelector("input:checked") && boxes[0]) boxes[0].checked = true;
    }
    function focusChecked() {
      var box = filters.querySelector("input[value='" + (state.kind || "").replace(/['\\]/g, "") + "']") || filters.querySelector("input");
      if (box) box.focus();
    }
    function show() {
      var mine = ++seq, q = state.q;
      if (!q.trim()) {
        list.innerHTML = ""; note.hidden = true; if (filters) filters.hidden = true;
        status.textContent = "Type words to search for: a policy's name or reference, a term, a role.";
        return;
      }
      status.textContent = "Searching…";
      run(q, { limit: 50, typing: typing, kind: state.kind, exact: state.exact }).then(function (x) {
        if (mine !== seq) return;
        var n = x.found.total, what = state.kind ? kindPlural(state.kind).toLowerCase() : "";
        var pages = n === 1 ? (what ? kindLabel(state.kind).toLowerCase() : "page") + " matches " : (what || "pages") + " match ";
        status.textContent = n ? (n > x.results.length ? "Best " + x.results.length + " of " + n : n) + " " + pages + "“" + q.trim() + "”" + (x.found.partial ? " (not every word was found)" : "") + "." : "No " + (what || "pages") + " match “" + q.trim() + "”.";
        note.innerHTML = correctionHtml(q, x.found, state.kind);
        note.hidden = !note.innerHTML;
        showFilters(x.found);
        list.innerHTML = x.results.map(function (r) {
          return '<li class="search-page-result"><a href="' + escapeHtml(href(r)) + '">' + resultHtml(r, x.found, 260) + "</a></li>";
        }).join("");
      }, function () { if (mine === seq) status.textContent = UNAVAILABLE; });
    }
    read();
    if (input) {
      input.value = state.q;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          state.q = input.value;
          state.exact = false;
          typing = true;
          if (history.replaceState) history.replaceState(null, "", address());
          show();
        }, 80);
      });
    }
    if (filters) {
      filters.addEventListener("change", function (ev) {
        if (!ev.target || ev.target.name !== "kind") return;
        state.kind = ev.target.value;
        if (history.pushState) history.pushState(null, "", address());
        show();
      });
    }
    window.addEventListener("popstate", function () {
      read();
      typing = false;
      if (input) input.value = state.q;
      show();
    });
    show();
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
