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

    // The base template: every page made with a template that extends it (all but
    // the language choice at the root).
    let n = rebuilt_after(&site, &cache, |s| {
        s.copy_default_theme();
        let base =
            std::fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
        s.write(
            "themes/default/templates/base.html",
            &base.replace("</footer>", "<p>Changed</p></footer>"),
        );
    });
    assert_eq!(
        n,
        total - 1,
        "a base template edit re-renders every page but the root"
    );

    // Site settings (the title shows on every page).
    let n = rebuilt_after(&site, &cache, |s| {
        s.write(
            "content/site.yaml",
            &SITE_YAML.replace("Test cluster", "Renamed cluster"),
        )
    });
    assert!(n >= total / 2, "{n} of {total}");
}

#[test]
fn a_new_slug_renders_every_page_again_only_where_a_template_looks_up_record_addresses() {
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

    // The default theme asks `url_for` for sections only: a news item's new slug
    // renders its pages and those that list or link to it, and every page is as a
    // build from scratch makes it (`rebuilt_after` compares them).
    let n = rebuilt_after(&site, &cache, |s| {
        s.write(
            "content/news/item-05.yaml",
            "title: {et: Uudis 5, en: News 5}\ndate: 2023-01-06\nslug: fifth\n",
        )
    });
    eprintln!("slug edit: {n} of {total} pages rendered");
    assert!(
        n < total / 2,
        "{n} of {total} pages rendered for a new slug"
    );

    // A footer that links to that item by `url_for(id=…)`: the next new slug shows on
    // every page made with the base template.
    site.copy_default_theme();
    let base = std::fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    site.write(
        "themes/default/templates/base.html",
        &base.replace(
            "</footer>",
            "<a href=\"{{ url_for(id='news/item-05') }}\">Item</a></footer>",
        ),
    );
    rebuilt_after(&site, &cache, |_| {});
    let n = rebuilt_after(&site, &cache, |s| {
        s.write(
            "content/news/item-05.yaml",
            "title: {et: Uudis 5, en: News 5}\ndate: 2023-01-06\nslug: fifth-item\n",
        )
    });
    assert!(
        n >= total - 1,
        "{n} of {total}: every page shows the new address"
    );
    let (_, files) = run(&site, None);
    let home = String::from_utf8_lossy(&bytes(&files)["en/index.html"]).into_owned();
    assert!(home.contains("/en/news/fifth-item/"), "{home}");
}

/// The output of a build from scratch, without the search index (which `serve` makes
/// after a body edit is served).
fn fresh_pages(site: &TestSite) -> (Outcome, BTreeMap<String, Vec<u8>>) {
    let files = Collect::default();
    let outcome = pipeline::run(&keeping(site, &Arc::new(Cache::new())), &files);
    let mut b = bytes(&files.into_files());
    b.retain(|p, _| !p.starts_with("search/"));
    (outcome, b)
}

/// The files served after the edits are those of a build from scratch, and so are the
/// problems reported.
fn assert_like_fresh(site: &TestSite, served: &BTreeMap<String, Vec<u8>>, outcome: &Outcome) {
    let (fresh, pages) = fresh_pages(site);
    assert_eq!(
        served.keys().collect::<Vec<_>>(),
        pages.keys().collect::<Vec<_>>()
    );
    for (path, content) in &pages {
        assert!(
            served[path] == *content,
            "{path} differs from a build from scratch:\n{}",
            String::from_utf8_lossy(content)
        );
    }
    assert_eq!(outcome.diagnostics, fresh.diagnostics);
}

/// A whole build as `serve` makes it: the model it keeps for edits, and the files it
/// serves (without the search index, which later edits leave for after them).
fn served_build(
    opts: &Options,
    cache: &Arc<Cache>,
) -> (pipeline::Previous, BTreeMap<String, Vec<u8>>) {
    let first = Collect::default();
    let (outcome, previous) = pipeline::run_keeping(opts, &first);
    assert!(!outcome.has_errors(), "{:?}", outcome.diagnostics);
    let mut served = bytes(&first.into_files());
    served.retain(|p, _| !p.starts_with("search/"));
    cache.defer_search(true);
    (previous.expect("a good build keeps its model"), served)
}

fn keeping(site: &TestSite, cache: &Arc<Cache>) -> Options {
    Options {
        root: site.path().to_path_buf(),
        base_url: None,
        drafts: false,
        date: jiff::civil::date(2024, 6, 1),
        progress: None,
        cache: Some(cache.clone()),
        pictures: None,
    }
}

