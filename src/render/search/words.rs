//! Words for the search index: the text of a page split into words the way the
//! search script splits a query (lower case; letters and digits, everything else a
//! separator), and each word's stem by the Snowball algorithm of the page's language,
//! so that `methodology` also finds `methodological`.

use pagefind_stem::{Algorithm, Stemmer};

/// The Snowball stemmer for a language code, if there is one.
pub fn stemmer(lang: &str) -> Option<Stemmer> {
    let base = lang.split('-').next().unwrap_or(lang);
    let algorithm = match base {
        "ar" => Algorithm::Arabic,
        "hy" => Algorithm::Armenian,
        "eu" => Algorithm::Basque,
        "ca" => Algorithm::Catalan,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "eo" => Algorithm::Esperanto,
        "et" => Algorithm::Estonian,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hi" => Algorithm::Hindi,
        "hu" => Algorithm::Hungarian,
        "id" => Algorithm::Indonesian,
        "ga" => Algorithm::Irish,
        "it" => Algorithm::Italian,
        "lt" => Algorithm::Lithuanian,
        "ne" => Algorithm::Nepali,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pl" => Algorithm::Polish,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sr" => Algorithm::Serbian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        "yi" => Algorithm::Yiddish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// Whether a character belongs to a word: what the search script's
/// `/[\p{Alphabetic}\p{N}]+/gu` matches.
pub fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric()
}

/// How a byte takes part in words: 0 an ASCII separator, 1 a lower-case ASCII letter
/// or a digit, 2 an upper-case ASCII letter, 4 a byte of a non-ASCII character (which
/// is decoded to tell).
const CLASS: [u8; 256] = {
    let mut t = [4u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            1
        } else if c.is_ascii_uppercase() {
            2
        } else {
            0
        };
        b += 1;
    }
    t
};

/// A word as it stands in a text, and what lower-casing it takes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Case {
    /// Lower-case ASCII letters and digits already: the word is its own lower case.
    Lower,
    /// ASCII with capitals.
    Ascii,
    /// Other letters.
    Other,
}

/// The length of the character at `i` if it is a word character, else `None`
/// (`i` is at the start of a non-ASCII character). U+00C0 to U+027F (the accented
/// Latin letters of Estonian, Finnish and the other European languages) are letters
/// but for `×` and `÷`, and are told from their bytes without decoding them.
fn wide_word_char(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    match bytes.get(i)? {
        0xC4..=0xC9 => return Some(2),
        // U+00D7 `×` and U+00F7 `÷`.
        0xC3 => return (!matches!(bytes.get(i + 1)?, 0x97 | 0xB7)).then_some(2),
        _ => {}
    }
    let c = text.get(i..)?.chars().next()?;
    is_word_char(c).then(|| c.len_utf8())
}

/// Calls `f` with each word of `text` as it stands there, with what lower-casing it
/// takes ([`lower`]). Most text is ASCII: each of its bytes costs a table lookup, and
/// only other characters are decoded.
pub fn each_token<'t>(text: &'t str, mut f: impl FnMut(&'t str, Case)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let k = CLASS[usize::from(b)];
        if k == 0 {
            i += 1;
            continue;
        }
        let start = i;
        // The classes met in the word, or-ed together.
        let mut seen = 0u8;
        let mut k = k;
        loop {
            if k == 4 {
                match wide_word_char(text, i) {
                    Some(len) => i += len,
                    None => break,
                }
            } else {
                i += 1;
            }
            seen |= k;
            match bytes.get(i) {
                Some(&b) if CLASS[usize::from(b)] != 0 => k = CLASS[usize::from(b)],
                _ => break,
            }
        }
        if i == start {
            // A character that is not a letter or digit.
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let case = if seen == 1 {
            Case::Lower
        } else if seen & 4 == 0 {
            Case::Ascii
        } else {
            Case::Other
        };
        f(&text[start..i], case);
    }
}

/// Writes the lower case of `word` (a token of [`each_token`]) into `out`.
pub fn lower(word: &str, case: Case, out: &mut String) {
    out.clear();
    match case {
        Case::Lower => out.push_str(word),
        Case::Ascii => {
            out.push_str(word);
            out.make_ascii_lowercase();
        }
        Case::Other => out.extend(word.chars().flat_map(char::to_lowercase)),
    }
}

