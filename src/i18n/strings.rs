//! Interface strings ("Partners", "Read more"): the theme's, overridden by the site's
//! `content/i18n/<lang>.yaml`, looked up with a fallback to the default language.

use crate::diagnostics::Diagnostic;
use crate::load::LoadedContent;
use crate::load::theme::{self, Theme};
use std::collections::BTreeMap;

#[derive(Debug, Default, Clone, Hash)]
pub struct Strings {
    /// Language → key → text.
    by_lang: BTreeMap<String, BTreeMap<String, String>>,
    default: String,
    /// The theme's English strings, the last resort for languages the theme lacks.
    english: BTreeMap<String, String>,
}

impl Strings {
    /// Merges the theme's strings with the site's overrides for the site's languages.
    pub fn new(
        theme: &Theme,
        content: &LoadedContent,
        languages: &[String],
    ) -> (Strings, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut by_lang = BTreeMap::new();
        for lang in languages {
            let mut merged: theme::Strings = theme.strings.get(lang).cloned().unwrap_or_default();
            if let Some(file) = content.i18n.get(lang) {
                theme::merge_strings(&mut merged, &file.file, &file.node, &mut diags);
            }
            if merged.is_empty() {
                diags.push(
                    Diagnostic::warning(
                        "translation",
                        format!("themes/{}/i18n/{lang}.yaml", theme.chain.first().map(String::as_str).unwrap_or("default")),
                        format!("the theme has no interface strings for `{lang}`; the default language's (or else English) are used"),
                    )
                    .with_help(format!("add content/i18n/{lang}.yaml with the theme's keys translated")),
                );
            }
            by_lang.insert(
                lang.clone(),
                merged.into_iter().map(|(k, (v, _))| (k, v)).collect(),
            );
        }
        let default = languages.first().cloned().unwrap_or_default();
        let english = theme
            .strings
            .get("en")
            .map(|m| m.iter().map(|(k, (v, _))| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        (
            Strings {
                by_lang,
                default,
                english,
            },
            diags,
        )
    }

    /// The string `key` in `lang`, else in the default language, else the theme's English.
    pub fn get(&self, lang: &str, key: &str) -> Option<&str> {
        [lang, self.default.as_str()]
            .iter()
            .find_map(|l| self.by_lang.get(*l).and_then(|m| m.get(key)))
            .or_else(|| self.english.get(key))
            .map(String::as_str)
    }

    /// Whether `lang` has any strings of its own.
    pub fn has_language(&self, lang: &str) -> bool {
        self.by_lang.get(lang).is_some_and(|m| !m.is_empty())
    }

    /// The string `key` in `lang` itself, without falling back.
    pub fn own(&self, lang: &str, key: &str) -> Option<&str> {
        self.by_lang
            .get(lang)
            .and_then(|m| m.get(key))
            .map(String::as_str)
    }

    /// Keys the default language has but `lang` lacks (for the translation report).
    pub fn missing(&self, lang: &str) -> Vec<&str> {
        let Some(default) = self.by_lang.get(&self.default) else {
            return Vec::new();
        };
        let own = self.by_lang.get(lang);
        default
            .keys()
            .filter(|k| own.is_none_or(|m| !m.contains_key(*k)))
            .map(String::as_str)
            .collect()
    }
}
