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
