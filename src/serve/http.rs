//! The HTTP side of `serve`: URL paths → files of the last good build, held in memory.
//!
//! Nothing here touches the file system except to read media files (`Content::Copy`),
//! whose paths come from the build, never from the URL; such a file is served only if
//! it is still the very file the build saw (same size, time and inode, and not a
//! symbolic link). A URL path is percent-decoded, split into segments and looked up in
//! the map of output files; a `..` segment (also encoded, `%2e%2e`, or hidden behind an
//! encoded slash, `..%2f`) makes it a miss.
//!
//! The server answers only requests addressed to this computer (`Host: localhost`,
//! `127.0.0.1`, `[::1]`, ...), so a web page elsewhere cannot reach the preview through
//! a DNS name that points here (DNS rebinding); `--bind` with another address opens it
//! to every name. A connection that sends its request headers too slowly or stays idle
//! is closed after [`HEADER_TIMEOUT`].

use super::inject;
use super::state::{Body, Shared};
use crate::model::paths;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What a URL path names.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A file of the output, by its `/`-separated path.
    File(String),
    /// A folder that has an `index.html`, asked for without the trailing slash:
    /// the location to redirect to.
    Redirect(String),
    NotFound,
}

/// The characters percent-encoded again when a redirect location is built from the
/// decoded segments of a path.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Maps the path of a request URL to a file of the output, with `exists` telling which
/// output paths there are. Never names anything outside the output: segments are
/// decoded first, and any `..` (or a backslash or NUL) is a miss.
pub fn lookup(raw_path: &str, query: Option<&str>, exists: impl Fn(&str) -> bool) -> Lookup {
    let Ok(decoded) = percent_encoding::percent_decode_str(raw_path).decode_utf8() else {
        return Lookup::NotFound;
    };
    if decoded.contains(['\\', '\0']) {
        return Lookup::NotFound;
    }
    let mut segments: Vec<&str> = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Lookup::NotFound,
            s => segments.push(s),
        }
    }
    let key = segments.join("/");
    // The file that serves the folder `key/`, as the build names it.
    let folder_index = || crate::model::paths::output_file(&format!("/{key}/").replace("//", "/"));
    if key.is_empty() || decoded.ends_with('/') {
        let index = folder_index();
        return if exists(&index) {
            Lookup::File(index)
        } else {
            Lookup::NotFound
        };
    }
    if exists(&key) {
        return Lookup::File(key);
    }
    if exists(&folder_index()) {
        let mut location = String::new();
        for seg in &segments {
            location.push('/');
            location.extend(percent_encoding::utf8_percent_encode(seg, SEGMENT));
        }
        location.push('/');
        if let Some(q) = query.filter(|q| !q.is_empty()) {
            location.push('?');
            location.push_str(q);
        }
        return Lookup::Redirect(location);
    }
    Lookup::NotFound
}

pub use crate::model::paths::content_type;

/// The "page not found" to show for a missing address, as static hosts pick it: the
/// language's own (`/en/404.html` for a missing `/en/...`), else the site's.
fn nearest_not_found(path: &str, exists: impl Fn(&str) -> bool) -> Option<String> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let own = (!first.is_empty() && path.trim_start_matches('/').contains('/'))
        .then(|| paths::output_file(&paths::not_found(first)));
    own.into_iter()
        .chain([paths::output_file(paths::NOT_FOUND)])
        .find(|p| exists(p))
}

fn is_html(path: &str) -> bool {
    matches!(content_type(path), "text/html; charset=utf-8")
}

/// How long a connection may take to send its request headers, and how long it may
/// stay idle between requests.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Which `Host` names the server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hosts {
    /// Only names of this computer: `localhost`, `*.localhost`, loopback addresses.
    Local,
    /// Every name (the server was bound to an address other computers can reach).
    Any,
}

impl Hosts {
    pub fn for_bind(addr: &std::net::SocketAddr) -> Hosts {
        if addr.ip().is_loopback() {
            Hosts::Local
        } else {
            Hosts::Any
        }
    }

