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

const fn f(
    name: &'static str,
    kind: Kind,
    required: bool,
    doc: &'static str,
    example: &'static str,
    help: &'static str,
) -> Field {
    Field {
        name,
        kind,
        required,
        doc,
        example,
        help,
    }
}

use Kind as K;

/// Fields every collection has.
pub const COMMON: &[Field] = &[
    f(
        "draft",
        K::Bool,
        false,
        "true/false",
        "`draft: true`",
        "keep it out of the published site for now",
    ),
    f(
        "slug",
        K::Slug,
        false,
        "slug, or a map of languages",
        "`slug: {et: tartu-ulikool}`",
        "another last part of the address than the file name",
    ),
    f(
        "body",
        K::Markdown,
        false,
        "T, Markdown text",
        "see [The body](#the-body-markdown-text)",
        "the text, in Markdown",
    ),
    f(
        "extra",
        K::Extra,
        false,
        "anything",
        "`extra: {founder: true}`",
        "your own fields for the templates",
    ),
    f(
        "translated_from",
        K::TranslatedFrom,
        false,
        "written by klaster in language files",
        "see [Stale translations](#stale-translations)",
        "the fingerprint of the text this translation follows",
    ),
];

const PARTNERS: &[Field] = &[
    f(
        "name",
        K::Text,
        true,
        "T",
        "`name: {et: Tartu Ülikool, en: University of Tartu}`",
        "the organisation's name in this language",
    ),
    f(
        "category",
        K::Category,
        true,
        "a key of `partner_categories`",
        "`category: medtech`",
        "one of the partner categories of content/site.yaml",
    ),
    f(
        "summary",
        K::Text,
        false,
        "T",
        "`summary: {et: Teaduspark ..., en: Science park ...}`",
        "one or two sentences for the partner card",
    ),
    f(
        "website",
        K::Url,
        false,
        "web address",
        "`website: https://tehnopol.ee`",
        "the partner's own site (http or https)",
    ),
    f(
        "logo",
        K::Media,
        false,
        "media path",
        "`logo: logos/tehnopol.svg`",
        "a file in content/media/",
    ),
    f(
        "country",
        K::Country,
        false,
        "country code",
        "`country: EE`",
        "ISO 3166-1 two-letter code",
    ),
    f(
        "city",
        K::Text,
        false,
        "T",
        "`city: Tallinn`",
        "the city the partner is in",
    ),
    f(
        "joined",
        K::Year,
        false,
        "year",
        "`joined: 2019`",
        "the year the partner joined",
    ),
    f(
        "tags",
        K::Tags,
        false,
        "list of texts",
        "`tags: [e-health, AI]`",
        "topics",
    ),
    f(
        "member",
        K::Bool,
        false,
        "true/false, default `true`",
        "`member: false`",
        "false for a network or alliance the cluster belongs to",
    ),
];

const PEOPLE: &[Field] = &[
    f(
        "name",
        K::Plain,
        true,
        "text (not translated)",
        "`name: Piret Hirv`",
        "the person's name",
    ),
    f(
        "groups",
        K::Groups,
        true,
        "list of keys of `people_groups`",
        "`groups: [board, team]`",
        "one or more of the people groups of content/site.yaml",
    ),
    f(
        "role",
        K::Text,
        false,
        "T",
        "`role: {et: haiglate esindaja, en: representative of hospitals}`",
        "e.g. representative of hospitals",
    ),
    f(
        "title",
        K::Text,
        false,
        "T, the job title",
        "`title: {et: Klastrijuht, en: Cluster Manager}`",
        "job title",
    ),
    f(
        "organisation",
        K::Organisation,
        false,
        "a partner, or T text",
        "`organisation: tehnopol` / `organisation: Family physician`",
        "a partner's file name, or the organisation's name as text",
    ),
    f(
        "photo",
        K::Media,
        false,
        "media path",
        "`photo: people/piret-hirv.jpg`",
        "a file in content/media/",
    ),
    f(
        "email",
        K::Email,
        false,
        "e-mail address",
        "`email: piret@example.org`",
        "an e-mail address",
    ),
    f(
        "phone",
        K::Phone,
        false,
        "phone number",
        "`phone: +372 5858 8392`",
        "international form: + country code, digits, spaces",
    ),
    f(
        "order",
        K::Int,
        false,
        "whole number",
        "`order: 1`",
        "position in the list (smaller first)",
    ),
    f(
        "term",
        K::Period,
        false,
        "period",
        "`term: {from: 2019, to: 2023}`",
        "years on the board",
    ),
];

