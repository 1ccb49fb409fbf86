//! One record's YAML (and Markdown body) through `klaster::resolve::resolve`.
//!
//! The input is three choice bytes and a text: the collection, how the record's
//! files are laid out (one `.yaml`, one `.md`, a language file, or a shared `.yaml`
//! with two language files, the texts separated by NUL), and the record's name. The
//! record is put beside the valid base site of `tests/corpus/_base` (its site.yaml
//! and one record of most collections, so references can resolve), read the way the
//! loader reads files, and resolved.
//!
//! Checks: no panic; a usable site.yaml always gives a site; every diagnostic names a
//! file, and one with a line names a file of the site, a line inside it, quotes that
//! line and has a column inside it (or just past its end).

#![no_main]

use klaster::diagnostics::Diagnostic;
use klaster::load::{self, Body, LoadedContent, RawFile, RawRecord, SourceFile, YamlFile};
use klaster::model::Collection;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::Arc;

const SITE: &str = include_str!("../../tests/corpus/_base/content/site.yaml");
/// The base site's records: (collection, stem, language, file name, text).
const BASE: &[(Collection, &str, Option<&str>, &str, &str)] = &[
    (
        Collection::Partners,
        "tehnopol",
        None,
        "partners/tehnopol.yaml",
        include_str!("../../tests/corpus/_base/content/partners/tehnopol.yaml"),
    ),
    (
        Collection::People,
        "anna-test",
        None,
        "people/anna-test.yaml",
        include_str!("../../tests/corpus/_base/content/people/anna-test.yaml"),
    ),
    (
        Collection::Projects,
        "development",
        None,
        "projects/development.yaml",
        include_str!("../../tests/corpus/_base/content/projects/development.yaml"),
    ),
    (
        Collection::News,
        "hello",
        None,
        "news/hello.yaml",
        include_str!("../../tests/corpus/_base/content/news/hello.yaml"),
    ),
    (
        Collection::Pages,
        "about",
        None,
        "pages/about.yaml",
        include_str!("../../tests/corpus/_base/content/pages/about.yaml"),
    ),
    (
        Collection::Pages,
        "about",
        Some("en"),
        "pages/about.en.md",
        include_str!("../../tests/corpus/_base/content/pages/about.en.md"),
    ),
    (
        Collection::Pages,
        "about",
        Some("et"),
        "pages/about.et.md",
        include_str!("../../tests/corpus/_base/content/pages/about.et.md"),
    ),
];

/// Names the fuzzed record may have: plain ones, the special page `home`, names the
/// site or the theme uses themselves, and names that are not slugs. None is a base
/// record's.
const STEMS: &[&str] = &[
    "x", "home", "search", "main", "404", "en", "Bad Name", "a--b",
];

