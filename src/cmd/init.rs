//! `klaster init <dir>`: a new site.

use super::USAGE;
use std::path::PathBuf;

pub struct Args {
    pub dir: PathBuf,
}

pub fn run(args: Args) -> u8 {
    let _ = &args.dir;
    eprintln!("error: `klaster init` is not available in this version yet");
    USAGE
}
