//! Stage 4: the built files go into a temporary folder beside the output folder, which
//! replaces the output in one step only when everything was written. A failed or
//! killed build leaves the previous output as it was; klaster writes nowhere else.
//!
//! - The temporary folder `.<output>.tmp-<pid>-<n>` is announced by a lock file beside
//!   it, held (`File::lock`) for as long as the build runs. The operating system
//!   releases the lock when the process dies, even by SIGKILL, so the next build can
//!   tell a dead build's folder (lock free) from a running one's (lock held) and
//!   removes only the former: two builds never remove each other's work.
//! - The swap is one atomic step on Linux (`renameat2` with `RENAME_EXCHANGE`: the
//!   new and the old folder trade places). Elsewhere, or on file systems without it,
//!   the output is renamed aside and the new folder renamed in; a build killed
//!   between the two renames leaves the old site aside, and the next run of klaster
//!   puts it back before anything else.

#[cfg(target_os = "linux")]
mod at;
mod place;
pub use place::{check_output, normalize, real_path};

use crate::output::{Content, OutputFile};
use rayon::prelude::*;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The parts of a file path of the output, checked so that it cannot leave the output
/// folder.
fn checked_parts(rel: &str) -> io::Result<Vec<&str>> {
    let mut parts = Vec::new();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("output path `{rel}` leaves the output folder"),
                ));
            }
            part if part.contains('\\') || part.contains(':') || part.contains('\0') => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("output path `{rel}` is not allowed"),
                ));
            }
            part => parts.push(part),
        }
    }
    Ok(parts)
}

/// Fault injection for the kill tests (`tests/kill.rs`): `KLASTER_FAULT` names a
/// point where the build stops and waits to be killed.
fn fault(point: &str, tmp: &Path) {
    let Ok(wanted) = std::env::var("KLASTER_FAULT") else {
        return;
    };
    if wanted.split(',').any(|w| w == point) {
        let _ = std::fs::write(with_suffix(tmp, ".fault"), point);
        std::thread::sleep(std::time::Duration::from_secs(600));
    }
}

fn forced_two_renames() -> bool {
    std::env::var("KLASTER_FAULT").is_ok_and(|v| v.split(',').any(|w| w == "two-renames"))
}

static SEQUENCE: AtomicUsize = AtomicUsize::new(0);

/// The temporary folder of one build, and the lock that says the build is alive.
pub struct Staging {
    output: PathBuf,
    tmp: PathBuf,
    lock_path: PathBuf,
    lock: File,
    committed: bool,
    #[cfg(target_os = "linux")]
    folders: at::Folders,
}

/// Names of the temporary folders of the output `name`: `.<name>.tmp-…`, `.<name>.old-…`.
fn is_staging_name(file: &str, name: &str) -> bool {
    file.strip_prefix('.')
        .and_then(|f| f.strip_prefix(name))
        .is_some_and(|f| f.starts_with(".tmp-") || f.starts_with(".old-"))
}

/// Whether the build that made `dir` is gone: its lock file is missing or free.
fn is_abandoned(dir: &Path) -> bool {
    let lock = lock_path_of(dir);
    match File::options().write(true).open(&lock) {
        Ok(f) => f.try_lock().is_ok(),
        Err(e) => e.kind() == io::ErrorKind::NotFound,
    }
}

/// `path` with `suffix` added to its name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The lock of a temporary folder. The folder an output is moved aside into shares
/// the lock of the build that moved it, so it counts as that build's while it runs.
fn lock_path_of(dir: &Path) -> PathBuf {
    match dir.file_name().map(|n| n.to_string_lossy().into_owned()) {
        Some(name) if name.contains(".old-") => with_suffix(
            &dir.with_file_name(name.replacen(".old-", ".tmp-", 1)),
            ".lock",
        ),
        _ => with_suffix(dir, ".lock"),
    }
}

