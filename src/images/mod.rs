//! Responsive images: the raster images of a site (JPEG, PNG, WebP) are resized to the
//! widths a theme asks for and encoded twice, as WebP for the browsers that take it
//! and in a fallback of the source's own family for the rest, so that a phone does not
//! download a 6000-pixel camera original. SVG drawings are passed through, with
//! everything that could run a script or fetch something from elsewhere taken out.
//!
//! [`process`] caches its output by a hash of the source bytes and the settings, so a
//! build never resizes the same image twice, and builds running side by side can share
//! one cache folder: every file is written under a temporary name and renamed into
//! place.
//!
//! Every problem with an input file is an [`ImageError`] with a message a site's editor
//! can act on; no input, however malformed or hostile, makes these functions panic or
//! allocate without bound.

mod cache;
mod error;
mod raster;
pub mod stage;
mod svg;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub use error::ImageError;
pub use svg::{Svg, sanitize_svg};

/// The largest width and the largest height, in pixels, of an image [`process`] takes.
/// 12000 × 12000 covers any camera a site's photographer has; past it, a file is far
/// more likely a mistake or a decompression bomb than a photo.
pub const MAX_DIMENSION: u32 = 12_000;

/// The most memory, in bytes, that decoding one image may take. A 12000 × 12000 image
/// with alpha needs 576 MB; a 16-bit one twice that, which is refused rather than
/// risking several of them at once on a small build machine.
pub const MAX_DECODE_BYTES: u64 = 1 << 30;

/// What [`process`] makes of each image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The widths, in pixels, to offer in a `srcset`. Order and repeats do not matter;
    /// zeros are ignored.
    pub widths: Vec<u32>,
    /// Encoder quality for JPEG and lossy WebP, 1–100 (values outside are clamped).
    pub quality: u8,
}

impl Default for Settings {
    /// Widths from a small phone's thumbnail up to a full-HD screen, and a quality at
    /// which photos show no visible artefacts at a fraction of the size.
    fn default() -> Settings {
        Settings {
            widths: vec![160, 320, 640, 960, 1280, 1920],
            quality: 80,
        }
    }
}

/// An encoded image format. The order (WebP first) is the order of
/// [`Processed::variants`], which is the order a `<picture>` element lists its sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Webp,
    Jpeg,
    Png,
}

impl Format {
    /// The file name extension, without the dot.
    pub fn ext(&self) -> &'static str {
        match self {
            Format::Webp => "webp",
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }

    /// The media type, for a `<source type=...>` attribute or a server's headers.
    pub fn mime(&self) -> &'static str {
        match self {
            Format::Webp => "image/webp",
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
        }
    }

    /// The name a person knows the format by, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Format::Webp => "WebP",
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
        }
    }

    /// The format of a file name extension (`jpg`, `.JPEG`, `png`, `webp`), if
    /// [`process`] takes it.
    fn from_ext(ext: &str) -> Option<Format> {
        let ext = ext.strip_prefix('.').unwrap_or(ext);
        if ext.eq_ignore_ascii_case("jpg") || ext.eq_ignore_ascii_case("jpeg") {
            Some(Format::Jpeg)
        } else if ext.eq_ignore_ascii_case("png") {
            Some(Format::Png)
        } else if ext.eq_ignore_ascii_case("webp") {
            Some(Format::Webp)
        } else {
            None
        }
    }
}

/// One resized, encoded copy of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// Where the file is in the cache folder (`cache_dir` joined with [`Variant::name`]).
    pub file: PathBuf,
    /// The file name to publish: `<hash16>-<width>.<ext>`. The hash makes it safe to
    /// serve with a far-future cache lifetime: other content gets another name.
    pub name: String,
}

/// The result of [`process`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// The source's width and height after its EXIF orientation is applied, which is
    /// how it is shown, so the ones for `width`/`height` attributes.
    pub width: u32,
    pub height: u32,
    /// Sorted by format ([`Format`]'s order), then by width.
    pub variants: Vec<Variant>,
    /// True when nothing was decoded: the cache had every file.
    pub from_cache: bool,
}

/// True for extensions [`process`] handles: `jpg`, `jpeg`, `png`, `webp`, in any case,
/// with or without a leading dot.
pub fn is_raster(ext: &str) -> bool {
    Format::from_ext(ext).is_some()
}

/// Resizes and encodes the image in `bytes`, whose file name ends in `ext`, to the
/// widths of `settings`, as WebP and as a fallback (JPEG for a JPEG; PNG for a PNG; for
/// a WebP, PNG if it has transparent pixels, else JPEG), with the files in `cache_dir`
/// (created if missing).
///
/// The widths made are each settings width smaller than the source, plus the source's
/// own width if it is no larger than the largest settings width: an image is never
/// scaled up, and one narrower than every settings width gets one variant per format at
/// its own width. With no settings widths at all, that one is made too.
///
/// When the cache already holds the files for these bytes and settings, they are
/// returned without decoding anything. The written files carry no metadata from the
/// source (no camera, no GPS position): only the pixels are encoded.
pub fn process(
    bytes: &[u8],
    ext: &str,
    settings: &Settings,
    cache_dir: &Path,
) -> Result<Processed, ImageError> {
    let source = Format::from_ext(ext).ok_or_else(|| ImageError::Unsupported {
        ext: ext.strip_prefix('.').unwrap_or(ext).to_string(),
    })?;
    let widths = settings_widths(settings);
    let key = cache::key(bytes, source, &widths, settings.quality);
    if let Some(hit) = cache::lookup(cache_dir, &key) {
        return Ok(hit);
    }
    let decoded = raster::decode(bytes, source)?;
    let (width, height) = (decoded.width, decoded.height);
    let fallback = match source {
        Format::Jpeg => Format::Jpeg,
        Format::Png => Format::Png,
        Format::Webp if decoded.has_alpha() => Format::Png,
        Format::Webp => Format::Jpeg,
    };
    let targets = variant_widths(width, &widths);
    let encoded = raster::render(&decoded, &targets, fallback, settings.quality)?;
    cache::store(cache_dir, &key, width, height, encoded)
}

/// The settings widths without zeros, sorted and without repeats.
fn settings_widths(settings: &Settings) -> Vec<u32> {
    let mut widths: Vec<u32> = settings.widths.iter().copied().filter(|&w| w > 0).collect();
    widths.sort_unstable();
    widths.dedup();
    widths
}

/// The widths to make of a source `source_width` pixels wide, smallest first, from the
/// sorted settings `widths` (see [`process`]).
fn variant_widths(source_width: u32, widths: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = widths
        .iter()
        .copied()
        .filter(|&w| w < source_width)
        .collect();
    if widths.last().is_none_or(|&largest| source_width <= largest) {
        out.push(source_width);
    }
    out
}

/// The height of a `width` pixel wide copy of a `source_width` × `source_height`
/// image: the aspect ratio kept, rounded to the nearest pixel, at least one.
fn scaled_height(source_width: u32, source_height: u32, width: u32) -> u32 {
    if width == source_width || source_width == 0 {
        return source_height;
    }
    let h = (u64::from(source_height) * u64::from(width) * 2 + u64::from(source_width))
        / (u64::from(source_width) * 2);
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}
