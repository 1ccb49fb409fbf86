//! Stage 1: read the site from disk.
//!
//! Walks `content/`, groups sibling files into records, splits front matter from
//! Markdown bodies and parses all YAML into position-carrying [`yaml::Node`]s, in
//! parallel. Nothing here knows what the fields mean: that is `resolve`'s job.

pub mod files;
pub mod frontmatter;
pub mod theme;
pub mod yaml;

pub use files::{SourceFile, rel_path};

use crate::diagnostics::Diagnostic;
use crate::model::Collection;
use files::{Budget, Kind};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use yaml::Node;

/// The Markdown part of a `.md` file. Bodies are most of a site's text, so past
/// [`files::KEEP_BODIES`] the text is not kept from loading to resolving: resolve reads
/// it again ([`Body::text`]), renders it and keeps only the result.
#[derive(Debug, Clone)]
pub struct Body {
    source: BodySource,
    /// Line of the file on which the body starts (1-based).
    pub first_line: usize,
    /// Whether the body has any text besides white space.
    pub has_text: bool,
}

#[derive(Debug, Clone)]
enum BodySource {
    /// Bytes of a file on disk.
    File {
        origin: Arc<files::Origin>,
        start: u64,
        len: u64,
    },
    /// Kept in memory (texts given in memory, altered when read, or within
    /// [`files::KEEP_BODIES`]).
    Text(String),
}

impl Body {
    /// The length of the body's text in bytes.
    pub fn bytes(&self) -> u64 {
        match &self.source {
            BodySource::Text(t) => t.len() as u64,
            BodySource::File { len, .. } => *len,
        }
    }

    /// The body's text. `rel` names the file in a diagnostic if it cannot be read.
    pub fn text(&self, rel: &str) -> Result<std::borrow::Cow<'_, str>, Diagnostic> {
        match &self.source {
            BodySource::Text(t) => Ok(t.into()),
            BodySource::File { origin, start, len } => {
                files::read_part(origin, *start, *len, rel).map(Into::into)
            }
        }
    }
}

/// One file of a record: the shared file (`lang == None`) or a language file.
#[derive(Debug)]
pub struct RawFile {
    pub file: Arc<SourceFile>,
    pub lang: Option<String>,
    /// The front matter or YAML document (a mapping, if valid).
    pub fields: Option<Node>,
    pub body: Option<Body>,
    /// The file could not be read or parsed (its error is already reported). The
    /// record still exists, so that what refers to it gets no errors of its own: one
    /// mistake, one message.
    pub broken: bool,
}

impl RawFile {
    /// A record file that could not be read or parsed, named by its path.
    fn broken(rel: String, lang: Option<String>) -> RawFile {
        RawFile {
            file: Arc::new(SourceFile {
                rel,
                text: String::new(),
            }),
            lang,
            fields: None,
            body: None,
            broken: true,
        }
    }
}

