//! Raw HTML in bodies, cleaned to an allow-list of harmless elements (ammonia).
//!
//! Only a body that contains raw HTML is sanitised; Markdown alone is safe by the way
//! it is rendered. The whole body is cleaned at once, so tags an editor opens and never
//! closes cannot reach the theme's markup. Ids and classes are allowed only where
//! klaster wrote them itself: while such a body is rendered, klaster's own ids,
//! classes and `checked` flags carry a random mark that an editor cannot know, and the
//! attribute filter keeps exactly the marked values (and removes the mark). Everything
//! else an editor wrote keeps only the attributes listed here.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};
use std::sync::LazyLock;

/// Elements that pass: what Markdown produces plus harmless text-level HTML editors
/// use (`details`, `abbr`, `kbd`, `mark`, `figure`, ...). No scripts, styles, forms,
/// frames, objects or `h1` (a body never adds a second page title).
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "source",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Attributes allowed on every element; `id` and `class` only with klaster's mark.
const GENERIC: &[&str] = &["id", "class", "title", "lang"];

/// URL schemes links and images may use; relative URLs pass unchanged.
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The mark of this process: random, so no file can contain it on purpose.
pub static MARK: LazyLock<String> = LazyLock::new(|| {
    let mut h = std::hash::RandomState::new().build_hasher();
    h.write_u64(0x006b_6c61_7374_6572);
    format!("kmark{:016x}-", h.finish())
});

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.tags(TAGS.iter().copied().collect())
        .generic_attributes(GENERIC.iter().copied().collect())
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes(
            "img",
            [
                "src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding",
            ],
        )
        .add_tag_attributes("source", ["type", "srcset", "sizes"])
        .add_tag_attributes("ol", ["start", "reversed"])
        .add_tag_attributes("td", ["colspan", "rowspan"])
        .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
        .add_tag_attributes("details", ["open"])
        .add_tag_attributes("time", ["datetime"])
        .add_tag_attributes("input", ["checked"])
        // Any `input` is a disabled checkbox: a task list item, never a form field.
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        .clean_content_tags(
            [
                "script", "style", "template", "textarea", "noscript", "iframe", "object",
            ]
            .into_iter()
            .collect::<HashSet<_>>(),
        )
        .url_schemes(SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true)
        .attribute_filter(filter);
    b
});

thread_local! {
    /// The ids kept so far in the body this thread is cleaning.
    static KEPT_IDS: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

fn filter<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match attribute {
        // An id klaster wrote is kept once: a tag an editor left open can take
        // klaster's attributes after it, and the parser copies such an element when it
        // reopens it (`<a`, `<b`, `<em`, ...), attributes and all.
        "id" => value
            .strip_prefix(MARK.as_str())
            .filter(|own| KEPT_IDS.with(|k| k.borrow_mut().insert(own.to_string())))
            .map(Cow::Borrowed),
        "class" | "checked" => match value.strip_prefix(MARK.as_str()) {
            Some(own) => Some(Cow::Borrowed(own)),
            // Code blocks keep their language, the one class Markdown writes itself.
            None if attribute == "class"
                && element == "code"
                && value.strip_prefix("language-").is_some_and(|l| {
                    !l.is_empty()
                        && l.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+#-_.".contains(c))
                }) =>
            {
                Some(Cow::Borrowed(value))
            }
            None => None,
        },
        // A `srcset` only of the site's own files: its addresses are not checked as
        // `src` is, so one to another host (or another scheme) drops it.
        "srcset" => value
            .split(',')
            .all(|c| {
                let url = c.split_whitespace().next().unwrap_or("");
                url.starts_with('/') && !url.starts_with("//")
            })
            .then_some(Cow::Borrowed(value)),
        _ => Some(Cow::Borrowed(value)),
    }
}

/// Cleans a rendered body that contains raw HTML. The mark never leaves: raw HTML can
/// turn klaster's own markup after it into text (`<noframes>`, `<xmp>`) or into an
/// attribute value (a quote left open), where the filter does not see it, and a page
/// that showed the mark would let an editor mark ids and classes of their own.
pub fn clean(html: &str) -> String {
    KEPT_IDS.with(|k| k.borrow_mut().clear());
    let cleaned = CLEANER.clean(html).to_string();
    if cleaned.contains(MARK.as_str()) {
        cleaned.replace(MARK.as_str(), "")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harmless_html_passes_and_scripts_do_not() {
        let out = clean(concat!(
            "<details><summary>More</summary><p>Text <abbr title=\"World Health Organization\">WHO</abbr>",
            " H<sub>2</sub>O x<sup>2</sup> <kbd>Ctrl</kbd> <mark>new</mark><br></p></details>",
            "<figure><img src=\"/media/a.png\" alt=\"A\"><figcaption>Cap</figcaption></figure>",
            "<script>alert(1)</script><p onclick=\"x()\" style=\"color:red\" id=\"main\" class=\"card\">p</p>",
            "<a href=\"javascript:alert(1)\">j</a><img src=\"data:image/png;base64,AAAA\">",
            "<form action=\"/x\"><input type=\"text\" name=\"q\"></form><iframe src=\"https://x\"></iframe>",
        ));
        // The end-to-end cases are in markdown/tests.rs; these are the cleaner's own.
        let kept = [
            "<details><summary>More</summary>",
            "<sup>2</sup>",
            "<mark>new</mark>",
            "<figcaption>Cap</figcaption>",
            "src=\"/media/a.png\"",
        ];
        let gone = ["card", "data:", "<form", "type=\"text\""];
        for k in kept {
            assert!(out.contains(k), "{k} in {out}");
        }
        for g in gone {
            assert!(!out.contains(g), "{g} in {out}");
        }
        assert!(out.contains("type=\"checkbox\""), "{out}");
        assert!(out.contains("disabled"), "{out}");
    }

    #[test]
    fn only_marked_ids_and_classes_survive() {
        let m = MARK.as_str();
        let out = clean(&format!(
            "<h2 id=\"{m}intro\" class=\"{m}lead\">A</h2><h3 id=\"intro2\">B</h3><pre><code class=\"language-rust\">x</code></pre>"
        ));
        assert!(out.contains("<h2 id=\"intro\" class=\"lead\">"), "{out}");
        assert!(out.contains("<h3>B</h3>"), "{out}");
        assert!(out.contains("class=\"language-rust\""), "{out}");
        assert!(!out.contains(m), "{out}");
    }

    #[test]
    fn an_id_is_kept_once() {
        let m = MARK.as_str();
        // The open `<a` takes the heading's id; the parser copies the `a` into the
        // next paragraph.
        let out = clean(&format!("<a\n<h2 id=\"{m}t\">T</h2>\n<p><a>6</a></p>"));
        assert_eq!(out.matches("id=\"t\"").count(), 1, "{out}");
        let again = clean(&format!("<h2 id=\"{m}t\">T</h2>"));
        assert!(again.contains("id=\"t\""), "{again}");
    }

    #[test]
    fn the_mark_never_shows() {
        let m = MARK.as_str();
        for html in [
            format!("<noframes><h2 id=\"{m}a\">A</h2>"),
            format!("<xmp><h2 id=\"{m}a\">A</h2></xmp>"),
            format!("<div title='<h2 id=\"{m}a\">A</h2><code>'>x</div>"),
        ] {
            let out = clean(&html);
            assert!(!out.contains(m), "{out}");
        }
    }
}
