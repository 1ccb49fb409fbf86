//! New records and new sites as text: every field of a collection with a short comment
//! saying what it means, valid at once. Pure functions; `cmd/new` and `cmd/init` write.

use crate::model::schema::{self, Field, Kind};
use crate::model::{Collection, SiteConfig};
use crate::resolve::translation_hash;

/// What a new record may refer to.
pub struct Context<'a> {
    pub config: &'a SiteConfig,
    /// Stems of existing partners and people.
    pub partners: Vec<String>,
    pub people: Vec<String>,
    /// Today, for dates.
    pub today: jiff::civil::Date,
    /// `klaster new` leaves choices (category, groups, funder) for the editor and
    /// writes placeholder texts that `check` reports until they are replaced;
    /// `klaster init` makes complete example records that build at once.
    pub example: bool,
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

/// A field's line: the value to write (`None`: left empty for the editor to fill
/// in) and whether it starts commented out (optional fields).
struct Line {
    value: Option<String>,
    commented: bool,
    /// What the comment adds to the field's help (the choices, say).
    note: String,
}

/// The line `klaster new` writes for a field of a record `slug` in `lang`.
fn line(f: &Field, c: Collection, slug: &str, lang: &str, cx: &Context) -> Line {
    let cfg = cx.config;
    let year = cx.today.year();
    let optional = |v: &str| Line {
        value: Some(v.to_string()),
        commented: true,
        note: String::new(),
    };
    let given = |v: String| Line {
        value: Some(v),
        commented: false,
        note: String::new(),
    };
    let choice = |choices: String, first: Option<String>, list: bool| {
        let note = if choices.is_empty() {
            "add one to content/site.yaml first".to_string()
        } else {
            format!("choose: {choices}")
        };
        Line {
            value: if cx.example {
                first.map(|k| if list { format!("[{k}]") } else { k })
            } else {
                None
            },
            commented: false,
            note,
        }
    };
    match f.kind {
        Kind::Category => choice(
            keys(&cfg.partner_categories),
            cfg.partner_categories.first().map(|(k, _)| k.clone()),
            false,
        ),
        Kind::Groups => choice(
            keys(&cfg.people_groups),
            cfg.people_groups.first().map(|(k, _)| k.clone()),
            true,
        ),
        Kind::Funder => choice(
            cfg.funders
                .iter()
                .map(|f| f.key.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            cfg.funders.first().map(|f| f.key.clone()),
            false,
        ),
        Kind::StrategyStatus => optional("current"),
        Kind::Text | Kind::Plain if f.required => given(quote(&humanize(slug))),
        Kind::Text | Kind::Plain => optional("\"\""),
        Kind::Url => optional("https://example.org"),
        Kind::Email => optional("name@example.org"),
        Kind::Phone => optional("+372 5555 5555"),
        Kind::Country => optional("EE"),
        Kind::Year => optional(&year.to_string()),
        Kind::Int => optional("1"),
        Kind::Bool => optional(if f.name == "member" { "true" } else { "false" }),
        Kind::Date if f.required => given(cx.today.to_string()),
        Kind::Date => optional(&format!("{}-12-31", year + 2)),
        Kind::Money => optional("600000 EUR"),
        Kind::Period if f.required => given(format!("{{from: {year}, to: {}}}", year + 4)),
        Kind::Period => optional(&format!("{{from: {year}, to: {}}}", year + 3)),
        Kind::Media => optional(&match c {
            Collection::People => format!("people/{slug}.jpg"),
            _ => format!("logos/{slug}.svg"),
        }),
        Kind::Partner | Kind::Organisation => optional(
            cx.partners
                .first()
                .map(String::as_str)
                .unwrap_or("partner-file-name"),
        ),
        Kind::Partners => optional(&format!(
            "[{}]",
            cx.partners
                .first()
                .map(String::as_str)
                .unwrap_or("partner-file-name")
        )),
        Kind::People => optional(&format!(
            "[{}]",
            cx.people
                .first()
                .map(String::as_str)
                .unwrap_or("person-file-name")
        )),
        Kind::TextList => {
            let item = schema::placeholder(f.name, lang, cx.example);
            given(format!("\n  - {}", quote(&item)))
        }
        Kind::Tags | Kind::RecordIds => optional("[]"),
        Kind::Documents => {
            optional("\n#   - {title: Strategy (PDF), file: documents/strategy.pdf, language: en}")
        }
        Kind::Related => optional("\n#   - {title: Example, url: https://example.org}"),
        Kind::Markdown | Kind::Slug | Kind::Extra | Kind::TranslatedFrom => optional(""),
    }
}

/// Writes `key: value   # help` lines for `fields`.
fn write_fields<'f>(
    out: &mut String,
    fields: impl Iterator<Item = &'f Field>,
    c: Collection,
    slug: &str,
    lang: &str,
    cx: &Context,
) {
    for f in fields {
        let l = line(f, c, slug, lang, cx);
        let help = match (l.note.is_empty(), f.required) {
            (true, true) => format!("required: {}", f.help),
            (true, false) => f.help.to_string(),
            (false, _) => format!("{}; {}", f.help, l.note),
        };
        let head = format!(
            "{}{}:{}",
            if l.commented { "# " } else { "" },
            f.name,
            match &l.value {
                Some(v) if v.starts_with('\n') => String::new(),
                Some(v) => format!(" {v}"),
                None => String::new(),
            }
        );
        out.push_str(&format!("{head:<32}# {help}\n"));
        if let Some(v) = l.value.filter(|v| v.starts_with('\n')) {
            out.push_str(v.trim_start_matches('\n'));
            out.push('\n');
        }
    }
}

