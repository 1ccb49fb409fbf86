//! What can go wrong with an image, in words for the person who put it on the site.

use super::{Format, MAX_DECODE_BYTES, MAX_DIMENSION};
use std::path::PathBuf;

/// A problem with one image file, or with the cache folder it is processed into.
///
/// [`Display`](std::fmt::Display) says what is wrong in plain words; [`ImageError::help`]
/// says what to do about it, where there is something to say.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The file name ends in an extension no browser-safe image has (or that klaster
    /// does not process).
    #[error("unsupported image format `.{ext}`: use JPEG, PNG, WebP or SVG")]
    Unsupported { ext: String },

    /// The bytes are not an image of the format the file name says, or are damaged.
    #[error("this file is not a readable {} image: {detail}", .format.name())]
    Decode {
        format: Format,
        detail: String,
        /// The format the bytes look like, when that is another one than the name says.
        actual: Option<Format>,
    },

    /// The image's declared size is past [`MAX_DIMENSION`] in width or height. It is
    /// checked before any pixel is decoded.
    #[error(
        "the image is {width} × {height} pixels; the largest klaster processes is \
         {MAX_DIMENSION} × {MAX_DIMENSION}"
    )]
    TooLarge { width: u32, height: u32 },

    /// Decoding would take more memory than [`MAX_DECODE_BYTES`].
    #[error(
        "decoding this image would take more than {} MiB of memory",
        MAX_DECODE_BYTES >> 20
    )]
    TooMuchMemory,

    /// The resizer refused the pixels; not expected for any input, but reported rather
    /// than hidden.
    #[error("could not resize this image: {detail}")]
    Resize { detail: String },

    /// An encoder refused the pixels; not expected for any input, but reported rather
    /// than hidden.
    #[error("could not make the {} copy of this image: {detail}", .format.name())]
    Encode { format: Format, detail: String },

    /// The cache folder could not be created or written.
    #[error("could not write to the image cache folder `{}`: {source}", .path.display())]
    Cache {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file is not well-formed XML.
    #[error("this file is not a readable SVG image: {detail}")]
    Svg { detail: String },

    /// The file is XML, but its root element is not `<svg>`.
    #[error("this file is not an SVG image: its first element is `<{root}>`, not `<svg>`")]
    NotSvg { root: String },

    /// The SVG declares XML entities, which can expand a small file into gigabytes or
    /// pull in other files; it is refused rather than guessed at.
    #[error(
        "this SVG file declares XML entities (`<!ENTITY` in its DOCTYPE), which klaster refuses"
    )]
    SvgEntities,
}

impl ImageError {
    /// What the person can do about the problem, when there is a useful step to name.
    pub fn help(&self) -> Option<String> {
        match self {
            ImageError::Unsupported { .. } => Some(
                "save the image again as JPEG (photos), PNG (screenshots, drawings with \
                 transparency) or SVG (logos and diagrams); any image editor can do it"
                    .to_string(),
            ),
            ImageError::Decode {
                format,
                actual: Some(actual),
                ..
            } => Some(format!(
                "the file's content is a {} image, but its name says {}: rename it to end \
                 in `.{}`",
                actual.name(),
                format.name(),
                actual.ext()
            )),
            ImageError::Decode { format, .. } => Some(format!(
                "the file may be damaged or cut short; open it in an image editor and \
                 export it again as {}",
                format.name()
            )),
            ImageError::TooLarge { .. } | ImageError::TooMuchMemory => Some(
                "scale the image down in an image editor; 4000 pixels on the longer side is \
                 more than any screen shows"
                    .to_string(),
            ),
            ImageError::Resize { .. } | ImageError::Encode { .. } => None,
            ImageError::Cache { .. } => Some(
                "check that the disk is not full and that the folder can be written".to_string(),
            ),
            ImageError::Svg { .. } => Some(
                "open the file in a drawing program (Inkscape, Illustrator) and save it again \
                 as SVG"
                    .to_string(),
            ),
            ImageError::NotSvg { .. } => Some(
                "only SVG drawings can have the `.svg` ending; export the image as SVG or \
                 rename it to its real format"
                    .to_string(),
            ),
            ImageError::SvgEntities => Some(
                "export the drawing again as plain SVG (in Inkscape: Save As → Plain SVG; in \
                 Illustrator: File → Export → SVG)"
                    .to_string(),
            ),
        }
    }
}
