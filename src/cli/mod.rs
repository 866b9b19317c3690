//! The command-line interface: clap definitions, turned into library calls. One file per
//! subcommand. Nothing here decides IAM semantics; it parses, validates, calls and prints.

mod analyze;
mod check;
pub mod companion;
mod completions;
mod create_template;
mod data_diff;
mod data_info;
mod deferred;
#[cfg(feature = "download")]
mod download_policies;
mod escalation;
mod explain;
mod fetch_docs;
mod initialize;
mod json_files;
mod lint;
mod policy_diff;
mod policy_inputs;
mod principal_can;
mod query;
mod simulate;
mod stdout;
mod write_policy;
mod write_policy_dir;

use companion::{CompanionCommand, Runner};
use deferred::Deferred;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use policy_sentry::data::overrides::{self, AccessLevelOverlay};
use policy_sentry::data::snapshot::{self, SnapshotInfo};
use policy_sentry::error::Error;

/// Exit codes: documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success (0).
    Ok,
    /// Findings at or above `--fail-on`; `simulate`: denied (1).
    Findings,
    /// Bad usage or bad input (2).
    Usage,
    /// A call to AWS failed (`download-policies`: credentials, permissions, network), for
    /// one profile or more (3).
    Failure,
    /// `simulate`: allowed only if conditions on keys the request did not give hold (3).
    Conditional,
}

/// The most worker threads `--jobs` accepts: more only costs memory and start-up time.
pub(crate) const MAX_JOBS: i64 = 256;

/// The worker pool of `--jobs N` (all cores without it).
pub(crate) fn jobs_pool(jobs: Option<u16>) -> Result<rayon::ThreadPool, CliError> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = jobs {
        pool = pool.num_threads(jobs as usize);
    }
    pool.build()
        .map_err(|error| CliError::Usage(format!("--jobs: {error}")))
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Ok => 0,
            Exit::Findings => 1,
            Exit::Usage => 2,
            Exit::Failure | Exit::Conditional => 3,
        })
    }
}

/// Least-privilege AWS IAM policies: query the IAM reference, write policies, audit them.
///
/// The AWS Service Authorization Reference is compiled into this binary: no database, no
/// data file and no network are needed.
#[derive(Debug, Parser)]
#[command(name = "policy_sentry", version, propagate_version = true)]
pub struct Cli {
    /// Diagnostics on stderr at this level and above (info and debug name the data used).
    #[arg(
        short,
        long,
        global = true,
        value_enum,
        ignore_case = true,
        value_name = "LEVEL"
    )]
    pub verbose: Option<Verbosity>,
    /// Access-level overrides ({service: {level: [action]}}) to apply; default:
    /// $POLICY_SENTRY_ACCESS_OVERRIDES.
    #[arg(long, global = true, value_name = "FILE")]
    pub access_level_overrides_file: Option<PathBuf>,
    /// The embedded data snapshot to read (YYYY-MM-DD; `data-info` lists them), e.g.
    /// 2024-07-15 to keep policies stable across upgrades; default:
    /// $POLICY_SENTRY_DATA_SNAPSHOT, else the newest.
    #[arg(long, global = true, value_name = "DATE")]
    pub data_snapshot: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// Log levels, as policy_sentry's `--verbose` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Verbosity {
    Critical,
    Error,
    Warning,
    Info,
    Debug,
}
/// The environment variable naming the data snapshot when `--data-snapshot` is not given.
pub const SNAPSHOT_ENV: &str = "POLICY_SENTRY_DATA_SNAPSHOT";
/// The environment variable naming an overrides file when the flag is not given.
pub const OVERRIDES_ENV: &str = "POLICY_SENTRY_ACCESS_OVERRIDES";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Query the IAM reference: actions, ARN formats, condition keys, services.
    #[command(subcommand)]
    Query(Deferred<query::QueryCommand>),
    /// Write a least-privilege policy from a template (a file or standard input).
    WritePolicy(Deferred<write_policy::WritePolicyArgs>),
    /// Write one policy file per template of a directory.
    WritePolicyDir(Deferred<write_policy_dir::WritePolicyDirArgs>),
    /// Print or write a template for write-policy (crud or actions).
    CreateTemplate(Deferred<create_template::CreateTemplateArgs>),
    /// Create the config folder (~/.policy_sentry) with editable example files: access-level
    /// overrides and analysis exclusions. No database is built: the data is in the binary.
    Initialize(Deferred<initialize::InitializeArgs>),
    /// Download the current AWS Service Authorization Reference pages into a folder, for
    /// `data-diff` or a build with POLICY_SENTRY_AWS_DOCS.
    FetchDocs(Deferred<fetch_docs::FetchDocsArgs>),
    /// Show the embedded data: snapshot date and age, pages, counts per service.
    DataInfo(Deferred<data_info::DataInfoArgs>),
    /// Compare embedded data snapshots, or one and a folder of AWS pages: services, actions,
    /// access levels, resource types, ARN formats and condition keys; and what that changes
    /// for given policies and templates.
    DataDiff(Deferred<data_diff::DataDiffArgs>),
    /// Analyse IAM policies and whole accounts for risky permissions.
    #[command(subcommand)]
    Analyze(Deferred<analyze::AnalyzeCommand>),
    /// Findings with stable codes (errors, security warnings, warnings, suggestions) for
    /// policy files; `--fail-on` for CI, an ignore file for accepted ones.
    Lint(Deferred<lint::LintArgs>),
    /// What one policy allows that another does not, both ways.
    Diff(Deferred<policy_diff::DiffArgs>),
    /// Yes-or-no policy checks for CI (exit 1 on "yes"): access-not-granted, no-new-access.
    #[command(subcommand)]
    Check(Deferred<check::CheckCommand>),
    /// Why a policy allows an action: the statements and patterns that grant it, the Denies
    /// that take it away, its access level, resource types and risks.
    Explain(Deferred<explain::ExplainArgs>),
    /// Whether a principal of an account file may do an action on a resource: its policies,
    /// permissions boundary and SCPs, by AWS's evaluation logic (exit 0 allowed, 1 denied,
    /// 3 allowed only under conditions the request did not give).
    Simulate(Deferred<simulate::SimulateArgs>),
    /// Which users and roles of an account file may do an action on a resource (each
    /// simulated in parallel, with SCPs and the request's context).
    WhoCan(Deferred<simulate::WhoCanArgs>),
    /// The account's escalation graph (who can act as whom: assume, pass a role, make
    /// credentials; who can grant whom any permission) and each principal's shortest path
    /// to administrator, as text, JSON, Graphviz DOT or HTML.
    EscalationPaths(Deferred<escalation::EscalationArgs>),
    /// Every documented action a user or role of an account file may do, with the
    /// resources, under its policies, permissions boundary and SCPs.
    PrincipalCan(Deferred<principal_can::PrincipalCanArgs>),
    /// Print a policy with its wildcard actions expanded to the documented actions.
    ExpandPolicy(Deferred<analyze::ExpandPolicyArgs>),
    /// Write an exclusions file for `analyze account` (the built-in defaults, commented).
    CreateExclusionsFile(Deferred<analyze::CreateExclusionsArgs>),
    #[cfg(feature = "download")]
    #[command(about = "Download IAM users, groups, roles and managed policies of an AWS account")]
    DownloadPolicies(Deferred<download_policies::DownloadPoliciesArgs>),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(Deferred<completions::CompletionsArgs>),
}

