//! What visitors and machines read: JSON-LD, Open Graph, the search index, open data
//! exports and language-specific sorting.

mod common;
use common::*;
use serde_json::Value;

fn build_example() -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = klaster(
        &[
            "build",
            "--output",
            &site.to_string_lossy(),
            "--date",
            "2026-11-22",
        ],
        &repo(),
    );
    assert_eq!(run.code, 0, "{}", run.all());
    (out, site)
}

fn jsonld(html: &str) -> Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("a JSON-LD script")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("valid JSON-LD")
}

#[test]
fn every_page_has_valid_json_ld_of_its_kind() {
    let (_tmp, site) = build_example();
    let cases = [
        ("en/index.html", "Organization"),
        ("en/partners/tehnopol/index.html", "Organization"),
        ("en/projects/cluster-development/index.html", "Project"),
        ("en/strategy/strategy-2019-2023/index.html", "Report"),
        ("et/about/index.html", "WebPage"),
        ("index.html", "Organization"),
    ];
    for (page, kind) in cases {
        let html = std::fs::read_to_string(site.join(page)).unwrap();
        let v = jsonld(&html);
        assert_eq!(v["@context"], "https://schema.org", "{page}");
        assert_eq!(v["@type"], kind, "{page}");
    }
    let project = jsonld(
        &std::fs::read_to_string(site.join("en/projects/cluster-development/index.html")).unwrap(),
    );
    assert_eq!(project["funding"]["@type"], "MonetaryGrant");
    assert_eq!(project["funding"]["amount"]["value"], 600000.0);
    assert_eq!(project["funding"]["amount"]["currency"], "EUR");
    assert_eq!(
        project["funding"]["funder"]["name"],
        "European Regional Development Fund"
    );
    let people = jsonld(&std::fs::read_to_string(site.join("et/people/index.html")).unwrap());
    let graph = people["@graph"].as_array().unwrap();
    assert!(graph.len() >= 11);
    assert!(graph.iter().all(|p| p["@type"] == "Person"));
    assert!(
        graph
            .iter()
            .any(|p| p["name"] == "Oliver Loit" && p["telephone"] == "+372 5858 8392")
    );
    // Every HTML page of both languages parses.
    for (path, bytes) in snapshot(&site) {
        if path.ends_with(".html") && path != "404.html" {
            let _ = jsonld(&String::from_utf8_lossy(&bytes));
        }
    }
}

#[test]
fn json_ld_cannot_be_closed_by_content() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: \"</script><script>alert(1)</script>\"\ncategory: startup\n",
    );
    assert_eq!(site.build(&[]).code, 0);
    let html = std::fs::read_to_string(site.path().join("output/en/partners/tehnopol/index.html"))
        .unwrap();
    assert!(!html.contains("</script><script>alert"));
    let v = jsonld(&html);
    assert_eq!(v["name"], "</script><script>alert(1)</script>");
}

#[test]
fn open_graph_tags() {
    let (_tmp, site) = build_example();
    let html = std::fs::read_to_string(site.join("en/partners/tehnopol/index.html")).unwrap();
    assert!(
        html.contains("<meta property=\"og:title\" content=\"Science Park Tehnopol\">"),
        "{html}"
    );
    assert!(html.contains(
        "<meta property=\"og:url\" content=\"https://example.org/en/partners/tehnopol/\">"
    ));
    assert!(html.contains("<meta property=\"og:locale\" content=\"en\">"));
}