impl Staging {
    /// Puts back an output a killed build left aside, removes what dead builds left
    /// behind, and creates this build's locked temporary folder.
    pub fn begin(output: &Path) -> io::Result<Staging> {
        let output = normalize(output);
        let parent = output.parent().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the output folder has no parent",
            )
        })?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        std::fs::create_dir_all(parent)?;
        recover(parent, &name, &output)?;
        let (tmp, lock_path, lock) = loop {
            let stem = format!(
                ".{name}.tmp-{}-{}",
                std::process::id(),
                SEQUENCE.fetch_add(1, Ordering::Relaxed)
            );
            let tmp = parent.join(&stem);
            let lock_path = lock_path_of(&tmp);
            let lock = File::options()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&lock_path)?;
            lock.lock()?;
            // Another build may have taken the file for a dead one's and removed it
            // between our creating and locking it: then try another name.
            if same_file(&lock, &lock_path) {
                break (tmp, lock_path, lock);
            }
        };
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir(&tmp)?;
        Ok(Staging {
            output,
            #[cfg(target_os = "linux")]
            folders: at::Folders::new(&tmp),
            tmp,
            lock_path,
            lock,
            committed: false,
        })
    }

    /// The temporary folder files are written into.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// Writes one file under the temporary folder, creating its folders.
    pub fn put(&self, file: &OutputFile) -> io::Result<()> {
        let parts = checked_parts(&file.path)?;
        #[cfg(target_os = "linux")]
        if self.folders.put(&parts, file)? {
            return Ok(());
        }
        let mut target = self.tmp.clone();
        target.extend(&parts);
        let write = |target: &Path| write_content(&file.content, || File::create(target));
        // A page is alone in a folder of its own (`…/slug/index.html`): make the folder
        // first instead of failing to create the file in it.
        if file.path.ends_with("/index.html")
            && let Some(parent) = target.parent()
        {
            match std::fs::create_dir(parent) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir_all(parent)?,
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                _ => {}
            }
        }
        match write(&target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                write(&target)
            }
            other => other,
        }
    }

    /// Replaces the output with the temporary folder and removes the previous output.
    pub fn commit(self) -> io::Result<()> {
        if let Some(previous) = self.commit_keeping_previous()? {
            previous.remove();
        }
        Ok(())
    }

    /// Replaces the output with the temporary folder, and hands back the previous
    /// output (if there was one) for the caller to remove: `klaster build` leaves that
    /// to a process of its own, so that it can end as soon as the new site is in place.
    pub fn commit_keeping_previous(mut self) -> io::Result<Option<Previous>> {
        #[cfg(target_os = "linux")]
        self.folders.close();
        fault("before-swap", &self.tmp);
        let had_output = std::fs::symlink_metadata(&self.output).is_ok();
        if had_output && !forced_two_renames() {
            match exchange(&self.tmp, &self.output) {
                Ok(()) => {
                    // The old site is now in the temporary folder.
                    self.committed = true;
                    fault("after-swap", &self.tmp);
                    return Ok(self.previous(self.tmp.clone()));
                }
                Err(e) if !exchange_unsupported(&e) => return Err(e),
                Err(_) => {}
            }
        }
        let old =
            self.tmp
                .with_file_name(self.tmp.file_name().map_or_else(Default::default, |n| {
                    n.to_string_lossy().replacen(".tmp-", ".old-", 1)
                }));
        if had_output {
            // Covered by this build's lock: a kill now is repaired by the next run.
            std::fs::rename(&self.output, &old)?;
            fault("between-renames", &self.tmp);
        }
        if let Err(e) = std::fs::rename(&self.tmp, &self.output) {
            if had_output {
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(e);
        }
        self.committed = true;
        if !had_output {
            let _ = std::fs::remove_file(&self.lock_path);
            return Ok(None);
        }
        // Under the temporary folder's name, an old site left by a build killed while
        // removing it is never taken for one to put back.
        let dir = match std::fs::rename(&old, &self.tmp) {
            Ok(()) => self.tmp.clone(),
            Err(_) => old,
        };
        Ok(self.previous(dir))
    }

    /// The previous output in `dir`, under this build's lock; removed at once if the
    /// lock cannot be shared.
    fn previous(&self, dir: PathBuf) -> Option<Previous> {
        match self.lock.try_clone() {
            Ok(lock) => Some(Previous {
                dir,
                lock_path: self.lock_path.clone(),
                lock,
            }),
            Err(_) => {
                remove_tree(&dir);
                let _ = std::fs::remove_file(&self.lock_path);
                None
            }
        }
    }
}

