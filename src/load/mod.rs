//! Stage 1: read the site from disk.
//!
//! Walks `content/`, groups sibling files into records, splits front matter from
//! Markdown bodies and parses all YAML into position-carrying [`yaml::Node`]s, in
//! parallel. Nothing here knows what the fields mean: that is `resolve`'s job.

pub mod frontmatter;
pub mod theme;
pub mod yaml;

use crate::diagnostics::Diagnostic;
use crate::model::Collection;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use yaml::Node;

/// A text file of the site, kept for quoting lines in diagnostics.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators.
    pub rel: String,
    pub text: String,
}

/// The Markdown part of a `.md` file.
#[derive(Debug, Clone)]
pub struct Body {
    pub text: String,
    /// Line of the file on which the body starts (1-based).
    pub first_line: usize,
}

/// One file of a record: the shared file (`lang == None`) or a language file.
#[derive(Debug)]
pub struct RawFile {
    pub file: Arc<SourceFile>,
    pub lang: Option<String>,
    /// The front matter or YAML document (a mapping, if valid).
    pub fields: Option<Node>,
    pub body: Option<Body>,
}

/// All files of one record, before validation.
#[derive(Debug)]
pub struct RawRecord {
    pub collection: Collection,
    pub stem: String,
    pub files: Vec<RawFile>,
}

