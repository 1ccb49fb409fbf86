//! Language-specific formatting and sorting with CLDR data (ICU4X, compiled in).

use crate::model::Money;
use icu::collator::options::CollatorOptions;
use icu::collator::preferences::CollationNumericOrdering;
use icu::collator::{Collator, CollatorBorrowed, CollatorPreferences};
use icu::datetime::DateTimeFormatter;
use icu::datetime::fieldsets::YMD;
use icu::decimal::DecimalFormatter;
use icu::decimal::input::Decimal;
use icu::locale::Locale;
use icu::locale::names::RegionDisplayName;
use icu::locale::subtags::Region;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::str::FromStr;

/// Formatters and the collator of one language, created once per build.
pub struct LangFormat {
    code: String,
    locale: Locale,
    date: Option<DateTimeFormatter<YMD>>,
    decimal: Option<DecimalFormatter>,
    collator: Option<CollatorBorrowed<'static>>,
}

/// The CLDR locale used for a site language: plain `en` follows British conventions.
fn locale_for(code: &str) -> Locale {
    let tag = if code == "en" { "en-GB" } else { code };
    Locale::from_str(tag).unwrap_or(Locale::UNKNOWN)
}

impl LangFormat {
    pub fn new(code: &str) -> LangFormat {
        let loc = locale_for(code);
        LangFormat {
            code: code.to_string(),
            locale: loc.clone(),
            date: DateTimeFormatter::try_new(loc.clone().into(), YMD::long()).ok(),
            decimal: DecimalFormatter::try_new(loc.clone().into(), Default::default()).ok(),
            collator: Collator::try_new(collator_prefs(loc), CollatorOptions::default()).ok(),
        }
    }

    fn base(&self) -> &str {
        self.code.split('-').next().unwrap_or(&self.code)
    }

    /// `1 September 2023`, `1. september 2023`, `1. syyskuuta 2023`.
    pub fn date(&self, d: jiff::civil::Date) -> String {
        let Some(f) = &self.date else {
            return d.to_string();
        };
        let Ok(icu_date) =
            icu::calendar::Date::try_new_iso(i32::from(d.year()), d.month() as u8, d.day() as u8)
        else {
            return d.to_string();
        };
        let s = f.format(&icu_date).to_string();
        // CLDR's Estonian long date pattern is `d. MMMM y`; the flexible `yMMMMd` form
        // ICU4X picks drops the ordinal dot after the day, which Estonian requires.
        if self.base() == "et"
            && let Some(i) = s.find(' ')
            && s[..i].bytes().all(|b| b.is_ascii_digit())
        {
            return format!("{}.{}", &s[..i], &s[i..]);
        }
        s
    }

    /// A number with the language's grouping and decimal separators.
    pub fn number(&self, amount: &str) -> String {
        match (&self.decimal, Decimal::from_str(amount)) {
            (Some(f), Ok(d)) => f.format(&d).to_string(),
            _ => amount.to_string(),
        }
    }

    /// `€600,000` (en), `600 000 €` (et, fi).
    pub fn money(&self, m: &Money) -> String {
        let number = self.number(&m.amount);
        let symbol = currency_symbol(&m.currency, self.base());
        match self.base() {
            "en" | "ga" | "mt" | "ja" | "zh" | "ko" | "he" | "th" => {
                if symbol.len() == 3 && symbol.bytes().all(|b| b.is_ascii_uppercase()) {
                    format!("{symbol}\u{a0}{number}")
                } else {
                    format!("{symbol}{number}")
                }
            }
            "nl" => format!("{symbol}\u{a0}{number}"),
            _ => format!("{number}\u{a0}{symbol}"),
        }
    }

    /// A country's name in the language from CLDR ("FI": "Finland", "Soome", "Suomi");
    /// the code itself where CLDR has no name.
    pub fn country(&self, code: &str) -> String {
        let name = Region::try_from_str(code).ok().and_then(|region| {
            RegionDisplayName::try_new_light(self.locale.clone().into(), region).ok()
        });
        match name {
            Some(n) => n.to_string(),
            None => code.to_string(),
        }
    }

