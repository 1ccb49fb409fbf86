//! What `serve` holds between rebuilds: the files of the last good build, the errors
//! of the current one, and a generation that changes whenever what a tab shows would.

use super::inject;
use crate::diagnostics::Diagnostic;
use crate::output::{Content, OutputFile};
use crate::pipeline::{self, Options};
use axum::body::Bytes;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::watch;

/// The bytes of one output file.
#[derive(Debug, Clone)]
pub enum Body {
    /// Rendered (or theme) files, held in memory.
    Mem(Bytes),
    /// A media file, read from disk when asked for. Its size, modification time and
    /// inode at build time tell whether it is still the file the build saw.
    Disk {
        path: PathBuf,
        len: u64,
        modified: Option<SystemTime>,
        inode: u64,
    },
}

/// The bytes of a rendered page as `Bytes` can own them.
struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The inode of a file (0 where the system has none).
fn inode(m: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::ino(m)
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        0
    }
}

impl Body {
    fn from_output(file: OutputFile) -> Body {
        match file.content {
            Content::Bytes(b) => Body::Mem(Bytes::from(b)),
            // The page's bytes are shared, not copied: a page taken unchanged from the
            // previous build is then the very same memory.
            Content::Shared(b) => Body::Mem(Bytes::from_owner(SharedBytes(b))),
            Content::Copy(path) => {
                let meta = std::fs::symlink_metadata(&path)
                    .ok()
                    .filter(|m| m.is_file());
                Body::Disk {
                    len: meta.as_ref().map(|m| m.len()).unwrap_or(u64::MAX),
                    modified: meta.as_ref().and_then(|m| m.modified().ok()),
                    inode: meta.as_ref().map(inode).unwrap_or(0),
                    path,
                }
            }
        }
    }

    /// The bytes of a media file, if it is still the file the build saw: not replaced
    /// (by a symbolic link or another file) and not changed since.
    pub fn read_if_unchanged(&self) -> Option<Vec<u8>> {
        let Body::Disk {
            path,
            len,
            modified,
            inode: ino,
        } = self
        else {
            return None;
        };
        let mut file = crate::write::open_no_follow(path).ok()?;
        let meta = file.metadata().ok()?;
        let same = meta.is_file()
            && meta.len() == *len
            && meta.modified().ok() == *modified
            && inode(&meta) == *ino;
        if !same {
            return None;
        }
        let mut bytes = Vec::with_capacity(*len as usize);
        std::io::Read::read_to_end(&mut file, &mut bytes).ok()?;
        Some(bytes)
    }

    fn same_as(&self, other: &Body) -> bool {
        match (self, other) {
            (Body::Mem(a), Body::Mem(b)) => {
                (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
            }
            (
                Body::Disk {
                    path: pa,
                    len: la,
                    modified: ma,
                    inode: ia,
                },
                Body::Disk {
                    path: pb,
                    len: lb,
                    modified: mb,
                    inode: ib,
                },
            ) => pa == pb && la == lb && ma == mb && ia == ib,
            _ => false,
        }
    }
}

/// Served files by output path. The paths are shared (`Arc<str>`): each edit in
/// `serve` makes a new map from the previous one, and copying 23,000 paths took
/// several milliseconds of a 10 ms rebuild.
pub type Files = HashMap<Arc<str>, Body>;

/// What the server shows at one moment.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The files of the last good build, by `/`-separated output path.
    pub files: Files,
    /// Whether there has been a good build at all.
    pub has_build: bool,
    /// The errors of the current build; empty when it succeeded.
    pub errors: Vec<Diagnostic>,
    /// Identifies what tabs show: the server's start time and a counter.
    pub generation: String,
    /// The overlay for `errors`, rendered once per build.
    overlay: Option<String>,
    /// Which good build `files` come from (counting from 1), so that a search index
    /// made for an older build is not put beside newer pages.
    build: u64,
}

