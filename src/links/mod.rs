//! `klaster check --links`: fetches every outside address the content uses and
//! reports the broken ones.
//!
//! Each distinct address is fetched once (its `#fragment` left off), at most
//! [`Options::concurrency`] at a time and [`Options::per_host`] per host, first with
//! `HEAD` and, when a server refuses that, with `GET`. Redirects are followed one by
//! one so that a permanent one (301, 308) can be reported with the new address. An
//! address that answers 4xx or 5xx, whose host is not found, that refuses the
//! connection or does not answer in time is a warning at every place it is used; a
//! permanent redirect to a working page is a note. Results are kept for a day in the
//! site's cache folder (see [`cache`]). Nothing here prints.

pub mod cache;

use crate::diagnostics::Diagnostic;
use crate::model::ExternalLink;
use crate::progress::Progress;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};
use url::Url;

/// How klaster introduces itself to the servers it asks.
pub const USER_AGENT: &str = concat!("klaster/", env!("CARGO_PKG_VERSION"), " link checker");

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;

pub struct Options {
    /// The site folder: files are quoted from it and the cache lives in it.
    pub root: PathBuf,
    /// How long one request may take, from connecting to the answer.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests in flight to one host at once.
    pub per_host: usize,
    /// How long a result is reused.
    pub max_age: Duration,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Options {
        Options {
            root: root.into(),
            timeout: Duration::from_secs(10),
            concurrency: 16,
            per_host: 2,
            max_age: Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// What fetching an address found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// A 2xx answer, directly or after temporary redirects.
    Ok,
    /// Permanently redirected (301, 308) to `to`, which works.
    Moved { to: String },
    /// A 4xx or 5xx answer; `at` is the address that gave it when redirects led there.
    Status { code: u16, at: Option<String> },
    /// The host name does not exist.
    HostNotFound { host: String },
    /// The server refused the connection.
    Refused,
    /// No answer within the time limit.
    Timeout { millis: u64 },
    /// Anything else (TLS, a broken answer, too many redirects).
    Failed { reason: String },
}

/// The findings of one link check.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Distinct addresses.
    pub urls: usize,
    /// Addresses fetched in this run.
    pub fetched: usize,
    /// Addresses answered from the cache.
    pub cached: usize,
    /// Why the cache could not be written, if it could not.
    pub cache_error: Option<String>,
}

/// Checks every link of `links` (each place an address is used).
pub fn check(links: &[ExternalLink], opts: &Options, progress: Option<&dyn Progress>) -> Report {
    let mut by_url: BTreeMap<String, Vec<&ExternalLink>> = BTreeMap::new();
    for l in links {
        by_url.entry(without_fragment(&l.url)).or_default().push(l);
    }
    let now = unix_now();
    let mut cache = cache::Cache::load(&opts.root);
    let mut outcomes: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut todo = Vec::new();
    for url in by_url.keys() {
        match cache.fresh(url, now, opts.max_age) {
            Some(o) => {
                outcomes.insert(url.clone(), o.clone());
            }
            None => todo.push(url.clone()),
        }
    }
    let mut report = Report {
        urls: by_url.len(),
        fetched: todo.len(),
        cached: by_url.len() - todo.len(),
        ..Report::default()
    };
    if !todo.is_empty() {
        let started = Instant::now();
        if let Some(p) = progress {
            p.stage("links", Some(todo.len()));
        }
        for (url, outcome) in fetch_all(&todo, opts, progress) {
            cache.insert(url.clone(), now, outcome.clone());
            outcomes.insert(url, outcome);
        }
        if let Some(p) = progress {
            p.done("links", started.elapsed());
        }
        if let Err(e) = cache.save(now, opts.max_age) {
            report.cache_error = Some(format!("{}: {e}", cache.path().display()));
        }
    }
    let mut texts: HashMap<String, Option<String>> = HashMap::new();
    for (url, uses) in &by_url {
        let Some(outcome) = outcomes.get(url) else {
            continue;
        };
        for l in uses {
            let Some(d) = diagnostic(l, outcome) else {
                continue;
            };
            let text = texts
                .entry(l.path.clone())
                .or_insert_with(|| std::fs::read_to_string(opts.root.join(&l.path)).ok());
            report.diagnostics.push(match text {
                Some(t) => d.at(t, l.line, l.column),
                None => Diagnostic {
                    line: l.line,
                    column: l.column,
                    ..d
                },
            });
        }
    }
    report
}

/// The message for one use of an address, if there is anything to say.
fn diagnostic(l: &ExternalLink, outcome: &Outcome) -> Option<Diagnostic> {
    let url = &l.url;
    let broken = |msg: String, help: &str| {
        Some(Diagnostic::warning("external-link", l.path.clone(), msg).with_help(help))
    };
    match outcome {
        Outcome::Ok => None,
        Outcome::Moved { to } => {
            // Keep the #fragment the content gave, unless the new address has its own.
            let to = match l.url.split_once('#') {
                Some((_, frag)) if !to.contains('#') => format!("{to}#{frag}"),
                _ => to.clone(),
            };
            Some(
                Diagnostic::note(
                    "moved-link",
                    l.path.clone(),
                    format!("`{url}` has moved permanently to `{to}`"),
                )
                .with_help(format!("write the new address: {to}")),
            )
        }
        Outcome::Status { code, at } => {
            let reason = ureq::http::StatusCode::from_u16(*code)
                .ok()
                .and_then(|s| s.canonical_reason())
                .map(|r| format!(" {r}"))
                .unwrap_or_default();
            let after = match at {
                Some(at) => format!(" (at `{at}`, where it redirects)"),
                None => String::new(),
            };
            broken(
                format!("the link `{url}` is broken: the server answered {code}{reason}{after}"),
                "open the address in a browser, then correct the link or remove it",
            )
        }
        Outcome::HostNotFound { host } => broken(
            format!("the link `{url}` is broken: there is no host `{host}`"),
            "check the spelling of the address; the site may no longer exist",
        ),
        Outcome::Refused => broken(
            format!("the link `{url}` is broken: its server refused the connection"),
            "the site may be down; open the address in a browser to see",
        ),
        Outcome::Timeout { millis } => broken(
            format!(
                "the link `{url}` did not answer within {}",
                seconds(*millis)
            ),
            "the site may be down or slow; open the address in a browser to see",
        ),
        Outcome::Failed { reason } => broken(
            format!("the link `{url}` could not be checked: {reason}"),
            "open the address in a browser, then correct the link or remove it",
        ),
    }
}

fn seconds(millis: u64) -> String {
    if millis.is_multiple_of(1000) {
        format!("{} s", millis / 1000)
    } else {
        format!("{:.1} s", millis as f64 / 1000.0)
    }
}

fn without_fragment(url: &str) -> String {
    url.split_once('#').map_or(url, |(u, _)| u).to_string()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The host (and port) an address is limited by.
fn host_key(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) => format!(
            "{}:{}",
            u.host_str().unwrap_or_default().to_ascii_lowercase(),
            u.port_or_known_default().unwrap_or(0)
        ),
        Err(_) => url.to_string(),
    }
}