/// The shared `<slug>.yaml`: the fields that are the same in every language.
fn shared_fields(c: Collection, slug: &str, cx: &Context) -> String {
    let mut s = format!(
        "# {} record `{}/{slug}`: the fields shared by all languages.\n# The texts of each language are in the .<lang>.md files beside this one.\n",
        humanize(c.name()),
        c.name()
    );
    let fields = schema::fields(c)
        .iter()
        .chain(
            schema::COMMON
                .iter()
                .filter(|f| matches!(f.name, "draft" | "extra")),
        )
        .filter(|f| !f.kind.translatable());
    write_fields(&mut s, fields, c, slug, cx.config.default_lang(), cx);
    s
}

/// The front matter of a language file: the translatable fields.
fn language_fields(c: Collection, slug: &str, lang: &str, cx: &Context) -> String {
    let mut s = String::new();
    let fields = schema::fields(c).iter().filter(|f| f.kind.translatable());
    write_fields(&mut s, fields, c, slug, lang, cx);
    s
}

fn body(c: Collection, lang: &str, cx: &Context) -> String {
    match c {
        Collection::People => String::new(),
        Collection::Strategy => format!(
            "## Overview\n\n{}\n",
            schema::placeholder("body", lang, cx.example)
        ),
        _ => format!("{}\n", schema::placeholder("body", lang, cx.example)),
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
        language_fields(c, slug, &default, cx),
        body(c, &default, cx)
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
                language_fields(c, slug, &lang.code, cx),
                body(c, &lang.code, cx)
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
            example: true,
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

/// `content/i18n/<lang>.yaml` with every interface text of `theme` to translate: each
/// key with the language's text where the theme has one (else `""`, which shows the
/// default language's text meanwhile), the English text beside it as a comment.
pub fn strings_file(theme: &crate::load::theme::LoadedTheme, lang: &str) -> NewFile {
    let texts = |code: &str| -> std::collections::BTreeMap<String, String> {
        let mut out = std::collections::BTreeMap::new();
        for (_, file) in theme.i18n.iter().filter(|(l, _)| l == code) {
            for (k, v) in file.node.as_map().unwrap_or(&[]) {
                if let (Some(k), Some(v)) = (k.scalar_text(), v.scalar_text()) {
                    out.insert(k, v);
                }
            }
        }
        out
    };
    let english = texts("en");
    let own = texts(lang);
    let mut text = format!(
        "# The interface texts of the site in `{lang}`: the words the theme puts on every page\n\
         # (menus, buttons, labels). Write each one after its name, in quotes; the English\n\
         # text is the comment beside it. A text left \"\" shows the default language's text\n\
         # (or English) until it is written. `{{n}}`-style parts are filled in by the page.\n"
    );
    for (key, en) in &english {
        let value = own.get(key).map(String::as_str).unwrap_or("");
        let quoted = serde_json::to_string(value).unwrap_or_else(|_| "\"\"".into());
        let comment = en.replace('\n', " ");
        text.push_str(&format!("{key}: {quoted}  # {comment}\n"));
    }
    NewFile {
        path: format!("content/i18n/{lang}.yaml"),
        text,
    }
}

/// The languages of `languages` for which `theme` has no interface texts.
pub fn languages_without_strings<'a>(
    theme: &crate::load::theme::LoadedTheme,
    languages: &'a [String],
) -> Vec<&'a String> {
    languages
        .iter()
        .filter(|l| !theme.i18n.iter().any(|(code, _)| code == *l))
        .collect()
}
