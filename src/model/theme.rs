//! The theme as the site model holds it after resolve: its templates, static files
//! and interface strings merged over the themes it extends, and the names of the ids
//! and classes it uses (so that content never takes them).

use super::Strings;
use std::collections::{BTreeMap, HashSet};

use std::sync::Arc;

/// The templates every theme must have, in itself or through the theme it extends
/// (docs/templates.md).
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "root.html",
    "base.html",
    "index.html",
    "partners.html",
    "partner.html",
    "people.html",
    "strategy_list.html",
    "strategy.html",
    "projects.html",
    "project.html",
    "news_list.html",
    "news.html",
    "page.html",
    "search.html",
    "404.html",
];

/// The resolved theme.
#[derive(Debug, Default)]
pub struct Theme {
    /// The theme and the themes it extends, child first.
    pub chain: Vec<String>,
    /// Template name → its file (relative to the site root) and text.
    pub templates: BTreeMap<String, Template>,
    /// Output path → file, for the static files copied into the output.
    pub static_files: BTreeMap<String, StaticFile>,
    /// Interface strings of every site language, the site's own overrides applied.
    pub strings: Strings,
    /// Ids and classes the templates and stylesheets use.
    pub reserved: Reserved,
    /// Interface strings each language lacks (shown in the default language's words).
    pub missing_strings: BTreeMap<String, Vec<String>>,
}

impl Theme {
    /// The name the site gave (the first of the chain).
    pub fn name(&self) -> &str {
        self.chain.first().map(String::as_str).unwrap_or("default")
    }
}

#[derive(Debug, Clone)]
pub struct Template {
    /// Where it came from, for messages (`themes/default/templates/base.html`).
    pub path: String,
    pub text: String,
}

/// A static file of the theme, copied to the output.
#[derive(Debug, Clone)]
pub struct StaticFile {
    pub bytes: Arc<Vec<u8>>,
    /// Short content hash for cache-busting URLs (`style.css?v=…`).
    pub hash: String,
}

/// Ids and classes the theme uses: exact names, and the fixed beginnings of names a
/// template builds (`cat-{{ key }}` reserves every id that begins with `cat-`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reserved {
    pub ids: HashSet<String>,
    pub id_prefixes: Vec<String>,
    pub classes: HashSet<String>,
    pub class_prefixes: Vec<String>,
}

/// Names the dev server and klaster's own scripts add to pages.
const TOOL_PREFIX: &str = "klaster-";

impl Reserved {
    /// Collects the `id="…"` and `class="…"` names of `templates` and the `#id` and
    /// `.class` selectors of `stylesheets`.
    pub fn from_theme<'a>(
        templates: impl IntoIterator<Item = &'a str>,
        stylesheets: impl IntoIterator<Item = &'a str>,
    ) -> Reserved {
        let mut r = Reserved::default();
        for text in templates {
            for value in attribute_values(text, "id=\"") {
                add_name(&mut r.ids, &mut r.id_prefixes, value.trim());
            }
            for value in attribute_values(text, "class=\"") {
                for token in split_classes(value) {
                    add_name(&mut r.classes, &mut r.class_prefixes, token);
                }
            }
        }
        for css in stylesheets {
            for (sigil, name) in selectors(css) {
                if sigil == '#' {
                    r.ids.insert(name.to_string());
                } else {
                    r.classes.insert(name.to_string());
                }
            }
        }
        r.id_prefixes.push(TOOL_PREFIX.into());
        r.class_prefixes.push(TOOL_PREFIX.into());
        r.id_prefixes.sort();
        r.id_prefixes.dedup();
        r.class_prefixes.sort();
        r.class_prefixes.dedup();
        r
    }

    pub fn id_has_reserved_prefix(&self, id: &str) -> bool {
        self.id_prefixes.iter().any(|p| id.starts_with(p.as_str()))
    }

    /// Whether a class an editor wrote (`## Title {.note}`) may be kept.
    pub fn class_allowed(&self, class: &str) -> bool {
        is_plain_name(class)
            && !self.classes.contains(class)
            && !self
                .class_prefixes
                .iter()
                .any(|p| class.starts_with(p.as_str()))
    }
}

/// `foo`, `Foo_bar-2`: a letter, then letters, digits, `-` and `_`.
pub fn is_plain_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A template value such as `cat-{{ g.key }}` reserves its fixed beginning; a value
/// that is all template code (`{{ person.anchor }}`) reserves nothing.
fn add_name(exact: &mut HashSet<String>, prefixes: &mut Vec<String>, value: &str) {
    match value.find("{{").or_else(|| value.find("{%")) {
        Some(0) => {}
        Some(i) => prefixes.push(value[..i].to_string()),
        None if is_plain_name(value) => {
            exact.insert(value.to_string());
        }
        None => {}
    }
}

/// Class tokens of an attribute value, keeping template code together so that
/// `status-{{ item.status }}` stays one token.
fn split_classes(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut depth = 0usize;
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let two = &bytes[i..bytes.len().min(i + 2)];
        if two == b"{{" || two == b"{%" {
            depth += 1;
            start.get_or_insert(i);
            i += 2;
            continue;
        }
        if (two == b"}}" || two == b"%}") && depth > 0 {
            depth -= 1;
            i += 2;
            continue;
        }
        if bytes[i].is_ascii_whitespace() && depth == 0 {
            if let Some(s) = start.take() {
                out.push(&value[s..i]);
            }
        } else {
            start.get_or_insert(i);
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push(&value[s..]);
    }
    out
}

/// The values of every `attr="…"` in a text (`attr` includes `="`).
fn attribute_values<'t>(text: &'t str, attr: &str) -> Vec<&'t str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(attr) {
        let preceded_by_name = text.len() - rest.len() + i > 0
            && rest[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-');
        rest = &rest[i + attr.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        if !preceded_by_name {
            out.push(&rest[..end]);
        }
        rest = &rest[end..];
    }
    out
}

/// `#name` and `.name` selectors of a stylesheet (comments and strings included: a
/// name reserved by mistake only makes an editor's class or id take a suffix).
fn selectors(css: &str) -> Vec<(char, &str)> {
    let mut out = Vec::new();
    let bytes = css.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if (c == b'#' || c == b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len()
                && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'-' || bytes[end] == b'_')
            {
                end += 1;
            }
            out.push((c as char, &css[start..end]));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_names_a_theme_uses() {
        let r = Reserved::from_theme(
            [
                r#"<main id="main" class="wrap {% if x %}wide{% endif %}"><h2 id="h-cat-{{ g.key }}" class="status-{{ s }} card">"#,
                r#"<li id="{{ person.anchor }}" data-id="x">"#,
            ],
            [".prose p { margin: 0.5rem } #search{} .skip-link:focus{}"],
        );
        assert!(r.ids.contains("main"));
        assert!(r.ids.contains("search"));
        assert!(!r.ids.contains("x"), "data-id is not an id");
        assert!(r.id_prefixes.contains(&"h-cat-".to_string()));
        assert!(r.classes.contains("wrap") && r.classes.contains("card"));
        assert!(r.classes.contains("prose") && r.classes.contains("skip-link"));
        assert!(r.class_prefixes.contains(&"status-".to_string()));
        assert!(!r.class_allowed("card"));
        assert!(!r.class_allowed("status-x"));
        assert!(!r.class_allowed("a b"));
        assert!(r.class_allowed("note"));
    }
}
