//! The site's look from site.yaml without a template: `brand:` (logo, favicon, colour,
//! home picture), and what the theme derives from it.

mod common;
use common::*;

const SITE_END: &str = "\nbrand:\n";

fn branded(brand: &str) -> TestSite {
    let site = TestSite::new();
    let yaml = std::fs::read_to_string(site.path().join("content/site.yaml")).unwrap();
    site.write("content/site.yaml", &format!("{yaml}{SITE_END}{brand}"));
    site.write(
        "content/media/brand/logo.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" viewBox="0 0 200 40"><text x="0" y="28">Test</text></svg>"#,
    );
    site
}

fn page(site: &TestSite, rel: &str) -> String {
    std::fs::read_to_string(site.path().join("output").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn logo_and_colour_brand_every_page_and_the_logo_is_the_favicon() {
    let site = branded("  logo: brand/logo.svg\n  color: \"#0b5d7a\"\n");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(!run.all().contains("contrast"), "{}", run.all());
    for p in [
        "en/index.html",
        "et/partners/index.html",
        "en/projects/development/index.html",
    ] {
        let html = page(&site, p);
        assert!(
            html.contains(r#"<img src="/media/brand/logo.svg" alt="Test"#)
                && html.contains(r#"class="site-logo" width="220" height="44">"#),
            "{p}: no logo in the header"
        );
        assert!(
            html.contains("--accent: #0b5d7a;"),
            "{p}: colour not applied"
        );
        assert!(
            html.contains(r#"<link rel="icon" href="/media/brand/logo.svg" type="image/svg+xml">"#),
            "{p}: the favicon is not the logo"
        );
    }
}

#[test]
fn a_light_colour_is_a_contrast_warning_and_the_theme_uses_a_darker_one() {
    let site = branded("  color: \"#ffee00\"\n");
    let run = site.check();
    assert_eq!(run.code, 0, "a warning, not an error: {}", run.all());
    let out = run.all();
    assert!(out.contains("`#ffee00`"), "{out}");
    assert!(out.contains("on white (`#ffffff`)"), "{out}");
    assert!(out.contains("4.5:1"), "{out}");
    assert!(out.contains("content/site.yaml"), "{out}");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let html = page(&site, "en/index.html");
    let used = html
        .split("--accent: ")
        .nth(1)
        .and_then(|s| s.get(..7))
        .expect("an accent colour");
    assert_ne!(used, "#ffee00");
    assert!(used.starts_with('#') && used.len() == 7, "{used}");
}

#[test]
fn brand_mistakes_are_diagnostics() {
    let cases = [
        (
            "  colour: \"#0b5d7a\"\n",
            "unknown field `colour` in `brand`",
            "`color`",
        ),
        ("  color: blue\n", "`blue` is not a colour", "\"#0b5d7a\""),
        (
            "  logo: brand/nope.svg\n",
            "`brand/nope.svg` does not exist",
            "content/media/",
        ),
        (
            "  image: brand/logo.svg\n",
            "`brand.image_alt` is missing",
            "image_alt",
        ),
        (
            "  logo: brand/doc.pdf\n",
            "must be an SVG, PNG, JPEG or WebP",
            "convert",
        ),
    ];
    for (yaml, message, help) in cases {
        let site = branded(yaml);
        site.write("content/media/brand/doc.pdf", "%PDF-1.4");
        let run = site.check();
        let out = run.all();
        assert_eq!(run.code, 1, "{yaml}: {out}");
        assert!(out.contains(message), "{yaml}: {out}");
        assert!(out.contains(help), "{yaml}: {out}");
        let errors = out.lines().filter(|l| l.starts_with("error")).count();
        assert_eq!(errors, 1, "{yaml}: one message: {out}");
    }
}

#[test]
fn a_project_without_dates_says_they_are_to_be_confirmed_and_check_notes_it() {
    let site = TestSite::new();
    site.write(
        "content/projects/development.yaml",
        "title: {et: Arendusprojekt, en: Development project}\nfunder: erdf\ncontacts: [anna-test]\n",
    );
    let run = site.check();
    assert_eq!(run.code, 0, "{}", run.all());
    let out = run.all();
    assert_eq!(
        out.matches("has no `start` date").count(),
        1,
        "one note: {out}"
    );
    assert!(out.contains("note"), "{out}");
    assert!(out.contains("content/projects/development.yaml"), "{out}");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let html = page(&site, "en/projects/development/index.html");
    assert!(html.contains("Dates to be confirmed"), "{html}");
    assert!(
        !html.contains("class=\"status"),
        "no derived status: {html}"
    );
    let et = page(&site, "et/projects/development/index.html");
    assert!(et.contains("Kuupäevad täpsustamisel"));
    let list = page(&site, "en/projects/index.html");
    assert!(list.contains("Dates to be confirmed"));
    let feed = page(&site, "en/feed.xml");
    assert!(!feed.contains("/en/projects/development/"), "{feed}");
}

#[test]
fn project_contacts_show_their_role_and_body_headings_are_not_repeated() {
    let site = TestSite::new();
    site.write(
        "content/people/anna-test.yaml",
        "name: Anna Test\ngroups: [team]\nrole: {et: Projektijuht, en: Project manager}\n",
    );
    site.write(
        "content/projects/development.en.md",
        "---\n---\nIntro.\n\n## Objectives\n\nIn words.\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let html = page(&site, "en/projects/development/index.html");
    assert!(
        html.contains("<p class=\"role\">Project manager</p>"),
        "{html}"
    );
    let headings = html.matches(">Objectives</h2>").count();
    assert_eq!(headings, 1, "the body's heading only: {html}");
    assert!(
        html.contains("<ul class=\"key-points\" aria-label=\"Objectives\">"),
        "{html}"
    );
    // The Estonian body has no such heading: the theme's heading stays.
    let et = page(&site, "et/projects/development/index.html");
    assert!(et.contains("<h2>Eesmärgid</h2>"), "{et}");
}

/// A valid 1 × 1 PNG.
const PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 4, 0,
    0, 0, 181, 28, 12, 2, 0, 0, 0, 11, 73, 68, 65, 84, 120, 218, 99, 100, 96, 0, 0, 0, 6, 0, 2, 48,
    129, 208, 47, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").expect("end of JSON-LD");
    serde_json::from_str(&html[start..end]).expect("valid JSON-LD")
}

#[test]
fn link_previews_and_json_ld_take_the_record_s_picture_else_the_brand_s() {
    let site = branded(
        "  logo: brand/logo.png\n  image: brand/home.png\n  image_alt: {et: Maja, en: A house}\n",
    );
    site.write_bytes("content/media/brand/logo.png", PNG);
    site.write_bytes("content/media/brand/home.png", PNG);
    site.write_bytes("content/media/logos/t.png", PNG);
    site.write(
        "content/partners/tehnopol.yaml",
        "name: {et: Teaduspark Tehnopol, en: Science Park Tehnopol}\ncategory: startup\nlogo: logos/t.png\n",
    );
    let run = site.build(&["--base-url", "https://example.org"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let og = |html: &str| -> (Option<String>, Option<String>) {
        let get = |prop: &str| {
            html.split(&format!("<meta property=\"{prop}\" content=\""))
                .nth(1)
                .and_then(|s| s.split('"').next())
                .map(str::to_string)
        };
        (get("og:image"), get("og:image:alt"))
    };
    // A resized copy (1 × 1 here: never scaled up), published under /img/.
    let copy = |html: &str| {
        let (url, alt) = og(html);
        let url = url.expect("og:image");
        assert!(
            url.starts_with("https://example.org/img/") && url.ends_with("-1.png"),
            "{url}"
        );
        let file = site
            .path()
            .join("output")
            .join(&url["https://example.org/".len()..]);
        assert!(file.is_file(), "{url}");
        (url, alt)
    };
    let partner = page(&site, "en/partners/tehnopol/index.html");
    assert_eq!(copy(&partner).1.as_deref(), Some("Science Park Tehnopol"));
    let home = page(&site, "en/index.html");
    assert_eq!(copy(&home).1.as_deref(), Some("A house"));
    let news = page(&site, "en/news/hello/index.html");
    let (news_image, _) = copy(&news);
    let ld = json_ld(&news);
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["image"], news_image.as_str());
    assert_eq!(ld["publisher"]["logo"]["@type"], "ImageObject");
    // The logo's copy (the three test pictures have the same bytes, so one copy).
    assert_eq!(ld["publisher"]["logo"]["url"], news_image.as_str());
    let org = json_ld(&home);
    assert_eq!(org["logo"]["url"], news_image.as_str());
}

#[test]
fn an_svg_logo_is_never_the_link_preview() {
    let site = branded("  logo: brand/logo.svg\n");
    assert_eq!(site.build(&[]).code, 0);
    let home = page(&site, "en/index.html");
    assert!(!home.contains("og:image"), "{home}");
    assert!(
        json_ld(&home)["logo"]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/media/brand/logo.svg"))
    );
}

#[test]
fn people_show_their_term_and_initials_without_a_photo() {
    let site = TestSite::new();
    site.write(
        "content/people/anna-test.yaml",
        "name: Anna Maria Test\ngroups: [board]\nterm: {from: 2019, to: 2023}\n",
    );
    site.write(
        "content/people/ben-test.yaml",
        "name: Ben Test\ngroups: [board]\nterm: {from: 2021}\nphoto: people/ben.png\n",
    );
    site.write_bytes("content/media/people/ben.png", PNG);
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let html = page(&site, "en/people/index.html");
    assert!(html.contains("Term: 2019–2023"), "{html}");
    assert!(html.contains("Term: since 2021"), "{html}");
    assert!(
        html.contains(r#"<span class="photo initials" aria-hidden="true">AT</span>"#),
        "{html}"
    );
    let et = page(&site, "et/people/index.html");
    assert!(et.contains("Ametiaeg: alates 2021"), "{et}");
}

#[test]
fn the_home_page_shows_key_figures_and_a_handful_of_projects() {
    let site = TestSite::new();
    for i in 1..=9 {
        site.write(
            &format!("content/projects/p{i}.yaml"),
            &format!("title: Project {i}\nfunder: erdf\nstart: 2024-01-0{i}\n"),
        );
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let html = page(&site, "en/index.html");
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let figures: Vec<String> = doc
        .select(&sel(".figures li"))
        .map(|li| {
            li.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(figures, ["1 Partners", "10 Current projects"], "{html}");
    assert_eq!(
        doc.select(&sel("#h-projects ~ .cards .project-item"))
            .count(),
        6
    );
    assert!(html.contains("All projects (10)"), "{html}");
}
