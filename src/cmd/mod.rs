//! The commands. Only this layer prints; everything below returns data.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod previous;
pub mod progress;
pub mod serve;
pub mod strings;
pub mod translations;

use klaster::diagnostics::{self, Diagnostic};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit codes (docs/cli.md, "Exit codes").
pub const OK: u8 = 0;
pub const CONTENT_ERRORS: u8 = 1;
pub const USAGE: u8 = 2;

pub fn exit(code: u8) -> ExitCode {
    ExitCode::from(code)
}

/// The site root: `--root`, else the current folder.
pub fn site_root(root: Option<&Path>) -> PathBuf {
    root.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Checks that `root` is a site; prints the problem and returns the exit code if not.
pub fn require_site(root: &Path) -> Result<(), u8> {
    if root.join("content").is_dir() {
        return Ok(());
    }
    eprintln!(
        "error: `{}` has no content/ folder\n  help: run klaster inside a site, give --root DIR, or create a site with `klaster init DIR`",
        root.display()
    );
    Err(USAGE)
}

/// The build date (`--date`, SOURCE_DATE_EPOCH or today); prints the problem if invalid.
pub fn build_date(arg: Option<&str>) -> Result<jiff::civil::Date, u8> {
    klaster::pipeline::build_date(arg).map_err(|msg| {
        eprintln!("error: {msg}");
        USAGE
    })
}

/// Prints diagnostics to standard error, coloured on a terminal.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    if diags.is_empty() {
        return;
    }
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", diagnostics::render_text(diags, color));
}

pub fn summary_counts(diags: &[Diagnostic]) -> String {
    let e = diagnostics::count(diags, diagnostics::Severity::Error);
    let w = diagnostics::count(diags, diagnostics::Severity::Warning);
    let n = diagnostics::count(diags, diagnostics::Severity::Note);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let notes = if n > 0 {
        format!(", {}", plural(n, "note"))
    } else {
        String::new()
    };
    format!("{}, {}{notes}", plural(e, "error"), plural(w, "warning"))
}
