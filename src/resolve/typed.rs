//! A record's fields read by the collection's schema ([`crate::model::schema`]): the
//! reader each field's kind calls for, then the collection's type built from them.

use super::fields::Reader;
use crate::model::schema::{self, Kind as F};
use crate::model::*;
use std::collections::HashMap;

/// A field's value as read, before it goes into the collection's type.
enum Value {
    Text(String),
    List(Vec<String>),
    Ref(RecordId),
    Refs(Vec<RecordId>),
    Org(OrgRef),
    File(FileRef),
    Date(jiff::civil::Date),
    Money(Money),
    Period(Period),
    Int(i64),
    Bool(bool),
    Docs(Vec<Document>),
    Links(Vec<LinkItem>),
    Status(StrategyStatus),
}

/// The fields of one record in one language, by name.
#[derive(Default)]
pub struct Values(HashMap<&'static str, Value>);

impl Values {
    fn text(&mut self, k: &str) -> Option<String> {
        match self.0.remove(k) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }
    fn list(&mut self, k: &str) -> Vec<String> {
        match self.0.remove(k) {
            Some(Value::List(v)) => v,
            _ => Vec::new(),
        }
    }
    fn reference(&mut self, k: &str) -> Option<RecordId> {
        match self.0.remove(k) {
            Some(Value::Ref(id)) => Some(id),
            _ => None,
        }
    }
    fn refs(&mut self, k: &str) -> Vec<RecordId> {
        match self.0.remove(k) {
            Some(Value::Refs(v)) => v,
            _ => Vec::new(),
        }
    }
    fn file(&mut self, k: &str) -> Option<FileRef> {
        match self.0.remove(k) {
            Some(Value::File(f)) => Some(f),
            _ => None,
        }
    }
    fn date(&mut self, k: &str) -> Option<jiff::civil::Date> {
        match self.0.remove(k) {
            Some(Value::Date(d)) => Some(d),
            _ => None,
        }
    }
    fn money(&mut self, k: &str) -> Option<Money> {
        match self.0.remove(k) {
            Some(Value::Money(m)) => Some(m),
            _ => None,
        }
    }
    fn period(&mut self, k: &str) -> Option<Period> {
        match self.0.remove(k) {
            Some(Value::Period(p)) => Some(p),
            _ => None,
        }
    }
    fn int(&mut self, k: &str) -> Option<i64> {
        match self.0.remove(k) {
            Some(Value::Int(i)) => Some(i),
            _ => None,
        }
    }
    fn bool(&mut self, k: &str) -> Option<bool> {
        match self.0.remove(k) {
            Some(Value::Bool(b)) => Some(b),
            _ => None,
        }
    }
    fn org(&mut self, k: &str) -> Option<OrgRef> {
        match self.0.remove(k) {
            Some(Value::Org(o)) => Some(o),
            _ => None,
        }
    }
    fn docs(&mut self, k: &str) -> Vec<Document> {
        match self.0.remove(k) {
            Some(Value::Docs(d)) => d,
            _ => Vec::new(),
        }
    }
    fn links(&mut self, k: &str) -> Vec<LinkItem> {
        match self.0.remove(k) {
            Some(Value::Links(l)) => l,
            _ => Vec::new(),
        }
    }
    fn status(&mut self, k: &str) -> Option<StrategyStatus> {
        match self.0.remove(k) {
            Some(Value::Status(s)) => Some(s),
            _ => None,
        }
    }
}

/// Reads every field of the collection's schema with the reader its kind calls for.
/// The common fields (`draft`, `slug`, `body`, `extra`, `translated_from`) are read
/// where they are used.
pub fn read_fields(c: Collection, r: &mut Reader) -> Values {
    let cfg = r.shared.config;
    let mut values = Values::default();
    for f in schema::fields(c) {
        let (name, req) = (f.name, f.required);
        let v = match f.kind {
            F::Text => r.text(name, req).map(Value::Text),
            F::Plain => r.string(name, req).map(|(s, _)| Value::Text(s)),
            F::Category => {
                let keys: Vec<&str> = cfg
                    .partner_categories
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect();
                r.key_of(name, req, "partner category", &keys)
                    .map(Value::Text)
            }
            F::Funder => {
                let keys: Vec<&str> = cfg.funders.iter().map(|f| f.key.as_str()).collect();
                r.key_of(name, req, "funder", &keys).map(Value::Text)
            }
            F::Groups => super::lists::read_groups(r).map(Value::List),
            F::StrategyStatus => {
                let names = ["current", "previous", "draft"];
                r.key_of(name, req, "strategy status", &names)
                    .and_then(|s| StrategyStatus::from_name(&s))
                    .map(Value::Status)
            }
            F::Url => r.url(name).map(Value::Text),
            F::Email => r.checked(name, req, super::values::email).map(Value::Text),
            F::Phone => r.checked(name, req, super::values::phone).map(Value::Text),
            F::Country => r
                .checked(name, req, super::values::country)
                .map(Value::Text),
            F::Year => r.year(name).map(Value::Int),
            F::Int => r.int(name).map(Value::Int),
            F::Bool => r.bool(name).map(Value::Bool),
            F::Date => r.date(name, req).map(Value::Date),
            F::Money => r.money(name).map(Value::Money),
            F::Period => r.period(name, req).map(Value::Period),
            F::Media => r.media(name).map(Value::File),
            F::Partner => r
                .reference_field(name, Collection::Partners)
                .map(Value::Ref),
            F::Partners => Some(Value::Refs(r.references(name, Some(Collection::Partners)))),
            F::People => Some(Value::Refs(r.references(name, Some(Collection::People)))),
            F::RecordIds => Some(Value::Refs(r.references(name, None))),
            F::Organisation => r.organisation(name).map(Value::Org),
            F::TextList => Some(Value::List(r.text_list(name))),
            F::Tags => Some(Value::List(r.strings(name))),
            F::Documents => Some(Value::Docs(super::lists::read_documents(r))),
            F::Related => Some(Value::Links(super::lists::read_related(r))),
            F::Markdown | F::Slug | F::Extra | F::TranslatedFrom => None,
        };
        if let Some(v) = v {
            values.0.insert(name, v);
        }
    }
    values
}

/// A record's label, summary and typed data in one language; `data` is `None` when a
/// required field is missing or wrong (the reader has said so).
pub struct Built {
    pub label: Option<String>,
    pub summary: Option<String>,
    pub data: Option<RecordData>,
}

pub fn build(c: Collection, mut v: Values, r: &mut Reader, today: jiff::civil::Date) -> Built {
    // Titles and names get the typographic quotes and dashes their bodies get.
    let label = v
        .text(schema::label_field(c))
        .map(|t| crate::markup::smart_punctuation(&t));
    let summary = v.text("summary");
    let data = match c {
        Collection::Partners => v.text("category").map(|category| {
            RecordData::Partner(Box::new(Partner {
                name: label.clone().unwrap_or_default(),
                category,
                website: v.text("website"),
                logo: v.file("logo"),
                country: v.text("country"),
                city: v.text("city"),
                joined: v.int("joined"),
                tags: v.list("tags"),
                member: v.bool("member").unwrap_or(true),
            }))
        }),
        Collection::People => {
            let groups = v.list("groups");
            (!groups.is_empty()).then(|| {
                RecordData::Person(Box::new(Person {
                    name: label.clone().unwrap_or_default(),
                    groups,
                    role: v.text("role"),
                    job_title: v.text("title"),
                    organisation: v.org("organisation"),
                    photo: v.file("photo"),
                    email: v.text("email"),
                    phone: v.text("phone"),
                    order: v.int("order"),
                    term: v.period("term"),
                }))
            })
        }
        Collection::Strategy => v.period("period").map(|period| {
            RecordData::Strategy(Box::new(Strategy {
                status: v
                    .status("status")
                    .unwrap_or_else(|| StrategyStatus::of(period, i64::from(today.year()))),
                period,
                documents: v.docs("documents"),
                related: v.links("related"),
            }))
        }),
        Collection::Projects => {
            let (start, end) = (v.date("start"), v.date("end"));
            if let (Some(s), Some(e)) = (start, end)
                && e < s
                && let Some(f) = r.find("end")
            {
                r.error(
                    "value",
                    (f.file, f.node),
                    format!("the project ends ({e}) before it starts ({s})"),
                    "check `start` and `end`",
                );
            }
            let funder = v.text("funder");
            // Said once, not once per language, and only of a project that builds.
            if start.is_none() && funder.is_some() && r.lang == r.default {
                r.note_home(
                    "dates",
                    "the project has no `start` date: its page says the dates are to be confirmed and shows no status",
                    "add `start: YYYY-MM-DD` (and `end:`) when the dates are known",
                );
            }
            funder.map(|funder| {
                RecordData::Project(Box::new(Project {
                    funder,
                    programme: v.text("programme"),
                    grant: v.money("grant"),
                    total_cost: v.money("total_cost"),
                    public_funding: v.money("public_funding"),
                    start,
                    end,
                    status: ProjectStatus::of(start, end, today),
                    coordinator: v.reference("coordinator"),
                    implementers: v.refs("implementers"),
                    contacts: v.refs("contacts"),
                    objectives: v.list("objectives"),
                    results: v.list("results"),
                    website: v.text("website"),
                }))
            })
        }
        Collection::News => v.date("date").map(|date| {
            RecordData::News(Box::new(News {
                date,
                tags: v.list("tags"),
                related: v.refs("related"),
            }))
        }),
        Collection::Pages => Some(RecordData::Page(Box::new(Page {
            order: v.int("order"),
        }))),
    };
    Built {
        label,
        summary,
        data,
    }
}
