//! `klaster check`: validate everything, write nothing.

use super::{CONTENT_ERRORS, OK, USAGE, print_diagnostics, summary_counts};
use klaster::diagnostics::{self, Severity};
use klaster::pipeline::{self, Options};
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

pub struct Args {
    pub root: PathBuf,
    pub format: Format,
    pub strict: bool,
}

pub fn run(args: Args) -> u8 {
    if !args.root.join("content").is_dir() {
        eprintln!(
            "error: `{}` has no content/ folder\n  help: run klaster inside a site or give --root DIR",
            args.root.display()
        );
        return USAGE;
    }
    let date = match pipeline::build_date(None) {
        Ok(d) => d,
        Err(msg) => {
            eprintln!("error: {msg}");
            return USAGE;
        }
    };
    let outcome = pipeline::run(&Options {
        root: args.root.clone(),
        base_url: None,
        drafts: false,
        date,
    });
    let errors = diagnostics::count(&outcome.diagnostics, Severity::Error);
    let warnings = diagnostics::count(&outcome.diagnostics, Severity::Warning);
    let failed = errors > 0 || (args.strict && warnings > 0);
    match args.format {
        Format::Json => println!("{}", diagnostics::render_json(&outcome.diagnostics, None)),
        Format::Text => {
            print_diagnostics(&outcome.diagnostics);
            let verdict = if failed {
                "check failed"
            } else {
                "check passed"
            };
            let strict = if args.strict && errors == 0 && warnings > 0 {
                " (--strict fails on warnings)"
            } else {
                ""
            };
            eprintln!(
                "{verdict}: {}{strict}",
                summary_counts(&outcome.diagnostics)
            );
        }
    }
    if failed { CONTENT_ERRORS } else { OK }
}
