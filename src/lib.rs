//! klaster: a static site generator for the bilingual websites of innovation clusters.
//!
//! The pipeline runs one way: [`load`] reads files, [`resolve`] validates them and
//! builds the immutable [`model::Site`], [`render`] turns the model and a theme into
//! pages, and [`write`] swaps the result into the output folder atomically.

// A `Diagnostic` is returned on the cold path only (a problem in user content), and it
// is moved once into the run's list, so its size does not matter.
#![allow(clippy::result_large_err)]

pub mod diagnostics;
pub mod i18n;
pub mod images;
pub mod links;
pub mod load;
pub mod markdown;
pub mod markup;
pub mod model;
pub mod output;
pub mod par;
pub mod pictures;
pub mod pipeline;
pub mod precompress;
pub mod progress;
pub mod render;
pub mod report;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod spill;
pub mod write;
