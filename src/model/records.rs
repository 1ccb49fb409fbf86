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
    /// The record resolved per language, sorted by language code; only the
    /// languages it exists in. (A list, not a map: a site has a few languages, and a
    /// map's node would reserve room for eleven.)
    pub locales: Vec<Localized>,
}

impl Record {
    pub fn locale(&self, lang: &str) -> Option<&Localized> {
        self.locales.iter().find(|l| l.lang == lang)
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

    /// The records this one's fields name, in any of its languages (with repeats):
    /// what its template data may show of other records (`render::affected`).
    pub fn references(&self) -> impl Iterator<Item = &RecordId> {
        self.locales.iter().flat_map(|l| l.data.references())
    }
}

impl RecordData {
    /// The records the fields name: a project's coordinator, implementers and
    /// contacts, a news item's related records, a person's organisation.
    pub fn references(&self) -> Box<dyn Iterator<Item = &RecordId> + '_> {
        match self {
            RecordData::Project(p) => Box::new(
                p.coordinator
                    .iter()
                    .chain(&p.implementers)
                    .chain(&p.contacts),
            ),
            RecordData::News(n) => Box::new(n.related.iter()),
            RecordData::Person(p) => Box::new(
                match &p.organisation {
                    Some(OrgRef::Partner(id)) => Some(id),
                    _ => None,
                }
                .into_iter(),
            ),
            RecordData::Partner(_) | RecordData::Strategy(_) | RecordData::Page(_) => {
                Box::new(std::iter::empty())
            }
        }
    }
}

/// A body: its HTML and table of contents, kept packed until a page shows them.
/// Bodies are most of a site's text, and each is shown on one page (and perhaps in the
/// feed and the search index). Where they are kept is the site's [`BodyStore`].
#[derive(Clone, Default)]
pub struct Html {
    /// The HTML, each heading (level, id, title; texts as a varint length and bytes),
    /// then the HTML's length as four bytes; compressed (LZ4) but in a small site.
    /// With the HTML first, opening a body cuts the headings off and keeps the bytes
    /// as the HTML, uncopied.
    packed: Packed,
}

/// Where a site's bodies are kept, by its size: compressing them costs a large
/// site's memory less and every site some time.
#[derive(Clone, Debug, Default)]
pub enum BodyStore {
    /// In memory as they are (a small site).
    Plain,
    /// In memory, compressed.
    #[default]
    Compressed,
    /// Compressed, in a scratch file ([`crate::spill`]; a large site).
    Spilled(std::sync::Arc<crate::spill::Spill>),
}

#[derive(Clone, Default)]
enum Packed {
    #[default]
    Empty,
    /// As they are: read without a copy where only the text is wanted.
    Plain {
        html: std::sync::Arc<str>,
        toc: std::sync::Arc<[TocEntry]>,
    },
    Memory(std::sync::Arc<[u8]>),
    Spilled {
        spill: std::sync::Arc<crate::spill::Spill>,
        offset: u64,
        len: u32,
    },
}

impl PartialEq for Html {
    fn eq(&self, other: &Html) -> bool {
        self.open() == other.open()
    }
}

impl Eq for Html {}

