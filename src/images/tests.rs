use super::*;
use image::{DynamicImage, ImageEncoder, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use std::time::{Duration, Instant};

// ---- helpers -------------------------------------------------------------------------

/// A photo-like test image: smooth gradients with a little deterministic noise, which
/// is what camera pictures look like to an encoder.
fn photo(width: u32, height: u32) -> RgbImage {
    let mut seed = 0x2545_f491_u32;
    RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 24) as i32 - 12;
        let r = (x * 255 / width.max(1)) as i32 + noise;
        let g = (y * 255 / height.max(1)) as i32 + noise;
        let b = (((x + y) / 7) % 256) as i32 + noise;
        Rgb([
            r.clamp(0, 255) as u8,
            g.clamp(0, 255) as u8,
            b.clamp(0, 255) as u8,
        ])
    })
}

/// A harder test image for comparing encoders: value noise over eight octaves, from
/// 256-pixel blobs down to 2-pixel grain, which has detail at every scale like foliage
/// or gravel does, so that downscaling does not smooth it away.
fn texture(width: u32, height: u32) -> RgbImage {
    fn lattice(x: u32, y: u32, octave: u32, channel: u32) -> f32 {
        let mut h =
            x.wrapping_mul(0x27d4_eb2d) ^ y.wrapping_mul(0x1656_67b1) ^ (octave << 8 | channel);
        h ^= h >> 15;
        h = h.wrapping_mul(0x2c1b_3c6d);
        h ^= h >> 12;
        (h & 0xffff) as f32 / 65535.0
    }
    RgbImage::from_fn(width, height, |x, y| {
        let mut px = [0u8; 3];
        for (channel, out) in px.iter_mut().enumerate() {
            let (mut sum, mut amplitude, mut total) = (0.0f32, 1.0f32, 0.0f32);
            for octave in 0..8u32 {
                let cell = 256 >> octave;
                let (cx, cy) = (x / cell, y / cell);
                let fx = (x % cell) as f32 / cell as f32;
                let fy = (y % cell) as f32 / cell as f32;
                let c = channel as u32;
                let top =
                    lattice(cx, cy, octave, c) * (1.0 - fx) + lattice(cx + 1, cy, octave, c) * fx;
                let bottom = lattice(cx, cy + 1, octave, c) * (1.0 - fx)
                    + lattice(cx + 1, cy + 1, octave, c) * fx;
                sum += (top * (1.0 - fy) + bottom * fy) * amplitude;
                total += amplitude;
                amplitude *= 0.6;
            }
            *out = (sum / total * 255.0) as u8;
        }
        Rgb(px)
    })
}

