// Real-browser quality checks for sites built by klaster.
//
//   node tests/browser/check.mjs [--screenshots DIR] SITE_DIR...
//
// For every built site folder given (its folder name is its label, e.g. `ch`):
//   - the W3C Nu HTML checker (vnu.jar) over every .html file: no errors;
//   - axe-core (WCAG 2.0/2.1 A and AA) in headless Chromium on one page of every
//     template (the `kind-*` class of <body>) in every language, at 375 and 1280 px;
//   - reflow: no horizontal scrolling on those pages at 320 px (WCAG 1.4.10);
//   - no request leaves the local server and no script error on those pages;
//   - the partner filter (#filter-text, #filter-category) narrows the list;
//   - full-page screenshots of those pages (every template in every language) at
//     both widths, written to DIR (default: <repo>/target/screenshots).
// Each check prints `ok` or `FAIL` with its problems; the last line is
// `N passed, M failed`, and the exit code is 1 when anything failed.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { htmlFiles, pagesToVisit, serve } from "./site.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const vnuJar = path.join(here, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const WIDTHS = [375, 1280];
const REFLOW_WIDTH = 320;
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
let shotDir = path.resolve(here, "..", "..", "target", "screenshots");
const siteDirs = [];
// Sites built with `--base-url https://example.org/sub/`, served under /sub/.
const subpathDirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--screenshots") shotDir = path.resolve(args[++i]);
  else if (args[i] === "--subpath") subpathDirs.push(path.resolve(args[++i]));
  else siteDirs.push(path.resolve(args[i]));
}
if (siteDirs.length === 0) {
  console.error("usage: node check.mjs [--screenshots DIR] [--subpath SITE_DIR] SITE_DIR...");
  process.exit(2);
}

// ---------------------------------------------------------------- tiny runner
let passed = 0;
let failed = 0;
function report(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const p of problems) console.log("     " + p.replace(/\n/g, "\n     "));
  }
}
const snippet = (s, n = 300) => {
  const t = String(s ?? "").replace(/\s+/g, " ").trim();
  return t.length > n ? t.slice(0, n) + "…" : t;
};

// ---------------------------------------------------------------- vnu
// One JVM for every file of every site; resolves to vnu's messages.
function runVnu(files) {
  return new Promise((resolve) => {
    const java = spawn("java", ["-jar", vnuJar, "--errors-only", "--format", "json", "--exit-zero-always", ...files]);
    let out = "";
    java.stdout.on("data", (d) => (out += d));
    java.stderr.on("data", (d) => (out += d));
    java.on("error", (e) => resolve({ crashed: `java did not start: ${e.message}` }));
    java.on("close", (code) => {
      try {
        resolve({ messages: JSON.parse(out).messages });
      } catch {
        resolve({ crashed: `vnu exited ${code} without a JSON report:\n${snippet(out, 2000)}` });
      }
    });
  });
}

function reportVnu(result, sites) {
  if (result.crashed) {
    report("vnu", [result.crashed]);
    return;
  }
  const byFile = new Map();
  for (const m of result.messages) {
    const file = m.url ? fileURLToPath(m.url) : "?";
    if (!byFile.has(file)) byFile.set(file, []);
    const where = m.lastLine ? `${m.lastLine}:${m.firstColumn ?? m.lastColumn}` : "";
    byFile.get(file).push(`${where} ${m.type}: ${m.message}\n  ${snippet(m.extract, 200)}`);
  }
  for (const { label, root, files } of sites) {
    for (const f of files) report(`vnu ${label}/${path.relative(root, f)}`, byFile.get(f) ?? []);
  }
}

// ---------------------------------------------------------------- browser
// Opens `url` at `width`, with a watch on requests that leave the server and on
// script errors. Returns the page and the problems seen while loading.
async function open(context, origin, url, width) {
  const page = await context.newPage();
  const problems = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) problems.push(`request to another host: ${r.url()}`);
  });
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  await page.setViewportSize({ width, height: 900 });
  await page.goto(origin + url, { waitUntil: "load" });
  return { page, problems };
}

