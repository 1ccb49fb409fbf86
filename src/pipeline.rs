//! The stages wired together: load → resolve → render (→ write). `build`, `check` and
//! `serve` all go through here, so they can never disagree about a site.

use crate::diagnostics::{self, Diagnostic};
use crate::i18n::Strings;
use crate::load::{self, theme};
use crate::model::Site;
use crate::render::{self, OutputFile, Stats};
use crate::resolve;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct Options {
    pub root: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub date: jiff::civil::Date,
    /// Told about each stage and each rendered page; the command decides how to show it.
    pub progress: Option<std::sync::Arc<dyn Progress>>,
    /// Pages and search indexes of the previous build, reused where nothing they show
    /// changed (`serve`).
    pub cache: Option<std::sync::Arc<crate::render::cache::Cache>>,
}

/// Receives progress of a run. Called from many threads at once.
pub trait Progress: Send + Sync {
    /// A stage begins; `total` is the number of steps when known.
    fn stage(&self, name: &'static str, total: Option<usize>);
    /// One step of the current stage is done.
    fn step(&self);
    /// A stage ended after `elapsed`.
    fn done(&self, name: &'static str, elapsed: Duration);
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub site: Option<Site>,
    pub files: Vec<OutputFile>,
    pub stats: Stats,
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
    /// Interface strings missing per language (shown by the default language's).
    pub missing_strings: BTreeMap<String, Vec<String>>,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The build date: `--date`, else `SOURCE_DATE_EPOCH`, else today.
pub fn build_date(arg: Option<&str>) -> Result<jiff::civil::Date, String> {
    if let Some(d) = arg {
        return resolve::values::date(d).map_err(|(m, h)| format!("--date: {m} ({h})"));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch
            .trim()
            .parse()
            .map_err(|_| format!("SOURCE_DATE_EPOCH must be a number of seconds, not `{epoch}`"))?;
        let ts =
            jiff::Timestamp::from_second(secs).map_err(|e| format!("SOURCE_DATE_EPOCH: {e}"))?;
        return Ok(ts.to_zoned(jiff::tz::TimeZone::UTC).date());
    }
    Ok(jiff::Zoned::now().date())
}

/// Loads, validates and renders the site at `opts.root`. Rendering is skipped when the
/// content has errors; all problems found up to that point are returned together.
pub fn run(opts: &Options) -> Outcome {
    let mut out = Outcome::default();
    let progress = opts.progress.as_deref();
    let t = Instant::now();
    if let Some(p) = progress {
        p.stage("load", None);
    }
    let content = load::load_content(&opts.root);
    out.timings.push(("load", t.elapsed()));
    if let Some(p) = progress {
        p.done("load", t.elapsed());
    }
    out.diagnostics.extend(content.diagnostics.iter().cloned());

    // The theme's ids and classes are needed to render bodies, so the theme is read
    // before the records are resolved.
    let theme_name = content
        .site
        .as_ref()
        .and_then(|s| s.node.get("theme"))
        .and_then(|n| n.as_str())
        .unwrap_or("default")
        .to_string();
    let (theme, d) = theme::load(&opts.root, &theme_name);
    out.diagnostics.extend(d);
    let reserved = theme.as_ref().map(reserved_names).unwrap_or_default();

    let t = Instant::now();
    let (site, mut d) = resolve::resolve(
        &content,
        &resolve::Options {
            base_url: opts.base_url.clone(),
            drafts: opts.drafts,
            date: opts.date,
            reserved,
        },
    );
    out.diagnostics.append(&mut d);
    out.timings.push(("resolve", t.elapsed()));
    if let Some(p) = progress {
        p.done("resolve", t.elapsed());
    }
    let Some(mut site) = site else {
        diagnostics::normalize(&mut out.diagnostics);
        return out;
    };

    let langs: Vec<String> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.clone())
        .collect();
    if let Some(theme) = &theme {
        let (strings, mut d) = Strings::new(theme, &content, &langs);
        out.diagnostics.append(&mut d);
        let theme_name = theme.chain.first().map(String::as_str).unwrap_or("default");
        for lang in site.config.languages.iter_mut() {
            // The language's name in itself, from the theme or the site's strings.
            if let Some(name) = strings.own(&lang.code, "language_name") {
                lang.name = name.to_string();
            }
            let missing: Vec<String> = strings
                .missing(&lang.code)
                .into_iter()
                .map(str::to_string)
                .collect();
            // A language with no strings at all was reported by `Strings::new`.
            if !missing.is_empty() && strings.has_language(&lang.code) {
                out.diagnostics.push(
                    Diagnostic::warning(
                        "translation",
                        format!("themes/{theme_name}/i18n/{}.yaml", lang.code),
                        format!(
                            "{} interface {} missing in `{}`; the default language's are shown: {}",
                            missing.len(),
                            if missing.len() == 1 {
                                "string is"
                            } else {
                                "strings are"
                            },
                            lang.code,
                            missing.join(", ")
                        ),
                    )
                    .with_help(format!("add them to content/i18n/{}.yaml", lang.code)),
                );
            }
            if !missing.is_empty() {
                out.missing_strings.insert(lang.code.clone(), missing);
            }
        }
        if !out.has_errors() {
            let t = Instant::now();
            match render::render_site(&site, theme, strings, progress, opts.cache.as_deref()) {
                Ok((files, stats)) => {
                    out.files = files;
                    out.stats = stats;
                }
                Err(mut d) => out.diagnostics.append(&mut d),
            }
            out.timings.push(("render", t.elapsed()));
            if let Some(p) = progress {
                p.done("render", t.elapsed());
            }
        }
    }
    out.site = Some(site);
    diagnostics::normalize(&mut out.diagnostics);
    out
}

/// The ids and classes a theme's templates and stylesheets use.
fn reserved_names(theme: &theme::Theme) -> crate::markdown::Reserved {
    crate::markdown::Reserved::from_theme(
        theme.templates.values().map(|(_, text)| text.as_str()),
        theme
            .static_files
            .iter()
            .filter(|(path, _)| path.ends_with(".css"))
            .filter_map(|(_, f)| std::str::from_utf8(&f.bytes).ok()),
    )
}

/// Default output folder of a site.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("output")
}
