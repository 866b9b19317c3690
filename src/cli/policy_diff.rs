//! `diff` and `check no-new-access`: what one version of a policy (or folder of policies)
//! allows that another did not.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Serialize;

use policy_sentry::analyze::PolicyDocument;
use policy_sentry::analyze::access_diff::{NewAccess, PolicyDiff, diff, new_access};
use policy_sentry::analyze::lint::statement_positions;
use policy_sentry::error::Error;
use policy_sentry::output::access_diff::{self as render, SarifFile, Side};
use policy_sentry::output::json;

use super::{CliError, Exit};

/// Output formats of the policy comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormatArg {
    /// Grants grouped by service, one per line.
    Text,
    /// JSON.
    Json,
    /// Markdown tables, for a pull-request comment.
    Markdown,
    /// SARIF 2.1.0, for code scanning: one result per grant, at its statement.
    Sarif,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old policy (JSON).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new policy (JSON).
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormatArg::Text)]
    pub fmt: DiffFormatArg,
}

#[derive(Debug, Args)]
pub struct NoNewAccessArgs {
    /// The policies before: a policy file, or a directory of *.json files.
    #[arg(long, value_name = "PATH")]
    pub base: PathBuf,
    /// The policies after: a file, or a directory whose files pair with the base's by
    /// relative path (a file with no pair counts as wholly new).
    #[arg(long, value_name = "PATH")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormatArg::Text)]
    pub fmt: DiffFormatArg,
}

fn io(source: std::io::Error) -> CliError {
    CliError::Library(Error::io("<stdout>", source))
}

/// `diff OLD NEW`: both directions; exit 0.
pub fn run_diff(args: DiffArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let result = diff(&old.policy, &new.policy);
    match args.fmt {
        DiffFormatArg::Sarif => {
            let files = [
                SarifFile {
                    uri: &new.path,
                    positions: &new.positions,
                    grants: &result.added,
                    side: Side::Added,
                },
                SarifFile {
                    uri: &old.path,
                    positions: &old.positions,
                    grants: &result.removed,
                    side: Side::Removed,
                },
            ];
            json::write_pretty(&render::sarif(&files), out).map_err(io)?;
        }
        DiffFormatArg::Json => json::write_pretty(&result, out).map_err(io)?,
        DiffFormatArg::Markdown => {
            render::write_markdown("Added access", &result.added, Side::Added, out).map_err(io)?;
            render::write_markdown("Removed access", &result.removed, Side::Removed, out)
                .map_err(io)?;
        }
        DiffFormatArg::Text => write_text_diff(&result, out).map_err(io)?,
    }
    Ok(Exit::Ok)
}

fn write_text_diff(result: &PolicyDiff, out: &mut impl Write) -> std::io::Result<()> {
    if result.is_empty() {
        return writeln!(out, "no difference in what the policies allow");
    }
    writeln!(out, "added ({}):", result.added.len())?;
    render::write_text(&result.added, Side::Added, "  ", out)?;
    writeln!(out, "removed ({}):", result.removed.len())?;
    render::write_text(&result.removed, Side::Removed, "  ", out)
}

/// A parsed policy file with its path and where its statements start.
#[derive(Debug)]
struct Loaded {
    policy: PolicyDocument,
    path: String,
    positions: Vec<(usize, usize)>,
}

fn load(path: &Path) -> Result<Loaded, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
    Ok(Loaded {
        policy: PolicyDocument::parse_named(&text, &path.display().to_string())?,
        path: path.display().to_string().replace('\\', "/"),
        positions: statement_positions(&text),
    })
}

/// The policies under a path: a file (named by its file name) or a directory's *.json files
/// (named relative to it), parsed.
fn policies(path: &Path) -> Result<BTreeMap<String, Loaded>, CliError> {
    let mut found = BTreeMap::new();
    if path.is_dir() {
        let files = super::json_files::json_files(path, path)?;
        for warning in &files.warnings {
            eprintln!("warning: {warning}");
        }
        for (name, file) in files.files {
            found.insert(name, load(&file)?);
        }
    } else {
        let name = path.file_name().unwrap_or(path.as_os_str());
        found.insert(name.to_string_lossy().into_owned(), load(path)?);
    }
    Ok(found)
}

/// One file's result, for the JSON output.
#[derive(Debug, Serialize)]
struct FileResult {
    file: String,
    /// `changed`, `added` (no base file) or `removed` (no new file).
    status: &'static str,
    new_access: Vec<NewAccess>,
}

/// `check no-new-access`: exit 1 when the new policies allow anything the base did not.
pub fn run_no_new_access(args: NoNewAccessArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let base = policies(&args.base)?;
    let new = match (args.base.is_dir(), args.new.is_dir()) {
        (true, true) | (false, false) => policies(&args.new)?,
        _ => {
            return Err(CliError::Usage(format!(
                "--base {} and --new {} must both be files or both directories",
                args.base.display(),
                args.new.display()
            )));
        }
    };
    let pair_files = args.base.is_dir();
    let empty = PolicyDocument {
        version: None,
        id: None,
        statements: Vec::new(),
    };
    let mut results = Vec::new();
    let names: Vec<&String> = if pair_files {
        let mut all: Vec<&String> = base.keys().chain(new.keys()).collect();
        all.sort();
        all.dedup();
        all
    } else {
        new.keys().collect()
    };
    for name in names {
        let before = if pair_files {
            base.get(name)
        } else {
            base.values().next()
        };
        let (status, found) = match (before, new.get(name)) {
            (Some(before), Some(after)) => ("changed", new_access(&before.policy, &after.policy)),
            (None, Some(after)) => ("added", new_access(&empty, &after.policy)),
            (Some(_), None) => ("removed", Vec::new()),
            (None, None) => continue,
        };
        results.push(FileResult {
            file: name.clone(),
            status,
            new_access: found,
        });
    }
    let granting = results.iter().filter(|r| !r.new_access.is_empty()).count();
    match args.fmt {
        DiffFormatArg::Sarif => {
            let files: Vec<SarifFile> = results
                .iter()
                .filter_map(|result| {
                    let loaded = new.get(&result.file)?;
                    Some(SarifFile {
                        uri: &loaded.path,
                        positions: &loaded.positions,
                        grants: &result.new_access,
                        side: Side::Added,
                    })
                })
                .collect();
            json::write_pretty(&render::sarif(&files), out).map_err(io)?;
        }
        DiffFormatArg::Json => json::write_pretty(&results, out).map_err(io)?,
        DiffFormatArg::Markdown => {
            for result in &results {
                let heading = format!("{} ({})", result.file, result.status);
                render::write_markdown(&heading, &result.new_access, Side::Added, out)
                    .map_err(io)?;
            }
        }
        DiffFormatArg::Text => {
            for result in &results {
                match result.status {
                    "removed" => writeln!(out, "{}: removed", result.file),
                    _ if result.new_access.is_empty() => {
                        writeln!(out, "{}: no new access", result.file)
                    }
                    status => writeln!(
                        out,
                        "{} ({status}): {} new or possibly new grants",
                        result.file,
                        result.new_access.len()
                    )
                    .and_then(|_| render::write_text(&result.new_access, Side::Added, "  ", out)),
                }
                .map_err(io)?;
            }
            match granting {
                0 => writeln!(out, "no new access"),
                n => writeln!(out, "new access in {n} of {} policies", results.len()),
            }
            .map_err(io)?;
        }
    }
    Ok(if granting > 0 {
        Exit::Findings
    } else {
        Exit::Ok
    })
}
