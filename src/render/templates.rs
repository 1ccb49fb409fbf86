//! The Tera environment: the theme's templates plus klaster's filters and functions
//! (`t`, `date`, `money`, `number`, `filesize`, `country`, `url_for`, `asset`). Each reads the
//! page's language from the `lang` variable of the context.

use crate::diagnostics::Diagnostic;
use crate::i18n::Formats;
use crate::model::{Site, Strings, Theme, paths};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tera::{Error, Kwargs, State, Tera, Value};

/// Data the template functions look things up in.
pub struct Env {
    pub strings: Strings,
    pub formats: Formats,
    /// Record id → (language, root-relative URL) for each language it has a page in.
    /// (A list: a record has a few languages, and a map's first node would reserve
    /// room for eleven, tens of megabytes on a large site.)
    /// Shared with the environment made again after a theme edit ([`Env::with_theme`]).
    pub urls: Arc<HashMap<String, Vec<(String, String)>>>,
    pub default_lang: String,
    pub base_path: String,
    /// Static file path → content hash.
    pub assets: BTreeMap<String, String>,
    /// The prepared pictures of `content/media/`, for `image`.
    pub pictures: crate::model::Pictures,
}

impl Env {
    pub fn new(site: &Site, formats: Formats) -> Env {
        let urls = site.urls();
        let mut table: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for r in &site.records {
            let pages: Vec<(String, String)> = r
                .locales
                .iter()
                .filter_map(|loc| Some((loc.lang.clone(), urls.url(loc.path.as_ref()?))))
                .collect();
            if !pages.is_empty() {
                table.insert(r.id.to_string(), pages);
            }
        }
        Env {
            strings: site.theme.strings.clone(),
            formats,
            urls: Arc::new(table),
            default_lang: site.config.default_lang().to_string(),
            base_path: site.config.base_path.clone(),
            assets: assets(site),
            pictures: site.pictures.clone(),
        }
    }

    /// This environment for `site` after an edit of its theme's templates or static
    /// files, which changes only the static files' hashes: the URL table (a few
    /// milliseconds to make for 20,000 records) is shared.
    pub fn with_theme(&self, site: &Site, formats: Formats) -> Env {
        Env {
            strings: self.strings.clone(),
            formats,
            urls: self.urls.clone(),
            default_lang: self.default_lang.clone(),
            base_path: self.base_path.clone(),
            assets: assets(site),
            pictures: self.pictures.clone(),
        }
    }
}

/// Static file path → content hash.
fn assets(site: &Site) -> BTreeMap<String, String> {
    site.theme
        .static_files
        .iter()
        .map(|(k, v)| (k.clone(), v.hash.clone()))
        .collect()
}

/// A language code from the template context: a copy of its value, which shares the
/// text (a `t` in the page's footer and header is called tens of times a page, and
/// formatting the value into a new string was most of its time).
struct Lang(Value);

impl std::ops::Deref for Lang {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.as_str().unwrap_or_default()
    }
}

impl Lang {
    fn of(value: Value) -> Lang {
        if value.as_str().is_some() {
            Lang(value)
        } else {
            Lang(Value::from(value.to_string()))
        }
    }
}

fn lang_of(state: &State) -> Result<Lang, Error> {
    state
        .get::<Value>("lang")?
        .map(Lang::of)
        .ok_or_else(|| Error::message("the template context has no `lang`"))
}

/// The language of a `t`: its `lang` argument (a string in another language of the site,
/// such as the language switcher's "(not translated)" in the language it names), else the
/// page's.
fn t_lang(kwargs: &Kwargs, state: &State) -> Result<Lang, Error> {
    match kwargs.get::<Value>("lang")? {
        Some(lang) => Ok(Lang::of(lang)),
        None => lang_of(state),
    }
}

