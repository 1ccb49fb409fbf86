//! The lists pages show, per language: each collection in the order its list page
//! shows it (the language's collation for names), and the groupings of the partner
//! directory, the people page and the home page. Records are named by their index in
//! `Site::records`.

use crate::i18n::{Formats, LangFormat};
use crate::model::*;
use rayon::prelude::*;

/// One language's lists.
pub struct LangLists {
    pub partners: Vec<usize>,
    pub people: Vec<usize>,
    pub strategy: Vec<usize>,
    pub projects: Vec<usize>,
    pub news: Vec<usize>,
    pub pages: Vec<usize>,
    /// Member partners by category, in `partner_categories` order; empty ones left out.
    pub partner_groups: Vec<(String, Vec<usize>)>,
    /// Networks the cluster belongs to (`member: false`).
    pub networks: Vec<usize>,
    /// People by group, in `people_groups` order; empty ones left out.
    pub people_groups: Vec<(String, Vec<usize>)>,
    /// Ongoing projects, in list order.
    pub ongoing: Vec<usize>,
}

impl LangLists {
    fn of_mut(&mut self, c: Collection) -> &mut Vec<usize> {
        match c {
            Collection::Partners => &mut self.partners,
            Collection::People => &mut self.people,
            Collection::Strategy => &mut self.strategy,
            Collection::Projects => &mut self.projects,
            Collection::News => &mut self.news,
            Collection::Pages => &mut self.pages,
        }
    }

    pub fn of(&self, c: Collection) -> &[usize] {
        match c {
            Collection::Partners => &self.partners,
            Collection::People => &self.people,
            Collection::Strategy => &self.strategy,
            Collection::Projects => &self.projects,
            Collection::News => &self.news,
            Collection::Pages => &self.pages,
        }
    }
}

/// The lists of every language.
pub struct Lists {
    langs: Vec<LangLists>,
}

impl Lists {
    pub fn new(site: &Site, formats: &Formats) -> Lists {
        Lists::sorted(site, formats, None)
    }

    /// The lists of `site` after an edit of records of the collections `edited` that
    /// kept their identities (so each list holds the same records as in `before`, the
    /// lists before the edit). A list's order and groups follow from its own records
    /// alone, so those of the other collections are kept as they were. The others are
    /// sorted from their previous order: with a few records moved, that takes about
    /// one comparison a record rather than a full sort's dozen.
    pub fn after_edit(
        site: &Site,
        formats: &Formats,
        before: &Lists,
        edited: &[Collection],
    ) -> Lists {
        Lists::sorted(site, formats, Some((before, edited)))
    }

    fn sorted(site: &Site, formats: &Formats, before: Option<(&Lists, &[Collection])>) -> Lists {
        Lists {
            langs: site
                .config
                .languages
                .par_iter()
                .enumerate()
                .map(|(i, l)| {
                    let before = before.map(|(b, edited)| (b.lang(i), edited));
                    LangLists::new(site, &l.code, formats.get(&l.code), before)
                })
                .collect(),
        }
    }

    /// These lists, made before `shift`, with each record at its index after it: the
    /// record taken out left out, the record put in added at the end of its
    /// collection's list in the languages it has (for [`Lists::after_edit`] to sort).
    pub fn shifted(&self, site: &Site, shift: Shift) -> Lists {
        let langs = self
            .langs
            .iter()
            .zip(&site.config.languages)
            .map(|(l, lang)| {
                let list = |v: &Vec<usize>| shift.list(v);
                let groups = |g: &Vec<(String, Vec<usize>)>| {
                    g.iter().map(|(k, v)| (k.clone(), list(v))).collect()
                };
                let mut out = LangLists {
                    partners: list(&l.partners),
                    people: list(&l.people),
                    strategy: list(&l.strategy),
                    projects: list(&l.projects),
                    news: list(&l.news),
                    pages: list(&l.pages),
                    partner_groups: groups(&l.partner_groups),
                    networks: list(&l.networks),
                    people_groups: groups(&l.people_groups),
                    ongoing: list(&l.ongoing),
                };
                if let Some(i) = shift.inserted()
                    && let Some(r) = site.records.get(i)
                    && r.locale(&lang.code).is_some()
                {
                    out.of_mut(r.id.collection).push(i);
                }
                out
            })
            .collect();
        Lists { langs }
    }

    /// The lists of the language at `index` in the site's languages.
    pub fn lang(&self, index: usize) -> &LangLists {
        &self.langs[index.min(self.langs.len().saturating_sub(1))]
    }
}

fn data<'a>(site: &'a Site, i: usize, lang: &str) -> Option<&'a RecordData> {
    site.records[i].locale(lang).map(|l| &l.data)
}

fn label<'a>(site: &'a Site, i: usize, lang: &str) -> &'a str {
    site.records[i]
        .locale(lang)
        .map(|l| l.label.as_str())
        .unwrap_or("")
}

fn status_rank(s: Option<ProjectStatus>) -> u8 {
    match s {
        Some(ProjectStatus::Ongoing) => 0,
        Some(ProjectStatus::Planned) => 1,
        None => 2,
        Some(ProjectStatus::Completed) => 3,
    }
}

