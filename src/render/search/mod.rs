//! The offline full-text search: one index per language under `search/<lang>/`, made
//! from the model's text (titles, summaries, objectives and results, bodies, and the
//! people page's names and roles) while the pages render. The theme's `search.js`
//! queries it in the browser; docs/search.md describes the design and the format.

mod index;
pub mod words;

use crate::model::paths;
use crate::model::{Collection, RecordData, Site};
use crate::output::Sink;
use crate::progress::Progress;
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a searchable page is made of.
enum Source<'a> {
    /// A record's page in a language.
    Record(usize),
    /// The people page of a language: every person's name, title and role.
    People(&'a str),
}

/// The searchable pages of a language, in the order of their addresses (the index's
/// page numbers).
fn sources<'a>(site: &'a Site, lang: &'a str) -> Vec<(String, Source<'a>)> {
    let urls = site.urls();
    let mut out: Vec<(String, Source)> = site
        .records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let path = r.locale(lang)?.path.as_ref()?;
            Some((urls.url(path), Source::Record(i)))
        })
        .collect();
    if site
        .collection(Collection::People)
        .any(|r| r.locale(lang).is_some())
        && let Some(path) = paths::section(lang, Collection::People)
    {
        out.push((urls.url(&path), Source::People(lang)));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn ends_a_sentence(part: &str) -> bool {
    part.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// The text of one searchable page.
fn doc(site: &Site, lang: &str, url: String, source: &Source, people_title: &str) -> index::Doc {
    let mut text = String::new();
    // Parts are joined as sentences: a full stop after a part unless it ends in one
    // (or in other closing punctuation), so excerpts never show "..".
    let mut push = |part: &str| {
        let part = part.trim_end();
        if part.is_empty() {
            return;
        }
        text.push_str(part);
        text.push_str(if ends_a_sentence(part) { " " } else { ". " });
    };
    match source {
        Source::Record(i) => {
            let loc = site.records[*i].locale(lang);
            if let Some(loc) = loc {
                if let Some(s) = &loc.summary {
                    push(s);
                }
                if let RecordData::Project(p) = &loc.data {
                    p.objectives.iter().chain(&p.results).for_each(|o| push(o));
                }
                words::push_plain_text(&mut text, &loc.body.text());
            }
            index::Doc {
                url,
                title: loc.map(|l| l.label.clone()).unwrap_or_default(),
                text,
            }
        }
        Source::People(lang) => {
            for r in site.collection(Collection::People) {
                if let Some(loc) = r.locale(lang)
                    && let RecordData::Person(p) = &loc.data
                {
                    for part in [Some(&p.name), p.job_title.as_ref(), p.role.as_ref()]
                        .into_iter()
                        .flatten()
                    {
                        push(part);
                    }
                }
            }
            index::Doc {
                url,
                title: people_title.to_string(),
                text,
            }
        }
    }
}

/// The searchable pages of every language, in the order of the site's languages.
pub struct Plan<'a> {
    langs: Vec<(&'a str, Vec<(String, Source<'a>)>)>,
}

impl<'a> Plan<'a> {
    pub fn new(site: &'a Site) -> Plan<'a> {
        let langs = site
            .config
            .languages
            .par_iter()
            .map(|l| (l.code.as_str(), sources(site, &l.code)))
            .collect();
        Plan { langs }
    }

    /// How many pages the indexes will have: the steps indexing adds to the progress.
    pub fn entries(&self) -> usize {
        self.langs.iter().map(|(_, s)| s.len()).sum()
    }
}

/// How many parts of a language's index are made side by side before they are merged.
const MERGE_GROUP: usize = 8;

/// Writes one language's index into `sink`; returns how many files it wrote. Each page
/// indexed is a step of `progress`.
fn language(
    site: &Site,
    lang: &str,
    sources: &[(String, Source<'_>)],
    sink: &dyn Sink,
    progress: Option<&dyn Progress>,
) -> std::io::Result<usize> {
    let dir = paths::search_index(lang)
        .trim_start_matches('/')
        .to_string();
    let people_title = site
        .theme
        .strings
        .get(lang, "people")
        .unwrap_or("People")
        .to_string();
    let written = AtomicUsize::new(0);
    let mut index = index::Index::default();
    // Parts are made in parallel a group at a time and merged in page order after each
    // group, so that the parts of a large site (whose word tables repeat each other)
    // are never all in memory at once.
    let group = index::PART * MERGE_GROUP;
    for (g, pages) in sources.chunks(group).enumerate() {
        let parts: Vec<index::Part> = pages
            .par_chunks(index::PART)
            .enumerate()
            .map(|(n, chunk)| -> std::io::Result<index::Part> {
                let docs: Vec<index::Doc> = chunk
                    .iter()
                    .map(|(url, source)| doc(site, lang, url.clone(), source, &people_title))
                    .collect();
                let mut failed = Ok(());
                let first = g * group + n * index::PART;
                let part = index::part(first, &docs, lang, &dir, &mut |f| {
                    put_counted(sink, &written, &mut failed, f)
                });
                if let Some(p) = progress {
                    p.steps(chunk.len());
                }
                failed.map(|()| part)
            })
            .collect::<std::io::Result<_>>()?;
        for part in parts {
            index.merge(part);
        }
    }
    let mut failed = Ok(());
    index.finish(lang, &dir, &mut |f| {
        put_counted(sink, &written, &mut failed, f)
    });
    failed.map(|()| written.into_inner())
}

/// Hands `file` to `sink` and counts it, unless a file before it failed: the index
/// hands its files to a plain callback as it makes them, and the first error is
/// returned once it is done.
fn put_counted(
    sink: &dyn Sink,
    written: &AtomicUsize,
    failed: &mut std::io::Result<()>,
    file: crate::output::OutputFile,
) {
    if failed.is_ok() {
        written.fetch_add(1, Ordering::Relaxed);
        *failed = sink.put(file);
    }
}

/// Writes the indexes of every language; returns how many files they have.
pub fn all(
    site: &Site,
    plan: &Plan<'_>,
    sink: &dyn Sink,
    progress: Option<&dyn Progress>,
) -> std::io::Result<usize> {
    plan.langs
        .par_iter()
        .map(|(lang, sources)| language(site, lang, sources, sink, progress))
        .sum()
}
