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
