//! The HTTP side of `serve`: URL paths → files of the last good build, held in memory.
//!
//! Nothing here touches the file system except to read media files (`Content::Copy`),
//! whose paths come from the build, never from the URL. A URL path is percent-decoded,
//! split into segments and looked up in the map of output files; a `..` segment (also
//! encoded, `%2e%2e`, or hidden behind an encoded slash, `..%2f`) makes it a miss.

use super::inject;
use super::state::{Body, Shared};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
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
    if key.is_empty() || decoded.ends_with('/') {
        let index = if key.is_empty() {
            "index.html".to_string()
        } else {
            format!("{key}/index.html")
        };
        return if exists(&index) {
            Lookup::File(index)
        } else {
            Lookup::NotFound
        };
    }
    if exists(&key) {
        return Lookup::File(key);
    }
    if exists(&format!("{key}/index.html")) {
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

/// The Content-Type of an output file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn is_html(path: &str) -> bool {
    matches!(content_type(path), "text/html; charset=utf-8")
}

/// The router: the events endpoint, and every other path looked up in the build.
pub fn router(shared: Arc<Shared>, shutdown: watch::Receiver<bool>) -> Router {
    Router::new()
        .route(inject::EVENTS_PATH, get(events))
        .fallback(file)
        .with_state(App { shared, shutdown })
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
        Lookup::NotFound if snap.files.contains_key("404.html") => {
            (StatusCode::NOT_FOUND, "404.html".to_string())
        }
        Lookup::NotFound => return plain(StatusCode::NOT_FOUND, "not found\n"),
    };
    let Some(body) = snap.files.get(&path) else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let bytes = match body {
        Body::Mem(b) => b.clone(),
        Body::Disk { path: disk, .. } => match tokio::fs::read(disk).await {
            Ok(b) => Bytes::from(b),
            Err(_) => return plain(StatusCode::NOT_FOUND, "not found\n"),
        },
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
            content_type("pagefind/wasm.en.pagefind"),
            "application/octet-stream"
        );
    }
}
