//! `check`: yes-or-no questions about policies for a CI step. `access-not-granted` exits 1
//! when a policy grants any of the given actions (on the given resources).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use policy_sentry::analyze::access_check::{AccessQuery, Grant, granted};
use policy_sentry::error::Error;
use policy_sentry::output::json;
use policy_sentry::output::text::{join_limited, statement_label};

use super::policy_inputs::{note_placeholders, read_policies};
use super::{CliError, Exit};

/// Output formats of the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormatArg {
    /// One line per granting statement, then the answer.
    Text,
    /// A JSON array: per policy file, its granting statements.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Exit 1 when a policy grants any of the actions (on any of the resources), naming the
    /// policy, the statement and the actions; 0 when none does. A grant under conditions
    /// counts; a Deny removes access only when it has no condition and plainly covers every
    /// resource asked about.
    AccessNotGranted(AccessNotGrantedArgs),
    /// Exit 1 when the new policies allow anything the base ones did not (or may: what cannot
    /// be shown old counts), naming each grant and why; directories pair files by relative
    /// path.
    NoNewAccess(super::policy_diff::NoNewAccessArgs),
}

#[derive(Debug, Args)]
pub struct AccessNotGrantedArgs {
    /// Actions that must not be granted, comma-separated or repeated; wildcards allowed
    /// (`iam:PassRole,s3:Delete*`).
    #[arg(long, value_name = "ACTIONS", value_delimiter = ',', required = true)]
    pub actions: Vec<String>,
    /// Only on these resources (ARN patterns, comma-separated or repeated); default: any.
    #[arg(long, value_name = "ARNS", value_delimiter = ',')]
    pub resources: Vec<String>,
    /// Policy JSON files, Terraform plans, CloudFormation templates, or directories whose
    /// *.json files are read.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormatArg::Text)]
    pub fmt: CheckFormatArg,
}

/// One policy's grants, for the JSON output.
#[derive(Debug, Serialize)]
struct PolicyGrants {
    file: String,
    grants: Vec<Grant>,
}

pub fn run(command: CheckCommand, out: &mut impl Write) -> Result<Exit, CliError> {
    match command {
        CheckCommand::AccessNotGranted(args) => access_not_granted(args, out),
        CheckCommand::NoNewAccess(args) => super::policy_diff::run_no_new_access(args, out),
    }
}

fn access_not_granted(args: AccessNotGrantedArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let actions: Vec<String> = args.actions.into_iter().filter(|a| !a.is_empty()).collect();
    let query = AccessQuery::new(&actions, args.resources.clone())?;
    let files = super::json_files::files_of(&args.paths)?;
    // Every file is read before anything is printed: a bad one stops the check.
    let mut results = Vec::with_capacity(files.len());
    for (name, path) in files {
        // Each policy of a Terraform plan or CloudFormation template is named by its place.
        let policies = read_policies(&name, &path)?.into_vec();
        note_placeholders(&policies);
        for policy in policies {
            results.push(PolicyGrants {
                grants: granted(&policy.policy, &query),
                file: policy.label,
            });
        }
    }
    let io = |source| Error::io("<stdout>", source);
    let granting = results.iter().filter(|r| !r.grants.is_empty()).count();
    match args.fmt {
        CheckFormatArg::Json => json::write_pretty(&results, out).map_err(io)?,
        CheckFormatArg::Text => {
            for policy in &results {
                for grant in &policy.grants {
                    writeln!(
                        out,
                        "{}: {} grants {} on {}{}",
                        policy.file,
                        statement_label(grant.statement, grant.sid.as_deref()),
                        join_limited(&grant.actions, 20),
                        grant.resources.join(", "),
                        if grant.conditional {
                            " (under its conditions)"
                        } else {
                            ""
                        }
                    )
                    .map_err(io)?;
                }
            }
            let asked = match args.resources.is_empty() {
                true => actions.join(", "),
                false => format!("{} on {}", actions.join(", "), args.resources.join(", ")),
            };
            match granting {
                0 => writeln!(
                    out,
                    "access not granted: no policy of {} grants {asked}",
                    results.len()
                ),
                n => writeln!(
                    out,
                    "access granted: {n} of {} policies grant some of {asked}",
                    results.len()
                ),
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
