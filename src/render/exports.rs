//! Open data: `/data/partners.json`, `/data/partners.csv` and `/data/projects.json`,
//! with stable ids (the record ids) and every language's texts side by side.

use crate::model::paths::{self, Urls};
use crate::model::*;
use crate::output::OutputFile;
use rayon::prelude::*;
use serde_json::{Map, Value as J, json};

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

/// The records of a collection, each made into JSON as it is written, so that the
/// export is never all in memory as values.
struct Lazy<'a> {
    site: &'a Site,
    urls: &'a Urls<'a>,
    collection: Collection,
    item: fn(&Site, &Urls, &Record) -> Option<J>,
}

impl serde::Serialize for Lazy<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.site
                .collection(self.collection)
                .filter_map(|r| (self.item)(self.site, self.urls, r)),
        )
    }
}

/// partners.json (its keys in alphabetical order, as in every JSON file klaster
/// writes).
#[derive(serde::Serialize)]
struct PartnersDoc<'a> {
    generator: &'static str,
    languages: Vec<&'a str>,
    partners: Lazy<'a>,
}

#[derive(serde::Serialize)]
struct ProjectsDoc<'a> {
    date: jiff::civil::Date,
    generator: &'static str,
    projects: Lazy<'a>,
}

pub fn partners_json(site: &Site, urls: &Urls) -> String {
    pretty(&PartnersDoc {
        generator: "klaster",
        languages: site
            .config
            .languages
            .iter()
            .map(|l| l.code.as_str())
            .collect(),
        partners: Lazy {
            site,
            urls,
            collection: Collection::Partners,
            item: partner_json,
        },
    })
}

pub fn projects_json(site: &Site, urls: &Urls) -> String {
    pretty(&ProjectsDoc {
        date: site.build_date,
        generator: "klaster",
        projects: Lazy {
            site,
            urls,
            collection: Collection::Projects,
            item: project_json,
        },
    })
}

fn pretty(v: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
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

/// The partner directory as CSV for spreadsheets: UTF-8 with a byte-order mark (so
/// spreadsheet programs detect the encoding), a header row, CRLF line ends, RFC 4180
/// quoting (the `csv` crate), and no cell that a spreadsheet would run as a formula.
pub fn partners_csv(site: &Site, urls: &Urls) -> String {
    let langs: Vec<&str> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    let mut header: Vec<String> = [
        "id", "category", "member", "country", "website", "joined", "tags",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for field in ["name", "summary", "city", "url"] {
        for l in &langs {
            header.push(format!("{field}_{l}"));
        }
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::from("\u{feff}".as_bytes()));
    let _ = w.write_record(&header);
    for r in site.collection(Collection::Partners) {
        let Some(RecordData::Partner(p)) = default_locale(site, r).map(|l| &l.data) else {
            continue;
        };
        let mut row: Vec<String> = vec![
            r.id.to_string(),
            p.category.clone(),
            p.member.to_string(),
            p.country.clone().unwrap_or_default(),
            p.website.clone().unwrap_or_default(),
            p.joined.map(|j| j.to_string()).unwrap_or_default(),
            p.tags.join("; "),
        ];
        let loc = |l: &str| r.locale(l);
        for l in &langs {
            row.push(loc(l).map(|x| x.label.clone()).unwrap_or_default());
        }
        for l in &langs {
            row.push(loc(l).and_then(|x| x.summary.clone()).unwrap_or_default());
        }
        for l in &langs {
            row.push(
                loc(l)
                    .and_then(|x| match &x.data {
                        RecordData::Partner(p) => p.city.clone(),
                        _ => None,
                    })
                    .unwrap_or_default(),
            );
        }
        for l in &langs {
            row.push(
                loc(l)
                    .and_then(|x| x.path.as_ref())
                    .map(|p| urls.permalink(p))
                    .unwrap_or_default(),
            );
        }
        let _ = w.write_record(row.iter().map(|c| spreadsheet_cell(c).into_owned()));
    }
    // Writing into a Vec cannot fail; the fields are UTF-8 text.
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The open data files: the collection whose records each shows, its path and what
/// makes it.
type Export = (Collection, &'static str, fn(&Site, &Urls) -> String);
const EXPORTS: [Export; 3] = [
    (Collection::Partners, paths::PARTNERS_JSON, partners_json),
    (Collection::Partners, paths::PARTNERS_CSV, partners_csv),
    (Collection::Projects, paths::PROJECTS_JSON, projects_json),
];

/// The open data files, each given to `put` as soon as it is made (at 2 × 50,000
/// records they are 23 MB together).
pub fn each_export<E>(
    site: &Site,
    urls: &Urls,
    mut put: impl FnMut(OutputFile) -> Result<(), E>,
) -> Result<(), E> {
    for (_, path, make) in EXPORTS {
        put(OutputFile::text(paths::output_file(path), make(site, urls)))?;
    }
    Ok(())
}

/// The open data files that show records of `collections` (each file shows the fields
/// of one collection's records and the site settings' labels, and names other
/// records only by id), made in parallel and all kept: for `serve`, which makes
/// again only the few an edit changed.
pub fn exports_of(site: &Site, urls: &Urls, collections: &[Collection]) -> Vec<OutputFile> {
    EXPORTS
        .par_iter()
        .filter(|(c, _, _)| collections.contains(c))
        .map(|(_, path, make)| OutputFile::text(paths::output_file(path), make(site, urls)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_cell;

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
