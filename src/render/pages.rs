//! The list of pages of a site and their rendering through the theme's templates.

use super::cache::{self, Cache};
use super::jsonld::{self, JsonLd};
use super::templates::{self, Env};
use super::values::{Backlinks, Urls, ValueBuilder};
use super::{Content, OutputFile, Stats, data, feeds, search};
use crate::diagnostics::Diagnostic;
use crate::i18n::{Formats, LangFormat, Strings};
use crate::load::theme::Theme;
use crate::model::*;
use rayon::prelude::*;
use serde_json::{Value as J, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tera::{Context, Tera, Value};

pub const NEWS_PER_PAGE: usize = 10;

/// Everything the pages of one language share.
pub struct LangData<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub site: Value,
    pub collections: Value,
    pub menu: Value,
    pub records: HashMap<&'a RecordId, Value>,
    pub partners: Vec<&'a Record>,
    pub people: Vec<&'a Record>,
    pub strategy: Vec<&'a Record>,
    pub projects: Vec<&'a Record>,
    pub news: Vec<&'a Record>,
}

fn data<'a>(r: &'a Record, lang: &str) -> Option<&'a RecordData> {
    r.locale(lang).map(|l| &l.data)
}

fn label<'a>(r: &'a Record, lang: &str) -> &'a str {
    r.locale(lang).map(|l| l.label.as_str()).unwrap_or("")
}

fn status_rank(s: ProjectStatus) -> u8 {
    match s {
        ProjectStatus::Ongoing => 0,
        ProjectStatus::Planned => 1,
        ProjectStatus::Completed => 2,
    }
}

/// Orders records of each collection the way their list pages show them.
fn sorted<'a>(site: &'a Site, c: Collection, lang: &str, f: &LangFormat) -> Vec<&'a Record> {
    let mut v: Vec<&Record> = site
        .collection(c)
        .filter(|r| r.locale(lang).is_some())
        .collect();
    let by_label = |a: &&Record, b: &&Record| f.compare(label(a, lang), label(b, lang));
    match c {
        Collection::Partners => v.sort_by(by_label),
        Collection::People => v.sort_by(|a, b| {
            let order = |r: &Record| match data(r, lang) {
                Some(RecordData::Person(p)) => p.order.unwrap_or(i64::MAX),
                _ => i64::MAX,
            };
            order(a).cmp(&order(b)).then_with(|| by_label(a, b))
        }),
        Collection::Strategy => v.sort_by(|a, b| {
            let key = |r: &Record| match data(r, lang) {
                Some(RecordData::Strategy(s)) => {
                    let rank = match s.status.as_str() {
                        "current" => 0,
                        "previous" => 1,
                        _ => 2,
                    };
                    (rank, -s.period.from)
                }
                _ => (3, 0),
            };
            key(a).cmp(&key(b)).then_with(|| by_label(a, b))
        }),
        Collection::Projects => v.sort_by(|a, b| {
            let key = |r: &Record| match data(r, lang) {
                Some(RecordData::Project(p)) => (status_rank(p.status), std::cmp::Reverse(p.start)),
                _ => (3, std::cmp::Reverse(jiff::civil::Date::MIN)),
            };
            key(a).cmp(&key(b)).then_with(|| by_label(a, b))
        }),
        Collection::News => v.sort_by(|a, b| {
            let date = |r: &Record| match data(r, lang) {
                Some(RecordData::News(n)) => n.date,
                _ => jiff::civil::Date::MIN,
            };
            date(b).cmp(&date(a)).then_with(|| a.id.cmp(&b.id))
        }),
        Collection::Pages => {
            v.retain(|r| r.id.stem != "home");
            v.sort_by(|a, b| {
                let order = |r: &Record| match data(r, lang) {
                    Some(RecordData::Page(p)) => p.order.unwrap_or(i64::MAX),
                    _ => i64::MAX,
                };
                order(a).cmp(&order(b)).then_with(|| by_label(a, b))
            })
        }
    }
    v
}

fn to_value(j: &J) -> Value {
    Value::from_serializable(j)
}

