//! Stage 2: from loaded files to the complete, immutable [`Site`].
//!
//! 1. `site.yaml` becomes the [`SiteConfig`] (with the theme's default tables).
//! 2. The theme is resolved: strings, language names, required templates
//!    ([`theme`]).
//! 3. Identities: for every record its languages, draft flag, slugs and page paths,
//!    so that references and `@` links can be checked in any order ([`identities`]).
//! 4. Records are validated and resolved per language, in parallel ([`records`]).
//!
//! Render takes the result and nothing else.

mod body;
mod brand;
mod color;
mod config;
mod fields;
mod identities;
mod lists;
mod patch;
mod records;
mod references;
mod scalars;
mod texts;
mod theme;
mod typed;
pub mod values;

pub use config::native_name;
pub use identities::{IdTable, Identity};
pub use patch::{Patched, Shifted, join, leave, left_out, patch};
pub use theme::patch as patch_theme;

use crate::diagnostics::Diagnostic;
use crate::load::theme::LoadedTheme;
use crate::load::{LoadedContent, YamlFile};
use crate::markdown::Labels;
use crate::model::{
    BodyStore, ExternalLink, MediaFile, RecordId, Site, SiteConfig, Strings, Theme,
};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

pub struct Options {
    pub base_url: Option<String>,
    pub drafts: bool,
    pub date: jiff::civil::Date,
    /// Where bodies are kept ([`BodyStore`]): the choice for a whole build, by the
    /// site's size (the first [`PLAIN_BODIES`] of a build in memory are kept as they
    /// are).
    pub bodies: BodyStore,
}

/// Read-only context shared by all record resolvers.
pub struct Shared<'a> {
    pub default: &'a str,
    pub languages: Vec<&'a str>,
    pub ids: &'a IdTable,
    pub media: &'a BTreeMap<String, (PathBuf, u64)>,
    /// The prepared pictures among them, for bodies' `<picture>`s.
    pub pictures: &'a crate::model::Pictures,
    pub config: &'a SiteConfig,
    pub theme: &'a Theme,
    /// The words Markdown rendering writes itself, per language.
    pub labels: BTreeMap<String, Labels>,
    /// Where bodies are kept.
    pub store: BodyStore,
    /// How many bytes of HTML may still be kept as they are rather than in `store`.
    plain_left: std::sync::atomic::AtomicI64,
}

impl<'a> Shared<'a> {
    /// The context of the site's settings and theme, with the identities of all
    /// records, the media files and their pictures (for a whole build, and for one
    /// record resolved again by [`patch`]).
    pub fn new(
        config: &'a SiteConfig,
        theme: &'a Theme,
        ids: &'a IdTable,
        media: &'a BTreeMap<String, (PathBuf, u64)>,
        pictures: &'a crate::model::Pictures,
        store: BodyStore,
    ) -> Shared<'a> {
        Shared {
            default: config.default_lang(),
            languages: config.languages.iter().map(|l| l.code.as_str()).collect(),
            ids,
            media,
            pictures,
            config,
            theme,
            labels: config
                .languages
                .iter()
                .map(|l| (l.code.clone(), labels(&theme.strings, &l.code)))
                .collect(),
            store,
            plain_left: std::sync::atomic::AtomicI64::new(PLAIN_BODIES as i64),
        }
    }

    /// Where a body of `len` bytes of HTML goes: in memory, the first
    /// [`PLAIN_BODIES`] of a build are kept as they are and the rest compressed; a
    /// build that keeps its bodies in a scratch file (a large site) puts them all there.
    pub fn store_for(&self, len: usize) -> &BodyStore {
        use std::sync::atomic::Ordering;
        match self.store {
            BodyStore::Compressed
                if self.plain_left.fetch_sub(len as i64, Ordering::Relaxed) >= len as i64 =>
            {
                &BodyStore::Plain
            }
            _ => &self.store,
        }
    }
}

/// How many bytes of HTML bodies a build keeps as they are before it compresses the
/// rest (or puts them in the scratch file): compressing costs time, keeping them as
/// they are costs memory. A site of 2 x 1,000 pages has about 7 MB of body HTML, one
/// of 2 x 10,000 about 70 MB (docs/performance.md).
pub const PLAIN_BODIES: usize = 24 * 1024 * 1024;

