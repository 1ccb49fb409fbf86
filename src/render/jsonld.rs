//! schema.org JSON-LD for each page: Organization for the cluster and partners, Person
//! for people, Project with MonetaryGrant funding for projects, NewsArticle for news,
//! Report for strategy documents, WebPage for free pages.

use crate::model::paths::{self, Urls};
use crate::model::*;
use serde_json::{Value as J, json};

pub struct JsonLd<'a> {
    pub site: &'a Site,
    pub urls: &'a Urls<'a>,
    pub lang: &'a str,
}

/// Serialises JSON-LD for a `<script>` element: `<` is escaped so no text can close it.
pub fn to_script(mut v: J) -> String {
    drop_nulls(&mut v);
    serde_json::to_string(&v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

/// Removes properties without a value (a partner without a city, a reference without a
/// page): schema.org has no null, and validators flag `"addressLocality": null`.
fn drop_nulls(v: &mut J) {
    match v {
        J::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        J::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

fn money(m: &Money) -> J {
    json!({"@type": "MonetaryAmount", "value": m.amount.parse::<f64>().ok(), "currency": m.currency})
}

impl JsonLd<'_> {
    fn default(&self) -> &str {
        self.site.config.default_lang()
    }

    fn text(&self, t: &Text) -> String {
        t.text(self.lang, self.default())
    }

    /// The picture a link preview shows for a page (`og:image`) and a news article's
    /// `image`, with its text alternative: the record's own (a partner's logo), on the
    /// home page the brand picture, else the site's logo. SVG is passed over: the
    /// services that show previews do not read it.
    pub fn share_image(&self, loc: Option<&Localized>, home: bool) -> Option<(String, String)> {
        let brand = &self.site.config.brand;
        let raster = |f: &&FileRef| f.local && !f.src.to_ascii_lowercase().ends_with(".svg");
        let own = match loc.map(|l| &l.data) {
            Some(RecordData::Partner(p)) => p.logo.as_ref(),
            Some(RecordData::Person(p)) => p.photo.as_ref(),
            _ => None,
        };
        let candidates = [
            own.map(|f| (f, loc.map(|l| l.label.clone()).unwrap_or_default())),
            brand
                .image
                .as_ref()
                .filter(|_| home)
                .map(|f| (f, self.text(&brand.image_alt))),
            brand
                .logo
                .as_ref()
                .map(|f| (f, self.text(&self.site.config.title))),
        ];
        candidates
            .into_iter()
            .flatten()
            .find(|(f, _)| raster(f))
            // A copy about as wide as the previews show (1200 px).
            .map(|(f, alt)| (self.picture_url(f, 1200), alt))
    }

    /// The address of a media picture for machines that fetch one file: the resized
    /// copy nearest to `width` for a raster picture, never a large original.
    fn picture_url(&self, f: &FileRef, width: u32) -> String {
        let path = match self
            .site
            .pictures
            .get(&f.src)
            .and_then(|p| p.copy_near(width))
        {
            Some(copy) => copy.path.clone(),
            None => paths::media(&f.src),
        };
        self.urls.permalink(&path)
    }

    /// The site's logo as schema.org wants it for an organisation.
    fn logo(&self) -> Option<J> {
        let logo = self.site.config.brand.logo.as_ref()?;
        Some(json!({"@type": "ImageObject", "url": self.picture_url(logo, 640)}))
    }

    /// The cluster itself.
    pub fn organisation(&self) -> J {
        let c = &self.site.config;
        let name = self.text(&c.organisation.name);
        let mut o = json!({
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": if name.is_empty() { self.text(&c.title) } else { name },
            "url": self.urls.permalink(&paths::home(self.lang)),
        });
        let description = self.text(&c.description);
        if !description.is_empty() {
            o["description"] = J::String(description);
        }
        if let Some(e) = &c.organisation.email {
            o["email"] = J::String(e.clone());
        }
        if let Some(p) = &c.organisation.phone {
            o["telephone"] = J::String(p.clone());
        }
        let address = self.text(&c.organisation.address);
        if !address.is_empty() {
            o["address"] = J::String(address);
        }
        if let Some(w) = &c.organisation.website {
            o["sameAs"] = J::String(w.clone());
        }
        if let Some(logo) = self.logo() {
            o["logo"] = logo;
        }
        o
    }

    fn reference_name(&self, id: &RecordId) -> Option<String> {
        let r = self.site.get(id)?;
        r.locale(self.lang)
            .or_else(|| r.locale(self.default()))
            .map(|l| l.label.clone())
    }

    fn partner_org(&self, id: &RecordId) -> J {
        let url = self
            .site
            .get(id)
            .and_then(|r| r.locale(self.lang).or_else(|| r.locale(self.default())))
            .and_then(|l| l.path.as_ref())
            .map(|p| self.urls.permalink(p));
        json!({"@type": "Organization", "name": self.reference_name(id), "url": url})
    }

    pub fn person(&self, loc: &Localized, p: &Person) -> J {
        let mut o = json!({"@type": "Person", "name": p.name});
        if let Some(t) = &p.job_title {
            o["jobTitle"] = J::String(t.clone());
        }
        if let Some(e) = &p.email {
            o["email"] = J::String(e.clone());
        }
        if let Some(t) = &p.phone {
            o["telephone"] = J::String(t.clone());
        }
        if let Some(r) = &p.role {
            o["description"] = J::String(r.clone());
        }
        match &p.organisation {
            Some(OrgRef::Partner(id)) => o["worksFor"] = self.partner_org(id),
            Some(OrgRef::Text(t)) => o["worksFor"] = json!({"@type": "Organization", "name": t}),
            None => {}
        }
        if let Some(photo) = &p.photo {
            o["image"] = J::String(self.picture_url(photo, 640));
        }
        let _ = loc;
        o
    }

    /// The people page: every person listed.
    pub fn people(&self, people: &[&Record]) -> J {
        let graph: Vec<J> = people
            .iter()
            .filter_map(|r| {
                let loc = r.locale(self.lang)?;
                match &loc.data {
                    RecordData::Person(p) => Some(self.person(loc, p)),
                    _ => None,
                }
            })
            .collect();
        json!({"@context": "https://schema.org", "@graph": graph})
    }

    /// The page of a record.
    pub fn record(&self, loc: &Localized) -> J {
        let url = loc.path.as_ref().map(|p| self.urls.permalink(p));
        let publisher = {
            let mut o = self.organisation();
            if let Some(m) = o.as_object_mut() {
                m.remove("@context");
            }
            o
        };
        let mut o = match &loc.data {
            RecordData::Partner(p) => {
                let mut o = json!({"@type": "Organization", "name": loc.label});
                if let Some(w) = &p.website {
                    o["sameAs"] = J::String(w.clone());
                }
                if p.city.is_some() || p.country.is_some() {
                    // Nulls are dropped at the end: only what the record gives.
                    o["address"] = json!({"@type": "PostalAddress", "addressLocality": p.city, "addressCountry": p.country});
                }
                if let Some(logo) = &p.logo {
                    o["logo"] = J::String(self.picture_url(logo, 640));
                }
                o["memberOf"] = publisher.clone();
                o
            }
            RecordData::Person(p) => self.person(loc, p),
            RecordData::Project(p) => {
                let funder = self.site.config.funder(&p.funder);
                let mut grant = json!({
                    "@type": "MonetaryGrant",
                    "name": loc.label,
                    "funder": {"@type": "Organization", "name": funder.map(|f| self.text(&f.name)).unwrap_or_else(|| p.funder.clone())},
                });
                if let Some(m) = p.grant.as_ref().or(p.public_funding.as_ref()) {
                    grant["amount"] = money(m);
                }
                let mut o = json!({
                    "@type": "Project",
                    "name": loc.label,
                    "funding": grant,
                    // A Project is an Organization in schema.org, which has no
                    // startDate/endDate: its own dates are these two.
                    "foundingDate": p.start,
                });
                if let Some(e) = p.end {
                    o["dissolutionDate"] = json!(e);
                }
                if let Some(c) = &p.coordinator {
                    o["parentOrganization"] = self.partner_org(c);
                }
                if !p.implementers.is_empty() {
                    o["member"] = J::Array(
                        p.implementers
                            .iter()
                            .map(|id| self.partner_org(id))
                            .collect(),
                    );
                }
                if let Some(w) = &p.website {
                    o["sameAs"] = J::String(w.clone());
                }
                o
            }
            RecordData::News(n) => json!({
                "@type": "NewsArticle",
                "headline": loc.label,
                "datePublished": n.date,
                "publisher": publisher,
                "image": self.share_image(Some(loc), false).map(|(url, _)| url),
            }),
            RecordData::Strategy(s) => {
                let coverage = match s.period.to {
                    Some(to) => format!("{}/{to}", s.period.from),
                    None => format!("{}/..", s.period.from),
                };
                json!({"@type": "Report", "name": loc.label, "temporalCoverage": coverage, "publisher": publisher})
            }
            RecordData::Page(_) => json!({"@type": "WebPage", "name": loc.label}),
        };
        o["@context"] = J::String("https://schema.org".into());
        // inLanguage belongs to creative works, not to organisations or people.
        if !matches!(
            loc.data,
            RecordData::Partner(_) | RecordData::Person(_) | RecordData::Project(_)
        ) {
            o["inLanguage"] = J::String(loc.lang.clone());
        }
        if let Some(u) = url {
            o["url"] = J::String(u);
        }
        if let Some(s) = &loc.summary {
            o["description"] = J::String(s.clone());
        }
        o
    }
}
