//! Open data: `/data/partners.json`, `/data/partners.csv` and `/data/projects.json`,
//! with stable ids (the record ids) and every language's texts side by side.

use crate::model::paths::{self, Urls};
use crate::model::*;
use crate::output::OutputFile;
use rayon::prelude::*;
use serde_json::{Map, Value as J, json};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

/// `{lang: text}` of a per-language value of a record.
fn per_lang(r: &Record, f: impl Fn(&Localized) -> Option<J>) -> J {
    let mut m = Map::new();
    for loc in &r.locales {
        let lang = &loc.lang;
        if let Some(v) = f(loc) {
            m.insert(lang.clone(), v);
        }
    }
    J::Object(m)
}

fn urls_of(r: &Record, urls: &Urls) -> J {
    per_lang(r, |l| l.path.as_ref().map(|p| J::String(urls.permalink(p))))
}

fn default_locale<'a>(site: &Site, r: &'a Record) -> Option<&'a Localized> {
    r.locale(site.config.default_lang())
        .or_else(|| r.locales.first())
}

fn text_per_lang(site: &Site, t: &Text) -> J {
    let default = site.config.default_lang();
    J::Object(
        site.config
            .languages
            .iter()
            .map(|l| (l.code.clone(), J::String(t.text(&l.code, default))))
            .collect(),
    )
}

/// One partner of partners.json.
fn partner_json(site: &Site, urls: &Urls, r: &Record) -> Option<J> {
    let RecordData::Partner(p) = &default_locale(site, r)?.data else {
        return None;
    };
    let category = site
        .config
        .partner_categories
        .iter()
        .find(|(k, _)| *k == p.category)
        .map(|(_, t)| text_per_lang(site, t));
    Some(json!({
        "id": r.id,
        "name": per_lang(r, |l| Some(J::String(l.label.clone()))),
        "summary": per_lang(r, |l| l.summary.clone().map(J::String)),
        "category": {"key": p.category, "label": category},
        "member": p.member,
        "country": p.country,
        "city": per_lang(r, |l| match &l.data { RecordData::Partner(p) => p.city.clone().map(J::String), _ => None }),
        "website": p.website,
        "joined": p.joined,
        "tags": p.tags,
        "logo": p.logo.as_ref().map(|f| urls.permalink(&paths::media(&f.src))),
        "url": urls_of(r, urls),
    }))
}

/// One project of projects.json.
fn project_json(site: &Site, urls: &Urls, r: &Record) -> Option<J> {
    let RecordData::Project(p) = &default_locale(site, r)?.data else {
        return None;
    };
    let funder = site.config.funder(&p.funder);
    let list_per_lang = |f: fn(&Project) -> &Vec<String>| {
        per_lang(r, |l| match &l.data {
            RecordData::Project(p) => Some(json!(f(p))),
            _ => None,
        })
    };
    Some(json!({
        "id": r.id,
        "title": per_lang(r, |l| Some(J::String(l.label.clone()))),
        "summary": per_lang(r, |l| l.summary.clone().map(J::String)),
        "funder": {
            "key": p.funder,
            "name": funder.map(|f| text_per_lang(site, &f.name)),
            "eu": funder.is_some_and(|f| f.eu),
        },
        "programme": per_lang(r, |l| match &l.data { RecordData::Project(p) => p.programme.clone().map(J::String), _ => None }),
        "grant": p.grant,
        "total_cost": p.total_cost,
        "public_funding": p.public_funding,
        "start": p.start,
        "end": p.end,
        "status": p.status,
        "coordinator": p.coordinator,
        "implementers": p.implementers,
        "contacts": p.contacts,
        "objectives": list_per_lang(|p| &p.objectives),
        "results": list_per_lang(|p| &p.results),
        "website": p.website,
        "url": urls_of(r, urls),
    }))
}

/// `text`, pretty JSON, as it reads `depth` levels down in a pretty JSON file: its
/// lines after the first indented (a JSON text has no line end inside a string).
fn nested(text: &str, depth: usize) -> String {
    text.replace('\n', &format!("\n{}", "  ".repeat(depth)))
}

