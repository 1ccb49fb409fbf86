//! Escaping of text that code (not a template) writes into HTML or XML: Markdown's own
//! markup, feeds, the sitemap, the serve overlay. One escaper, good for both: `&`,
//! `<`, `>`, both quotes, and characters XML 1.0 cannot hold left out.

/// Whether XML 1.0 allows the character (its `Char` production): tab, line ends,
/// and everything from U+0020 except U+FFFE and U+FFFF (surrogates cannot occur in
/// Rust strings).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{fffd}' | '\u{10000}'..)
}

/// Escapes text for XML content and attribute values, leaving out characters XML
/// cannot hold.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`escape`], appending to `out`. The text is copied in runs between the bytes that
/// need escaping rather than character by character: the sitemap alone escapes some
/// 60,000 addresses on a large site, nearly all with nothing to escape.
pub fn escape_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (with, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            // Control characters, and U+FFFE and U+FFFF (EF BF BE, EF BF BF in
            // UTF-8), are left out. Each starts a character, so the slices below
            // stay on character boundaries.
            0..=0x1f => ("", 1),
            0xef if bytes.get(i + 1) == Some(&0xbf)
                && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)) =>
            {
                ("", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[copied..i]);
        out.push_str(with);
        i += len;
        copied = i;
    }
    out.push_str(&s[copied..]);
}

/// Typographic punctuation for a plain text (titles and names), as Markdown bodies get
/// it: straight quotes become curly ones (opening after a space, a bracket or the
/// start, closing elsewhere; `'` inside a word is an apostrophe), `--` an en dash,
/// `---` an em dash and `...` an ellipsis.
pub fn smart_punctuation(s: &str) -> String {
    if !s.contains(['"', '\'', '-', '.']) {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = if i == 0 { None } else { Some(chars[i - 1]) };
        let next = chars.get(i + 1).copied();
        let opens = prev.is_none_or(|p| p.is_whitespace() || "([{\u{2014}\u{2013}-".contains(p))
            && next.is_some_and(|n| !n.is_whitespace());
        match c {
            '"' => out.push(if opens { '\u{201c}' } else { '\u{201d}' }),
            '\'' => out.push(if opens { '\u{2018}' } else { '\u{2019}' }),
            '-' if next == Some('-') => {
                if chars.get(i + 2) == Some(&'-') {
                    out.push('\u{2014}');
                    i += 2;
                } else {
                    out.push('\u{2013}');
                    i += 1;
                }
            }
            '.' if next == Some('.') && chars.get(i + 2) == Some(&'.') => {
                out.push('\u{2026}');
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, is_xml_char, smart_punctuation};
    use proptest::prelude::*;

    /// The escaper character by character, as [`escape`] is specified.
    fn escape_per_char(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c if is_xml_char(c) => out.push(c),
                _ => {}
            }
        }
        out
    }

    proptest! {
        #[test]
        fn escape_is_the_per_character_rule(s in "(?s:.{0,40})|[&<>\"'\t\n\r\u{0}-\u{1f}\u{fffd}-\u{ffff}a-zõ]{0,40}") {
            prop_assert_eq!(escape(&s), escape_per_char(&s));
        }
    }

    #[test]
    fn escape_leaves_out_what_xml_cannot_hold() {
        assert_eq!(
            escape("a\u{1}b\u{fffe}c\u{ffff}d\u{fffd}\t<&>\"'"),
            "abcd\u{fffd}\t&lt;&amp;&gt;&quot;&apos;"
        );
    }

    /// The same text as pulldown-cmark's smart punctuation gives a Markdown body.
    fn as_in_bodies(s: &str) -> String {
        use pulldown_cmark::{Event, Options, Parser};
        Parser::new_ext(s, Options::ENABLE_SMART_PUNCTUATION)
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn titles_get_the_punctuation_bodies_get() {
        for s in [
            "The \"Connected Health\" cluster",
            "Partners' day",
            "\"Quoted\" at the start",
            "It's the cluster's 10th year",
            "2019--2023 strategy",
            "Wait... what",
            "An em---dash",
            "'Single' quotes",
            "(\"In brackets\")",
            "Plain title",
        ] {
            assert_eq!(smart_punctuation(s), as_in_bodies(s), "{s}");
        }
    }
}
