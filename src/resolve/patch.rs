//! Resolving one edited record again inside the model of the previous build, for
//! `serve`: an edit of one record's files is the most common change while writing.
//!
//! Only an edit that keeps the record's place among the others qualifies: the same
//! files, and the same languages, page languages and draft state as the previous
//! build gave it (what other records' references and `@` links were checked
//! against). When its front matter is byte for byte the one the previous build read,
//! that holds without looking further; otherwise the record's identity is worked out
//! again on its own and compared. A new slug qualifies when no other record has a
//! page at it: the record then moves ([`Patched::moved`]), and the records whose
//! bodies link to it ([`Kept::linking_to`]) must be resolved again for its new
//! address. Anything else answers `None`, and the caller runs the whole pipeline,
//! which is always right. [`Patched::bodies_only`] tells the caller whether the
//! record resolved again differs from the previous one in its bodies alone.

use super::identities::Identity;
use super::{Kept, Shared, identities, records};
use crate::diagnostics::Diagnostic;
use crate::load::RawRecord;
use crate::model::{BodyStore, Localized, MenuItem, Record, RecordId, Shift, Site};
use rayon::prelude::*;

/// The record's problems before and after, once `site` holds the record resolved
/// again; `None` when the edit needs a whole build (the site may then be partly
/// patched, and must be replaced by that build).
pub struct Patched {
    pub id: RecordId,
    /// The index of the record in `Site::records`.
    pub index: usize,
    pub old_problems: Vec<Diagnostic>,
    pub problems: Vec<Diagnostic>,
    /// Whether the record differs from the previous build's in its Markdown bodies
    /// alone (its front matter may have changed in ways nothing shows, such as a
    /// comment).
    pub bodies_only: bool,
    /// The records the previous version named in its fields: their pages showed it,
    /// and may no longer.
    pub referred: Vec<RecordId>,
    /// Whether the record's slugs, and so the addresses of its pages, changed.
    pub moved: bool,
}

/// A fingerprint of a record file's front matter (a YAML record's whole text).
pub(super) fn head_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Resolves `raw`, the files of a record of `site` read again, in place of the
/// record; see the module's documentation for when it can.
pub fn patch(site: &mut Site, kept: &mut Kept, raw: &RawRecord) -> Option<Patched> {
    let id = RecordId::new(raw.collection, raw.stem.clone());
    let index = *site.index.get(&id)?;
    let old = &site.records[index];
    // Its files, or those and new ones (a language's file added beside a shared
    // one): its identity, worked out again, must then hold as for a new front matter.
    let keeps_files = old.files.iter().all(|(lang, rel)| {
        raw.files
            .iter()
            .any(|f| &f.lang == lang && &f.file.rel == rel)
    });
    let same_files = keeps_files && old.files.len() == raw.files.len();
    if !keeps_files || raw.files.iter().any(|f| f.broken) {
        return None;
    }
    let heads: Vec<u64> = raw.files.iter().map(|f| head_hash(&f.file.text)).collect();
    let same_heads = same_files
        && raw
            .files
            .iter()
            .zip(&heads)
            .all(|(f, h)| kept.heads.get(&f.file.rel) == Some(h));
    let identity = kept.ids.get(&id).filter(|i| i.included)?;
    let mut moved = false;
    if !same_heads {
        // The record on its own gives the problems of its identity that concern it
        // alone; with none, and the same identity, the others' checks still hold. A
        // new slug needs one more: that no other record has a page at it.
        let (alone, problems) =
            identities::identities(std::slice::from_ref(raw), &site.config, site.drafts);
        let new = alone.get(&id).filter(|_| problems.is_empty())?;
        if new != identity {
            if !new.moved_from(identity) || !kept.ids.move_to(&id, new.clone()) {
                return None;
            }
            moved = true;
        }
    }
    let identity = kept.ids.get(&id)?;
    let records::Resolved {
        record,
        problems,
        links,
        linked,
    } = resolve_alone(site, kept, raw, identity);
    let record = record?;
    let bodies_only = same_but_bodies(old, &record);
    let referred = references_of(old);
    for (f, h) in raw.files.iter().zip(heads) {
        kept.heads.insert(f.file.rel.clone(), h);
    }
    // The record's links are taken out and its new ones put in.
    site.links
        .retain(|l| !record.files.iter().any(|(_, rel)| *rel == l.path));
    put_links(site, links);
    site.records[index] = record;
    let old_problems = keep_own(kept, &id, linked, problems.clone());
    Some(Patched {
        id,
        index,
        old_problems,
        problems,
        bodies_only,
        referred,
        moved,
    })
}