impl Snapshot {
    /// What goes before `</body>` of every HTML response: the overlay while the
    /// build has errors, and the live-reload script.
    pub fn injection(&self) -> String {
        let mut s = self.overlay.clone().unwrap_or_default();
        s.push_str(&inject::script(&self.generation));
        s
    }
}

/// The state shared by the HTTP handlers and the rebuild thread.
pub struct Shared {
    current: RwLock<Arc<Snapshot>>,
    generation: watch::Sender<String>,
}

impl Default for Shared {
    fn default() -> Shared {
        Shared {
            current: RwLock::new(Arc::new(Snapshot::default())),
            generation: watch::Sender::new(String::new()),
        }
    }
}

impl Shared {
    /// The current snapshot; the lock is held only to clone the `Arc`.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<String> {
        self.generation.subscribe()
    }

    fn replace(&self, snap: Snapshot) {
        let generation = snap.generation.clone();
        let old = std::mem::replace(
            &mut *self.current.write().unwrap_or_else(PoisonError::into_inner),
            Arc::new(snap),
        );
        self.generation.send_replace(generation);
        // Freeing a large site's map of files (23,000 entries at 2 × 10,000, each
        // with shared parts) took a few milliseconds of each edit: it is done on the
        // thread pool, after the tabs were told, and outside the lock.
        rayon::spawn(move || drop(old));
    }

    /// Puts the search index made for good build `build` in place of the one served,
    /// if that build is still the one served. Tabs are not reloaded: the pages did not
    /// change, and the search page fetches the new index on its next query.
    fn put_search(&self, build: u64, index: Vec<OutputFile>) -> bool {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        if current.build != build {
            return false;
        }
        let mut files: Files = current
            .files
            .iter()
            .filter(|(p, _)| !is_search_file(p))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        files.extend(
            index
                .into_iter()
                .map(|f| (Arc::from(f.path.as_str()), Body::from_output(f))),
        );
        *current = Arc::new(Snapshot {
            files,
            has_build: current.has_build,
            errors: current.errors.clone(),
            generation: current.generation.clone(),
            overlay: current.overlay.clone(),
            build,
        });
        true
    }
}

/// Whether an output file belongs to the search index.
fn is_search_file(path: &str) -> bool {
    path.starts_with("search/")
}

/// The search index of a build that `serve` made without it: built after the pages
/// are served, then put beside them ([`SearchJob::run`]).
pub struct SearchJob {
    build: u64,
    site: Arc<crate::model::Site>,
    stop: Arc<AtomicBool>,
}

/// Takes the search index's files until it is told to stop; then the index stops at
/// its next file (a part of a few hundred pages).
struct Stoppable<'a> {
    files: &'a crate::output::Collect,
    stop: &'a AtomicBool,
}

impl crate::output::Sink for Stoppable<'_> {
    fn put(&self, file: OutputFile) -> std::io::Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("a newer edit came"));
        }
        self.files.put(file)
    }
}

impl SearchJob {
    /// What tells the job to stop ([`Builder::searching`]).
    pub fn stopper(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// Builds the index and serves it, unless a newer build is served by then or it
    /// is told to stop; returns how long it took when it was put in place.
    pub fn run(self, shared: &Shared) -> Option<Duration> {
        let started = Instant::now();
        let collected = crate::output::Collect::default();
        let sink = Stoppable {
            files: &collected,
            stop: &self.stop,
        };
        crate::render::search_index(&self.site, &sink).ok()?;
        drop(self.site);
        shared
            .put_search(self.build, collected.into_files())
            .then(|| started.elapsed())
    }
}

/// How the output of a build differs from the one before.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// HTML pages added, changed or removed.
    pub pages: usize,
    /// Other files added, changed or removed.
    pub files: usize,
}

