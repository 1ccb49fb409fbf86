//! Front matter splitting: `klaster::load::frontmatter::split` on any text.
//!
//! Checks what `split` promises, against a model written another way: the file
//! begins with a `---` line; the YAML is everything up to the first later line that
//! is `---` or `...` (trailing white space allowed, as `\r` before `\n`); the body is
//! everything after that line; `yaml` and `body` are parts of the input itself, and
//! the line numbers count the lines before them.

#![no_main]

use klaster::load::frontmatter::split;
use libfuzzer_sys::fuzz_target;

/// A line with its trailing white space (and so a `\r`) removed.
fn bare(line: &str) -> &str {
    line.trim_end_matches(char::is_whitespace)
}

/// Where the model says the parts are: (yaml start, yaml end, body start, line of the
/// closing delimiter).
fn model(text: &str) -> Option<(usize, usize, usize, usize)> {
    let mut lines = text.split('\n');
    // A first line only counts when a line end follows it.
    let first = lines.next()?;
    if first.len() == text.len() || bare(first) != "---" {
        return None;
    }
    let yaml_start = first.len() + 1;
    let mut at = yaml_start;
    for (i, line) in lines.enumerate() {
        if matches!(bare(line), "---" | "...") {
            let body_start = (at + line.len() + 1).min(text.len());
            return Some((yaml_start, at, body_start, i + 2));
        }
        at += line.len() + 1;
    }
    None
}

/// The byte range `part` takes inside `whole`, if it is a slice of it.
fn range_in(whole: &str, part: &str) -> Option<(usize, usize)> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start + part.len();
    (end <= whole.len()).then_some((start, end))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let got = split(text);
    let want = model(text);
    let Some(s) = got else {
        assert!(
            want.is_none(),
            "split found no front matter in {text:?}; the model found {want:?}"
        );
        return;
    };
    let Some((yaml_start, yaml_end, body_start, closing_line)) = want else {
        panic!("split found front matter in {text:?} that the model does not: {s:?}");
    };

    // Both parts are slices of the input, where the model says.
    let yaml = range_in(text, s.yaml).expect("yaml is a slice of the input");
    let body = range_in(text, s.body).expect("body is a slice of the input");
    assert_eq!(yaml, (yaml_start, yaml_end), "yaml range of {text:?}");
    assert_eq!(body, (body_start, text.len()), "body range of {text:?}");

    // The opening line, the YAML, the closing line and the body make up the input.
    let opening = &text[..yaml_start];
    let closing = &text[yaml_end..body_start];
    assert_eq!(bare(opening), "---", "opening line of {text:?}");
    assert!(
        matches!(bare(closing), "---" | "..."),
        "closing line {closing:?} of {text:?}"
    );
    assert!(
        !closing.trim_end_matches('\n').contains('\n'),
        "the closing delimiter is one line: {closing:?}"
    );
    assert_eq!(format!("{opening}{}{closing}{}", s.yaml, s.body), text);

    // The YAML is whole lines, none of them a delimiter (the first one closes).
    assert!(
        s.yaml.is_empty() || s.yaml.ends_with('\n'),
        "yaml {:?}",
        s.yaml
    );
    for line in s.yaml.lines() {
        assert!(
            !matches!(bare(line), "---" | "..."),
            "delimiter {line:?} inside the yaml"
        );
    }

    // Line numbers: the YAML starts on line 2, the body on the line after the closing one.
    assert_eq!(s.yaml_first_line, 2);
    let yaml_lines = s.yaml.matches('\n').count();
    assert_eq!(closing_line, 2 + yaml_lines);
    assert_eq!(s.body_first_line, closing_line + 1, "body line of {text:?}");
    if closing.ends_with('\n') {
        assert_eq!(
            s.body_first_line,
            1 + text[..body_start].matches('\n').count()
        );
    } else {
        assert!(
            s.body.is_empty(),
            "a closing line without a line end ends the file"
        );
    }
});