impl<'a> LangData<'a> {
    fn new(
        site: &'a Site,
        lang: &'a Language,
        vb: &ValueBuilder,
        env: &Env,
        eu_ongoing: bool,
    ) -> LangData<'a> {
        let code = lang.code.as_str();
        let f = env.formats.get(code);
        let mut records = HashMap::new();
        for r in &site.records {
            if let Some(loc) = r.locale(code) {
                records.insert(&r.id, to_value(&vb.record(r, loc)));
            }
        }
        let partners = sorted(site, Collection::Partners, code, f);
        let people = sorted(site, Collection::People, code, f);
        let strategy = sorted(site, Collection::Strategy, code, f);
        let projects = sorted(site, Collection::Projects, code, f);
        let news = sorted(site, Collection::News, code, f);
        let pages = sorted(site, Collection::Pages, code, f);
        let list = |v: &[&Record]| -> Value {
            Value::from(
                v.iter()
                    .filter_map(|r| records.get(&r.id).cloned())
                    .collect::<Vec<_>>(),
            )
        };
        let mut collections = BTreeMap::new();
        collections.insert("partners", list(&partners));
        collections.insert("people", list(&people));
        collections.insert("strategy", list(&strategy));
        collections.insert("projects", list(&projects));
        collections.insert("news", list(&news));
        collections.insert("pages", list(&pages));
        let collections = Value::from(collections);

        let menu: Vec<J> = site
            .config
            .menu
            .iter()
            .filter_map(|item| match item {
                MenuItem::Section(c) => Some(json!({
                    "key": c.name(),
                    "label": env.strings.get(code, c.name()).unwrap_or(c.name()),
                    "url": vb.urls.url(&format!("/{code}/{}/", c.name())),
                })),
                MenuItem::Record(id) => {
                    let loc = vb.locale_of(id)?;
                    let path = site.get(id)?.locale(code).and_then(|l| l.path.clone()).or_else(|| loc.path.clone())?;
                    Some(json!({"key": id.to_string(), "label": loc.label, "url": vb.urls.url(&path)}))
                }
            })
            .collect();

        LangData {
            code,
            name: &lang.name,
            site: to_value(&vb.site(eu_ongoing)),
            collections,
            menu: to_value(&J::Array(menu)),
            records,
            partners,
            people,
            strategy,
            projects,
            news,
        }
    }

    fn values(&self, rs: &[&Record]) -> Vec<Value> {
        rs.iter()
            .filter_map(|r| self.records.get(&r.id).cloned())
            .collect()
    }
}

/// One page to render.
struct Job<'a> {
    /// Output file path relative to the output folder.
    out: String,
    template: &'static str,
    lang: Option<&'a LangData<'a>>,
    /// Site path of the page (for canonical and alternates).
    path: String,
    kind: &'static str,
    section: Option<&'static str>,
    /// Language → site path of this page's versions (`None`: the language's fallback).
    versions: Vec<(String, Option<String>, String)>,
    vars: Vec<(&'static str, Value)>,
}

fn out_path(site_path: &str) -> String {
    format!("{}index.html", site_path.trim_start_matches('/'))
}

/// Version list of a page every language has at `/{lang}{suffix}`.
fn all_langs(site: &Site, suffix: &str) -> Vec<(String, Option<String>, String)> {
    site.config
        .languages
        .iter()
        .map(|l| {
            let p = format!("/{}{suffix}", l.code);
            (l.code.clone(), Some(p.clone()), p)
        })
        .collect()
}

