//! Building Tera values directly from the model, for the values every page makes
//! (records in lists and on their own pages, references): without a detour through
//! JSON, whose maps and strings would be made only to be converted.
//!
//! The values are the same as JSON's would be: maps in key order, numbers that are not
//! negative as unsigned (as `serde_json` keeps them), dates as `2024-06-01`.

use crate::model::*;
use tera::Value;
use tera::value::Key;

/// A map being built; its keys are `&'static str`, so no key is allocated.
#[derive(Default)]
pub struct Obj(Vec<(&'static str, Value)>);

impl Obj {
    pub fn with_capacity(n: usize) -> Obj {
        Obj(Vec::with_capacity(n))
    }

    /// Sets `key` (replacing an earlier value of it).
    pub fn put(&mut self, key: &'static str, v: impl Tv) -> &mut Obj {
        let v = v.tv();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = v,
            None => self.0.push((key, v)),
        }
        self
    }

    /// The map, its keys in order. (Tera makes its own map from whatever map it is
    /// given, hashing every key; a `BTreeMap` of keys already in order is built in one
    /// pass without hashing, where an `IndexMap` would hash each key a first time.)
    pub fn done(mut self) -> Value {
        self.0.sort_unstable_by(|a, b| a.0.cmp(b.0));
        Value::from(
            self.0
                .into_iter()
                .map(|(k, v)| (Key::Str(k), v))
                .collect::<std::collections::BTreeMap<Key<'static>, Value>>(),
        )
    }
}

/// Converts to a Tera value.
pub trait Tv {
    fn tv(&self) -> Value;
}

impl Tv for Value {
    fn tv(&self) -> Value {
        self.clone()
    }
}

impl Tv for str {
    fn tv(&self) -> Value {
        Value::from(self)
    }
}

impl Tv for String {
    fn tv(&self) -> Value {
        Value::from(self.as_str())
    }
}

impl Tv for bool {
    fn tv(&self) -> Value {
        Value::from(*self)
    }
}

impl Tv for i64 {
    fn tv(&self) -> Value {
        match u64::try_from(*self) {
            Ok(u) => Value::from(u),
            Err(_) => Value::from(*self),
        }
    }
}

impl Tv for u64 {
    fn tv(&self) -> Value {
        Value::from(*self)
    }
}

impl Tv for usize {
    fn tv(&self) -> Value {
        Value::from(*self as u64)
    }
}

impl Tv for u8 {
    fn tv(&self) -> Value {
        Value::from(u64::from(*self))
    }
}

impl<T: Tv + ?Sized> Tv for &T {
    fn tv(&self) -> Value {
        (**self).tv()
    }
}

impl<T: Tv> Tv for Option<T> {
    fn tv(&self) -> Value {
        match self {
            Some(v) => v.tv(),
            None => Value::none(),
        }
    }
}

impl<T: Tv> Tv for [T] {
    fn tv(&self) -> Value {
        Value::from(self.iter().map(Tv::tv).collect::<Vec<_>>())
    }
}

impl<T: Tv> Tv for Vec<T> {
    fn tv(&self) -> Value {
        self.as_slice().tv()
    }
}

impl Tv for RecordId {
    fn tv(&self) -> Value {
        Value::from(self.to_string())
    }
}

impl Tv for Collection {
    fn tv(&self) -> Value {
        Value::from(self.name())
    }
}

impl Tv for jiff::civil::Date {
    fn tv(&self) -> Value {
        Value::from(self.to_string())
    }
}

impl Tv for Money {
    fn tv(&self) -> Value {
        let mut o = Obj::with_capacity(2);
        o.put("amount", &self.amount)
            .put("currency", &self.currency);
        o.done()
    }
}

impl Tv for Period {
    fn tv(&self) -> Value {
        let mut o = Obj::with_capacity(2);
        o.put("from", self.from).put("to", self.to);
        o.done()
    }
}

impl Tv for FileRef {
    fn tv(&self) -> Value {
        let mut o = Obj::with_capacity(4);
        o.put("src", &self.src)
            .put("local", self.local)
            .put("format", &self.format)
            .put("size", self.size);
        o.done()
    }
}

impl Tv for OrgRef {
    fn tv(&self) -> Value {
        let mut o = Obj::with_capacity(2);
        match self {
            OrgRef::Partner(id) => o.put("kind", "partner").put("value", id),
            OrgRef::Text(t) => o.put("kind", "text").put("value", t),
        };
        o.done()
    }
}

impl Tv for Document {
    fn tv(&self) -> Value {
        let mut o = Obj::with_capacity(3);
        o.put("title", &self.title)
            .put("file", &self.file)
            .put("language", &self.language);
        o.done()
    }
}

impl Tv for LinkItem {
    fn tv(&self) -> Value {
        let mut o = Obj::with_capacity(2);
        o.put("title", &self.title).put("url", &self.url);
        o.done()
    }
}

impl Tv for TocEntry {
    fn tv(&self) -> Value {
        let mut o = Obj::with_capacity(3);
        o.put("level", self.level)
            .put("id", &self.id)
            .put("title", &self.title);
        o.done()
    }
}

impl Tv for StrategyStatus {
    fn tv(&self) -> Value {
        Value::from(self.name())
    }
}

impl Tv for ProjectStatus {
    fn tv(&self) -> Value {
        Value::from(match self {
            ProjectStatus::Planned => "planned",
            ProjectStatus::Ongoing => "ongoing",
            ProjectStatus::Completed => "completed",
        })
    }
}

impl<K: AsRef<str>, V: Tv> Tv for std::collections::BTreeMap<K, V> {
    fn tv(&self) -> Value {
        Value::from(
            self.iter()
                .map(|(k, v)| (Key::from(k.as_ref().to_string()), v.tv()))
                .collect::<std::collections::BTreeMap<Key<'static>, Value>>(),
        )
    }
}

/// The fields of a collection's data, as the model names them.
pub fn data_fields(data: &RecordData, o: &mut Obj) {
    match data {
        RecordData::Partner(p) => {
            o.put("name", &p.name)
                .put("category", &p.category)
                .put("website", &p.website)
                .put("logo", &p.logo)
                .put("country", &p.country)
                .put("city", &p.city)
                .put("joined", p.joined)
                .put("tags", &p.tags)
                .put("member", p.member);
        }
        RecordData::Person(p) => {
            o.put("name", &p.name)
                .put("groups", &p.groups)
                .put("role", &p.role)
                .put("title", &p.job_title)
                .put("organisation", &p.organisation)
                .put("photo", &p.photo)
                .put("email", &p.email)
                .put("phone", &p.phone)
                .put("order", p.order)
                .put("term", p.term);
        }
        RecordData::Strategy(s) => {
            o.put("period", s.period)
                .put("status", s.status)
                .put("documents", &s.documents)
                .put("related", &s.related);
        }
        RecordData::Project(p) => {
            o.put("funder", &p.funder)
                .put("programme", &p.programme)
                .put("grant", &p.grant)
                .put("total_cost", &p.total_cost)
                .put("public_funding", &p.public_funding)
                .put("start", p.start)
                .put("end", p.end)
                .put("status", p.status)
                .put("coordinator", &p.coordinator)
                .put("implementers", &p.implementers)
                .put("contacts", &p.contacts)
                .put("objectives", &p.objectives)
                .put("results", &p.results)
                .put("website", &p.website);
        }
        RecordData::News(n) => {
            o.put("date", n.date)
                .put("tags", &n.tags)
                .put("related", &n.related);
        }
        RecordData::Page(p) => {
            o.put("order", p.order);
        }
    }
}
