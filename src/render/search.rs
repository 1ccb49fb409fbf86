//! The offline full-text search index (Pagefind). Records are indexed from the model's
//! text (title, summary, body, people's names and roles) as Pagefind custom records,
//! per language, so no HTML has to be parsed again; Pagefind splits the index by
//! language and stems et, fi, en and the other languages it knows.

use crate::model::paths::{self, Urls};
use crate::model::{Collection, Record, RecordData, Site};
use crate::output::{Content, OutputFile};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::collections::BTreeMap;

/// Text of an HTML fragment we produced ourselves (well-formed, from Markdown).
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// One searchable record: its URL, language, title and text.
struct Entry {
    url: String,
    lang: String,
    title: String,
    text: String,
}

fn entries(site: &Site, urls: &Urls) -> Vec<Entry> {
    let mut out = Vec::new();
    for r in &site.records {
        for (lang, loc) in &r.locales {
            let Some(path) = &loc.path else { continue };
            let mut text = String::new();
            for part in [Some(&loc.label), loc.summary.as_ref()]
                .into_iter()
                .flatten()
            {
                text.push_str(part);
                text.push_str(". ");
            }
            if let RecordData::Project(p) = &loc.data {
                for o in p.objectives.iter().chain(&p.results) {
                    text.push_str(o);
                    text.push_str(". ");
                }
            }
            text.push_str(&plain_text(&loc.body.text()));
            out.push(Entry {
                url: urls.url(path),
                lang: lang.clone(),
                title: loc.label.clone(),
                text,
            });
        }
    }
    // The people page of each language: names, titles and roles.
    for l in &site.config.languages {
        let people: Vec<&Record> = site
            .collection(Collection::People)
            .filter(|r| r.locale(&l.code).is_some())
            .collect();
        if people.is_empty() {
            continue;
        }
        let mut text = String::new();
        for r in people {
            if let Some(loc) = r.locale(&l.code)
                && let RecordData::Person(p) = &loc.data
            {
                for part in [Some(&p.name), p.job_title.as_ref(), p.role.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    text.push_str(part);
                    text.push_str(". ");
                }
            }
        }
        out.push(Entry {
            url: urls.url(&paths::section(&l.code, Collection::People).unwrap_or_default()),
            lang: l.code.clone(),
            title: String::new(),
            text,
        });
    }
    out
}

/// Builds one index per language, in parallel, under `pagefind/<lang>/`: a language's
/// search page loads only its own index. `people_title` names the people page.
pub fn index(
    site: &Site,
    urls: &Urls,
    people_title: &(dyn Fn(&str) -> String + Sync),
    cache: Option<&super::cache::Cache>,
) -> Result<Vec<OutputFile>, String> {
    use rayon::prelude::*;
    let mut by_lang: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for e in entries(site, urls) {
        by_lang.entry(e.lang.clone()).or_default().push(e);
    }
    let results: Vec<Result<Vec<OutputFile>, String>> = by_lang
        .into_par_iter()
        .map(|(lang, entries)| {
            let Some(cache) = cache else {
                return index_language(&lang, entries, people_title);
            };
            let fp = super::cache::fingerprint(|h| {
                for e in &entries {
                    super::cache::add(h, &(&e.url, &e.title, &e.text));
                }
                super::cache::add(h, &people_title(&lang));
            });
            if let Some(files) = cache.search(&lang, fp) {
                return Ok(files);
            }
            let files = index_language(&lang, entries, people_title)?;
            cache.store_search(&lang, fp, &files);
            Ok(files)
        })
        .collect();
    let mut files = Vec::new();
    for r in results {
        files.extend(r?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn index_language(
    lang: &str,
    mut entries: Vec<Entry>,
    people_title: &(dyn Fn(&str) -> String + Sync),
) -> Result<Vec<OutputFile>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .keep_index_url(false)
            .force_language(lang.to_string())
            .build();
        let mut index =
            PagefindIndex::new(Some(config)).map_err(|e| format!("search index: {e}"))?;
        entries.sort_by(|a, b| a.url.cmp(&b.url));
        for e in entries {
            let title = if e.title.is_empty() {
                people_title(&e.lang)
            } else {
                e.title
            };
            let meta = BTreeMap::from([("title".to_string(), title)]);
            index
                .add_custom_record(e.url.clone(), e.text, e.lang, Some(meta), None, None)
                .await
                .map_err(|err| format!("search index: {}: {err}", e.url))?;
        }
        let out = index
            .get_files()
            .await
            .map_err(|e| format!("search index: {e}"))?;
        Ok(out
            .into_iter()
            .map(|f| OutputFile {
                path: format!(
                    "{}{}",
                    paths::search_index(lang).trim_start_matches('/'),
                    f.filename
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/")
                ),
                content: Content::Bytes(f.contents),
            })
            .collect())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            super::plain_text("<p>A &amp; <em>B</em></p>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["A", "&", "B"]
        );
    }
}
