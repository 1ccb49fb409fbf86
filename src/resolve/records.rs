//! The fields of each collection (SPEC §4), resolved per language.

use super::fields::{Found, Layer, Reader};
use super::{Identity, Shared};
use crate::diagnostics::{Diagnostic, suggestion_help};
use crate::load::yaml::{Kind, Node};
use crate::load::{RawFile, RawRecord, SourceFile};
use crate::markdown;
use crate::model::*;
use std::collections::BTreeMap;

/// Fields every record may have besides its collection's own.
const COMMON: &[&str] = &["draft", "slug", "extra", "body", "translated_from"];

fn fields_of(c: Collection) -> &'static [&'static str] {
    match c {
        Collection::Partners => &[
            "name", "category", "summary", "website", "logo", "country", "city", "joined", "tags",
            "member",
        ],
        Collection::People => &[
            "name",
            "groups",
            "role",
            "title",
            "organisation",
            "photo",
            "email",
            "phone",
            "order",
            "term",
        ],
        Collection::Strategy => &[
            "title",
            "period",
            "status",
            "summary",
            "documents",
            "related",
        ],
        Collection::Projects => &[
            "title",
            "summary",
            "funder",
            "programme",
            "grant",
            "total_cost",
            "public_funding",
            "start",
            "end",
            "coordinator",
            "implementers",
            "contacts",
            "objectives",
            "results",
            "website",
        ],
        Collection::News => &["title", "date", "summary", "tags", "related"],
        Collection::Pages => &["title", "order"],
    }
}

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
        let (label, summary, data) = read_data(raw.collection, &mut r, today);
        r.finish(article(raw.collection));
        let body = read_body(&mut r, lang_file, shared_file, fallback_file, shared);
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
        files: raw.files.iter().map(|f| f.file.rel.clone()).collect(),
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
    let own = fields_of(raw.collection);
    let allowed: Vec<&str> = own.iter().chain(COMMON).copied().collect();
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

type Data = (Option<String>, Option<String>, Option<RecordData>);

