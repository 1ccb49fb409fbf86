//! `brand:` of site.yaml: logo, favicon, main colour, home picture. Media paths are
//! checked like a record's; the colour is checked for WCAG AA contrast against the
//! theme's colours (`colors:` of theme.yaml) and replaced by an accessible variant
//! when it fails, with a warning that says which pair failed.

use super::color::{self, Rgb};
use super::config::ConfigReader;
use super::references::media_file;
use super::values;
use crate::diagnostics::{Diagnostic, suggestion_help};
use crate::load::YamlFile;
use crate::load::yaml::Node;
use crate::model::{Brand, BrandColor, FileRef, Text};
use std::collections::BTreeMap;
use std::path::PathBuf;

const FIELDS: &[&str] = &["logo", "favicon", "color", "image", "image_alt"];

/// The theme's own colours, from `colors:` of theme.yaml (child theme first).
struct ThemeColors {
    background: Rgb,
    on_accent: Rgb,
}

fn theme_colors(settings: &[YamlFile]) -> ThemeColors {
    let get = |key: &str, fallback: Rgb| {
        settings
            .iter()
            .rev()
            .find_map(|t| {
                t.node
                    .get("colors")?
                    .get(key)?
                    .as_str()
                    .and_then(Rgb::parse)
            })
            .unwrap_or(fallback)
    };
    ThemeColors {
        background: get("background", Rgb(255, 255, 255)),
        on_accent: get("on_accent", Rgb(255, 255, 255)),
    }
}

/// A name for a colour in messages: "white" for `#ffffff`, else its code.
fn colour_name(c: Rgb) -> String {
    match c {
        Rgb(255, 255, 255) => "white (`#ffffff`)".into(),
        Rgb(0, 0, 0) => "black (`#000000`)".into(),
        _ => format!("`{}`", c.hex()),
    }
}

pub fn read(
    site: &YamlFile,
    languages: &[String],
    media: &BTreeMap<String, (PathBuf, u64)>,
    theme_settings: &[YamlFile],
    diags: &mut Vec<Diagnostic>,
) -> Brand {
    let mut brand = Brand::default();
    let Some(node) = site.node.get("brand") else {
        return brand;
    };
    let mut r = ConfigReader {
        file: &site.file,
        diags: Vec::new(),
        languages: languages.to_vec(),
    };
    let Some(entries) = node.as_map() else {
        r.error(
            node,
            "`brand` must be a mapping",
            "e.g. `brand: {logo: brand/logo.svg, color: \"#0b5d7a\"}`",
        );
        diags.append(&mut r.diags);
        return brand;
    };
    let mut alt_node = None;
    for (k, v) in entries {
        let key = k.as_str().unwrap_or("");
        match key {
            "logo" => brand.logo = image(&mut r, media, v, "logo"),
            "favicon" => brand.favicon = image(&mut r, media, v, "favicon"),
            "image" => brand.image = image(&mut r, media, v, "image"),
            "image_alt" => {
                brand.image_alt = r.text(v, "`brand.image_alt`");
                alt_node = Some(v);
            }
            "color" => brand.color = colour(&mut r, v, &theme_colors(theme_settings)),
            other => {
                let other = other.to_string();
                r.error(
                    k,
                    format!("unknown field `{other}` in `brand`"),
                    suggestion_help(&other, FIELDS),
                );
            }
        }
    }
    if brand.image.is_some() && brand.image_alt == Text::default() {
        let at = entries
            .iter()
            .find(|(k, _)| k.as_str() == Some("image"))
            .map(|(_, v)| v)
            .unwrap_or(node);
        r.error(
            at,
            "`brand.image` needs a text alternative: `brand.image_alt` is missing",
            "say in a few words what the picture shows, in every language: `image_alt: {en: ..., et: ...}`",
        );
    } else if let (Some(n), None) = (alt_node, &brand.image) {
        let d = Diagnostic::warning(
            "site",
            site.file.rel.clone(),
            "`brand.image_alt` is given but there is no `brand.image`",
        );
        r.diags.push(
            d.at(&site.file.text, n.line, n.column)
                .with_help("add `image: brand/home.jpg`, or remove `image_alt`"),
        );
    }
    diags.append(&mut r.diags);
    brand
}

/// A media file that must be a picture the browser shows.
fn image(
    r: &mut ConfigReader,
    media: &BTreeMap<String, (PathBuf, u64)>,
    node: &Node,
    what: &str,
) -> Option<FileRef> {
    let Some(written) = node.as_str() else {
        r.error(
            node,
            format!("`brand.{what}` must be the path of a file in content/media/"),
            format!("e.g. `{what}: brand/{what}.svg`"),
        );
        return None;
    };
    match media_file(media, written) {
        Ok((p, size)) => {
            if !crate::images::stage::is_picture(&p) {
                r.error(
                    node,
                    format!("`brand.{what}` must be an SVG, PNG, JPEG or WebP picture"),
                    "convert the file to one of those formats",
                );
                return None;
            }
            Some(FileRef {
                format: values::file_format(&p),
                src: p,
                local: true,
                size: Some(size),
            })
        }
        Err(p) => {
            let d = Diagnostic::error(p.code, r.file.rel.clone(), p.message);
            r.diags
                .push(d.at(&r.file.text, node.line, node.column).with_help(p.help));
            None
        }
    }
}

fn colour(r: &mut ConfigReader, node: &Node, theme: &ThemeColors) -> Option<BrandColor> {
    let written = node.scalar_text().unwrap_or_default();
    let Some(given) = Rgb::parse(&written) else {
        r.error(
            node,
            format!("`{written}` is not a colour"),
            "write it as a hex code in quotes, e.g. `color: \"#0b5d7a\"`",
        );
        return None;
    };
    // The colour is the links' colour on the background and the navigation bar's
    // background under `on_accent` text: both pairs must reach AA.
    let pairs = [(given, theme.background), (theme.on_accent, given)];
    let failing: Vec<String> = pairs
        .iter()
        .filter(|(text, bg)| color::contrast(*text, *bg) < color::AA_TEXT)
        .map(|&(text, bg)| {
            format!(
                "{} on {} has a contrast of {:.1}:1",
                colour_name(text),
                colour_name(bg),
                color::contrast(text, bg)
            )
        })
        .collect();
    let main = color::accessible(given, &[theme.background, theme.on_accent]);
    if !failing.is_empty() {
        let d = Diagnostic::warning(
            "contrast",
            r.file.rel.clone(),
            format!(
                "the brand colour `{}` is too light or too dark for text: {}; WCAG AA asks for 4.5:1",
                given.hex(),
                failing.join(", ")
            ),
        );
        r.diags.push(
            d.at(&r.file.text, node.line, node.column)
                .with_help(format!(
                    "the theme uses `{}` instead, the nearest colour that passes; write that, or a darker colour, to choose yourself",
                    main.hex()
                )),
        );
    }
    let derived = color::derive(main, theme.background);
    Some(BrandColor {
        given: given.hex(),
        main: derived.main,
        hover: derived.hover,
        tint: derived.tint,
        focus: derived.focus,
    })
}
