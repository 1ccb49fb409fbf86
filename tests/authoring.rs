//! The editor's commands: `new`, `init`, the translation report and stale translations.

mod common;
use common::*;

#[test]
fn new_records_are_reported_until_their_editor_finishes_them() {
    let site = TestSite::new();
    for collection in [
        "partners", "people", "strategy", "projects", "news", "pages",
    ] {
        let run = klaster(
            &["new", collection, &format!("new-{collection}")],
            site.path(),
        );
        assert_eq!(run.code, 0, "{collection}: {}", run.all());
        assert!(
            run.stdout
                .contains(&format!("content/{collection}/new-{collection}.yaml"))
        );
        for lang in ["et", "en"] {
            assert!(
                site.path()
                    .join(format!("content/{collection}/new-{collection}.{lang}.md"))
                    .is_file()
            );
        }
    }
    // The choices with no sensible default are the editor's: errors until made, each
    // listing what there is to choose from.
    let check = klaster(&["check"], site.path());
    assert_eq!(check.code, 1, "{}", check.all());
    for (file, field, choices) in [
        (
            "content/partners/new-partners.yaml",
            "category",
            "medtech, startup",
        ),
        ("content/people/new-people.yaml", "groups", "board, team"),
        ("content/projects/new-projects.yaml", "funder", "erdf"),
    ] {
        assert!(check.stderr.contains(file), "{file}: {}", check.stderr);
        assert!(
            check
                .stderr
                .contains(&format!("the required field `{field}` is missing")),
            "{field}: {}",
            check.stderr
        );
        let text = std::fs::read_to_string(site.path().join(file)).unwrap();
        assert!(text.contains(&format!("choose: {choices}")), "{text}");
    }
    // The texts `new` wrote are warnings naming the record's file and the field, so
    // `check --strict` (and CI) stops them going live.
    for (file, field) in [
        ("content/news/new-news.et.md", "body"),
        ("content/news/new-news.en.md", "body"),
        ("content/projects/new-projects.en.md", "objectives"),
        ("content/projects/new-projects.en.md", "results"),
    ] {
        let said = format!("`{field}` still has the text `klaster new` wrote");
        assert!(
            check.stderr.lines().any(|l| l.contains(&said)) && check.stderr.contains(file),
            "{file} {field}: {}",
            check.stderr
        );
    }
    // The editor makes the choices and writes the texts: then all is clean.
    for (file, from, to) in [
        (
            "content/partners/new-partners.yaml",
            "category:",
            "category: startup",
        ),
        (
            "content/people/new-people.yaml",
            "groups:",
            "groups: [team]",
        ),
        (
            "content/projects/new-projects.yaml",
            "funder:",
            "funder: erdf",
        ),
    ] {
        let path = site.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replacen(from, &format!("{to} #"), 1);
        std::fs::write(&path, text).unwrap();
    }
    for entry in walkdir::WalkDir::new(site.path().join("content")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            if text.contains("Write the ") {
                let text = text
                    .lines()
                    .map(|l| {
                        if l.contains("Write the ") {
                            l.replace("Write the", "Here is the real")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                std::fs::write(entry.path(), text + "\n").unwrap();
            }
        }
    }
    // Both languages' texts were written anew: the translations are up to date again.
    for collection in [
        "partners", "people", "strategy", "projects", "news", "pages",
    ] {
        let id = format!("{collection}/new-{collection}");
        let run = klaster(&["translations", "--mark-done", &id, "en"], site.path());
        assert_eq!(run.code, 0, "{id}: {}", run.all());
    }
    let check = klaster(&["check", "--strict"], site.path());
    assert_eq!(check.code, 0, "{}", check.all());
    let build = site.build(&[]);
    assert_eq!(build.code, 0, "{}", build.all());
    assert!(
        site.path()
            .join("output/en/projects/new-projects/index.html")
            .is_file()
    );
    // Every field of the collection is in the files, with a comment.
    let shared =
        std::fs::read_to_string(site.path().join("content/projects/new-projects.yaml")).unwrap();
    for field in [
        "funder",
        "start",
        "end",
        "grant",
        "total_cost",
        "public_funding",
        "coordinator",
        "implementers",
        "contacts",
        "website",
    ] {
        assert!(
            shared.contains(&format!("{field}:")),
            "{field} missing:\n{shared}"
        );
    }
    let en =
        std::fs::read_to_string(site.path().join("content/projects/new-projects.en.md")).unwrap();
    for field in [
        "title",
        "summary",
        "programme",
        "objectives",
        "results",
        "translated_from",
    ] {
        assert!(en.contains(&format!("{field}:")), "{field} missing:\n{en}");
    }
}

#[test]
fn new_refuses_to_overwrite_and_bad_slugs() {
    let site = TestSite::new();
    let before =
        std::fs::read_to_string(site.path().join("content/partners/tehnopol.yaml")).unwrap();
    let run = klaster(&["new", "partners", "tehnopol"], site.path());
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(site.path().join("content/partners/tehnopol.yaml")).unwrap(),
        before
    );

    let run = klaster(&["new", "partners", "Tartu Ülikool"], site.path());
    assert_eq!(run.code, 2);
    assert!(
        // An example, not a regular expression.
        run.stderr
            .contains("like `university-of-tartu`; here: `tartu-ulikool`")
            && !run.stderr.contains("[a-z0-9]"),
        "{}",
        run.stderr
    );
    let run = klaster(&["new", "partner", "x"], site.path());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `partners`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_makes_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-site");
    let run = klaster(&["init", &dir.to_string_lossy()], tmp.path());
    assert_eq!(run.code, 0, "{}", run.all());
    for f in [
        "content/site.yaml",
        "content/pages/about.yaml",
        "content/pages/accessibility.et.md",
        "content/pages/accessibility.en.md",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    for c in [
        "partners", "people", "strategy", "projects", "news", "pages",
    ] {
        assert!(
            std::fs::read_dir(dir.join("content").join(c))
                .unwrap()
                .count()
                > 0,
            "{c}"
        );
    }
    let build = klaster(&["build", "--date", "2026-11-22"], &dir);
    assert_eq!(build.code, 0, "{}", build.all());
    assert!(build.stderr.contains("0 warnings"), "{}", build.stderr);
    assert!(dir.join("output/en/accessibility/index.html").is_file());
    assert!(
        dir.join("output/et/projects/example-project/index.html")
            .is_file()
    );
    assert!(broken_links(&dir.join("output"), "https://example.org").is_empty());
    // Every page's footer links the accessibility statement (in the page's language)
    // and the open data files.
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(dir.join("output"))
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let rel = path
            .strip_prefix(dir.join("output"))
            .unwrap()
            .to_string_lossy()
            .to_string();
        if !rel.ends_with(".html") || rel == "index.html" || rel.starts_with("search/") {
            continue;
        }
        let html = std::fs::read_to_string(path).unwrap();
        let lang = if rel.starts_with("en/") { "en" } else { "et" };
        assert!(
            html.contains(&format!("<a href=\"/{lang}/accessibility/\">")),
            "{rel} does not link the accessibility statement"
        );
        for data in ["partners.json", "partners.csv", "projects.json"] {
            assert!(
                html.contains(&format!("<a href=\"/data/{data}\">{data}</a>")),
                "{rel}: {data}"
            );
        }
        pages += 1;
    }
    assert!(pages > 10, "{pages}");

    // A non-empty folder is refused.
    let again = klaster(&["init", &dir.to_string_lossy()], tmp.path());
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("not empty"));
    // Other languages.
    let fi = tmp.path().join("fi-site");
    assert_eq!(
        klaster(
            &["init", &fi.to_string_lossy(), "--languages", "fi,en"],
            tmp.path()
        )
        .code,
        0
    );
    let build = klaster(&["build"], &fi);
    assert_eq!(build.code, 0, "{}", build.all());
    let page = std::fs::read_to_string(fi.join("output/fi/accessibility/index.html")).unwrap();
    assert!(page.contains("Saavutettavuusseloste"));
    // Languages the theme has no strings for still build, with English strings and a warning.
    let de = tmp.path().join("de-site");
    assert_eq!(
        klaster(
            &["init", &de.to_string_lossy(), "--languages", "de,sv"],
            tmp.path()
        )
        .code,
        0
    );
    let build = klaster(&["build"], &de);
    assert_eq!(build.code, 0, "{}", build.all());
    assert!(
        build
            .stderr
            .contains("the theme has no interface strings for `sv`"),
        "{}",
        build.stderr
    );
}

