//! The deployment templates of docs/deploy/ work as written: every `klaster` line of
//! their steps runs, unchanged, with this build of klaster on the example sites, and
//! the folder the workflow publishes holds the site under the workflow's address.

mod common;
use common::*;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// What a workflow file does, as far as klaster is concerned.
#[derive(Debug)]
struct Workflow {
    /// Variables the workflow sets (GitHub `env:`, GitLab `variables:`).
    env: BTreeMap<String, String>,
    /// Shell lines of its steps that run klaster, in order.
    commands: Vec<String>,
    /// The folder it publishes, relative to the site folder.
    publish: String,
}

fn read_yaml(rel: &str) -> Value {
    let text = std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not valid YAML: {e}"))
}

fn strings(map: &Value) -> BTreeMap<String, String> {
    map.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The shell lines of a script that start with `klaster` (continuations joined).
fn klaster_lines(script: &str) -> Vec<String> {
    let joined = script.replace("\\\n", " ");
    joined
        .lines()
        .map(str::trim)
        .filter(|l| l.split_whitespace().next() == Some("klaster"))
        .map(str::to_string)
        .collect()
}

/// `jobs.*.steps[].run`, `env` at every level, and the path of the Pages upload.
fn github(rel: &str) -> Workflow {
    let doc = read_yaml(rel);
    let mut env = strings(&doc["env"]);
    let mut commands = Vec::new();
    let mut publish = None;
    let jobs = doc["jobs"].as_object().expect("jobs");
    for job in jobs.values() {
        env.extend(strings(&job["env"]));
        for step in job["steps"].as_array().into_iter().flatten() {
            env.extend(strings(&step["env"]));
            if let Some(run) = step["run"].as_str() {
                commands.extend(klaster_lines(run));
            }
            if step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
            {
                publish = step["with"]["path"].as_str().map(str::to_string);
            }
        }
    }
    Workflow {
        env,
        commands,
        publish: publish.expect("an actions/upload-pages-artifact step with a path"),
    }
}

/// Every job's `before_script` and `script`, `variables` at both levels, and the
/// folder of `pages: publish:`.
fn gitlab(rel: &str) -> Workflow {
    let doc = read_yaml(rel);
    let mut env = strings(&doc["variables"]);
    let mut commands = Vec::new();
    let mut publish = None;
    for job in doc.as_object().expect("a mapping").values() {
        if job.get("script").is_none() {
            continue;
        }
        env.extend(strings(&job["variables"]));
        for key in ["before_script", "script"] {
            for line in job[key].as_array().into_iter().flatten() {
                if let Some(line) = line.as_str() {
                    commands.extend(klaster_lines(line));
                }
            }
        }
        if let Some(p) = job["pages"]["publish"].as_str() {
            publish = Some(p.to_string());
        }
    }
    Workflow {
        env,
        commands,
        publish: publish.expect("a pages job with `pages: publish:`"),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk");
        let target = to.join(e.path().strip_prefix(from).expect("prefix"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// Runs the workflow's klaster lines in a copy of the site at `site`, with `klaster`
/// on the PATH being this build, and returns the folder it publishes.
fn run_workflow(name: &str, wf: &Workflow, site: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let check = wf
        .commands
        .iter()
        .any(|c| c.starts_with("klaster check --strict"));
    let build = wf
        .commands
        .iter()
        .any(|c| c.starts_with("klaster build --base-url"));
    assert!(
        check,
        "{name} must run `klaster check --strict`: {:?}",
        wf.commands
    );
    assert!(
        build,
        "{name} must run `klaster build --base-url …`: {:?}",
        wf.commands
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let work = dir.path().join("site");
    for part in ["content", "themes"] {
        if site.join(part).is_dir() {
            copy_dir(&site.join(part), &work.join(part));
        }
    }
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    #[cfg(unix)]
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_klaster"), bin.join("klaster"))
        .expect("link klaster");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for command in &wf.commands {
        let out = std::process::Command::new("bash")
            .args(["-eu", "-c", command])
            .current_dir(&work)
            .envs(&wf.env)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{name}: `{command}` failed in {}:\n{}{}",
            site.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let published = work.join(&wf.publish);
    (dir, published)
}

/// The published folder is a whole site whose links carry the address's path.
fn assert_published(name: &str, wf: &Workflow, out: &Path, first_lang: &str) {
    let site_url = wf.env.get("SITE_URL").expect("the workflow sets SITE_URL");
    let path = site_url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("/");
    assert_ne!(
        path, "/",
        "{name}: the example address should have a sub-path"
    );
    for file in ["index.html", "404.html", "sitemap.xml"] {
        assert!(out.join(file).is_file(), "{name}: {file} was not published");
    }
    let home = std::fs::read_to_string(out.join(first_lang).join("index.html"))
        .unwrap_or_else(|e| panic!("{name}: {first_lang}/index.html: {e}"));
    assert!(
        home.contains(&format!("href=\"{path}style.css?v=")),
        "{name}: the stylesheet link lacks {path}"
    );
    assert!(
        home.contains(&format!(
            "<link rel=\"canonical\" href=\"{site_url}{first_lang}/\">"
        )),
        "{name}: the canonical address is not under {site_url}"
    );
    // Every link resolves once the folder is served under the address's path.
    let host_root = out.with_file_name("served");
    let served = host_root.join(path.trim_matches('/'));
    std::fs::create_dir_all(served.parent().expect("parent")).expect("mkdir");
    std::fs::rename(out, &served).expect("move the published folder");
    let origin = site_url
        .strip_suffix(path)
        .expect("the address ends in its path");
    let problems = broken_links(&host_root, origin);
    assert!(problems.is_empty(), "{name}: {problems:#?}");
}

#[test]
fn github_pages_workflow_builds_the_example_sites() {
    let wf = github("docs/deploy/github-pages.yml");
    assert_eq!(wf.publish, "output");
    for (site, lang) in [
        (repo(), "et"),
        (repo().join("examples/digital-health-network"), "fi"),
    ] {
        let (_dir, out) = run_workflow("github-pages.yml", &wf, &site);
        assert_published("github-pages.yml", &wf, &out, lang);
    }
}

#[test]
fn gitlab_pages_workflow_builds_the_example_sites() {
    let wf = gitlab("docs/deploy/gitlab-pages.yml");
    for (site, lang) in [
        (repo(), "et"),
        (repo().join("examples/digital-health-network"), "fi"),
    ] {
        let (_dir, out) = run_workflow("gitlab-pages.yml", &wf, &site);
        assert_published("gitlab-pages.yml", &wf, &out, lang);
    }
}

#[test]
fn a_workflow_without_the_check_is_caught() {
    let yaml = "jobs:\n  build:\n    steps:\n      - run: klaster build --base-url \"$SITE_URL\"\n";
    let doc: Value = serde_saphyr::from_str(yaml).expect("yaml");
    let runs: Vec<String> = doc["jobs"]["build"]["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["run"].as_str())
        .flat_map(klaster_lines)
        .collect();
    assert_eq!(runs, ["klaster build --base-url \"$SITE_URL\""]);
    let wf = Workflow {
        env: BTreeMap::new(),
        commands: runs,
        publish: "output".into(),
    };
    let caught = std::panic::catch_unwind(|| run_workflow("broken.yml", &wf, &repo()));
    assert!(caught.is_err());
    // Continuation lines are joined into one command.
    assert_eq!(
        klaster_lines("echo hi\nklaster build \\\n  --base-url x\n"),
        ["klaster build    --base-url x"]
    );
}