/// `raw` resolved with `identity` against the rest of the build (`serve` keeps bodies
/// in memory).
fn resolve_alone(
    site: &Site,
    kept: &Kept,
    raw: &RawRecord,
    identity: &Identity,
) -> records::Resolved {
    let shared = Shared::new(
        &site.config,
        &site.theme,
        &kept.ids,
        &kept.media,
        &site.pictures,
        BodyStore::Compressed,
    );
    records::resolve_record(raw, identity, &shared, site.build_date)
}

/// The records `record` names, sorted and each once.
fn references_of(record: &Record) -> Vec<RecordId> {
    let mut referred: Vec<RecordId> = record.references().cloned().collect();
    referred.sort();
    referred.dedup();
    referred
}

/// Puts `links` into the site's outside links, which stay sorted and without repeats
/// (a record has a few; the site thousands, so they are not sorted again).
fn put_links(site: &mut Site, links: Vec<crate::model::ExternalLink>) {
    for link in links {
        if let Err(at) = site.links.binary_search(&link) {
            site.links.insert(at, link);
        }
    }
}

/// Keeps what resolving record `id` found of its own: whom its bodies link to and its
/// problems; returns its problems before.
fn keep_own(
    kept: &mut Kept,
    id: &RecordId,
    linked: Vec<RecordId>,
    problems: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if linked.is_empty() {
        kept.linked.remove(id);
    } else {
        kept.linked.insert(id.clone(), linked);
    }
    kept.problems
        .insert(id.clone(), problems)
        .unwrap_or_default()
}

/// Whether two versions of a record differ at most in their bodies.
fn same_but_bodies(a: &Record, b: &Record) -> bool {
    a.id == b.id
        && a.draft == b.draft
        && a.files == b.files
        && a.locales.len() == b.locales.len()
        && a.locales
            .iter()
            .zip(&b.locales)
            .all(|(x, y)| same_locale(x, y))
}