#[test]
fn translation_report_with_one_missing_and_one_stale() {
    let site = TestSite::new();
    // Missing: the partner's summary has no English text.
    site.write("content/partners/tehnopol.yaml", "name: {et: Teaduspark Tehnopol, en: Science Park Tehnopol}\nsummary: {et: Eesti teaduspark.}\ncategory: startup\n");
    // Stale: the English about page was translated from an older Estonian text.
    assert_eq!(
        klaster(
            &["translations", "--mark-done", "pages/about", "en"],
            site.path()
        )
        .code,
        0
    );
    // Quoted: an unquoted fingerprint like 4035e843 would be read as a number.
    let marked = std::fs::read_to_string(site.path().join("content/pages/about.en.md")).unwrap();
    assert!(marked.starts_with("---\ntranslated_from: \""), "{marked}");
    let clean = klaster(&["check", "--strict"], site.path());
    assert!(!clean.all().contains("stale"), "{}", clean.all());
    site.write(
        "content/pages/about.et.md",
        "---\n---\nUus tekst: vaata [Tehnopol](@partners/tehnopol).\n",
    );

    let run = site.check();
    let all = run.all();
    assert_eq!(run.code, 0, "warnings only: {all}");
    assert!(all.contains("Translations"), "{all}");
    assert!(
        all.contains("missing  partners/tehnopol")
            && all.contains("summary")
            && all.contains("content/partners/tehnopol.yaml"),
        "{all}"
    );
    assert!(
        all.contains("stale    pages/about") && all.contains("content/pages/about.en.md"),
        "{all}"
    );
    assert!(
        all.contains("the `et` text changed after this `en` translation was written"),
        "{all}"
    );

    let strict = klaster(&["check", "--strict"], site.path());
    assert_eq!(strict.code, 1);

    let json = klaster(&["check", "--format", "json"], site.path());
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let en = doc["translations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["lang"] == "en")
        .unwrap()
        .clone();
    assert_eq!(en["missing"][0]["record"], "partners/tehnopol");
    assert_eq!(en["missing"][0]["field"], "summary");
    assert_eq!(en["stale"][0]["record"], "pages/about");
    assert!(en["fields_translated"].as_u64().unwrap() < en["fields"].as_u64().unwrap());

    // Marking it done clears the stale warning.
    assert_eq!(
        klaster(
            &["translations", "--mark-done", "pages/about", "en"],
            site.path()
        )
        .code,
        0
    );
    let after = site.check();
    assert!(
        !after.all().contains("stale    pages/about"),
        "{}",
        after.all()
    );
}

#[test]
fn build_reports_stages_and_a_summary_when_not_on_a_terminal() {
    let site = TestSite::new();
    let run = site.build(&[]);
    assert_eq!(run.code, 0);
    for line in ["load: ", "resolve: ", "render: "] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with(line) && l.ends_with(" ms")),
            "{line}\n{}",
            run.stderr
        );
    }
    let summary = run.stderr.lines().last().unwrap_or("");
    assert!(
        summary.starts_with("built ")
            && summary.contains(" et, ")
            && summary.contains(" en, the language chooser and 404)")
            && summary.contains("0 warnings"),
        "{summary}"
    );
    // No terminal control sequences in logs.
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
}

