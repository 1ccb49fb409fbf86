//! Parsers for the value formats of docs/content.md ("How to write values"): URLs, e-mail, phone numbers, dates,
//! money, country and currency codes, media paths. Each returns a message and help on
//! failure; the caller anchors them to the YAML node.

use crate::model::Money;

pub type Invalid = (String, String);

fn invalid(msg: impl Into<String>, help: impl Into<String>) -> Invalid {
    (msg.into(), help.into())
}

pub fn url(s: &str) -> Result<String, Invalid> {
    let s = s.trim();
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or_else(|| {
            invalid(
                format!("`{s}` is not a web address"),
                "write the full address with https://, e.g. `https://example.org`",
            )
        })?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '@' | '_'));
    if !host_ok
        || s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'))
    {
        return Err(invalid(
            format!("`{s}` is not a valid web address"),
            "check for spaces or stray characters; e.g. `https://example.org/page`",
        ));
    }
    Ok(s.to_string())
}

pub fn email(s: &str) -> Result<String, Invalid> {
    let s = s.trim();
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.chars().any(|c| {
                    c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ',' | ';')
                })
        }
        None => false,
    };
    if ok {
        Ok(s.to_string())
    } else {
        Err(invalid(
            format!("`{s}` is not an e-mail address"),
            "e.g. `name@example.org`",
        ))
    }
}

/// International phone numbers: `+372 5858 8392`.
pub fn phone(s: &str) -> Result<String, Invalid> {
    let s = s.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let ok = s.starts_with('+')
        && s[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '\u{a0}')
        && (7..=15).contains(&digits);
    if ok {
        Ok(s.split_whitespace().collect::<Vec<_>>().join(" "))
    } else {
        Err(invalid(
            format!("`{s}` is not a phone number in international form"),
            "start with + and the country code, then digits and spaces: `+372 5858 8392`",
        ))
    }
}

pub fn date(s: &str) -> Result<jiff::civil::Date, Invalid> {
    let s = s.trim();
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let help = "write dates as YYYY-MM-DD, e.g. `2023-09-01`";
    if !shape {
        // `31.12.2024`, `31/12/2024`: day, month and year the other way round.
        let parts: Vec<&str> = s.split(['.', '/']).collect();
        if let [d, m, y] = parts[..]
            && y.len() == 4
            && [d, m, y]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            && let (Ok(d), Ok(m), Ok(y)) = (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>())
            && jiff::civil::Date::new(y, m, d).is_ok()
        {
            return Err(invalid(
                format!("`{s}` is not a date in the form klaster reads"),
                format!("did you mean `{y:04}-{m:02}-{d:02}`? Dates are written year-month-day"),
            ));
        }
        return Err(invalid(format!("`{s}` is not a date"), help));
    }
    s.parse::<jiff::civil::Date>()
        .map_err(|_| invalid(format!("`{s}` is not a real date"), help))
}

pub fn year(i: i64) -> Result<i64, Invalid> {
    if (1000..=9999).contains(&i) {
        Ok(i)
    } else {
        Err(invalid(
            format!("`{i}` is not a year"),
            "write a four-digit year, e.g. `2019`",
        ))
    }
}

/// `600000 EUR`, `EUR 600000`, `600 000 EUR`, `1250.50 EUR`.
pub fn money_str(s: &str) -> Result<Money, Invalid> {
    let help = "write an amount and an ISO 4217 currency code: `600000 EUR`, or `{amount: 600000, currency: EUR}`";
    let parts: Vec<&str> = s.split_whitespace().collect();
    let (amount_parts, code) = match parts.as_slice() {
        [] => return Err(invalid("the amount is empty", help)),
        [first, rest @ ..]
            if first.len() == 3 && first.bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            (rest.to_vec(), *first)
        }
        [rest @ .., last] if last.len() == 3 && last.bytes().all(|b| b.is_ascii_alphabetic()) => {
            (rest.to_vec(), *last)
        }
        _ => return Err(invalid(format!("`{s}` has no currency code"), help)),
    };
    let amount = amount(&amount_parts.concat())
        .ok_or_else(|| invalid(format!("`{s}` is not an amount of money"), help))?;
    Ok(Money {
        amount,
        currency: currency(code)?,
    })
}

