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

/// Markdown bodies beyond this many bytes in all are kept in a scratch file during a
/// build ([`crate::spill`]). Compressed, they would be about half of that in memory;
/// below it, reading each back from the file costs more time than the memory is
/// worth. (The 2 × 10,000 benchmark site has about 60 MB of Markdown bodies, the
/// 2 × 50,000 one about 300 MB.)
pub const SPILL_BODIES_ABOVE: u64 = 128 * 1024 * 1024;

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
    run_inner(opts, sink, false).0
}

/// A good build's model and what its stages kept, so that `serve` can apply the edit
/// of a Markdown body to it ([`patch`]) instead of building everything again.
pub struct Previous {
    site: Arc<Site>,
    kept: resolve::Kept,
    /// The build's problems, as [`Outcome::diagnostics`] gave them.
    diagnostics: Vec<Diagnostic>,
    /// [`load::theme::LoadedTheme::strings_and_settings`] of the build's theme.
    theme_inputs: u64,
}

impl Previous {
    pub fn site(&self) -> Arc<Site> {
        self.site.clone()
    }

    /// Whether the build had the date and drafts setting of `opts` (an edit applied
    /// to it must not change them).
    fn built_with(&self, opts: &Options) -> bool {
        opts.date == self.site.build_date && opts.drafts == self.site.drafts
    }
}

/// [`run`], also returning what [`patch`] needs when the build succeeded (the model
/// then is in it, not in the outcome).
pub fn run_keeping(opts: &Options, sink: &dyn Sink) -> (Outcome, Option<Previous>) {
    run_inner(opts, sink, true)
}

/// Applies an edit of the files `changed` (paths relative to the root) to the
/// previous build, when each is a file of a record that kept its place (its files,
/// languages and draft state; a new slug qualifies when no other record has it): only
/// those records are loaded and resolved again ([`resolve::patch`]), and, for a
/// record with a new slug, the records whose bodies link to it. When only their
/// Markdown bodies changed, only the pages that show those bodies and the feeds are
/// rendered ([`render::render_bodies`]); when their front matter did, the template
/// data of the pages that may show those records is made again, and those whose data
/// changed are rendered ([`render::render_records`]), with the pages a moved record
/// left removed. `None` when the edit needs a whole
/// build; `previous` must then be replaced by one.
pub fn patch(
    opts: &Options,
    previous: &mut Previous,
    changed: &[String],
    sink: &dyn Sink,
) -> Option<Outcome> {
    let started = Instant::now();
    let cache = opts.cache.as_deref()?;
    if !previous.built_with(opts) {
        return None;
    }
    let mut targets: Vec<usize> = Vec::new();
    // Changed files of no record of the build: a new record's, or a draft's.
    let mut others: Vec<&str> = Vec::new();
    for rel in changed {
        match previous
            .site
            .records
            .iter()
            .position(|r| r.files.iter().any(|(_, f)| f == rel))
        {
            Some(i) if !targets.contains(&i) => targets.push(i),
            Some(_) => {}
            None => others.push(rel),
        }
    }
    // New files of a record of the build (a language's file added beside its others),
    // else of a new record or a draft.
    let mut added: Option<(usize, Vec<String>)> = None;
    if let Some(first) = others.first() {
        // The record files named as the new ones in their folder, when they are all
        // among them.
        let siblings = load::record_siblings(&opts.root, first);
        let siblings = Some(siblings).filter(|s| others.iter().all(|c| s.iter().any(|f| f == c)));
        match siblings.as_deref().and_then(|s| growing(previous, s)) {
            Some(i) => {
                if !targets.contains(&i) {
                    targets.push(i);
                }
                added = Some((i, others.iter().map(|s| s.to_string()).collect()));
            }
            None if !targets.is_empty() => return None,
            None => {
                let raw = joining(opts, previous, &others, siblings)?;
                return patch_shifted(opts, previous, Shifting::Join(raw), sink, started);
            }
        }
    }
    if let [i] = targets[..] {
        // Every file of the record removed: it leaves the build.
        let record = &previous.site.records[i];
        let gone = record.files.iter().all(|(_, f)| {
            changed.contains(f) && std::fs::symlink_metadata(opts.root.join(f)).is_err()
        });
        if gone {
            let id = record.id.clone();
            return patch_shifted(opts, previous, Shifting::Leave(id, None), sink, started);
        }
    }
    if targets.is_empty() {
        return None;
    }
    let single = targets.len() == 1;
    let site = Arc::get_mut(&mut previous.site)?;
    // Changed in place, as the model is: a `None` below means `previous` is replaced.
    let diagnostics = &mut previous.diagnostics;
    // The records whose front matter changed, and those whose bodies alone did.
    let mut patched = Vec::new();
    let mut bodies = Vec::new();
    let mut referred = Vec::new();
    let mut moved = Vec::new();
    // The records to resolve again: those edited, then those whose bodies link to a
    // record that moved (their HTML holds its old address).
    let mut queue = targets;
    let mut next = 0;
    while let Some(&i) = queue.get(next) {
        next += 1;
        let record = &site.records[i];
        let mut files: Vec<String> = record.files.iter().map(|(_, f)| f.clone()).collect();
        if !only_own_problems(diagnostics, &previous.kept, &record.id, &files) {
            return None;
        }
        if let Some((_, new)) = added.as_ref().filter(|(j, _)| *j == i) {
            files.extend(new.iter().cloned());
        }
        let collection = record.id.collection;
        let names: Vec<&str> = files.iter().map(String::as_str).collect();
        let (raw, loading) = load::reload_record(&opts.root, collection, &names);
        if !loading.is_empty() {
            return None;
        }
        let raw = raw?;
        if single && next == 1 && resolve::left_out(site, &previous.kept, &raw) {
            // The record became a draft that the build leaves out.
            let id = record.id.clone();
            return patch_shifted(
                opts,
                previous,
                Shifting::Leave(id, Some(raw)),
                sink,
                started,
            );
        }
        let done = resolve::patch(site, &mut previous.kept, &raw)?;
        diagnostics.retain(|d| !done.old_problems.contains(d));
        diagnostics.extend(done.problems);
        if done.moved {
            moved.push(done.index);
            for from in previous.kept.linking_to(&done.id) {
                let j = *site.index.get(&from)?;
                if !queue.contains(&j) {
                    queue.push(j);
                }
            }
        }
        if done.bodies_only {
            bodies.push(done.index);
        } else {
            patched.push(done.index);
            referred.extend(done.referred);
        }
    }
    diagnostics::normalize(diagnostics);
    let rendered = if patched.is_empty() {
        render::render_bodies(site, sink, cache, &bodies)?
    } else {
        render::render_records(site, sink, cache, &patched, &bodies, &referred, &moved)?
    };
    Some(patched_outcome(
        rendered,
        &previous.diagnostics,
        "patch",
        started,
    ))
}

