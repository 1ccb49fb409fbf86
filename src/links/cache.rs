//! Results of earlier link checks, kept in `<site>/.klaster-cache/links.json` so that a
//! repeated `check --links` asks the network only about addresses it has not seen
//! for a day. An unreadable or damaged cache counts as empty; the file is replaced
//! atomically, so two runs at once cannot leave half a file.

use super::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The tool's cache folder inside a site (shared by everything klaster caches).
pub const DIR: &str = ".klaster-cache";
const FILE: &str = "links.json";
const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When the address was fetched, in seconds since 1970 (UTC).
    pub checked: u64,
    pub outcome: Outcome,
}

#[derive(Default, Serialize, Deserialize)]
struct Stored {
    version: u32,
    links: BTreeMap<String, Entry>,
}

pub struct Cache {
    path: PathBuf,
    entries: BTreeMap<String, Entry>,
}

impl Cache {
    /// The cache of the site at `root`; empty if there is none or it cannot be read.
    pub fn load(root: &Path) -> Cache {
        let path = root.join(DIR).join(FILE);
        let entries = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|s| s.version == VERSION)
            .map(|s| s.links)
            .unwrap_or_default();
        Cache { path, entries }
    }

    /// The outcome for `url` if it was fetched less than `max_age` before `now`.
    pub fn fresh(&self, url: &str, now: u64, max_age: Duration) -> Option<&Outcome> {
        self.entries
            .get(url)
            .filter(|e| e.checked <= now && now - e.checked < max_age.as_secs())
            .map(|e| &e.outcome)
    }

    pub fn insert(&mut self, url: String, now: u64, outcome: Outcome) {
        self.entries.insert(
            url,
            Entry {
                checked: now,
                outcome,
            },
        );
    }

    /// Writes the entries still fresh at `now` (temporary file, then rename).
    pub fn save(&self, now: u64, max_age: Duration) -> io::Result<()> {
        let links: BTreeMap<String, Entry> = self
            .entries
            .iter()
            .filter(|(_, e)| e.checked <= now && now - e.checked < max_age.as_secs())
            .map(|(k, e)| (k.clone(), e.clone()))
            .collect();
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let bytes = serde_json::to_vec_pretty(&Stored {
            version: VERSION,
            links,
        })
        .map_err(io::Error::other)?;
        let tmp = dir.join(format!(".{FILE}.tmp-{}", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &self.path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }

    /// Where the cache lives.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(24 * 60 * 60);

    #[test]
    fn entries_expire_after_a_day_and_survive_a_save() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = Cache::load(dir.path());
        assert!(cache.fresh("https://a.test/", 1000, DAY).is_none());
        cache.insert("https://a.test/".into(), 1000, Outcome::Ok);
        cache.insert(
            "https://b.test/".into(),
            10,
            Outcome::Status {
                code: 404,
                at: None,
            },
        );
        let later = 1000 + DAY.as_secs() - 1;
        cache.save(later, DAY).unwrap();
        let again = Cache::load(dir.path());
        assert_eq!(
            again.fresh("https://a.test/", later, DAY),
            Some(&Outcome::Ok)
        );
        // Older than a day when saved: dropped.
        assert!(again.fresh("https://b.test/", later, DAY).is_none());
        assert!(again.fresh("https://a.test/", later + 1, DAY).is_none());
        // A time in the future (a clock that was wrong) does not count as fresh.
        assert!(again.fresh("https://a.test/", 999, DAY).is_none());
    }

    #[test]
    fn a_damaged_cache_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(DIR)).unwrap();
        std::fs::write(dir.path().join(DIR).join(FILE), "{not json").unwrap();
        let cache = Cache::load(dir.path());
        assert!(cache.fresh("https://a.test/", 1, DAY).is_none());
        cache.save(1, DAY).unwrap();
        let text = std::fs::read_to_string(cache.path()).unwrap();
        assert!(text.contains("\"version\": 1"), "{text}");
    }
}
