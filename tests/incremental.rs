//! Rebuilds with a render cache (what `serve` does) render only what an edit touches,
//! and produce exactly the output of a build from scratch.

mod common;
use common::*;
use klaster::output::{Collect, Content, OutputFile};
use klaster::pipeline::{self, Options, Outcome};
use klaster::render::cache::Cache;
use std::collections::BTreeMap;
use std::sync::Arc;

fn run(site: &TestSite, cache: Option<Arc<Cache>>) -> (Outcome, Vec<OutputFile>) {
    let files = Collect::default();
    let outcome = pipeline::run(
        &Options {
            root: site.path().to_path_buf(),
            base_url: None,
            drafts: false,
            date: jiff::civil::date(2024, 6, 1),
            progress: None,
            cache,
            pictures: None,
        },
        &files,
    );
    assert!(!outcome.has_errors(), "{:?}", outcome.diagnostics);
    (outcome, files.into_files())
}

fn bytes(files: &[OutputFile]) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|f| {
            let b = match &f.content {
                Content::Bytes(b) => b.clone(),
                Content::Shared(b) => b.as_ref().clone(),
                Content::Copy(p) => std::fs::read(p).unwrap(),
            };
            (f.path.clone(), b)
        })
        .collect()
}

/// Applies `edit`, rebuilds with the cache and checks the result against a fresh build.
/// Returns how many pages were rendered again.
fn rebuilt_after(site: &TestSite, cache: &Arc<Cache>, edit: impl FnOnce(&TestSite)) -> usize {
    edit(site);
    let (incremental, files) = run(site, Some(cache.clone()));
    let (_, fresh) = run(site, None);
    let (a, b) = (bytes(&files), bytes(&fresh));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, content) in &a {
        assert!(
            b[path] == *content,
            "{path} differs from a build from scratch"
        );
    }
    let pages = incremental
        .stats
        .pages
        .iter()
        .map(|(_, n)| n)
        .sum::<usize>()
        + 2;
    pages - incremental.stats.pages_reused
}

#[test]
fn an_edit_rerenders_only_the_pages_it_touches_and_matches_a_full_build() {
    let site = TestSite::new();
    for i in 0..30 {
        site.write(
            &format!("content/news/item-{i:02}.yaml"),
            &format!(
                "title: {{et: Uudis {i}, en: News {i}}}\ndate: 2023-01-{:02}\n",
                1 + i % 28
            ),
        );
    }
    let cache = Arc::new(Cache::new());
    let (first, _) = run(&site, Some(cache.clone()));
    let total = first.stats.pages.iter().map(|(_, n)| n).sum::<usize>() + 2;
    assert_eq!(first.stats.pages_reused, 0);

    // Nothing changed: nothing is rendered.
    assert_eq!(rebuilt_after(&site, &cache, |_| {}), 0);

    // The body of one page: only that page, in that language.
    let n = rebuilt_after(&site, &cache, |s| {
        s.write(
            "content/pages/about.en.md",
            "---\n---\nA new English text.\n",
        )
    });
    eprintln!("body edit: {n} of {total} pages rendered");
    assert!(
        (1..=3).contains(&n),
        "{n} of {total} pages rendered for one body edit"
    );

    // The title of an old news item: its page and the lists that show it, not the rest.
    let n = rebuilt_after(&site, &cache, |s| {
        s.write(
            "content/news/item-05.yaml",
            "title: {et: Uus pealkiri, en: New title}\ndate: 2023-01-06\n",
        )
    });
    eprintln!("title edit: {n} of {total} pages rendered");
    assert!(
        n < total / 2,
        "{n} of {total} pages rendered for one title edit"
    );

    // A template change renders everything again.
    let n = rebuilt_after(&site, &cache, |s| {
        let base =
            std::fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
        for entry in walkdir::WalkDir::new(repo().join("themes/default")) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(repo())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                s.write_bytes(&rel, &std::fs::read(entry.path()).unwrap());
            }
        }
        s.write(
            "themes/default/templates/base.html",
            &base.replace("</footer>", "<p>Changed</p></footer>"),
        );
    });
    assert_eq!(n, total, "a theme edit re-renders every page");

    // Site settings (the title shows on every page).
    let n = rebuilt_after(&site, &cache, |s| {
        s.write(
            "content/site.yaml",
            &SITE_YAML.replace("Test cluster", "Renamed cluster"),
        )
    });
    assert!(n >= total / 2, "{n} of {total}");
}
