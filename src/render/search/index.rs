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

type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// The pages that have one stem, as LEB128 varints: for each page the distance from
/// the previous page of the list (the first: its page number) and the stem's weighted
/// count there. Two or three bytes a page, where a `(u32, u32)` pair takes eight: the
/// postings are most of an index.
#[derive(Default)]
struct Postings {
    bytes: Vec<u8>,
    /// The last page in the list.
    last: u32,
    len: u32,
}

impl Postings {
    fn push(&mut self, page: u32, count: u32) {
        let delta = if self.len == 0 {
            page
        } else {
            page - self.last
        };
        varint(&mut self.bytes, u64::from(delta));
        varint(&mut self.bytes, u64::from(count));
        self.last = page;
        self.len += 1;
    }

    /// Appends `other`, whose pages all come after this list's.
    fn append(&mut self, other: Postings) {
        if other.len == 0 {
            return;
        }
        let (first, n) = read_varint(&other.bytes);
        let first = first as u32;
        let delta = if self.len == 0 {
            first
        } else {
            first - self.last
        };
        varint(&mut self.bytes, u64::from(delta));
        self.bytes.extend_from_slice(&other.bytes[n..]);
        self.last = other.last;
        self.len += other.len;
    }

    /// `(page, count)` in page order.
    fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut at = 0;
        let mut page = 0u32;
        std::iter::from_fn(move || {
            if at >= self.bytes.len() {
                return None;
            }
            let (delta, n) = read_varint(&self.bytes[at..]);
            at += n;
            let (count, n) = read_varint(&self.bytes[at..]);
            at += n;
            page += delta as u32;
            Some((page, count as u32))
        })
    }
}

/// What one part of the pages contributes to the index.
pub struct Part {
    first: u32,
    /// Word → index into `stems`.
    words: Map<String, u32>,
    stems: Vec<String>,
    postings: Vec<Postings>,
    /// Weighted number of words of each page.
    lengths: Vec<u32>,
    /// A fingerprint of each page file written.
    hashes: Vec<u64>,
}

/// A hash of `bytes` that is the same in every run (for `index.json`'s `v`).
fn hash_bytes(h: u64, bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(h).hash_one(bytes)
}

/// Tokenises `docs`, the pages numbered from `first`, and hands their page files
/// (under `dir`, `search/en/`) to `out` at once.
pub fn part<'d>(
    first: usize,
    docs: &'d [Doc],
    lang: &str,
    dir: &str,
    out: &mut dyn FnMut(OutputFile),
) -> Part {
    let stemmer = words::stemmer(lang);
    let mut p = Part {
        first: first as u32,
        words: Map::default(),
        stems: Vec::new(),
        postings: Vec::new(),
        lengths: Vec::with_capacity(docs.len()),
        hashes: Vec::new(),
    };
    let mut stem_ix: Map<String, u32> = Map::default();
    // Each token as it stands in the part's pages (borrowed from them) → its stem, so
    // that a capitalised or accented word is lower-cased and looked up once a part.
    let mut tokens: Map<&str, u32> = Map::default();
    let mut lowered = String::new();
    // Per stem, its weighted count on the page being read; `seen` lists the stems
    // with a count, in the order first seen.
    let mut counts: Vec<u32> = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let mut length = 0u32;
        let mut add = |token: &'d str, case: words::Case, weight: u32, p: &mut Part| {
            let id = match tokens.get(token) {
                Some(id) => *id,
                None => {
                    words::lower(token, case, &mut lowered);
                    let word = lowered.as_str();
                    let id = match p.words.get(word) {
                        Some(id) => *id,
                        None => {
                            let stem = words::stem(stemmer.as_ref(), word);
                            let id = *stem_ix.entry(stem.clone()).or_insert_with(|| {
                                p.stems.push(stem);
                                p.postings.push(Postings::default());
                                (p.stems.len() - 1) as u32
                            });
                            p.words.insert(word.to_string(), id);
                            id
                        }
                    };
                    tokens.insert(token, id);
                    id
                }
            };
            let slot = id as usize;
            if slot >= counts.len() {
                counts.resize(slot + 1, 0);
            }
            if counts[slot] == 0 {
                seen.push(id);
            }
            counts[slot] += weight;
            length += weight;
        };
        words::each_token(&doc.title, |w, c| add(w, c, TITLE_WEIGHT, &mut p));
        words::each_token(&doc.text, |w, c| add(w, c, 1, &mut p));
        let page = (first + i) as u32;
        for id in seen.drain(..) {
            let slot = id as usize;
            p.postings[slot].push(page, counts[slot]);
            counts[slot] = 0;
        }
        p.lengths.push(length);
    }
    for (b, bundle) in docs.chunks(BUNDLE).enumerate() {
        let items: Vec<Shown> = bundle
            .iter()
            .map(|d| Shown {
                t: &d.title,
                u: &d.url,
                x: excerpt(&d.text),
            })
            .collect();
        let n = first / BUNDLE + b;
        let text = serde_json::to_string(&items).unwrap_or_default();
        p.hashes.push(hash_bytes(0, text.as_bytes()));
        out(OutputFile::text(format!("{dir}p/{n}.json"), text));
    }
    p
}