/// A pretty JSON file of one object: the fields `head`, then `key` with the list of
/// `items` (each pretty JSON two levels down), as `serde_json`'s pretty printer would
/// write it; the keys in alphabetical order, as in every JSON file klaster writes.
fn json_file(
    head: &[(&str, J)],
    key: &str,
    items: &mut dyn Iterator<Item = Arc<str>>,
    room: usize,
) -> String {
    let mut s = String::with_capacity(room);
    s.push('{');
    let field = |s: &mut String, k: &str| {
        s.push_str("\n  ");
        s.push_str(&J::from(k).to_string());
        s.push_str(": ");
    };
    for (k, v) in head {
        field(&mut s, k);
        s.push_str(&nested(
            &serde_json::to_string_pretty(v).unwrap_or_default(),
            1,
        ));
        s.push(',');
    }
    field(&mut s, key);
    s.push('[');
    let mut any = false;
    for item in items {
        if any {
            s.push(',');
        }
        s.push_str("\n    ");
        s.push_str(&item);
        any = true;
    }
    s.push_str(if any { "\n  ]" } else { "]" });
    s.push_str("\n}\n");
    s
}

/// A record's item of a JSON export, as it reads in the file's list.
fn json_part(item: Option<J>) -> Option<String> {
    Some(nested(&serde_json::to_string_pretty(&item?).ok()?, 2))
}

fn partner_item(site: &Site, urls: &Urls, r: &Record) -> Option<String> {
    json_part(partner_json(site, urls, r))
}

fn project_item(site: &Site, urls: &Urls, r: &Record) -> Option<String> {
    json_part(project_json(site, urls, r))
}

fn languages(site: &Site) -> J {
    J::from(
        site.config
            .languages
            .iter()
            .map(|l| l.code.as_str())
            .collect::<Vec<_>>(),
    )
}

/// partners.json around its items.
fn partners_file(site: &Site, items: &mut dyn Iterator<Item = Arc<str>>, room: usize) -> String {
    let head = [
        ("generator", J::from("klaster")),
        ("languages", languages(site)),
    ];
    json_file(&head, "partners", items, room)
}

/// projects.json around its items.
fn projects_file(site: &Site, items: &mut dyn Iterator<Item = Arc<str>>, room: usize) -> String {
    let head = [
        ("date", J::from(site.build_date.to_string())),
        ("generator", J::from("klaster")),
    ];
    json_file(&head, "projects", items, room)
}

/// A cell as spreadsheets may safely open it: text that a spreadsheet would take for a
/// formula (beginning with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
/// leading `'`, as OWASP recommends against CSV injection; the `'` is not shown by
/// spreadsheet programs and marks the cell as text.
pub fn spreadsheet_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new())
}