pub fn render(
    site: &Site,
    theme: &Theme,
    strings: Strings,
    formats: Formats,
    progress: Option<&dyn crate::pipeline::Progress>,
    cache: Option<&Cache>,
) -> Result<(Vec<OutputFile>, Stats), Vec<Diagnostic>> {
    let urls = Urls {
        base_url: &site.config.base_url,
        base_path: &site.config.base_path,
    };
    let backlinks = Backlinks::new(site);
    let mut url_table: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    for r in &site.records {
        for (lang, loc) in &r.locales {
            if let Some(p) = &loc.path {
                url_table
                    .entry(r.id.to_string())
                    .or_default()
                    .insert(lang.clone(), urls.url(p));
            }
        }
    }
    let env = Arc::new(Env {
        strings,
        formats,
        urls: url_table,
        default_lang: site.config.default_lang().to_string(),
        base_path: site.config.base_path.clone(),
        assets: theme
            .static_files
            .iter()
            .map(|(k, v)| (k.clone(), v.hash.clone()))
            .collect(),
    });
    let started = std::time::Instant::now();
    let mut timings = Vec::new();
    let tera = templates::build(theme, env.clone())?;
    let eu_ongoing = site.collection(Collection::Projects).any(|r| {
        r.locales.values().next().is_some_and(|l| match &l.data {
            RecordData::Project(p) => {
                p.status == ProjectStatus::Ongoing
                    && site.config.funder(&p.funder).is_some_and(|f| f.eu)
            }
            _ => false,
        })
    });

    let langs: Vec<LangData> = site
        .config
        .languages
        .par_iter()
        .map(|l| {
            let vb = ValueBuilder {
                site,
                urls: Urls {
                    base_url: &site.config.base_url,
                    base_path: &site.config.base_path,
                },
                backlinks: &backlinks,
                lang: &l.code,
            };
            LangData::new(site, l, &vb, &env, eu_ongoing)
        })
        .collect();

    timings.push(("template data", started.elapsed()));
    let mut jobs: Vec<Job> = Vec::new();
    for ld in &langs {
        plan_language(site, ld, &urls, &mut jobs);
    }
    let default = site.config.default_lang();
    let root_versions: Vec<(String, Option<String>, String)> = vec![];
    let languages: Vec<J> = site
        .config
        .languages
        .iter()
        .map(|l| json!({"code": l.code, "name": l.name, "url": urls.url(&format!("/{}/", l.code)), "title": site.config.title.text(&l.code, default)}))
        .collect();
    let langs_value = to_value(&J::Array(languages));
    let root_jsonld = Value::safe_string(&jsonld::to_script(
        &JsonLd {
            site,
            urls: &urls,
            lang: default,
        }
        .organisation(),
    ));
    jobs.push(Job {
        out: "index.html".into(),
        template: "root.html",
        lang: langs.first(),
        path: "/".into(),
        kind: "root",
        section: None,
        versions: root_versions.clone(),
        vars: vec![
            ("choices", langs_value.clone()),
            ("jsonld", root_jsonld.clone()),
        ],
    });
    jobs.push(Job {
        out: "404.html".into(),
        template: "404.html",
        lang: langs.first(),
        path: "/404.html".into(),
        kind: "404",
        section: None,
        versions: root_versions,
        vars: vec![("choices", langs_value), ("jsonld", root_jsonld)],
    });

    let theme_name = theme.chain.first().cloned().unwrap_or_default();
    let fingerprints: Vec<Option<u64>> = match cache {
        Some(_) => fingerprints(site, theme, &env, &tera, &langs, &jobs),
        None => vec![None; jobs.len()],
    };
    if let Some(p) = progress {
        p.stage("render", Some(jobs.len()));
    }
    let reused = std::sync::atomic::AtomicUsize::new(0);
    // The search index needs only the model, so it is built while the pages render.
    let people_title = |lang: &str| {
        env.strings
            .get(lang, "people")
            .unwrap_or("People")
            .to_string()
    };
    let (rendered, search_index) = rayon::join(
        || {
            jobs.par_iter()
                .zip(fingerprints.par_iter())
                .map(|(job, fp)| {
                    let previous = cache.zip(*fp).and_then(|(c, fp)| c.page(&job.out, fp));
                    let r = match previous {
                        Some(content) => {
                            reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            Ok(OutputFile {
                                path: job.out.clone(),
                                content,
                            })
                        }
                        None => render_job(&tera, job, site, &urls, &langs, &theme_name),
                    };
                    if let Some(p) = progress {
                        p.step();
                    }
                    r
                })
                .collect::<Vec<Result<OutputFile, Diagnostic>>>()
        },
        || {
            let t = std::time::Instant::now();
            search::index(site, &urls, &people_title, cache).map(|files| (files, t.elapsed()))
        },
    );
    let mut files = Vec::with_capacity(rendered.len() + 16);
    let mut diags = Vec::new();
    let mut per_lang: BTreeMap<String, usize> = BTreeMap::new();
    for (r, job) in rendered.into_iter().zip(&jobs) {
        match r {
            Ok(f) => {
                if let Some(ld) = job.lang.filter(|_| job.kind != "root" && job.kind != "404") {
                    *per_lang.entry(ld.code.to_string()).or_default() += 1;
                }
                files.push(f);
            }
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        crate::diagnostics::normalize(&mut diags);
        return Err(diags);
    }
    if let Some(cache) = cache {
        // Keep this build's pages (as shared bytes, so reuse copies nothing).
        let mut kept = HashMap::with_capacity(files.len());
        for (f, fp) in files.iter_mut().zip(&fingerprints) {
            if let Content::Bytes(b) = &mut f.content {
                f.content = Content::Shared(Arc::new(std::mem::take(b)));
            }
            if let Some(fp) = fp {
                kept.insert(f.path.clone(), (*fp, f.content.clone()));
            }
        }
        cache.store_pages(kept);
    }

    timings.push(("templates and search", started.elapsed()));
    match search_index {
        Ok((mut index, took)) => {
            timings.push(("search index alone", took));
            files.append(&mut index);
        }
        Err(e) => return Err(vec![Diagnostic::error("search", "output/pagefind", e)]),
    }
    files.extend(data::exports(site, &urls));
    for ld in &langs {
        files.push(feeds::atom(
            site,
            &urls,
            ld.code,
            &ld.news,
            &ld.projects,
            &env.strings,
        ));
    }
    files.push(feeds::sitemap(
        site,
        &urls,
        jobs.iter()
            .map(|j| (j.path.as_str(), j.versions.as_slice())),
    ));
    files.push(OutputFile::text(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            urls.permalink("/sitemap.xml")
        ),
    ));

    let generated: std::collections::HashSet<String> =
        files.iter().map(|f| f.path.clone()).collect();
    for (path, file) in &theme.static_files {
        if !generated.contains(path) {
            files.push(OutputFile {
                path: path.clone(),
                content: Content::Shared(file.bytes.clone()),
            });
        }
    }
    for (rel, media) in &site.media {
        files.push(OutputFile {
            path: format!("media/{rel}"),
            content: Content::Copy(media.abs.clone()),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let stats = Stats {
        pages: site
            .config
            .languages
            .iter()
            .map(|l| (l.code.clone(), per_lang.get(&l.code).copied().unwrap_or(0)))
            .collect(),
        files: files.len(),
        timings,
        pages_reused: reused.into_inner(),
    };
    Ok((files, stats))
}

/// Versions of a record's page: its own where it exists, else the section page.
fn record_versions(site: &Site, r: &Record) -> Vec<(String, Option<String>, String)> {
    let section = match r.id.collection {
        Collection::Pages => String::new(),
        c => format!("{}/", c.name()),
    };
    site.config
        .languages
        .iter()
        .map(|l| {
            let own = r.locale(&l.code).and_then(|loc| loc.path.clone());
            let fallback = format!("/{}/{section}", l.code);
            (l.code.clone(), own, fallback)
        })
        .collect()
}

fn plan_language<'a>(site: &'a Site, ld: &'a LangData<'a>, urls: &Urls, jobs: &mut Vec<Job<'a>>) {
    let code = ld.code;
    let ld_json = JsonLd {
        site,
        urls,
        lang: code,
    };
    let script = |v: &J| Value::safe_string(&jsonld::to_script(v));
    let org = script(&ld_json.organisation());
    let section_job = |suffix: &str,
                       template: &'static str,
                       kind: &'static str,
                       section: Option<&'static str>,
                       vars: Vec<(&'static str, Value)>| {
        let path = format!("/{code}{suffix}");
        let mut vars = vars;
        if !vars.iter().any(|(k, _)| *k == "jsonld") {
            vars.push(("jsonld", org.clone()));
        }
        Job {
            out: out_path(&path),
            template,
            lang: Some(ld),
            versions: all_langs(site, suffix),
            path,
            kind,
            section,
            vars,
        }
    };

    // Home.
    let home = site
        .get(&RecordId::new(Collection::Pages, "home"))
        .and_then(|r| ld.records.get(&r.id).cloned());
    let member_counts: Vec<J> = site
        .config
        .partner_categories
        .iter()
        .filter_map(|(key, text)| {
            let n = ld
                .partners
                .iter()
                .filter(|r| matches!(data(r, code), Some(RecordData::Partner(p)) if &p.category == key && p.member))
                .count();
            (n > 0).then(|| json!({"key": key, "label": text.text(code, site.config.default_lang()), "count": n}))
        })
        .collect();
    let ongoing: Vec<&Record> = ld
        .projects
        .iter()
        .copied()
        .filter(|r| matches!(data(r, code), Some(RecordData::Project(p)) if p.status == ProjectStatus::Ongoing))
        .collect();
    let members = ld
        .partners
        .iter()
        .filter(|r| matches!(data(r, code), Some(RecordData::Partner(p)) if p.member))
        .count();
    jobs.push(section_job(
        "/",
        "index.html",
        "home",
        None,
        vec![
            ("home", home.unwrap_or_else(Value::none)),
            (
                "latest_news",
                Value::from(ld.values(&ld.news[..ld.news.len().min(5)])),
            ),
            ("current_projects", Value::from(ld.values(&ongoing))),
            ("partner_counts", to_value(&J::Array(member_counts))),
            ("partner_total", Value::from(members)),
        ],
    ));

    // Partners: members grouped by category in site.yaml order, then networks.
    let mut groups = Vec::new();
    for (key, text) in &site.config.partner_categories {
        let in_group: Vec<&Record> = ld
            .partners
            .iter()
            .copied()
            .filter(|r| matches!(data(r, code), Some(RecordData::Partner(p)) if &p.category == key && p.member))
            .collect();
        if !in_group.is_empty() {
            let mut m = BTreeMap::new();
            m.insert("key", Value::from(key.as_str()));
            m.insert(
                "label",
                Value::from(text.text(code, site.config.default_lang())),
            );
            m.insert("partners", Value::from(ld.values(&in_group)));
            groups.push(Value::from(m));
        }
    }
    let networks: Vec<&Record> = ld
        .partners
        .iter()
        .copied()
        .filter(|r| matches!(data(r, code), Some(RecordData::Partner(p)) if !p.member))
        .collect();
    jobs.push(section_job(
        "/partners/",
        "partners.html",
        "partners",
        Some("partners"),
        vec![
            ("groups", Value::from(groups)),
            ("networks", Value::from(ld.values(&networks))),
        ],
    ));

    // People by group. A person in two groups keeps the `#anchor` on the first only.
    let mut people_groups = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (key, text) in &site.config.people_groups {
        let in_group: Vec<&Record> = ld
            .people
            .iter()
            .copied()
            .filter(
                |r| matches!(data(r, code), Some(RecordData::Person(p)) if p.groups.contains(key)),
            )
            .collect();
        if !in_group.is_empty() {
            let mut m = BTreeMap::new();
            m.insert("key", Value::from(key.as_str()));
            m.insert(
                "label",
                Value::from(text.text(code, site.config.default_lang())),
            );
            let people: Vec<Value> = in_group
                .iter()
                .filter_map(|r| {
                    let v = ld.records.get(&r.id)?.clone();
                    if seen.insert(&r.id) {
                        return Some(v);
                    }
                    let mut m = v.into_map()?;
                    m.insert("anchor".into(), Value::none());
                    Some(Value::from(m))
                })
                .collect();
            m.insert("people", Value::from(people));
            people_groups.push(Value::from(m));
        }
    }
    jobs.push(section_job(
        "/people/",
        "people.html",
        "people",
        Some("people"),
        vec![
            ("groups", Value::from(people_groups)),
            ("jsonld", script(&ld_json.people(&ld.people))),
        ],
    ));
    jobs.push(section_job(
        "/search/",
        "search.html",
        "search",
        Some("search"),
        vec![],
    ));
    jobs.push(section_job(
        "/strategy/",
        "strategy_list.html",
        "strategy_list",
        Some("strategy"),
        vec![("items", Value::from(ld.values(&ld.strategy)))],
    ));
    jobs.push(section_job(
        "/projects/",
        "projects.html",
        "projects",
        Some("projects"),
        vec![("items", Value::from(ld.values(&ld.projects)))],
    ));

    // News, paginated.
    let total = ld.news.len().div_ceil(NEWS_PER_PAGE).max(1);
    let page_url = |n: usize| {
        if n == 1 {
            "/news/".to_string()
        } else {
            format!("/news/page/{n}/")
        }
    };
    for n in 1..=total {
        let items = &ld.news
            [((n - 1) * NEWS_PER_PAGE).min(ld.news.len())..(n * NEWS_PER_PAGE).min(ld.news.len())];
        let base = &site.config.base_path;
        let paginator = json!({
            "current": n,
            "total": total,
            "prev_url": (n > 1).then(|| format!("{base}/{code}{}", page_url(n - 1))),
            "next_url": (n < total).then(|| format!("{base}/{code}{}", page_url(n + 1))),
            "pages": (1..=total).map(|i| json!({"number": i, "url": format!("{base}/{code}{}", page_url(i)), "current": i == n})).collect::<Vec<_>>(),
        });
        let mut p = to_value(&paginator);
        if let Some(mut m) = p.clone().into_map() {
            m.insert("items".into(), Value::from(ld.values(items)));
            p = Value::from(m);
        }
        jobs.push(section_job(
            &page_url(n),
            "news_list.html",
            "news_list",
            Some("news"),
            vec![("paginator", p)],
        ));
    }

    // Record pages.
    for r in &site.records {
        let Some(loc) = r.locale(code) else { continue };
        let Some(path) = &loc.path else { continue };
        let (template, kind, section) = match r.id.collection {
            Collection::Partners => ("partner.html", "partner", Some("partners")),
            Collection::Strategy => ("strategy.html", "strategy", Some("strategy")),
            Collection::Projects => ("project.html", "project", Some("projects")),
            Collection::News => ("news.html", "news", Some("news")),
            Collection::Pages => ("page.html", "page", None),
            Collection::People => continue,
        };
        let Some(value) = ld.records.get(&r.id) else {
            continue;
        };
        jobs.push(Job {
            out: out_path(path),
            template,
            lang: Some(ld),
            path: path.clone(),
            kind,
            section,
            versions: record_versions(site, r),
            vars: vec![
                ("page", value.clone()),
                ("jsonld", script(&ld_json.record(loc))),
            ],
        });
    }
}

fn render_job(
    tera: &Tera,
    job: &Job,
    site: &Site,
    urls: &Urls,
    langs: &[LangData],
    theme: &str,
) -> Result<OutputFile, Diagnostic> {
    let mut ctx = Context::new();
    let default = site.config.default_lang();
    let ld = job.lang.or(langs.first());
    if let Some(ld) = ld {
        let lang = if job.kind == "root" || job.kind == "404" {
            default
        } else {
            ld.code
        };
        let ld = langs.iter().find(|l| l.code == lang).unwrap_or(ld);
        ctx.insert("lang", lang);
        ctx.insert("lang_name", ld.name);
        ctx.insert_value("site", ld.site.clone());
        ctx.insert_value("collections", ld.collections.clone());
        ctx.insert_value("menu", ld.menu.clone());
    }
    ctx.insert("page_kind", job.kind);
    ctx.insert("section", &job.section);
    ctx.insert("canonical", &urls.permalink(&job.path));
    ctx.insert("current_url", &urls.url(&job.path));

    let names: BTreeMap<&str, &str> = site
        .config
        .languages
        .iter()
        .map(|l| (l.code.as_str(), l.name.as_str()))
        .collect();
    let current = job.lang.map(|l| l.code).unwrap_or(default);
    let translations: Vec<J> = job
        .versions
        .iter()
        .map(|(lang, own, fallback)| {
            json!({
                "lang": lang,
                "name": names.get(lang.as_str()),
                "url": urls.url(own.as_deref().unwrap_or(fallback)),
                "exists": own.is_some(),
                "current": lang == current,
            })
        })
        .collect();
    ctx.insert("translations", &translations);
    let mut alternates: Vec<J> = job
        .versions
        .iter()
        .filter_map(|(lang, own, _)| {
            own.as_ref()
                .map(|p| json!({"hreflang": lang, "href": urls.permalink(p)}))
        })
        .collect();
    let x_default = if job.versions.is_empty() {
        Some("/".to_string())
    } else {
        job.versions
            .iter()
            .find(|(l, own, _)| l == default && own.is_some())
            .or_else(|| job.versions.iter().find(|(_, own, _)| own.is_some()))
            .and_then(|(_, own, _)| own.clone())
    };
    if let Some(x) = x_default {
        alternates.push(json!({"hreflang": "x-default", "href": urls.permalink(&x)}));
    }
    ctx.insert("alternates", &alternates);
    for (k, v) in &job.vars {
        ctx.insert_value(*k, v.clone());
    }
    match tera.render(job.template, &ctx) {
        Ok(html) => Ok(OutputFile::text(job.out.clone(), html)),
        Err(e) => {
            let mut msg = format!("{e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(&format!("\n{s}"));
                source = s.source();
            }
            Err(Diagnostic::error(
                "template",
                format!("themes/{theme}/templates/{}", job.template),
                format!("rendering {} failed: {msg}", job.out),
            ))
        }
    }
}

/// The fingerprint of each job: everything its template can see (see `cache`).
fn fingerprints(
    site: &Site,
    theme: &Theme,
    env: &Env,
    tera: &Tera,
    langs: &[LangData],
    jobs: &[Job],
) -> Vec<Option<u64>> {
    let theme_fp = cache::fingerprint(|h| {
        cache::add(h, &theme.templates);
        for (path, f) in &theme.static_files {
            cache::add(h, path);
            cache::add(h, &f.hash);
        }
        cache::add(h, &env.strings);
        cache::add(h, &env.base_path);
        // The URL table behind url_for.
        let mut urls: Vec<(&String, &BTreeMap<String, String>)> = env.urls.iter().collect();
        urls.sort();
        cache::add(h, &urls);
    });
    let uses_collections: HashMap<&str, bool> = templates::REQUIRED
        .iter()
        .map(|t| {
            (
                *t,
                tera.get_template_variables(t)
                    .map(|v| v.contains("collections"))
                    .unwrap_or(true),
            )
        })
        .collect();
    // Each record's value is hashed once; pages and lists refer to the memo.
    let memo = cache::memo(langs.par_iter().flat_map_iter(|ld| ld.records.values()));
    let lang_fp: HashMap<&str, (u64, u64)> = langs
        .par_iter()
        .map(|ld| {
            let globals = cache::fingerprint(|h| {
                cache::hash_value(h, &ld.site, &memo);
                cache::hash_value(h, &ld.menu, &memo);
                cache::add(h, ld.name);
            });
            let collections = cache::fingerprint(|h| cache::hash_value(h, &ld.collections, &memo));
            (ld.code, (globals, collections))
        })
        .collect();
    let default = site.config.default_lang();
    let names: Vec<(&str, &str)> = site
        .config
        .languages
        .iter()
        .map(|l| (l.code.as_str(), l.name.as_str()))
        .collect();
    jobs.par_iter()
        .map(|job| {
            let lang = match job.kind {
                "root" | "404" => default,
                _ => job.lang.map(|l| l.code).unwrap_or(default),
            };
            let (globals, collections) = lang_fp.get(lang).copied()?;
            Some(cache::fingerprint(|h| {
                cache::add(h, &theme_fp);
                cache::add(h, &globals);
                if uses_collections.get(job.template).copied().unwrap_or(true) {
                    cache::add(h, &collections);
                }
                cache::add(h, job.template);
                cache::add(h, &job.path);
                cache::add(h, job.kind);
                cache::add(h, &job.section);
                cache::add(h, &job.versions);
                cache::add(h, &names);
                for (k, v) in &job.vars {
                    cache::add(h, k);
                    cache::hash_value(h, v, &memo);
                }
            }))
        })
        .collect()
}
