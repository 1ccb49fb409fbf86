//! Hostile and random input never panics: every problem becomes a diagnostic.

mod common;
use common::*;
use klaster::pipeline::{self, Options};
use proptest::prelude::*;

fn run_site(site: &TestSite) -> pipeline::Outcome {
    pipeline::run(
        &Options {
            root: site.path().to_path_buf(),
            base_url: None,
            drafts: false,
            date: jiff::civil::date(2024, 6, 1),
            progress: None,
            cache: None,
            pictures: None,
        },
        &klaster::output::Discard,
    )
}

/// Fragments that make YAML and Markdown interesting when shuffled together.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("name: X\n".to_string()),
        Just("category: startup\n".to_string()),
        Just("---\n".to_string()),
        Just("title: {et: A, en: B}\n".to_string()),
        Just("{en: ".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("- ".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("  ".to_string()),
        Just("\t".to_string()),
        Just(": ".to_string()),
        Just("@partners/".to_string()),
        Just("[x](@".to_string()),
        Just("<script>".to_string()),
        Just("# H\n".to_string()),
        Just("õäöü šž ".to_string()),
        Just("\u{feff}".to_string()),
        Just("\r\n".to_string()),
        Just("grant: ".to_string()),
        Just("start: ".to_string()),
        Just("2023-09-01".to_string()),
        Just("logo: ../".to_string()),
        "[a-z0-9 :\\-\\n]{0,12}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn random_records_never_panic(yaml in proptest::collection::vec(fragment(), 0..24), md in proptest::collection::vec(fragment(), 0..24)) {
        let site = TestSite::new();
        site.write("content/partners/random.yaml", &yaml.concat());
        site.write("content/pages/random.en.md", &md.concat());
        let outcome = run_site(&site);
        for d in &outcome.diagnostics {
            prop_assert!(!d.path.is_empty());
            prop_assert!(!d.message.is_empty());
        }
    }

    #[test]
    fn random_site_yaml_never_panics(yaml in proptest::collection::vec(fragment(), 0..24)) {
        let site = TestSite::new();
        site.write("content/site.yaml", &yaml.concat());
        let _ = run_site(&site);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let site = TestSite::new();
        site.write_bytes("content/news/bytes.md", &bytes);
        site.write_bytes("content/people/bytes.yaml", &bytes);
        let _ = run_site(&site);
    }
}

#[test]
fn alias_bombs_and_deep_nesting_are_errors_not_crashes() {
    let site = TestSite::new();
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10u8 {
        let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        bomb.push_str(&format!(
            "{c}: &{c} [{}]\n",
            vec![format!("*{p}"); 9].join(",")
        ));
    }
    site.write("content/partners/bomb.yaml", &bomb);
    site.write(
        "content/partners/deep.yaml",
        &format!("name: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    );
    let run = site.check();
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.all().contains("content/partners/bomb.yaml"));
    assert!(run.all().contains("nested too deeply"), "{}", run.all());
}

#[test]
fn odd_files_are_reported_or_ignored() {
    let site = TestSite::new();
    site.write("content/partners/.hidden.yaml", "not: read\n");
    site.write("content/partners/notes.txt", "ignored\n");
    site.write("content/partners/tehnopol.yaml~", "backup\n");
    site.write("content/stray.md", "---\ntitle: x\n---\n");
    site.write("content/pages/empty.md", "");
    let run = site.check();
    let all = run.all();
    assert!(all.contains("content/partners/notes.txt"), "{all}");
    assert!(all.contains("content/stray.md"), "{all}");
    assert!(
        all.contains("a Markdown record must begin with front matter"),
        "{all}"
    );
    assert!(!all.contains(".hidden"), "{all}");
    assert!(!all.contains("tehnopol.yaml~"), "{all}");
    assert_eq!(run.code, 1);
}
