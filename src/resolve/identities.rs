//! Pass 1 of resolve: what every record needs to know about the others before any is
//! read in full — its languages, draft flag, slugs and page paths — so references
//! and `@` links can be checked in any order, and slugs checked for duplicates.

use crate::diagnostics::{Diagnostic, suggestion_help};
use crate::load::yaml::Kind;
use crate::load::{RawFile, RawRecord, YamlFile};
use crate::model::paths::{self, RESERVED_SLUGS};
use crate::model::{Collection, RecordId, SLUG_RULE, SiteConfig, is_valid_slug, slugify};
use std::collections::{BTreeMap, HashMap};

/// What every record needs to know about the others.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    /// Languages the record has a page in.
    pub langs: Vec<String>,
    /// Site-relative page path per language (`None` for records without pages).
    pub paths: ByLang<Option<String>>,
    pub slugs: ByLang<String>,
    /// Whether the record is part of this build (not a left-out draft).
    pub included: bool,
}

impl Identity {
    /// Whether `self` differs from `old` in slugs and page paths only: the same
    /// languages, in the build as before, with a page in the same languages. Such a
    /// record keeps its place among the others and its pages; only their addresses
    /// change.
    pub fn moved_from(&self, old: &Identity) -> bool {
        self != old
            && self.langs == old.langs
            && self.included == old.included
            && self.langs.iter().all(|l| {
                self.paths.get(l).is_some_and(Option::is_some)
                    == old.paths.get(l).is_some_and(Option::is_some)
            })
    }
}

/// A value per language code, in the order they were added. (A record has a few
/// languages; a `BTreeMap`'s first node reserves room for eleven: at 2 × 50,000
/// records the two maps of every identity were 40 MB.)
#[derive(Debug, Clone, PartialEq)]
pub struct ByLang<V>(Vec<(String, V)>);

impl<V> ByLang<V> {
    fn with_capacity(n: usize) -> ByLang<V> {
        ByLang(Vec::with_capacity(n))
    }

    pub fn get(&self, lang: &str) -> Option<&V> {
        self.0.iter().find(|(l, _)| l == lang).map(|(_, v)| v)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    /// Sets the value of `lang`, replacing an earlier one.
    fn insert(&mut self, lang: String, v: V) {
        match self.0.iter_mut().find(|(l, _)| *l == lang) {
            Some(slot) => slot.1 = v,
            None => self.0.push((lang, v)),
        }
    }
}

#[derive(Debug, Default)]
pub struct IdTable {
    map: HashMap<RecordId, Identity>,
    stems: BTreeMap<Collection, Vec<String>>,
}

impl IdTable {
    pub fn get(&self, id: &RecordId) -> Option<&Identity> {
        self.map.get(id)
    }

    /// Gives record `id` the identity `moved` (see [`Identity::moved_from`]), when no
    /// other record of the build has a page at one of its new slugs: the whole pass
    /// would then report the duplicate, so `false` is returned and nothing changes.
    pub fn move_to(&mut self, id: &RecordId, moved: Identity) -> bool {
        let Some(old) = self.map.get(id) else {
            return false;
        };
        let new_slugs: Vec<(&str, &str)> = moved
            .slugs
            .0
            .iter()
            .filter(|(lang, slug)| old.slugs.get(lang) != Some(slug))
            .filter(|(lang, _)| moved.paths.get(lang).is_some_and(Option::is_some))
            .map(|(l, s)| (l.as_str(), s.as_str()))
            .collect();
        let taken = self.taken(id, &new_slugs);
        if !taken {
            self.map.insert(id.clone(), moved);
        }
        !taken
    }

    /// Whether an included record other than `id` has a page at one of `slugs` (by
    /// language) in `id`'s collection.
    fn taken(&self, id: &RecordId, slugs: &[(&str, &str)]) -> bool {
        self.map.iter().any(|(other, identity)| {
            other != id
                && other.collection == id.collection
                && identity.included
                && slugs.iter().any(|(lang, slug)| {
                    identity.slugs.get(lang).is_some_and(|s| s == slug)
                        && identity.paths.get(lang).is_some_and(Option::is_some)
                })
        })
    }

    /// Makes `identity` the identity of record `id`, a record that joins the build
    /// (new, or a draft published), when no other record has a page at one of its
    /// slugs; `false` (and nothing changed) when one has.
    pub fn join(&mut self, id: &RecordId, identity: Identity) -> bool {
        let slugs: Vec<(&str, &str)> = identity
            .slugs
            .0
            .iter()
            .filter(|(lang, _)| identity.paths.get(lang).is_some_and(Option::is_some))
            .map(|(l, s)| (l.as_str(), s.as_str()))
            .collect();
        if self.taken(id, &slugs) {
            return false;
        }
        if self.map.insert(id.clone(), identity).is_none() {
            self.stems
                .entry(id.collection)
                .or_default()
                .push(id.stem.clone());
        }
        true
    }