/// Applies `changed` with `pipeline::patch` to `served`; the files it rendered, or
/// `None` when the edit needs a whole build.
fn patch(
    opts: &Options,
    previous: &mut pipeline::Previous,
    served: &mut BTreeMap<String, Vec<u8>>,
    changed: &[&str],
) -> Option<(Outcome, Vec<String>)> {
    let out = Collect::default();
    let changed: Vec<String> = changed.iter().map(|s| s.to_string()).collect();
    let outcome = pipeline::patch(opts, previous, &changed, &out)?;
    let files = bytes(&out.into_files());
    let paths = files.keys().cloned().collect();
    for gone in &outcome.stats.removed {
        served.remove(gone);
    }
    served.extend(files);
    Some((outcome, paths))
}

/// Writes `text` to `path` and applies that edit with [`patch`].
fn edit(
    site: &TestSite,
    opts: &Options,
    previous: &mut pipeline::Previous,
    served: &mut BTreeMap<String, Vec<u8>>,
    path: &str,
    text: &str,
) -> Option<(Outcome, Vec<String>)> {
    site.write(path, text);
    patch(opts, previous, served, &[path])
}

#[test]
fn a_body_edit_renders_only_the_pages_that_show_it_and_matches_a_full_build() {
    let site = TestSite::new();
    site.write(
        "content/pages/home.et.md",
        "---\ntitle: Avaleht\n---\nTere.\n",
    );
    site.write(
        "content/pages/home.en.md",
        "---\ntitle: Home\n---\nWelcome.\n",
    );
    site.write(
        "content/news/launch.en.md",
        "---\ntitle: Launch\ndate: 2024-05-01\n---\nThe first text.\n",
    );
    let cache = Arc::new(Cache::new());
    let opts = keeping(&site, &cache);
    let (mut previous, mut served) = served_build(&opts, &cache);

    let check = |served: &BTreeMap<String, Vec<u8>>, outcome: &Outcome| {
        assert_like_fresh(&site, served, outcome)
    };

    // A page's body: that record's pages alone, in each language (another language
    // may show it as a fallback), and the feeds.
    site.write(
        "content/pages/about.en.md",
        "---\n---\nA new English text.\n",
    );
    let (outcome, rendered) = patch(
        &opts,
        &mut previous,
        &mut served,
        &["content/pages/about.en.md"],
    )
    .expect("a body edit is applied to the previous build");
    check(&served, &outcome);
    let pages: Vec<&String> = rendered.iter().filter(|p| p.ends_with(".html")).collect();
    assert_eq!(pages, ["en/about/index.html", "et/about/index.html"]);
    assert!(
        String::from_utf8_lossy(&served["en/about/index.html"]).contains("A new English text.")
    );

    // A news item's body: its page and the feed that carries it.
    let (outcome, rendered) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        "content/news/launch.en.md",
        "---\ntitle: Launch\ndate: 2024-05-01\n---\nThe second text.\n",
    )
    .expect("a news body edit is applied");
    check(&served, &outcome);
    assert!(
        rendered.contains(&"en/news/launch/index.html".to_string()),
        "{rendered:?}"
    );
    assert!(String::from_utf8_lossy(&served["en/feed.xml"]).contains("The second text."));

    // The home record's body shows on the home page.
    let (outcome, _) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        "content/pages/home.en.md",
        "---\ntitle: Home\n---\nWelcome back.\n",
    )
    .expect("a home body edit is applied");
    check(&served, &outcome);
    assert!(String::from_utf8_lossy(&served["en/index.html"]).contains("Welcome back."));

    // A mistake in a body is reported as a build from scratch reports it, and goes
    // away when it is fixed.
    let (outcome, _) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        "content/pages/about.en.md",
        "---\n---\nSee [the lab](@partners/no-such-lab).\n",
    )
    .expect("a body edit with a mistake is applied");
    let (fresh, _) = fresh_pages(&site);
    assert!(
        fresh
            .diagnostics
            .iter()
            .any(|d| d.message.contains("no-such-lab")),
        "{:?}",
        fresh.diagnostics
    );
    assert_eq!(outcome.diagnostics, fresh.diagnostics);
    let (outcome, _) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        "content/pages/about.en.md",
        "---\n---\nFixed.\n",
    )
    .expect("the fix is applied");
    check(&served, &outcome);
    assert!(
        !outcome
            .diagnostics
            .iter()
            .any(|d| d.message.contains("no-such-lab"))
    );

    // An edit that must be applied to the previous build, checked against a build
    // from scratch; the files it rendered.
    let applied = |previous: &mut pipeline::Previous,
                   served: &mut BTreeMap<String, Vec<u8>>,
                   path: &str,
                   text: &str| {
        let (outcome, rendered) = edit(&site, &opts, previous, served, path, text)
            .unwrap_or_else(|| panic!("the edit of {path} is applied: {text}"));
        check(served, &outcome);
        rendered
    };

    // Front matter that keeps the record's identity: the pages whose template data
    // changed are rendered again, the rest are the previous build's, and all match a
    // build from scratch.
    applied(
        &mut previous,
        &mut served,
        "content/pages/about.en.md",
        "---\ntitle: Renamed\n---\nFixed.\n",
    );
    assert!(String::from_utf8_lossy(&served["en/about/index.html"]).contains("Renamed"));

    // A news item's title shows on its page, the news list and the feed.
    let rendered = applied(
        &mut previous,
        &mut served,
        "content/news/launch.en.md",
        "---\ntitle: Launch day\ndate: 2024-05-01\n---\nThe second text.\n",
    );
    assert!(String::from_utf8_lossy(&served["en/feed.xml"]).contains("Launch day"));
    let lists: Vec<&String> = rendered
        .iter()
        .filter(|p| p.starts_with("en/news/") && !p.contains("launch"))
        .collect();
    assert!(
        lists
            .iter()
            .any(|p| String::from_utf8_lossy(&served[p.as_str()]).contains("Launch day")),
        "the news list shows the new title: {rendered:?}"
    );

    // A YAML record's fields.
    applied(
        &mut previous,
        &mut served,
        "content/partners/tehnopol.yaml",
        "name: {et: Tehnopol, en: Tehnopol Science Park}\ncategory: startup\ncountry: EE\n",
    );
    assert!(
        String::from_utf8_lossy(&served["en/partners/index.html"])
            .contains("Tehnopol Science Park")
    );

    // A new slug moves the news item's page, without a whole build (see
    // a_new_slug_moves_the_records_pages_and_the_links_to_them_without_a_whole_build).
    let path = "content/news/launch.en.md";
    let (outcome, _) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        path,
        "---\ntitle: Launch day\nslug: start\ndate: 2024-05-01\n---\nThe second text.\n",
    )
    .expect("a new slug is applied");
    assert_like_fresh(&site, &served, &outcome);
    assert!(served.contains_key("en/news/start/index.html"));

    // A draft takes the record out of the build: a whole build.
    assert!(
        edit(
            &site,
            &opts,
            &mut previous,
            &mut served,
            path,
            "---\ntitle: Launch day\ndraft: true\ndate: 2024-05-01\n---\nThe second text.\n",
        )
        .is_none()
    );
}

