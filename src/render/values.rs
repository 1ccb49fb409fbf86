//! The model as template data: every record resolved for one language, with its
//! references expanded (labels and URLs), built once per language and shared by all
//! pages of that language.

use crate::model::paths::{self, Urls};
use crate::model::*;
use serde_json::{Value as J, json};
use std::collections::HashMap;

mod tera_value;
pub use tera_value::to_value;

/// The URL of a file reference: a media file's address on the site, or the web
/// address as written.
pub fn file_url(urls: &Urls, f: &FileRef) -> String {
    if f.local {
        urls.url(&paths::media(&f.src))
    } else {
        f.src.clone()
    }
}

/// Who points at a partner: projects it coordinates or implements, people in it.
#[derive(Default)]
pub struct Backlinks {
    pub projects: HashMap<RecordId, Vec<RecordId>>,
    pub people: HashMap<RecordId, Vec<RecordId>>,
}

impl Backlinks {
    pub fn new(site: &Site) -> Backlinks {
        let mut b = Backlinks::default();
        let default = site.config.default_lang();
        for r in &site.records {
            let Some(loc) = r.locale(default) else {
                continue;
            };
            match &loc.data {
                RecordData::Project(p) => {
                    let mut partners: Vec<&RecordId> =
                        p.coordinator.iter().chain(&p.implementers).collect();
                    partners.sort();
                    partners.dedup();
                    for partner in partners {
                        b.projects
                            .entry(partner.clone())
                            .or_default()
                            .push(r.id.clone());
                    }
                }
                RecordData::Person(p) => {
                    if let Some(OrgRef::Partner(partner)) = &p.organisation {
                        b.people
                            .entry(partner.clone())
                            .or_default()
                            .push(r.id.clone());
                    }
                }
                _ => {}
            }
        }
        b
    }
}

pub struct ValueBuilder<'a> {
    pub site: &'a Site,
    pub urls: Urls<'a>,
    pub backlinks: &'a Backlinks,
    pub lang: &'a str,
}

impl<'a> ValueBuilder<'a> {
    fn default_lang(&self) -> &str {
        self.site.config.default_lang()
    }

