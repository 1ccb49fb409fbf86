//! `klaster serve` end to end: the binary on a free port, a temporary site, plain
//! HTTP/1.1 over std's TcpStream.

mod common;

use common::TestSite;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How soon an edit must show in the browser.
const RELOAD_WITHIN: Duration = Duration::from_secs(2);
/// How long the first build may take (a debug binary on a busy CI machine).
const START_WITHIN: Duration = Duration::from_secs(60);

/// A port nobody listens on right now.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    l.local_addr().expect("local addr").port()
}

/// A running `klaster serve`; killed when dropped.
struct Serve {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn spawn(root: &Path, port: u16) -> Serve {
        Serve::spawn_with(root, port, &[])
    }

    fn spawn_with(root: &Path, port: u16, extra: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_klaster"))
            .args(["serve", "--root"])
            .arg(root)
            .args(["--port", &port.to_string()])
            .args(extra)
            // The working folder is the site: a server that served files relative to
            // it (instead of from the build) would leak `Cargo.toml` below.
            .current_dir(root)
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the klaster binary starts");
        let log = Arc::new(Mutex::new(String::new()));
        if let Some(stderr) = child.stderr.take() {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    if let Ok(mut l) = log.lock() {
                        l.push_str(&line);
                        l.push('\n');
                    }
                }
            });
        }
        Serve { child, port, log }
    }

    /// Starts serving `site` and waits until it answers with its home page.
    fn start(site: &TestSite) -> Serve {
        let s = Serve::start_any(site);
        let home = s.get("/");
        assert_eq!(home.status, 200, "{}\n{}", home.body, s.log());
        s
    }

    /// Starts serving `site` and waits until it answers at all.
    fn start_any(site: &TestSite) -> Serve {
        let mut s = Serve::spawn(site.path(), free_port());
        let deadline = Instant::now() + START_WITHIN;
        loop {
            if get(s.port, "/").is_some() {
                return s;
            }
            if let Ok(Some(status)) = s.child.try_wait() {
                panic!("klaster serve exited with {status}:\n{}", s.log());
            }
            assert!(
                Instant::now() < deadline,
                "klaster serve did not answer within {START_WITHIN:?}:\n{}",
                s.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    fn get(&self, path: &str) -> Response {
        get(self.port, path).unwrap_or_else(|| panic!("GET {path} failed:\n{}", self.log()))
    }

    /// Polls `path` until `ok` holds for the response, for at most `within`.
    fn wait_for(&self, path: &str, within: Duration, ok: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + within;
        loop {
            let resp = self.get(path);
            if ok(&resp) {
                return resp;
            }
            assert!(
                Instant::now() < deadline,
                "GET {path}: not as expected within {within:?}; last response {}:\n{}\n--- server log:\n{}",
                resp.status,
                resp.body,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    /// Header lines, names lower-cased.
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A GET with `Connection: close`; the path is sent exactly as given.
fn get(port: u16, path: &str) -> Option<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Response {
        status,
        headers,
        body: body.to_string(),
    })
}

const OVERLAY: &str = "id=\"klaster-overlay\"";

#[test]
fn serve_rebuilds_on_edit_shows_errors_and_recovers() {
    let site = TestSite::new();
    // Something outside the output that must never be served.
    site.write(
        "Cargo.toml",
        "[package]\nname = \"secret-outside-the-output\"\n",
    );
    let serve = Serve::start(&site);

    let page = serve.get("/en/news/hello/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Hello"), "{}", page.body);
    assert!(!page.body.contains(OVERLAY));
    assert!(
        page.body.contains("/__klaster/events"),
        "live-reload script"
    );
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );

    // An edit shows within two seconds.
    site.write(
        "content/news/hello.yaml",
        "title: {et: Tere, en: Hello edited}\ndate: 2024-05-01\nrelated: [projects/development]\n",
    );
    serve.wait_for("/en/news/hello/", RELOAD_WITHIN, |r| {
        r.status == 200 && r.body.contains("Hello edited")
    });

    // A broken YAML file: the overlay names the file and line, on every page, while
    // the last good build is still served.
    site.write("content/partners/broken.yaml", "name: [oops\n  bad: <x>\n");
    let broken = serve.wait_for("/en/", RELOAD_WITHIN, |r| r.body.contains(OVERLAY));
    assert_eq!(broken.status, 200);
    assert!(
        broken.body.contains("content/partners/broken.yaml:2:"),
        "the overlay names the file and line:\n{}",
        broken.body
    );
    assert!(broken.body.contains("YAML syntax error"), "{}", broken.body);
    assert!(
        broken.body.contains("bad: &lt;x&gt;") && !broken.body.contains("bad: <x>"),
        "the quoted line is HTML-escaped:\n{}",
        broken.body
    );
    let other = serve.get("/en/news/hello/");
    assert_eq!(other.status, 200);
    assert!(other.body.contains("Hello edited"), "last good build");
    assert!(other.body.contains(OVERLAY), "overlay on every page");
    let css_or_feed = serve.get("/en/feed.xml");
    assert_eq!(css_or_feed.status, 200);
    assert!(
        !css_or_feed.body.contains(OVERLAY),
        "only HTML gets the overlay"
    );
    let log = serve.log();
    assert!(log.contains("content/partners/broken.yaml:2:"), "{log}");
    assert!(log.contains("rebuild failed"), "{log}");

    // Fixing it recovers without a restart.
    site.write(
        "content/partners/broken.yaml",
        "name: Fixed Partner\ncategory: startup\n",
    );
    serve.wait_for("/en/", RELOAD_WITHIN, |r| !r.body.contains(OVERLAY));
    let fixed = serve.wait_for("/en/partners/broken/", RELOAD_WITHIN, |r| r.status == 200);
    assert!(fixed.body.contains("Fixed Partner"), "{}", fixed.body);
    assert!(!fixed.body.contains(OVERLAY));
    let log = serve.log();
    assert!(log.contains("rebuilt in "), "{log}");
    assert!(log.contains(" changed"), "{log}");

    // Only files of the output are served.
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/..%2fCargo.toml",
        "/en/../../Cargo.toml",
        "/Cargo.toml",
        "/content/site.yaml",
    ] {
        let r = serve.get(path);
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert!(!r.body.contains("secret-outside-the-output"), "{path}");
        assert!(!r.body.contains("base_url"), "{path}");
    }
}

#[test]
fn serve_answers_like_a_static_host() {
    let site = TestSite::new();
    site.write("content/media/report.pdf", "%PDF-1.4 first version");
    let serve = Serve::start(&site);

    // Media files are read from disk when asked for.
    let r = serve.get("/media/report.pdf");
    assert_eq!(r.status, 200, "{}", serve.log());
    assert_eq!(r.header("content-type"), Some("application/pdf"));
    assert_eq!(r.body, "%PDF-1.4 first version");
    site.write("content/media/report.pdf", "%PDF-1.4 second version");
    serve.wait_for("/media/report.pdf", RELOAD_WITHIN, |r| {
        r.body == "%PDF-1.4 second version"
    });

    let r = serve.get("/en/partners");
    assert!(matches!(r.status, 301 | 302 | 307 | 308), "{r:?}");
    assert_eq!(r.header("location"), Some("/en/partners/"));

    let r = serve.get("/en/partners/");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Science Park Tehnopol"), "{}", r.body);
    let r = serve.get("/en/partners/index.html");
    assert_eq!(r.status, 200);

    let r = serve.get("/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("<html"), "the site's 404.html: {}", r.body);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    // Every language's part, each marked with its language.
    assert!(
        r.body.contains("<section class=\"not-found\" lang=\"et\""),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<section class=\"not-found\" lang=\"en\""),
        "{}",
        r.body
    );
    // Under a language, that language's own, as static hosts pick the nearest 404.html.
    let r = serve.get("/en/no-such-page/");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("<html lang=\"en\">"), "{}", r.body);
    assert!(
        !r.body.contains("lang=\"et\" aria-labelledby"),
        "{}",
        r.body
    );

    let r = serve.get("/sitemap.xml");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/xml; charset=utf-8")
    );
    let r = serve.get("/robots.txt");
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    let r = serve.get("/style.css");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
    let r = serve.get("/eu-emblem.svg");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("image/svg+xml; charset=utf-8")
    );

    // Links use the address served from.
    let r = serve.get("/en/");
    assert!(
        r.body
            .contains(&format!("http://127.0.0.1:{}/en/", serve.port)),
        "{}",
        r.body
    );
}

