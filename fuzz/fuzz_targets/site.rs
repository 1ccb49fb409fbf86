//! A whole generated site through `klaster::pipeline::run` (load, resolve, render).
//!
//! The input is read with `arbitrary` as a small site: a site.yaml (the corpus base,
//! one or three languages, a sub-path, hostile titles, or the base with any text
//! after it), the base site's records, and a handful of records of every collection
//! with fields drawn from plausible and hostile values (texts with markup and template
//! code, dates, addresses, media paths, references) and Markdown bodies with links,
//! headings, attributes, footnotes, tables and raw HTML. The site is written into a
//! fresh folder (on /dev/shm when there is one) and built in memory.
//!
//! Checks: no panic; every diagnostic names a file, and one with a line is inside the
//! file and quotes that line; every rendered page passes the markup scan (only the
//! theme's JSON-LD and same-site scripts, page title and forms; no handlers, styles,
//! script URLs or ids twice), unless the site trusts its authors with
//! `unsafe_html`; no output file shows klaster's sanitiser mark.

#![no_main]

use klaster::output::Collect;
use klaster::pipeline;
use klaster_fuzz::{Markup, leaks_mark, problems, reserved};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

const BASE_SITE: &str = include_str!("../../tests/corpus/_base/content/site.yaml");
const LOGO: &str = include_str!("../../tests/corpus/_base/content/media/logo.svg");
const BASE_FILES: &[(&str, &str)] = &[
    (
        "content/partners/tehnopol.yaml",
        include_str!("../../tests/corpus/_base/content/partners/tehnopol.yaml"),
    ),
    (
        "content/people/anna-test.yaml",
        include_str!("../../tests/corpus/_base/content/people/anna-test.yaml"),
    ),
    (
        "content/projects/development.yaml",
        include_str!("../../tests/corpus/_base/content/projects/development.yaml"),
    ),
    (
        "content/news/hello.yaml",
        include_str!("../../tests/corpus/_base/content/news/hello.yaml"),
    ),
    (
        "content/pages/about.yaml",
        include_str!("../../tests/corpus/_base/content/pages/about.yaml"),
    ),
    (
        "content/pages/about.en.md",
        include_str!("../../tests/corpus/_base/content/pages/about.en.md"),
    ),
    (
        "content/pages/about.et.md",
        include_str!("../../tests/corpus/_base/content/pages/about.et.md"),
    ),
];

#[derive(Arbitrary, Debug)]
struct Input {
    site: SiteYaml,
    records: Vec<Rec>,
    drafts: bool,
    base_url: Option<UrlV>,
}

