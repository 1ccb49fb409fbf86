//! One record's YAML (and Markdown body) through `klaster::resolve::resolve`.
//!
//! The input is three choice bytes and a text: the collection, how the record's
//! files are laid out (one `.yaml`, one `.md`, a language file, or a shared `.yaml`
//! with two language files, the texts separated by NUL), and the record's name. The
//! record is put beside the valid base site of `tests/corpus/_base` (its site.yaml
//! and one record of most collections, so references can resolve), cleaned as the
//! loader cleans a file it reads (byte-order mark, lone `\r`, control characters),
//! loaded from memory (`klaster::load::load_memory`) and resolved.
//!
//! Checks: no panic; a usable site.yaml always gives a site; every diagnostic names a
//! file, and one with a line names a file of the site, a line inside it, quotes that
//! line and has a column inside it (or just past its end).

#![no_main]

use klaster::diagnostics::Diagnostic;
use klaster::load::{self, SourceFile, YamlFile};
use klaster::model::Collection;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

const SITE: &str = include_str!("../../tests/corpus/_base/content/site.yaml");
/// The base site's records.
const BASE: &[(&str, &str)] = &[
    (
        "content/partners/tehnopol.yaml",
        include_str!("../../tests/corpus/_base/content/partners/tehnopol.yaml"),
    ),
    (
        "content/people/anna-test.yaml",
        include_str!("../../tests/corpus/_base/content/people/anna-test.yaml"),
    ),
    (
        "content/projects/development.yaml",
        include_str!("../../tests/corpus/_base/content/projects/development.yaml"),
    ),
    (
        "content/news/hello.yaml",
        include_str!("../../tests/corpus/_base/content/news/hello.yaml"),
    ),
    (
        "content/pages/about.yaml",
        include_str!("../../tests/corpus/_base/content/pages/about.yaml"),
    ),
    (
        "content/pages/about.en.md",
        include_str!("../../tests/corpus/_base/content/pages/about.en.md"),
    ),
    (
        "content/pages/about.et.md",
        include_str!("../../tests/corpus/_base/content/pages/about.et.md"),
    ),
];

/// Names the fuzzed record may have: plain ones, the special page `home`, names the
/// site or the theme uses themselves, and names that are not slugs. None is a base
/// record's.
const STEMS: &[&str] = &[
    "x", "home", "search", "main", "404", "en", "Bad Name", "a--b",
];

/// A text as the loader keeps a file it reads: byte-order mark dropped, a lone `\r`
/// made `\n`, control characters replaced (with the loader's warning).
fn clean(rel: &str, text: &str, diags: &mut Vec<Diagnostic>) -> String {
    let mut text = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
    load::files::normalize_line_ends(&mut text);
    if let Some((line, column, _)) = load::files::replace_controls(&mut text) {
        diags.push(
            Diagnostic::warning("control-character", rel, "a control character")
                .at(&text, line, column),
        );
    }
    text
}

/// The base site.yaml, parsed once.
fn site() -> YamlFile {
    static SITE_FILE: OnceLock<YamlFile> = OnceLock::new();
    let y = SITE_FILE.get_or_init(|| {
        let file = Arc::new(SourceFile {
            rel: "content/site.yaml".into(),
            text: SITE.into(),
        });
        let node = load::parse_yaml(&file, SITE, 0).expect("the base site.yaml parses");
        YamlFile { file, node }
    });
    YamlFile {
        file: y.file.clone(),
        node: y.node.clone(),
    }
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
    let files: Vec<(String, String)> = match layout % 5 {
        0 => vec![(format!("{dir}/{stem}.yaml"), text)],
        1 => vec![(format!("{dir}/{stem}.md"), text)],
        2 => vec![(format!("{dir}/{stem}.en.md"), text)],
        3 => vec![(format!("{dir}/{stem}.et.md"), text)],
        _ => {
            let mut parts = text.splitn(3, '\0');
            let mut next = || parts.next().unwrap_or_default().to_string();
            vec![
                (format!("{dir}/{stem}.yaml"), next()),
                (format!("{dir}/{stem}.et.md"), next()),
                (format!("{dir}/{stem}.en.md"), next()),
            ]
        }
    };

    // The texts diagnostics may quote, as the loader keeps them.
    let mut diags = Vec::new();
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    texts.insert("content/site.yaml".into(), SITE.into());
    for (rel, text) in BASE {
        texts.insert(rel.to_string(), text.to_string());
    }
    for (rel, text) in &files {
        let cleaned = clean(rel, text, &mut diags);
        texts.insert(rel.clone(), cleaned);
    }
    // The site.yaml given to the loader names no theme it can read, so that the theme
    // is not read again for every input; the real site.yaml and a copy of the theme
    // read once are put in its place.
    let mut given: Vec<(&str, &str)> = texts
        .iter()
        .filter(|(p, _)| p.as_str() != "content/site.yaml")
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let logo = "x".repeat(100);
    given.push(("content/media/logo.svg", &logo));
    given.push(("content/site.yaml", "theme: not/read\n"));
    let mut content = load::load_memory(&given);
    assert!(content.theme.is_none());
    content
        .diagnostics
        .retain(|d| !(d.code == "theme" && d.path == "content/site.yaml"));
    content.site = Some(site());
    content.theme = Some(klaster_fuzz::default_theme());
    diags.append(&mut content.diagnostics);

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
