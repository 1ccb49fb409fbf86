//! The theme, resolved into the site model: the interface strings of every language
//! (the theme's, through the themes it extends, then the site's `content/i18n/`), each
//! language's name in itself, warnings for strings a language lacks, the templates a
//! theme must have, the ids and classes content may not take, and static files that
//! the build's own files would hide.

use crate::diagnostics::Diagnostic;
use crate::load::theme::LoadedTheme;
use crate::load::yaml::{Kind, Node};
use crate::load::{SourceFile, YamlFile};
use crate::model::{
    REQUIRED_TEMPLATES, Reserved, SiteConfig, StaticFile, Strings, Template, Theme, paths,
};
use std::collections::BTreeMap;

/// Key → text of one language, with the file each text came from.
type Merged = BTreeMap<String, (String, String)>;

/// Builds the model's theme and sets the languages' names in `config`.
pub fn resolve(
    loaded: LoadedTheme,
    site_i18n: &BTreeMap<String, YamlFile>,
    config: &mut SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> Theme {
    let name = loaded
        .chain
        .first()
        .cloned()
        .unwrap_or_else(|| "default".into());
    let langs: Vec<String> = config.languages.iter().map(|l| l.code.clone()).collect();
    let mut theme_strings: BTreeMap<String, Merged> = BTreeMap::new();
    for (lang, file) in &loaded.i18n {
        merge(
            theme_strings.entry(lang.clone()).or_default(),
            &file.file,
            &file.node,
            diags,
        );
    }
    let mut by_lang = BTreeMap::new();
    for lang in &langs {
        let mut merged = theme_strings.get(lang).cloned().unwrap_or_default();
        if let Some(file) = site_i18n.get(lang) {
            merge(&mut merged, &file.file, &file.node, diags);
        }
        if merged.is_empty() {
            diags.push(
                Diagnostic::warning(
                    "translation",
                    format!("content/i18n/{lang}.yaml"),
                    format!("the theme has no interface strings for `{lang}`; the default language's (or else English) are shown"),
                )
                .with_help(if site_i18n.contains_key(lang) {
                    format!("write the texts in content/i18n/{lang}.yaml (each is still \"\")")
                } else {
                    format!("run `klaster strings {lang}`: it writes content/i18n/{lang}.yaml with every text to translate")
                }),
            );
        }
        by_lang.insert(
            lang.clone(),
            merged
                .into_iter()
                .map(|(k, (v, _))| (k, v))
                .collect::<BTreeMap<_, _>>(),
        );
    }
    let english = theme_strings
        .get("en")
        .map(|m| m.iter().map(|(k, (v, _))| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let strings = Strings::new(by_lang, config.default_lang().to_string(), english);

    let mut missing_strings = BTreeMap::new();
    for lang in config.languages.iter_mut() {
        // The language's name in itself, from the theme or the site's strings.
        if let Some(n) = strings.own(&lang.code, "language_name") {
            lang.name = n.to_string();
        }
        let missing: Vec<String> = strings
            .missing(&lang.code)
            .into_iter()
            .map(str::to_string)
            .collect();
        // A language with no strings at all was reported above.
        if !missing.is_empty() && strings.has_language(&lang.code) {
            diags.push(
                Diagnostic::warning(
                    "translation",
                    format!("content/i18n/{}.yaml", lang.code),
                    format!(
                        "{} interface {} missing in `{}`; the default language's are shown: {}",
                        missing.len(),
                        if missing.len() == 1 {
                            "string is"
                        } else {
                            "strings are"
                        },
                        lang.code,
                        missing.join(", ")
                    ),
                )
                .with_help(format!("add them to content/i18n/{}.yaml", lang.code)),
            );
        }
        if !missing.is_empty() {
            missing_strings.insert(lang.code.clone(), missing);
        }
    }

    for required in REQUIRED_TEMPLATES {
        if !loaded.templates.contains_key(*required) {
            diags.push(
                Diagnostic::error(
                    "template",
                    format!("themes/{name}/templates/{required}"),
                    format!("the theme has no `{required}` template"),
                )
                .with_help(
                    "add it, or `extends: default` in theme.yaml to take it from the default theme",
                ),
            );
        }
    }
    let lang_refs: Vec<&str> = langs.iter().map(String::as_str).collect();
    for path in loaded.static_files.keys() {
        if paths::is_generated(path, &lang_refs) {
            diags.push(
                Diagnostic::warning(
                    "theme",
                    format!("themes/{name}/static/{path}"),
                    format!("the static file `{path}` has the name of a file the build makes itself, so it is not copied"),
                )
                .with_help("rename it, or move it into a folder of its own (e.g. `static/assets/`)"),
            );
        }
    }

    let files = files(loaded.templates, loaded.static_files, &lang_refs);
    Theme {
        chain: loaded.chain,
        templates: files.templates,
        static_files: files.static_files,
        strings,
        reserved: files.reserved,
        missing_strings,
    }
}

/// The templates and static files of a theme as the model holds them, and the names
/// they reserve.
struct Files {
    templates: BTreeMap<String, Template>,
    static_files: BTreeMap<String, StaticFile>,
    reserved: Reserved,
}

fn files(
    templates: BTreeMap<String, std::sync::Arc<SourceFile>>,
    static_files: BTreeMap<String, StaticFile>,
    langs: &[&str],
) -> Files {
    let reserved = Reserved::from_theme(
        templates.values().map(|f| f.text.as_str()),
        static_files
            .iter()
            .filter(|(path, _)| path.ends_with(".css"))
            .filter_map(|(_, f)| std::str::from_utf8(&f.bytes).ok()),
    );
    Files {
        templates: templates
            .into_iter()
            .map(|(name, file)| {
                let template = Template {
                    path: file.rel.clone(),
                    text: file.text.clone(),
                };
                (name, template)
            })
            .collect(),
        static_files: static_files
            .into_iter()
            .filter(|(path, _)| !paths::is_generated(path, langs))
            .collect(),
        reserved,
    }
}

/// Puts the templates and static files of `loaded` in place of `theme`'s, when that
/// is all an edit of the theme changed: its strings and settings are as they were
/// (the caller knows), it still has every required template, no static file has the
/// name of a file the build makes, and the templates and stylesheets reserve the same
/// ids and classes (content was checked against them). `false`, with `theme` as it
/// was, when the site must be resolved again.
pub fn patch(theme: &mut Theme, loaded: LoadedTheme, langs: &[&str]) -> bool {
    let complete = REQUIRED_TEMPLATES
        .iter()
        .all(|t| loaded.templates.contains_key(*t));
    let hidden = loaded
        .static_files
        .keys()
        .any(|path| paths::is_generated(path, langs));
    if !complete || hidden || loaded.chain != theme.chain {
        return false;
    }
    let files = files(loaded.templates, loaded.static_files, langs);
    if files.reserved != theme.reserved {
        return false;
    }
    theme.templates = files.templates;
    theme.static_files = files.static_files;
    true
}

fn merge(strings: &mut Merged, file: &SourceFile, node: &Node, diags: &mut Vec<Diagnostic>) {
    let Some(map) = node.as_map() else {
        if !matches!(node.kind, Kind::Null) {
            diags.push(
                Diagnostic::error(
                    "i18n",
                    file.rel.clone(),
                    "interface texts must be a mapping of `key: text`",
                )
                .at(&file.text, node.line, node.column),
            );
        }
        return;
    };
    for (k, v) in map {
        let key = k.scalar_text().unwrap_or_default();
        match v.scalar_text() {
            // Not written yet (as `klaster strings` leaves it): the fallback shows.
            Some(text) if text.trim().is_empty() => {}
            Some(text) => {
                strings.insert(key, (text, file.rel.clone()));
            }
            None => diags.push(
                Diagnostic::error(
                    "i18n",
                    file.rel.clone(),
                    format!("the text `{key}` must be text"),
                )
                .at(&file.text, v.line, v.column),
            ),
        }
    }
}
