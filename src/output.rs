//! What render hands to write: files of the built site, pushed one by one into a
//! [`Sink`] as soon as each is ready, so a build never has to hold the whole output.
//! `build` writes them into the temporary output folder (`write::Staging`), `serve`
//! keeps them in memory, `check` discards them.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// What a file of the output holds.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    Shared(Arc<Vec<u8>>),
    /// A file copied as it is (media), by where it is now.
    Copy(PathBuf),
}

impl Content {
    /// The bytes, when they are in memory.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Content::Bytes(b) => Some(b),
            Content::Shared(b) => Some(b),
            Content::Copy(_) => None,
        }
    }
}

/// One file of the built site, at a `/`-separated path relative to the output folder.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub content: Content,
}

impl OutputFile {
    pub fn text(path: impl Into<String>, text: String) -> OutputFile {
        OutputFile {
            path: path.into(),
            content: Content::Bytes(text.into_bytes()),
        }
    }
}

/// Takes the files of a build as they are made. Called from many threads at once.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> std::io::Result<()>;
}

/// Keeps every file in memory (`serve`, tests).
#[derive(Debug, Default)]
pub struct Collect {
    files: Mutex<Vec<OutputFile>>,
}

impl Collect {
    /// The files received, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Collect {
    fn put(&self, file: OutputFile) -> std::io::Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(file);
        Ok(())
    }
}

/// Drops every file (`check`: everything is rendered, nothing written).
#[derive(Debug, Default)]
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _: OutputFile) -> std::io::Result<()> {
        Ok(())
    }
}
