//! `klaster build --precompress` writes `.gz` and `.br` copies beside the text files
//! of the example site; without the flag there are none.

mod common;
use common::*;

use std::io::Read;
use std::path::Path;

fn build(extra: &[&str]) -> (tempfile::TempDir, Run) {
    let out = tempfile::tempdir().expect("temp dir");
    let target = out.path().join("site");
    let mut args = vec![
        "build",
        "--output",
        target.to_str().expect("utf-8 path"),
        "--date",
        "2026-11-22",
        "--base-url",
        "https://org.github.io/site/",
    ];
    args.extend_from_slice(extra);
    let run = klaster(&args, &repo());
    (out, run)
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .expect("valid brotli");
    out
}

#[test]
fn text_files_get_gzip_and_brotli_copies_only_with_the_flag() {
    let (out, run) = build(&["--precompress"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stderr.contains("compressed copies"), "{}", run.stderr);
    let site = out.path().join("site");
    let files = snapshot(&site);
    let mut pages = 0;
    for (rel, bytes) in &files {
        let kind = Path::new(rel)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("");
        if !["html", "css", "js", "xml", "json"].contains(&kind) {
            continue;
        }
        let (gz, br) = (
            files.get(&format!("{rel}.gz")),
            files.get(&format!("{rel}.br")),
        );
        if bytes.len() < 1024 {
            assert!(gz.is_none() && br.is_none(), "{rel} is small: no copies");
            continue;
        }
        let gz = gz.unwrap_or_else(|| panic!("{rel} has no .gz"));
        let br = br.unwrap_or_else(|| panic!("{rel} has no .br"));
        assert_eq!(&gunzip(gz), bytes, "{rel}.gz");
        assert_eq!(&unbrotli(br), bytes, "{rel}.br");
        assert!(gz.len() < bytes.len() && br.len() < bytes.len(), "{rel}");
        if kind == "html" {
            pages += 1;
        }
    }
    // Every page of both languages (the 404 page and the chooser are small).
    assert!(pages >= 34, "{pages} pages compressed");
    for rel in [
        "en/index.html",
        "style.css",
        "sitemap.xml",
        "data/partners.json",
    ] {
        assert!(files.contains_key(&format!("{rel}.br")), "{rel}.br");
    }
    // Images and already compressed files are left alone.
    assert!(
        !files
            .keys()
            .any(|k| k.ends_with(".png.gz") || k.ends_with(".pf_fragment.gz"))
    );

    // The same build twice gives the same bytes.
    let (again, run) = build(&["--precompress"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(snapshot(&again.path().join("site")) == files);

    let (plain, run) = build(&[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let plain = snapshot(&plain.path().join("site"));
    assert!(
        !plain
            .keys()
            .any(|k| k.ends_with(".gz") || k.ends_with(".br")),
        "no copies without --precompress"
    );
    // Apart from the copies the output is the same.
    let originals: std::collections::BTreeMap<_, _> = files
        .into_iter()
        .filter(|(k, _)| !k.ends_with(".gz") && !k.ends_with(".br"))
        .collect();
    assert!(originals == plain);
}
