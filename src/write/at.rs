//! Files created relative to their folder, held open (Linux): a page is
//! `<section>/<slug>/index.html`, and naming it from the temporary folder makes the
//! system look up every folder of its path again, for each of the tens of thousands
//! of pages of a large site. With the section's folder open, making the page's folder
//! and the page are each one step from there (`mkdirat`, `openat`).

use crate::output::OutputFile;
use rustix::fs::{Mode, OFlags};
use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// At most this many folders are held open: a site's sections and the folders of its
/// assets and search index are a few dozen. Files of the folders beyond are written
/// by their path.
const MAX_OPEN: usize = 256;

/// The open folders of one temporary output folder, by their path in it.
pub struct Folders {
    base: PathBuf,
    open: Mutex<HashMap<String, Arc<OwnedFd>>>,
}

impl Folders {
    pub fn new(base: &Path) -> Folders {
        Folders {
            base: base.to_path_buf(),
            open: Mutex::new(HashMap::new()),
        }
    }

    /// Closes the folders (before the temporary folder is swapped in).
    pub fn close(&self) {
        if let Ok(mut open) = self.open.lock() {
            open.clear();
        }
    }

    /// The folder `rel` (`""`: the temporary folder itself), made if it is missing;
    /// `None` when no more folders are held open.
    fn folder(&self, rel: &str) -> io::Result<Option<Arc<OwnedFd>>> {
        if let Some(fd) = self.open.lock().ok().and_then(|o| o.get(rel).cloned()) {
            return Ok(Some(fd));
        }
        let path = if rel.is_empty() {
            self.base.clone()
        } else {
            self.base.join(rel)
        };
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = match rustix::fs::open(&path, flags, Mode::empty()) {
            Err(e) if e == rustix::io::Errno::NOENT => {
                std::fs::create_dir_all(&path)?;
                rustix::fs::open(&path, flags, Mode::empty())?
            }
            other => other?,
        };
        let Ok(mut open) = self.open.lock() else {
            return Ok(None);
        };
        // Another thread may have opened it meanwhile: keep the first.
        if let Some(fd) = open.get(rel) {
            return Ok(Some(fd.clone()));
        }
        if open.len() >= MAX_OPEN {
            return Ok(None);
        }
        let fd = Arc::new(fd);
        open.insert(rel.to_string(), fd.clone());
        Ok(Some(fd))
    }

    /// Writes `file`, whose checked path is `parts`; `false` when it is left to be
    /// written by its path (a file at the top, or past [`MAX_OPEN`] folders).
    pub fn put(&self, parts: &[&str], file: &OutputFile) -> io::Result<bool> {
        let [dirs @ .., name] = parts else {
            return Ok(false);
        };
        // A page is alone in a folder of its own: its folder is made from the one
        // above, which is held open (the section's) instead of one folder per page.
        let (held, made) = match dirs {
            [above @ .., own] if *name == "index.html" => (above, Some(*own)),
            _ => (dirs, None),
        };
        if held.is_empty() && made.is_none() {
            return Ok(false);
        }
        let Some(dir) = self.folder(&held.join("/"))? else {
            return Ok(false);
        };
        let target = match made {
            Some(own) => {
                match rustix::fs::mkdirat(&*dir, own, Mode::from_raw_mode(0o777)) {
                    Err(e) if e != rustix::io::Errno::EXIST => return Err(e.into()),
                    _ => {}
                }
                format!("{own}/{name}")
            }
            None => (*name).to_string(),
        };
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        super::write_content(&file.content, || {
            let fd = rustix::fs::openat(&*dir, &target, flags, Mode::from_raw_mode(0o666))?;
            Ok(File::from(fd))
        })?;
        Ok(true)
    }
}
