//! YAML with positions.
//!
//! Content files are parsed into a small tree of [`Node`]s that remember the line and
//! column of every value and key. Validation happens later, in `resolve`, against this
//! tree: that way every problem in a file is reported in one run with its position,
//! instead of stopping at serde's first type error.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A YAML value and where it starts (1-based line and column).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub line: usize,
    pub column: usize,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys keep their order and their own positions.
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// A scalar written as text: strings as they are, numbers and booleans as written.
    /// Editors write `city: 2020` or `name: 1Password`; such values are fine as text.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Int(i) => Some(i.to_string()),
            Kind::Float(f) => Some(f.to_string()),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// A short name of the node's type, for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "nothing",
            Kind::Bool(_) => "a true/false value",
            Kind::Int(_) => "a whole number",
            Kind::Float(_) => "a number",
            Kind::Str(_) => "text",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// Shifts positions by `lines` (front matter starts after the opening `---`).
    pub fn shift_lines(&mut self, lines: usize) {
        self.line += lines;
        match &mut self.kind {
            Kind::Seq(items) => items.iter_mut().for_each(|n| n.shift_lines(lines)),
            Kind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.shift_lines(lines);
                v.shift_lines(lines);
            }),
            _ => {}
        }
    }

    /// Replaces control characters that YAML escapes (`"\0"`, `"\e"`) can put into
    /// texts by U+FFFD: they have no place in a page or a feed.
    fn replace_controls(&mut self) {
        match &mut self.kind {
            Kind::Str(s) if s.chars().any(super::files::is_forbidden_control) => {
                super::files::replace_controls(s);
            }
            Kind::Seq(items) => items.iter_mut().for_each(Node::replace_controls),
            Kind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.replace_controls();
                v.replace_controls();
            }),
            _ => {}
        }
    }

    /// Converts to JSON for `extra:` data passed to templates untouched.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            Kind::Null => J::Null,
            Kind::Bool(b) => J::Bool(*b),
            Kind::Int(i) => J::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or(J::Null),
            Kind::Str(s) => J::String(s.clone()),
            Kind::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.scalar_text().unwrap_or_default(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// A YAML syntax error with its position.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The deepest nesting of lists and mappings a YAML file may have.
pub const MAX_DEPTH: usize = 24;

/// Parses one YAML document. An empty document is `Null`.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut options = serde_saphyr::Options::default();
    // `yes`/`no`/`on`/`off` stay text: only `true` and `false` are booleans.
    options.strict_booleans = true;
    options.with_snippet = false;
    // Keys like `0755` or `1_000` stay text.
    options.leading_zero_numbers_as_strings = true;
    options.underscored_numbers_as_strings = true;
    // Content nests a few levels at most; a low limit also bounds the stack the
    // recursive reader needs (it runs on worker threads with small stacks).
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    options.budget = Some(budget);
    match serde_saphyr::from_str_with_options::<Spanned<Kind>>(text, options) {
        Ok(spanned) => {
            let mut node = from_spanned(spanned);
            node.replace_controls();
            Ok(node)
        }
        Err(err) => {
            let (line, column) = err
                .location()
                .map(|l| (l.line() as usize, l.column() as usize))
                .unwrap_or((0, 0));
            // The breach may be wrapped in the context it happened in (an alias).
            let mut inner = &err;
            while let serde_saphyr::Error::AliasError { error, .. }
            | serde_saphyr::Error::WithSnippet { error, .. } = inner
            {
                inner = error;
            }
            let message = match inner {
                serde_saphyr::Error::Budget { breach, .. } => budget_message(breach),
                _ => clean_message(&err.to_string()),
            };
            Err(YamlError {
                line,
                column,
                message,
            })
        }
    }
}

/// Which of the parser's limits a file broke, in words.
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    let defaults = serde_saphyr::Budget::default();
    match breach {
        B::Depth { .. } => format!("the YAML is nested more than {MAX_DEPTH} levels deep"),
        B::Nodes { .. } => format!(
            "the YAML has more than {} values (lists, mappings and texts)",
            defaults.max_nodes
        ),
        B::Events { .. } => format!(
            "the YAML is too long: more than {} parts",
            defaults.max_events
        ),
        B::Aliases { .. } | B::AliasAnchorRatio { .. } => {
            "the YAML repeats values through aliases (`*name`) too often".to_string()
        }
        B::Anchors { .. } => format!(
            "the YAML defines more than {} anchors (`&name`)",
            defaults.max_anchors
        ),
        B::ScalarBytes { .. } => "the texts in the YAML are too long in total".to_string(),
        B::Documents { .. } => "the file holds too many YAML documents (`---` lines)".to_string(),
        B::MergeKeys { .. } => "the YAML uses too many merge keys (`<<`)".to_string(),
        other => format!("the YAML breaks a size limit of the parser ({other:?})"),
    }
}

