//! The `policy_sentry` command. The commands that read AWS HTML pages (`fetch-docs`,
//! `data-diff`, `initialize --fetch`) or call the AWS API (`download-policies`) run in the
//! companion binary `policy_sentry-aws`, so this one stays free of the HTML parser's, the
//! HTTP client's and the AWS SDK's static data (see `cli::companion`).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main::<cli::companion::Exec>()
}
