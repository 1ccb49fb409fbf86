//! The documentation says what the program does: the field tables of
//! docs/content.md are the schema's (src/model/schema.rs).

mod common;

use klaster::model::{Collection, schema};

/// The first Markdown table after `heading` in `doc`.
fn table_after<'d>(doc: &'d str, heading: &str) -> Option<&'d str> {
    let at = doc.find(heading)?;
    let rest = &doc[at..];
    let start = rest.find("\n| field |")? + 1;
    let table = &rest[start..];
    let end = table.find("\n\n").map(|i| i + 1).unwrap_or(table.len());
    Some(&table[..end])
}

#[test]
fn the_field_tables_of_the_docs_are_the_schemas() {
    let doc = std::fs::read_to_string(common::repo().join("docs/content.md")).expect("docs");
    let mut wrong = Vec::new();
    let mut check = |heading: &str, expected: String| match table_after(&doc, heading) {
        Some(found) if found == expected => {}
        Some(found) => wrong.push(format!(
            "{heading}: docs/content.md has\n{found}\nbut the schema says\n{expected}"
        )),
        None => wrong.push(format!("{heading}: no field table in docs/content.md")),
    };
    check(
        "These fields are allowed in **every** collection",
        schema::docs_table(None),
    );
    for c in Collection::ALL {
        check(
            &format!("\n### {}\n", c.name()),
            schema::docs_table(Some(c)),
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
