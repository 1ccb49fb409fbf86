//! Scans built pages for markup that can run script, as a browser would parse them.

use std::path::Path;

/// Problems in the HTML files below `out`: script elements other than the theme's
/// (JSON-LD data, or a same-site `.js` file), event-handler attributes, `style`
/// attributes, `javascript:` / `vbscript:` URLs, frames and plugins. The default theme
/// writes none of the others.
pub fn unsafe_markup(out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let rel = path.strip_prefix(out).unwrap_or(path).display().to_string();
        problems.extend(page(&text).into_iter().map(|p| format!("{rel}: {p}")));
    }
    problems
}

/// Problems in one page.
pub fn page(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut problems = Vec::new();
    for node in doc.root_element().descendants() {
        let Some(el) = scraper::ElementRef::wrap(node) else {
            continue;
        };
        let name = el.value().name();
        if matches!(name, "iframe" | "frame" | "object" | "embed" | "applet") {
            problems.push(format!("a <{name}> element"));
        }
        if name == "script" {
            let data = el.value().attr("type") == Some("application/ld+json");
            let src_ok = el.value().attr("src").is_some_and(|s| {
                let path = s.split(['?', '#']).next().unwrap_or("");
                path.starts_with('/') && !path.starts_with("//") && path.ends_with(".js")
            });
            if !(data || src_ok) {
                problems.push(format!(
                    "a script element: {}",
                    el.html().chars().take(120).collect::<String>()
                ));
            }
        }
        for (attr, value) in el.value().attrs() {
            let lower = attr.to_ascii_lowercase();
            if lower.starts_with("on") {
                problems.push(format!("an event handler {attr}=\"{value}\" on <{name}>"));
            }
            if lower == "style" {
                problems.push(format!("a style attribute on <{name}>"));
            }
            let v: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .take(12)
                .collect::<String>()
                .to_ascii_lowercase();
            if v.starts_with("javascript:") || v.starts_with("vbscript:") {
                problems.push(format!("a script URL in {attr} on <{name}>"));
            }
        }
    }
    problems
}
