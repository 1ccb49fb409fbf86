//! Stage 4: the rendered files go into a temporary folder beside the output folder,
//! which is swapped in only when everything was written. A failed build leaves the
//! previous output as it was; klaster writes nowhere else.

use crate::render::{Content, OutputFile};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io;
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

/// Refuses an output folder that would overwrite or hide the site's sources.
pub fn check_output(root: &Path, output: &Path) -> Result<(), String> {
    let out = normalize(output);
    if out.parent().is_none() {
        return Err(format!(
            "refusing to use `{}` as the output folder",
            output.display()
        ));
    }
    for name in ["content", "themes"] {
        let src = normalize(&root.join(name));
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
    Ok(())
}

/// A file path of the output, checked so that it cannot leave the output folder.
fn safe_join(base: &Path, rel: &str) -> io::Result<PathBuf> {
    let mut p = base.to_path_buf();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("output path `{rel}` leaves the output folder"),
                ));
            }
            part if part.contains('\\') || part.contains(':') => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("output path `{rel}` is not allowed"),
                ));
            }
            part => p.push(part),
        }
    }
    Ok(p)
}

/// Writes all files into a fresh folder beside `output` and swaps it in.
pub fn write_atomic(output: &Path, files: &[OutputFile]) -> io::Result<()> {
    let output = normalize(output);
    let parent = output
        .parent()
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the output folder has no parent",
            )
        })?
        .to_path_buf();
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    std::fs::create_dir_all(&parent)?;
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    for stale in [&tmp, &old] {
        if stale.exists() {
            std::fs::remove_dir_all(stale)?;
        }
    }
    std::fs::create_dir(&tmp)?;
    let result = write_all(&tmp, files);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // Swap: old output aside, new one in, old one away.
    let had_output = output.exists();
    if had_output {
        std::fs::rename(&output, &old)?;
    }
    if let Err(e) = std::fs::rename(&tmp, &output) {
        if had_output {
            let _ = std::fs::rename(&old, &output);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if had_output {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

fn write_all(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    let mut dirs = BTreeSet::new();
    let mut targets = Vec::with_capacity(files.len());
    for f in files {
        let target = safe_join(dir, &f.path)?;
        if let Some(parent) = target.parent() {
            dirs.insert(parent.to_path_buf());
        }
        targets.push(target);
    }
    for d in &dirs {
        std::fs::create_dir_all(d)?;
    }
    files
        .par_iter()
        .zip(targets.par_iter())
        .try_for_each(|(f, target)| match &f.content {
            Content::Bytes(b) => std::fs::write(target, b),
            Content::Shared(b) => std::fs::write(target, b.as_slice()),
            Content::Copy(src) => std::fs::copy(src, target).map(|_| ()),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_outputs_over_sources() {
        let root = Path::new("/tmp/site");
        assert!(check_output(root, Path::new("/tmp/site/output")).is_ok());
        assert!(check_output(root, Path::new("/tmp/site")).is_err());
        assert!(check_output(root, Path::new("/tmp/site/content")).is_err());
        assert!(check_output(root, Path::new("/tmp/site/themes/x")).is_err());
        assert!(check_output(root, Path::new("/tmp")).is_err());
        assert!(check_output(root, Path::new("/tmp/site/content/../output")).is_ok());
    }

    #[test]
    fn paths_cannot_leave_the_output() {
        assert!(safe_join(Path::new("/o"), "../x").is_err());
        assert_eq!(
            safe_join(Path::new("/o"), "en/index.html").unwrap(),
            PathBuf::from("/o/en/index.html")
        );
    }
}
