//! The files of a site beside its pages: feeds, sitemap, robots.txt, open data, the
//! theme's static files and the media files.

use super::lists::Lists;
use super::plan::Page;
use super::{exports, feeds};
use crate::model::paths;
use crate::model::{PictureKind, Site};
use crate::output::{Content, OutputFile, Sink};
use rayon::prelude::*;
use std::io;
use std::sync::{Arc, OnceLock};

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

/// The sitemap's files, its entries kept in `keep` when it is one file.
pub fn sitemaps(
    site: &Site,
    lists: &Lists,
    pages: &[Page],
    keep: Option<&OnceLock<Arc<feeds::Entries>>>,
) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let _ = feeds::each_sitemap(
        site,
        lists,
        &site.urls(),
        pages.iter(),
        feeds::SITEMAP_URLS,
        keep,
        &mut |f| -> Result<(), std::convert::Infallible> {
            files.push(f);
            Ok(())
        },
    );
    files
}

/// What `serve` keeps of the site files for the edits to come: each record's parts of
/// the open data files, and the sitemap's entries.
#[derive(Clone, Copy)]
pub struct Kept<'a> {
    pub parts: Option<&'a exports::Parts>,
    pub sitemap: Option<&'a OnceLock<Arc<feeds::Entries>>>,
}

/// Every file that is not a page or the search index, each given to `sink` as soon as
/// it is made, so that the large ones (the sitemap's parts, the open data) are in
/// memory one at a time. Returns how many files there were.
pub fn put(
    site: &Site,
    lists: &Lists,
    pages: &[Page],
    kept: Kept,
    sink: &dyn Sink,
) -> io::Result<usize> {
    let urls = site.urls();
    let mut n = 0;
    let mut one = |f: OutputFile| {
        n += 1;
        sink.put(f)
    };
    exports::each_export(site, &urls, kept.parts, &mut one)?;
    for f in feeds(site, lists) {
        one(f)?;
    }
    feeds::each_sitemap(
        site,
        lists,
        &urls,
        pages.iter(),
        feeds::SITEMAP_URLS,
        kept.sitemap,
        &mut one,
    )?;
    one(OutputFile::text(
        paths::output_file(paths::ROBOTS),
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            urls.permalink(paths::SITEMAP)
        ),
    ))?;
    // The copies are many small files, written in parallel.
    let copies = copies(site);
    let copied = copies.len();
    copies.into_par_iter().try_for_each(|f| sink.put(f))?;
    Ok(n + copied)
}

/// The theme's static files. (Those named like a generated file were left out, and
/// reported, by resolve.)
pub fn theme_files(site: &Site) -> impl Iterator<Item = OutputFile> + '_ {
    site.theme
        .static_files
        .iter()
        .map(|(path, file)| OutputFile {
            path: path.clone(),
            content: Content::Shared(file.bytes.clone()),
        })
}

/// The theme's static files, the media files and their resized copies.
fn copies(site: &Site) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = theme_files(site).collect();
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
