//! The config folder (`~/.policy_sentry/` by default) with the example files a user edits:
//! access-level overrides and analysis exclusions. `initialize` creates it.
//!
//! No database is built here: the IAM data is compiled into the binary. A file that differs
//! from what would be written (the user edited it) is never replaced unless asked to.

use std::path::{Path, PathBuf};

use crate::data::overrides::{AccessLevelOverlay, VENDORED, comment_out_unknown_actions};
use crate::data::snapshot;
use crate::error::{Error, Result};
use crate::fs::{FileKind, write_atomically};

/// The overrides file in the config folder.
pub const OVERRIDES_FILE: &str = "access-level-overrides.yml";
/// The analysis exclusions example in the config folder.
pub const EXCLUSIONS_FILE: &str = "exclusions.yml";
/// The folder `initialize --fetch` downloads the AWS pages into, inside the config folder.
pub const DOCS_FOLDER: &str = "aws-docs";

/// The example exclusions: which policies, principals and actions an account audit skips.
pub const EXAMPLE_EXCLUSIONS: &str = "\
# Exclusions for `policy_sentry analyze account --exclusions exclusions.yml`.
# Names match exactly or by a trailing `*`, case-insensitively.

# Policies not to report, e.g. those known to be broad by design.
policies:
  - \"AWSServiceRoleFor*\"
  - \"*ServiceRolePolicy\"
  - \"*ServiceLinkedRolePolicy\"
  - \"AdministratorAccess\"
  - \"service-role*\"
  - \"aws-service-role*\"

# Principals not to report.
roles:
  - \"service-role*\"
  - \"aws-service-role*\"
users:
  - \"\"
groups:
  - \"\"

# Actions to report even though their level is Read or List (data exfiltration).
include-actions:
  - \"s3:GetObject\"
  - \"ssm:GetParameter\"
  - \"ssm:GetParameters\"
  - \"ssm:GetParametersByPath\"
  - \"secretsmanager:GetSecretValue\"

# Actions never to report.
exclude-actions:
  - \"\"
";

/// What `initialize` does.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub config_dir: PathBuf,
    /// An overrides file to install instead of the example (it is checked first).
    pub overrides_source: Option<PathBuf>,
    /// Overwrite files that differ from what would be written.
    pub force: bool,
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileOutcome {
    Created,
    /// It existed with other content and `force` was given.
    Overwritten,
    /// It already had this content.
    Unchanged,
    /// It differs (edited) and `force` was not given; it was left alone.
    Kept,
}

impl FileOutcome {
    /// A verb for messages: `created`, `overwrote`, `unchanged`, `kept`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileOutcome::Created => "created",
            FileOutcome::Overwritten => "overwrote",
            FileOutcome::Unchanged => "unchanged",
            FileOutcome::Kept => "kept (edited; --force overwrites it)",
        }
    }
}

/// One file `initialize` considered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitializedFile {
    pub path: PathBuf,
    pub outcome: FileOutcome,
    /// What the file is for.
    pub description: String,
}

/// The default config folder: `$HOME/.policy_sentry` (`%USERPROFILE%` on Windows).
pub fn default_config_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|home| !home.is_empty())?;
    Some(PathBuf::from(home).join(".policy_sentry"))
}

/// The example overrides: the vendored corrections with a header, and the entries naming
/// actions the embedded data lacks commented out so the file loads as it is.
pub fn example_overrides() -> Result<String> {
    let note = format!(
        "not in the embedded AWS data of {}",
        snapshot::current().date
    );
    let (body, _) = comment_out_unknown_actions(OVERRIDES_FILE, VENDORED, &note)?;
    Ok(format!(
        "\
# Access-level overrides for policy_sentry: {{service: {{level: [action, ...]}}}}.
# Use them with `--access-level-overrides-file <this file>` or the environment variable
# POLICY_SENTRY_ACCESS_OVERRIDES; they change the access level of the actions listed, on top
# of the embedded data (which already applies the corrections below). Levels: Read, Write,
# List, Tagging, Permissions management. Unknown services or actions are errors.
{body}"
    ))
}

/// Creates the config folder and its files.
pub fn initialize(options: &InitOptions) -> Result<Vec<InitializedFile>> {
    let overrides = match &options.overrides_source {
        Some(source) => {
            let text = std::fs::read_to_string(source).map_err(|error| Error::io(source, error))?;
            AccessLevelOverlay::parse(&source.display().to_string(), &text)?;
            text
        }
        None => example_overrides()?,
    };
    let dir = &options.config_dir;
    std::fs::create_dir_all(dir).map_err(|source| Error::io(dir, source))?;
    let overrides_path = dir.join(OVERRIDES_FILE);
    let overrides_outcome = place(&overrides_path, &overrides, options.force)?;
    if overrides_outcome == FileOutcome::Kept && options.overrides_source.is_some() {
        // The user asked for this file; leaving the old one would be a silent failure.
        return Err(Error::WouldOverwrite {
            path: overrides_path,
        });
    }
    let exclusions_path = dir.join(EXCLUSIONS_FILE);
    let exclusions_outcome = place(&exclusions_path, EXAMPLE_EXCLUSIONS, options.force)?;
    Ok(vec![
        InitializedFile {
            path: overrides_path,
            outcome: overrides_outcome,
            description: "access-level overrides".to_owned(),
        },
        InitializedFile {
            path: exclusions_path,
            outcome: exclusions_outcome,
            description: "analysis exclusions example".to_owned(),
        },
    ])
}

/// Writes `content` to `path` unless it is there already or differs without `force`.
fn place(path: &Path, content: &str, force: bool) -> Result<FileOutcome> {
    let outcome = match std::fs::read(path) {
        Ok(existing) if existing == content.as_bytes() => return Ok(FileOutcome::Unchanged),
        Ok(_) if !force => return Ok(FileOutcome::Kept),
        Ok(_) => FileOutcome::Overwritten,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => FileOutcome::Created,
        Err(source) => return Err(Error::io(path, source)),
    };
    // An interrupted run leaves no half file, and a symlink planted at `path` is replaced.
    write_atomically(path, content.as_bytes(), FileKind::Document)
        .map_err(|source| Error::io(path, source))?;
    Ok(outcome)
}