#[test]
fn commands_name_files_as_the_loader_does() {
    let site = TestSite::new();
    // `v1.2.md` is the record `pages/v1.2`, not `pages/v1`: `new pages v1` is free.
    site.write(
        "content/pages/v1.2.md",
        "---\ntitle: Version 1.2\n---\nText.\n",
    );
    let run = klaster(&["new", "pages", "v1"], site.path());
    assert_eq!(run.code, 0, "{}", run.all());
    // A `.yml` language file is where the translation report sends the missing text.
    site.write(
        "content/partners/yml.yaml",
        "category: startup\nname: {et: Nimi}\n",
    );
    site.write("content/partners/yml.en.yml", "city: Tartu\n");
    let run = site.check();
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains("missing  partners/yml")
                && l.contains("content/partners/yml.en.yml")),
        "{}",
        run.stderr
    );
    // `translations --mark-done` reads front matter closed with `...` as the loader does.
    site.write(
        "content/pages/dots.et.md",
        "---\ntitle: Punktid\n...\nTekst.\n",
    );
    site.write("content/pages/dots.en.md", "---\ntitle: Dots\n...\nText.\n");
    let run = klaster(
        &["translations", "--mark-done", "pages/dots", "en"],
        site.path(),
    );
    assert_eq!(run.code, 0, "{}", run.all());
    let text = std::fs::read_to_string(site.path().join("content/pages/dots.en.md")).unwrap();
    assert!(text.starts_with("---\ntranslated_from: \""), "{text}");
    assert!(text.contains("...\nText."), "{text}");
}

