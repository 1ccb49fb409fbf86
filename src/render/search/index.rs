//! The search index of one language, as files the search script fetches piece by
//! piece (the format is in docs/search.md):
//!
//! - `index.json`: the number of pages and where the word and stem chunks begin;
//! - `w/<n>.json`: words (as they appear in the pages) → the stem they are indexed
//!   under, in sorted chunks;
//! - `s/<n>.bin`: stems → the pages that have them with a weight, in sorted chunks;
//! - `p/<n>.json`: each page's address, title and the beginning of its text, for
//!   showing results, [`BUNDLE`] pages to a file.
//!
//! A query fetches `index.json`, one word chunk and one stem chunk per word, and the
//! page files of the results it shows: never the whole index.
//!
//! Pages are tokenised in parts of [`PART`] pages, in parallel; each part writes its
//! page files at once and hands its postings on, so the index never holds the pages'
//! texts. Page numbers follow the pages' addresses, so the files do not depend on
//! which thread did what.

use super::words;
use crate::output::OutputFile;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Pages per page file.
pub const BUNDLE: usize = 8;
/// Pages tokenised together (a multiple of [`BUNDLE`]).
pub const PART: usize = 256;
/// How much of a page's text is kept for excerpts, in characters.
const EXCERPT_CHARS: usize = 1600;
/// The size word and stem chunks are cut at.
const WORDS_CHUNK_BYTES: usize = 12 * 1024;
const STEMS_CHUNK_BYTES: usize = 24 * 1024;
/// A title word counts as much as this many words of text.
const TITLE_WEIGHT: u32 = 3;
/// BM25's parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// One page to index.
pub struct Doc {
    pub url: String,
    pub title: String,
    /// The page's text, without the title.
    pub text: String,
}

/// What one part of the pages contributes to the index.
pub struct Part {
    first: u32,
    /// Word → index into `stems`.
    words: HashMap<String, u32>,
    stems: Vec<String>,
    /// Per stem: (page number, weighted count) in page order.
    postings: Vec<Vec<(u32, u32)>>,
    /// Weighted number of words of each page.
    lengths: Vec<u32>,
    /// The page files of this part.
    pub files: Vec<OutputFile>,
}

/// Tokenises `docs`, the pages numbered from `first`, and writes their page files
/// under `dir` (`search/en/`).
pub fn part(first: usize, docs: &[Doc], lang: &str, dir: &str) -> Part {
    let stemmer = words::stemmer(lang);
    let mut p = Part {
        first: first as u32,
        words: HashMap::new(),
        stems: Vec::new(),
        postings: Vec::new(),
        lengths: Vec::with_capacity(docs.len()),
        files: Vec::new(),
    };
    let mut stem_ix: HashMap<String, u32> = HashMap::new();
    let mut counts: HashMap<u32, u32> = HashMap::new();
    for (i, doc) in docs.iter().enumerate() {
        counts.clear();
        let mut length = 0u32;
        let mut add = |word: &str, weight: u32, p: &mut Part| {
            let id = match p.words.get(word) {
                Some(id) => *id,
                None => {
                    let stem = words::stem(stemmer.as_ref(), word);
                    let id = *stem_ix.entry(stem.clone()).or_insert_with(|| {
                        p.stems.push(stem);
                        p.postings.push(Vec::new());
                        (p.stems.len() - 1) as u32
                    });
                    p.words.insert(word.to_string(), id);
                    id
                }
            };
            *counts.entry(id).or_insert(0) += weight;
            length += weight;
        };
        words::each_word(&doc.title, |w| add(w, TITLE_WEIGHT, &mut p));
        words::each_word(&doc.text, |w| add(w, 1, &mut p));
        let page = (first + i) as u32;
        for (id, n) in &counts {
            p.postings[*id as usize].push((page, *n));
        }
        p.lengths.push(length);
    }
    // Postings were added page by page, but a page's stems in hash order.
    for list in &mut p.postings {
        list.sort_unstable();
    }
    for (b, bundle) in docs.chunks(BUNDLE).enumerate() {
        let items: Vec<serde_json::Value> = bundle
            .iter()
            .map(|d| {
                let text: String = d.text.split_whitespace().collect::<Vec<_>>().join(" ");
                let cut = text
                    .char_indices()
                    .nth(EXCERPT_CHARS)
                    .map_or(text.len(), |(i, _)| i);
                serde_json::json!({"u": d.url, "t": d.title, "x": &text[..cut]})
            })
            .collect();
        let n = first / BUNDLE + b;
        p.files.push(OutputFile::text(
            format!("{dir}p/{n}.json"),
            serde_json::Value::Array(items).to_string(),
        ));
    }
    p
}

/// The postings of every part, merged.
#[derive(Default)]
pub struct Index {
    words: HashMap<String, u32>,
    stems: Vec<String>,
    stem_ix: HashMap<String, u32>,
    postings: Vec<Vec<(u32, u32)>>,
    lengths: Vec<u32>,
}

impl Index {
    /// Adds a part; parts must come in page order.
    pub fn merge(&mut self, part: Part) {
        debug_assert_eq!(part.first as usize, self.lengths.len());
        let mut map = Vec::with_capacity(part.stems.len());
        for (stem, postings) in part.stems.into_iter().zip(part.postings) {
            let id = match self.stem_ix.get(&stem) {
                Some(id) => *id,
                None => {
                    let id = self.stems.len() as u32;
                    self.stem_ix.insert(stem.clone(), id);
                    self.stems.push(stem);
                    self.postings.push(Vec::new());
                    id
                }
            };
            self.postings[id as usize].extend(postings);
            map.push(id);
        }
        for (word, local) in part.words {
            self.words.entry(word).or_insert(map[local as usize]);
        }
        self.lengths.extend(part.lengths);
    }