/// The record a file that failed to load belongs to, from its name, when the failure
/// is an error (not a file that is no record at all).
fn broken_record_file(
    collection: Collection,
    rel: &str,
    error: &Diagnostic,
) -> Option<((Collection, String), RawFile)> {
    if !error.is_error() {
        return None;
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let (stem, lang, _) = split_name(name)?;
    Some(((collection, stem), RawFile::broken(rel.to_string(), lang)))
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
    /// The theme site.yaml names (`default` when it names none), with its ancestors.
    pub theme: Option<theme::LoadedTheme>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The theme name site.yaml gives, `default` when it gives none (resolve reports a
/// `theme:` that is not a name).
fn theme_name(site: Option<&YamlFile>) -> String {
    site.and_then(|s| s.node.get("theme"))
        .and_then(Node::as_str)
        .unwrap_or("default")
        .to_string()
}

/// `content/site.yaml` and the theme it names, for commands that need the settings
/// but not the records.
pub fn load_settings(
    root: &Path,
) -> (
    Option<YamlFile>,
    Option<theme::LoadedTheme>,
    Vec<Diagnostic>,
) {
    let mut diags = Vec::new();
    let path = root.join("content/site.yaml");
    let site = match files::read_text(root, &path, &Budget::default(), &mut diags)
        .and_then(|file| parse_yaml(&file, &file.text, 0).map(|node| YamlFile { file, node }))
    {
        Ok(site) => Some(site),
        Err(d) => {
            diags.push(d);
            None
        }
    };
    let (theme, mut d) = theme::load(root, &theme_name(site.as_ref()));
    diags.append(&mut d);
    (site, theme, diags)
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
            Err(explain_yaml_error(
                file,
                text,
                line_offset,
                line,
                e.column,
                &e.message,
            ))
        }
    }
}

/// A YAML syntax error in words for people who do not know YAML: a tab, a field
/// without its colon and a value with a `: ` in it are named as such; anything else
/// keeps the parser's message.
fn explain_yaml_error(
    file: &Arc<SourceFile>,
    text: &str,
    line_offset: usize,
    line: usize,
    column: usize,
    message: &str,
) -> Diagnostic {
    let error = |msg: String| Diagnostic::error("yaml", file.rel.clone(), msg);
    // A tab anywhere in the YAML: the parser often names the line before it.
    if message.contains("tab")
        && let Some((i, l)) = text.lines().enumerate().find(|(_, l)| l.contains('\t'))
    {
        let col = l.chars().take_while(|c| *c != '\t').count() + 1;
        // (Quoted lines show a tab as →: diagnostics::render_text, the serve overlay.)
        return error("this line has a tab; YAML files must be indented with spaces".into())
            .at(&file.text, i + 1 + line_offset, col)
            .with_help("use spaces instead of a tab (the tab is shown as →)");
    }
    let source = file
        .text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim_end();
    let trimmed = source.trim_start();
    // `category company`: a field name, a space and a value, without the colon.
    if message.contains("expected ':'")
        && let Some((name, value)) = trimmed.split_once(' ')
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !value.trim().is_empty()
    {
        let value = value.trim();
        let indent = source.len() - trimmed.len();
        return error(format!(
            "`{name} {value}` needs a colon after the field name: `{name}: {value}`"
        ))
        .at(&file.text, line, indent + name.len() + 1)
        .with_help(format!("write `{name}: {value}`"));
    }
    // `city: a: b`: a value holding `: ` must be quoted.
    if message.contains("mapping values are not allowed")
        && let Some((name, value)) = trimmed.split_once(": ")
        && value.contains(": ")
    {
        let value = value.trim();
        let quoted = value.replace('"', "\\\"");
        return error(format!(
            "the value of `{name}` contains `: `, which YAML reads as another field"
        ))
        .at(&file.text, line, column)
        .with_help(format!("put the value in quotes: `{name}: \"{quoted}\"`"));
    }
    error(format!("YAML syntax error: {message}"))
        .at(&file.text, line, column)
        .with_help("check indentation, colons and quotes on this line and the one before it")
}

/// Splits a record file name into (stem, language, is_markdown):
/// `tehnopol.en.md` → (`tehnopol`, Some(`en`), true).
pub fn split_name(name: &str) -> Option<(String, Option<String>, bool)> {
    let (base, ext) = name.rsplit_once('.')?;
    let md = match ext {
        "md" | "markdown" => true,
        "yaml" | "yml" => false,
        _ => return None,
    };
    if let Some((stem, lang)) = base.rsplit_once('.')
        && crate::model::is_language_tag(lang)
    {
        return Some((stem.to_string(), Some(lang.to_string()), md));
    }
    Some((base.to_string(), None, md))
}

/// Reads `content/` under `root`.
pub fn load_content(root: &Path) -> LoadedContent {
    let content = root.join("content");
    let mut out = LoadedContent::default();
    match files::kind(&content) {
        Kind::Dir => {}
        Kind::Link => {
            out.diagnostics.push(files::link_warning("content".into()));
            out.diagnostics.push(
                Diagnostic::error(
                    "site",
                    "content",
                    "`content/` is a symbolic link, which klaster does not follow",
                )
                .with_help("make `content/` a real folder of the site"),
            );
            return out;
        }
        _ => {
            out.diagnostics.push(
                Diagnostic::error("site", "content", "there is no `content/` folder")
                    .with_help("run klaster in a site folder, give --root, or create one with `klaster init <dir>`"),
            );
            return out;
        }
    }
    let budget = Budget::default();

    // site.yaml
    let site_path = content.join("site.yaml");
    match files::kind(&site_path) {
        Kind::File => {
            match files::read_text(root, &site_path, &budget, &mut out.diagnostics)
                .and_then(|file| parse_yaml(&file, &file.text, 0).map(|node| (file, node)))
            {
                Ok((file, node)) => out.site = Some(YamlFile { file, node }),
                Err(d) => out.diagnostics.push(d),
            }
        }
        Kind::Link => out.diagnostics.push(
            Diagnostic::error(
                "symlink",
                "content/site.yaml",
                "`content/site.yaml` is a symbolic link, which klaster does not follow",
            )
            .with_help("make content/site.yaml a real file of the site"),
        ),
        _ => out.diagnostics.push(
            Diagnostic::error(
                "site",
                "content/site.yaml",
                "`content/site.yaml` is missing",
            )
            .with_help(
                "every site needs it: title, languages and base_url at least (see docs/content.md)",
            ),
        ),
    }

    // The theme's files are read while the content is.
    let name = theme_name(out.site.as_ref());
    let ((theme, mut d), ()) = rayon::join(
        || theme::load(root, &name),
        || load_records(root, &content, &budget, &mut out),
    );
    out.theme = theme;
    out.diagnostics.append(&mut d);
    out
}

/// The records, media files and interface strings under `content/`.
fn load_records(root: &Path, content: &Path, budget: &Budget, out: &mut LoadedContent) {
    // Collect paths first (cheap), then read and parse in parallel.
    let mut record_paths: Vec<(Collection, PathBuf, Option<files::Measured>)> = Vec::new();
    let mut i18n_paths: Vec<(String, PathBuf)> = Vec::new();
    let entries = match std::fs::read_dir(content) {
        Ok(e) => e,
        Err(e) => {
            out.diagnostics.push(Diagnostic::error(
                "io",
                "content",
                format!("cannot read `content/`: {e}"),
            ));
            return;
        }
    };
    let mut top: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    let mut collection_dirs: Vec<(Collection, PathBuf)> = Vec::new();
    top.sort();
    for path in top {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if files::is_ignored(&name) || name == "site.yaml" {
            continue;
        }
        let rel = rel_path(root, &path);
        match files::kind(&path) {
            Kind::Link => out.diagnostics.push(files::link_warning(rel)),
            Kind::Dir => {
                if let Some(collection) = Collection::from_name(&name) {
                    collection_dirs.push((collection, path));
                } else if name == "media" {
                    files::walk_sized(root, &path, &mut out.diagnostics, |p, size| {
                        let key = rel_path(&path, &p);
                        out.media.insert(key, (p, size));
                    });
                } else if name == "i18n" {
                    files::walk_files(root, &path, &mut out.diagnostics, |p| {
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
            }
            _ => out.diagnostics.push(
                Diagnostic::warning(
                    "unknown-file",
                    rel,
                    "this file is not part of any collection and is not read",
                )
                .with_help("records go in a collection folder such as `content/pages/`"),
            ),
        }
    }
    // The collection folders are walked in parallel, adding up the Markdown files'
    // sizes.
    type Walked = (
        Vec<(Collection, PathBuf, Option<files::Measured>)>,
        u64,
        Vec<Diagnostic>,
    );
    let walked: Vec<Walked> = collection_dirs
        .par_iter()
        .map(|(collection, dir)| {
            let (mut paths, mut markdown, mut diags) = (Vec::new(), 0, Vec::new());
            files::walk_records(root, dir, &mut diags, |p, measured| {
                markdown += measured.map_or(0, |m| m.len);
                paths.push((*collection, p, measured));
            });
            (paths, markdown, diags)
        })
        .collect();
    let mut markdown = 0;
    for (mut paths, bytes, mut diags) in walked {
        record_paths.append(&mut paths);
        markdown += bytes;
        out.diagnostics.append(&mut diags);
    }
    let keep_bodies = markdown <= files::KEEP_BODIES;
    if record_paths.len() + out.media.len() > files::MAX_FILES {
        out.diagnostics.push(
            Diagnostic::error(
                "limit",
                "content",
                format!(
                    "`content/` holds {} files; a site may have at most {}",
                    record_paths.len() + out.media.len(),
                    files::MAX_FILES
                ),
            )
            .with_help("remove what is not published, or split the site"),
        );
        return;
    }

    // Record files, in parallel; each path is freed once its file is read, and a
    // file's path relative to the root is only made for a problem with it (the paths
    // of a large site's files are megabytes beside its texts at the peak of loading).
    type Parsed = (
        Result<(Collection, String, RawFile), (Diagnostic, Collection, String)>,
        Vec<Diagnostic>,
    );
    let parsed: Vec<Parsed> = record_paths
        .into_par_iter()
        .with_max_len(crate::par::PIECE)
        .map(|(collection, path, measured)| {
            let mut warnings = Vec::new();
            let file = (collection, path.as_path(), measured);
            let r = load_record_file(root, file, budget, keep_bodies, &mut warnings)
                .map_err(|d| (d, collection, rel_path(root, &path)));
            (r, warnings)
        })
        .collect();
    let mut by_id: BTreeMap<(Collection, String), Vec<RawFile>> = BTreeMap::new();
    for (item, mut warnings) in parsed {
        out.diagnostics.append(&mut warnings);
        match item {
            Ok((c, stem, file)) => by_id.entry((c, stem)).or_default().push(file),
            Err((d, collection, rel)) => {
                if let Some((id, file)) = broken_record_file(collection, &rel, &d) {
                    by_id.entry(id).or_default().push(file);
                }
                out.diagnostics.push(d);
            }
        }
    }
    out.records = group(by_id);

    for (lang, path) in i18n_paths {
        match files::read_text(root, &path, budget, &mut out.diagnostics)
            .and_then(|file| parse_yaml(&file, &file.text, 0).map(|node| (file, node)))
        {
            Ok((file, node)) => {
                out.i18n.insert(lang, YamlFile { file, node });
            }
            Err(d) => out.diagnostics.push(d),
        }
    }
}

/// The stems of the records in a collection folder (sub-folders included), named as
/// the loader names them (`v1.2.md` is `v1.2`, `tehnopol.en.md` is `tehnopol`).
pub fn record_stems(root: &Path, c: Collection) -> Vec<String> {
    let dir = root.join("content").join(c.name());
    let mut diags = Vec::new();
    let mut stems = Vec::new();
    if files::kind(&dir) == Kind::Dir {
        files::walk_files(root, &dir, &mut diags, |p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some((stem, _, _)) = split_name(&name) {
                stems.push(stem);
            }
        });
    }
    stems.sort();
    stems.dedup();
    stems
}

/// The file of record `id` in `lang` (`<stem>.<lang>.md`, `.yaml` or `.yml`), anywhere
/// in its collection folder, or `None`.
pub fn language_file(root: &Path, id: &crate::model::RecordId, lang: &str) -> Option<PathBuf> {
    let dir = root.join("content").join(id.collection.name());
    let mut diags = Vec::new();
    let mut found = None;
    files::walk_files(root, &dir, &mut diags, |p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if found.is_none()
            && split_name(&name)
                .is_some_and(|(stem, l, _)| stem == id.stem && l.as_deref() == Some(lang))
        {
            found = Some(p);
        }
    });
    found
}

/// Files grouped into records, in id order, each record's files by language.
fn group(by_id: BTreeMap<(Collection, String), Vec<RawFile>>) -> Vec<RawRecord> {
    by_id
        .into_iter()
        .map(|((collection, stem), mut files)| {
            files.sort_by(|a, b| {
                a.lang
                    .cmp(&b.lang)
                    .then_with(|| a.file.rel.cmp(&b.file.rel))
            });
            // Most records have one or two files; a Vec grown by pushing has room
            // for four.
            files.shrink_to_fit();
            RawRecord {
                collection,
                stem,
                files,
            }
        })
        .collect()
}

/// Reads the files of one record again (`serve`, after an edit): `files` are paths
/// relative to `root`, as the model lists them. The diagnostics are those loading the
/// files gives; `None` when one could not be read as a record file.
pub fn reload_record(
    root: &Path,
    collection: Collection,
    files: &[&str],
) -> (Option<RawRecord>, Vec<Diagnostic>) {
    let budget = Budget::default();
    let mut diags = Vec::new();
    let mut by_id: BTreeMap<(Collection, String), Vec<RawFile>> = BTreeMap::new();
    for rel in files {
        let path = root.join(rel);
        if files::kind(&path) != Kind::File {
            return (None, diags);
        }
        match load_record_file(root, (collection, &path, None), &budget, true, &mut diags) {
            Ok((c, stem, file)) => by_id.entry((c, stem)).or_default().push(file),
            Err(d) => {
                diags.push(d);
                return (None, diags);
            }
        }
    }
    let mut records = group(by_id);
    let record = (records.len() == 1).then(|| records.remove(0));
    (record, diags)
}

/// The collection a file at `rel` (relative to the site's root, `/`-separated) would
/// be a record file of, as a whole load would read it: under a collection's folder of
/// `content/`, named as a record file, no part of its path ignored.
pub fn record_collection(rel: &str) -> Option<Collection> {
    let mut parts = rel.split('/');
    if parts.next() != Some("content") {
        return None;
    }
    let collection = Collection::from_name(parts.next()?)?;
    let rest: Vec<&str> = parts.collect();
    let name = rest.last()?;
    let readable =
        rest.iter().all(|p| !p.is_empty() && !files::is_ignored(p)) && split_name(name).is_some();
    readable.then_some(collection)
}

/// The record files in the folder of the record file `rel` (relative to the site's
/// root) whose names give the same record: `news/a.en.md` finds `news/a.yaml` and
/// `news/a.et.md` too, sorted. (A record's files in two folders are a problem a whole
/// load reports.)
pub fn record_siblings(root: &Path, rel: &str) -> Vec<String> {
    let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let Some((stem, _, _)) = split_name(name) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
        return Vec::new();
    };
    let mut found: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !files::is_ignored(n))
        .filter(|n| split_name(n).is_some_and(|(s, _, _)| s == stem))
        .map(|n| format!("{folder}/{n}"))
        .collect();
    found.sort();
    found
}

