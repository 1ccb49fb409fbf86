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
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Prepares every picture among `media`, with a diagnostic for each that cannot be
/// read, decoded or sanitised.
pub fn prepare(
    media: &BTreeMap<String, (PathBuf, u64)>,
    settings: &Settings,
    root: &Path,
) -> (Pictures, Vec<Diagnostic>) {
    let cache = root.join(CACHE_DIR);
    let results: Vec<(String, Result<Picture, Failed>)> = media
        .par_iter()
        .filter(|(rel, _)| is_picture(rel))
        .map(|(rel, (abs, _))| (rel.clone(), prepare_one(abs, rel, settings, &cache)))
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