/// What the search script does for one word: the stems of the words it begins,
/// their pages in the index, the pages' addresses.
fn search_index_finds(site: &std::path::Path, lang: &str, word: &str) -> Vec<String> {
    let dir = site.join(format!("search/{lang}"));
    let read = |p: &str| std::fs::read(dir.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let meta: Value = serde_json::from_slice(&read("index.json")).unwrap();
    let chunk_of = |starts: &Value, key: &str| {
        let starts: Vec<&str> = starts
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        starts.iter().rposition(|s| *s <= key).unwrap_or(0)
    };
    let words: Value =
        serde_json::from_slice(&read(&format!("w/{}.json", chunk_of(&meta["words"], word))))
            .unwrap();
    let stems: Vec<String> = words
        .as_object()
        .unwrap()
        .iter()
        .filter(|(w, _)| w.starts_with(word))
        .map(|(_, s)| s.as_str().unwrap().to_string())
        .collect();
    let mut pages = Vec::new();
    for stem in stems {
        let bytes = read(&format!("s/{}.bin", chunk_of(&meta["stems"], &stem)));
        let mut at = 0;
        fn varint(bytes: &[u8], at: &mut usize) -> u64 {
            let (mut v, mut shift) = (0u64, 0);
            loop {
                let b = bytes[*at];
                *at += 1;
                v |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    return v;
                }
            }
        }
        loop {
            let len = varint(&bytes, &mut at) as usize;
            let s = String::from_utf8(bytes[at..at + len].to_vec()).unwrap();
            at += len;
            let n = varint(&bytes, &mut at);
            let mut page = 0;
            for _ in 0..n {
                page += varint(&bytes, &mut at);
                at += 1;
                if s == stem {
                    pages.push(page);
                }
            }
            if s == stem || at >= bytes.len() {
                break;
            }
        }
    }
    let bundle = meta["bundle"].as_u64().unwrap();
    pages
        .iter()
        .map(|p| {
            let items: Value =
                serde_json::from_slice(&read(&format!("p/{}.json", p / bundle))).unwrap();
            items[(p % bundle) as usize]["u"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn search_index_covers_both_languages() {
    let (_tmp, site) = build_example();
    for (lang, word) in [("et", "põhiprotsesse"), ("en", "methodolog")] {
        let page = std::fs::read_to_string(site.join(format!("{lang}/search/index.html"))).unwrap();
        assert!(
            page.contains(&format!("data-index=\"/search/{lang}/\"")),
            "{page}"
        );
        let meta: Value = serde_json::from_str(
            &std::fs::read_to_string(site.join(format!("search/{lang}/index.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(meta["lang"], lang);
        // Every record page plus the people page.
        assert!(meta["pages"].as_u64().unwrap() >= 11, "{meta}");
        let found = search_index_finds(&site, lang, word);
        assert!(
            found.contains(&format!("/{lang}/strategy/strategy-2019-2023/")),
            "{lang} `{word}`: {found:?}"
        );
        // Results only in the page's language.
        assert!(
            found.iter().all(|u| u.starts_with(&format!("/{lang}/"))),
            "{found:?}"
        );
    }
    // Nothing loads from another host.
    for (path, bytes) in snapshot(&site) {
        if path.ends_with(".html") {
            let text = String::from_utf8_lossy(&bytes);
            for v in attr_values(&text, "src")
                .iter()
                .chain(&attr_values(&text, "href"))
            {
                if v.starts_with("http") && !v.starts_with("https://example.org") {
                    assert!(!text.contains(&format!("src=\"{v}\"")), "{path} loads {v}");
                }
            }
            assert!(
                !text.contains("<link rel=\"stylesheet\" href=\"http"),
                "{path}"
            );
        }
    }
}

#[test]
fn open_data_exports_have_ids_and_all_languages() {
    let (_tmp, site) = build_example();
    let partners: Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("data/partners.json")).unwrap())
            .unwrap();
    let list = partners["partners"].as_array().unwrap();
    let tehnopol = list
        .iter()
        .find(|p| p["id"] == "partners/tehnopol")
        .expect("stable id");
    assert_eq!(tehnopol["name"]["en"], "Science Park Tehnopol");
    assert_eq!(tehnopol["name"]["et"], "Teaduspark Tehnopol");
    assert_eq!(
        tehnopol["url"]["et"],
        "https://example.org/et/partners/tehnopol/"
    );
    let projects: Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("data/projects.json")).unwrap())
            .unwrap();
    let p = &projects["projects"][0];
    assert_eq!(p["id"], "projects/cluster-development");
    assert_eq!(p["grant"]["amount"], "600000");
    assert_eq!(p["funder"]["eu"], true);
    assert_eq!(p["coordinator"], "partners/tehnopol");
    assert!(p["objectives"]["et"].as_array().unwrap().len() == 3);

    let csv = std::fs::read_to_string(site.join("data/partners.csv")).unwrap();
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("UTF-8 byte-order mark for spreadsheets");
    let rows = parse_csv(csv);
    assert_eq!(rows[0][..3], ["id", "category", "member"]);
    assert!(rows[0].contains(&"name_et".to_string()) && rows[0].contains(&"name_en".to_string()));
    assert_eq!(rows.len() - 1, list.len());
    assert!(
        rows.iter().all(|r| r.len() == rows[0].len()),
        "every row has every column"
    );
    let name_et = rows[0].iter().position(|h| h == "name_et").unwrap();
    assert!(rows.iter().any(|r| r[name_et] == "Teaduspark Tehnopol"));
    assert!(csv.contains("\r\n"), "RFC 4180 line ends");
}

/// A small RFC 4180 reader, to check the export the way a spreadsheet reads it.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn partner_lists_follow_each_languages_collation() {
    let site = TestSite::new();
    site.remove("content/projects/development.yaml");
    site.remove("content/people/anna-test.yaml");
    site.remove("content/partners/tehnopol.yaml");
    site.remove("content/news/hello.yaml");
    site.write("content/pages/about.et.md", "---\n---\nTekst.\n");
    site.write("content/pages/about.en.md", "---\n---\nText.\n");
    for (stem, name) in [
        ("a", "Zeta"),
        ("b", "Šveits"),
        ("c", "Sõber"),
        ("d", "Tõru"),
        ("e", "Õun"),
        ("f", "Ärk"),
        ("g", "Sadam"),
    ] {
        site.write(
            &format!("content/partners/{stem}.yaml"),
            &format!("name: {name}\ncategory: startup\n"),
        );
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let order = |lang: &str| {
        let html = std::fs::read_to_string(
            site.path()
                .join(format!("output/{lang}/partners/index.html")),
        )
        .unwrap();
        let mut names: Vec<(usize, &str)> =
            ["Zeta", "Šveits", "Sõber", "Tõru", "Õun", "Ärk", "Sadam"]
                .iter()
                .map(|n| {
                    (
                        html.find(&format!(">{n}</a>"))
                            .unwrap_or_else(|| panic!("{n} in {lang}")),
                        *n,
                    )
                })
                .collect();
        names.sort();
        names.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
    };
    // Estonian: s < š < z < ž < t ... w < õ < ä < ö < ü
    assert_eq!(
        order("et"),
        ["Sadam", "Sõber", "Šveits", "Zeta", "Tõru", "Õun", "Ärk"]
    );
    // English (CLDR root): accents are secondary, so Õ sorts with O and Š with S.
    assert_eq!(
        order("en"),
        ["Ärk", "Õun", "Sadam", "Sõber", "Šveits", "Tõru", "Zeta"]
    );
}

#[test]
fn numbers_in_partner_names_sort_by_their_value() {
    let site = TestSite::new();
    let names = [
        "Partner 10",
        "Partner 12",
        "Partner 8",
        "Partner 34",
        "Partner 2",
    ];
    for (i, name) in names.iter().enumerate() {
        site.write(
            &format!("content/partners/p{i}.yaml"),
            &format!("name: {name}\ncategory: startup\n"),
        );
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    for lang in ["et", "en"] {
        let html = std::fs::read_to_string(
            site.path()
                .join(format!("output/{lang}/partners/index.html")),
        )
        .unwrap();
        let mut found: Vec<(usize, &str)> = names
            .iter()
            .map(|n| {
                (
                    html.find(&format!(">{n}</a>"))
                        .unwrap_or_else(|| panic!("{n}")),
                    *n,
                )
            })
            .collect();
        found.sort();
        let order: Vec<&str> = found.into_iter().map(|(_, n)| n).collect();
        assert_eq!(
            order,
            [
                "Partner 2",
                "Partner 8",
                "Partner 10",
                "Partner 12",
                "Partner 34"
            ],
            "{lang}"
        );
    }
}

#[test]
fn strategy_documents_show_format_and_size_in_the_pages_language() {
    let site = TestSite::new();
    site.write_bytes(
        "content/media/documents/strategy.pdf",
        &vec![b'%'; 1_234_567],
    );
    site.write(
        "content/strategy/plan.yaml",
        "title: {et: Strateegia, en: Strategy}\nperiod: {from: 2019, to: 2023}\nstatus: current\ndocuments:\n  - {title: {et: Strateegia tekst, en: Strategy text}, file: documents/strategy.pdf, language: et}\n  - {title: Annex, file: \"https://example.org/annex.docx\"}\n",
    );
    site.write(
        "content/strategy/plan.et.md",
        "---\n---\n## Eesmärk\n\nTekst.\n\n## Tegevused\n\nTekst.\n",
    );
    site.write(
        "content/strategy/plan.en.md",
        "---\n---\n## Goal\n\nText.\n\n## Activities\n\nText.\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let en =
        std::fs::read_to_string(site.path().join("output/en/strategy/plan/index.html")).unwrap();
    assert!(
        en.contains("href=\"/media/documents/strategy.pdf\" hreflang=\"et\">Strategy text</a>"),
        "{en}"
    );
    assert!(en.contains("(PDF, 1.2\u{a0}MB)"), "{en}");
    assert!(en.contains("(DOCX)"), "{en}");
    assert!(
        en.contains("<a href=\"#goal\">Goal</a>")
            && en.contains("<a href=\"#activities\">Activities</a>"),
        "table of contents: {en}"
    );
    let et =
        std::fs::read_to_string(site.path().join("output/et/strategy/plan/index.html")).unwrap();
    assert!(
        et.contains("(PDF, 1,2\u{a0}MB)"),
        "Estonian decimal comma: {et}"
    );
    assert!(
        site.path()
            .join("output/media/documents/strategy.pdf")
            .is_file()
    );
}

#[test]
fn home_page_shows_the_eu_statement_while_an_eu_project_is_ongoing() {
    let site = TestSite::new();
    // The test project runs from 2023-09-01 to 2025-12-31.
    for (date, shown) in [
        ("2024-06-01", true),
        ("2026-06-01", false),
        ("2023-01-01", false),
    ] {
        let run = klaster(&["build", "--date", date], site.path());
        assert_eq!(run.code, 0, "{}", run.all());
        for (lang, statement) in [
            ("en", "Co-funded by the European Union"),
            ("et", "Kaasrahastanud Euroopa Liit"),
        ] {
            let home =
                std::fs::read_to_string(site.path().join(format!("output/{lang}/index.html")))
                    .unwrap();
            assert_eq!(home.contains(statement), shown, "{date} {lang}");
            assert_eq!(home.contains("eu-emblem.svg"), shown, "{date} {lang}");
        }
        // The project page always shows it, with the fund named.
        let project = std::fs::read_to_string(
            site.path()
                .join("output/en/projects/development/index.html"),
        )
        .unwrap();
        assert!(
            project.contains("Co-funded by the European Union")
                && project.contains("European Regional Development Fund")
        );
    }
}

#[test]
fn a_collection_without_records_has_no_page_menu_entry_or_sitemap_entry() {
    let site = TestSite::new();
    site.remove("content/news/hello.yaml");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let out = site.path().join("output");
    for lang in ["et", "en"] {
        // No news: no news list page; no strategy documents: no strategy page.
        assert!(
            !out.join(format!("{lang}/news/index.html")).exists(),
            "{lang} news"
        );
        assert!(
            !out.join(format!("{lang}/strategy/index.html")).exists(),
            "{lang} strategy"
        );
        let home = std::fs::read_to_string(out.join(format!("{lang}/index.html"))).unwrap();
        assert!(
            !home.contains(&format!("href=\"/{lang}/news/\"")),
            "{lang} menu: {home}"
        );
        assert!(
            !home.contains(&format!("href=\"/{lang}/strategy/\"")),
            "{lang}"
        );
        // The collections that have records keep theirs.
        assert!(
            home.contains(&format!("href=\"/{lang}/partners/\"")),
            "{lang}"
        );
        assert!(out.join(format!("{lang}/partners/index.html")).exists());
    }
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/news/"), "{sitemap}");
    assert!(!sitemap.contains("/strategy/"), "{sitemap}");
    assert!(sitemap.contains("/partners/"), "{sitemap}");
}

#[test]
fn a_project_without_an_end_date_reads_as_ongoing_since_its_start() {
    let site = TestSite::new();
    site.write(
        "content/projects/open.yaml",
        "title: {et: Avatud projekt, en: Open project}\nfunder: erdf\nstart: 2023-09-01\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let out = site.path().join("output");
    for (lang, slug, text) in [
        ("en", "open", "since 1 September 2023"),
        ("et", "open", "alates 1. september 2023"),
    ] {
        for file in [
            format!("{lang}/projects/{slug}/index.html"),
            format!("{lang}/projects/index.html"),
        ] {
            let html =
                std::fs::read_to_string(out.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(
                html.contains(&format!("<time datetime=\"2023-09-01\">{text}</time>")),
                "{file}: {html}"
            );
        }
    }
}

#[test]
fn the_home_page_shows_a_handful_of_ongoing_projects_and_links_to_all() {
    let site = TestSite::new();
    for i in 1..=8 {
        site.write(
            &format!("content/projects/p{i}.yaml"),
            &format!(
                "title: {{et: Projekt {i}, en: Project {i}}}\nfunder: erdf\nstart: 2020-0{i}-01\n"
            ),
        );
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let home = std::fs::read_to_string(site.path().join("output/en/index.html")).unwrap();
    let shown: Vec<usize> = (1..=8)
        .filter(|i| home.contains(&format!(">Project {i}</a>")))
        .collect();
    // The six that started last, newest first (the test site's own project, started in
    // 2023, is one of them); the rest are on the projects page.
    assert_eq!(
        home.matches("class=\"card project-item\"").count(),
        6,
        "{home}"
    );
    assert_eq!(shown, [4, 5, 6, 7, 8], "{home}");
    assert!(home.find(">Project 8<") < home.find(">Project 4<"));
    assert!(
        home.contains("<a href=\"/en/projects/\">All projects (9)</a>"),
        "{home}"
    );
    let all = std::fs::read_to_string(site.path().join("output/en/projects/index.html")).unwrap();
    assert!((1..=8).all(|i| all.contains(&format!(">Project {i}</a>"))));
}

/// The `hreflang` alternates in a page's head: (hreflang, href).
fn head_alternates(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("head link[rel=alternate][hreflang]").unwrap();
    doc.select(&sel)
        .map(|e| {
            let a = |n| e.value().attr(n).unwrap_or_default().to_string();
            (a("hreflang"), a("href"))
        })
        .collect()
}

#[test]
fn hreflang_alternates_are_reciprocal_in_heads_and_sitemap() {
    let (_dir, site) = build_example();
    let base = "https://example.org";
    let file_of = |url: &str| {
        let path = url
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("{url} is not on the site"));
        site.join(path.trim_start_matches('/')).join("index.html")
    };
    let heads: std::collections::BTreeMap<String, Vec<(String, String)>> =
        walkdir::WalkDir::new(&site)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name() == "index.html" && !e.path().starts_with(site.join("search")))
            .map(|e| {
                let rel = e.path().parent().unwrap().strip_prefix(&site).unwrap();
                let url = format!("{base}/{}", rel.to_string_lossy())
                    .trim_end_matches('/')
                    .to_string()
                    + "/";
                let url = url.replace("//", "/").replace("https:/", "https://");
                (
                    url,
                    head_alternates(&std::fs::read_to_string(e.path()).unwrap()),
                )
            })
            .collect();
    let mut checked = 0;
    for (url, alternates) in &heads {
        if alternates.is_empty() {
            continue;
        }
        assert!(
            alternates.iter().any(|(_, h)| h == url),
            "{url} does not name itself: {alternates:?}"
        );
        assert_eq!(
            alternates.last().map(|a| a.0.as_str()),
            Some("x-default"),
            "{url}"
        );
        for (lang, href) in alternates {
            let back = &heads.get(href).unwrap_or_else(|| {
                panic!(
                    "{url} names {href} ({lang}), which is not a page: {:?}",
                    file_of(href)
                )
            });
            assert!(
                back.iter().any(|(_, h)| h == url),
                "{url} names {href} as {lang}, which does not name it back: {back:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} alternates");
    // The root and the homes name each other, with the chooser as x-default.
    let root = &heads[&format!("{base}/")];
    assert!(
        root.contains(&("x-default".into(), format!("{base}/"))),
        "{root:?}"
    );
    assert!(root.len() >= 3, "{root:?}");
    for (lang, home) in root.iter().filter(|(l, _)| l != "x-default") {
        assert_eq!(home, &format!("{base}/{lang}/"));
        let home = &heads[home];
        assert!(
            home.contains(&("x-default".into(), format!("{base}/"))),
            "{home:?}"
        );
    }
    // The sitemap names the same alternates as the heads.
    let sitemap = std::fs::read_to_string(site.join("sitemap.xml")).unwrap();
    for entry in sitemap.split("<url>").skip(1) {
        let loc = entry
            .split("<loc>")
            .nth(1)
            .unwrap()
            .split("</loc>")
            .next()
            .unwrap();
        let links: Vec<(String, String)> = entry
            .split("<xhtml:link ")
            .skip(1)
            .map(|l| {
                let attr = |n: &str| {
                    l.split(&format!("{n}=\""))
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap()
                        .to_string()
                };
                (attr("hreflang"), attr("href"))
            })
            .collect();
        assert_eq!(
            &links,
            heads.get(loc).unwrap_or_else(|| panic!("{loc}")),
            "sitemap entry {loc}"
        );
    }
}

/// The schema.org properties of each type klaster writes (the type's own and those it
/// inherits, from schema.org's type pages; Project is an Organization, NewsArticle and
/// Report are CreativeWorks). Thing's properties are allowed on every type.
const SCHEMA_ORG: &[(&str, &[&str])] = &[
    (
        "Thing",
        &[
            "name",
            "url",
            "description",
            "image",
            "sameAs",
            "identifier",
            "alternateName",
        ],
    ),
    (
        "Organization",
        &[
            "address",
            "email",
            "telephone",
            "logo",
            "memberOf",
            "member",
            "parentOrganization",
            "subOrganization",
            "funding",
            "funder",
            "foundingDate",
            "dissolutionDate",
            "location",
        ],
    ),
    (
        "Person",
        &[
            "jobTitle",
            "email",
            "telephone",
            "worksFor",
            "memberOf",
            "address",
        ],
    ),
    (
        "PostalAddress",
        &[
            "addressLocality",
            "addressCountry",
            "streetAddress",
            "postalCode",
        ],
    ),
    (
        "MonetaryGrant",
        &["funder", "amount", "fundedItem", "sponsor"],
    ),
    (
        "MonetaryAmount",
        &["value", "currency", "minValue", "maxValue"],
    ),
    (
        "MediaObject",
        &["contentUrl", "width", "height", "encodingFormat"],
    ),
    ("ImageObject", &["caption"]),
    (
        "CreativeWork",
        &[
            "headline",
            "datePublished",
            "dateModified",
            "publisher",
            "author",
            "inLanguage",
            "temporalCoverage",
            "about",
            "keywords",
            "funding",
        ],
    ),
];

fn schema_props(ty: &str) -> Vec<&'static str> {
    let parents: &[&str] = match ty {
        "Organization" | "Project" => &["Organization"],
        "Person" => &["Person"],
        "PostalAddress" => &["PostalAddress"],
        "MonetaryGrant" => &["MonetaryGrant"],
        "MonetaryAmount" => &["MonetaryAmount"],
        "NewsArticle" | "Report" | "WebPage" => &["CreativeWork"],
        "ImageObject" => &["ImageObject", "MediaObject", "CreativeWork"],
        other => panic!("JSON-LD type {other} is not in the test's table"),
    };
    SCHEMA_ORG
        .iter()
        .filter(|(t, _)| *t == "Thing" || parents.contains(t))
        .flat_map(|(_, p)| p.iter().copied())
        .collect()
}

fn check_schema(v: &Value, at: &str) {
    match v {
        Value::Object(m) => {
            if let Some(ty) = m.get("@type").and_then(Value::as_str) {
                let allowed = schema_props(ty);
                for (k, val) in m {
                    assert!(
                        k.starts_with('@') || allowed.contains(&k.as_str()),
                        "{at}: schema.org has no `{k}` on {ty}"
                    );
                    assert!(!val.is_null(), "{at}: `{k}` on {ty} is null");
                }
            }
            m.values().for_each(|v| check_schema(v, at));
        }
        Value::Array(a) => a.iter().for_each(|v| check_schema(v, at)),
        _ => {}
    }
}

#[test]
fn json_ld_uses_only_properties_schema_org_defines_on_each_type() {
    let (_tmp, site) = build_example();
    let mut checked = 0;
    for (path, bytes) in snapshot(&site) {
        if !path.ends_with(".html") || path == "404.html" || path.starts_with("search/") {
            continue;
        }
        check_schema(&jsonld(&String::from_utf8_lossy(&bytes)), &path);
        checked += 1;
    }
    assert!(checked > 30, "{checked} pages");
    // A partner without a city has no null in its address.
    let s = TestSite::new();
    s.write(
        "content/partners/nocity.yaml",
        "name: No City\ncategory: startup\ncountry: EE\n",
    );
    assert_eq!(s.build(&[]).code, 0);
    let html =
        std::fs::read_to_string(s.path().join("output/en/partners/nocity/index.html")).unwrap();
    let v = jsonld(&html);
    check_schema(&v, "nocity");
    // With a logo (publisher.logo, an ImageObject) and a news article (NewsArticle).
    let yaml = std::fs::read_to_string(s.path().join("content/site.yaml")).unwrap();
    s.write(
        "content/site.yaml",
        &format!("{yaml}\nbrand:\n  logo: logo.svg\n"),
    );
    s.write(
        "content/media/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    assert_eq!(s.build(&[]).code, 0);
    let news = std::fs::read_to_string(s.path().join("output/en/news/hello/index.html")).unwrap();
    assert_eq!(jsonld(&news)["publisher"]["logo"]["@type"], "ImageObject");
    for (path, bytes) in snapshot(&s.path().join("output")) {
        if path.ends_with(".html") && !path.ends_with("404.html") && !path.starts_with("search/") {
            check_schema(&jsonld(&String::from_utf8_lossy(&bytes)), &path);
        }
    }
    assert_eq!(
        v["address"],
        serde_json::json!({"@type": "PostalAddress", "addressCountry": "EE"})
    );
}

#[test]
fn descriptions_are_never_empty() {
    let site = TestSite::new();
    // A site without a description, and records without summaries.
    site.write(
        "content/site.yaml",
        &SITE_YAML.replace("description: {et: Kirjeldus, en: Description}\n", ""),
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let doc_sel =
        scraper::Selector::parse("meta[name=description], meta[property='og:description']")
            .unwrap();
    let mut checked = 0;
    for (path, bytes) in snapshot(&site.path().join("output")) {
        // 404 pages are `noindex`: nothing to describe.
        if !path.ends_with(".html") || path.starts_with("search/") || path.ends_with("404.html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
        let metas: Vec<_> = doc.select(&doc_sel).collect();
        assert_eq!(metas.len(), 2, "{path}");
        for m in metas {
            let content = m.value().attr("content").unwrap_or_default();
            assert!(!content.trim().is_empty(), "{path}: {}", m.html());
        }
        checked += 1;
    }
    assert!(checked > 10, "{checked}");
}

#[test]
fn page_not_found_is_in_every_language_with_header_navigation_and_search() {
    let (_tmp, site) = build_example();
    let read =
        |p: &str| std::fs::read_to_string(site.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let langs: Vec<String> = head_alternates(&read("index.html"))
        .into_iter()
        .filter(|(l, _)| l != "x-default")
        .map(|(l, _)| l)
        .collect();
    assert!(langs.len() >= 2, "{langs:?}");
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let check = |file: &str, parts: &[String]| {
        let html = read(file);
        let doc = scraper::Html::parse_document(&html);
        assert!(
            doc.select(&sel("header.site-header nav.main-nav a"))
                .count()
                > 0,
            "{file}: no navigation"
        );
        assert!(
            html.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{file}"
        );
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{file}");
        let sections: Vec<String> = doc
            .select(&sel("section.not-found"))
            .map(|s| s.value().attr("lang").unwrap_or_default().to_string())
            .collect();
        assert_eq!(&sections, parts, "{file}");
        for lang in parts {
            let form = sel(&format!(
                "section[lang={lang}] form[role=search][action='/{lang}/search/'] input[name=q]"
            ));
            assert_eq!(
                doc.select(&form).count(),
                1,
                "{file}: search box for {lang}"
            );
            let home = sel(&format!("section[lang={lang}] a[href='/{lang}/']"));
            assert_eq!(doc.select(&home).count(), 1, "{file}: home link for {lang}");
        }
        // No hreflang alternates and no sitemap entry for a noindex page.
        assert!(head_alternates(&html).is_empty(), "{file}");
    };
    check("404.html", &langs);
    for lang in &langs {
        check(&format!("{lang}/404.html"), std::slice::from_ref(lang));
    }
    let sitemap = read("sitemap.xml");
    assert!(!sitemap.contains("404"), "{sitemap}");
}

#[test]
fn search_excerpts_have_no_doubled_full_stops() {
    let site = TestSite::new();
    site.write(
        "content/projects/development.yaml",
        "title: {et: Arendusprojekt, en: Development project}\nsummary: {et: Kokkuvõte lõpeb punktiga., en: The summary ends with a full stop.}\nfunder: erdf\nstart: 2023-09-01\nend: 2025-12-31\ncoordinator: tehnopol\ncontacts: [anna-test]\nobjectives:\n  - {et: Eesmärk., en: An objective.}\nresults:\n  - {et: Tulemus, en: A result}\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let mut excerpts = Vec::new();
    for (path, bytes) in snapshot(&site.path().join("output")) {
        if path.starts_with("search/") && path.contains("/p/") {
            let items: Value = serde_json::from_slice(&bytes).unwrap();
            for item in items.as_array().unwrap() {
                excerpts.push(item["x"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    let project = excerpts
        .iter()
        .find(|x| x.starts_with("The summary ends"))
        .unwrap_or_else(|| panic!("{excerpts:?}"));
    assert!(
        project.starts_with("The summary ends with a full stop. An objective. A result."),
        "{project}"
    );
    for x in &excerpts {
        assert!(!x.contains(".."), "{x}");
    }
}

#[test]
fn feeds_mark_fallback_texts_and_leave_planned_projects_out() {
    let site = TestSite::new();
    site.write(
        "content/news/fb.yaml",
        "date: 2024-05-03\ntitle: {et: Ainult eesti pealkiri, en: English title}\nsummary: {et: Ainult eesti kokkuvõte}\n",
    );
    site.write(
        "content/projects/later.yaml",
        "title: {et: Tulevane, en: Later}\nfunder: erdf\nstart: 2999-01-01\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let feed = std::fs::read_to_string(site.path().join("output/en/feed.xml")).unwrap();
    assert!(feed.contains("<title>English title</title>"), "{feed}");
    assert!(
        feed.contains("<summary xml:lang=\"et\">Ainult eesti kokkuvõte</summary>"),
        "{feed}"
    );
    assert!(!feed.contains("Later"), "{feed}");
    assert!(!feed.contains("2999"), "{feed}");
    // Still on the site, as planned.
    assert!(
        site.path()
            .join("output/en/projects/later/index.html")
            .exists()
    );
}

#[test]
fn a_partners_country_is_named_in_the_pages_language() {
    let site = TestSite::new();
    site.write(
        "content/partners/suomi.yaml",
        "name: Suomi Oy\ncategory: startup\ncountry: FI\ncity: Oulu\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    for (lang, name) in [("en", "Finland"), ("et", "Soome")] {
        let html = std::fs::read_to_string(
            site.path()
                .join(format!("output/{lang}/partners/suomi/index.html")),
        )
        .unwrap();
        assert!(html.contains(&format!("<dd>{name}</dd>")), "{lang}: {html}");
    }
}

#[test]
fn partner_cards_under_a_category_heading_do_not_repeat_it() {
    let (_tmp, site) = build_example();
    let html = std::fs::read_to_string(site.join("en/partners/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let mut cards = 0;
    for group in doc.select(&sel("section.partner-group")) {
        let heading: String = group.select(&sel("h2")).next().unwrap().text().collect();
        for meta in group.select(&sel(".partner-card .meta")) {
            let text: String = meta.text().collect();
            assert!(!text.contains(heading.trim()), "{heading}: {text}");
            cards += 1;
        }
    }
    assert!(cards > 0);
    // The filter is in the page from the start; noscript.css hides it without JavaScript.
    assert!(html.contains("<form class=\"filter\" id=\"partner-filter\" role=\"search\">"));
    assert!(html.contains("<noscript><link rel=\"stylesheet\" href=\"/noscript.css?v="));
}

#[test]
fn titles_get_typographic_quotes_as_bodies_do() {
    let site = TestSite::new();
    site.write(
        "content/news/quoted.yaml",
        "date: 2024-05-03\ntitle: {et: \"Tere \\\"klaster\\\" -- tere\", en: \"The \\\"cluster\\\" day -- it's here\"}\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let html =
        std::fs::read_to_string(site.path().join("output/en/news/quoted/index.html")).unwrap();
    assert!(
        html.contains("<h1>The “cluster” day – it’s here</h1>"),
        "{html}"
    );
    assert!(
        html.contains("<title>The “cluster” day – it’s here"),
        "{html}"
    );
}
