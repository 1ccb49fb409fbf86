//! `klaster translations --mark-done <id> <lang>`: records that a language file now
//! follows the current text of the default language (its `translated_from`).

use super::{CONTENT_ERRORS, OK, USAGE};
use klaster::model::RecordId;
use klaster::resolve;
use std::path::PathBuf;

pub struct Args {
    pub root: PathBuf,
    pub mark_done: Vec<String>,
}

/// Sets `translated_from: <hash>` in the front matter of a language file's text.
pub fn set_translated_from(text: &str, hash: &str) -> Option<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return None;
    }
    let end = lines.iter().skip(1).position(|l| l.trim_end() == "---")? + 1;
    let new_line = format!("translated_from: {hash}");
    match lines[1..end]
        .iter()
        .position(|l| l.starts_with("translated_from:"))
    {
        Some(i) => lines[i + 1] = new_line,
        None => lines.insert(1, new_line),
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    Some(out)
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
    let dir = args.root.join("content").join(id.collection.name());
    let source = dir.join(format!("{}.{default}.md", id.stem));
    let target = dir.join(format!("{}.{lang}.md", id.stem));
    let (Ok(source_text), Ok(target_text)) = (
        std::fs::read_to_string(&source),
        std::fs::read_to_string(&target),
    ) else {
        eprintln!(
            "error: `{id}` needs both content/{0}/{1}.{default}.md and content/{0}/{1}.{lang}.md",
            id.collection.name(),
            id.stem
        );
        return USAGE;
    };
    let hash = resolve::translation_hash(&source_text);
    let Some(updated) = set_translated_from(&target_text, &hash) else {
        eprintln!(
            "error: content/{}/{}.{lang}.md does not begin with front matter (`---`)",
            id.collection.name(),
            id.stem
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

#[cfg(test)]
mod tests {
    use super::set_translated_from;

    #[test]
    fn updates_or_inserts_the_fingerprint() {
        assert_eq!(
            set_translated_from("---\ntitle: A\n---\nBody\n", "abc").unwrap(),
            "---\ntranslated_from: abc\ntitle: A\n---\nBody\n"
        );
        assert_eq!(
            set_translated_from("---\ntranslated_from: old\ntitle: A\n---\n", "new").unwrap(),
            "---\ntranslated_from: new\ntitle: A\n---\n"
        );
        assert!(set_translated_from("title: A\n", "x").is_none());
    }
}
