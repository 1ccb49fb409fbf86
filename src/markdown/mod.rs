//! Markdown bodies to HTML.
//!
//! CommonMark with the GitHub additions editors know: tables, task lists, footnotes
//! (collected at the end, each with a link back), strikethrough and `> [!NOTE]`
//! alerts. Headings get ids that are unique on the page and never one the theme uses
//! ([`ids`]), and make the table of contents; a body's `# H1` becomes an `h2` (and
//! every other heading one level lower), since the page title is the theme's.
//! `[text](@partners/tehnopol)` links are resolved by the caller to the record's URL in
//! the page's language.
//!
//! Safety: Markdown alone renders to a fixed set of elements and attributes; link
//! targets that would run script become `#`; `{#id .class key=value}` after a heading
//! keeps only a plain id and plain classes that are not the theme's, never other
//! attributes; table alignment is a class, not a style. Raw HTML is cleaned to an
//! allow-list ([`sanitize`]) unless the site sets `unsafe_html: true`.

pub mod ids;
mod sanitize;
#[cfg(test)]
mod tests;

pub use ids::Reserved;

use crate::markup::escape;
use crate::model::{TocEntry, slugify};
use ids::Ids;
use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Options as ParseOptions, Parser, Tag, TagEnd};
use std::collections::HashMap;

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

/// Words the renderer writes itself, in the page's language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Labels {
    pub note: String,
    pub tip: String,
    pub important: String,
    pub warning: String,
    pub caution: String,
    /// The accessible name of a footnote's link back to where it is referenced.
    pub footnote_back: String,
}

impl Default for Labels {
    fn default() -> Labels {
        Labels {
            note: "Note".into(),
            tip: "Tip".into(),
            important: "Important".into(),
            warning: "Warning".into(),
            caution: "Caution".into(),
            footnote_back: "Back to the text".into(),
        }
    }
}

/// Writes an image of `content/media/` (its path there, and its text alternative) as
/// a `<picture>` with resized copies; `None` leaves it a plain `<img>`.
pub type PictureWriter<'a> = dyn Fn(&str, &str) -> Option<String> + 'a;

/// How a body is rendered.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    /// Raw HTML passes unchanged (the site trusts every author).
    pub unsafe_html: bool,
    /// Ids and classes the theme uses.
    pub reserved: &'a Reserved,
    pub labels: &'a Labels,
    pub pictures: Option<&'a PictureWriter<'a>>,
}

fn parse_options() -> ParseOptions {
    ParseOptions::ENABLE_TABLES
        | ParseOptions::ENABLE_FOOTNOTES
        | ParseOptions::ENABLE_STRIKETHROUGH
        | ParseOptions::ENABLE_TASKLISTS
        | ParseOptions::ENABLE_GFM
        | ParseOptions::ENABLE_HEADING_ATTRIBUTES
        | ParseOptions::ENABLE_SMART_PUNCTUATION
}

/// Renders a body. Link problems are returned, never fatal.
pub fn render(src: &str, opts: &Options, resolve: &LinkResolver) -> Rendered {
    let events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(src, parse_options())
        .into_offset_iter()
        .collect();
    let sanitizing = !opts.unsafe_html
        && events
            .iter()
            .any(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let demote = events.iter().any(|(e, _)| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: pulldown_cmark::HeadingLevel::H1,
                ..
            })
        )
    });
    let mut r = Renderer {
        opts,
        mark: if sanitizing {
            sanitize::MARK.as_str()
        } else {
            ""
        },
        demote,
        ids: Ids::new(opts.reserved),
        out: Vec::with_capacity(events.len() + 8),
        in_footnote: None,
        footnotes: HashMap::new(),
        numbered: 0,
        heading: None,
        table_head: false,
        alignments: Vec::new(),
        cell: 0,
        image: None,
        rendered: Rendered::default(),
    };
    for (event, range) in events {
        r.event(event, range.start, resolve);
    }
    r.finish_footnotes();
    let mut html = String::with_capacity(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, r.out.into_iter());
    let mut rendered = r.rendered;
    rendered.html = if sanitizing {
        sanitize::clean(&html)
    } else {
        html
    };
    rendered
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

