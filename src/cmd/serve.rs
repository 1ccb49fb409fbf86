//! `klaster serve`: preview with live reload. The server lives in `klaster::serve`;
//! this layer checks the arguments, prints what happens and opens the browser.

use super::{OK, USAGE, print_diagnostics, summary_counts};
use klaster::diagnostics::{Diagnostic, Severity};
use klaster::serve::{Notice, Rebuild, Server, Settings, StartError};
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub struct Args {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
    /// The build date as given (`--date`); without it, each rebuild's own day.
    pub date: Option<String>,
}

pub fn run(args: Args) -> u8 {
    if let Err(code) = super::require_site(&args.root) {
        return code;
    }
    // Checked now, so a bad --date is a usage error before anything is served.
    let date = match super::build_date(args.date.as_deref()) {
        Ok(d) => args.date.as_ref().map(|_| d),
        Err(code) => return code,
    };
    let settings = Settings {
        root: args.root.clone(),
        bind: args.bind.clone(),
        port: args.port,
        drafts: args.drafts,
        date,
    };
    let server = match Server::bind(settings) {
        Ok(s) => s,
        Err(e) => {
            print_start_error(&e, &args);
            return USAGE;
        }
    };
    if !server.addr().ip().is_loopback() {
        eprintln!(
            "warning: serving on {}: other computers on the network can see the preview",
            server.addr()
        );
    }
    let open = args.open;
    let result = server.run(move |notice| match notice {
        Notice::Built(r) => report(&r),
        Notice::Ready { url } => {
            eprintln!("serving {url} (press Ctrl-C to stop); watching content/ and themes/");
            if open {
                open_browser(&url);
            }
        }
        Notice::WatchFailed(msg) => eprintln!("warning: {msg}"),
        Notice::Stopping => eprintln!("stopping"),
        Notice::SearchIndexed(took) => {
            eprintln!("search index updated in {} ms", took.as_millis());
        }
    });
    match result {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            USAGE
        }
    }
}

fn print_start_error(e: &StartError, args: &Args) {
    match e {
        StartError::InUse(addr) => {
            let other = match args.port {
                1111 => 1112,
                p => p.checked_add(1).unwrap_or(1112),
            };
            eprintln!(
                "error: cannot listen on {addr}: the port is already in use (is another `klaster serve` running?)\n  help: stop the other program, or choose another port: `klaster serve --port {other}`"
            );
        }
        StartError::BadAddress(bind) => eprintln!(
            "error: `--bind {bind}` is not an IP address\n  help: use 127.0.0.1 (this computer only, the default) or ::1"
        ),
        StartError::Bind(addr, err) if err.kind() == std::io::ErrorKind::PermissionDenied => {
            eprintln!(
                "error: cannot listen on {addr}: permission denied\n  help: ports below 1024 need special rights; use the default, `--port 1111`"
            )
        }
        StartError::Bind(addr, err) if err.kind() == std::io::ErrorKind::AddrNotAvailable => {
            eprintln!(
                "error: cannot listen on {addr}: this computer has no such address\n  help: use `--bind 127.0.0.1`"
            )
        }
        other => eprintln!("error: {other}"),
    }
}

/// One line per build; the diagnostics in full when they changed.
fn report(r: &Rebuild) {
    if r.diagnostics_changed {
        print_diagnostics(&r.diagnostics);
    }
    let ms = r.elapsed.as_millis();
    let errors = r.errors();
    if errors > 0 {
        let verb = if r.first { "build" } else { "rebuild" };
        let still = if r.pages > 0 {
            "; still serving the last good build, with the errors shown in the browser"
        } else {
            "; the browser shows the errors"
        };
        eprintln!(
            "{verb} failed in {ms} ms: {}{still}",
            summary_counts(&r.diagnostics)
        );
        return;
    }
    let warnings = warnings_note(&r.diagnostics);
    if r.first {
        eprintln!("built {} pages in {ms} ms{warnings}", r.pages);
        return;
    }
    let what = match r.changes {
        Some(c) if c.is_empty() => "nothing changed".to_string(),
        Some(c) => {
            let mut parts = Vec::new();
            if c.pages > 0 {
                parts.push(plural(c.pages, "page"));
            }
            if c.files > 0 {
                parts.push(plural(c.files, "file"));
            }
            format!("{} changed", parts.join(" and "))
        }
        None => "nothing changed".to_string(),
    };
    let fixed = if r.errors_fixed && r.changes.is_some_and(|c| c.is_empty()) {
        " (errors fixed)"
    } else {
        ""
    };
    let search = if r.search_pending {
        "; updating the search index"
    } else {
        ""
    };
    eprintln!("rebuilt in {ms} ms: {what}{fixed}{warnings}{search}");
}

/// "; 2 warnings, 1 note": what the build said besides errors, each kind by its name.
fn warnings_note(diags: &[Diagnostic]) -> String {
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let parts: Vec<String> = [(Severity::Warning, "warning"), (Severity::Note, "note")]
        .into_iter()
        .filter_map(|(s, word)| Some(count(s)).filter(|n| *n > 0).map(|n| plural(n, word)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {}", parts.join(", "))
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Opens `url` in the default browser; a failure is ignored (the URL is printed).
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        Command::new("xdg-open")
    };
    let spawned = cmd
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if let Ok(mut child) = spawned {
        // Reap it in the background so it does not linger as a zombie.
        std::thread::spawn(move || {
            let _ = child.wait();
        });
    }
}
