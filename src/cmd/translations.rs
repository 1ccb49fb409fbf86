//! `klaster translations --mark-done <id> <lang>`: records that a language file now
//! follows the current text of the default language (its `translated_from`).

use super::{CONTENT_ERRORS, OK, USAGE};
use klaster::load::{self, frontmatter};
use klaster::model::RecordId;
use klaster::resolve;
use std::path::PathBuf;

pub struct Args {
    pub root: PathBuf,
    pub mark_done: Vec<String>,
}

pub fn run(args: Args) -> u8 {
    let [id, lang] = args.mark_done.as_slice() else {
        eprintln!(
            "usage: klaster translations --mark-done <id> <lang>\n  e.g. klaster translations --mark-done partners/tehnopol en"
        );
        return USAGE;
    };
    let Some(id) = RecordId::parse(id) else {
        eprintln!(
            "error: `{id}` is not a record id\n  help: write `<collection>/<slug>`, e.g. `partners/tehnopol`"
        );
        return USAGE;
    };
    let config = match resolve::read_config(&args.root) {
        Ok(c) => c,
        Err(diags) => {
            super::print_diagnostics(&diags);
            return CONTENT_ERRORS;
        }
    };
    let default = config.default_lang().to_string();
    if lang == &default {
        eprintln!("error: `{lang}` is the default language; translations follow it");
        return USAGE;
    }
    let (Some(source), Some(target)) = (
        load::language_file(&args.root, &id, &default),
        load::language_file(&args.root, &id, lang),
    ) else {
        eprintln!(
            "error: `{id}` needs a `{default}` and a `{lang}` file (content/{0}/{1}.{default}.md and content/{0}/{1}.{lang}.md)",
            id.collection.name(),
            id.stem
        );
        return USAGE;
    };
    let (Ok(source_text), Ok(target_text)) = (
        std::fs::read_to_string(&source),
        std::fs::read_to_string(&target),
    ) else {
        eprintln!(
            "error: cannot read {} or {}",
            source.display(),
            target.display()
        );
        return USAGE;
    };
    let hash = resolve::translation_hash(&source_text);
    let markdown = target.extension().is_some_and(|e| e == "md");
    // Quoted, so that YAML never reads the fingerprint as a number.
    let Some(updated) = frontmatter::set_field(
        &target_text,
        "translated_from",
        &format!("\"{hash}\""),
        markdown,
    ) else {
        eprintln!(
            "error: {} does not begin with front matter (`---`)",
            target.display()
        );
        return CONTENT_ERRORS;
    };
    if let Err(e) = std::fs::write(&target, updated) {
        eprintln!("error: cannot write {}: {e}", target.display());
        return USAGE;
    }
    println!("{id} ({lang}) now follows the current {default} text");
    OK
}
