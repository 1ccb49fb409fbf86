// Lighthouse on built klaster sites: performance, accessibility, best practices and SEO
// of one page of every template in every language, as a phone and as a desktop sees it.
//
//   node tests/browser/lighthouse.mjs [--site NAME] [--lang L] [--kind KIND]
//        [--form mobile|desktop] [--out DIR] SITE_DIR...
//
// --site, --lang, --kind and --form limit the runs; each may be repeated or take a
// comma-separated list. For every built site folder given (its folder name is its label,
// e.g. `ch`), the site is served on 127.0.0.1 like a well-configured host (pre-compressed
// copies, the Cache-Control headers of docs/deploy/static-host.md), at the port and path
// of the address it was built for when that is `http://127.0.0.1:PORT/...`, so that its
// canonical links, hreflang links and robots.txt point at the server Lighthouse sees.
// The pages are those of check.mjs (site.mjs). Each run starts a fresh headless Chromium
// ($CHROME_PATH, default /usr/bin/chromium) through chrome-launcher.
//
// Targets: performance ≥ 95, accessibility, best practices and SEO 100. On the 404
// page, `http-status-code` (it answers 404), `is-crawlable` (noindex), the browser's
// console note of the 404 status and `bf-cache` for that status are expected.
// Prints one line per run, a table of the scores and, for every score below its target,
// the failing audits with what they found. The JSON reports go to DIR (default:
// <repo>/target/lighthouse), named <site>-<lang>-<kind>-<form>.json. The exit code is 1
// when a target is missed, a run fails or an audit could not run.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import { pagesToVisit, serve } from "./site.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROME_PATH = process.env.CHROME_PATH || "/usr/bin/chromium";
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const SHORT = { performance: "perf", accessibility: "a11y", "best-practices": "bp", seo: "seo" };
const TARGETS = { performance: 95, accessibility: 100, "best-practices": 100, seo: 100 };
const FORMS = { mobile: undefined, desktop: desktopConfig }; // undefined: Lighthouse's default (mobile)
// Audits a page of that kind fails on purpose. The 404 page answers 404 and is not
// indexed; the only console error it may have is the browser's note of that status.
const EXPECTED = {
  404: {
    "http-status-code": () => true,
    "is-crawlable": () => true,
    "errors-in-console": (audit, url) =>
      (audit.details?.items ?? []).every((i) => i.sourceLocation?.url === url && /status of 404/.test(i.description)),
    "bf-cache": (audit) => (audit.details?.items ?? []).every((i) => i.protocolReason === "HTTPStatusNotOK"),
  },
};
const isExpected = (kind, audit, url) => EXPECTED[kind]?.[audit.id]?.(audit, url) ?? false;
const METRICS = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index"];
// Shown whenever performance is below target: which element is the LCP, what shifted.
const PERF_CULPRITS = ["largest-contentful-paint-element", "layout-shifts"];
const MAX_ITEMS = 8;

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
const only = { site: [], lang: [], kind: [], form: [] };
let outDir = path.resolve(here, "..", "..", "target", "lighthouse");
const siteDirs = [];
const usage = "usage: node lighthouse.mjs [--site NAME] [--lang L] [--kind KIND] [--form mobile|desktop] [--out DIR] SITE_DIR...";
for (let i = 0; i < args.length; i++) {
  const name = args[i].replace(/^--/, "");
  if (args[i].startsWith("--") && name in only && i + 1 < args.length) only[name].push(...args[++i].split(","));
  else if (args[i] === "--out" && i + 1 < args.length) outDir = path.resolve(args[++i]);
  else if (args[i].startsWith("-")) {
    console.error(`unknown option ${args[i]}\n${usage}`);
    process.exit(2);
  } else siteDirs.push(path.resolve(args[i]));
}
for (const f of only.form) {
  if (!(f in FORMS)) {
    console.error(`--form is mobile or desktop, not ${f}`);
    process.exit(2);
  }
}
if (siteDirs.length === 0) {
  console.error(usage);
  process.exit(2);
}
const wanted = (what, value) => only[what].length === 0 || only[what].includes(value);

