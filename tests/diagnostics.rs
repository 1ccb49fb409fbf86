//! One test per kind of problem of SPEC §8: `check` exits 1 and names the file, line
//! and column, quotes the line and says how to fix it.

mod common;
use common::*;

/// Runs `check` and asserts exit code 1 and that every `needle` is in the output.
fn fails_with(site: &TestSite, needles: &[&str]) -> String {
    let run = site.check();
    let all = run.all();
    assert_eq!(run.code, 1, "expected exit code 1:\n{all}");
    for n in needles {
        assert!(all.contains(n), "expected `{n}` in:\n{all}");
    }
    all
}

#[test]
fn valid_site_passes() {
    let site = TestSite::new();
    let run = site.check();
    assert_eq!(run.code, 0, "{}", run.all());
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
}

#[test]
fn yaml_syntax_error() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: [startup\ncountry: EE\n",
    );
    fails_with(
        &site,
        &[
            "YAML syntax error",
            "content/partners/tehnopol.yaml:3:",
            "country: EE",
            "^",
        ],
    );
}

#[test]
fn unknown_field_with_suggestion() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: startup\nwebsiet: https://example.org\n",
    );
    fails_with(
        &site,
        &[
            "unknown field `websiet`",
            "content/partners/tehnopol.yaml:3:1",
            "did you mean `website`?",
        ],
    );
}

#[test]
fn missing_required_field() {
    let site = TestSite::new();
    site.write("content/partners/tehnopol.yaml", "category: startup\n");
    fails_with(
        &site,
        &[
            "the required field `name` is missing",
            "content/partners/tehnopol.yaml:1",
        ],
    );
}

#[test]
fn wrong_type() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: startup\nmember: maybe\n",
    );
    fails_with(
        &site,
        &[
            "`member` must be `true` or `false`",
            "content/partners/tehnopol.yaml:3:9",
        ],
    );
}

#[test]
fn unknown_category_with_suggestion() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: medtec\n",
    );
    fails_with(
        &site,
        &[
            "unknown partner category `medtec`",
            "content/partners/tehnopol.yaml:2:11",
            "did you mean `medtech`?",
        ],
    );
}

#[test]
fn unknown_reference_with_suggestion() {
    let site = TestSite::new();
    site.write(
        "content/projects/development.yaml",
        "title: Development\nfunder: erdf\nstart: 2023-09-01\ncoordinator: tehnopl\ncontacts: [anna-tset]\n",
    );
    fails_with(
        &site,
        &[
            "there is no record `partners/tehnopl`",
            "content/projects/development.yaml:4:14",
            "did you mean `tehnopol`?",
            "there is no record `people/anna-tset`",
            "did you mean `anna-test`?",
        ],
    );
}

#[test]
fn unknown_funder_and_group() {
    let site = TestSite::new();
    site.write(
        "content/projects/development.yaml",
        "title: Development\nfunder: erfd\nstart: 2023-09-01\n",
    );
    site.write(
        "content/people/anna-test.yaml",
        "name: Anna Test\ngroups: [teem]\n",
    );
    fails_with(
        &site,
        &[
            "unknown funder `erfd`",
            "did you mean `erdf`?",
            "unknown people group `teem`",
            "did you mean `team`?",
        ],
    );
}

#[test]
fn bad_date() {
    let site = TestSite::new();
    site.write(
        "content/projects/development.yaml",
        "title: Development\nfunder: erdf\nstart: 2023-13-01\n",
    );
    fails_with(
        &site,
        &[
            "`2023-13-01` is not a real date",
            "content/projects/development.yaml:3:8",
            "YYYY-MM-DD",
        ],
    );
    site.write(
        "content/projects/development.yaml",
        "title: Development\nfunder: erdf\nstart: 1.9.2023\n",
    );
    fails_with(&site, &["`1.9.2023` is not a date"]);
}

#[test]
fn bad_money() {
    let site = TestSite::new();
    site.write(
        "content/projects/development.yaml",
        "title: Development\nfunder: erdf\nstart: 2023-09-01\ngrant: 600000\ntotal_cost: 5 EUX\n",
    );
    fails_with(
        &site,
        &[
            "`grant` has no currency",
            "content/projects/development.yaml:4:8",
            "`grant: 600000 EUR`",
            "`EUX` is not an ISO 4217 currency code",
        ],
    );
}

