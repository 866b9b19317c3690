//! `explain`: why a policy allows an action, or every action it allows.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use policy_sentry::analyze::expand::statement_actions;
use policy_sentry::analyze::explain::{Explanation, explain};
use policy_sentry::analyze::{ActionSet, Effect, PolicyDocument, expand};
use policy_sentry::data::Action;
use policy_sentry::error::Error;
use policy_sentry::output::{explain as text, json};

use super::check::CheckFormatArg;
use super::policy_inputs::{FilePolicies, note_placeholders, read_policies};
use super::{CliError, Exit};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The policy file (JSON), or a Terraform plan or CloudFormation template: each policy
    /// in it is explained in turn.
    #[arg(value_name = "FILE")]
    pub policy: PathBuf,
    /// Actions to explain (wildcards allowed, comma-separated or repeated), whether the policy
    /// allows them or not; default: every action it allows, grouped by service.
    #[arg(long, value_name = "ACTIONS", value_delimiter = ',')]
    pub action: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormatArg::Text)]
    pub fmt: CheckFormatArg,
}

/// One policy's explanations, for the JSON output of a plan or template.
#[derive(Debug, Serialize)]
struct PolicyExplanations {
    policy: String,
    explanations: Vec<Explanation>,
}

pub fn run(args: ExplainArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let name = args.policy.display().to_string();
    let asked: Vec<String> = args.action.into_iter().filter(|a| !a.is_empty()).collect();
    let asked_actions = match asked.is_empty() {
        true => None,
        false => {
            let expansion = expand(&asked);
            if !expansion.unknown.is_empty() {
                return Err(CliError::Usage(format!(
                    "--action: {} matches no documented action of the data in use",
                    expansion.unknown.join(", ")
                )));
            }
            Some(expansion.actions.sorted())
        }
    };
    let io = |source| Error::io("<stdout>", source);
    let detailed = asked_actions.is_some();
    match read_policies(&name, &args.policy)? {
        FilePolicies::One(input) => {
            let explanations = explain_policy(&input.policy, asked_actions.as_deref());
            write_explanations(args.fmt, detailed, &explanations, out).map_err(io)?;
        }
        FilePolicies::Embedded(found) => {
            note_placeholders(&found);
            let all: Vec<PolicyExplanations> = found
                .into_iter()
                .map(|input| PolicyExplanations {
                    explanations: explain_policy(&input.policy, asked_actions.as_deref()),
                    policy: input.label,
                })
                .collect();
            match args.fmt {
                CheckFormatArg::Json => json::write_pretty(&all, out).map_err(io)?,
                CheckFormatArg::Text => {
                    for (index, policy) in all.iter().enumerate() {
                        let gap = if index == 0 { "" } else { "\n" };
                        writeln!(out, "{gap}== {} ==", policy.policy).map_err(io)?;
                        write_explanations(args.fmt, detailed, &policy.explanations, out)
                            .map_err(io)?;
                    }
                }
            }
        }
    }
    Ok(Exit::Ok)
}

fn write_explanations(
    format: CheckFormatArg,
    detailed: bool,
    explanations: &[Explanation],
    out: &mut impl Write,
) -> std::io::Result<()> {
    match (format, detailed) {
        (CheckFormatArg::Json, _) => json::write_pretty(explanations, out),
        (CheckFormatArg::Text, true) => text::write_detailed(explanations, out),
        (CheckFormatArg::Text, false) => text::write_grouped(explanations, out),
    }
}

/// The explanations of the asked actions, or of every action some Allow statement applies to.
fn explain_policy(policy: &PolicyDocument, asked: Option<&[Action]>) -> Vec<Explanation> {
    let actions = match asked {
        Some(actions) => actions.to_vec(),
        None => {
            let mut all = ActionSet::new();
            for statement in &policy.statements {
                if statement.effect == Effect::Allow {
                    all.union_with(&statement_actions(statement).actions);
                }
            }
            all.sorted()
        }
    };
    explain(policy, &actions)
}
