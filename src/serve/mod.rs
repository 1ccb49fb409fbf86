//! `klaster serve`: build the site into memory, serve it on this computer, rebuild on
//! every change under `content/` and `themes/`, and reload the open tabs.
//!
//! - Every (re)build goes through [`crate::pipeline::run`], like `build` and `check`;
//!   nothing is rendered from raw files here, and nothing is written to disk.
//! - The last good build is kept in memory ([`state::Shared`]). A build with errors
//!   keeps it, and every HTML response then carries an overlay with the errors
//!   ([`inject`]), so a broken edit shows in the browser without a restart.
//! - A rebuild's output is compared with the one served (by path and bytes); open tabs
//!   are told to reload only when something changed, through server-sent events at
//!   [`inject::EVENTS_PATH`].
//! - Requests are answered only from the map of output files ([`http::lookup`]).
//!
//! - Rebuilds go through a render cache ([`crate::render::cache`]): only pages whose
//!   inputs changed are rendered again. A rebuild serves its pages without waiting for
//!   the search index: that is built next, on a thread of its own, and put beside the
//!   pages it was made for ([`state::SearchJob`]); until then the previous index is
//!   served, and tabs are not reloaded for it.
//!
//! - An edit of records that keep their identities is applied to the last build
//!   ([`crate::pipeline::patch`]): only those records are loaded and resolved again.
//!   An edit of the theme's templates or static files is applied too
//!   ([`crate::pipeline::patch_theme`]): only the theme is read again, and only the
//!   pages whose templates use what changed are rendered.
//!
//! Not done yet: a load-level cache (reusing parsed files whose size and modification
//! time did not change) for the other edits (docs/performance.md).

//! This module prints nothing: it reports through the `on_notice` callback of
//! [`Server::run`], and `cmd::serve` decides what the terminal shows.

pub mod http;
pub mod inject;
pub mod state;
pub mod watch;

use crate::pipeline::Options;
use state::{Builder, Shared};
pub use state::{Changes, Rebuild};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

/// What `serve` needs to know.
#[derive(Debug, Clone)]
pub struct Settings {
    pub root: PathBuf,
    /// An IP address, or `localhost`.
    pub bind: String,
    pub port: u16,
    pub drafts: bool,
    /// The build date; `None`: `SOURCE_DATE_EPOCH`, else the day of each rebuild (a
    /// preview left running over midnight shows tomorrow's project status).
    pub date: Option<jiff::civil::Date>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("`{0}` is not an IP address")]
    BadAddress(String),
    #[error("cannot listen on {0}: the port is already in use")]
    InUse(SocketAddr),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("cannot start the server: {0}")]
    Io(#[from] std::io::Error),
}

/// What happens while serving, for the terminal.
#[derive(Debug)]
pub enum Notice {
    /// A build finished: the first one, or one after a change.
    Built(Rebuild),
    /// The server answers at this address (after the first build).
    Ready { url: String },
    /// Changes cannot be followed (the watcher failed); the site is still served.
    WatchFailed(String),
    /// Ctrl-C (or SIGTERM) was received; the server is stopping.
    Stopping,
    /// The search index caught up with the pages served, after a rebuild.
    SearchIndexed(Duration),
}

/// A server bound to its address, not yet serving.
pub struct Server {
    settings: Settings,
    listener: std::net::TcpListener,
    addr: SocketAddr,
}

/// How long open connections get to finish after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