/// Calls `f` with each word of `text`, lower-cased: the words the index is made of.
#[cfg(test)]
pub fn each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut lowered = String::new();
    each_token(text, |word, case| {
        if case == Case::Lower {
            f(word);
        } else {
            lower(word, case, &mut lowered);
            f(&lowered);
        }
    });
}

/// The stem a word is indexed under: words of three letters or more are stemmed,
/// numbers and short words are kept as they are.
pub fn stem(stemmer: Option<&Stemmer>, word: &str) -> String {
    match stemmer {
        Some(s) if word.chars().count() >= 3 && !word.chars().all(|c| c.is_numeric()) => {
            s.stem(word).into_owned()
        }
        _ => word.to_string(),
    }
}

/// [`push_plain_text`] into a new string.
#[cfg(test)]
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    push_plain_text(&mut out, html);
    out
}

/// Appends the text of an HTML fragment klaster made itself (well-formed, from
/// Markdown) to `out`: tags become spaces, the entities Markdown writes are decoded.
pub fn push_plain_text(out: &mut String, html: &str) {
    out.reserve(html.len());
    let mut rest = html;
    while let Some(i) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            match memchr::memchr(b'>', rest.as_bytes()) {
                Some(end) => {
                    out.push(' ');
                    rest = &rest[end + 1..];
                }
                None => break,
            }
        } else {
            let entity = rest
                .as_bytes()
                .iter()
                .take(9)
                .position(|b| *b == b';')
                .map(|e| &rest[..=e]);
            let decoded = match entity {
                Some("&amp;") => "&",
                Some("&lt;") => "<",
                Some("&gt;") => ">",
                Some("&quot;") => "\"",
                Some("&#39;") | Some("&apos;") => "'",
                _ => {
                    out.push('&');
                    rest = &rest[1..];
                    continue;
                }
            };
            out.push_str(decoded);
            rest = &rest[entity.map_or(1, str::len)..];
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule each_word implements, written plainly.
    fn words_plainly(text: &str) -> Vec<String> {
        text.split(|c: char| !is_word_char(c))
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().flat_map(char::to_lowercase).collect())
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn words_follow_the_plain_rule(text in "(?s).{0,40}|[a-zA-Z0-9 ÕÄÖÜõäöüšž.,İß×÷\u{c0}-\u{2af}\u{300}-]{0,40}") {
            let mut got = Vec::new();
            each_word(&text, |w| got.push(w.to_string()));
            proptest::prop_assert_eq!(got, words_plainly(&text));
        }
    }

    #[test]
    fn two_byte_letters_are_told_as_decoding_tells_them() {
        for c in ('\u{80}'..='\u{7ff}').chain(['\u{800}', '\u{1e9e}', '\u{10000}']) {
            let text = format!("{c}a");
            let want = is_word_char(c).then(|| c.len_utf8());
            assert_eq!(wide_word_char(&text, 0), want, "{c:?}");
        }
    }

    #[test]
    fn words_are_split_and_lower_cased_like_the_script_does() {
        let mut words = Vec::new();
        each_word("Tartu Ülikool's e-health (2023), ÕUN", |w| {
            words.push(w.to_string())
        });
        assert_eq!(
            words,
            ["tartu", "ülikool", "s", "e", "health", "2023", "õun"]
        );
    }

    #[test]
    fn stems_follow_the_language() {
        let en = stemmer("en");
        assert_eq!(
            stem(en.as_ref(), "methodological"),
            stem(en.as_ref(), "methodology")
        );
        let et = stemmer("et");
        assert_eq!(
            stem(et.as_ref(), "strateegias"),
            stem(et.as_ref(), "strateegiat")
        );
        assert_eq!(stem(et.as_ref(), "klastrid"), "klastri");
        assert_eq!(stem(en.as_ref(), "2023"), "2023");
        assert!(stemmer("xx").is_none());
        assert_eq!(stem(None, "words"), "words");
    }

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            plain_text("<p>A &amp; <em>B</em> &lt;3 &unknown; &#39;x&#39;</p>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["A", "&", "B", "<3", "&unknown;", "'x'"]
        );
    }
}