/// What a result shows of a page: its title, address and excerpt (in this order of
/// keys, as the files have always had them).
#[derive(serde::Serialize)]
struct Shown<'a> {
    t: &'a str,
    u: &'a str,
    x: String,
}

/// The beginning of a page's text, its white space collapsed (the words joined by
/// single spaces), up to [`EXCERPT_CHARS`] characters (a space counts; an excerpt cut
/// right after one keeps it). Whole words are copied; only the last one is counted
/// character by character.
fn excerpt(text: &str) -> String {
    let mut out = String::with_capacity(EXCERPT_CHARS.min(text.len()));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
            if chars == EXCERPT_CHARS {
                break;
            }
        }
        let room = EXCERPT_CHARS - chars;
        // A word of at most `room` bytes has at most `room` characters.
        let n = if word.len() <= room {
            word.chars().count()
        } else {
            word.chars().take(room + 1).count()
        };
        if n <= room {
            out.push_str(word);
            chars += n;
        } else {
            let cut = word.char_indices().nth(room).map_or(word.len(), |(i, _)| i);
            out.push_str(&word[..cut]);
            chars = EXCERPT_CHARS;
        }
        if chars == EXCERPT_CHARS {
            break;
        }
    }
    out
}

/// The postings of every part, merged.
#[derive(Default)]
pub struct Index {
    words: Map<String, u32>,
    stems: Vec<String>,
    stem_ix: Map<String, u32>,
    postings: Vec<Postings>,
    lengths: Vec<u32>,
    hash: u64,
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
                    self.postings.push(Postings::default());
                    id
                }
            };
            self.postings[id as usize].append(postings);
            map.push(id);
        }
        for (word, local) in part.words {
            self.words.entry(word).or_insert(map[local as usize]);
        }
        self.lengths.extend(part.lengths);
        for h in part.hashes {
            self.hash = hash_bytes(self.hash, &h.to_le_bytes());
        }
    }

    /// Hands the word chunks, the stem chunks and `index.json` to `out` one by one, as
    /// each is made (the two languages' indexes finish at about the same time, near
    /// the peak of a build's memory), freeing the word table once its chunks are out.
    pub fn finish(self, lang: &str, dir: &str, out: &mut dyn FnMut(OutputFile)) {
        let Index {
            words: word_map,
            stems,
            stem_ix,
            postings,
            lengths,
            hash: mut files_hash,
        } = self;
        drop(stem_ix);
        let pages = lengths.len();
        let average = if pages == 0 {
            1.0
        } else {
            lengths.iter().map(|l| f64::from(*l)).sum::<f64>() / pages as f64
        }
        .max(1.0);
        let mut emit = |file: OutputFile| {
            if let Some(bytes) = file.content.bytes() {
                files_hash = hash_bytes(files_hash, bytes);
            }
            out(file);
        };

        // Words → stems.
        // In the order JavaScript compares strings (UTF-16 code units), which the search
        // script's binary search relies on.
        let mut words: Vec<(&String, &u32)> = word_map.iter().collect();
        words.sort_unstable_by(|a, b| utf16_cmp(a.0, b.0));
        let mut word_starts = Vec::new();
        let mut chunk = serde_json::Map::new();
        let mut size = 0;
        for (word, stem) in words {
            if chunk.is_empty() {
                word_starts.push(word.clone());
            }
            let stem = &stems[*stem as usize];
            size += word.len() + stem.len() + 6;
            chunk.insert(word.clone(), serde_json::Value::String(stem.clone()));
            if size >= WORDS_CHUNK_BYTES {
                let n = word_starts.len() - 1;
                emit(OutputFile::text(
                    format!("{dir}w/{n}.json"),
                    serde_json::Value::Object(std::mem::take(&mut chunk)).to_string(),
                ));
                size = 0;
            }
        }
        if !chunk.is_empty() {
            let n = word_starts.len() - 1;
            emit(OutputFile::text(
                format!("{dir}w/{n}.json"),
                serde_json::Value::Object(chunk).to_string(),
            ));
        }
        drop(word_map);

        // Stems → weighted pages.
        let mut order: Vec<usize> = (0..stems.len()).collect();
        order.sort_unstable_by(|a, b| utf16_cmp(&stems[*a], &stems[*b]));
        let mut stem_starts = Vec::new();
        let mut bytes = Vec::new();
        for i in order {
            if bytes.is_empty() {
                stem_starts.push(stems[i].clone());
            }
            let stem = stems[i].as_bytes();
            varint(&mut bytes, stem.len() as u64);
            bytes.extend_from_slice(stem);
            let list = &postings[i];
            varint(&mut bytes, u64::from(list.len));
            let mut previous = 0u32;
            for (page, count) in list.iter() {
                varint(&mut bytes, u64::from(page - previous));
                previous = page;
                bytes.push(weight(count, lengths[page as usize], average));
            }
            if bytes.len() >= STEMS_CHUNK_BYTES {
                let n = stem_starts.len() - 1;
                emit(OutputFile {
                    path: format!("{dir}s/{n}.bin"),
                    content: crate::output::Content::Bytes(std::mem::take(&mut bytes)),
                });
            }
        }
        if !bytes.is_empty() {
            let n = stem_starts.len() - 1;
            emit(OutputFile {
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
                // Fetched as `?v=`, so that hosts may cache the other files for good.
                "v": format!("{:08x}", files_hash as u32),
            })
        );
        out(OutputFile::text(format!("{dir}index.json"), meta));
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

/// Reads a varint written by [`varint`]: its value and its length in bytes.
fn read_varint(bytes: &[u8]) -> (u64, usize) {
    let mut v = 0u64;
    for (i, b) in bytes.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return (v, i + 1);
        }
    }
    (v, bytes.len())
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