#[test]
fn bad_url_email_phone_country() {
    let site = TestSite::new();
    site.write(
        "content/people/anna-test.yaml",
        "name: Anna Test\ngroups: [team]\nemail: anna-at-example\nphone: 5555 5555\n",
    );
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: startup\nwebsite: www.example.org\ncountry: XX\n",
    );
    fails_with(
        &site,
        &[
            "is not an e-mail address",
            "international form",
            "`www.example.org` is not a web address",
            "`XX` is not an ISO 3166-1",
        ],
    );
}

#[test]
fn bad_slug() {
    let site = TestSite::new();
    site.write(
        "content/partners/Tartu_Ülikool.yaml",
        "name: Tartu Ülikool\ncategory: startup\n",
    );
    fails_with(
        &site,
        &[
            "the file name `Tartu_Ülikool` is not a valid slug",
            "content/partners/Tartu_Ülikool.yaml",
            "`tartu-ulikool`",
        ],
    );
    site.remove("content/partners/Tartu_Ülikool.yaml");
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: startup\nslug: {en: Science Park}\n",
    );
    fails_with(
        &site,
        &[
            "`Science Park` is not a valid slug",
            "content/partners/tehnopol.yaml:3:",
        ],
    );
}

#[test]
fn duplicate_slug() {
    let site = TestSite::new();
    site.write(
        "content/partners/science-park.yaml",
        "name: Science Park\ncategory: startup\nslug: {en: tehnopol}\n",
    );
    fails_with(
        &site,
        &["the slug `tehnopol` is used by `partners/science-park` and `partners/tehnopol` in `en`"],
    );
}

#[test]
fn reserved_page_slug() {
    let site = TestSite::new();
    site.write("content/pages/partners.yaml", "title: Partners\n");
    fails_with(&site, &["a page may not be called `partners`"]);
}

#[test]
fn missing_media_file() {
    let site = TestSite::new();
    site.write_bytes(
        "content/media/logos/tehnopol.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: startup\nlogo: logos/tehnopl.svg\n",
    );
    fails_with(
        &site,
        &[
            "the media file `logos/tehnopl.svg` does not exist",
            "content/partners/tehnopol.yaml:3:7",
            "did you mean `logos/tehnopol.svg`?",
        ],
    );
}

#[test]
fn path_leaving_the_site() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: startup\nlogo: ../../../etc/passwd\n",
    );
    fails_with(
        &site,
        &[
            "leaves the site's media folder",
            "content/partners/tehnopol.yaml:3:7",
        ],
    );
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: startup\nlogo: /etc/passwd\n",
    );
    fails_with(&site, &["leaves the site's media folder"]);
}

#[test]
fn broken_record_link() {
    let site = TestSite::new();
    site.write(
        "content/pages/about.en.md",
        "---\ntitle: About\n---\nFirst line.\n\nSee [them](@partners/tehnopl) too.\n",
    );
    fails_with(
        &site,
        &[
            "broken link: there is no record `partners/tehnopl`",
            "content/pages/about.en.md:6:5",
            "did you mean `tehnopol`?",
        ],
    );
}

#[test]
fn file_that_is_not_utf8() {
    let site = TestSite::new();
    site.write_bytes(
        "content/partners/tehnopol.yaml",
        b"name: Tehnopol\ncategory: startup\ncity: Tallinn \xff\n",
    );
    fails_with(
        &site,
        &[
            "the file is not UTF-8 text",
            "content/partners/tehnopol.yaml:3:15",
        ],
    );
}

#[test]
fn language_not_in_languages() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: {et: Tehnopol, de: Tehnopol}\ncategory: startup\n",
    );
    fails_with(
        &site,
        &[
            "`de` is not one of the site's languages (et, en)",
            "content/partners/tehnopol.yaml:1:22",
        ],
    );
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: startup\n",
    );
    site.write("content/pages/about.fi.md", "---\ntitle: Tietoa\n---\n");
    fails_with(
        &site,
        &[
            "`fi` is not one of the site's languages",
            "content/pages/about.fi.md",
        ],
    );
}

#[test]
fn missing_translation_is_a_warning_and_fails_strict() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: {et: Teaduspark Tehnopol}\ncategory: startup\n",
    );
    let run = site.check();
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.all()
            .contains("the `en` translation of `name` is missing"),
        "{}",
        run.all()
    );
    let strict = klaster(&["check", "--strict"], site.path());
    assert_eq!(strict.code, 1, "{}", strict.all());
    // The fallback text is marked with the language it is in.
    let out = site.build(&[]);
    assert_eq!(out.code, 0, "{}", out.all());
    let page = std::fs::read_to_string(site.path().join("output/en/partners/tehnopol/index.html"))
        .unwrap();
    assert!(
        page.contains("<h1 lang=\"et\">Teaduspark Tehnopol</h1>"),
        "{page}"
    );
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: medtec\n",
    );
    site.write(
        "content/projects/development.yaml",
        "title: Development\nfunder: erdf\nstart: 2023-02-30\n",
    );
    site.write(
        "content/news/hello.yaml",
        "title: Hello\ndate: 2024-05-01\nauthor: me\n",
    );
    let all = fails_with(
        &site,
        &[
            "unknown partner category",
            "is not a real date",
            "unknown field `author`",
        ],
    );
    assert!(all.contains("3 errors"), "{all}");
}

