//! Decoding, resizing and encoding of raster images.

use super::{Format, ImageError, MAX_DECODE_BYTES, MAX_DIMENSION, scaled_height};
use fast_image_resize as fr;
use image::codecs::jpeg::{JpegDecoder, JpegEncoder};
use image::codecs::png::{CompressionType, FilterType, PngDecoder, PngEncoder};
use image::codecs::webp::WebPDecoder;
use image::{DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, Limits};
use rayon::prelude::*;
use std::borrow::Cow;
use std::io::Cursor;

/// A decoded source image: 8-bit RGB, or RGBA when some pixel is not opaque.
pub(super) struct Decoded {
    pub width: u32,
    pub height: u32,
    pixels: Vec<u8>,
    alpha: bool,
}

impl Decoded {
    /// Whether some pixel is (partly) transparent. An alpha channel that is opaque
    /// everywhere does not count: the copies are smaller without it, and a WebP source
    /// gets the JPEG fallback a photo should have.
    pub fn has_alpha(&self) -> bool {
        self.alpha
    }

    fn pixel_type(&self) -> fr::PixelType {
        if self.alpha {
            fr::PixelType::U8x4
        } else {
            fr::PixelType::U8x3
        }
    }
}

/// One encoded copy.
pub(super) struct Encoded {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    pub bytes: Vec<u8>,
}

/// Decodes `bytes` as an image of `format`, turned upright by its EXIF orientation.
///
/// The declared size is checked against [`MAX_DIMENSION`] and the memory it needs
/// against [`MAX_DECODE_BYTES`] before any pixel is decoded, so a small file declaring
/// a huge image is refused at once. The decoders are expected never to panic on bad
/// input; if one does all the same, that is this file's error, not the build's end.
pub(super) fn decode(bytes: &[u8], format: Format) -> Result<Decoded, ImageError> {
    std::panic::catch_unwind(|| decode_pixels(bytes, format)).unwrap_or_else(|_| {
        Err(ImageError::Decode {
            format,
            detail: "the decoder stopped on malformed data".to_string(),
            actual: sniff(bytes, format),
        })
    })
}

fn decode_pixels(bytes: &[u8], format: Format) -> Result<Decoded, ImageError> {
    let (decoded, icc) = decode_image(bytes, format)?;
    let (width, height) = (decoded.width(), decoded.height());
    let (mut pixels, alpha) = if decoded.color().has_alpha() {
        let rgba = decoded.into_rgba8();
        if rgba.pixels().all(|p| p.0[3] == u8::MAX) {
            (DynamicImage::ImageRgba8(rgba).into_rgb8().into_raw(), false)
        } else {
            (rgba.into_raw(), true)
        }
    } else {
        (decoded.into_rgb8().into_raw(), false)
    };
    if let Some(icc) = icc {
        to_srgb(&icc, &mut pixels, alpha);
    }
    Ok(Decoded {
        width,
        height,
        pixels,
        alpha,
    })
}

/// Converts pixels in the colour space of an ICC profile to sRGB. Browsers take pixels
/// without a profile as sRGB, and the copies carry none (no metadata is kept): so a
/// photo in Display P3 (as phones take them) or Adobe RGB (as cameras can) would look
/// dull without this. A profile that cannot be read, or that does not fit RGB pixels
/// (a grey or CMYK one), is ignored, as a browser would ignore it.
fn to_srgb(icc: &[u8], pixels: &mut Vec<u8>, alpha: bool) {
    let Ok(profile) = moxcms::ColorProfile::new_from_slice(icc) else {
        return;
    };
    let layout = if alpha {
        moxcms::Layout::Rgba
    } else {
        moxcms::Layout::Rgb
    };
    let srgb = moxcms::ColorProfile::new_srgb();
    let Ok(transform) =
        profile.create_transform_8bit(layout, &srgb, layout, moxcms::TransformOptions::default())
    else {
        return;
    };
    let mut out = vec![0; pixels.len()];
    if transform.transform(pixels, &mut out).is_ok() {
        *pixels = out;
    }
}