/// A language the theme has no texts for: the warning names `klaster strings`, which
/// writes every text to translate (English beside each); `init` writes it at once; a
/// text left "" shows the fallback and a written one is used.
#[test]
fn strings_writes_every_interface_text_to_translate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let run = klaster(
        &["init", &dir.to_string_lossy(), "--languages", "fi,sv"],
        tmp.path(),
    );
    assert_eq!(run.code, 0, "{}", run.all());
    let file = dir.join("content/i18n/sv.yaml");
    let text = std::fs::read_to_string(&file).expect("init writes content/i18n/sv.yaml");
    let english = std::fs::read_to_string(repo().join("themes/default/i18n/en.yaml")).unwrap();
    let keys = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(':'))
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect()
    };
    let mut en_keys = keys(&english);
    en_keys.sort();
    assert_eq!(keys(&text), en_keys);
    assert!(text.contains("partners: \"\"  # Partners\n"), "{text}");

    // The command itself, and its refusal to overwrite.
    std::fs::remove_file(&file).unwrap();
    let build = klaster(&["build"], &dir);
    assert!(
        build.stderr.contains("run `klaster strings sv`"),
        "{}",
        build.stderr
    );
    let run = klaster(&["strings", "sv"], &dir);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout.contains(&format!(
            "created content/i18n/sv.yaml with {} texts",
            en_keys.len()
        )),
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    let again = klaster(&["strings", "sv"], &dir);
    assert_eq!(again.code, 2, "{}", again.all());
    assert!(
        again.stderr.contains("already exists; nothing was written"),
        "{}",
        again.stderr
    );
    let bad = klaster(&["strings", "not a code"], &dir);
    assert_eq!(bad.code, 2);

    // "" falls back to the default language; a written text is used.
    let build = klaster(&["build"], &dir);
    assert_eq!(build.code, 0, "{}", build.all());
    let home = std::fs::read_to_string(dir.join("output/sv/index.html")).unwrap();
    // Finnish texts on a Swedish page are marked as Finnish.
    assert!(
        home.contains("<a href=\"/sv/partners/\" lang=\"fi\">Kumppanit</a>"),
        "{home}"
    );
    assert!(
        home.contains("<a class=\"search-link\" href=\"/sv/search/\" lang=\"fi\">Haku</a>"),
        "{home}"
    );
    let fi = std::fs::read_to_string(dir.join("output/fi/index.html")).unwrap();
    assert!(
        fi.contains("<a href=\"/fi/partners/\">Kumppanit</a>"),
        "{fi}"
    );
    std::fs::write(
        &file,
        text.replace("partners: \"\"", "partners: \"Partner\""),
    )
    .unwrap();
    let build = klaster(&["build"], &dir);
    assert_eq!(build.code, 0, "{}", build.all());
    let home = std::fs::read_to_string(dir.join("output/sv/index.html")).unwrap();
    assert!(
        home.contains("<a href=\"/sv/partners/\">Partner</a>"),
        "{home}"
    );
}
