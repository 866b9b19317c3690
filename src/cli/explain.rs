//! `explain`: why a policy allows an action, or every action it allows.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use policy_sentry::analyze::explain::explain;
use policy_sentry::analyze::{ActionSet, PolicyDocument, expand};
use policy_sentry::data::Action;
use policy_sentry::error::Error;
use policy_sentry::output::{explain as text, json};

use super::check::CheckFormatArg;
use super::{CliError, Exit};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The policy file (JSON).
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

pub fn run(args: ExplainArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let policy = PolicyDocument::from_path(&args.policy)?;
    let asked: Vec<String> = args.action.into_iter().filter(|a| !a.is_empty()).collect();
    let actions: Vec<Action> = if asked.is_empty() {
        // Every action some Allow statement applies to.
        let mut all = ActionSet::new();
        for statement in &policy.statements {
            if statement.effect == policy_sentry::analyze::Effect::Allow {
                all.union_with(
                    &policy_sentry::analyze::expand::statement_actions(statement).actions,
                );
            }
        }
        all.sorted()
    } else {
        let expansion = expand(&asked);
        if !expansion.unknown.is_empty() {
            return Err(CliError::Usage(format!(
                "--action: {} matches no documented action of the data in use",
                expansion.unknown.join(", ")
            )));
        }
        expansion.actions.sorted()
    };
    let explanations = explain(&policy, &actions);
    let io = |source| Error::io("<stdout>", source);
    match (args.fmt, asked.is_empty()) {
        (CheckFormatArg::Json, _) => json::write_pretty(&explanations, out).map_err(io)?,
        (CheckFormatArg::Text, false) => text::write_detailed(&explanations, out).map_err(io)?,
        (CheckFormatArg::Text, true) => text::write_grouped(&explanations, out).map_err(io)?,
    }
    Ok(Exit::Ok)
}
