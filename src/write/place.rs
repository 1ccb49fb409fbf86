//! Where the output may go: paths made absolute and real (every symbolic link
//! resolved), and the check that the output folder cannot overwrite or hide the site's
//! sources.

use std::path::{Component, Path, PathBuf};

/// Makes `p` absolute and removes `.` and `..` without touching the disk.
pub fn normalize(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The real location of `p` with every symbolic link resolved, also when `p` (or its
/// end) does not exist yet: the longest existing beginning is resolved and the rest
/// appended.
pub fn real_path(p: &Path) -> PathBuf {
    let p = normalize(p);
    let mut existing = p.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return p,
        }
    }
}

/// Refuses an output folder that would overwrite or hide the site's sources: one that
/// is, holds or lies inside `content/` or `themes/` (or a folder they link to), that
/// is or holds the site itself, or that is a file. Paths are compared after every
/// symbolic link is resolved, so an alias of the site cannot get around it.
pub fn check_output(root: &Path, output: &Path) -> Result<(), String> {
    let out = real_path(output);
    if out.parent().is_none() {
        return Err(format!(
            "refusing to use `{}` as the output folder",
            output.display()
        ));
    }
    if std::fs::metadata(output).is_ok_and(|m| !m.is_dir()) {
        return Err(format!(
            "`{}` is a file, not a folder; klaster will not replace it",
            output.display()
        ));
    }
    let root_real = real_path(root);
    if out == root_real || root_real.starts_with(&out) {
        return Err(format!(
            "refusing to write the site into `{}`: it is or contains the site folder itself, which the build would delete",
            output.display()
        ));
    }
    for name in ["content", "themes"] {
        let dir = root.join(name);
        let mut sources = vec![real_path(&dir)];
        // Folders linked from inside content/ and themes/ belong to the site too.
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                if e.file_type().is_ok_and(|t| t.is_symlink()) {
                    sources.push(real_path(&e.path()));
                }
            }
        }
        for src in sources {
            if out == src || src.starts_with(&out) {
                return Err(format!(
                    "refusing to write the site into `{}`: it is or contains the site's `{name}/` folder, which the build would delete",
                    output.display()
                ));
            }
            if out.starts_with(&src) {
                return Err(format!(
                    "refusing to write the site into `{}`: it is inside the site's `{name}/` folder",
                    output.display()
                ));
            }
        }
    }
    Ok(())
}
