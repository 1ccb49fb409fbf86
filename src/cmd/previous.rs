//! Removing the output a build replaced, after the build has ended.
//!
//! A site of tens of thousands of pages is as many files and folders; removing the
//! previous copy takes a good part of a second, and made a second build slower than
//! the first. `klaster build` hands it to a klaster process of its own (the hidden
//! `remove-previous` command) and ends as soon as the new site is in place. That
//! process inherits the build's lock file, open and locked, so that no other build
//! takes the folder for a dead build's while it is removed; if it is stopped halfway,
//! the next build removes the rest (`write::repair`).

use klaster::write::{self, Previous};
use std::path::Path;

/// Has the previous output removed in the background where that is possible (Unix),
/// else removes it now.
pub fn remove_later(previous: Previous) {
    #[cfg(unix)]
    if spawn(&previous).is_ok() {
        return;
    }
    previous.remove();
}

/// Starts `klaster remove-previous DIR` with the lock file's descriptor kept open
/// across `exec`, detached from the terminal and with nothing to print.
#[cfg(unix)]
fn spawn(previous: &Previous) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let fd = previous.lock().as_raw_fd();
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.arg("remove-previous")
        .arg(previous.dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // Not stopped by a Ctrl-C meant for the terminal's next command.
        .process_group(0);
    // SAFETY: runs in the child between fork and exec, and only calls fcntl (which is
    // async-signal-safe) on a descriptor the child inherited.
    unsafe {
        cmd.pre_exec(move || {
            if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    // The child is not waited for: this process ends next, and the child with it
    // is adopted by the system.
    cmd.spawn().map(drop)
}

/// `klaster remove-previous DIR`: the process [`remove_later`] starts. Gives way to
/// other work (a lower priority), removes the folder, and exits 0, or 2 if `dir` is
/// not a build's temporary folder.
pub fn run(dir: &Path) -> u8 {
    #[cfg(unix)]
    // SAFETY: nice only changes this process's scheduling priority.
    unsafe {
        libc::nice(10);
    }
    match write::remove_previous(dir) {
        Ok(()) => super::OK,
        Err(e) => {
            eprintln!("error: {e}");
            super::USAGE
        }
    }
}
