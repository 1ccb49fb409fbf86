//! SVG drawings are published as they are, but an SVG is a document that can run
//! scripts and load other files, and a site shows files from many hands: so each one is
//! rewritten with only what draws. Scripts, embedded HTML and event handlers go; links
//! and `url(...)` references stay only when they point inside the drawing itself (`#id`)
//! or carry an image inline (`data:image/...`); a style sheet that could load one from
//! elsewhere goes.
//!
//! The parser is quick-xml: it reads events without building a tree and never recurses,
//! so a deeply nested file cannot exhaust the stack, and it never expands entities by
//! itself, so the check for a DOCTYPE that declares them comes before anything could be
//! expanded. The output is written here, every name checked and every attribute value
//! and text escaped again, so it is well-formed whatever the input got away with.

use super::ImageError;
use quick_xml::XmlVersion;
use quick_xml::escape::{escape, partial_escape};
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// A sanitised SVG drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Svg {
    /// The drawing, as UTF-8 XML without a declaration or DOCTYPE.
    pub bytes: Vec<u8>,
    /// The size it is shown at, in CSS pixels: from the root element's `width` and
    /// `height` (absolute units converted, `%` and `em` not), and where one or both are
    /// missing, from its `viewBox` (scaled to the one given, if one is).
    pub width: Option<f64>,
    pub height: Option<f64>,
}

/// Elements dropped with everything in them: they run scripts, embed HTML or other
/// documents, or (in SVG Tiny 1.2) attach event handlers. Compared by local name and
/// ignoring case, so that an XHTML `<html:script>` or an SVG inlined into HTML (whose
/// parser lowercases names) is caught too.
const DROPPED: &[&str] = &[
    "script",
    "foreignobject",
    "iframe",
    "frame",
    "frameset",
    "embed",
    "object",
    "applet",
    "handler",
    "listener",
    "link",
    "meta",
    "base",
];

/// Animation elements, dropped when they animate a link or an event handler (`<set
/// attributeName="href" to="javascript:...">` is a known way around attribute filters).
const ANIMATIONS: &[&str] = &[
    "set",
    "animate",
    "animatemotion",
    "animatetransform",
    "animatecolor",
];

