//! Records as template data: references expanded to labels and addresses in the
//! page's language, with the base URL's path.

use super::{Backlinks, ValueBuilder};
use crate::model::RecordId;
use crate::resolve::testing::resolve;
use serde_json::Value as J;

fn value(files: &[(&str, &str)], id: &str, lang: &str) -> J {
    let (site, diags) = resolve(files);
    let site = site.expect("site");
    assert!(!diags.iter().any(|d| d.is_error()), "{diags:?}");
    let backlinks = Backlinks::new(&site);
    let vb = ValueBuilder {
        site: &site,
        urls: site.urls(),
        backlinks: &backlinks,
        lang,
    };
    let r = site.get(&RecordId::parse(id).unwrap()).expect("record");
    serde_json::to_value(vb.card(r, r.locale(lang).expect("locale"))).expect("json")
}

const PARTNER: (&str, &str) = (
    "content/partners/tehnopol.yaml",
    "name: {et: Teaduspark Tehnopol, en: Science Park Tehnopol}\ncategory: startup\nlogo: logos/t.svg\n",
);
const PERSON: (&str, &str) = (
    "content/people/anna.yaml",
    "name: Anna\ngroups: [board]\norganisation: tehnopol\n",
);
const LOGO: (&str, &str) = ("content/media/logos/t.svg", "<svg/>");

#[test]
fn a_partner_links_its_people_and_shows_its_category_in_the_language() {
    let v = value(&[PARTNER, PERSON, LOGO], "partners/tehnopol", "et");
    assert_eq!(v["url"], "/site/et/partners/tehnopol/");
    assert_eq!(
        v["permalink"],
        "https://example.org/site/et/partners/tehnopol/"
    );
    assert_eq!(v["category_label"], "Idud");
    assert_eq!(v["logo"]["url"], "/site/media/logos/t.svg");
    assert_eq!(v["people"][0]["name"], "Anna");
    assert_eq!(v["people"][0]["url"], "/site/et/people/#anna");
}

#[test]
fn a_person_names_the_partner_in_the_pages_language() {
    let v = value(&[PARTNER, PERSON, LOGO], "people/anna", "en");
    assert_eq!(v["organisation"]["label"], "Science Park Tehnopol");
    assert_eq!(v["organisation"]["url"], "/site/en/partners/tehnopol/");
    assert_eq!(v["anchor"], "anna");
    assert_eq!(v["group_labels"][0], "Board");
}

#[test]
fn a_reference_to_a_record_missing_in_a_language_says_which_language_it_shows() {
    let v = value(
        &[
            (
                "content/partners/only-et.et.md",
                "---\nname: Ainult eesti\ncategory: startup\n---\n",
            ),
            (
                "content/projects/p.yaml",
                "title: P\nfunder: erdf\nstart: 2024-01-01\ncoordinator: only-et\nsummary: S\nobjectives: [O]\nresults: [R]\n",
            ),
        ],
        "projects/p",
        "en",
    );
    assert_eq!(v["coordinator"]["label"], "Ainult eesti");
    assert_eq!(v["coordinator"]["label_lang"], "et");
}

#[test]
fn every_key_klaster_writes_is_a_static_key() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/digital-health-network");
    let (site, _) = crate::resolve::testing::resolve_folder(&root);
    let site = site.expect("the example site resolves");
    let backlinks = Backlinks::new(&site);
    let mut unlisted = std::collections::BTreeSet::new();
    for lang in site.config.languages.iter().map(|l| l.code.as_str()) {
        let vb = ValueBuilder {
            site: &site,
            urls: site.urls(),
            backlinks: &backlinks,
            lang,
        };
        // Records are built with static keys by `tv`; the site settings go through JSON.
        super::tera_value::unlisted_keys(&vb.site(true), &mut unlisted);
    }
    assert!(
        unlisted.is_empty(),
        "add these to KEYS in tera_value.rs: {unlisted:?}"
    );
}
