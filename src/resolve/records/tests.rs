//! Records built from their fields by the collection's schema.

use crate::model::{RecordData, RecordId, StrategyStatus};
use crate::resolve::testing::{resolve, said};

fn data(files: &[(&str, &str)], id: &str) -> RecordData {
    let (site, diags) = resolve(files);
    let site = site.expect("a site");
    site.get(&RecordId::parse(id).unwrap())
        .and_then(|r| r.locale("en"))
        .map(|l| l.data.clone())
        .unwrap_or_else(|| panic!("{id} was not built: {:?}", said(&diags)))
}

#[test]
fn a_strategy_without_status_follows_its_period() {
    let old = data(
        &[(
            "content/strategy/s.yaml",
            "title: S\nperiod: {from: 2019, to: 2023}\n",
        )],
        "strategy/s",
    );
    let RecordData::Strategy(s) = old else {
        panic!()
    };
    assert_eq!(
        s.status,
        StrategyStatus::Previous,
        "2019-2023 has ended in 2024"
    );
    let now = data(
        &[(
            "content/strategy/s.yaml",
            "title: S\nperiod: {from: 2023, to: 2027}\n",
        )],
        "strategy/s",
    );
    let RecordData::Strategy(s) = now else {
        panic!()
    };
    assert_eq!(s.status, StrategyStatus::Current);
    let given = data(
        &[(
            "content/strategy/s.yaml",
            "title: S\nperiod: {from: 2019, to: 2023}\nstatus: current\n",
        )],
        "strategy/s",
    );
    let RecordData::Strategy(s) = given else {
        panic!()
    };
    assert_eq!(s.status, StrategyStatus::Current, "a given status wins");
}

#[test]
fn a_partner_is_a_member_unless_it_says_not() {
    let RecordData::Partner(p) = data(
        &[("content/partners/a.yaml", "name: A\ncategory: startup\n")],
        "partners/a",
    ) else {
        panic!()
    };
    assert!(p.member);
}

#[test]
fn a_misspelt_required_field_is_one_message() {
    let (_, diags) = resolve(&[("content/partners/a.yaml", "nmae: A\ncategory: startup\n")]);
    assert_eq!(
        said(&diags),
        ["unknown-field content/partners/a.yaml:1: unknown field `nmae` for partners"]
    );
    assert!(
        diags[0]
            .help
            .as_deref()
            .unwrap_or("")
            .starts_with("did you mean `name`?")
    );
}

#[test]
fn missing_required_fields_are_one_message_per_file() {
    let (_, diags) = resolve(&[("content/projects/p.yaml", "summary: S\n")]);
    assert_eq!(
        said(&diags),
        [
            "missing-field content/projects/p.yaml:1: the required fields `title` and `funder` are missing"
        ]
    );
    let (_, diags) = resolve(&[("content/projects/p.yaml", "")]);
    assert_eq!(
        said(&diags),
        [
            "missing-field content/projects/p.yaml:1: the file is empty; a project needs `title` and `funder`"
        ]
    );
}

#[test]
fn a_project_that_ends_before_it_starts_is_an_error() {
    let (_, diags) = resolve(&[(
        "content/projects/p.yaml",
        "title: P\nfunder: erdf\nstart: 2024-01-01\nend: 2023-01-01\nsummary: S\nobjectives: [O]\nresults: [R]\n",
    )]);
    assert_eq!(
        said(&diags),
        [
            "value content/projects/p.yaml:4: the project ends (2023-01-01) before it starts (2024-01-01)"
        ]
    );
}
