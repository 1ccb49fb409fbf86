//! Template data as Tera values, converted from the JSON the value builders make.
//!
//! Tera's own conversion (`Value::from_serializable`) gives every key of every map a
//! string of its own; a site's cards (every record, in every language, kept for the
//! whole render) have some thirty keys each, so those strings were a large part of the
//! render's memory. Keys klaster itself writes are taken from [`KEYS`] as `&'static
//! str` instead; only keys of the content's own `extra:` maps are allocated.

use serde_json::Value as J;
use tera::Value;
use tera::value::Key;

/// Every map key klaster's template data has, sorted (checked by a test).
const KEYS: &[&str] = &[
    "accessibility_url",
    "address",
    "alt",
    "alternates",
    "amount",
    "anchor",
    "base_path",
    "base_url",
    "body",
    "brand",
    "build_date",
    "category",
    "category_label",
    "choices",
    "city",
    "code",
    "collection",
    "color",
    "contacts",
    "coordinator",
    "count",
    "country",
    "currency",
    "current",
    "date",
    "default_lang",
    "description",
    "documents",
    "draft",
    "email",
    "end",
    "eu",
    "eu_ongoing",
    "exists",
    "extra",
    "fallback",
    "favicon",
    "feed_url",
    "file",
    "focus",
    "format",
    "from",
    "funder",
    "funders",
    "given",
    "grant",
    "group_labels",
    "groups",
    "headings",
    "height",
    "home_url",
    "hover",
    "href",
    "hreflang",
    "id",
    "image",
    "implementers",
    "items",
    "joined",
    "key",
    "kind",
    "label",
    "label_lang",
    "lang",
    "language",
    "languages",
    "level",
    "local",
    "logo",
    "main",
    "member",
    "mime",
    "name",
    "next_url",
    "number",
    "objectives",
    "open_data",
    "order",
    "organisation",
    "pages",
    "partner_categories",
    "partners",
    "people",
    "people_groups",
    "period",
    "permalink",
    "phone",
    "photo",
    "prev_url",
    "programme",
    "projects",
    "public_funding",
    "related",
    "results",
    "role",
    "size",
    "slug",
    "src",
    "start",
    "status",
    "stem",
    "summary",
    "tags",
    "term",
    "tint",
    "title",
    "to",
    "toc",
    "total",
    "total_cost",
    "url",
    "value",
    "website",
    "width",
];

/// [`KEYS`] as a set (one hash instead of seven comparisons a key).
static KEY_SET: std::sync::LazyLock<std::collections::HashSet<&str, foldhash::fast::FixedState>> =
    std::sync::LazyLock::new(|| KEYS.iter().copied().collect());

fn key(k: &str) -> Key<'static> {
    match KEY_SET.get(k) {
        Some(known) => Key::Str(known),
        None => Key::from(k.to_string()),
    }
}

/// `j` as a Tera value, as `Value::from_serializable` would make it.
pub fn to_value(j: &J) -> Value {
    match j {
        J::Null => Value::none(),
        J::Bool(b) => Value::from(*b),
        J::Number(n) => {
            if let Some(u) = n.as_u64() {
                Value::from(u)
            } else if let Some(i) = n.as_i64() {
                Value::from(i)
            } else {
                Value::from(n.as_f64().unwrap_or(0.0))
            }
        }
        J::String(s) => Value::from(s.as_str()),
        J::Array(a) => Value::from(a.iter().map(to_value).collect::<Vec<_>>()),
        J::Object(m) => Value::from(
            m.iter()
                .map(|(k, v)| (key(k), to_value(v)))
                .collect::<indexmap::IndexMap<Key<'static>, Value>>(),
        ),
    }
}

/// Keys of `j`'s maps that are not in [`KEYS`] (outside `extra`).
#[cfg(test)]
pub fn unlisted_keys(j: &J, out: &mut std::collections::BTreeSet<String>) {
    match j {
        J::Array(a) => a.iter().for_each(|v| unlisted_keys(v, out)),
        J::Object(m) => {
            for (k, v) in m {
                if KEYS.binary_search(&k.as_str()).is_err() {
                    out.insert(k.clone());
                }
                if k != "extra" {
                    unlisted_keys(v, out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_and_values_convert_as_tera_would() {
        assert!(KEYS.windows(2).all(|w| w[0] < w[1]), "KEYS must be sorted");
        let j = serde_json::json!({
            "title": "Tehnopol", "count": 3, "neg": -2, "x": 1.5, "none": null,
            "tags": ["a", true], "extra": {"own_key": {"nested": 1}},
        });
        let ours = to_value(&j);
        let theirs = Value::from_serializable(&j);
        assert!(ours == theirs, "{ours:?} != {theirs:?}");
        assert!(ours != Value::from_serializable(&serde_json::json!({"title": "Other"})));
    }
}
