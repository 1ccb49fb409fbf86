//! Build-time benchmark over a generated site: `cargo bench --bench build`.
//!
//! Generates a bilingual site (partners, people, projects, strategy, news, pages) of a
//! given size on tmpfs when available, then times the whole pipeline and the write
//! several times and prints the median and the spread of each stage. Set
//! `KLASTER_BENCH_SCALE` (default 1 = about 9,000 pages) to grow or shrink it.

use klaster::pipeline::{self, Options};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

const WORDS: &[&str] = &[
    "tervis",
    "innovatsioon",
    "klaster",
    "health",
    "innovation",
    "partner",
    "digital",
    "data",
    "hospital",
    "patient",
    "service",
    "market",
    "export",
    "research",
    "startup",
    "medtech",
    "platform",
    "network",
    "strategy",
    "quality",
];

fn text(seed: usize, words: usize) -> String {
    (0..words)
        .map(|i| WORDS[(seed * 31 + i * 17) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes a site with `scale` times the base numbers of records.
fn generate(root: &Path, scale: usize) -> usize {
    let _ = std::fs::remove_dir_all(root);
    write(
        root,
        "content/site.yaml",
        "title: {et: Võrdlusklaster, en: Benchmark cluster}\ndescription: {et: Kirjeldus, en: Description}\nbase_url: https://example.org\nlanguages: [et, en]\npartner_categories:\n  company: {et: Ettevõtted, en: Companies}\n  research: {et: Teadus, en: Research}\n  network: {et: Võrgustikud, en: Networks}\npeople_groups:\n  board: {et: Nõukogu, en: Board}\n  team: {et: Meeskond, en: Team}\nfunders:\n  erdf: {name: {et: ERF, en: ERDF}, eu: true}\nmenu: [partners, projects, strategy, people, news, pages/about]\n",
    );
    let (partners, people, projects, strategy, news, pages) = (
        1000 * scale,
        300 * scale,
        200 * scale,
        20 * scale,
        3000 * scale,
        50 * scale,
    );
    for i in 0..partners {
        let cat = ["company", "research", "network"][i % 3];
        write(
            root,
            &format!("content/partners/partner-{i}.yaml"),
            &format!(
                "name: {{et: Partner {i} OÜ, en: Partner {i} Ltd}}\ncategory: {cat}\nsummary: {{et: {}, en: {}}}\ncountry: EE\ncity: Tallinn\njoined: 2019\ntags: [health, data]\n",
                text(i, 12),
                text(i + 1, 12)
            ),
        );
    }
    for i in 0..people {
        write(
            root,
            &format!("content/people/person-{i}.yaml"),
            &format!(
                "name: Person {i}\ngroups: [{}]\nrole: {{et: Esindaja, en: Representative}}\norganisation: partner-{}\nemail: person{i}@example.org\nphone: +372 5555 {:04}\norder: {i}\n",
                if i % 2 == 0 { "board" } else { "team" },
                i % partners.max(1),
                i % 10000
            ),
        );
    }
    for i in 0..projects {
        write(
            root,
            &format!("content/projects/project-{i}.yaml"),
            &format!(
                "funder: erdf\nstart: 2023-0{}-01\nend: 2026-12-31\ngrant: {} EUR\ncoordinator: partner-{}\nimplementers: [partner-{}, partner-{}]\ncontacts: [person-{}]\n",
                1 + i % 9,
                100000 + i * 1000,
                i % partners,
                (i + 1) % partners,
                (i + 2) % partners,
                i % people.max(1)
            ),
        );
        for lang in ["et", "en"] {
            write(
                root,
                &format!("content/projects/project-{i}.{lang}.md"),
                &format!(
                    "---\ntitle: Project {i} {lang}\nsummary: {}\nobjectives:\n  - {}\nresults:\n  - {}\n---\n## Background\n\n{}\n\n## Work\n\n{}\n",
                    text(i, 15),
                    text(i + 2, 8),
                    text(i + 3, 8),
                    text(i, 120),
                    text(i + 5, 120)
                ),
            );
        }
    }
    for i in 0..strategy {
        write(
            root,
            &format!("content/strategy/strategy-{i}.yaml"),
            &format!(
                "period: {{from: {}, to: {}}}\nstatus: previous\n",
                2000 + i % 20,
                2004 + i % 20
            ),
        );
        for lang in ["et", "en"] {
            let mut body = String::new();
            for h in 0..12 {
                body.push_str(&format!(
                    "## Section {h}\n\n{}\n\n### Detail {h}\n\n{}\n\n",
                    text(i + h, 150),
                    text(i + h + 1, 100)
                ));
            }
            write(
                root,
                &format!("content/strategy/strategy-{i}.{lang}.md"),
                &format!("---\ntitle: Strategy {i} {lang}\n---\n{body}"),
            );
        }
    }
    for i in 0..news {
        write(
            root,
            &format!("content/news/news-{i}.yaml"),
            &format!(
                "date: 20{:02}-{:02}-{:02}\ntags: [news]\nrelated: [partners/partner-{}]\n",
                10 + i % 15,
                1 + i % 12,
                1 + i % 28,
                i % partners
            ),
        );
        for lang in ["et", "en"] {
            write(
                root,
                &format!("content/news/news-{i}.{lang}.md"),
                &format!(
                    "---\ntitle: News {i} {lang}\nsummary: {}\n---\n{}\n\nSee [the partner](@partners/partner-{}).\n\n{}\n",
                    text(i, 20),
                    text(i, 200),
                    i % partners,
                    text(i + 7, 150)
                ),
            );
        }
    }
    for i in 0..pages {
        let name = if i == 0 {
            "about".to_string()
        } else {
            format!("page-{i}")
        };
        write(
            root,
            &format!("content/pages/{name}.yaml"),
            &format!(
                "order: {i}\ntitle: {{et: Leht {i}, en: Page {i}}}\nbody: {{et: {}, en: {}}}\n",
                text(i, 300),
                text(i + 1, 300)
            ),
        );
    }
    (partners + projects + strategy + news + pages) * 2 + 2 * 6
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let scale: usize = std::env::var("KLASTER_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let runs: usize = std::env::var("KLASTER_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let root = base.join(format!("klaster-bench-{scale}"));
    let t = Instant::now();
    let pages = generate(&root, scale);
    eprintln!(
        "generated about {pages} pages in {} ms at {}",
        t.elapsed().as_millis(),
        root.display()
    );

    let mut stages: std::collections::BTreeMap<&'static str, Vec<Duration>> = Default::default();
    let mut totals = Vec::new();
    for run in 0..runs {
        let opts = Options {
            root: root.clone(),
            base_url: None,
            drafts: false,
            date: jiff::civil::date(2026, 1, 1),
            progress: None,
            cache: None,
            pictures: None,
        };
        let t = Instant::now();
        let staging = klaster::write::Staging::begin(&root.join("output")).expect("staging");
        let outcome = pipeline::run(&opts, &staging);
        assert!(
            !outcome.has_errors(),
            "{:?}",
            outcome.diagnostics.iter().find(|d| d.is_error())
        );
        let tw = Instant::now();
        staging.commit().expect("write");
        stages.entry("swap").or_default().push(tw.elapsed());
        totals.push(t.elapsed());
        for (name, d) in outcome.timings.iter().chain(&outcome.stats.timings) {
            stages.entry(name).or_default().push(*d);
        }
        eprintln!(
            "run {run}: {} ms, {} files",
            t.elapsed().as_millis(),
            outcome.stats.files
        );
    }
    for (name, v) in stages {
        let (min, max) = (
            v.iter().min().copied().unwrap_or_default(),
            v.iter().max().copied().unwrap_or_default(),
        );
        println!(
            "{name:>8}: median {:>6} ms  (min {} ms, max {} ms)",
            median(v).as_millis(),
            min.as_millis(),
            max.as_millis()
        );
    }
    println!(
        "   total: median {:>6} ms over {runs} runs, {} cores",
        median(totals).as_millis(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );

    // What `serve` does after one edit: rebuild with the previous build's pages cached.
    let cache = std::sync::Arc::new(klaster::render::cache::Cache::new());
    let opts = Options {
        root: root.clone(),
        base_url: None,
        drafts: false,
        date: jiff::civil::date(2026, 1, 1),
        progress: None,
        cache: Some(cache),
        pictures: Some(std::sync::Arc::new(klaster::images::stage::Memo::default())),
    };
    let _ = pipeline::run(&opts, &klaster::output::Discard);
    let mut rebuilds = Vec::new();
    let mut rendered = 0;
    for run in 0..runs {
        write(
            &root,
            "content/news/news-7.en.md",
            &format!("---\ntitle: News 7 edited {run}\n---\nA changed body {run}.\n"),
        );
        let t = Instant::now();
        let outcome = pipeline::run(&opts, &klaster::output::Discard);
        rebuilds.push(t.elapsed());
        rendered = outcome.stats.pages.iter().map(|(_, n)| n).sum::<usize>() + 2
            - outcome.stats.pages_reused;
        if run + 1 == runs {
            for (name, d) in outcome.timings.iter().chain(&outcome.stats.timings) {
                println!("  serve rebuild, last run: {name} {} ms", d.as_millis());
            }
        }
    }
    println!(
        "  serve rebuild after one edit: median {} ms, {rendered} pages rendered",
        median(rebuilds).as_millis()
    );

    // An edit of a Markdown body alone, which `serve` applies to the previous build.
    let body = "content/news/news-7.en.md";
    write(&root, body, "---\ntitle: News 7 en\n---\nA body.\n");
    let (_, previous) = pipeline::run_keeping(&opts, &klaster::output::Discard);
    let mut previous = previous.expect("a good build");
    opts.cache.as_ref().expect("a cache").defer_search(true);
    let mut patches = Vec::new();
    for run in 0..runs {
        write(
            &root,
            body,
            &format!("---\ntitle: News 7 en\n---\nA body, edited {run}.\n"),
        );
        let t = Instant::now();
        let outcome = pipeline::patch(
            &opts,
            &mut previous,
            &[body.to_string()],
            &klaster::output::Discard,
        )
        .expect("a body edit is applied to the previous build");
        patches.push(t.elapsed());
        assert!(!outcome.has_errors());
    }
    println!(
        "  serve rebuild after one body edit: median {} ms",
        median(patches).as_millis()
    );
}
