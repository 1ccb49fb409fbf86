//! Watching `content/` and `themes/` for changes.
//!
//! notify reports raw file-system events; notify-debouncer-full merges the bursts an
//! editor makes on save (write a temporary file, rename it over the original, touch
//! the metadata) into one batch after ~15 ms of quiet, and keeps track of renames.
//! A batch triggers a rebuild if any event in it changes something under `content/`
//! or `themes/` that is not an editor's temporary file.

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How long the debouncer waits for quiet before it reports a batch of events.
pub const DEBOUNCE: Duration = Duration::from_millis(15);

/// Decides which file-system events matter for the site at a root.
#[derive(Debug, Clone)]
pub struct Filter {
    root: PathBuf,
    content: PathBuf,
    themes: PathBuf,
    output: PathBuf,
}

impl Filter {
    /// `root` should be canonical, as the watcher reports the paths it was given.
    pub fn new(root: &Path, output: &Path) -> Filter {
        Filter {
            root: root.to_path_buf(),
            content: root.join("content"),
            themes: root.join("themes"),
            output: output.to_path_buf(),
        }
    }

    /// Whether a change to `path` can change the site.
    pub fn path_matters(&self, path: &Path) -> bool {
        if path.starts_with(&self.output) {
            return false;
        }
        let rest = match (
            path.strip_prefix(&self.content),
            path.strip_prefix(&self.themes),
        ) {
            (Ok(rest), _) | (_, Ok(rest)) => rest,
            _ => return false,
        };
        // Any component the loader ignores too (an editor's swap file, `.git/`, ...).
        !rest
            .components()
            .any(|c| crate::load::files::is_ignored(&c.as_os_str().to_string_lossy()))
    }

    /// A path under `content/` or `themes/` as the model names files
    /// (`content/news/a.md`, `themes/default/templates/base.html`); `None` for
    /// anything else.
    pub fn site_file(&self, path: &Path) -> Option<String> {
        if path.strip_prefix(&self.content).is_err() && path.strip_prefix(&self.themes).is_err() {
            return None;
        }
        let rel = path.strip_prefix(&self.root).ok()?;
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        Some(parts?.join("/"))
    }

    /// Whether an event can change the site: a creation, modification, removal or
    /// rename of a path that matters. Reads (the rebuild itself opens every file)
    /// and access-time updates do not.
    pub fn event_matters(&self, kind: &EventKind, paths: &[PathBuf]) -> bool {
        let kind_matters = match kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => false,
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
            _ => true,
        };
        kind_matters && paths.iter().any(|p| self.path_matters(p))
    }
}

/// A running watcher; dropping it stops it.
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    themes_watched: bool,
}

impl Watcher {
    /// Starts watching `root/content` and `root/themes` (and `root` itself, without
    /// its subfolders, to notice a `themes/` folder created later). Batches of events
    /// go to `tx`.
    pub fn start(root: &Path, tx: mpsc::Sender<DebounceEventResult>) -> notify::Result<Watcher> {
        let mut debouncer = notify_debouncer_full::new_debouncer(DEBOUNCE, None, tx)?;
        debouncer.watch(root.join("content"), RecursiveMode::Recursive)?;
        debouncer.watch(root, RecursiveMode::NonRecursive)?;
        let mut w = Watcher {
            debouncer,
            root: root.to_path_buf(),
            themes_watched: false,
        };
        w.watch_themes()?;
        Ok(w)
    }

    /// Watches `themes/` once it exists.
    pub fn watch_themes(&mut self) -> notify::Result<()> {
        let themes = self.root.join("themes");
        if !self.themes_watched && themes.is_dir() {
            self.debouncer.watch(&themes, RecursiveMode::Recursive)?;
            self.themes_watched = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, RemoveKind, RenameMode};

    fn filter() -> Filter {
        Filter::new(Path::new("/site"), Path::new("/site/output"))
    }

    #[test]
    fn content_and_themes_matter() {
        let f = filter();
        assert!(f.path_matters(Path::new("/site/content/news/a.yaml")));
        assert!(f.path_matters(Path::new("/site/themes/default/templates/base.html")));
        assert!(f.path_matters(Path::new("/site/content")));
        assert!(!f.path_matters(Path::new("/site/output/en/index.html")));
        assert!(!f.path_matters(Path::new("/site/Cargo.toml")));
        assert!(!f.path_matters(Path::new("/site/target/debug/x")));
        assert!(!f.path_matters(Path::new("/elsewhere/content/a.yaml")));
    }

    #[test]
    fn editor_temporary_files_do_not_matter() {
        let f = filter();
        for p in [
            "/site/content/news/.a.yaml.swp",
            "/site/content/news/a.yaml~",
            "/site/content/news/#a.yaml#",
            "/site/content/news/.#a.yaml",
            "/site/content/news/4913",
            "/site/content/news/a.yaml___jb_tmp___",
            "/site/content/.git/index",
            "/site/content/news/.goutputstream-XYZ",
        ] {
            assert!(!f.path_matters(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn an_atomic_save_matters_by_its_target() {
        let f = filter();
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let paths = vec![
            PathBuf::from("/site/content/news/.a.yaml.tmp123"),
            PathBuf::from("/site/content/news/a.yaml"),
        ];
        assert!(f.event_matters(&rename, &paths));
        let temp_only = vec![PathBuf::from("/site/content/news/a.yaml.swp")];
        assert!(!f.event_matters(&EventKind::Create(CreateKind::File), &temp_only));
        let file = vec![PathBuf::from("/site/content/news/a.yaml")];
        assert!(f.event_matters(&EventKind::Remove(RemoveKind::File), &file));
        assert!(!f.event_matters(&EventKind::Access(AccessKind::Open(AccessMode::Any)), &file));
        assert!(f.event_matters(
            &EventKind::Access(AccessKind::Close(AccessMode::Write)),
            &file
        ));
    }
}