// ---------------------------------------------------------------- the site's address
// The address the site was built for (`--base-url`), from robots.txt's Sitemap line or
// the language chooser's canonical link.
function baseUrl(root) {
  const read = (f) => {
    try {
      return readFileSync(path.join(root, f), "utf8");
    } catch {
      return "";
    }
  };
  const sitemap = /^Sitemap:\s*(\S+)sitemap\.xml\s*$/im.exec(read("robots.txt"))?.[1];
  const canonical = /<link rel="canonical" href="([^"]+)"/.exec(read("index.html"))?.[1];
  try {
    return new URL(sitemap ?? canonical);
  } catch {
    return undefined;
  }
}

// Where to serve a site: its own address when it was built for 127.0.0.1, else a free
// port (and a note: its canonical links point elsewhere).
function servingPlan(label, root) {
  const base = baseUrl(root);
  const prefix = base ? base.pathname.replace(/\/$/, "") : "";
  if (base && base.protocol === "http:" && base.hostname === "127.0.0.1" && base.port) {
    return { port: Number(base.port), prefix, note: "" };
  }
  return {
    port: 0,
    prefix,
    note:
      `note: ${label} was built for ${base ?? "an unknown address"}: its canonical and hreflang links ` +
      `and robots.txt name another host than the local server; for SEO audits of the site as served, ` +
      `build it with --base-url http://127.0.0.1:PORT/ (it is then served at that port)`,
  };
}

// ---------------------------------------------------------------- audit details
const snippet = (s, n = 160) => {
  const t = String(s ?? "").replace(/\s+/g, " ").trim();
  return t.length > n ? t.slice(0, n) + "…" : t;
};

function ms(v) {
  return v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}

// One value of a details table, by its heading's type.
function formatValue(value, type) {
  if (value === undefined || value === null || value === "") return "";
  if (typeof value === "object") {
    switch (value.type) {
      case "node": {
        // The selector, the start tag, its text when the tag does not show it, and what
        // is wrong with it (axe's explanation, e.g. the contrast ratio and colours).
        const tag = value.snippet ? snippet(value.snippet, 200) : "";
        const text = value.nodeLabel && value.nodeLabel !== value.selector && !tag.includes(value.nodeLabel) ? ` "${snippet(value.nodeLabel, 80)}"` : "";
        const why = value.explanation ? ` — ${snippet(value.explanation.replace(/:\n\s*/g, ": ").replace(/\n\s*/g, "; "), 300)}` : "";
        return `${value.selector ?? ""} ${tag}${text}${why}`.trim();
      }
      case "source-location":
        return `${value.url}:${value.line + 1}:${value.column + 1}`;
      case "url":
        return value.value;
      case "code":
        return snippet(value.value, 200);
      case "link":
        return `${value.text} ${value.url}`;
      case "text":
        return snippet(value.value);
      case "numeric":
        return String(value.value);
      default:
        return snippet(JSON.stringify(value), 200);
    }
  }
  switch (type) {
    case "ms":
    case "timespanMs":
      return ms(value);
    case "bytes":
      return `${(value / 1024).toFixed(1)} KiB`;
    case "numeric":
      return typeof value === "number" ? String(Math.round(value * 1000) / 1000) : String(value);
    case "thumbnail":
      return "";
    default:
      return snippet(value, 200);
  }
}

