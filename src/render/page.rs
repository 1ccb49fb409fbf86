//! Rendering one page: the variables its kind gives the template (docs/templates.md,
//! "What each page receives"), the context every page has, and the template run.

use super::jsonld::{self, JsonLd};
use super::langs::LangData;
use super::lists::Lists;
use super::plan::{Page, PageKind};
use super::values::to_value;
use crate::diagnostics::Diagnostic;
use crate::model::paths::{self, Urls};
use crate::model::*;
use serde_json::{Value as J, json};
use std::collections::{BTreeMap, HashSet};
use tera::{Context, Tera, Value};

/// How many news items the home page shows.
pub const HOME_NEWS: usize = 5;
/// Ongoing projects on the home page: a handful, the rest one link away.
pub const HOME_PROJECTS: usize = 6;

/// What pages are rendered with.
pub struct Renderer<'a> {
    pub tera: &'a Tera,
    pub site: &'a Site,
    pub langs: &'a [LangData<'a>],
    pub lists: &'a Lists,
    pub backlinks: &'a super::values::Backlinks,
}

/// A page's own variables, by name.
pub type Vars = Vec<(&'static str, Value)>;

impl Renderer<'_> {
    fn urls(&self) -> Urls<'_> {
        self.site.urls()
    }

    /// Record `i` on a page of its own (with its body), in `lang`.
    fn page_value(&self, i: usize, lang: &str) -> Option<Value> {
        let r = &self.site.records[i];
        let vb = super::values::ValueBuilder {
            site: self.site,
            urls: self.site.urls(),
            backlinks: self.backlinks,
            lang,
        };
        r.locale(lang).map(|loc| vb.page(r, loc))
    }

    /// The record whose body `page` shows, if any: a record's own page shows its
    /// body, the home page shows the body of the `home` page record. (What `serve`
    /// renders again after a body edit, [`super::render_bodies`].)
    pub fn body_shown(&self, page: &Page) -> Option<usize> {
        match page.kind {
            PageKind::Home => self.home_record(),
            k if k.has_record() => page.record,
            _ => None,
        }
    }

    fn home_record(&self) -> Option<usize> {
        self.site
            .index
            .get(&RecordId::new(Collection::Pages, "home"))
            .copied()
    }

    fn script(v: J) -> Value {
        Value::safe_string(&jsonld::to_script(v))
    }

    fn text(&self, t: &Text, lang: &str) -> String {
        t.text(lang, self.site.config.default_lang())
    }

    /// The variables of `page` beyond what every page gets.
    pub fn vars(&self, page: &Page) -> Vars {
        let site = self.site;
        let ld = &self.langs[page.lang];
        let lists = self.lists.lang(page.lang);
        let code = ld.code;
        let urls = self.urls();
        let ld_json = JsonLd {
            site,
            urls: &urls,
            lang: code,
        };
        let org = || Self::script(ld_json.organisation());
        let mut vars: Vars = Vec::new();
        let share = |image: Option<(String, String)>| match image {
            Some((url, alt)) => to_value(&json!({"url": url, "alt": alt})),
            None => Value::none(),
        };
        if !page.kind.has_record() {
            let home = page.kind == PageKind::Home;
            vars.push(("share_image", share(ld_json.share_image(None, home))));
        }
        match page.kind {
            PageKind::Root | PageKind::NotFound | PageKind::LangNotFound => {
                match page.kind {
                    // Every language, the default one first.
                    PageKind::NotFound => {
                        let langs = (0..site.config.languages.len()).map(|i| self.not_found_in(i));
                        vars.push(("not_found", to_value(&J::Array(langs.collect()))));
                    }
                    PageKind::LangNotFound => {
                        let own = vec![self.not_found_in(page.lang)];
                        vars.push(("not_found", to_value(&J::Array(own))));
                    }
                    _ => {}
                }
                let default = site.config.default_lang();
                let choices: Vec<J> = site
                    .config
                    .languages
                    .iter()
                    .map(|l| {
                        json!({
                            "code": l.code,
                            "name": l.name,
                            "url": urls.url(&paths::home(&l.code)),
                            "title": site.config.title.text(&l.code, default),
                        })
                    })
                    .collect();
                vars.push(("choices", to_value(&J::Array(choices))));
                vars.push(("jsonld", org()));
            }
            PageKind::Home => {
                let home = self.home_record().and_then(|i| self.page_value(i, code));
                let counts: Vec<J> = lists
                    .partner_groups
                    .iter()
                    .map(|(key, members)| {
                        json!({"key": key, "label": self.category_label(key, code), "count": members.len()})
                    })
                    .collect();
                let members: usize = lists.partner_groups.iter().map(|(_, m)| m.len()).sum();
                let news = &lists.news[..lists.news.len().min(HOME_NEWS)];
                vars.push(("home", home.unwrap_or_else(Value::none)));
                vars.push(("latest_news", Value::from(ld.values(news))));
                let ongoing = &lists.ongoing[..lists.ongoing.len().min(HOME_PROJECTS)];
                vars.push(("current_projects", Value::from(ld.values(ongoing))));
                vars.push(("ongoing_total", Value::from(lists.ongoing.len())));
                vars.push(("project_total", Value::from(lists.projects.len())));
                // With nothing ongoing, the projects coming up (planned, or dates to be
                // confirmed) instead, so the home page still shows the work.
                let upcoming: Vec<usize> = if lists.ongoing.is_empty() {
                    lists
                        .projects
                        .iter()
                        .copied()
                        .filter(|&i| {
                            matches!(&site.records[i].locale(code).map(|l| &l.data),
                                Some(RecordData::Project(p)) if p.status != Some(ProjectStatus::Completed))
                        })
                        .take(HOME_PROJECTS)
                        .collect()
                } else {
                    Vec::new()
                };
                vars.push(("upcoming_projects", Value::from(ld.values(&upcoming))));
                vars.push(("partner_counts", to_value(&J::Array(counts))));
                vars.push(("partner_total", Value::from(members)));
                vars.push(("jsonld", org()));
            }
            PageKind::Partners => {
                let groups: Vec<Value> = lists
                    .partner_groups
                    .iter()
                    .map(|(key, members)| {
                        let mut m = BTreeMap::new();
                        m.insert("key", Value::from(key.as_str()));
                        m.insert("label", Value::from(self.category_label(key, code)));
                        m.insert("partners", Value::from(ld.values(members)));
                        Value::from(m)
                    })
                    .collect();
                vars.push(("groups", Value::from(groups)));
                vars.push(("networks", Value::from(ld.values(&lists.networks))));
                vars.push(("jsonld", org()));
            }
            PageKind::People => {
                // A person in two groups keeps the `#anchor` on the first only.
                let mut seen = HashSet::new();
                let groups: Vec<Value> = lists
                    .people_groups
                    .iter()
                    .map(|(key, members)| {
                        let label = site
                            .config
                            .people_groups
                            .iter()
                            .find(|(k, _)| k == key)
                            .map(|(_, t)| self.text(t, code))
                            .unwrap_or_else(|| key.clone());
                        let people: Vec<Value> = members
                            .iter()
                            .filter_map(|i| {
                                let v = ld.card(*i)?;
                                if seen.insert(*i) {
                                    return Some(v);
                                }
                                let mut m = v.into_map()?;
                                m.insert("anchor".into(), Value::none());
                                Some(Value::from(m))
                            })
                            .collect();
                        let mut m = BTreeMap::new();
                        m.insert("key", Value::from(key.as_str()));
                        m.insert("label", Value::from(label));
                        m.insert("people", Value::from(people));
                        Value::from(m)
                    })
                    .collect();
                let people: Vec<&Record> = lists.people.iter().map(|i| &site.records[*i]).collect();
                vars.push(("groups", Value::from(groups)));
                vars.push(("jsonld", Self::script(ld_json.people(&people))));
            }
            PageKind::StrategyList | PageKind::Projects => {
                let c = if page.kind == PageKind::Projects {
                    Collection::Projects
                } else {
                    Collection::Strategy
                };
                vars.push(("items", Value::from(ld.values(lists.of(c)))));
                vars.push(("jsonld", org()));
            }
            PageKind::Search => vars.push(("jsonld", org())),
            PageKind::NewsList => {
                let n = page.number;
                let total = paths::news_pages(lists.news.len());
                let per = paths::NEWS_PER_PAGE;
                let items = &lists.news
                    [((n - 1) * per).min(lists.news.len())..(n * per).min(lists.news.len())];
                let url = |i: usize| urls.url(&paths::news_page(code, i));
                let paginator = json!({
                    "current": n,
                    "total": total,
                    "prev_url": (n > 1).then(|| url(n - 1)),
                    "next_url": (n < total).then(|| url(n + 1)),
                    // A window, not every page: each of thousands of list pages
                    // listing all the others made the news lists quadratic.
                    "pages": (1..=total)
                        .filter(|i| *i == 1 || *i == total || i.abs_diff(n) <= 2)
                        .map(|i| json!({"number": i, "url": url(i), "current": i == n}))
                        .collect::<Vec<_>>(),
                });
                let mut p = to_value(&paginator);
                if let Some(mut m) = p.clone().into_map() {
                    m.insert("items".into(), Value::from(ld.values(items)));
                    p = Value::from(m);
                }
                vars.push(("paginator", p));
                vars.push(("jsonld", org()));
            }
            PageKind::Partner
            | PageKind::Strategy
            | PageKind::Project
            | PageKind::News
            | PageKind::Page => {
                if let Some(i) = page.record {
                    let r = &site.records[i];
                    vars.push(("page", self.page_value(i, code).unwrap_or_else(Value::none)));
                    if let Some(loc) = r.locale(code) {
                        vars.push(("jsonld", Self::script(ld_json.record(loc))));
                        vars.push(("share_image", share(ld_json.share_image(Some(loc), false))));
                    }
                }
            }
        }
        vars
    }

    /// What a "page not found" offers in one language: its home and search pages.
    fn not_found_in(&self, lang_index: usize) -> J {
        let site = self.site;
        let urls = self.urls();
        let l = &site.config.languages[lang_index];
        json!({
            "code": l.code,
            "name": l.name,
            "title": site.config.title.text(&l.code, site.config.default_lang()),
            "home_url": urls.url(&paths::home(&l.code)),
            "search_url": urls.url(&paths::search(&l.code)),
        })
    }

    fn category_label(&self, key: &str, lang: &str) -> String {
        self.site
            .config
            .partner_categories
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| self.text(t, lang))
            .unwrap_or_else(|| key.to_string())
    }

    /// Renders `page` with its variables, as the bytes of its file. (Written straight
    /// into bytes: Tera's `render` checks that what it wrote is UTF-8 to make a string,
    /// and a page is only ever written out.)
    pub fn render(&self, page: &Page, vars: &Vars) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let urls = self.urls();
        let ld = &self.langs[page.lang];
        let mut ctx = Context::new();
        ctx.insert("lang", ld.code);
        ctx.insert("lang_name", ld.name);
        ctx.insert_value("site", ld.site.clone());
        if let Some(c) = &ld.collections {
            ctx.insert_value("collections", c.clone());
        }
        ctx.insert_value("menu", ld.menu.clone());
        ctx.insert("page_kind", page.kind.name());
        ctx.insert("section", &page.kind.section());
        ctx.insert("canonical", &urls.permalink(&page.path));
        ctx.insert("current_url", &urls.url(&page.path));
        let names: BTreeMap<&str, &str> = site
            .config
            .languages
            .iter()
            .map(|l| (l.code.as_str(), l.name.as_str()))
            .collect();
        let versions = page.versions(site, self.lists);
        let translations: Vec<J> = versions
            .iter()
            .map(|v| {
                json!({
                    "lang": v.lang,
                    "name": names.get(v.lang.as_str()),
                    "url": urls.url(v.own.as_deref().unwrap_or(&v.fallback)),
                    "exists": v.own.is_some(),
                    "current": v.lang == ld.code,
                })
            })
            .collect();
        ctx.insert("translations", &translations);
        let alternates: Vec<J> = page
            .alternates(site, &versions)
            .into_iter()
            .map(|(lang, p)| json!({"hreflang": lang, "href": urls.permalink(&p)}))
            .collect();
        ctx.insert("alternates", &alternates);
        for (k, v) in vars {
            ctx.insert_value(*k, v.clone());
        }
        let template = page.kind.template();
        let mut html = Vec::with_capacity(PAGE_BYTES);
        self.tera
            .render_to(template, &ctx, &mut html)
            .map_err(|e| template_failure(site, template, &page.output(), &e))?;
        Ok(html)
    }
}

