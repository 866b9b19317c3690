//! The command-line interface: clap definitions, turned into library calls. One file per
//! subcommand. Nothing here decides IAM semantics; it parses, validates, calls and prints.

mod analyze;
mod completions;
mod query;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use policy_sentry::data::snapshot;
use policy_sentry::error::Error;

/// Exit codes: documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Bad usage or bad input.
    Usage = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// Least-privilege AWS IAM policies: query the IAM reference, write policies, audit them.
///
/// The AWS Service Authorization Reference is compiled into this binary: no database, no
/// data file and no network are needed.
#[derive(Debug, Parser)]
#[command(name = "policy_sentry", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Query the IAM reference: actions, ARN formats, condition keys, services.
    #[command(subcommand)]
    Query(query::QueryCommand),
    /// Analyse IAM policies and whole accounts for risky permissions.
    #[command(subcommand)]
    Analyze(analyze::AnalyzeCommand),
    /// Print a policy with its wildcard actions expanded to the documented actions.
    ExpandPolicy(analyze::ExpandPolicyArgs),
    /// Write an exclusions file for `analyze account` (the built-in defaults, commented).
    CreateExclusionsFile(analyze::CreateExclusionsArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
}

/// The `--version` text: the crate version and the embedded data snapshot.
pub fn long_version() -> String {
    format!(
        "{} (AWS Service Authorization Reference of {}: {} pages, {} services, {} actions, {} resource types, {} condition keys)",
        env!("CARGO_PKG_VERSION"),
        snapshot::SNAPSHOT_DATE,
        snapshot::PAGE_COUNT,
        snapshot::SERVICE_COUNT,
        snapshot::ACTION_COUNT,
        snapshot::RESOURCE_TYPE_COUNT,
        snapshot::CONDITION_KEY_COUNT,
    )
}

/// The clap command with the data snapshot in its version text.
pub fn command() -> clap::Command {
    let version = long_version();
    Cli::command()
        .version(version.clone())
        .long_version(version)
}

/// An error the CLI reports: a library error, or a usage problem it found itself.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Library(#[from] Error),
    #[error("{0}")]
    Usage(String),
}

/// Parses the process arguments; clap prints help, version or a usage error and exits.
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
}

/// Whether the error is a closed output pipe (`| head`), which is not a failure.
pub fn is_broken_pipe(error: &CliError) -> bool {
    matches!(error, CliError::Library(Error::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe)
}

/// Runs a parsed command, writing its result to `out`.
pub fn run(cli: Cli, out: &mut impl Write) -> Result<Exit, CliError> {
    match cli.command {
        Command::Query(command) => query::run(command, out),
        Command::Analyze(command) => analyze::run(command, out),
        Command::ExpandPolicy(args) => analyze::expand_policy(args, out),
        Command::CreateExclusionsFile(args) => analyze::create_exclusions_file(args),
        Command::Completions(args) => completions::run(args, out),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_is_consistent() {
        super::command().debug_assert();
    }
}
