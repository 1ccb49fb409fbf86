//! What each page template uses of the theme: the templates it extends and includes
//! (and theirs, all the way down) and the static files it links with `asset`, so that
//! `serve` renders again after a theme edit only the pages whose templates use what
//! changed ([`super::fingerprint`]).
//!
//! Tera keeps the parents and includes of a compiled template to itself, so they are
//! read from the templates' text here. The reading errs on the side of using more: a
//! name in a comment or a `raw` block counts, a tag it cannot read (an `include` of a
//! name that is not a plain string, an `asset` path that is not one) makes the
//! template use every template or every static file, and a template that defines
//! components (which any template may call) is used by all.

use crate::model::Theme;
use std::collections::{BTreeMap, BTreeSet};

/// What one template names of the theme, read from its text.
#[derive(Debug, Default, PartialEq, Eq)]
struct Names {
    /// Templates it extends or includes; `None` when a tag could not be read.
    templates: Option<BTreeSet<String>>,
    /// Static files it links with `asset(path="…")`; `None` when a path could not be
    /// read.
    assets: Option<BTreeSet<String>>,
    /// Whether it defines components.
    components: bool,
}

/// The string literal at the start of `s` (`"…"`, `'…'` or `` `…` ``), if it is one
/// without escapes.
fn literal(s: &str) -> Option<&str> {
    let quote = s.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let rest = &s[1..];
    let end = rest.find(quote)?;
    let text = &rest[..end];
    (!text.contains('\\')).then_some(text)
}

fn names(text: &str) -> Names {
    let mut templates = Some(BTreeSet::new());
    let mut components = false;
    for (at, _) in text.match_indices("{%") {
        let tag = text[at + 2..].trim_start_matches(['-', '+']).trim_start();
        let word_end = tag
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(tag.len());
        match &tag[..word_end] {
            "include" | "extends" => match literal(tag[word_end..].trim_start()) {
                Some(name) => {
                    if let Some(t) = templates.as_mut() {
                        t.insert(name.to_string());
                    }
                }
                None => templates = None,
            },
            "component" => components = true,
            _ => {}
        }
    }
    let mut assets = Some(BTreeSet::new());
    for (at, _) in text.match_indices("asset(") {
        let args = text[at + "asset(".len()..].trim_start();
        let path = args
            .strip_prefix("path")
            .map(str::trim_start)
            .and_then(|a| a.strip_prefix('='))
            .and_then(|a| literal(a.trim_start()));
        match (path, assets.as_mut()) {
            (Some(p), Some(a)) => {
                a.insert(p.trim_start_matches('/').to_string());
            }
            (Some(_), None) => {}
            (None, _) => assets = None,
        }
    }
    Names {
        templates,
        assets,
        components,
    }
}

/// Whether a template of the theme may look up a record's address with
/// `url_for(id=…)`, whose answers change with any record's slug: unless every
/// `url_for(…)` of every template has only a `section` argument (the sections'
/// addresses never change), the table of records' addresses goes into every page's
/// fingerprint. A call that cannot be read counts as one with an `id`.
pub fn record_urls(theme: &Theme) -> bool {
    theme.templates.values().any(|t| {
        t.text.match_indices("url_for").any(|(at, _)| {
            let rest = &t.text[at + "url_for".len()..];
            let Some(args) = rest.trim_start().strip_prefix('(') else {
                return true;
            };
            match args.find(')') {
                Some(end) => {
                    let args = &args[..end];
                    args.contains("id") || !args.trim_start().starts_with("section")
                }
                None => true,
            }
        })
    })
}

