//! The `*.json` files under a directory, for `analyze policy-dir`, `analyze
//! downloaded-policies`, `lint`, the checks and `diff`: links are followed, but a link back to a directory being walked
//! (`a -> .`, `up -> ..`) and anything that is not a regular file (a FIFO would block the
//! read) are skipped with a warning, and a file reached by two paths is analysed once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use policy_sentry::error::Error;

/// The files found, in name order (depth first), each named by its path relative to `base`,
/// and warnings about what was skipped.
#[derive(Debug, Default)]
pub struct JsonFiles {
    pub files: Vec<(String, PathBuf)>,
    pub warnings: Vec<String>,
}

fn name(path: &Path, base: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

/// Walks `dir`; an error that is not a link loop (an unreadable directory, a dangling link)
/// ends the walk.
pub fn json_files(dir: &Path, base: &Path) -> Result<JsonFiles, Error> {
    let mut found = JsonFiles::default();
    // The first name each real file was found under.
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let entries = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(true)
        .sort_by_file_name();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(dir).to_owned();
                if let Some(ancestor) = error.loop_ancestor() {
                    found.warnings.push(format!(
                        "{}: a link back to {}, skipped",
                        name(&path, base),
                        ancestor.display()
                    ));
                    continue;
                }
                let source = error
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("cannot walk the directory"));
                return Err(Error::io(&path, source));
            }
        };
        let path = entry.path();
        let is_json = path
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("json"));
        if !is_json || entry.file_type().is_dir() {
            continue;
        }
        if !entry.file_type().is_file() {
            found
                .warnings
                .push(format!("{}: not a regular file, skipped", name(path, base)));
            continue;
        }
        let real = std::fs::canonicalize(path).map_err(|source| Error::io(path, source))?;
        if !seen.insert(real) {
            found.warnings.push(format!(
                "{}: a file already analysed under another name, skipped",
                name(path, base)
            ));
            continue;
        }
        found.files.push((name(path, base), path.to_owned()));
    }
    Ok(found)
}

/// The policy files the command-line paths name: a file as given, a directory's `*.json`
/// files (named by their path), with the walk's warnings on stderr. A directory without any
/// is an error: a check that reads nothing must not pass.
pub fn files_of(paths: &[PathBuf]) -> Result<Vec<(String, PathBuf)>, super::CliError> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push((path.display().to_string(), path.clone()));
            continue;
        }
        let found = json_files(path, Path::new(""))?;
        for warning in &found.warnings {
            eprintln!("warning: {warning}");
        }
        if found.files.is_empty() {
            return Err(super::CliError::Usage(format!(
                "{}: no .json files",
                path.display()
            )));
        }
        files.extend(found.files);
    }
    Ok(files)
}
