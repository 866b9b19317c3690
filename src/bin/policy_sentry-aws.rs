//! `policy_sentry-aws`: the companion of `policy_sentry` that runs the commands reading AWS
//! HTML pages (`fetch-docs`, `data-diff --docs-dir`, `initialize --fetch`) and calling the AWS API
//! (`download-policies`); `policy_sentry` executes it with the same arguments. It takes the
//! same command line as `policy_sentry`.

fn main() -> std::process::ExitCode {
    policy_sentry::cli::main::<policy_sentry::cli::companion::InProcess>()
}