/// In the test site a news item names a project, the project its coordinator and a
/// contact, and the contact her organisation: each edit below shows on pages of other
/// records, up to two references away, and is applied without a whole build.
#[test]
fn a_front_matter_edit_shows_on_every_page_that_shows_the_record() {
    let site = TestSite::new();
    let cache = Arc::new(Cache::new());
    let opts = keeping(&site, &cache);
    let (mut previous, mut served) = served_build(&opts, &cache);
    let page = |served: &BTreeMap<String, Vec<u8>>, p: &str| {
        String::from_utf8_lossy(&served[p]).into_owned()
    };
    let mut apply = |path: &str, text: &str| {
        let (outcome, rendered) = edit(&site, &opts, &mut previous, &mut served, path, text)
            .unwrap_or_else(|| panic!("the edit of {path} is applied: {text}"));
        assert_like_fresh(&site, &served, &outcome);
        (rendered, served.clone())
    };
    let partner = "content/partners/tehnopol.yaml";
    let person = "content/people/anna-test.yaml";
    let project = "content/projects/development.yaml";
    let project_text = std::fs::read_to_string(site.path().join(project)).unwrap();

    // The partner's name: on the project it coordinates, on its contact's card (her
    // organisation) and in the open data; not on pages that do not show it.
    let (rendered, served) = apply(
        partner,
        "name: {et: Tehnopol Uus, en: Tehnopol Renamed}\ncategory: startup\ncountry: EE\n",
    );
    assert!(page(&served, "en/projects/development/index.html").contains("Tehnopol Renamed"));
    assert!(page(&served, "en/people/index.html").contains("Tehnopol Renamed"));
    assert!(page(&served, "data/partners.json").contains("Tehnopol Renamed"));
    assert!(
        !rendered
            .iter()
            .any(|p| p.contains("about") || p.contains("search")),
        "{rendered:?}"
    );

    // Two references away: without its coordinator, the project still shows the
    // partner as its contact's organisation.
    apply(
        project,
        &project_text.replace("coordinator: tehnopol\n", ""),
    );
    let (_, served) = apply(
        partner,
        "name: {et: Tehnopol Uus, en: Tehnopol Again}\ncategory: startup\ncountry: EE\n",
    );
    assert!(page(&served, "en/projects/development/index.html").contains("Tehnopol Again"));
    apply(project, &project_text);

    // The contact's name: on the project and on the partner's page.
    let (_, served) = apply(
        person,
        "name: Anna Renamed\ngroups: [team]\norganisation: tehnopol\nphone: +372 5555 5555\n",
    );
    assert!(page(&served, "en/projects/development/index.html").contains("Anna Renamed"));
    assert!(page(&served, "en/partners/tehnopol/index.html").contains("Anna Renamed"));

    // Her organisation taken away: the partner's page no longer names her.
    let (_, served) = apply(person, "name: Anna Renamed\ngroups: [team]\n");
    assert!(!page(&served, "en/partners/tehnopol/index.html").contains("Anna Renamed"));

    // The project without its coordinator: the partner's page no longer lists it.
    let (_, served) = apply(
        project,
        &project_text.replace("coordinator: tehnopol\n", ""),
    );
    assert!(!page(&served, "en/partners/tehnopol/index.html").contains("Development project"));

    // The project's title: on the news item that names it, and in the feed.
    let (_, served) = apply(
        project,
        &project_text.replace("en: Development project", "en: Growth project"),
    );
    assert!(page(&served, "en/news/hello/index.html").contains("Growth project"));

    // The project ended: no longer ongoing, on the home page and in what every page
    // shares (the site data).
    apply(
        project,
        &project_text.replace("end: 2025-12-31", "end: 2024-01-31"),
    );

    // The partner in another category, and the news item on another date.
    apply(
        partner,
        "name: {et: Tehnopol Uus, en: Tehnopol Renamed}\ncategory: medtech\ncountry: EE\n",
    );
    apply(
        "content/news/hello.yaml",
        "title: {et: Tere, en: Hello}\ndate: 2023-02-01\nrelated: [projects/development]\n",
    );

    // The menu names the about page: its title is on every page.
    let (_, served) = apply(
        "content/pages/about.yaml",
        "title: {et: Meist uus, en: About us}\n",
    );
    assert!(page(&served, "en/search/index.html").contains("About us"));

    // Back as it was.
    apply(project, &project_text);

    // A body edit, then that body back as it was together with another record's
    // front matter: the page shows the body it had first, not the one in between.
    let home = "content/pages/home.en.md";
    site.write(home, "---\ntitle: Home\n---\nFirst words.\n");
    let (mut previous, mut served) = served_build(&opts, &cache);
    edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        home,
        "---\ntitle: Home\n---\nOther words.\n",
    )
    .expect("a body edit is applied");
    site.write(home, "---\ntitle: Home\n---\nFirst words.\n");
    // (A field the home page does not show, so its template data is as at first.)
    site.write(
        partner,
        "name: {et: Tehnopol Uus, en: Tehnopol Renamed}\ncategory: medtech\ncountry: FI\n",
    );
    let (outcome, _) = patch(&opts, &mut previous, &mut served, &[home, partner])
        .expect("an edit of two records is applied");
    assert_like_fresh(&site, &served, &outcome);
    assert!(page(&served, "en/index.html").contains("First words."));
}