fn read_data(c: Collection, r: &mut Reader, today: jiff::civil::Date) -> Data {
    let cfg = r.shared.config;
    match c {
        Collection::Partners => {
            let name = r.text("name", true);
            let summary = r.text("summary", false);
            let cats: Vec<&str> = cfg
                .partner_categories
                .iter()
                .map(|(k, _)| k.as_str())
                .collect();
            let category = r.key_of("category", true, "partner category", &cats);
            let website = r.url("website");
            let logo = r.media("logo");
            let country = r.checked("country", false, super::values::country);
            let city = r.text("city", false);
            let joined = r.year("joined");
            let tags = r.strings("tags");
            let member = r.bool("member").unwrap_or(true);
            let data = category.map(|category| {
                RecordData::Partner(Partner {
                    name: name.clone().unwrap_or_default(),
                    category,
                    website,
                    logo,
                    country,
                    city,
                    joined,
                    tags,
                    member,
                })
            });
            (name, summary, data)
        }
        Collection::People => {
            let name = r.string("name", true).map(|(s, _)| s);
            let groups = read_groups(r);
            let role = r.text("role", false);
            let job_title = r.text("title", false);
            let organisation = r.organisation("organisation");
            let photo = r.media("photo");
            let email = r.checked("email", false, super::values::email);
            let phone = r.checked("phone", false, super::values::phone);
            let order = r.int("order");
            let term = r.period("term", false);
            let data = groups.map(|groups| {
                RecordData::Person(Person {
                    name: name.clone().unwrap_or_default(),
                    groups,
                    role,
                    job_title,
                    organisation,
                    photo,
                    email,
                    phone,
                    order,
                    term,
                })
            });
            (name, None, data)
        }
        Collection::Strategy => {
            let title = r.text("title", true);
            let summary = r.text("summary", false);
            let period = r.period("period", true);
            let status = r.key_of(
                "status",
                false,
                "strategy status",
                &["current", "previous", "draft"],
            );
            let documents = read_documents(r);
            let related = read_related(r);
            let data = period.map(|period| {
                RecordData::Strategy(Strategy {
                    period,
                    status: status.unwrap_or_else(|| "current".into()),
                    documents,
                    related,
                })
            });
            (title, summary, data)
        }
        Collection::Projects => {
            let title = r.text("title", true);
            let summary = r.text("summary", false);
            let funders: Vec<&str> = cfg.funders.iter().map(|f| f.key.as_str()).collect();
            let funder = r.key_of("funder", true, "funder", &funders);
            let programme = r.text("programme", false);
            let grant = r.money("grant");
            let total_cost = r.money("total_cost");
            let public_funding = r.money("public_funding");
            let start = r.date("start", true);
            let end = r.date("end", false);
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
            let coordinator = r.reference_field("coordinator", Collection::Partners);
            let implementers = r.references("implementers", Some(Collection::Partners));
            let contacts = r.references("contacts", Some(Collection::People));
            let objectives = r.text_list("objectives");
            let results = r.text_list("results");
            let website = r.url("website");
            let data = match (funder, start) {
                (Some(funder), Some(start)) => Some(RecordData::Project(Project {
                    funder,
                    programme,
                    grant,
                    total_cost,
                    public_funding,
                    start,
                    end,
                    status: ProjectStatus::of(start, end, today),
                    coordinator,
                    implementers,
                    contacts,
                    objectives,
                    results,
                    website,
                })),
                _ => None,
            };
            (title, summary, data)
        }
        Collection::News => {
            let title = r.text("title", true);
            let summary = r.text("summary", false);
            let date = r.date("date", true);
            let tags = r.strings("tags");
            let related = r.references("related", None);
            let data = date.map(|date| {
                RecordData::News(News {
                    date,
                    tags,
                    related,
                })
            });
            (title, summary, data)
        }
        Collection::Pages => {
            let title = r.text("title", true);
            let order = r.int("order");
            (title, None, Some(RecordData::Page(Page { order })))
        }
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

/// The body for the reader's language, as HTML with its table of contents.
fn read_body(
    r: &mut Reader,
    lang_file: Option<&RawFile>,
    shared_file: Option<&RawFile>,
    fallback_file: Option<&RawFile>,
    shared: &Shared,
) -> Option<(String, Vec<TocEntry>)> {
    let has_text = |f: &&RawFile| f.body.as_ref().is_some_and(|b| !b.text.trim().is_empty());
    // A Markdown body, or the `body` field, in lookup order.
    let (text, file, first_line, fell_back): (String, &SourceFile, usize, bool) =
        if let Some(f) = lang_file.filter(has_text).or(shared_file.filter(has_text)) {
            let b = f.body.as_ref()?;
            (b.text.clone(), &f.file, b.first_line, false)
        } else if let Some(found) = r
            .find("body")
            .filter(|f| f.layer != Layer::Default || fallback_file.is_none_or(|d| !has_text(&d)))
        {
            let text = r.text_of("body", "body", found)?;
            (text, found.file, found.node.line, false)
        } else if let Some(f) = fallback_file.filter(has_text) {
            let b = f.body.as_ref()?;
            (b.text.clone(), &f.file, b.first_line, true)
        } else {
            return None;
        };
    if fell_back {
        r.fallback.insert("body".into(), r.default.to_string());
        r.diags.push(
            Diagnostic::warning(
                "translation",
                file.rel.clone(),
                format!(
                    "the `{}` translation of the body is missing; the `{}` text is shown",
                    r.lang, r.default
                ),
            )
            .at(&file.text, first_line.max(1), 1)
            .with_help(format!(
                "write the `{}` body below the front matter of the `{}` file",
                r.lang, r.lang
            )),
        );
    }
    r.texts.insert("body".into());
    let lang = r.lang;
    let ids = shared.ids;
    let base = &shared.config.base_path;
    let media = shared.media;
    let resolve = |target: markdown::Target| -> Result<String, (String, String)> {
        let target = match target {
            markdown::Target::Record(t) => t,
            markdown::Target::Media(link) => {
                // `media/report.pdf#page=2`: the file is checked, the rest is kept.
                let cut = link.find(['#', '?']).unwrap_or(link.len());
                let (path, rest) = link.split_at(cut);
                return match super::values::media_path(path) {
                    super::values::MediaPath::Ok(p) if media.contains_key(&p) => {
                        Ok(format!("{base}/media/{p}{rest}"))
                    }
                    super::values::MediaPath::Ok(p) => Err((
                        format!("the media file `{p}` does not exist"),
                        format!("put the file in content/media/{p}"),
                    )),
                    _ => Err((
                        format!("the path `{path}` leaves the site's media folder"),
                        "media paths are relative to content/media/ and may not use `..`".into(),
                    )),
                };
            }
        };
        let Some(id) = RecordId::parse(target) else {
            return Err((
                format!("`@{target}` is not a record id"),
                "write `@<collection>/<slug>`, e.g. `@partners/tehnopol`".into(),
            ));
        };
        match ids.get(&id) {
            Some(identity) if identity.included => {
                let path = identity
                    .paths
                    .get(lang)
                    .or_else(|| identity.paths.get(shared.default))
                    .cloned()
                    .flatten();
                Ok(match (path, id.collection) {
                    (Some(p), _) => format!("{base}{p}"),
                    (None, Collection::People) => format!("{base}/{lang}/people/#{}", id.stem),
                    (None, _) => format!("{base}/{lang}/"),
                })
            }
            Some(_) => Err((
                format!("`@{target}` links to a draft"),
                "publish the record or remove the link".into(),
            )),
            None => Err((
                format!("broken link: there is no record `{id}`"),
                suggestion_help(&id.stem, &ids.stems(id.collection)),
            )),
        }
    };
    let labels = markdown::Labels::default();
    let opts = markdown::Options {
        unsafe_html: shared.config.unsafe_html,
        reserved: shared.reserved,
        labels: &labels,
    };
    let rendered = markdown::render(&text, &opts, &resolve);
    for l in &rendered.links {
        let (line, column) = markdown::line_col(&text, l.offset);
        r.links.push(ExternalLink {
            url: l.url.clone(),
            path: file.rel.clone(),
            line: first_line + line - 1,
            column,
        });
    }
    for p in rendered.problems {
        let (line, col) = markdown::line_col(&text, p.offset);
        r.diags.push(
            Diagnostic::error("broken-link", file.rel.clone(), p.message)
                .at(&file.text, first_line + line - 1, col)
                .with_help(p.help),
        );
    }
    Some((rendered.html, rendered.toc))
}