    /// Record `id` leaves the build: with `draft`, its identity as a draft; without,
    /// its files are gone and so is it.
    pub fn leave(&mut self, id: &RecordId, draft: Option<Identity>) {
        match draft {
            Some(identity) => {
                self.map.insert(id.clone(), identity);
            }
            None => {
                self.map.remove(id);
                if let Some(stems) = self.stems.get_mut(&id.collection) {
                    stems.retain(|s| *s != id.stem);
                }
            }
        }
    }

    pub fn stems(&self, c: Collection) -> Vec<&str> {
        self.stems
            .get(&c)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

fn file_diag(f: &RawFile, code: &'static str, msg: String, help: String) -> Diagnostic {
    Diagnostic::error(code, f.file.rel.clone(), msg).with_help(help)
}

/// Pass 1: languages, drafts, slugs and paths of every record.
pub fn identities(
    raws: &[RawRecord],
    config: &SiteConfig,
    drafts: bool,
) -> (IdTable, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut table = IdTable::default();
    let default = config.default_lang();
    let langs: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    // (collection, lang, slug) → id, for duplicate detection.
    let mut taken: HashMap<(Collection, String, String), RecordId> = HashMap::new();

    for raw in raws {
        let id = RecordId::new(raw.collection, raw.stem.clone());
        let Some(first) = raw.files.first() else {
            continue;
        };
        if !is_valid_slug(&raw.stem) {
            let suggestion = slugify(&raw.stem);
            diags.push(
                file_diag(
                    first,
                    "slug",
                    format!("the file name `{}` is not a valid slug", raw.stem),
                    format!("{SLUG_RULE}; rename it to `{suggestion}`"),
                )
                .at(&first.file.text, 0, 0),
            );
            continue;
        }
        // Language files must be for the site's languages.
        let mut file_langs = Vec::new();
        for f in &raw.files {
            if let Some(l) = &f.lang {
                if langs.contains(&l.as_str()) {
                    file_langs.push(l.clone());
                } else {
                    diags.push(file_diag(
                        f,
                        "language",
                        format!(
                            "`{l}` is not one of the site's languages ({})",
                            langs.join(", ")
                        ),
                        format!(
                            "{}; or add `{l}` to `languages` in content/site.yaml",
                            suggestion_help(l, &langs)
                        ),
                    ));
                }
            }
        }
        // Two files for the same language (`a.yaml` and `a.md`, or one name in two
        // sub-folders) would silently merge.
        for (i, f) in raw.files.iter().enumerate() {
            if let Some(other) = raw.files[..i].iter().find(|o| o.lang == f.lang) {
                diags.push(file_diag(
                    f,
                    "duplicate",
                    format!(
                        "`{id}` has two files for the same language: `{}` and `{}`",
                        other.file.rel, f.file.rel
                    ),
                    "keep one of them, or rename one".to_string(),
                ));
            }
        }
        let has_base = raw
            .files
            .iter()
            .any(|f| f.lang.is_none() || f.lang.as_deref() == Some(default));
        let record_langs: Vec<String> = if file_langs.is_empty() {
            langs.iter().map(|s| s.to_string()).collect()
        } else if !has_base {
            // Only other languages' files: the record exists in those languages only.
            langs
                .iter()
                .filter(|l| file_langs.iter().any(|f| f == *l))
                .map(|s| s.to_string())
                .collect()
        } else {
            langs
                .iter()
                .filter(|l| **l == default || file_langs.iter().any(|f| f == *l))
                .map(|s| s.to_string())
                .collect()
        };

        // draft: from the shared file, else the default language's file.
        let mut draft = false;
        for f in raw
            .files
            .iter()
            .filter(|f| f.lang.is_some() && f.lang.as_deref() != Some(default))
        {
            if let Some(n) = f.fields.as_ref().and_then(|n| n.get("draft")) {
                diags.push(
                    Diagnostic::warning(
                        "draft",
                        f.file.rel.clone(),
                        "`draft` is read from the shared or the default language's file only",
                    )
                    .at(&f.file.text, n.line, n.column)
                    .with_help(format!(
                        "move `draft:` to the `{default}` file or the shared .yaml"
                    )),
                );
            }
        }
        for f in raw
            .files
            .iter()
            .filter(|f| f.lang.is_none() || f.lang.as_deref() == Some(default))
        {
            if let Some(n) = f.fields.as_ref().and_then(|n| n.get("draft")) {
                match n.kind {
                    Kind::Bool(b) => draft |= b,
                    Kind::Null => {}
                    _ => diags.push(
                        Diagnostic::error(
                            "type",
                            f.file.rel.clone(),
                            "`draft` must be `true` or `false`",
                        )
                        .at(&f.file.text, n.line, n.column)
                        .with_help("e.g. `draft: true`"),
                    ),
                }
            }
        }
        let included = drafts || !draft;

        let mut slugs = ByLang::with_capacity(record_langs.len());
        let mut paths = ByLang::with_capacity(record_langs.len());
        for lang in &record_langs {
            let slug = slug_for(raw, lang, &mut diags).unwrap_or_else(|| raw.stem.clone());
            let path = paths::record_page(raw.collection, &raw.stem, lang, &slug);
            if included && path.is_some() {
                let key = (raw.collection, lang.clone(), slug.clone());
                if let Some(other) = taken.get(&key) {
                    diags.push(file_diag(
                        first,
                        "duplicate-slug",
                        format!("the slug `{slug}` is used by `{other}` and `{id}` in `{lang}`"),
                        "give one of them another file name or a `slug:`".to_string(),
                    ));
                } else {
                    taken.insert(key, id.clone());
                }
            }
            let reserved = raw.collection == Collection::Pages
                && RESERVED_SLUGS.contains(&slug.as_str())
                && slug != "home";
            // Said once for the slug, not once per language.
            if reserved && !slugs.values().any(|s| s == &slug) {
                diags.push(file_diag(
                    first,
                    "reserved-slug",
                    format!(
                        "a page may not be called `{slug}`: the site uses /{lang}/{slug}/ and the same address in every language itself"
                    ),
                    format!("rename the page, e.g. `about-{slug}`"),
                ));
            }
            slugs.insert(lang.clone(), slug);
            paths.insert(lang.clone(), path);
        }
        table
            .stems
            .entry(raw.collection)
            .or_default()
            .push(raw.stem.clone());
        table.map.insert(
            id,
            Identity {
                langs: record_langs,
                paths,
                slugs,
                included,
            },
        );
    }
    (table, diags)
}

/// `slug:` of a record for `lang`: the language file's, else the shared file's
/// (text, or a `{lang: slug}` map).
fn slug_for(raw: &RawRecord, lang: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let order = raw
        .files
        .iter()
        .filter(|f| f.lang.as_deref() == Some(lang))
        .chain(raw.files.iter().filter(|f| f.lang.is_none()));
    for f in order {
        let Some(node) = f.fields.as_ref().and_then(|n| n.get("slug")) else {
            continue;
        };
        let (value, at) = match &node.kind {
            Kind::Map(entries) => match entries.iter().find(|(k, _)| k.as_str() == Some(lang)) {
                Some((_, v)) => (v.scalar_text(), v),
                None => continue,
            },
            _ => (node.scalar_text(), node),
        };
        let Some(value) = value else { continue };
        if is_valid_slug(&value) {
            return Some(value);
        }
        diags.push(
            Diagnostic::error(
                "slug",
                f.file.rel.clone(),
                format!("`{value}` is not a valid slug"),
            )
            .at(&f.file.text, at.line, at.column)
            .with_help(format!("{SLUG_RULE}; here: `{}`", slugify(&value))),
        );
        return None;
    }
    None
}

/// Every menu entry must lead to a page: a collection with a section page, or a record
/// that exists, is in the build and has a page of its own.
pub fn check_menu(site: &YamlFile, ids: &IdTable, diags: &mut Vec<Diagnostic>) {
    let Some(crate::load::yaml::Node {
        kind: Kind::Seq(items),
        ..
    }) = site.node.get("menu")
    else {
        return;
    };
    for item in items {
        let Some(s) = item.scalar_text() else {
            continue;
        };
        let at = |d: Diagnostic| d.at(&site.file.text, item.line, item.column);
        if s == "pages" {
            diags.push(at(Diagnostic::error(
                "menu",
                site.file.rel.clone(),
                "`pages` has no section page of its own",
            )
            .with_help("list free pages by id, e.g. `pages/about`")));
            continue;
        }
        let Some(id) = RecordId::parse(&s) else {
            continue;
        };
        match ids.get(&id) {
            None => diags.push(at(Diagnostic::error(
                "menu",
                site.file.rel.clone(),
                format!("the menu links to `{id}`, which does not exist"),
            )
            .with_help(suggestion_help(&id.stem, &ids.stems(id.collection))))),
            Some(identity) if identity.paths.values().all(Option::is_none) => {
                diags.push(at(Diagnostic::error(
                    "menu",
                    site.file.rel.clone(),
                    format!("`{id}` has no page of its own to link to"),
                )
                .with_help("link its collection instead, e.g. `people`")))
            }
            Some(identity) if !identity.included => diags.push(at(Diagnostic::warning(
                "menu",
                site.file.rel.clone(),
                format!("`{id}` is a draft; the menu leaves it out"),
            ))),
            Some(_) => {}
        }
    }
}