/// Reads server-sent events from `/__klaster/events`.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        write!(
            stream,
            "GET /__klaster/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("send");
        Events {
            reader: BufReader::new(stream),
        }
    }

    /// The next `data:` line (the stream is chunked; chunk sizes are skipped as they
    /// never start with `data:`).
    fn next_data(&mut self) -> Option<String> {
        let mut line = String::new();
        loop {
            line.clear();
            if self.reader.read_line(&mut line).ok()? == 0 {
                return None;
            }
            if let Some(d) = line.trim_end().strip_prefix("data:") {
                return Some(d.trim().to_string());
            }
        }
    }
}

#[test]
fn serve_tells_open_tabs_to_reload_after_an_edit() {
    let site = TestSite::new();
    let serve = Serve::start(&site);
    let mut events = Events::connect(serve.port);
    let first = events.next_data().expect("a first event");
    let page = serve.get("/en/");
    assert!(
        page.body.contains(&format!("var g=\"{first}\"")),
        "the page knows the generation it came from"
    );

    let started = Instant::now();
    site.write("content/pages/about.en.md", "---\n---\nChanged text.\n");
    let next = events.next_data().expect("an event after the edit");
    assert_ne!(next, first);
    assert!(
        started.elapsed() < RELOAD_WITHIN,
        "reload event after {:?}",
        started.elapsed()
    );
    assert!(
        serve.get("/en/about/").body.contains("Changed text."),
        "{}",
        serve.log()
    );
}

