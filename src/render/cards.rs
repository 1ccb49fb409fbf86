//! The records' cards (`ValueBuilder::card`), kept between the renders of one
//! `serve` session.
//!
//! A list page of a large site shows thousands of cards, and making them is most of
//! what rendering it again costs (about 17 µs a card). A `build` makes each card
//! where a page needs it and lets it go, so that the site's cards are never all in
//! memory; `serve` keeps each card once made, with the hash its page fingerprints
//! use, and after an edit of some records makes again only the cards that can show
//! what changed ([`super::affected`]): the others are taken over as they are (a
//! template value is shared, so that costs a reference count each).

use super::cache;
use crate::model::Shift;
use std::sync::OnceLock;
use tera::Value;

/// A card and the hash of its value.
#[derive(Clone)]
struct Card {
    value: Value,
    hash: u64,
}

/// Per language, each record's card once made (`None` inside: the record has no
/// version in that language).
pub struct Cards {
    langs: Vec<Vec<OnceLock<Option<Card>>>>,
}

impl Cards {
    /// No card made yet, for `langs` languages of `records` records.
    pub fn new(langs: usize, records: usize) -> Cards {
        Cards {
            langs: (0..langs)
                .map(|_| (0..records).map(|_| OnceLock::new()).collect())
                .collect(),
        }
    }

    /// The cards of the same records after an edit: those `changed(i)` says may
    /// differ are made again when asked for, the others are kept.
    pub fn after_edit(&self, changed: impl Fn(usize) -> bool) -> Cards {
        let records = self.langs.first().map_or(0, Vec::len);
        self.kept(records, Some, changed)
    }

    /// The cards after `shift` of `records` records (as many as the site has after
    /// it): each kept at its new index unless `changed(i)` says it may differ, none
    /// made for the record put in.
    pub fn shifted(&self, shift: Shift, records: usize, changed: impl Fn(usize) -> bool) -> Cards {
        self.kept(records, |i| shift.before(i), changed)
    }

    /// The cards of `records` records, each the card of record `before(i)` in these
    /// unless `changed(i)`.
    fn kept(
        &self,
        records: usize,
        before: impl Fn(usize) -> Option<usize>,
        changed: impl Fn(usize) -> bool,
    ) -> Cards {
        Cards {
            langs: self
                .langs
                .iter()
                .map(|cards| {
                    (0..records)
                        .map(|i| match before(i).and_then(|o| cards.get(o)?.get()) {
                            Some(card) if !changed(i) => OnceLock::from(card.clone()),
                            _ => OnceLock::new(),
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// One language's cards.
    pub fn lang(&self, lang: usize) -> Option<LangCards<'_>> {
        self.langs.get(lang).map(|cards| LangCards { cards })
    }
}

/// The cards of one language.
#[derive(Clone, Copy)]
pub struct LangCards<'a> {
    cards: &'a [OnceLock<Option<Card>>],
}

impl LangCards<'_> {
    /// Record `i`'s card, made by `make` the first time it is asked for.
    pub fn get(&self, i: usize, make: impl FnOnce() -> Option<Value>) -> Option<Value> {
        let Some(slot) = self.cards.get(i) else {
            return make();
        };
        slot.get_or_init(|| {
            make().map(|value| Card {
                hash: cache::value_hash(&value),
                value,
            })
        })
        .as_ref()
        .map(|c| c.value.clone())
    }

    /// The hashes of the cards made so far, by the address of their map, for the
    /// fingerprints' memo ([`cache::Memo`]).
    pub fn hashes(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.cards.iter().filter_map(|slot| {
            let card = slot.get()?.as_ref()?;
            Some((cache::map_address(&card.value)?, card.hash))
        })
    }
}