/// The class name and title of an alert.
fn alert(kind: BlockQuoteKind, labels: &Labels) -> (&'static str, &str) {
    match kind {
        BlockQuoteKind::Note => ("note", &labels.note),
        BlockQuoteKind::Tip => ("tip", &labels.tip),
        BlockQuoteKind::Important => ("important", &labels.important),
        BlockQuoteKind::Warning => ("warning", &labels.warning),
        BlockQuoteKind::Caution => ("caution", &labels.caution),
    }
}

/// A heading being read: where its start event is, and its text so far.
struct OpenHeading {
    at: usize,
    level: u8,
    given_id: Option<String>,
    classes: Vec<String>,
    text: String,
}

/// A footnote: its number (by first reference), its id, the id to link back to.
struct Footnote<'e> {
    number: Option<usize>,
    id: String,
    first_ref: Option<String>,
    body: Option<Vec<Event<'e>>>,
    /// Order of first appearance, for notes that are never referenced.
    order: usize,
}

/// The state of one rendering.
struct Renderer<'o, 'r, 'e> {
    opts: &'o Options<'r>,
    /// Put before klaster's own ids and classes while raw HTML is cleaned.
    mark: &'static str,
    demote: bool,
    ids: Ids<'r>,
    /// The events to write; text borrows from the source.
    out: Vec<Event<'e>>,
    /// Events of the footnote definition being read, with its label and the length of
    /// the table of contents when it began.
    in_footnote: Option<(String, Vec<Event<'e>>, usize)>,
    footnotes: HashMap<String, Footnote<'e>>,
    numbered: usize,
    heading: Option<OpenHeading>,
    table_head: bool,
    alignments: Vec<pulldown_cmark::Alignment>,
    cell: usize,
    /// A media image being read: its path under media/, its alt text so far, and where
    /// its start event is.
    image: Option<(String, String, usize)>,
    rendered: Rendered,
}