/// The words of [`Labels`] in `lang`, from the theme's interface strings.
fn labels(strings: &Strings, lang: &str) -> Labels {
    let d = Labels::default();
    let get = |key: &str, fallback: String| {
        strings
            .get(lang, key)
            .map(str::to_string)
            .unwrap_or(fallback)
    };
    Labels {
        note: get("alert_note", d.note),
        tip: get("alert_tip", d.tip),
        important: get("alert_important", d.important),
        warning: get("alert_warning", d.warning),
        caution: get("alert_caution", d.caution),
        footnote_back: get("footnote_back", d.footnote_back),
    }
}

/// What resolving kept beside the model, for resolving an edited record again in it
/// ([`patch`]): the identities of all records, the media files, each record's own
/// problems, a fingerprint of each record file's front matter and the records each
/// record's bodies link to.
pub struct Kept {
    ids: IdTable,
    media: BTreeMap<String, (PathBuf, u64)>,
    problems: HashMap<RecordId, Vec<Diagnostic>>,
    heads: HashMap<String, u64>,
    linked: HashMap<RecordId, Vec<RecordId>>,
    /// The files of each record left out of the build as a draft.
    drafts: HashMap<RecordId, Vec<String>>,
}

impl Kept {
    /// The problems found in a record's fields and body (not those of loading its
    /// files or of its identity).
    pub fn problems(&self, id: &RecordId) -> &[Diagnostic] {
        self.problems.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether the build has a record `id`, in it or left out as a draft.
    pub fn knows(&self, id: &RecordId) -> bool {
        self.ids.get(id).is_some()
    }

    /// The files of record `id` when it is a draft left out of the build.
    pub fn draft_files(&self, id: &RecordId) -> Option<&[String]> {
        self.drafts.get(id).map(Vec::as_slice)
    }

    /// The draft (left out of the build) that has the file `rel`, if one has.
    pub fn draft_with(&self, rel: &str) -> Option<&RecordId> {
        self.drafts
            .iter()
            .find(|(_, files)| files.iter().any(|f| f == rel))
            .map(|(id, _)| id)
    }

    /// The records whose bodies link to `id` with `@` (their HTML holds its
    /// address), in id order.
    pub fn linking_to(&self, id: &RecordId) -> Vec<RecordId> {
        let mut from: Vec<RecordId> = self
            .linked
            .iter()
            .filter(|(_, to)| to.contains(id))
            .map(|(from, _)| from.clone())
            .collect();
        from.sort();
        from
    }
}

/// Builds the site model. Returns `None` when the content cannot make a site at all
/// (no usable site.yaml, no theme); otherwise the site plus every problem found.
pub fn resolve(
    content: LoadedContent,
    pictures: crate::model::Pictures,
    opts: &Options,
) -> (Option<Site>, Vec<Diagnostic>) {
    let (site, diags, _) = resolve_inner(content, pictures, opts, false);
    (site, diags)
}

/// [`resolve`], keeping what [`patch`] needs (`serve`).
pub fn resolve_keeping(
    content: LoadedContent,
    pictures: crate::model::Pictures,
    opts: &Options,
) -> (Option<Site>, Vec<Diagnostic>, Option<Kept>) {
    resolve_inner(content, pictures, opts, true)
}

fn resolve_inner(
    content: LoadedContent,
    pictures: crate::model::Pictures,
    opts: &Options,
    keep: bool,
) -> (Option<Site>, Vec<Diagnostic>, Option<Kept>) {
    let mut diags = Vec::new();
    let Some(site_file) = &content.site else {
        return (None, diags, None);
    };
    let settings = content
        .theme
        .as_ref()
        .map(|t| t.settings.as_slice())
        .unwrap_or(&[]);
    let (config, mut d) = config::read(site_file, opts.base_url.as_deref(), settings);
    diags.append(&mut d);
    let Some(mut config) = config else {
        return (None, diags, None);
    };
    let codes: Vec<String> = config.languages.iter().map(|l| l.code.clone()).collect();
    config.brand = brand::read(site_file, &codes, &content.media, settings, &mut diags);
    let mut content = content;
    let Some(loaded_theme) = content.theme.take() else {
        return (None, diags, None);
    };
    let theme = theme::resolve(loaded_theme, &content.i18n, &mut config, &mut diags);
    let (ids, mut d) = identities::identities(&content.records, &config, opts.drafts);
    diags.append(&mut d);
    // Each raw record (its files' YAML trees with positions) is dropped as soon as it is
    // resolved: holding them all beside the finished model was a third of the peak.
    let raws = std::mem::take(&mut content.records);
    let heads: HashMap<String, u64> = if keep {
        raws.iter()
            .flat_map(|r| &r.files)
            .map(|f| (f.file.rel.clone(), patch::head_hash(&f.file.text)))
            .collect()
    } else {
        HashMap::new()
    };
    // The files of the records left out of the build (drafts), which `serve` reads
    // again when one is published.
    let drafts: HashMap<RecordId, Vec<String>> = if keep {
        raws.iter()
            .map(|r| RecordId::new(r.collection, r.stem.clone()))
            .zip(&raws)
            .filter(|(id, _)| ids.get(id).is_some_and(|i| !i.included))
            .map(|(id, r)| (id, r.files.iter().map(|f| f.file.rel.clone()).collect()))
            .collect()
    } else {
        HashMap::new()
    };
    let content = content;
    let Some(site_file) = &content.site else {
        return (None, diags, None);
    };
    for lang in content.i18n.keys() {
        if !config.languages.iter().any(|l| &l.code == lang) {
            diags.push(
                Diagnostic::warning(
                    "language",
                    format!("content/i18n/{lang}.yaml"),
                    format!("`{lang}` is not one of the site's languages; the file is not used"),
                )
                .with_help("rename the file to one of the languages in content/site.yaml"),
            );
        }
    }

    identities::check_menu(site_file, &ids, &mut diags);

    let shared = Shared::new(
        &config,
        &theme,
        &ids,
        &content.media,
        &pictures,
        opts.bodies.clone(),
    );
    let results: Vec<(RecordId, records::Resolved)> = raws
        .into_par_iter()
        .with_max_len(crate::par::PIECE)
        .map(|raw| {
            let id = RecordId::new(raw.collection, raw.stem.clone());
            let resolved = match ids.get(&id) {
                Some(identity) if identity.included => {
                    records::resolve_record(&raw, identity, &shared, opts.date)
                }
                _ => records::Resolved::default(),
            };
            (id, resolved)
        })
        .collect();
    let mut records = Vec::new();
    let mut links = organisation_link(site_file, &config);
    let mut problems = HashMap::new();
    let mut linked = HashMap::new();
    for (id, mut r) in results {
        if keep && !r.problems.is_empty() {
            problems.insert(id.clone(), r.problems.clone());
        }
        if keep && !r.linked.is_empty() {
            linked.insert(id, r.linked);
        }
        diags.append(&mut r.problems);
        records.extend(r.record);
        links.append(&mut r.links);
    }
    // A shared file is read once per language: keep each place once.
    links.sort();
    links.dedup();
    records.sort_by(|a, b| a.id.cmp(&b.id));
    let index = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    drop(shared);
    let kept = keep.then(|| Kept {
        ids,
        media: content.media.clone(),
        problems,
        heads,
        linked,
        drafts,
    });

    let site = Site {
        media: content
            .media
            .iter()
            .map(|(k, (abs, size))| {
                (
                    k.clone(),
                    MediaFile {
                        abs: abs.clone(),
                        size: *size,
                    },
                )
            })
            .collect(),
        pictures,
        config,
        theme,
        records,
        index,
        build_date: opts.date,
        drafts: opts.drafts,
        links,
    };
    (Some(site), diags, kept)
}

/// `organisation.website` of site.yaml, as an outside link.
fn organisation_link(site: &crate::load::YamlFile, config: &SiteConfig) -> Vec<ExternalLink> {
    let node = site.node.get("organisation").and_then(|o| o.get("website"));
    match (&config.organisation.website, node) {
        (Some(url), Some(node)) => vec![ExternalLink {
            url: url.clone(),
            path: site.file.rel.clone(),
            line: node.line,
            column: node.column,
        }],
        _ => Vec::new(),
    }
}

/// The fingerprint of a default-language file that a translation records in
/// `translated_from`. Line ends, trailing spaces and the `translated_from` line itself
/// do not count, so saving a file in another editor does not make translations stale.
pub fn translation_hash(default_text: &str) -> String {
    let normalised: String = default_text
        .lines()
        .filter(|l| !l.trim_start().starts_with("translated_from:"))
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    crate::load::files::short_hash(normalised.trim().as_bytes())
}

/// Site settings from the text of a site.yaml (for scaffolding a new site, whose
/// site.yaml defines its own tables).
pub fn config_from_text(text: &str) -> Option<SiteConfig> {
    let node = crate::load::yaml::parse(text).ok()?;
    let file = crate::load::YamlFile {
        file: std::sync::Arc::new(crate::load::SourceFile {
            rel: "content/site.yaml".into(),
            text: text.to_string(),
        }),
        node,
    };
    config::read(&file, None, &[]).0
}

/// Reads and validates only the settings of the site at `root` (`content/site.yaml`,
/// with its theme's default tables), for commands that do not build.
pub fn read_config(root: &std::path::Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let (site, theme, mut diags): (Option<YamlFile>, Option<LoadedTheme>, Vec<Diagnostic>) =
        crate::load::load_settings(root);
    let Some(site) = site else {
        return Err(diags);
    };
    let settings = theme.as_ref().map(|t| t.settings.as_slice()).unwrap_or(&[]);
    let (config, mut d) = config::read(&site, None, settings);
    diags.append(&mut d);
    match config {
        Some(c) if !diags.iter().any(Diagnostic::is_error) => Ok(c),
        _ => Err(diags),
    }
}

/// Sites in memory for the unit tests of resolve and render.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// The settings most unit tests use: et and en, two categories, two groups, an EU
    /// funder.
    pub const SITE: &str = "title: {et: Test, en: Test}\nbase_url: https://example.org/site/\nlanguages: [et, en]\npartner_categories:\n  medtech: {et: Meditsiin, en: Medtech}\n  startup: {et: Idud, en: Start-ups}\npeople_groups:\n  board: {et: Nõukogu, en: Board}\nfunders:\n  erdf: {name: {et: ERF, en: ERDF}, eu: true}\n";

