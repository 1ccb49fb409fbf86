//! Translatable values written as a map of languages (`{et: Partnerid, en: Partners}`),
//! read the same way wherever they are: in records and in site.yaml.

use crate::diagnostics::{Diagnostic, suggestion_help};
use crate::load::SourceFile;
use crate::load::yaml::Node;

/// The entries of a language map whose code is one of `languages` and whose value is
/// text, as (code, text, value node); every other entry is reported in `diags`.
/// `what` names the field in messages (`` `name` ``, `` `title` of site.yaml ``).
pub fn language_map<'n>(
    file: &SourceFile,
    entries: &'n [(Node, Node)],
    languages: &[&str],
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, String, &'n Node)> {
    let mut out = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let code = k.scalar_text().unwrap_or_default();
        if !languages.contains(&code.as_str()) {
            diags.push(
                Diagnostic::error(
                    "language",
                    file.rel.clone(),
                    format!(
                        "`{code}` is not one of the site's languages ({})",
                        languages.join(", ")
                    ),
                )
                .at(&file.text, k.line, k.column)
                .with_help(format!(
                    "{}; or add it to `languages` in content/site.yaml",
                    suggestion_help(&code, languages)
                )),
            );
            continue;
        }
        match v.scalar_text() {
            Some(t) => out.push((code, t, v)),
            None => diags.push(
                Diagnostic::error(
                    "type",
                    file.rel.clone(),
                    format!("the `{code}` text of {what} must be text"),
                )
                .at(&file.text, v.line, v.column)
                .with_help("write the text after the language code"),
            ),
        }
    }
    out
}
