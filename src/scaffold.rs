//! New records and new sites as text: every field of a collection with a short comment
//! saying what it means, valid at once. Pure functions; `cmd/new` and `cmd/init` write.

use crate::model::{Collection, SiteConfig};
use crate::resolve::translation_hash;

/// What a new record may refer to, so the scaffold builds at once.
pub struct Context<'a> {
    pub config: &'a SiteConfig,
    /// Stems of existing partners and people.
    pub partners: Vec<String>,
    pub people: Vec<String>,
    /// Today, for dates.
    pub today: jiff::civil::Date,
}

/// A file to write, relative to the site root.
pub struct NewFile {
    pub path: String,
    pub text: String,
}

/// `tartu-ulikool` → `Tartu ulikool`.
pub fn humanize(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Keys of a site.yaml table for a comment: `startup, medtech`.
fn keys(table: &[(String, crate::model::Text)]) -> String {
    table
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Lines of the shared `<slug>.yaml` (fields the same in every language).
fn shared_fields(c: Collection, slug: &str, cx: &Context) -> String {
    let cfg = cx.config;
    let year = cx.today.year();
    let first =
        |t: &[(String, crate::model::Text)]| t.first().map(|(k, _)| k.clone()).unwrap_or_default();
    let mut s = String::new();
    let mut line = |text: String| {
        s.push_str(&text);
        s.push('\n');
    };
    line(format!(
        "# {} record `{}/{slug}`: fields shared by all languages.",
        humanize(c.name()),
        c.name()
    ));
    line("# The texts of each language are in the .<lang>.md files beside this one.".into());
    match c {
        Collection::Partners => {
            line(format!(
                "category: {}          # one of: {}",
                first(&cfg.partner_categories),
                keys(&cfg.partner_categories)
            ));
            line("member: true                # false for a network or alliance the cluster belongs to".into());
            line(
                "# website: https://example.org   # the partner's own site (http or https)".into(),
            );
            line(format!(
                "# logo: logos/{slug}.svg        # a file in content/media/"
            ));
            line("# country: EE                # ISO 3166-1 two-letter code".into());
            line(format!(
                "# joined: {year}                # the year the partner joined"
            ));
            line("tags: []                    # topics, e.g. [medtech, e-health]".into());
        }
        Collection::People => {
            line(format!(
                "groups: [{}]               # one or more of: {}",
                first(&cfg.people_groups),
                keys(&cfg.people_groups)
            ));
            match cx.partners.first() {
                Some(p) => line(format!(
                    "# organisation: {p}   # a partner's file name, or the organisation's name as text"
                )),
                None => line(
                    "# organisation: Name of the organisation   # or a partner's file name".into(),
                ),
            }
            line(format!(
                "# photo: people/{slug}.jpg     # a file in content/media/"
            ));
            line("# email: name@example.org".into());
            line(
                "# phone: +372 5555 5555      # international form: + country code, digits, spaces"
                    .into(),
            );
            line("# order: 1                   # position in the list (smaller first)".into());
            line(format!(
                "# term: {{from: {year}, to: {}}}   # years on the board",
                year + 3
            ));
        }
        Collection::Strategy => {
            line(format!(
                "period: {{from: {year}, to: {}}}   # the years the strategy covers",
                year + 4
            ));
            line("status: draft               # current, previous or draft".into());
            line(
                "# documents:                 # attached files: in content/media/ or a web address"
                    .into(),
            );
            line(
                "#   - {title: Strategy (PDF), file: documents/strategy.pdf, language: en}".into(),
            );
            line("# related:                   # links to other sites".into());
            line("#   - {title: Example, url: https://example.org}".into());
        }
        Collection::Projects => {
            match cfg.funders.first() {
                Some(f) => line(format!("funder: {}                # one of: {}", f.key, cfg.funders.iter().map(|f| f.key.as_str()).collect::<Vec<_>>().join(", "))),
                None => line("funder: FUNDER              # add a funder under `funders:` in content/site.yaml first".into()),
            }
            line(format!(
                "start: {}           # the first day, YYYY-MM-DD",
                cx.today
            ));
            line(format!(
                "# end: {}-12-31            # the last day",
                year + 2
            ));
            line("# grant: 600000 EUR          # amount and ISO 4217 currency".into());
            line("# total_cost: 800000 EUR".into());
            line("# public_funding: 700000 EUR".into());
            match cx.partners.first() {
                Some(p) => {
                    line(format!("# coordinator: {p}   # a partner's file name"));
                    line(format!("# implementers: [{p}]   # partners' file names"));
                }
                None => {
                    line("# coordinator: partner-file-name".into());
                    line("# implementers: [partner-file-name]".into());
                }
            }
            match cx.people.first() {
                Some(p) => line(format!("# contacts: [{p}]   # people's file names")),
                None => line("# contacts: [person-file-name]".into()),
            }
            line("# website: https://example.org".into());
        }
        Collection::News => {
            line(format!(
                "date: {}            # publication date, YYYY-MM-DD",
                cx.today
            ));
            line("tags: []".into());
            line(
                "related: []                 # record ids, e.g. [projects/cluster-development]"
                    .into(),
            );
        }
        Collection::Pages => {
            line("# order: 1                   # position among the pages (smaller first)".into());
        }
    }
    line("# draft: true                # keep it out of the published site for now".into());
    line("# extra: {}                  # your own fields for the templates".into());
    s
}

/// Front matter lines of a language file: the translatable fields.
fn language_fields(c: Collection, slug: &str, lang: &str) -> String {
    let title = humanize(slug);
    let q = quote(&title);
    match c {
        Collection::Partners => format!(
            "name: {q}        # the organisation's name in this language\n# summary: \"\"        # one or two sentences for the partner card\n# city: \"\"\n"
        ),
        Collection::People => {
            format!(
                "name: {q}\n# title: \"\"          # job title\n# role: \"\"           # e.g. representative of hospitals\n"
            )
        }
        Collection::Strategy => {
            format!("title: {q}\n# summary: \"\"        # one or two sentences for lists\n")
        }
        Collection::Projects => format!(
            "title: {q}\n# summary: \"\"        # one or two sentences for lists\n# programme: \"\"      # the support measure\nobjectives:\n  - \"First objective ({lang})\"\nresults:\n  - \"Expected result ({lang})\"\n"
        ),
        Collection::News => format!(
            "title: {q}\n# summary: \"\"        # one or two sentences for lists and the feed\n"
        ),
        Collection::Pages => format!("title: {q}\n"),
    }
}

fn body(c: Collection, lang: &str) -> String {
    match c {
        Collection::People => String::new(),
        Collection::Strategy => format!(
            "## Overview\n\nWrite the {lang} text here. Headings make the table of contents.\n"
        ),
        _ => format!("Write the {lang} text here.\n"),
    }
}

/// The files of a new record: `<slug>.yaml` and one `<slug>.<lang>.md` per language.
/// Language files other than the default's carry `translated_from`, the fingerprint of
/// the default language's text they were translated from.
pub fn record(c: Collection, slug: &str, cx: &Context) -> Vec<NewFile> {
    let dir = format!("content/{}", c.name());
    let mut files = vec![NewFile {
        path: format!("{dir}/{slug}.yaml"),
        text: shared_fields(c, slug, cx),
    }];
    let default = cx.config.default_lang().to_string();
    let default_text = format!(
        "---\n{}---\n{}",
        language_fields(c, slug, &default),
        body(c, &default)
    );
    let hash = translation_hash(&default_text);
    for lang in &cx.config.languages {
        let text = if lang.code == default {
            default_text.clone()
        } else {
            format!(
                "---\n# translated_from: the fingerprint of the {default} text this translation follows;\n# `klaster translations --mark-done {}/{slug} {}` updates it.\ntranslated_from: \"{hash}\"\n{}---\n{}",
                c.name(),
                lang.code,
                language_fields(c, slug, &lang.code),
                body(c, &lang.code)
            )
        };
        files.push(NewFile {
            path: format!("{dir}/{slug}.{}.md", lang.code),
            text,
        });
    }
    files
}

/// Accessibility statement texts for the languages the default theme speaks.
fn accessibility(lang: &str) -> (&'static str, &'static str) {
    match lang {
        "et" => (
            "Ligipääsetavuse teatis",
            "Soovime, et seda veebilehte saaksid kasutada kõik. Leht järgib veebisisu ligipääsetavuse suuniseid (WCAG 2.1, tase AA).\n\nKui märkad takistust, kirjuta meile: vastame ja parandame vea esimesel võimalusel.\n",
        ),
        "fi" => (
            "Saavutettavuusseloste",
            "Haluamme, että kaikki voivat käyttää tätä verkkosivustoa. Sivusto noudattaa verkkosisällön saavutettavuusohjeita (WCAG 2.1, taso AA).\n\nJos huomaat esteen, kirjoita meille: vastaamme ja korjaamme virheen mahdollisimman pian.\n",
        ),
        _ => (
            "Accessibility statement",
            "We want everyone to be able to use this website. It follows the Web Content Accessibility Guidelines (WCAG 2.1, level AA).\n\nIf you find a barrier, write to us: we will answer and fix it as soon as we can.\n",
        ),
    }
}

/// The files of a new site with `languages` (the first is the default).
pub fn site(languages: &[String], today: jiff::civil::Date) -> Vec<NewFile> {
    let map = |f: &dyn Fn(&str) -> String| -> String {
        let parts: Vec<String> = languages
            .iter()
            .map(|l| format!("{l}: {}", quote(&f(l))))
            .collect();
        format!("{{{}}}", parts.join(", "))
    };
    let site_yaml = format!(
        "# Site settings. See docs/content.md for every key.\n\
         title: {}\n\
         description: {}\n\
         base_url: https://example.org          # the published address; --base-url overrides it\n\
         languages: [{}]                  # the first is the default language\n\
         theme: default\n\
         organisation:\n  name: {}\n  email: info@example.org\n\
         partner_categories:\n  company: {}\n  research: {}\n  network: {}\n\
         people_groups:\n  board: {}\n  team: {}\n\
         funders:\n  erdf:\n    name: {}\n    eu: true\n\
         menu: [partners, projects, strategy, people, news, pages/about]\n",
        map(&|_| "New cluster".into()),
        map(&|_| "A short description of the cluster.".into()),
        languages.join(", "),
        map(&|_| "New cluster".into()),
        map(&|l| match l {
            "et" => "Ettevõtted",
            "fi" => "Yritykset",
            _ => "Companies",
        }
        .into()),
        map(&|l| match l {
            "et" => "Teadus ja haridus",
            "fi" => "Tutkimus ja koulutus",
            _ => "Research and education",
        }
        .into()),
        map(&|l| match l {
            "et" => "Võrgustikud",
            "fi" => "Verkostot",
            _ => "Networks",
        }
        .into()),
        map(&|l| match l {
            "et" => "Nõukogu",
            "fi" => "Neuvottelukunta",
            _ => "Advisory board",
        }
        .into()),
        map(&|l| match l {
            "et" => "Meeskond",
            "fi" => "Tiimi",
            _ => "Team",
        }
        .into()),
        map(&|l| match l {
            "et" => "Euroopa Regionaalarengu Fond",
            "fi" => "Euroopan aluekehitysrahasto",
            _ => "European Regional Development Fund",
        }
        .into()),
    );
    let mut files = vec![
        NewFile {
            path: "content/site.yaml".into(),
            text: site_yaml,
        },
        NewFile {
            path: ".gitignore".into(),
            text: "/output\n/.klaster-cache\n".into(),
        },
        NewFile {
            path: "content/media/.gitkeep".into(),
            text: String::new(),
        },
    ];
    // Parse the settings we just wrote so records are made against them.
    let config = crate::resolve::config_from_text(&files[0].text);
    if let Some(config) = config {
        let cx = Context {
            config: &config,
            partners: vec!["example-partner".into()],
            people: vec!["example-person".into()],
            today,
        };
        for (c, slug) in [
            (Collection::Partners, "example-partner"),
            (Collection::People, "example-person"),
            (Collection::Strategy, "example-strategy"),
            (Collection::Projects, "example-project"),
            (Collection::News, "welcome"),
            (Collection::Pages, "about"),
        ] {
            files.extend(record(c, slug, &cx));
        }
        files.push(NewFile {
            path: "content/pages/accessibility.yaml".into(),
            text: "# The accessibility statement: adapt it to your organisation.\norder: 9\n"
                .into(),
        });
        for lang in languages {
            let (title, text) = accessibility(lang);
            files.push(NewFile {
                path: format!("content/pages/accessibility.{lang}.md"),
                text: format!("---\ntitle: {}\n---\n{text}", quote(title)),
            });
        }
        files.push(NewFile {
            path: "content/pages/home.yaml".into(),
            text: format!(
                "# The introduction on the home page (it has no page of its own).\ntitle: {}\nbody: {}\n",
                map(&|_| "Home".into()),
                map(&|l| format!("Welcome: this is the {l} introduction of the new cluster site."))
            ),
        });
    }
    files
}
