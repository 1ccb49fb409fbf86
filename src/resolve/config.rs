//! `content/site.yaml` → [`SiteConfig`].

use crate::diagnostics::{Diagnostic, suggestion_help};
use crate::load::yaml::{Kind, Node};
use crate::load::{SourceFile, YamlFile};
use crate::model::{
    Collection, Funder, Language, MenuItem, OrganisationInfo, RecordId, SiteConfig, Text,
};

const FIELDS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "languages",
    "theme",
    "organisation",
    "partner_categories",
    "people_groups",
    "funders",
    "menu",
    "unsafe_html",
    "brand",
    "extra",
];

/// Names of languages in themselves. A theme's i18n file can give others
/// (`language_name`), so this is only the fallback.
pub fn native_name(code: &str) -> Option<&'static str> {
    let base = code.split('-').next().unwrap_or(code);
    Some(match base {
        "et" => "Eesti",
        "en" => "English",
        "fi" => "Suomi",
        "sv" => "Svenska",
        "de" => "Deutsch",
        "fr" => "Français",
        "lv" => "Latviešu",
        "lt" => "Lietuvių",
        "ru" => "Русский",
        "uk" => "Українська",
        "pl" => "Polski",
        "no" | "nb" => "Norsk",
        "da" => "Dansk",
        "es" => "Español",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pt" => "Português",
        _ => return None,
    })
}

pub struct ConfigReader<'a> {
    pub file: &'a SourceFile,
    pub diags: Vec<Diagnostic>,
    pub languages: Vec<String>,
}

impl<'a> ConfigReader<'a> {
    pub fn error(&mut self, node: &Node, msg: impl Into<String>, help: impl Into<String>) {
        self.push(
            Diagnostic::error("site", self.file.rel.clone(), msg),
            node,
            help,
        );
    }

    /// Anchors `d` at `node` of site.yaml with its help.
    fn push(&mut self, d: Diagnostic, node: &Node, help: impl Into<String>) {
        self.diags.push(
            d.at(&self.file.text, node.line, node.column)
                .with_help(help),
        );
    }

    /// A translatable text of site.yaml.
    pub fn text(&mut self, node: &Node, what: &str) -> Text {
        match &node.kind {
            Kind::Map(entries) => {
                let mut t = Text::default();
                let langs: Vec<&str> = self.languages.iter().map(String::as_str).collect();
                for (code, text, _) in
                    super::texts::language_map(self.file, entries, &langs, what, &mut self.diags)
                {
                    t.per_lang.insert(code, text);
                }
                // Settings shown on every page: a missing translation falls back to the
                // default language (or any given text) and is reported like a record's.
                if !t.per_lang.is_empty() {
                    for lang in self.languages.clone() {
                        if t.per_lang.get(&lang).is_none_or(|s| s.trim().is_empty()) {
                            let d = Diagnostic::warning(
                                "translation",
                                self.file.rel.clone(),
                                format!("the `{lang}` translation of {what} is missing"),
                            );
                            self.push(d, node, format!("add `{lang}: ...` to it"));
                        }
                    }
                }
                t
            }
            _ => match node.scalar_text() {
                Some(s) => Text::same(s),
                None => {
                    self.error(
                        node,
                        format!("{what} must be text or a map of languages"),
                        "e.g. `{en: Partners, et: Partnerid}`",
                    );
                    Text::default()
                }
            },
        }
    }

