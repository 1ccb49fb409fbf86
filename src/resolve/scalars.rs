//! Values that are not translatable texts: checked strings (addresses, codes),
//! numbers, years, dates, money, periods and lists of texts.

use super::fields::Reader;
use super::values;
use crate::load::SourceFile;
use crate::load::yaml::{Kind, Node};
use crate::model::{ExternalLink, Money, Period};

/// A value written once or as a list (`tags: e-health` is `tags: [e-health]`).
pub fn one_or_many(node: &Node) -> std::borrow::Cow<'_, [Node]> {
    match &node.kind {
        Kind::Seq(items) => std::borrow::Cow::Borrowed(items),
        _ => std::borrow::Cow::Owned(vec![node.clone()]),
    }
}

impl<'a> Reader<'a> {
    /// A string checked by `parse`.
    pub fn checked<T>(
        &mut self,
        key: &str,
        required: bool,
        parse: impl Fn(&str) -> Result<T, values::Invalid>,
    ) -> Option<T> {
        let (s, f) = self.string(key, required)?;
        match parse(&s) {
            Ok(v) => Some(v),
            Err((msg, help)) => {
                self.error("value", (f.file, f.node), msg, help);
                None
            }
        }
    }

    /// A web address (`website`), noted as an outside link.
    pub fn url(&mut self, key: &str) -> Option<String> {
        let (s, f) = self.string(key, false)?;
        match values::url(&s) {
            Ok(u) => {
                self.link(&u, f.file, f.node);
                Some(u)
            }
            Err((msg, help)) => {
                self.error("value", (f.file, f.node), msg, help);
                None
            }
        }
    }

    /// Notes that the value at `node` is the outside address `url`.
    pub fn link(&mut self, url: &str, file: &SourceFile, node: &Node) {
        self.links.push(ExternalLink {
            url: url.to_string(),
            path: file.rel.clone(),
            line: node.line,
            column: node.column,
        });
    }

    pub fn int(&mut self, key: &str) -> Option<i64> {
        let f = self.find(key)?;
        match f.node.kind {
            Kind::Int(i) => Some(i),
            _ => {
                self.wrong_type(key, &f, "a whole number", "1");
                None
            }
        }
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        let f = self.find(key)?;
        match f.node.kind {
            Kind::Bool(b) => Some(b),
            _ => {
                self.wrong_type(key, &f, "`true` or `false`", "true");
                None
            }
        }
    }

    fn year_of(&mut self, node: &Node, file: &SourceFile, key: &str) -> Option<i64> {
        match node.kind {
            Kind::Int(i) => match values::year(i) {
                Ok(y) => Some(y),
                Err((m, h)) => {
                    self.error("value", (file, node), m, h);
                    None
                }
            },
            _ => {
                self.error(
                    "type",
                    (file, node),
                    format!("`{key}` must be a year, not {}", node.type_name()),
                    "write a four-digit year, e.g. `2019`",
                );
                None
            }
        }
    }

    pub fn year(&mut self, key: &str) -> Option<i64> {
        let f = self.find(key)?;
        self.year_of(f.node, f.file, key)
    }

    pub fn date(&mut self, key: &str, required: bool) -> Option<jiff::civil::Date> {
        self.checked(key, required, values::date)
    }

    /// `{from: 2019, to: 2023}`; `to` may be left out.
    pub fn period(&mut self, key: &str, required: bool) -> Option<Period> {
        let Some(f) = self.find(key) else {
            if required {
                self.missing(key, "{from: 2019, to: 2023}");
            }
            return None;
        };
        let Some(map) = f.node.as_map() else {
            self.wrong_type(key, &f, "a period", "{from: 2019, to: 2023}");
            return None;
        };
        let mut from = None;
        let mut to = None;
        for (k, v) in map {
            match k.as_str() {
                Some("from") => from = self.year_of(v, f.file, "from"),
                Some("to") => to = self.year_of(v, f.file, "to"),
                _ => self.error(
                    "unknown-field",
                    (f.file, k),
                    format!(
                        "unknown field `{}` in `{key}`",
                        k.scalar_text().unwrap_or_default()
                    ),
                    "a period has `from` and `to`",
                ),
            }
        }
        let Some(from) = from else {
            self.error(
                "missing-field",
                (f.file, f.node),
                format!("`{key}` needs a `from` year"),
                "e.g. `{from: 2019, to: 2023}`",
            );
            return None;
        };
        if let Some(t) = to
            && t < from
        {
            self.error(
                "value",
                (f.file, f.node),
                format!("`{key}` ends ({t}) before it starts ({from})"),
                "swap the years",
            );
        }
        Some(Period { from, to })
    }

    pub fn money(&mut self, key: &str) -> Option<Money> {
        let f = self.find(key)?;
        let result = match &f.node.kind {
            Kind::Str(s) => values::money_str(s),
            Kind::Map(_) => {
                let amount = f.node.get("amount");
                let currency = f.node.get("currency").and_then(Node::as_str);
                let amount = amount.and_then(|a| match &a.kind {
                    Kind::Int(i) if *i >= 0 => Some(i.to_string()),
                    Kind::Float(x) if *x >= 0.0 => Some(format!("{x}")),
                    Kind::Str(s) => Some(s.clone()),
                    _ => None,
                });
                match (amount.as_deref().and_then(values::amount), currency) {
                    (Some(amount), Some(c)) => {
                        values::currency(c).map(|currency| Money { amount, currency })
                    }
                    _ => Err((
                        format!("`{key}` needs an `amount` and a `currency`"),
                        "e.g. `{amount: 600000, currency: EUR}` or `600000 EUR`".to_string(),
                    )),
                }
            }
            Kind::Int(_) | Kind::Float(_) => Err((
                format!("`{key}` has no currency"),
                format!(
                    "add the ISO 4217 code: `{key}: {} EUR`",
                    f.node.scalar_text().unwrap_or_default()
                ),
            )),
            _ => Err((
                format!("`{key}` must be an amount of money"),
                "e.g. `600000 EUR`".to_string(),
            )),
        };
        match result {
            Ok(m) => Some(m),
            Err((m, h)) => {
                self.error("money", (f.file, f.node), m, h);
                None
            }
        }
    }

    /// A list of plain strings (`tags`). A single string is taken as a one-item list.
    pub fn strings(&mut self, key: &str) -> Vec<String> {
        let Some(f) = self.find(key) else {
            return Vec::new();
        };
        match &f.node.kind {
            Kind::Seq(items) => items
                .iter()
                .filter_map(|n| match n.scalar_text() {
                    Some(s) => Some(s),
                    None => {
                        self.error(
                            "type",
                            (f.file, n),
                            format!("each item of `{key}` must be text"),
                            "write one value per `- ` line",
                        );
                        None
                    }
                })
                .collect(),
            _ => match f.node.scalar_text() {
                Some(s) => vec![s],
                None => {
                    self.wrong_type(key, &f, "a list", "[a, b]");
                    Vec::new()
                }
            },
        }
    }
}