/// The output a build replaced, beside the new one, still under that build's lock
/// (so that no other build takes it for a dead build's folder while it is removed).
pub struct Previous {
    dir: PathBuf,
    lock_path: PathBuf,
    lock: File,
}

impl Previous {
    /// The folder the previous output is in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The open lock file: a process that inherits it holds the lock until it ends.
    pub fn lock(&self) -> &File {
        &self.lock
    }

    /// Removes the previous output, then its lock file.
    pub fn remove(self) {
        remove_tree(&self.dir);
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

/// Removes a previous output that a build handed over ([`Previous::dir`]), then its
/// lock file; refuses any folder but a build's temporary one (`.<output>.tmp-…` or
/// `.<output>.old-…`), so that it can never remove anything else.
pub fn remove_previous(dir: &Path) -> io::Result<()> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = name.starts_with('.') && (name.contains(".tmp-") || name.contains(".old-"));
    let is_dir = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    if !staging || !is_dir {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` is not a previous output of klaster", dir.display()),
        ));
    }
    remove_tree(dir);
    let _ = std::fs::remove_file(lock_path_of(dir));
    Ok(())
}

/// Removes a folder and everything in it, its subfolders in parallel: the previous
/// site is removed after every build, tens of thousands of files on a large site,
/// and a second build should not take longer than the first. Symbolic links are
/// removed, never followed. What cannot be removed is left for `remove_dir_all`.
fn remove_tree(dir: &Path) {
    fn inner(dir: &Path) -> io::Result<()> {
        let entries = std::fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
        entries
            .par_iter()
            .with_max_len(crate::par::PIECE)
            .try_for_each(|e| {
                if e.file_type()?.is_dir() {
                    inner(&e.path())
                } else {
                    std::fs::remove_file(e.path())
                }
            })?;
        std::fs::remove_dir(dir)
    }
    if inner(dir).is_err() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

impl crate::output::Sink for Staging {
    fn put(&self, file: OutputFile) -> io::Result<()> {
        Staging::put(self, &file)
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves nothing behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
            let _ = std::fs::remove_file(&self.lock_path);
        }
    }
}

/// Whether `path` still names the file `file` has open.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// Puts back an output that a killed build left aside and removes what builds that
/// are gone left behind, before anything else is done with `output`.
pub fn repair(output: &Path) -> io::Result<()> {
    let output = normalize(output);
    match (output.parent(), output.file_name()) {
        (Some(parent), Some(name)) => recover(parent, &name.to_string_lossy(), &output),
        _ => Ok(()),
    }
}

/// Before a build: an output a killed build renamed aside goes back into place, and
/// temporary folders of builds that are gone are removed. Folders of builds that are
/// still running are left alone.
fn recover(parent: &Path, name: &str, output: &Path) -> io::Result<()> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let mut stale: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| is_staging_name(&e.file_name().to_string_lossy(), name))
        .map(|e| e.path())
        .filter(|p| p.extension().is_none_or(|x| x != "lock" && x != "fault"))
        .filter(|p| p.is_dir())
        .collect();
    stale.sort();
    for dir in stale {
        if !is_abandoned(&dir) {
            continue;
        }
        let is_old = dir
            .file_name()
            .is_some_and(|n| n.to_string_lossy().contains(".old-"));
        if is_old && std::fs::symlink_metadata(output).is_err() {
            std::fs::rename(&dir, output)?;
        } else {
            let _ = std::fs::remove_dir_all(&dir);
        }
        let _ = std::fs::remove_file(lock_path_of(&dir));
        let _ = std::fs::remove_file(with_suffix(&dir, ".fault"));
    }
    // Lock and fault files whose folder is gone, of builds that are gone.
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            if !is_staging_name(&file, name) {
                continue;
            }
            let dir = match file.strip_suffix(".lock").or(file.strip_suffix(".fault")) {
                Some(d) => parent.join(d),
                None => continue,
            };
            if !dir.exists() && is_abandoned(&dir) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(())
}

/// Writes `content` into the file `create` makes. A media file is copied without
/// following a symbolic link put in its place since the site was read, and opened
/// before the copy is created.
fn write_content(content: &Content, create: impl FnOnce() -> io::Result<File>) -> io::Result<()> {
    use std::io::Write as _;
    match content {
        Content::Bytes(b) => create()?.write_all(b),
        Content::Shared(b) => create()?.write_all(b),
        Content::Copy(src) => {
            let mut from = open_no_follow(src)?;
            io::copy(&mut from, &mut create()?).map(|_| ())
        }
    }
}

/// Opens a file for reading, refusing a symbolic link.
pub fn open_no_follow(path: &Path) -> io::Result<File> {
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a symbolic link is not followed",
        ));
    }
    options.open(path)
}

/// Swaps two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Whether an exchange failed because the system or file system cannot do it.
fn exchange_unsupported(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::Unsupported {
        return true;
    }
    #[cfg(target_os = "linux")]
    if let Some(code) = e.raw_os_error() {
        return matches!(code, libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP);
    }
    false
}

/// Writes all files into a fresh folder beside `output` and swaps it in.
pub fn write_atomic(output: &Path, files: &[OutputFile]) -> io::Result<()> {
    let staging = Staging::begin(output)?;
    files.par_iter().try_for_each(|f| staging.put(f))?;
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_outputs_over_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("themes/x")).unwrap();
        assert!(check_output(&root, &root.join("output")).is_ok());
        assert!(check_output(&root, &root).is_err());
        assert!(check_output(&root, &root.join("content")).is_err());
        assert!(check_output(&root, &root.join("themes/x")).is_err());
        assert!(check_output(&root, dir.path()).is_err());
        assert!(check_output(&root, &root.join("content/../output")).is_ok());
        std::fs::write(root.join("file"), "x").unwrap();
        assert!(check_output(&root, &root.join("file")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_do_not_hide_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let alias = dir.path().join("alias");
        std::os::unix::fs::symlink(&root, &alias).unwrap();
        assert!(check_output(&root, &alias.join("content")).is_err());
        assert!(check_output(&alias, &root.join("content")).is_err());
        assert!(check_output(&alias, &alias.join("output")).is_ok());
        let elsewhere = dir.path().join("shared-theme");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::create_dir_all(root.join("themes")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join("themes/default")).unwrap();
        assert!(check_output(&root, &elsewhere).is_err());
        assert!(check_output(&root, &elsewhere.join("out")).is_err());
    }

    #[test]
    fn paths_cannot_leave_the_output() {
        assert!(checked_parts("../x").is_err());
        assert!(checked_parts("en/../../x").is_err());
        assert!(checked_parts("en/a:b/index.html").is_err());
        assert_eq!(
            checked_parts("/en//./index.html").unwrap(),
            ["en", "index.html"]
        );
    }

    #[test]
    fn a_swap_leaves_only_the_new_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        for text in ["one", "two"] {
            write_atomic(&out, &[OutputFile::text("a/b.txt", text.into())]).unwrap();
            assert_eq!(std::fs::read_to_string(out.join("a/b.txt")).unwrap(), text);
        }
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["output"]);
    }

    #[test]
    fn leftovers_of_dead_builds_go_and_a_live_build_stays() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        // A dead build: its folder, its lock file, nobody holding it.
        std::fs::create_dir_all(dir.path().join(".output.tmp-1-0/en")).unwrap();
        std::fs::write(dir.path().join(".output.tmp-1-0.lock"), "").unwrap();
        // A folder from before lock files existed.
        std::fs::create_dir_all(dir.path().join(".output.old-7")).unwrap();
        // A live build holds its lock.
        let live = Staging::begin(&out).unwrap();
        write_atomic(&out, &[OutputFile::text("x.txt", "x".into())]).unwrap();
        assert!(live.dir().is_dir(), "a running build's folder is kept");
        assert!(!dir.path().join(".output.tmp-1-0").exists());
        assert!(!dir.path().join(".output.tmp-1-0.lock").exists());
        drop(live);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["output"]);
    }

    #[test]
    fn an_output_left_aside_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        std::fs::create_dir_all(dir.path().join(".output.old-9-0")).unwrap();
        std::fs::write(dir.path().join(".output.old-9-0/index.html"), "old").unwrap();
        std::fs::write(dir.path().join(".output.tmp-9-0.lock"), "").unwrap();
        let staging = Staging::begin(&out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
        drop(staging);
    }
}