impl Server {
    /// Binds the address. Nothing is built yet, so a port in use is reported at once.
    pub fn bind(settings: Settings) -> Result<Server, StartError> {
        let ip: IpAddr = if settings.bind.eq_ignore_ascii_case("localhost") {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            settings
                .bind
                .parse()
                .map_err(|_| StartError::BadAddress(settings.bind.clone()))?
        };
        let wanted = SocketAddr::new(ip, settings.port);
        let listener = std::net::TcpListener::bind(wanted).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AddrInUse {
                StartError::InUse(wanted)
            } else {
                StartError::Bind(wanted, e)
            }
        })?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        Ok(Server {
            settings,
            listener,
            addr,
        })
    }

    /// The address the server listens on (the real port if 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's URL while served: also its `base_url` for the build.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Builds, serves and rebuilds on changes until Ctrl-C. Reports through
    /// `on_notice`, from this thread and from the rebuild thread.
    pub fn run(self, on_notice: impl Fn(Notice) + Send + Sync + 'static) -> Result<(), StartError> {
        let on_notice: Arc<dyn Fn(Notice) + Send + Sync> = Arc::new(on_notice);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("klaster-serve")
            .build()?;
        let url = self.url();
        let opts = Options {
            root: self.settings.root.clone(),
            base_url: Some(url.clone()),
            drafts: self.settings.drafts,
            date: self.settings.date.unwrap_or_else(|| {
                crate::pipeline::build_date(None).unwrap_or(jiff::civil::Date::MIN)
            }),
            // Rebuilds take milliseconds; the terminal gets one line per rebuild.
            progress: None,
            // Rebuilds render only the pages whose inputs changed.
            cache: Some(Arc::new(crate::render::cache::Cache::new())),
            pictures: Some(Arc::new(crate::images::stage::Memo::default())),
        };
        let shared = Arc::new(Shared::default());
        let mut builder = Builder::new(opts, self.settings.date);

        // Watch first, so that nothing saved during the first build is missed: its
        // events wait in the channel and cause a rebuild right after.
        let (tx, rx) = mpsc::channel();
        let canonical_root =
            std::fs::canonicalize(&self.settings.root).unwrap_or(self.settings.root.clone());
        let filter = watch::Filter::new(
            &canonical_root,
            &crate::pipeline::default_output(&canonical_root),
        );
        let watcher = match watch::Watcher::start(&canonical_root, tx) {
            Ok(w) => Some(w),
            Err(e) => {
                on_notice(Notice::WatchFailed(watch_error(&e, &canonical_root)));
                None
            }
        };

        on_notice(Notice::Built(builder.rebuild(&shared, None)));

        let stop = Arc::new(AtomicBool::new(false));
        let rebuild_thread = {
            let shared = shared.clone();
            let on_notice = on_notice.clone();
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("klaster-rebuild".into())
                .spawn(move || {
                    rebuild_loop(
                        &rx,
                        watcher,
                        &filter,
                        &mut builder,
                        &shared,
                        &on_notice,
                        &stop,
                    )
                })?
        };

        let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
        let result = runtime.block_on(async {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            let app = http::router(
                shared.clone(),
                shutdown_rx.clone(),
                http::Hosts::for_bind(&self.addr),
            );
            on_notice(Notice::Ready {
                url: format!("{url}/"),
            });
            let server = http::serve(listener, app, shutdown_rx.clone());
            let on_notice = on_notice.clone();
            let signal = async move {
                stop_signal().await;
                on_notice(Notice::Stopping);
                let _ = shutdown_tx.send(true);
                // Give connections a moment to finish; then stop anyway.
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            };
            tokio::select! {
                r = server => r,
                () = signal => Ok(()),
            }
        });
        stop.store(true, Ordering::Relaxed);
        let _ = rebuild_thread.join();
        runtime.shutdown_timeout(Duration::from_millis(200));
        result.map_err(StartError::Io)
    }
}

/// Waits for Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    r = tokio::signal::ctrl_c() => {
                        if r.is_err() { std::future::pending::<()>().await }
                    }
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

fn watch_error(e: &notify::Error, root: &Path) -> String {
    let mut msg = format!(
        "cannot watch `{}` for changes: {e}; the site is served but not rebuilt on changes",
        root.display()
    );
    if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
        msg.push_str(" (raise fs.inotify.max_user_watches)");
    }
    msg
}

/// Waits for batches of file events and rebuilds once per batch that matters. Batches
/// that arrive while a rebuild runs are merged into one rebuild after it.
fn rebuild_loop(
    rx: &mpsc::Receiver<notify_debouncer_full::DebounceEventResult>,
    mut watcher: Option<watch::Watcher>,
    filter: &watch::Filter,
    builder: &mut Builder,
    shared: &Arc<Shared>,
    on_notice: &Arc<dyn Fn(Notice) + Send + Sync>,
    stop: &AtomicBool,
) {
    let mut reported_errors = false;
    while !stop.load(Ordering::Relaxed) {
        let first = match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(batch) => batch,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let mut matters = false;
        // The files under `content/` and `themes/` that changed, unless an event was
        // lost: an edit of records, or of the theme's templates, is then applied
        // without a whole build.
        let mut changed: Option<Vec<String>> = Some(Vec::new());
        for batch in std::iter::once(first).chain(rx.try_iter()) {
            match batch {
                Ok(events) => {
                    for e in events
                        .iter()
                        .filter(|e| filter.event_matters(&e.kind, &e.paths))
                    {
                        matters = true;
                        for p in e.paths.iter().filter(|p| filter.path_matters(p)) {
                            match (filter.site_file(p), changed.as_mut()) {
                                (Some(rel), Some(list)) if !list.contains(&rel) => list.push(rel),
                                (Some(_), _) => {}
                                (None, _) => changed = None,
                            }
                        }
                    }
                }
                Err(errors) => {
                    // A lost event (queue overflow) or a watch that went away: rebuild
                    // to be safe, and say so once.
                    matters = true;
                    changed = None;
                    if !reported_errors && let Some(e) = errors.first() {
                        on_notice(Notice::WatchFailed(format!("file watching: {e}")));
                        reported_errors = true;
                    }
                }
            }
        }
        if let Some(w) = watcher.as_mut()
            && let Err(e) = w.watch_themes()
        {
            on_notice(Notice::WatchFailed(format!("cannot watch themes/: {e}")));
        }
        if matters {
            on_notice(Notice::Built(builder.rebuild(shared, changed.as_deref())));
            // The pages are served; the search index follows, on a thread of its own so
            // that the next change is picked up meanwhile (a newer build's index
            // replaces it, an older one is dropped).
            if let Some(job) = builder.take_search() {
                let stop = job.stopper();
                let job_shared = shared.clone();
                let job_notice = on_notice.clone();
                let thread = std::thread::Builder::new()
                    .name("klaster-search".into())
                    .spawn(move || {
                        if let Some(took) = job.run(&job_shared) {
                            job_notice(Notice::SearchIndexed(took));
                        }
                    });
                if let Ok(thread) = thread {
                    builder.searching(thread, stop);
                }
            }
        }
    }
    drop(watcher);
}