/// Reads `bytes` as an SVG drawing and returns it without anything that could run a
/// script or fetch another file, with the size it declares.
///
/// A file that is not UTF-8 XML, whose root element is not `<svg>`, or whose DOCTYPE
/// declares entities is an error; any other DOCTYPE, processing instructions (an
/// `<?xml-stylesheet?>` could load a style sheet) and the XML declaration are dropped.
/// Comments inside the drawing are kept (icon sets carry their licence in one); those
/// before it, mostly the name of the program that made it, are dropped.
pub fn sanitize_svg(bytes: &[u8]) -> Result<Svg, ImageError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ImageError::Svg {
        detail: format!(
            "it is not UTF-8 text (at byte {}); save it again as UTF-8",
            e.valid_up_to()
        ),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_comments = true;
    reader.config_mut().check_end_names = true;

    let mut w = Writer {
        out: String::with_capacity(text.len()),
    };
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut root_closed = false;
    let mut size = (None, None);

    loop {
        let event = reader
            .read_event()
            .map_err(|e| syntax(text, reader.error_position(), &e))?;
        let at = reader.buffer_position();
        match event {
            // The output is always UTF-8 XML 1.0, which needs no declaration.
            Event::Decl(_) => {}
            Event::DocType(doctype) => {
                if declares_entities(&doctype.into_inner()) {
                    return Err(ImageError::SvgEntities);
                }
            }
            Event::PI(_) => {}
            Event::Comment(comment) => {
                if depth > 0 {
                    w.out.push_str("<!--");
                    w.out.push_str(&comment.into_inner());
                    w.out.push_str("-->");
                }
            }
            Event::Text(t) => {
                let t = t.xml10_content();
                if depth == 0 {
                    if !t.trim().is_empty() {
                        return Err(at_line(text, at, "there is text outside the <svg> element"));
                    }
                } else {
                    w.out.push_str(&partial_escape(t.as_ref()));
                }
            }
            Event::CData(c) => {
                if depth == 0 {
                    return Err(at_line(text, at, "there is text outside the <svg> element"));
                }
                w.out.push_str("<![CDATA[");
                w.out.push_str(&c.into_inner());
                w.out.push_str("]]>");
            }
            Event::GeneralRef(r) => {
                if depth == 0 {
                    return Err(at_line(text, at, "there is text outside the <svg> element"));
                }
                let name = r.into_inner();
                check_reference(&name).map_err(|m| at_line(text, at, &m))?;
                w.out.push('&');
                w.out.push_str(&name);
                w.out.push(';');
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = element_name(e).map_err(|m| at_line(text, at, &m))?;
                if root_closed {
                    return Err(at_line(
                        text,
                        at,
                        "there is another element after the end of the <svg> element",
                    ));
                }
                if depth == 0 {
                    if !local_name(name).eq_ignore_ascii_case("svg") {
                        return Err(ImageError::NotSvg {
                            root: name.to_string(),
                        });
                    }
                    root_seen = true;
                    size = declared_size(e).map_err(|m| at_line(text, at, &m))?;
                }
                let local = local_name(name);
                if depth > 0 && dropped(e, local).map_err(|m| at_line(text, at, &m))? {
                    if !empty {
                        reader
                            .read_to_end(e.name())
                            .map_err(|err| syntax(text, reader.error_position(), &err))?;
                    }
                    continue;
                }
                if local.eq_ignore_ascii_case("style") && !empty {
                    style(&mut reader, text, e, name, &mut w)?;
                    continue;
                }
                w.start(e, name, depth == 0, empty)
                    .map_err(|m| at_line(text, at, &m))?;
                if empty {
                    root_closed |= depth == 0;
                } else {
                    depth += 1;
                }
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_string();
                w.out.push_str("</");
                w.out.push_str(&name);
                w.out.push('>');
                depth = depth.saturating_sub(1);
                root_closed |= depth == 0;
            }
            Event::Eof => break,
        }
    }
    if !root_seen {
        return Err(ImageError::Svg {
            detail: "there is no <svg> element in it".to_string(),
        });
    }
    if depth > 0 {
        return Err(ImageError::Svg {
            detail: "the file ends before the <svg> element is closed".to_string(),
        });
    }
    Ok(Svg {
        bytes: w.out.into_bytes(),
        width: size.0,
        height: size.1,
    })
}

/// The output being written.
struct Writer {
    out: String,
}

impl Writer {
    /// Writes a start tag with only its safe attributes; on the root, adds the SVG
    /// namespace if it is missing, without which a browser shows no drawing in `<img>`.
    fn start(&mut self, e: &BytesStart, name: &str, root: bool, empty: bool) -> Result<(), String> {
        self.out.push('<');
        self.out.push_str(name);
        let mut has_xmlns = false;
        for attr in e.attributes() {
            let attr = attr.map_err(|err| err.to_string())?;
            let key: &str = attr.key.as_ref();
            if !is_name(key) {
                return Err(format!("`{key}` is not a valid attribute name"));
            }
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| format!("in the attribute `{key}`: {err}"))?;
            if !keep_attribute(key, &value) {
                continue;
            }
            has_xmlns |= key == "xmlns";
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            self.out.push_str(&escape(value.as_ref()));
            self.out.push('"');
        }
        if root && !has_xmlns {
            self.out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
        }
        self.out.push_str(if empty { "/>" } else { ">" });
        Ok(())
    }
}