fn from_spanned(s: Spanned<Kind>) -> Node {
    Node {
        line: s.referenced.line() as usize,
        column: s.referenced.column() as usize,
        kind: s.value,
    }
}

/// serde-saphyr prefixes messages with "error: line N column M: "; the position is
/// shown by our own diagnostics, so keep only the message.
fn clean_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or(raw);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let msg = match first.find(": ") {
        Some(i) if first.starts_with("line ") => &first[i + 2..],
        _ => first,
    };
    let msg = msg.split(", set DuplicateKeyPolicy").next().unwrap_or(msg);
    let msg = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    }
    .trim();
    if msg.is_empty() {
        "invalid YAML".to_string()
    } else if msg.contains("recursion limit") {
        "the YAML is nested too deeply".to_string()
    } else {
        msg.to_string()
    }
}

// Deserialization of `Kind` with spanned children. The children are read as
// `Spanned<Kind>` so serde-saphyr fills in their positions.

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Kind, E> {
        Ok(Kind::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Kind, E> {
        Ok(Kind::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Kind, E> {
        Ok(i64::try_from(v)
            .map(Kind::Int)
            .unwrap_or(Kind::Float(v as f64)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Kind, E> {
        Ok(i64::try_from(v)
            .map(Kind::Int)
            .unwrap_or(Kind::Float(v as f64)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Kind, E> {
        Ok(i64::try_from(v)
            .map(Kind::Int)
            .unwrap_or(Kind::Float(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Kind, E> {
        Ok(Kind::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Kind, E> {
        Ok(Kind::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Kind, E> {
        Ok(Kind::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Kind, E> {
        Ok(Kind::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_none<E>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Kind, D::Error> {
        Kind::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Kind>>()? {
            items.push(from_spanned(item));
        }
        // Every record's front matter is kept until it is resolved: a list or mapping
        // keeps no room to grow (at 2 × 50,000 records that room was 30 MB).
        items.shrink_to_fit();
        Ok(Kind::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Kind>>()? {
            let value = map.next_value::<Spanned<Kind>>()?;
            entries.push((from_spanned(key), from_spanned(value)));
        }
        entries.shrink_to_fit();
        Ok(Kind::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        d.deserialize_any(KindVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let n = parse("name: {en: A, et: B}\nyear: 2019\nok: yes\n").unwrap();
        let m = n.as_map().unwrap();
        assert_eq!((m[1].0.line, m[1].0.column), (2, 1));
        assert_eq!(m[1].1.kind, Kind::Int(2019));
        // strict booleans: `yes` is text
        assert_eq!(m[2].1.kind, Kind::Str("yes".into()));
        let inner = m[0].1.as_map().unwrap();
        assert_eq!((inner[1].0.line, inner[1].0.column), (1, 15));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(!e.message.contains("line 3"), "{}", e.message);
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("duplicate"), "{}", e.message);
    }

    #[test]
    fn each_limit_is_named() {
        let deep = format!("a: {}1{}\n", "[".repeat(100), "]".repeat(100));
        assert!(
            parse(&deep)
                .unwrap_err()
                .message
                .contains("nested more than 24")
        );
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        let msg = parse(bomb).unwrap_err().message;
        assert!(!msg.contains("Budget"), "{msg}");
        let many = format!("a: [{}]\n", "1,".repeat(300_000));
        assert!(parse(&many).unwrap_err().message.contains("values"));
    }

    #[test]
    fn escaped_control_characters_do_not_survive() {
        let n = parse("a: \"x\\0y\\ez\"\n").unwrap();
        assert_eq!(n.get("a").unwrap().as_str(), Some("x\u{fffd}y\u{fffd}z"));
    }

    #[test]
    fn empty_document_is_null() {
        assert_eq!(parse("").unwrap().kind, Kind::Null);
    }
}
