//! Reading a theme and the themes it extends.
//!
//! A theme is `themes/<name>/` with `theme.yaml`, `templates/*.html`, `static/` and
//! `i18n/<lang>.yaml`. With `extends: <parent>` it overrides only what it has; the
//! rest comes from the parent. Files are read and flattened here; what they mean
//! (strings, required templates, reserved names) is resolve's job.

use super::{SourceFile, YamlFile, files, parse_yaml, rel_path};
use crate::diagnostics::Diagnostic;
use crate::model::StaticFile;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// A theme as read from disk: the files of it and of the themes it extends, not yet
/// merged or checked (resolve does that).
#[derive(Debug, Default)]
pub struct LoadedTheme {
    /// The theme and its ancestors, child first.
    pub chain: Vec<String>,
    /// Template name → file; a child's template replaces its parent's.
    pub templates: BTreeMap<String, Arc<SourceFile>>,
    /// Output path → file; a child's file replaces its parent's.
    pub static_files: BTreeMap<String, StaticFile>,
    /// `i18n/<lang>.yaml` files, the root ancestor's first, so later ones win.
    pub i18n: Vec<(String, YamlFile)>,
    /// The `theme.yaml` files, the root ancestor's first.
    pub settings: Vec<YamlFile>,
}

impl LoadedTheme {
    /// A hash of what the theme says besides its templates and static files: its
    /// chain, its interface strings and its settings. When it is the same after an
    /// edit of the theme, only templates or static files changed.
    pub fn strings_and_settings(&self) -> u64 {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut h = DefaultHasher::new();
        self.chain.hash(&mut h);
        for (lang, file) in &self.i18n {
            (lang, &file.file.rel, &file.file.text).hash(&mut h);
        }
        for file in &self.settings {
            (&file.file.rel, &file.file.text).hash(&mut h);
        }
        h.finish()
    }
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

/// The files of one theme: (path inside the theme, contents), and how diagnostics
/// name the theme's folder.
struct ThemeFiles {
    prefix: String,
    files: Vec<(String, Vec<u8>)>,
}

/// The largest static file a theme may have (fonts, images, scripts).
pub const MAX_STATIC_FILE: u64 = 64 * 1024 * 1024;

/// Reads `themes/<name>/` of the site, or the built-in default theme when the site has
/// no folder of that name and asks for `default`. Files that cannot be read, are too
/// large or are symbolic links are reported in `diags` and left out.
fn theme_files(root: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Option<ThemeFiles> {
    let bad_name = name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.');
    if bad_name {
        return None;
    }
    let themes = root.join("themes");
    let dir = themes.join(name);
    let linked = match (files::kind(&themes), files::kind(&dir)) {
        (files::Kind::Link, _) => Some("themes".to_string()),
        (_, files::Kind::Link) => Some(format!("themes/{name}")),
        (files::Kind::Dir, files::Kind::Dir) => {
            let mut found = Vec::new();
            files::walk_sized(root, &dir, diags, |p, size| found.push((p, size)));
            let mut out = Vec::with_capacity(found.len());
            for (p, size) in found {
                let rel = rel_path(root, &p);
                let limit = if rel_path(&dir, &p).starts_with("static/") {
                    MAX_STATIC_FILE
                } else {
                    files::MAX_TEXT_FILE
                };
                if size > limit {
                    diags.push(
                        Diagnostic::error(
                            "limit",
                            rel,
                            format!(
                                "the file is {:.1} MiB; a theme file may be at most {} MiB",
                                size as f64 / (1024.0 * 1024.0),
                                limit / (1024 * 1024)
                            ),
                        )
                        .with_help("make the file smaller or leave it out of the theme"),
                    );
                    continue;
                }
                match crate::write::open_no_follow(&p).and_then(|mut f| {
                    let mut bytes = Vec::with_capacity(size as usize);
                    std::io::Read::read_to_end(&mut f, &mut bytes).map(|_| bytes)
                }) {
                    Ok(bytes) => out.push((rel_path(&dir, &p), bytes)),
                    Err(e) => diags.push(Diagnostic::error(
                        "io",
                        rel,
                        format!("cannot read the theme file: {e}"),
                    )),
                }
            }
            return Some(ThemeFiles {
                prefix: format!("themes/{name}"),
                files: out,
            });
        }
        _ => None,
    };
    if let Some(link) = linked {
        diags.push(files::link_warning(link));
    }
    (name == "default").then(|| ThemeFiles {
        prefix: "themes/default (built in)".to_string(),
        files: embedded::FILES
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect(),
    })
}

fn text_file(prefix: &str, rel: &str, bytes: &[u8]) -> Result<Arc<SourceFile>, Diagnostic> {
    let rel = format!("{prefix}/{rel}");
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Arc::new(SourceFile {
            rel,
            text: text.trim_start_matches('\u{feff}').to_string(),
        })),
        Err(_) => Err(
            Diagnostic::error("encoding", rel, "the file is not UTF-8 text")
                .with_help("save the file as UTF-8"),
        ),
    }
}

