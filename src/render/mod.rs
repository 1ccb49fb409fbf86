//! Stage 3: the site model becomes the files of the site, in parallel, each pushed
//! into a [`Sink`] as soon as it is made.
//!
//! Rendering is pure: it reads no files (the theme's templates and strings are in the
//! model; media files are copied by the sink) and imports nothing from `load`. The
//! steps: the lists pages show ([`lists`]), the plan of pages ([`plan`]), each
//! language's shared template data ([`langs`]), then every page ([`page`]) while the
//! search index ([`search`]) and the site-wide files ([`site_files`]) are made beside
//! them.

mod affected;
pub mod cache;
mod cards;
mod exports;
mod feeds;
mod fingerprint;
mod jsonld;
mod langs;
mod lists;
mod page;
pub mod plan;
mod search;
mod site_files;
pub mod templates;
mod uses;
pub mod values;

use crate::diagnostics::Diagnostic;
use crate::i18n::Formats;
use crate::model::{Collection, ProjectStatus, RecordData, Shift, Site};
use crate::output::{Content, OutputFile, Sink};
use crate::progress::Progress;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Counts of what was rendered, for the summary line.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Language → number of HTML pages.
    pub pages: Vec<(String, usize)>,
    pub files: usize,
    /// Time spent in the parts of rendering, for the benchmark.
    pub timings: Vec<(&'static str, Duration)>,
    /// Pages taken unchanged from the previous build (with a render cache).
    pub pages_reused: usize,
    /// Output files of the previous build that this render (of an edit) no longer
    /// makes: the old pages of a record with a new slug.
    pub removed: Vec<String>,
}

/// Why rendering stopped.
#[derive(Debug)]
pub enum Failure {
    /// Templates failed (errors in the theme, or in what content gives them).
    Content(Vec<Diagnostic>),
    /// The sink could not take a file.
    Output(std::io::Error),
}

/// Writes the search index of every language of `site` into `sink` (what `render`
/// leaves out when its cache defers the search); returns how many files it wrote.
pub fn search_index(site: &Site, sink: &dyn Sink) -> std::io::Result<usize> {
    search::all(site, &search::Plan::new(site), sink, None)
}

/// Renders every file of `site` into `sink`.
pub fn render(
    site: &Site,
    sink: &dyn Sink,
    progress: Option<&dyn Progress>,
    cache: Option<&cache::Cache>,
) -> Result<Stats, Failure> {
    let started = Instant::now();
    let mut timings = Vec::new();
    // What an earlier render prepared belongs to an earlier site.
    if let Some(c) = cache {
        c.clear_prepared();
    }
    // `serve` keeps the cards and export parts for the edits to come.
    let prepared = Prepared::new(site, cache.is_some())?;
    let langs = prepared.langs(site);
    let pages = &prepared.pages;
    timings.push(("template data", started.elapsed()));

    let renderer = prepared.renderer(site, &langs);
    let (tera, env, lists) = (&prepared.tera, &prepared.env, &prepared.lists);
    let fingerprints =
        cache.map(|_| fingerprint::Fingerprints::new(site, lists, env, tera, &langs));
    // The search index is built beside the pages; the progress counts both. `serve`
    // may leave it for after the pages are served.
    let search_later = cache.is_some_and(|c| c.search_deferred());
    let search_plan = search::Plan::new(site);
    let entries = if search_later {
        0
    } else {
        search_plan.entries()
    };
    if let Some(p) = progress {
        p.stage("render", Some(pages.len() + entries));
    }
    let reused = AtomicUsize::new(0);
    let kept: std::sync::Mutex<HashMap<String, (u64, Content)>> = Default::default();
    // The search index needs only the model, so it is built while the pages render.
    let (rendered, (search_index, rest)) = rayon::join(
        || {
            pages
                .par_iter()
                .with_max_len(crate::par::PIECE)
                .map(|page| -> Result<(), Failure> {
                    let vars = renderer.vars(page);
                    let out = page.output();
                    let fp = fingerprints.as_ref().map(|f| f.of(page, &vars));
                    let previous = cache.zip(fp).and_then(|(c, fp)| c.page(&out, fp));
                    let content = match previous {
                        Some(content) => {
                            reused.fetch_add(1, Ordering::Relaxed);
                            content
                        }
                        None => {
                            let html = renderer
                                .render(page, &vars)
                                .map_err(|d| Failure::Content(vec![d]))?;
                            if cache.is_some() {
                                Content::Shared(Arc::new(html))
                            } else {
                                Content::Bytes(html)
                            }
                        }
                    };
                    if let Some(fp) = fp {
                        kept.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(out.clone(), (fp, content.clone()));
                    }
                    sink.put(OutputFile { path: out, content })
                        .map_err(Failure::Output)?;
                    if let Some(p) = progress {
                        p.step();
                    }
                    Ok(())
                })
                .collect::<Vec<_>>()
        },
        || {
            let t = Instant::now();
            let index = if search_later {
                Ok((0, Duration::ZERO))
            } else {
                search::all(site, &search_plan, sink, progress).map(|n| (n, t.elapsed()))
            };
            // The feeds, sitemap, exports and copies need only the model and the plan:
            // they are made once the index is done (it takes less time than the
            // pages), while the pages still render, and not beside the index, which
            // would add their memory to its.
            let kept = prepared.kept_files();
            (index, site_files::put(site, lists, pages, kept, sink))
        },
    );
    let mut diags = Vec::new();
    for r in rendered {
        match r {
            Ok(()) => {}
            Err(Failure::Content(mut d)) => diags.append(&mut d),
            Err(e @ Failure::Output(_)) => return Err(e),
        }
    }
    if !diags.is_empty() {
        return Err(Failure::Content(one_per_mistake(diags)));
    }
    if let (Some(cache), Some(f)) = (cache, &fingerprints) {
        cache.store_pages(
            kept.into_inner().unwrap_or_else(|e| e.into_inner()),
            f.shared(),
        );
    }
    timings.push(("templates and search", started.elapsed()));
    let mut files = pages.len();
    let (index, took) = search_index.map_err(Failure::Output)?;
    timings.push(("search index alone", took));
    files += index;
    files += rest.map_err(Failure::Output)?;
    let per_lang = pages_per_lang(site, pages.iter());
    drop(langs);
    if let Some(cache) = cache {
        cache.store_prepared(Arc::new(prepared));
    }
    Ok(Stats {
        pages: per_lang,
        files,
        timings,
        pages_reused: reused.into_inner(),
        removed: Vec::new(),
    })
}

