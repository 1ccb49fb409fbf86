//! One record resolved per language: its fields read as the collection's schema says
//! ([`crate::model::schema`]), checked, and built into the model's types; plus the
//! checks that span a record's files (unknown fields, stale translations) and EU
//! visibility (docs/content.md, "projects").

use super::fields::{Found, Reader};
use super::{Identity, Shared};
use crate::diagnostics::{Diagnostic, suggestion_help};
use crate::load::yaml::{Kind, Node};
use crate::load::{RawRecord, SourceFile};
use crate::model::schema::{self, Kind as F};
use crate::model::*;
use std::collections::{BTreeMap, HashMap};

/// A record (unless it has errors), its problems and the outside addresses it uses.
pub fn resolve_record(
    raw: &RawRecord,
    identity: &Identity,
    shared: &Shared,
    today: jiff::civil::Date,
) -> (Option<Record>, Vec<Diagnostic>, Vec<ExternalLink>) {
    let mut diags = Vec::new();
    let mut links = Vec::new();
    let id = RecordId::new(raw.collection, raw.stem.clone());
    let suggested = check_unknown_fields(raw, &mut diags);
    let stale = check_stale_translations(raw, shared.default, &mut diags);

    let shared_file = raw.files.iter().find(|f| f.lang.is_none());
    let default_file = raw
        .files
        .iter()
        .find(|f| f.lang.as_deref() == Some(shared.default));
    let mut locales = BTreeMap::new();
    for lang in &identity.langs {
        let lang_file = raw
            .files
            .iter()
            .find(|f| f.lang.as_deref() == Some(lang.as_str()));
        let fallback_file = if lang == shared.default {
            None
        } else {
            default_file
        };
        let Some(mut r) = Reader::new(lang, shared, lang_file, shared_file, fallback_file) else {
            continue;
        };
        r.suggested = suggested.clone();
        let values = read_fields(raw.collection, &mut r);
        r.finish(article(raw.collection));
        let Built {
            label,
            summary,
            data,
        } = build(raw.collection, values, &mut r, today);
        let body = super::body::read_body(&mut r, lang_file, shared_file, fallback_file, shared);
        let extra = r
            .find("extra")
            .map(|f| f.node.to_json())
            .unwrap_or(serde_json::Value::Null);
        let slug = identity
            .slugs
            .get(lang)
            .cloned()
            .unwrap_or_else(|| raw.stem.clone());
        let path = identity.paths.get(lang).cloned().flatten();
        diags.append(&mut r.diags);
        links.append(&mut r.links);
        if let (Some(RecordData::Project(p)), Some(file)) = (&data, raw.files.first()) {
            check_eu_visibility(
                p,
                summary.is_some() || body.is_some(),
                shared,
                &file.file,
                lang,
                &mut diags,
            );
        }
        if let (Some(label), Some(data)) = (label, data) {
            let (body, toc) = body.unwrap_or_default();
            locales.insert(
                lang.clone(),
                Localized {
                    lang: lang.clone(),
                    slug,
                    path,
                    label,
                    summary,
                    body,
                    toc,
                    fallback: r.fallback,
                    texts: r.texts.into_iter().collect(),
                    stale: stale.contains(lang),
                    extra,
                    data,
                },
            );
        }
    }
    let ok = locales.len() == identity.langs.len();
    let record = Record {
        id,
        files: raw
            .files
            .iter()
            .map(|f| (f.lang.clone(), f.file.rel.clone()))
            .collect(),
        draft: !identity.included,
        locales,
    };
    (ok.then_some(record), diags, links)
}

/// EU-funded projects must describe themselves, their objectives and results
/// (Regulation (EU) 2021/1060, Art. 47 and 50); results may be expected ones until the end.
fn check_eu_visibility(
    p: &Project,
    described: bool,
    shared: &Shared,
    file: &SourceFile,
    lang: &str,
    diags: &mut Vec<Diagnostic>,
) {
    if lang != shared.default || !shared.config.funder(&p.funder).is_some_and(|f| f.eu) {
        return;
    }
    let mut lacking = Vec::new();
    if !described {
        lacking.push("a description (`summary` or a body)");
    }
    if p.objectives.is_empty() {
        lacking.push("`objectives`");
    }
    if p.results.is_empty() {
        lacking.push("`results` (expected results until the project ends)");
    }
    if !lacking.is_empty() {
        diags.push(
            Diagnostic::warning("eu-visibility", file.rel.clone(), format!("this EU-funded project lacks {}", lacking.join(", ")))
                .with_help("EU rules ask a project's page to describe the project, its objectives and its results"),
        );
    }
}

