//! Element ids in bodies that can never collide with the theme's.
//!
//! A body is shown inside a page the theme wrote, so an id a heading takes (`## Main`
//! → `main`) must not be one the theme uses (`<main id="main">`), and no two elements
//! of a page may share one. The theme's own names are read once per build
//! ([`Reserved::from_theme`]); ids are then handed out by [`Ids`] in time linear in
//! the number of headings, however many repeat.

pub use crate::model::{Reserved, is_plain_name};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// Hands out the ids of one page's body: unique, and never one the theme uses.
pub struct Ids<'r> {
    reserved: &'r Reserved,
    used: HashSet<String>,
    /// The next suffix to try for each base name, so repeats cost nothing extra.
    next: HashMap<String, usize>,
}

impl<'r> Ids<'r> {
    pub fn new(reserved: &'r Reserved) -> Ids<'r> {
        Ids {
            reserved,
            used: HashSet::new(),
            next: HashMap::new(),
        }
    }

    /// A free id made from `base`: `base`, else `base-1`, `base-2`, … An id that would
    /// begin like one of the theme's built ids is put under `section-`.
    pub fn claim(&mut self, base: &str) -> String {
        let mut base = if base.is_empty() {
            "section".to_string()
        } else {
            base.to_string()
        };
        while self.reserved.id_has_reserved_prefix(&base) {
            base.insert_str(0, "section-");
        }
        let n = self.next.entry(base.clone()).or_insert(0);
        loop {
            let candidate = if *n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            *n += 1;
            if !self.reserved.ids.contains(&candidate) && self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme() -> Reserved {
        Reserved::from_theme(
            [r#"<main id="main"><h2 id="h-cat-{{ g.key }}">"#],
            ["#search{}"],
        )
    }

    #[test]
    fn ids_avoid_the_theme_and_each_other() {
        let r = theme();
        let mut ids = Ids::new(&r);
        assert_eq!(ids.claim("main"), "main-1");
        assert_eq!(ids.claim("x"), "x");
        assert_eq!(ids.claim("x"), "x-1");
        assert_eq!(ids.claim("x-1"), "x-1-1");
        assert_eq!(ids.claim("x"), "x-2");
        assert_eq!(ids.claim("h-cat-a"), "section-h-cat-a");
        assert_eq!(ids.claim(""), "section");
    }

    #[test]
    fn many_repeats_take_linear_time() {
        let r = Reserved::default();
        let mut ids = Ids::new(&r);
        for i in 0..50_000 {
            let id = ids.claim("x");
            if i == 49_999 {
                assert_eq!(id, "x-49999");
            }
        }
    }
}
