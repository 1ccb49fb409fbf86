//! Machine-read files: the Atom feed of each language and the sitemap.

use super::lists::Lists;
use crate::markup::escape as xml_escape;
use crate::markup::escape_into as xml_escape_into;
use crate::model::Strings;
use crate::model::paths::{self, Urls};
use crate::model::*;
use crate::output::OutputFile;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

/// The collections whose records the feeds show (only their own fields and the site
/// settings): an edit of other records leaves the feeds as they are.
pub const SHOWN: [Collection; 2] = [Collection::News, Collection::Projects];

/// Atom feed of a language: the newest news items (by date) and projects (by start
/// date), at most [`paths::FEED_ENTRIES`], newest first.
pub fn atom(
    site: &Site,
    urls: &Urls,
    lang: &str,
    news: &[&Record],
    projects: &[&Record],
    strings: &Strings,
) -> OutputFile {
    let mut entries: Vec<(jiff::civil::Date, &Record, &Localized)> = Vec::new();
    for r in news.iter().chain(projects) {
        let Some(loc) = r.locale(lang) else { continue };
        let date = match &loc.data {
            RecordData::News(n) => n.date,
            // A planned project enters the feed when it starts: an entry dated in the
            // future would be the feed's newest for months.
            // Not in the feed before it starts (a date in the future), nor while its
            // dates are not known.
            RecordData::Project(p) => match p.start {
                Some(start) if start <= site.build_date => start,
                _ => continue,
            },
            _ => continue,
        };
        entries.push((date, r, loc));
    }
    // Newest first, by id where dates are equal: the newest few are picked out before
    // they are sorted (a site has thousands of news items; a body edit in `serve`
    // makes the feeds again).
    let order = |a: &(jiff::civil::Date, &Record, &Localized),
                 b: &(jiff::civil::Date, &Record, &Localized)| {
        b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id))
    };
    if entries.len() > paths::FEED_ENTRIES {
        entries.select_nth_unstable_by(paths::FEED_ENTRIES, order);
        entries.truncate(paths::FEED_ENTRIES);
    }
    entries.sort_by(order);
    let updated = entries.first().map(|e| e.0).unwrap_or(site.build_date);
    let default = site.config.default_lang();
    let title = site.config.title.text(lang, default);
    let feed_url = urls.permalink(&paths::feed(lang));
    let home = urls.permalink(&paths::home(lang));
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(lang)
    );
    let _ = writeln!(x, "  <title>{}</title>", xml_escape(&title));
    let subtitle = site.config.description.text(lang, default);
    if !subtitle.is_empty() {
        let _ = writeln!(x, "  <subtitle>{}</subtitle>", xml_escape(&subtitle));
    }
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&feed_url));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&feed_url)
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&home)
    );
    let _ = writeln!(x, "  <updated>{updated}T00:00:00Z</updated>");
    let author = site.config.organisation.name.text(lang, default);
    let _ = writeln!(
        x,
        "  <author><name>{}</name></author>",
        xml_escape(if author.is_empty() { &title } else { &author })
    );
    let _ = writeln!(x, "  <generator>klaster</generator>");
    for (date, r, loc) in entries {
        let Some(path) = &loc.path else { continue };
        let link = urls.permalink(path);
        let kind = match r.id.collection {
            Collection::Projects => strings.get(lang, "project").unwrap_or("Project"),
            _ => strings.get(lang, "news_item").unwrap_or("News"),
        };
        x.push_str("  <entry>\n");
        // A text that fell back to another language is marked with that language.
        let lang_of = |field: &str| match loc.fallback.get(field) {
            Some(l) => format!(" xml:lang=\"{}\"", xml_escape(l)),
            None => String::new(),
        };
        let _ = writeln!(
            x,
            "    <title{}>{}</title>",
            lang_of("title"),
            xml_escape(&loc.label)
        );
        let _ = writeln!(x, "    <id>{}</id>", xml_escape(&link));
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&link)
        );
        let _ = writeln!(x, "    <updated>{date}T00:00:00Z</updated>");
        let _ = writeln!(x, "    <published>{date}T00:00:00Z</published>");
        let _ = writeln!(
            x,
            "    <category term=\"{}\" label=\"{}\"/>",
            r.id.collection,
            xml_escape(kind)
        );
        if let Some(s) = &loc.summary {
            let _ = writeln!(
                x,
                "    <summary{}>{}</summary>",
                lang_of("summary"),
                xml_escape(s)
            );
        }
        if !loc.body.is_empty() {
            let _ = writeln!(
                x,
                "    <content type=\"html\"{}>{}</content>",
                lang_of("body"),
                xml_escape(&loc.body.text())
            );
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    OutputFile::text(paths::output_file(&paths::feed(lang)), x)
}