impl Command {
    /// Whether the command reads access levels, so run-time overrides must be in place.
    fn uses_access_levels(&self) -> bool {
        !matches!(
            self,
            Command::Completions(_) | Command::FetchDocs(_) | Command::DataDiff(_)
        )
    }

    /// Whether the command runs in the companion binary (see [`companion`]).
    fn runs_in_companion(&self) -> bool {
        match self {
            #[cfg(feature = "download")]
            Command::DownloadPolicies(_) => true,
            Command::Initialize(Deferred(args)) => args.fetch,
            Command::FetchDocs(_) => true,
            Command::DataDiff(Deferred(args)) => args.needs_companion(),
            _ => false,
        }
    }
}

/// The `--version` text: the crate version and the data snapshot the environment selects
/// (clap prints it before `--data-snapshot` is read), naming the default when it is another.
pub fn long_version() -> String {
    let shown = std::env::var(SNAPSHOT_ENV)
        .ok()
        .and_then(|date| snapshot::find(&date))
        .unwrap_or_else(snapshot::default);
    describe_snapshot(&shown)
}

/// The crate version and a snapshot's facts; the default's date when it is another.
fn describe_snapshot(shown: &SnapshotInfo) -> String {
    let facts = format!(
        "{} services, {} actions, {} resource types, {} condition keys",
        shown.services, shown.actions, shown.resource_types, shown.condition_keys
    );
    // The pages keep the wording of the versions that embedded only them.
    let mut text = if shown.source == "AWS pages" {
        format!(
            "{} (AWS Service Authorization Reference of {}: {} pages, {facts})",
            env!("CARGO_PKG_VERSION"),
            shown.date,
            shown.pages,
        )
    } else {
        format!(
            "{} (AWS Service Authorization Reference of {}, from {}: {facts})",
            env!("CARGO_PKG_VERSION"),
            shown.date,
            shown.source,
        )
    };
    if !shown.default {
        text.push_str(&format!(
            "; default data snapshot {}",
            snapshot::default().date
        ));
    }
    text
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

impl CliError {
    /// The exit code this error ends the process with.
    pub fn exit(&self) -> Exit {
        match self {
            CliError::Library(Error::Aws { .. }) => Exit::Failure,
            _ => Exit::Usage,
        }
    }
}

/// Parses the process arguments; clap prints help, version or a usage error and exits.
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
}