/// The decoded image and its ICC profile, if it has one.
type WithProfile = (DynamicImage, Option<Vec<u8>>);

fn decode_image(bytes: &[u8], format: Format) -> Result<WithProfile, ImageError> {
    let err = |e: image::ImageError| decode_error(e, bytes, format);
    let cursor = Cursor::new(bytes);
    match format {
        Format::Jpeg => {
            if !jpeg_complete(bytes) {
                return Err(ImageError::Decode {
                    format,
                    detail: "the file ends before the image does".to_string(),
                    actual: sniff(bytes, format),
                });
            }
            finish(JpegDecoder::new(cursor).map_err(err)?, bytes, format)
        }
        Format::Png => {
            // The PNG decoder takes its limits when it is made, and would refuse a huge
            // size with a message that does not say the size: so only memory is
            // limited here, and the size is checked in `finish`.
            let mut limits = Limits::default();
            limits.max_alloc = Some(MAX_DECODE_BYTES);
            finish(
                PngDecoder::with_limits(cursor, limits).map_err(err)?,
                bytes,
                format,
            )
        }
        Format::Webp => finish(WebPDecoder::new(cursor).map_err(err)?, bytes, format),
    }
}

/// Whether a JPEG's compressed data runs to its end-of-image marker. The JPEG decoder
/// forgives a file cut short and fills the missing part with grey, which a browser would
/// show as a half-loaded picture: better to say the file is damaged. The headers are
/// stepped over by their lengths (an EXIF thumbnail has an end marker of its own), then
/// the marker is looked for after the first scan starts. Bytes that are no JPEG are
/// left to the decoder to refuse.
fn jpeg_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xff, 0xd8]) {
        return true;
    }
    let mut i = 2;
    loop {
        while bytes.get(i) == Some(&0xff) && bytes.get(i + 1) == Some(&0xff) {
            i += 1; // fill bytes before a marker
        }
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(0xff), Some(0xda)) => break,
            (Some(0xff), Some(0x01 | 0xd0..=0xd7)) => i += 2,
            (Some(0xff), Some(_)) => match bytes.get(i + 2..i + 4) {
                Some(&[hi, lo]) => i += 2 + usize::from(u16::from_be_bytes([hi, lo])),
                _ => return false,
            },
            (Some(_), _) => return true,
            (None, _) => return false,
        }
    }
    bytes[i..].windows(2).any(|w| w == [0xff, 0xd9])
}

fn finish(
    mut decoder: impl ImageDecoder,
    bytes: &[u8],
    format: Format,
) -> Result<WithProfile, ImageError> {
    let err = |e: image::ImageError| decode_error(e, bytes, format);
    let (width, height) = decoder.dimensions();
    if width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(ImageError::TooLarge { width, height });
    }
    if width == 0 || height == 0 {
        return Err(ImageError::Decode {
            format,
            detail: "it declares a size of zero pixels".to_string(),
            actual: None,
        });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits.reserve(decoder.total_bytes()).map_err(err)?;
    decoder.set_limits(limits).map_err(err)?;
    // A damaged EXIF block should not cost the picture: it is then shown as stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    // Likewise a damaged profile: the pixels are then taken as sRGB.
    let icc = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(err)?;
    image.apply_orientation(orientation);
    Ok((image, icc))
}

/// The plain-words error for a decoder's error.
fn decode_error(e: image::ImageError, bytes: &[u8], format: Format) -> ImageError {
    match e {
        image::ImageError::Limits(l) => match l.kind() {
            image::error::LimitErrorKind::InsufficientMemory => ImageError::TooMuchMemory,
            _ => ImageError::Decode {
                format,
                detail: l.to_string(),
                actual: None,
            },
        },
        image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            ImageError::Decode {
                format,
                detail: "the file ends before the image does".to_string(),
                actual: sniff(bytes, format),
            }
        }
        other => ImageError::Decode {
            format,
            detail: other.to_string(),
            actual: sniff(bytes, format),
        },
    }
}

