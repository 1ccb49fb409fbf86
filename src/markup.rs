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
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_xml_char(c) => out.push(c),
            // Characters XML 1.0 does not allow at all are left out.
            _ => {}
        }
    }
    out
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
    use super::smart_punctuation;

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
