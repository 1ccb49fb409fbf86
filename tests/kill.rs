//! A build killed at any moment leaves the old or the new complete site, and the next
//! build leaves no debris: 30 SIGKILLs at random moments of a build of a few thousand
//! records, then kills forced at each step of the swap (`KLASTER_FAULT`, see
//! src/write.rs).
#![cfg(unix)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const RECORDS: usize = 2000;

struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let content = dir.path().join("site/content");
        std::fs::create_dir_all(content.join("partners")).expect("mkdir");
        for i in 0..RECORDS {
            std::fs::write(
                content.join(format!("partners/p{i:05}.yaml")),
                format!(
                    "name: {{et: Partner {i}, en: Partner {i}}}\ncategory: startup\nsummary: {{et: Kirjeldus {i}, en: Summary {i}}}\nbody: \"## Heading\\n\\nSome text for partner {i}.\"\n"
                ),
            )
            .expect("write record");
        }
        let site = Site { dir };
        site.version(0);
        site
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn output(&self) -> PathBuf {
        self.root().join("output")
    }

    /// Writes site.yaml with a title that names version `v` on every page.
    fn version(&self, v: usize) {
        std::fs::write(
            self.root().join("content/site.yaml"),
            format!(
                "title: {{et: Version-{v}-marker, en: Version-{v}-marker}}\nbase_url: https://example.org\nlanguages: [et, en]\npartner_categories:\n  startup: {{et: Idufirmad, en: Start-ups}}\nmenu: [partners]\n"
            ),
        )
        .expect("write site.yaml");
    }

    fn spawn(&self, fault: Option<&str>) -> Child {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_klaster"));
        cmd.args(["build", "--date", "2026-01-15", "--root"])
            .arg(self.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(f) = fault {
            cmd.env("KLASTER_FAULT", f);
        }
        cmd.spawn().expect("klaster runs")
    }

    fn build(&self) {
        let status = self.spawn(None).wait().expect("wait");
        assert!(status.success(), "a good build failed");
    }

    /// Every file of the output, relative.
    fn files(&self) -> BTreeSet<String> {
        walkdir::WalkDir::new(self.output())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(self.output())
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    /// The one version every page of the output shows, if the output is complete.
    fn complete_version(&self, expected: &BTreeSet<String>) -> Result<usize, String> {
        let files = self.files();
        if &files != expected {
            let missing = expected.difference(&files).count();
            let extra = files.difference(expected).count();
            return Err(format!(
                "the output is not a complete site: {missing} files missing, {extra} unexpected"
            ));
        }
        let mut versions = BTreeSet::new();
        for f in files.iter().filter(|f| f.ends_with("index.html")) {
            let text = std::fs::read_to_string(self.output().join(f)).map_err(|e| e.to_string())?;
            let v = text
                .split("ersion-")
                .nth(1)
                .and_then(|rest| rest.split('-').next())
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| format!("{f} names no version"))?;
            versions.insert(v);
        }
        match versions.len() {
            1 => Ok(versions.into_iter().next().unwrap_or_default()),
            _ => Err(format!("pages of several versions are mixed: {versions:?}")),
        }
    }

    /// Names beside the output that are not the site's own, once the process that
    /// removes a replaced output has had 20 s to finish.
    fn debris(&self) -> Vec<String> {
        let names = || -> Vec<String> {
            std::fs::read_dir(self.root())
                .expect("read site")
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n != "content" && n != "output")
                .collect()
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = names();
            if found.is_empty() || Instant::now() > deadline {
                return found;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A small random number generator (xorshift), seeded from the clock; the seed is
/// printed on failure so a run can be repeated.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn wait_for(path: &Path, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

#[test]
fn thirty_kills_at_random_moments_leave_a_complete_site() {
    let site = Site::new();
    let started = Instant::now();
    site.build();
    let took = started.elapsed();
    let expected = site.files();
    assert!(expected.len() > 2 * RECORDS, "{} files", expected.len());
    let mut current = site.complete_version(&expected).expect("first build");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        | 1;
    let mut rng = Rng(seed);
    let window = took.as_millis() as u64 * 11 / 10;
    let mut killed_during = 0;
    for v in 1..=30 {
        site.version(v);
        let mut child = site.spawn(None);
        std::thread::sleep(Duration::from_millis(rng.below(window)));
        if child.try_wait().expect("try_wait").is_none() {
            killed_during += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        let found = site
            .complete_version(&expected)
            .unwrap_or_else(|e| panic!("kill {v} (seed {seed}): {e}"));
        assert!(
            found == current || found == v,
            "kill {v} (seed {seed}): the output shows version {found}, neither the old {current} nor the new {v}"
        );
        current = found;
    }
    assert!(
        killed_during >= 15,
        "only {killed_during} of 30 kills hit a running build (seed {seed})"
    );
    site.version(99);
    site.build();
    assert_eq!(site.complete_version(&expected), Ok(99));
    assert_eq!(
        site.debris(),
        Vec::<String>::new(),
        "left behind after the next good build"
    );
}

#[test]
fn kills_at_each_step_of_the_swap_leave_a_complete_site() {
    let site = Site::new();
    site.build();
    let expected = site.files();
    // Each fault point: where the build waits to be killed, and which versions may
    // then be in place. Between the two renames of the fallback the old site is aside;
    // the next build puts it back before anything else.
    for (v, fault) in [
        (1, "before-swap"),
        (2, "after-swap"),
        (3, "two-renames,before-swap"),
        (4, "two-renames,between-renames"),
    ] {
        let before = site.complete_version(&expected).expect("complete before");
        site.version(v);
        let mut child = site.spawn(Some(fault));
        let marker = std::fs::read_dir(site.root())
            .ok()
            .and_then(|_| {
                let deadline = Instant::now() + Duration::from_secs(120);
                loop {
                    let found = std::fs::read_dir(site.root())
                        .ok()?
                        .filter_map(|e| e.ok())
                        .find(|e| e.file_name().to_string_lossy().ends_with(".fault"))
                        .map(|e| e.path());
                    if found.is_some() || Instant::now() > deadline {
                        return found;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            })
            .unwrap_or_else(|| panic!("{fault}: the build never reached the fault point"));
        assert!(wait_for(&marker, Duration::from_secs(1)));
        child.kill().expect("kill");
        let _ = child.wait();
        match fault {
            "two-renames,between-renames" => {
                assert!(
                    !site.output().exists(),
                    "{fault}: the output should be aside now"
                );
            }
            _ => {
                let found = site
                    .complete_version(&expected)
                    .unwrap_or_else(|e| panic!("{fault}: {e}"));
                let want = if fault.ends_with("after-swap") {
                    v
                } else {
                    before
                };
                assert_eq!(found, want, "{fault}");
            }
        }
        // The next good build repairs and cleans up.
        site.version(v + 10);
        site.build();
        assert_eq!(site.complete_version(&expected), Ok(v + 10), "{fault}");
        assert_eq!(site.debris(), Vec::<String>::new(), "{fault}: debris");
    }
}

#[test]
fn an_output_left_aside_is_put_back_before_anything_else() {
    let site = Site::new();
    site.build();
    let expected = site.files();
    site.version(5);
    let mut child = site.spawn(Some("two-renames,between-renames"));
    let deadline = Instant::now() + Duration::from_secs(120);
    while site.output().exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(50));
    child.kill().expect("kill");
    let _ = child.wait();
    assert!(!site.output().exists());
    // A build that fails on content still puts the old site back first.
    std::fs::write(
        site.root().join("content/partners/broken.yaml"),
        "name: [\n",
    )
    .expect("write");
    let status = site.spawn(None).wait().expect("wait");
    assert!(!status.success());
    assert_eq!(site.complete_version(&expected), Ok(0));
    let _ = common::repo();
}