#[test]
fn json_diagnostics_for_ci() {
    let site = TestSite::new();
    site.write(
        "content/partners/tehnopol.yaml",
        "name: Tehnopol\ncategory: medtec\n",
    );
    let run = klaster(&["check", "--format", "json"], site.path());
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON on stdout");
    assert_eq!(doc["errors"], 1);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["path"], "content/partners/tehnopol.yaml");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 11);
    assert_eq!(d["code"], "unknown-reference");
    assert_eq!(
        d["help"],
        "did you mean `medtech`? (defined in content/site.yaml)"
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(klaster(&["build"], empty.path()).code, 2);
    assert_eq!(klaster(&["check"], empty.path()).code, 2);
    assert_eq!(klaster(&["frobnicate"], empty.path()).code, 2);
    assert_eq!(klaster(&["build", "--date", "soon"], &repo()).code, 2);
}

#[test]
fn missing_site_yaml() {
    let site = TestSite::new();
    site.remove("content/site.yaml");
    fails_with(&site, &["`content/site.yaml` is missing"]);
}

#[test]
fn empty_translation_falls_back_with_a_warning() {
    let site = TestSite::new();
    site.write(
        "content/pages/about.en.md",
        "---\ntitle: \"\"\n---\nText.\n",
    );
    let run = site.check();
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.all().contains("the `en` text of `title` is empty"),
        "{}",
        run.all()
    );
    site.write("content/pages/about.yaml", "title: {en: About}\n");
    site.write("content/pages/about.en.md", "---\n---\nText.\n");
    fails_with(
        &site,
        &["`title` has no `et` text", "content/pages/about.yaml:1:8"],
    );
}

#[test]
fn menu_entries_must_lead_to_pages() {
    let site = TestSite::new();
    site.write(
        "content/site.yaml",
        &SITE_YAML.replace(
            "menu: [partners, projects, people, news, pages/about]",
            "menu: [pages, pages/abuot, people/anna-test]",
        ),
    );
    fails_with(
        &site,
        &[
            "`pages` has no section page of its own",
            "the menu links to `pages/abuot`, which does not exist",
            "did you mean `about`?",
            "`people/anna-test` has no page of its own",
        ],
    );
}

#[test]
fn eu_funded_projects_without_objectives_or_results_get_a_warning() {
    let site = TestSite::new();
    site.write(
        "content/projects/development.yaml",
        "title: Development\nfunder: erdf\nstart: 2023-09-01\n",
    );
    let run = site.check();
    assert_eq!(run.code, 0);
    assert!(run.all().contains("this EU-funded project lacks a description (`summary` or a body), `objectives`, `results`"), "{}", run.all());
}

#[test]
fn two_files_for_one_language_are_an_error() {
    let site = TestSite::new();
    site.write(
        "content/partners/more/tehnopol.yaml",
        "name: Other\ncategory: startup\n",
    );
    fails_with(
        &site,
        &["`partners/tehnopol` has two files for the same language"],
    );
}

