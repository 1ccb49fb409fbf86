//! The file-system rules of a site: which names are never content, what is done with
//! symbolic links, and how large things may be. One place, used by everything that
//! reads the site (the loader, the theme reader and the `serve` watcher).
//!
//! - **Symbolic links are never followed**, at any level below the site root (files,
//!   folders, `content/` and `themes/` themselves): a link could publish files from
//!   anywhere on the computer, or loop. Each one is reported with a warning that
//!   names it. The site root itself may be reached through a link.
//! - **Limits** keep a broken or hostile site from exhausting the machine; each is
//!   checked before a file is read whole, and breaking one is a clear error naming
//!   the file (docs/content.md, "Limits").

use crate::diagnostics::Diagnostic;
use std::io::Read as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The largest text file (Markdown, YAML, template, interface strings) klaster reads.
pub const MAX_TEXT_FILE: u64 = 4 * 1024 * 1024;
/// The most text all of a site's files may add up to.
pub const MAX_TOTAL_TEXT: u64 = 1024 * 1024 * 1024;
/// The most files `content/` may hold (records, media and all).
pub const MAX_FILES: usize = 500_000;

/// FNV-1a of some bytes, short: enough to tell versions of a file apart (a static
/// file's `?v=` in URLs, the text a translation was made from).
pub fn short_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{:08x}", h as u32 ^ (h >> 32) as u32)
}

/// Files editors and operating systems leave behind, never content: hidden files,
/// editor backups and swap files (`x~`, `#x#`, `.x.swp`, `.swo`, `.swx`, `4913`),
/// downloads in progress (`.part`, `.crdownload`), JetBrains' safe-write files and
/// system files (`Thumbs.db`, `desktop.ini`).
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".crdownload")
        || name.ends_with(".part")
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || name == "4913"
        || name == "Thumbs.db"
        || name == "desktop.ini"
}

/// What is at a path, without following a symbolic link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Link,
    Missing,
    Other,
}

pub fn kind(path: &Path) -> Kind {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Kind::Link,
        Ok(m) if m.is_dir() => Kind::Dir,
        Ok(m) if m.is_file() => Kind::File,
        Ok(_) => Kind::Other,
        Err(_) => Kind::Missing,
    }
}

/// The warning for a symbolic link that was not followed.
pub fn link_warning(rel: String) -> Diagnostic {
    Diagnostic::warning(
        "symlink",
        rel,
        "this is a symbolic link; klaster does not follow links, so it is left out",
    )
    .with_help("copy the file or folder into the site instead of linking to it")
}

/// Converts a path under `root` to the `/`-separated form used in diagnostics.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A text file of the site, kept for quoting lines in diagnostics.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators.
    pub rel: String,
    pub text: String,
}

/// Counts the text read in one run against [`MAX_TOTAL_TEXT`].
#[derive(Debug, Default)]
pub struct Budget {
    read: AtomicU64,
}

/// A site whose Markdown files add up to at most this many bytes keeps their bodies in
/// memory from loading to resolving, so that each file is read once. A larger site
/// keeps where each body is and resolve reads it again, so that its text is never all
/// in memory at once. A 2 x 10,000 site has about 60 MiB, a 2 x 50,000 one about 300.
pub const KEEP_BODIES: u64 = 64 * 1024 * 1024;

impl Budget {
    fn take(&self, bytes: u64) -> bool {
        self.read.fetch_add(bytes, Ordering::Relaxed) + bytes <= MAX_TOTAL_TEXT
    }
}

/// Whether a character is one no text should hold: C0 controls other than tab and
/// line ends, DEL and the C1 controls.
pub fn is_forbidden_control(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || ('\u{7f}'..='\u{9f}').contains(&c)
}

/// Whether `bytes` may hold a forbidden control character: a C0 control other than
/// tab and line ends, DEL, or the first byte of a C1 control in UTF-8 (0xC2). Checked
/// in blocks without stopping at each byte, which the compiler turns into vector
/// instructions: every file of a site goes through here.
fn has_suspect_byte(bytes: &[u8]) -> bool {
    bytes.chunks(64).any(|block| {
        block.iter().fold(false, |found, &b| {
            let c0 = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
            found | c0 | (b == 0x7f) | (b == 0xc2)
        })
    })
}

