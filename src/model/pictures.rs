//! Pictures of `content/media/` as the images stage prepared them: for a raster image
//! its size and its resized copies (WebP and a fallback, each at the theme's widths);
//! for an SVG drawing its size and its sanitised bytes. Render turns them into
//! `<picture>`/`srcset` markup and write publishes the copies.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Media path (relative to `content/media/`) → its picture.
pub type Pictures = BTreeMap<String, Picture>;

#[derive(Debug, Clone)]
pub struct Picture {
    /// The size in CSS pixels when it is known (an SVG may give neither).
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub kind: PictureKind,
}

#[derive(Debug, Clone)]
pub enum PictureKind {
    /// Resized copies, WebP first, each format by increasing width.
    Raster(Vec<Resized>),
    /// The drawing with everything that could run a script or fetch from elsewhere
    /// taken out; it replaces the original in the output.
    Svg(Arc<Vec<u8>>),
}

#[derive(Debug, Clone)]
pub struct Resized {
    pub width: u32,
    pub height: u32,
    /// `image/webp`, `image/jpeg` or `image/png`.
    pub mime: &'static str,
    /// Where it is published (`img/<hash>-<width>.webp`, see `paths::resized_image`).
    pub path: String,
    /// The file in the image cache.
    pub file: PathBuf,
}

impl Picture {
    /// The resized copies of one media type.
    pub fn resized(&self, mime: &str) -> impl Iterator<Item = &Resized> {
        let all: &[Resized] = match &self.kind {
            PictureKind::Raster(v) => v,
            PictureKind::Svg(_) => &[],
        };
        all.iter().filter(move |r| r.mime == mime)
    }

    /// The fallback copy (JPEG or PNG) nearest to `width`: the smallest at least that
    /// wide, else the widest. For a favicon or a link preview, which take one file.
    pub fn copy_near(&self, width: u32) -> Option<&Resized> {
        let copies: Vec<&Resized> = self.resized(self.fallback_mime()?).collect();
        copies
            .iter()
            .find(|r| r.width >= width)
            .or(copies.last())
            .copied()
    }

    /// The media type of the fallback copies (JPEG or PNG), for raster pictures.
    pub fn fallback_mime(&self) -> Option<&'static str> {
        match &self.kind {
            PictureKind::Raster(v) => v.iter().map(|r| r.mime).find(|m| *m != "image/webp"),
            PictureKind::Svg(_) => None,
        }
    }
}