/// Copies a `<style>` element, or drops it whole when its style sheet could load
/// something from elsewhere (see [`unsafe_css`]) or it holds elements.
fn style(
    reader: &mut Reader<&[u8]>,
    text: &str,
    start: &BytesStart,
    name: &str,
    w: &mut Writer,
) -> Result<(), ImageError> {
    let mut body = String::new();
    let mut css = String::new();
    let mut nested = 0usize;
    let mut has_elements = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| syntax(text, reader.error_position(), &e))?;
        let at = reader.buffer_position();
        match event {
            Event::Text(t) => {
                let t = t.xml10_content();
                css.push_str(&t);
                body.push_str(&partial_escape(t.as_ref()));
            }
            Event::CData(c) => {
                let c = c.into_inner();
                css.push_str(&c);
                body.push_str("<![CDATA[");
                body.push_str(&c);
                body.push_str("]]>");
            }
            Event::GeneralRef(r) => {
                let name = r.into_inner();
                let ch = check_reference(&name).map_err(|m| at_line(text, at, &m))?;
                css.push(ch);
                body.push('&');
                body.push_str(&name);
                body.push(';');
            }
            Event::Comment(_) | Event::PI(_) => {}
            Event::Start(_) => {
                has_elements = true;
                nested += 1;
            }
            Event::Empty(_) => has_elements = true,
            Event::End(_) if nested > 0 => nested -= 1,
            Event::End(_) => break,
            Event::Decl(_) | Event::DocType(_) | Event::Eof => {
                return Err(at_line(text, at, "a <style> element is not closed"));
            }
        }
    }
    if has_elements || unsafe_css(&css) {
        return Ok(());
    }
    w.start(start, name, false, false)
        .map_err(|m| at_line(text, reader.buffer_position(), &m))?;
    w.out.push_str(&body);
    w.out.push_str("</");
    w.out.push_str(name);
    w.out.push('>');
    Ok(())
}

/// Whether an element inside the drawing is dropped with its content.
fn dropped(e: &BytesStart, local: &str) -> Result<bool, String> {
    if DROPPED.iter().any(|d| local.eq_ignore_ascii_case(d)) {
        return Ok(true);
    }
    if ANIMATIONS.iter().any(|a| local.eq_ignore_ascii_case(a)) {
        for attr in e.attributes() {
            let attr = attr.map_err(|err| err.to_string())?;
            if local_name(attr.key.as_ref()).eq_ignore_ascii_case("attributeName") {
                let value = attr
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|err| err.to_string())?;
                let target = local_name(value.trim()).to_ascii_lowercase();
                if target == "href" || target.starts_with("on") {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// Whether an attribute is kept: no event handlers (`on*`), links only inside the
/// drawing or to inline images, no `url(...)` to elsewhere, and nothing with a
/// backslash, which in a CSS value could spell any of that in escapes (`u\72l(`).
/// Namespace declarations are kept as they are: their values are names, never fetched.
fn keep_attribute(key: &str, value: &str) -> bool {
    if key == "xmlns" || key.starts_with("xmlns:") {
        return true;
    }
    let local = local_name(key);
    // `get`, not slicing: a name may begin with a character of several bytes.
    if local.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on")) {
        return false;
    }
    if local.eq_ignore_ascii_case("href") && !local_reference(value) {
        return false;
    }
    !value.contains('\\') && !unsafe_css(value) && !script_url(value)
}

/// Whether a value holds a script address anywhere (`javascript:`, `vbscript:`, with
/// white space or control characters inside it ignored). An attribute that is not a
/// link does not run it, but none needs one: it is dropped wherever it is.
fn script_url(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    squeezed.contains("javascript:") || squeezed.contains("vbscript:")
}

/// Whether a link target is inside the drawing (`#id`) or an inline image.
fn local_reference(value: &str) -> bool {
    let v = value.trim_start();
    v.starts_with('#') || starts_with_ignore_case(v, "data:image/")
}

/// Whether CSS text could load something from elsewhere: an `@import`, a `url(...)` or
/// `image-set(...)` whose target is not `#id` or `data:image/`, or a backslash escape,
/// which could hide either.
fn unsafe_css(css: &str) -> bool {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") || lower.contains("image-set(") || lower.contains('\\') {
        return true;
    }
    lower.match_indices("url(").any(|(i, m)| {
        let rest = lower[i + m.len()..].trim_start();
        let rest = rest
            .strip_prefix('"')
            .or_else(|| rest.strip_prefix('\''))
            .unwrap_or(rest);
        !local_reference(rest)
    })
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Whether a DOCTYPE's text declares entities.
fn declares_entities(doctype: &str) -> bool {
    doctype.to_ascii_lowercase().contains("<!entity")
}

/// Checks a `&...;` reference: a character reference to a character XML allows, or one
/// of the five predefined entities (no others can be defined, see [`declares_entities`]).
/// Returns the character it stands for.
fn check_reference(name: &str) -> Result<char, String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        return code
            .and_then(char::from_u32)
            .filter(|&c| is_xml_char(c))
            .ok_or_else(|| format!("`&{name};` is not a character XML allows"));
    }
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(format!(
            "it uses `&{name};`, which XML does not define; write the character itself"
        )),
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// The element's name, checked to be one that can be written back as it is.
fn element_name<'a>(e: &'a BytesStart) -> Result<&'a str, String> {
    let name: &str = e.name().into_inner();
    if is_name(name) {
        Ok(name)
    } else {
        Err(format!("`<{name}>` is not a valid element name"))
    }
}

/// Whether `s` is an XML name (simplified: every character outside ASCII is allowed,
/// which keeps the output well-formed, since only ASCII has markup meaning).
fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_' || first == ':' || !first.is_ascii())
        && chars.all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-' | '.') || !c.is_ascii()
        })
}

