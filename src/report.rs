//! The translation report of `klaster check`: per language, how many records and
//! translatable fields are translated, and what is missing or out of date.

use crate::model::{Record, Site};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize, PartialEq)]
pub struct Missing {
    pub record: String,
    pub field: String,
    /// The file the translation belongs in.
    pub file: String,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Stale {
    pub record: String,
    pub file: String,
}

#[derive(Debug, Serialize)]
pub struct LanguageReport {
    pub lang: String,
    pub default: bool,
    pub records: usize,
    pub records_translated: usize,
    pub fields: usize,
    pub fields_translated: usize,
    /// Records with no file in this language (shown only in the default language).
    pub missing_records: Vec<Missing>,
    pub missing: Vec<Missing>,
    pub stale: Vec<Stale>,
    /// Interface strings the theme and the site lack in this language.
    pub missing_strings: Vec<String>,
}

/// Where a record's `lang` texts go: its language file, else its shared file.
fn file_for(r: &Record, lang: &str) -> String {
    r.file_for(lang).unwrap_or_default().to_string()
}

pub fn translations(
    site: &Site,
    missing_strings: &BTreeMap<String, Vec<String>>,
) -> Vec<LanguageReport> {
    let default = site.config.default_lang();
    site.config
        .languages
        .iter()
        .map(|l| {
            let lang = l.code.as_str();
            let mut rep = LanguageReport {
                lang: lang.to_string(),
                default: lang == default,
                records: 0,
                records_translated: 0,
                fields: 0,
                fields_translated: 0,
                missing_records: Vec::new(),
                missing: Vec::new(),
                stale: Vec::new(),
                missing_strings: missing_strings.get(lang).cloned().unwrap_or_default(),
            };
            for r in &site.records {
                rep.records += 1;
                let Some(loc) = r.locale(lang) else {
                    let reference = r.locale(default).or_else(|| r.locales.first());
                    rep.fields += reference.map(|l| l.texts.len()).unwrap_or(0);
                    let expected = r
                        .files
                        .first()
                        .map(|(_, f)| {
                            let name = f.rsplit('/').next().unwrap_or(f);
                            let dir = &f[..f.len() - name.len()];
                            format!("{dir}{}.{lang}.md", r.id.stem)
                        })
                        .unwrap_or_default();
                    rep.missing_records.push(Missing {
                        record: r.id.to_string(),
                        field: "*".into(),
                        file: expected,
                    });
                    continue;
                };
                rep.fields += loc.texts.len();
                let missing: Vec<&String> = loc
                    .fallback
                    .keys()
                    .filter(|f| loc.texts.contains(f))
                    .collect();
                rep.fields_translated += loc.texts.len() - missing.len();
                if missing.is_empty() && !loc.stale {
                    rep.records_translated += 1;
                }
                for field in missing {
                    rep.missing.push(Missing {
                        record: r.id.to_string(),
                        field: field.clone(),
                        file: file_for(r, lang),
                    });
                }
                if loc.stale {
                    rep.stale.push(Stale {
                        record: r.id.to_string(),
                        file: file_for(r, lang),
                    });
                }
            }
            rep
        })
        .collect()
}

/// The report as text for a terminal.
pub fn render_text(reports: &[LanguageReport]) -> String {
    let mut out = String::from("Translations\n");
    for r in reports {
        let tag = if r.default { " (default)" } else { "" };
        out.push_str(&format!(
            "  {}{tag}: {} of {} records and {} of {} texts translated\n",
            r.lang, r.records_translated, r.records, r.fields_translated, r.fields
        ));
        for m in &r.missing_records {
            out.push_str(&format!(
                "    missing  {:<40} whole record   {}\n",
                m.record, m.file
            ));
        }
        for m in &r.missing {
            out.push_str(&format!(
                "    missing  {:<40} {:<14} {}\n",
                m.record, m.field, m.file
            ));
        }
        for s in &r.stale {
            out.push_str(&format!(
                "    stale    {:<40} {:<14} {}\n",
                s.record, "", s.file
            ));
        }
        if !r.missing_strings.is_empty() {
            out.push_str(&format!(
                "    interface strings missing: {}\n",
                r.missing_strings.join(", ")
            ));
        }
    }
    out
}