#[test]
fn serve_on_a_port_in_use_exits_2_with_a_hint() {
    let site = TestSite::new();
    let first = Serve::start(&site);
    let out = Command::new(env!("CARGO_BIN_EXE_klaster"))
        .args(["serve", "--root"])
        .arg(site.path())
        .args(["--port", &first.port.to_string()])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the klaster binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("already in use"), "{stderr}");
    assert!(
        stderr.contains(&format!("--port {}", first.port.wrapping_add(1))),
        "{stderr}"
    );
    // The first one is still serving.
    assert_eq!(first.get("/en/").status, 200);
}

#[cfg(unix)]
#[test]
fn serve_stops_cleanly_on_ctrl_c() {
    let site = TestSite::new();
    let mut serve = Serve::start(&site);
    // An open live-reload connection must not keep it from stopping.
    let _events = Events::connect(serve.port);
    let status = Command::new("kill")
        .args(["-INT", &serve.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Ok(Some(s)) = serve.child.try_wait() {
            break s.code();
        }
        assert!(Instant::now() < deadline, "still running:\n{}", serve.log());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(0), "{}", serve.log());
}

#[test]
fn serve_follows_atomic_saves_renames_and_deletes() {
    let site = TestSite::new();
    let serve = Serve::start(&site);
    assert_eq!(serve.get("/en/news/hello/").status, 200);

    // An editor's atomic save: write a temporary file, rename it over the original.
    site.write(
        "content/news/.hello.yaml.tmp1234",
        "title: {et: Tere, en: Saved atomically}\ndate: 2024-05-01\n",
    );
    std::fs::rename(
        site.path().join("content/news/.hello.yaml.tmp1234"),
        site.path().join("content/news/hello.yaml"),
    )
    .expect("rename");
    serve.wait_for("/en/news/hello/", RELOAD_WITHIN, |r| {
        r.body.contains("Saved atomically")
    });

    // A rename moves the page.
    std::fs::rename(
        site.path().join("content/news/hello.yaml"),
        site.path().join("content/news/greetings.yaml"),
    )
    .expect("rename");
    serve.wait_for("/en/news/greetings/", RELOAD_WITHIN, |r| r.status == 200);
    assert_eq!(serve.get("/en/news/hello/").status, 404);

    // A delete removes it.
    site.remove("content/news/greetings.yaml");
    serve.wait_for("/en/news/greetings/", RELOAD_WITHIN, |r| r.status == 404);
}

#[test]
fn serve_starts_on_a_broken_site_and_recovers() {
    let site = TestSite::new();
    site.write("content/pages/about.yaml", "title: {et: Meist, en: About\n");
    let serve = Serve::start_any(&site);
    let r = serve.get("/en/about/");
    assert_eq!(r.status, 500, "{}", r.body);
    assert!(r.body.contains(OVERLAY), "{}", r.body);
    assert!(r.body.contains("content/pages/about.yaml:"), "{}", r.body);

    site.write(
        "content/pages/about.yaml",
        "title: {et: Meist, en: About}\n",
    );
    let r = serve.wait_for("/en/about/", RELOAD_WITHIN, |r| r.status == 200);
    assert!(!r.body.contains(OVERLAY), "{}", r.body);
}

/// A GET with an arbitrary `Host` header.
fn get_with_host(port: u16, path: &str, host: &str) -> Option<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    Some(Response {
        status,
        headers: Vec::new(),
        body: text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?,
    })
}

