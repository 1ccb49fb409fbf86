//! Helpers for tests that drive the `klaster` binary on real folders.
#![allow(dead_code)]

pub mod scan;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

pub fn klaster(args: &[&str], cwd: &Path) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_klaster"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the klaster binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A small valid et + en site in a temporary folder, to break one thing at a time.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

pub const SITE_YAML: &str = "\
title: {et: Testklaster, en: Test cluster}
description: {et: Kirjeldus, en: Description}
base_url: https://example.org
languages: [et, en]
organisation: {name: Test, email: info@example.org}
partner_categories:
  medtech: {et: Meditsiinitehnoloogia, en: Medical technology}
  startup: {et: Idufirmad, en: Start-ups}
people_groups:
  board: {et: Nõukogu, en: Board}
  team: {et: Meeskond, en: Team}
funders:
  erdf:
    name: {et: Euroopa Regionaalarengu Fond, en: European Regional Development Fund}
    eu: true
menu: [partners, projects, people, news, pages/about]
";

impl TestSite {
    pub fn new() -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.write("content/site.yaml", SITE_YAML);
        site.write(
            "content/partners/tehnopol.yaml",
            "name: {et: Teaduspark Tehnopol, en: Science Park Tehnopol}\ncategory: startup\ncountry: EE\n",
        );
        site.write(
            "content/people/anna-test.yaml",
            "name: Anna Test\ngroups: [team]\norganisation: tehnopol\nphone: +372 5555 5555\n",
        );
        site.write(
            "content/projects/development.yaml",
            "title: {et: Arendusprojekt, en: Development project}\nsummary: {et: Kokkuvõte, en: Summary}\nfunder: erdf\nstart: 2023-09-01\nend: 2025-12-31\ngrant: 600000 EUR\ncoordinator: tehnopol\ncontacts: [anna-test]\nobjectives:\n  - {et: Eesmärk, en: Objective}\nresults:\n  - {et: Tulemus, en: Result}\n",
        );
        site.write(
            "content/pages/about.yaml",
            "title: {et: Meist, en: About}\n",
        );
        site.write(
            "content/pages/about.et.md",
            "---\n---\nVaata [Tehnopol](@partners/tehnopol).\n",
        );
        site.write(
            "content/pages/about.en.md",
            "---\n---\nSee [Tehnopol](@partners/tehnopol).\n",
        );
        site.write(
            "content/news/hello.yaml",
            "title: {et: Tere, en: Hello}\ndate: 2024-05-01\nrelated: [projects/development]\n",
        );
        site
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }

    /// Copies the built-in theme into the site's `themes/default/`, to be edited there.
    pub fn copy_default_theme(&self) {
        for entry in walkdir::WalkDir::new(repo().join("themes/default")) {
            let entry = entry.expect("walk the default theme");
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(repo())
                    .expect("inside the repository")
                    .to_string_lossy()
                    .replace('\\', "/");
                self.write_bytes(&rel, &std::fs::read(entry.path()).expect("read"));
            }
        }
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.dir.path().join(rel)).expect("remove");
    }

    pub fn check(&self) -> Run {
        klaster(&["check"], self.path())
    }

    pub fn build(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build", "--date", "2024-06-01"];
        args.extend_from_slice(extra);
        klaster(&args, self.path())
    }
}

/// Every file under `dir`: relative path → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(e.path()).expect("read"));
        }
    }
    out
}

/// Values of `attr="..."` in an HTML or XML text, with `&amp;` decoded.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        let after = &rest[i + needle.len()..];
        let end = after.find('"').unwrap_or(after.len());
        out.push(after[..end].replace("&amp;", "&"));
        rest = &after[end..];
    }
    out
}

/// Checks that every internal link, image, script, stylesheet and hreflang target of
/// every page of a built site resolves to a file, and every `#fragment` to an id.
/// Returns the problems found.
pub fn broken_links(out: &Path, base_url: &str) -> Vec<String> {
    let files = snapshot(out);
    let mut problems = Vec::new();
    for (rel, bytes) in &files {
        if !(rel.ends_with(".html") || rel.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let mut targets = attr_values(&text, "href");
        targets.extend(attr_values(&text, "src"));
        if rel.ends_with(".xml") {
            // <loc> entries of the sitemap.
            for part in text.split("<loc>").skip(1) {
                targets.push(part.split("</loc>").next().unwrap_or("").to_string());
            }
        }
        for target in targets {
            let local = if let Some(rest) = target.strip_prefix(base_url) {
                format!("/{}", rest.trim_start_matches('/'))
            } else if target.starts_with('/') && !target.starts_with("//") {
                target.clone()
            } else if let Some(frag) = target.strip_prefix('#') {
                if !frag.is_empty() && !text.contains(&format!("id=\"{frag}\"")) {
                    problems.push(format!("{rel}: #{frag} has no target on the page"));
                }
                continue;
            } else {
                continue; // outside links, mailto:, tel:
            };
            let (path, fragment) = match local.split_once('#') {
                Some((p, f)) => (p.to_string(), Some(f.to_string())),
                None => (local.clone(), None),
            };
            let path = path.split('?').next().unwrap_or("").to_string();
            let mut file = path.trim_start_matches('/').to_string();
            if file.is_empty() || file.ends_with('/') {
                file.push_str("index.html");
            }
            match files.get(&file) {
                None => problems.push(format!("{rel}: `{target}` → {file} does not exist")),
                Some(target_bytes) => {
                    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                        let t = String::from_utf8_lossy(target_bytes);
                        if !t.contains(&format!("id=\"{f}\"")) {
                            problems.push(format!("{rel}: `{target}` has no id `{f}` in {file}"));
                        }
                    }
                }
            }
        }
    }
    problems
}