/// Orders two strings as JavaScript compares them, by UTF-16 code units, without
/// encoding them: the first character where they differ decides, and only a character
/// beyond U+FFFF (two units, the first from U+D800–U+DBFF) sorts differently from its
/// code point, before U+E000–U+FFFF. (The words and stems of a language are sorted
/// once per index; encoding both sides of every comparison was most of that time.)
fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let Some(i) = x.iter().zip(y).position(|(p, q)| p != q) else {
        return x.len().cmp(&y.len());
    };
    // Both strings are the same up to `i`, so the character that holds byte `i`
    // starts at the same place in both.
    let start = (0..=i).rev().find(|&j| a.is_char_boundary(j)).unwrap_or(0);
    let first_unit = |c: char| {
        let c = c as u32;
        if c >= 0x1_0000 {
            0xD800 + ((c - 0x1_0000) >> 10)
        } else {
            c
        }
    };
    match (a[start..].chars().next(), b[start..].chars().next()) {
        (Some(c), Some(d)) => (first_unit(c), c).cmp(&(first_unit(d), d)),
        _ => x.len().cmp(&y.len()),
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
        // Parts are a multiple of BUNDLE pages long, as in `search::language`.
        let mut docs = vec![
            doc("/en/a/", "Methodology", "A methodological approach."),
            doc("/en/b/", "Other", "Nothing of the kind here, but methods."),
        ];
        for i in 0..2 * BUNDLE {
            docs.push(doc(
                &format!("/en/c{i:02}/"),
                "Filler",
                "Words of a filler page.",
            ));
        }
        let build = |split: usize| {
            let mut index = Index::default();
            let mut files = Vec::new();
            for (i, chunk) in docs.chunks(split).enumerate() {
                index.merge(part(i * split, chunk, "en", "search/en/", &mut |f| {
                    files.push(f)
                }));
            }
            index.finish("en", "search/en/", &mut |f| files.push(f));
            files
        };
        let whole = build(docs.len());
        let split = build(BUNDLE);
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

    /// What an excerpt is, written plainly: the first characters of the words joined
    /// by single spaces.
    fn excerpt_plainly(text: &str) -> String {
        let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
        joined.chars().take(EXCERPT_CHARS).collect()
    }

    proptest::proptest! {
        #[test]
        fn strings_sort_as_javascript_compares_them(
            a in "[a-zé\u{ff5e}\u{e000}\u{d7ff}\u{10000}\u{1f600}\u{10ffff}]{0,6}",
            b in "[a-zé\u{ff5e}\u{e000}\u{d7ff}\u{10000}\u{1f600}\u{10ffff}]{0,6}",
        ) {
            proptest::prop_assert_eq!(utf16_cmp(&a, &b), a.encode_utf16().cmp(b.encode_utf16()));
        }

        #[test]
        fn excerpts_follow_the_plain_rule(text in "(?s)[a-z \t\n\u{a0}\u{2003}õü.]{0,2000}") {
            proptest::prop_assert_eq!(excerpt(&text), excerpt_plainly(&text));
        }
    }

    #[test]
    fn excerpts_stop_at_the_limit() {
        let long = "word ".repeat(EXCERPT_CHARS);
        let e = excerpt(&format!("  \n{long}"));
        assert_eq!(e.chars().count(), EXCERPT_CHARS);
        assert!(e.starts_with("word word"));
        assert_eq!(excerpt(" a \u{a0} b\t"), "a b");
    }

    #[test]
    fn a_character_beyond_u_ffff_sorts_before_u_e000() {
        use std::cmp::Ordering::*;
        assert_eq!(utf16_cmp("a\u{1f600}", "a\u{ff5e}"), Less);
        assert_eq!(utf16_cmp("\u{d7ff}", "\u{10000}"), Less);
        assert_eq!(utf16_cmp("ab", "abc"), Less);
        assert_eq!(utf16_cmp("õun", "õun"), Equal);
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
