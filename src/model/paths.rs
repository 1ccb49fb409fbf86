//! The URL layout of a built site: every address klaster writes or links to is made
//! here, and nowhere else (docs/content.md, "What the build makes").
//!
//! A *site path* is the part of an address after the base URL's own path, always
//! beginning with `/` (`/en/partners/tehnopol/`); [`Urls`] turns it into a link with
//! the base path (`/site/en/partners/tehnopol/`) or an absolute address, and
//! [`output_file`] into the file that serves it (`en/partners/tehnopol/index.html`).

use super::Collection;

/// How many entries a language's feed holds: the newest; readers fetch the feed often,
/// and older items are on the site.
pub const FEED_ENTRIES: usize = 50;

/// How many news items a page of the news list shows.
pub const NEWS_PER_PAGE: usize = 10;

/// Names a free page may not take, because the site uses `/L/<name>/` itself (plus
/// `data`, the open-data folder, and `home`, the home page's text).
pub const RESERVED_SLUGS: &[&str] = &[
    "partners", "people", "strategy", "projects", "news", "search", "data", "feed.xml", "home",
];

/// The page of a record in `lang`, or `None` for records shown only on other pages
/// (people, whose anchors are on the people page, and `pages/home`, the home page's
/// introduction).
pub fn record_page(collection: Collection, stem: &str, lang: &str, slug: &str) -> Option<String> {
    match collection {
        Collection::People => None,
        Collection::Pages if stem == "home" => None,
        Collection::Pages => Some(format!("/{lang}/{slug}/")),
        c => Some(format!("/{lang}/{}/{slug}/", c.name())),
    }
}

/// Where a record that has no page of its own is shown: a person's anchor on the
/// people page, the home page for the home text.
pub fn record_place(collection: Collection, stem: &str, lang: &str) -> String {
    match collection {
        Collection::People => person(lang, stem),
        _ => home(lang),
    }
}

/// The language chooser at the root of the site.
pub const ROOT: &str = "/";
/// The page hosts show for addresses that do not exist.
pub const NOT_FOUND: &str = "/404.html";
pub const SITEMAP: &str = "/sitemap.xml";

/// Part `n` (from 1) of a sitemap too large for one file; `/sitemap.xml` is then their
/// index.
pub fn sitemap_part(n: usize) -> String {
    format!("/sitemap-{n}.xml")
}
pub const ROBOTS: &str = "/robots.txt";
/// The open-data exports.
pub const PARTNERS_JSON: &str = "/data/partners.json";
pub const PARTNERS_CSV: &str = "/data/partners.csv";
pub const PROJECTS_JSON: &str = "/data/projects.json";

pub fn home(lang: &str) -> String {
    format!("/{lang}/")
}

/// The list page of a collection; `pages` has none.
pub fn section(lang: &str, collection: Collection) -> Option<String> {
    (collection != Collection::Pages).then(|| format!("/{lang}/{}/", collection.name()))
}

/// A language's own "page not found", for hosts that show the nearest `404.html`.
pub fn not_found(lang: &str) -> String {
    format!("/{lang}/404.html")
}

pub fn search(lang: &str) -> String {
    format!("/{lang}/search/")
}

/// Page `n` (from 1) of the news list.
pub fn news_page(lang: &str, n: usize) -> String {
    if n <= 1 {
        format!("/{lang}/news/")
    } else {
        format!("/{lang}/news/page/{n}/")
    }
}

/// How many pages a news list of `items` has (at least one, empty or not).
pub fn news_pages(items: usize) -> usize {
    items.div_ceil(NEWS_PER_PAGE).max(1)
}

pub fn feed(lang: &str) -> String {
    format!("/{lang}/feed.xml")
}

/// A person's entry on the people page.
pub fn person(lang: &str, stem: &str) -> String {
    format!("/{lang}/people/#{stem}")
}

/// A file of `content/media/`, by its path below that folder.
pub fn media(rel: &str) -> String {
    format!("/media/{rel}")
}

/// A resized copy of a picture, by its name in the image cache (`<hash>-640.webp`).
/// One folder for all of them: the name is a hash of the picture's bytes, so a picture
/// used twice (or renamed) is published once.
pub fn resized_image(name: &str) -> String {
    format!("/img/{name}")
}

