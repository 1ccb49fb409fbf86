use super::*;

fn no_links(_: Target) -> Result<String, (String, String)> {
    Err(("unknown".into(), "help".into()))
}

fn theme() -> Reserved {
    Reserved::from_theme(
        [r#"<main id="main" class="wrap"><h2 id="h-toc">x</h2><p class="card"></p>"#],
        [".prose{}"],
    )
}

fn md(src: &str) -> Rendered {
    let reserved = theme();
    let labels = Labels::default();
    render(
        src,
        &Options {
            unsafe_html: false,
            reserved: &reserved,
            labels: &labels,
            pictures: None,
        },
        &no_links,
    )
}

fn md_unsafe(src: &str) -> Rendered {
    let reserved = Reserved::default();
    let labels = Labels::default();
    render(
        src,
        &Options {
            unsafe_html: true,
            reserved: &reserved,
            labels: &labels,
            pictures: None,
        },
        &no_links,
    )
}

#[test]
fn heading_attributes_cannot_add_event_handlers() {
    let r = md("## Welcome {tabindex=0 autofocus onfocus=alert(document.domain)}\n");
    assert_eq!(r.html.trim(), r#"<h2 id="welcome">Welcome</h2>"#);
    let r = md("## Hi {#intro .note .card style=color:red data-x=1}\n");
    assert_eq!(r.html.trim(), r#"<h2 id="intro" class="note">Hi</h2>"#);
    let r = md("## Hi {#\"><script>x</script> .a\"b}\n");
    assert!(!r.html.contains("<script"), "{}", r.html);
    assert!(!r.html.contains("a\"b"), "{}", r.html);
}

#[test]
fn heading_ids_avoid_the_theme_and_repeat_with_suffixes() {
    let r = md("## Main\n\n## Mission\n\ntext\n\n## Mission\n\n### Vision & goals\n");
    assert!(r.html.contains(r#"<h2 id="main-1">"#), "{}", r.html);
    assert!(r.html.contains(r#"<h2 id="mission">"#), "{}", r.html);
    assert!(r.html.contains(r#"<h2 id="mission-1">"#), "{}", r.html);
    assert_eq!(r.toc.len(), 4);
    assert_eq!(r.toc[3].id, "vision-goals");
    assert_eq!(r.toc[3].level, 3);
}

#[test]
fn many_identical_headings_get_distinct_ids() {
    let src = "## x\n\n".repeat(2000);
    let r = md(&src);
    let ids: std::collections::HashSet<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids.len(), 2000);
    assert_eq!(r.toc[1999].id, "x-1999");
}

#[test]
fn a_body_h1_is_never_a_second_page_title() {
    let r = md("# Title\n\n## Part\n\n###### Deep\n");
    assert!(!r.html.contains("<h1"), "{}", r.html);
    assert!(r.html.contains(r#"<h2 id="title">"#), "{}", r.html);
    assert!(r.html.contains(r#"<h3 id="part">"#), "{}", r.html);
    assert!(r.html.contains(r#"<h6 id="deep">"#), "{}", r.html);
    assert_eq!(r.toc[0].level, 2);
}

#[test]
fn footnotes_are_collected_at_the_end_with_links_back() {
    let r = md("## 1\n\nText[^1] and more[^b].\n\n[^b]: Second.\n[^1]: First.\n\nAfter.\n");
    let h = &r.html;
    assert!(h.contains(r#"<h2 id="1">"#), "{h}");
    assert!(h.contains(r##"<a href="#fn-1" id="fnref-1">1</a>"##), "{h}");
    assert!(h.contains(r##"<a href="#fn-b" id="fnref-b">2</a>"##), "{h}");
    let notes = h
        .find("<section class=\"footnotes\">")
        .expect("footnotes section");
    assert!(h.find("After.").expect("text") < notes, "{h}");
    let first = h.find(r#"<li id="fn-1">"#).expect("note 1");
    let second = h.find(r#"<li id="fn-b">"#).expect("note b");
    assert!(first < second, "numbered by first reference: {h}");
    assert!(
        h.contains(r##"href="#fnref-1" class="footnote-back""##),
        "{h}"
    );
}

#[test]
fn task_lists_alerts_and_tables_use_no_styles() {
    let r = md(
        "- [x] done\n- [ ] todo\n\n> [!NOTE]\n> Read this.\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n",
    );
    let h = &r.html;
    assert!(
        h.contains(r#"<input type="checkbox" disabled="" checked=""> done"#),
        "{h}"
    );
    assert!(
        h.contains(r#"<input type="checkbox" disabled=""> todo"#),
        "{h}"
    );
    assert!(
        h.contains(r#"<div class="markdown-alert markdown-alert-note">"#),
        "{h}"
    );
    assert!(
        h.contains(r#"<p class="markdown-alert-title">Note</p>"#),
        "{h}"
    );
    assert!(h.contains(r#"<th class="align-right">b</th>"#), "{h}");
    assert!(h.contains(r#"<td class="align-right">2</td>"#), "{h}");
    assert!(!h.contains("style="), "{h}");
}

#[test]
fn harmless_raw_html_is_kept_and_the_rest_removed() {
    let r = md(concat!(
        "Text with <abbr title=\"World Health Organization\">WHO</abbr>, H<sub>2</sub>O",
        " and <kbd>Ctrl</kbd>.<br>\n\n",
        "<details>\n<summary>More</summary>\n\nHidden *text*.\n\n</details>\n\n",
        "<script>alert(1)</script>\n\n<div onclick=x style=\"color:red\" id=\"main\">y</div>\n\n",
        "## Kept {#kept}\n\n<a href=\"javascript:alert(1)\">j</a> <iframe src=\"https://x.example\"></iframe>\n",
    ));
    let h = &r.html;
    for kept in [
        "<abbr title=\"World Health Organization\">WHO</abbr>",
        "<sub>2</sub>",
        "<kbd>Ctrl</kbd>",
        "<br>",
        "<summary>More</summary>",
        "<em>text</em>",
        "<h2 id=\"kept\">Kept</h2>",
    ] {
        assert!(h.contains(kept), "{kept} missing in {h}");
    }
    for gone in [
        "<script",
        "alert(1)",
        "onclick",
        "style=",
        "id=\"main\"",
        "javascript:",
        "<iframe",
        "kmark",
    ] {
        assert!(!h.contains(gone), "{gone} left in {h}");
    }
}

#[test]
fn unclosed_raw_html_cannot_reach_the_theme() {
    let r = md("<div><section><p>open\n\nText\n");
    assert_eq!(
        r.html.matches("<div>").count(),
        r.html.matches("</div>").count()
    );
    let r = md("</main></div><p>x\n");
    assert!(!r.html.contains("</main>"), "{}", r.html);
}

#[test]
fn unsafe_html_lets_raw_html_through() {
    let r = md_unsafe("<b onclick=x>x</b>\n\n<script>s()</script>\n");
    assert!(r.html.contains("<b onclick=x>x</b>"), "{}", r.html);
    assert!(r.html.contains("<script>s()</script>"), "{}", r.html);
}

#[test]
fn neutralises_script_links() {
    let r = md("[x](javascript:alert(1)) [y]( JaVaScRiPt:alert(1)) ![i](data:image/png;base64,AA)");
    assert!(!r.html.to_lowercase().contains("javascript"), "{}", r.html);
    assert!(!r.html.contains("data:"), "{}", r.html);
}

#[test]
fn resolves_record_links_and_reports_broken_ones() {
    let resolve = |t: Target| match t {
        Target::Record("partners/tehnopol") => Ok("/en/partners/tehnopol/".to_string()),
        Target::Media("logo.png") => Ok("/site/media/logo.png".to_string()),
        other => Err((format!("no target {other:?}"), "check".to_string())),
    };
    let src = "See [T](@partners/tehnopol#x) and [o](https://example.org/a).\n\nAnd [U](@partners/nope). ![l](media/logo.png)";
    let reserved = Reserved::default();
    let labels = Labels::default();
    let opts = Options {
        unsafe_html: false,
        reserved: &reserved,
        labels: &labels,
        pictures: None,
    };
    let r = render(src, &opts, &resolve);
    assert!(
        r.html.contains(r#"href="/en/partners/tehnopol/#x""#),
        "{}",
        r.html
    );
    assert!(
        r.html.contains(r#"src="/site/media/logo.png""#),
        "{}",
        r.html
    );
    assert_eq!(r.problems.len(), 1);
    assert_eq!(line_col(src, r.problems[0].offset), (3, 5));
    assert_eq!(r.links.len(), 1);
    assert_eq!(r.links[0].url, "https://example.org/a");
    assert_eq!(line_col(src, r.links[0].offset), (1, 35));
}

#[test]
fn reports_links_and_images_to_other_sites() {
    let src = "Read [the plan](https://example.org/plan).\n\n![Logo](HTTP://example.org/logo.png) [x](@partners/a) [m](media/a.pdf) <https://example.org/auto>\n";
    let r = md(src);
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

#[test]
fn a_footnote_defined_twice_is_its_first_definition() {
    let r = md("Text[^1].\n\n[^1]: First.\n\n[^1]: ## Second\n");
    assert!(r.html.contains("First."), "{}", r.html);
    assert!(!r.html.contains("Second"), "{}", r.html);
    // The heading of the definition left out is not in the table of contents.
    assert!(r.toc.is_empty(), "{:?}", r.toc);
    let r = md("[^1]: ## Kept\n\n[^1]: Other.\n");
    assert_eq!(r.toc.len(), 1, "{:?}", r.toc);
    assert!(
        r.html.contains(&format!(" id=\"{}\"", r.toc[0].id)),
        "{}",
        r.html
    );
}