    /// Resolves `SITE` plus `files` on 2024-06-01.
    pub fn resolve(files: &[(&str, &str)]) -> (Option<Site>, Vec<Diagnostic>) {
        let mut all = vec![("content/site.yaml", SITE)];
        all.extend_from_slice(files);
        let content = crate::load::load_memory(&all);
        let mut diags = content.diagnostics.clone();
        let (site, mut d) = super::resolve(
            content,
            Default::default(),
            &Options {
                base_url: None,
                drafts: false,
                date: jiff::civil::date(2024, 6, 1),
                bodies: BodyStore::Compressed,
            },
        );
        diags.append(&mut d);
        crate::diagnostics::normalize(&mut diags);
        (site, diags)
    }

    /// [`resolve`] of files whose paths and texts were made at run time; panics,
    /// with the diagnostics, when the site does not resolve.
    pub fn site_of(files: &[(String, String)]) -> Site {
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let (site, diags) = resolve(&files);
        site.unwrap_or_else(|| panic!("{diags:?}"))
    }

    /// Loads and resolves the site in `root` on 2024-06-01, drafts included.
    pub fn resolve_folder(root: &std::path::Path) -> (Option<Site>, Vec<Diagnostic>) {
        resolve_folder_with(root, BodyStore::Compressed)
    }