/// One record file read, or why it could not be.
type Loaded = Result<(Collection, String, RawFile), Diagnostic>;

fn load_record_file(
    root: &Path,
    (collection, path, measured): (Collection, &Path, Option<files::Measured>),
    budget: &Budget,
    keep_body: bool,
    warnings: &mut Vec<Diagnostic>,
) -> Loaded {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rel = rel_path(root, path);
    let Some((stem, lang, md)) = split_name(&name) else {
        return Err(Diagnostic::warning(
            "unknown-file",
            rel,
            "only `.md` and `.yaml` files are records; this one is not read",
        )
        .with_help("images and documents go in `content/media/`"));
    };
    let (file, origin) = files::read_text_at(root, path, measured, budget, warnings)?;
    // Without an origin, parse_record keeps the body's text.
    let keep = origin.altered || keep_body;
    let raw = parse_record(file, lang, md, (!keep).then(|| Arc::new(origin)))?;
    Ok((collection, stem, raw))
}

/// A record file's text split and parsed: front matter and body for Markdown, the
/// whole text for YAML.
fn parse_record(
    file: Arc<SourceFile>,
    lang: Option<String>,
    md: bool,
    origin: Option<Arc<files::Origin>>,
) -> Result<RawFile, Diagnostic> {
    let (file, fields, body) = if md {
        match frontmatter::split(&file.text) {
            Some(split) => {
                let fields = parse_yaml(&file, split.yaml, split.yaml_first_line - 1)?;
                let start = file.text.len() - split.body.len();
                let source = match origin {
                    Some(origin) => BodySource::File {
                        origin,
                        start: start as u64,
                        len: split.body.len() as u64,
                    },
                    None => BodySource::Text(split.body.to_string()),
                };
                let body = Body {
                    source,
                    first_line: split.body_first_line,
                    has_text: !split.body.trim().is_empty(),
                };
                // Only the front matter stays, for quoting its lines in messages.
                let head = Arc::new(SourceFile {
                    rel: file.rel.clone(),
                    text: file.text[..start].to_string(),
                });
                (head, Some(fields), Some(body))
            }
            // Opened with `---` but never closed: say so (the fields would otherwise
            // run to the end of the file).
            None if file
                .text
                .lines()
                .next()
                .is_some_and(|l| l.trim_end() == "---") =>
            {
                return Err(Diagnostic::error(
                    "front-matter",
                    file.rel.clone(),
                    "the front matter that begins on line 1 is never closed",
                )
                .at(&file.text, 1, 1)
                .with_help("add a line `---` after the last field, before the text"));
            }
            None => {
                return Err(Diagnostic::error(
                    "front-matter",
                    file.rel.clone(),
                    "a Markdown record must begin with front matter",
                )
                .at(&file.text, 1, 1)
                .with_help(
                    "start the file with a line `---`, the fields (`title: ...`), and another `---`",
                ));
            }
        }
    } else {
        let fields = parse_yaml(&file, &file.text, 0)?;
        (file, Some(fields), None)
    };
    Ok(RawFile {
        file,
        lang,
        fields,
        body,
        broken: false,
    })
}

