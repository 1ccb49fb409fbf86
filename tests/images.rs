//! Responsive images on built pages: resized copies read back from the output, the
//! `<picture>` markup that offers them, the cache, and bad pictures as diagnostics.

mod common;
use common::*;
use std::path::Path;

/// A JPEG photo of `w` × `h` pixels with some detail in it.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x * y) % 239) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn page(site: &TestSite, rel: &str) -> String {
    std::fs::read_to_string(site.path().join("output").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every `(url, width)` of the `srcset`s in `html`.
fn srcset_entries(html: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for set in attr_values(html, "srcset") {
        for item in set.split(", ") {
            let (url, w) = item.rsplit_once(' ').expect("url and width");
            out.push((
                url.to_string(),
                w.trim_end_matches('w').parse().expect("a width"),
            ));
        }
    }
    out
}

fn read_back(out: &Path, url: &str) -> (u32, u32, image::ImageFormat) {
    let bytes = std::fs::read(out.join(url.trim_start_matches('/'))).expect(url);
    let format = image::guess_format(&bytes).expect("a known format");
    let img = image::load_from_memory(&bytes).expect("decodes");
    (img.width(), img.height(), format)
}

fn photo_site() -> TestSite {
    let site = TestSite::new();
    site.write(
        "content/people/anna-test.yaml",
        "name: Anna Test\ngroups: [team]\nphoto: people/anna.jpg\n",
    );
    site.write_bytes("content/media/people/anna.jpg", &jpeg(1600, 1200));
    site.write(
        "content/pages/about.en.md",
        "---\n---\n![The team at work](media/people/anna.jpg)\n",
    );
    site
}

#[test]
fn a_photo_is_offered_resized_as_webp_and_jpeg_with_its_size() {
    let site = photo_site();
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let out = site.path().join("output");
    let people = page(&site, "en/people/index.html");
    // On the list page: a <picture> with small copies only, never the original.
    assert!(
        people.contains("<picture><source type=\"image/webp\" srcset=\""),
        "{people}"
    );
    assert!(
        !people.contains("/media/people/anna.jpg"),
        "the original is not used: {people}"
    );
    assert!(people.contains("width=\"72\" height=\"54\""), "{people}");
    assert!(people.contains("loading=\"lazy\""), "{people}");
    let entries = srcset_entries(&people);
    assert!(!entries.is_empty());
    for (url, width) in &entries {
        let (w, h, format) = read_back(&out, url);
        assert_eq!(w, *width, "{url}");
        assert_eq!(h, width * 3 / 4, "{url}: keeps the proportions");
        let expected = if url.ends_with(".webp") {
            image::ImageFormat::WebP
        } else {
            image::ImageFormat::Jpeg
        };
        assert_eq!(format, expected, "{url}");
        assert!(*width <= 320, "{url}: a 72 px photo needs no more than 2×");
    }
    assert!(entries.iter().any(|(u, _)| u.ends_with(".webp")));
    assert!(entries.iter().any(|(u, _)| u.ends_with(".jpg")));
}

#[test]
fn images_in_a_body_get_a_srcset_and_the_cache_is_reused() {
    let site = photo_site();
    assert_eq!(site.build(&[]).code, 0);
    let about = page(&site, "en/about/index.html");
    let entries = srcset_entries(&about);
    let widths: Vec<u32> = entries
        .iter()
        .filter(|(u, _)| u.ends_with(".webp"))
        .map(|e| e.1)
        .collect();
    assert_eq!(widths, [160, 320, 640, 960, 1280, 1600], "{about}");
    assert!(about.contains("alt=\"The team at work\""), "{about}");
    assert!(about.contains("width=\"1600\" height=\"1200\""), "{about}");
    // The second build takes every copy from the cache: nothing is written again.
    let cache = site.path().join(".klaster-cache/images");
    let stamp = |dir: &Path| -> Vec<(String, std::time::SystemTime)> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().unwrap().modified().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = stamp(&cache);
    assert!(before.len() >= 12, "{before:?}");
    assert_eq!(site.build(&[]).code, 0);
    assert_eq!(stamp(&cache), before);
}

#[test]
fn a_broken_picture_is_one_error_naming_the_file() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: startup\nlogo: logos/t.png\n",
    );
    site.write_bytes("content/media/logos/t.png", b"\x89PNG\r\n\x1a\nnot really");
    let run = site.check();
    let out = run.all();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("content/media/logos/t.png"), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("error")).count(),
        1,
        "{out}"
    );
    assert!(!out.contains("panicked"), "{out}");
}

#[test]
fn an_svg_is_published_without_its_scripts() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: startup\nlogo: logos/t.svg\n",
    );
    site.write(
        "content/media/logos/t.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" onload="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)"><rect width="10" height="10"/></a></svg>"#,
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let svg = page(&site, "media/logos/t.svg");
    assert!(svg.starts_with("<svg") || svg.contains("<svg"), "{svg}");
    for bad in ["onload", "<script", "javascript:"] {
        assert!(!svg.contains(bad), "{bad} in {svg}");
    }
    let card = page(&site, "en/partners/index.html");
    assert!(card.contains("src=\"/media/logos/t.svg\""), "{card}");
    assert!(card.contains("width=\"144\" height=\"48\""), "{card}");
}
