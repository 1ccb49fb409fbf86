//! The offline full-text search index (Pagefind), built from the rendered pages in
//! memory. Pagefind splits the index by each page's `<html lang>`, so `/et/search/`
//! finds Estonian pages and `/en/search/` English ones, with that language's stemming.

use super::{Content, OutputFile};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// Whether a rendered file is a page visitors should find (not the chooser, 404 or search).
fn indexable(path: &str) -> bool {
    path.ends_with(".html")
        && path.contains('/')
        && !path.contains("/search/")
        && path != "404.html"
}

/// Indexes the pages among `files` and returns the index files under `pagefind/`.
pub fn index(files: &[OutputFile], base_path: &str) -> Result<Vec<OutputFile>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .keep_index_url(false)
            .build();
        let mut index =
            PagefindIndex::new(Some(config)).map_err(|e| format!("search index: {e}"))?;
        let mut pages: Vec<&OutputFile> = files.iter().filter(|f| indexable(&f.path)).collect();
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        for page in pages {
            let Content::Bytes(bytes) = &page.content else {
                continue;
            };
            let url = format!("{base_path}/{}", page.path.trim_end_matches("index.html"));
            index
                .add_html_file(
                    Some(page.path.clone()),
                    Some(url),
                    String::from_utf8_lossy(bytes).into_owned(),
                )
                .await
                .map_err(|e| format!("search index: {}: {e}", page.path))?;
        }
        let out = index
            .get_files()
            .await
            .map_err(|e| format!("search index: {e}"))?;
        let mut files: Vec<OutputFile> = out
            .into_iter()
            .map(|f| OutputFile {
                path: format!(
                    "pagefind/{}",
                    f.filename
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/")
                ),
                content: Content::Bytes(f.contents),
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    })
}
