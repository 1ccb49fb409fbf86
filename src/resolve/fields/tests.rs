//! How one field is looked up and read: the language file first, then the shared
//! file, then the default language's; texts as one string or a map of languages.

use crate::model::{RecordData, RecordId, Site};
use crate::resolve::testing::{resolve, said};

fn partner(site: &Site, stem: &str, lang: &str) -> crate::model::Localized {
    site.get(&RecordId::parse(&format!("partners/{stem}")).unwrap())
        .and_then(|r| r.locale(lang))
        .cloned()
        .unwrap_or_else(|| panic!("partners/{stem} in {lang}"))
}

#[test]
fn the_language_file_wins_over_the_shared_file() {
    let (site, diags) = resolve(&[
        (
            "content/partners/a.yaml",
            "name: Shared name\ncategory: startup\ncity: Tartu\n",
        ),
        ("content/partners/a.en.md", "---\nname: English name\n---\n"),
    ]);
    let site = site.unwrap();
    assert!(diags.is_empty(), "{:?}", said(&diags));
    assert_eq!(partner(&site, "a", "en").label, "English name");
    assert_eq!(partner(&site, "a", "et").label, "Shared name");
    let RecordData::Partner(p) = partner(&site, "a", "en").data else {
        panic!()
    };
    assert_eq!(p.city.as_deref(), Some("Tartu"));
}

#[test]
fn a_missing_translation_falls_back_with_one_warning() {
    let (site, diags) = resolve(&[(
        "content/partners/a.yaml",
        "name: {et: Ainult eesti}\ncategory: startup\n",
    )]);
    let en = partner(&site.unwrap(), "a", "en");
    assert_eq!(en.label, "Ainult eesti");
    assert_eq!(en.fallback.get("name").map(String::as_str), Some("et"));
    assert_eq!(
        said(&diags),
        [
            "translation content/partners/a.yaml:1: the `en` translation of `name` is missing; the `et` text is shown"
        ]
    );
}

#[test]
fn an_empty_translation_is_reported_as_empty() {
    let (_, diags) = resolve(&[(
        "content/partners/a.yaml",
        "name: {et: Nimi, en: \"\"}\ncategory: startup\n",
    )]);
    let said = said(&diags);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("`name` is empty"), "{said:?}");
}

#[test]
fn a_language_map_names_codes_the_site_does_not_have() {
    let (_, diags) = resolve(&[(
        "content/partners/a.yaml",
        "name: {et: A, en: B, ee: C}\ncategory: startup\n",
    )]);
    let said = said(&diags);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].starts_with(
            "language content/partners/a.yaml:1: `ee` is not one of the site's languages"
        ),
        "{said:?}"
    );
    assert!(
        diags[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("expected one of `et`, `en`"),
        "{:?}",
        diags[0].help
    );
}

#[test]
fn typed_values_are_checked_where_they_are() {
    let (_, diags) = resolve(&[(
        "content/people/a.yaml",
        "name: A\ngroups: [board]\nemail: a@b\nphone: 5555\norder: first\nterm: {from: 2023, to: 2019}\n",
    )]);
    let said = said(&diags);
    assert_eq!(
        said,
        [
            "value content/people/a.yaml:3: `a@b` is not an e-mail address",
            "value content/people/a.yaml:4: `5555` is not a phone number in international form",
            "type content/people/a.yaml:5: `order` must be a whole number, not text",
            "value content/people/a.yaml:6: `term` ends (2019) before it starts (2023)",
        ],
        "{said:?}"
    );
}

#[test]
fn references_suggest_what_exists() {
    let (_, diags) = resolve(&[
        (
            "content/partners/tehnopol.yaml",
            "name: T\ncategory: startup\n",
        ),
        (
            "content/projects/p.yaml",
            "title: P\nfunder: erdf\nstart: 2024-01-01\ncoordinator: tehnopl\nobjectives: [O]\nresults: [R]\nsummary: S\n",
        ),
    ]);
    assert_eq!(diags.len(), 1, "{:?}", said(&diags));
    assert_eq!(diags[0].message, "there is no record `partners/tehnopl`");
    assert_eq!(
        diags[0].help.as_deref(),
        Some("did you mean `tehnopol`? Or, to add it: `klaster new partners tehnopl`")
    );
}