/// For each template of the theme, a hash of the texts of every template it uses and
/// of the static files it links: when an edit leaves it the same, the pages made with
/// that template look the same as before.
pub fn hashes(theme: &Theme) -> BTreeMap<&str, u64> {
    let read: BTreeMap<&str, Names> = theme
        .templates
        .iter()
        .map(|(name, t)| (name.as_str(), names(&t.text)))
        .collect();
    let with_components: Vec<&str> = read
        .iter()
        .filter(|(_, n)| n.components)
        .map(|(name, _)| *name)
        .collect();
    theme
        .templates
        .keys()
        .map(|name| {
            let (templates, assets) = used_by(name, &read, &with_components);
            let hash = super::cache::fingerprint(|h| {
                for t in &templates {
                    if let Some(template) = theme.templates.get(*t) {
                        super::cache::add(h, t);
                        super::cache::add(h, &template.text);
                    }
                }
                for (path, f) in &theme.static_files {
                    if assets.as_ref().is_none_or(|a| a.contains(path.as_str())) {
                        super::cache::add(h, path);
                        super::cache::add(h, &f.hash);
                    }
                }
            });
            (name.as_str(), hash)
        })
        .collect()
}

/// The templates `name` uses (itself among them) and the static files they link
/// (`None`: every one), following extends and includes.
fn used_by<'a>(
    name: &'a str,
    read: &'a BTreeMap<&'a str, Names>,
    with_components: &[&'a str],
) -> (BTreeSet<&'a str>, Option<BTreeSet<&'a str>>) {
    let everything = || read.keys().copied().collect::<BTreeSet<&str>>();
    let mut seen: BTreeSet<&str> = with_components.iter().copied().collect();
    let mut todo: Vec<&str> = seen.iter().copied().chain([name]).collect();
    let mut assets = Some(BTreeSet::new());
    while let Some(t) = todo.pop() {
        seen.insert(t);
        // A name that is not a template: Tera reports it; until then, assume the worst.
        let Some(names) = read.get(t) else {
            return (everything(), None);
        };
        let Some(templates) = &names.templates else {
            return (everything(), None);
        };
        match (&names.assets, assets.as_mut()) {
            (Some(used), Some(all)) => all.extend(used.iter().map(String::as_str)),
            (None, _) => assets = None,
            (Some(_), None) => {}
        }
        for next in templates {
            match read.get_key_value(next.as_str()) {
                Some((k, _)) if !seen.contains(k) => todo.push(k),
                Some(_) => {}
                None => return (everything(), None),
            }
        }
    }
    (seen, assets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{StaticFile, Template};
    use std::sync::Arc;

    fn set(names: &[&str]) -> Option<BTreeSet<String>> {
        Some(names.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn includes_extends_and_assets_are_read_from_the_tags() {
        let n = names(
            "{% extends \"base.html\" %}{%- include 'partials/a.html' -%}\
             {%include `partials/b.html`%}<link href=\"{{ asset(path=\"style.css\") }}\">\
             {{ asset( path = '/js/x.js' ) }}{% if include %}{% endif %}",
        );
        assert_eq!(
            n.templates,
            set(&["base.html", "partials/a.html", "partials/b.html"])
        );
        assert_eq!(n.assets, set(&["style.css", "js/x.js"]));
        assert!(!n.components);
    }

    #[test]
    fn what_cannot_be_read_counts_as_everything() {
        assert_eq!(names("{% include name %}").templates, None);
        assert_eq!(names("{{ asset(path=page.css) }}").assets, None);
        assert_eq!(names("{% include \"a\\\"b\" %}").templates, None);
        assert!(names("{% component Card(title) %}{% endcomponent Card %}").components);
    }

    #[test]
    fn only_url_for_of_sections_leaves_records_addresses_out() {
        let of = |text: &str| record_urls(&theme(&[("a.html", text)], &[]));
        assert!(!of(
            "<a href=\"{{ url_for(section=\"news\") }}\">{{ url_for( section = 'x' ) }}"
        ));
        assert!(!of("no lookups at all"));
        assert!(of("{{ url_for(id=\"partners/tehnopol\") }}"));
        assert!(of("{{ url_for(id=item.id) }}"));
        assert!(of("{{ url_for(section=s, id=i) }}"));
        assert!(of("{{ url_for(lang=\"en\", section=\"news\") }}"));
        assert!(of("{{ url_for }}"));
        assert!(of("{{ url_for(section=\"news\""));
    }

    fn theme(templates: &[(&str, &str)], statics: &[(&str, &str)]) -> Theme {
        Theme {
            templates: templates
                .iter()
                .map(|(n, t)| {
                    let template = Template {
                        path: format!("themes/t/templates/{n}"),
                        text: t.to_string(),
                    };
                    (n.to_string(), template)
                })
                .collect(),
            static_files: statics
                .iter()
                .map(|(p, h)| {
                    let file = StaticFile {
                        bytes: Arc::new(Vec::new()),
                        hash: h.to_string(),
                    };
                    (p.to_string(), file)
                })
                .collect(),
            ..Theme::default()
        }
    }

    /// The templates whose hash differs between two themes.
    fn changed(a: &Theme, b: &Theme) -> Vec<String> {
        let (a, b) = (hashes(a), hashes(b));
        let mut out: Vec<String> = a
            .iter()
            .filter(|(k, v)| b.get(*k) != Some(v))
            .map(|(k, _)| k.to_string())
            .collect();
        out.extend(
            b.keys()
                .filter(|k| !a.contains_key(*k))
                .map(|k| k.to_string()),
        );
        out
    }

    const BASE: &str =
        "<link href=\"{{ asset(path='style.css') }}\">{% block main %}{% endblock main %}";
    const NEWS: &str =
        "{% extends \"base.html\" %}{% block main %}{% include \"item.html\" %}{% endblock main %}";
    const PAGE: &str = "{% extends \"base.html\" %}{% block main %}<script src=\"{{ asset(path='p.js') }}\"></script>{% endblock main %}";

    fn site_theme(item: &str, style: &str, script: &str) -> Theme {
        theme(
            &[
                ("base.html", BASE),
                ("news.html", NEWS),
                ("page.html", PAGE),
                ("item.html", item),
            ],
            &[("style.css", style), ("p.js", script), ("unused.png", "1")],
        )
    }

    /// `theme` with `text` added to the end of its template `name`.
    fn appended(mut theme: Theme, name: &str, text: &str) -> Theme {
        if let Some(t) = theme.templates.get_mut(name) {
            t.text.push_str(text);
        }
        theme
    }

    #[test]
    fn an_edit_changes_the_hashes_of_the_templates_that_use_it() {
        let before = site_theme("<li>", "s1", "j1");
        assert!(changed(&before, &site_theme("<li>", "s1", "j1")).is_empty());
        // A partial: the template that includes it and the partial itself.
        assert_eq!(
            changed(&before, &site_theme("<li class=x>", "s1", "j1")),
            ["item.html", "news.html"]
        );
        // A script only one template links.
        assert_eq!(
            changed(&before, &site_theme("<li>", "s1", "j2")),
            ["page.html"]
        );
        // The stylesheet of the base template: every page.
        assert_eq!(
            changed(&before, &site_theme("<li>", "s2", "j1")),
            ["base.html", "news.html", "page.html"]
        );
        // The base template itself.
        let edited = appended(
            site_theme("<li>", "s1", "j1"),
            "base.html",
            "<footer></footer>",
        );
        assert_eq!(
            changed(&before, &edited),
            ["base.html", "news.html", "page.html"]
        );
        // A static file no template links changes no page.
        let mut edited = site_theme("<li>", "s1", "j1");
        if let Some(f) = edited.static_files.get_mut("unused.png") {
            f.hash = "2".into();
        }
        assert!(changed(&before, &edited).is_empty());
    }

    #[test]
    fn components_and_unreadable_tags_are_used_by_every_template() {
        let with = |components: &str| {
            let mut t = site_theme("<li>", "s1", "j1");
            t.templates.insert(
                "components.html".into(),
                Template {
                    path: String::new(),
                    text: components.into(),
                },
            );
            t
        };
        let before = with("{% component A() %}a{% endcomponent A %}");
        let after = with("{% component A() %}b{% endcomponent A %}");
        assert_eq!(
            changed(&before, &after),
            [
                "base.html",
                "components.html",
                "item.html",
                "news.html",
                "page.html"
            ]
        );
        // An include that names no string: the template uses every template.
        let include = "{% include which %}";
        let dynamic = appended(site_theme("<li>", "s1", "j1"), "page.html", include);
        let edited = appended(site_theme("<li class=x>", "s1", "j1"), "page.html", include);
        assert_eq!(
            changed(&dynamic, &edited),
            ["item.html", "news.html", "page.html"]
        );
    }
}
