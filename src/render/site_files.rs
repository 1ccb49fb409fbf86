//! The files of a site beside its pages: feeds, sitemap, robots.txt, open data, the
//! theme's static files and the media files.

use super::lists::Lists;
use super::plan::Page;
use super::{exports, feeds};
use crate::model::paths;
use crate::model::{PictureKind, Site};
use crate::output::{Content, OutputFile};

/// The Atom feed of each language.
pub fn feeds(site: &Site, lists: &Lists) -> Vec<OutputFile> {
    let urls = site.urls();
    let pick = |v: &[usize]| v.iter().map(|i| &site.records[*i]).collect::<Vec<_>>();
    site.config
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let ll = lists.lang(i);
            feeds::atom(
                site,
                &urls,
                &l.code,
                &pick(&ll.news),
                &pick(&ll.projects),
                &site.theme.strings,
            )
        })
        .collect()
}

/// Every file that is not a page or the search index.
pub fn files(site: &Site, lists: &Lists, pages: &[Page]) -> Vec<OutputFile> {
    let urls = site.urls();
    let mut files = exports::exports(site, &urls);
    files.extend(feeds(site, lists));
    files.extend(feeds::sitemaps(
        site,
        &urls,
        pages.iter(),
        feeds::SITEMAP_URLS,
    ));
    files.push(OutputFile::text(
        paths::output_file(paths::ROBOTS),
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            urls.permalink(paths::SITEMAP)
        ),
    ));
    // Static files named like a generated file were left out (and reported) by resolve.
    for (path, file) in &site.theme.static_files {
        files.push(OutputFile {
            path: path.clone(),
            content: Content::Shared(file.bytes.clone()),
        });
    }
    for (rel, media) in &site.media {
        // An SVG drawing is published sanitised, never as it was given.
        let content = match site.pictures.get(rel).map(|p| &p.kind) {
            Some(PictureKind::Svg(bytes)) => Content::Shared(bytes.clone()),
            _ => Content::Copy(media.abs.clone()),
        };
        files.push(OutputFile {
            path: paths::output_file(&paths::media(rel)),
            content,
        });
    }
    // The resized copies, each once (two media files with the same bytes share them).
    let mut seen = std::collections::HashSet::new();
    for picture in site.pictures.values() {
        if let PictureKind::Raster(copies) = &picture.kind {
            for r in copies {
                if seen.insert(r.path.as_str()) {
                    files.push(OutputFile {
                        path: paths::output_file(&r.path),
                        content: Content::Copy(r.file.clone()),
                    });
                }
            }
        }
    }
    files
}