#[test]
fn a_new_slug_moves_the_records_pages_and_the_links_to_them_without_a_whole_build() {
    let site = TestSite::new();
    site.write(
        "content/partners/other.yaml",
        "name: {et: Teine, en: Other partner}\ncategory: startup\ncountry: EE\n",
    );
    let cache = Arc::new(Cache::new());
    let opts = keeping(&site, &cache);
    let (mut previous, mut served) = served_build(&opts, &cache);
    let page = |served: &BTreeMap<String, Vec<u8>>, p: &str| {
        String::from_utf8_lossy(&served[p]).into_owned()
    };
    let partner = "content/partners/tehnopol.yaml";
    let text = std::fs::read_to_string(site.path().join(partner)).unwrap();
    assert!(served.contains_key("en/partners/tehnopol/index.html"));

    // A slug in every language: the pages move, the about page's `@` link and the
    // project's coordinator lead to the new address, and the old pages are gone.
    let (outcome, rendered) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        partner,
        &format!("slug: science-park\n{text}"),
    )
    .expect("a new slug is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);
    assert!(!served.contains_key("en/partners/tehnopol/index.html"));
    assert!(!served.contains_key("et/partners/tehnopol/index.html"));
    assert!(page(&served, "en/about/index.html").contains("/en/partners/science-park/"));
    assert!(
        page(&served, "en/projects/development/index.html").contains("/en/partners/science-park/")
    );
    assert!(page(&served, "sitemap.xml").contains("/en/partners/science-park/"));
    assert!(!page(&served, "sitemap.xml").contains("/partners/tehnopol/"));
    // Pages that do not show the partner are not rendered again.
    assert!(
        !rendered
            .iter()
            .any(|p| p.contains("search") || p.contains("other")),
        "{rendered:?}"
    );

    // One language's slug, then the slug taken away again.
    let (outcome, _) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        partner,
        &format!("slug: {{et: teaduspark}}\n{text}"),
    )
    .expect("a slug in one language is applied");
    assert_like_fresh(&site, &served, &outcome);
    assert!(served.contains_key("et/partners/teaduspark/index.html"));
    assert!(served.contains_key("en/partners/tehnopol/index.html"));
    let (outcome, _) = edit(&site, &opts, &mut previous, &mut served, partner, &text)
        .expect("a slug taken away is applied");
    assert_like_fresh(&site, &served, &outcome);
    assert!(!served.contains_key("et/partners/teaduspark/index.html"));

    // Another partner's slug: the whole build reports the duplicate.
    assert!(
        edit(
            &site,
            &opts,
            &mut previous,
            &mut served,
            partner,
            &format!("slug: other\n{text}"),
        )
        .is_none()
    );
    let (fresh, _) = fresh_pages(&site);
    assert!(
        fresh
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.message.contains("the slug `other` is used by")),
        "{:?}",
        fresh.diagnostics
    );
}