fn jpeg(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(
            img,
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

fn encode_as(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// An RGBA image whose left half is fully transparent.
fn half_transparent(width: u32, height: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        let a = if x < width / 2 { 0 } else { 255 };
        Rgba([(x % 256) as u8, (y % 256) as u8, 128, a])
    })
}

fn settings(widths: &[u32]) -> Settings {
    Settings {
        widths: widths.to_vec(),
        quality: 80,
    }
}

/// Reads a variant's file back and checks that its content is the format it claims
/// and has the size it claims.
fn read_back(v: &Variant) -> DynamicImage {
    let bytes = std::fs::read(&v.file).unwrap();
    let format = image::guess_format(&bytes).unwrap();
    let expected = match v.format {
        Format::Webp => ImageFormat::WebP,
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
    };
    assert_eq!(format, expected, "{}", v.name);
    let img = image::load_from_memory_with_format(&bytes, format).unwrap();
    assert_eq!(
        (img.width(), img.height()),
        (v.width, v.height),
        "{}",
        v.name
    );
    img
}

fn widths_of(p: &Processed, format: Format) -> Vec<u32> {
    p.variants
        .iter()
        .filter(|v| v.format == format)
        .map(|v| v.width)
        .collect()
}

fn mtimes(p: &Processed) -> Vec<std::time::SystemTime> {
    p.variants
        .iter()
        .map(|v| std::fs::metadata(&v.file).unwrap().modified().unwrap())
        .collect()
}

// ---- widths and sizes ----------------------------------------------------------------

#[test]
fn widths_never_exceed_the_source() {
    let s = [160, 320, 640, 960, 1280, 1920];
    assert_eq!(variant_widths(2000, &s), s);
    assert_eq!(variant_widths(1920, &s), s);
    assert_eq!(variant_widths(1000, &s), [160, 320, 640, 960, 1000]);
    assert_eq!(variant_widths(640, &s), [160, 320, 640]);
    assert_eq!(variant_widths(100, &s), [100]);
    assert_eq!(variant_widths(100, &[]), [100]);
}

#[test]
fn settings_widths_are_sorted_without_repeats_or_zeros() {
    let s = Settings {
        widths: vec![640, 0, 160, 640, 320],
        quality: 80,
    };
    assert_eq!(settings_widths(&s), [160, 320, 640]);
}

#[test]
fn heights_keep_the_aspect_ratio_rounded() {
    assert_eq!(scaled_height(2000, 1500, 640), 480);
    assert_eq!(scaled_height(3, 2, 2), 1); // 1.33 rounds down
    assert_eq!(scaled_height(3, 5, 2), 3); // 3.33 rounds down
    assert_eq!(scaled_height(4, 3, 2), 2); // 1.5 rounds up
    assert_eq!(scaled_height(10_000, 1, 160), 1); // never zero
    assert_eq!(scaled_height(1000, 999, 1000), 999);
}

#[test]
fn raster_extensions() {
    for ext in [
        "jpg", "JPG", "jpeg", "Jpeg", "png", "PNG", "webp", "WebP", ".jpg",
    ] {
        assert!(is_raster(ext), "{ext}");
    }
    for ext in ["svg", "gif", "tiff", "avif", "", "jp", "pngx"] {
        assert!(!is_raster(ext), "{ext}");
    }
}

#[test]
fn formats_have_extensions_and_media_types() {
    assert_eq!(
        (Format::Webp.ext(), Format::Webp.mime()),
        ("webp", "image/webp")
    );
    assert_eq!(
        (Format::Jpeg.ext(), Format::Jpeg.mime()),
        ("jpg", "image/jpeg")
    );
    assert_eq!(
        (Format::Png.ext(), Format::Png.mime()),
        ("png", "image/png")
    );
}

// ---- processing ----------------------------------------------------------------------

#[test]
fn a_large_jpeg_gets_every_settings_width_as_webp_and_jpeg() {
    let dir = tempfile::tempdir().unwrap();
    // Wider than every settings width; not tall, which keeps the test quick.
    let bytes = jpeg(&photo(2000, 300));
    let p = process(&bytes, "jpg", &Settings::default(), dir.path()).unwrap();
    assert_eq!((p.width, p.height), (2000, 300));
    assert!(!p.from_cache);
    let all = [160, 320, 640, 960, 1280, 1920];
    assert_eq!(widths_of(&p, Format::Webp), all);
    assert_eq!(widths_of(&p, Format::Jpeg), all);
    assert_eq!(p.variants.len(), 12);
    // Sorted by format, then width.
    assert_eq!(p.variants[0].format, Format::Webp);
    assert_eq!(p.variants[6].format, Format::Jpeg);
    let hash = &p.variants[0].name[..16];
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    for v in &p.variants {
        assert_eq!(v.height, scaled_height(2000, 300, v.width));
        assert_eq!(v.name, format!("{hash}-{}.{}", v.width, v.format.ext()));
        assert_eq!(
            v.file,
            std::path::absolute(dir.path()).unwrap().join(&v.name)
        );
        assert!(v.file.is_absolute());
        read_back(v);
    }
    assert!(dir.path().join(format!("{hash}.json")).is_file());
}

#[test]
fn a_source_within_the_widths_gets_its_own_width_too() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = encode_as(&DynamicImage::ImageRgb8(photo(1000, 500)), ImageFormat::Png);
    let p = process(&bytes, "png", &Settings::default(), dir.path()).unwrap();
    assert_eq!(widths_of(&p, Format::Webp), [160, 320, 640, 960, 1000]);
    assert_eq!(widths_of(&p, Format::Png), [160, 320, 640, 960, 1000]);
    assert!(widths_of(&p, Format::Jpeg).is_empty());
    for v in &p.variants {
        read_back(v);
    }
}