// The rows of an audit's table or list: `label: value` pairs, sub-items indented.
function detailLines(details) {
  if (!details) return [];
  if (details.type === "list") return details.items.flatMap((d) => detailLines(d));
  if (details.type === "criticalrequestchain") {
    const urls = [];
    const walk = (chains) => {
      for (const c of Object.values(chains ?? {})) {
        urls.push(c.request.url);
        walk(c.children);
      }
    };
    walk(details.chains);
    return urls.map((u) => `chain: ${u}`);
  }
  if (details.type === "debugdata" || !Array.isArray(details.items)) return [];
  const headings = (details.headings ?? []).filter((h) => h.key);
  const lines = [];
  const row = (item, hs) =>
    hs
      .map((h) => [h.label ? (typeof h.label === "string" ? h.label : h.key) : h.key, formatValue(item[h.key], h.valueType)])
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}: ${v}`)
      .join("; ");
  for (const item of details.items.slice(0, MAX_ITEMS)) {
    const line = headings.length ? row(item, headings) : snippet(JSON.stringify(item), 200);
    if (line) lines.push(line);
    // Sub-items (the causes of a layout shift, the frames of a bf-cache failure): values only.
    const subHeadings = (details.headings ?? []).filter((h) => h.subItemsHeading?.key).map((h) => h.subItemsHeading);
    for (const sub of item.subItems?.items?.slice(0, 3) ?? []) {
      const values = subHeadings.length
        ? subHeadings.map((h) => formatValue(sub[h.key], h.valueType)).filter(Boolean).join("; ")
        : snippet(JSON.stringify(sub), 200);
      if (values) lines.push(`  ↳ ${values}`);
    }
  }
  if (details.items.length > MAX_ITEMS) lines.push(`… and ${details.items.length - MAX_ITEMS} more`);
  return lines;
}

// What an audit found, in a few lines: its value, its explanation, its table.
function describe(audit) {
  const head = [`${audit.id}: ${audit.title}`];
  if (audit.displayValue) head.push(`(${audit.displayValue})`);
  if (audit.score !== null && audit.scoreDisplayMode !== "binary") head.push(`[score ${audit.score}]`);
  const lines = [head.join(" ")];
  if (audit.explanation) lines.push(`  ${snippet(audit.explanation, 400)}`);
  if (audit.errorMessage) lines.push(`  error: ${snippet(audit.errorMessage, 400)}`);
  for (const w of audit.warnings ?? []) lines.push(`  warning: ${snippet(w, 300)}`);
  for (const l of detailLines(audit.details)) lines.push(`  ${l}`);
  return lines;
}

// The audits of a category that did not pass: Lighthouse's own rule (score below 0.9),
// or that could not run. Not those its report hides (they repeat others), nor the
// metrics (the "metrics:" line has them).
function failingAudits(lhr, category) {
  return lhr.categories[category].auditRefs
    .filter((ref) => ref.group !== "hidden" && ref.group !== "metrics")
    .map((ref) => lhr.audits[ref.id])
    .filter((a) => a && (a.scoreDisplayMode === "error" || (a.score !== null && a.score < 0.9 && !["informative", "notApplicable", "manual"].includes(a.scoreDisplayMode))));
}

// ---------------------------------------------------------------- one run
async function runLighthouse(url, form, kind) {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROME_PATH,
    chromeFlags: ["--headless=new", "--no-sandbox"],
    logLevel: "silent",
  });
  try {
    const flags = {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: CATEGORIES,
      // The 404 page answers 404 on purpose: measure it all the same.
      ignoreStatusCode: kind === "404",
    };
    return await lighthouse(url, flags, FORMS[form]);
  } finally {
    await chrome.kill();
  }
}

// Scores and problems of one run.
function judge(lhr, kind) {
  const url = lhr.finalDisplayedUrl;
  const expected = (a) => isExpected(kind, a, url);
  const scores = {};
  const misses = [];
  for (const c of CATEGORIES) {
    const cat = lhr.categories[c];
    const score = cat?.score === null || cat?.score === undefined ? null : Math.round(cat.score * 100);
    scores[c] = score;
    const failing = cat ? failingAudits(lhr, c) : [];
    const unexpected = failing.filter((a) => !expected(a));
    const missed = score === null || (score < TARGETS[c] && (c === "performance" || unexpected.length > 0));
    if (score === null || score < TARGETS[c]) {
      const lines = [];
      if (c === "performance") {
        lines.push(
          "metrics: " +
            METRICS.map((m) => lhr.audits[m])
              .filter(Boolean)
              .map((m) => `${m.title} ${m.displayValue} (score ${m.score})`)
              .join(", "),
        );
        for (const id of PERF_CULPRITS) {
          const a = lhr.audits[id];
          if (a && !failing.includes(a) && a.scoreDisplayMode !== "notApplicable") lines.push(...describe(a));
        }
      }
      for (const a of failing) {
        const d = describe(a);
        if (expected(a)) d[0] += " — expected on this page";
        lines.push(...d);
      }
      misses.push({ category: c, score, missed, lines });
    }
  }
  // An audit that could not run leaves its question open, whatever the score: a sign
  // that this Lighthouse does not understand this Chromium.
  const broken = CATEGORIES.flatMap((c) => lhr.categories[c]?.auditRefs ?? [])
    .map((ref) => lhr.audits[ref.id])
    .filter((a, i, all) => a?.scoreDisplayMode === "error" && all.indexOf(a) === i);
  const errors = broken.map((a) => `${a.id} could not run: ${snippet(a.errorMessage, 300)}`);
  return { scores, misses, errors, missed: misses.some((m) => m.missed) || errors.length > 0 };
}

// ---------------------------------------------------------------- main
const started = Date.now();
mkdirSync(outDir, { recursive: true });
const results = [];
let failures = 0;

for (const root of siteDirs) {
  const label = path.basename(root);
  if (!wanted("site", label)) continue;
  const plan = servingPlan(label, root);
  if (plan.note) console.log(plan.note);
  const pages = pagesToVisit(root).filter((p) => wanted("kind", p.kind) && wanted("lang", p.lang));
  if (pages.length === 0) continue;
  let server;
  let origin;
  try {
    ({ server, origin } = await serve(root, { prefix: plan.prefix, port: plan.port, host: true }));
  } catch (e) {
    console.log(`FAIL ${label}: cannot serve it on 127.0.0.1:${plan.port}: ${e.message}`);
    failures++;
    continue;
  }
  try {
    for (const p of pages) {
      for (const form of Object.keys(FORMS).filter((f) => wanted("form", f))) {
        const name = `${label}-${p.lang}-${p.kind}-${form}`;
        const url = origin + plan.prefix + p.url;
        const t0 = Date.now();
        const row = { site: label, lang: p.lang, kind: p.kind, form, url };
        try {
          const result = await runLighthouse(url, form, p.kind);
          const lhr = result?.lhr;
          if (!lhr) throw new Error("Lighthouse returned no report");
          writeFileSync(path.join(outDir, `${name}.json`), result.report);
          if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
          // (The 404 page's status is meant: no warning about it.)
          const warnings = (lhr.runWarnings ?? []).filter((w) => !(p.kind === "404" && /\(Status code: 404\)/.test(w)));
          Object.assign(row, judge(lhr, p.kind), { warnings });
        } catch (e) {
          Object.assign(row, { error: snippet(e.message ?? String(e), 600), scores: {}, misses: [], errors: [], missed: true });
        }
        if (row.missed) failures++;
        results.push(row);
        const scores = CATEGORIES.map((c) => `${SHORT[c]} ${row.scores[c] ?? "-"}`).join(" ");
        console.log(`${row.missed ? "FAIL" : "ok  "} ${name} ${url} ${scores}${row.error ? " — " + row.error : ""} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      }
    }
  } finally {
    server.close();
  }
}

