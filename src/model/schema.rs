//! The fields of each collection, once: their names, kinds, whether they are required
//! or translatable, and how they are explained. This table drives the unknown-field
//! check (with its suggestions), the reading of records (resolve picks the reader for
//! each field by its kind), `klaster new` (every field, commented) and the field tables
//! of docs/content.md (a test fails when the two disagree).

use super::Collection;

/// What a field holds, which decides how it is read and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A translatable text (T): one text, or a map of languages.
    Text,
    /// A text that is the same in every language (a person's name).
    Plain,
    /// A key of `partner_categories`.
    Category,
    /// A list of keys of `people_groups`.
    Groups,
    /// A key of `funders`.
    Funder,
    /// `current`, `previous` or `draft`.
    StrategyStatus,
    Url,
    Email,
    Phone,
    Country,
    Year,
    Int,
    Bool,
    Date,
    Money,
    /// `{from: year, to: year}`.
    Period,
    /// A path under `content/media/`.
    Media,
    /// A partner's id.
    Partner,
    /// A list of partners' ids.
    Partners,
    /// A list of people's ids.
    People,
    /// A partner's id, or a translatable text.
    Organisation,
    /// A list of translatable texts.
    TextList,
    /// A list of texts (tags).
    Tags,
    /// A list of record ids with their collection.
    RecordIds,
    /// A list of `{title, file, language}`.
    Documents,
    /// A list of `{title, url}`.
    Related,
    /// Markdown text (T).
    Markdown,
    Slug,
    /// Anything, passed to templates untouched.
    Extra,
    /// The fingerprint klaster writes into language files.
    TranslatedFrom,
}

impl Kind {
    /// Whether each language may have its own value, so `klaster new` puts the field
    /// into the language files.
    pub fn translatable(self) -> bool {
        matches!(
            self,
            Kind::Text | Kind::TextList | Kind::Organisation | Kind::Markdown
        )
    }
}

/// One field of a collection.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// The kind of value in words, as docs/content.md shows it.
    pub doc: &'static str,
    /// An example as docs/content.md shows it.
    pub example: &'static str,
    /// What `klaster new` writes beside the field.
    pub help: &'static str,
}

mod tables;

pub use tables::COMMON;
use tables::*;

/// The fields of a collection, without the common ones.
pub fn fields(c: Collection) -> &'static [Field] {
    match c {
        Collection::Partners => PARTNERS,
        Collection::People => PEOPLE,
        Collection::Strategy => STRATEGY,
        Collection::Projects => PROJECTS,
        Collection::News => NEWS,
        Collection::Pages => PAGES,
    }
}

/// A field of a collection or a common one, by name.
pub fn field(c: Collection, name: &str) -> Option<&'static Field> {
    fields(c).iter().chain(COMMON).find(|f| f.name == name)
}

/// The names a record of `c` may use, for the unknown-field check.
pub fn names(c: Collection) -> impl Iterator<Item = &'static str> {
    fields(c).iter().chain(COMMON).map(|f| f.name)
}

/// The `name` or `title` field: what lists and links show for a record.
pub fn label_field(c: Collection) -> &'static str {
    match c {
        Collection::Partners | Collection::People => "name",
        _ => "title",
    }
}

/// The text `klaster new` writes for a field it cannot fill in (`body`, the items of
/// `objectives` and `results`), in `lang`. With `example` (`klaster init`) it is an
/// example text for a new site instead, which is not reported.
pub fn placeholder(field: &str, lang: &str, example: bool) -> String {
    let what = match field {
        "body" => "text",
        "objectives" => "first objective",
        "results" => "first result",
        other => other,
    };
    if example {
        format!("An example {what} in `{lang}`, to be replaced with your own.")
    } else {
        format!("{PLACEHOLDER_START} {what} in `{lang}` here.")
    }
}

/// How every placeholder of `klaster new` begins.
pub const PLACEHOLDER_START: &str = "Write the";

/// Whether a text is a placeholder `klaster new` wrote and nobody replaced.
pub fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    t.contains(PLACEHOLDER_START) && t.contains("` here.") && t.len() < 200
}

/// The field table docs/content.md shows for a collection (or, with `None`, the
/// common fields): `| field | type | example |`.
pub fn docs_table(c: Option<Collection>) -> String {
    let rows = match c {
        Some(c) => fields(c),
        None => COMMON,
    };
    let mut out = String::from("| field | type | example |\n|---|---|---|\n");
    for f in rows {
        let star = if f.required { "*" } else { "" };
        out.push_str(&format!(
            "| `{}`{star} | {} | {} |\n",
            f.name, f.doc, f.example
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_required_texts() {
        for c in Collection::ALL {
            let label = field(c, label_field(c)).expect("label field");
            assert!(label.required, "{c}");
        }
        assert!(field(Collection::Partners, "draft").is_some());
        assert!(field(Collection::Partners, "nmae").is_none());
    }
}
