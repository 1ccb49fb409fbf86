//! The render stage as a whole: what it reports while it works.

use crate::output::Collect;
use crate::progress::Progress;
use crate::resolve::testing::resolve;
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
    let files: Vec<(&str, &str)> = partners
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let (site, diags) = resolve(&files);
    let site = site.unwrap_or_else(|| panic!("{diags:?}"));
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