/// A language file whose `translated_from` no longer matches the default language's
/// file was translated from an older text.
fn check_stale_translations(
    raw: &RawRecord,
    default: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut stale = Vec::new();
    let Some(source) = raw
        .files
        .iter()
        .find(|f| f.lang.as_deref() == Some(default))
    else {
        return stale;
    };
    let current = super::translation_hash(&source.file.text);
    for f in raw
        .files
        .iter()
        .filter(|f| f.lang.as_deref().is_some_and(|l| l != default))
    {
        let Some(node) = f.fields.as_ref().and_then(|n| n.get("translated_from")) else {
            continue;
        };
        let Some(recorded) = node.scalar_text() else {
            continue;
        };
        if recorded != current {
            let lang = f.lang.as_deref().unwrap_or_default();
            stale.push(lang.to_string());
            diags.push(
                Diagnostic::warning(
                    "stale-translation",
                    f.file.rel.clone(),
                    format!("the `{default}` text changed after this `{lang}` translation was written"),
                )
                .at(&f.file.text, node.line, node.column)
                .with_help(format!(
                    "compare with {}, update the translation, then run `klaster translations --mark-done {}/{} {lang}`",
                    source.file.rel, raw.collection, raw.stem
                )),
            );
        }
    }
    stale
}

/// How a missing-field message names a record of a collection.
fn article(c: Collection) -> &'static str {
    match c {
        Collection::Partners => "a partner",
        Collection::People => "a person",
        Collection::Strategy => "a strategy document",
        Collection::Projects => "a project",
        Collection::News => "a news item",
        Collection::Pages => "a page",
    }
}