fn same_locale(a: &Localized, b: &Localized) -> bool {
    // Everything but the body is serialised (the body is left out of it), and the
    // two fields that are not are compared on their own.
    a.texts == b.texts
        && a.stale == b.stale
        && serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

/// A record that joined the build or left it ([`join`], [`leave`]), for `serve`: a new
/// record, a record whose files are gone, a draft published or taken back.
pub struct Shifted {
    pub id: RecordId,
    /// Where in `Site::records` it came or went.
    pub shift: Shift,
    pub old_problems: Vec<Diagnostic>,
    pub problems: Vec<Diagnostic>,
    /// The records it names (now, for a record that joined; before, for one that
    /// left): their pages show it.
    pub referred: Vec<RecordId>,
}

/// The identity of `raw`, worked out on its own, when that gives no problem.
fn identity_alone(site: &Site, raw: &RawRecord) -> Option<Identity> {
    let id = RecordId::new(raw.collection, raw.stem.clone());
    let (alone, problems) =
        identities::identities(std::slice::from_ref(raw), &site.config, site.drafts);
    alone.get(&id).filter(|_| problems.is_empty()).cloned()
}

/// Keeps the hash of each front matter of `raw`'s files.
fn keep_heads(kept: &mut Kept, raw: &RawRecord) {
    for f in &raw.files {
        kept.heads
            .insert(f.file.rel.clone(), head_hash(&f.file.text));
    }
}

/// Whether `raw`, the files of a record of the build read again, now make it a draft
/// that the build leaves out (and nothing else of its identity is in question).
pub fn left_out(site: &Site, kept: &Kept, raw: &RawRecord) -> bool {
    let same_heads = raw
        .files
        .iter()
        .all(|f| kept.heads.get(&f.file.rel) == Some(&head_hash(&f.file.text)));
    !same_heads
        && !raw.files.iter().any(|f| f.broken)
        && identity_alone(site, raw).is_some_and(|i| !i.included)
}

/// The records `site` references `id` from, in fields or `@` links, and the menu:
/// what they showed or reported of it would change if it joined or left.
fn named_elsewhere(site: &Site, kept: &Kept, id: &RecordId) -> bool {
    site.config.menu.contains(&MenuItem::Record(id.clone()))
        || !kept.linking_to(id).is_empty()
        || site
            .records
            .par_iter()
            .with_min_len(crate::par::PIECE)
            .any(|r| r.id != *id && r.references().any(|x| x == id))
}

/// Resolves `raw`, the files of a record that is not part of the build (a new one, or
/// a draft published), and puts it at its place among the others. `None` when that
/// needs a whole build: its identity has problems or leaves it out, another record
/// has a page at one of its slugs, or the menu names it. (Nothing else can name a
/// record that is not in the build without an error, which a good build has not;
/// the caller checks the warnings about drafts named by others.)
pub fn join(site: &mut Site, kept: &mut Kept, raw: &RawRecord) -> Option<Shifted> {
    let id = RecordId::new(raw.collection, raw.stem.clone());
    if site.index.contains_key(&id)
        || raw.files.iter().any(|f| f.broken)
        || site.config.menu.contains(&MenuItem::Record(id.clone()))
    {
        return None;
    }
    let identity = identity_alone(site, raw).filter(|i| i.included)?;
    if !kept.ids.join(&id, identity) {
        return None;
    }
    let identity = kept.ids.get(&id)?;
    let records::Resolved {
        record,
        problems,
        links,
        linked,
    } = resolve_alone(site, kept, raw, identity);
    let record = record?;
    let referred = references_of(&record);
    keep_heads(kept, raw);
    put_links(site, links);
    let index = site.records.partition_point(|r| r.id < id);
    for i in site.index.values_mut().filter(|i| **i >= index) {
        *i += 1;
    }
    site.index.insert(id.clone(), index);
    site.records.insert(index, record);
    kept.drafts.remove(&id);
    let old_problems = keep_own(kept, &id, linked, problems.clone());
    Some(Shifted {
        id,
        shift: Shift::Inserted(index),
        old_problems,
        problems,
        referred,
    })
}

/// Takes record `id` out of the build: its files are gone (`draft` is `None`), or
/// they were read again as `draft` and make it a draft the build leaves out
/// ([`left_out`]). `None` when that needs a whole build: another record or the menu
/// names it (they would now report it).
pub fn leave(
    site: &mut Site,
    kept: &mut Kept,
    id: &RecordId,
    draft: Option<&RawRecord>,
) -> Option<Shifted> {
    let index = *site.index.get(id)?;
    if named_elsewhere(site, kept, id) {
        return None;
    }
    let as_draft = match draft {
        Some(raw) => Some(identity_alone(site, raw).filter(|i| !i.included)?),
        None => None,
    };
    let record = site.records.remove(index);
    site.index.remove(id);
    for i in site.index.values_mut().filter(|i| **i > index) {
        *i -= 1;
    }
    site.links
        .retain(|l| !record.files.iter().any(|(_, rel)| *rel == l.path));
    kept.linked.remove(id);
    let old_problems = kept.problems.remove(id).unwrap_or_default();
    match draft {
        Some(raw) => {
            keep_heads(kept, raw);
            let files = raw.files.iter().map(|f| f.file.rel.clone()).collect();
            kept.drafts.insert(id.clone(), files);
        }
        None => {
            for (_, rel) in &record.files {
                kept.heads.remove(rel);
            }
        }
    }
    kept.ids.leave(id, as_draft);
    Some(Shifted {
        id: id.clone(),
        shift: Shift::Removed(index),
        old_problems,
        problems: Vec::new(),
        referred: references_of(&record),
    })
}