#[test]
fn media_links_in_bodies_are_checked_and_get_the_base_path() {
    let site = TestSite::new();
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(4, 2)
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    site.write_bytes("content/media/logo.png", png.get_ref());
    site.write(
        "content/pages/about.en.md",
        "---\n---\n![Logo](media/logo.png) and [missing](media/nothing.pdf)\n",
    );
    fails_with(
        &site,
        &[
            "the media file `nothing.pdf` does not exist",
            "content/pages/about.en.md:3:29",
        ],
    );
    site.write(
        "content/pages/about.en.md",
        "---\n---\n![Logo](media/logo.png)\n",
    );
    let run = site.build(&["--base-url", "https://example.org/sub/"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let page = std::fs::read_to_string(site.path().join("output/en/about/index.html")).unwrap();
    // The picture's copies, under the base path too.
    assert!(page.contains("src=\"/sub/img/"), "{page}");
    assert!(page.contains("srcset=\"/sub/img/"), "{page}");
    assert!(site.path().join("output/media/logo.png").is_file());
}

#[test]
fn records_only_in_another_language_exist_there() {
    let site = TestSite::new();
    site.write(
        "content/news/english-only.en.md",
        "---\ntitle: English only\ndate: 2024-05-05\n---\nText.\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        site.path()
            .join("output/en/news/english-only/index.html")
            .is_file()
    );
    assert!(
        !site
            .path()
            .join("output/et/news/english-only/index.html")
            .exists()
    );
}

#[test]
fn bad_base_url_is_a_usage_error() {
    let site = TestSite::new();
    let run = site.build(&["--base-url", "example.org"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("--base-url"));
}

#[test]
fn check_and_serve_take_the_build_date() {
    let site = TestSite::new();
    // The project runs 2023-09-01 to 2025-12-31: planned before, ongoing during.
    site.write(
        "content/projects/development.yaml",
        "title: {et: Arendusprojekt, en: Development project}\nsummary: {et: Kokkuvõte, en: Summary}\nfunder: erdf\nstart: 2023-09-01\nend: 2025-12-31\nobjectives:\n  - {et: Eesmärk, en: Objective}\nresults:\n  - {et: Tulemus, en: Result}\n",
    );
    let json = |date: &str| {
        let run = klaster(&["check", "--format", "json", "--date", date], site.path());
        assert_eq!(run.code, 0, "{}", run.all());
        run.stdout
    };
    json("2024-01-01");
    let bad = klaster(&["check", "--date", "2024-13-01"], site.path());
    assert_eq!(bad.code, 2, "{}", bad.all());
    assert!(bad.stderr.contains("--date"), "{}", bad.stderr);
    let bad = klaster(&["serve", "--date", "1.1.2024"], site.path());
    assert_eq!(bad.code, 2, "{}", bad.all());
    assert!(bad.stderr.contains("--date"), "{}", bad.stderr);
}

/// Many warnings of one kind: text shows the first 10 and how many more; JSON has all.
#[test]
fn text_output_shows_ten_of_a_kind_and_counts_the_rest() {
    let site = TestSite::new();
    for i in 0..14 {
        site.write(
            &format!("content/partners/p{i:02}.yaml"),
            &format!(
                "name: Partner {i}\ncategory: startup\nsummary: {{et: Ainult eesti keeles {i}}}\n"
            ),
        );
    }
    let run = site.check();
    let text = run.all();
    let shown = text.matches("warning: ").count();
    let kinds: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("warning: and "))
        .collect();
    assert_eq!(kinds.len(), 1, "{text}");
    assert!(
        kinds[0].ends_with(
            "more `translation` warnings like these (`klaster check --format json` lists all)"
        ),
        "{text}"
    );
    let more: usize = kinds[0]["warning: and ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", kinds[0]));
    assert_eq!(shown, 10 + 1, "{text}");
    let json = klaster(
        &[
            "check",
            "--format",
            "json",
            "--root",
            &site.path().to_string_lossy(),
        ],
        site.path(),
    );
    let doc: serde_json::Value =
        serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{e}: {}", json.stdout));
    let all = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "translation")
        .count();
    assert_eq!(all, 10 + more, "{}", json.stdout);
    assert!(all >= 14, "{all}");
}

/// A partner file that cannot be read or parsed is one error: the records and pages
/// that refer to it get none of their own (its id comes from its file name).
#[test]
fn a_broken_file_is_one_error_not_one_per_reference() {
    let broken: [(&str, &[u8]); 3] = [
        (
            "a missing colon",
            b"name {et: Teaduspark Tehnopol, en: Science Park Tehnopol}\ncategory: startup\n",
        ),
        (
            "a tab",
            b"name: {et: Teaduspark Tehnopol, en: Science Park Tehnopol}\n\tcategory: startup\n",
        ),
        (
            "a Windows-1252 byte",
            b"name: {et: Teaduspark Tehnopol \xe4, en: Science Park Tehnopol}\ncategory: startup\n",
        ),
    ];
    for (what, bytes) in broken {
        let site = TestSite::new();
        site.write_bytes("content/partners/tehnopol.yaml", bytes);
        let run = site.check();
        assert_eq!(run.code, 1, "{what}: {}", run.all());
        let text = run.all();
        let errors = text.lines().filter(|l| l.starts_with("error: ")).count();
        assert_eq!(errors, 1, "{what}: {text}");
        assert!(
            text.contains("--> content/partners/tehnopol.yaml"),
            "{what}: {text}"
        );
        assert!(!text.contains("there is no record"), "{what}: {text}");
        assert!(text.contains("check failed: 1 error"), "{what}: {text}");
    }
}

