//! What all pages of one language share: the site settings, the menu, and every record
//! of the language as template data, built once per language (in parallel) and handed
//! to each page as cheap shared values.

use super::cards::LangCards;
use super::lists::LangLists;
use super::values::{Backlinks, ValueBuilder, to_value};
use crate::model::paths;
use crate::model::*;
use rayon::prelude::*;
use serde_json::{Value as J, json};
use std::collections::BTreeMap;
use tera::Value;

/// One language's shared template data.
pub struct LangData<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub site: Value,
    /// `collections.partners`, … : every record of each collection, in list order;
    /// `None` when no template of the theme mentions `collections`.
    pub collections: Option<Value>,
    pub menu: Value,
    /// Each record as template data, by index into `Site::records` (`None` where the
    /// record does not exist in this language), kept only along with `collections`;
    /// otherwise a page builds the records it lists, so that a site's cards are never
    /// all in memory at once.
    cards: Option<Vec<Option<Value>>>,
    /// The cards `serve` keeps between renders ([`super::cards`]), made as pages ask.
    kept: Option<LangCards<'a>>,
    builder: ValueBuilder<'a>,
}

impl<'a> LangData<'a> {
    pub fn new(
        site: &'a Site,
        lang: &'a Language,
        lists: &LangLists,
        backlinks: &'a Backlinks,
        eu_ongoing: bool,
        with_collections: bool,
        kept: Option<LangCards<'a>>,
    ) -> LangData<'a> {
        let code = lang.code.as_str();
        let vb = ValueBuilder {
            site,
            urls: site.urls(),
            backlinks,
            lang: code,
        };
        let cards: Option<Vec<Option<Value>>> = with_collections.then(|| {
            site.records
                .par_iter()
                .map(|r| r.locale(code).map(|loc| vb.card(r, loc)))
                .collect()
        });
        let collections = cards.as_ref().map(|cards| {
            let list = |v: &[usize]| -> Value {
                Value::from(
                    v.iter()
                        .filter_map(|i| cards[*i].clone())
                        .collect::<Vec<_>>(),
                )
            };
            let mut collections = BTreeMap::new();
            for c in Collection::ALL {
                collections.insert(c.name(), list(lists.of(c)));
            }
            Value::from(collections)
        });
        let strings = &site.theme.strings;
        let urls = site.urls();
        let menu: Vec<J> = site
            .config
            .menu
            .iter()
            .filter_map(|item| match item {
                // A collection with no records here has no page to link to.
                MenuItem::Section(c) if lists.of(*c).is_empty() => None,
                MenuItem::Section(c) => Some(json!({
                    "key": c.name(),
                    "label": strings.get(code, c.name()).unwrap_or(c.name()),
                    // The label's language where it fell back to another one.
                    "label_lang": strings.lang_of(code, c.name()).filter(|l| *l != code),
                    "url": urls.url(&paths::section(code, *c)?),
                })),
                MenuItem::Record(id) => {
                    let r = site.get(id)?;
                    let loc = vb.locale_of(id)?;
                    let path = r
                        .locale(code)
                        .and_then(|l| l.path.clone())
                        .or_else(|| loc.path.clone())?;
                    Some(json!({"key": id.to_string(), "label": loc.label, "url": urls.url(&path)}))
                }
            })
            .collect();
        LangData {
            code,
            name: &lang.name,
            site: to_value(&vb.site(eu_ongoing)),
            collections,
            menu: to_value(&J::Array(menu)),
            cards,
            kept,
            builder: vb,
        }
    }

    /// The template data of record `i` in this language, if it exists in it.
    pub fn card(&self, i: usize) -> Option<Value> {
        let make = || {
            let r = self.builder.site.records.get(i)?;
            let loc = r.locale(self.code)?;
            Some(self.builder.card(r, loc))
        };
        match (&self.cards, &self.kept) {
            (Some(cards), _) => cards.get(i).cloned().flatten(),
            (None, Some(kept)) => kept.get(i, make),
            (None, None) => make(),
        }
    }

    /// The template data of the records at `indices` (in that order).
    pub fn values(&self, indices: &[usize]) -> Vec<Value> {
        indices.iter().filter_map(|i| self.card(*i)).collect()
    }

    /// The cards kept with `collections`.
    pub fn kept_cards(&self) -> impl Iterator<Item = &Value> {
        self.cards.iter().flatten().flatten()
    }

    /// The hashes of the cards `serve` kept from earlier renders, by the address of
    /// their map ([`super::cache::Memo`]).
    pub fn kept_hashes(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.kept.iter().flat_map(|k| k.hashes())
    }
}