fn put_varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads what [`Html::new`] wrote.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<usize> {
        let mut v = 0usize;
        for shift in (0..64).step_by(7) {
            let (b, rest) = self.0.split_first()?;
            self.0 = rest;
            v |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn text(&mut self) -> Option<&'a str> {
        let n = self.varint()?;
        let (t, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        std::str::from_utf8(t).ok()
    }
}

impl Html {
    pub fn new(html: &str, toc: &[TocEntry]) -> Html {
        Html::new_in(html, toc, &BodyStore::Compressed)
    }

    /// [`Html::new`], kept in `store` (compressed in memory where the scratch file
    /// cannot take it).
    pub fn new_in(html: &str, toc: &[TocEntry], store: &BodyStore) -> Html {
        if html.is_empty() && toc.is_empty() {
            return Html::default();
        }
        if let BodyStore::Plain = store {
            return Html {
                packed: Packed::Plain {
                    html: html.into(),
                    toc: toc.into(),
                },
            };
        }
        let mut raw = Vec::with_capacity(html.len() + 4 + toc.len() * 32);
        raw.extend_from_slice(html.as_bytes());
        for t in toc {
            raw.push(t.level);
            put_varint(&mut raw, t.id.len());
            raw.extend_from_slice(t.id.as_bytes());
            put_varint(&mut raw, t.title.len());
            raw.extend_from_slice(t.title.as_bytes());
        }
        // Bodies are far below 4 GiB: text files are limited to a few MiB.
        raw.extend_from_slice(&(html.len() as u32).to_le_bytes());
        let spill = match store {
            BodyStore::Spilled(spill) => Some(spill),
            _ => None,
        };
        let packed = lz4_flex::compress_prepend_size(&raw);
        let spilled = spill.and_then(|spill| {
            let len = u32::try_from(packed.len()).ok()?;
            let offset = spill.put(&packed)?;
            Some(Packed::Spilled {
                spill: spill.clone(),
                offset,
                len,
            })
        });
        Html {
            packed: spilled.unwrap_or_else(|| Packed::Memory(packed.into())),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self.packed, Packed::Empty)
    }

    /// The HTML and the table of contents. Written by [`Html::new`] from `&str`s, so
    /// the texts are UTF-8.
    pub fn open(&self) -> (std::borrow::Cow<'_, str>, Vec<TocEntry>) {
        match self.raw() {
            Raw::Plain(html, toc) => (html.into(), toc.to_vec()),
            Raw::Unpacked(raw) => {
                let (html, toc) = unpack(raw);
                (html.into(), toc)
            }
            Raw::None => Default::default(),
        }
    }

    /// The HTML alone (borrowed where it is kept as it is): the headings are not read.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self.raw() {
            Raw::Plain(html, _) => std::borrow::Cow::Borrowed(html),
            Raw::Unpacked(raw) => html_of(raw).into(),
            Raw::None => Default::default(),
        }
    }

    /// The body as kept, decompressed where it was compressed.
    fn raw(&self) -> Raw<'_> {
        let read;
        let packed: &[u8] = match &self.packed {
            Packed::Empty => return Raw::None,
            Packed::Plain { html, toc } => return Raw::Plain(html, toc),
            Packed::Memory(bytes) => bytes,
            Packed::Spilled { spill, offset, len } => {
                // The scratch file is the process's own; it fails only with the machine.
                let Some(bytes) = spill.get(*offset, *len as usize) else {
                    return Raw::None;
                };
                read = bytes;
                &read
            }
        };
        match lz4_flex::decompress_size_prepended(packed) {
            Ok(raw) => Raw::Unpacked(raw),
            Err(_) => Raw::None,
        }
    }
}

/// A body as [`Html::raw`] finds it.
enum Raw<'a> {
    None,
    Plain(&'a str, &'a [TocEntry]),
    /// Decompressed: the HTML, the headings, the HTML's length.
    Unpacked(Vec<u8>),
}

/// The HTML of an unpacked body, its headings cut off unread.
fn html_of(mut raw: Vec<u8>) -> String {
    let Some((html_len, _)) = split(&raw) else {
        return String::new();
    };
    raw.truncate(html_len);
    String::from_utf8(raw).unwrap_or_default()
}

/// Where an unpacked body's HTML ends and where its headings end (the HTML's length
/// follows them, as four bytes).
fn split(raw: &[u8]) -> Option<(usize, usize)> {
    let at = raw.len().checked_sub(4)?;
    let mut len = [0u8; 4];
    len.copy_from_slice(&raw[at..]);
    let html_len = u32::from_le_bytes(len) as usize;
    (html_len <= at).then_some((html_len, at))
}

