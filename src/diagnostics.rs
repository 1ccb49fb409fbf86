//! Problems found in user content.
//!
//! Every stage reports what is wrong with the site as [`Diagnostic`] values instead of
//! stopping at the first problem, so that one run of `klaster check` lists everything an
//! editor has to fix. A diagnostic carries the file (relative to the site root), the
//! 1-based line and column, a message, an optional hint and the quoted source line.

use serde::Serialize;
use std::fmt::Write as _;

/// How serious a problem is. Errors fail `build` and `check`; warnings do not,
/// except under `check --strict`. Notes (a link that moved, say) never fail a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// One problem, anchored to a place in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short stable name of the kind of problem (`unknown-field`, `yaml`, ...).
    pub code: &'static str,
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The text of the line the problem is on, for the caret display.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            path: path.into(),
            line: 0,
            column: 0,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    pub fn warning(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, path, message)
        }
    }

    /// Anchors the diagnostic at `line:column` and quotes that line of `text`.
    pub fn at(mut self, text: &str, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        if line > 0 {
            self.source_line = text.lines().nth(line - 1).map(|l| l.trim_end().to_string());
        }
        self
    }

    pub fn note(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(code, path, message)
        }
    }

    /// Anchors the diagnostic at `line:column` of a file and quotes that line from
    /// `text`, a part of the file that begins on line `first_line`.
    pub fn at_in(mut self, text: &str, first_line: usize, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self.source_line = line
            .checked_sub(first_line)
            .and_then(|i| text.lines().nth(i))
            .map(|l| l.trim_end().to_string());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Problems that keep a file from being read at all come first: they are the
    /// causes, and what follows in other files is often their consequence.
    fn sort_key(&self) -> (bool, &str, usize, usize, Severity, &str) {
        (
            !(self.is_error() && ROOT_CAUSES.contains(&self.code)),
            &self.path,
            self.line,
            self.column,
            self.severity,
            &self.message,
        )
    }
}

/// Codes of errors that stop a file from being read: syntax, encoding, reading.
const ROOT_CAUSES: &[&str] = &["yaml", "front-matter", "encoding", "io", "limit", "symlink"];

/// Sorts diagnostics (errors that keep a file from being read first, then by file and
/// position) and drops exact repeats (a problem in a file
/// shared by all languages is found once per language).
pub fn normalize(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

pub fn count(diags: &[Diagnostic], severity: Severity) -> usize {
    diags.iter().filter(|d| d.severity == severity).count()
}

/// Whether a character would change how the text around it is shown: bidirectional
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069, marks) and control
/// characters. A file name or line holding one could make a terminal show something
/// other than what is in the file.
fn is_deceptive(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
        || (c.is_control() && c != '\t')
}

/// Text as it can be shown safely: deceptive characters written as `\u{202e}`.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_deceptive) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_deceptive(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A quoted line as it is shown: deceptive characters escaped, and a tab as `→` (one
/// character, so the caret stays under its column, and visible where a tab is the
/// mistake).
pub fn quoted(line: &str) -> String {
    visible(line).replace('\t', "→")
}

/// Renders diagnostics for a terminal or a log: `error: message`, ` --> path:line:col`,
/// the quoted line with a caret under the column, and the help. Characters that could
/// disguise a name or a line (bidirectional overrides, controls) are written escaped.
pub fn render_text(diags: &[Diagnostic], color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    // How many of each kind (severity and code) were shown, and how many left out.
    let mut kinds: Vec<((Severity, &str), usize)> = Vec::new();
    for d in diags {
        let key = (d.severity, d.code);
        let i = match kinds.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                kinds.push((key, 0));
                kinds.len() - 1
            }
        };
        kinds[i].1 += 1;
        if kinds[i].1 > SHOWN_PER_KIND {
            continue;
        }
        let shown = Diagnostic {
            path: visible(&d.path).into_owned(),
            message: visible(&d.message).into_owned(),
            help: d.help.as_deref().map(|h| visible(h).into_owned()),
            source_line: d.source_line.as_deref().map(quoted),
            ..d.clone()
        };
        let d = &shown;
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let title = level.primary_title(d.message.as_str());
        let rendered = match (&d.source_line, d.line) {
            (Some(src), line) if line > 0 => {
                let chars: Vec<(usize, char)> = src.char_indices().collect();
                let col = d.column.max(1) - 1;
                let start = chars.get(col).map(|c| c.0).unwrap_or(src.len());
                let end = chars.get(col + 1).map(|c| c.0).unwrap_or(src.len());
                let mut group = title.element(
                    Snippet::source(src.as_str())
                        .line_start(line)
                        .path(d.path.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                );
                if let Some(help) = &d.help {
                    group = group.element(Level::HELP.message(help.as_str()));
                }
                renderer.render(&[group])
            }
            _ => {
                let place = if d.line > 0 {
                    format!("{}:{}:{}", d.path, d.line, d.column)
                } else {
                    d.path.clone()
                };
                let mut group = title.element(annotate_snippets::Origin::path(place));
                if let Some(help) = &d.help {
                    group = group.element(Level::HELP.message(help.as_str()));
                }
                renderer.render(&[group])
            }
        };
        let _ = writeln!(out, "{rendered}\n");
    }
    for ((severity, code), n) in kinds {
        if n > SHOWN_PER_KIND {
            let word = match severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            };
            let more = n - SHOWN_PER_KIND;
            let plural = if more == 1 { "" } else { "s" };
            let _ = writeln!(
                out,
                "{word}: and {more} more `{code}` {word}{plural} like these (`klaster check --format json` lists all)\n"
            );
        }
    }
    out
}