/// What every page of a render is made with, prepared once per build: the theme's
/// templates, the lists, who links to whom and the plan of pages. `serve` keeps it
/// for [`render_bodies`].
pub(crate) struct Prepared {
    tera: Arc<tera::Tera>,
    env: Arc<templates::Env>,
    lists: lists::Lists,
    backlinks: Arc<values::Backlinks>,
    pages: Arc<Vec<plan::Page>>,
    eu_ongoing: bool,
    with_collections: bool,
    /// The cards made so far, when `serve` keeps them ([`cards`]); shared with the
    /// render after a theme edit, which changes no card.
    cards: Option<Arc<cards::Cards>>,
    /// The records' parts of the open data files, when `serve` keeps them.
    parts: Option<Arc<exports::Parts>>,
    /// The sitemap's entries, once made, when `serve` keeps them (as it keeps
    /// `parts`).
    sitemap: OnceLock<Arc<feeds::Entries>>,
    /// The references between records, once an edit needed them.
    near: OnceLock<Arc<affected::Near>>,
}

impl Prepared {
    fn new(site: &Site, keep: bool) -> Result<Prepared, Failure> {
        let formats = || Formats::new(site.config.languages.iter().map(|l| l.code.as_str()));
        // The templates on one side, the lists and the plan of pages on the other.
        let ((env, tera), (lists, backlinks, pages)) = rayon::join(
            || {
                let env = Arc::new(templates::Env::new(site, formats()));
                let tera = templates::build(&site.theme, env.clone());
                (env, tera)
            },
            || {
                let lists = lists::Lists::new(site, &formats());
                let backlinks = values::Backlinks::new(site);
                let pages = plan::plan(site, &lists);
                (lists, backlinks, pages)
            },
        );
        let tera = tera.map_err(Failure::Content)?;
        // Every card in memory for the whole render costs a few kilobytes a record; only
        // a theme that uses `collections` pays it.
        let with_collections = uses_collections(site);
        // With `collections`, every card is made up front anyway (`LangData`).
        let cards = (keep && !with_collections)
            .then(|| cards::Cards::new(site.config.languages.len(), site.records.len()))
            .map(Arc::new);
        Ok(Prepared {
            tera: Arc::new(tera),
            env,
            lists,
            backlinks: Arc::new(backlinks),
            pages: Arc::new(pages),
            eu_ongoing: eu_ongoing(site),
            with_collections,
            cards,
            parts: keep.then(|| Arc::new(exports::Parts::new(site.records.len()))),
            sitemap: OnceLock::new(),
            near: OnceLock::new(),
        })
    }

    /// The sitemap's entries for a render of the same pages.
    fn same_sitemap(&self) -> OnceLock<Arc<feeds::Entries>> {
        let kept = OnceLock::new();
        if let Some(e) = self.sitemap.get() {
            let _ = kept.set(e.clone());
        }
        kept
    }

