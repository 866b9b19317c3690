//! `data-diff`: what changes between two embedded data snapshots, or between one and a folder
//! of AWS pages, and what that means for given policies and templates.
//!
//! A folder is scraped in the companion binary (it needs the HTML parser); snapshots are
//! compared here. A template is generated under each snapshot by running this program
//! again with `--data-snapshot`: one process reads one snapshot.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Args;

use policy_sentry::analyze::policy::PolicyDocument;
use policy_sentry::data::diff::policies::{PolicyDrift, TemplateDrift, policy_changes};
use policy_sentry::data::diff::report::DriftReport;
use policy_sentry::data::diff::{Catalog, diff};
use policy_sentry::error::Error;
use policy_sentry::output::{ReportFormat, data_diff, json};

use super::data_info::DataFormatArg;
use super::{CliError, Exit};

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("sides").required(true).multiple(true).args(["docs_dir", "from", "to"]))]
pub struct DataDiffArgs {
    /// The old side: an embedded snapshot (`data-info` lists them); default: the one this
    /// process reads (--data-snapshot, else the newest).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// The new side: an embedded snapshot; default: the newest.
    #[arg(long, value_name = "DATE", conflicts_with = "docs_dir")]
    pub to: Option<String>,
    /// The new side: a folder of list_*.html pages (e.g. from fetch-docs).
    #[arg(long, value_name = "DIR")]
    pub docs_dir: Option<PathBuf>,
    /// Policy JSON files: which statements apply to other actions on the new side, and which.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub policy: Vec<PathBuf>,
    /// write-policy templates: how the policy each generates changes (snapshots only).
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "docs_dir")]
    pub template: Vec<PathBuf>,
    /// Exit 1 when something differs: a given policy or template, else the data.
    #[arg(long)]
    pub exit_code: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormatArg::Text)]
    pub fmt: DataFormatArg,
}

impl DataDiffArgs {
    /// Whether a folder must be scraped, which only the companion binary does.
    pub fn needs_companion(&self) -> bool {
        self.docs_dir.is_some()
    }
}

fn old_side(args: &DataDiffArgs) -> Result<Catalog, CliError> {
    match &args.from {
        Some(date) => Catalog::embedded(date).map_err(|error| CliError::Usage(error.to_string())),
        None => Ok(Catalog::current()),
    }
}

/// Compares two embedded snapshots (no `--docs-dir`); templates are written with the
/// overrides file the command was given, if any (the environment variable passes on by
/// itself).
pub fn run_embedded(
    args: DataDiffArgs,
    overrides: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Exit, CliError> {
    let from = old_side(&args)?;
    let to_date = args
        .to
        .clone()
        .unwrap_or_else(|| policy_sentry::data::snapshot::default().date.to_owned());
    let to = Catalog::embedded(&to_date).map_err(|error| CliError::Usage(error.to_string()))?;
    let templates = if args.template.is_empty() {
        None
    } else {
        Some(
            args.template
                .iter()
                .map(|path| {
                    TemplateDrift::new(
                        path.display().to_string(),
                        generate(path, &from.label, overrides),
                        generate(path, &to.label, overrides),
                    )
                })
                .collect(),
        )
    };
    report(&args, &from, &to, templates, out)
}

/// Compares a snapshot with a folder of pages, or two snapshots.
pub fn run(
    args: DataDiffArgs,
    overrides: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Exit, CliError> {
    let Some(directory) = &args.docs_dir else {
        return run_embedded(args, overrides, out);
    };
    let from = old_side(&args)?;
    let to = policy_sentry::data::diff::read_directory(directory)?;
    report(&args, &from, &to, None, out)
}

fn report(
    args: &DataDiffArgs,
    from: &Catalog,
    to: &Catalog,
    templates: Option<Vec<TemplateDrift>>,
    mut out: &mut dyn Write,
) -> Result<Exit, CliError> {
    let policies = if args.policy.is_empty() {
        None
    } else {
        let mut drifts = Vec::with_capacity(args.policy.len());
        for path in &args.policy {
            let policy = PolicyDocument::from_path(path)?;
            drifts.push(PolicyDrift {
                file: path.display().to_string(),
                statements: policy_changes(&policy, from, to),
            });
        }
        Some(drifts)
    };
    let report = DriftReport {
        data: diff(from, to),
        policies,
        templates,
    };
    let io = |source| Error::io("<stdout>", source);
    match ReportFormat::from(args.fmt) {
        ReportFormat::Json => json::write_pretty(&report, &mut out).map_err(io)?,
        _ => data_diff::write_text(&report, &mut out).map_err(io)?,
    }
    Ok(match args.exit_code && report.has_changes() {
        true => Exit::Findings,
        false => Exit::Ok,
    })
}

/// The policy `template` generates under the snapshot of `date`, or the error it gives (the
/// message write-policy prints).
fn generate(
    template: &Path,
    date: &str,
    overrides: Option<&Path>,
) -> Result<PolicyDocument, String> {
    let program = std::env::current_exe().map_err(|error| error.to_string())?;
    let mut command = Command::new(&program);
    command.arg("--data-snapshot").arg(date);
    if let Some(file) = overrides {
        command.arg("--access-level-overrides-file").arg(file);
    }
    // `=`: a file name starting with `-` is not read as a flag.
    let mut input = std::ffi::OsString::from("--input-file=");
    input.push(template);
    command.arg("write-policy").arg(input);
    let output = command
        .output()
        .map_err(|error| format!("cannot run {}: {error}", program.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr
            .lines()
            .rev()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("write-policy failed");
        return Err(message
            .strip_prefix("error: ")
            .unwrap_or(message)
            .to_owned());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    PolicyDocument::parse_named(&text, &template.display().to_string()).map_err(|e| e.to_string())
}