/// A site made of texts in memory, for tests and fuzzing: `files` maps paths such as
/// `content/site.yaml` or `content/partners/tehnopol.yaml` to their text; a path
/// under `content/media/` stands for a media file of that many bytes. The theme is the
/// built-in default theme.
pub fn load_memory(files: &[(&str, &str)]) -> LoadedContent {
    let mut out = LoadedContent::default();
    let mut by_id: BTreeMap<(Collection, String), Vec<RawFile>> = BTreeMap::new();
    for (path, text) in files {
        let source = |rel: &str| {
            Arc::new(SourceFile {
                rel: rel.to_string(),
                text: text.to_string(),
            })
        };
        let mut parts = path.split('/');
        let (Some("content"), Some(top)) = (parts.next(), parts.next()) else {
            continue;
        };
        let rest: Vec<&str> = parts.collect();
        if top == "site.yaml" {
            let file = source(path);
            match parse_yaml(&file, &file.text, 0) {
                Ok(node) => out.site = Some(YamlFile { file, node }),
                Err(d) => out.diagnostics.push(d),
            }
        } else if top == "media" {
            out.media
                .insert(rest.join("/"), (PathBuf::from(path), text.len() as u64));
        } else if top == "i18n" {
            let file = source(path);
            let lang = rest.join("/").trim_end_matches(".yaml").to_string();
            match parse_yaml(&file, &file.text, 0) {
                Ok(node) => {
                    out.i18n.insert(lang, YamlFile { file, node });
                }
                Err(d) => out.diagnostics.push(d),
            }
        } else if let Some(c) = Collection::from_name(top) {
            let name = rest.last().copied().unwrap_or_default();
            let Some((stem, lang, md)) = split_name(name) else {
                continue;
            };
            match parse_record(source(path), lang, md, None) {
                Ok(raw) => by_id.entry((c, stem)).or_default().push(raw),
                Err(d) => {
                    if let Some((id, file)) = broken_record_file(c, path, &d) {
                        by_id.entry(id).or_default().push(file);
                    }
                    out.diagnostics.push(d);
                }
            }
        }
    }
    out.records = group(by_id);
    let (theme, mut d) = theme::load(
        Path::new("/nonexistent-site-in-memory"),
        &theme_name(out.site.as_ref()),
    );
    out.theme = theme;
    out.diagnostics.append(&mut d);
    out
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
