//! The two example sites build completely, in every language, with no broken links.

mod common;
use common::*;

fn build_into(root: &std::path::Path) -> (tempfile::TempDir, Run) {
    let out = tempfile::tempdir().expect("temp dir");
    let run = klaster(
        &[
            "build",
            "--root",
            &root.to_string_lossy(),
            "--output",
            &out.path().join("site").to_string_lossy(),
            "--date",
            "2026-11-22",
        ],
        &repo(),
    );
    (out, run)
}

#[test]
fn connected_health_builds_every_url_in_et_and_en() {
    let (out, run) = build_into(&repo());
    assert_eq!(run.code, 0, "{}", run.all());
    let site = out.path().join("site");
    let mut expected = vec![
        "index.html".to_string(),
        "404.html".into(),
        "sitemap.xml".into(),
        "robots.txt".into(),
    ];
    for lang in ["et", "en"] {
        for p in [
            "index.html",
            "partners/index.html",
            "partners/tehnopol/index.html",
            "people/index.html",
            "strategy/index.html",
            "strategy/strategy-2019-2023/index.html",
            "projects/index.html",
            "projects/cluster-development/index.html",
            "about/index.html",
            "feed.xml",
        ] {
            expected.push(format!("{lang}/{p}"));
        }
    }
    for p in &expected {
        assert!(site.join(p).is_file(), "missing {p}");
    }
    // pages/home is the home page's introduction, not a page of its own.
    assert!(!site.join("et/home/index.html").exists());

    let et_home = std::fs::read_to_string(site.join("et/index.html")).unwrap();
    assert!(et_home.contains("<html lang=\"et\">"));
    let en_project =
        std::fs::read_to_string(site.join("en/projects/cluster-development/index.html")).unwrap();
    assert!(en_project.contains("<html lang=\"en\">"));
    assert!(
        en_project.contains(
            "hreflang=\"et\" href=\"https://example.org/et/projects/cluster-development/\""
        ),
        "{en_project}"
    );
    assert!(en_project.contains(
        "hreflang=\"x-default\" href=\"https://example.org/et/projects/cluster-development/\""
    ));
    assert!(en_project.contains(
        "<link rel=\"canonical\" href=\"https://example.org/en/projects/cluster-development/\">"
    ));
    assert!(en_project.contains("€600,000"), "money in en-GB form");
    let et_project =
        std::fs::read_to_string(site.join("et/projects/cluster-development/index.html")).unwrap();
    assert!(
        et_project.contains("600\u{a0}000\u{a0}€"),
        "money in Estonian form"
    );
    assert!(et_project.contains("Kaasrahastanud Euroopa Liit"));
    // The language switcher links to the same record in the other language.
    assert!(et_project.contains(
        "<a href=\"/en/projects/cluster-development/\" hreflang=\"en\" lang=\"en\">English</a>"
    ));

    // Partners are grouped by category; people list every board member of the seed.
    let people = std::fs::read_to_string(site.join("et/people/index.html")).unwrap();
    for name in [
        "Siim Nahkur",
        "Priit Kruus",
        "Margus Jäger",
        "Peeter Ross",
        "Kati Korm",
        "Kalle Killar",
        "Triin Perkson",
        "Piret Hirv",
        "Oliver Loit",
        "Kadri Villers",
        "Liis Lohur",
    ] {
        assert!(people.contains(name), "{name} missing from the people page");
    }
    let strategy =
        std::fs::read_to_string(site.join("en/strategy/strategy-2019-2023/index.html")).unwrap();
    assert!(
        strategy.contains("class=\"toc\""),
        "strategy has a table of contents"
    );

    let sitemap = std::fs::read_to_string(site.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/en/partners/tehnopol/\"/>"));
    let feed = std::fs::read_to_string(site.join("en/feed.xml")).unwrap();
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    // The project's dates are not known, so it is not in the feed (which needs a date)
    // and its page says so instead of publishing placeholder dates.
    assert!(!feed.contains("<entry>"), "{feed}");
    let project =
        std::fs::read_to_string(site.join("en/projects/cluster-development/index.html")).unwrap();
    assert!(project.contains("Dates to be confirmed"));
    assert!(!project.contains("class=\"status"), "no derived status");

    let problems = broken_links(&site, "https://example.org");
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn finnish_network_builds_with_finnish_first() {
    let (out, run) = build_into(&repo().join("examples/digital-health-network"));
    assert_eq!(run.code, 0, "{}", run.all());
    let site = out.path().join("site");
    let fi_home = std::fs::read_to_string(site.join("fi/index.html")).unwrap();
    assert!(fi_home.contains("<html lang=\"fi\">"));
    let project =
        std::fs::read_to_string(site.join("fi/projects/digital-health-lead-project/index.html"))
            .unwrap();
    assert!(project.contains("1. syyskuuta 2023"), "Finnish dates");
    assert!(project.contains("467\u{a0}357\u{a0}€"), "Finnish money");
    assert!(project.contains("Euroopan unionin osarahoittama"));
    for implementer in [
        "university-of-oulu",
        "oulu-university-of-applied-sciences",
        "turku-university-of-applied-sciences",
        "tampere-university-foundation",
        "kuopio-health",
        "helsinki-partners",
    ] {
        assert!(
            project.contains(&format!("/fi/partners/{implementer}/")),
            "{implementer} missing"
        );
    }
    for contact in ["Veera Virta", "Jarmo Reponen"] {
        assert!(project.contains(contact));
    }
    // x-default points at the Finnish version: Finnish is the default language.
    assert!(project.contains("hreflang=\"x-default\" href=\"https://example.org/fi/projects/digital-health-lead-project/\""));
    let root = std::fs::read_to_string(site.join("index.html")).unwrap();
    let fi = root.find("Suomi").expect("Suomi offered");
    let en = root.find("English").expect("English offered");
    assert!(fi < en, "the default language comes first");
    assert!(
        site.join("en/projects/digital-health-lead-project/index.html")
            .is_file()
    );
    let problems = broken_links(&site, "https://example.org");
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn example_content_passes_strict_check() {
    for root in [repo(), repo().join("examples/digital-health-network")] {
        let run = klaster(
            &["check", "--strict", "--root", &root.to_string_lossy()],
            &repo(),
        );
        assert_eq!(run.code, 0, "{}: {}", root.display(), run.all());
    }
}

#[test]
fn base_url_path_is_kept_in_every_link() {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let run = klaster(
        &[
            "build",
            "--output",
            &dest.to_string_lossy(),
            "--date",
            "2026-11-22",
            "--base-url",
            "https://org.github.io/cluster/",
        ],
        &repo(),
    );
    assert_eq!(run.code, 0, "{}", run.all());
    let page = std::fs::read_to_string(dest.join("en/partners/index.html")).unwrap();
    assert!(
        page.contains("href=\"/cluster/en/partners/tehnopol/\""),
        "{page}"
    );
    assert!(page.contains("href=\"https://org.github.io/cluster/en/partners/\""));
    // Served under /cluster/, every root-relative link must start with it.
    for href in attr_values(&page, "href")
        .iter()
        .chain(attr_values(&page, "src").iter())
    {
        if href.starts_with('/') {
            assert!(
                href.starts_with("/cluster/"),
                "{href} does not keep the base path"
            );
        }
    }
}

#[test]
fn link_checker_notices_a_missing_page_and_fragment() {
    let (out, run) = build_into(&repo());
    assert_eq!(run.code, 0, "{}", run.all());
    let site = out.path().join("site");
    std::fs::remove_file(site.join("en/partners/tehnopol/index.html")).unwrap();
    let strategy = site.join("en/strategy/strategy-2019-2023/index.html");
    let html = std::fs::read_to_string(&strategy).unwrap();
    let first_id = html
        .split("<a href=\"#")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("toc link")
        .to_string();
    std::fs::write(
        &strategy,
        html.replace(&format!("id=\"{first_id}\""), "id=\"renamed\""),
    )
    .unwrap();
    let problems = broken_links(&site, "https://example.org");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("en/partners/tehnopol/index.html")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains(&format!("#{first_id}"))),
        "{problems:?}"
    );
}
