//! Interface strings ("Partners", "Read more") of the site's languages: the theme's,
//! overridden by the site's `content/i18n/<lang>.yaml` (merged in resolve), looked up
//! with a fallback to the default language and then to the theme's English.

use std::collections::BTreeMap;

#[derive(Debug, Default, Clone, Hash, PartialEq, Eq)]
pub struct Strings {
    /// Language → key → text.
    by_lang: BTreeMap<String, BTreeMap<String, String>>,
    default: String,
    /// The theme's English strings, the last resort for languages the theme lacks.
    english: BTreeMap<String, String>,
}

impl Strings {
    pub fn new(
        by_lang: BTreeMap<String, BTreeMap<String, String>>,
        default: String,
        english: BTreeMap<String, String>,
    ) -> Strings {
        Strings {
            by_lang,
            default,
            english,
        }
    }

    /// The string `key` in `lang`, else in the default language, else the theme's English.
    pub fn get(&self, lang: &str, key: &str) -> Option<&str> {
        [lang, self.default.as_str()]
            .iter()
            .find_map(|l| self.by_lang.get(*l).and_then(|m| m.get(key)))
            .or_else(|| self.english.get(key))
            .map(String::as_str)
    }

    /// The language whose text `get` returns: `lang` itself, else the default
    /// language, else English.
    pub fn lang_of<'a>(&'a self, lang: &'a str, key: &str) -> Option<&'a str> {
        if self.own(lang, key).is_some() {
            Some(lang)
        } else if self.own(&self.default, key).is_some() {
            Some(self.default.as_str())
        } else {
            self.english.get(key).map(|_| "en")
        }
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

    /// Every key the default language (or, lacking it, English) has.
    pub fn keys(&self) -> Vec<&str> {
        let base = self
            .by_lang
            .get(&self.default)
            .filter(|m| !m.is_empty())
            .unwrap_or(&self.english);
        base.keys().map(String::as_str).collect()
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