async function axeCheck(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    AXE_TAGS,
  );
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help}\n  at ${n.target.join(" ")}: ${snippet(n.html)}\n  ${snippet(n.failureSummary.replace(/:\n\s*/g, ": ").replace(/\n\s*/g, "; "), 400)}`),
  );
}

// If the page scrolls sideways: the innermost elements that stick out of the viewport
// or whose content overflows them.
async function reflowCheck(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const wide = [...document.body.querySelectorAll("*")].filter(
      (e) => e.getBoundingClientRect().right > width + 1 || e.scrollWidth > e.clientWidth + 1,
    );
    const innermost = wide
      .filter((e) => !wide.some((d) => d !== e && e.contains(d)))
      .slice(0, 5)
      .map((e) => `  ${e.outerHTML.replace(/\s+/g, " ").slice(0, 200)}`);
    return [`page is ${document.documentElement.scrollWidth}px wide in a ${width}px viewport:\n${innermost.join("\n")}`];
  });
}

// The content keeps a space above the footer: main's bottom padding is not cancelled
// by a class (cards touched the footer when .wrap reset it).
async function spacingCheck(page) {
  return page.evaluate(() => {
    const main = document.querySelector("main");
    if (!main) return ["the page has no <main>"];
    const pad = parseFloat(getComputedStyle(main).paddingBottom);
    return pad >= 24 ? [] : [`<main> has ${pad}px of bottom padding (at least 24px keeps the content off the footer)`];
  });
}

async function visibleCards(page) {
  return page.locator(".partner-card:visible").count();
}

// The language chooser's boxes are all as wide (and as tall) as each other.
async function chooserCheck(page) {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll(".language-choices a")].map((a) => a.getBoundingClientRect());
    if (boxes.length < 2) return [`${boxes.length} language boxes`];
    const widths = boxes.map((b) => Math.round(b.width));
    const heights = boxes.map((b) => Math.round(b.height));
    const problems = [];
    if (Math.max(...widths) - Math.min(...widths) > 1) problems.push(`language boxes of different widths: ${widths.join(", ")} px`);
    if (Math.max(...heights) - Math.min(...heights) > 1) problems.push(`language boxes of different heights: ${heights.join(", ")} px`);
    return problems;
  });
}

// At phone width each filter label sits on the same line as its control.
async function filterLayoutCheck(page) {
  return page.evaluate(() => {
    const problems = [];
    for (const id of ["filter-text", "filter-category"]) {
      const control = document.getElementById(id);
      const label = document.querySelector(`label[for="${id}"]`);
      if (!control || !label) { problems.push(`no #${id} with its label`); continue; }
      const a = label.getBoundingClientRect(), b = control.getBoundingClientRect();
      const middle = a.top + a.height / 2;
      if (!(middle > b.top && middle < b.bottom)) problems.push(`the label of #${id} is not on the line of its control (label ${Math.round(a.top)}px, control ${Math.round(b.top)}-${Math.round(b.bottom)}px)`);
    }
    return problems;
  });
}

// Types a partner's name into the filter, then picks a category.
async function filterCheck(page) {
  const problems = [];
  const total = await visibleCards(page);
  if (total < 2) return [`only ${total} partner cards: nothing to filter`];
  if (!(await page.locator("#filter-text").isVisible())) return ["#filter-text is not visible (did filter.js run?)"];

  const name = (await page.locator(".partner-card h3").first().innerText()).trim();
  await page.locator("#filter-text").pressSequentially(name);
  const afterText = await visibleCards(page);
  if (!(afterText >= 1 && afterText < total)) problems.push(`typing "${name}" left ${afterText} of ${total} cards visible`);
  await page.locator("#filter-text").fill("");
  if ((await visibleCards(page)) !== total) problems.push("clearing the text did not bring every card back");

  await page.locator("#filter-text").pressSequentially("zzqxj");
  if (!(await page.locator("#no-results").isVisible())) problems.push(`typing "zzqxj" did not show #no-results`);
  await page.locator("#filter-text").fill("");

  const options = await page.locator("#filter-category option").evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  if (options.length < 2) return [...problems, `only ${options.length} categories in #filter-category`];
  const category = options[options.length - 1];
  await page.locator("#filter-category").selectOption(category);
  const cats = await page.locator(".partner-card:visible").evaluateAll((cs) => cs.map((c) => c.dataset.category));
  if (!(cats.length >= 1 && cats.length < total)) problems.push(`category "${category}" left ${cats.length} of ${total} cards visible`);
  if (cats.some((c) => c !== category)) problems.push(`category "${category}" still shows cards of ${[...new Set(cats)].join(", ")}`);
  return problems;
}

// Words from the body of the Connected Health strategy, per language: the search page
// must find the strategy document for them.
const SEARCH_WORDS = { et: "põhiprotsesse", en: "methodological" };

