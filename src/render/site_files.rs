//! The files of a site beside its pages: feeds, sitemap, robots.txt, open data, the
//! theme's static files and the media files.

use super::lists::Lists;
use super::plan::Page;
use super::{exports, feeds};
use crate::model::Site;
use crate::model::paths;
use crate::output::{Content, OutputFile};

/// Every file that is not a page or the search index.
pub fn files(site: &Site, lists: &Lists, pages: &[Page]) -> Vec<OutputFile> {
    let urls = site.urls();
    let mut files = exports::exports(site, &urls);
    for (i, l) in site.config.languages.iter().enumerate() {
        let ll = lists.lang(i);
        let pick = |v: &[usize]| v.iter().map(|i| &site.records[*i]).collect::<Vec<_>>();
        files.push(feeds::atom(
            site,
            &urls,
            &l.code,
            &pick(&ll.news),
            &pick(&ll.projects),
            &site.theme.strings,
        ));
    }
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
        files.push(OutputFile {
            path: paths::output_file(&paths::media(rel)),
            content: Content::Copy(media.abs.clone()),
        });
    }
    files
}