/// The folder of a language's search index.
pub fn search_index(lang: &str) -> String {
    format!("/search/{lang}/")
}

/// The names `url_for(section=...)` accepts: the collections with a list page, the
/// search page, and `""` for the home page.
pub const SECTION_NAMES: &[&str] = &[
    "", "partners", "people", "strategy", "projects", "news", "search",
];

/// The site path of a section named in a template, or `None` for an unknown name.
pub fn section_by_name(lang: &str, name: &str) -> Option<String> {
    match name {
        "" => Some(home(lang)),
        "search" => Some(search(lang)),
        other => section(lang, Collection::from_name(other)?),
    }
}

/// The output file that serves a site path: `/en/` → `en/index.html`,
/// `/sitemap.xml` → `sitemap.xml`.
pub fn output_file(site_path: &str) -> String {
    let p = site_path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

/// Whether an output file is one the build makes itself (a page, an index, a feed,
/// the exports, media), so that a theme's static file of that name would be hidden.
pub fn is_generated(output: &str, languages: &[&str]) -> bool {
    let first = output.split('/').next().unwrap_or("");
    matches!(
        output,
        "index.html" | "404.html" | "sitemap.xml" | "robots.txt"
    ) || (output.starts_with("sitemap-") && output.ends_with(".xml"))
        || matches!(first, "data" | "media" | "img" | "search")
        || languages.contains(&first)
}

/// Turns site paths into links for one site.
#[derive(Debug, Clone, Copy)]
pub struct Urls<'a> {
    /// Absolute base URL without a trailing slash (`https://org.github.io/site`).
    pub base_url: &'a str,
    /// Its path without a trailing slash (`/site`, or empty).
    pub base_path: &'a str,
}

impl Urls<'_> {
    /// Root-relative URL of a site path: `/en/partners/` → `/site/en/partners/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path)
    }

    /// Absolute URL of a site path.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// The Content-Type of an output file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The media type of a file for `type` attributes (`image/svg+xml`), by its extension.
pub fn mime(path: &str) -> &'static str {
    let t = content_type(path);
    t.split(';').next().unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_address() {
        assert_eq!(
            record_page(Collection::Partners, "tehnopol", "en", "tehnopol").as_deref(),
            Some("/en/partners/tehnopol/")
        );
        assert_eq!(
            record_page(Collection::Pages, "about", "et", "meist").as_deref(),
            Some("/et/meist/")
        );
        assert_eq!(record_page(Collection::Pages, "home", "et", "home"), None);
        assert_eq!(record_page(Collection::People, "anna", "et", "anna"), None);
        assert_eq!(
            record_place(Collection::People, "anna", "en"),
            "/en/people/#anna"
        );
        assert_eq!(news_page("en", 1), "/en/news/");
        assert_eq!(news_page("en", 3), "/en/news/page/3/");
        assert_eq!(news_pages(0), 1);
        assert_eq!(news_pages(21), 3);
        assert_eq!(
            section("fi", Collection::Projects).as_deref(),
            Some("/fi/projects/")
        );
        assert_eq!(section("fi", Collection::Pages), None);
        assert_eq!(section_by_name("en", "").as_deref(), Some("/en/"));
        assert_eq!(
            section_by_name("en", "search").as_deref(),
            Some("/en/search/")
        );
        assert_eq!(section_by_name("en", "pages"), None);
        assert_eq!(output_file("/en/"), "en/index.html");
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/404.html"), "404.html");
        assert_eq!(output_file(&feed("et")), "et/feed.xml");
        let urls = Urls {
            base_url: "https://org.github.io/site",
            base_path: "/site",
        };
        assert_eq!(urls.url(&media("a b.pdf")), "/site/media/a b.pdf");
        assert_eq!(
            urls.permalink(SITEMAP),
            "https://org.github.io/site/sitemap.xml"
        );
    }

    #[test]
    fn generated_files_are_known() {
        for p in [
            "index.html",
            "sitemap.xml",
            "sitemap-2.xml",
            "en/x.css",
            "data/x.json",
            "media/a.png",
            "search/en/index.json",
        ] {
            assert!(is_generated(p, &["en", "et"]), "{p}");
        }
        for p in ["style.css", "fonts/a.woff2", "favicon.svg"] {
            assert!(!is_generated(p, &["en", "et"]), "{p}");
        }
    }
}
