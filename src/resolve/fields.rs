//! Reading one record's fields for one language, with validation.
//!
//! A field is looked up in the language file first, then the shared file, then the
//! default language's file. Translatable fields written as `{lang: text}` maps pick the
//! language's entry. When the text comes from another language, the field is recorded
//! in `fallback` and a warning says what is missing. Each getter reports its own
//! problems and returns `None` rather than failing, so one pass finds everything.

use super::Shared;
use super::values;
use crate::diagnostics::Diagnostic;
use crate::load::yaml::{Kind, Node};
use crate::load::{RawFile, SourceFile};
use crate::model::{ExternalLink, Money, Period};
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
        let (file, node) = at;
        self.diags.push(
            Diagnostic::error(code, file.rel.clone(), msg)
                .at(&file.text, node.line, node.column)
                .with_help(help),
        );
    }

    pub fn warn(
        &mut self,
        code: &'static str,
        at: (&SourceFile, &Node),
        msg: impl Into<String>,
        help: impl Into<String>,
    ) {
        let (file, node) = at;
        self.diags.push(
            Diagnostic::warning(code, file.rel.clone(), msg)
                .at(&file.text, node.line, node.column)
                .with_help(help),
        );
    }

    fn wrong_type(&mut self, key: &str, f: &Found, expected: &str, example: &str) {
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
                && f.body.as_ref().is_none_or(|b| b.text.trim().is_empty())
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
                        self.note_fallback(label, (f.file, f.node), false);
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

    /// A string checked by `parse`.
    pub fn checked<T>(
        &mut self,
        key: &str,
        required: bool,
        parse: impl Fn(&str) -> Result<T, values::Invalid>,
    ) -> Option<T> {
        let (s, f) = self.string(key, required)?;
        match parse(&s) {
            Ok(v) => Some(v),
            Err((msg, help)) => {
                self.error("value", (f.file, f.node), msg, help);
                None
            }
        }
    }

    /// A web address (`website`), noted as an outside link.
    pub fn url(&mut self, key: &str) -> Option<String> {
        let (s, f) = self.string(key, false)?;
        match values::url(&s) {
            Ok(u) => {
                self.link(&u, f.file, f.node);
                Some(u)
            }
            Err((msg, help)) => {
                self.error("value", (f.file, f.node), msg, help);
                None
            }
        }
    }

    /// Notes that the value at `node` is the outside address `url`.
    pub fn link(&mut self, url: &str, file: &SourceFile, node: &Node) {
        self.links.push(ExternalLink {
            url: url.to_string(),
            path: file.rel.clone(),
            line: node.line,
            column: node.column,
        });
    }

    pub fn int(&mut self, key: &str) -> Option<i64> {
        let f = self.find(key)?;
        match f.node.kind {
            Kind::Int(i) => Some(i),
            _ => {
                self.wrong_type(key, &f, "a whole number", "1");
                None
            }
        }
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        let f = self.find(key)?;
        match f.node.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                self.wrong_type(key, &f, "`true` or `false`", "true");
                None
            }
        }
    }

    fn year_of(&mut self, node: &Node, file: &SourceFile, key: &str) -> Option<i64> {
        match node.kind {
            Kind::Int(i) => match values::year(i) {
                Ok(y) => Some(y),
                Err((m, h)) => {
                    self.error("value", (file, node), m, h);
                    None
                }
            },
            _ => {
                self.error(
                    "type",
                    (file, node),
                    format!("`{key}` must be a year, not {}", node.type_name()),
                    "write a four-digit year, e.g. `2019`",
                );
                None
            }
        }
    }

    pub fn year(&mut self, key: &str) -> Option<i64> {
        let f = self.find(key)?;
        self.year_of(f.node, f.file, key)
    }

    pub fn date(&mut self, key: &str, required: bool) -> Option<jiff::civil::Date> {
        self.checked(key, required, values::date)
    }

    /// `{from: 2019, to: 2023}`; `to` may be left out.
    pub fn period(&mut self, key: &str, required: bool) -> Option<Period> {
        let Some(f) = self.find(key) else {
            if required {
                self.missing(key, "{from: 2019, to: 2023}");
            }
            return None;
        };
        let Some(map) = f.node.as_map() else {
            self.wrong_type(key, &f, "a period", "{from: 2019, to: 2023}");
            return None;
        };
        let mut from = None;
        let mut to = None;
        for (k, v) in map {
            match k.as_str() {
                Some("from") => from = self.year_of(v, f.file, "from"),
                Some("to") => to = self.year_of(v, f.file, "to"),
                _ => self.error(
                    "unknown-field",
                    (f.file, k),
                    format!(
                        "unknown field `{}` in `{key}`",
                        k.scalar_text().unwrap_or_default()
                    ),
                    "a period has `from` and `to`",
                ),
            }
        }
        let Some(from) = from else {
            self.error(
                "missing-field",
                (f.file, f.node),
                format!("`{key}` needs a `from` year"),
                "e.g. `{from: 2019, to: 2023}`",
            );
            return None;
        };
        if let Some(t) = to
            && t < from
        {
            self.error(
                "value",
                (f.file, f.node),
                format!("`{key}` ends ({t}) before it starts ({from})"),
                "swap the years",
            );
        }
        Some(Period { from, to })
    }

    pub fn money(&mut self, key: &str) -> Option<Money> {
        let f = self.find(key)?;
        let result = match &f.node.kind {
            Kind::Str(s) => values::money_str(s),
            Kind::Map(_) => {
                let amount = f.node.get("amount");
                let currency = f.node.get("currency").and_then(Node::as_str);
                let amount = amount.and_then(|a| match &a.kind {
                    Kind::Int(i) if *i >= 0 => Some(i.to_string()),
                    Kind::Float(x) if *x >= 0.0 => Some(format!("{x}")),
                    Kind::Str(s) => Some(s.clone()),
                    _ => None,
                });
                match (amount.as_deref().and_then(values::amount), currency) {
                    (Some(amount), Some(c)) => {
                        values::currency(c).map(|currency| Money { amount, currency })
                    }
                    _ => Err((
                        format!("`{key}` needs an `amount` and a `currency`"),
                        "e.g. `{amount: 600000, currency: EUR}` or `600000 EUR`".to_string(),
                    )),
                }
            }
            Kind::Int(_) | Kind::Float(_) => Err((
                format!("`{key}` has no currency"),
                format!(
                    "add the ISO 4217 code: `{key}: {} EUR`",
                    f.node.scalar_text().unwrap_or_default()
                ),
            )),
            _ => Err((
                format!("`{key}` must be an amount of money"),
                "e.g. `600000 EUR`".to_string(),
            )),
        };
        match result {
            Ok(m) => Some(m),
            Err((m, h)) => {
                self.error("money", (f.file, f.node), m, h);
                None
            }
        }
    }

    /// A list of plain strings (`tags`). A single string is taken as a one-item list.
    pub fn strings(&mut self, key: &str) -> Vec<String> {
        let Some(f) = self.find(key) else {
            return Vec::new();
        };
        match &f.node.kind {
            Kind::Seq(items) => items
                .iter()
                .filter_map(|n| match n.scalar_text() {
                    Some(s) => Some(s),
                    None => {
                        self.error(
                            "type",
                            (f.file, n),
                            format!("each item of `{key}` must be text"),
                            "write one value per `- ` line",
                        );
                        None
                    }
                })
                .collect(),
            _ => match f.node.scalar_text() {
                Some(s) => vec![s],
                None => {
                    self.wrong_type(key, &f, "a list", "[a, b]");
                    Vec::new()
                }
            },
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
