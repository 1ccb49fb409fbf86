//! Pre-compressed copies of text files (`klaster build --precompress`): beside
//! `page.html` the build writes `page.html.gz` (gzip) and `page.html.br` (Brotli), so
//! that a server that looks for them (nginx `gzip_static`/`brotli_static`, Caddy's
//! `precompressed`, ...) sends the smaller file without compressing on every request.
//!
//! Only [`EXTENSIONS`] are compressed, only files of at least [`MIN_SIZE`] bytes, and
//! a copy is kept only when it is smaller than the file. The output is the same for
//! the same input: the gzip header carries no time or name.

use crate::output::{Content, OutputFile, Sink};
use std::io::{self, Write};

/// File name endings that get compressed copies.
pub const EXTENSIONS: &[&str] = &["html", "css", "js", "xml", "json", "svg", "txt"];

/// Files smaller than this are sent as they are: compression would gain little.
pub const MIN_SIZE: usize = 1024;

/// The compressed copies of the file at `path` with `bytes`: `(path.gz, ...)` and
/// `(path.br, ...)`, each only if it is worth having.
pub fn variants(path: &str, bytes: &[u8]) -> io::Result<Vec<(String, Vec<u8>)>> {
    if !wanted(path, bytes.len() as u64) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let gz = gzip(bytes)?;
    if gz.len() < bytes.len() {
        out.push((format!("{path}.gz"), gz));
    }
    let br = brotli(bytes)?;
    if br.len() < bytes.len() {
        out.push((format!("{path}.br"), br));
    }
    Ok(out)
}

/// Whether a file of this name and size is worth compressing.
fn wanted(path: &str, len: u64) -> bool {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    len >= MIN_SIZE as u64 && EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
}

fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    // mtime 0 and no file name: the same bytes give the same file.
    let mut enc = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    enc.finish()
}

fn brotli(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

/// A sink that passes every file on and, for the files worth it, its `.gz` and `.br`
/// copies too; counts the copies.
pub struct Precompress<'a> {
    inner: &'a dyn Sink,
    copies: std::sync::atomic::AtomicUsize,
}

impl<'a> Precompress<'a> {
    pub fn new(inner: &'a dyn Sink) -> Precompress<'a> {
        Precompress {
            inner,
            copies: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// How many compressed copies were written.
    pub fn copies(&self) -> usize {
        self.copies.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Sink for Precompress<'_> {
    fn put(&self, f: OutputFile) -> io::Result<()> {
        let extra = match &f.content {
            Content::Bytes(b) => variants(&f.path, b)?,
            Content::Shared(b) => variants(&f.path, b)?,
            Content::Copy(src) => {
                if wanted(&f.path, std::fs::metadata(src)?.len()) {
                    variants(&f.path, &std::fs::read(src)?)?
                } else {
                    Vec::new()
                }
            }
        };
        self.inner.put(f)?;
        for (path, bytes) in extra {
            self.copies
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.inner.put(OutputFile {
                path,
                content: Content::Bytes(bytes),
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn text_files_get_smaller_copies_that_unpack_to_the_same_bytes() {
        let page = "<p>Connected Health</p>\n".repeat(100);
        let v = variants("en/index.html", page.as_bytes()).unwrap();
        let names: Vec<&str> = v.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, ["en/index.html.gz", "en/index.html.br"]);
        let mut unpacked = String::new();
        flate2::read::GzDecoder::new(&v[0].1[..])
            .read_to_string(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, page);
        let mut unpacked = String::new();
        brotli::Decompressor::new(&v[1].1[..], 4096)
            .read_to_string(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, page);
        // The same input gives the same bytes.
        assert_eq!(variants("en/index.html", page.as_bytes()).unwrap(), v);
    }

    #[test]
    fn small_binary_and_incompressible_files_are_left_alone() {
        assert!(variants("a.html", b"<p>short</p>").unwrap().is_empty());
        assert!(variants("logo.png", &[b'a'; 4096]).unwrap().is_empty());
        // Bytes that do not compress (a simple generator's noise).
        let mut x: u32 = 1;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect();
        assert!(variants("noise.txt", &noise).unwrap().is_empty());
    }
}