    /// Where the sitemap's entries are kept, when `serve` keeps what the site files
    /// are made of.
    fn sitemap_kept(&self) -> Option<&OnceLock<Arc<feeds::Entries>>> {
        self.parts.as_ref().map(|_| &self.sitemap)
    }

    /// What the site files keep for `serve`.
    fn kept_files(&self) -> site_files::Kept<'_> {
        site_files::Kept {
            parts: self.parts.as_deref(),
            sitemap: self.sitemap_kept(),
        }
    }

    /// What this render prepared, for `site` after an edit of records that kept their
    /// places: the same theme and pages (those of the records `moved` at their new
    /// addresses), the lists and links made again, the cards kept but those of the
    /// records `affected`. `None` when the edit changed which pages the site has.
    fn after_edit(
        &self,
        site: &Site,
        edited: &[usize],
        affected: &affected::Affected,
        moved: &[usize],
    ) -> Option<Prepared> {
        let formats = Formats::new(site.config.languages.iter().map(|l| l.code.as_str()));
        // Only projects and people name others in what `Backlinks` gathers.
        let links_changed = edited.iter().any(|&i| {
            site.records.get(i).is_none_or(|r| {
                matches!(r.id.collection, Collection::Projects | Collection::People)
            })
        });
        let collections = collections_of(site, edited);
        let (lists, backlinks) = rayon::join(
            || lists::Lists::after_edit(site, &formats, &self.lists, &collections),
            || match links_changed {
                true => Arc::new(values::Backlinks::new(site)),
                false => self.backlinks.clone(),
            },
        );
        // The plan follows from the records' identities and how many each list
        // holds; the identities are the same.
        let same_plan = (0..site.config.languages.len()).all(|i| {
            let (a, b) = (self.lists.lang(i), lists.lang(i));
            Collection::ALL
                .iter()
                .all(|c| a.of(*c).len() == b.of(*c).len())
        });
        if !same_plan {
            return None;
        }
        let pages = match moved.is_empty() {
            true => self.pages.clone(),
            false => Arc::new(plan::moved(site, &self.pages, moved)?),
        };
        Some(Prepared {
            tera: self.tera.clone(),
            env: self.env.clone(),
            lists,
            backlinks,
            pages,
            eu_ongoing: eu_ongoing(site),
            with_collections: self.with_collections,
            cards: self
                .cards
                .as_ref()
                .map(|c| Arc::new(c.after_edit(|i| affected.includes(i)))),
            parts: self
                .parts
                .as_ref()
                .map(|p| Arc::new(p.take_after_edit(edited))),
            // A move makes the sitemap again (`render_affected`).
            sitemap: match moved.is_empty() {
                true => self.same_sitemap(),
                false => OnceLock::new(),
            },
            // Set by the caller, which has it.
            near: OnceLock::new(),
        })
    }

    /// What this render prepared, for `site` after a record of `collection` joined
    /// it or left it (`shift`): the same theme; the lists with each record at its new
    /// index and that collection's sorted again; the plan of pages made again; the
    /// cards and open data parts kept at their records' new indices, but the cards
    /// of the records `affected`. `None` when a collection's list became empty or
    /// stopped being empty in a language (its section page and menu entry come or go
    /// on every page).
    fn shifted(
        &self,
        site: &Site,
        shift: Shift,
        collection: Collection,
        affected: &affected::Affected,
    ) -> Option<Prepared> {
        let records = site.records.len();
        // The lists and the plan on one side, the cards and the parts on the other.
        let ((lists, pages), (cards, parts)) = rayon::join(
            || {
                let formats = Formats::new(site.config.languages.iter().map(|l| l.code.as_str()));
                let before = self.lists.shifted(site, shift);
                let lists = lists::Lists::after_edit(site, &formats, &before, &[collection]);
                let pages = plan::plan(site, &lists);
                (lists, pages)
            },
            || {
                let cards = self
                    .cards
                    .as_ref()
                    .map(|c| Arc::new(c.shifted(shift, records, |i| affected.includes(i))));
                let parts = self.parts.as_ref().map(|p| Arc::new(p.take_shifted(shift)));
                (cards, parts)
            },
        );
        let same_sections = (0..site.config.languages.len()).all(|i| {
            let (a, b) = (self.lists.lang(i), lists.lang(i));
            Collection::ALL
                .iter()
                .all(|c| a.of(*c).is_empty() == b.of(*c).is_empty())
        });
        if !same_sections {
            return None;
        }
        let backlinks = match collection {
            Collection::Projects | Collection::People => Arc::new(values::Backlinks::new(site)),
            _ => self.backlinks.clone(),
        };
        Some(Prepared {
            tera: self.tera.clone(),
            env: self.env.clone(),
            lists,
            backlinks,
            pages: Arc::new(pages),
            eu_ongoing: eu_ongoing(site),
            with_collections: self.with_collections,
            cards,
            parts,
            sitemap: OnceLock::new(),
            near: OnceLock::new(),
        })
    }

    /// What this render prepared, for `site` after an edit of its theme's templates or
    /// static files (the content is the same): the templates compiled again, the rest
    /// kept. `None` when the edit changes whether the theme reads `collections`.
    fn with_theme(&self, site: &Site) -> Option<Result<Prepared, Failure>> {
        if uses_collections(site) != self.with_collections {
            return None;
        }
        let formats = || Formats::new(site.config.languages.iter().map(|l| l.code.as_str()));
        let env = Arc::new(self.env.with_theme(site, formats()));
        let tera = match templates::build(&site.theme, env.clone()) {
            Ok(t) => t,
            Err(d) => return Some(Err(Failure::Content(d))),
        };
        let lists = lists::Lists::after_edit(site, &formats(), &self.lists, &[]);
        let cards = self.cards.clone();
        let parts = self.parts.clone();
        Some(Ok(Prepared {
            tera: Arc::new(tera),
            env,
            lists,
            backlinks: self.backlinks.clone(),
            pages: self.pages.clone(),
            eu_ongoing: self.eu_ongoing,
            with_collections: self.with_collections,
            cards,
            parts,
            sitemap: self.same_sitemap(),
            near: self.near.clone(),
        }))
    }

    /// Each language's template data.
    fn langs<'a>(&'a self, site: &'a Site) -> Vec<langs::LangData<'a>> {
        site.config
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| {
                langs::LangData::new(
                    site,
                    l,
                    self.lists.lang(i),
                    &self.backlinks,
                    self.eu_ongoing,
                    self.with_collections,
                    self.cards.as_ref().and_then(|c| c.lang(i)),
                )
            })
            .collect()
    }

    fn renderer<'a>(
        &'a self,
        site: &'a Site,
        langs: &'a [langs::LangData<'a>],
    ) -> page::Renderer<'a> {
        page::Renderer {
            tera: &self.tera,
            site,
            langs,
            lists: &self.lists,
            backlinks: &self.backlinks,
        }
    }
}