#[test]
fn edits_other_than_one_records_need_a_whole_build() {
    let site = TestSite::new();
    site.write(
        "content/news/solo.en.md",
        "---\ntitle: Solo\ndate: 2024-04-01\n---\nOnly in English.\n",
    );
    let cache = Arc::new(Cache::new());
    let opts = keeping(&site, &cache);
    let (_, previous) = pipeline::run_keeping(&opts, &Collect::default());
    let mut previous = previous.expect("a good build keeps its model");
    let mut served = BTreeMap::new();
    // Site settings, a new file, a removed file.
    assert!(
        edit(
            &site,
            &opts,
            &mut previous,
            &mut served,
            "content/site.yaml",
            &SITE_YAML.replace("Test cluster", "Renamed")
        )
        .is_none()
    );
    // A file new to a record the build has that gives it a language it did not have.
    assert!(
        edit(
            &site,
            &opts,
            &mut previous,
            &mut served,
            "content/news/solo.et.md",
            "---\ntitle: Üksi\n---\nAinult eesti keeles.\n"
        )
        .is_none()
    );
    std::fs::remove_file(site.path().join("content/pages/about.en.md")).unwrap();
    assert!(
        patch(
            &opts,
            &mut previous,
            &mut served,
            &["content/pages/about.en.md"]
        )
        .is_none()
    );
}

/// Applies an edit of a theme file with `pipeline::patch_theme` to `served`; the
/// pages it rendered, or `None` when the edit needs a whole build.
fn theme_edit(
    site: &TestSite,
    opts: &Options,
    previous: &mut pipeline::Previous,
    served: &mut BTreeMap<String, Vec<u8>>,
    path: &str,
    edit: impl FnOnce(String) -> String,
) -> Option<(Outcome, Vec<String>)> {
    let text = std::fs::read_to_string(site.path().join(path)).unwrap();
    site.write(path, &edit(text));
    let out = Collect::default();
    let outcome = pipeline::patch_theme(opts, previous, &out)?;
    let files = bytes(&out.into_files());
    let pages = files
        .keys()
        .filter(|p| p.ends_with(".html"))
        .cloned()
        .collect();
    served.extend(files);
    Some((outcome, pages))
}

/// A site with its own copy of the default theme, built as `serve` builds it.
fn served_themed_site() -> (
    TestSite,
    Options,
    pipeline::Previous,
    BTreeMap<String, Vec<u8>>,
) {
    let site = TestSite::new();
    site.copy_default_theme();
    let cache = Arc::new(Cache::new());
    let opts = keeping(&site, &cache);
    let (previous, served) = served_build(&opts, &cache);
    (site, opts, previous, served)
}