fn t(env: &Env, key: &str, kwargs: &Kwargs, lang: &str) -> Result<String, Error> {
    let Some(text) = env.strings.get(lang, key) else {
        return Err(Error::message(format!(
            "missing interface string `{key}` for `{lang}`: add it to the theme's i18n/{lang}.yaml or content/i18n/{lang}.yaml"
        )));
    };
    if !text.contains('{') {
        return Ok(text.to_string());
    }
    // `{name}` placeholders are filled from the other arguments: t(key="page_n", n=2).
    let mut out = text.to_string();
    if let Ok(args) = kwargs.deserialize::<BTreeMap<String, serde_json::Value>>() {
        for (k, v) in args {
            if k == "lang" || k == "key" {
                continue;
            }
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            out = out.replace(&format!("{{{k}}}"), &v);
        }
    }
    Ok(out)
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, Error> {
    s.get(..10)
        .unwrap_or(s)
        .parse::<jiff::civil::Date>()
        .map_err(|_| {
            Error::message(format!(
                "`{s}` is not a date (the `date` filter needs YYYY-MM-DD)"
            ))
        })
}

/// Human file size in the language's number format: `1.2 MB`, `1,2 MB`.
pub fn filesize(formats: &Formats, lang: &str, bytes: u64) -> String {
    let units = ["B", "kB", "MB", "GB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit < units.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    let number = if unit == 0 {
        bytes.to_string()
    } else {
        format!("{:.1}", size)
    };
    format!("{}\u{a0}{}", formats.get(lang).number(&number), units[unit])
}

pub fn build(theme: &Theme, env: Arc<Env>) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml", ".htm"]);
    let mut diags = Vec::new();

    let e = env.clone();
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State| -> Result<String, Error> {
            let lang = t_lang(&kwargs, state)?;
            let key: &str = kwargs.must_get("key")?;
            t(&e, key, &kwargs, &lang)
        },
    );
    let e = env.clone();
    tera.register_filter(
        "t",
        move |key: &str, kwargs: Kwargs, state: &State| -> Result<String, Error> {
            let lang = t_lang(&kwargs, state)?;
            t(&e, key, &kwargs, &lang)
        },
    );
    let e = env.clone();
    tera.register_filter(
        "t_lang",
        move |key: &str, kwargs: Kwargs, state: &State| -> Result<String, Error> {
            let lang = t_lang(&kwargs, state)?;
            let page = lang_of(state)?;
            // The language the text is shown in, when it is not the page's (a fallback):
            // for a `lang` attribute on the element that shows it.
            Ok(match e.strings.lang_of(&lang, key) {
                Some(l) if l != &*page => l.to_string(),
                _ => String::new(),
            })
        },
    );
    let e = env.clone();
    tera.register_filter(
        "date",
        move |value: String, _: Kwargs, state: &State| -> Result<String, Error> {
            let lang = lang_of(state)?;
            Ok(e.formats.get(&lang).date(parse_date(&value)?))
        },
    );
    let e = env.clone();
    tera.register_filter(
        "money",
        move |value: Value, _: Kwargs, state: &State| -> Result<String, Error> {
            let lang = lang_of(state)?;
            let amount = value.get_from_path("amount").map(|v| v.to_string());
            let currency = value.get_from_path("currency").map(|v| v.to_string());
            match (amount, currency) {
                (Some(amount), Some(currency)) => Ok(e
                    .formats
                    .get(&lang)
                    .money(&crate::model::Money { amount, currency })),
                _ => Err(Error::message(
                    "the `money` filter needs a value with `amount` and `currency`",
                )),
            }
        },
    );
    let e = env.clone();
    tera.register_filter(
        "number",
        move |value: Value, _: Kwargs, state: &State| -> Result<String, Error> {
            let lang = lang_of(state)?;
            Ok(e.formats.get(&lang).number(&value.to_string()))
        },
    );
    let e = env.clone();
    tera.register_filter(
        "country",
        move |code: String, _: Kwargs, state: &State| -> Result<String, Error> {
            let lang = lang_of(state)?;
            Ok(e.formats.get(&lang).country(&code))
        },
    );
    tera.register_filter(
        "initials",
        |name: String, _: Kwargs, _: &State| -> Result<String, Error> { Ok(initials(&name)) },
    );
    let e = env.clone();
    tera.register_filter(
        "filesize",
        move |value: u64, _: Kwargs, state: &State| -> Result<String, Error> {
            let lang = lang_of(state)?;
            Ok(filesize(&e.formats, &lang, value))
        },
    );
    let e = env.clone();
    tera.register_function(
        "url_for",
        move |kwargs: Kwargs, state: &State| -> Result<String, Error> {
            let lang = lang_of(state)?;
            if let Some(section) = kwargs.get::<&str>("section")? {
                return match paths::section_by_name(&lang, section) {
                    Some(path) => Ok(format!("{}{path}", e.base_path)),
                    None => Err(Error::message(format!(
                        "url_for: `{section}` is not a section; use one of {}",
                        paths::SECTION_NAMES[1..].join(", ")
                    ))),
                };
            }
            let id: &str = kwargs.must_get("id")?;
            let urls = e.urls.get(id).ok_or_else(|| {
                Error::message(format!("url_for: there is no record `{id}` with a page"))
            })?;
            let url_in = |l: &str| urls.iter().find(|(code, _)| code == l).map(|(_, u)| u);
            url_in(&lang)
                .or_else(|| url_in(&e.default_lang))
                .cloned()
                .ok_or_else(|| Error::message(format!("url_for: `{id}` has no page")))
        },
    );
    let e = env.clone();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> Result<String, Error> {
            let path: &str = kwargs.must_get("path")?;
            let path = path.trim_start_matches('/');
            match e.assets.get(path) {
                Some(hash) => Ok(format!("{}/{path}?v={hash}", e.base_path)),
                None => Err(Error::message(format!(
                    "asset: the theme has no static file `{path}`"
                ))),
            }
        },
    );

    let e = env.clone();
    tera.register_function(
        "image",
        move |kwargs: Kwargs, _: &State| -> Result<Value, Error> {
            let src: String = kwargs.must_get("src")?;
            let src = src
                .trim_start_matches("media/")
                .trim_start_matches('/')
                .to_string();
            let alt: String = kwargs.get("alt")?.unwrap_or_default();
            let class: Option<String> = kwargs.get("class")?;
            let sizes: Option<String> = kwargs.get("sizes")?;
            let show = crate::pictures::Show {
                src: &src,
                alt: &alt,
                class: class.as_deref(),
                width: kwargs.get("width")?,
                height: kwargs.get("height")?,
                sizes: sizes.as_deref(),
                lazy: kwargs.get("lazy")?.unwrap_or(true),
            };
            let html = crate::pictures::markup(e.pictures.get(&src), &show, &e.base_path);
            Ok(Value::safe_string(&html))
        },
    );

    // Filters and functions must exist before the templates are compiled.
    let sources: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .map(|(name, t)| (name.as_str(), t.text.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(sources) {
        diags.push(Diagnostic::error(
            "template",
            "themes",
            format!("a template does not compile:\n{e}"),
        ));
    }

    if diags.is_empty() {
        Ok(tera)
    } else {
        Err(diags)
    }
}

/// "Piret Hirv" → "PH": the first letters of the first and last words, for a person
/// without a photo.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = |w: &&str| w.chars().next().into_iter().flat_map(char::to_uppercase);
    match words.as_slice() {
        [] => String::new(),
        [one] => first(one).collect(),
        [a, .., b] => first(a).chain(first(b)).collect(),
    }
}
