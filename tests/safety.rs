//! SPEC §9: never half a site, deterministic output, escaped content, output folder rules.

mod common;
use common::*;

#[test]
fn failed_build_leaves_the_previous_output_unchanged() {
    let site = TestSite::new();
    let ok = site.build(&[]);
    assert_eq!(ok.code, 0, "{}", ok.all());
    let out = site.path().join("output");
    let before = snapshot(&out);
    assert!(before.contains_key("en/partners/tehnopol/index.html"));

    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: [broken\n",
    );
    site.write(
        "content/partners/second.yaml",
        "name: Second\ncategory: startup\n",
    );
    let failed = site.build(&[]);
    assert_eq!(failed.code, 1, "{}", failed.all());
    assert!(
        failed.stderr.contains("was left as it was"),
        "{}",
        failed.stderr
    );
    assert_eq!(
        snapshot(&out),
        before,
        "the output changed after a failed build"
    );
    // No temporary folders are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The names of a site's folder that belong to builds (temporary and replaced outputs,
/// their locks), once the process that removes a replaced output has had `within`.
fn build_folders(site: &TestSite, within: std::time::Duration) -> Vec<String> {
    let deadline = std::time::Instant::now() + within;
    loop {
        let found: Vec<String> = std::fs::read_dir(site.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
            .collect();
        if found.is_empty() || std::time::Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn the_output_a_build_replaced_is_removed_after_it() {
    let site = TestSite::new();
    assert_eq!(site.build(&[]).code, 0);
    std::fs::write(site.path().join("output/stale.html"), "old").unwrap();
    let second = site.build(&[]);
    assert_eq!(second.code, 0, "{}", second.all());
    // The new site is in place when the build ends.
    assert!(!site.path().join("output/stale.html").exists());
    assert!(site.path().join("output/en/index.html").exists());
    // The old one goes soon after, with its lock file, and nothing else.
    let left = build_folders(&site, std::time::Duration::from_secs(20));
    assert!(left.is_empty(), "still beside the output: {left:?}");
    assert!(site.path().join("content").is_dir());
    // A third build works as the second did.
    assert_eq!(site.build(&[]).code, 0);
    assert!(build_folders(&site, std::time::Duration::from_secs(20)).is_empty());
}

#[test]
fn remove_previous_refuses_folders_that_are_not_a_builds() {
    let site = TestSite::new();
    assert_eq!(site.build(&[]).code, 0);
    for dir in ["content", "output", "missing.tmp-1"] {
        let run = klaster(&["remove-previous", dir], site.path());
        assert_eq!(run.code, 2, "{dir}: {}", run.all());
        assert!(
            run.stderr.contains("is not a previous output of klaster"),
            "{dir}: {}",
            run.stderr
        );
    }
    assert!(site.path().join("content/site.yaml").exists());
    assert!(site.path().join("output/en/index.html").exists());
}

#[test]
fn a_successful_build_replaces_stale_files() {
    let site = TestSite::new();
    assert_eq!(site.build(&[]).code, 0);
    std::fs::write(site.path().join("output/stale.html"), "old").unwrap();
    assert_eq!(site.build(&[]).code, 0);
    assert!(!site.path().join("output/stale.html").exists());
}

#[test]
fn same_input_and_date_give_identical_output() {
    let site = TestSite::new();
    let a = site.build(&["--output", "out-a"]);
    let b = site.build(&["--output", "out-b"]);
    assert_eq!((a.code, b.code), (0, 0), "{}{}", a.all(), b.all());
    let (sa, sb) = (
        snapshot(&site.path().join("out-a")),
        snapshot(&site.path().join("out-b")),
    );
    assert!(sa.len() > 20);
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (k, v) in &sa {
        assert!(sb.get(k) == Some(v), "{k} differs between two builds");
    }
    // The example site too.
    let out = tempfile::tempdir().unwrap();
    for name in ["x", "y"] {
        let run = klaster(
            &[
                "build",
                "--output",
                &out.path().join(name).to_string_lossy(),
                "--date",
                "2026-11-22",
            ],
            &repo(),
        );
        assert_eq!(run.code, 0, "{}", run.all());
    }
    assert_eq!(
        snapshot(&out.path().join("x")),
        snapshot(&out.path().join("y"))
    );
}

#[test]
fn project_status_follows_the_build_date() {
    let site = TestSite::new();
    for (date, status) in [
        ("2023-01-01", "Planned"),
        ("2024-06-01", "Ongoing"),
        ("2026-01-01", "Completed"),
    ] {
        let run = klaster(&["build", "--date", date], site.path());
        assert_eq!(run.code, 0, "{}", run.all());
        let page = std::fs::read_to_string(
            site.path()
                .join("output/en/projects/development/index.html"),
        )
        .unwrap();
        assert!(
            page.contains(&format!("status-{}\">{status}<", status.to_lowercase())),
            "{date}: {status}"
        );
    }
    // SOURCE_DATE_EPOCH when --date is not given: 2023-01-01T00:00:00Z.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_klaster"))
        .args(["build"])
        .current_dir(site.path())
        .env("SOURCE_DATE_EPOCH", "1672531200")
        .output()
        .unwrap();
    assert!(out.status.success());
    let page = std::fs::read_to_string(
        site.path()
            .join("output/en/projects/development/index.html"),
    )
    .unwrap();
    assert!(page.contains("status-planned"));
}

#[test]
fn scripts_in_yaml_and_markdown_come_out_escaped() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: \"<script>alert('name')</script>\"\ncategory: startup\nsummary: \"<img src=x onerror=alert(1)>\"\ncity: '\"><script>alert(3)</script>'\n",
    );
    site.write(
        "content/pages/about.en.md",
        "---\ntitle: \"About <script>alert('t')</script>\"\n---\n<script>alert('body')</script>\n\n[click](javascript:alert('x'))\n\n<iframe src=\"https://evil.example\"></iframe>\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let out = snapshot(&site.path().join("output"));
    for (path, bytes) in &out {
        if !(path.ends_with(".html") || path.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("<script>alert"), "{path} has a live script");
        assert!(!text.contains("<img src=x"), "{path} has a live img");
        assert!(!text.contains("<iframe"), "{path} has a live iframe");
        assert!(
            !text.to_lowercase().contains("href=\"javascript:"),
            "{path} has a script link"
        );
    }
    let partner = String::from_utf8_lossy(&out["en/partners/tehnopol/index.html"]).into_owned();
    assert!(partner.contains("&lt;script&gt;alert("), "{partner}");
    let about = String::from_utf8_lossy(&out["en/about/index.html"]).into_owned();
    assert!(about.contains("&lt;script&gt;alert("), "{about}");
}

#[test]
fn unsafe_html_lets_raw_html_through() {
    let site = TestSite::new();
    site.write(
        "content/site.yaml",
        &format!("{SITE_YAML}unsafe_html: true\n"),
    );
    site.write(
        "content/pages/about.en.md",
        "---\n---\n<aside class=\"note\">Raw</aside>\n",
    );
    assert_eq!(site.build(&[]).code, 0);
    let about = std::fs::read_to_string(site.path().join("output/en/about/index.html")).unwrap();
    assert!(about.contains("<aside class=\"note\">Raw</aside>"));
}

#[test]
fn refuses_output_over_content_or_themes() {
    let site = TestSite::new();
    for bad in ["content", ".", "content/x", "themes"] {
        let run = site.build(&["--output", bad]);
        assert_eq!(run.code, 2, "--output {bad}: {}", run.all());
        assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    }
    assert!(site.path().join("content/site.yaml").is_file());
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = TestSite::new();
    site.write(
        "content/news/secret.yaml",
        "title: Secret\ndate: 2024-05-02\ndraft: true\n",
    );
    assert_eq!(site.build(&[]).code, 0);
    assert!(
        !site
            .path()
            .join("output/en/news/secret/index.html")
            .exists()
    );
    let news = std::fs::read_to_string(site.path().join("output/en/news/index.html")).unwrap();
    assert!(!news.contains("Secret"));
    assert_eq!(site.build(&["--drafts"]).code, 0);
    assert!(
        site.path()
            .join("output/en/news/secret/index.html")
            .is_file()
    );
}

#[test]
fn news_is_paginated_ten_a_page() {
    let site = TestSite::new();
    for i in 1..=23 {
        site.write(
            &format!("content/news/item-{i:02}.yaml"),
            &format!("title: Item {i}\ndate: 2024-01-{i:02}\n"),
        );
    }
    assert_eq!(site.build(&[]).code, 0);
    let out = site.path().join("output/en/news");
    assert!(out.join("page/2/index.html").is_file());
    assert!(out.join("page/3/index.html").is_file());
    assert!(!out.join("page/4/index.html").exists());
    let first = std::fs::read_to_string(out.join("index.html")).unwrap();
    // Newest first: 2024-05-01 (hello), then item 23 ... item 15.
    assert!(first.find("Hello").unwrap() < first.find("Item 23").unwrap());
    assert!(first.contains("Item 15") && !first.contains("Item 14<"));
    assert!(first.contains("href=\"/en/news/page/2/\""));
    let problems = broken_links(&site.path().join("output"), "https://example.org");
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn partner_pages_list_their_projects_and_people() {
    let site = TestSite::new();
    assert_eq!(site.build(&[]).code, 0);
    let page = std::fs::read_to_string(site.path().join("output/en/partners/tehnopol/index.html"))
        .unwrap();
    assert!(
        page.contains("href=\"/en/projects/development/\""),
        "{page}"
    );
    assert!(page.contains("Anna Test"));
}

#[test]
fn a_record_missing_a_language_links_to_the_section_in_words() {
    let site = TestSite::new();
    site.write("content/news/only-et.yaml", "date: 2024-05-03\n");
    site.write(
        "content/news/only-et.et.md",
        "---\ntitle: Ainult eesti keeles\n---\nTekst.\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        !site
            .path()
            .join("output/en/news/only-et/index.html")
            .exists()
    );
    let page =
        std::fs::read_to_string(site.path().join("output/et/news/only-et/index.html")).unwrap();
    // The note is in the language the link leads to, inside the link marked with it.
    assert!(
        page.contains("<a href=\"/en/news/\" hreflang=\"en\" lang=\"en\" title=\"This page has no English version; the link leads to the section.\">English <span class=\"untranslated\">(not translated)</span></a>"),
        "{page}"
    );
    assert!(!page.contains("tõlkimata"), "{page}");
    assert!(
        !page.contains("hreflang=\"en\" href="),
        "no alternate for a missing translation"
    );
}