/// Errors that keep a file from being read are listed before the others.
#[test]
fn errors_that_stop_a_file_being_read_come_first() {
    let site = TestSite::new();
    site.write("content/partners/zz-broken.yaml", "name: [unclosed\n");
    site.write(
        "content/partners/aa-wrong.yaml",
        "name: A\ncategory: no-such-category\n",
    );
    let run = site.check();
    let text = run.all();
    let syntax = text
        .find("--> content/partners/zz-broken.yaml")
        .unwrap_or_else(|| panic!("{text}"));
    let other = text
        .find("--> content/partners/aa-wrong.yaml")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(syntax < other, "{text}");
}

/// Messages for people who do not know YAML: each common slip named as such, with the
/// fix written out.
#[test]
fn common_slips_are_named_in_plain_words() {
    let cases: [(&str, &str, &str, &[&str]); 6] = [
        (
            "content/partners/tehnopol.yaml",
            "name: Tehnopol\ncategory startup\n",
            "a missing colon",
            &[
                "error: `category startup` needs a colon after the field name: `category: startup`",
                "tehnopol.yaml:2:",
            ],
        ),
        (
            "content/partners/tehnopol.yaml",
            "category startup\n",
            "a missing colon on the only line",
            &["error: `category startup` needs a colon after the field name: `category: startup`"],
        ),
        (
            "content/partners/tehnopol.yaml",
            "name: Tehnopol\n\tcategory: startup\n",
            "a tab",
            &[
                "error: this line has a tab; YAML files must be indented with spaces",
                "tehnopol.yaml:2:1",
                "2 | →category: startup",
                "use spaces instead of a tab",
            ],
        ),
        (
            "content/partners/tehnopol.yaml",
            "name: Tehnopol\ncategory: startup\ncity: Tartu: Estonia\n",
            "a value with `: `",
            &[
                "error: the value of `city` contains `: `, which YAML reads as another field",
                "put the value in quotes: `city: \"Tartu: Estonia\"`",
            ],
        ),
        (
            "content/news/hello.yaml",
            "date: 31.12.2024\n",
            "a day-first date",
            &[
                "`31.12.2024` is not a date in the form klaster reads",
                "did you mean `2024-12-31`? Dates are written year-month-day",
            ],
        ),
        (
            "content/pages/about.en.md",
            "---\ntitle: About\nNo closing line here.\n",
            "front matter never closed",
            &[
                "error: the front matter that begins on line 1 is never closed",
                "add a line `---` after the last field",
            ],
        ),
    ];
    for (path, text, what, expected) in cases {
        let site = TestSite::new();
        site.write(path, text);
        let run = site.check();
        assert_eq!(run.code, 1, "{what}: {}", run.all());
        let out = run.all();
        for e in expected {
            assert!(out.contains(e), "{what}: expected {e:?} in\n{out}");
        }
    }
    // An unknown partner: the nearest names, and how to create it.
    let site = TestSite::new();
    site.write(
        "content/projects/development.yaml",
        "title: {et: A, en: A}\nsummary: {et: K, en: S}\nfunder: erdf\nstart: 2023-09-01\ncoordinator: tehnopl\nobjectives: [{et: E, en: O}]\nresults: [{et: T, en: R}]\n",
    );
    let out = site.check().all();
    assert!(
        out.contains("did you mean `tehnopol`? Or, to add it: `klaster new partners tehnopl`"),
        "{out}"
    );
}

#[test]
fn init_names_a_language_given_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let run = klaster(
        &[
            "init",
            &tmp.path().join("s").to_string_lossy(),
            "--languages",
            "fi,fi",
        ],
        tmp.path(),
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("error: `fi` is in --languages twice"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("not valid language codes"),
        "{}",
        run.stderr
    );
}

/// A missing translation is reported at the file where it is to be added: the
/// language's own file, when the record has one.
#[test]
fn a_missing_translation_points_at_the_languages_own_file() {
    let site = TestSite::new();
    site.write("content/partners/solo.yaml", "category: startup\n");
    site.write(
        "content/partners/solo.et.md",
        "---\nname: Üksi\nsummary: Lühidalt.\n---\n",
    );
    site.write("content/partners/solo.en.md", "---\nname: Solo\n---\n");
    let out = site.check().all();
    let at = out
        .find("warning: the `en` translation of `summary` is missing; the `et` text is shown")
        .unwrap_or_else(|| panic!("{out}"));
    let rest = &out[at..];
    assert!(rest.contains("--> content/partners/solo.en.md"), "{out}");
    assert!(
        rest.contains("add `summary:` with the `en` text to this file (the `et` text is in content/partners/solo.et.md)"),
        "{out}"
    );
}
