//! The commands. Only this layer prints; everything below returns data.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod progress;
pub mod serve;
pub mod translations;

use klaster::diagnostics::{self, Diagnostic};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit codes of SPEC §7.
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
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(e, "error"), plural(w, "warning"))
}