#[test]
fn a_theme_edit_renders_only_the_pages_whose_templates_use_it() {
    let (site, opts, mut previous, mut served) = served_themed_site();
    let mut apply = |path: &str, edit: &dyn Fn(String) -> String| {
        let (outcome, pages) = theme_edit(&site, &opts, &mut previous, &mut served, path, edit)
            .unwrap_or_else(|| panic!("the edit of {path} is applied"));
        assert_like_fresh(&site, &served, &outcome);
        let mut pages = pages;
        pages.sort();
        (pages, served.clone())
    };
    let t = "themes/default/templates";

    // A partial: the news lists and the home pages that include it, nothing else.
    let (pages, after) = apply(&format!("{t}/partials/news_item.html"), &|s| {
        s.replacen(
            "<li class=\"news-item\"",
            "<li class=\"news-item\" data-edited=\"yes\"",
            1,
        )
    });
    assert_eq!(
        pages,
        [
            "en/index.html",
            "en/news/index.html",
            "et/index.html",
            "et/news/index.html"
        ],
        "pages rendered for a news item partial edit"
    );
    assert!(String::from_utf8_lossy(&after["en/news/index.html"]).contains("data-edited"));

    // A script only the search page links: the search pages (its link carries the
    // script's new hash) and the script itself.
    let (pages, after) = apply("themes/default/static/search.js", &|s| {
        format!("{s}\n// edited\n")
    });
    assert_eq!(pages, ["en/search/index.html", "et/search/index.html"]);
    assert!(String::from_utf8_lossy(&after["search.js"]).ends_with("// edited\n"));

    // A page template: its pages only.
    let (pages, _) = apply(&format!("{t}/partner.html"), &|s| {
        s.replacen(
            "{% block content %}",
            "{% block content %}<!-- edited -->",
            1,
        )
    });
    assert_eq!(
        pages,
        [
            "en/partners/tehnopol/index.html",
            "et/partners/tehnopol/index.html"
        ]
    );

    // The base template: every page but the language choice at the root.
    let (pages, after) = apply(&format!("{t}/base.html"), &|s| {
        s.replace("</footer>", "<p>Edited</p></footer>")
    });
    let all: Vec<&String> = after
        .keys()
        .filter(|p| p.ends_with(".html") && *p != "index.html")
        .collect();
    assert_eq!(pages.iter().collect::<Vec<_>>(), all);

    // A class the templates did not use before: content is checked against the
    // theme's classes, so the whole site is built again.
    assert!(
        theme_edit(
            &site,
            &opts,
            &mut previous,
            &mut served,
            &format!("{t}/partner.html"),
            |s| {
                s.replacen(
                    "<article class=\"record\"",
                    "<article class=\"record brand-new\"",
                    1,
                )
            }
        )
        .is_none()
    );
    // An interface string: every page's words, the search index too.
    assert!(
        theme_edit(
            &site,
            &opts,
            &mut previous,
            &mut served,
            "themes/default/i18n/en.yaml",
            |s| { format!("{s}\nextra_words: More\n") }
        )
        .is_none()
    );
}

#[test]
fn a_broken_template_is_reported_after_a_theme_edit() {
    let (site, opts, mut previous, mut served) = served_themed_site();
    let (outcome, pages) = theme_edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        "themes/default/templates/partials/news_item.html",
        |s| s.replace("{% endif %}", ""),
    )
    .expect("a template edit is applied to the model");
    assert!(pages.is_empty(), "{pages:?}");
    let errors: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("news_item.html"), "{errors:?}");
}

#[test]
fn a_reference_changed_by_one_edit_leads_the_next_edits_to_the_pages_it_joins() {
    let site = TestSite::new();
    site.write(
        "content/partners/other.yaml",
        "name: {et: Teine, en: Other partner}\ncategory: startup\ncountry: EE\n",
    );
    let cache = Arc::new(Cache::new());
    let opts = keeping(&site, &cache);
    let (mut previous, mut served) = served_build(&opts, &cache);
    let project = "content/projects/development.yaml";
    let text = std::fs::read_to_string(site.path().join(project)).unwrap();
    let other = "content/partners/other.yaml";
    let steps = [
        // Any edit first: serve then keeps who refers to whom.
        (
            "content/partners/tehnopol.yaml",
            "name: {et: Tehnopol, en: Tehnopol Science Park}\ncategory: startup\ncountry: EE\n"
                .to_string(),
        ),
        // The project's coordinator becomes the other partner...
        (
            project,
            text.replace("coordinator: tehnopol", "coordinator: other"),
        ),
        // ...whose new name the project's page then shows.
        (
            other,
            "name: {et: Teine nimi, en: Renamed partner}\ncategory: startup\ncountry: EE\n"
                .to_string(),
        ),
    ];
    for (path, text) in steps {
        let (outcome, _) = edit(&site, &opts, &mut previous, &mut served, path, &text)
            .expect("a field edit is applied without a whole build");
        assert_like_fresh(&site, &served, &outcome);
    }
    let page = String::from_utf8_lossy(&served["en/projects/development/index.html"]).into_owned();
    assert!(page.contains("Renamed partner"), "{page}");
}

