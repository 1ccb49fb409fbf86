//! What `serve` adds to HTML responses: the live-reload script, while the current
//! build has errors an overlay that lists them, and a closed box with its warnings.
//!
//! Both are added on the server, before `</body>`, so the overlay shows without
//! JavaScript too. Everything taken from diagnostics is HTML-escaped.

use crate::diagnostics::{Diagnostic, Severity, quoted, visible};
use std::fmt::Write as _;

/// The path of the server-sent events endpoint the script listens to.
pub const EVENTS_PATH: &str = "/__klaster/events";

/// How many diagnostics the overlay lists before it says "and N more".
const OVERLAY_LIMIT: usize = 50;

use crate::markup::escape;

/// The live-reload script. It knows the build generation the page was served from and
/// reloads the page as soon as the server announces another one (also after the
/// server restarted, since generations carry the server's start time).
pub fn script(generation: &str) -> String {
    // `generation` is made of hex digits and a dash (see `Generation`), but escape it
    // anyway: nothing from outside may end up unescaped in a page.
    format!(
        "<script id=\"klaster-live-reload\">(function(){{var g=\"{}\";\
if(!window.EventSource)return;\
var s=new EventSource(\"{EVENTS_PATH}\");\
s.onmessage=function(e){{if(e.data&&e.data!==g){{s.close();location.reload();}}}};\
}})();</script>",
        escape(generation)
    )
}

/// The overlay listing the errors of the current build: file, line:column, message,
/// the quoted line with a caret, and the help.
pub fn overlay(errors: &[Diagnostic]) -> String {
    let mut out = String::new();
    let n = errors.len();
    out.push_str(
        "<div id=\"klaster-overlay\" role=\"alert\">\
<style>\
#klaster-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;\
padding:2rem 1rem;background:rgba(17,17,17,.94);color:#f4f4f4;font:16px/1.5 system-ui,sans-serif;text-align:left}\
#klaster-overlay .k-box{max-width:60rem;margin:0 auto;background:#1f1f1f;border-left:6px solid #ff6b6b;padding:1.25rem 1.5rem}\
#klaster-overlay h2{margin:0 0 .5rem;font-size:1.25rem;color:#ffb3b3}\
#klaster-overlay ol{margin:1rem 0;padding-left:1.5rem}\
#klaster-overlay li{margin:0 0 1.25rem}\
#klaster-overlay p{margin:.25rem 0}\
#klaster-overlay code,#klaster-overlay pre{font:14px/1.4 ui-monospace,Menlo,Consolas,monospace}\
#klaster-overlay .k-where code{color:#ffd479}\
#klaster-overlay pre{margin:.5rem 0;padding:.5rem .75rem;background:#111;color:#f4f4f4;overflow:auto;white-space:pre}\
#klaster-overlay .k-help{color:#9fe0a6}\
#klaster-overlay button{font:inherit;padding:.25rem 1rem;background:#f4f4f4;color:#111;border:0;cursor:pointer}\
</style><div class=\"k-box\">",
    );
    let _ = write!(
        out,
        "<h2>klaster: the site has {n} error{} — this page shows the last good build</h2>\
<p>Fix the file and save it: the page reloads itself.</p><ol>",
        if n == 1 { "" } else { "s" }
    );
    list(&mut out, errors);
    out.push_str(
        "<p><button type=\"button\" onclick=\"this.closest('#klaster-overlay').remove()\">Hide</button></p>\
</div></div>",
    );
    out
}

/// The `<ol>` items of `diags` (at most [`OVERLAY_LIMIT`], then how many more).
fn list(out: &mut String, diags: &[Diagnostic]) {
    for d in diags.iter().take(OVERLAY_LIMIT) {
        item(out, d);
    }
    out.push_str("</ol>");
    if diags.len() > OVERLAY_LIMIT {
        let _ = write!(
            out,
            "<p>… and {} more: see the terminal.</p>",
            diags.len() - OVERLAY_LIMIT
        );
    }
}

/// One diagnostic as a list item: file:line:column, message, quoted line, help.
fn item(out: &mut String, d: &Diagnostic) {
    let place = if d.line > 0 {
        format!("{}:{}:{}", d.path, d.line, d.column)
    } else {
        d.path.clone()
    };
    let _ = write!(
        out,
        "<li><p class=\"k-where\"><code>{}</code></p><p class=\"k-msg\">{}</p>",
        escape(&visible(&place)),
        escape(&visible(&d.message))
    );
    if let Some(src) = d.source_line.as_deref().filter(|_| d.line > 0) {
        let gutter = d.line.to_string();
        let caret_pad: String = src.chars().take(d.column.max(1) - 1).map(|_| ' ').collect();
        let _ = write!(
            out,
            "<pre>{gutter} | {}\n{} | {}^</pre>",
            escape(&quoted(src)),
            " ".repeat(gutter.len()),
            caret_pad
        );
    }
    if let Some(help) = &d.help {
        let _ = write!(
            out,
            "<p class=\"k-help\">help: {}</p>",
            escape(&visible(help))
        );
    }
    out.push_str("</li>");
}

