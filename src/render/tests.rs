//! The render stage as a whole: what it reports while it works.

use crate::output::Collect;
use crate::progress::Progress;
use crate::resolve::testing::site_of;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Counts what the render stage announces and the steps it then takes.
#[derive(Default)]
struct Count {
    total: Mutex<Option<usize>>,
    steps: AtomicUsize,
}

impl Progress for Count {
    fn stage(&self, name: &'static str, total: Option<usize>) {
        if name == "render"
            && let Ok(mut t) = self.total.lock()
        {
            *t = total;
        }
    }
    fn step(&self) {
        self.steps.fetch_add(1, Ordering::Relaxed);
    }
    fn done(&self, _: &'static str, _: Duration) {}
}

#[test]
fn progress_counts_pages_and_search_entries_and_ends_at_its_total() {
    let partners: Vec<(String, String)> = (0..300)
        .map(|i| {
            (
                format!("content/partners/p{i}.yaml"),
                format!("name: Partner {i}\ncategory: startup\n"),
            )
        })
        .collect();
    let site = site_of(&partners);
    let count = Count::default();
    let stats = super::render(&site, &Collect::default(), Some(&count), None).expect("render");
    let total = count
        .total
        .lock()
        .map(|t| *t)
        .ok()
        .flatten()
        .expect("a total");
    let pages: usize = stats.pages.iter().map(|(_, n)| n).sum();
    // Every page (the languages' and the chooser and 404), and the 300 partners of
    // each language in its search index.
    assert_eq!(total, pages + 2 + 2 * 300, "{total} for {pages} pages");
    assert_eq!(count.steps.load(Ordering::Relaxed), total);
}

/// Past the protocol's limit of addresses per file, the sitemap is split into parts
/// with `/sitemap.xml` as their index, and every page is in exactly one part.
#[test]
fn a_large_sitemap_is_split_into_parts_under_an_index() {
    let files: Vec<(String, String)> = (0..5)
        .map(|i| {
            (
                format!("content/partners/p{i}.yaml"),
                format!("name: Partner {i}\ncategory: startup\n"),
            )
        })
        .collect();
    let site = site_of(&files);
    let formats = crate::i18n::Formats::new(site.config.languages.iter().map(|l| l.code.as_str()));
    let lists = super::lists::Lists::new(&site, &formats);
    let pages = super::plan::plan(&site, &lists);
    let urls = site.urls();
    let text = |f: &crate::output::OutputFile| {
        String::from_utf8(f.content.bytes().map(<[u8]>::to_vec).unwrap_or_default()).unwrap()
    };
    // Under the limit: one file.
    let one = super::feeds::sitemaps(
        &site,
        &lists,
        &urls,
        pages.iter(),
        super::feeds::SITEMAP_URLS,
    );
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].path, "sitemap.xml");
    let listed = text(&one[0]).matches("<loc>").count();
    assert!(listed > 10, "{listed}");
    // Over it: parts of at most `limit` addresses, and an index naming each part.
    let split = super::feeds::sitemaps(&site, &lists, &urls, pages.iter(), 4);
    let index = split
        .iter()
        .find(|f| f.path == "sitemap.xml")
        .expect("index");
    let index = text(index);
    assert!(
        index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"),
        "{index}"
    );
    let parts: Vec<_> = split.iter().filter(|f| f.path != "sitemap.xml").collect();
    assert_eq!(parts.len(), listed.div_ceil(4));
    let mut total = 0;
    for (i, part) in parts.iter().enumerate() {
        assert_eq!(part.path, format!("sitemap-{}.xml", i + 1));
        assert!(
            index.contains(&format!(
                "<loc>https://example.org/site/sitemap-{}.xml</loc>",
                i + 1
            )),
            "{index}"
        );
        let n = text(part).matches("<loc>").count();
        assert!((1..=4).contains(&n), "{n}");
        total += n;
    }
    assert_eq!(total, listed);
}
