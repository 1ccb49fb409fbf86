//! The hostile and broken input corpus: one small site per case under `tests/corpus/`,
//! each with the exact exit code and diagnostics (severity, code, file, line) that
//! `klaster check` must give, and properties of what `klaster build` must write.
//! Every page any case builds is also scanned: no script element, event handler,
//! `style` attribute or `javascript:` URL may appear that the theme did not write.
//!
//! A case is a folder with `case.yaml` (see `tests/corpus/README.md`) and the files it
//! adds to the shared base site `tests/corpus/_base/`. Each case is one test in the
//! summary (`cargo test --test corpus -- <name>` runs one).

mod common;

use libtest_mimic::{Arguments, Failed, Trial};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Case {
    about: String,
    #[serde(default)]
    setup: Setup,
    check: Option<Check>,
    build: Option<Build>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Setup {
    /// Base files this case removes.
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    symlinks: Vec<Link>,
    #[serde(default)]
    generate: Vec<Generated>,
    /// Files written from bytes given in hex (for encodings YAML cannot hold).
    #[serde(default)]
    bytes: Vec<Bytes>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Link {
    /// The link, relative to the site root.
    link: String,
    /// What it points to, as written in the link (relative to the link's folder).
    to: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Generated {
    path: String,
    #[serde(default)]
    head: String,
    repeat: String,
    times: usize,
    #[serde(default)]
    tail: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Bytes {
    path: String,
    hex: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    #[serde(default)]
    strict: bool,
    exit: i32,
    /// Exactly these diagnostics, each as often as given, in any order:
    /// [severity, code, file, line].
    diagnostics: Vec<(String, String, String, usize)>,
    /// Substrings the text output (not JSON) must contain.
    #[serde(default)]
    text: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Build {
    #[serde(default)]
    args: Vec<String>,
    exit: i32,
    #[serde(default)]
    stderr: Vec<String>,
    #[serde(default)]
    files: Vec<FileCheck>,
    /// Site files that must be exactly as before the build.
    #[serde(default)]
    unchanged: Vec<String>,
    /// The site trusts its authors (`unsafe_html`): the script scan is skipped.
    #[serde(default)]
    trusted: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCheck {
    path: String,
    #[serde(default)]
    exists: Option<bool>,
    #[serde(default)]
    contains: Vec<String>,
    #[serde(default)]
    lacks: Vec<String>,
    /// How many times `count.0` occurs.
    #[serde(default)]
    count: Option<(String, usize)>,
}

fn corpus() -> PathBuf {
    common::repo().join("tests/corpus")
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.expect("walk corpus");
        let rel = entry.path().strip_prefix(from).expect("inside");
        if rel == Path::new("case.yaml") {
            continue;
        }
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            if let Some(p) = target.parent() {
                std::fs::create_dir_all(p).expect("mkdir");
            }
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn hex(s: &str) -> Vec<u8> {
    let clean: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    (0..clean.len() / 2)
        .map(|i| u8::from_str_radix(&clean[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// The case's site: the base, the case's files, then its setup.
fn prepare(case_dir: &Path, case: &Case) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    copy_tree(&corpus().join("_base"), &root);
    copy_tree(case_dir, &root);
    for r in &case.setup.remove {
        let p = root.join(r);
        let _ = std::fs::remove_file(&p).or_else(|_| std::fs::remove_dir_all(&p));
    }
    for g in &case.setup.generate {
        let mut text = g.head.clone();
        text.reserve(g.repeat.len() * g.times + g.tail.len());
        for _ in 0..g.times {
            text.push_str(&g.repeat);
        }
        text.push_str(&g.tail);
        let p = root.join(&g.path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write generated");
    }
    for b in &case.setup.bytes {
        let p = root.join(&b.path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, hex(&b.hex)).expect("write bytes");
    }
    for l in &case.setup.symlinks {
        let link = root.join(&l.link);
        let _ = std::fs::remove_file(&link).or_else(|_| std::fs::remove_dir_all(&link));
        std::fs::create_dir_all(link.parent().expect("parent")).expect("mkdir");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&l.to, &link).expect("symlink");
    }
    dir
}

fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_klaster"))
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1768435200") // 2026-01-15
        .output()
        .expect("klaster runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run_case(case_dir: &Path) -> Result<(), Failed> {
    let text = std::fs::read_to_string(case_dir.join("case.yaml"))
        .map_err(|e| format!("case.yaml: {e}"))?;
    let case: Case = serde_saphyr::from_str(&text).map_err(|e| format!("case.yaml: {e}"))?;
    let tmp = prepare(case_dir, &case);
    let root = tmp.path().join("site");
    let mut problems = Vec::new();
    if let Some(check) = &case.check {
        check_case(&root, check, &mut problems);
    }
    if let Some(build) = &case.build {
        build_case(&root, build, &mut problems);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n  - {}", case.about, problems.join("\n  - ")).into())
    }
}

fn check_case(root: &Path, check: &Check, problems: &mut Vec<String>) {
    let mut args = vec!["check", "--format", "json"];
    if check.strict {
        args.push("--strict");
    }
    let (code, stdout, stderr) = run(root, &args);
    if code != check.exit {
        problems.push(format!(
            "check exited {code}, expected {}\n{stderr}",
            check.exit
        ));
    }
    let json: serde_json::Value = match serde_json::from_str(&stdout) {
        Ok(j) => j,
        Err(e) => {
            problems.push(format!(
                "check --format json is not JSON ({e}): {stdout}{stderr}"
            ));
            return;
        }
    };
    let mut got: Vec<(String, String, String, usize)> = json["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["severity"].as_str().unwrap_or("").to_string(),
                        d["code"].as_str().unwrap_or("").to_string(),
                        d["path"].as_str().unwrap_or("").to_string(),
                        d["line"].as_u64().unwrap_or(0) as usize,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    got.sort();
    let mut want = check.diagnostics.clone();
    want.sort();
    if got != want {
        let (g, w): (BTreeSet<_>, BTreeSet<_>) = (got.iter().collect(), want.iter().collect());
        let messages: Vec<String> = json["diagnostics"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|d| {
                        format!(
                            "[{}, {}, {}, {}]  {}",
                            d["severity"].as_str().unwrap_or(""),
                            d["code"].as_str().unwrap_or(""),
                            d["path"].as_str().unwrap_or(""),
                            d["line"],
                            d["message"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        problems.push(format!(
            "diagnostics differ\n    missing: {:?}\n    unexpected: {:?}\n    all:\n      {}",
            w.difference(&g).collect::<Vec<_>>(),
            g.difference(&w).collect::<Vec<_>>(),
            messages.join("\n      ")
        ));
    }
    if !check.text.is_empty() {
        let (_, out, err) = run(root, &["check"]);
        let all = format!("{out}{err}");
        for t in &check.text {
            if !all.contains(t.as_str()) {
                problems.push(format!("the text output lacks {t:?}:\n{all}"));
            }
        }
    }
}

fn build_case(root: &Path, build: &Build, problems: &mut Vec<String>) {
    let before: Vec<(String, Option<Vec<u8>>)> = build
        .unchanged
        .iter()
        .map(|p| (p.clone(), std::fs::read(root.join(p)).ok()))
        .collect();
    let mut args: Vec<&str> = vec!["build"];
    if !build.args.iter().any(|a| a == "--output") {
        args.extend(["--output", "output"]);
    }
    args.extend(build.args.iter().map(String::as_str));
    let (code, _, stderr) = run(root, &args);
    if code != build.exit {
        problems.push(format!(
            "build exited {code}, expected {}\n{stderr}",
            build.exit
        ));
    }
    for s in &build.stderr {
        if !stderr.contains(s.as_str()) {
            problems.push(format!("build's messages lack {s:?}:\n{stderr}"));
        }
    }
    for (path, bytes) in before {
        if std::fs::read(root.join(&path)).ok() != bytes {
            problems.push(format!("the build changed or removed {path}"));
        }
    }
    let out = root.join("output");
    for f in &build.files {
        let p = out.join(&f.path);
        let text = std::fs::read(&p)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        match (f.exists, &text) {
            (Some(false), Some(_)) => problems.push(format!("{} exists", f.path)),
            (Some(false), None) => continue,
            (_, None) => {
                problems.push(format!("{} was not written", f.path));
                continue;
            }
            _ => {}
        }
        let text = text.unwrap_or_default();
        for c in &f.contains {
            if !text.contains(c.as_str()) {
                problems.push(format!("{} lacks {c:?}", f.path));
            }
        }
        for l in &f.lacks {
            if text.contains(l.as_str()) {
                problems.push(format!("{} contains {l:?}", f.path));
            }
        }
        if let Some((needle, n)) = &f.count {
            let got = text.matches(needle.as_str()).count();
            if got != *n {
                problems.push(format!("{} has {needle:?} {got} times, not {n}", f.path));
            }
        }
    }
    if code == 0 && !build.trusted {
        problems.extend(common::scan::unsafe_markup(&out));
    }
}

/// The scan must find each kind of problem it looks for, or a clean result means nothing.
fn scanner_finds_what_it_looks_for() -> Result<(), Failed> {
    let bad = r#"<html><body><script>alert(1)</script><img src=x onerror="y()"><p style="x">a</p>
        <a href=" JavaScript:alert(1)">j</a><iframe src="https://x"></iframe></body></html>"#;
    let found = common::scan::page(bad);
    if found.len() != 5 {
        return Err(format!("expected 5 problems, found {found:?}").into());
    }
    let good = r#"<html><head><script type="application/ld+json">{"a":1}</script>
        <script src="/static/extra.js"></script><script src="/search.js?v=1"></script></head>
        <body><a href="/en/">x</a></body></html>"#;
    let found = common::scan::page(good);
    if !found.is_empty() {
        return Err(format!("the theme's own scripts were flagged: {found:?}").into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("tests/corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("case.yaml").is_file())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 60,
        "the corpus has only {} cases",
        cases.len()
    );
    let mut trials: Vec<Trial> = vec![Trial::test(
        "the-scanner-finds-what-it-looks-for",
        scanner_finds_what_it_looks_for,
    )];
    trials.extend(cases.into_iter().map(|dir| {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Trial::test(name, move || run_case(&dir))
    }));
    libtest_mimic::run(&args, trials).exit();
}