/// The outcome of an edit applied to the previous build: what rendering it gave, with
/// the build's problems (`diagnostics`, as the edit left them).
fn patched_outcome(
    rendered: Result<Stats, render::Failure>,
    diagnostics: &[Diagnostic],
    step: &'static str,
    started: Instant,
) -> Outcome {
    let mut out = Outcome::default();
    match rendered {
        Ok(stats) => out.stats = stats,
        Err(render::Failure::Content(mut d)) => out.diagnostics.append(&mut d),
        Err(render::Failure::Output(e)) => out.output_error = Some(e),
    }
    out.diagnostics.extend(diagnostics.iter().cloned());
    diagnostics::normalize(&mut out.diagnostics);
    out.timings.push((step, started.elapsed()));
    out
}

/// Whether the problems the build found in the files `files` of record `id` are all
/// the record's own (its fields' and bodies'): problems of loading them or of the
/// record's identity would have to be found again by a whole build.
fn only_own_problems(
    diagnostics: &[Diagnostic],
    kept: &resolve::Kept,
    id: &crate::model::RecordId,
    files: &[String],
) -> bool {
    let own = kept.problems(id);
    !diagnostics
        .iter()
        .any(|d| files.contains(&d.path) && !own.contains(d))
}

/// The record of the build that has one of `siblings` (record files named alike in
/// one folder, new files among them), if one has.
fn growing(previous: &Previous, siblings: &[String]) -> Option<usize> {
    previous
        .site
        .records
        .iter()
        .position(|r| r.files.iter().any(|(_, f)| siblings.iter().any(|s| s == f)))
}

/// A record joining the build or leaving it ([`patch_shifted`]).
enum Shifting {
    /// A new record's files, or a draft's, read.
    Join(load::RawRecord),
    /// A record of the build whose files are gone (`None`) or make it a draft now.
    Leave(crate::model::RecordId, Option<load::RawRecord>),
}

/// The files `changed` (of no record of the build) read as the record they make: a
/// new record (with `siblings`, its files already written: an editor may save them in
/// two batches of events), or a draft (then with all its files). `None` when they are
/// not one record's files, when they add a file to a record the build knows, or when
/// publishing the draft would change what other records report (they name it).
fn joining(
    opts: &Options,
    previous: &Previous,
    changed: &[&str],
    siblings: Option<Vec<String>>,
) -> Option<load::RawRecord> {
    let draft = previous.kept.draft_with(changed.first()?).cloned();
    let names: Vec<String> = match &draft {
        Some(id) => {
            let files = previous.kept.draft_files(id)?;
            let named = previous
                .diagnostics
                .iter()
                .any(|d| d.code == "draft-reference");
            if named || !changed.iter().all(|c| files.iter().any(|f| f == c)) {
                return None;
            }
            files.to_vec()
        }
        None => siblings?,
    };
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let collection = load::record_collection(names.first()?)?;
    if names
        .iter()
        .any(|n| load::record_collection(n) != Some(collection))
    {
        return None;
    }
    let (raw, loading) = load::reload_record(&opts.root, collection, &names);
    let raw = raw.filter(|_| loading.is_empty())?;
    let id = crate::model::RecordId::new(raw.collection, raw.stem.clone());
    match &draft {
        Some(d) => (*d == id).then_some(raw),
        None => (!previous.kept.knows(&id)).then_some(raw),
    }
}