/// The most addresses one sitemap file may list (sitemaps.org; also at most 50 MB).
pub const SITEMAP_URLS: usize = 50_000;

/// The sitemap with `xhtml:link` alternates for every language version of a page (the
/// same alternates as the page's head, `Page::alternates`). Up to `limit` addresses it
/// is `/sitemap.xml`; a larger site gets `/sitemap-1.xml`, `/sitemap-2.xml`, ... of
/// `limit` addresses each and `/sitemap.xml` as their index, as the protocol asks.
/// Each file goes to `put` as soon as it is made: at 2 × 50,000 records one part is
/// 18 MB of text, and only one is in memory at a time.
///
/// With `keep` (for `serve`), a sitemap in one file is made from each page's entry,
/// and the entries are kept there for [`moved_sitemap`].
pub fn each_sitemap<'a, E>(
    site: &Site,
    lists: &Lists,
    urls: &Urls,
    pages: impl Iterator<Item = &'a super::plan::Page>,
    limit: usize,
    keep: Option<&OnceLock<Arc<Entries>>>,
    mut put: impl FnMut(OutputFile) -> Result<(), E>,
) -> Result<(), E> {
    let mut pages: Vec<_> = pages.filter(|p| !p.is_not_found()).collect();
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    let limit = limit.max(1);
    if pages.len() <= limit {
        let text = match keep {
            Some(keep) => {
                let entries = entries(site, lists, urls, &pages);
                let text = urlset_of(&entries);
                let _ = keep.set(Arc::new(entries));
                text
            }
            None => urlset(site, lists, urls, &pages),
        };
        return put(OutputFile::text(paths::output_file(paths::SITEMAP), text));
    }
    let mut index = String::new();
    index.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    index.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (i, part) in pages.chunks(limit).enumerate() {
        let path = paths::sitemap_part(i + 1);
        let _ = writeln!(
            index,
            "  <sitemap><loc>{}</loc></sitemap>",
            xml_escape(&urls.permalink(&path))
        );
        put(OutputFile::text(
            paths::output_file(&path),
            urlset(site, lists, urls, part),
        ))?;
    }
    index.push_str("</sitemapindex>\n");
    put(OutputFile::text(paths::output_file(paths::SITEMAP), index))
}

/// [`each_sitemap`]'s files in a list.
#[cfg(test)]
pub fn sitemaps<'a>(
    site: &Site,
    lists: &Lists,
    urls: &Urls,
    pages: impl Iterator<Item = &'a super::plan::Page>,
    limit: usize,
) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let _ = each_sitemap(site, lists, urls, pages, limit, None, |f| {
        files.push(f);
        Ok::<(), ()>(())
    });
    files
}

fn urlset(site: &Site, lists: &Lists, urls: &Urls, pages: &[&super::plan::Page]) -> String {
    // The entries are made in pieces in parallel: at 20,000 pages the sitemap is
    // remade on every edit in `serve` that moves a page.
    let base = xml_escape(urls.base_url);
    let entries: Vec<String> = pages
        .par_chunks(1024)
        .map(|part| {
            // About 400 bytes for a page in two languages.
            let mut x = String::with_capacity(part.len() * 512);
            for page in part {
                url_entry(&mut x, site, lists, &base, page);
            }
            x
        })
        .collect();
    urlset_around(entries.iter().map(String::as_str))
}