/// The HTML and headings of an unpacked body.
fn unpack(mut raw: Vec<u8>) -> (String, Vec<TocEntry>) {
    let Some((html_len, at)) = split(&raw) else {
        return Default::default();
    };
    let headings = &raw[html_len..at];
    let mut r = Reader(headings);
    let mut toc = Vec::new();
    while let Some((level, rest)) = r.0.split_first() {
        r.0 = rest;
        match (r.text(), r.text()) {
            (Some(id), Some(title)) => toc.push(TocEntry {
                level: *level,
                id: id.to_string(),
                title: title.to_string(),
            }),
            _ => break,
        }
    }
    raw.truncate(html_len);
    (String::from_utf8(raw).unwrap_or_default(), toc)
}

impl std::fmt::Debug for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.packed {
            Packed::Empty => write!(f, "Html(empty)"),
            Packed::Plain { html, .. } => write!(f, "Html({} bytes)", html.len()),
            Packed::Memory(b) => write!(f, "Html({} bytes compressed)", b.len()),
            Packed::Spilled { len, .. } => write!(f, "Html({len} bytes compressed, spilled)"),
        }
    }
}

/// `extra:` of a record: the content's own data, passed to templates untouched. Kept
/// as compact JSON text (most records have none or a few keys, and a parsed map
/// would take its full node of eleven entries).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extra(Option<Box<str>>);

impl Extra {
    pub fn new(value: &serde_json::Value) -> Extra {
        match value {
            serde_json::Value::Null => Extra(None),
            v => Extra(Some(v.to_string().into())),
        }
    }

    /// The data (null when the record has none).
    pub fn value(&self) -> serde_json::Value {
        self.0
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or(serde_json::Value::Null)
    }
}

impl Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(s)
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
    /// The body as HTML (escaped and sanitised unless `unsafe_html`), with its table
    /// of contents.
    #[serde(skip)]
    pub body: Html,
    /// Translatable fields whose text fell back to another language: field → language.
    pub fallback: BTreeMap<String, String>,
    /// Translatable fields that have a text in this language or by fallback.
    #[serde(skip)]
    pub texts: Vec<String>,
    /// The language file's `translated_from` no longer matches the default text.
    #[serde(skip)]
    pub stale: bool,
    pub extra: Extra,
    pub data: RecordData,
}

#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum RecordData {
    // Boxed: the collections' fields differ in size by six times, and every record
    // would otherwise take the largest's room.
    Partner(Box<Partner>),
    Person(Box<Person>),
    Strategy(Box<Strategy>),
    Project(Box<Project>),
    News(Box<News>),
    Page(Box<Page>),
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
    /// The status on `today`; none while the start is not known (the dates are to be
    /// confirmed, so nothing is said about it).
    pub fn of(start: Option<Date>, end: Option<Date>, today: Date) -> Option<ProjectStatus> {
        let start = start?;
        Some(if today < start {
            ProjectStatus::Planned
        } else if end.is_some_and(|e| today > e) {
            ProjectStatus::Completed
        } else {
            ProjectStatus::Ongoing
        })
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Project {
    pub funder: String,
    pub programme: Option<String>,
    pub grant: Option<Money>,
    pub total_cost: Option<Money>,
    pub public_funding: Option<Money>,
    /// Left out while the dates are not known yet.
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub status: Option<ProjectStatus>,
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn a_body_opens_as_it_was_made(
            html in "(?s).{0,300}",
            headings in proptest::collection::vec((1u8..7, "[a-z0-9-]{0,20}", "(?s).{0,40}"), 0..5),
        ) {
            let toc: Vec<TocEntry> = headings
                .into_iter()
                .map(|(level, id, title)| TocEntry { level, id, title })
                .collect();
            for store in [BodyStore::Plain, BodyStore::Compressed] {
                let body = Html::new_in(&html, &toc, &store);
                let (got_html, got_toc) = body.open();
                proptest::prop_assert_eq!(&got_html, &html);
                proptest::prop_assert_eq!(&got_toc, &toc);
                proptest::prop_assert_eq!(body.text(), html.as_str());
            }
        }
    }
}
