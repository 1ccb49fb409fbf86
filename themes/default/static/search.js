// The site search: queries the index klaster built for this language (docs/search.md),
// fetching only the parts a query needs. No framework, no outside service.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.TextDecoder) return;
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var base = form.getAttribute("data-index");
  var PAGE = 10;
  var files = {};
  var decoder = new TextDecoder();
  var current = 0;
  var results = [];
  var shown = 0;
  var marks = [];

  // index.json names the version of the other files (`?v=`), so that they can be
  // cached for good.
  var version = "";

  function fetchFile(name, binary) {
    if (!files[name]) {
      files[name] = fetch(base + name + (name === "index.json" ? "" : version)).then(function (r) {
        if (!r.ok) throw new Error(name + ": " + r.status);
        return binary ? r.arrayBuffer() : r.json();
      });
    }
    return files[name];
  }

  // Words as the index has them: lower case, letters and digits.
  function words(text) {
    return text.toLowerCase().match(/[\p{Alphabetic}\p{N}]+/gu) || [];
  }

  // The last chunk whose first key is not after `key` (keys sorted as JavaScript sorts).
  function chunkOf(starts, key) {
    var lo = 0, hi = starts.length - 1, found = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= key) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  // The stems of the words that begin with `w` (or are `w`, for the last word
  // typed so far), with the words themselves for highlighting.
  function stemsFor(meta, w, prefix) {
    var first = chunkOf(meta.words, w);
    var chunks = [first];
    for (var i = first + 1; prefix && i < meta.words.length && meta.words[i].indexOf(w) === 0; i++) chunks.push(i);
    return Promise.all(chunks.map(function (n) { return fetchFile("w/" + n + ".json"); })).then(function (maps) {
      var stems = {};
      maps.forEach(function (m) {
        Object.keys(m).forEach(function (k) {
          if (k === w || (prefix && k.indexOf(w) === 0)) { stems[m[k]] = true; marks.push(k); }
        });
      });
      return Object.keys(stems).slice(0, 64);
    });
  }

  function readVarint(bytes, at) {
    var v = 0, shift = 0, b;
    do { b = bytes[at.i++]; v += (b & 0x7f) * Math.pow(2, shift); shift += 7; } while (b & 0x80);
    return v;
  }

  // page → weight for a stem.
  function postings(meta, stem) {
    var n = chunkOf(meta.stems, stem);
    return fetchFile("s/" + n + ".bin", true).then(function (buf) {
      var bytes = new Uint8Array(buf), at = { i: 0 };
      while (at.i < bytes.length) {
        var len = readVarint(bytes, at);
        var s = decoder.decode(bytes.subarray(at.i, at.i + len));
        at.i += len;
        var count = readVarint(bytes, at);
        if (s === stem) {
          var out = {}, page = 0;
          for (var k = 0; k < count; k++) { page += readVarint(bytes, at); out[page] = bytes[at.i++]; }
          return out;
        }
        for (var j = 0; j < count; j++) { readVarint(bytes, at); at.i++; }
      }
      return {};
    });
  }

  // Pages with every word, best first.
  function search(query) {
    var qs = words(query);
    marks = [];
    if (!qs.length) return Promise.resolve([]);
    return fetchFile("index.json").then(function (meta) {
      if (meta.v) version = "?v=" + encodeURIComponent(meta.v);
      return Promise.all(qs.map(function (w, i) {
        // The last word may be unfinished: every word it begins. Others: the word
        // itself, or the words it begins when there is none.
        var last = i === qs.length - 1;
        return stemsFor(meta, w, last).then(function (stems) {
          return stems.length || last ? stems : stemsFor(meta, w, true);
        }).then(function (stems) {
          return Promise.all(stems.map(function (s) { return postings(meta, s); })).then(function (lists) {
            var scores = {};
            lists.forEach(function (l) {
              var df = Object.keys(l).length;
              var idf = Math.log(1 + (meta.pages - df + 0.5) / (df + 0.5));
              Object.keys(l).forEach(function (p) {
                var s = idf * l[p] / 255;
                if (!(scores[p] >= s)) scores[p] = s;
              });
            });
            return scores;
          });
        });
      })).then(function (perWord) {
        var total = perWord[0];
        var pages = Object.keys(total).filter(function (p) {
          return perWord.every(function (s) { return p in s; });
        });
        return pages.map(function (p) {
          var score = perWord.reduce(function (a, s) { return a + s[p]; }, 0);
          return { page: +p, score: score };
        }).sort(function (a, b) { return b.score - a.score || a.page - b.page; }).map(function (r) {
          return { page: r.page, bundle: meta.bundle };
        });
      });
    });
  }

  function say(key, query, count) {
    status.textContent = (form.getAttribute("data-" + key) || "")
      .replace("[SEARCH_TERM]", "“" + query + "”").replace("[COUNT]", String(count));
  }

  function escape(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  // About thirty words around the first word found, with the found words marked.
  function excerpt(text) {
    var lower = text.toLowerCase(), at = -1;
    marks.forEach(function (m) { var i = lower.indexOf(m); if (i >= 0 && (at < 0 || i < at)) at = i; });
    var start = Math.max(0, at - 80);
    if (start > 0) start = text.indexOf(" ", start) + 1;
    var part = text.slice(start, start + 240);
    var end = part.lastIndexOf(" ");
    if (start + 240 < text.length && end > 0) part = part.slice(0, end);
    var html = escape(part);
    var found = marks.slice().sort(function (a, b) { return b.length - a.length; }).map(function (m) {
      return m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    });
    if (found.length) html = html.replace(new RegExp("(" + found.join("|") + ")", "giu"), "<mark>$1</mark>");
    return (start > 0 ? "… " : "") + html + (start + part.length < text.length ? " …" : "");
  }

  function showMore(run) {
    var next = results.slice(shown, shown + PAGE);
    shown += next.length;
    more.hidden = shown >= results.length;
    return Promise.all(next.map(function (r) {
      var n = Math.floor(r.page / r.bundle);
      return fetchFile("p/" + n + ".json").then(function (items) { return items[r.page % r.bundle]; });
    })).then(function (items) {
      if (run !== current) return;
      items.forEach(function (item) {
        if (!item) return;
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.u;
        a.textContent = item.t;
        var p = document.createElement("p");
        p.innerHTML = excerpt(item.x);
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
    });
  }

  function run(query) {
    var id = ++current;
    query = query.trim();
    list.textContent = "";
    more.hidden = true;
    if (!query) { status.textContent = ""; return; }
    say("searching", query, 0);
    search(query).then(function (found) {
      if (id !== current) return;
      results = found;
      shown = 0;
      say(found.length === 0 ? "zero" : found.length === 1 ? "one" : "many", query, found.length);
      return showMore(id);
    }).catch(function () {
      if (id === current) status.textContent = form.getAttribute("data-failed") || "";
    });
    if (window.history && history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.set("q", query);
      history.replaceState(null, "", url);
    }
  }

  var timer;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 150);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(input.value); });
  more.addEventListener("click", function () { showMore(current); });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { input.value = q; run(q); }
})();
