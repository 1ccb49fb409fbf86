//! The pages of a site: which pages there are, at what path, through which template,
//! and where each has versions in the other languages. A plan is small (no page's
//! data); the data is made when a page is rendered.

use super::lists::Lists;
use crate::model::paths;
use crate::model::{Collection, Record, Site};

/// The kinds of page a theme renders, each with its template (docs/templates.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PageKind {
    /// The language chooser at `/`.
    Root,
    NotFound,
    Home,
    Partners,
    People,
    StrategyList,
    Projects,
    NewsList,
    Search,
    Partner,
    Strategy,
    Project,
    News,
    Page,
}

impl PageKind {
    pub fn template(self) -> &'static str {
        match self {
            PageKind::Root => "root.html",
            PageKind::NotFound => "404.html",
            PageKind::Home => "index.html",
            PageKind::Partners => "partners.html",
            PageKind::People => "people.html",
            PageKind::StrategyList => "strategy_list.html",
            PageKind::Projects => "projects.html",
            PageKind::NewsList => "news_list.html",
            PageKind::Search => "search.html",
            PageKind::Partner => "partner.html",
            PageKind::Strategy => "strategy.html",
            PageKind::Project => "project.html",
            PageKind::News => "news.html",
            PageKind::Page => "page.html",
        }
    }

    /// The `page_kind` templates see, and the `kind-…` class of the page's body.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Root => "root",
            PageKind::NotFound => "404",
            PageKind::Home => "home",
            PageKind::Partners => "partners",
            PageKind::People => "people",
            PageKind::StrategyList => "strategy_list",
            PageKind::Projects => "projects",
            PageKind::NewsList => "news_list",
            PageKind::Search => "search",
            PageKind::Partner => "partner",
            PageKind::Strategy => "strategy",
            PageKind::Project => "project",
            PageKind::News => "news",
            PageKind::Page => "page",
        }
    }

    /// The menu section the page belongs to.
    pub fn section(self) -> Option<&'static str> {
        match self {
            PageKind::Partners | PageKind::Partner => Some("partners"),
            PageKind::People => Some("people"),
            PageKind::StrategyList | PageKind::Strategy => Some("strategy"),
            PageKind::Projects | PageKind::Project => Some("projects"),
            PageKind::NewsList | PageKind::News => Some("news"),
            PageKind::Search => Some("search"),
            _ => None,
        }
    }

    /// Pages of the whole site rather than of one language.
    pub fn site_wide(self) -> bool {
        matches!(self, PageKind::Root | PageKind::NotFound)
    }

    fn of_record(c: Collection) -> Option<PageKind> {
        match c {
            Collection::Partners => Some(PageKind::Partner),
            Collection::Strategy => Some(PageKind::Strategy),
            Collection::Projects => Some(PageKind::Project),
            Collection::News => Some(PageKind::News),
            Collection::Pages => Some(PageKind::Page),
            Collection::People => None,
        }
    }
}

/// A page's version in one language.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct Version {
    pub lang: String,
    /// The site path of the same page in that language, if it exists there.
    pub own: Option<String>,
    /// Where the language switcher leads when it does not: that language's section.
    pub fallback: String,
}

/// One page to render.
#[derive(Clone, Debug)]
pub struct Page {
    pub kind: PageKind,
    /// Index into the site's languages; the default language for site-wide pages.
    pub lang: usize,
    /// Site path (for the canonical address and the alternates).
    pub path: String,
    pub versions: Vec<Version>,
    /// The record of a record page, by index into `Site::records`.
    pub record: Option<usize>,
    /// The page number of a news list page (from 1).
    pub number: usize,
}

impl Page {
    pub fn output(&self) -> String {
        paths::output_file(&self.path)
    }
}

/// Versions of a page every language has at the same place.
fn everywhere(site: &Site, path: impl Fn(&str) -> String) -> Vec<Version> {
    site.config
        .languages
        .iter()
        .map(|l| {
            let p = path(&l.code);
            Version {
                lang: l.code.clone(),
                own: Some(p.clone()),
                fallback: p,
            }
        })
        .collect()
}

/// Versions of a record's page: its own where it exists, else the section page.
fn record_versions(site: &Site, r: &Record) -> Vec<Version> {
    site.config
        .languages
        .iter()
        .map(|l| Version {
            lang: l.code.clone(),
            own: r.locale(&l.code).and_then(|loc| loc.path.clone()),
            fallback: paths::section(&l.code, r.id.collection)
                .unwrap_or_else(|| paths::home(&l.code)),
        })
        .collect()
}

/// Every page of the site, in a stable order.
pub fn plan(site: &Site, lists: &Lists) -> Vec<Page> {
    let mut pages = Vec::new();
    let page = |kind, lang, path: String, versions| Page {
        kind,
        lang,
        path,
        versions,
        record: None,
        number: 1,
    };
    for (li, lang) in site.config.languages.iter().enumerate() {
        let code = lang.code.as_str();
        pages.push(page(
            PageKind::Home,
            li,
            paths::home(code),
            everywhere(site, paths::home),
        ));
        for (kind, c) in [
            (PageKind::Partners, Collection::Partners),
            (PageKind::People, Collection::People),
            (PageKind::StrategyList, Collection::Strategy),
            (PageKind::Projects, Collection::Projects),
        ] {
            let path = |l: &str| paths::section(l, c).unwrap_or_else(|| paths::home(l));
            pages.push(page(kind, li, path(code), everywhere(site, path)));
        }
        pages.push(page(
            PageKind::Search,
            li,
            paths::search(code),
            everywhere(site, paths::search),
        ));
        let news = lists.lang(li).news.len();
        for n in 1..=paths::news_pages(news) {
            let mut p = page(
                PageKind::NewsList,
                li,
                paths::news_page(code, n),
                everywhere(site, |l| paths::news_page(l, n)),
            );
            p.number = n;
            pages.push(p);
        }
        for (ri, r) in site.records.iter().enumerate() {
            let (Some(kind), Some(path)) = (
                PageKind::of_record(r.id.collection),
                r.locale(code).and_then(|l| l.path.clone()),
            ) else {
                continue;
            };
            pages.push(Page {
                kind,
                lang: li,
                path,
                versions: record_versions(site, r),
                record: Some(ri),
                number: 1,
            });
        }
    }
    pages.push(page(PageKind::Root, 0, paths::ROOT.into(), Vec::new()));
    pages.push(page(
        PageKind::NotFound,
        0,
        paths::NOT_FOUND.into(),
        Vec::new(),
    ));
    pages
}