/// Whether a template of the theme may read `collections` (every record's card).
fn uses_collections(site: &Site) -> bool {
    site.theme
        .templates
        .values()
        .any(|t| t.text.contains("collections"))
}

/// Whether the site has an ongoing project with EU funding (the site data says so,
/// for the EU emblem).
fn eu_ongoing(site: &Site) -> bool {
    site.collection(Collection::Projects).any(|r| {
        r.locales.first().is_some_and(|l| match &l.data {
            RecordData::Project(p) => {
                p.status == Some(ProjectStatus::Ongoing)
                    && site.config.funder(&p.funder).is_some_and(|f| f.eu)
            }
            _ => false,
        })
    })
}

/// HTML pages per language (site-wide pages not counted).
fn pages_per_lang<'a>(
    site: &Site,
    pages: impl Iterator<Item = &'a plan::Page>,
) -> Vec<(String, usize)> {
    let mut per_lang = vec![0usize; site.config.languages.len()];
    for p in pages.filter(|p| !p.kind.site_wide()) {
        per_lang[p.lang] += 1;
    }
    site.config
        .languages
        .iter()
        .zip(per_lang)
        .map(|(l, n)| (l.code.clone(), n))
        .collect()
}

/// After an edit of the bodies of `records` (indices into `Site::records`) and
/// nothing else (`resolve::patch`), renders the pages that show those bodies and,
/// when they show such records, the feeds, with what the previous render of the site
/// prepared. `None` when the cache holds nothing prepared; the caller then renders
/// the whole site.
pub fn render_bodies(
    site: &Site,
    sink: &dyn Sink,
    cache: &cache::Cache,
    records: &[usize],
) -> Option<Result<Stats, Failure>> {
    let started = Instant::now();
    let prepared = cache.prepared()?;
    let langs = prepared.langs(site);
    let renderer = prepared.renderer(site, &langs);
    let pages: Vec<&plan::Page> = prepared
        .pages
        .iter()
        .filter(|p| renderer.body_shown(p).is_some_and(|i| records.contains(&i)))
        .collect();
    let rendered: Result<Vec<OutputFile>, Failure> = pages
        .par_iter()
        .map(|page| {
            let vars = renderer.vars(page);
            let html = renderer
                .render(page, &vars)
                .map_err(|d| Failure::Content(vec![d]))?;
            Ok(OutputFile {
                path: page.output(),
                content: Content::Shared(Arc::new(html)),
            })
        })
        .collect();
    let mut files = match rendered {
        Ok(f) => f,
        Err(e) => return Some(Err(e)),
    };
    // The cache's versions of these pages are out of date now; a later render makes
    // them again rather than trust their fingerprints.
    cache.forget(files.iter().map(|f| f.path.as_str()));
    files.extend(feeds_of(
        site,
        &prepared.lists,
        &collections_of(site, records),
    ));
    let count = match put_all(sink, files) {
        Ok(n) => n,
        Err(e) => return Some(Err(e)),
    };
    Some(Ok(Stats {
        pages: pages_per_lang(site, pages.into_iter()),
        files: count,
        timings: vec![("bodies", started.elapsed())],
        pages_reused: 0,
        removed: Vec::new(),
    }))
}

