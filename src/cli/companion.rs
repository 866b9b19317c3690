//! The commands that run in the companion binary `policy_sentry-aws`: those that read AWS
//! HTML pages (`fetch-docs`, `data-diff --docs-dir`, `initialize --fetch`) and the one that calls the AWS
//! API (`download-policies`). `policy_sentry` executes the companion with the same arguments.
//!
//! The HTML parser, the HTTP client and the AWS SDK bring about 54,000 pointers of static data
//! (html5ever's atom table alone about 10,500); a position-independent binary relocates every
//! one at each start, which linked into `policy_sentry` would add about 0.8 ms to every query
//! (a third of its time). The split keeps them out of the binary users call most.

use std::io::Write;
use std::path::Path;

use policy_sentry::config::DOCS_FOLDER;
use policy_sentry::error::Error;

use super::data_diff::DataDiffArgs;
#[cfg(feature = "download")]
use super::download_policies::{self, DownloadPoliciesArgs};
use super::fetch_docs::FetchDocsArgs;
use super::initialize::InitializeArgs;
use super::{CliError, Exit, data_diff, fetch_docs, initialize};

/// The companion binary's name (without the platform's executable suffix).
pub const COMPANION: &str = "policy_sentry-aws";

/// A command of the companion binary.
#[derive(Debug)]
pub enum CompanionCommand {
    FetchDocs(FetchDocsArgs),
    DataDiff(DataDiffArgs),
    InitializeAndFetch(InitializeArgs),
    #[cfg(feature = "download")]
    DownloadPolicies(DownloadPoliciesArgs),
}

/// How a binary runs the [`CompanionCommand`]s.
pub trait Runner {
    /// Whether the commands run in another process (which prints its own diagnostics).
    const ELSEWHERE: bool;

    fn run(
        command: CompanionCommand,
        overrides_file: Option<&Path>,
        out: &mut dyn Write,
    ) -> Result<Exit, CliError>;
}

/// Runs them here: the companion binary.
#[derive(Debug)]
pub enum InProcess {}

impl Runner for InProcess {
    const ELSEWHERE: bool = false;

    fn run(
        command: CompanionCommand,
        overrides_file: Option<&Path>,
        out: &mut dyn Write,
    ) -> Result<Exit, CliError> {
        match command {
            CompanionCommand::FetchDocs(args) => fetch_docs::run(args),
            CompanionCommand::DataDiff(args) => data_diff::run(args, overrides_file, out),
            #[cfg(feature = "download")]
            CompanionCommand::DownloadPolicies(args) => download_policies::run(args, out),
            CompanionCommand::InitializeAndFetch(args) => {
                let config_dir = initialize::write_files(&args, overrides_file)?;
                fetch_docs::fetch_into(&config_dir.join(DOCS_FOLDER), &args.fetch_args)?;
                initialize::closing_note(&config_dir);
                Ok(Exit::Ok)
            }
        }
    }
}

/// Executes the companion binary beside this one with this process's arguments.
#[derive(Debug)]
pub enum Exec {}

impl Runner for Exec {
    const ELSEWHERE: bool = true;

    fn run(
        _command: CompanionCommand,
        _overrides_file: Option<&Path>,
        _out: &mut dyn Write,
    ) -> Result<Exit, CliError> {
        let companion = std::env::current_exe()
            .map_err(|source| Error::io("<this program>", source))?
            .with_file_name(format!("{COMPANION}{}", std::env::consts::EXE_SUFFIX));
        if !companion.is_file() {
            return Err(CliError::Usage(format!(
                "fetch-docs, data-diff --docs-dir, initialize --fetch and download-policies run in {COMPANION}, which is not beside this program ({}); \
                 `cargo install --path .` installs both",
                companion.display()
            )));
        }
        let mut command = std::process::Command::new(&companion);
        command.args(std::env::args_os().skip(1));
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Only returns on failure.
            let error = command.exec();
            Err(Error::io(&companion, error).into())
        }
        #[cfg(not(unix))]
        {
            let status = command
                .status()
                .map_err(|source| Error::io(&companion, source))?;
            std::process::exit(status.code().unwrap_or(2))
        }
    }
}