// Types a word into the search box and expects the strategy document among the results.
async function searchCheck(page, lang) {
  const word = SEARCH_WORDS[lang];
  if (!word) return [];
  const input = page.locator("#search-input");
  await input.waitFor({ timeout: 10000 });
  await input.pressSequentially(word);
  await page.locator("#search-results a").first().waitFor({ timeout: 10000 });
  const hrefs = await page.locator("#search-results a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  const problems = [];
  if (!hrefs.some((h) => h.startsWith(`/${lang}/strategy/strategy-2019-2023/`))) {
    problems.push(`searching "${word}" did not find the strategy (got ${hrefs.join(", ") || "nothing"})`);
  }
  if (hrefs.some((h) => !h.startsWith(`/${lang}/`))) problems.push(`results in another language: ${hrefs.join(", ")}`);
  problems.push(...(await axeCheck(page)));
  return problems;
}

async function checkSite(context, { label, root, pages }) {
  const { server, origin } = await serve(root);
  try {
    for (const p of pages) {
      const name = `${label}${p.url}`;
      for (const width of WIDTHS) {
        const { page, problems } = await open(context, origin, p.url, width);
        try {
          await page.screenshot({ path: path.join(shotDir, `${label}-${p.lang}-${p.kind}-${width}.png`), fullPage: true });
          problems.push(...(await axeCheck(page)));
          problems.push(...(await spacingCheck(page)));
          if (p.kind === "root") problems.push(...(await chooserCheck(page)));
        } catch (e) {
          problems.push(`the check itself failed: ${e.message}`);
        }
        report(`axe ${name} @${width}`, problems);
        await page.close();
      }
      // (Requests and script errors were reported by the visits above.)
      const { page } = await open(context, origin, p.url, REFLOW_WIDTH);
      report(`reflow ${name} @${REFLOW_WIDTH}`, await reflowCheck(page));
      await page.close();

      if (p.kind === "search" && label === "ch") {
        const { page, problems } = await open(context, origin, p.url, 1280);
        try {
          problems.push(...(await searchCheck(page, p.lang)));
        } catch (e) {
          problems.push(`the check itself failed: ${e.message}`);
        }
        report(`search ${name}`, problems);
        await page.close();
      }

      if (p.kind === "partners") {
        const small = await open(context, origin, p.url, 375);
        try {
          small.problems.push(...(await filterLayoutCheck(small.page)));
        } catch (e) {
          small.problems.push(`the check itself failed: ${e.message}`);
        }
        report(`filter layout ${name} @375`, small.problems);
        await small.page.close();

        const { page, problems } = await open(context, origin, p.url, 1280);
        try {
          problems.push(...(await filterCheck(page)));
        } catch (e) {
          problems.push(`the check itself failed: ${e.message}`);
        }
        report(`filter ${name}`, problems);
        await page.close();
      }
    }
  } finally {
    server.close();
  }
}

// A site under /sub/: the search finds the strategy document, and every result it
// shows opens (its address keeps the sub-path once).
async function subpathSearchCheck(context, root) {
  const { server, origin } = await serve(root, { prefix: "/sub" });
  try {
    for (const lang of Object.keys(SEARCH_WORDS)) {
      const { page, problems } = await open(context, origin, `/sub/${lang}/search/`, 1280);
      try {
        const input = page.locator("#search-input");
        await input.waitFor({ timeout: 10000 });
        await input.pressSequentially(SEARCH_WORDS[lang]);
        await page.locator("#search-results a").first().waitFor({ timeout: 10000 });
        const hrefs = await page.locator("#search-results a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
        if (!hrefs.some((h) => h.startsWith(`/sub/${lang}/strategy/`))) problems.push(`no strategy result: ${hrefs.join(", ")}`);
        for (const h of hrefs) {
          if (!h.startsWith(`/sub/${lang}/`) || h.startsWith("/sub/sub/")) problems.push(`result ${h} is not under /sub/${lang}/`);
          const r = await page.request.get(origin + h);
          if (r.status() !== 200) problems.push(`result ${h} answers ${r.status()}`);
        }
      } catch (e) {
        problems.push(`the check itself failed: ${e.message}`);
      }
      report(`search under a sub-path /sub/${lang}/search/`, problems);
      await page.close();
    }
  } finally {
    server.close();
  }
}

// ---------------------------------------------------------------- main
const sites = siteDirs.map((root) => ({
  label: path.basename(root),
  root,
  files: htmlFiles(root),
  pages: pagesToVisit(root),
}));
mkdirSync(shotDir, { recursive: true });

// A hung browser or JVM must not hang CI.
setTimeout(() => {
  console.log("FAIL the checks did not finish within 20 minutes");
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}, 20 * 60 * 1000).unref();

const vnu = runVnu(sites.flatMap((s) => s.files));

const profile = mkdtempSync(path.join(os.tmpdir(), "klaster-chromium-"));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  // axe must see a violation where there is one, or its silence means nothing.
  const page = await context.newPage();
  await page.setContent('<!DOCTYPE html><html><title>x</title><img src="data:,">');
  const seen = (await axeCheck(page)).map((v) => v.split(" ")[0]);
  report("axe finds image-alt and html-has-lang on a page made to fail", ["image-alt", "html-has-lang"].filter((id) => !seen.includes(id)).map((id) => `${id} not reported`));
  await page.close();
  for (const site of sites) await checkSite(context, site);
  for (const root of subpathDirs) await subpathSearchCheck(context, root);
} catch (e) {
  report("browser", [e.stack ?? String(e)]);
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
}

reportVnu(await vnu, sites);

console.log(`screenshots: ${shotDir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
