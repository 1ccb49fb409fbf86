//! Fields that point at something else: keys of site.yaml's tables (category, funder,
//! group), other records (partners, people, ids), media files, and a person's
//! organisation (a partner, or text). Each check says what exists instead.

use super::IdTable;
use super::fields::Reader;
use super::values::{self, MediaPath};
use crate::diagnostics::suggestion_help;
use crate::load::SourceFile;
use crate::load::yaml::{Kind, Node};
use crate::model::{Collection, FileRef, OrgRef, RecordId};

/// Whether a value reads like a record's file name (lower-case, digits, hyphens).
pub fn looks_like_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.contains(' ')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl<'a> Reader<'a> {
    /// A key of one of site.yaml's tables (category, funder, group).
    pub fn key_of(
        &mut self,
        key: &str,
        required: bool,
        what: &str,
        allowed: &[&str],
    ) -> Option<String> {
        if required && self.find(key).is_none() {
            self.missing(key, &format!("one of {}", allowed.join(", ")));
            return None;
        }
        let (s, f) = self.string(key, required)?;
        self.check_key(&s, f.file, f.node, what, allowed)
    }

    pub fn check_key(
        &mut self,
        s: &str,
        file: &SourceFile,
        node: &Node,
        what: &str,
        allowed: &[&str],
    ) -> Option<String> {
        if allowed.contains(&s) {
            Some(s.to_string())
        } else {
            self.error(
                "unknown-reference",
                (file, node),
                format!("unknown {what} `{s}`"),
                format!(
                    "{} (defined in content/site.yaml)",
                    suggestion_help(s, allowed)
                ),
            );
            None
        }
    }

    /// A reference to a record of `collection`: its stem or its full id.
    pub fn reference(
        &mut self,
        s: &str,
        file: &SourceFile,
        node: &Node,
        collection: Collection,
    ) -> Option<RecordId> {
        let stem = s
            .strip_prefix(collection.name())
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(s);
        let id = RecordId::new(collection, stem);
        self.check_id(&id, s, file, node)
    }

    /// Checks that a referenced record exists (and is in the build).
    pub fn check_id(
        &mut self,
        id: &RecordId,
        written: &str,
        file: &SourceFile,
        node: &Node,
    ) -> Option<RecordId> {
        let ids: &IdTable = self.shared.ids;
        match ids.get(id) {
            Some(identity) if identity.included => Some(id.clone()),
            Some(_) => {
                self.warn(
                    "draft-reference",
                    (file, node),
                    format!("`{written}` is a draft and is left out of this build"),
                    "publish it (remove `draft: true`) or build with --drafts",
                );
                None
            }
            None => {
                let stems = ids.stems(id.collection);
                self.error(
                    "unknown-reference",
                    (file, node),
                    format!("there is no record `{id}`"),
                    suggestion_help(&id.stem, &stems),
                );
                None
            }
        }
    }

    pub fn reference_field(&mut self, key: &str, collection: Collection) -> Option<RecordId> {
        let (s, f) = self.string(key, false)?;
        self.reference(&s, f.file, f.node, collection)
    }

    /// A list of references (a single one is taken as a one-item list).
    pub fn references(&mut self, key: &str, collection: Option<Collection>) -> Vec<RecordId> {
        let Some(f) = self.find(key) else {
            return Vec::new();
        };
        let single = [f.node.clone()];
        let items: &[Node] = match &f.node.kind {
            Kind::Seq(items) => items,
            _ => &single,
        };
        let mut out = Vec::new();
        for n in items {
            let Some(s) = n.scalar_text() else {
                self.error(
                    "type",
                    (f.file, n),
                    format!("each item of `{key}` must be a record id"),
                    "e.g. `- tehnopol`",
                );
                continue;
            };
            let id = match collection {
                Some(c) => self.reference(&s, f.file, n, c),
                None => match RecordId::parse(&s) {
                    Some(id) => self.check_id(&id, &s, f.file, n),
                    None => {
                        self.error(
                            "unknown-reference",
                            (f.file, n),
                            format!("`{s}` is not a record id"),
                            "write `<collection>/<slug>`, e.g. `partners/tehnopol`",
                        );
                        None
                    }
                },
            };
            out.extend(id);
        }
        out
    }

    /// A file under `content/media/` (or, with `allow_url`, a web address).
    pub fn file_ref(
        &mut self,
        s: &str,
        file: &SourceFile,
        node: &Node,
        allow_url: bool,
    ) -> Option<FileRef> {
        if allow_url && (s.starts_with("http://") || s.starts_with("https://")) {
            return match values::url(s) {
                Ok(u) => {
                    self.link(&u, file, node);
                    Some(FileRef {
                        format: values::file_format(&u),
                        src: u,
                        local: false,
                        size: None,
                    })
                }
                Err((m, h)) => {
                    self.error("value", (file, node), m, h);
                    None
                }
            };
        }
        match values::media_path(s) {
            MediaPath::Ok(p) => match self.shared.media.get(&p) {
                Some((_, size)) => Some(FileRef {
                    format: values::file_format(&p),
                    src: p,
                    local: true,
                    size: Some(*size),
                }),
                None => {
                    let names: Vec<&str> = self.shared.media.keys().map(String::as_str).collect();
                    self.error(
                        "missing-media",
                        (file, node),
                        format!("the media file `{p}` does not exist"),
                        if names.is_empty() {
                            format!("put the file in content/media/{p}")
                        } else {
                            format!(
                                "put the file in content/media/{p}; {}",
                                suggestion_help(&p, &names)
                            )
                        },
                    );
                    None
                }
            },
            MediaPath::Escapes => {
                self.error(
                    "path-escape",
                    (file, node),
                    format!("the path `{s}` leaves the site's media folder"),
                    "media paths are relative to content/media/ and may not use `..` or start with `/`",
                );
                None
            }
            MediaPath::Invalid => {
                self.error(
                    "value",
                    (file, node),
                    "the media path is empty",
                    "e.g. `logos/tehnopol.svg` for content/media/logos/tehnopol.svg",
                );
                None
            }
        }
    }

    pub fn media(&mut self, key: &str) -> Option<FileRef> {
        let (s, f) = self.string(key, false)?;
        self.file_ref(&s, f.file, f.node, false)
    }

    /// `organisation` of a person: a partner reference or translatable text.
    pub fn organisation(&mut self, key: &str) -> Option<OrgRef> {
        let f = self.find(key)?;
        if let Some(s) = f.node.as_str() {
            let looks_like_id = looks_like_slug(s) || s.starts_with("partners/");
            if looks_like_id {
                return self
                    .reference(s, f.file, f.node, Collection::Partners)
                    .map(OrgRef::Partner);
            }
        }
        self.text_of(key, key, f).map(OrgRef::Text)
    }
}
