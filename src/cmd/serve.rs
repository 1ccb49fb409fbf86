//! `klaster serve`: preview with live reload.

use super::USAGE;
use std::path::PathBuf;

pub struct Args {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
}

pub fn run(args: Args) -> u8 {
    let _ = (&args.root, &args.bind, args.port, args.open, args.drafts);
    eprintln!(
        "error: `klaster serve` is not available in this version yet; use `klaster build` and open output/index.html"
    );
    USAGE
}
