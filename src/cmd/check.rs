//! `klaster check`: validate everything, write nothing.

use super::{CONTENT_ERRORS, OK, print_diagnostics, summary_counts};
use klaster::diagnostics::{self, Severity};
use klaster::pipeline::{self, Options};
use klaster::report;
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
    pub drafts: bool,
}

pub fn run(args: Args) -> u8 {
    if let Err(code) = super::require_site(&args.root) {
        return code;
    }
    let date = match super::build_date(None) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let outcome = pipeline::run(&Options {
        root: args.root.clone(),
        base_url: None,
        drafts: args.drafts,
        date,
        progress: None,
        cache: None,
    });
    let errors = diagnostics::count(&outcome.diagnostics, Severity::Error);
    let warnings = diagnostics::count(&outcome.diagnostics, Severity::Warning);
    let failed = errors > 0 || (args.strict && warnings > 0);
    let report = outcome
        .site
        .as_ref()
        .map(|site| report::translations(site, &outcome.missing_strings));
    match args.format {
        Format::Json => {
            let extra = report
                .as_ref()
                .map(|r| serde_json::json!({ "translations": r }));
            println!("{}", diagnostics::render_json(&outcome.diagnostics, extra));
        }
        Format::Text => {
            print_diagnostics(&outcome.diagnostics);
            if let Some(r) = report.as_ref().filter(|r| r.len() > 1) {
                eprint!("{}", report::render_text(r));
            }
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