/// The warnings of the current build, in a box in the corner of every page that stays
/// closed until opened and never covers the page: what `build` would print in the
/// terminal, for editors who only look at the browser.
pub fn warnings(warnings: &[Diagnostic]) -> String {
    let n = warnings.len();
    if n == 0 {
        return String::new();
    }
    let mut out = String::new();
    out.push_str(
        "<details id=\"klaster-warnings\">\
<style>\
#klaster-warnings{position:fixed;right:1rem;bottom:1rem;z-index:2147483646;max-width:min(40rem,calc(100vw - 2rem));\
max-height:70vh;overflow:auto;box-sizing:border-box;background:#1f1f1f;color:#f4f4f4;border-left:6px solid #ffd479;\
font:15px/1.5 system-ui,sans-serif;text-align:left;box-shadow:0 2px 12px rgba(0,0,0,.4)}\
#klaster-warnings summary{cursor:pointer;padding:.5rem 1rem;color:#ffd479}\
#klaster-warnings ol{margin:0;padding:0 1rem 1rem 2.5rem}\
#klaster-warnings li{margin:0 0 1rem}\
#klaster-warnings p{margin:.25rem 0}\
#klaster-warnings code,#klaster-warnings pre{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}\
#klaster-warnings .k-where code{color:#ffd479}\
#klaster-warnings pre{margin:.5rem 0;padding:.5rem .75rem;background:#111;color:#f4f4f4;overflow:auto;white-space:pre}\
#klaster-warnings .k-help{color:#9fe0a6}\
</style>",
    );
    // Warnings and notes each by their name ("1 warning, 2 notes").
    let said: Vec<String> = [(Severity::Warning, "warning"), (Severity::Note, "note")]
        .into_iter()
        .filter_map(|(severity, word)| {
            let k = warnings.iter().filter(|d| d.severity == severity).count();
            (k > 0).then(|| format!("{k} {word}{}", if k == 1 { "" } else { "s" }))
        })
        .collect();
    let _ = write!(out, "<summary>klaster: {}</summary><ol>", said.join(", "));
    list(&mut out, warnings);
    out.push_str("</details>");
    out
}

/// A whole page for when there is no good build to show yet: the overlay says why.
pub fn no_build_page() -> String {
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>klaster serve: the site could not be built</title></head>\
<body><main><h1>The site could not be built</h1></main></body></html>\n"
        .to_string()
}

/// Inserts `snippet` before the last `</body>` of `html` (any case), or appends it
/// when the page has none.
pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    match rfind_ascii_ci(html, b"</body") {
        Some(i) => {
            out.extend_from_slice(&html[..i]);
            out.extend_from_slice(snippet.as_bytes());
            out.extend_from_slice(&html[i..]);
        }
        None => {
            out.extend_from_slice(html);
            out.extend_from_slice(snippet.as_bytes());
        }
    }
    out
}

fn rfind_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end() {
        let html = b"<html><body><p>a</p></BODY></html>";
        let out = String::from_utf8(inject(html, "<x>")).unwrap_or_default();
        assert_eq!(out, "<html><body><p>a</p><x></BODY></html>");
        let out = String::from_utf8(inject(b"<p>no body end", "<x>")).unwrap_or_default();
        assert_eq!(out, "<p>no body end<x>");
        let out = String::from_utf8(inject(b"", "<x>")).unwrap_or_default();
        assert_eq!(out, "<x>");
    }

    #[test]
    fn overlay_escapes_everything_it_quotes() {
        let d = Diagnostic::error(
            "yaml",
            "content/news/<b>.yaml",
            "bad <script>alert(1)</script>",
        )
        .at("title: \"<img src=x onerror=alert(1)>\n", 1, 8)
        .with_help("use & not <");
        let html = overlay(&[d]);
        assert!(html.contains("content/news/&lt;b&gt;.yaml:1:8"), "{html}");
        assert!(html.contains("bad &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("help: use &amp; not &lt;"));
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<img"));
        assert!(html.contains("1 error "));
    }

    #[test]
    fn the_warnings_box_names_warnings_and_notes_apart() {
        let w = Diagnostic::warning("translation", "a.yaml", "w");
        let n = Diagnostic::note("dates", "b.yaml", "n");
        let html = warnings(&[w.clone(), n.clone(), n]);
        assert!(
            html.contains("<summary>klaster: 1 warning, 2 notes</summary>"),
            "{html}"
        );
        assert!(warnings(&[w]).contains("<summary>klaster: 1 warning</summary>"));
        assert_eq!(warnings(&[]), "");
    }

    #[test]
    fn overlay_caret_points_at_the_column() {
        let d = Diagnostic::error("yaml", "a.yaml", "m").at("ab: cd\n", 1, 5);
        let html = overlay(&[d]);
        assert!(html.contains("<pre>1 | ab: cd\n  |     ^</pre>"), "{html}");
    }

    #[test]
    fn script_reloads_on_another_generation() {
        let s = script("abc-1");
        assert!(s.contains("var g=\"abc-1\""));
        assert!(s.contains(EVENTS_PATH));
    }
}