    /// Compares two strings by the language's collation (Estonian š after s, õ after w).
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        match &self.collator {
            Some(c) => c.compare(a, b).then_with(|| a.cmp(b)),
            None => a.cmp(b),
        }
    }
}

/// The language's collation with digits compared by their value, so "Partner 8" comes
/// before "Partner 10" (the CLDR `kn` option; without it digits sort as letters).
fn collator_prefs(loc: Locale) -> CollatorPreferences {
    let mut prefs = CollatorPreferences::from(loc);
    prefs.numeric_ordering = Some(CollationNumericOrdering::True);
    prefs
}

fn currency_symbol<'a>(code: &'a str, lang: &str) -> &'a str {
    match code {
        "EUR" => "€",
        "GBP" => "£",
        "USD" if lang == "en" => "US$",
        "USD" => "$",
        "JPY" => "¥",
        "SEK" | "NOK" | "DKK" | "ISK" => "kr",
        "PLN" => "zł",
        "CHF" => "CHF",
        other => other,
    }
}

/// The formats of all site languages.
pub struct Formats {
    by_lang: BTreeMap<String, LangFormat>,
    fallback: LangFormat,
}

impl Formats {
    pub fn new<'a>(codes: impl IntoIterator<Item = &'a str>) -> Formats {
        Formats {
            by_lang: codes
                .into_iter()
                .map(|c| (c.to_string(), LangFormat::new(c)))
                .collect(),
            fallback: LangFormat::new("en"),
        }
    }

    pub fn get(&self, lang: &str) -> &LangFormat {
        self.by_lang.get(lang).unwrap_or(&self.fallback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn money(a: &str) -> Money {
        Money {
            amount: a.into(),
            currency: "EUR".into(),
        }
    }

    #[test]
    fn dates_follow_cldr() {
        let d = date(2023, 9, 1);
        assert_eq!(LangFormat::new("en").date(d), "1 September 2023");
        assert_eq!(LangFormat::new("et").date(d), "1. september 2023");
        assert_eq!(LangFormat::new("fi").date(d), "1. syyskuuta 2023");
    }

    #[test]
    fn money_follows_cldr() {
        assert_eq!(LangFormat::new("en").money(&money("600000")), "€600,000");
        assert_eq!(
            LangFormat::new("et").money(&money("600000")),
            "600\u{a0}000\u{a0}€"
        );
        assert_eq!(
            LangFormat::new("fi").money(&money("600000")),
            "600\u{a0}000\u{a0}€"
        );
        assert_eq!(LangFormat::new("en").money(&money("1250.50")), "€1,250.50");
    }

    #[test]
    fn collation_by_language() {
        let et = LangFormat::new("et");
        let mut v = vec!["z", "ž", "s", "š", "t", "w", "õ", "ä", "ö", "ü"];
        v.sort_by(|a, b| et.compare(a, b));
        assert_eq!(v, ["s", "š", "z", "ž", "t", "w", "õ", "ä", "ö", "ü"]);
        let fi = LangFormat::new("fi");
        let mut v = vec!["ö", "å", "z", "ä", "a"];
        v.sort_by(|a, b| fi.compare(a, b));
        assert_eq!(v, ["a", "z", "å", "ä", "ö"]);
    }

    #[test]
    fn country_names_follow_cldr() {
        assert_eq!(LangFormat::new("en").country("FI"), "Finland");
        assert_eq!(LangFormat::new("et").country("FI"), "Soome");
        assert_eq!(LangFormat::new("fi").country("FI"), "Suomi");
        assert_eq!(LangFormat::new("et").country("EE"), "Eesti");
        assert_eq!(LangFormat::new("fi").country("EE"), "Viro");
    }

    #[test]
    fn numbers_in_names_sort_by_value() {
        for lang in ["et", "en", "fi"] {
            let f = LangFormat::new(lang);
            let mut v = vec![
                "Partner 10",
                "Partner 8",
                "Partner 34",
                "Partner 12",
                "Partner 2",
            ];
            v.sort_by(|a, b| f.compare(a, b));
            assert_eq!(
                v,
                [
                    "Partner 2",
                    "Partner 8",
                    "Partner 10",
                    "Partner 12",
                    "Partner 34"
                ],
                "{lang}"
            );
        }
    }
}
