//! The `policy_sentry` command. The commands that read AWS HTML pages (`fetch-docs`,
//! `data-diff`, `initialize --fetch`) run in the companion binary `policy_sentry-docs`, so
//! this one stays free of the HTML parser's and HTTP client's static data (see `cli::pages`).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main::<cli::pages::Companion>()
}
