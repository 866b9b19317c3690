//! `initialize`: the config folder with editable example files; `--fetch` also downloads the
//! AWS pages into it. No database is built: the data is in the binary.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use policy_sentry::config::{self, DOCS_FOLDER, InitOptions};
use policy_sentry::data::snapshot;

use super::fetch_docs::{self, FetchArgs};
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

pub fn run(
    args: InitializeArgs,
    overrides_file: Option<&Path>,
    _out: &mut impl Write,
) -> Result<Exit, CliError> {
    let config_dir = match args.config_dir {
        Some(dir) => dir,
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
    if args.fetch {
        fetch_docs::fetch_into(&config_dir.join(DOCS_FOLDER), &args.fetch_args)?;
    }
    eprintln!(
        "No database to build: the AWS Service Authorization Reference of {} is compiled into this binary.",
        snapshot::SNAPSHOT_DATE
    );
    eprintln!(
        "Use the overrides with --access-level-overrides-file {} (or POLICY_SENTRY_ACCESS_OVERRIDES).",
        config_dir.join(config::OVERRIDES_FILE).display()
    );
    Ok(Exit::Ok)
}