impl Changes {
    pub fn between(old: &Files, new: &Files) -> Changes {
        let mut c = Changes::of_replaced(old, new);
        for path in old.keys() {
            if !new.contains_key(path) {
                c.count(path);
            }
        }
        c
    }

    /// The files of `new` that differ from `old`'s (those a patch made again).
    fn of_replaced<'a>(
        old: &Files,
        new: impl IntoIterator<Item = (&'a Arc<str>, &'a Body)>,
    ) -> Changes {
        let mut c = Changes::default();
        for (path, body) in new {
            match old.get(path.as_ref()) {
                Some(o) if o.same_as(body) => {}
                _ => c.count(path),
            }
        }
        c
    }

    fn count(&mut self, path: &str) {
        if path.ends_with(".html") {
            self.pages += 1;
        } else {
            self.files += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pages == 0 && self.files == 0
    }
}

/// The result of one (re)build, for the terminal.
#[derive(Debug, Clone)]
pub struct Rebuild {
    /// The build at start-up.
    pub first: bool,
    pub elapsed: Duration,
    /// All diagnostics of this build, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether `diagnostics` differ from the previous build's.
    pub diagnostics_changed: bool,
    /// What changed in the served output; `None` when the build failed and the last
    /// good build is still served.
    pub changes: Option<Changes>,
    /// HTML pages in the build now served.
    pub pages: usize,
    /// Whether open tabs were told to reload.
    pub reloaded: bool,
    /// The build before had errors and this one has none.
    pub errors_fixed: bool,
    /// Whether the search index is still to be rebuilt ([`Builder::take_search`]).
    pub search_pending: bool,
}

impl Rebuild {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Runs the pipeline and swaps the result in.
pub struct Builder {
    opts: Options,
    /// Good builds so far.
    builds: u64,
    /// The search index the last rebuild left for later.
    search: Option<SearchJob>,
    /// The search index being made, on a thread of its own, and what tells it to stop
    /// ([`Builder::searching`]).
    searching: Option<(std::thread::JoinHandle<()>, Arc<AtomicBool>)>,
    /// The last good build's model, to apply an edit of a record to
    /// ([`pipeline::patch`]).
    previous: Option<pipeline::Previous>,
    /// The date given with `--date`; without it, each rebuild takes today's.
    fixed_date: Option<jiff::civil::Date>,
    epoch: String,
    counter: u64,
    last_diagnostics: Option<Vec<Diagnostic>>,
}

impl Builder {
    pub fn new(opts: Options, fixed_date: Option<jiff::civil::Date>) -> Builder {
        let started = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        Builder {
            opts,
            builds: 0,
            search: None,
            searching: None,
            previous: None,
            fixed_date,
            epoch: format!("{started:x}"),
            counter: 0,
            last_diagnostics: None,
        }
    }

