//! `initialize`: the config folder with editable example files; `--fetch` also downloads the
//! AWS pages into it. No database is built: the data is in the binary.

use std::path::{Path, PathBuf};

use clap::Args;

use policy_sentry::config::{self, InitOptions};
use policy_sentry::data::snapshot;

use super::fetch_docs::FetchArgs;
use super::{CliError, Exit};

#[derive(Debug, Args)]
pub struct InitializeArgs {
    /// The config folder [default: ~/.policy_sentry].
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Overwrite files that were edited since they were written.
    #[arg(long)]
    pub force: bool,
    /// Also download the current AWS pages into <config dir>/aws-docs (see fetch-docs).
    #[arg(long)]
    pub fetch: bool,
    #[command(flatten, next_help_heading = "Download (with --fetch)")]
    pub fetch_args: FetchArgs,
}

/// Writes the config files; returns the config folder. Reports on stderr.
pub fn write_files(
    args: &InitializeArgs,
    overrides_file: Option<&Path>,
) -> Result<PathBuf, CliError> {
    let config_dir = match &args.config_dir {
        Some(dir) => dir.clone(),
        None => config::default_config_dir().ok_or_else(|| {
            CliError::Usage("no home folder (HOME is not set); give --config-dir".to_owned())
        })?,
    };
    let files = config::initialize(&InitOptions {
        config_dir: config_dir.clone(),
        overrides_source: overrides_file.map(Path::to_owned),
        force: args.force,
    })?;
    for file in &files {
        eprintln!(
            "{}: {} ({})",
            file.outcome.as_str(),
            file.path.display(),
            file.description
        );
    }
    Ok(config_dir)
}

/// The closing note: no database, and how to use the overrides.
pub fn closing_note(config_dir: &Path) {
    eprintln!(
        "No database to build: the AWS Service Authorization Reference of {} is compiled into this binary.",
        snapshot::current().date
    );
    eprintln!(
        "Use the overrides with --access-level-overrides-file {} (or POLICY_SENTRY_ACCESS_OVERRIDES).",
        config_dir.join(config::OVERRIDES_FILE).display()
    );
}

/// `initialize` without `--fetch` (with it, see `pages`).
pub fn run(args: InitializeArgs, overrides_file: Option<&Path>) -> Result<Exit, CliError> {
    let config_dir = write_files(&args, overrides_file)?;
    closing_note(&config_dir);
    Ok(Exit::Ok)
}
