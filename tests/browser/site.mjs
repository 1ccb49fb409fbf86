// What check.mjs and lighthouse.mjs share: the pages of a built site to visit, and a
// small static server for it.

import { createReadStream, readFileSync, readdirSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";

// Every .html file under `dir`, in path order.
export function htmlFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(p));
    else if (e.name.endsWith(".html")) out.push(p);
  }
  return out.sort();
}

// URL path of a built file: `en/partners/index.html` → `/en/partners/`.
export function urlPath(root, file) {
  const rel = path.relative(root, file).split(path.sep).join("/");
  return "/" + rel.replace(/(^|\/)index\.html$/, "$1");
}

// One page per (template, language): the first file, in path order, whose <body>
// has that kind-* class. New templates (search, ...) are picked up on their own.
// The language chooser (`root`) and the 404 page are one page each, for all languages.
export function pagesToVisit(root) {
  const seen = new Map();
  for (const file of htmlFiles(root)) {
    const text = readFileSync(file, "utf8");
    const kind = /<body[^>]*class="[^"]*\bkind-([\w-]+)/.exec(text)?.[1] ?? "unknown";
    const lang = /<html[^>]*\blang="([^"]+)"/.exec(text)?.[1] ?? "none";
    const key = kind === "root" || kind === "404" ? kind : `${lang}-${kind}`;
    if (!seen.has(key)) seen.set(key, { key, kind, lang, url: urlPath(root, file) });
  }
  // The 404 page is checked where a visitor meets it: at an address that does not exist.
  for (const p of seen.values()) if (p.kind === "404") p.url = "/no-such-page/";
  return [...seen.values()];
}

export const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
  ".webp": "image/webp", ".avif": "image/avif", ".gif": "image/gif", ".ico": "image/x-icon",
  ".json": "application/json", ".xml": "application/xml", ".csv": "text/csv",
  ".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf", ".woff2": "font/woff2",
  ".bin": "application/octet-stream",
};

// Cache-Control as docs/deploy/static-host.md recommends: addresses with a `?v=`
// fingerprint never change, everything else is revalidated.
function cacheControl(url) {
  return url.searchParams.has("v") ? "public, max-age=31536000, immutable" : "no-cache";
}

// A static server for one built site on 127.0.0.1: `/x/` → `x/index.html`, a folder
// without its slash → redirect, misses → 404.html with status 404.
//   prefix:  the sub-path the site is published under ("/sub"); nothing exists outside it
//   port:    the port to listen on (default: a free one)
//   host:    serve like a well-configured host: the `.br`/`.gz` copies of
//            `--precompress` when the browser accepts them, and the Cache-Control
//            headers of docs/deploy/static-host.md
// Resolves to { server, origin }.
export function serve(root, { prefix = "", port = 0, host = false } = {}) {
  const server = http.createServer((req, res) => {
    let url;
    let rel;
    try {
      url = new URL(req.url, "http://x");
      rel = decodeURIComponent(url.pathname);
    } catch {
      url = new URL("http://x/");
      rel = "/";
    }
    if (prefix) {
      // A site published under a sub-path: nothing exists outside it.
      if (!rel.startsWith(prefix + "/")) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("outside the sub-path\n");
        return;
      }
      rel = rel.slice(prefix.length);
    }
    let file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root)) file = root + "/\0";
    let st = statSync(file, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      if (!rel.endsWith("/")) {
        res.writeHead(301, { Location: prefix + rel + "/" }).end();
        return;
      }
      file = path.join(file, "index.html");
      st = statSync(file, { throwIfNoEntry: false });
    }
    let status = 200;
    if (!st?.isFile()) {
      status = 404;
      file = path.join(root, "404.html");
    }
    const headers = { "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream" };
    let body = file;
    if (host) {
      headers["Cache-Control"] = status === 200 ? cacheControl(url) : "no-cache";
      headers["Vary"] = "Accept-Encoding";
      const accepts = String(req.headers["accept-encoding"] ?? "");
      for (const [encoding, ext] of [["br", ".br"], ["gzip", ".gz"]]) {
        if (new RegExp(`\\b${encoding}\\b`).test(accepts) && statSync(file + ext, { throwIfNoEntry: false })?.isFile()) {
          headers["Content-Encoding"] = encoding;
          body = file + ext;
          break;
        }
      }
    }
    res.writeHead(status, headers);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(body).on("error", () => res.end()).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}