/// A YAML file read as a whole (site.yaml, i18n overrides).
#[derive(Debug)]
pub struct YamlFile {
    pub file: Arc<SourceFile>,
    pub node: Node,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct LoadedContent {
    pub site: Option<YamlFile>,
    pub records: Vec<RawRecord>,
    /// `content/i18n/<lang>.yaml` overrides of interface strings, by language.
    pub i18n: BTreeMap<String, YamlFile>,
    /// Files under `content/media/`: path relative to it → (absolute path, size).
    pub media: BTreeMap<String, (PathBuf, u64)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Converts a path under `root` to the `/`-separated form used in diagnostics.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Files editors and operating systems leave behind, never content.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "Thumbs.db"
        || name == "desktop.ini"
}

/// Reads a file as UTF-8, or explains where it is not.
pub fn read_text(root: &Path, path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    let rel = rel_path(root, path);
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error("io", rel.clone(), format!("cannot read the file: {e}")))?;
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(Arc::new(SourceFile { rel, text }))
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

/// Parses a YAML file; a syntax error becomes a diagnostic.
pub fn parse_yaml(
    file: &Arc<SourceFile>,
    text: &str,
    line_offset: usize,
) -> Result<Node, Diagnostic> {
    match yaml::parse(text) {
        Ok(mut node) => {
            node.shift_lines(line_offset);
            Ok(node)
        }
        Err(e) => {
            let line = if e.line > 0 { e.line + line_offset } else { 0 };
            Err(Diagnostic::error(
                "yaml",
                file.rel.clone(),
                format!("YAML syntax error: {}", e.message),
            )
            .at(&file.text, line, e.column)
            .with_help("check indentation, colons and quotes on this line and the one before it"))
        }
    }
}

/// Splits a record file name into (stem, language, is_markdown):
/// `tehnopol.en.md` → (`tehnopol`, Some(`en`), true).
fn split_name(name: &str) -> Option<(String, Option<String>, bool)> {
    let (base, ext) = name.rsplit_once('.')?;
    let md = match ext {
        "md" | "markdown" => true,
        "yaml" | "yml" => false,
        _ => return None,
    };
    if let Some((stem, lang)) = base.rsplit_once('.')
        && looks_like_lang(lang)
    {
        return Some((stem.to_string(), Some(lang.to_string()), md));
    }
    Some((base.to_string(), None, md))
}

/// A BCP 47-looking tag: `en`, `et`, `pt-BR`, `zh-Hant`.
fn looks_like_lang(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Reads `content/` under `root`.
pub fn load_content(root: &Path) -> LoadedContent {
    let content = root.join("content");
    let mut out = LoadedContent::default();
    if !content.is_dir() {
        out.diagnostics.push(
            Diagnostic::error("site", "content", "there is no `content/` folder")
                .with_help("run klaster in a site folder, give --root, or create one with `klaster init <dir>`"),
        );
        return out;
    }

    // site.yaml
    let site_path = content.join("site.yaml");
    if site_path.is_file() {
        match read_text(root, &site_path) {
            Ok(file) => match parse_yaml(&file, &file.text, 0) {
                Ok(node) => out.site = Some(YamlFile { file, node }),
                Err(d) => out.diagnostics.push(d),
            },
            Err(d) => out.diagnostics.push(d),
        }
    } else {
        out.diagnostics.push(
            Diagnostic::error(
                "site",
                "content/site.yaml",
                "`content/site.yaml` is missing",
            )
            .with_help(
                "every site needs it: title, languages and base_url at least (see docs/content.md)",
            ),
        );
    }

    // Collect paths first (cheap), then read and parse in parallel.
    let mut record_paths: Vec<(Collection, PathBuf)> = Vec::new();
    let mut i18n_paths: Vec<(String, PathBuf)> = Vec::new();
    let entries = match std::fs::read_dir(&content) {
        Ok(e) => e,
        Err(e) => {
            out.diagnostics.push(Diagnostic::error(
                "io",
                "content",
                format!("cannot read `content/`: {e}"),
            ));
            return out;
        }
    };
    let mut top: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    top.sort();
    for path in top {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_ignored(&name) || name == "site.yaml" {
            continue;
        }
        let rel = rel_path(root, &path);
        if path.is_dir() {
            if let Some(collection) = Collection::from_name(&name) {
                walk_files(root, &path, &mut out.diagnostics, |p| {
                    record_paths.push((collection, p))
                });
            } else if name == "media" {
                walk_files(root, &path, &mut out.diagnostics, |p| {
                    let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
                    let key = rel_path(&path, &p);
                    out.media.insert(key, (p, size));
                });
            } else if name == "i18n" {
                walk_files(root, &path, &mut out.diagnostics, |p| {
                    let file = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    if let Some(lang) = file
                        .strip_suffix(".yaml")
                        .or_else(|| file.strip_suffix(".yml"))
                    {
                        i18n_paths.push((lang.to_string(), p));
                    }
                });
            } else {
                let names: Vec<&str> = Collection::ALL
                    .iter()
                    .map(|c| c.name())
                    .chain(["media", "i18n"])
                    .collect();
                out.diagnostics.push(
                    Diagnostic::warning(
                        "unknown-folder",
                        rel,
                        format!("the folder `{name}` is not read"),
                    )
                    .with_help(crate::diagnostics::suggestion_help(&name, &names)),
                );
            }
        } else {
            out.diagnostics.push(
                Diagnostic::warning(
                    "unknown-file",
                    rel,
                    "this file is not part of any collection and is not read",
                )
                .with_help("records go in a collection folder such as `content/pages/`"),
            );
        }
    }

    // Record files, in parallel.
    let parsed: Vec<Result<(Collection, String, RawFile), Vec<Diagnostic>>> = record_paths
        .par_iter()
        .map(|(collection, path)| load_record_file(root, *collection, path))
        .collect();
    let mut by_id: BTreeMap<(Collection, String), Vec<RawFile>> = BTreeMap::new();
    for item in parsed {
        match item {
            Ok((c, stem, file)) => by_id.entry((c, stem)).or_default().push(file),
            Err(mut d) => out.diagnostics.append(&mut d),
        }
    }
    for ((collection, stem), mut files) in by_id {
        files.sort_by(|a, b| {
            a.lang
                .cmp(&b.lang)
                .then_with(|| a.file.rel.cmp(&b.file.rel))
        });
        out.records.push(RawRecord {
            collection,
            stem,
            files,
        });
    }

    for (lang, path) in i18n_paths {
        match read_text(root, &path)
            .and_then(|file| parse_yaml(&file, &file.text, 0).map(|node| (file, node)))
        {
            Ok((file, node)) => {
                out.i18n.insert(lang, YamlFile { file, node });
            }
            Err(d) => out.diagnostics.push(d),
        }
    }
    out
}

/// Lists the regular files below `dir` in a stable order, skipping editor leftovers
/// and reporting symbolic links, which are not followed (they could leave the site).
fn walk_files(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>, mut f: impl FnMut(PathBuf)) {
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
    {
        match entry {
            Ok(e) if e.file_type().is_file() => f(e.into_path()),
            Ok(e) if e.path_is_symlink() => diags.push(
                Diagnostic::warning(
                    "symlink",
                    rel_path(root, e.path()),
                    "symbolic links are not followed",
                )
                .with_help("copy the file into the site instead of linking to it"),
            ),
            Ok(_) => {}
            Err(e) => diags.push(Diagnostic::error(
                "io",
                e.path().map(|p| rel_path(root, p)).unwrap_or_default(),
                format!("cannot read: {e}"),
            )),
        }
    }
}

fn load_record_file(
    root: &Path,
    collection: Collection,
    path: &Path,
) -> Result<(Collection, String, RawFile), Vec<Diagnostic>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rel = rel_path(root, path);
    let Some((stem, lang, md)) = split_name(&name) else {
        return Err(vec![
            Diagnostic::warning(
                "unknown-file",
                rel,
                "only `.md` and `.yaml` files are records; this one is not read",
            )
            .with_help("images and documents go in `content/media/`"),
        ]);
    };
    let file = read_text(root, path).map_err(|d| vec![d])?;
    let (fields, body) = if md {
        match frontmatter::split(&file.text) {
            Some(split) => {
                let fields = parse_yaml(&file, split.yaml, split.yaml_first_line - 1)
                    .map_err(|d| vec![d])?;
                let body = Body {
                    text: split.body.to_string(),
                    first_line: split.body_first_line,
                };
                (Some(fields), Some(body))
            }
            None => {
                return Err(vec![
                    Diagnostic::error("front-matter", rel, "a Markdown record must begin with front matter")
                        .at(&file.text, 1, 1)
                        .with_help("start the file with a line `---`, the fields (`title: ...`), and another `---`"),
                ]);
            }
        }
    } else {
        (
            Some(parse_yaml(&file, &file.text, 0).map_err(|d| vec![d])?),
            None,
        )
    };
    Ok((
        collection,
        stem,
        RawFile {
            file,
            lang,
            fields,
            body,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_record_names() {
        assert_eq!(
            split_name("tehnopol.en.md"),
            Some(("tehnopol".into(), Some("en".into()), true))
        );
        assert_eq!(
            split_name("tehnopol.yaml"),
            Some(("tehnopol".into(), None, false))
        );
        assert_eq!(
            split_name("a.pt-BR.md"),
            Some(("a".into(), Some("pt-BR".into()), true))
        );
        assert_eq!(split_name("v1.2.md"), Some(("v1.2".into(), None, true)));
        assert_eq!(split_name("logo.png"), None);
    }
}