    /// Re-runs the pipeline, compares its output with what is served, and swaps it
    /// in if it succeeded. On errors the last good build stays, with the errors
    /// attached for the overlay. `changed` names the files that changed (relative to
    /// the root) when they are known: an edit of records that keep their identities
    /// is then applied to the last build ([`pipeline::patch`]); otherwise the whole
    /// pipeline runs.
    pub fn rebuild(&mut self, shared: &Shared, changed: Option<&[String]>) -> Rebuild {
        let started = Instant::now();
        if self.fixed_date.is_none()
            && let Ok(today) = pipeline::build_date(None)
        {
            self.opts.date = today;
        }
        let first = self.last_diagnostics.is_none();
        // After the first build, pages are served before the search index is rebuilt
        // (the slowest part of a rebuild of a large site); `take_search` hands it over.
        let search_later = !first && self.opts.cache.is_some();
        if let Some(c) = &self.opts.cache {
            c.defer_search(search_later);
        }
        let mut collected = crate::output::Collect::default();
        // Only files of the theme: its templates and static files are patched in, and
        // the search index (made from the content and the theme's strings) stays.
        let theme_edit =
            changed.is_some_and(|c| !c.is_empty() && c.iter().all(|p| p.starts_with("themes/")));
        // Any other edit makes a search index of its own, so the one being made for the
        // build served stops at its next part. (Waiting for it to finish took about half
        // a second at 2 × 10,000, and a whole build beside it twice its time.) Should
        // the edit fail, the index served stays the one before until the next good
        // build.
        if !theme_edit && let Some((_, stop)) = &self.searching {
            stop.store(true, Ordering::Relaxed);
        }
        let patched = match (changed, self.previous.as_mut()) {
            (Some(changed), Some(previous)) if search_later => {
                // The model is shared with the search index being made from it, which
                // was told to stop above.
                if let Some((t, _)) = self.searching.take() {
                    let _ = t.join();
                }
                if theme_edit {
                    pipeline::patch_theme(&self.opts, previous, &collected)
                } else {
                    pipeline::patch(&self.opts, previous, changed, &collected)
                }
            }
            _ => None,
        };
        let is_patch = patched.is_some();
        let theme_patch = is_patch && theme_edit;
        if theme_patch
            && patched
                .as_ref()
                .is_some_and(|o| o.has_errors() || o.output_error.is_some())
        {
            // The model holds the broken theme now; the next edit builds everything,
            // as after a whole build with errors.
            self.previous = None;
        }
        let outcome = match patched {
            Some(outcome) => outcome,
            None => {
                collected = crate::output::Collect::default();
                let (outcome, previous) = pipeline::run_keeping(&self.opts, &collected);
                self.previous = previous;
                outcome
            }
        };
        let old = shared.snapshot();
        let diagnostics_changed = self.last_diagnostics.as_ref() != Some(&outcome.diagnostics);
        self.last_diagnostics = Some(outcome.diagnostics.clone());

        let (snap, changes, reload) = if outcome.has_errors() {
            let errors: Vec<Diagnostic> = outcome
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            let reload = errors != old.errors || first;
            let files = old.files.clone();
            let warnings: Vec<Diagnostic> = outcome
                .diagnostics
                .iter()
                .filter(|d| !d.is_error())
                .cloned()
                .collect();
            let snap = Snapshot {
                overlay: Some(inject::overlay(&errors) + &inject::warnings(&warnings)),
                files,
                has_build: old.has_build,
                errors,
                generation: String::new(),
                build: old.build,
            };
            (snap, None, reload)
        } else {
            let new = collected
                .into_files()
                .into_iter()
                .map(|f| (Arc::from(f.path.as_str()), Body::from_output(f)));
            let (files, changes) = if is_patch {
                // The files rendered again, in place of theirs: only they can differ,
                // and the old pages of a record with a new slug are gone.
                let new: Vec<(Arc<str>, Body)> = new.collect();
                let mut changes = Changes::of_replaced(&old.files, new.iter().map(|(p, b)| (p, b)));
                let mut files = old.files.clone();
                for path in &outcome.stats.removed {
                    if files.remove(path.as_str()).is_some() {
                        changes.count(path);
                    }
                }
                files.extend(new);
                (files, changes)
            } else {
                let mut files: Files = new.collect();
                if search_later {
                    // Until the new index is made, the previous one is served.
                    for (p, b) in old.files.iter().filter(|(p, _)| is_search_file(p)) {
                        files.insert(p.clone(), b.clone());
                    }
                }
                let changes = Changes::between(&old.files, &files);
                (files, changes)
            };
            // Tabs also reload when only the warnings changed: they show them.
            let reload = !changes.is_empty()
                || !old.errors.is_empty()
                || !old.has_build
                || diagnostics_changed;
            self.builds += 1;
            // The warnings' overlay is made again only when they changed (a site may
            // have thousands, and a body edit seldom changes them).
            let overlay = if diagnostics_changed || !old.errors.is_empty() || first {
                let warnings = inject::warnings(&outcome.diagnostics);
                (!warnings.is_empty()).then_some(warnings)
            } else {
                old.overlay.clone()
            };
            let snap = Snapshot {
                files,
                has_build: true,
                errors: Vec::new(),
                generation: String::new(),
                overlay,
                build: self.builds,
            };
            self.search = match (search_later && !theme_patch, &self.previous) {
                (true, Some(previous)) => Some(SearchJob {
                    build: self.builds,
                    site: previous.site(),
                    stop: Arc::new(AtomicBool::new(false)),
                }),
                _ => None,
            };
            (snap, Some(changes), reload)
        };
        let pages = snap.files.keys().filter(|p| p.ends_with(".html")).count();
        let mut snap = snap;
        if reload {
            self.counter += 1;
        }
        snap.generation = format!("{}-{}", self.epoch, self.counter);
        if reload {
            shared.replace(snap);
        }
        Rebuild {
            first,
            search_pending: self.search.is_some(),
            elapsed: started.elapsed(),
            diagnostics: outcome.diagnostics,
            diagnostics_changed,
            changes,
            pages,
            reloaded: reload && !first,
            errors_fixed: !first && !old.errors.is_empty() && changes.is_some(),
        }
    }
}

impl Builder {
    /// The search index the last rebuild left for later, to run after it is reported.
    pub fn take_search(&mut self) -> Option<SearchJob> {
        self.search.take()
    }

