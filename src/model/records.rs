//! Typed records of the six collections, each resolved for one language.
//!
//! Translatable fields hold the text for that language (or the default language's
//! text when a translation is missing; `Localized::fallback` then names the field).

use super::RecordId;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// A record in every language it exists in.
#[derive(Clone, Debug)]
pub struct Record {
    pub id: RecordId,
    /// Source files, relative to the site root, each with its language (`None` for
    /// the file shared by all languages).
    pub files: Vec<(Option<String>, String)>,
    pub draft: bool,
    /// The record resolved per language code; only the languages it exists in.
    pub locales: BTreeMap<String, Localized>,
}

impl Record {
    pub fn locale(&self, lang: &str) -> Option<&Localized> {
        self.locales.get(lang)
    }

    /// Where the record's `lang` texts are written: its language file, else its
    /// shared file.
    pub fn file_for(&self, lang: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(l, _)| l.as_deref() == Some(lang))
            .or_else(|| self.files.iter().find(|(l, _)| l.is_none()))
            .or(self.files.first())
            .map(|(_, f)| f.as_str())
    }
}

/// HTML kept compressed (LZ4) until a page shows it: bodies are most of a site's text,
/// and each is shown on one page (and perhaps in the feed and the search index).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Html {
    packed: std::sync::Arc<[u8]>,
}

impl Html {
    pub fn new(html: &str) -> Html {
        if html.is_empty() {
            return Html::default();
        }
        Html {
            packed: lz4_flex::compress_prepend_size(html.as_bytes()).into(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }

    /// The HTML. Compressed by [`Html::new`] from a `&str`, so it is UTF-8.
    pub fn text(&self) -> String {
        if self.packed.is_empty() {
            return String::new();
        }
        lz4_flex::decompress_size_prepended(&self.packed)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Html({} bytes compressed)", self.packed.len())
    }
}

/// A heading of a body, for the table of contents.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// One record in one language.
#[derive(Clone, Debug, Serialize)]
pub struct Localized {
    pub lang: String,
    pub slug: String,
    /// Site-relative path of the record's page (`/en/partners/tehnopol/`), without the
    /// base URL's path; `None` for records without a page (people, the home page).
    pub path: Option<String>,
    /// `name` or `title`, whichever the collection has: what lists and links show.
    pub label: String,
    pub summary: Option<String>,
    /// The body as HTML (escaped and sanitised unless `unsafe_html`).
    #[serde(skip)]
    pub body: Html,
    pub toc: Vec<TocEntry>,
    /// Translatable fields whose text fell back to another language: field → language.
    pub fallback: BTreeMap<String, String>,
    /// Translatable fields that have a text in this language or by fallback.
    #[serde(skip)]
    pub texts: Vec<String>,
    /// The language file's `translated_from` no longer matches the default text.
    #[serde(skip)]
    pub stale: bool,
    pub extra: serde_json::Value,
    pub data: RecordData,
}

#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum RecordData {
    Partner(Partner),
    Person(Person),
    Strategy(Strategy),
    Project(Project),
    News(News),
    Page(Page),
}

/// A file under `content/media/`, or an outside URL.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FileRef {
    /// The path under `media/` or the URL as written.
    pub src: String,
    /// Whether it is a local media file (its URL gets the base path when rendered).
    pub local: bool,
    /// Upper-case format from the file extension ("PDF"), if known.
    pub format: Option<String>,
    /// Size in bytes for local files.
    pub size: Option<u64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Money {
    /// Decimal amount as written, normalised (`600000`, `1250.50`).
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Period {
    pub from: i64,
    pub to: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Partner {
    pub name: String,
    pub category: String,
    pub website: Option<String>,
    pub logo: Option<FileRef>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub joined: Option<i64>,
    pub tags: Vec<String>,
    pub member: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum OrgRef {
    Partner(RecordId),
    Text(String),
}

#[derive(Clone, Debug, Serialize)]
pub struct Person {
    pub name: String,
    pub groups: Vec<String>,
    pub role: Option<String>,
    #[serde(rename = "title")]
    pub job_title: Option<String>,
    pub organisation: Option<OrgRef>,
    pub photo: Option<FileRef>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub order: Option<i64>,
    pub term: Option<Period>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Document {
    pub title: String,
    pub file: FileRef,
    pub language: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LinkItem {
    pub title: String,
    pub url: String,
}

/// Whether a strategy is the one in force.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum StrategyStatus {
    Current,
    Previous,
    Draft,
}

impl StrategyStatus {
    pub fn name(self) -> &'static str {
        match self {
            StrategyStatus::Current => "current",
            StrategyStatus::Previous => "previous",
            StrategyStatus::Draft => "draft",
        }
    }

    pub fn from_name(s: &str) -> Option<StrategyStatus> {
        [
            StrategyStatus::Current,
            StrategyStatus::Previous,
            StrategyStatus::Draft,
        ]
        .into_iter()
        .find(|v| v.name() == s)
    }

    /// The status of a strategy that does not say: previous once its period has
    /// ended by `year`, else current.
    pub fn of(period: Period, year: i64) -> StrategyStatus {
        if period.to.is_some_and(|to| to < year) {
            StrategyStatus::Previous
        } else {
            StrategyStatus::Current
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Strategy {
    pub period: Period,
    pub status: StrategyStatus,
    pub documents: Vec<Document>,
    pub related: Vec<LinkItem>,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ProjectStatus {
    Planned,
    Ongoing,
    Completed,
}

impl ProjectStatus {
    pub fn of(start: Date, end: Option<Date>, today: Date) -> ProjectStatus {
        if today < start {
            ProjectStatus::Planned
        } else if end.is_some_and(|e| today > e) {
            ProjectStatus::Completed
        } else {
            ProjectStatus::Ongoing
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Project {
    pub funder: String,
    pub programme: Option<String>,
    pub grant: Option<Money>,
    pub total_cost: Option<Money>,
    pub public_funding: Option<Money>,
    pub start: Date,
    pub end: Option<Date>,
    pub status: ProjectStatus,
    pub coordinator: Option<RecordId>,
    pub implementers: Vec<RecordId>,
    pub contacts: Vec<RecordId>,
    pub objectives: Vec<String>,
    pub results: Vec<String>,
    pub website: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct News {
    pub date: Date,
    pub tags: Vec<String>,
    pub related: Vec<RecordId>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Page {
    pub order: Option<i64>,
}
