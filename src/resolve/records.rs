//! One record resolved per language: its fields read as the collection's schema says
//! ([`crate::model::schema`]), checked, and built into the model's types; plus the
//! checks that span a record's files (unknown fields, stale translations) and EU
//! visibility (docs/content.md, "projects").

use super::fields::Reader;
use super::{Identity, Shared};
use crate::diagnostics::{Diagnostic, suggestion_help};
use crate::load::yaml::Kind;
use crate::load::{RawRecord, SourceFile};
use crate::model::schema;
use crate::model::*;

/// A record resolved ([`resolve_record`]).
#[derive(Default)]
pub struct Resolved {
    /// `None` when the record has errors that leave it out.
    pub record: Option<Record>,
    pub problems: Vec<Diagnostic>,
    /// The outside addresses it uses.
    pub links: Vec<ExternalLink>,
    /// The records its bodies link to with `@`, each once: their addresses are in
    /// its HTML (`serve` resolves it again when one of them moves).
    pub linked: Vec<RecordId>,
}

/// A record (unless it has errors), its problems and what it links to.
pub fn resolve_record(
    raw: &RawRecord,
    identity: &Identity,
    shared: &Shared,
    today: jiff::civil::Date,
) -> Resolved {
    // A file of the record could not be read or parsed: that error is reported, and
    // the record stays known (for references) without errors of its own.
    if raw.files.iter().any(|f| f.broken) {
        return Resolved::default();
    }
    let mut diags = Vec::new();
    let mut links = Vec::new();
    let mut linked: Vec<RecordId> = Vec::new();
    let id = RecordId::new(raw.collection, raw.stem.clone());
    let suggested = check_unknown_fields(raw, &mut diags);
    let stale = check_stale_translations(raw, shared.default, &mut diags);

    let shared_file = raw.files.iter().find(|f| f.lang.is_none());
    let default_file = raw
        .files
        .iter()
        .find(|f| f.lang.as_deref() == Some(shared.default));
    let mut locales = Vec::with_capacity(identity.langs.len());
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
        let values = super::typed::read_fields(raw.collection, &mut r);
        r.finish(article(raw.collection));
        let super::typed::Built {
            label,
            summary,
            data,
        } = super::typed::build(raw.collection, values, &mut r, today);
        let body = super::body::read_body(&mut r, lang_file, shared_file, fallback_file, shared);
        let extra = r
            .find("extra")
            .map(|f| Extra::new(&f.node.to_json()))
            .unwrap_or_default();
        let slug = identity
            .slugs
            .get(lang)
            .cloned()
            .unwrap_or_else(|| raw.stem.clone());
        let path = identity.paths.get(lang).cloned().flatten();
        diags.append(&mut r.diags);
        links.append(&mut r.links);
        for id in r.linked.drain(..) {
            if !linked.contains(&id) {
                linked.push(id);
            }
        }
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
            let body = Html::new_in(&body, &toc, shared.store_for(body.len()));
            locales.push(Localized {
                lang: lang.clone(),
                slug,
                path,
                label,
                summary,
                body,
                fallback: r.fallback,
                texts: r.texts.into_iter().collect(),
                stale: stale.contains(lang),
                extra,
                data,
            });
        }
    }
    locales.sort_by(|a, b| a.lang.cmp(&b.lang));
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
    Resolved {
        record: ok.then_some(record),
        problems: diags,
        links,
        linked,
    }
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
    let tracked = raw.files.iter().any(|f| {
        f.lang.as_deref().is_some_and(|l| l != default)
            && f.fields
                .as_ref()
                .and_then(|n| n.get("translated_from"))
                .is_some()
    });
    if !tracked {
        return stale;
    }
    // The whole default-language file: its front matter and its body.
    let mut full = source.file.text.clone();
    if let Some(body) = &source.body {
        match body.text(&source.file.rel) {
            Ok(t) => full.push_str(&t),
            Err(d) => {
                diags.push(d);
                return stale;
            }
        }
    }
    let current = super::translation_hash(&full);
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
            // One line of text such as `category company`: a field without its colon.
            let missing_colon = node.scalar_text().and_then(|t| {
                let (name, value) = t.trim().split_once(' ')?;
                let known = allowed.contains(&name);
                (known && !value.trim().is_empty() && !t.contains('\n'))
                    .then(|| (name.to_string(), value.trim().to_string()))
            });
            if let Some((name, value)) = missing_colon {
                diags.push(
                    Diagnostic::error(
                        "type",
                        f.file.rel.clone(),
                        format!(
                            "`{name} {value}` needs a colon after the field name: `{name}: {value}`"
                        ),
                    )
                    .at(&f.file.text, node.line, node.column + name.chars().count())
                    .with_help(format!("write `{name}: {value}`")),
                );
            } else if !matches!(node.kind, Kind::Null) {
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

#[cfg(test)]
mod tests;
