//! Reuse of unchanged work between builds, for `serve`.
//!
//! Every page is kept with a fingerprint of everything its template can see: the
//! templates and static files its template uses ([`super::uses`]), the interface
//! strings, its language's site data, menu and URL table, its own
//! variables and, only when its templates read `collections`, the whole collection
//! data. A rebuild renders only pages whose fingerprint changed. `serve` can also leave
//! the search index out of a rebuild and build it once the pages are served. The pages
//! are the same as a build from scratch (tests/incremental.rs checks this).

use crate::output::Content;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Default)]
struct Entries {
    /// Output path → (fingerprint, content).
    pages: HashMap<String, (u64, Content)>,
    /// What all the pages' fingerprints shared ([`super::fingerprint::Shared`]).
    shared: Option<super::fingerprint::Shared>,
}

/// What the previous build rendered. Shared by the builds of one `serve` session.
#[derive(Default)]
pub struct Cache {
    entries: Mutex<Entries>,
    /// What the last full render prepared, for [`super::render_bodies`].
    prepared: Mutex<Option<std::sync::Arc<super::Prepared>>>,
    /// Leave the search index out of the build; `serve` builds it after the pages are
    /// served ([`super::search_index`]).
    search_later: AtomicBool,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    /// Whether the builds that use this cache leave the search index for later.
    pub fn defer_search(&self, later: bool) {
        self.search_later.store(later, Ordering::Relaxed);
    }

    pub(crate) fn search_deferred(&self) -> bool {
        self.search_later.load(Ordering::Relaxed)
    }

    pub(crate) fn page(&self, path: &str, fingerprint: u64) -> Option<Content> {
        let entries = self.entries.lock().ok()?;
        entries
            .pages
            .get(path)
            .filter(|(fp, _)| *fp == fingerprint)
            .map(|(_, c)| c.clone())
    }

    pub(crate) fn store_prepared(&self, prepared: std::sync::Arc<super::Prepared>) {
        if let Ok(mut p) = self.prepared.lock() {
            *p = Some(prepared);
        }
    }

    pub(crate) fn clear_prepared(&self) {
        if let Ok(mut p) = self.prepared.lock() {
            *p = None;
        }
    }

    pub(crate) fn prepared(&self) -> Option<std::sync::Arc<super::Prepared>> {
        self.prepared.lock().ok()?.clone()
    }

    /// Replaces the pages with those of the build that just succeeded, and what their
    /// fingerprints shared.
    pub(crate) fn store_pages(
        &self,
        pages: HashMap<String, (u64, Content)>,
        shared: super::fingerprint::Shared,
    ) {
        if let Ok(mut e) = self.entries.lock() {
            e.pages = pages;
            e.shared = Some(shared);
        }
    }

    /// Puts pages rendered again in place of theirs.
    pub(crate) fn update_pages(&self, pages: impl Iterator<Item = (String, (u64, Content))>) {
        if let Ok(mut e) = self.entries.lock() {
            e.pages.extend(pages);
        }
    }

    /// Replaces what the stored pages' fingerprints share, after a render that made
    /// again every page whose fingerprint the change reaches.
    pub(crate) fn store_shared(&self, shared: super::fingerprint::Shared) {
        if let Ok(mut e) = self.entries.lock() {
            e.shared = Some(shared);
        }
    }

    /// Takes pages out, so that they are rendered again whatever their fingerprints.
    pub(crate) fn forget<'a>(&self, paths: impl Iterator<Item = &'a str>) {
        if let Ok(mut e) = self.entries.lock() {
            for p in paths {
                e.pages.remove(p);
            }
        }
    }

    /// What the stored pages' fingerprints shared.
    pub(crate) fn shared(&self) -> Option<super::fingerprint::Shared> {
        self.entries.lock().ok()?.shared.clone()
    }
}

/// Feeds serialised data into a hasher without building the text.
struct HashWriter<'a>(&'a mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Adds serialisable data (template values, JSON) to a fingerprint.
pub fn hash_serialized<T: serde::Serialize + ?Sized>(h: &mut DefaultHasher, value: &T) {
    let _ = serde_json::to_writer(HashWriter(h), value);
}

pub fn fingerprint(parts: impl FnOnce(&mut DefaultHasher)) -> u64 {
    let mut h = DefaultHasher::new();
    parts(&mut h);
    h.finish()
}

/// Shorthand for hashing plain data into a fingerprint.
pub fn add<T: Hash + ?Sized>(h: &mut DefaultHasher, v: &T) {
    v.hash(h);
}

/// Hashes of shared template values (records), by the address of their map, so that a
/// record shown on many pages is serialised and hashed once per build.
pub type Memo = HashMap<usize, u64>;

pub fn map_address(v: &tera::Value) -> Option<usize> {
    v.as_map().map(|m| m as *const tera::Map as usize)
}

/// Hashes each value once; the result feeds [`hash_value`].
pub fn memo<'a>(values: impl ParallelIterator<Item = &'a tera::Value>) -> Memo {
    values
        .filter_map(|v| Some((map_address(v)?, value_hash(v))))
        .collect()
}

/// The hash of one value on its own: what the memo keeps for it.
pub fn value_hash(v: &tera::Value) -> u64 {
    fingerprint(|h| hash_value(h, v, &Memo::default()))
}

/// Adds a template value to a fingerprint, using the memo for shared records. Each
/// kind of value is marked, so that no two values hash alike by their parts alone;
/// strings are hashed as they are, with whether they are safe (written unescaped).
/// Other scalars are hashed as their JSON.
pub fn hash_value(h: &mut DefaultHasher, v: &tera::Value, memo: &Memo) {
    if let Some(m) = v.as_map() {
        if let Some(known) = map_address(v).and_then(|a| memo.get(&a)) {
            add(h, known);
            return;
        }
        add(h, &(b'm', m.len()));
        for (k, item) in m {
            add(h, k);
            hash_value(h, item, memo);
        }
    } else if let Some(items) = v.as_array() {
        add(h, &(b'a', items.len()));
        for item in items {
            hash_value(h, item, memo);
        }
    } else if let Some(text) = v.as_str() {
        add(h, &(b's', v.is_safe()));
        add(h, text);
    } else {
        add(h, &b'j');
        hash_serialized(h, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::Value;

    fn of(v: &Value) -> u64 {
        value_hash(v)
    }

    #[test]
    fn values_hash_alike_only_when_they_render_alike() {
        let text = Value::from("<b>x</b>");
        assert_eq!(of(&text), of(&Value::from("<b>x</b>")));
        // A safe string is written unescaped: another page.
        assert_ne!(of(&text), of(&text.clone().mark_safe()));
        assert_ne!(of(&Value::from("1")), of(&Value::from(1u64)));
        assert_ne!(of(&Value::from("true")), of(&Value::from(true)));
        // A list of one string and the string itself.
        assert_ne!(
            of(&Value::from(vec![Value::from("a")])),
            of(&Value::from("a"))
        );
        // Two lists whose items only joined are alike.
        let two = |a: &str, b: &str| Value::from(vec![Value::from(a), Value::from(b)]);
        assert_ne!(of(&two("ab", "c")), of(&two("a", "bc")));
        let map = |k: &str, v: &str| {
            Value::from(std::collections::BTreeMap::from([(
                k.to_string(),
                Value::from(v),
            )]))
        };
        assert_eq!(of(&map("title", "A")), of(&map("title", "A")));
        assert_ne!(of(&map("title", "A")), of(&map("name", "A")));
        assert_ne!(of(&map("title", "A")), of(&map("title", "B")));
    }
}
