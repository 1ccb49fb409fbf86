//! `klaster new <collection> <slug>`: a record with every field of its collection, in
//! every language of the site, with comments saying what each field means.

use super::{OK, USAGE};
use klaster::diagnostics::suggestion_help;
use klaster::model::{Collection, is_valid_slug, slugify};
use klaster::{resolve, scaffold};
use std::path::PathBuf;

pub struct Args {
    pub root: PathBuf,
    pub collection: String,
    pub slug: String,
}

pub fn run(args: Args) -> u8 {
    let Some(collection) = Collection::from_name(&args.collection) else {
        let names: Vec<&str> = Collection::ALL.iter().map(|c| c.name()).collect();
        eprintln!(
            "error: `{}` is not a collection\n  help: {}",
            args.collection,
            suggestion_help(&args.collection, &names)
        );
        return USAGE;
    };
    if !is_valid_slug(&args.slug) {
        let suggestion = slugify(&args.slug);
        eprintln!(
            "error: `{}` is not a valid slug\n  help: {}{}",
            args.slug,
            klaster::model::SLUG_RULE,
            if suggestion.is_empty() {
                String::new()
            } else {
                format!("; here: `{suggestion}`")
            }
        );
        return USAGE;
    }
    if collection == Collection::Pages
        && klaster::model::paths::RESERVED_SLUGS.contains(&args.slug.as_str())
    {
        eprintln!(
            "error: a page may not be called `{}`: the site uses that address itself\n  help: choose another slug, e.g. `about-{}`",
            args.slug, args.slug
        );
        return USAGE;
    }
    let config = match resolve::read_config(&args.root) {
        Ok(c) => c,
        Err(diags) => {
            super::print_diagnostics(&diags);
            if diags.is_empty() {
                eprintln!("error: cannot read content/site.yaml");
            }
            eprintln!(
                "  help: run `klaster new` inside a site (or give --root); fix content/site.yaml first"
            );
            return USAGE;
        }
    };
    let dir = args.root.join("content").join(collection.name());
    if klaster::load::record_stems(&args.root, collection).contains(&args.slug) {
        eprintln!(
            "error: `{}/{}` already exists; nothing was written\n  help: choose another slug, or edit the files in content/{}/",
            collection.name(),
            args.slug,
            collection.name()
        );
        return USAGE;
    }
    let today = match super::build_date(None) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let cx = scaffold::Context {
        config: &config,
        partners: klaster::load::record_stems(&args.root, Collection::Partners),
        people: klaster::load::record_stems(&args.root, Collection::People),
        today,
        example: false,
    };
    let files = scaffold::record(collection, &args.slug, &cx);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return USAGE;
    }
    for f in &files {
        let path = args.root.join(&f.path);
        // create_new: never overwrite, even if a file appeared meanwhile.
        let result = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut file| std::io::Write::write_all(&mut file, f.text.as_bytes()));
        if let Err(e) = result {
            eprintln!("error: cannot write {}: {e}", f.path);
            return USAGE;
        }
        println!("created {}", f.path);
    }
    eprintln!(
        "Fill in the fields, then preview with `klaster serve` or check with `klaster check`."
    );
    OK
}
