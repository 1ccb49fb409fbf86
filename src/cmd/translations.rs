//! `klaster translations --mark-done <id> <lang>`: records that a language file now
//! follows the current text of the default language (its `translated_from`).

use super::{CONTENT_ERRORS, OK, USAGE};
use klaster::model::RecordId;
use klaster::resolve;
use std::path::{Path, PathBuf};

pub struct Args {
    pub root: PathBuf,
    pub mark_done: Vec<String>,
}

/// Sets `translated_from: "<hash>"` in a language file's text: in the front matter of a
/// Markdown file, or among the top-level fields of a YAML file. Quoted, so that YAML
/// never reads the fingerprint as a number.
pub fn set_translated_from(text: &str, hash: &str, markdown: bool) -> Option<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let new_line = format!("translated_from: \"{hash}\"");
    let (start, end) = if markdown {
        if lines.first().map(|l| l.trim_end()) != Some("---") {
            return None;
        }
        (
            1,
            lines.iter().skip(1).position(|l| l.trim_end() == "---")? + 1,
        )
    } else {
        (0, lines.len())
    };
    match lines[start..end]
        .iter()
        .position(|l| l.starts_with("translated_from:"))
    {
        Some(i) => lines[start + i] = new_line,
        None => lines.insert(start, new_line),
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') || !markdown {
        out.push('\n');
    }
    Some(out)
}

/// The file of record `stem` in `lang` anywhere under `dir` (`.md`, `.yaml` or `.yml`).
fn find_language_file(dir: &Path, stem: &str, lang: &str) -> Option<PathBuf> {
    let names = [
        format!("{stem}.{lang}.md"),
        format!("{stem}.{lang}.yaml"),
        format!("{stem}.{lang}.yml"),
    ];
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .find(|e| {
            e.file_type().is_file()
                && names
                    .iter()
                    .any(|n| e.file_name().to_string_lossy() == n.as_str())
        })
        .map(|e| e.into_path())
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
    let (Some(source), Some(target)) = (
        find_language_file(&dir, &id.stem, &default),
        find_language_file(&dir, &id.stem, lang),
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
    let Some(updated) = set_translated_from(&target_text, &hash, markdown) else {
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

#[cfg(test)]
mod tests {
    use super::set_translated_from;

    #[test]
    fn updates_or_inserts_the_fingerprint_quoted() {
        assert_eq!(
            set_translated_from("---\ntitle: A\n---\nBody\n", "4035e843", true).unwrap(),
            "---\ntranslated_from: \"4035e843\"\ntitle: A\n---\nBody\n"
        );
        assert_eq!(
            set_translated_from("---\ntranslated_from: old\ntitle: A\n---\n", "new", true).unwrap(),
            "---\ntranslated_from: \"new\"\ntitle: A\n---\n"
        );
        assert_eq!(
            set_translated_from("title: A\n", "abc", false).unwrap(),
            "translated_from: \"abc\"\ntitle: A\n"
        );
        assert!(set_translated_from("title: A\n", "x", true).is_none());
    }
}