/// Replaces forbidden control characters by U+FFFD, returning where the first was
/// (1-based line and column) when there was one.
pub fn replace_controls(text: &mut String) -> Option<(usize, usize, char)> {
    // Most texts have none: C0 controls and DEL are single bytes, and C1 controls
    // (U+0080 to U+009F) begin with 0xC2 in UTF-8, so a byte scan rules them out.
    if !has_suspect_byte(text.as_bytes()) {
        return None;
    }
    let first = text
        .char_indices()
        .find(|(_, c)| is_forbidden_control(*c))?;
    let before = &text[..first.0];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    *text = text
        .chars()
        .map(|c| {
            if is_forbidden_control(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    Some((line, column, first.1))
}

/// Makes a `\r` that is not followed by `\n` (the line end of old Mac files) a `\n`.
/// YAML and Markdown read such a `\r` as a line end; the rest of klaster counts lines
/// by `\n`, so without this a position would name another line than the parser's.
/// Returns whether it changed anything.
pub fn normalize_line_ends(text: &mut String) -> bool {
    if !text.contains('\r') {
        return false;
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            out.push_str(&text[start..i]);
            out.push('\n');
            start = i + 1;
        }
    }
    if start == 0 {
        return false;
    }
    out.push_str(&text[start..]);
    *text = out;
    true
}

/// Reads a file as UTF-8 text, or explains why it cannot be: too large, not UTF-8,
/// unreadable, or a symbolic link. A byte-order mark is dropped; a lone `\r` becomes
/// `\n`; control characters are replaced by U+FFFD with a warning in `warnings`.
pub fn read_text(
    root: &Path,
    path: &Path,
    budget: &Budget,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Arc<SourceFile>, Diagnostic> {
    read_text_at(root, path, None, budget, warnings).map(|(f, _)| f)
}

/// A file's length and time as the walk of its folder measured them: the file is not
/// measured again when it is read (a system call for each of the tens of thousands of
/// Markdown files of a large site).
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

impl From<&std::fs::Metadata> for Measured {
    fn from(m: &std::fs::Metadata) -> Measured {
        Measured {
            len: m.len(),
            modified: m.modified().ok(),
        }
    }
}

/// Where a text came from, so a part of it can be read again later: the file's
/// length and time when it was read, and whether the text differs from the bytes
/// (a byte-order mark dropped, control characters replaced, lone `\r` made `\n`).
#[derive(Debug, Clone)]
pub struct Origin {
    pub path: std::path::PathBuf,
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
    /// Bytes before the text in the file (3 for a byte-order mark).
    pub skipped: u64,
    /// Control characters or line ends were replaced: the text is not the file's.
    pub altered: bool,
}

/// The bytes of `file`, whose length was measured as `len`. A file that gives that
/// many bytes is taken as read: asking again for the end (as `read_to_end` does)
/// would be a second system call for every file of the site. A file that gives fewer,
/// or was empty when measured, is read to its end, and one that grew is read to at
/// most one byte past [`MAX_TEXT_FILE`].
fn read_measured(file: &mut std::fs::File, len: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; len as usize];
    let mut filled = 0;
    while filled < bytes.len() {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    if len == 0 || filled < len as usize {
        file.take(MAX_TEXT_FILE + 1 - filled as u64)
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// [`read_text`], with where the text came from; `measured` is what the walk measured
/// of the file, when it did.
pub fn read_text_at(
    root: &Path,
    path: &Path,
    measured: Option<Measured>,
    budget: &Budget,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Arc<SourceFile>, Origin), Diagnostic> {
    let rel = rel_path(root, path);
    let io_error = |e: std::io::Error| {
        Diagnostic::error("io", rel.clone(), format!("cannot read the file: {e}"))
    };
    let mut file = crate::write::open_no_follow(path).map_err(|e| {
        if kind(path) == Kind::Link {
            link_warning(rel.clone())
        } else {
            io_error(e)
        }
    })?;
    let Measured { len, modified } = match measured {
        Some(m) => m,
        None => Measured::from(&file.metadata().map_err(io_error)?),
    };
    if len > MAX_TEXT_FILE {
        return Err(too_large(rel.clone(), len));
    }
    if !budget.take(len) {
        return Err(Diagnostic::error(
            "limit",
            rel.clone(),
            format!(
                "the site's text files add up to more than {} MiB; klaster stops reading here",
                MAX_TOTAL_TEXT / (1024 * 1024)
            ),
        )
        .with_help("split the site, or move large texts into documents under content/media/"));
    }
    let bytes = read_measured(&mut file, len).map_err(io_error)?;
    if bytes.len() as u64 > MAX_TEXT_FILE {
        return Err(too_large(rel.clone(), bytes.len() as u64));
    }
    let read = bytes.len() as u64;
    let mut text = decode(&rel, bytes)?;
    let mut origin = Origin {
        path: path.to_path_buf(),
        len: read,
        modified,
        skipped: read - text.len() as u64,
        altered: false,
    };
    // Same length, but no longer the file's bytes.
    origin.altered = normalize_line_ends(&mut text);
    if let Some((line, column, c)) = replace_controls(&mut text) {
        origin.altered = true;
        warnings.push(
            Diagnostic::warning(
                "control-character",
                rel.clone(),
                format!(
                    "the file contains a control character (U+{:04X}); it is shown as \u{fffd}",
                    c as u32
                ),
            )
            .at(&text, line, column)
            .with_help(
                "delete the character: it is invisible in most editors and has no place in a text",
            ),
        );
    }
    Ok((Arc::new(SourceFile { rel, text }), origin))
}

/// Reads `len` bytes at `start` of a file read before, as text: the body of a
/// Markdown file, which is not kept in memory between loading and resolving. Fails
/// when the file is no longer the one that was read.
pub fn read_part(origin: &Origin, start: u64, len: u64, rel: &str) -> Result<String, Diagnostic> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let changed = || {
        Diagnostic::error(
            "io",
            rel.to_string(),
            "the file changed while klaster was reading the site",
        )
        .with_help("build again once the file is saved")
    };
    let mut file = crate::write::open_no_follow(&origin.path).map_err(|_| changed())?;
    let meta = file.metadata().map_err(|_| changed())?;
    if meta.len() != origin.len || meta.modified().ok() != origin.modified {
        return Err(changed());
    }
    let mut bytes = vec![0; len as usize];
    file.seek(SeekFrom::Start(origin.skipped + start))
        .and_then(|_| file.read_exact(&mut bytes))
        .map_err(|_| changed())?;
    String::from_utf8(bytes).map_err(|_| changed())
}

fn too_large(rel: String, len: u64) -> Diagnostic {
    Diagnostic::error(
        "limit",
        rel,
        format!(
            "the file is {:.1} MiB; text files may be at most {} MiB",
            len as f64 / (1024.0 * 1024.0),
            MAX_TEXT_FILE / (1024 * 1024)
        ),
    )
    .with_help(
        "split the text into several records, or attach long documents as files in content/media/",
    )
}

/// UTF-8 text from bytes, or a diagnostic at the first invalid byte.
fn decode(rel: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(text)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let before = &bytes[..valid];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map(|i| i + 1)
                .unwrap_or(0);
            let column = String::from_utf8_lossy(&bytes[line_start..valid])
                .chars()
                .count()
                + 1;
            let mut d = Diagnostic::error(
                "encoding",
                rel,
                format!(
                    "the file is not UTF-8 text (invalid byte 0x{:02X})",
                    bytes[valid]
                ),
            )
            .with_help("save the file as UTF-8 in your editor (\"Save with encoding\" → UTF-8)");
            d.line = line;
            d.column = column;
            d.source_line = Some(
                String::from_utf8_lossy(&bytes[line_start..])
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string(),
            );
            Err(d)
        }
    }
}

/// Lists the regular files below `dir` in a stable order, skipping editor leftovers
/// and reporting symbolic links (not followed) and unreadable entries. Stops with an
/// error past [`MAX_FILES`]. The walk asks the system for no file's metadata (the
/// folder listing says what is a file); [`walk_sized`] does, where sizes are needed.
pub fn walk_files(
    root: &Path,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    mut f: impl FnMut(std::path::PathBuf),
) {
    walk(root, dir, diags, |e, _| f(e.into_path()));
}

/// [`walk_files`] with the size and time of each Markdown file (`None` for the
/// others): the Markdown decides whether load keeps the bodies ([`KEEP_BODIES`]), and
/// each measurement is a system call, one a file on a site of tens of thousands of
/// records, which reading the file then does without.
pub fn walk_records(
    root: &Path,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    mut f: impl FnMut(std::path::PathBuf, Option<Measured>),
) {
    walk(root, dir, diags, |e, diags| {
        if e.path().extension().is_none_or(|x| x != "md") {
            f(e.into_path(), None);
        } else if let Some(m) = metadata_of(root, &e, diags) {
            f(e.into_path(), Some(Measured::from(&m)));
        }
    });
}

/// [`walk_files`] with each file's size: for media and theme files, which are copied
/// rather than read.
pub fn walk_sized(
    root: &Path,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    mut f: impl FnMut(std::path::PathBuf, u64),
) {
    walk(root, dir, diags, |e, diags| {
        if let Some(size) = size_of(root, &e, diags) {
            f(e.into_path(), size);
        }
    });
}

/// The size of a walked file; a file whose size cannot be read is a problem.
fn size_of(root: &Path, e: &walkdir::DirEntry, diags: &mut Vec<Diagnostic>) -> Option<u64> {
    metadata_of(root, e, diags).map(|m| m.len())
}

/// What the system says of a walked file (not following a symbolic link).
fn metadata_of(
    root: &Path,
    e: &walkdir::DirEntry,
    diags: &mut Vec<Diagnostic>,
) -> Option<std::fs::Metadata> {
    match e.metadata() {
        Ok(m) => Some(m),
        Err(err) => {
            diags.push(Diagnostic::error(
                "io",
                rel_path(root, e.path()),
                format!("cannot read the file's size: {err}"),
            ));
            None
        }
    }
}

fn walk(
    root: &Path,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    mut f: impl FnMut(walkdir::DirEntry, &mut Vec<Diagnostic>),
) {
    let mut count = 0usize;
    // In file name order. Entries sorted together are one folder's, whose paths are
    // the same up to their names: comparing the whole paths gives that order without
    // cutting each name out of its path at every comparison (`sort_by_file_name`),
    // which was most of the sorting of a folder of 10,000 records.
    for entry in walkdir::WalkDir::new(dir)
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
    {
        match entry {
            Ok(e) if e.path_is_symlink() => diags.push(link_warning(rel_path(root, e.path()))),
            Ok(e) if e.file_type().is_file() => {
                count += 1;
                if count > MAX_FILES {
                    diags.push(
                        Diagnostic::error(
                            "limit",
                            rel_path(root, dir),
                            format!("more than {MAX_FILES} files; klaster stops reading here"),
                        )
                        .with_help(
                            "a site may hold at most this many files; remove what is not published",
                        ),
                    );
                    return;
                }
                f(e, diags);
            }
            Ok(_) => {}
            Err(e) => diags.push(Diagnostic::error(
                "io",
                e.path().map(|p| rel_path(root, p)).unwrap_or_default(),
                format!("cannot read: {e}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [
            ".a.yaml.swp",
            "a.yaml~",
            "#a.yaml#",
            ".#a.yaml",
            "4913",
            "a.swo",
            "a.md.part",
            "a.crdownload",
            "a.yaml___jb_tmp___",
            "Thumbs.db",
            ".git",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        for name in ["a.yaml", "tehnopol.en.md", "logo.svg", "v1.2.md"] {
            assert!(!is_ignored(name), "{name}");
        }
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let mut t = "a: 1\rb: 2\r\nc\r\r\nd\r".to_string();
        normalize_line_ends(&mut t);
        assert_eq!(t, "a: 1\nb: 2\r\nc\n\r\nd\n");
        let mut plain = "x\r\ny\n".to_string();
        normalize_line_ends(&mut plain);
        assert_eq!(plain, "x\r\ny\n");
    }

    #[test]
    fn suspect_bytes_are_found_anywhere_in_a_block() {
        let clean = "plain text\twith tabs\r\nand lines õäöü\n".repeat(9);
        assert!(!has_suspect_byte(clean.as_bytes()));
        for (at, bad) in [
            (0, "\u{1}"),
            (63, "\u{7f}"),
            (64, "\u{85}"),
            (200, "\u{1b}"),
        ] {
            let mut t = clean.clone();
            t.insert_str(at, bad);
            assert!(has_suspect_byte(t.as_bytes()), "{bad:?} at {at}");
        }
    }

    #[test]
    fn control_characters_are_replaced_and_located() {
        let mut t = "ok\nab\u{1b}c\u{0}\n\ttab\r\n".to_string();
        assert_eq!(replace_controls(&mut t), Some((2, 3, '\u{1b}')));
        assert_eq!(t, "ok\nab\u{fffd}c\u{fffd}\n\ttab\r\n");
        let mut clean = "plain\ttext\n".to_string();
        assert_eq!(replace_controls(&mut clean), None);
    }
}