#[test]
fn a_source_narrower_than_every_width_gets_one_variant_per_format() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = jpeg(&photo(100, 80));
    let p = process(&bytes, "jpeg", &Settings::default(), dir.path()).unwrap();
    assert_eq!(p.variants.len(), 2);
    for v in &p.variants {
        assert_eq!((v.width, v.height), (100, 80));
        read_back(v);
    }
    assert_eq!(p.variants[0].format, Format::Webp);
    assert_eq!(p.variants[1].format, Format::Jpeg);
}

#[test]
fn a_png_with_transparency_keeps_it_in_webp_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = encode_as(
        &DynamicImage::ImageRgba8(half_transparent(400, 200)),
        ImageFormat::Png,
    );
    let p = process(&bytes, "png", &settings(&[100, 200]), dir.path()).unwrap();
    assert_eq!(widths_of(&p, Format::Webp), [100, 200]);
    assert_eq!(widths_of(&p, Format::Png), [100, 200]);
    for v in &p.variants {
        let img = read_back(v);
        assert!(img.color().has_alpha(), "{}", v.name);
        let rgba = img.to_rgba8();
        assert_eq!(
            rgba.get_pixel(2, v.height / 2).0[3],
            0,
            "{}: left is transparent",
            v.name
        );
        assert_eq!(
            rgba.get_pixel(v.width - 3, v.height / 2).0[3],
            255,
            "{}: right is opaque",
            v.name
        );
    }
}

#[test]
fn an_opaque_webp_falls_back_to_jpeg() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = encode_as(&DynamicImage::ImageRgb8(photo(500, 300)), ImageFormat::WebP);
    let p = process(&bytes, "webp", &settings(&[200, 400]), dir.path()).unwrap();
    assert_eq!(widths_of(&p, Format::Webp), [200, 400]);
    assert_eq!(widths_of(&p, Format::Jpeg), [200, 400]);
    for v in &p.variants {
        read_back(v);
    }
}

#[test]
fn a_webp_with_transparency_falls_back_to_png() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = encode_as(
        &DynamicImage::ImageRgba8(half_transparent(300, 300)),
        ImageFormat::WebP,
    );
    let p = process(&bytes, "webp", &settings(&[200, 400]), dir.path()).unwrap();
    assert_eq!(widths_of(&p, Format::Webp), [200, 300]);
    assert_eq!(widths_of(&p, Format::Png), [200, 300]);
    for v in &p.variants {
        assert!(read_back(v).color().has_alpha());
    }
}

#[test]
fn an_alpha_channel_that_is_opaque_everywhere_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let opaque = DynamicImage::ImageRgba8(DynamicImage::ImageRgb8(photo(300, 200)).to_rgba8());
    let bytes = encode_as(&opaque, ImageFormat::WebP);
    let p = process(&bytes, "webp", &settings(&[200, 400]), dir.path()).unwrap();
    assert_eq!(widths_of(&p, Format::Jpeg), [200, 300]);
    let webp = read_back(&p.variants[0]);
    assert!(!webp.color().has_alpha());
}

/// A JPEG whose EXIF block says "rotate 90° clockwise to show" (orientation 6), as a
/// phone held upright writes it: the APP1 segment is written by hand after the SOI
/// marker, with one IFD entry.
fn with_orientation_6(jpeg: &[u8]) -> Vec<u8> {
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // big-endian TIFF header, IFD at 8
    exif.extend_from_slice(&[0, 1]); // one entry
    exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation SHORT 6
    exif.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn exif_orientation_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    // 400 × 200: red left half, blue right half. Turned 90° clockwise it is 200 × 400
    // with red on top.
    let img = RgbImage::from_fn(400, 200, |x, _| {
        if x < 200 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    });
    let bytes = with_orientation_6(&jpeg(&img));
    let p = process(&bytes, "jpg", &settings(&[100, 400]), dir.path()).unwrap();
    assert_eq!((p.width, p.height), (200, 400));
    assert_eq!(widths_of(&p, Format::Jpeg), [100, 200]);
    for v in &p.variants {
        assert_eq!(v.height, v.width * 2);
        let rgb = read_back(v).to_rgb8();
        let top = rgb.get_pixel(v.width / 2, v.height / 8).0;
        let bottom = rgb.get_pixel(v.width / 2, v.height * 7 / 8).0;
        assert!(
            top[0] > 200 && top[2] < 60,
            "{}: top is red, {top:?}",
            v.name
        );
        assert!(
            bottom[2] > 200 && bottom[0] < 60,
            "{}: bottom is blue, {bottom:?}",
            v.name
        );
    }
    // Nothing of the EXIF block is published.
    let jpeg_out = std::fs::read(&p.variants.last().unwrap().file).unwrap();
    assert!(!jpeg_out.windows(4).any(|w| w == b"Exif"));
}