/// The collections of the records at `records` (indices into `Site::records`).
fn collections_of(site: &Site, records: &[usize]) -> Vec<Collection> {
    records
        .iter()
        .filter_map(|&i| Some(site.records.get(i)?.id.collection))
        .collect()
}

/// The feeds again, when records of `edited` collections can change them.
fn feeds_of(site: &Site, lists: &lists::Lists, edited: &[Collection]) -> Vec<OutputFile> {
    match feeds::SHOWN.iter().any(|c| edited.contains(c)) {
        true => site_files::feeds(site, lists),
        false => Vec::new(),
    }
}

/// After an edit of the front matter of records that kept their identities
/// (`resolve::patch`), renders the site again with the render cache: every page's
/// template data is made and fingerprinted, and only the pages whose data changed are
/// rendered (the lists, the feeds and the pages that show the records among them).
/// `None` when the cache holds nothing prepared, or when the edit changed which pages
/// the site has (the caller then runs the whole pipeline).
pub fn render_edited(
    site: &Site,
    sink: &dyn Sink,
    cache: &cache::Cache,
) -> Option<Result<Stats, Failure>> {
    let before = cache.prepared()?;
    let rendered = render(site, sink, None, Some(cache));
    if rendered.is_ok() {
        let after = cache.prepared()?;
        let same_pages = before.pages.len() == after.pages.len()
            && before
                .pages
                .iter()
                .zip(after.pages.iter())
                .all(|(a, b)| a.path == b.path && a.kind == b.kind);
        if !same_pages {
            return None;
        }
    }
    Some(rendered)
}

/// After an edit of the front matter of the records `edited` (indices into
/// `Site::records`) that kept their places among the others (`resolve::patch`),
/// renders the pages that may show what changed ([`affected`]) whose template data
/// did change, and the feeds and open data, with what the previous render prepared.
/// `before` names the records the edited ones named before the edit; `moved` those
/// of them whose pages have new addresses (a new slug): the sitemap is made again,
/// and their old pages are named in [`Stats::removed`]. `bodies` are records whose
/// bodies alone changed (those that link to a moved record): only the pages that show
/// their bodies are looked at for them, as in [`render_bodies`]. A theme that reads
/// `collections`, or an edit of what every page shares (the site data, the menu), can
/// change any page: then the whole site is rendered with the cache
/// ([`render_edited`]). `None` as for [`render_edited`].
pub fn render_records(
    site: &Site,
    sink: &dyn Sink,
    cache: &cache::Cache,
    edited: &[usize],
    bodies: &[usize],
    before: &[crate::model::RecordId],
    moved: &[usize],
) -> Option<Result<Stats, Failure>> {
    let started = Instant::now();
    let old = cache.prepared()?;
    let near = match old.near.get() {
        Some(near) if affected::Near::holds_after(site, edited, before) => near.clone(),
        _ => Arc::new(affected::Near::new(site)),
    };
    let affected = affected::Affected::around(site, &near, edited, before);
    let prepared = (!old.with_collections)
        .then(|| old.after_edit(site, edited, &affected, moved))
        .flatten();
    if let Some(p) = &prepared {
        let _ = p.near.set(near);
    }
    let Some(prepared) = prepared else {
        drop(old);
        // A whole render keeps the pages' addresses (`render_edited`): the addresses
        // a move takes away would stay served.
        return match moved.is_empty() {
            true => render_edited(site, sink, cache),
            false => None,
        };
    };
    let removed = moved_away(&old.pages, &prepared.pages, moved);
    let sitemap = old.sitemap.get().cloned();
    let gone: Vec<String> = old
        .pages
        .iter()
        .filter(|p| p.is_of(moved))
        .map(|p| p.path.clone())
        .collect();
    drop(old);
    let again: Vec<&plan::Page> = prepared.pages.iter().filter(|p| p.is_of(moved)).collect();
    let changed = Changed {
        edited,
        bodies,
        shifted: None,
        sitemap: (!moved.is_empty()).then(|| Remade {
            kept: sitemap.as_deref(),
            gone: &gone,
            again: &again,
        }),
    };
    let rendered = render_affected(site, sink, cache, &prepared, &changed, &affected);
    let Some(rendered) = rendered else {
        return match moved.is_empty() {
            true => render_edited(site, sink, cache),
            false => None,
        };
    };
    if rendered.is_ok() {
        cache.forget(removed.iter().map(String::as_str));
        cache.store_prepared(Arc::new(prepared));
    }
    Some(rendered.map(|mut stats| {
        stats.timings.push(("records", started.elapsed()));
        stats.removed = removed;
        stats
    }))
}