    /// Tells the builder the thread that makes the search index and what tells it to
    /// stop ([`SearchJob::stopper`]): an edit applied to the model stops it and waits
    /// for it (the index is made from the model the edit changes).
    pub fn searching(&mut self, thread: std::thread::JoinHandle<()>, stop: Arc<AtomicBool>) {
        self.searching = Some((thread, stop));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mem(s: &str) -> Body {
        Body::Mem(Bytes::copy_from_slice(s.as_bytes()))
    }

    /// A search index told to stop puts nothing in place: the index served stays
    /// (the next build's job makes the new one); one not told to stop is served.
    #[test]
    fn a_search_index_told_to_stop_leaves_the_served_one() {
        let site = crate::resolve::testing::site_of(&[(
            "content/pages/about.en.md".to_string(),
            "---\ntitle: About\n---\nSome words.\n".to_string(),
        )]);
        let site = Arc::new(site);
        let shared = Shared::default();
        let old = mem("the index before");
        shared.replace(Snapshot {
            files: [(Arc::from("search/en/index.json"), old.clone())]
                .into_iter()
                .collect(),
            has_build: true,
            build: 1,
            ..Snapshot::default()
        });
        let job = |stop: bool| SearchJob {
            build: 1,
            site: site.clone(),
            stop: Arc::new(AtomicBool::new(stop)),
        };
        assert!(job(true).run(&shared).is_none());
        let served = shared.snapshot();
        assert!(served.files["search/en/index.json"].same_as(&old));
        assert!(job(false).run(&shared).is_some());
        let served = shared.snapshot();
        assert!(!served.files["search/en/index.json"].same_as(&old));
        assert!(served.files.keys().any(|p| p.starts_with("search/et/")));
    }

    #[test]
    fn changes_count_added_changed_and_removed_files() {
        let files = |f: [(&str, Body); 4]| -> Files {
            f.into_iter().map(|(p, b)| (Arc::from(p), b)).collect()
        };
        let old = files([
            ("en/index.html", mem("a")),
            ("en/about/index.html", mem("b")),
            ("static/site.css", mem("c")),
            ("en/old/index.html", mem("d")),
        ]);
        let new = files([
            ("en/index.html", mem("a")),
            ("en/about/index.html", mem("B")),
            ("static/site.css", mem("c")),
            ("en/feed.xml", mem("e")),
        ]);
        assert_eq!(Changes::between(&old, &new), Changes { pages: 2, files: 1 });
        assert!(Changes::between(&new, &new).is_empty());
    }
}
