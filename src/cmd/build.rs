//! `klaster build`: the whole site into the output folder, or nothing at all.

use super::{CONTENT_ERRORS, OK, USAGE, print_diagnostics, summary_counts};
use klaster::pipeline::{self, Options};
use klaster::write;
use std::path::PathBuf;
use std::time::Instant;

pub struct Args {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub date: Option<String>,
    /// Write `.gz` and `.br` copies of text files too (`--precompress`).
    pub precompress: bool,
}

pub fn run(args: Args) -> u8 {
    let started = Instant::now();
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| pipeline::default_output(&args.root));
    if let Err(msg) = write::check_output(&args.root, &output) {
        eprintln!(
            "error: {msg}\n  help: choose another folder with --output, e.g. --output output"
        );
        return USAGE;
    }
    if let Err(code) = super::require_site(&args.root) {
        return code;
    }
    // A build killed while it swapped folders may have left the old site aside.
    if let Err(e) = write::repair(&output) {
        eprintln!("error: cannot tidy up beside `{}`: {e}", output.display());
        return USAGE;
    }
    if let Some(url) = &args.base_url
        && let Err((msg, help)) = klaster::resolve::values::url(url)
    {
        eprintln!("error: --base-url: {msg}\n  help: {help}");
        return USAGE;
    }
    let date = match super::build_date(args.date.as_deref()) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let opts = Options {
        root: args.root.clone(),
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        date,
        progress: Some(super::progress::for_stderr()),
        cache: None,
        pictures: None,
    };
    // Files stream into a temporary folder beside the output as they are rendered;
    // it replaces the output only if everything succeeded, and is removed otherwise.
    let staging = match write::Staging::begin(&output) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: cannot prepare `{}`: {e}\n  the previous output was left as it was",
                output.display()
            );
            return USAGE;
        }
    };
    let compressing = klaster::precompress::Precompress::new(&staging);
    let sink: &dyn klaster::output::Sink = if args.precompress {
        &compressing
    } else {
        &staging
    };
    let mut outcome = pipeline::run(&opts, sink);
    // The process ends after this command: freeing the model's many small allocations
    // one by one would only delay the exit (tens of milliseconds on large sites).
    std::mem::forget(outcome.site.take());
    print_diagnostics(&outcome.diagnostics);
    if outcome.has_errors() {
        eprintln!(
            "build failed: {}; `{}` was left as it was",
            summary_counts(&outcome.diagnostics),
            output.display()
        );
        return CONTENT_ERRORS;
    }
    if let Some(e) = &outcome.output_error {
        eprintln!(
            "error: cannot write `{}`: {e}\n  the previous output was left as it was",
            output.display()
        );
        return USAGE;
    }
    let compressed = if args.precompress {
        format!(" and {} compressed copies", compressing.copies())
    } else {
        String::new()
    };
    match staging.commit_keeping_previous() {
        // Removed after this process ends: a second build takes no longer than the first.
        Ok(Some(previous)) => super::previous::remove_later(previous),
        Ok(None) => {}
        Err(e) => {
            eprintln!(
                "error: cannot write `{}`: {e}\n  the previous output was left as it was",
                output.display()
            );
            return USAGE;
        }
    }
    let pages: Vec<String> = outcome
        .stats
        .pages
        .iter()
        .map(|(l, n)| format!("{n} {l}"))
        .collect();
    eprintln!(
        "built {} pages ({}, the language chooser and 404), {} files in all{compressed}, into {} in {} ms; {}",
        outcome.stats.pages.iter().map(|(_, n)| n).sum::<usize>() + 2,
        pages.join(", "),
        outcome.stats.files,
        output.display(),
        started.elapsed().as_millis(),
        summary_counts(&outcome.diagnostics)
    );
    OK
}
