//! `<picture>` markup for a prepared picture: a WebP `srcset`, a fallback `srcset` and
//! `src`, `width` and `height` (so the page does not shift when it arrives) and lazy
//! loading unless the picture is above the fold. Markdown bodies (rendered in resolve)
//! and the `image` template function (render) write pictures the same way through it.

use crate::markup::escape;
use crate::model::{Picture, PictureKind, Resized, paths};

/// The `sizes` of a picture in a body: the text column of the default theme is at most
/// 42rem (672 px) wide, the whole screen on a phone.
pub const BODY_SIZES: &str = "(min-width: 44rem) 42rem, 100vw";

/// How a template shows one picture.
pub struct Show<'a> {
    /// The media path under `content/media/`.
    pub src: &'a str,
    pub alt: &'a str,
    pub class: Option<&'a str>,
    /// The CSS width, or height, it is shown at in pixels (at most); the `srcset` offers
    /// copies up to twice that for sharp screens.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The `sizes` attribute; by default the width it is shown at, else the viewport.
    pub sizes: Option<&'a str>,
    /// Below the fold: loaded when the reader scrolls near it.
    pub lazy: bool,
}

/// The shown size: what the template asks for, keeping the picture's proportions and
/// never larger than the picture.
fn shown_size(p: Option<&Picture>, show: &Show) -> (Option<u32>, Option<u32>) {
    let (Some(w), Some(h)) = (p.and_then(|p| p.width), p.and_then(|p| p.height)) else {
        return (show.width, show.height);
    };
    // A drawing scales to any size; a raster picture is never shown larger than it is.
    let vector = p.is_some_and(|p| matches!(p.kind, PictureKind::Svg(_)));
    let scale = |num: u32, a: u32, b: u32| {
        ((f64::from(num) * f64::from(a) / f64::from(b)).round() as u32).max(1)
    };
    match (show.width, show.height) {
        (Some(sw), _) if sw < w || vector => (Some(sw), Some(scale(sw, h, w))),
        (None, Some(sh)) if sh < h || vector => (Some(scale(sh, w, h)), Some(sh)),
        _ => (Some(w), Some(h)),
    }
}

/// The copies worth offering for a picture shown `shown` pixels wide: up to twice that
/// (sharp screens), and always at least one.
fn offered<'a>(copies: impl Iterator<Item = &'a Resized>, shown: Option<u32>) -> Vec<&'a Resized> {
    let all: Vec<&Resized> = copies.collect();
    let Some(shown) = shown else { return all };
    let limit = shown.saturating_mul(2);
    let mut out: Vec<&Resized> = all.iter().copied().filter(|r| r.width <= limit).collect();
    // The first one at least twice as wide, when the list stops short of it.
    if let Some(next) = all.iter().find(|r| r.width > limit)
        && out.last().is_none_or(|l| l.width < limit)
    {
        out.push(next);
    }
    if out.is_empty()
        && let Some(first) = all.first()
    {
        out.push(first);
    }
    out
}

