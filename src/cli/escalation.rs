//! `escalation-paths`: the account's escalation graph and each principal's shortest path to
//! administrator.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use policy_sentry::account_file::AuthorizationDetails;
use policy_sentry::error::Error;
use policy_sentry::output::escalation;
use policy_sentry::simulate::escalation::{escalation_graph, shortest_paths};

use super::{CliError, Exit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EscalationFormatArg {
    /// Each path, step by step, then a summary line.
    Text,
    /// Administrators, paths (each step with its method, reference and statements), and
    /// the whole graph's nodes and edges.
    Json,
    /// The whole graph in Graphviz DOT: administrators filled, grants red, conditional
    /// steps dashed.
    Dot,
    /// A page with the paths drawn (inline SVG) and tabled.
    Html,
}

#[derive(Debug, Args)]
pub struct EscalationArgs {
    /// The account file (`aws iam get-account-authorization-details`, or what
    /// download-policies wrote), with its managed policies.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    #[command(flatten)]
    pub organization: super::simulate::OrganizationArgs,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=super::MAX_JOBS))]
    pub jobs: Option<u16>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EscalationFormatArg::Text)]
    pub fmt: EscalationFormatArg,
}

/// Exit 0, or 2 when a principal could not be read (after the rest is printed).
pub fn run(args: EscalationArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let account = AuthorizationDetails::from_path(&args.input)?;
    let scps = args.organization.policies()?;
    let pool = super::jobs_pool(args.jobs)?;
    let graph = pool.install(|| escalation_graph(&account, &scps));
    let paths = shortest_paths(&graph);
    let io = |source| Error::io("<stdout>", source);
    match args.fmt {
        EscalationFormatArg::Text => escalation::write_text(&graph, &paths, out),
        EscalationFormatArg::Json => escalation::write_json(&graph, &paths, out),
        EscalationFormatArg::Dot => escalation::write_dot(&graph, out),
        EscalationFormatArg::Html => escalation::write_html(&graph, &paths, out),
    }
    .map_err(io)?;
    for (arn, reason) in &graph.unreadable {
        eprintln!(
            "error: {}: {arn}: left out of the graph: {reason}",
            args.input.display()
        );
    }
    Ok(match graph.unreadable.is_empty() {
        true => Exit::Ok,
        false => Exit::Usage,
    })
}