/// After a record of `collection` joined the build or left it (`shift`,
/// [`crate::resolve::join`], [`crate::resolve::leave`]), renders the pages that may
/// show it ([`affected`], from the record put in or from `referred`, what the record
/// taken out named) whose template data changed, the feeds and that collection's open
/// data, with what the previous render prepared; the sitemap is made again from its
/// kept entries (the record's pages and the news list pages), and the pages the site
/// no longer has are named in [`Stats::removed`]. `None` when the cache holds nothing
/// prepared or the edit can change any page (a theme that reads `collections`, a
/// section that came or went, what every page shares): the caller then runs the
/// whole pipeline.
pub fn render_shifted(
    site: &Site,
    sink: &dyn Sink,
    cache: &cache::Cache,
    shift: Shift,
    collection: Collection,
    referred: &[crate::model::RecordId],
) -> Option<Result<Stats, Failure>> {
    let started = Instant::now();
    let old = cache.prepared()?;
    if old.with_collections {
        return None;
    }
    let near = Arc::new(match old.near.get() {
        Some(near) => near.shifted(site, shift),
        None => affected::Near::new(site),
    });
    let edited: Vec<usize> = shift.inserted().into_iter().collect();
    let affected = affected::Affected::around(site, &near, &edited, referred).with(collection);
    let prepared = old.shifted(site, shift, collection, &affected)?;
    let _ = prepared.near.set(near);
    // The pages the site no longer has: those of the record taken out, and news list
    // pages beyond the new number (sections stay, `Prepared::shifted`).
    let taken_out = match shift {
        Shift::Removed(at) => Some(at),
        Shift::Inserted(_) => None,
    };
    let news_list = |p: &plan::Page| p.kind == plan::PageKind::NewsList;
    let news_now: std::collections::HashSet<&str> = prepared
        .pages
        .iter()
        .filter(|p| news_list(p))
        .map(|p| p.path.as_str())
        .collect();
    let of_taken_out = |p: &plan::Page| p.record.is_some() && p.record == taken_out;
    let removed: Vec<String> = old
        .pages
        .iter()
        .filter(|p| of_taken_out(p) || (news_list(p) && !news_now.contains(p.path.as_str())))
        .map(plan::Page::output)
        .collect();
    // The entries made again: the record's pages and the news list pages (their
    // number and their alternates follow from how many items each language has).
    let remade = |p: &plan::Page| news_list(p) && collection == Collection::News;
    let mut gone: Vec<String> = old
        .pages
        .iter()
        .filter(|p| remade(p) || of_taken_out(p))
        .map(|p| p.path.clone())
        .collect();
    let sitemap = old.sitemap.get().cloned();
    drop(old);
    let again: Vec<&plan::Page> = prepared
        .pages
        .iter()
        .filter(|p| remade(p) || p.is_of(&edited))
        .collect();
    gone.extend(again.iter().map(|p| p.path.clone()));
    let changed = Changed {
        edited: &edited,
        bodies: &[],
        shifted: Some(collection),
        sitemap: Some(Remade {
            kept: sitemap.as_deref(),
            gone: &gone,
            again: &again,
        }),
    };
    let rendered = render_affected(site, sink, cache, &prepared, &changed, &affected)?;
    if rendered.is_ok() {
        cache.forget(removed.iter().map(String::as_str));
        cache.store_prepared(Arc::new(prepared));
    }
    Some(rendered.map(|mut stats| {
        stats.timings.push(("shifted", started.elapsed()));
        stats.removed = removed;
        stats
    }))
}

/// The output files of the pages of the records `moved` in the plan `before` that
/// the plan `after` no longer has.
fn moved_away(before: &[plan::Page], after: &[plan::Page], moved: &[usize]) -> Vec<String> {
    let of_moved = |pages: &[plan::Page]| -> Vec<String> {
        pages
            .iter()
            .filter(|p| p.is_of(moved))
            .map(plan::Page::output)
            .collect()
    };
    let now = of_moved(after);
    of_moved(before)
        .into_iter()
        .filter(|p| !now.contains(p))
        .collect()
}

