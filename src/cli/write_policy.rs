//! `write-policy`: one template (a file or standard input) in, one policy out.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use policy_sentry::error::Error;
use policy_sentry::write::size::{SizeLimit, policy_size, write_within};
use policy_sentry::write::{PolicyFormat, Template, write_policy};

use super::{CliError, Exit};

/// How a policy is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FmtArg {
    /// JSON with a 4-space indent, as policy_sentry prints it.
    #[default]
    Json,
    /// YAML, as policy_sentry (PyYAML) prints it.
    Yaml,
    /// `{"policy": "<json>"}` for Terraform's external data source.
    Terraform,
}

impl From<FmtArg> for PolicyFormat {
    fn from(fmt: FmtArg) -> PolicyFormat {
        match fmt {
            FmtArg::Json => PolicyFormat::Json,
            FmtArg::Yaml => PolicyFormat::Yaml,
            FmtArg::Terraform => PolicyFormat::Terraform,
        }
    }
}

/// `--minimize [N]`, `--minimize=N`, `-m`, as policy_sentry accepts them.
#[derive(Debug, Args)]
pub struct MinimizeArgs {
    /// Shorten action lists with wildcards that match nothing else (e.g. `s3:getobjectv*`);
    /// N is the shortest action-name part a wildcard may keep (default 0: no minimum).
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "0")]
    pub minimize: Option<usize>,
    /// Same as `--minimize` with no value.
    #[arg(short = 'm')]
    pub minimize_flag: bool,
    /// policy_sentry's spelling of the minimize length; only used with --minimize or -m.
    #[arg(long = "minimize_length", value_name = "N", hide = true)]
    pub minimize_length: Option<usize>,
}

impl MinimizeArgs {
    /// The minimum length to minimize with, or `None` not to minimize.
    pub fn value(&self) -> Option<usize> {
        match (self.minimize, self.minimize_flag) {
            (None, false) => None,
            (Some(length), _) if length > 0 => Some(length),
            _ => Some(self.minimize_length.unwrap_or(0)),
        }
    }
}

#[derive(Debug, Args)]
pub struct WritePolicyArgs {
    /// The YAML template (see create-template); standard input when absent.
    #[arg(short, long, value_name = "FILE")]
    pub input_file: Option<PathBuf>,
    #[command(flatten)]
    pub minimize: MinimizeArgs,
    /// Fit the policy in a size limit (characters as AWS counts them: managed 6144,
    /// role-inline 10240, user-inline 2048, group-inline 5120, or a number): minimized only as
    /// far as needed, else split into several policies, printed as a JSON array.
    #[arg(long, value_name = "LIMIT", conflicts_with_all = ["minimize", "minimize_flag"])]
    pub max_size: Option<SizeLimit>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FmtArg::Json)]
    pub fmt: FmtArg,
}

pub fn run(args: WritePolicyArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let (name, text) = match &args.input_file {
        Some(path) => (
            path.clone(),
            std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?,
        ),
        None => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|source| Error::io("<stdin>", source))?;
            (PathBuf::from("<stdin>"), text)
        }
    };
    let template = Template::from_yaml(&text).map_err(|error| error.in_file(&name))?;
    if let Some(limit) = args.max_size {
        return write_fitted(&name, &template, limit.chars(), args.fmt, out);
    }
    let written =
        write_policy(&template, args.minimize.value()).map_err(|error| error.in_file(&name))?;
    print_warnings(&name, &written.warnings);
    written
        .policy
        .render(args.fmt.into(), out)
        .map_err(|source| Error::io("<stdout>", source))?;
    Ok(Exit::Ok)
}

/// `--max-size`: the policy within `limit` characters, or the parts it is split into (a JSON
/// array), with what was done on standard error.
fn write_fitted(
    name: &Path,
    template: &Template,
    limit: usize,
    fmt: FmtArg,
    out: &mut impl Write,
) -> Result<Exit, CliError> {
    let fitted = write_within(template, limit).map_err(|error| error.in_file(name))?;
    print_warnings(name, &fitted.warnings);
    let stdout = |source| CliError::Library(Error::io("<stdout>", source));
    if let [policy] = fitted.policies.as_slice() {
        if let Some(length) = fitted.minimize {
            eprintln!(
                "note: minimized (as --minimize {length}) to {} characters, within {limit}",
                policy_size(policy)
            );
        }
        policy.render(fmt.into(), out).map_err(stdout)?;
        return Ok(Exit::Ok);
    }
    if fmt == FmtArg::Terraform {
        return Err(CliError::Usage(format!(
            "--fmt terraform holds one policy, and this one needs {} to fit in {limit} characters",
            fitted.policies.len()
        )));
    }
    eprintln!(
        "note: even minimized, the policy is over {limit} characters: split into {} policies",
        fitted.policies.len()
    );
    for (number, policy) in fitted.policies.iter().enumerate() {
        let parts: Vec<String> = policy
            .statement
            .iter()
            .map(|statement| format!("{} ({})", statement.sid, statement.action.join(" ")))
            .collect();
        eprintln!(
            "note: policy {} ({} characters): {}",
            number + 1,
            policy_size(policy),
            parts.join("; ")
        );
    }
    match fmt {
        FmtArg::Json => policy_sentry::output::json::write_pretty(&fitted.policies, out),
        FmtArg::Yaml => {
            let value = serde_json::to_value(&fitted.policies).map_err(std::io::Error::other);
            value.and_then(|value| {
                out.write_all(policy_sentry::output::pyyaml::dump(&value).as_bytes())?;
                out.write_all(b"\n")
            })
        }
        FmtArg::Terraform => unreachable!("refused above"),
    }
    .map_err(stdout)?;
    Ok(Exit::Ok)
}

/// Warnings go to standard error, one line each, naming the file.
pub fn print_warnings(file: &Path, warnings: &[policy_sentry::write::Warning]) {
    for warning in warnings {
        eprintln!("warning: {}: {warning}", file.display());
    }
}
