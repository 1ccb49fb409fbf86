//! The model as template data: every record resolved for one language, with its
//! references expanded (labels and URLs), built once per language and shared by all
//! pages of that language.

use crate::model::paths::{self, Urls};
use crate::model::*;
use serde_json::{Value as J, json};
use std::collections::HashMap;

mod tera_value;
pub mod tv;
pub use tera_value::to_value;
use tv::Obj;

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

    fn label_of(&self, table: &[(String, Text)], key: &str) -> String {
        table
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| self.text(t))
            .unwrap_or_else(|| key.to_string())
    }

    /// `{id, label, url, label_lang, summary}` of a referenced record.
    pub fn reference(&self, id: &RecordId) -> tera::Value {
        let mut o = Obj::with_capacity(5);
        let Some(loc) = self.locale_of(id) else {
            o.put("id", id).put("label", &id.stem);
            return o.done();
        };
        let url = match &loc.path {
            Some(p) => Some(self.urls.url(p)),
            None if id.collection == Collection::People => {
                Some(self.urls.url(&paths::person(self.lang, &id.stem)))
            }
            None => None,
        };
        let label_lang = (loc.lang != self.lang).then_some(&loc.lang);
        o.put("id", id)
            .put("label", &loc.label)
            .put("url", url)
            .put("label_lang", label_lang)
            .put("summary", &loc.summary);
        o.done()
    }

    fn file(&self, f: &FileRef) -> tera::Value {
        let mut o = Obj::with_capacity(5);
        o.put("src", &f.src)
            .put("url", file_url(&self.urls, f))
            .put("format", &f.format)
            .put("size", f.size)
            .put("local", f.local);
        o.done()
    }

    fn organisation(&self, p: &Person) -> tera::Value {
        match &p.organisation {
            Some(OrgRef::Partner(id)) => self.reference(id),
            Some(OrgRef::Text(t)) => {
                let mut o = Obj::with_capacity(2);
                o.put("label", t).put("url", tera::Value::none());
                o.done()
            }
            None => tera::Value::none(),
        }
    }

    /// A person as shown in lists of contacts.
    pub fn person_summary(&self, id: &RecordId) -> tera::Value {
        let Some(loc) = self.locale_of(id) else {
            return self.reference(id);
        };
        let RecordData::Person(p) = &loc.data else {
            return self.reference(id);
        };
        let mut o = Obj::with_capacity(10);
        o.put("id", id)
            .put("label", &loc.label)
            .put("name", &p.name)
            .put("title", &p.job_title)
            .put("role", &p.role)
            .put("email", &p.email)
            .put("phone", &p.phone)
            .put("organisation", self.organisation(p))
            .put("url", self.urls.url(&paths::person(self.lang, &id.stem)))
            .put("fallback", &loc.fallback);
        o.done()
    }

    /// A record in one language as lists and references show it (no body), as
    /// template data.
    pub fn card(&self, rec: &Record, loc: &Localized) -> tera::Value {
        self.card_obj(rec, loc).done()
    }

    fn card_obj(&self, rec: &Record, loc: &Localized) -> Obj {
        let mut o = Obj::with_capacity(32);
        tv::data_fields(&loc.data, &mut o);
        o.put("id", &rec.id)
            .put("collection", rec.id.collection)
            .put("stem", &rec.id.stem)
            .put("slug", &loc.slug)
            .put("lang", &loc.lang)
            .put("label", &loc.label);
        // People keep `title` for their job title; everything else is titled by its label.
        if rec.id.collection != Collection::People {
            o.put("title", &loc.label);
        }
        o.put("summary", &loc.summary)
            .put("fallback", &loc.fallback)
            .put("extra", to_value(&loc.extra.value()))
            .put("url", loc.path.as_ref().map(|p| self.urls.url(p)))
            .put(
                "permalink",
                loc.path.as_ref().map(|p| self.urls.permalink(p)),
            )
            .put("draft", rec.draft)
            .put(
                "languages",
                rec.locales.iter().map(|l| &l.lang).collect::<Vec<_>>(),
            );
        match &loc.data {
            RecordData::Partner(p) => {
                o.put(
                    "category_label",
                    self.label_of(&self.site.config.partner_categories, &p.category),
                );
                if let Some(logo) = &p.logo {
                    o.put("logo", self.file(logo));
                }
                let projects: Vec<tera::Value> = self
                    .backlinks
                    .projects
                    .get(&rec.id)
                    .map(|ids| ids.iter().map(|id| self.reference(id)).collect())
                    .unwrap_or_default();
                let people: Vec<tera::Value> = self
                    .backlinks
                    .people
                    .get(&rec.id)
                    .map(|ids| ids.iter().map(|id| self.person_summary(id)).collect())
                    .unwrap_or_default();
                o.put("projects", projects).put("people", people);
            }
            RecordData::Person(p) => {
                o.put("organisation", self.organisation(p));
                if let Some(photo) = &p.photo {
                    o.put("photo", self.file(photo));
                }
                let labels: Vec<String> = p
                    .groups
                    .iter()
                    .map(|g| self.label_of(&self.site.config.people_groups, g))
                    .collect();
                o.put("group_labels", labels).put("anchor", &rec.id.stem);
            }
            RecordData::Project(p) => {
                let funder = self.site.config.funder(&p.funder);
                let mut f = Obj::with_capacity(3);
                f.put("key", &p.funder)
                    .put(
                        "name",
                        funder
                            .map(|f| self.text(&f.name))
                            .unwrap_or_else(|| p.funder.clone()),
                    )
                    .put("eu", funder.is_some_and(|f| f.eu));
                o.put("funder", f.done())
                    .put(
                        "coordinator",
                        p.coordinator.as_ref().map(|id| self.reference(id)),
                    )
                    .put(
                        "implementers",
                        p.implementers
                            .iter()
                            .map(|id| self.reference(id))
                            .collect::<Vec<_>>(),
                    )
                    .put(
                        "contacts",
                        p.contacts
                            .iter()
                            .map(|id| self.person_summary(id))
                            .collect::<Vec<_>>(),
                    );
            }
            RecordData::News(n) => {
                o.put(
                    "related",
                    n.related
                        .iter()
                        .map(|id| self.reference(id))
                        .collect::<Vec<_>>(),
                );
            }
            RecordData::Strategy(s) => {
                let docs: Vec<tera::Value> = s
                    .documents
                    .iter()
                    .map(|d| {
                        let mut o = Obj::with_capacity(3);
                        o.put("title", &d.title)
                            .put("language", &d.language)
                            .put("file", self.file(&d.file));
                        o.done()
                    })
                    .collect();
                o.put("documents", docs);
            }
            RecordData::Page(_) => {}
        }
        o
    }

    /// A record on its own page: its card with the body and its table of contents,
    /// which only this page needs (the body is opened here).
    pub fn page(&self, rec: &Record, loc: &Localized) -> tera::Value {
        let mut o = self.card_obj(rec, loc);
        let (body, toc) = loc.body.open();
        // The body's headings in lower case, so a theme can leave out a heading of its
        // own that the text already has ("Objectives" above the structured list).
        let headings: Vec<String> = toc.iter().map(|t| t.title.to_lowercase()).collect();
        o.put("body", &*body)
            .put("toc", toc)
            .put("headings", headings);
        o.done()
    }

    /// Site settings in this language.
    /// `site.brand`: each picture as a file (`url`, `format`, …) with its `mime` type,
    /// the home picture with its `alt`, and the colours.
    fn brand(&self) -> J {
        let b = &self.site.config.brand;
        let picture = |f: &FileRef| {
            json!({
                "url": file_url(&self.urls, f),
                "src": f.src,
                "mime": paths::mime(&f.src),
            })
        };
        // A raster icon is the small copy, never a large original.
        let favicon = b.favicon.as_ref().or(b.logo.as_ref()).map(|f| {
            match self
                .site
                .pictures
                .get(&f.src)
                .and_then(|p| p.copy_near(180))
            {
                Some(copy) => {
                    json!({"url": self.urls.url(&copy.path), "src": f.src, "mime": copy.mime})
                }
                None => picture(f),
            }
        });
        let mut image = b.image.as_ref().map(picture);
        if let Some(J::Object(m)) = &mut image {
            m.insert("alt".into(), J::from(self.text(&b.image_alt)));
        }
        json!({
            "logo": b.logo.as_ref().map(picture),
            "favicon": favicon,
            "image": image,
            "color": b.color.as_ref().map(|c| json!({
                "given": c.given, "main": c.main, "hover": c.hover, "tint": c.tint, "focus": c.focus,
            })),
        })
    }

    pub fn site(&self, eu_ongoing: bool) -> J {
        let c = &self.site.config;
        let org = &c.organisation;
        let labels = |t: &[(String, Text)]| -> Vec<J> {
            t.iter()
                .map(|(k, v)| json!({"key": k, "label": self.text(v)}))
                .collect()
        };
        // The accessibility statement (pages/accessibility), which the Estonian and
        // Finnish accessibility laws want reachable from every page.
        let accessibility = self
            .site
            .get(&RecordId::new(Collection::Pages, "accessibility"))
            .and_then(|r| {
                r.locale(self.lang)
                    .or_else(|| r.locale(c.default_lang()))
                    .and_then(|l| l.path.as_ref())
            })
            .map(|p| self.urls.url(p));
        json!({
            "title": self.text(&c.title),
            "description": self.text(&c.description),
            "accessibility_url": accessibility,
            "open_data": [
                {"label": "partners.json", "url": self.urls.url(paths::PARTNERS_JSON)},
                {"label": "partners.csv", "url": self.urls.url(paths::PARTNERS_CSV)},
                {"label": "projects.json", "url": self.urls.url(paths::PROJECTS_JSON)},
            ],
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
            "brand": self.brand(),
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
