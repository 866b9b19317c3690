//! `write-policy`: one template (a file or standard input) in, one policy out.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use policy_sentry::error::Error;
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
    let written =
        write_policy(&template, args.minimize.value()).map_err(|error| error.in_file(&name))?;
    print_warnings(&name, &written.warnings);
    written
        .policy
        .render(args.fmt.into(), out)
        .map_err(|source| Error::io("<stdout>", source))?;
    Ok(Exit::Ok)
}

/// Warnings go to standard error, one line each, naming the file.
pub fn print_warnings(file: &Path, warnings: &[policy_sentry::write::Warning]) {
    for warning in warnings {
        eprintln!("warning: {}: {warning}", file.display());
    }
}