#[test]
fn serve_answers_only_requests_for_this_computer() {
    let site = TestSite::new();
    let serve = Serve::start(&site);
    for host in ["localhost", "127.0.0.1", "[::1]", "site.localhost"] {
        let r =
            get_with_host(serve.port, "/en/", &format!("{host}:{}", serve.port)).expect("answer");
        assert_eq!(r.status, 200, "Host {host}: {}", r.body);
    }
    // DNS rebinding: an outside name that resolves to 127.0.0.1.
    for host in [
        "attacker.example",
        "attacker.example:1111",
        "localhost.attacker.example",
    ] {
        let r = get_with_host(serve.port, "/en/", host).expect("answer");
        assert_eq!(r.status, 403, "Host {host}: {}", r.body);
        assert!(!r.body.contains("<html"), "{}", r.body);
        let events = get_with_host(serve.port, "/__klaster/events", host).expect("answer");
        assert_eq!(events.status, 403);
    }
}

/// Reads until the server closes the connection; how long that took.
fn closed_within(mut stream: TcpStream, limit: Duration) -> Duration {
    stream
        .set_read_timeout(Some(limit + Duration::from_secs(5)))
        .expect("timeout");
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return started.elapsed(),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return started.elapsed(),
            Err(e) => panic!(
                "the server kept the connection open ({e}) after {:?}",
                started.elapsed()
            ),
        }
    }
}

#[test]
fn serve_closes_half_sent_and_idle_connections() {
    let site = TestSite::new();
    let serve = Serve::start(&site);
    let limit = Duration::from_secs(30);
    let mut half = TcpStream::connect(("127.0.0.1", serve.port)).expect("connect");
    write!(half, "GET /en/ HTTP/1.1\r\nHost: localhost\r\n").expect("send");
    let idle = TcpStream::connect(("127.0.0.1", serve.port)).expect("connect");
    let t_half = std::thread::spawn(move || closed_within(half, limit));
    let t_idle = std::thread::spawn(move || closed_within(idle, limit));
    let (half, idle) = (t_half.join().expect("half"), t_idle.join().expect("idle"));
    assert!(
        half < limit,
        "a half-sent request was closed after {half:?}"
    );
    assert!(idle < limit, "an idle connection was closed after {idle:?}");
    // The server still answers.
    assert_eq!(serve.get("/en/").status, 200);
}

