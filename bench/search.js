#!/usr/bin/env node
/* Measures a built site's search index: size (raw and gzip, per file as a
 * server sends it), what a query downloads, and query time with the same
 * reader the browser runs (themes/default/static/js/search.js).
 *
 *   node bench/search.js public [query …]
 *   node bench/search.js --json [--submitted] [--kind KIND] [--exact] public query …
 *   node bench/search.js --stem < words.txt     (one stem per line, for tests)
 */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
const zlib = require("zlib");
const api = require(path.join(__dirname, "..", "themes", "default", "static", "js", "search.js"));

if (process.argv[2] === "--stem") {
  const input = fs.readFileSync(0, "utf8").split("\n").filter(Boolean);
  process.stdout.write(input.map((w) => api.stem(w)).join("\n") + "\n");
  process.exit(0);
}
if (process.argv[2] === "--terms") {
  // `--terms [STOP,WORDS]`: the index terms of each line of stdin,
  // space-separated (`-` for a word left out), for tests.
  const stop = {};
  (process.argv[3] || "").split(",").filter(Boolean).forEach((w) => { stop[w] = true; });
  const input = fs.readFileSync(0, "utf8").split("\n");
  input.pop();
  process.stdout.write(input.map((l) => api.words(l).map((w) => api.term(w, stop) || "-").join(" ")).join("\n") + "\n");
  process.exit(0);
}

const json = process.argv[2] === "--json";
if (json) process.argv.splice(2, 1);
// `--json` options: search as the results page does for a submitted query
// (no half-typed last word), within one kind, without corrections.
const opts = { limit: 10, typing: true };
for (;;) {
  const flag = process.argv[2];
  if (flag === "--submitted") opts.typing = false;
  else if (flag === "--exact") opts.exact = true;
  else if (flag === "--kind") { opts.kind = process.argv[3]; process.argv.splice(2, 1); }
  else break;
  process.argv.splice(2, 1);
}
const site = process.argv[2] || "public";
const dir = path.join(site, "search");
const queries = process.argv.slice(3);
if (!queries.length) queries.push("retention", "outside counsel", "LEG-POL-004", "litigation hold notice", "confidential", "contr", "indemnity limitation of liability", "privileged");

let bytes = { raw: 0, gzip: 0, files: 0 };
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
  const p = path.join(d, e.name);
  if (e.isDirectory()) return walk(p);
  if (!p.endsWith(".js")) return;
  const b = fs.readFileSync(p);
  bytes.raw += b.length; bytes.gzip += zlib.gzipSync(b, { level: 9 }).length; bytes.files += 1;
});
walk(dir);

let downloaded = { raw: 0, gzip: 0, files: 0 };
function load(kind, n) {
  const key = kind + n;
  if (api.store[key]) return Promise.resolve(api.store[key]);
  const file = path.join(dir, kind === "meta" ? "index.js" : `${kind}/${n}.js`);
  const code = fs.readFileSync(file);
  downloaded.raw += code.length; downloaded.gzip += zlib.gzipSync(code, { level: 9 }).length; downloaded.files += 1;
  vm.runInThisContext(code.toString("utf8"), { filename: file });
  return Promise.resolve(api.store[key]);
}

const kb = (n) => (n / 1024).toFixed(1) + " KB";
if (json) {
  // `--json SITE QUERY…`: the top results of each query, for tests.
  (async () => {
    const out = [];
    for (const q of queries) {
      const engine = new api.Engine(load);
      const found = await engine.search(q, opts);
      const results = await engine.describe(found);
      const stop = engine.meta.stop;
      out.push({
        q, total: found.total, all: found.all, kinds: found.kinds, corrections: found.corrections,
        results: results.map((r) => ({ title: r.title, url: r.url, kind: r.kind, status: r.status, anchor: r.anchor, snippet: api.snippet(r.text, found.hits, found.prefixes, stop, 200) })),
      });
    }
    process.stdout.write(JSON.stringify(out, null, 1) + "\n");
  })();
  return;
}
(async () => {
  const meta = fs.readFileSync(path.join(dir, "index.js"));
  console.log(`index: ${bytes.files} files, ${(bytes.raw / 1048576).toFixed(2)} MB raw, ${(bytes.gzip / 1048576).toFixed(2)} MB gzip; index.js ${kb(meta.length)} (${kb(zlib.gzipSync(meta).length)} gzip)`);
  for (const q of queries) {
    for (const typing of [true]) {
      const engine = new api.Engine(load);
      downloaded = { raw: 0, gzip: 0, files: 0 };
      Object.keys(api.store).forEach((k) => delete api.store[k]);
      let t0 = process.hrtime.bigint();
      let found = await engine.search(q, { limit: 10, typing });
      let results = await engine.describe(found);
      const cold = Number(process.hrtime.bigint() - t0) / 1e6;
      const runs = 20;
      t0 = process.hrtime.bigint();
      for (let i = 0; i < runs; i++) { engine.decoded = {}; found = await engine.search(q, { limit: 10, typing }); results = await engine.describe(found); }
      const warm = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
      const top = results[0] ? `${results[0].title}${results[0].anchor ? " #" + results[0].anchor : ""}` : "(none)";
      console.log(`${JSON.stringify(q).padEnd(38)} ${String(found.total).padStart(5)} hits  cold ${cold.toFixed(1).padStart(6)} ms (loads ${downloaded.files} files, ${kb(downloaded.gzip)} gzip)  warm ${warm.toFixed(1).padStart(5)} ms  top: ${top}`);
    }
  }
})();
