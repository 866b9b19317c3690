//! The `policy_sentry` command. The commands that read AWS HTML pages (`fetch-docs`,
//! `data-diff --docs-dir`, `initialize --fetch`) or call the AWS API (`download-policies`) run in the
//! companion binary `policy_sentry-aws`, so this one stays free of the HTML parser's, the
//! HTTP client's and the AWS SDK's static data (see `policy_sentry::cli::companion`).

fn main() -> std::process::ExitCode {
    policy_sentry::cli::main::<policy_sentry::cli::companion::Exec>()
}
