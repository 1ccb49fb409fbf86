//! Splitting a Markdown file into its YAML front matter and its body.

/// The parts of a file that begins with front matter.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Line of the file on which the YAML starts (1-based).
    pub yaml_first_line: usize,
    pub body: &'a str,
    /// Line of the file on which the body starts (1-based).
    pub body_first_line: usize,
}

/// Splits `---\n<yaml>\n---\n<body>`. Returns `None` when the file does not begin with
/// a `---` line or the closing `---` (or `...`) line is missing.
pub fn split(text: &str) -> Option<Split<'_>> {
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = first_end + 1;
    let mut pos = yaml_start;
    let mut line = 2;
    while pos <= text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(text.len());
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            let body_start = (end + 1).min(text.len());
            return Some(Split {
                yaml: &text[yaml_start..pos],
                yaml_first_line: 2,
                body: &text[body_start..],
                body_first_line: line + 1,
            });
        }
        if end == text.len() {
            break;
        }
        pos = end + 1;
        line += 1;
    }
    None
}

/// Sets `key: value` among the fields of a record file's text: in the front matter
/// of a Markdown file (closed by `---` or `...`, as [`split`] reads it), or among the
/// top-level fields of a YAML file; replaces the line if the key is there, else adds
/// it first. `None` when a Markdown file has no front matter.
pub fn set_field(text: &str, key: &str, value: &str, markdown: bool) -> Option<String> {
    let new_line = format!("{key}: {value}");
    let prefix = format!("{key}:");
    let (head, fields, rest) = if markdown {
        let s = split(text)?;
        let start = text.len() - text[text.find('\n')? + 1..].len();
        let yaml_end = start + s.yaml.len();
        (&text[..start], &text[start..yaml_end], &text[yaml_end..])
    } else {
        ("", text, "")
    };
    let mut lines: Vec<&str> = fields.lines().collect();
    let replaced = lines.iter().position(|l| l.starts_with(&prefix));
    let mut out = String::with_capacity(text.len() + new_line.len() + 1);
    out.push_str(head);
    match replaced {
        Some(i) => {
            lines[i] = &new_line;
        }
        None => lines.insert(0, &new_line),
    }
    for l in &lines {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter() {
        let s = split("---\ntitle: A\n---\nHello\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Hello\n");
        assert_eq!(s.body_first_line, 4);
        let s = split("---\r\ntitle: A\r\n---\r\n").unwrap();
        assert_eq!(s.body, "");
        let s = split("---\n---\n").unwrap();
        assert_eq!(s.yaml, "");
    }

    #[test]
    fn sets_a_field_in_front_matter_or_yaml() {
        assert_eq!(
            set_field(
                "---\ntitle: A\n---\nBody\n",
                "translated_from",
                "\"4035e843\"",
                true
            )
            .unwrap(),
            "---\ntranslated_from: \"4035e843\"\ntitle: A\n---\nBody\n"
        );
        assert_eq!(
            set_field(
                "---\ntranslated_from: old\ntitle: A\n...\n",
                "translated_from",
                "\"new\"",
                true
            )
            .unwrap(),
            "---\ntranslated_from: \"new\"\ntitle: A\n...\n"
        );
        assert_eq!(
            set_field("title: A\n", "translated_from", "\"abc\"", false).unwrap(),
            "translated_from: \"abc\"\ntitle: A\n"
        );
        assert!(set_field("title: A\n", "x", "y", true).is_none());
    }

    #[test]
    fn rejects_missing_delimiters() {
        assert!(split("title: A\n").is_none());
        assert!(split("---\ntitle: A\n").is_none());
        assert!(split("").is_none());
    }
}