    /// Whether a request with this `Host` header is answered. A request without one
    /// (HTTP/1.0) is; browsers always send it.
    pub fn allows(self, host: Option<&str>) -> bool {
        let Some(host) = host else { return true };
        if self == Hosts::Any {
            return true;
        }
        let name = match host.strip_prefix('[') {
            Some(rest) => rest.split(']').next().unwrap_or(""),
            None => match host.rsplit_once(':') {
                Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
                _ => host,
            },
        };
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        name == "localhost"
            || name.ends_with(".localhost")
            || name
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

/// The router: the events endpoint, and every other path looked up in the build.
pub fn router(shared: Arc<Shared>, shutdown: watch::Receiver<bool>, hosts: Hosts) -> Router {
    Router::new()
        .route(inject::EVENTS_PATH, get(events))
        .fallback(file)
        .with_state(App { shared, shutdown })
        .layer(axum::middleware::from_fn_with_state(hosts, check_host))
}

async fn check_host(State(hosts): State<Hosts>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("\u{fffd}"));
    if hosts.allows(host) {
        next.run(req).await
    } else {
        plain(
            StatusCode::FORBIDDEN,
            "this preview server answers only requests for localhost\n",
        )
    }
}

/// Accepts connections until `shutdown` turns true, each served on its own task with
/// the header and idle timeout. After shutdown, open connections finish what they are
/// sending.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let service = hyper_util::service::TowerToHyperService::new(app);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file handles or a connection reset while queued: keep going.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = shutdown.wait_for(|stop| *stop) => return Ok(()),
        };
        let service = service.clone();
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .keep_alive(true);
            let conn = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::pin!(conn);
            let stopping = async move {
                let _ = stop.wait_for(|s| *s).await;
            };
            tokio::select! {
                _ = conn.as_mut() => return,
                () = stopping => {}
            }
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        });
    }
}

#[derive(Clone)]
struct App {
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
}

fn headers(mut resp: Response, ctype: &'static str) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    headers((status, text).into_response(), "text/plain; charset=utf-8")
}

async fn file(State(app): State<App>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut resp = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return resp;
    }
    let snap = app.shared.snapshot();
    let extra = snap.injection();
    if !snap.has_build {
        let page = inject::inject(inject::no_build_page().as_bytes(), &extra);
        return headers(
            (StatusCode::INTERNAL_SERVER_ERROR, page).into_response(),
            "text/html; charset=utf-8",
        );
    }
    let (status, path) = match lookup(uri.path(), uri.query(), |p| snap.files.contains_key(p)) {
        Lookup::File(p) => (StatusCode::OK, p),
        Lookup::Redirect(location) => {
            let mut resp = plain(StatusCode::TEMPORARY_REDIRECT, "");
            match HeaderValue::from_str(&location) {
                Ok(v) => {
                    resp.headers_mut().insert(header::LOCATION, v);
                    return resp;
                }
                Err(_) => return plain(StatusCode::NOT_FOUND, "not found\n"),
            }
        }
        Lookup::NotFound => match nearest_not_found(uri.path(), |p| snap.files.contains_key(p)) {
            Some(p) => (StatusCode::NOT_FOUND, p),
            None => return plain(StatusCode::NOT_FOUND, "not found\n"),
        },
    };
    let Some(body) = snap.files.get(path.as_str()) else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let bytes = match body {
        Body::Mem(b) => b.clone(),
        Body::Disk { .. } => {
            let body = body.clone();
            match tokio::task::spawn_blocking(move || body.read_if_unchanged()).await {
                Ok(Some(b)) => Bytes::from(b),
                _ => return plain(StatusCode::NOT_FOUND, "not found\n"),
            }
        }
    };
    let bytes = if is_html(&path) {
        Bytes::from(inject::inject(&bytes, &extra))
    } else {
        bytes
    };
    headers((status, bytes).into_response(), content_type(&path))
}

