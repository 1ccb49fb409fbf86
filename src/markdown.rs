//! Markdown bodies to HTML.
//!
//! CommonMark with tables, footnotes and strikethrough. Headings get stable ids and
//! make the table of contents. `[text](@partners/tehnopol)` links are resolved by the
//! caller to the record's URL in the page's language. Raw HTML is shown as text unless
//! the site sets `unsafe_html: true`, and links with script schemes are neutralised.

use crate::model::{TocEntry, slugify};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// A link that could not be resolved, at a byte offset of the source.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkProblem {
    pub offset: usize,
    pub message: String,
    pub help: String,
}

/// A link or image to an `http(s)://` address, at a byte offset of the source.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalUse {
    pub offset: usize,
    pub url: String,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub problems: Vec<LinkProblem>,
    /// Links and images to other sites, for `check --links`.
    pub links: Vec<ExternalUse>,
}

/// Whether a link target is a web address on another site.
pub fn is_external(url: &str) -> bool {
    let head = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    head.starts_with("http://") || head.starts_with("https://")
}

/// What a link in a body points at, for the caller to resolve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target<'s> {
    /// `@partners/tehnopol`: a record id.
    Record(&'s str),
    /// `media/logo.png` or `/media/logo.png`: a file under content/media/.
    Media(&'s str),
}

/// Resolves a link target to a URL, or explains why it is broken.
pub type LinkResolver<'a> = dyn Fn(Target) -> Result<String, (String, String)> + 'a;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Whether a link target would run script in the browser.
fn is_dangerous_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.starts_with("javascript:")
        || cleaned.starts_with("vbscript:")
        || cleaned.starts_with("data:")
}

pub fn render(src: &str, unsafe_html: bool, resolve: &LinkResolver) -> Rendered {
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    // (index of the heading's Start event in `events`, level, collected text)
    let mut heading: Option<(usize, u8, String)> = None;

    for (event, range) in Parser::new_ext(src, options()).into_offset_iter() {
        let event = match event {
            Event::Html(h) | Event::InlineHtml(h) if !unsafe_html => Event::Text(h),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                note_external(&dest_url, range.start, &mut out.links);
                let dest_url = fix_url(
                    dest_url,
                    range.start,
                    unsafe_html,
                    resolve,
                    &mut out.problems,
                );
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                note_external(&dest_url, range.start, &mut out.links);
                let dest_url = fix_url(
                    dest_url,
                    range.start,
                    unsafe_html,
                    resolve,
                    &mut out.problems,
                );
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some((events.len(), level as u8, String::new()));
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                })
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, lvl, text)) = heading.take() {
                    let given = match &events[start] {
                        Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
                        _ => None,
                    };
                    let base = given.unwrap_or_else(|| {
                        let s = slugify(&text);
                        if s.is_empty() {
                            "section".to_string()
                        } else {
                            s
                        }
                    });
                    let mut id = base.clone();
                    let mut n = 1;
                    while !used_ids.insert(id.clone()) {
                        id = format!("{base}-{n}");
                        n += 1;
                    }
                    if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[start] {
                        *slot = Some(CowStr::from(id.clone()));
                    }
                    out.toc.push(TocEntry {
                        level: lvl,
                        id,
                        title: text.trim().to_string(),
                    });
                }
                Event::End(TagEnd::Heading(level))
            }
            other => other,
        };
        if let Some((_, _, text)) = &mut heading {
            match &event {
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => {}
            }
        }
        events.push(event);
    }
    out.html.reserve(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out
}

fn note_external(dest: &str, offset: usize, links: &mut Vec<ExternalUse>) {
    if is_external(dest) {
        links.push(ExternalUse {
            offset,
            url: dest.to_string(),
        });
    }
}