/// The format the bytes look like, when it is another one of ours than `named`.
fn sniff(bytes: &[u8], named: Format) -> Option<Format> {
    let actual = match image::guess_format(bytes).ok()? {
        image::ImageFormat::Jpeg => Format::Jpeg,
        image::ImageFormat::Png => Format::Png,
        image::ImageFormat::WebP => Format::Webp,
        _ => return None,
    };
    (actual != named).then_some(actual)
}

/// Every copy of `src` at `widths` (none wider than it), as WebP and as `fallback`,
/// sorted by format, then width. The widths are made in parallel.
pub(super) fn render(
    src: &Decoded,
    widths: &[u32],
    fallback: Format,
    quality: u8,
) -> Result<Vec<Encoded>, ImageError> {
    let quality = quality.clamp(1, 100);
    let per_width: Vec<Result<[Encoded; 2], ImageError>> = widths
        .par_iter()
        .map(|&width| {
            let height = scaled_height(src.width, src.height, width);
            let pixels = resize(src, width, height)?;
            let (webp, other) = rayon::join(
                || encode(&pixels, width, height, src.alpha, Format::Webp, quality),
                || encode(&pixels, width, height, src.alpha, fallback, quality),
            );
            Ok([webp?, other?])
        })
        .collect();
    let mut out = Vec::with_capacity(widths.len() * 2);
    for pair in per_width {
        out.extend(pair?);
    }
    out.sort_by_key(|e| (e.format, e.width));
    Ok(out)
}

/// The pixels of `src` at `width` × `height`: Lanczos3, which keeps fine detail (text
/// in screenshots, hair in portraits) sharper than bilinear or bicubic; with alpha,
/// the colours are premultiplied while resizing so transparent pixels do not bleed.
fn resize(src: &Decoded, width: u32, height: u32) -> Result<Cow<'_, [u8]>, ImageError> {
    if width == src.width && height == src.height {
        return Ok(Cow::Borrowed(&src.pixels));
    }
    let resize_error = |detail: String| ImageError::Resize { detail };
    let view = fr::images::ImageRef::new(src.width, src.height, &src.pixels, src.pixel_type())
        .map_err(|e| resize_error(e.to_string()))?;
    let mut dst = fr::images::Image::new(width, height, src.pixel_type());
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new()
        .resize(&view, &mut dst, &options)
        .map_err(|e| resize_error(e.to_string()))?;
    Ok(Cow::Owned(dst.into_vec()))
}

/// Encodes 8-bit RGB or RGBA `pixels`. Only the pixels are written: no metadata.
fn encode(
    pixels: &[u8],
    width: u32,
    height: u32,
    alpha: bool,
    format: Format,
    quality: u8,
) -> Result<Encoded, ImageError> {
    let encode_error = |detail: String| ImageError::Encode { format, detail };
    let color = if alpha {
        ExtendedColorType::Rgba8
    } else {
        ExtendedColorType::Rgb8
    };
    let bytes = match format {
        Format::Webp => {
            let encoder = if alpha {
                webp::Encoder::from_rgba(pixels, width, height)
            } else {
                webp::Encoder::from_rgb(pixels, width, height)
            };
            encoder
                .encode_simple(false, f32::from(quality))
                .map_err(|e| encode_error(format!("{e:?}")))?
                .to_vec()
        }
        Format::Jpeg => {
            // JPEG has no alpha; only a JPEG source with an alpha channel (which
            // hardly exists) gets here with one, and loses it.
            let rgb: Cow<[u8]> = if alpha {
                Cow::Owned(
                    pixels
                        .chunks_exact(4)
                        .flat_map(|p| [p[0], p[1], p[2]])
                        .collect(),
                )
            } else {
                Cow::Borrowed(pixels)
            };
            let mut out = Vec::new();
            JpegEncoder::new_with_quality(&mut out, quality)
                .write_image(&rgb, width, height, ExtendedColorType::Rgb8)
                .map_err(|e| encode_error(e.to_string()))?;
            out
        }
        Format::Png => {
            let mut out = Vec::new();
            PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive)
                .write_image(pixels, width, height, color)
                .map_err(|e| encode_error(e.to_string()))?;
            out
        }
    };
    Ok(Encoded {
        width,
        height,
        format,
        bytes,
    })
}