/// The part of a qualified name after its prefix: `href` of `xlink:href`.
fn local_name(name: &str) -> &str {
    // After the first colon, as XML parsers read a name: a name with two colons is not
    // one a browser takes as `svg` or `href` (the `svg` fuzz target's `<a:b:svg>`).
    name.split_once(':').map_or(name, |(_, local)| local)
}

/// The root element's size in CSS pixels (see [`Svg::width`]).
fn declared_size(e: &BytesStart) -> Result<(Option<f64>, Option<f64>), String> {
    let (mut width, mut height, mut view_box) = (None, None, None);
    for attr in e.attributes() {
        let attr = attr.map_err(|err| err.to_string())?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| err.to_string())?;
        match attr.key.as_ref() {
            "width" => width = length(&value),
            "height" => height = length(&value),
            "viewBox" => view_box = parse_view_box(&value),
            _ => {}
        }
    }
    Ok(match (width, height, view_box) {
        (Some(w), None, Some((vw, vh))) => (Some(w), Some(w * vh / vw)),
        (None, Some(h), Some((vw, vh))) => (Some(h * vw / vh), Some(h)),
        (None, None, Some((vw, vh))) => (Some(vw), Some(vh)),
        (w, h, _) => (w, h),
    })
}

/// A length in CSS pixels: a number with no unit or an absolute one (`px`, `pt`, `pc`,
/// `mm`, `cm`, `in`); `None` for relative units, which have no size of their own.
fn length(s: &str) -> Option<f64> {
    let s = s.trim();
    let split = s
        .find(|c: char| c.is_ascii_alphabetic() || c == '%')
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: f64 = number.trim().parse().ok()?;
    let px = match unit.to_ascii_lowercase().as_str() {
        "" | "px" => n,
        "pt" => n * 96.0 / 72.0,
        "pc" => n * 16.0,
        "mm" => n * 96.0 / 25.4,
        "cm" => n * 96.0 / 2.54,
        "in" => n * 96.0,
        _ => return None,
    };
    (px.is_finite() && px > 0.0).then_some(px)
}

/// The width and height of a `viewBox="min-x min-y width height"`.
fn parse_view_box(s: &str) -> Option<(f64, f64)> {
    let numbers: Vec<f64> = s
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<f64>().ok())
        .collect::<Option<_>>()?;
    match numbers[..] {
        [_, _, w, h] if w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0 => Some((w, h)),
        _ => None,
    }
}

/// An XML syntax error at byte `pos`, as a message with the line number.
fn syntax(text: &str, pos: u64, err: &quick_xml::Error) -> ImageError {
    at_line(text, pos, &err.to_string())
}

fn at_line(text: &str, pos: u64, message: &str) -> ImageError {
    let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(text.len());
    let line = text.as_bytes()[..pos]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    ImageError::Svg {
        detail: format!("line {line}: {message}"),
    }
}
