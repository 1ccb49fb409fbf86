//! `klaster check --links` against a small HTTP server of the test's own on 127.0.0.1:
//! working, moved, missing, failing, silent and HEAD-refusing addresses. Nothing here
//! reaches beyond this machine.

mod common;
use common::*;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Requests the server has seen: (method, path) → count, and the user agents.
#[derive(Default)]
struct Seen {
    requests: HashMap<(String, String), usize>,
    agents: Vec<String>,
    /// Connections of `/silent`, held open without an answer.
    held: Vec<TcpStream>,
}

struct Server {
    port: u16,
    seen: Arc<Mutex<Seen>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("address").port();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let shared = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let seen = shared.clone();
                std::thread::spawn(move || answer(stream, &seen));
            }
        });
        Server { port, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Requests of any method to `path`.
    fn count(&self, path: &str) -> usize {
        let seen = self.seen.lock().unwrap();
        seen.requests
            .iter()
            .filter(|((_, p), _)| p == path)
            .map(|(_, n)| n)
            .sum()
    }

    fn count_method(&self, method: &str, path: &str) -> usize {
        let seen = self.seen.lock().unwrap();
        seen.requests
            .get(&(method.to_string(), path.to_string()))
            .copied()
            .unwrap_or(0)
    }

    fn total(&self) -> usize {
        self.seen.lock().unwrap().requests.values().sum()
    }
}

