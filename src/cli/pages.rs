//! The commands that read AWS HTML pages: `fetch-docs`, `data-diff` and `initialize --fetch`.
//!
//! They run in the companion binary `policy_sentry-docs`, which `policy_sentry` executes with
//! the same arguments. The HTML parser and the HTTP client bring about 13,000 pointers of
//! static data (html5ever's atom table alone about 10,500); a position-independent binary
//! relocates every one at each start, which linked into `policy_sentry` would add about
//! 0.2 ms to every query. The split keeps them out of the binary users call most.

use std::io::Write;
use std::path::Path;

use policy_sentry::config::DOCS_FOLDER;
use policy_sentry::error::Error;

use super::data_diff::DataDiffArgs;
use super::fetch_docs::FetchDocsArgs;
use super::initialize::InitializeArgs;
use super::{CliError, Exit, data_diff, fetch_docs, initialize};

/// The companion binary's name (without the platform's executable suffix).
pub const COMPANION: &str = "policy_sentry-docs";

/// A command that reads HTML pages.
#[derive(Debug)]
pub enum PagesCommand {
    FetchDocs(FetchDocsArgs),
    DataDiff(DataDiffArgs),
    InitializeAndFetch(InitializeArgs),
}

/// How a binary runs the [`PagesCommand`]s.
pub trait Pages {
    fn run(
        command: PagesCommand,
        overrides_file: Option<&Path>,
        out: &mut dyn Write,
    ) -> Result<Exit, CliError>;
}

/// Runs them here: the companion binary.
#[derive(Debug)]
pub enum InProcess {}

impl Pages for InProcess {
    fn run(
        command: PagesCommand,
        overrides_file: Option<&Path>,
        out: &mut dyn Write,
    ) -> Result<Exit, CliError> {
        match command {
            PagesCommand::FetchDocs(args) => fetch_docs::run(args),
            PagesCommand::DataDiff(args) => data_diff::run(args, out),
            PagesCommand::InitializeAndFetch(args) => {
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
pub enum Companion {}

impl Pages for Companion {
    fn run(
        _command: PagesCommand,
        _overrides_file: Option<&Path>,
        _out: &mut dyn Write,
    ) -> Result<Exit, CliError> {
        let companion = std::env::current_exe()
            .map_err(|source| Error::io("<this program>", source))?
            .with_file_name(format!("{COMPANION}{}", std::env::consts::EXE_SUFFIX));
        if !companion.is_file() {
            return Err(CliError::Usage(format!(
                "fetch-docs, data-diff and initialize --fetch run in {COMPANION}, which is not beside this program ({}); \
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