/// Room made for a page before it is rendered (it grows as needed): a page of the
/// default theme with a short body is about 7 kB.
const PAGE_BYTES: usize = 8 * 1024;

/// A template error as one diagnostic: Tera's report is several lines (the message, a
/// ` --> file:line:column` location, the quoted line, `note: called from ...`), which a
/// diagnostic shows as its own parts: the message, the template and line where the
/// error is, and the templates that included it as help.
fn template_failure(
    site: &Site,
    template: &str,
    output: &str,
    e: &dyn std::error::Error,
) -> Diagnostic {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push('\n');
        text.push_str(&s.to_string());
        source = s.source();
    }
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let mut location = None;
    let mut notes = Vec::new();
    let mut rest = Vec::new();
    for line in lines {
        let t = line.trim();
        if let Some(loc) = t.strip_prefix("--> ") {
            location.get_or_insert(loc.to_string());
        } else if let Some(n) = t.strip_prefix("note: ") {
            notes.push(n.to_string());
        } else if !t.is_empty() && !t.starts_with('|') && !t.contains(" | ") && location.is_none() {
            rest.push(t.to_string());
        }
    }
    let mut message = format!("rendering {output} failed: {first}");
    for r in rest {
        message.push_str("; ");
        message.push_str(&r);
    }
    // `name.html:2:17`: the template and position of the error, when it is one of the
    // theme's templates.
    let parsed = location.as_deref().and_then(|loc| {
        let mut parts = loc.rsplitn(3, ':');
        let column = parts.next()?.parse::<usize>().ok()?;
        let line = parts.next()?.parse::<usize>().ok()?;
        Some((parts.next()?.to_string(), line, column))
    });
    let theme_path = |name: &str| {
        site.theme
            .templates
            .get(name)
            .map(|t| t.path.clone())
            .unwrap_or_else(|| format!("themes/{}/templates/{name}", site.theme.name()))
    };
    let mut d = match &parsed {
        Some((name, line, column)) => {
            let d = Diagnostic::error("template", theme_path(name), message);
            match site.theme.templates.get(name.as_str()) {
                Some(t) => d.at(&t.text, *line, *column),
                None => d,
            }
        }
        None => Diagnostic::error("template", theme_path(template), message),
    };
    if !notes.is_empty() {
        d = d.with_help(notes.join("; "));
    }
    d
}