fn answer(mut stream: TcpStream, seen: &Mutex<Seen>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(reader_stream) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reader_stream);
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let mut agent = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line.trim().is_empty() => break,
            Ok(_) => {
                if let Some(v) = line
                    .split_once(':')
                    .filter(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
                {
                    agent = v.1.trim().to_string();
                }
            }
        }
    }
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    {
        let mut s = seen.lock().unwrap();
        *s.requests
            .entry((method.clone(), path.clone()))
            .or_default() += 1;
        s.agents.push(agent);
    }
    let (status, location) = match path.as_str() {
        "/ok" => ("200 OK", None),
        "/moved" => ("301 Moved Permanently", Some("/ok")),
        "/moved-for-good" => ("308 Permanent Redirect", Some("/moved")),
        "/temporary" => ("302 Found", Some("/ok")),
        "/missing" => ("404 Not Found", None),
        "/error" => ("500 Internal Server Error", None),
        "/moved-away" => ("301 Moved Permanently", Some("/missing")),
        "/no-head/report.pdf" if method == "HEAD" => ("405 Method Not Allowed", None),
        "/no-head/report.pdf" => ("200 OK", None),
        "/silent" => {
            // Accept, read the request and never answer.
            seen.lock().unwrap().held.push(stream);
            return;
        }
        _ => ("404 Not Found", None),
    };
    let body = if method == "HEAD" { "" } else { "hello" };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        if method == "HEAD" { 0 } else { body.len() }
    );
    if let Some(l) = location {
        head.push_str(&format!("Location: {l}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}

/// Runs the binary with a short link timeout and no proxy settings.
fn check_links(site: &TestSite, args: &[&str]) -> (Run, Duration) {
    let started = Instant::now();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_klaster"));
    cmd.args(args)
        .current_dir(site.path())
        .env("NO_COLOR", "1")
        .env("KLASTER_LINK_TIMEOUT", "1")
        .env_remove("SOURCE_DATE_EPOCH");
    for var in [
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    let out = cmd.output().expect("the klaster binary runs");
    (
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        },
        started.elapsed(),
    )
}

/// The test site with outside links in every kind of place, all to `server`.
fn linked_site(server: &Server) -> TestSite {
    let site = TestSite::new();
    let u = |p: &str| server.url(p);
    site.write(
        "content/site.yaml",
        &SITE_YAML.replace(
            "organisation: {name: Test, email: info@example.org}",
            &format!(
                "organisation: {{name: Test, email: info@example.org, website: \"{}\"}}",
                u("/ok#contact")
            ),
        ),
    );
    site.write(
        "content/partners/tehnopol.yaml",
        &format!(
            "name: {{et: Teaduspark Tehnopol, en: Science Park Tehnopol}}\ncategory: startup\ncountry: EE\nwebsite: {}\n",
            u("/missing")
        ),
    );
    site.write(
        "content/partners/acme.yaml",
        &format!(
            "name: Acme\ncategory: medtech\nwebsite: {}\n",
            u("/missing")
        ),
    );
    site.write(
        "content/projects/development.yaml",
        &format!(
            "title: {{et: Arendusprojekt, en: Development project}}\nsummary: {{et: Kokkuvõte, en: Summary}}\nfunder: erdf\nstart: 2023-09-01\nend: 2025-12-31\nobjectives:\n  - {{et: Eesmärk, en: Objective}}\nresults:\n  - {{et: Tulemus, en: Result}}\nwebsite: {}\n",
            u("/error")
        ),
    );
    site.write(
        "content/strategy/plan.yaml",
        &format!(
            "title: {{et: Strateegia, en: Strategy}}\nperiod: {{from: 2024, to: 2028}}\ndocuments:\n  - {{title: Plan, file: \"{}\", language: en}}\nrelated:\n  - title: Old home\n    url: {}\n  - title: Older home\n    url: {}\n  - title: Gone\n    url: {}\n",
            u("/no-head/report.pdf"),
            u("/moved"),
            u("/moved-for-good"),
            u("/moved-away"),
        ),
    );
    site.write(
        "content/pages/about.en.md",
        &format!(
            "---\n---\nSee [Tehnopol](@partners/tehnopol).\n\nA [slow site]({}) and ![a picture]({}).\n",
            u("/silent"),
            u("/temporary")
        ),
    );
    site
}

#[test]
fn broken_and_moved_links_are_reported_where_they_are_used() {
    let server = Server::start();
    let site = linked_site(&server);
    let (run, first) = check_links(&site, &["check", "--links"]);
    let all = run.all();
    // Warnings and notes only: the check passes.
    assert_eq!(run.code, 0, "{all}");
    let missing = server.url("/missing");
    let broken_404 =
        format!("warning: the link `{missing}` is broken: the server answered 404 Not Found");
    assert_eq!(all.matches(&broken_404).count(), 2, "{all}");
    // Each place that uses it, with line and column.
    assert!(
        all.contains("--> content/partners/tehnopol.yaml:4:10"),
        "{all}"
    );
    assert!(all.contains("--> content/partners/acme.yaml:3:10"), "{all}");
    // ... but the address was fetched once (and once more at the end of /moved-away).
    assert_eq!(server.count("/missing"), 2, "{all}");
    assert!(
        all.contains(&format!(
            "warning: the link `{}` is broken: the server answered 500 Internal Server Error",
            server.url("/error")
        )),
        "{all}"
    );
    assert!(
        all.contains("--> content/projects/development.yaml:10:10"),
        "{all}"
    );
    assert!(
        all.contains(&format!(
            "warning: the link `{}` did not answer within 1 s",
            server.url("/silent")
        )),
        "{all}"
    );
    assert!(all.contains("--> content/pages/about.en.md:5:3"), "{all}");
    // Permanent redirects are notes that give the new address.
    let moved_note = format!(
        "note: `{}` has moved permanently to `{}`",
        server.url("/moved"),
        server.url("/ok")
    );
    assert!(all.contains(&moved_note), "{all}");
    assert!(all.contains("--> content/strategy/plan.yaml:7:10"), "{all}");
    assert!(
        all.contains(&format!("write the new address: {}", server.url("/ok"))),
        "{all}"
    );
    // 308, then 301: the address at the end of the permanent moves.
    assert!(
        all.contains(&format!(
            "note: `{}` has moved permanently to `{}`",
            server.url("/moved-for-good"),
            server.url("/ok")
        )),
        "{all}"
    );
    // A permanent redirect to a missing page is broken, and says where it ended.
    assert!(
        all.contains(&format!(
            "warning: the link `{}` is broken: the server answered 404 Not Found (at `{missing}`, where it redirects)",
            server.url("/moved-away")
        )),
        "{all}"
    );
    // Working addresses say nothing: direct, behind a temporary redirect, HEAD refused.
    for fine in ["/ok", "/temporary", "/no-head/report.pdf"] {
        let url = server.url(fine);
        assert!(
            !all.contains(&format!("the link `{url}`")) && !all.contains(&format!("note: `{url}`")),
            "{fine}: {all}"
        );
    }
    assert_eq!(server.count_method("HEAD", "/no-head/report.pdf"), 1);
    assert_eq!(server.count_method("GET", "/no-head/report.pdf"), 1);
    assert!(
        all.contains("check passed: 0 errors, 5 warnings, 2 notes"),
        "{all}"
    );
    assert!(
        all.contains(
            "checked 9 outside addresses: 9 fetched, 0 from the results of the last day in .klaster-cache/"
        ),
        "{all}"
    );
    let agents = server.seen.lock().unwrap().agents.clone();
    assert!(
        agents
            .iter()
            .all(|a| a.starts_with("klaster/") && a.ends_with(" link checker")),
        "{agents:?}"
    );

    // --strict fails on the warnings (the notes alone would not).
    let (strict, _) = check_links(&site, &["check", "--links", "--strict"]);
    assert_eq!(strict.code, 1, "{}", strict.all());

    // The second and third runs answered from the cache: no request, no waiting.
    let before = server.total();
    let (json_run, second) = check_links(&site, &["check", "--links", "--format", "json"]);
    assert_eq!(json_run.code, 0, "{}", json_run.all());
    assert_eq!(server.total(), before, "the cache was not used");
    assert!(second < first, "cached run {second:?}, first run {first:?}");
    let doc: serde_json::Value = serde_json::from_str(&json_run.stdout).expect("JSON");
    assert_eq!(doc["links"]["addresses"], 9);
    assert_eq!(doc["links"]["cached"], 9);
    assert_eq!(doc["links"]["fetched"], 0);
    assert_eq!(doc["warnings"], 5);
    assert_eq!(doc["notes"], 2);
    let diags = doc["diagnostics"].as_array().expect("diagnostics");
    let note = diags
        .iter()
        .find(|d| {
            d["code"] == "moved-link" && d["path"] == "content/strategy/plan.yaml" && d["line"] == 7
        })
        .expect("the 301 note");
    assert_eq!(note["severity"], "note");
    assert_eq!(note["column"], 10);
    assert_eq!(
        note["message"],
        format!(
            "`{}` has moved permanently to `{}`",
            server.url("/moved"),
            server.url("/ok")
        )
    );
    let broken: Vec<(&str, u64)> = diags
        .iter()
        .filter(|d| d["code"] == "external-link")
        .map(|d| {
            (
                d["path"].as_str().unwrap_or(""),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        broken,
        [
            ("content/pages/about.en.md", 5),
            ("content/partners/acme.yaml", 3),
            ("content/partners/tehnopol.yaml", 4),
            ("content/projects/development.yaml", 10),
            ("content/strategy/plan.yaml", 11),
        ]
    );
    assert!(site.path().join(".klaster-cache/links.json").is_file());
}

#[test]
fn results_older_than_a_day_are_fetched_again() {
    let server = Server::start();
    let site = linked_site(&server);
    // Without --links nothing is fetched.
    let plain = site.check();
    assert_eq!(plain.code, 0, "{}", plain.all());
    assert_eq!(server.total(), 0);
    assert!(!site.path().join(".klaster-cache").exists());

    let (run, _) = check_links(&site, &["check", "--links"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let after_first = server.count("/error");
    assert_eq!(after_first, 1);
    // Age every result by two days.
    let cache = site.path().join(".klaster-cache/links.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    for entry in doc["links"].as_object_mut().unwrap().values_mut() {
        let checked = entry["checked"].as_u64().unwrap();
        entry["checked"] = (checked - 2 * 24 * 60 * 60).into();
    }
    std::fs::write(&cache, doc.to_string()).unwrap();
    let (again, _) = check_links(&site, &["check", "--links"]);
    assert!(
        again
            .stderr
            .contains("checked 9 outside addresses: 9 fetched, 0 from"),
        "{}",
        again.all()
    );
    assert_eq!(server.count("/error"), 2);
}

#[test]
fn a_bad_timeout_setting_is_a_usage_error() {
    let site = TestSite::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_klaster"))
        .args(["check", "--links"])
        .current_dir(site.path())
        .env("KLASTER_LINK_TIMEOUT", "soon")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("KLASTER_LINK_TIMEOUT must be a number of seconds, not `soon`"),
        "{err}"
    );
}
