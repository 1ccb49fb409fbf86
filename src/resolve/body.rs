//! A record's body: its Markdown text in the reader's language (the language file's,
//! the shared file's, a `body:` field, or the default language's as a fallback),
//! rendered with `@` links and media links checked.

use super::Shared;
use super::fields::{Layer, Reader};
use crate::diagnostics::Diagnostic;
use crate::load::{RawFile, SourceFile};
use crate::markdown;
use crate::model::{ExternalLink, RecordId, TocEntry, paths};
use std::borrow::Cow;

/// The body for the reader's language, rendered to HTML with its table of contents.
pub fn read_body<'a>(
    r: &mut Reader,
    lang_file: Option<&'a RawFile>,
    shared_file: Option<&'a RawFile>,
    fallback_file: Option<&'a RawFile>,
    shared: &Shared,
) -> Option<(String, Vec<TocEntry>)> {
    let has_text = |f: &&RawFile| f.body.as_ref().is_some_and(|b| b.has_text);
    let read = |r: &mut Reader, f: &'a RawFile| -> Option<Cow<'a, str>> {
        match f.body.as_ref()?.text(&f.file.rel) {
            Ok(t) => Some(t),
            Err(d) => {
                r.diags.push(d);
                None
            }
        }
    };
    // A Markdown body, or the `body` field, in lookup order. `quoted` is the text the
    // lines of messages are quoted from, and the line it begins on.
    let (text, file, first_line, fell_back, from_file): (Cow<str>, &SourceFile, usize, bool, bool) =
        if let Some(f) = lang_file.filter(has_text).or(shared_file.filter(has_text)) {
            let b = f.body.as_ref()?;
            (read(r, f)?, &f.file, b.first_line, false, true)
        } else if let Some(found) = r
            .find("body")
            .filter(|f| f.layer != Layer::Default || fallback_file.is_none_or(|d| !has_text(&d)))
        {
            let text = r.text_of("body", "body", found)?;
            (text.into(), found.file, found.node.line, false, false)
        } else if let Some(f) = fallback_file.filter(has_text) {
            let b = f.body.as_ref()?;
            (read(r, f)?, &f.file, b.first_line, true, true)
        } else {
            return None;
        };
    // Lines of a Markdown body are quoted from the body; of a `body:` field, from the
    // YAML file (approximately: the field's text starts on its line).
    let quote = |d: Diagnostic, line: usize, col: usize| {
        if from_file {
            d.at_in(&text, first_line, line, col)
        } else {
            d.at(&file.text, line, col)
        }
    };
    if fell_back {
        r.fallback.insert("body".into(), r.default.to_string());
        let d = Diagnostic::warning(
            "translation",
            file.rel.clone(),
            format!(
                "the `{}` translation of the body is missing; the `{}` text is shown",
                r.lang, r.default
            ),
        )
        .with_help(format!(
            "write the `{}` body below the front matter of the `{}` file",
            r.lang, r.lang
        ));
        r.diags.push(quote(d, first_line.max(1), 1));
    }
    r.texts.insert("body".into());
    let lang = r.lang;
    let ids = shared.ids;
    let base = &shared.config.base_path;
    let media = shared.media;
    let linked = std::cell::RefCell::new(Vec::new());
    let resolve = |target: markdown::Target| -> Result<String, (String, String)> {
        let target = match target {
            markdown::Target::Record(t) => t,
            markdown::Target::Media(link) => {
                // `media/report.pdf#page=2`: the file is checked, the rest is kept.
                let cut = link.find(['#', '?']).unwrap_or(link.len());
                let (path, rest) = link.split_at(cut);
                return super::references::media_file(media, path)
                    .map(|(p, _)| format!("{base}{}{rest}", paths::media(&p)))
                    .map_err(|p| (p.message, p.help));
            }
        };
        let Some(id) = RecordId::parse(target) else {
            return Err((
                format!("`@{target}` is not a record id"),
                "write `@<collection>/<slug>`, e.g. `@partners/tehnopol`".into(),
            ));
        };
        match super::references::record(ids, &id, &format!("@{target}")) {
            Ok(identity) => {
                linked.borrow_mut().push(id.clone());
                let path = identity
                    .paths
                    .get(lang)
                    .or_else(|| identity.paths.get(shared.default))
                    .cloned()
                    .flatten()
                    .unwrap_or_else(|| paths::record_place(id.collection, &id.stem, lang));
                Ok(format!("{base}{path}"))
            }
            Err(p) if p.code == "unknown-reference" => {
                Err((format!("broken link: {}", p.message), p.help))
            }
            Err(p) => Err((p.message, p.help)),
        }
    };
    let default_labels = markdown::Labels::default();
    let pictures = shared.pictures;
    let write_picture = |path: &str, alt: &str| -> Option<String> {
        let picture = pictures.get(path)?;
        let show = crate::pictures::Show {
            src: path,
            alt,
            class: None,
            width: None,
            height: None,
            sizes: Some(crate::pictures::BODY_SIZES),
            lazy: true,
        };
        Some(crate::pictures::markup(Some(picture), &show, base))
    };
    let opts = markdown::Options {
        pictures: Some(&write_picture),
        unsafe_html: shared.config.unsafe_html,
        reserved: &shared.theme.reserved,
        labels: shared.labels.get(lang).unwrap_or(&default_labels),
    };
    // Lines are looked at only in a body that has a placeholder's first words at all.
    if text.contains(crate::model::schema::PLACEHOLDER_START)
        && let Some(i) = text.lines().position(crate::model::schema::is_placeholder)
    {
        let d = Diagnostic::warning(
            "placeholder",
            file.rel.clone(),
            "`body` still has the text `klaster new` wrote; it would be published as it is",
        )
        .with_help("write the real `body`, or remove it");
        r.diags.push(quote(d, first_line + i, 1));
    }
    let rendered = markdown::render(&text, &opts, &resolve);
    r.linked.append(&mut linked.into_inner());
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
        let d = Diagnostic::error("broken-link", file.rel.clone(), p.message).with_help(p.help);
        r.diags.push(quote(d, first_line + line - 1, col));
    }
    Some((rendered.html, rendered.toc))
}