/// A record file read as the loader reads one (byte-order mark dropped, control
/// characters replaced, front matter split, YAML parsed), or the loader's diagnostic.
fn read_file(
    rel: String,
    mut text: String,
    lang: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<RawFile> {
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_string();
    }
    load::files::normalize_line_ends(&mut text);
    if let Some((line, column, _)) = load::files::replace_controls(&mut text) {
        diags.push(
            Diagnostic::warning("control-character", rel.clone(), "a control character")
                .at(&text, line, column),
        );
    }
    let file = Arc::new(SourceFile { rel, text });
    let (fields, body) = if file.rel.ends_with(".md") {
        let Some(split) = load::frontmatter::split(&file.text) else {
            diags.push(
                Diagnostic::error("front-matter", file.rel.clone(), "no front matter")
                    .at(&file.text, 1, 1),
            );
            return None;
        };
        let fields = match load::parse_yaml(&file, split.yaml, split.yaml_first_line - 1) {
            Ok(n) => n,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        let body = Body {
            text: split.body.to_string(),
            first_line: split.body_first_line,
        };
        (fields, Some(body))
    } else {
        match load::parse_yaml(&file, &file.text, 0) {
            Ok(n) => (n, None),
            Err(d) => {
                diags.push(d);
                return None;
            }
        }
    };
    Some(RawFile {
        file,
        lang: lang.map(str::to_string),
        fields: Some(fields),
        body,
    })
}

/// Checks one diagnostic against the files it can be about.
fn check(d: &Diagnostic, files: &BTreeMap<String, String>) {
    assert!(!d.path.is_empty(), "a diagnostic without a file: {d:?}");
    assert!(
        !d.message.is_empty(),
        "a diagnostic without a message: {d:?}"
    );
    if d.line == 0 {
        assert!(
            d.source_line.is_none(),
            "a quoted line without a line number: {d:?}"
        );
        return;
    }
    let Some(text) = files.get(&d.path) else {
        panic!("a diagnostic with a line in a file that is not part of the site: {d:?}");
    };
    // As an editor counts them: the text after the last line end is a line too (an
    // empty file has one empty line).
    let count = text.matches('\n').count() + 1;
    assert!(
        d.line <= count,
        "line {} of a file of {count} lines: {d:?}\n{text:?}",
        d.line
    );
    let line = text.lines().nth(d.line - 1).unwrap_or("");
    assert_eq!(
        d.source_line.as_deref().unwrap_or(""),
        line.trim_end(),
        "the quoted line: {d:?}"
    );
    let width = line.chars().count();
    assert!(
        d.column <= width + 1,
        "column {} of a line {width} characters long: {d:?}\n{text:?}",
        d.column
    );
}

fuzz_target!(|data: &[u8]| {
    let [collection, layout, stem, rest @ ..] = data else {
        return;
    };
    let collection = Collection::ALL[*collection as usize % Collection::ALL.len()];
    let stem = STEMS[*stem as usize % STEMS.len()];
    let text = String::from_utf8_lossy(rest).into_owned();
    let dir = format!("content/{}", collection.name());
    let files: Vec<(String, Option<&str>, String)> = match layout % 5 {
        0 => vec![(format!("{dir}/{stem}.yaml"), None, text)],
        1 => vec![(format!("{dir}/{stem}.md"), None, text)],
        2 => vec![(format!("{dir}/{stem}.en.md"), Some("en"), text)],
        3 => vec![(format!("{dir}/{stem}.et.md"), Some("et"), text)],
        _ => {
            let mut parts = text.splitn(3, '\0');
            let shared = parts.next().unwrap_or_default().to_string();
            let et = parts.next().unwrap_or_default().to_string();
            let en = parts.next().unwrap_or_default().to_string();
            vec![
                (format!("{dir}/{stem}.yaml"), None, shared),
                (format!("{dir}/{stem}.et.md"), Some("et"), et),
                (format!("{dir}/{stem}.en.md"), Some("en"), en),
            ]
        }
    };

    let mut diags = Vec::new();
    let site_file = Arc::new(SourceFile {
        rel: "content/site.yaml".into(),
        text: SITE.into(),
    });
    let node = load::parse_yaml(&site_file, SITE, 0).expect("the base site.yaml parses");
    let mut content = LoadedContent {
        site: Some(YamlFile {
            file: site_file,
            node,
        }),
        theme: Some(klaster_fuzz::default_theme()),
        ..LoadedContent::default()
    };
    content.media.insert(
        "logo.svg".into(),
        ("/nonexistent-site/content/media/logo.svg".into(), 100),
    );
    let mut base: BTreeMap<(Collection, &str), Vec<RawFile>> = BTreeMap::new();
    for (c, s, lang, name, text) in BASE {
        let raw = read_file(
            format!("content/{name}"),
            text.to_string(),
            *lang,
            &mut diags,
        )
        .expect("a base record reads");
        base.entry((*c, *s)).or_default().push(raw);
    }
    for ((c, s), files) in base {
        content.records.push(RawRecord {
            collection: c,
            stem: s.into(),
            files,
        });
    }
    assert!(diags.is_empty(), "the base site has problems: {diags:?}");

    let mut raw_files = Vec::new();
    for (rel, lang, text) in &files {
        raw_files.extend(read_file(rel.clone(), text.clone(), *lang, &mut diags));
    }
    if !raw_files.is_empty() {
        content.records.push(RawRecord {
            collection,
            stem: stem.into(),
            files: raw_files,
        });
        content
            .records
            .sort_by(|a, b| (a.collection, &a.stem).cmp(&(b.collection, &b.stem)));
    }

    // The texts diagnostics may quote, as the loader keeps them.
    let mut texts = BTreeMap::new();
    if let Some(site) = &content.site {
        texts.insert(site.file.rel.clone(), site.file.text.clone());
    }
    for r in &content.records {
        for f in &r.files {
            texts.insert(f.file.rel.clone(), f.file.text.clone());
        }
    }
    // A file the loader rejected is still quoted from its text after cleaning.
    for (rel, _, text) in &files {
        texts.entry(rel.clone()).or_insert_with(|| {
            let mut t = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
            load::files::normalize_line_ends(&mut t);
            load::files::replace_controls(&mut t);
            t
        });
    }

    let opts = klaster::resolve::Options {
        base_url: None,
        drafts: layout & 0x80 != 0,
        date: jiff::civil::date(2026, 1, 15),
    };
    let (site, mut more) = klaster::resolve::resolve(content, &opts);
    assert!(site.is_some(), "a valid site.yaml gives a site");
    diags.append(&mut more);
    for d in &diags {
        check(d, &texts);
    }
});