#[test]
fn a_display_p3_photo_is_converted_to_srgb() {
    let dir = tempfile::tempdir().unwrap();
    let p3 = moxcms::ColorProfile::new_display_p3();
    let colour = [40u8, 180, 90];
    let img = RgbImage::from_pixel(64, 64, Rgb(colour));
    let mut bytes = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95);
    encoder.set_icc_profile(p3.encode().unwrap()).unwrap();
    encoder
        .write_image(&img, 64, 64, image::ExtendedColorType::Rgb8)
        .unwrap();

    let mut expected = [0u8; 3];
    p3.create_transform_8bit(
        moxcms::Layout::Rgb,
        &moxcms::ColorProfile::new_srgb(),
        moxcms::Layout::Rgb,
        moxcms::TransformOptions::default(),
    )
    .unwrap()
    .transform(&colour, &mut expected)
    .unwrap();
    // P3 green is more saturated than sRGB can show as the same numbers.
    assert!(expected[0].abs_diff(colour[0]) > 10, "{expected:?}");

    let p = process(&bytes, "jpg", &settings(&[32]), dir.path()).unwrap();
    for v in &p.variants {
        let px = read_back(v)
            .to_rgb8()
            .get_pixel(v.width / 2, v.height / 2)
            .0;
        for c in 0..3 {
            assert!(
                px[c].abs_diff(expected[c]) <= 4,
                "{}: {px:?}, expected {expected:?} (the P3 {colour:?} in sRGB)",
                v.name
            );
        }
        // And the profile itself is not published.
        let out = std::fs::read(&v.file).unwrap();
        assert!(!out.windows(11).any(|w| w == b"ICC_PROFILE"));
    }
}

// ---- bad input -----------------------------------------------------------------------

#[test]
fn a_truncated_jpeg_is_an_error_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = jpeg(&photo(300, 200));
    // Cut in the headers, in the compressed data, and just before the end marker.
    for cut in [120, bytes.len() / 2, bytes.len() - 2] {
        let err = process(&bytes[..cut], "jpg", &Settings::default(), dir.path()).unwrap_err();
        assert!(
            matches!(
                err,
                ImageError::Decode {
                    format: Format::Jpeg,
                    ..
                }
            ),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.starts_with("this file is not a readable JPEG image: "),
            "{message}"
        );
        assert!(err.help().is_some());
    }
    let err = process(
        &bytes[..bytes.len() / 2],
        "jpg",
        &Settings::default(),
        dir.path(),
    );
    assert_eq!(
        err.unwrap_err().to_string(),
        "this file is not a readable JPEG image: the file ends before the image does"
    );
    // Nothing was cached for it.
    assert_eq!(
        std::fs::read_dir(dir.path())
            .map(|d| d.count())
            .unwrap_or(0),
        0
    );
}

#[test]
fn random_bytes_named_png_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let err = process(&bytes, "png", &Settings::default(), dir.path()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("this file is not a readable PNG image: "),
        "{err}"
    );
}

#[test]
fn a_jpeg_named_png_gets_help_to_rename_it() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = jpeg(&photo(50, 50));
    let err = process(&bytes, "png", &Settings::default(), dir.path()).unwrap_err();
    let help = err.help().unwrap();
    assert!(help.contains("JPEG") && help.contains(".jpg"), "{help}");
}

