//! A scratch file for the bodies of a large site: resolve writes each compressed body
//! there and keeps only where it is; a page, feed entry or search entry that shows the
//! body reads it back. On a site of 2 × 50,000 records the compressed bodies alone
//! were about 200 MB of the model; in the file they are the system's page cache, which
//! it can write out or drop, not the build's memory.
//!
//! The file is the process's own (made unnamed in the system's temporary folder, and
//! gone with the process), never a file of the site: it holds what resolve made from
//! the content, not the content.

use std::fs::File;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where bodies go when they are not kept in memory. Written and read from any thread:
/// each body gets its own place in the file, reserved before it is written.
#[derive(Debug)]
pub struct Spill {
    file: File,
    end: AtomicU64,
}

/// The store of a build that keeps its bodies in a new scratch file, or compressed in
/// memory where none can be made.
pub fn store() -> crate::model::BodyStore {
    Spill::new()
        .map(|s| crate::model::BodyStore::Spilled(std::sync::Arc::new(s)))
        .unwrap_or_default()
}

impl Spill {
    /// A new, empty scratch file; `None` where none can be made (the bodies then stay
    /// in memory).
    pub fn new() -> Option<Spill> {
        if !cfg!(unix) {
            return None;
        }
        let file = tempfile::tempfile().ok()?;
        Some(Spill {
            file,
            end: AtomicU64::new(0),
        })
    }

    /// Writes `bytes`; where they are, or `None` if they could not be written.
    pub fn put(&self, bytes: &[u8]) -> Option<u64> {
        let offset = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        write_at(&self.file, bytes, offset).ok()?;
        Some(offset)
    }

    /// The `len` bytes written at `offset`.
    pub fn get(&self, offset: u64, len: usize) -> Option<Vec<u8>> {
        let mut buf = vec![0; len];
        read_at(&self.file, &mut buf, offset).ok()?;
        Some(buf)
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_put_is_read_back_from_any_thread() {
        let Some(spill) = Spill::new() else {
            // No scratch file on this system: the bodies stay in memory instead.
            return;
        };
        let spill = std::sync::Arc::new(spill);
        let threads: Vec<_> = (0..4u8)
            .map(|t| {
                let spill = spill.clone();
                std::thread::spawn(move || {
                    (0..100u32)
                        .map(|i| {
                            let bytes = vec![t; (i as usize % 17) + 1];
                            (spill.put(&bytes).expect("written"), bytes)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for t in threads {
            for (offset, bytes) in t.join().expect("thread") {
                assert_eq!(spill.get(offset, bytes.len()), Some(bytes));
            }
        }
    }
}
