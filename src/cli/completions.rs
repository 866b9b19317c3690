//! `completions`: shell completion scripts (clap_complete).

use std::io::Write;

use clap::Args;
use clap_complete::Shell;

use super::{CliError, Exit};

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print a completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: CompletionsArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let mut command = super::command();
    clap_complete::generate(args.shell, &mut command, "policy_sentry", out);
    Ok(Exit::Ok)
}