/// The records an edit changed, as [`render_records`] takes them.
#[derive(Clone, Copy)]
struct Changed<'a> {
    edited: &'a [usize],
    bodies: &'a [usize],
    /// The collection of a record that came or went (its feeds and open data change).
    shifted: Option<Collection>,
    /// When pages came, went or moved: what the sitemap is made again from.
    sitemap: Option<Remade<'a>>,
}

/// The sitemap after an edit that changed which pages the site has or where.
#[derive(Clone, Copy)]
struct Remade<'a> {
    /// The sitemap's entries before the edit, if kept.
    kept: Option<&'a feeds::Entries>,
    /// The paths of the pages whose entries are gone or made again.
    gone: &'a [String],
    /// The pages whose entries are made again.
    again: &'a [&'a plan::Page],
}

/// [`render_records`] with the edited site's `prepared`; `None` when what every page
/// shares changed.
fn render_affected(
    site: &Site,
    sink: &dyn Sink,
    cache: &cache::Cache,
    prepared: &Prepared,
    changed: &Changed,
    affected: &affected::Affected,
) -> Option<Result<Stats, Failure>> {
    let Changed {
        edited,
        bodies,
        shifted,
        sitemap,
    } = *changed;
    let langs = prepared.langs(site);
    let renderer = prepared.renderer(site, &langs);
    let fingerprints = fingerprint::Fingerprints::new(
        site,
        &prepared.lists,
        &prepared.env,
        &prepared.tera,
        &langs,
    );
    if cache.shared().as_ref() != Some(&fingerprints.shared()) {
        return None;
    }
    let pages: Vec<&plan::Page> = prepared
        .pages
        .iter()
        .filter(|p| {
            affected.may_show(p) || renderer.body_shown(p).is_some_and(|i| bodies.contains(&i))
        })
        .collect();
    let reused = AtomicUsize::new(0);
    // Each page rendered again, with its file and fingerprint.
    type Again<'p> = (&'p plan::Page, OutputFile, u64);
    let pages_again = || -> Result<Vec<Option<Again>>, Failure> {
        pages
            .par_iter()
            .with_max_len(crate::par::PIECE)
            .map(|page| {
                let vars = renderer.vars(page);
                let out = page.output();
                let fp = fingerprints.of(page, &vars);
                if cache.page(&out, fp).is_some() {
                    reused.fetch_add(1, Ordering::Relaxed);
                    return Ok(None);
                }
                let html = renderer
                    .render(page, &vars)
                    .map_err(|d| Failure::Content(vec![d]))?;
                let file = OutputFile {
                    path: out,
                    content: Content::Shared(Arc::new(html)),
                };
                Ok(Some((*page, file, fp)))
            })
            .collect()
    };
    // The sitemap, robots.txt and the copies follow from the records' identities
    // and the theme: the sitemap is made again when pages moved. The feeds and the
    // open data show fields.
    let mut edited_collections = collections_of(site, edited);
    edited_collections.extend(shifted);
    // The feeds show bodies too.
    let mut shown_collections = edited_collections.clone();
    shown_collections.extend(collections_of(site, bodies));
    let site_files = || {
        let (mut files, feeds) = rayon::join(
            || {
                exports::exports_of(
                    site,
                    &site.urls(),
                    &edited_collections,
                    prepared.parts.as_deref(),
                )
            },
            || feeds_of(site, &prepared.lists, &shown_collections),
        );
        files.extend(feeds);
        if let Some(remade) = sitemap {
            // From the entries before, when kept: only the pages that came or moved
            // are made again.
            let again = remade.kept.and_then(|kept| {
                let (urls, lists) = (site.urls(), &prepared.lists);
                let (gone, again) = (remade.gone, remade.again);
                feeds::moved_sitemap(site, lists, &urls, kept, gone, again, &prepared.sitemap)
            });
            match again {
                Some(f) => files.push(f),
                None => files.extend(site_files::sitemaps(
                    site,
                    &prepared.lists,
                    &prepared.pages,
                    prepared.sitemap_kept(),
                )),
            }
        }
        files
    };
    let (rendered, mut files) = rayon::join(pages_again, site_files);
    let rendered: Vec<Again> = match rendered {
        Ok(r) => r.into_iter().flatten().collect(),
        Err(e) => return Some(Err(e.reported())),
    };
    let per_lang = pages_per_lang(site, rendered.iter().map(|(p, _, _)| *p));
    cache.update_pages(
        rendered
            .iter()
            .map(|(_, f, fp)| (f.path.clone(), (*fp, f.content.clone()))),
    );
    files.extend(rendered.into_iter().map(|(_, f, _)| f));
    let count = match put_all(sink, files) {
        Ok(n) => n,
        Err(e) => return Some(Err(e)),
    };
    Some(Ok(Stats {
        pages: per_lang,
        files: count,
        timings: Vec::new(),
        pages_reused: reused.into_inner(),
        removed: Vec::new(),
    }))
}