/// The text a CSV writer wrote (UTF-8 fields into a `Vec`, which cannot fail).
fn csv_text(w: csv::Writer<Vec<u8>>) -> String {
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The partner directory as CSV for spreadsheets, around its rows: UTF-8 with a
/// byte-order mark (so spreadsheet programs detect the encoding), a header row, CRLF
/// line ends, RFC 4180 quoting (the `csv` crate), and no cell that a spreadsheet
/// would run as a formula.
fn partners_csv_file(site: &Site, rows: &mut dyn Iterator<Item = Arc<str>>, room: usize) -> String {
    let mut header: Vec<String> = [
        "id", "category", "member", "country", "website", "joined", "tags",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for field in ["name", "summary", "city", "url"] {
        for l in &site.config.languages {
            header.push(format!("{field}_{}", l.code));
        }
    }
    let mut w = csv_writer();
    let _ = w.write_record(&header);
    let mut s = String::with_capacity(room);
    s.push('\u{feff}');
    s.push_str(&csv_text(w));
    for row in rows {
        s.push_str(&row);
    }
    s
}

/// One partner's row of partners.csv.
fn partner_row(site: &Site, urls: &Urls, r: &Record) -> Option<String> {
    let Some(RecordData::Partner(p)) = default_locale(site, r).map(|l| &l.data) else {
        return None;
    };
    let langs = &site.config.languages;
    let mut row: Vec<String> = vec![
        r.id.to_string(),
        p.category.clone(),
        p.member.to_string(),
        p.country.clone().unwrap_or_default(),
        p.website.clone().unwrap_or_default(),
        p.joined.map(|j| j.to_string()).unwrap_or_default(),
        p.tags.join("; "),
    ];
    let loc = |l: &Language| r.locale(&l.code);
    for l in langs {
        row.push(loc(l).map(|x| x.label.clone()).unwrap_or_default());
    }
    for l in langs {
        row.push(loc(l).and_then(|x| x.summary.clone()).unwrap_or_default());
    }
    for l in langs {
        row.push(
            loc(l)
                .and_then(|x| match &x.data {
                    RecordData::Partner(p) => p.city.clone(),
                    _ => None,
                })
                .unwrap_or_default(),
        );
    }
    for l in langs {
        row.push(
            loc(l)
                .and_then(|x| x.path.as_ref())
                .map(|p| urls.permalink(p))
                .unwrap_or_default(),
        );
    }
    let mut w = csv_writer();
    let _ = w.write_record(row.iter().map(|c| spreadsheet_cell(c).into_owned()));
    Some(csv_text(w))
}

/// One open data file: the collection whose records it shows, its path, what makes
/// one record's part of it, and what puts the parts together.
struct Export {
    collection: Collection,
    path: &'static str,
    part: fn(&Site, &Urls, &Record) -> Option<String>,
    /// The file around its records' parts, with `room` bytes reserved (when the
    /// parts are known in advance).
    file: fn(&Site, &mut dyn Iterator<Item = Arc<str>>, usize) -> String,
}

const EXPORTS: [Export; 3] = [
    Export {
        collection: Collection::Partners,
        path: paths::PARTNERS_JSON,
        part: partner_item,
        file: partners_file,
    },
    Export {
        collection: Collection::Partners,
        path: paths::PARTNERS_CSV,
        part: partner_row,
        file: partners_csv_file,
    },
    Export {
        collection: Collection::Projects,
        path: paths::PROJECTS_JSON,
        part: project_item,
        file: projects_file,
    },
];

impl Export {
    /// The file, each record's part made as it is added (or taken from `kept`), so
    /// that the records are never all in memory as values.
    fn make(&self, site: &Site, urls: &Urls, kept: Option<&[OnceLock<Part>]>) -> OutputFile {
        let mut parts = site
            .records
            .iter()
            .enumerate()
            .filter(|(_, r)| r.id.collection == self.collection)
            .filter_map(|(i, r)| {
                let make = || (self.part)(site, urls, r).map(Arc::from);
                match kept.and_then(|k| k.get(i)) {
                    Some(slot) => slot.get_or_init(make).clone(),
                    None => make(),
                }
            });
        let text = match kept {
            // Kept parts are in memory anyway: the file is made in a buffer of its
            // size (at 10,000 partners, growing it was a third of the work).
            Some(_) => {
                let parts: Vec<Arc<str>> = parts.collect();
                // Each part, its separator and indent, and the file's head.
                let room = parts.iter().map(|p| p.len() + 8).sum::<usize>() + 4096;
                (self.file)(site, &mut parts.into_iter(), room)
            }
            None => (self.file)(site, &mut parts, 0),
        };
        OutputFile::text(paths::output_file(self.path), text)
    }
}

/// A record's part of one export file, once made.
type Part = Option<Arc<str>>;

/// The records' parts of each export file, kept between the renders of one `serve`
/// session, as the cards are (`super::cards`): an export shows each record's own
/// fields and names other records only by id, so after an edit only the edited
/// records' parts are made again.
pub struct Parts {
    /// Per export, each record's part once made. Behind a lock so that the next
    /// render can take them over ([`Parts::take_after_edit`], [`Parts::take_shifted`])
    /// instead of copying them: each copy touched the reference count of every part
    /// (at 2 × 10,000, 40,000 of them, about 7 ms of an edit).
    exports: Mutex<Slots>,
}

type Slots = Vec<Vec<OnceLock<Part>>>;

impl Parts {
    pub fn new(records: usize) -> Parts {
        Parts {
            exports: Mutex::new(
                EXPORTS
                    .iter()
                    .map(|_| (0..records).map(|_| OnceLock::new()).collect())
                    .collect(),
            ),
        }
    }

    fn slots(&self) -> MutexGuard<'_, Slots> {
        self.exports.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The parts after `shift` of the records, each at its record's new index and
    /// none for the record put in, taken out of these (which then keep none: they
    /// belonged to the render before, and an export without kept parts makes its
    /// own).
    pub fn take_shifted(&self, shift: Shift) -> Parts {
        let mut slots = std::mem::take(&mut *self.slots());
        for parts in &mut slots {
            match shift {
                Shift::Inserted(at) if at <= parts.len() => parts.insert(at, OnceLock::new()),
                Shift::Removed(at) if at < parts.len() => {
                    parts.remove(at);
                }
                _ => parts.clear(),
            }
        }
        Parts {
            exports: Mutex::new(slots),
        }
    }

    /// The parts after an edit of the records `edited` (indices into
    /// `Site::records`), taken out of these as [`Parts::take_shifted`] does.
    pub fn take_after_edit(&self, edited: &[usize]) -> Parts {
        let mut slots = std::mem::take(&mut *self.slots());
        for parts in &mut slots {
            for &i in edited {
                if let Some(slot) = parts.get_mut(i) {
                    *slot = OnceLock::new();
                }
            }
        }
        Parts {
            exports: Mutex::new(slots),
        }
    }
}

/// The open data files, each given to `put` as soon as it is made (at 2 × 50,000
/// records they are 23 MB together); with the records' parts `kept` for `serve`,
/// which then has them for its first edit.
pub fn each_export<E>(
    site: &Site,
    urls: &Urls,
    kept: Option<&Parts>,
    mut put: impl FnMut(OutputFile) -> Result<(), E>,
) -> Result<(), E> {
    let slots = kept.map(Parts::slots);
    for (n, e) in EXPORTS.iter().enumerate() {
        let kept = slots.as_ref().and_then(|k| k.get(n)).map(Vec::as_slice);
        put(e.make(site, urls, kept))?;
    }
    Ok(())
}

/// The open data files that show records of `collections`, made in parallel with
/// the parts `kept` from earlier renders and all kept: for `serve`, which makes again
/// only the few an edit changed.
pub fn exports_of(
    site: &Site,
    urls: &Urls,
    collections: &[Collection],
    kept: Option<&Parts>,
) -> Vec<OutputFile> {
    let slots = kept.map(Parts::slots);
    let slots: Option<&Slots> = slots.as_deref();
    EXPORTS
        .par_iter()
        .enumerate()
        .filter(|(_, e)| collections.contains(&e.collection))
        .map(|(n, e)| {
            let kept = slots.and_then(|k| k.get(n)).map(Vec::as_slice);
            e.make(site, urls, kept)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::testing::site_of;

    /// The files put together from their records' parts, kept or not, are what
    /// `serde_json`'s pretty printer writes for the whole document, with and without
    /// records.
    #[test]
    fn the_json_files_made_of_parts_are_the_pretty_printed_documents() {
        let partner = |i: usize| {
            (
                format!("content/partners/p{i}.yaml"),
                format!(
                    "name: {{et: Partner {i}, en: \"Partner {i} \\\"quoted\\\"\"}}\ncategory: startup\ntags: [a, b]\n"
                ),
            )
        };
        let project = "title: Project\nfunder: erdf\nstatus: ongoing\ncoordinator: partners/p0\nobjectives: [One, Two]\n";
        for n in [0, 1, 3] {
            let mut files: Vec<(String, String)> = (0..n).map(partner).collect();
            if n > 0 {
                files.push(("content/projects/x.yaml".into(), project.into()));
            }
            let site = site_of(&files);
            let urls = site.urls();
            let items = |c: Collection, f: fn(&Site, &Urls, &Record) -> Option<J>| {
                site.collection(c)
                    .filter_map(|r| f(&site, &urls, r))
                    .collect::<Vec<_>>()
            };
            let pretty = |v: J| serde_json::to_string_pretty(&v).expect("json") + "\n";
            let partners = pretty(json!({
                "generator": "klaster",
                "languages": ["et", "en"],
                "partners": items(Collection::Partners, partner_json),
            }));
            let projects = pretty(json!({
                "date": "2024-06-01",
                "generator": "klaster",
                "projects": items(Collection::Projects, project_json),
            }));
            let parts = Parts::new(site.records.len());
            for kept in [None, Some(&parts), Some(&parts)] {
                let files = exports_of(&site, &urls, &Collection::ALL, kept);
                let text = |path: &str| {
                    let f = files
                        .iter()
                        .find(|f| f.path == paths::output_file(path))
                        .expect("file");
                    String::from_utf8(f.content.bytes().expect("text").to_vec()).expect("utf-8")
                };
                assert_eq!(text(paths::PARTNERS_JSON), partners, "{n} partners");
                assert_eq!(text(paths::PROJECTS_JSON), projects, "{n} partners");
                let csv = text(paths::PARTNERS_CSV);
                assert!(csv.starts_with("\u{feff}id,category,"), "{csv}");
                assert_eq!(csv.matches("\r\n").count(), n + 1, "{csv}");
            }
        }
    }

    #[test]
    fn formulas_are_written_as_text() {
        for (cell, safe) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Tehnopol", "Tehnopol"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_cell(cell), safe);
        }
    }
}