#[test]
fn an_unsupported_extension_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let err = process(b"II*\0", "tiff", &Settings::default(), dir.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsupported image format `.tiff`: use JPEG, PNG, WebP or SVG"
    );
    assert!(err.help().is_some());
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// A PNG of a few dozen bytes that declares 100000 × 100000 pixels (40 GB as RGBA).
fn png_bomb() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
    png_chunk(&mut out, b"IHDR", &ihdr);
    // One zlib stream of a few zero bytes: what a bomb's first scanlines look like.
    png_chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
    );
    png_chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn a_png_declaring_a_huge_size_is_refused_before_decoding() {
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let err = process(&png_bomb(), "png", &Settings::default(), dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            ImageError::TooLarge {
                width: 100_000,
                height: 100_000
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the image is 100000 × 100000 pixels; the largest klaster processes is 12000 × 12000"
    );
    assert!(err.help().is_some());
    // Refused from the header: no time spent on 10^10 pixels.
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_jpeg_declaring_a_huge_size_is_refused_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = jpeg(&photo(16, 16));
    // Patch the SOF0 segment's height and width to 60000 × 50000.
    let sof = bytes.windows(2).position(|w| w == [0xff, 0xc0]).unwrap();
    bytes[sof + 5..sof + 7].copy_from_slice(&50_000u16.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&60_000u16.to_be_bytes());
    let err = process(&bytes, "jpg", &Settings::default(), dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            ImageError::TooLarge {
                width: 60_000,
                height: 50_000
            }
        ),
        "{err:?}"
    );
}

// ---- cache ---------------------------------------------------------------------------

#[test]
fn a_second_call_comes_from_the_cache_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = jpeg(&photo(700, 400));
    let s = settings(&[160, 320, 640]);
    let first = process(&bytes, "jpg", &s, dir.path()).unwrap();
    assert!(!first.from_cache);
    let before = mtimes(&first);
    let manifest = dir
        .path()
        .join(format!("{}.json", &first.variants[0].name[..16]));
    let manifest_before = std::fs::metadata(&manifest).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(30));

    let second = process(&bytes, "jpg", &s, dir.path()).unwrap();
    assert!(second.from_cache);
    assert_eq!(
        Processed {
            from_cache: false,
            ..second.clone()
        },
        first
    );
    assert_eq!(mtimes(&second), before);
    assert_eq!(
        std::fs::metadata(&manifest).unwrap().modified().unwrap(),
        manifest_before
    );
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), first.variants.len() + 1, "{names:?}");
    assert!(names.iter().all(|n| !n.ends_with(".tmp")));
}

#[test]
fn the_hash_covers_quality_widths_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = jpeg(&photo(300, 200));
    let hash = |bytes: &[u8], s: &Settings| {
        process(bytes, "jpg", s, dir.path()).unwrap().variants[0].name[..16].to_string()
    };
    let base = hash(&bytes, &settings(&[100, 200]));
    let other_quality = hash(
        &bytes,
        &Settings {
            widths: vec![100, 200],
            quality: 60,
        },
    );
    let other_widths = hash(&bytes, &settings(&[100, 250]));
    let mut changed = bytes.clone();
    let last = changed.len() - 3;
    changed[last] ^= 1;
    let other_bytes = hash(&changed, &settings(&[100, 200]));
    assert_ne!(base, other_quality);
    assert_ne!(base, other_widths);
    assert_ne!(base, other_bytes);
    // The order of the widths is not part of it.
    assert_eq!(base, hash(&bytes, &settings(&[200, 100, 200])));
}

#[test]
fn a_missing_cached_file_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = jpeg(&photo(300, 200));
    let s = settings(&[100]);
    let first = process(&bytes, "jpg", &s, dir.path()).unwrap();
    std::fs::remove_file(&first.variants[1].file).unwrap();
    let second = process(&bytes, "jpg", &s, dir.path()).unwrap();
    assert!(!second.from_cache);
    assert!(second.variants.iter().all(|v| v.file.is_file()));
    assert!(process(&bytes, "jpg", &s, dir.path()).unwrap().from_cache);
}

#[test]
fn a_damaged_manifest_is_a_miss_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = jpeg(&photo(300, 200));
    let s = settings(&[100]);
    let first = process(&bytes, "jpg", &s, dir.path()).unwrap();
    let manifest = dir
        .path()
        .join(format!("{}.json", &first.variants[0].name[..16]));
    std::fs::write(&manifest, b"{\"width\":").unwrap();
    let second = process(&bytes, "jpg", &s, dir.path()).unwrap();
    assert!(!second.from_cache);
    assert_eq!(second.variants, first.variants);
}

#[test]
fn the_cache_folder_is_created_and_shared_by_parallel_calls() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("a").join("b");
    let bytes = jpeg(&photo(400, 300));
    let s = settings(&[100, 200]);
    let results: Vec<Processed> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| process(&bytes, "jpg", &s, &cache).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for r in &results {
        assert_eq!(r.variants, results[0].variants);
        for v in &r.variants {
            read_back(v);
        }
    }
}