/// Hands out addresses to the workers, never more than `per_host` of one host at once.
struct Queue {
    state: Mutex<(VecDeque<usize>, HashMap<String, usize>)>,
    freed: Condvar,
    hosts: Vec<String>,
    per_host: usize,
}

impl Queue {
    fn next(&self) -> Option<usize> {
        let mut guard = self.state.lock().ok()?;
        loop {
            let (pending, busy) = &mut *guard;
            if pending.is_empty() {
                return None;
            }
            let free = pending
                .iter()
                .position(|&i| busy.get(&self.hosts[i]).copied().unwrap_or(0) < self.per_host);
            if let Some(pos) = free {
                let i = pending.remove(pos)?;
                *busy.entry(self.hosts[i].clone()).or_default() += 1;
                return Some(i);
            }
            guard = self.freed.wait(guard).ok()?;
        }
    }

    fn done(&self, i: usize) {
        if let Ok(mut guard) = self.state.lock()
            && let Some(n) = guard.1.get_mut(&self.hosts[i])
        {
            *n = n.saturating_sub(1);
        }
        self.freed.notify_all();
    }
}

fn fetch_all(
    urls: &[String],
    opts: &Options,
    progress: Option<&dyn Progress>,
) -> Vec<(String, Outcome)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(USER_AGENT)
        .build()
        .into();
    let queue = Queue {
        state: Mutex::new(((0..urls.len()).collect(), HashMap::new())),
        freed: Condvar::new(),
        hosts: urls.iter().map(|u| host_key(u)).collect(),
        per_host: opts.per_host.max(1),
    };
    let results: Mutex<Vec<(String, Outcome)>> = Mutex::new(Vec::with_capacity(urls.len()));
    let workers = opts.concurrency.clamp(1, urls.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some(i) = queue.next() {
                    let outcome = fetch(&agent, &urls[i], opts.timeout);
                    queue.done(i);
                    if let Ok(mut r) = results.lock() {
                        r.push((urls[i].clone(), outcome));
                    }
                    if let Some(p) = progress {
                        p.step();
                    }
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

/// Fetches one address, following redirects by hand.
fn fetch(agent: &ureq::Agent, url: &str, timeout: Duration) -> Outcome {
    let mut current = match Url::parse(url) {
        Ok(u) => u,
        Err(e) => {
            return Outcome::Failed {
                reason: format!("it is not a valid address ({e})"),
            };
        }
    };
    let mut get = false;
    let mut moved: Option<String> = None;
    let mut permanent_so_far = true;
    let mut hops = 0;
    loop {
        let response = if get {
            agent.get(current.as_str()).call()
        } else {
            agent.head(current.as_str()).call()
        };
        let response = match response {
            Ok(r) => r,
            Err(e) => return error_outcome(&e, &current, timeout),
        };
        let code = response.status().as_u16();
        if !get && (code == 405 || code == 501) {
            // The server does not answer HEAD: ask again with GET.
            get = true;
            continue;
        }
        if (300..400).contains(&code) && code != 304 {
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok());
            let Some(location) = location else {
                return Outcome::Ok;
            };
            let next = match current.join(location) {
                Ok(mut n) if matches!(n.scheme(), "http" | "https") => {
                    n.set_fragment(None);
                    n
                }
                _ => {
                    return Outcome::Failed {
                        reason: format!("it redirects to `{location}`, which is not a web address"),
                    };
                }
            };
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Outcome::Failed {
                    reason: format!("it redirects more than {MAX_REDIRECTS} times"),
                };
            }
            if permanent_so_far && (code == 301 || code == 308) {
                moved = Some(next.to_string());
            } else {
                permanent_so_far = false;
            }
            current = next;
            continue;
        }
        if code < 400 {
            return match moved {
                Some(to) => Outcome::Moved { to },
                None => Outcome::Ok,
            };
        }
        return Outcome::Status {
            code,
            at: (hops > 0).then(|| current.to_string()),
        };
    }
}

