//! The images stage, between load and resolve: every picture of `content/media/` is
//! prepared once, in parallel: raster images resized and encoded (from the cache when
//! they were before), SVG drawings sanitised. Resolve keeps the result in the site
//! model, so Markdown bodies and templates can write `srcset`s without reading a file.

use super::{ImageError, Settings, process, sanitize_svg};
use crate::diagnostics::Diagnostic;
use crate::load::YamlFile;
use crate::load::yaml::Kind;
use crate::model::{Picture, PictureKind, Pictures, Resized, paths};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Where the resized copies are kept between builds, below the site's root. It is not
/// part of the content (load never reads it) and can be deleted at any time.
pub const CACHE_DIR: &str = ".klaster-cache/images";

/// The widths and quality the theme asks for (`images:` of theme.yaml, the child theme
/// first), else the defaults.
pub fn settings(theme: &[YamlFile]) -> (Settings, Vec<Diagnostic>) {
    let mut s = Settings::default();
    let mut diags = Vec::new();
    let Some((file, node)) = theme
        .iter()
        .rev()
        .find_map(|t| t.node.get("images").map(|n| (t, n)))
    else {
        return (s, diags);
    };
    let mut bad = |what: &str, n: &crate::load::yaml::Node, help: &str| {
        diags.push(
            Diagnostic::error(
                "theme",
                file.file.rel.clone(),
                format!("`images.{what}` {help}"),
            )
            .at(&file.file.text, n.line, n.column)
            .with_help("e.g. `images: {widths: [320, 640, 1280], quality: 80}`"),
        );
    };
    if let Some(w) = node.get("widths") {
        let widths: Option<Vec<u32>> = match &w.kind {
            Kind::Seq(items) => items
                .iter()
                .map(|i| {
                    i.scalar_text()?
                        .parse::<u32>()
                        .ok()
                        .filter(|v| (1..=8192).contains(v))
                })
                .collect(),
            _ => None,
        };
        match widths {
            Some(v) if !v.is_empty() => s.widths = v,
            _ => bad("widths", w, "must be a list of widths in pixels, 1 to 8192"),
        }
    }
    if let Some(q) = node.get("quality") {
        match q.scalar_text().and_then(|t| t.parse::<u8>().ok()) {
            Some(v) if (1..=100).contains(&v) => s.quality = v,
            _ => bad("quality", q, "must be a number from 1 to 100"),
        }
    }
    (s, diags)
}

fn extension(rel: &str) -> String {
    rel.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether the images stage prepares this media file.
pub fn is_picture(rel: &str) -> bool {
    let ext = extension(rel);
    ext == "svg" || super::is_raster(&ext)
}

fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    crate::write::open_no_follow(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Why a picture could not be prepared.
enum Failed {
    Read(std::io::Error),
    Image(ImageError),
}

impl From<ImageError> for Failed {
    fn from(e: ImageError) -> Failed {
        Failed::Image(e)
    }
}

fn prepare_one(
    abs: &Path,
    rel: &str,
    settings: &Settings,
    cache: &Path,
) -> Result<Picture, Failed> {
    let bytes = read(abs).map_err(Failed::Read)?;
    let ext = extension(rel);
    if ext == "svg" {
        let svg = sanitize_svg(&bytes)?;
        let px = |v: Option<f64>| {
            v.filter(|v| v.is_finite() && *v >= 1.0)
                .map(|v| v.round() as u32)
        };
        return Ok(Picture {
            width: px(svg.width),
            height: px(svg.height),
            kind: PictureKind::Svg(Arc::new(svg.bytes)),
        });
    }
    let p = process(&bytes, &ext, settings, cache)?;
    Ok(Picture {
        width: Some(p.width),
        height: Some(p.height),
        kind: PictureKind::Raster(
            p.variants
                .into_iter()
                .map(|v| Resized {
                    width: v.width,
                    height: v.height,
                    mime: v.format.mime(),
                    path: paths::resized_image(&v.name),
                    file: v.file,
                })
                .collect(),
        ),
    })
}

/// A file as it was when its picture was prepared: size and modification time.
type Stamp = (u64, SystemTime);

/// Pictures prepared by earlier runs of this process (`serve`), by file: an edit of
/// one record then neither reads nor hashes every photo of the site again, only those
/// whose size or modification time changed. Forgotten when the theme's settings change.
#[derive(Default)]
pub struct Memo(Mutex<Remembered>);

#[derive(Default)]
struct Remembered {
    /// The settings the pictures were made with.
    settings: Option<Settings>,
    files: HashMap<PathBuf, (Stamp, Picture)>,
}

fn stamp(abs: &Path) -> Option<Stamp> {
    let m = std::fs::symlink_metadata(abs).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// Whether the cache still has every copy of a remembered picture.
fn copies_exist(p: &Picture) -> bool {
    match &p.kind {
        PictureKind::Raster(copies) => copies.iter().all(|c| c.file.is_file()),
        PictureKind::Svg(_) => true,
    }
}

/// Prepares every picture among `media`, with a diagnostic for each that cannot be
/// read, decoded or sanitised; with a `memo`, unchanged files are taken from it.
pub fn prepare(
    media: &BTreeMap<String, (PathBuf, u64)>,
    settings: &Settings,
    root: &Path,
    memo: Option<&Memo>,
) -> (Pictures, Vec<Diagnostic>) {
    let cache = root.join(CACHE_DIR);
    let remembered = |abs: &Path| -> Option<Picture> {
        let guard = memo?.0.lock().ok()?;
        if guard.settings.as_ref() != Some(settings) {
            return None;
        }
        let (was, picture) = guard.files.get(abs)?;
        (stamp(abs).as_ref() == Some(was) && copies_exist(picture)).then(|| picture.clone())
    };
    let results: Vec<(String, Result<Picture, Failed>)> = media
        .par_iter()
        .filter(|(rel, _)| is_picture(rel))
        .map(|(rel, (abs, _))| {
            let picture = match remembered(abs) {
                Some(p) => Ok(p),
                None => {
                    // Stamped before reading: a save during the read is seen next time.
                    let before = stamp(abs);
                    let made = prepare_one(abs, rel, settings, &cache);
                    if let (Some(memo), Some(before), Ok(p)) = (memo, before, &made)
                        && let Ok(mut guard) = memo.0.lock()
                    {
                        if guard.settings.as_ref() != Some(settings) {
                            *guard = Remembered {
                                settings: Some(settings.clone()),
                                files: HashMap::new(),
                            };
                        }
                        guard.files.insert(abs.clone(), (before, p.clone()));
                    }
                    made
                }
            };
            (rel.clone(), picture)
        })
        .collect();
    let mut pictures = Pictures::new();
    let mut diags = Vec::new();
    for (rel, r) in results {
        match r {
            Ok(p) => {
                pictures.insert(rel, p);
            }
            Err(Failed::Image(e)) => {
                let mut d =
                    Diagnostic::error("image", format!("content/media/{rel}"), e.to_string());
                if let Some(h) = e.help() {
                    d = d.with_help(h);
                }
                diags.push(d);
            }
            Err(Failed::Read(e)) => diags.push(Diagnostic::error(
                "io",
                format!("content/media/{rel}"),
                format!("the file cannot be read: {e}"),
            )),
        }
    }
    (pictures, diags)
}
