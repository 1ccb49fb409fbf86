//! The stages wired together: load → images → resolve → render → a sink. `build`, `check` and
//! `serve` all go through here, so they can never disagree about a site. Nothing is
//! decided here; each stage owns its part (docs/architecture.md).

use crate::diagnostics::{self, Diagnostic};
use crate::model::Site;
use crate::output::Sink;
use crate::progress::Progress;
use crate::render::{self, Stats};
use crate::{images, load, resolve};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct Options {
    pub root: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub date: jiff::civil::Date,
    /// Told about each stage and each rendered page; the command decides how to show it.
    pub progress: Option<Arc<dyn Progress>>,
    /// Pages and search indexes of the previous build, reused where nothing they show
    /// changed (`serve`).
    pub cache: Option<Arc<render::cache::Cache>>,
    /// Pictures prepared by earlier runs, reused while their files are unchanged
    /// (`serve`).
    pub pictures: Option<Arc<images::stage::Memo>>,
}

/// What a run produced (its files went to the sink).
#[derive(Debug, Default)]
pub struct Outcome {
    pub site: Option<Site>,
    pub stats: Stats,
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
    /// The sink could not take a file; nothing more was rendered.
    pub output_error: Option<std::io::Error>,
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

fn timed<T>(
    name: &'static str,
    out: &mut Outcome,
    progress: Option<&dyn Progress>,
    f: impl FnOnce() -> T,
) -> T {
    let t = Instant::now();
    let r = f();
    out.timings.push((name, t.elapsed()));
    if let Some(p) = progress {
        p.done(name, t.elapsed());
    }
    r
}

/// Loads, resolves and renders the site at `opts.root` into `sink`. Rendering is
/// skipped when the content has errors; all problems found are returned together.
pub fn run(opts: &Options, sink: &dyn Sink) -> Outcome {
    let mut out = Outcome::default();
    let progress = opts.progress.as_deref();
    if let Some(p) = progress {
        p.stage("load", None);
    }
    let mut content = timed("load", &mut out, progress, || {
        load::load_content(&opts.root)
    });
    out.diagnostics.append(&mut content.diagnostics);
    let theme_settings = content
        .theme
        .as_ref()
        .map(|t| t.settings.as_slice())
        .unwrap_or(&[]);
    let (image_settings, mut d) = images::stage::settings(theme_settings);
    out.diagnostics.append(&mut d);
    if let Some(p) = progress {
        p.stage("images", None);
    }
    let (pictures, mut d) = timed("images", &mut out, progress, || {
        images::stage::prepare(
            &content.media,
            &image_settings,
            &opts.root,
            opts.pictures.as_deref(),
        )
    });
    out.diagnostics.append(&mut d);
    let resolve_opts = resolve::Options {
        base_url: opts.base_url.clone(),
        drafts: opts.drafts,
        date: opts.date,
    };
    let (site, mut d) = timed("resolve", &mut out, progress, || {
        resolve::resolve(content, pictures, &resolve_opts)
    });
    out.diagnostics.append(&mut d);
    if let Some(site) = &site
        && !out.has_errors()
    {
        let rendered = timed("render", &mut out, progress, || {
            render::render(site, sink, progress, opts.cache.as_deref())
        });
        match rendered {
            Ok(stats) => out.stats = stats,
            Err(render::Failure::Content(mut d)) => out.diagnostics.append(&mut d),
            Err(render::Failure::Output(e)) => out.output_error = Some(e),
        }
    }
    out.site = site;
    diagnostics::normalize(&mut out.diagnostics);
    out
}

/// Default output folder of a site.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("output")
}
