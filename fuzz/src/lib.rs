//! What the fuzz targets share: the default theme's reserved names and the scan of
//! rendered HTML for markup that could run script or break the page.

use klaster::load::YamlFile;
use klaster::load::theme::LoadedTheme;
use klaster::markdown::Reserved;
use std::collections::HashSet;
use std::sync::OnceLock;

/// The built-in default theme, read once.
fn loaded_theme() -> &'static LoadedTheme {
    static THEME: OnceLock<LoadedTheme> = OnceLock::new();
    THEME.get_or_init(|| {
        // No site folder: the built-in default theme.
        let (theme, _) =
            klaster::load::theme::load(std::path::Path::new("/nonexistent-site"), "default");
        theme.expect("the built-in default theme")
    })
}

/// A copy of the built-in default theme as the loader reads it (reading it again is
/// most of the time of a small site).
pub fn default_theme() -> LoadedTheme {
    let t = loaded_theme();
    let copy = |y: &YamlFile| YamlFile {
        file: y.file.clone(),
        node: y.node.clone(),
    };
    LoadedTheme {
        chain: t.chain.clone(),
        templates: t.templates.clone(),
        static_files: t.static_files.clone(),
        i18n: t.i18n.iter().map(|(l, y)| (l.clone(), copy(y))).collect(),
        settings: t.settings.iter().map(copy).collect(),
    }
}

/// The default theme's ids and classes, read as resolve reads them.
pub fn reserved() -> &'static Reserved {
    static RESERVED: OnceLock<Reserved> = OnceLock::new();
    RESERVED.get_or_init(|| {
        let theme = loaded_theme();
        Reserved::from_theme(
            theme.templates.values().map(|f| f.text.as_str()),
            theme
                .static_files
                .iter()
                .filter(|(path, _)| path.ends_with(".css"))
                .filter_map(|(_, f)| std::str::from_utf8(&f.bytes).ok()),
        )
    })
}

/// What a piece of HTML is.
#[derive(Clone, Copy)]
pub enum Markup<'a> {
    /// A rendered body: none of the theme's ids may appear in it.
    Body(&'a Reserved),
    /// A whole page the theme wrote: its own JSON-LD and same-site scripts, its page
    /// title and its forms (with one of its ids) are allowed.
    Page(&'a Reserved),
}

/// Attributes that hold a URL a browser follows or loads.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "cite",
    "poster",
    "data",
    "background",
    "xlink:href",
    "ping",
];

/// The beginning of a URL as a browser's URL parser reads its scheme: C0 controls
/// and spaces around it dropped, tabs and line ends anywhere removed, lower case.
fn scheme_of(value: &str) -> String {
    value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Whether a `<script>` is one the theme writes: JSON-LD data or a same-site `.js`.
fn theme_script(el: &scraper::node::Element) -> bool {
    if el.attr("type") == Some("application/ld+json") && el.attr("src").is_none() {
        return true;
    }
    el.attr("src").is_some_and(|s| {
        let path = s.split(['?', '#']).next().unwrap_or("");
        path.starts_with('/') && !path.starts_with("//") && path.ends_with(".js")
    })
}

/// The problems of `html`, parsed as a browser parses it.
pub fn problems(html: &str, kind: Markup) -> Vec<String> {
    let doc = match kind {
        Markup::Body(_) => scraper::Html::parse_fragment(html),
        Markup::Page(_) => scraper::Html::parse_document(html),
    };
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    let mut h1 = 0;
    for node in doc.tree.root().descendants() {
        let Some(el) = scraper::ElementRef::wrap(node) else {
            continue;
        };
        let el = el.value();
        let name = el.name();
        match (name, kind) {
            ("script", Markup::Page(_)) if theme_script(el) => {}
            ("form", Markup::Page(r))
                if el
                    .id()
                    .is_some_and(|id| r.ids.contains(id) || r.id_has_reserved_prefix(id)) => {}
            (
                "script" | "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "form"
                | "base" | "style" | "link" | "meta" | "template" | "textarea" | "button"
                | "select" | "math" | "svg",
                Markup::Body(_),
            )
            | (
                "script" | "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "form"
                | "base",
                Markup::Page(_),
            ) => problems.push(format!("a <{name}> element")),
            ("h1", _) => h1 += 1,
            _ => {}
        }
        if name == "meta" && el.attr("http-equiv").is_some() {
            problems.push("a <meta http-equiv> element".to_string());
        }
        for (attr, value) in el.attrs() {
            let lower = attr.to_ascii_lowercase();
            if lower.starts_with("on") {
                problems.push(format!("an event handler {attr}=\"{value}\" on <{name}>"));
            }
            if lower == "style" || lower == "srcdoc" {
                problems.push(format!("a {lower} attribute on <{name}>"));
            }
            if URL_ATTRIBUTES.contains(&lower.as_str()) {
                let scheme = scheme_of(value);
                if ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| scheme.starts_with(s))
                {
                    problems.push(format!("a {attr}=\"{value}\" on <{name}>"));
                }
            }
        }
        if let Some(id) = el.id() {
            if !ids.insert(id.to_string()) {
                problems.push(format!("the id `{id}` twice"));
            }
            if let Markup::Body(r) = kind
                && (r.ids.contains(id) || r.id_prefixes.iter().any(|p| id.starts_with(p)))
            {
                problems.push(format!("the theme's id `{id}` on <{name}>"));
            }
        }
    }
    match kind {
        Markup::Body(_) if h1 > 0 => problems.push(format!("{h1} <h1> elements in a body")),
        Markup::Page(_) if h1 > 1 => problems.push(format!("{h1} <h1> elements on a page")),
        _ => {}
    }
    problems
}

/// Whether `out` holds a sanitiser mark (`kmark`, 16 hex digits and `-`, random per
/// process) that does not come from `input`. An input can spell one itself, with
/// characters between that parsers drop or tags that are removed (`kmark12<i></i>34…`),
/// so a mark counts as the input's when, after a `kmark` of the input, its digits
/// follow in order; the real mark is random, so no input matches it that way.
pub fn leaks_mark(input: &str, out: &str) -> Option<String> {
    let mut rest = out;
    while let Some(i) = rest.find("kmark") {
        let tail = &rest[i + 5..];
        let hex = tail
            .bytes()
            .take(16)
            .filter(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            .count();
        if hex == 16 && tail.as_bytes().get(16) == Some(&b'-') {
            let mark = &rest[i..i + 22];
            if !spelt_in(input, &mark[5..]) {
                return Some(excerpt(out, mark));
            }
        }
        rest = tail;
    }
    None
}

/// Whether `digits` follow, in order, some `kmark` of `input`.
fn spelt_in(input: &str, digits: &str) -> bool {
    input.match_indices("kmark").any(|(i, _)| {
        let mut after = input[i + 5..].chars();
        digits.chars().all(|d| after.any(|c| c == d))
    })
}

fn excerpt(text: &str, needle: &str) -> String {
    let i = text.find(needle).unwrap_or(0);
    let mut start = i.saturating_sub(80);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (i + 120).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text[start..end].to_string()
}