impl<'e> Renderer<'_, '_, 'e> {
    fn target(&mut self) -> &mut Vec<Event<'e>> {
        match &mut self.in_footnote {
            Some((_, events, _)) => events,
            None => &mut self.out,
        }
    }

    fn html(&mut self, s: String) {
        self.target().push(Event::Html(CowStr::from(s)));
    }

    fn html_static(&mut self, s: &'static str) {
        self.target().push(Event::Html(CowStr::Borrowed(s)));
    }

    /// The footnote of `label`, created (with its id) when first seen.
    fn footnote(&mut self, label: &str) -> &mut Footnote<'e> {
        let order = self.footnotes.len();
        let ids = &mut self.ids;
        self.footnotes.entry(label.to_string()).or_insert_with(|| {
            let slug = slugify(label);
            let base = if slug.is_empty() {
                format!("fn-{}", order + 1)
            } else {
                format!("fn-{slug}")
            };
            Footnote {
                number: None,
                id: ids.claim(&base),
                first_ref: None,
                body: None,
                order,
            }
        })
    }

    fn event(&mut self, event: Event<'e>, offset: usize, resolve: &LinkResolver) {
        let m = self.mark;
        match event {
            Event::Html(h) | Event::InlineHtml(h) => {
                // Cleaned with the whole body at the end, unless the site trusts it.
                self.target().push(Event::Html(h));
            }
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                let tag = match tag {
                    Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    } => Tag::Link {
                        link_type,
                        dest_url: self.fix_url(dest_url, offset, resolve),
                        title,
                        id,
                    },
                    Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    } => {
                        let media = dest_url
                            .strip_prefix("/media/")
                            .or_else(|| dest_url.strip_prefix("media/"))
                            .filter(|p| !p.contains(['#', '?']))
                            .map(str::to_string);
                        let dest_url = self.fix_url(dest_url, offset, resolve);
                        // A missing file has no picture: the writer leaves a plain
                        // `<img>`, and `fix_url` has reported the problem.
                        if let Some(path) = media
                            && self.opts.pictures.is_some()
                        {
                            let at = self.target().len();
                            self.image = Some((path, String::new(), at));
                        }
                        Tag::Image {
                            link_type,
                            dest_url,
                            title,
                            id,
                        }
                    }
                    other => other,
                };
                self.target().push(Event::Start(tag));
            }
            Event::End(TagEnd::Image) => {
                let written = self.image.take().and_then(|(path, alt, at)| {
                    let write = self.opts.pictures?;
                    write(&path, &alt).map(|html| (html, at))
                });
                match written {
                    Some((html, at)) => {
                        self.target().truncate(at);
                        self.target().push(Event::Html(CowStr::from(html)));
                    }
                    None => self.target().push(Event::End(TagEnd::Image)),
                }
            }
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                let mut level = level as u8;
                if self.demote {
                    level = (level + 1).min(6);
                }
                let at = self.target().len();
                // Replaced by the opening tag once the heading's text is known.
                self.target().push(Event::Html(CowStr::Borrowed("")));
                let reserved = self.opts.reserved;
                self.heading = Some(OpenHeading {
                    at,
                    level,
                    given_id: id.map(|i| i.to_string()).filter(|i| ids::is_plain_name(i)),
                    classes: classes
                        .iter()
                        .map(|c| c.to_string())
                        .filter(|c| reserved.class_allowed(c))
                        .collect(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = self.heading.take() {
                    let base = h.given_id.clone().unwrap_or_else(|| slugify(&h.text));
                    let id = self.ids.claim(&base);
                    // `<h2 id="…" class="…">`, put together without formatting.
                    let mut open = String::with_capacity(32 + 2 * m.len() + id.len());
                    open.push_str("<h");
                    open.push(char::from(b'0' + h.level.min(6)));
                    open.push_str(" id=\"");
                    open.push_str(m);
                    open.push_str(&id);
                    open.push('"');
                    if !h.classes.is_empty() {
                        open.push_str(" class=\"");
                        open.push_str(m);
                        open.push_str(&h.classes.join(" "));
                        open.push('"');
                    }
                    open.push('>');
                    if let Some(slot) = self.target().get_mut(h.at) {
                        *slot = Event::Html(CowStr::from(open));
                    }
                    self.html_static(match h.level {
                        1 => "</h1>\n",
                        2 => "</h2>\n",
                        3 => "</h3>\n",
                        4 => "</h4>\n",
                        5 => "</h5>\n",
                        _ => "</h6>\n",
                    });
                    self.rendered.toc.push(TocEntry {
                        level: h.level,
                        id,
                        title: h.text.trim().to_string(),
                    });
                }
            }
            Event::Start(Tag::Table(alignments)) => {
                self.alignments = alignments;
                // Alignment is written as a class, never as a style attribute.
                self.target().push(Event::Start(Tag::Table(Vec::new())));
            }
            Event::Start(Tag::TableHead) => {
                self.table_head = true;
                self.cell = 0;
                self.target().push(Event::Start(Tag::TableHead));
            }
            Event::End(TagEnd::TableHead) => {
                self.table_head = false;
                self.target().push(Event::End(TagEnd::TableHead));
            }
            Event::Start(Tag::TableRow) => {
                self.cell = 0;
                self.target().push(Event::Start(Tag::TableRow));
            }
            Event::Start(Tag::TableCell) => {
                use pulldown_cmark::Alignment as A;
                let tag = if self.table_head { "th" } else { "td" };
                let align = match self.alignments.get(self.cell) {
                    Some(A::Left) => "left",
                    Some(A::Center) => "center",
                    Some(A::Right) => "right",
                    _ => "",
                };
                if align.is_empty() {
                    // Most cells: a fixed tag, not a string of its own for every cell.
                    self.html_static(if self.table_head { "<th>" } else { "<td>" });
                } else {
                    self.html(format!("<{tag} class=\"{m}align-{align}\">"));
                }
            }
            Event::End(TagEnd::TableCell) => {
                self.cell += 1;
                self.html_static(if self.table_head { "</th>" } else { "</td>" });
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (name, label) = alert(kind, self.opts.labels);
                let label = escape(label);
                self.html(format!(
                    "<div class=\"{m}markdown-alert markdown-alert-{name}\">\n<p class=\"{m}markdown-alert-title\">{label}</p>\n"
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => self.html("</div>\n".into()),
            Event::TaskListMarker(checked) => {
                let checked = if checked {
                    format!(" checked=\"{m}\"")
                } else {
                    String::new()
                };
                self.html(format!("<input type=\"checkbox\" disabled=\"\"{checked}> "));
            }
            Event::FootnoteReference(label) => {
                let next = self.numbered + 1;
                let f = self.footnote(&label);
                let number = *f.number.get_or_insert(next);
                let def_id = f.id.clone();
                self.numbered = self.numbered.max(number);
                let base = format!("fnref-{}", def_id.trim_start_matches("fn-"));
                let ref_id = self.ids.claim(&base);
                self.footnote(&label)
                    .first_ref
                    .get_or_insert_with(|| ref_id.clone());
                self.html(format!(
                    "<sup class=\"{m}footnote-ref\"><a href=\"#{def_id}\" id=\"{m}{ref_id}\">{number}</a></sup>"
                ));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.footnote(&label);
                let toc = self.rendered.toc.len();
                self.in_footnote = Some((label.to_string(), Vec::new(), toc));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, events, toc)) = self.in_footnote.take() {
                    // The first definition of a label is the note; a later one is left
                    // out, and so are its headings in the table of contents.
                    let f = self.footnote(&label);
                    let first = f.body.is_none();
                    if first {
                        f.body = Some(events);
                    } else {
                        self.rendered.toc.truncate(toc);
                    }
                }
            }
            other => {
                if let Some((_, alt, _)) = &mut self.image {
                    match &other {
                        Event::Text(t) | Event::Code(t) => alt.push_str(t),
                        Event::SoftBreak | Event::HardBreak => alt.push(' '),
                        _ => {}
                    }
                }
                if let Some(h) = &mut self.heading {
                    match &other {
                        Event::Text(t) | Event::Code(t) => h.text.push_str(t),
                        Event::SoftBreak | Event::HardBreak => h.text.push(' '),
                        _ => {}
                    }
                }
                self.target().push(other);
            }
        }
    }

    /// The footnotes after the text, in the order of their numbers (notes never
    /// referenced last), each with a link back to its first reference.
    fn finish_footnotes(&mut self) {
        let m = self.mark;
        let mut notes: Vec<Footnote<'e>> = self
            .footnotes
            .drain()
            .map(|(_, f)| f)
            .filter(|f| f.body.is_some())
            .collect();
        if notes.is_empty() {
            return;
        }
        notes.sort_by_key(|f| (f.number.unwrap_or(usize::MAX), f.order));
        let back = escape(&self.opts.labels.footnote_back);
        self.out.push(Event::Html(CowStr::from(format!(
            "<section class=\"{m}footnotes\">\n<ol>\n"
        ))));
        for f in notes {
            self.out.push(Event::Html(CowStr::from(format!(
                "<li id=\"{m}{}\">",
                f.id
            ))));
            let mut body = f.body.unwrap_or_default();
            if let Some(r) = &f.first_ref {
                let link = Event::Html(CowStr::from(format!(
                    " <a href=\"#{r}\" class=\"{m}footnote-back\" aria-label=\"{back}\">\u{21a9}\u{fe0e}</a>"
                )));
                match body
                    .iter()
                    .rposition(|e| matches!(e, Event::End(TagEnd::Paragraph)))
                {
                    Some(i) if i + 1 == body.len() => body.insert(i, link),
                    _ => body.push(link),
                }
            }
            self.out.extend(body);
            self.out.push(Event::Html(CowStr::Borrowed("</li>\n")));
        }
        self.out
            .push(Event::Html(CowStr::Borrowed("</ol>\n</section>\n")));
    }

    fn problem(&mut self, offset: usize, (message, help): (String, String)) {
        self.rendered.problems.push(LinkProblem {
            offset,
            message,
            help,
        });
    }

    /// Resolves `@id` and media links, notes links to other sites, and neutralises
    /// targets that would run script.
    fn fix_url(&mut self, dest: CowStr<'e>, offset: usize, resolve: &LinkResolver) -> CowStr<'e> {
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
                Err(e) => {
                    self.problem(offset, e);
                    CowStr::Borrowed("#")
                }
            };
        }
        if let Some(path) = dest
            .strip_prefix("/media/")
            .or_else(|| dest.strip_prefix("media/"))
        {
            return match resolve(Target::Media(path)) {
                Ok(url) => CowStr::from(url),
                Err(e) => {
                    self.problem(offset, e);
                    dest
                }
            };
        }
        if !self.opts.unsafe_html && is_dangerous_url(&dest) {
            return CowStr::Borrowed("#");
        }
        if is_external(&dest) {
            self.rendered.links.push(ExternalUse {
                offset,
                url: dest.to_string(),
            });
        }
        dest
    }
}

/// Converts a byte offset in `text` to a 1-based (line, column).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let line_start = memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}
