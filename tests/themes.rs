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
