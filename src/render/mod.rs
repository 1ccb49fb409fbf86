//! Stage 3: the site model and a theme become output files, in parallel.
//!
//! Rendering is pure: it reads no files (the theme was loaded by `load`, media files are
//! copied by `write`). Template data is built once per language and shared by all pages
//! of that language, so the cost grows with the number of pages, not their square.

pub mod cache;
mod data;
mod feeds;
/// Escapes text for HTML and XML written by code (not templates): feeds, the serve overlay.
pub use feeds::xml_escape as escape_markup;
mod jsonld;
mod pages;
mod search;
pub mod templates;
pub mod values;

use crate::diagnostics::Diagnostic;
use crate::i18n::{Formats, Strings};
use crate::load::theme::Theme;
use crate::model::Site;
use std::path::PathBuf;
use std::sync::Arc;

/// What a file of the output holds.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    Shared(Arc<Vec<u8>>),
    /// A file copied as it is (media).
    Copy(PathBuf),
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

/// Counts of what was rendered, for the summary line.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Language → number of HTML pages.
    pub pages: Vec<(String, usize)>,
    pub files: usize,
    /// Time spent in the parts of rendering, for the benchmark.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// Pages taken unchanged from the previous build (with a render cache).
    pub pages_reused: usize,
}

pub fn render_site(
    site: &Site,
    theme: &Theme,
    strings: Strings,
    progress: Option<&dyn crate::pipeline::Progress>,
    cache: Option<&cache::Cache>,
) -> Result<(Vec<OutputFile>, Stats), Vec<Diagnostic>> {
    let formats = Formats::new(site.config.languages.iter().map(|l| l.code.as_str()));
    pages::render(site, theme, strings, formats, progress, cache)
}