/// Diagnostics the chosen verbosity asks for, to print on stderr before running.
pub fn diagnostics(cli: &Cli) -> Vec<String> {
    match cli.verbose {
        Some(level) if level >= Verbosity::Info => vec![format!(
            "using the embedded IAM reference: {}",
            describe_snapshot(&snapshot::current())
        )],
        _ => Vec::new(),
    }
}

/// The whole program: parse, run (the companion's commands with `R`), print one error line on
/// failure.
pub fn main<R: Runner>() -> ExitCode {
    let args = parse();
    // Before the diagnostics, which name the snapshot in use.
    if let Err(error) = select_snapshot(&args) {
        eprintln!("error: {error}");
        return error.exit().into();
    }
    // A command run in another process (the companion) prints them there.
    if !(R::ELSEWHERE && args.command.runs_in_companion()) {
        for line in diagnostics(&args) {
            eprintln!("{line}");
        }
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout::ClosedPipeTolerant::new(stdout.lock()));
    let result = run::<R>(args, &mut out).and_then(|exit| {
        out.flush()
            .map_err(|source| CliError::Library(Error::io("<stdout>", source)))?;
        Ok(exit)
    });
    match result {
        // A closed pipe (`| head`) is not an error: `stdout` drops what the reader left.
        Ok(exit) => exit.into(),
        Err(error) => {
            eprintln!("error: {error}");
            error.exit().into()
        }
    }
}

/// Runs a parsed command, writing its result to `out`.
pub fn run<R: Runner>(cli: Cli, out: &mut impl Write) -> Result<Exit, CliError> {
    // Before anything reads the data (the overrides name actions).
    select_snapshot(&cli)?;
    if cli.command.uses_access_levels() {
        install_overrides(cli.access_level_overrides_file.as_deref())?;
    }
    let overrides_file = cli.access_level_overrides_file.as_deref();
    let companion_command = match cli.command {
        Command::Query(Deferred(command)) => return query::run(command, out),
        Command::WritePolicy(Deferred(args)) => return write_policy::run(args, out),
        Command::WritePolicyDir(Deferred(args)) => return write_policy_dir::run(args, out),
        Command::CreateTemplate(Deferred(args)) => return create_template::run(args, out),
        Command::Analyze(Deferred(command)) => return analyze::run(command, out),
        Command::ExpandPolicy(Deferred(args)) => return analyze::expand_policy(args, out),
        Command::Check(Deferred(command)) => return check::run(command, out),
        Command::Diff(Deferred(args)) => return policy_diff::run_diff(args, out),
        Command::Lint(Deferred(args)) => return lint::run(args, out),
        Command::Explain(Deferred(args)) => return explain::run(args, out),
        Command::Simulate(Deferred(args)) => return simulate::run(args, out),
        Command::WhoCan(Deferred(args)) => return simulate::run_who_can(args, out),
        Command::EscalationPaths(Deferred(args)) => return escalation::run(args, out),
        Command::PrincipalCan(Deferred(args)) => return principal_can::run(args, out),
        Command::CreateExclusionsFile(Deferred(args)) => {
            return analyze::create_exclusions_file(args);
        }
        Command::Initialize(Deferred(args)) if !args.fetch => {
            return initialize::run(args, overrides_file);
        }
        Command::DataInfo(Deferred(args)) => return data_info::run(args, out),
        Command::DataDiff(Deferred(args)) if !args.needs_companion() => {
            return data_diff::run_embedded(args, overrides_file, out);
        }
        Command::Completions(Deferred(args)) => return completions::run(args, out),
        #[cfg(feature = "download")]
        Command::DownloadPolicies(Deferred(args)) => CompanionCommand::DownloadPolicies(args),
        Command::Initialize(Deferred(args)) => CompanionCommand::InitializeAndFetch(args),
        Command::FetchDocs(Deferred(args)) => CompanionCommand::FetchDocs(args),
        Command::DataDiff(Deferred(args)) => CompanionCommand::DataDiff(args),
    };
    R::run(companion_command, overrides_file, out)
}

/// Selects the snapshot `--data-snapshot`, else its variable, names; none named, the default.
fn select_snapshot(cli: &Cli) -> Result<(), CliError> {
    // Read here rather than by clap's `env`, which cost every command's parsing 10 %.
    let from_env = std::env::var(SNAPSHOT_ENV).ok();
    match cli
        .data_snapshot
        .as_deref()
        .or(from_env.as_deref())
        .filter(|date| !date.is_empty())
    {
        Some(date) => snapshot::select(date).map_err(|error| CliError::Usage(error.to_string())),
        None => Ok(()),
    }
}

/// Loads the overrides file named by the flag, else by the environment, and installs it.
fn install_overrides(flag: Option<&Path>) -> Result<(), CliError> {
    let from_env = std::env::var_os(OVERRIDES_ENV)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from);
    let Some(path) = flag.map(Path::to_owned).or(from_env) else {
        return Ok(());
    };
    let overlay = AccessLevelOverlay::load(&path)?;
    overrides::install(overlay)
        .map_err(|_| CliError::Usage("access-level overrides are already installed".to_owned()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_is_consistent() {
        super::command().debug_assert();
    }
}