#[derive(Arbitrary, Debug)]
enum SiteYaml {
    Base,
    OneLanguage,
    ThreeLanguages,
    SubPath,
    Hostile(Txt),
    /// The base site.yaml and more lines.
    More(String),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Coll {
    Partners,
    People,
    Strategy,
    Projects,
    News,
    Pages,
}

#[derive(Arbitrary, Debug)]
enum Stem {
    X,
    Y,
    Home,
    About,
    Tehnopol,
    AnnaTest,
    Main,
    Search,
    Content,
    Numbered(u8),
    NotASlug,
    NonAscii,
    Any(String),
}

#[derive(Arbitrary, Debug)]
enum Layout {
    /// `stem.yaml`.
    Yaml,
    /// `stem.md`.
    Markdown,
    /// `stem.yaml` with the fields and `stem.<lang>.md` with the bodies.
    Languages,
}

#[derive(Arbitrary, Debug)]
struct Rec {
    collection: Coll,
    stem: Stem,
    layout: Layout,
    fields: Vec<(Field, Value)>,
    body: Vec<Part>,
    other_body: Vec<Part>,
}

#[derive(Arbitrary, Debug)]
enum Field {
    Name,
    Title,
    Summary,
    Category,
    Website,
    Logo,
    Country,
    City,
    Joined,
    Tags,
    Member,
    Groups,
    Role,
    Organisation,
    Photo,
    Email,
    Phone,
    Order,
    Term,
    Period,
    Status,
    Documents,
    Related,
    Funder,
    Programme,
    Grant,
    TotalCost,
    PublicFunding,
    Start,
    End,
    Coordinator,
    Implementers,
    Contacts,
    Objectives,
    Results,
    Date,
    Draft,
    Slug,
    Extra,
    Body,
    TranslatedFrom,
    Any(String),
}

impl Field {
    fn name(&self) -> &str {
        match self {
            Field::Name => "name",
            Field::Title => "title",
            Field::Summary => "summary",
            Field::Category => "category",
            Field::Website => "website",
            Field::Logo => "logo",
            Field::Country => "country",
            Field::City => "city",
            Field::Joined => "joined",
            Field::Tags => "tags",
            Field::Member => "member",
            Field::Groups => "groups",
            Field::Role => "role",
            Field::Organisation => "organisation",
            Field::Photo => "photo",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Order => "order",
            Field::Term => "term",
            Field::Period => "period",
            Field::Status => "status",
            Field::Documents => "documents",
            Field::Related => "related",
            Field::Funder => "funder",
            Field::Programme => "programme",
            Field::Grant => "grant",
            Field::TotalCost => "total_cost",
            Field::PublicFunding => "public_funding",
            Field::Start => "start",
            Field::End => "end",
            Field::Coordinator => "coordinator",
            Field::Implementers => "implementers",
            Field::Contacts => "contacts",
            Field::Objectives => "objectives",
            Field::Results => "results",
            Field::Date => "date",
            Field::Draft => "draft",
            Field::Slug => "slug",
            Field::Extra => "extra",
            Field::Body => "body",
            Field::TranslatedFrom => "translated_from",
            Field::Any(s) => s,
        }
    }
}

/// A text: plausible, hostile to HTML, JSON-LD, templates or terminals, or anything.
#[derive(Arbitrary, Debug)]
enum Txt {
    Plain,
    Estonian,
    Script,
    CloseScript,
    Quotes,
    Template,
    Bidi,
    Entity,
    Markdown,
    Key(Key),
    Any(String),
}

impl Txt {
    fn text(&self) -> String {
        match self {
            Txt::Plain => "Science park".into(),
            Txt::Estonian => "Tõenäoliselt õüäö šž".into(),
            Txt::Script => "<script>alert(1)</script>".into(),
            Txt::CloseScript => "</script><script>alert(1)</script><!--".into(),
            Txt::Quotes => "\"' onmouseover=alert(1) x=\"".into(),
            Txt::Template => "{{ site.title }}{% raw %}{# x #}".into(),
            Txt::Bidi => "abc\u{202e}def\u{2066}".into(),
            Txt::Entity => "&lt;b&gt; &amp;amp; &#x3C;script&#x3E;".into(),
            Txt::Markdown => "**bold** [x](javascript:alert(1)) <img src=x onerror=y()>".into(),
            Txt::Key(k) => k.text().into(),
            Txt::Any(s) => s.clone(),
        }
    }
}

/// Keys and ids the base site defines, and some it does not.
#[derive(Arbitrary, Debug)]
enum Key {
    Startup,
    Medtech,
    Board,
    Team,
    Erdf,
    Local,
    Current,
    Ee,
    Missing,
}

impl Key {
    fn text(&self) -> &'static str {
        match self {
            Key::Startup => "startup",
            Key::Medtech => "medtech",
            Key::Board => "board",
            Key::Team => "team",
            Key::Erdf => "erdf",
            Key::Local => "local",
            Key::Current => "current",
            Key::Ee => "EE",
            Key::Missing => "nonexistent",
        }
    }
}

