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
    fn rejects_missing_delimiters() {
        assert!(split("title: A\n").is_none());
        assert!(split("---\ntitle: A\n").is_none());
        assert!(split("").is_none());
    }
}