/// Applies a record joining or leaving the build to the previous build: the model
/// takes it in or out at its place ([`resolve::join`], [`resolve::leave`]), and the
/// pages that may show it are rendered with what the previous render prepared, the
/// pages it had removed ([`render::render_shifted`]). `None` when it needs a whole
/// build; `previous` must then be replaced by one.
fn patch_shifted(
    opts: &Options,
    previous: &mut Previous,
    shifting: Shifting,
    sink: &dyn Sink,
    started: Instant,
) -> Option<Outcome> {
    let cache = opts.cache.as_deref()?;
    // Only the record's own problems are taken out or put in here.
    let (id, files): (crate::model::RecordId, Vec<String>) = match &shifting {
        Shifting::Join(raw) => (
            crate::model::RecordId::new(raw.collection, raw.stem.clone()),
            raw.files.iter().map(|f| f.file.rel.clone()).collect(),
        ),
        Shifting::Leave(id, _) => (
            id.clone(),
            previous
                .site
                .get(id)?
                .files
                .iter()
                .map(|(_, f)| f.clone())
                .collect(),
        ),
    };
    if !only_own_problems(&previous.diagnostics, &previous.kept, &id, &files) {
        return None;
    }
    let site = Arc::get_mut(&mut previous.site)?;
    let done = match &shifting {
        Shifting::Join(raw) => resolve::join(site, &mut previous.kept, raw)?,
        Shifting::Leave(id, draft) => resolve::leave(site, &mut previous.kept, id, draft.as_ref())?,
    };
    let diagnostics = &mut previous.diagnostics;
    diagnostics.retain(|d| !done.old_problems.contains(d));
    diagnostics.extend(done.problems);
    diagnostics::normalize(diagnostics);
    let rendered =
        render::render_shifted(site, sink, cache, done.shift, id.collection, &done.referred)?;
    Some(patched_outcome(
        rendered,
        &previous.diagnostics,
        "shift",
        started,
    ))
}

/// Applies an edit under `themes/` to the previous build, when only the theme's
/// templates or static files changed (not its strings or settings, nor the ids and
/// classes it reserves): the theme is read again, and only the pages whose templates
/// use what changed are rendered ([`render::render_theme`]). The content is neither
/// read nor resolved again. `None` when the edit needs a whole build. When the
/// outcome has errors, `previous` holds the broken theme and must be dropped.
pub fn patch_theme(opts: &Options, previous: &mut Previous, sink: &dyn Sink) -> Option<Outcome> {
    let started = Instant::now();
    let cache = opts.cache.as_deref()?;
    if !previous.built_with(opts) {
        return None;
    }
    let site = Arc::get_mut(&mut previous.site)?;
    let (loaded, problems) = load::theme::load(&opts.root, site.theme.name());
    let loaded = loaded.filter(|_| problems.is_empty())?;
    if loaded.strings_and_settings() != previous.theme_inputs {
        return None;
    }
    let langs: Vec<&str> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    if !resolve::patch_theme(&mut site.theme, loaded, &langs) {
        return None;
    }
    let rendered = render::render_theme(site, sink, cache)?;
    Some(patched_outcome(
        rendered,
        &previous.diagnostics,
        "theme",
        started,
    ))
}

fn run_inner(opts: &Options, sink: &dyn Sink, keep: bool) -> (Outcome, Option<Previous>) {
    let mut out = Outcome::default();
    let progress = opts.progress.as_deref();
    if let Some(p) = progress {
        p.stage("load", None);
    }
    let mut content = timed("load", &mut out, progress, || {
        load::load_content(&opts.root)
    });
    let theme_inputs = content
        .theme
        .as_ref()
        .map_or(0, load::theme::LoadedTheme::strings_and_settings);
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
    // The bodies of a large site go to a scratch file rather than memory; `serve`
    // keeps them (it applies body edits to the model, and its sites are being written).
    let body_bytes: u64 = content
        .records
        .iter()
        .flat_map(|r| &r.files)
        .filter_map(|f| f.body.as_ref())
        .map(load::Body::bytes)
        .sum();
    let resolve_opts = resolve::Options {
        base_url: opts.base_url.clone(),
        drafts: opts.drafts,
        date: opts.date,
        bodies: if !keep && body_bytes > SPILL_BODIES_ABOVE {
            crate::spill::store()
        } else {
            crate::model::BodyStore::Compressed
        },
    };
    let (site, mut d, kept) = timed("resolve", &mut out, progress, || {
        if keep {
            resolve::resolve_keeping(content, pictures, &resolve_opts)
        } else {
            let (site, d) = resolve::resolve(content, pictures, &resolve_opts);
            (site, d, None)
        }
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
    diagnostics::normalize(&mut out.diagnostics);
    let good = !out.has_errors() && out.output_error.is_none();
    match (site, kept) {
        (Some(site), Some(kept)) if good => {
            let previous = Previous {
                site: Arc::new(site),
                kept,
                diagnostics: out.diagnostics.clone(),
                theme_inputs,
            };
            (out, Some(previous))
        }
        (site, _) => {
            out.site = site;
            (out, None)
        }
    }
}

/// Default output folder of a site.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("output")
}