// ---- SVG -----------------------------------------------------------------------------

fn clean(svg: &str) -> String {
    let out = sanitize_svg(svg.as_bytes()).unwrap();
    String::from_utf8(out.bytes).unwrap()
}

/// The output parses as XML, to the end, with one root.
fn assert_well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0i64;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(_) => depth += 1,
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "{xml}");
}

#[test]
fn svg_scripts_and_handlers_are_removed() {
    let out = clean(
        r##"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" onload="alert(1)">
  <script type="text/javascript"><![CDATA[ alert(2) ]]></script>
  <html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(3)</html:script>
  <g OnClick="alert(4)"><rect width="5" height="5" fill="red"/></g>
  <foreignObject width="5" height="5"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://example.org"/></body></foreignObject>
  <a href="javascript:alert(5)"><text>x</text></a>
  <a xlink:href="https://example.org/"><text>y</text></a>
  <use xlink:href="#dot"/>
  <use href="#dot"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <image href="https://example.org/tracker.png" width="1" height="1"/>
  <set attributeName="href" to="javascript:alert(6)"/>
  <animate attributeName="onclick" values="alert(7)"/>
  <embed src="x.swf"/><object data="x.html">fallback</object>
  <circle id="dot" r="1" fill="url(#grad)" style="stroke: url(https://example.org/s.svg#a)"/>
</svg>"##,
    );
    assert_well_formed(&out);
    for gone in [
        "alert",
        "script",
        "onload",
        "OnClick",
        "foreignObject",
        "iframe",
        "example.org",
        "javascript",
        "embed",
        "object",
        "<set",
        "<animate",
        "fallback",
        "style=",
    ] {
        assert!(!out.contains(gone), "{gone} in {out}");
    }
    for kept in [
        r##"<use xlink:href="#dot"/>"##,
        r##"<use href="#dot"/>"##,
        r#"href="data:image/png;base64,iVBORw0KGgo=""#,
        r##"fill="url(#grad)""##,
        r#"<rect width="5" height="5" fill="red"/>"#,
        r#"xmlns:xlink="http://www.w3.org/1999/xlink""#,
        "<text>x</text>",
    ] {
        assert!(out.contains(kept), "{kept} missing from {out}");
    }
    assert!(!out.starts_with("<?xml"));
}

