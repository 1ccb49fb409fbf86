//! Which pages can show what an edit of some records' front matter changed, so that
//! `serve` makes the template data of those pages alone ([`super::render_records`]).
//!
//! A record's template data (`values.rs`) shows other records at most two
//! references away: a project's card names its partners and contacts, and each
//! contact with their organisation; a partner's card names the projects and people
//! that name it. So the records whose cards or pages can change are those at most two
//! steps from an edited record, following references either way, in the edited
//! site and, for the edited records, as they were before. Their pages can change,
//! and so can the section and news list pages of their collections and the home
//! pages. The other pages show only what every page shares (the site settings and
//! the menu), which the caller compares as a whole. The pages found here are a
//! superset of the changed ones: each is fingerprinted and rendered only if its
//! data changed.

use super::plan::{Page, PageKind};
use crate::model::{Collection, RecordId, Shift, Site};

/// How many references away from an edited record its data can show.
const REACH: usize = 2;

/// The references between records, both ways, by index into `Site::records`: what
/// [`Affected::around`] walks. `serve` keeps it between edits (made again only when
/// an edit changes what the edited records name): at 2 × 10,000 making it took a few
/// milliseconds of every edit.
pub struct Near(Vec<Vec<u32>>);

impl Near {
    pub fn new(site: &Site) -> Near {
        let mut near = vec![Vec::new(); site.records.len()];
        for (i, r) in site.records.iter().enumerate() {
            for j in r.references().filter_map(|id| site.index.get(id).copied()) {
                near[i].push(j as u32);
                near[j].push(i as u32);
            }
        }
        for n in &mut near {
            n.sort_unstable();
            n.dedup();
        }
        Near(near)
    }

    /// The table after `shift` (`site` is the site after it), made from this one:
    /// each record's references at its new index, the record taken out gone from
    /// them (no other record named it: `resolve::leave`), and the references of the
    /// record put in added. Making it from the records again went through every
    /// record's references, a few milliseconds of such an edit.
    pub fn shifted(&self, site: &Site, shift: Shift) -> Near {
        let mut near: Vec<Vec<u32>> = (0..site.records.len())
            .map(|j| {
                let row = shift.before(j).and_then(|o| self.0.get(o));
                row.map(|row| {
                    // The shift keeps the order of the indices it keeps.
                    row.iter()
                        .filter_map(|&k| shift.after(k as usize))
                        .map(|k| k as u32)
                        .collect()
                })
                .unwrap_or_default()
            })
            .collect();
        if let Some(i) = shift.inserted()
            && let Some(record) = site.records.get(i)
        {
            let mut touched = vec![i];
            for j in record
                .references()
                .filter_map(|id| site.index.get(id).copied())
            {
                near[i].push(j as u32);
                near[j].push(i as u32);
                touched.push(j);
            }
            for t in touched {
                near[t].sort_unstable();
                near[t].dedup();
            }
        }
        Near(near)
    }

    /// Whether the references are still those of the site before an edit of the
    /// records `edited`, which named `before` in their previous versions (each
    /// record's, sorted and without repeats, one after another).
    pub fn holds_after(site: &Site, edited: &[usize], before: &[RecordId]) -> bool {
        let mut now: Vec<&RecordId> = Vec::new();
        for r in edited.iter().filter_map(|&i| site.records.get(i)) {
            let mut refs: Vec<&RecordId> = r.references().collect();
            refs.sort();
            refs.dedup();
            now.extend(refs);
        }
        now.len() == before.len() && now.iter().zip(before).all(|(a, b)| *a == b)
    }
}

/// The records (and their collections) whose template data an edit may have changed.
pub struct Affected {
    records: Vec<bool>,
    collections: Vec<Collection>,
}

impl Affected {
    /// `edited`: indices into `Site::records`; `before`: what the edited records named
    /// in their previous version.
    pub fn around(site: &Site, near: &Near, edited: &[usize], before: &[RecordId]) -> Affected {
        let n = site.records.len();
        let index = |id: &RecordId| site.index.get(id).copied();
        let mut records = vec![false; n];
        let mut frontier: Vec<usize> = edited.iter().copied().filter(|&i| i < n).collect();
        frontier.extend(before.iter().filter_map(index));
        for &i in &frontier {
            records[i] = true;
        }
        for _ in 0..REACH {
            let mut next = Vec::new();
            for i in frontier {
                for j in near.0.get(i).into_iter().flatten().map(|&j| j as usize) {
                    if !records[j] {
                        records[j] = true;
                        next.push(j);
                    }
                }
            }
            frontier = next;
        }
        let mut collections: Vec<Collection> = Vec::new();
        for (r, _) in site.records.iter().zip(&records).filter(|(_, a)| **a) {
            if !collections.contains(&r.id.collection) {
                collections.push(r.id.collection);
            }
        }
        Affected {
            records,
            collections,
        }
    }

    /// The same, with the list pages of `c` among the pages that may have changed
    /// (a record of it came or went).
    pub fn with(mut self, c: Collection) -> Affected {
        if !self.collections.contains(&c) {
            self.collections.push(c);
        }
        self
    }

    /// Whether the template data of record `i` may have changed.
    pub fn includes(&self, i: usize) -> bool {
        self.records.get(i).copied().unwrap_or(true)
    }

    /// Whether `page` may show something the edit changed.
    pub fn may_show(&self, page: &Page) -> bool {
        let section = |c| self.collections.contains(&c);
        match page.kind {
            PageKind::Home => true,
            PageKind::Partners => section(Collection::Partners),
            PageKind::People => section(Collection::People),
            PageKind::StrategyList => section(Collection::Strategy),
            PageKind::Projects => section(Collection::Projects),
            PageKind::NewsList => section(Collection::News),
            k if k.has_record() => page.record.is_some_and(|i| self.includes(i)),
            // The language chooser, search and "not found" pages show only what every
            // page shares.
            _ => false,
        }
    }
}