/// Loads theme `name` with the themes it extends. The theme is `None` when it cannot
/// be read at all; problems come with it either way.
pub fn load(root: &Path, name: &str) -> (Option<LoadedTheme>, Vec<Diagnostic>) {
    let mut theme = LoadedTheme::default();
    let mut diags = Vec::new();
    let mut chain: Vec<ThemeFiles> = Vec::new();
    let mut current = name.to_string();
    loop {
        if theme.chain.contains(&current) {
            diags.push(Diagnostic::error(
                "theme",
                format!("themes/{current}/theme.yaml"),
                format!(
                    "themes extend each other in a circle: {} → {current}",
                    theme.chain.join(" → ")
                ),
            ));
            return (None, diags);
        }
        let Some(files) = theme_files(root, &current, &mut diags) else {
            let mut available = available_themes(root);
            if !available.iter().any(|t| t == "default") {
                available.push("default".into());
            }
            let names: Vec<&str> = available.iter().map(String::as_str).collect();
            diags.push(
                Diagnostic::error(
                    "theme",
                    "content/site.yaml",
                    format!("the theme `{current}` does not exist in `themes/`"),
                )
                .with_help(crate::diagnostics::suggestion_help(&current, &names)),
            );
            return (None, diags);
        };
        theme.chain.push(current.clone());
        let mut parent = None;
        if let Some((rel, bytes)) = files.files.iter().find(|(p, _)| p == "theme.yaml") {
            match text_file(&files.prefix, rel, bytes)
                .and_then(|f| parse_yaml(&f, &f.text, 0).map(|n| (f, n)))
            {
                Ok((file, node)) => {
                    if let Some(n) = node.get("extends") {
                        match n.as_str() {
                            Some(p) => parent = Some(p.to_string()),
                            None => diags.push(
                                Diagnostic::error(
                                    "theme",
                                    file.rel.clone(),
                                    "`extends` must be the name of a theme",
                                )
                                .at(&file.text, n.line, n.column),
                            ),
                        }
                    }
                    theme.settings.insert(0, YamlFile { file, node });
                }
                Err(d) => diags.push(d),
            }
        }
        chain.push(files);
        match parent {
            Some(p) => current = p,
            None => break,
        }
    }

    // From the root ancestor down, so children override.
    for files in chain.iter().rev() {
        for (rel, bytes) in &files.files {
            if let Some(name) = rel.strip_prefix("templates/") {
                match text_file(&files.prefix, rel, bytes) {
                    Ok(file) => {
                        theme.templates.insert(name.to_string(), file);
                    }
                    Err(d) => diags.push(d),
                }
            } else if let Some(name) = rel.strip_prefix("static/") {
                theme.static_files.insert(
                    name.to_string(),
                    StaticFile {
                        hash: files::short_hash(bytes),
                        bytes: Arc::new(bytes.clone()),
                    },
                );
            } else if let Some(file_name) = rel.strip_prefix("i18n/") {
                let Some(lang) = file_name
                    .strip_suffix(".yaml")
                    .or_else(|| file_name.strip_suffix(".yml"))
                else {
                    continue;
                };
                match text_file(&files.prefix, rel, bytes)
                    .and_then(|f| parse_yaml(&f, &f.text, 0).map(|n| (f, n)))
                {
                    Ok((file, node)) => {
                        theme.i18n.push((lang.to_string(), YamlFile { file, node }))
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
    }
    (Some(theme), diags)
}

fn available_themes(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("themes"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
