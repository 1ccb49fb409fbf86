//! Reading one record's fields for one language, with validation.
//!
//! A field is looked up in the language file first, then the shared file, then the
//! default language's file. Translatable fields written as `{lang: text}` maps pick the
//! language's entry. When the text comes from another language, the field is recorded
//! in `fallback` and a warning says what is missing. Each getter reports its own
//! problems and returns `None` rather than failing, so one pass finds everything.

use super::Shared;

use crate::diagnostics::Diagnostic;
use crate::load::yaml::{Kind, Node};
use crate::load::{RawFile, SourceFile};
use crate::model::{ExternalLink, RecordId};
use std::collections::BTreeMap;

/// Where a field's value came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Layer {
    /// The file of the language being resolved.
    Lang,
    /// The file shared by all languages.
    Shared,
    /// The default language's file (a fallback).
    Default,
}

#[derive(Clone, Copy)]
pub struct Found<'a> {
    pub node: &'a Node,
    pub file: &'a SourceFile,
    pub layer: Layer,
}

pub struct Reader<'a> {
    pub lang: &'a str,
    pub default: &'a str,
    pub shared: &'a Shared<'a>,
    layers: Vec<(&'a RawFile, Layer)>,
    pub diags: Vec<Diagnostic>,
    pub fallback: BTreeMap<String, String>,
    /// Translatable fields that resolved to a text.
    pub texts: std::collections::BTreeSet<String>,
    /// The file a missing field should be added to.
    pub home: &'a SourceFile,
    /// Required fields not found, with an example value.
    missing: Vec<(String, String)>,
    /// Field names that "did you mean" suggested for an unknown field.
    pub suggested: std::collections::HashSet<String>,
    /// Outside addresses the fields and body use, for `check --links`.
    pub links: Vec<ExternalLink>,
    /// The records the body's `@` links lead to (their addresses are in its HTML).
    pub linked: Vec<RecordId>,
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn entries(f: &RawFile) -> &[(Node, Node)] {
    f.fields.as_ref().and_then(Node::as_map).unwrap_or(&[])
}

impl<'a> Reader<'a> {
    pub fn new(
        lang: &'a str,
        shared: &'a Shared<'a>,
        lang_file: Option<&'a RawFile>,
        shared_file: Option<&'a RawFile>,
        default_file: Option<&'a RawFile>,
    ) -> Option<Reader<'a>> {
        let mut layers = Vec::new();
        if let Some(f) = lang_file {
            layers.push((f, Layer::Lang));
        }
        if let Some(f) = shared_file {
            layers.push((f, Layer::Shared));
        }
        if let Some(f) = default_file {
            layers.push((f, Layer::Default));
        }
        let home = layers.first()?.0.file.as_ref();
        Some(Reader {
            lang,
            default: shared.default,
            shared,
            layers,
            diags: Vec::new(),
            fallback: BTreeMap::new(),
            texts: std::collections::BTreeSet::new(),
            home,
            missing: Vec::new(),
            suggested: std::collections::HashSet::new(),
            links: Vec::new(),
            linked: Vec::new(),
        })
    }

    /// The first layer that has `key` (and a value that is not null).
    pub fn find(&self, key: &str) -> Option<Found<'a>> {
        self.find_all(key).into_iter().next()
    }

    pub fn error(
        &mut self,
        code: &'static str,
        at: (&SourceFile, &Node),
        msg: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(Diagnostic::error(code, at.0.rel.clone(), msg), at, help);
    }

    pub fn warn(
        &mut self,
        code: &'static str,
        at: (&SourceFile, &Node),
        msg: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(Diagnostic::warning(code, at.0.rel.clone(), msg), at, help);
    }

    /// A note about the whole record, at the first line of its main file.
    pub fn note_home(&mut self, code: &'static str, msg: &str, help: &str) {
        let first = entries_first_line(self.home);
        self.diags.push(
            Diagnostic::note(code, self.home.rel.clone(), msg)
                .at(&self.home.text, first, 1)
                .with_help(help),
        );
    }

    fn push(&mut self, d: Diagnostic, (file, node): (&SourceFile, &Node), help: impl Into<String>) {
        self.diags
            .push(d.at(&file.text, node.line, node.column).with_help(help));
    }

    pub fn wrong_type(&mut self, key: &str, f: &Found, expected: &str, example: &str) {
        self.error(
            "type",
            (f.file, f.node),
            format!("`{key}` must be {expected}, not {}", f.node.type_name()),
            format!("e.g. `{key}: {example}`"),
        );
    }

    /// Notes a required field that is missing; [`Reader::finish`] reports them all in
    /// one message. A field an unknown field looks like (`nmae` for `name`) is not
    /// reported: the unknown field's "did you mean" says it already.
    pub fn missing(&mut self, key: &str, example: &str) {
        if !self.suggested.contains(key) {
            self.missing.push((key.to_string(), example.to_string()));
        }
    }

    /// The line where a field is written without a value (`category:`), in any layer.
    fn empty_key(&self, key: &str) -> Option<(&'a SourceFile, &'a Node)> {
        self.layers.iter().find_map(|(file, _)| {
            entries(file)
                .iter()
                .find(|(k, v)| k.as_str() == Some(key) && matches!(v.kind, Kind::Null))
                .map(|(k, _)| (file.file.as_ref(), k))
        })
    }

    /// Reports the missing fields: a field written without a value where it is, and
    /// the fields not written at all in one message for the file they belong in.
    pub fn finish(&mut self, what: &str) {
        if self.missing.is_empty() {
            return;
        }
        let mut missing = std::mem::take(&mut self.missing);
        // A file whose fields are not a mapping was reported as such.
        if self.layers.iter().any(|(f, _)| {
            f.fields
                .as_ref()
                .is_some_and(|n| !matches!(n.kind, Kind::Map(_) | Kind::Null))
        }) {
            return;
        }
        missing.retain(|(key, example)| {
            let Some((file, node)) = self.empty_key(key) else {
                return true;
            };
            let help = match example.strip_prefix("one of ") {
                Some(choices) => format!("choose one of {choices} and write it after `{key}:`"),
                None => format!("write the value after `{key}:`, e.g. `{key}: {example}`"),
            };
            self.diags.push(
                Diagnostic::error(
                    "missing-field",
                    file.rel.clone(),
                    format!("the required field `{key}` is missing: it has no value yet"),
                )
                .at(&file.text, node.line, node.column)
                .with_help(help),
            );
            false
        });
        if missing.is_empty() {
            return;
        }
        let names: Vec<String> = missing.iter().map(|(k, _)| format!("`{k}`")).collect();
        let lines: Vec<String> = missing.iter().map(|(k, e)| format!("`{k}: {e}`")).collect();
        let empty = self.layers.iter().all(|(f, _)| {
            f.fields
                .as_ref()
                .is_none_or(|n| matches!(n.kind, Kind::Null))
                && f.body.as_ref().is_none_or(|b| !b.has_text)
        });
        let message = if empty {
            format!("the file is empty; {what} needs {}", join_and(&names))
        } else if names.len() == 1 {
            format!("the required field {} is missing", names[0])
        } else {
            format!("the required fields {} are missing", join_and(&names))
        };
        let first = entries_first_line(self.home);
        self.diags.push(
            Diagnostic::error("missing-field", self.home.rel.clone(), message)
                .at(&self.home.text, first, 1)
                .with_help(if lines.len() == 1 {
                    format!("add a line {}", lines[0])
                } else {
                    format!("add the lines {}", join_and(&lines))
                }),
        );
    }

    /// A translatable text (T). Plain text is the same in all languages; a map gives
    /// one text per language.
    pub fn text(&mut self, key: &str, required: bool) -> Option<String> {
        let found = self.find_all(key);
        let Some(first) = found.first().copied() else {
            if required {
                self.missing(key, "...");
            }
            return None;
        };
        // An empty or untranslated value in one file falls through to the next layer.
        for f in found {
            if let Some(text) = self.text_of(key, key, f) {
                return Some(text);
            }
        }
        let (lang, default) = (self.lang, self.default);
        let msg = format!("`{key}` has no `{lang}` text");
        let help = if lang == default {
            format!("give the text of the default language `{default}`")
        } else {
            format!("give the `{lang}` text, or the `{default}` text to fall back on")
        };
        if required {
            self.error("missing-field", (first.file, first.node), msg, help);
        } else if !matches!(first.node.kind, Kind::Str(_)) {
            self.warn("translation", (first.file, first.node), msg, help);
        }
        None
    }

    /// Every layer's value of `key`, in lookup order.
    fn find_all(&self, key: &str) -> Vec<Found<'a>> {
        let mut out = Vec::new();
        for (file, layer) in &self.layers {
            for (k, v) in entries(file) {
                if k.as_str() == Some(key) && !matches!(v.kind, Kind::Null) {
                    out.push(Found {
                        node: v,
                        file: &file.file,
                        layer: *layer,
                    });
                }
            }
        }
        out
    }

    /// Resolves a T node found for `key`; `label` names it in fallback bookkeeping.
    pub fn text_of(&mut self, key: &str, label: &str, f: Found<'a>) -> Option<String> {
        let text = self.text_of_inner(key, label, f);
        if let Some(t) = &text {
            self.texts.insert(label.to_string());
            if crate::model::schema::is_placeholder(t) {
                self.placeholder(label, f.file, f.node.line, f.node.column);
            }
        }
        text
    }

    /// A text `klaster new` wrote that nobody replaced: a warning, so `check --strict`
    /// (and CI) stops it from going live.
    pub fn placeholder(&mut self, field: &str, file: &SourceFile, line: usize, column: usize) {
        self.diags.push(
            Diagnostic::warning(
                "placeholder",
                file.rel.clone(),
                format!(
                    "`{field}` still has the text `klaster new` wrote; it would be published as it is"
                ),
            )
            .at(&file.text, line, column)
            .with_help(format!("write the real `{field}`, or remove it")),
        );
    }

    fn text_of_inner(&mut self, key: &str, label: &str, f: Found<'a>) -> Option<String> {
        match &f.node.kind {
            Kind::Map(entries) => {
                let mut own = None;
                let mut default = None;
                let what = format!("`{key}`");
                for (code, t, v) in super::texts::language_map(
                    f.file,
                    entries,
                    &self.shared.languages,
                    &what,
                    &mut self.diags,
                ) {
                    if code == self.lang {
                        own = Some((t, v));
                    } else if code == self.default {
                        default = Some((t, v));
                    }
                }
                match (own, default) {
                    (Some((t, _)), _) if !t.trim().is_empty() => Some(t),
                    (own, Some((t, v))) if !t.trim().is_empty() => {
                        let empty = own.is_some();
                        self.note_fallback(label, (f.file, if empty { v } else { f.node }), empty);
                        Some(t)
                    }
                    _ => None,
                }
            }
            _ => match f.node.scalar_text() {
                Some(t) if t.trim().is_empty() => {
                    if f.layer == Layer::Lang {
                        self.diags.push(
                            Diagnostic::warning("translation", f.file.rel.clone(), format!("the `{}` text of `{key}` is empty", self.lang))
                                .at(&f.file.text, f.node.line, f.node.column)
                                .with_help("write the translation, or remove the line to show the default language's text"),
                        );
                    }
                    None
                }
                Some(t) => {
                    if f.layer == Layer::Default {
                        // Where the record has a file of this language, the text is to
                        // be added there, not to the other language's file.
                        let own_file = self
                            .layers
                            .iter()
                            .find(|(_, l)| *l == Layer::Lang)
                            .map(|(r, _)| r.file.clone());
                        match own_file {
                            Some(own) => self.note_missing_in(label, key, &own, f.file),
                            None => self.note_fallback(label, (f.file, f.node), false),
                        }
                    }
                    Some(t)
                }
                None => {
                    self.wrong_type(key, &f, "text", "Some text");
                    None
                }
            },
        }
    }

    /// A text the language's own file `own` lacks, shown from `from` meanwhile.
    fn note_missing_in(&mut self, label: &str, key: &str, own: &SourceFile, from: &SourceFile) {
        self.fallback
            .insert(label.to_string(), self.default.to_string());
        self.diags.push(
            Diagnostic::warning(
                "translation",
                own.rel.clone(),
                format!(
                    "the `{}` translation of `{label}` is missing; the `{}` text is shown",
                    self.lang, self.default
                ),
            )
            .with_help(format!(
                "add `{key}:` with the `{}` text to this file (the `{}` text is in {})",
                self.lang, self.default, from.rel
            )),
        );
    }

    fn note_fallback(&mut self, label: &str, at: (&SourceFile, &Node), empty: bool) {
        self.fallback
            .insert(label.to_string(), self.default.to_string());
        let what = if empty { "is empty" } else { "is missing" };
        let (file, node) = at;
        self.diags.push(
            Diagnostic::warning(
                "translation",
                file.rel.clone(),
                format!(
                    "the `{}` translation of `{label}` {what}; the `{}` text is shown",
                    self.lang, self.default
                ),
            )
            .at(&file.text, node.line, node.column)
            .with_help(format!("add the `{}` text", self.lang)),
        );
    }

    /// A plain (not translatable) string.
    pub fn string(&mut self, key: &str, required: bool) -> Option<(String, Found<'a>)> {
        let Some(f) = self.find(key) else {
            if required {
                self.missing(key, "...");
            }
            return None;
        };
        match f.node.scalar_text() {
            Some(s) => Some((s, f)),
            None => {
                self.wrong_type(key, &f, "text", "...");
                None
            }
        }
    }

    /// A list of translatable texts (`objectives`, `results`).
    pub fn text_list(&mut self, key: &str) -> Vec<String> {
        let Some(f) = self.find(key) else {
            return Vec::new();
        };
        let Kind::Seq(items) = &f.node.kind else {
            self.wrong_type(key, &f, "a list", "\n  - First item\n  - Second item");
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|n| self.text_of(key, key, Found { node: n, ..f }))
            .collect()
    }
}

fn entries_first_line(file: &SourceFile) -> usize {
    if file.text.starts_with("---") { 2 } else { 1 }
}

#[cfg(test)]
mod tests;