/// Text output shows this many diagnostics of a kind (severity and code), then how
/// many more there are: 2,500 warnings of one kind would hide everything else.
pub const SHOWN_PER_KIND: usize = 10;

/// Machine-readable diagnostics for CI: one JSON document with the list and the counts.
pub fn render_json(diags: &[Diagnostic], extra: Option<serde_json::Value>) -> String {
    let mut doc = serde_json::json!({
        "errors": count(diags, Severity::Error),
        "warnings": count(diags, Severity::Warning),
        "notes": count(diags, Severity::Note),
        "diagnostics": diags,
    });
    if let (Some(extra), Some(map)) = (extra, doc.as_object_mut())
        && let Some(extra) = extra.as_object()
    {
        for (k, v) in extra {
            map.insert(k.clone(), v.clone());
        }
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// Suggests the closest of `candidates` to a misspelled `word`, if one is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_l = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word_l, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Formats a "did you mean" hint, or lists the allowed values when nothing is close.
pub fn suggestion_help(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None if candidates.is_empty() => "nothing of that kind is defined yet".to_string(),
        None => {
            let list: Vec<String> = candidates
                .iter()
                .take(12)
                .map(|c| format!("`{c}`"))
                .collect();
            let more = if candidates.len() > 12 { ", ..." } else { "" };
            format!("expected one of {}{more}", list.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words() {
        assert_eq!(
            did_you_mean("medtec", ["startup", "medtech", "biotech"]),
            Some("medtech")
        );
        assert_eq!(did_you_mean("zzzz", ["startup", "medtech"]), None);
    }

    #[test]
    fn names_cannot_disguise_themselves() {
        let d = Diagnostic::error("x", "content/pages/evil\u{202e}dm.yaml", "bad\u{1b}[31m");
        let text = render_text(&[d], false);
        assert!(text.contains("evil\\u{202e}dm.yaml"), "{text}");
        assert!(text.contains("bad\\u{1b}[31m"), "{text}");
        assert!(
            !text.contains('\u{202e}') && !text.contains('\u{1b}'),
            "{text}"
        );
    }

    #[test]
    fn text_rendering_has_position_caret_and_help() {
        let d = Diagnostic::error(
            "unknown-field",
            "content/partners/a.yaml",
            "unknown field `nmae`",
        )
        .at("id: 1\nnmae: x\n", 2, 1)
        .with_help("did you mean `name`?");
        let text = render_text(&[d], false);
        assert!(text.contains("content/partners/a.yaml:2:1"), "{text}");
        assert!(text.contains("nmae: x"), "{text}");
        assert!(text.contains('^'), "{text}");
        assert!(text.contains("did you mean `name`?"), "{text}");
    }

    #[test]
    fn notes_are_rendered_and_counted_apart() {
        let n = Diagnostic::note("moved-link", "content/site.yaml", "the link moved").at(
            "organisation: {website: http://a}\n",
            1,
            25,
        );
        let w = Diagnostic::warning("translation", "content/site.yaml", "missing");
        let text = render_text(std::slice::from_ref(&n), false);
        assert!(text.starts_with("note: the link moved"), "{text}");
        let json: serde_json::Value = serde_json::from_str(&render_json(&[n, w], None)).unwrap();
        assert_eq!(json["notes"], 1);
        assert_eq!(json["warnings"], 1);
        assert_eq!(json["diagnostics"][0]["severity"], "note");
    }
}