/// Normalises a decimal amount: digits, optional `_` separators, at most two decimals.
pub fn amount(s: &str) -> Option<String> {
    let s = s.replace('_', "");
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || int.len() > 15 {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    match frac {
        None => Some(int.to_string()),
        Some(f) if (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            if f.bytes().all(|b| b == b'0') {
                Some(int.to_string())
            } else {
                Some(format!("{int}.{f:0<2}"))
            }
        }
        _ => None,
    }
}

pub fn currency(code: &str) -> Result<String, Invalid> {
    let upper = code.to_ascii_uppercase();
    if CURRENCIES.split(' ').any(|c| c == upper) {
        Ok(upper)
    } else {
        let list: Vec<&str> = CURRENCIES.split(' ').collect();
        Err(invalid(
            format!("`{code}` is not an ISO 4217 currency code"),
            crate::diagnostics::suggestion_help(&upper, &list),
        ))
    }
}

pub fn country(code: &str) -> Result<String, Invalid> {
    let upper = code.trim().to_ascii_uppercase();
    if upper.len() == 2 && COUNTRIES.split(' ').any(|c| c == upper) {
        Ok(upper)
    } else {
        Err(invalid(
            format!("`{code}` is not an ISO 3166-1 alpha-2 country code"),
            "use the two-letter code, e.g. `EE` for Estonia, `FI` for Finland",
        ))
    }
}

/// The outcome of checking a media path.
pub enum MediaPath {
    Ok(String),
    /// The path points outside `content/media/`.
    Escapes,
    Invalid,
}

/// Normalises a path relative to `content/media/` (a leading `media/` is allowed).
pub fn media_path(s: &str) -> MediaPath {
    let s = s.trim();
    if s.is_empty() {
        return MediaPath::Invalid;
    }
    if s.starts_with('/')
        || s.starts_with('\\')
        || s.contains('\\')
        || s.contains(':')
        || s.contains('\0')
    {
        return MediaPath::Escapes;
    }
    let s = s.strip_prefix("media/").unwrap_or(s);
    let mut parts = Vec::new();
    for part in s.split('/') {
        match part {
            "" | "." => continue,
            ".." => return MediaPath::Escapes,
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        MediaPath::Invalid
    } else {
        MediaPath::Ok(parts.join("/"))
    }
}

/// The upper-case format of a file from its extension: `report.pdf` → `PDF`.
pub fn file_format(path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?;
    let name = name.split(['?', '#']).next()?;
    let (_, ext) = name.rsplit_once('.')?;
    if ext.is_empty() || ext.len() > 5 || !ext.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some(ext.to_ascii_uppercase())
}

/// ISO 4217 active codes.
const CURRENCIES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL";

/// ISO 3166-1 alpha-2 codes.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_forms() {
        let m = money_str("600000 EUR").unwrap();
        assert_eq!((m.amount.as_str(), m.currency.as_str()), ("600000", "EUR"));
        assert_eq!(money_str("EUR 467 357").unwrap().amount, "467357");
        assert_eq!(money_str("1250.5 eur").unwrap().amount, "1250.50");
        assert!(money_str("600000").is_err());
        assert!(money_str("lots EUR").is_err());
        assert!(money_str("600000 EUX").is_err());
    }

    #[test]
    fn dates_and_codes() {
        assert!(date("2023-09-01").is_ok());
        assert!(date("2023-02-30").is_err());
        assert!(date("1.9.2023").is_err());
        assert!(country("ee").is_ok());
        assert!(country("XX").is_err());
        assert!(phone("+372 5858 8392").is_ok());
        assert!(phone("5858 8392").is_err());
        assert!(url("https://example.org/a?b").is_ok());
        assert!(url("javascript:alert(1)").is_err());
        assert!(email("a@b.ee").is_ok());
        assert!(email("a@b").is_err());
    }

    #[test]
    fn media_paths_cannot_escape() {
        assert!(matches!(media_path("logos/a.svg"), MediaPath::Ok(p) if p == "logos/a.svg"));
        assert!(matches!(media_path("media/logos/a.svg"), MediaPath::Ok(p) if p == "logos/a.svg"));
        for bad in ["../secret", "/etc/passwd", "a/../../b", "C:\\x", "a\\b"] {
            assert!(matches!(media_path(bad), MediaPath::Escapes), "{bad}");
        }
        assert_eq!(file_format("docs/Strategy.pdf").as_deref(), Some("PDF"));
    }
}
