//! Scrapes AWS "Service Authorization Reference" pages into an owned model and merges pages
//! that share a service prefix, the way policy_sentry 0.12.15 builds its database: one page
//! in [`page`], merging in [`merge`], a whole folder here.
//!
//! Used by `build.rs` (through `#[path]`) and by the library at run time (comparing another
//! pages folder). It does not write code or files: `emit.rs` turns the merged model into Rust.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

pub mod merge;
pub mod page;

// The library's callers name these through `scrape::`; the build script uses only a few.
#[allow(unused_imports)]
pub use merge::{
    AccessLevelOverrides, MergeReport, MergedAction, MergedDatabase, MergedService, PageConflict,
    REFERENCE_BASE_URL, effective_access_level, merge_pages, parse_overrides,
};
#[allow(unused_imports)]
pub use page::{
    ScrapedAction, ScrapedCondition, ScrapedPage, ScrapedResource, ScrapedRow, chomp, scrape_page,
};

/// A page the scraper cannot read, or an override file it cannot apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapeError {
    /// The page (file name) or file concerned.
    pub file: String,
    /// What was missing or malformed.
    pub problem: String,
}

impl fmt::Display for ScrapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.problem)
    }
}

impl std::error::Error for ScrapeError {}

fn page_error(file: &str, problem: impl Into<String>) -> ScrapeError {
    ScrapeError {
        file: file.to_owned(),
        problem: problem.into(),
    }
}

/// Scrapes every `list_*.html` page of a folder, in file-name order, on all cores.
pub fn scrape_pages_in(directory: &Path) -> Result<Vec<ScrapedPage>, ScrapeError> {
    let dir_name = directory.display().to_string();
    let entries = std::fs::read_dir(directory)
        .map_err(|error| page_error(&dir_name, format!("cannot list the folder: {error}")))?;
    let mut files = BTreeMap::new();
    for entry in entries {
        let entry = entry.map_err(|error| page_error(&dir_name, error.to_string()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("list_") && name.ends_with(".html") {
            files.insert(name, entry.path());
        }
    }
    if files.is_empty() {
        return Err(page_error(&dir_name, "no list_*.html pages in this folder"));
    }
    let files: Vec<(String, std::path::PathBuf)> = files.into_iter().collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(files.len());
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(name, path)| {
                            let html = std::fs::read_to_string(path).map_err(|error| {
                                page_error(name, format!("cannot read: {error}"))
                            })?;
                            scrape_page(name, &html)
                        })
                        .collect::<Result<Vec<ScrapedPage>, ScrapeError>>()
                })
            })
            .collect();
        let mut pages = Vec::with_capacity(files.len());
        for worker in workers {
            pages.extend(worker.join().expect("a scraper thread panicked")?);
        }
        Ok(pages)
    })
}

/// Scrapes every `list_*.html` page of a folder and merges them. The overrides file is read
/// from `overrides_file` when given.
pub fn scrape_directory(
    directory: &Path,
    overrides_file: Option<&Path>,
) -> Result<(MergedDatabase, MergeReport), ScrapeError> {
    merge_pages(
        scrape_pages_in(directory)?,
        &read_overrides(overrides_file)?,
    )
}

/// Reads an overrides file; none when no file is given.
pub fn read_overrides(overrides_file: Option<&Path>) -> Result<AccessLevelOverrides, ScrapeError> {
    match overrides_file {
        Some(path) => {
            let file = path.display().to_string();
            let yaml = std::fs::read_to_string(path)
                .map_err(|error| page_error(&file, format!("cannot read: {error}")))?;
            parse_overrides(&file, &yaml)
        }
        None => Ok(AccessLevelOverrides::new()),
    }
}
