//! The cache of processed images: `<hash16>-<width>.<ext>` for each copy and a
//! manifest `<hash16>.json` with the source's size and the list of copies, so that a
//! cache hit needs neither decoding nor reading any image.
//!
//! Builds may run side by side on one cache folder (a `serve` and a `build`, or CI
//! jobs): every file is written under a temporary name in the same folder and renamed
//! into place, which is atomic, and the manifest is written last, so a reader sees
//! either no manifest or one whose files are all there.

use super::raster::Encoded;
use super::{Format, ImageError, Processed, Variant};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Part of every hash: raise it when the output for the same input changes (another
/// resize filter, encoder or encoder version, another file layout), so that old cache
/// entries are not used.
const VERSION: &str = "klaster-images-1 lanczos3 jpeg+png:image-0.25 webp:libwebp-1.3";

/// The name that one image with one set of settings is cached under.
pub(super) struct Key {
    hash16: String,
}

/// The key for `bytes` named as `source`, made at the sorted `widths` and `quality`: a
/// BLAKE3 hash, of which 16 hex digits (64 bits) are kept. That is short enough for
/// file names and, for the few thousand images of a site, far from any collision.
pub(super) fn key(bytes: &[u8], source: Format, widths: &[u32], quality: u8) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(VERSION.as_bytes());
    h.update(&[0]);
    h.update(source.ext().as_bytes());
    h.update(&[0, quality.clamp(1, 100)]);
    h.update(&(widths.len() as u64).to_le_bytes());
    for w in widths {
        h.update(&w.to_le_bytes());
    }
    h.update(bytes);
    let hex = h.finalize().to_hex();
    Key {
        hash16: hex.as_str()[..16].to_string(),
    }
}

/// What the manifest holds.
#[derive(Serialize, Deserialize)]
struct Manifest {
    width: u32,
    height: u32,
    variants: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    width: u32,
    height: u32,
    format: Format,
}

fn file_name(key: &Key, width: u32, format: Format) -> String {
    format!("{}-{width}.{}", key.hash16, format.ext())
}

/// The cache folder as an absolute path, so that [`Variant::file`] stays right when
/// the caller changes its working folder.
fn absolute(dir: &Path) -> PathBuf {
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// The cached result for `key`, when its manifest and every file it lists are there.
/// A manifest that cannot be read is a miss: the image is processed again and the
/// manifest replaced.
pub(super) fn lookup(dir: &Path, key: &Key) -> Option<Processed> {
    let dir = absolute(dir);
    let text = fs::read(dir.join(format!("{}.json", key.hash16))).ok()?;
    let manifest: Manifest = serde_json::from_slice(&text).ok()?;
    if manifest.variants.is_empty() {
        return None;
    }
    let mut variants = Vec::with_capacity(manifest.variants.len());
    for e in manifest.variants {
        let name = file_name(key, e.width, e.format);
        let file = dir.join(&name);
        if !file.is_file() {
            return None;
        }
        variants.push(Variant {
            width: e.width,
            height: e.height,
            format: e.format,
            file,
            name,
        });
    }
    variants.sort_by_key(|v| (v.format, v.width));
    Some(Processed {
        width: manifest.width,
        height: manifest.height,
        variants,
        from_cache: true,
    })
}

/// Writes the `encoded` copies of a `width` × `height` source and then the manifest.
pub(super) fn store(
    dir: &Path,
    key: &Key,
    width: u32,
    height: u32,
    encoded: Vec<Encoded>,
) -> Result<Processed, ImageError> {
    let dir = absolute(dir);
    let cache_error = |source: io::Error| ImageError::Cache {
        path: dir.clone(),
        source,
    };
    fs::create_dir_all(&dir).map_err(cache_error)?;
    let mut variants = Vec::with_capacity(encoded.len());
    for e in encoded {
        let name = file_name(key, e.width, e.format);
        let file = write_atomic(&dir, &name, &e.bytes).map_err(cache_error)?;
        variants.push(Variant {
            width: e.width,
            height: e.height,
            format: e.format,
            file,
            name,
        });
    }
    let manifest = Manifest {
        width,
        height,
        variants: variants
            .iter()
            .map(|v| Entry {
                width: v.width,
                height: v.height,
                format: v.format,
            })
            .collect(),
    };
    let json = serde_json::to_vec(&manifest).map_err(|e| cache_error(io::Error::other(e)))?;
    write_atomic(&dir, &format!("{}.json", key.hash16), &json).map_err(cache_error)?;
    Ok(Processed {
        width,
        height,
        variants,
        from_cache: false,
    })
}

/// Writes `bytes` to `dir/name` by way of a temporary file beside it, so that no
/// reader, in this process or another, ever sees a half-written file.
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let target = dir.join(name);
    let written = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, &target));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written.map(|()| target)
}