if (results.length === 0 && failures === 0) {
  console.log("no page matches the --site, --lang and --kind given");
  process.exit(2);
}

// The table.
const header = ["site", "lang", "kind", "form", ...CATEGORIES.map((c) => SHORT[c])];
const cells = results.map((r) => [
  r.site, r.lang, r.kind, r.form,
  ...CATEGORIES.map((c) => {
    const s = r.scores[c];
    if (s === undefined || s === null) return "-";
    const m = r.misses.find((x) => x.category === c);
    return m ? `${s}${m.missed ? " !" : " ~"}` : String(s);
  }),
]);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
const line = (cs) => cs.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
console.log("");
console.log(line(header));
for (const c of cells) console.log(line(c));
console.log(`targets: perf ≥ ${TARGETS.performance}, the others ${TARGETS.accessibility}; ! missed, ~ below only by audits expected on that page`);

// What failed, run by run.
for (const r of results) {
  if (r.misses.length === 0 && r.errors.length === 0 && !r.error && r.warnings?.length === 0) continue;
  console.log("");
  console.log(`== ${r.site} ${r.lang} ${r.kind} ${r.form}  ${r.url}`);
  if (r.error) console.log(`   the run failed: ${r.error}`);
  for (const e of r.errors) console.log(`   ${e}`);
  for (const w of r.warnings ?? []) console.log(`   Lighthouse warning: ${snippet(w, 400)}`);
  for (const m of r.misses) {
    console.log(`   ${m.category} ${m.score ?? "-"} (target ${TARGETS[m.category]})${m.missed ? "" : ", only expected audits"}:`);
    for (const l of m.lines) console.log(`     ${l}`);
  }
}

console.log("");
console.log(`reports: ${outDir}`);
console.log(`${results.length} runs in ${((Date.now() - started) / 60000).toFixed(1)} min; ${results.length - failures} met the targets, ${failures} did not`);
process.exit(failures === 0 ? 0 : 1);