/// After an edit of the theme's templates or static files that left its strings and
/// settings as they were (the content is the same too), renders the pages whose
/// templates use what changed ([`uses`]) and copies the theme's static files again,
/// with what the previous render prepared. `None` when the cache holds nothing
/// prepared, or when the edit can change more than that (the caller then renders the
/// whole site).
pub fn render_theme(
    site: &Site,
    sink: &dyn Sink,
    cache: &cache::Cache,
) -> Option<Result<Stats, Failure>> {
    let started = Instant::now();
    let old = cache.prepared()?;
    let before = cache.shared()?;
    let prepared = match old.with_theme(site)? {
        Ok(p) => p,
        Err(e) => return Some(Err(e)),
    };
    drop(old);
    let langs = prepared.langs(site);
    let renderer = prepared.renderer(site, &langs);
    let fingerprints = fingerprint::Fingerprints::new(
        site,
        &prepared.lists,
        &prepared.env,
        &prepared.tera,
        &langs,
    );
    let shared = fingerprints.shared();
    let changed = before.templates_changed(&shared)?;
    let pages: Vec<&plan::Page> = prepared
        .pages
        .iter()
        .filter(|p| changed.contains(&p.kind.template()))
        .collect();
    let rendered: Result<Vec<(OutputFile, u64)>, Failure> = pages
        .par_iter()
        .with_max_len(crate::par::PIECE)
        .map(|page| {
            let vars = renderer.vars(page);
            let fp = fingerprints.of(page, &vars);
            let html = renderer
                .render(page, &vars)
                .map_err(|d| Failure::Content(vec![d]))?;
            let file = OutputFile {
                path: page.output(),
                content: Content::Shared(Arc::new(html)),
            };
            Ok((file, fp))
        })
        .collect();
    let rendered = match rendered {
        Ok(r) => r,
        Err(e) => return Some(Err(e.reported())),
    };
    cache.update_pages(
        rendered
            .iter()
            .map(|(f, fp)| (f.path.clone(), (*fp, f.content.clone()))),
    );
    let per_lang = pages_per_lang(site, pages.into_iter());
    drop(fingerprints);
    drop(langs);
    cache.store_shared(shared);
    cache.store_prepared(Arc::new(prepared));
    // The static files are few and small; the served ones that did not change are
    // recognised as the same bytes.
    let mut files: Vec<OutputFile> = site_files::theme_files(site).collect();
    files.extend(rendered.into_iter().map(|(f, _)| f));
    let count = match put_all(sink, files) {
        Ok(n) => n,
        Err(e) => return Some(Err(e)),
    };
    Some(Ok(Stats {
        pages: per_lang,
        files: count,
        timings: vec![("theme", started.elapsed())],
        pages_reused: 0,
        removed: Vec::new(),
    }))
}

impl Failure {
    /// The failure of rendering pages as it is reported: one message per template
    /// mistake ([`one_per_mistake`]).
    fn reported(self) -> Failure {
        match self {
            Failure::Content(d) => Failure::Content(one_per_mistake(d)),
            output => output,
        }
    }
}

/// Gives `files` to `sink`; how many there were.
fn put_all(sink: &dyn Sink, files: Vec<OutputFile>) -> Result<usize, Failure> {
    let count = files.len();
    for f in files {
        sink.put(f).map_err(Failure::Output)?;
    }
    Ok(count)
}

/// One template mistake fails every page that uses it: one message for it, naming the
/// first page and how many others failed the same way; sorted as diagnostics are.
fn one_per_mistake(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // The same mistake: the same place and the same cause, whichever page failed.
    type Key = (String, usize, usize, String);
    let mut out: Vec<(Key, Diagnostic, usize)> = Vec::new();
    for d in diags {
        let cause = d
            .message
            .split_once(" failed: ")
            .map_or(d.message.as_str(), |(_, c)| c)
            .to_string();
        let key = (d.path.clone(), d.line, d.column, cause);
        match out.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, n)) => *n += 1,
            None => out.push((key, d, 0)),
        }
    }
    let mut diags: Vec<Diagnostic> = out
        .into_iter()
        .map(|(_, mut d, others)| {
            if others > 0
                && let Some((head, c)) = d.message.split_once(" failed: ")
            {
                let pages = if others == 1 { "page" } else { "pages" };
                d.message = format!("{head} (and {others} other {pages}) failed: {c}");
            }
            d
        })
        .collect();
    crate::diagnostics::normalize(&mut diags);
    diags
}

#[cfg(test)]
mod tests;
