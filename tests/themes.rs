//! Themes of a site's own, extending the built-in default theme.

mod common;
use common::*;

/// `collections` is built only when a template mentions it (it keeps every record's
/// card in memory); a theme that uses it gets every record of the language.
#[test]
fn a_template_that_uses_collections_sees_every_record() {
    let site = TestSite::new();
    let yaml = std::fs::read_to_string(site.path().join("content/site.yaml")).expect("site.yaml");
    site.write("content/site.yaml", &format!("{yaml}theme: mine\n"));
    site.write("themes/mine/theme.yaml", "name: mine\nextends: default\n");
    site.write(
        "themes/mine/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<ul id=\"all\">{% for p in collections.partners %}<li>{{ p.name }}</li>{% endfor %}{% for n in collections.news %}<li>{{ n.title }}</li>{% endfor %}</ul>{% endblock content %}",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let page =
        std::fs::read_to_string(site.path().join("output/en/about/index.html")).expect("page");
    assert!(
        page.contains("<ul id=\"all\"><li>Science Park Tehnopol</li><li>Hello</li></ul>"),
        "{page}"
    );
    let page =
        std::fs::read_to_string(site.path().join("output/et/about/index.html")).expect("page");
    assert!(
        page.contains("<li>Teaduspark Tehnopol</li><li>Tere</li>"),
        "{page}"
    );
}

/// A mistake in a template that many pages use is one error, at the template's line,
/// with the templates that included it as help, and the number of pages it failed.
#[test]
fn a_template_mistake_is_one_error_at_its_line() {
    let site = TestSite::new();
    let yaml = std::fs::read_to_string(site.path().join("content/site.yaml")).expect("site.yaml");
    site.write("content/site.yaml", &format!("{yaml}theme: mine\n"));
    site.write("themes/mine/theme.yaml", "name: mine\nextends: default\n");
    site.write(
        "themes/mine/templates/partials/broken.html",
        "<ul>\n{% for x in no_such_list %}<li>{{ x }}</li>{% endfor %}\n</ul>\n",
    );
    site.write(
        "themes/mine/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{% include \"partials/broken.html\" %}{% endblock content %}",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 1, "{}", run.all());
    let text = run.all();
    assert_eq!(text.matches("error: rendering").count(), 1, "{text}");
    assert!(
        text.contains("error: rendering et/about/index.html (and 1 other page) failed: "),
        "{text}"
    );
    assert!(
        text.contains(" --> themes/mine/templates/partials/broken.html:2:"),
        "{text}"
    );
    assert!(text.contains("2 | {% for x in no_such_list %}"), "{text}");
    assert!(text.contains("= help: called from page.html:"), "{text}");
    assert!(!text.contains("\\u{a}"), "{text}");
}

/// A news list page's `paginator.pages` is a window (first, last, and two either side
/// of the current page), not every page: with thousands of pages, every page listing
/// all the others made the lists quadratic.
#[test]
fn the_paginator_lists_a_window_of_pages() {
    let site = TestSite::new();
    let yaml = std::fs::read_to_string(site.path().join("content/site.yaml")).expect("site.yaml");
    site.write("content/site.yaml", &format!("{yaml}theme: mine\n"));
    site.write("themes/mine/theme.yaml", "name: mine\nextends: default\n");
    site.write(
        "themes/mine/templates/news_list.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"pages\">{% for p in paginator.pages %}{% if p.current %}[{{ p.number }}]{% else %}{{ p.number }}{% endif %} {% endfor %}</p>{% endblock content %}",
    );
    for i in 0..100 {
        site.write(
            &format!("content/news/n{i:03}.yaml"),
            &format!("title: {{et: Uudis {i}, en: News {i}}}\ndate: 2024-01-01\n"),
        );
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let pages = |file: &str| {
        let html = std::fs::read_to_string(site.path().join("output").join(file)).expect(file);
        let start = html.find("<p id=\"pages\">").expect("pages") + 14;
        html[start..start + html[start..].find("</p>").expect("end")]
            .trim()
            .to_string()
    };
    // 101 news items: 11 pages.
    assert_eq!(pages("en/news/page/6/index.html"), "1 4 5 [6] 7 8 11");
    assert_eq!(pages("en/news/index.html"), "[1] 2 3 11");
    assert_eq!(pages("en/news/page/11/index.html"), "1 9 10 [11]");
}
