//! `klaster new <collection> <slug>`: scaffold a record.

use super::USAGE;
use std::path::PathBuf;

pub struct Args {
    pub root: PathBuf,
    pub collection: String,
    pub slug: String,
}

pub fn run(args: Args) -> u8 {
    let _ = (&args.root, &args.collection, &args.slug);
    eprintln!("error: `klaster new` is not available in this version yet");
    USAGE
}
