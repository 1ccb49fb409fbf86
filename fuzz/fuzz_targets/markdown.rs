//! A Markdown body through `klaster::markdown::render`, as a site renders it by
//! default (`unsafe_html: false`), with the default theme's reserved names and a link
//! resolver that knows a few records and media files.
//!
//! Checks the HTML as a browser parses it: no script, frame, plugin or form element,
//! no event handler or `style` attribute, no `javascript:`, `vbscript:` or `data:`
//! URL, no `h1`, no id twice and none of the theme's; klaster's random sanitiser mark
//! never shows; every heading of the table of contents is in the HTML; every link
//! problem is at a place in the text.

#![no_main]

use klaster::markdown::{self, Labels, Options, Target};
use klaster_fuzz::{Markup, leaks_mark, problems, reserved};
use libfuzzer_sys::fuzz_target;

/// Records the resolver knows; `@` links to others are broken.
const RECORDS: &[&str] = &[
    "partners/tehnopol",
    "partners/x",
    "people/anna-test",
    "pages/about",
    "news/hello",
];
const MEDIA: &[&str] = &["logo.svg", "report.pdf", "a b.png"];

fn resolve(target: Target) -> Result<String, (String, String)> {
    match target {
        Target::Record(id) if RECORDS.contains(&id) => Ok(format!("/en/{id}/")),
        Target::Record(id) => Err((format!("no record `{id}`"), "check the id".into())),
        Target::Media(link) => {
            let cut = link.find(['#', '?']).unwrap_or(link.len());
            let (path, rest) = link.split_at(cut);
            if MEDIA.contains(&path) {
                Ok(format!("/media/{path}{rest}"))
            } else {
                Err((format!("no media file `{path}`"), "add it".into()))
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let labels = Labels::default();
    let opts = Options {
        unsafe_html: false,
        reserved: reserved(),
        labels: &labels,
        pictures: None,
    };
    let out = markdown::render(src, &opts, &resolve);

    let found = problems(&out.html, Markup::Body(reserved()));
    assert!(
        found.is_empty(),
        "unsafe markup: {found:?}\ninput: {src:?}\nhtml: {}",
        out.html
    );
    if let Some(at) = leaks_mark(src, &out.html) {
        panic!("the sanitiser's mark shows: {at}\ninput: {src:?}");
    }
    for p in &out.problems {
        assert!(p.offset <= src.len(), "a link problem past the end: {p:?}");
        assert!(!p.message.is_empty());
    }
    for l in &out.links {
        assert!(l.offset <= src.len(), "an outside link past the end: {l:?}");
    }
    // Without raw HTML nothing is cleaned away, so each heading of the table of
    // contents is in the body with its id.
    let raw_html = src.contains('<');
    for t in &out.toc {
        assert!(
            (1..=6).contains(&t.level) && t.level != 1,
            "toc level {t:?}"
        );
        if !raw_html {
            assert!(
                out.html.contains(&format!(" id=\"{}\"", t.id)),
                "the toc's `{}` is not in the html: {}",
                t.id,
                out.html
            );
        }
    }
});