/// Reports fields the collection does not have; returns the field names suggested
/// for them, which then are not reported as missing as well.
fn check_unknown_fields(
    raw: &RawRecord,
    diags: &mut Vec<Diagnostic>,
) -> std::collections::HashSet<String> {
    let mut suggested = std::collections::HashSet::new();
    let allowed: Vec<&str> = schema::names(raw.collection).collect();
    for f in &raw.files {
        let Some(node) = &f.fields else { continue };
        let Some(map) = node.as_map() else {
            if !matches!(node.kind, Kind::Null) {
                diags.push(
                    Diagnostic::error(
                        "type",
                        f.file.rel.clone(),
                        format!(
                            "the fields must be a mapping of `name: value`, not {}",
                            node.type_name()
                        ),
                    )
                    .at(&f.file.text, node.line, node.column)
                    .with_help("write one field per line, e.g. `title: My page`"),
                );
            }
            continue;
        };
        for (k, _) in map {
            let key = k.scalar_text().unwrap_or_default();
            if !allowed.contains(&key.as_str()) {
                if let Some(near) = crate::diagnostics::did_you_mean(&key, allowed.iter().copied())
                {
                    suggested.insert(near.to_string());
                }
                diags.push(
                    Diagnostic::error(
                        "unknown-field",
                        f.file.rel.clone(),
                        format!("unknown field `{key}` for {}", raw.collection),
                    )
                    .at(&f.file.text, k.line, k.column)
                    .with_help(format!(
                        "{} Fields of your own go under `extra:`.",
                        {
                            let candidates: Vec<&str> = allowed
                                .iter()
                                .copied()
                                .filter(|f| *f != "translated_from")
                                .collect();
                            let help = suggestion_help(&key, &candidates);
                            if help.ends_with('?') {
                                help
                            } else {
                                format!("{help}.")
                            }
                        }
                    )),
                );
            }
        }
    }
    suggested
}

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
struct Values(HashMap<&'static str, Value>);

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
fn read_fields(c: Collection, r: &mut Reader) -> Values {
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
            F::Groups => read_groups(r).map(Value::List),
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
            F::Documents => Some(Value::Docs(read_documents(r))),
            F::Related => Some(Value::Links(read_related(r))),
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
struct Built {
    label: Option<String>,
    summary: Option<String>,
    data: Option<RecordData>,
}

fn build(c: Collection, mut v: Values, r: &mut Reader, today: jiff::civil::Date) -> Built {
    let label = v.text(schema::label_field(c));
    let summary = v.text("summary");
    let data = match c {
        Collection::Partners => v.text("category").map(|category| {
            RecordData::Partner(Partner {
                name: label.clone().unwrap_or_default(),
                category,
                website: v.text("website"),
                logo: v.file("logo"),
                country: v.text("country"),
                city: v.text("city"),
                joined: v.int("joined"),
                tags: v.list("tags"),
                member: v.bool("member").unwrap_or(true),
            })
        }),
        Collection::People => {
            let groups = v.list("groups");
            (!groups.is_empty()).then(|| {
                RecordData::Person(Person {
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
                })
            })
        }
        Collection::Strategy => v.period("period").map(|period| {
            RecordData::Strategy(Strategy {
                status: v
                    .status("status")
                    .unwrap_or_else(|| StrategyStatus::of(period, i64::from(today.year()))),
                period,
                documents: v.docs("documents"),
                related: v.links("related"),
            })
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
            match (v.text("funder"), start) {
                (Some(funder), Some(start)) => Some(RecordData::Project(Project {
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
                })),
                _ => None,
            }
        }
        Collection::News => v.date("date").map(|date| {
            RecordData::News(News {
                date,
                tags: v.list("tags"),
                related: v.refs("related"),
            })
        }),
        Collection::Pages => Some(RecordData::Page(Page {
            order: v.int("order"),
        })),
    };
    Built {
        label,
        summary,
        data,
    }
}

fn read_groups(r: &mut Reader) -> Option<Vec<String>> {
    let groups: Vec<&str> = r
        .shared
        .config
        .people_groups
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    let Some(f) = r.find("groups") else {
        r.missing(
            "groups",
            &format!("[{}]", groups.first().copied().unwrap_or("team")),
        );
        return None;
    };
    let single = [f.node.clone()];
    let items: &[Node] = match &f.node.kind {
        Kind::Seq(items) => items,
        _ => &single,
    };
    let mut out = Vec::new();
    for n in items {
        let s = n.scalar_text().unwrap_or_default();
        out.extend(r.check_key(&s, f.file, n, "people group", &groups));
    }
    if out.is_empty() && items.is_empty() {
        r.error(
            "missing-field",
            (f.file, f.node),
            "`groups` is empty",
            "list at least one group, e.g. `[board]`",
        );
    }
    (!out.is_empty()).then_some(out)
}

/// Entries of a list of mappings, with unknown keys reported.
fn list_of_maps<'a>(
    r: &mut Reader<'a>,
    key: &str,
    allowed: &[&str],
) -> Vec<(Found<'a>, &'a [(Node, Node)])> {
    let Some(f) = r.find(key) else {
        return Vec::new();
    };
    let Kind::Seq(items) = &f.node.kind else {
        r.error(
            "type",
            (f.file, f.node),
            format!("`{key}` must be a list"),
            format!("write each item as `- {}: ...`", allowed[0]),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let Some(map) = item.as_map() else {
            r.error(
                "type",
                (f.file, item),
                format!("each item of `{key}` must be a mapping"),
                format!("e.g. `- {{{}: ...}}`", allowed.join(": ..., ")),
            );
            continue;
        };
        for (k, _) in map {
            let name = k.scalar_text().unwrap_or_default();
            if !allowed.contains(&name.as_str()) {
                r.error(
                    "unknown-field",
                    (f.file, k),
                    format!("unknown field `{name}` in `{key}`"),
                    suggestion_help(&name, allowed),
                );
            }
        }
        out.push((Found { node: item, ..f }, map));
    }
    out
}

fn item_text<'a>(
    r: &mut Reader<'a>,
    parent: &Found<'a>,
    key: &str,
    field: &str,
    map: &'a [(Node, Node)],
) -> Option<String> {
    let (_, v) = map.iter().find(|(k, _)| k.as_str() == Some(field))?;
    let found = Found { node: v, ..*parent };
    r.text_of(key, key, found)
}

fn read_documents(r: &mut Reader) -> Vec<Document> {
    let mut out = Vec::new();
    for (f, map) in list_of_maps(r, "documents", &["title", "file", "language"]) {
        let title = item_text(r, &f, "documents", "title", map);
        let file = match map.iter().find(|(k, _)| k.as_str() == Some("file")) {
            Some((_, v)) => match v.scalar_text() {
                Some(s) => r.file_ref(&s, f.file, v, true),
                None => None,
            },
            None => {
                r.error(
                    "missing-field",
                    (f.file, f.node),
                    "a document needs a `file`",
                    "a path under content/media/ or a web address",
                );
                None
            }
        };
        let language = map
            .iter()
            .find(|(k, _)| k.as_str() == Some("language"))
            .and_then(|(_, v)| v.scalar_text());
        if let Some(file) = file {
            let title =
                title.unwrap_or_else(|| file.src.rsplit('/').next().unwrap_or("").to_string());
            out.push(Document {
                title,
                file,
                language,
            });
        }
    }
    out
}

fn read_related(r: &mut Reader) -> Vec<LinkItem> {
    let mut out = Vec::new();
    for (f, map) in list_of_maps(r, "related", &["title", "url"]) {
        let title = item_text(r, &f, "related", "title", map);
        let url = map
            .iter()
            .find(|(k, _)| k.as_str() == Some("url"))
            .and_then(|(_, v)| {
                let s = v.scalar_text()?;
                match super::values::url(&s) {
                    Ok(u) => {
                        r.link(&u, f.file, v);
                        Some(u)
                    }
                    Err((m, h)) => {
                        r.error("value", (f.file, v), m, h);
                        None
                    }
                }
            });
        match (title, url) {
            (Some(title), Some(url)) => out.push(LinkItem { title, url }),
            (None, Some(url)) => out.push(LinkItem {
                title: url.clone(),
                url,
            }),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;
