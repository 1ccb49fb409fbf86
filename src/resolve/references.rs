//! Fields that point at something else: keys of site.yaml's tables (category, funder,
//! group), other records (partners, people, ids), media files, and a person's
//! organisation (a partner, or text). Each check says what exists instead.

use super::fields::Reader;
use super::values::{self, MediaPath};
use super::{IdTable, Identity};
use crate::diagnostics::suggestion_help;
use crate::load::SourceFile;
use crate::load::yaml::Node;
use crate::model::{Collection, FileRef, OrgRef, RecordId};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Whether a value reads like a record's file name (lower-case, digits, hyphens).
pub fn looks_like_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.contains(' ')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What is wrong with something a field or a link points at.
pub struct Problem {
    pub code: &'static str,
    pub message: String,
    pub help: String,
    /// Only a warning (a reference to a draft, which is left out).
    pub warning: bool,
}

fn problem(code: &'static str, message: String, help: impl Into<String>) -> Problem {
    Problem {
        code,
        message,
        help: help.into(),
        warning: false,
    }
}

/// A file of `content/media/` named by a field or a link: its path below media/
/// and size, or why it cannot be used.
pub fn media_file(
    media: &BTreeMap<String, (PathBuf, u64)>,
    written: &str,
) -> Result<(String, u64), Problem> {
    match values::media_path(written) {
        MediaPath::Ok(p) => match media.get(&p) {
            Some((_, size)) => Ok((p, *size)),
            None => {
                let names: Vec<&str> = media.keys().map(String::as_str).collect();
                let help = if names.is_empty() {
                    format!("put the file in content/media/{p}")
                } else {
                    format!(
                        "put the file in content/media/{p}; {}",
                        suggestion_help(&p, &names)
                    )
                };
                Err(problem(
                    "missing-media",
                    format!("the media file `{p}` does not exist"),
                    help,
                ))
            }
        },
        MediaPath::Escapes => Err(problem(
            "path-escape",
            format!("the path `{written}` leaves the site's media folder"),
            "media paths are relative to content/media/ and may not use `..` or start with `/`",
        )),
        MediaPath::Invalid => Err(problem(
            "value",
            "the media path is empty".into(),
            "e.g. `logos/tehnopol.svg` for content/media/logos/tehnopol.svg",
        )),
    }
}

/// The record a reference names, if it exists and is part of this build.
pub fn record<'i>(ids: &'i IdTable, id: &RecordId, written: &str) -> Result<&'i Identity, Problem> {
    match ids.get(id) {
        Some(identity) if identity.included => Ok(identity),
        Some(_) => Err(Problem {
            code: "draft-reference",
            message: format!("`{written}` is a draft and is left out of this build"),
            help: "publish it (remove `draft: true`) or build with --drafts".into(),
            warning: true,
        }),
        None => Err(problem(
            "unknown-reference",
            format!("there is no record `{id}`"),
            {
                let known = suggestion_help(&id.stem, &ids.stems(id.collection));
                let or = if known.ends_with('?') { " Or" } else { "; or" };
                format!(
                    "{known}{or}, to add it: `klaster new {} {}`",
                    id.collection, id.stem
                )
            },
        )),
    }
}

impl<'a> Reader<'a> {
    fn report(&mut self, p: Problem, file: &SourceFile, node: &Node) {
        if p.warning {
            self.warn(p.code, (file, node), p.message, p.help);
        } else {
            self.error(p.code, (file, node), p.message, p.help);
        }
    }

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
        match record(self.shared.ids, id, written) {
            Ok(_) => Some(id.clone()),
            Err(p) => {
                self.report(p, file, node);
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
        let items = super::scalars::one_or_many(f.node);
        let mut out = Vec::new();
        for n in items.iter() {
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
        match media_file(self.shared.media, s) {
            Ok((p, size)) => Some(FileRef {
                format: values::file_format(&p),
                src: p,
                local: true,
                size: Some(size),
            }),
            Err(p) => {
                self.report(p, file, node);
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