    /// [`resolve_folder`], with the bodies kept as `bodies` says.
    pub fn resolve_folder_with(
        root: &std::path::Path,
        bodies: BodyStore,
    ) -> (Option<Site>, Vec<Diagnostic>) {
        super::resolve(
            crate::load::load_content(root),
            Default::default(),
            &Options {
                base_url: None,
                drafts: true,
                date: jiff::civil::date(2024, 6, 1),
                bodies,
            },
        )
    }

    /// The messages of `diags`, as `code path:line: message`.
    pub fn said(diags: &[Diagnostic]) -> Vec<String> {
        diags
            .iter()
            .map(|d| format!("{} {}:{}: {}", d.code, d.path, d.line, d.message))
            .collect()
    }
}

#[cfg(test)]
mod spill_tests {
    use super::*;

    /// Bodies kept in the scratch file, or as they are, read back as the ones kept
    /// compressed in memory.
    #[test]
    fn spilled_and_plain_bodies_are_the_bodies() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let resolve_with = |bodies: BodyStore| {
            testing::resolve_folder_with(root, bodies)
                .0
                .expect("the example site resolves")
        };
        let memory = resolve_with(BodyStore::Compressed);
        let (spilled, plain) = (
            resolve_with(crate::spill::store()),
            resolve_with(BodyStore::Plain),
        );
        let mut bodies = 0;
        for ((a, b), c) in memory
            .records
            .iter()
            .zip(&spilled.records)
            .zip(&plain.records)
        {
            for ((x, y), z) in a.locales.iter().zip(&b.locales).zip(&c.locales) {
                assert_eq!(x.body.open(), y.body.open(), "{} {}", a.id, x.lang);
                assert_eq!(x.body.open(), z.body.open(), "{} {}", a.id, x.lang);
                bodies += usize::from(!x.body.is_empty());
            }
        }
        assert!(bodies > 4, "only {bodies} bodies");
        if crate::spill::Spill::new().is_some() {
            assert!(
                spilled
                    .records
                    .iter()
                    .flat_map(|r| &r.locales)
                    .any(|l| format!("{:?}", l.body).contains("spilled")),
                "no body went to the scratch file"
            );
        }
    }
}
