//! Site-wide settings from `content/site.yaml`, resolved and validated.

use super::Record;
use super::RecordId;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// A translatable value: the same text in every language, or one text per language.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Text {
    /// Text given once for all languages.
    pub same: Option<String>,
    /// Text given per language code.
    pub per_lang: BTreeMap<String, String>,
}

impl Text {
    pub fn same(s: impl Into<String>) -> Text {
        Text {
            same: Some(s.into()),
            per_lang: BTreeMap::new(),
        }
    }

    /// The text for `lang`, else the default language's. The second value is the
    /// language the text is actually in when it had to fall back.
    pub fn get<'a>(&'a self, lang: &str, default: &'a str) -> Option<(&'a str, Option<&'a str>)> {
        if let Some(t) = self.per_lang.get(lang).filter(|t| !t.is_empty()) {
            return Some((t, None));
        }
        if let Some(t) = &self.same {
            return Some((t, None));
        }
        self.per_lang
            .get_key_value(default)
            .filter(|(_, t)| !t.is_empty())
            .or_else(|| self.per_lang.iter().find(|(_, t)| !t.is_empty()))
            .map(|(l, t)| (t.as_str(), Some(l.as_str())))
    }

    /// The text for `lang` with fallback, or empty.
    pub fn text(&self, lang: &str, default: &str) -> String {
        self.get(lang, default)
            .map(|(t, _)| t.to_string())
            .unwrap_or_default()
    }
}

/// One of the site's languages.
#[derive(Clone, Debug, Serialize)]
pub struct Language {
    /// BCP 47 code as written in `languages`.
    pub code: String,
    /// The language's name in itself ("Eesti", "English", "Suomi").
    pub name: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct OrganisationInfo {
    pub name: Text,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Text,
    pub website: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Funder {
    pub key: String,
    pub name: Text,
    /// EU funds show the emblem and the funding statement.
    pub eu: bool,
}

/// An entry of the menu: a collection's section page or a record's page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum MenuItem {
    Section(super::Collection),
    Record(RecordId),
}

/// `brand:` of site.yaml: the site's look without a template.
#[derive(Clone, Debug, Default)]
pub struct Brand {
    /// The header logo; also og:image and the JSON-LD logo when a page has no image.
    pub logo: Option<super::FileRef>,
    /// The browser tab's icon; the logo when not given, else the theme's.
    pub favicon: Option<super::FileRef>,
    /// The main colour as given and the colours derived from it (made accessible).
    pub color: Option<BrandColor>,
    /// The home page's picture and its text alternative.
    pub image: Option<super::FileRef>,
    pub image_alt: Text,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrandColor {
    /// As written in site.yaml, normalised to `#rrggbb`.
    pub given: String,
    pub main: String,
    pub hover: String,
    pub tint: String,
    pub focus: String,
}

#[derive(Clone, Debug)]
pub struct SiteConfig {
    pub title: Text,
    pub description: Text,
    /// Absolute base URL without a trailing slash, e.g. `https://org.github.io/site`.
    pub base_url: String,
    /// The path part of the base URL without a trailing slash (`/site`, or empty).
    pub base_path: String,
    pub languages: Vec<Language>,
    pub theme: String,
    pub organisation: OrganisationInfo,
    /// Ordered keys with their labels.
    pub partner_categories: Vec<(String, Text)>,
    pub people_groups: Vec<(String, Text)>,
    pub funders: Vec<Funder>,
    pub menu: Vec<MenuItem>,
    pub unsafe_html: bool,
    pub brand: Brand,
    pub extra: serde_json::Value,
}

impl SiteConfig {
    pub fn default_lang(&self) -> &str {
        self.languages
            .first()
            .map(|l| l.code.as_str())
            .unwrap_or("en")
    }

    pub fn funder(&self, key: &str) -> Option<&Funder> {
        self.funders.iter().find(|f| f.key == key)
    }
}

/// A file under `content/media/`.
#[derive(Clone, Debug)]
pub struct MediaFile {
    pub abs: PathBuf,
    pub size: u64,
}

/// A web address outside the site that the content uses, and where: a `website`
/// field, a related or document URL, or a link or image in a Markdown body.
/// `klaster check --links` fetches these.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExternalLink {
    pub url: String,
    /// The file, relative to the site root.
    pub path: String,
    /// 1-based line and column of the value or link.
    pub line: usize,
    pub column: usize,
}

/// The whole resolved site: settings, theme, records. Complete and immutable after
/// resolve; render takes nothing else.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub theme: super::Theme,
    /// Records sorted by id; drafts are left out unless `--drafts`.
    pub records: Vec<Record>,
    pub index: HashMap<RecordId, usize>,
    /// The date project status and "current" things are computed against.
    pub build_date: jiff::civil::Date,
    /// Media files by path relative to `content/media/`.
    pub media: BTreeMap<String, MediaFile>,
    /// The pictures among them, resized or sanitised (the images stage).
    pub pictures: super::Pictures,
    /// Whether the build includes drafts.
    pub drafts: bool,
    /// Every use of an outside address, sorted, each place once.
    pub links: Vec<ExternalLink>,
}

impl Site {
    /// Links and addresses for this site's base URL.
    pub fn urls(&self) -> super::paths::Urls<'_> {
        super::paths::Urls {
            base_url: &self.config.base_url,
            base_path: &self.config.base_path,
        }
    }

    pub fn get(&self, id: &RecordId) -> Option<&Record> {
        self.index.get(id).map(|&i| &self.records[i])
    }

    pub fn collection(&self, c: super::Collection) -> impl Iterator<Item = &Record> {
        self.records.iter().filter(move |r| r.id.collection == c)
    }
}

/// A record that joined or left `Site::records` (an edit in `serve`: a new record, a
/// record removed, a draft published or taken back). The records after it move up or
/// down by one, and every structure that names records by index follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shift {
    /// A record was put in at this index.
    Inserted(usize),
    /// The record at this index was taken out.
    Removed(usize),
}

impl Shift {
    /// The index after the shift of the record at `old` before it (`None` for the
    /// record taken out).
    pub fn after(self, old: usize) -> Option<usize> {
        match self {
            Shift::Inserted(at) if old >= at => Some(old + 1),
            Shift::Removed(at) if old == at => None,
            Shift::Removed(at) if old > at => Some(old - 1),
            _ => Some(old),
        }
    }

    /// The index before the shift of the record at `new` after it (`None` for the
    /// record put in).
    pub fn before(self, new: usize) -> Option<usize> {
        match self {
            Shift::Inserted(at) if new == at => None,
            Shift::Inserted(at) if new > at => Some(new - 1),
            Shift::Removed(at) if new >= at => Some(new + 1),
            _ => Some(new),
        }
    }

    /// The record put in, if one was.
    pub fn inserted(self) -> Option<usize> {
        match self {
            Shift::Inserted(at) => Some(at),
            Shift::Removed(_) => None,
        }
    }

    /// `old`, a list of records by their index before the shift, with each at its
    /// index after it (the record taken out left out).
    pub fn list(self, old: &[usize]) -> Vec<usize> {
        old.iter().filter_map(|&i| self.after(i)).collect()
    }
}
