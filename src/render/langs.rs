//! What all pages of one language share: the site settings, the menu, and every record
//! of the language as template data, built once per language (in parallel) and handed
//! to each page as cheap shared values.

use super::lists::LangLists;
use super::values::{Backlinks, ValueBuilder};
use crate::model::paths;
use crate::model::*;
use rayon::prelude::*;
use serde_json::{Value as J, json};
use std::collections::BTreeMap;
use tera::Value;

pub fn to_value(j: &J) -> Value {
    Value::from_serializable(j)
}

/// One language's shared template data.
pub struct LangData<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub site: Value,
    /// `collections.partners`, … : every record of each collection, in list order.
    pub collections: Value,
    pub menu: Value,
    /// Each record as template data, by index into `Site::records` (`None` where the
    /// record does not exist in this language).
    pub records: Vec<Option<Value>>,
}

impl<'a> LangData<'a> {
    pub fn new(
        site: &'a Site,
        lang: &'a Language,
        lists: &LangLists,
        backlinks: &Backlinks,
        eu_ongoing: bool,
    ) -> LangData<'a> {
        let code = lang.code.as_str();
        let vb = ValueBuilder {
            site,
            urls: site.urls(),
            backlinks,
            lang: code,
        };
        let records: Vec<Option<Value>> = site
            .records
            .par_iter()
            .map(|r| r.locale(code).map(|loc| to_value(&vb.record(r, loc))))
            .collect();
        let list = |v: &[usize]| -> Value {
            Value::from(
                v.iter()
                    .filter_map(|i| records[*i].clone())
                    .collect::<Vec<_>>(),
            )
        };
        let mut collections = BTreeMap::new();
        for c in Collection::ALL {
            collections.insert(c.name(), list(lists.of(c)));
        }
        let strings = &site.theme.strings;
        let urls = site.urls();
        let menu: Vec<J> = site
            .config
            .menu
            .iter()
            .filter_map(|item| match item {
                MenuItem::Section(c) => Some(json!({
                    "key": c.name(),
                    "label": strings.get(code, c.name()).unwrap_or(c.name()),
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
            collections: Value::from(collections),
            menu: to_value(&J::Array(menu)),
            records,
        }
    }

    /// The template data of the records at `indices` (in that order).
    pub fn values(&self, indices: &[usize]) -> Vec<Value> {
        indices
            .iter()
            .filter_map(|i| self.records.get(*i).cloned().flatten())
            .collect()
    }
}