#[derive(Arbitrary, Debug)]
enum UrlV {
    Https,
    Http,
    SubPath,
    Mailto,
    Tel,
    JavaScript,
    JavaScriptHidden,
    Vbscript,
    Data,
    Relative,
    ProtocolRelative,
    Any(String),
}

impl UrlV {
    fn text(&self) -> String {
        match self {
            UrlV::Https => "https://example.com/a?b=c&d=e#f".into(),
            UrlV::Http => "http://example.com".into(),
            UrlV::SubPath => "https://example.org/cluster/".into(),
            UrlV::Mailto => "mailto:info@example.org".into(),
            UrlV::Tel => "tel:+3725555555".into(),
            UrlV::JavaScript => "javascript:alert(1)".into(),
            UrlV::JavaScriptHidden => " JaVa\tScRiPt:alert(1)".into(),
            UrlV::Vbscript => "vbscript:msgbox(1)".into(),
            UrlV::Data => "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==".into(),
            UrlV::Relative => "../../site.yaml".into(),
            UrlV::ProtocolRelative => "//evil.example/x".into(),
            UrlV::Any(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum MediaV {
    Logo,
    SlashLogo,
    Report,
    Missing,
    Escape,
    Absolute,
    Any(String),
}

impl MediaV {
    fn text(&self) -> String {
        match self {
            MediaV::Logo => "logo.svg".into(),
            MediaV::SlashLogo => "/media/logo.svg".into(),
            MediaV::Report => "docs/report.pdf".into(),
            MediaV::Missing => "missing.png".into(),
            MediaV::Escape => "../site.yaml".into(),
            MediaV::Absolute => "/etc/passwd".into(),
            MediaV::Any(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Value {
    Text(Txt),
    Localized(Txt, Txt),
    List(Vec<Txt>),
    Int(i64),
    Bool(bool),
    Null,
    Date(u16, u8, u8),
    Year(u16),
    Period(u16, u16),
    Url(UrlV),
    Media(MediaV),
    Ref(Coll, Stem),
    Refs(Vec<(Coll, Stem)>),
    Money(u32, bool),
    Documents(Vec<(Txt, MediaV)>),
    Related(Vec<(Txt, UrlV)>),
    /// Written into the file as it is.
    Raw(String),
}

/// A YAML double-quoted scalar (JSON's escapes are YAML's).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

impl Coll {
    fn name(self) -> &'static str {
        match self {
            Coll::Partners => "partners",
            Coll::People => "people",
            Coll::Strategy => "strategy",
            Coll::Projects => "projects",
            Coll::News => "news",
            Coll::Pages => "pages",
        }
    }
}

impl Stem {
    fn text(&self) -> String {
        let s = match self {
            Stem::X => "x".into(),
            Stem::Y => "y".into(),
            Stem::Home => "home".into(),
            Stem::About => "about".into(),
            Stem::Tehnopol => "tehnopol".into(),
            Stem::AnnaTest => "anna-test".into(),
            Stem::Main => "main".into(),
            Stem::Search => "search".into(),
            Stem::Content => "content".into(),
            Stem::Numbered(n) => format!("r{n}"),
            Stem::NotASlug => "Bad Name".into(),
            Stem::NonAscii => "õun".into(),
            Stem::Any(s) => s.clone(),
        };
        // A name the file system can hold and the loader reads as a record.
        let ok = !s.is_empty()
            && s.len() <= 60
            && !s.contains(['/', '\0', '.', '~', '#'])
            && !s.ends_with(".tmp")
            && s != "4913";
        if ok { s } else { "z".into() }
    }
}

impl Value {
    fn yaml(&self) -> String {
        match self {
            Value::Text(t) => quoted(&t.text()),
            Value::Localized(a, b) => {
                format!("{{et: {}, en: {}}}", quoted(&a.text()), quoted(&b.text()))
            }
            Value::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .take(6)
                    .map(|t| quoted(&t.text()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Int(i) => i.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".into(),
            Value::Date(y, m, d) => format!("{:04}-{:02}-{:02}", 1990 + y % 60, m % 14, d % 33),
            Value::Year(y) => (1990 + y % 60).to_string(),
            Value::Period(a, b) => format!("{}-{}", 1990 + a % 60, 1990 + b % 60),
            Value::Url(u) => quoted(&u.text()),
            Value::Media(m) => quoted(&m.text()),
            Value::Ref(c, s) => quoted(&format!("{}/{}", c.name(), s.text())),
            Value::Refs(refs) => format!(
                "[{}]",
                refs.iter()
                    .take(6)
                    .map(|(c, s)| quoted(&format!("{}/{}", c.name(), s.text())))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Money(n, eur) => {
                if *eur {
                    format!("{n} EUR")
                } else {
                    n.to_string()
                }
            }
            Value::Documents(docs) => format!(
                "[{}]",
                docs.iter()
                    .take(4)
                    .map(|(t, m)| format!(
                        "{{title: {}, file: {}}}",
                        quoted(&t.text()),
                        quoted(&m.text())
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Related(items) => format!(
                "[{}]",
                items
                    .iter()
                    .take(4)
                    .map(|(t, u)| format!(
                        "{{title: {}, url: {}}}",
                        quoted(&t.text()),
                        quoted(&u.text())
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Raw(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Target {
    Record(Coll, Stem, Option<Txt>),
    Media(MediaV),
    Url(UrlV),
    Any(String),
}

impl Target {
    fn text(&self) -> String {
        match self {
            Target::Record(c, s, None) => format!("@{}/{}", c.name(), s.text()),
            Target::Record(c, s, Some(f)) => format!("@{}/{}#{}", c.name(), s.text(), f.text()),
            Target::Media(m) => {
                let m = m.text();
                if m.starts_with("/media/") {
                    m
                } else {
                    format!("media/{m}")
                }
            }
            Target::Url(u) => u.text(),
            Target::Any(s) => s.clone(),
        }
    }
}

/// Raw HTML an editor could paste, harmless and hostile.
#[derive(Arbitrary, Debug)]
enum Html {
    Details,
    Script,
    Iframe,
    Handler,
    Style,
    Form,
    Svg,
    ScriptLink,
    DataImage,
    UnclosedDiv,
    UnclosedQuote,
    Xmp,
    Plaintext,
    Textarea,
    Comment,
    Template,
    Noscript,
    TheirId,
    Any(String),
}

impl Html {
    fn text(&self) -> String {
        match self {
            Html::Details => "<details><summary>More</summary><p>Text</p></details>".into(),
            Html::Script => "<script>alert(1)</script>".into(),
            Html::Iframe => "<iframe src=\"https://evil.example\"></iframe>".into(),
            Html::Handler => "<p onclick=\"alert(1)\" id=\"main\" class=\"card\">x</p>".into(),
            Html::Style => "<style>body{display:none}</style><p style=\"color:red\">s</p>".into(),
            Html::Form => "<form action=\"https://evil.example\"><input name=\"q\"></form>".into(),
            Html::Svg => "<svg onload=\"alert(1)\"><a href=\"javascript:x\">s</a></svg>".into(),
            Html::ScriptLink => "<a href=\"jav&#x09;ascript:alert(1)\">j</a>".into(),
            Html::DataImage => "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">".into(),
            Html::UnclosedDiv => "<div class=\"x\">".into(),
            Html::UnclosedQuote => "<div title=\"".into(),
            Html::Xmp => "<xmp>".into(),
            Html::Plaintext => "<plaintext>".into(),
            Html::Textarea => "<textarea>".into(),
            Html::Comment => "<!--".into(),
            Html::Template => "<template><script>alert(1)</script></template>".into(),
            Html::Noscript => {
                "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">".into()
            }
            Html::TheirId => "<h2 id=\"search\">x</h2><span id=\"klaster-x\">y</span>".into(),
            Html::Any(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Part {
    Para(Txt),
    Heading(u8, Txt, Option<Txt>),
    Link(Txt, Target),
    Image(Txt, Target),
    Autolink(UrlV),
    Html(Html),
    InlineHtml(Html),
    FootnoteRef(u8),
    FootnoteDef(u8, Txt),
    Table(Vec<Txt>),
    Task(bool, Txt),
    Alert(u8, Txt),
    Code(Txt, Txt),
    Raw(String),
}

impl Part {
    fn write(&self, out: &mut String) {
        let _ = match self {
            Part::Para(t) => writeln!(out, "{}\n", t.text()),
            Part::Heading(level, t, attrs) => {
                let hashes = "#".repeat(1 + (*level as usize % 6));
                match attrs {
                    Some(a) => writeln!(out, "{hashes} {} {{{}}}\n", t.text(), a.text()),
                    None => writeln!(out, "{hashes} {}\n", t.text()),
                }
            }
            Part::Link(t, target) => writeln!(out, "[{}]({})\n", t.text(), target.text()),
            Part::Image(t, target) => writeln!(out, "![{}]({})\n", t.text(), target.text()),
            Part::Autolink(u) => writeln!(out, "<{}>\n", u.text()),
            Part::Html(h) => writeln!(out, "{}\n", h.text()),
            Part::InlineHtml(h) => writeln!(out, "Text {} more", h.text()),
            Part::FootnoteRef(n) => writeln!(out, "See[^{}].", n % 4),
            Part::FootnoteDef(n, t) => writeln!(out, "[^{}]: {}\n", n % 4, t.text()),
            Part::Table(cells) => {
                let cells: Vec<String> = cells.iter().take(4).map(Txt::text).collect();
                let n = cells.len().max(1);
                writeln!(
                    out,
                    "| {} |\n|{}\n| {} |\n",
                    cells.join(" | "),
                    ":-:|".repeat(n),
                    cells.join(" | ")
                )
            }
            Part::Task(done, t) => {
                writeln!(out, "- [{}] {}", if *done { "x" } else { " " }, t.text())
            }
            Part::Alert(kind, t) => {
                let kind = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"][*kind as usize % 5];
                writeln!(out, "> [!{kind}]\n> {}\n", t.text())
            }
            Part::Code(lang, t) => writeln!(out, "```{}\n{}\n```\n", lang.text(), t.text()),
            Part::Raw(s) => writeln!(out, "{s}"),
        };
    }
}

fn body(parts: &[Part]) -> String {
    let mut out = String::new();
    for p in parts.iter().take(16) {
        p.write(&mut out);
    }
    out
}

fn site_yaml(v: &SiteYaml) -> String {
    match v {
        SiteYaml::Base => BASE_SITE.into(),
        SiteYaml::OneLanguage => BASE_SITE
            .replace("languages: [et, en]", "languages: [en]")
            .replace("pages/about]", "pages/about, strategy]"),
        SiteYaml::ThreeLanguages => {
            BASE_SITE.replace("languages: [et, en]", "languages: [et, en, fi]")
        }
        SiteYaml::SubPath => {
            BASE_SITE.replace("https://example.org", "https://example.org/cluster/")
        }
        SiteYaml::Hostile(t) => {
            let t = quoted(&t.text());
            BASE_SITE
                .replace(
                    "{et: Testklaster, en: Test cluster}",
                    &format!("{{et: {t}, en: {t}}}"),
                )
                .replace(
                    "{et: Kirjeldus, en: Description}",
                    &format!("{{et: {t}, en: {t}}}"),
                )
                .replace("{name: Test,", &format!("{{name: {t},"))
        }
        SiteYaml::More(s) => format!("{BASE_SITE}{s}\n"),
    }
}

/// Writes the site's files; returns them by path (relative to the site root).
fn files(input: &Input) -> BTreeMap<String, String> {
    let mut files: BTreeMap<String, String> = BASE_FILES
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    files.insert("content/site.yaml".into(), site_yaml(&input.site));
    for r in input.records.iter().take(12) {
        let dir = format!("content/{}", r.collection.name());
        let stem = r.stem.text();
        let mut fields = String::new();
        for (f, v) in r.fields.iter().take(12) {
            let _ = writeln!(fields, "{}: {}", f.name(), v.yaml());
        }
        match r.layout {
            Layout::Yaml => {
                files.insert(format!("{dir}/{stem}.yaml"), fields);
            }
            Layout::Markdown => {
                files.insert(
                    format!("{dir}/{stem}.md"),
                    format!("---\n{fields}---\n{}", body(&r.body)),
                );
            }
            Layout::Languages => {
                files.insert(format!("{dir}/{stem}.yaml"), fields);
                files.insert(
                    format!("{dir}/{stem}.et.md"),
                    format!("---\n---\n{}", body(&r.body)),
                );
                files.insert(
                    format!("{dir}/{stem}.en.md"),
                    format!("---\n---\n{}", body(&r.other_body)),
                );
            }
        }
    }
    files
}

/// Checks one diagnostic against the files of the site.
fn check_diagnostic(d: &klaster::diagnostics::Diagnostic, files: &BTreeMap<String, String>) {
    assert!(!d.path.is_empty(), "a diagnostic without a file: {d:?}");
    assert!(
        !d.message.is_empty(),
        "a diagnostic without a message: {d:?}"
    );
    if d.line == 0 {
        return;
    }
    let Some(text) = files.get(&d.path) else {
        return;
    };
    // Lines as the loader counts them.
    let mut text = text.clone();
    klaster::load::files::normalize_line_ends(&mut text);
    let count = text.matches('\n').count() + 1;
    assert!(
        d.line <= count,
        "line {} of a file of {count} lines: {d:?}",
        d.line
    );
    let line = text.lines().nth(d.line - 1).unwrap_or("");
    assert!(
        d.column <= line.chars().count() + 1,
        "column {} of {line:?}: {d:?}",
        d.column
    );
}

fuzz_target!(|input: Input| {
    let files = files(&input);
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::Builder::new()
            .prefix("klaster-fuzz-")
            .tempdir_in(shm)
    } else {
        tempfile::Builder::new().prefix("klaster-fuzz-").tempdir()
    }
    .expect("a temporary folder");
    let root = dir.path().join("site");
    for (path, text) in &files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    std::fs::create_dir_all(root.join("content/media/docs")).expect("mkdir");
    std::fs::write(root.join("content/media/logo.svg"), LOGO).expect("write");
    std::fs::write(root.join("content/media/docs/report.pdf"), "%PDF-1.4\n").expect("write");

    let sink = Collect::default();
    let outcome = pipeline::run(
        &pipeline::Options {
            root: root.clone(),
            base_url: input.base_url.as_ref().map(UrlV::text),
            drafts: input.drafts,
            date: jiff::civil::date(2026, 1, 15),
            progress: None,
            cache: None,
            pictures: None,
        },
        &sink,
    );
    assert!(outcome.output_error.is_none(), "{:?}", outcome.output_error);
    for d in &outcome.diagnostics {
        check_diagnostic(d, &files);
    }
    let trusted = outcome.site.as_ref().is_some_and(|s| s.config.unsafe_html);
    let all_input: String = files.values().map(String::as_str).collect();
    for f in sink.into_files() {
        let Some(bytes) = f.content.bytes() else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        if let Some(at) = leaks_mark(&all_input, text) {
            panic!("{} shows the sanitiser's mark: {at}", f.path);
        }
        if f.path.ends_with(".html") && !trusted {
            let found = problems(text, Markup::Page(reserved()));
            assert!(found.is_empty(), "{}: {found:?}", f.path);
        }
    }
    drop(dir);
});