    /// The record in this language, or the default language's version.
    pub fn locale_of(&self, id: &RecordId) -> Option<&'a Localized> {
        let r = self.site.get(id)?;
        r.locale(self.lang)
            .or_else(|| r.locale(self.site.config.default_lang()))
    }

    pub fn text(&self, t: &Text) -> String {
        t.text(self.lang, self.default_lang())
    }

    /// `{id, label, url}` of a referenced record.
    pub fn reference(&self, id: &RecordId) -> J {
        let Some(loc) = self.locale_of(id) else {
            return json!({"id": id, "label": id.stem});
        };
        let url = match &loc.path {
            Some(p) => Some(self.urls.url(p)),
            None if id.collection == Collection::People => {
                Some(self.urls.url(&paths::person(self.lang, &id.stem)))
            }
            None => None,
        };
        let label_lang = (loc.lang != self.lang).then_some(&loc.lang);
        json!({"id": id, "label": loc.label, "url": url, "label_lang": label_lang, "summary": loc.summary})
    }

    fn label_of(&self, table: &[(String, Text)], key: &str) -> String {
        table
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| self.text(t))
            .unwrap_or_else(|| key.to_string())
    }

    fn file_json(&self, f: &FileRef) -> J {
        json!({"src": f.src, "url": file_url(&self.urls, f), "format": f.format, "size": f.size, "local": f.local})
    }

    /// A record on its own page: its list data with the body and its table of
    /// contents, which only this page needs (the body is opened here).
    pub fn page(&self, rec: &Record, loc: &Localized) -> J {
        let mut v = self.record(rec, loc);
        if let Some(m) = v.as_object_mut() {
            let (body, toc) = loc.body.open();
            m.insert("body".into(), json!(body));
            m.insert("toc".into(), json!(toc));
        }
        v
    }

    /// A record in one language as lists and references show it (no body).
    pub fn record(&self, rec: &Record, loc: &Localized) -> J {
        let mut m = match serde_json::to_value(&loc.data) {
            Ok(J::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        let url = loc.path.as_ref().map(|p| self.urls.url(p));
        let permalink = loc.path.as_ref().map(|p| self.urls.permalink(p));
        m.insert("id".into(), json!(rec.id));
        m.insert("collection".into(), json!(rec.id.collection));
        m.insert("stem".into(), json!(rec.id.stem));
        m.insert("slug".into(), json!(loc.slug));
        m.insert("lang".into(), json!(loc.lang));
        m.insert("label".into(), json!(loc.label));
        // People keep `title` for their job title; everything else is titled by its label.
        if rec.id.collection != Collection::People {
            m.insert("title".into(), json!(loc.label));
        }
        m.insert("summary".into(), json!(loc.summary));
        m.insert("fallback".into(), json!(loc.fallback));
        m.insert("extra".into(), loc.extra.value());
        m.insert("url".into(), json!(url));
        m.insert("permalink".into(), json!(permalink));
        m.insert("draft".into(), json!(rec.draft));
        m.insert(
            "languages".into(),
            json!(rec.locales.iter().map(|l| &l.lang).collect::<Vec<_>>()),
        );

        match &loc.data {
            RecordData::Partner(p) => {
                m.insert(
                    "category_label".into(),
                    json!(self.label_of(&self.site.config.partner_categories, &p.category)),
                );
                if let Some(logo) = &p.logo {
                    m.insert("logo".into(), self.file_json(logo));
                }
                let projects: Vec<J> = self
                    .backlinks
                    .projects
                    .get(&rec.id)
                    .map(|ids| ids.iter().map(|id| self.reference(id)).collect())
                    .unwrap_or_default();
                let people: Vec<J> = self
                    .backlinks
                    .people
                    .get(&rec.id)
                    .map(|ids| ids.iter().map(|id| self.person_summary(id)).collect())
                    .unwrap_or_default();
                m.insert("projects".into(), J::Array(projects));
                m.insert("people".into(), J::Array(people));
            }
            RecordData::Person(p) => {
                m.insert("organisation".into(), self.organisation(p));
                if let Some(photo) = &p.photo {
                    m.insert("photo".into(), self.file_json(photo));
                }
                let labels: Vec<String> = p
                    .groups
                    .iter()
                    .map(|g| self.label_of(&self.site.config.people_groups, g))
                    .collect();
                m.insert("group_labels".into(), json!(labels));
                m.insert("anchor".into(), json!(rec.id.stem));
            }
            RecordData::Project(p) => {
                let funder = self.site.config.funder(&p.funder);
                m.insert(
                    "funder".into(),
                    json!({
                        "key": p.funder,
                        "name": funder.map(|f| self.text(&f.name)).unwrap_or_else(|| p.funder.clone()),
                        "eu": funder.is_some_and(|f| f.eu),
                    }),
                );
                m.insert(
                    "coordinator".into(),
                    p.coordinator
                        .as_ref()
                        .map(|id| self.reference(id))
                        .unwrap_or(J::Null),
                );
                m.insert(
                    "implementers".into(),
                    J::Array(p.implementers.iter().map(|id| self.reference(id)).collect()),
                );
                m.insert(
                    "contacts".into(),
                    J::Array(
                        p.contacts
                            .iter()
                            .map(|id| self.person_summary(id))
                            .collect(),
                    ),
                );
            }
            RecordData::News(n) => {
                m.insert(
                    "related".into(),
                    J::Array(n.related.iter().map(|id| self.reference(id)).collect()),
                );
            }
            RecordData::Strategy(s) => {
                let docs: Vec<J> = s
                    .documents
                    .iter()
                    .map(|d| json!({"title": d.title, "language": d.language, "file": self.file_json(&d.file)}))
                    .collect();
                m.insert("documents".into(), J::Array(docs));
            }
            RecordData::Page(_) => {}
        }
        J::Object(m)
    }

    fn organisation(&self, p: &Person) -> J {
        match &p.organisation {
            Some(OrgRef::Partner(id)) => self.reference(id),
            Some(OrgRef::Text(t)) => json!({"label": t, "url": null}),
            None => J::Null,
        }
    }

    /// A person as shown in lists of contacts.
    pub fn person_summary(&self, id: &RecordId) -> J {
        let Some(loc) = self.locale_of(id) else {
            return self.reference(id);
        };
        let RecordData::Person(p) = &loc.data else {
            return self.reference(id);
        };
        json!({
            "id": id,
            "label": loc.label,
            "name": p.name,
            "title": p.job_title,
            "role": p.role,
            "email": p.email,
            "phone": p.phone,
            "organisation": self.organisation(p),
            "url": self.urls.url(&paths::person(self.lang, &id.stem)),
            "fallback": loc.fallback,
        })
    }

    /// Site settings in this language.
    pub fn site(&self, eu_ongoing: bool) -> J {
        let c = &self.site.config;
        let org = &c.organisation;
        let labels = |t: &[(String, Text)]| -> Vec<J> {
            t.iter()
                .map(|(k, v)| json!({"key": k, "label": self.text(v)}))
                .collect()
        };
        json!({
            "title": self.text(&c.title),
            "description": self.text(&c.description),
            "base_url": c.base_url,
            "base_path": c.base_path,
            "default_lang": c.default_lang(),
            "languages": c.languages,
            "organisation": {
                "name": self.text(&org.name),
                "email": org.email,
                "phone": org.phone,
                "address": self.text(&org.address),
                "website": org.website,
            },
            "partner_categories": labels(&c.partner_categories),
            "people_groups": labels(&c.people_groups),
            "funders": c.funders.iter().map(|f| json!({"key": f.key, "name": self.text(&f.name), "eu": f.eu})).collect::<Vec<_>>(),
            "extra": c.extra,
            "build_date": self.site.build_date.to_string(),
            "eu_ongoing": eu_ongoing,
            "feed_url": self.urls.url(&paths::feed(self.lang)),
            "home_url": self.urls.url(&paths::home(self.lang)),
        })
    }
}

#[cfg(test)]
mod tests;