/// What a failed request means for the link.
fn error_outcome(e: &ureq::Error, url: &Url, timeout: Duration) -> Outcome {
    let host = url.host_str().unwrap_or_default().to_string();
    let timed_out = Outcome::Timeout {
        millis: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
    };
    match e {
        ureq::Error::HostNotFound => Outcome::HostNotFound { host },
        ureq::Error::Timeout(_) => timed_out,
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => Outcome::Refused,
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => timed_out,
            // The system resolver's "failed to lookup address information".
            _ if io.to_string().contains("lookup address") => Outcome::HostNotFound { host },
            _ => Outcome::Failed {
                reason: io.to_string(),
            },
        },
        ureq::Error::TooManyRedirects => Outcome::Failed {
            reason: format!("it redirects more than {MAX_REDIRECTS} times"),
        },
        ureq::Error::Tls(m) => Outcome::Failed {
            reason: format!("a secure connection failed ({m})"),
        },
        ureq::Error::Rustls(e) => Outcome::Failed {
            reason: format!("a secure connection failed ({e})"),
        },
        other => Outcome::Failed {
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://gone.invalid/page").unwrap()
    }

    #[test]
    fn failed_requests_become_outcomes() {
        let t = Duration::from_millis(2500);
        assert_eq!(
            error_outcome(&ureq::Error::HostNotFound, &url(), t),
            Outcome::HostNotFound {
                host: "gone.invalid".into()
            }
        );
        // The system resolver reports a missing name as an I/O error.
        let dns = std::io::Error::other(
            "failed to lookup address information: Name or service not known",
        );
        assert_eq!(
            error_outcome(&ureq::Error::Io(dns), &url(), t),
            Outcome::HostNotFound {
                host: "gone.invalid".into()
            }
        );
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(
            error_outcome(&ureq::Error::Io(refused), &url(), t),
            Outcome::Refused
        );
        let slow = std::io::Error::from(std::io::ErrorKind::TimedOut);
        assert_eq!(
            error_outcome(&ureq::Error::Io(slow), &url(), t),
            Outcome::Timeout { millis: 2500 }
        );
    }

    #[test]
    fn messages_name_the_address_and_what_happened() {
        let l = ExternalLink {
            url: "https://gone.invalid/page#part".into(),
            path: "content/partners/a.yaml".into(),
            line: 3,
            column: 10,
        };
        let host = Outcome::HostNotFound {
            host: "gone.invalid".into(),
        };
        let d = diagnostic(&l, &host).unwrap();
        assert_eq!(d.severity, crate::diagnostics::Severity::Warning);
        assert_eq!(
            d.message,
            "the link `https://gone.invalid/page#part` is broken: there is no host `gone.invalid`"
        );
        let moved = Outcome::Moved {
            to: "https://new.invalid/page".into(),
        };
        let d = diagnostic(&l, &moved).unwrap();
        assert_eq!(d.severity, crate::diagnostics::Severity::Note);
        assert!(
            d.message
                .ends_with("moved permanently to `https://new.invalid/page#part`"),
            "{}",
            d.message
        );
        let d = diagnostic(&l, &Outcome::Timeout { millis: 1500 }).unwrap();
        assert!(d.message.ends_with("within 1.5 s"), "{}", d.message);
        assert!(diagnostic(&l, &Outcome::Ok).is_none());
    }

    #[test]
    fn hosts_are_told_apart_by_name_and_port() {
        assert_eq!(host_key("https://A.test/x"), "a.test:443");
        assert_eq!(host_key("http://a.test:8080/"), "a.test:8080");
        assert_eq!(without_fragment("https://a.test/x#y"), "https://a.test/x");
    }
}