/// The `<urlset>` document around `entries`, in their order.
fn urlset_around<'a>(entries: impl Iterator<Item = &'a str> + Clone) -> String {
    let len = entries.clone().map(str::len).sum::<usize>();
    let mut x = String::with_capacity(len + URLSET_HEAD.len() + URLSET_TAIL.len());
    x.push_str(URLSET_HEAD);
    entries.for_each(|e| x.push_str(e));
    x.push_str(URLSET_TAIL);
    x
}

/// Each page's sitemap entry with the page's path, in the sitemap's order (by path).
pub type Entries = Vec<(Arc<str>, Arc<str>)>;

/// The entries of `pages` (in the sitemap's order), made in parallel.
fn entries(site: &Site, lists: &Lists, urls: &Urls, pages: &[&super::plan::Page]) -> Entries {
    let base = xml_escape(urls.base_url);
    pages
        .par_iter()
        .map(|page| {
            let mut x = String::with_capacity(512);
            url_entry(&mut x, site, lists, &base, page);
            (Arc::from(page.path.as_str()), Arc::from(x))
        })
        .collect()
}

/// The sitemap of `entries`, as [`urlset`] makes it.
fn urlset_of(entries: &Entries) -> String {
    urlset_around(entries.iter().map(|(_, e)| &**e))
}

/// The sitemap after the pages at the paths `gone` went or moved and `pages` came
/// (the pages of records with new slugs, in every language, since each names the
/// others as its alternates; the pages of a record put in and the news list pages),
/// made from the `kept` entries of the sitemap before: only the entries of `pages`
/// are made again, and the new entries put in `keep`. `None` when
/// the sitemap now needs parts (over [`SITEMAP_URLS`] addresses).
pub fn moved_sitemap(
    site: &Site,
    lists: &Lists,
    urls: &Urls,
    kept: &Entries,
    gone: &[String],
    pages: &[&super::plan::Page],
    keep: &OnceLock<Arc<Entries>>,
) -> Option<OutputFile> {
    let gone: std::collections::HashSet<&str> = gone.iter().map(String::as_str).collect();
    // Both in path order: merged, not put in one at a time (a news item in or out
    // makes every news list page's entry again).
    let mut again = entries(site, lists, urls, pages);
    again.sort_by(|a, b| a.0.cmp(&b.0));
    let mut all: Entries = Vec::with_capacity(kept.len() + again.len());
    let mut a = kept
        .iter()
        .filter(|(p, _)| !gone.contains(&**p))
        .cloned()
        .peekable();
    let mut b = again.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.0 <= y.0,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        all.extend(if take_a { a.next() } else { b.next() });
    }
    if all.len() > SITEMAP_URLS {
        return None;
    }
    let text = urlset_of(&all);
    let _ = keep.set(Arc::new(all));
    Some(OutputFile::text(paths::output_file(paths::SITEMAP), text))
}

const URLSET_HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const URLSET_TAIL: &str = "</urlset>\n";

/// A page's `<url>` entry: its address and, when it exists in more than one
/// language, its alternates; `base` is the site's base URL, escaped.
fn url_entry(x: &mut String, site: &Site, lists: &Lists, base: &str, page: &super::plan::Page) {
    let permalink = |x: &mut String, path: &str| {
        x.push_str(base);
        xml_escape_into(x, path);
    };
    x.push_str("  <url>\n    <loc>");
    permalink(x, &page.path);
    x.push_str("</loc>\n");
    let alternates = page.alternates(site, &page.versions(site, lists));
    // A page in one language only has no alternates to name.
    if alternates.len() > 2 {
        for (lang, p) in &alternates {
            x.push_str("    <xhtml:link rel=\"alternate\" hreflang=\"");
            xml_escape_into(x, lang);
            x.push_str("\" href=\"");
            permalink(x, p);
            x.push_str("\"/>\n");
        }
    }
    x.push_str("  </url>\n");
}
