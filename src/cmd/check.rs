//! `klaster check`: validate everything, write nothing.

use super::{CONTENT_ERRORS, OK, USAGE, print_diagnostics, summary_counts};
use klaster::diagnostics::{self, Severity};
use klaster::links;
use klaster::pipeline::{self, Options};
use klaster::report;
use std::path::PathBuf;
use std::time::Duration;

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
    /// Fetch every outside address the content uses (`--links`).
    pub links: bool,
    /// The build date as given (`--date`).
    pub date: Option<String>,
}

/// Seconds one link request may take: `KLASTER_LINK_TIMEOUT`, else the default.
fn link_options(root: &std::path::Path) -> Result<links::Options, u8> {
    let mut opts = links::Options::new(root);
    if let Ok(v) = std::env::var("KLASTER_LINK_TIMEOUT") {
        match v.trim().parse::<f64>() {
            Ok(s) if s > 0.0 && s <= 3600.0 => opts.timeout = Duration::from_secs_f64(s),
            _ => {
                eprintln!(
                    "error: KLASTER_LINK_TIMEOUT must be a number of seconds, not `{v}`\n  help: e.g. KLASTER_LINK_TIMEOUT=30"
                );
                return Err(USAGE);
            }
        }
    }
    Ok(opts)
}

pub fn run(args: Args) -> u8 {
    if let Err(code) = super::require_site(&args.root) {
        return code;
    }
    let date = match super::build_date(args.date.as_deref()) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let link_opts = match args.links.then(|| link_options(&args.root)).transpose() {
        Ok(o) => o,
        Err(code) => return code,
    };
    let mut outcome = pipeline::run(
        &Options {
            root: args.root.clone(),
            base_url: None,
            drafts: args.drafts,
            date,
            progress: None,
            cache: None,
            pictures: None,
        },
        &klaster::output::Discard,
    );
    let link_report = match (&link_opts, &outcome.site) {
        (Some(opts), Some(site)) => {
            let progress = super::progress::for_stderr();
            let report = links::check(&site.links, opts, Some(progress.as_ref()));
            if let Some(e) = &report.cache_error {
                eprintln!("warning: the link results could not be kept: {e}");
            }
            outcome
                .diagnostics
                .extend(report.diagnostics.iter().cloned());
            diagnostics::normalize(&mut outcome.diagnostics);
            Some(report)
        }
        _ => None,
    };
    let errors = diagnostics::count(&outcome.diagnostics, Severity::Error);
    let warnings = diagnostics::count(&outcome.diagnostics, Severity::Warning);
    let failed = errors > 0 || (args.strict && warnings > 0);
    let report = outcome
        .site
        .as_ref()
        .map(|site| report::translations(site, &site.theme.missing_strings));
    match args.format {
        Format::Json => {
            let mut extra = serde_json::Map::new();
            if let Some(r) = &report {
                extra.insert("translations".into(), serde_json::json!(r));
            }
            if let Some(l) = &link_report {
                extra.insert(
                    "links".into(),
                    serde_json::json!({
                        "addresses": l.urls,
                        "fetched": l.fetched,
                        "cached": l.cached,
                    }),
                );
            }
            let extra = (!extra.is_empty()).then_some(serde_json::Value::Object(extra));
            println!("{}", diagnostics::render_json(&outcome.diagnostics, extra));
        }
        Format::Text => {
            print_diagnostics(&outcome.diagnostics);
            if let Some(r) = report.as_ref().filter(|r| r.len() > 1) {
                eprint!("{}", report::render_text(r));
            }
            if let Some(l) = &link_report {
                eprintln!(
                    "checked {} outside {}: {} fetched, {} from the results of the last day in {}/",
                    l.urls,
                    if l.urls == 1 { "address" } else { "addresses" },
                    l.fetched,
                    l.cached,
                    links::cache::DIR
                );
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
