//! Fields that are lists of structured items: a person's groups, a strategy's
//! documents and related links.

use super::fields::{Found, Reader};
use crate::diagnostics::suggestion_help;
use crate::load::yaml::{Kind, Node};
use crate::model::{Document, LinkItem};

pub fn read_groups(r: &mut Reader) -> Option<Vec<String>> {
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
    let items = super::scalars::one_or_many(f.node);
    let mut out = Vec::new();
    for n in items.iter() {
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

pub fn read_documents(r: &mut Reader) -> Vec<Document> {
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

pub fn read_related(r: &mut Reader) -> Vec<LinkItem> {
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
