//! The pages of a site: which pages there are, at what path, through which template,
//! and where each has versions in the other languages. A plan is small (no page's
//! data); the data is made when a page is rendered.

use super::lists::Lists;
use crate::model::paths;
use crate::model::{Collection, Record, Site};
use rayon::prelude::*;

/// The kinds of page a theme renders, each with its template (docs/templates.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PageKind {
    /// The language chooser at `/`.
    Root,
    /// `/404.html`: "page not found" in every language of the site.
    NotFound,
    /// `/L/404.html`: the same in one language, for hosts that use the nearest one.
    LangNotFound,
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
            PageKind::NotFound | PageKind::LangNotFound => "404.html",
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
    /// Whether the page is one record's own page.
    pub fn has_record(self) -> bool {
        matches!(
            self,
            PageKind::Partner
                | PageKind::Strategy
                | PageKind::Project
                | PageKind::News
                | PageKind::Page
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            PageKind::Root => "root",
            PageKind::NotFound | PageKind::LangNotFound => "404",
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

/// The section pages that list one collection each.
const SECTION_PAGES: [(PageKind, Collection); 4] = [
    (PageKind::Partners, Collection::Partners),
    (PageKind::People, Collection::People),
    (PageKind::StrategyList, Collection::Strategy),
    (PageKind::Projects, Collection::Projects),
];

/// A page's version in one language.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct Version {
    pub lang: String,
    /// The site path of the same page in that language, if it exists there.
    pub own: Option<String>,
    /// Where the language switcher leads when it does not: that language's section.
    pub fallback: String,
}

/// One page to render. Its versions in the other languages follow from its kind, its
/// record and its number ([`Page::versions`]), and are made when the page is rendered
/// rather than kept in the plan: at 2 × 50,000 records, kept for every page, they were
/// about 30 MB of the peak.
#[derive(Clone, Debug)]
pub struct Page {
    pub kind: PageKind,
    /// Index into the site's languages; the default language for site-wide pages.
    pub lang: usize,
    /// Site path (for the canonical address and the alternates).
    pub path: String,
    /// The record of a record page, by index into `Site::records`.
    pub record: Option<usize>,
    /// The page number of a news list page (from 1).
    pub number: usize,
}

impl Page {
    /// The page's version in every language of the site (none for the site-wide pages).
    pub fn versions(&self, site: &Site, lists: &Lists) -> Vec<Version> {
        if let Some(&(_, c)) = SECTION_PAGES.iter().find(|(k, _)| *k == self.kind) {
            return section_versions(site, lists, c);
        }
        if self.kind.has_record() {
            return self
                .record
                .and_then(|i| site.records.get(i))
                .map(|r| record_versions(site, lists, r))
                .unwrap_or_default();
        }
        match self.kind {
            PageKind::Home => everywhere(site, paths::home),
            PageKind::Search => everywhere(site, paths::search),
            PageKind::LangNotFound => everywhere(site, paths::not_found),
            PageKind::NewsList => news_versions(site, lists, self.number),
            _ => Vec::new(),
        }
    }

    pub fn output(&self) -> String {
        paths::output_file(&self.path)
    }

    /// Whether this is a page of one of the records `records` (indices into
    /// `Site::records`).
    pub fn is_of(&self, records: &[usize]) -> bool {
        self.record.is_some_and(|i| records.contains(&i))
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self.kind, PageKind::NotFound | PageKind::LangNotFound)
    }

    /// The page's `hreflang` alternates as (language or `x-default`, site path), the one
    /// rule for a page's head and its sitemap entry: each language version that exists,
    /// then `x-default`. The language chooser at `/` is the `x-default` of itself and of
    /// every home page (so the homes and `/` name each other, as search engines require
    /// of alternates); another page's is its version in the default language (else its
    /// first). The chooser's alternates are the homes.
    pub fn alternates(&self, site: &Site, versions: &[Version]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = if self.kind == PageKind::Root {
            site.config
                .languages
                .iter()
                .map(|l| (l.code.clone(), paths::home(&l.code)))
                .collect()
        } else {
            versions
                .iter()
                .filter_map(|v| v.own.clone().map(|p| (v.lang.clone(), p)))
                .collect()
        };
        if self.is_not_found() {
            // Not pages to index (they are `noindex`), so no alternates.
            return Vec::new();
        }
        let x_default = match self.kind {
            PageKind::Root | PageKind::Home => Some(paths::ROOT.to_string()),
            _ => {
                let default = site.config.default_lang();
                out.iter()
                    .find(|(l, _)| l.as_str() == default)
                    .or(out.first())
                    .map(|(_, p)| p.clone())
            }
        };
        if let Some(x) = x_default {
            out.push(("x-default".to_string(), x));
        }
        out
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

/// The path of a collection's section page in a language, when it has one: a collection
/// with no records in that language has no page (nor a menu entry, nor a sitemap entry).
pub fn section_page(lists: &Lists, lang_index: usize, lang: &str, c: Collection) -> Option<String> {
    if lists.lang(lang_index).of(c).is_empty() {
        return None;
    }
    paths::section(lang, c)
}

/// A page's version in every language: `own` gives its path there (if it exists
/// there); where it does not, the switcher leads to the section page of `section` in
/// that language, or to the home page.
fn versions(
    site: &Site,
    lists: &Lists,
    section: Option<Collection>,
    own: impl Fn(usize, &str) -> Option<String>,
) -> Vec<Version> {
    site.config
        .languages
        .iter()
        .enumerate()
        .map(|(li, l)| Version {
            lang: l.code.clone(),
            own: own(li, &l.code),
            fallback: section
                .and_then(|c| section_page(lists, li, &l.code, c))
                .unwrap_or_else(|| paths::home(&l.code)),
        })
        .collect()
}

/// Versions of a section page: in the languages where the section has records.
fn section_versions(site: &Site, lists: &Lists, c: Collection) -> Vec<Version> {
    versions(site, lists, None, |li, code| {
        section_page(lists, li, code, c)
    })
}

/// Versions of the n-th news list page: in the languages with that many pages of news.
fn news_versions(site: &Site, lists: &Lists, n: usize) -> Vec<Version> {
    versions(site, lists, Some(Collection::News), |li, code| {
        let items = lists.lang(li).news.len();
        (items > 0 && n <= paths::news_pages(items)).then(|| paths::news_page(code, n))
    })
}

/// Versions of a record's page: its own where it exists.
fn record_versions(site: &Site, lists: &Lists, r: &Record) -> Vec<Version> {
    versions(site, lists, Some(r.id.collection), |_, code| {
        r.locale(code).and_then(|loc| loc.path.clone())
    })
}

/// The plan `pages` after the records `moved` (indices into `Site::records`) took
/// new slugs: their pages at their new addresses, in the same places. `None` when a
/// page of theirs no longer has an address (the plan then is not the same).
pub fn moved(site: &Site, pages: &[Page], moved: &[usize]) -> Option<Vec<Page>> {
    pages
        .iter()
        .map(|p| match p.record {
            Some(i) if p.is_of(moved) => {
                let code = &site.config.languages.get(p.lang)?.code;
                let path = site.records.get(i)?.locale(code)?.path.clone()?;
                Some(Page { path, ..p.clone() })
            }
            _ => Some(p.clone()),
        })
        .collect()
}

/// Every page of the site, in a stable order.
pub fn plan(site: &Site, lists: &Lists) -> Vec<Page> {
    let mut pages = Vec::new();
    let page = |kind, lang, path: String| Page {
        kind,
        lang,
        path,
        record: None,
        number: 1,
    };
    for (li, lang) in site.config.languages.iter().enumerate() {
        let code = lang.code.as_str();
        pages.push(page(PageKind::Home, li, paths::home(code)));
        for (kind, c) in SECTION_PAGES {
            if let Some(path) = section_page(lists, li, code, c) {
                pages.push(page(kind, li, path));
            }
        }
        pages.push(page(PageKind::Search, li, paths::search(code)));
        pages.push(page(PageKind::LangNotFound, li, paths::not_found(code)));
        let news = lists.lang(li).news.len();
        let news_pages = if news == 0 {
            0
        } else {
            paths::news_pages(news)
        };
        for n in 1..=news_pages {
            let mut p = page(PageKind::NewsList, li, paths::news_page(code, n));
            p.number = n;
            pages.push(p);
        }
        // The record pages, most of a site's pages, are planned in parallel (in
        // record order).
        let records: Vec<Page> = site
            .records
            .par_iter()
            .enumerate()
            .filter_map(|(ri, r)| {
                Some(Page {
                    kind: PageKind::of_record(r.id.collection)?,
                    lang: li,
                    path: r.locale(code)?.path.clone()?,
                    record: Some(ri),
                    number: 1,
                })
            })
            .collect();
        pages.extend(records);
    }
    pages.push(page(PageKind::Root, 0, paths::ROOT.into()));
    pages.push(page(PageKind::NotFound, 0, paths::NOT_FOUND.into()));
    pages
}