#[test]
fn svg_style_sheets_that_load_from_elsewhere_are_dropped() {
    let out = clean(
        r#"<svg xmlns="http://www.w3.org/2000/svg">
<style>@import url(https://example.org/a.css); rect { fill: red }</style>
<style><![CDATA[ circle { fill: blue } ]]></style>
<style>path { fill: url( 'https://example.org/x.svg#p') }</style>
<style>line { stroke: u\72l(https://example.org/y) }</style>
<style>g { fill: url(#ok) }</style>
</svg>"#,
    );
    assert_well_formed(&out);
    assert!(!out.contains("example.org"), "{out}");
    assert!(!out.contains("@import"), "{out}");
    assert!(
        out.contains("<style><![CDATA[ circle { fill: blue } ]]></style>"),
        "{out}"
    );
    assert!(out.contains("<style>g { fill: url(#ok) }</style>"), "{out}");
}

#[test]
fn svg_size_comes_from_width_and_height_or_the_view_box() {
    let size = |svg: &str| {
        let s = sanitize_svg(svg.as_bytes()).unwrap();
        (s.width, s.height)
    };
    assert_eq!(
        size(r#"<svg width="120" height="80px"/>"#),
        (Some(120.0), Some(80.0))
    );
    assert_eq!(
        size(r#"<svg viewBox="0 0 24 12"/>"#),
        (Some(24.0), Some(12.0))
    );
    assert_eq!(
        size(r#"<svg viewBox="0,0,24,12" width="48"/>"#),
        (Some(48.0), Some(24.0))
    );
    assert_eq!(
        size(r#"<svg viewBox="0 0 24 12" height="6"/>"#),
        (Some(12.0), Some(6.0))
    );
    assert_eq!(
        size(r#"<svg width="1in" height="72pt"/>"#),
        (Some(96.0), Some(96.0))
    );
    assert_eq!(
        size(r#"<svg width="100%" height="100%" viewBox="0 0 30 20"/>"#),
        (Some(30.0), Some(20.0))
    );
    assert_eq!(size(r#"<svg width="100%"/>"#), (None, None));
    assert_eq!(size(r#"<svg viewBox="0 0 0 10"/>"#), (None, None));
}

#[test]
fn svg_without_a_namespace_gets_one() {
    let out = clean(r#"<svg width="1" height="1"><rect width="1" height="1"/></svg>"#);
    assert_eq!(
        out,
        r#"<svg width="1" height="1" xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>"#
    );
}

#[test]
fn svg_text_and_values_stay_escaped() {
    let out = clean(
        r#"<svg><text font-family="A &amp; B &quot;x&quot;">1 &lt; 2 &#x263A; &amp;</text><!-- (c) Someone --></svg>"#,
    );
    assert_well_formed(&out);
    assert!(
        out.contains(r#"font-family="A &amp; B &quot;x&quot;""#),
        "{out}"
    );
    assert!(out.contains("1 &lt; 2 &#x263A; &amp;"), "{out}");
    assert!(out.contains("<!-- (c) Someone -->"), "{out}");
}

#[test]
fn a_plain_doctype_is_dropped() {
    let out = clean(
        r#"<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg"/>"#,
    );
    assert_eq!(out, r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#);
}

#[test]
fn a_doctype_with_entities_is_refused() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>"#;
    let err = sanitize_svg(bomb.as_bytes()).unwrap_err();
    assert!(matches!(err, ImageError::SvgEntities), "{err:?}");
    assert!(err.help().is_some());
    let external = r#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>"#;
    assert!(matches!(
        sanitize_svg(external.as_bytes()),
        Err(ImageError::SvgEntities)
    ));
}

#[test]
fn an_undefined_entity_is_an_error() {
    let err = sanitize_svg(b"<svg><text>&nbsp;</text></svg>").unwrap_err();
    assert!(err.to_string().contains("&nbsp;"), "{err}");
}

#[test]
fn a_file_that_is_not_svg_is_refused() {
    let err = sanitize_svg(b"<html><body>hi</body></html>").unwrap_err();
    assert!(
        matches!(&err, ImageError::NotSvg { root } if root == "html"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "this file is not an SVG image: its first element is `<html>`, not `<svg>`"
    );
    for bad in [
        &b""[..],
        b"just text",
        b"<svg><g></svg>",
        b"<svg>",
        b"<svg></svg><svg></svg>",
        b"<svg a=\"1\" a=\"2\"/>",
        b"<svg a=1/>",
        b"\xff\xfe<\0s\0v\0g\0/\0>\0",
    ] {
        let err = sanitize_svg(bad).unwrap_err();
        assert!(
            err.to_string().starts_with("this file is not"),
            "{:?}: {err}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn processing_instructions_are_dropped() {
    let out =
        clean(r#"<?xml-stylesheet href="https://example.org/a.css"?><svg><?foo bar?><g/></svg>"#);
    assert_eq!(out, r#"<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>"#);
}

// ---- never a panic -------------------------------------------------------------------

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn sanitize_svg_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
        let _ = sanitize_svg(&bytes);
    }

    #[test]
    fn sanitize_svg_output_is_well_formed(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "<g>", "</g>", "<script>", "</script>", "<style>", "</style>", "<a href=\"#x\">",
                "</a>", "<rect onload=\"x\" fill=\"url(#a)\"/>", "text", "&amp;", "&lt;",
                "<![CDATA[ a ]]>", "<!-- c -->", "<foreignObject>", "</foreignObject>",
            ]),
            0..24,
        )
    ) {
        let svg = format!("<svg>{}</svg>", parts.concat());
        if let Ok(out) = sanitize_svg(svg.as_bytes()) {
            let out = String::from_utf8(out.bytes).unwrap();
            assert_well_formed(&out);
            proptest::prop_assert!(!out.contains("script"));
            proptest::prop_assert!(!out.contains("onload"));
            proptest::prop_assert!(!out.contains("foreignObject"));
        }
    }

    #[test]
    fn process_never_panics(
        bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
        ext in proptest::sample::select(vec!["jpg", "png", "webp"]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let _ = process(&bytes, ext, &settings(&[16]), dir.path());
    }

    #[test]
    fn process_never_panics_on_damaged_images(
        cut in 0usize..2000,
        flips in proptest::collection::vec((0usize..2000, proptest::prelude::any::<u8>()), 0..8),
        which in 0usize..3,
    ) {
        let img = DynamicImage::ImageRgb8(photo(40, 30));
        let (mut bytes, ext) = match which {
            0 => (jpeg(&photo(40, 30)), "jpg"),
            1 => (encode_as(&img, ImageFormat::Png), "png"),
            _ => (encode_as(&img, ImageFormat::WebP), "webp"),
        };
        for (at, x) in flips {
            if let Some(b) = bytes.get_mut(at) {
                *b ^= x;
            }
        }
        bytes.truncate(cut);
        let dir = tempfile::tempdir().unwrap();
        let _ = process(&bytes, ext, &settings(&[16]), dir.path());
    }
}

// ---- measurements --------------------------------------------------------------------

/// Sizes and times to compare encoders and to see what a build spends on images; run
/// with `cargo test --release --lib images::tests::measure -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn measure() {
    let dir = tempfile::tempdir().unwrap();
    for (name, img) in [
        ("gradient", photo(2000, 1500)),
        ("texture", texture(2000, 1500)),
    ] {
        let bytes = jpeg(&img);
        let p = process(&bytes, "jpg", &settings(&[640]), dir.path()).unwrap();
        for v in &p.variants {
            let len = std::fs::metadata(&v.file).unwrap().len();
            println!(
                "2000×1500 {name} at {} px as {}: {len} bytes",
                v.width,
                v.format.name()
            );
        }
    }
    let big = jpeg(&texture(4000, 3000));
    let start = Instant::now();
    let p = process(&big, "jpg", &Settings::default(), dir.path()).unwrap();
    println!(
        "4000×3000 JPEG ({} bytes) at the default widths: {} files in {:?}",
        big.len(),
        p.variants.len(),
        start.elapsed()
    );
}

#[test]
fn svg_attributes_holding_a_script_address_are_dropped_whatever_their_name() {
    // Found by the `svg` fuzz target: a misspelt `xlink:hrff` kept its `javascript:`.
    let out = clean(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:hrff="java script:x()" data-x="VBScript:y"><rect width="1" height="1"/></a></svg>"#,
    );
    assert!(!out.contains("hrff"), "{out}");
    assert!(!out.contains("data-x"), "{out}");
    assert!(out.contains("<rect"), "{out}");
}

#[test]
fn an_attribute_name_beginning_with_a_wide_character_is_not_a_panic() {
    // Found by the `svg` fuzz target: the `on…` check sliced the name's first two bytes.
    let out = clean("<svg xmlns=\"http://www.w3.org/2000/svg\" \u{150}x=\"1\"><rect/></svg>");
    assert!(out.contains("<rect"), "{out}");
}

#[test]
fn a_root_named_with_two_colons_is_not_an_svg() {
    // Found by the `svg` fuzz target: `<J:javascript:svg/>` passed as an `svg` root.
    assert!(matches!(
        sanitize_svg(b"<J:javascript:svg/>"),
        Err(ImageError::NotSvg { .. })
    ));
}

#[test]
fn the_memo_skips_unchanged_files_and_reads_changed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.jpg");
    let original = jpeg(&photo(400, 300));
    std::fs::write(&file, &original).unwrap();
    let media = std::collections::BTreeMap::from([(
        "p.jpg".to_string(),
        (file.clone(), original.len() as u64),
    )]);
    let s = settings(&[160]);
    let memo = stage::Memo::default();
    let (first, d) = stage::prepare(&media, &s, dir.path(), Some(&memo));
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(first["p.jpg"].width, Some(400));
    // Same size and modification time: taken from the memo, the file is not read
    // (its bytes are now garbage, which reading would report).
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::fs::write(&file, vec![0u8; original.len()]).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let (again, d) = stage::prepare(&media, &s, dir.path(), Some(&memo));
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(again["p.jpg"].width, Some(400));
    // A new modification time: read again, and the damage is reported.
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(mtime + Duration::from_secs(5))
        .unwrap();
    let (_, d) = stage::prepare(&media, &s, dir.path(), Some(&memo));
    assert_eq!(d.len(), 1, "{d:?}");
    // Without a memo every run reads the file.
    let (_, d) = stage::prepare(&media, &s, dir.path(), None);
    assert_eq!(d.len(), 1, "{d:?}");
}