impl LangLists {
    fn new(
        site: &Site,
        lang: &str,
        f: &LangFormat,
        before: Option<(&LangLists, &[Collection])>,
    ) -> LangLists {
        // The previous lists, when none of `c`'s records was edited.
        let unchanged = |c: Collection| {
            before
                .filter(|(_, edited)| !edited.contains(&c))
                .map(|(b, _)| b)
        };
        let of = |c: Collection| -> Vec<usize> {
            match before {
                Some((b, _)) => b.of(c).to_vec(),
                None => site
                    .records
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.id.collection == c && r.locale(lang).is_some())
                    .map(|(i, _)| i)
                    .collect(),
            }
        };
        // Ties go by record order, as a sort from scratch leaves them: the order is the
        // same whatever order the sort starts from.
        let by_label = |a: &usize, b: &usize| {
            f.compare(label(site, *a, lang), label(site, *b, lang))
                .then_with(|| a.cmp(b))
        };
        let order = |i: usize| match data(site, i, lang) {
            Some(RecordData::Person(p)) => p.order.unwrap_or(i64::MAX),
            Some(RecordData::Page(p)) => p.order.unwrap_or(i64::MAX),
            _ => i64::MAX,
        };

        // Sorts the records of `c` with `cmp`, or keeps their previous order.
        let list = |c: Collection, cmp: &dyn Fn(&usize, &usize) -> std::cmp::Ordering| {
            match unchanged(c) {
                Some(b) => b.of(c).to_vec(),
                None => {
                    let mut v = of(c);
                    v.sort_by(cmp);
                    v
                }
            }
        };
        let partners = list(Collection::Partners, &by_label);
        let people = list(Collection::People, &|a, b| {
            order(*a).cmp(&order(*b)).then_with(|| by_label(a, b))
        });
        let strategy_key = |i: usize| match data(site, i, lang) {
            Some(RecordData::Strategy(s)) => (s.status, -s.period.from),
            _ => (StrategyStatus::Draft, 0),
        };
        let strategy = list(Collection::Strategy, &|a, b| {
            strategy_key(*a)
                .cmp(&strategy_key(*b))
                .then_with(|| by_label(a, b))
        });
        let project_key = |i: usize| match data(site, i, lang) {
            Some(RecordData::Project(p)) => (status_rank(p.status), std::cmp::Reverse(p.start)),
            _ => (4, std::cmp::Reverse(None)),
        };
        let projects = list(Collection::Projects, &|a, b| {
            project_key(*a)
                .cmp(&project_key(*b))
                .then_with(|| by_label(a, b))
        });
        let date = |i: usize| match data(site, i, lang) {
            Some(RecordData::News(n)) => n.date,
            _ => jiff::civil::Date::MIN,
        };
        let news = list(Collection::News, &|a, b| {
            date(*b).cmp(&date(*a)).then_with(|| a.cmp(b))
        });
        let mut pages = of(Collection::Pages);
        pages.retain(|i| site.records[*i].id.stem != "home");
        pages.sort_by(|a, b| order(*a).cmp(&order(*b)).then_with(|| by_label(a, b)));

        let partner = |i: usize| match data(site, i, lang) {
            Some(RecordData::Partner(p)) => Some(p),
            _ => None,
        };
        let (partner_groups, networks) = match unchanged(Collection::Partners) {
            Some(b) => (b.partner_groups.clone(), b.networks.clone()),
            None => {
                let groups = site
                    .config
                    .partner_categories
                    .iter()
                    .map(|(key, _)| {
                        let members: Vec<usize> = partners
                            .iter()
                            .copied()
                            .filter(|i| partner(*i).is_some_and(|p| &p.category == key && p.member))
                            .collect();
                        (key.clone(), members)
                    })
                    .filter(|(_, m)| !m.is_empty())
                    .collect();
                let networks = partners
                    .iter()
                    .copied()
                    .filter(|i| partner(*i).is_some_and(|p| !p.member))
                    .collect();
                (groups, networks)
            }
        };
        let people_groups = match unchanged(Collection::People) {
            Some(b) => b.people_groups.clone(),
            None => site
                .config
                .people_groups
                .iter()
                .map(|(key, _)| {
                    let members: Vec<usize> = people
                        .iter()
                        .copied()
                        .filter(|i| {
                            matches!(data(site, *i, lang), Some(RecordData::Person(p)) if p.groups.contains(key))
                        })
                        .collect();
                    (key.clone(), members)
                })
                .filter(|(_, m)| !m.is_empty())
                .collect(),
        };
        let ongoing = match unchanged(Collection::Projects) {
            Some(b) => b.ongoing.clone(),
            None => projects
                .iter()
                .copied()
                .filter(|i| {
                    matches!(data(site, *i, lang), Some(RecordData::Project(p)) if p.status == Some(ProjectStatus::Ongoing))
                })
                .collect(),
        };
        LangLists {
            partners,
            people,
            strategy,
            projects,
            news,
            pages,
            partner_groups,
            networks,
            people_groups,
            ongoing,
        }
    }
}
