//! The immutable site model: what `resolve` builds from the loaded files and what
//! `render` turns into pages. Plain data, no I/O.

pub mod paths;
mod pictures;
mod records;
pub mod schema;
mod site;
mod strings;
mod theme;

pub use pictures::*;
pub use records::*;
pub use site::*;
pub use strings::Strings;
pub use theme::*;

use serde::Serialize;
use std::fmt;

/// The six content collections (docs/content.md, "The collections and their fields"), in menu order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Collection {
    Partners,
    People,
    Strategy,
    Projects,
    News,
    Pages,
}

impl Collection {
    pub const ALL: [Collection; 6] = [
        Collection::Partners,
        Collection::People,
        Collection::Strategy,
        Collection::Projects,
        Collection::News,
        Collection::Pages,
    ];

    /// The folder under `content/` and the first URL segment.
    pub fn name(self) -> &'static str {
        match self {
            Collection::Partners => "partners",
            Collection::People => "people",
            Collection::Strategy => "strategy",
            Collection::Projects => "projects",
            Collection::News => "news",
            Collection::Pages => "pages",
        }
    }

    pub fn from_name(name: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A record's id: `<collection>/<stem>`, e.g. `partners/tehnopol`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId {
    pub collection: Collection,
    pub stem: String,
}

impl RecordId {
    pub fn new(collection: Collection, stem: impl Into<String>) -> RecordId {
        RecordId {
            collection,
            stem: stem.into(),
        }
    }

    /// Parses `partners/tehnopol`.
    pub fn parse(s: &str) -> Option<RecordId> {
        let (c, stem) = s.split_once('/')?;
        let collection = Collection::from_name(c)?;
        if stem.is_empty() || stem.contains('/') {
            return None;
        }
        Some(RecordId::new(collection, stem))
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}/{}", self.collection, self.stem)
    }
}

impl Serialize for RecordId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The slug rule in words, for messages (an example rather than a pattern).
pub const SLUG_RULE: &str = "slugs use lower-case letters a-z, digits 0-9 and single hyphens between them, like `university-of-tartu`";

/// Whether `s` is a valid slug: `[a-z0-9]+(-[a-z0-9]+)*`.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Turns free text into a slug suggestion: `Tartu Ülikool` → `tartu-ulikool`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'ä' | 'à' | 'á' | 'â' | 'å' | 'ã' => 'a',
            'ö' | 'õ' | 'ó' | 'ò' | 'ô' | 'ø' => 'o',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'š' | 'ś' => 's',
            'ž' | 'ź' | 'ż' => 'z',
            'ç' | 'č' | 'ć' => 'c',
            'ñ' | 'ń' => 'n',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A BCP 47-looking language tag: `en`, `et`, `pt-BR`, `zh-Hant`. Used for the
/// `languages` of site.yaml and for telling a language file (`tehnopol.en.md`) from a
/// dotted name (`v1.2.md`).
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid_slug("tartu-ulikool"));
        assert!(is_valid_slug("a1"));
        for bad in ["", "-a", "a-", "a--b", "Tartu", "tartu_ülikool", "a b"] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
        assert_eq!(slugify("Tartu Ülikool"), "tartu-ulikool");
        assert_eq!(slugify("  Hello, World!  "), "hello-world");
    }

    #[test]
    fn language_tags() {
        for ok in ["et", "en", "fil", "pt-BR", "zh-Hant", "sr-Latn-RS"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "e", "english", "EN", "en_GB", "2", "en-"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    proptest::proptest! {
        /// A record put in or taken out: every other record's index after the shift
        /// leads back to its index before it, and a list keeps its order.
        #[test]
        fn a_shift_maps_indices_both_ways(len in 1usize..50, at in 0usize..50, insert: bool) {
            let at = at % len;
            let shift = if insert { Shift::Inserted(at) } else { Shift::Removed(at) };
            let after = if insert { len + 1 } else { len - 1 };
            for old in 0..len {
                match shift.after(old) {
                    Some(new) => {
                        proptest::prop_assert!(new < after);
                        proptest::prop_assert_eq!(shift.before(new), Some(old));
                    }
                    None => proptest::prop_assert_eq!(shift, Shift::Removed(old)),
                }
            }
            let gained: Vec<usize> = (0..after).filter(|&n| shift.before(n).is_none()).collect();
            proptest::prop_assert_eq!(gained, shift.inserted().into_iter().collect::<Vec<_>>());
            let list: Vec<usize> = (0..len).rev().collect();
            let shifted = shift.list(&list);
            proptest::prop_assert!(shifted.windows(2).all(|w| w[0] > w[1]));
            proptest::prop_assert_eq!(shifted.len(), if insert { len } else { len - 1 });
        }
    }

    #[test]
    fn record_ids() {
        let id = RecordId::parse("partners/tehnopol").unwrap();
        assert_eq!(id.to_string(), "partners/tehnopol");
        assert!(RecordId::parse("nothing/x").is_none());
        assert!(RecordId::parse("partners/").is_none());
    }
}