/// Server-sent events: the current generation at once, then every new one. A tab
/// whose page came from another generation reloads itself.
async fn events(State(app): State<App>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = app.shared.subscribe();
    let stream = futures_util::stream::unfold(
        (rx, app.shutdown, true),
        |(mut rx, mut shutdown, first)| async move {
            if first {
                let generation = rx.borrow_and_update().clone();
                let ev = Event::default()
                    .retry(Duration::from_millis(500))
                    .data(generation);
                return Some((Ok(ev), (rx, shutdown, false)));
            }
            let changed = tokio::select! {
                changed = rx.changed() => changed.is_ok(),
                _ = shutdown.wait_for(|stop| *stop) => false,
            };
            if !changed {
                return None;
            }
            let generation = rx.borrow_and_update().clone();
            Some((Ok(Event::default().data(generation)), (rx, shutdown, false)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(p: &str) -> bool {
        matches!(
            p,
            "index.html"
                | "en/index.html"
                | "en/partners/index.html"
                | "en/partners/a b/index.html"
                | "en/feed.xml"
                | "404.html"
        )
    }

    #[test]
    fn folders_serve_their_index() {
        assert_eq!(lookup("/", None, site), Lookup::File("index.html".into()));
        assert_eq!(
            lookup("/en/", None, site),
            Lookup::File("en/index.html".into())
        );
        assert_eq!(
            lookup("/en/partners/", None, site),
            Lookup::File("en/partners/index.html".into())
        );
        assert_eq!(
            lookup("/en/feed.xml", None, site),
            Lookup::File("en/feed.xml".into())
        );
        assert_eq!(
            lookup("/en//./feed.xml", None, site),
            Lookup::File("en/feed.xml".into())
        );
    }

    #[test]
    fn folders_without_slash_redirect() {
        assert_eq!(
            lookup("/en/partners", None, site),
            Lookup::Redirect("/en/partners/".into())
        );
        assert_eq!(
            lookup("/en/partners", Some("q=x"), site),
            Lookup::Redirect("/en/partners/?q=x".into())
        );
        assert_eq!(
            lookup("/en/partners/a%20b", None, site),
            Lookup::Redirect("/en/partners/a%20b/".into())
        );
        // A redirect never points to another host.
        assert_eq!(
            lookup("//en/partners", None, site),
            Lookup::Redirect("/en/partners/".into())
        );
    }

    #[test]
    fn nothing_outside_the_output() {
        for p in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/Cargo.toml",
            "/..%2fCargo.toml",
            "/..%2FCargo.toml",
            "/en/../../Cargo.toml",
            "/en/%2e%2e/index.html",
            "/en/..\\index.html",
            "/en/%5c..%5cindex.html",
            "/en/index.html%00",
            "/%ff",
            "/en/nothing",
        ] {
            assert_eq!(lookup(p, None, site), Lookup::NotFound, "{p}");
        }
    }

    #[test]
    fn only_local_host_names_are_answered() {
        let local = Hosts::Local;
        for ok in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.",
            "site.localhost:8080",
            "127.0.0.1:1111",
            "127.1.2.3",
            "[::1]:1111",
            "[::1]",
        ] {
            assert!(local.allows(Some(ok)), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "192.168.1.2:1111",
            "[2001:db8::1]",
            "",
        ] {
            assert!(!local.allows(Some(bad)), "{bad}");
        }
        assert!(local.allows(None));
        assert!(Hosts::Any.allows(Some("evil.example")));
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("en/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/site.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("a.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("a.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("a.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("a.PNG"), "image/png");
        assert_eq!(content_type("a.jpg"), "image/jpeg");
        assert_eq!(content_type("a.webp"), "image/webp");
        assert_eq!(content_type("a.pdf"), "application/pdf");
        assert_eq!(content_type("a.woff2"), "font/woff2");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("a.wasm"), "application/wasm");
        assert_eq!(content_type("noext"), "application/octet-stream");
        assert_eq!(
            content_type("search/en/s/0.bin"),
            "application/octet-stream"
        );
    }
}