    /// The word chunks, the stem chunks and `index.json`.
    pub fn finish(self, lang: &str, dir: &str) -> Vec<OutputFile> {
        let pages = self.lengths.len();
        let average = if pages == 0 {
            1.0
        } else {
            self.lengths.iter().map(|l| f64::from(*l)).sum::<f64>() / pages as f64
        }
        .max(1.0);
        let mut files = Vec::new();

        // Words → stems.
        // In the order JavaScript compares strings (UTF-16 code units), which the search
        // script's binary search relies on.
        let mut words: Vec<(&String, &u32)> = self.words.iter().collect();
        words.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        let mut word_starts = Vec::new();
        let mut chunk = serde_json::Map::new();
        let mut size = 0;
        for (word, stem) in words {
            if chunk.is_empty() {
                word_starts.push(word.clone());
            }
            let stem = &self.stems[*stem as usize];
            size += word.len() + stem.len() + 6;
            chunk.insert(word.clone(), serde_json::Value::String(stem.clone()));
            if size >= WORDS_CHUNK_BYTES {
                let n = word_starts.len() - 1;
                files.push(OutputFile::text(
                    format!("{dir}w/{n}.json"),
                    serde_json::Value::Object(std::mem::take(&mut chunk)).to_string(),
                ));
                size = 0;
            }
        }
        if !chunk.is_empty() {
            let n = word_starts.len() - 1;
            files.push(OutputFile::text(
                format!("{dir}w/{n}.json"),
                serde_json::Value::Object(chunk).to_string(),
            ));
        }

        // Stems → weighted pages.
        let mut order: Vec<usize> = (0..self.stems.len()).collect();
        order.sort_by(|a, b| {
            self.stems[*a]
                .encode_utf16()
                .cmp(self.stems[*b].encode_utf16())
        });
        let mut stem_starts = Vec::new();
        let mut bytes = Vec::new();
        for i in order {
            if bytes.is_empty() {
                stem_starts.push(self.stems[i].clone());
            }
            let stem = self.stems[i].as_bytes();
            varint(&mut bytes, stem.len() as u64);
            bytes.extend_from_slice(stem);
            let list = &self.postings[i];
            varint(&mut bytes, list.len() as u64);
            let mut previous = 0u32;
            for (page, count) in list {
                varint(&mut bytes, u64::from(page - previous));
                previous = *page;
                bytes.push(weight(*count, self.lengths[*page as usize], average));
            }
            if bytes.len() >= STEMS_CHUNK_BYTES {
                let n = stem_starts.len() - 1;
                files.push(OutputFile {
                    path: format!("{dir}s/{n}.bin"),
                    content: crate::output::Content::Bytes(std::mem::take(&mut bytes)),
                });
            }
        }
        if !bytes.is_empty() {
            let n = stem_starts.len() - 1;
            files.push(OutputFile {
                path: format!("{dir}s/{n}.bin"),
                content: crate::output::Content::Bytes(bytes),
            });
        }

        let mut meta = String::new();
        let _ = write!(
            meta,
            "{}",
            serde_json::json!({
                "version": 1,
                "lang": lang,
                "pages": pages,
                "bundle": BUNDLE,
                "words": word_starts,
                "stems": stem_starts,
            })
        );
        files.push(OutputFile::text(format!("{dir}index.json"), meta));
        files
    }
}

/// BM25's term-frequency part for a page, scaled to 1..=255: how much a stem that
/// occurs `count` times counts on a page of `length` words.
fn weight(count: u32, length: u32, average: f64) -> u8 {
    let tf = f64::from(count);
    let norm = K1 * (1.0 - B + B * f64::from(length) / average);
    let w = tf * (K1 + 1.0) / (tf + norm);
    // w is below K1 + 1 = 2.2.
    (w / (K1 + 1.0) * 255.0).round().clamp(1.0, 255.0) as u8
}

/// LEB128: seven bits a byte, the high bit set on all but the last.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(url: &str, title: &str, text: &str) -> Doc {
        Doc {
            url: url.into(),
            title: title.into(),
            text: text.into(),
        }
    }

    #[test]
    fn parts_merge_into_one_deterministic_index() {
        let docs = [
            doc("/en/a/", "Methodology", "A methodological approach."),
            doc("/en/b/", "Other", "Nothing of the kind here, but methods."),
        ];
        let build = |split: usize| {
            let mut index = Index::default();
            for (i, chunk) in docs.chunks(split).enumerate() {
                index.merge(part(i * split, chunk, "en", "search/en/"));
            }
            index.finish("en", "search/en/")
        };
        let whole = build(2);
        let split = build(1);
        let names = |files: &[OutputFile]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(names(&whole), names(&split));
        for (a, b) in whole.iter().zip(&split) {
            assert_eq!(a.content.bytes(), b.content.bytes(), "{}", a.path);
        }
        let words = whole
            .iter()
            .find(|f| f.path == "search/en/w/0.json")
            .unwrap();
        let words: serde_json::Value =
            serde_json::from_slice(words.content.bytes().unwrap()).unwrap();
        assert_eq!(words["methodological"], words["methodology"]);
    }

    #[test]
    fn varints_and_weights() {
        let mut v = Vec::new();
        varint(&mut v, 300);
        assert_eq!(v, [0xac, 0x02]);
        assert!(weight(5, 100, 100.0) > weight(1, 100, 100.0));
        assert!(weight(1, 10, 100.0) > weight(1, 1000, 100.0));
        assert!(weight(1, 1000, 1.0) >= 1);
    }
}
