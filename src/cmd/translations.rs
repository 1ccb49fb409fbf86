//! `klaster translations --mark-done <id> <lang>`.

use super::USAGE;
use std::path::PathBuf;

pub struct Args {
    pub root: PathBuf,
    pub mark_done: Vec<String>,
}

pub fn run(args: Args) -> u8 {
    let _ = (&args.root, &args.mark_done);
    eprintln!("error: `klaster translations` is not available in this version yet");
    USAGE
}