fn fix_url<'a>(
    dest: CowStr<'a>,
    offset: usize,
    unsafe_html: bool,
    resolve: &LinkResolver,
    problems: &mut Vec<LinkProblem>,
) -> CowStr<'a> {
    if let Some(target) = dest.strip_prefix('@') {
        let (id, fragment) = match target.split_once('#') {
            Some((id, f)) => (id, Some(f)),
            None => (target, None),
        };
        return match resolve(Target::Record(id)) {
            Ok(url) => CowStr::from(match fragment {
                Some(f) => format!("{url}#{f}"),
                None => url,
            }),
            Err((message, help)) => {
                problems.push(LinkProblem {
                    offset,
                    message,
                    help,
                });
                CowStr::from("#")
            }
        };
    }
    if let Some(path) = dest
        .strip_prefix("/media/")
        .or_else(|| dest.strip_prefix("media/"))
    {
        return match resolve(Target::Media(path)) {
            Ok(url) => CowStr::from(url),
            Err((message, help)) => {
                problems.push(LinkProblem {
                    offset,
                    message,
                    help,
                });
                dest
            }
        };
    }
    if !unsafe_html && is_dangerous_url(&dest) {
        return CowStr::from("#");
    }
    dest
}

/// Converts a byte offset in `text` to a 1-based (line, column).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_links(_: Target) -> Result<String, (String, String)> {
        Err(("unknown".into(), "help".into()))
    }

    #[test]
    fn escapes_raw_html_by_default() {
        let r = render(
            "Hello <script>alert(1)</script>\n\n<div onclick=x>y</div>\n",
            false,
            &no_links,
        );
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
        assert!(!r.html.contains("<div"), "{}", r.html);
        let r = render("<b>x</b>", true, &no_links);
        assert!(r.html.contains("<b>x</b>"));
    }

    #[test]
    fn neutralises_script_links() {
        let r = render(
            "[x](javascript:alert(1)) [y]( JaVaScRiPt:alert(1))",
            false,
            &no_links,
        );
        assert!(!r.html.to_lowercase().contains("javascript"), "{}", r.html);
    }

    #[test]
    fn headings_get_unique_ids_and_toc() {
        let r = render(
            "## Mission\n\ntext\n\n## Mission\n\n### Vision & goals\n",
            false,
            &no_links,
        );
        assert!(r.html.contains(r#"<h2 id="mission">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="mission-1">"#), "{}", r.html);
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[2].id, "vision-goals");
        assert_eq!(r.toc[2].level, 3);
    }

    #[test]
    fn resolves_record_links_and_reports_broken_ones() {
        let resolve = |t: Target| match t {
            Target::Record("partners/tehnopol") => Ok("/en/partners/tehnopol/".to_string()),
            Target::Media("logo.png") => Ok("/site/media/logo.png".to_string()),
            other => Err((format!("no target {other:?}"), "check".to_string())),
        };
        let src = "See [T](@partners/tehnopol#x).\n\nAnd [U](@partners/nope).";
        let r = render(src, false, &resolve);
        assert!(
            r.html.contains(r#"href="/en/partners/tehnopol/#x""#),
            "{}",
            r.html
        );
        assert_eq!(r.problems.len(), 1);
        assert_eq!(line_col(src, r.problems[0].offset), (3, 5));
    }

    #[test]
    fn reports_links_and_images_to_other_sites() {
        let src = "Read [the plan](https://example.org/plan).\n\n![Logo](HTTP://example.org/logo.png) [x](@partners/a) [m](media/a.pdf) <https://example.org/auto>\n";
        let r = render(src, false, &no_links);
        let found: Vec<(usize, usize, &str)> = r
            .links
            .iter()
            .map(|l| {
                let (line, col) = line_col(src, l.offset);
                (line, col, l.url.as_str())
            })
            .collect();
        assert_eq!(
            found,
            [
                (1, 6, "https://example.org/plan"),
                (3, 1, "HTTP://example.org/logo.png"),
                (3, 72, "https://example.org/auto"),
            ]
        );
    }
}