#[test]
fn serve_takes_200_concurrent_connections_without_errors() {
    let site = TestSite::new();
    let serve = Serve::start(&site);
    let port = serve.port;
    let until = Instant::now() + Duration::from_secs(10);
    let threads: Vec<_> = (0..200)
        .map(|i| {
            std::thread::spawn(move || {
                let paths = ["/en/", "/et/partners/", "/style.css", "/en/feed.xml"];
                let (mut ok, mut failed) = (0usize, Vec::new());
                while Instant::now() < until {
                    let path = paths[(i + ok) % paths.len()];
                    match get(port, path) {
                        Some(r) if r.status == 200 => ok += 1,
                        Some(r) => failed.push(format!("{path}: {}", r.status)),
                        None => failed.push(format!("{path}: no answer")),
                    }
                }
                (ok, failed)
            })
        })
        .collect();
    let mut total = 0;
    let mut errors = Vec::new();
    for t in threads {
        let (ok, failed) = t.join().expect("client thread");
        total += ok;
        errors.extend(failed);
    }
    assert!(
        errors.is_empty(),
        "{} errors, e.g. {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(total >= 200, "only {total} answers");
}

#[cfg(unix)]
#[test]
fn serve_never_follows_a_media_file_replaced_by_a_link() {
    let site = TestSite::new();
    site.write("content/media/notes.txt", "public notes\n");
    site.write("secret.txt", "SECRET outside the site\n");
    let serve = Serve::start(&site);
    let r = serve.get("/media/notes.txt");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("public notes"));
    let media = site.path().join("content/media/notes.txt");
    std::fs::remove_file(&media).expect("remove");
    std::os::unix::fs::symlink(site.path().join("secret.txt"), &media).expect("link");
    // Right after the swap and after the rebuild it causes: never the outside file.
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        let r = serve.get("/media/notes.txt");
        assert!(
            !r.body.contains("SECRET"),
            "served the linked file: {}",
            r.body
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_takes_the_build_date_from_date() {
    let site = TestSite::new();
    let mut serve = Serve::spawn_with(site.path(), free_port(), &["--date", "2022-01-01"]);
    let deadline = Instant::now() + START_WITHIN;
    while get(serve.port, "/").is_none() {
        assert!(
            Instant::now() < deadline,
            "serve did not start:\n{}",
            serve.log()
        );
        if let Ok(Some(status)) = serve.child.try_wait() {
            panic!("exited with {status}:\n{}", serve.log());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // The project starts 2023-09-01: planned on 2022-01-01.
    let page = serve.get("/en/projects/development/");
    assert!(page.body.contains("Planned"), "{}", page.body);
}

/// Whether the served search index of `lang` has `word` (as search.js looks it up: the
/// word chunk whose first word is not after it).
fn served_index_has(serve: &Serve, lang: &str, word: &str) -> bool {
    let meta = serve.get(&format!("/search/{lang}/index.json"));
    let Ok(meta) = serde_json::from_str::<serde_json::Value>(&meta.body) else {
        return false;
    };
    let starts: Vec<&str> = meta["words"]
        .as_array()
        .map(|a| a.iter().filter_map(|w| w.as_str()).collect())
        .unwrap_or_default();
    let n = starts.iter().rposition(|s| *s <= word).unwrap_or(0);
    let chunk = serve.get(&format!("/search/{lang}/w/{n}.json"));
    serde_json::from_str::<serde_json::Value>(&chunk.body)
        .map(|c| c.get(word).is_some())
        .unwrap_or(false)
}

/// After an edit the page is served first; the search index follows without a reload
/// (the log says when), and then finds the edited text.
#[test]
fn the_search_index_catches_up_after_the_edited_page_is_served() {
    let site = TestSite::new();
    let serve = Serve::start(&site);
    assert!(!served_index_has(&serve, "en", "zqxwunique"));
    site.write(
        "content/pages/about.en.md",
        "---\ntitle: About\n---\nA zqxwunique word.\n",
    );
    serve.wait_for("/en/about/", RELOAD_WITHIN, |r| {
        r.body.contains("zqxwunique")
    });
    let deadline = Instant::now() + Duration::from_secs(2);
    while !served_index_has(&serve, "en", "zqxwunique") {
        assert!(
            Instant::now() < deadline,
            "the search index did not find the edit within 2 s:\n{}",
            serve.log()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
    let log = serve.log();
    let rebuilt = log
        .lines()
        .find(|l| l.starts_with("rebuilt in "))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(rebuilt.ends_with("; updating the search index"), "{log}");
    let deadline = Instant::now() + Duration::from_secs(2);
    while !serve.log().contains("search index updated in ") {
        assert!(Instant::now() < deadline, "{}", serve.log());
        std::thread::sleep(Duration::from_millis(25));
    }

    // An edit of the text alone (the front matter as it was) is applied to the build
    // being served; the index catches up with it too.
    site.write(
        "content/pages/about.en.md",
        "---\ntitle: About\n---\nA zqxwsecond word.\n",
    );
    serve.wait_for("/en/about/", RELOAD_WITHIN, |r| {
        r.body.contains("zqxwsecond") && !r.body.contains("zqxwunique")
    });
    let deadline = Instant::now() + Duration::from_secs(2);
    while !served_index_has(&serve, "en", "zqxwsecond") {
        assert!(
            Instant::now() < deadline,
            "the search index did not find the second edit within 2 s:\n{}",
            serve.log()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Warnings reach the browser too: a closed box in the corner of every page, with
/// their count, that does not cover the page; it goes away when they are fixed.
#[test]
fn serve_shows_warnings_in_a_closed_box_on_every_page() {
    let site = TestSite::new();
    let serve = Serve::start(&site);
    assert!(!serve.get("/en/").body.contains("klaster-warnings"));
    site.write(
        "content/partners/solo.yaml",
        "name: Solo\ncategory: startup\nsummary: {et: Ainult eesti keeles}\n",
    );
    let page = serve.wait_for("/en/partners/", RELOAD_WITHIN, |r| {
        r.body.contains("<details id=\"klaster-warnings\">")
    });
    assert!(
        page.body.contains("<summary>klaster: 1 warning</summary>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("content/partners/solo.yaml"),
        "{}",
        page.body
    );
    // Not the error overlay: the page itself is shown as built.
    assert!(!page.body.contains(OVERLAY), "{}", page.body);
    assert!(page.body.contains(">Solo</a>"), "{}", page.body);
    let other = serve.get("/et/");
    assert!(
        other.body.contains("<summary>klaster: 1 warning</summary>"),
        "{}",
        other.body
    );
    site.write(
        "content/partners/solo.yaml",
        "name: Solo\ncategory: startup\nsummary: {et: Eesti keeles, en: In English}\n",
    );
    serve.wait_for("/en/partners/", RELOAD_WITHIN, |r| {
        !r.body.contains("klaster-warnings")
    });
}

/// The lines of the log that report rebuilds after the first build.
fn rebuild_lines(serve: &Serve) -> Vec<String> {
    serve
        .log()
        .lines()
        .filter(|l| l.starts_with("rebuilt in ") || l.starts_with("rebuild failed"))
        .map(str::to_string)
        .collect()
}

/// Waits until a rebuild line of the log satisfies `ok`; returns it. (One save can
/// come as two batches of events: the second rebuild then finds nothing changed.)
fn rebuild_line(serve: &Serve, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + RELOAD_WITHIN;
    loop {
        if let Some(line) = rebuild_lines(serve).into_iter().find(|l| ok(l)) {
            return line;
        }
        assert!(Instant::now() < deadline, "{}", serve.log());
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A template edit changes the pages made with it, a broken template is shown in the
/// browser and fixed without a restart, and record edits still work after it.
#[test]
fn serve_applies_a_template_edit_to_the_pages_that_use_it() {
    let site = TestSite::new();
    site.copy_default_theme();
    let serve = Serve::start(&site);
    let partial = "themes/default/templates/partials/news_item.html";
    let text = std::fs::read_to_string(site.path().join(partial)).unwrap();

    site.write(
        partial,
        &text.replacen(
            "<li class=\"news-item\"",
            "<li class=\"news-item\" data-x=\"1\"",
            1,
        ),
    );
    serve.wait_for("/en/news/", RELOAD_WITHIN, |r| {
        r.body.contains("data-x=\"1\"")
    });
    // The news lists and the home pages, in both languages.
    let line = rebuild_line(&serve, |l| !l.contains("nothing changed"));
    assert!(line.contains(": 4 pages changed"), "{line}");
    assert!(!line.contains("search index"), "{line}");

    // A broken template: the overlay says so; the last good pages are still served.
    site.write(partial, &text.replace("{% endif %}", ""));
    let broken = serve.wait_for("/en/", RELOAD_WITHIN, |r| r.body.contains(OVERLAY));
    assert!(broken.body.contains("news_item.html"), "{}", broken.body);
    rebuild_line(&serve, |l| l.starts_with("rebuild failed"));

    // Fixed: as at first.
    site.write(partial, &text);
    serve.wait_for("/en/news/", RELOAD_WITHIN, |r| {
        !r.body.contains(OVERLAY) && !r.body.contains("data-x=\"1\"")
    });

    // A record edit after them.
    site.write(
        "content/news/hello.yaml",
        "title: {et: Tere, en: Hello after the theme}\ndate: 2024-05-01\nrelated: [projects/development]\n",
    );
    serve.wait_for("/en/news/", RELOAD_WITHIN, |r| {
        r.body.contains("Hello after the theme")
    });
}

/// A new record is served without restarting, is listed and found in the sitemap; a
/// record removed, or made a draft, answers 404 and leaves the lists.
#[test]
fn a_new_record_is_served_and_a_removed_or_drafted_one_answers_404() {
    let site = TestSite::new();
    site.write(
        "content/news/notice.yaml",
        "title: {et: Teade, en: Notice}\ndate: 2024-02-01\n",
    );
    let serve = Serve::start(&site);
    let status = |path: &str| serve.get(path).status;
    assert_eq!(status("/en/news/fresh/"), 404);

    site.write(
        "content/news/fresh.yaml",
        "title: {et: Värske, en: Fresh news}\ndate: 2024-05-20\n",
    );
    site.write("content/news/fresh.en.md", "---\n---\nJust in.\n");
    serve.wait_for("/en/news/fresh/", RELOAD_WITHIN, |r| {
        r.status == 200 && r.body.contains("Just in.")
    });
    serve.wait_for("/en/news/", RELOAD_WITHIN, |r| {
        r.body.contains("Fresh news")
    });
    assert!(serve.get("/sitemap.xml").body.contains("/en/news/fresh/"));

    // A draft: gone from its address and from the list.
    let text = std::fs::read_to_string(site.path().join("content/news/hello.yaml")).unwrap();
    site.write("content/news/hello.yaml", &format!("draft: true\n{text}"));
    serve.wait_for("/en/news/hello/", RELOAD_WITHIN, |r| r.status == 404);
    assert!(!serve.get("/en/news/").body.contains("/en/news/hello/"));

    // Removed: both files.
    std::fs::remove_file(site.path().join("content/news/fresh.en.md")).unwrap();
    std::fs::remove_file(site.path().join("content/news/fresh.yaml")).unwrap();
    serve.wait_for("/en/news/fresh/", RELOAD_WITHIN, |r| r.status == 404);
    assert!(!serve.get("/sitemap.xml").body.contains("/en/news/fresh/"));
    assert!(!serve.get("/en/news/").body.contains("Fresh news"));
    let log = serve.log();
    assert!(!log.contains("rebuild failed"), "{log}");
}