/// Removes the files `rels` of the test site and applies that with [`patch`].
fn remove(
    site: &TestSite,
    opts: &Options,
    previous: &mut pipeline::Previous,
    served: &mut BTreeMap<String, Vec<u8>>,
    rels: &[&str],
) -> Option<(Outcome, Vec<String>)> {
    for rel in rels {
        std::fs::remove_file(site.path().join(rel)).unwrap();
    }
    patch(opts, previous, served, rels)
}

#[test]
fn a_record_that_comes_or_goes_is_applied_without_a_whole_build() {
    let site = TestSite::new();
    // Twelve news items in English: two news list pages there, one in Estonian.
    site.write(
        "content/news/notice.yaml",
        "title: {et: Teade, en: Notice}\ndate: 2024-02-01\n",
    );
    for n in 1..=10 {
        site.write(
            &format!("content/news/item-{n:02}.en.md"),
            &format!("---\ntitle: Item {n}\ndate: 2024-03-{n:02}\n---\nText {n}.\n"),
        );
    }
    let cache = Arc::new(Cache::new());
    let opts = keeping(&site, &cache);
    let (mut previous, mut served) = served_build(&opts, &cache);
    let page = |served: &BTreeMap<String, Vec<u8>>, p: &str| {
        String::from_utf8_lossy(&served[p]).into_owned()
    };
    assert!(served.contains_key("en/news/page/2/index.html"));

    // A new news item, in two files at once: its page, the news lists (the first
    // page shows it, the last one item more), the home pages, the feed, the sitemap.
    let item = "content/news/new-item.en.md";
    let shared = "content/news/new-item.yaml";
    site.write(item, "---\n---\nJust in.\n");
    site.write(
        shared,
        "title: {et: Värske uudis, en: Fresh news}\ndate: 2024-06-01\nrelated: [partners/tehnopol]\n",
    );
    let (outcome, rendered) = patch(&opts, &mut previous, &mut served, &[item, shared])
        .expect("a new record is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);
    assert!(page(&served, "en/news/new-item/index.html").contains("Just in."));
    assert!(page(&served, "en/news/index.html").contains("Fresh news"));
    assert!(page(&served, "en/feed.xml").contains("Fresh news"));
    assert!(page(&served, "sitemap.xml").contains("/en/news/new-item/"));
    // Pages that cannot show it are not rendered again.
    assert!(rendered.contains(&"et/news/new-item/index.html".to_string()));
    assert!(
        !rendered
            .iter()
            .any(|p| p.contains("about") || p.contains("projects")),
        "{rendered:?}"
    );

    // Thirteen items: still two pages. Twelve after the new one goes again, then
    // two fewer: the second page is gone.
    let (outcome, _) = remove(&site, &opts, &mut previous, &mut served, &[item, shared])
        .expect("a removed record is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);
    assert!(!served.contains_key("en/news/new-item/index.html"));
    assert!(!page(&served, "sitemap.xml").contains("/en/news/new-item/"));
    let (outcome, _) = remove(
        &site,
        &opts,
        &mut previous,
        &mut served,
        &["content/news/item-01.en.md"],
    )
    .expect("a removed record is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);
    assert!(served.contains_key("en/news/page/2/index.html"));
    let (outcome, _) = remove(
        &site,
        &opts,
        &mut previous,
        &mut served,
        &["content/news/item-03.en.md"],
    )
    .expect("a removed record is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);
    assert!(!served.contains_key("en/news/page/2/index.html"));
    assert!(
        outcome
            .stats
            .removed
            .contains(&"en/news/page/2/index.html".to_string())
    );

    // A draft, then published again.
    let path = "content/news/hello.yaml";
    let text = std::fs::read_to_string(site.path().join(path)).unwrap();
    let (outcome, _) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        path,
        &format!("draft: true\n{text}"),
    )
    .expect("a record that becomes a draft is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);
    assert!(!served.contains_key("en/news/hello/index.html"));
    assert!(!page(&served, "et/news/index.html").contains("Tere"));
    let (outcome, _) = edit(&site, &opts, &mut previous, &mut served, path, &text)
        .expect("a draft published is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);
    assert!(page(&served, "et/news/index.html").contains("Tere"));
    // `draft:` in a file that is not read for it is only a warning: a whole build.
    let item = "content/news/item-02.en.md";
    let text = std::fs::read_to_string(site.path().join(item)).unwrap();
    let drafted = text.replacen("---\n", "---\ndraft: true\n", 1);
    assert!(edit(&site, &opts, &mut previous, &mut served, item, &drafted).is_none());
    let (mut previous, mut served) = served_build(&opts, &cache);
    assert!(served.contains_key("en/news/item-02/index.html"));

    // A new page in the pages collection (the table of references is made for it).
    let (outcome, _) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        "content/pages/contact.en.md",
        "---\ntitle: Contact\n---\nWrite to us.\n",
    )
    .expect("a new page is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);
    // A new project naming the partner and the person (the table kept and shifted): the partner's page lists it,
    // and so do the projects list and the people page's cards.
    let (outcome, _) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        "content/projects/second.yaml",
        "title: {et: Teine, en: Second project}\nsummary: {et: K, en: S}\nfunder: erdf\nstart: 2024-01-01\nend: 2026-12-31\ncoordinator: tehnopol\ncontacts: [anna-test]\n",
    )
    .expect("a new project is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);
    assert!(page(&served, "en/partners/tehnopol/index.html").contains("Second project"));
    // The kept table of references knows the new project: an edit of its contact
    // reaches its page.
    let (outcome, _) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        "content/people/anna-test.yaml",
        "name: Anna Renamed\ngroups: [team]\norganisation: tehnopol\nphone: +372 5555 5555\n",
    )
    .expect("a person's name is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);
    assert!(page(&served, "en/projects/second/index.html").contains("Anna Renamed"));

    // A new partner in one language only.
    let (outcome, _) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        "content/partners/newco.et.md",
        "---\nname: Uus OÜ\ncategory: medtech\ncountry: EE\n---\n",
    )
    .expect("a new partner is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);

    // A language's file added beside a record's shared file (a record with only a
    // shared file and files of the default language keeps its languages): the
    // partner's English page shows it, as a front matter edit would.
    let (outcome, _) = edit(
        &site,
        &opts,
        &mut previous,
        &mut served,
        "content/partners/tehnopol.en.md",
        "---\n---\nAn English introduction.\n",
    )
    .expect("a language's file added to a record is applied without a whole build");
    assert_like_fresh(&site, &served, &outcome);
    assert!(page(&served, "en/partners/tehnopol/index.html").contains("An English introduction."));

    // A new record whose files come in two batches of events: the first takes the
    // files already written with it, the second changes nothing.
    site.write(
        "content/partners/duo.yaml",
        "name: {et: Duo, en: Duo}\ncategory: startup\ncountry: EE\n",
    );
    site.write("content/partners/duo.en.md", "---\n---\nTwo files.\n");
    let (outcome, _) = patch(
        &opts,
        &mut previous,
        &mut served,
        &["content/partners/duo.en.md"],
    )
    .expect("a new record's first file is applied with the others");
    assert_like_fresh(&site, &served, &outcome);
    assert!(page(&served, "en/partners/duo/index.html").contains("Two files."));
    let (outcome, _) = patch(
        &opts,
        &mut previous,
        &mut served,
        &["content/partners/duo.yaml"],
    )
    .expect("the second batch is an edit of the record");
    assert_like_fresh(&site, &served, &outcome);
}

#[test]
fn a_record_that_others_name_needs_a_whole_build_to_come_or_go() {
    let site = TestSite::new();
    let cache = Arc::new(Cache::new());
    let opts = keeping(&site, &cache);
    let (mut previous, mut served) = served_build(&opts, &cache);
    // The project names the partner and the about page links to it.
    assert!(
        remove(
            &site,
            &opts,
            &mut previous,
            &mut served,
            &["content/partners/tehnopol.yaml"]
        )
        .is_none()
    );
    let (fresh, _) = fresh_pages(&site);
    assert!(fresh.has_errors());

    // The menu names the about page; a draft of it changes what the menu shows.
    let site = TestSite::new();
    let opts = keeping(&site, &cache);
    let (mut previous, mut served) = served_build(&opts, &cache);
    let about = std::fs::read_to_string(site.path().join("content/pages/about.yaml")).unwrap();
    assert!(
        edit(
            &site,
            &opts,
            &mut previous,
            &mut served,
            "content/pages/about.yaml",
            &format!("draft: true\n{about}"),
        )
        .is_none()
    );

    // A new record whose slug another record's page has.
    let (mut previous, mut served) = served_build(&opts, &cache);
    let _ = &mut served;
    assert!(
        edit(
            &site,
            &opts,
            &mut previous,
            &mut served,
            "content/partners/other.yaml",
            "slug: tehnopol\nname: Other\ncategory: startup\ncountry: EE\n",
        )
        .is_none()
    );
    let (fresh, _) = fresh_pages(&site);
    assert!(
        fresh
            .diagnostics
            .iter()
            .any(|d| d.message.contains("the slug `tehnopol` is used by")),
        "{:?}",
        fresh.diagnostics
    );
}
