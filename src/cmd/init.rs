//! `klaster init <dir>`: a new site that builds at once with the default theme.

use super::{OK, USAGE};
use std::path::PathBuf;

pub struct Args {
    pub dir: PathBuf,
    pub languages: String,
}

pub fn run(args: Args) -> u8 {
    if args.dir.exists() {
        let empty = std::fs::read_dir(&args.dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            eprintln!(
                "error: `{}` is not empty; nothing was written\n  help: give a new or empty folder: `klaster init my-site`",
                args.dir.display()
            );
            return USAGE;
        }
    }
    let languages: Vec<String> = args
        .languages
        .split(',')
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if languages.is_empty() {
        eprintln!("error: --languages needs at least one language code, e.g. `et,en`");
        return USAGE;
    }
    if let Some((_, twice)) = languages
        .iter()
        .enumerate()
        .find(|(i, l)| languages[..*i].contains(l))
    {
        eprintln!(
            "error: `{twice}` is in --languages twice\n  help: name each language once, e.g. `--languages {}`",
            languages
                .iter()
                .enumerate()
                .filter(|(j, l)| !languages[..*j].contains(l))
                .map(|(_, l)| l.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        return USAGE;
    }
    let today = match super::build_date(None) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let mut files = klaster::scaffold::site(&languages, today);
    if files.len() < 4 {
        eprintln!(
            "error: `{}` are not valid language codes (use BCP 47 codes like `et`, `en`, `fi`)",
            args.languages
        );
        return USAGE;
    }
    // Languages the default theme has no interface texts for get a file to translate.
    if let (Some(theme), _) = klaster::load::theme::load(&args.dir, "default") {
        for lang in klaster::scaffold::languages_without_strings(&theme, &languages) {
            files.push(klaster::scaffold::strings_file(&theme, lang));
        }
    }
    for f in &files {
        let path = args.dir.join(&f.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(&path, &f.text));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return USAGE;
        }
    }
    println!(
        "created a new site in {} ({} files)",
        args.dir.display(),
        files.len()
    );
    println!("next: cd {} && klaster serve", args.dir.display());
    OK
}