const STRATEGY: &[Field] = &[
    f(
        "title",
        K::Text,
        true,
        "T",
        "`title: {et: Strateegia 2019–2023, en: Strategy 2019–2023}`",
        "the document's title",
    ),
    f(
        "period",
        K::Period,
        true,
        "period",
        "`period: {from: 2019, to: 2023}`",
        "the years the strategy covers",
    ),
    f(
        "status",
        K::StrategyStatus,
        false,
        "`current`, `previous` or `draft`; default from `period` and the build date",
        "`status: previous`",
        "current, previous or draft; left out, it follows the period",
    ),
    f(
        "summary",
        K::Text,
        false,
        "T",
        "`summary: {et: ..., en: ...}`",
        "one or two sentences for lists",
    ),
    f(
        "documents",
        K::Documents,
        false,
        "list of `{title: T, file: media path or web address, language: code}`",
        "see below",
        "attached files: in content/media/ or a web address",
    ),
    f(
        "related",
        K::Related,
        false,
        "list of `{title: T, url: web address}`",
        "see below",
        "links to other sites",
    ),
];

const PROJECTS: &[Field] = &[
    f(
        "title",
        K::Text,
        true,
        "T",
        "`title: {et: Klastri arendamine, en: Cluster development}`",
        "the project's name",
    ),
    f(
        "funder",
        K::Funder,
        true,
        "a key of `funders`",
        "`funder: erdf`",
        "one of the funders of content/site.yaml",
    ),
    f(
        "start",
        K::Date,
        true,
        "date",
        "`start: 2023-09-01`",
        "the first day, YYYY-MM-DD",
    ),
    f(
        "end",
        K::Date,
        false,
        "date, not before `start`",
        "`end: 2024-12-31`",
        "the last day",
    ),
    f(
        "summary",
        K::Text,
        false,
        "T",
        "`summary: {et: ..., en: ...}`",
        "one or two sentences for lists",
    ),
    f(
        "programme",
        K::Text,
        false,
        "T, the support measure",
        "`programme: {et: EAS-i klastrite arendamise toetusmeede, en: support measure for the development of EAS clusters}`",
        "the support measure",
    ),
    f(
        "grant",
        K::Money,
        false,
        "money",
        "`grant: 600000 EUR`",
        "amount and ISO 4217 currency",
    ),
    f(
        "total_cost",
        K::Money,
        false,
        "money",
        "`total_cost: 467357 EUR`",
        "the project's whole budget",
    ),
    f(
        "public_funding",
        K::Money,
        false,
        "money",
        "`public_funding: {amount: 346737, currency: EUR}`",
        "the publicly funded part",
    ),
    f(
        "coordinator",
        K::Partner,
        false,
        "a partner",
        "`coordinator: tehnopol`",
        "a partner's file name",
    ),
    f(
        "implementers",
        K::Partners,
        false,
        "list of partners",
        "`implementers: [tehnopol, kuopio-health]`",
        "partners' file names",
    ),
    f(
        "contacts",
        K::People,
        false,
        "list of people",
        "`contacts: [piret-hirv]`",
        "people's file names",
    ),
    f(
        "objectives",
        K::TextList,
        false,
        "list of T",
        "see below",
        "what the project sets out to do",
    ),
    f(
        "results",
        K::TextList,
        false,
        "list of T",
        "see below",
        "what it achieved, or is expected to",
    ),
    f(
        "website",
        K::Url,
        false,
        "web address",
        "`website: https://example.org/project`",
        "the project's own site",
    ),
];

const NEWS: &[Field] = &[
    f(
        "title",
        K::Text,
        true,
        "T",
        "`title: {et: Klastri nõukogu 2019. aastal, en: The cluster's advisory board for 2019}`",
        "the headline",
    ),
    f(
        "date",
        K::Date,
        true,
        "date",
        "`date: 2019-02-01`",
        "publication date, YYYY-MM-DD",
    ),
    f(
        "summary",
        K::Text,
        false,
        "T",
        "`summary: {et: ..., en: ...}`",
        "one or two sentences for lists and the feed",
    ),
    f(
        "tags",
        K::Tags,
        false,
        "list of texts",
        "`tags: [board]`",
        "topics",
    ),
    f(
        "related",
        K::RecordIds,
        false,
        "list of record ids (with the collection)",
        "`related: [pages/about, partners/tehnopol]`",
        "record ids, e.g. [projects/cluster-development]",
    ),
];

const PAGES: &[Field] = &[
    f(
        "title",
        K::Text,
        true,
        "T",
        "`title: {et: Klastrist, en: About the cluster}`",
        "the page's title",
    ),
    f(
        "order",
        K::Int,
        false,
        "whole number",
        "`order: 1`",
        "position among the pages (smaller first)",
    ),
];

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
