//! The fingerprint of a page: a hash of everything its template can see, so `serve`
//! renders again only pages whose inputs changed (see [`super::cache`]).

use super::cache;
use super::langs::LangData;
use super::lists::Lists;
use super::page::Vars;
use super::plan::Page;
use super::templates::Env;
use crate::model::{REQUIRED_TEMPLATES, Site};
use rayon::prelude::*;
use std::collections::HashMap;
use tera::Tera;

/// What goes into the fingerprints of many pages: the theme's (its strings and
/// settings; each page template's own, [`super::uses`]), and each language's (site
/// data, menu and name; all collections). When it is the same after an edit, a
/// page's fingerprint can change only through its own variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    theme: u64,
    /// Per page template ([`REQUIRED_TEMPLATES`], in order).
    templates: Vec<u64>,
    langs: Vec<(u64, u64)>,
}

impl Shared {
    /// The page templates whose pages an edit from `self` to `after` can change, when
    /// nothing else that many pages share changed; `None` otherwise.
    pub fn templates_changed(&self, after: &Shared) -> Option<Vec<&'static str>> {
        (self.theme == after.theme && self.langs == after.langs).then(|| {
            REQUIRED_TEMPLATES
                .iter()
                .zip(self.templates.iter().zip(&after.templates))
                .filter(|(_, (a, b))| a != b)
                .map(|(t, _)| *t)
                .collect()
        })
    }
}

/// What all fingerprints of one build share.
pub struct Fingerprints<'a> {
    theme: u64,
    /// Per page template: what it uses of the theme.
    templates: HashMap<&'static str, u64>,
    /// Per language: (site data, menu and name; all collections).
    langs: Vec<(u64, u64)>,
    uses_collections: HashMap<&'static str, bool>,
    memo: cache::Memo,
    names: Vec<(&'a str, &'a str)>,
    site: &'a Site,
    lists: &'a Lists,
}

impl<'a> Fingerprints<'a> {
    pub fn new(
        site: &'a Site,
        lists: &'a Lists,
        env: &Env,
        tera: &Tera,
        langs: &[LangData],
    ) -> Fingerprints<'a> {
        // The templates and static files: only what each page template uses.
        let used = super::uses::hashes(&site.theme);
        let templates = REQUIRED_TEMPLATES
            .iter()
            .map(|t| (*t, used.get(t).copied().unwrap_or_default()))
            .collect();
        let record_urls = super::uses::record_urls(&site.theme);
        let theme = cache::fingerprint(|h| {
            cache::add(h, &env.strings);
            cache::add(h, &env.base_path);
            // The URL table behind url_for(id=…), if a template may ask it: a slug
            // edit then renders every page again.
            if record_urls {
                let mut urls: Vec<(&String, &Vec<(String, String)>)> = env.urls.iter().collect();
                urls.sort();
                cache::add(h, &urls);
            }
        });
        let uses_collections = REQUIRED_TEMPLATES
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
        let mut memo = cache::memo(langs.par_iter().flat_map_iter(|ld| ld.kept_cards()));
        memo.extend(langs.iter().flat_map(|ld| ld.kept_hashes()));
        let langs = langs
            .par_iter()
            .map(|ld| {
                let globals = cache::fingerprint(|h| {
                    cache::hash_value(h, &ld.site, &memo);
                    cache::hash_value(h, &ld.menu, &memo);
                    cache::add(h, ld.name);
                });
                let collections = cache::fingerprint(|h| {
                    if let Some(c) = &ld.collections {
                        cache::hash_value(h, c, &memo);
                    }
                });
                (globals, collections)
            })
            .collect();
        Fingerprints {
            theme,
            templates,
            langs,
            uses_collections,
            memo,
            names: site
                .config
                .languages
                .iter()
                .map(|l| (l.code.as_str(), l.name.as_str()))
                .collect(),
            site,
            lists,
        }
    }

    pub fn shared(&self) -> Shared {
        Shared {
            theme: self.theme,
            templates: REQUIRED_TEMPLATES
                .iter()
                .map(|t| self.templates.get(t).copied().unwrap_or_default())
                .collect(),
            langs: self.langs.clone(),
        }
    }

    pub fn of(&self, page: &Page, vars: &Vars) -> u64 {
        let (globals, collections) = self.langs.get(page.lang).copied().unwrap_or_default();
        let template = page.kind.template();
        cache::fingerprint(|h| {
            cache::add(h, &self.theme);
            cache::add(h, &self.templates.get(template));
            cache::add(h, &globals);
            if self.uses_collections.get(template).copied().unwrap_or(true) {
                cache::add(h, &collections);
            }
            cache::add(h, template);
            cache::add(h, &page.path);
            cache::add(h, &page.kind);
            cache::add(h, &page.lang);
            cache::add(h, &page.versions(self.site, self.lists));
            cache::add(h, &self.names);
            for (k, v) in vars {
                cache::add(h, k);
                cache::hash_value(h, v, &self.memo);
            }
        })
    }
}