fn srcset(base: &str, copies: &[&Resized]) -> String {
    copies
        .iter()
        .map(|r| format!("{base}{} {}w", r.path, r.width))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The markup for `show`, with links under `base` (the site's base path).
pub fn markup(picture: Option<&Picture>, show: &Show, base: &str) -> String {
    let (w, h) = shown_size(picture, show);
    let mut attrs = format!(" alt=\"{}\"", escape(show.alt));
    if let Some(c) = show.class {
        attrs.push_str(&format!(" class=\"{}\"", escape(c)));
    }
    if let Some(w) = w {
        attrs.push_str(&format!(" width=\"{w}\""));
    }
    if let Some(h) = h {
        attrs.push_str(&format!(" height=\"{h}\""));
    }
    if show.lazy {
        attrs.push_str(" loading=\"lazy\" decoding=\"async\"");
    }
    let original = format!("{base}{}", paths::media(show.src));
    let Some(p) = picture else {
        return format!("<img src=\"{}\"{attrs}>", escape(&original));
    };
    match &p.kind {
        PictureKind::Svg(_) => format!("<img src=\"{}\"{attrs}>", escape(&original)),
        PictureKind::Raster(_) => {
            let sizes = match (show.sizes, w) {
                (Some(s), _) => s.to_string(),
                (None, Some(w)) if show.width.is_some() || show.height.is_some() => {
                    format!("{w}px")
                }
                _ => "100vw".to_string(),
            };
            let webp = offered(p.resized("image/webp"), w);
            let fallback = offered(p.fallback_mime().into_iter().flat_map(|m| p.resized(m)), w);
            // The fallback's `src`: the smallest copy at least as wide as shown.
            let src = fallback
                .iter()
                .find(|r| w.is_none_or(|w| r.width >= w))
                .or(fallback.last())
                .map(|r| format!("{base}{}", r.path))
                .unwrap_or(original);
            let sizes = escape(&sizes);
            format!(
                "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\"><img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\"{attrs}></picture>",
                escape(&srcset(base, &webp)),
                escape(&src),
                escape(&srcset(base, &fallback)),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn photo() -> Picture {
        let copy = |width: u32, mime: &'static str, ext: &str| Resized {
            width,
            height: width * 3 / 4,
            mime,
            path: format!("/img/h-{width}.{ext}"),
            file: PathBuf::new(),
        };
        let mut v = Vec::new();
        for w in [160, 320, 640, 960, 1280] {
            v.push(copy(w, "image/webp", "webp"));
        }
        for w in [160, 320, 640, 960, 1280] {
            v.push(copy(w, "image/jpeg", "jpg"));
        }
        Picture {
            width: Some(1280),
            height: Some(960),
            kind: PictureKind::Raster(v),
        }
    }

    fn show(width: Option<u32>) -> Show<'static> {
        Show {
            src: "people/a.jpg",
            alt: "A \"quoted\" <name>",
            class: Some("photo"),
            width,
            height: None,
            sizes: None,
            lazy: true,
        }
    }

    #[test]
    fn a_small_picture_offers_copies_up_to_twice_its_width() {
        let html = markup(Some(&photo()), &show(Some(96)), "/site");
        assert_eq!(
            html,
            "<picture><source type=\"image/webp\" srcset=\"/site/img/h-160.webp 160w, /site/img/h-320.webp 320w\" sizes=\"96px\"><img src=\"/site/img/h-160.jpg\" srcset=\"/site/img/h-160.jpg 160w, /site/img/h-320.jpg 320w\" sizes=\"96px\" alt=\"A &quot;quoted&quot; &lt;name&gt;\" class=\"photo\" width=\"96\" height=\"72\" loading=\"lazy\" decoding=\"async\"></picture>"
        );
    }

    #[test]
    fn without_a_shown_width_every_copy_is_offered_at_the_picture_s_size() {
        let html = markup(Some(&photo()), &show(None), "");
        assert!(html.contains("/img/h-1280.webp 1280w"));
        assert!(html.contains("width=\"1280\" height=\"960\""));
        assert!(html.contains("sizes=\"100vw\""));
        assert!(html.contains("src=\"/img/h-1280.jpg\""), "{html}");
    }

    #[test]
    fn a_height_keeps_the_proportions() {
        let mut s = show(None);
        s.height = Some(48);
        let html = markup(Some(&photo()), &s, "");
        assert!(html.contains("width=\"64\" height=\"48\""), "{html}");
    }

    #[test]
    fn an_unprepared_file_is_a_plain_image() {
        let mut s = show(Some(100));
        s.lazy = false;
        let html = markup(None, &s, "");
        assert_eq!(
            html,
            "<img src=\"/media/people/a.jpg\" alt=\"A &quot;quoted&quot; &lt;name&gt;\" class=\"photo\" width=\"100\">"
        );
    }
}
