//! `klaster strings <lang>`: writes `content/i18n/<lang>.yaml` with every interface
//! text of the site's theme, to translate (the English text beside each as a comment).

use super::{OK, USAGE};
use klaster::model::is_language_tag;
use klaster::scaffold;
use std::path::PathBuf;

pub struct Args {
    pub root: PathBuf,
    pub lang: String,
}

pub fn run(args: Args) -> u8 {
    if !is_language_tag(&args.lang) {
        eprintln!(
            "error: `{}` is not a language code\n  help: use a BCP 47 code such as `sv`, `de` or `pt-BR`",
            args.lang
        );
        return USAGE;
    }
    let (_, theme, diags) = klaster::load::load_settings(&args.root);
    let Some(theme) = theme else {
        super::print_diagnostics(&diags);
        eprintln!(
            "error: cannot read the site's theme\n  help: run `klaster strings` inside a site (or give --root)"
        );
        return USAGE;
    };
    let file = scaffold::strings_file(&theme, &args.lang);
    let path = args.root.join(&file.path);
    if path.exists() {
        eprintln!(
            "error: {} already exists; nothing was written\n  help: edit it, or move it away to start again",
            file.path
        );
        return USAGE;
    }
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&path, &file.text));
    if let Err(e) = written {
        eprintln!("error: cannot write {}: {e}", file.path);
        return USAGE;
    }
    let keys = file.text.lines().filter(|l| !l.starts_with('#')).count();
    println!(
        "created {} with {keys} texts to translate into `{}`",
        file.path, args.lang
    );
    OK
}