    /// A table of keys with labels (`partner_categories`, `people_groups`): the site's,
    /// or, when site.yaml has none, the theme's (`theme.yaml`), whose labels in
    /// languages the site does not have are left out and whose English label is shown
    /// for languages it lacks.
    fn labels(
        &mut self,
        node: Option<&Node>,
        what: &str,
        theme_default: Option<&Node>,
    ) -> Vec<(String, Text)> {
        let Some(node) = node else {
            let entries = theme_default.and_then(Node::as_map).unwrap_or(&[]);
            return entries
                .iter()
                .filter_map(|(k, v)| {
                    let key = k.scalar_text()?;
                    let mut t = Text::default();
                    for (code, label) in v.as_map().unwrap_or(&[]) {
                        let (Some(code), Some(label)) = (code.as_str(), label.scalar_text()) else {
                            continue;
                        };
                        if code == "en" {
                            t.same = Some(label.clone());
                        }
                        if self.languages.iter().any(|l| l == code) {
                            t.per_lang.insert(code.to_string(), label);
                        }
                    }
                    Some((key, t))
                })
                .collect();
        };
        let Some(map) = node.as_map() else {
            self.error(
                node,
                format!("`{what}` must be a mapping of key: label"),
                format!("e.g. `{what}: {{startup: {{en: Start-ups}}}}`"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in map {
            let key = k.scalar_text().unwrap_or_default();
            if !crate::model::is_valid_slug(&key) {
                self.error(
                    k,
                    format!("`{key}` is not a valid key"),
                    "keys use lower-case letters, digits and hyphens",
                );
                continue;
            }
            let label = self.text(v, &format!("`{what}.{key}`"));
            out.push((key, label));
        }
        out
    }
}

/// Validates site.yaml. Returns `None` when it is unusable (no languages).
/// `theme` is the theme's `theme.yaml` files, its root ancestor's first: their
/// `partner_categories` and `people_groups` are the defaults.
pub fn read(
    site: &YamlFile,
    base_url_override: Option<&str>,
    theme: &[YamlFile],
) -> (Option<SiteConfig>, Vec<Diagnostic>) {
    let theme_default = |key: &str| theme.iter().rev().find_map(|t| t.node.get(key));
    let mut r = ConfigReader {
        file: &site.file,
        diags: Vec::new(),
        languages: Vec::new(),
    };
    let root = &site.node;
    let Some(map) = root.as_map() else {
        r.error(
            root,
            "site.yaml must be a mapping of settings",
            "start with `title: ...` and `languages: [en]`",
        );
        return (None, r.diags);
    };
    for (k, _) in map {
        let key = k.scalar_text().unwrap_or_default();
        if !FIELDS.contains(&key.as_str()) {
            let d = Diagnostic::error(
                "unknown-field",
                site.file.rel.clone(),
                format!("unknown setting `{key}`"),
            );
            r.push(d, k, suggestion_help(&key, FIELDS));
        }
    }

    // languages first: everything translatable depends on them.
    let mut languages: Vec<Language> = Vec::new();
    match root.get("languages") {
        Some(Node {
            kind: Kind::Seq(items),
            ..
        }) if !items.is_empty() => {
            for item in items {
                let code = item.scalar_text().unwrap_or_default();
                if !crate::model::is_language_tag(&code) {
                    r.error(
                        item,
                        format!("`{code}` is not a BCP 47 language code"),
                        "use codes like `et`, `en`, `fi`, `pt-BR`",
                    );
                } else if languages.iter().any(|l| l.code == code) {
                    r.error(
                        item,
                        format!("the language `{code}` is listed twice"),
                        "list each language once",
                    );
                } else {
                    languages.push(Language {
                        name: native_name(&code).unwrap_or(&code).to_string(),
                        code,
                    });
                }
            }
        }
        Some(n) => r.error(
            n,
            "`languages` must be a non-empty list of language codes",
            "e.g. `languages: [et, en]` (the first is the default)",
        ),
        None => r.diags.push(
            Diagnostic::error(
                "missing-field",
                site.file.rel.clone(),
                "the setting `languages` is missing",
            )
            .at(&site.file.text, 1, 1)
            .with_help("add `languages: [et, en]`; the first is the default language"),
        ),
    }
    if languages.is_empty() {
        return (None, r.diags);
    }
    r.languages = languages.iter().map(|l| l.code.clone()).collect();

    let title = match root.get("title") {
        Some(n) => r.text(n, "`title`"),
        None => {
            r.diags.push(
                Diagnostic::error(
                    "missing-field",
                    site.file.rel.clone(),
                    "the setting `title` is missing",
                )
                .at(&site.file.text, 1, 1)
                .with_help("add `title: Your site's name`"),
            );
            Text::default()
        }
    };
    let description = root
        .get("description")
        .map(|n| r.text(n, "`description`"))
        .unwrap_or_default();

    let raw_base = match base_url_override {
        Some(b) => Some(b.to_string()),
        None => root.get("base_url").and_then(|n| match n.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                r.error(
                    n,
                    "`base_url` must be a web address",
                    "e.g. `base_url: https://example.org`",
                );
                None
            }
        }),
    };
    let (base_url, base_path) = match raw_base.as_deref().map(base_url) {
        Some(Ok(u)) => split_base(&u),
        Some(Err((m, h))) => {
            if let Some(n) = root.get("base_url").filter(|_| base_url_override.is_none()) {
                r.error(n, m, h);
            } else {
                r.diags
                    .push(Diagnostic::error("base-url", "--base-url", m).with_help(h));
            }
            ("https://example.org".to_string(), String::new())
        }
        None => ("http://localhost".to_string(), String::new()),
    };

    let theme = match root.get("theme") {
        Some(n) => n.as_str().map(str::to_string).unwrap_or_else(|| {
            r.error(
                n,
                "`theme` must be the name of a folder in themes/",
                "e.g. `theme: default`",
            );
            "default".into()
        }),
        None => "default".into(),
    };

    let mut organisation = OrganisationInfo::default();
    if let Some(n) = root.get("organisation") {
        match n.as_map() {
            Some(entries) => {
                for (k, v) in entries {
                    match k.as_str().unwrap_or("") {
                        "name" => organisation.name = r.text(v, "`organisation.name`"),
                        "address" => organisation.address = r.text(v, "`organisation.address`"),
                        "email" => organisation.email = check(&mut r, v, super::values::email),
                        "phone" => organisation.phone = check(&mut r, v, super::values::phone),
                        "website" => organisation.website = check(&mut r, v, super::values::url),
                        other => {
                            let other = other.to_string();
                            r.error(
                                k,
                                format!("unknown field `{other}` in `organisation`"),
                                suggestion_help(
                                    &other,
                                    &["name", "email", "phone", "address", "website"],
                                ),
                            );
                        }
                    }
                }
            }
            None => r.error(
                n,
                "`organisation` must be a mapping",
                "e.g. `organisation: {name: ..., email: ...}`",
            ),
        }
    }

    let partner_categories = r.labels(
        root.get("partner_categories"),
        "partner_categories",
        theme_default("partner_categories"),
    );
    let people_groups = r.labels(
        root.get("people_groups"),
        "people_groups",
        theme_default("people_groups"),
    );

    let mut funders = Vec::new();
    if let Some(n) = root.get("funders") {
        match n.as_map() {
            Some(entries) => {
                for (k, v) in entries {
                    let key = k.scalar_text().unwrap_or_default();
                    if !crate::model::is_valid_slug(&key) {
                        r.error(
                            k,
                            format!("`{key}` is not a valid funder key"),
                            format!(
                                "keys use lower-case letters, digits and single hyphens, e.g. `{}`",
                                crate::model::slugify(&key)
                            ),
                        );
                        continue;
                    }
                    let mut name = Text::same(key.clone());
                    let mut eu = false;
                    match v.as_map() {
                        Some(fields) => {
                            for (fk, fv) in fields {
                                match fk.as_str().unwrap_or("") {
                                    "name" => name = r.text(fv, &format!("`funders.{key}.name`")),
                                    "eu" => match fv.kind {
                                        Kind::Bool(b) => eu = b,
                                        _ => r.error(
                                            fv,
                                            "`eu` must be `true` or `false`",
                                            "e.g. `eu: true`",
                                        ),
                                    },
                                    other => {
                                        let other = other.to_string();
                                        r.error(
                                            fk,
                                            format!("unknown field `{other}` in a funder"),
                                            suggestion_help(&other, &["name", "eu"]),
                                        );
                                    }
                                }
                            }
                        }
                        None => name = r.text(v, &format!("`funders.{key}`")),
                    }
                    funders.push(Funder { key, name, eu });
                }
            }
            None => r.error(
                n,
                "`funders` must be a mapping of key: {name, eu}",
                "e.g. `funders: {erdf: {name: ..., eu: true}}`",
            ),
        }
    }

    let mut menu = Vec::new();
    match root.get("menu") {
        Some(Node {
            kind: Kind::Seq(items),
            ..
        }) => {
            for item in items {
                let s = item.scalar_text().unwrap_or_default();
                if let Some(c) = Collection::from_name(&s) {
                    menu.push(MenuItem::Section(c));
                } else if let Some(id) = RecordId::parse(&s) {
                    menu.push(MenuItem::Record(id));
                } else {
                    let names: Vec<&str> = Collection::ALL.iter().map(|c| c.name()).collect();
                    r.error(
                        item,
                        format!("`{s}` is not a section or a record id"),
                        format!(
                            "use a collection ({}) or an id like `pages/about`",
                            names.join(", ")
                        ),
                    );
                }
            }
        }
        Some(n) => r.error(
            n,
            "`menu` must be a list",
            "e.g. `menu: [partners, projects, pages/about]`",
        ),
        None => {
            menu = Collection::ALL[..5]
                .iter()
                .map(|c| MenuItem::Section(*c))
                .collect()
        }
    }

    let unsafe_html = match root.get("unsafe_html") {
        Some(Node {
            kind: Kind::Bool(b),
            ..
        }) => *b,
        Some(n) => {
            r.error(
                n,
                "`unsafe_html` must be `true` or `false`",
                "leave it out to keep raw HTML escaped",
            );
            false
        }
        None => false,
    };
    let extra = root
        .get("extra")
        .map(Node::to_json)
        .unwrap_or(serde_json::Value::Null);

    let config = SiteConfig {
        title,
        description,
        base_url,
        base_path,
        languages,
        theme,
        organisation,
        partner_categories,
        people_groups,
        funders,
        menu,
        unsafe_html,
        // Read with the media files (resolve/brand.rs).
        brand: Default::default(),
        extra,
    };
    (Some(config), r.diags)
}

fn check(
    r: &mut ConfigReader,
    node: &Node,
    f: fn(&str) -> Result<String, super::values::Invalid>,
) -> Option<String> {
    let s = node.scalar_text().unwrap_or_default();
    match f(&s) {
        Ok(v) => Some(v),
        Err((m, h)) => {
            r.error(node, m, h);
            None
        }
    }
}

/// `https://org.github.io/site/` → (`https://org.github.io/site`, `/site`).
/// A site's address: a web address without a query or a fragment, since every
/// address of the site is made by adding a path to it.
fn base_url(s: &str) -> Result<String, super::values::Invalid> {
    let url = super::values::url(s)?;
    if url.contains(['?', '#']) {
        return Err((
            format!(
                "`{url}` has a query (`?`) or a fragment (`#`), which a site's address cannot have"
            ),
            "give the address of the site's home folder, e.g. `https://example.org/cluster/`"
                .into(),
        ));
    }
    Ok(url)
}

pub fn split_base(url: &str) -> (String, String) {
    let url = url.trim_end_matches('/').to_string();
    let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(&url);
    let path = after_scheme
        .find('/')
        .map(|i| after_scheme[i..].to_string())
        .unwrap_or_default();
    (url, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_has_no_query_or_fragment() {
        assert!(base_url("https://example.org/cluster/").is_ok());
        assert!(base_url("https://example.com/a?b=c").is_err());
        assert!(base_url("https://example.com#top").is_err());
    }

    #[test]
    fn base_url_keeps_its_path() {
        assert_eq!(
            split_base("https://org.github.io/site/"),
            ("https://org.github.io/site".into(), "/site".into())
        );
        assert_eq!(
            split_base("https://example.org"),
            ("https://example.org".into(), String::new())
        );
    }
}
