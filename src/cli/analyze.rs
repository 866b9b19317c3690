//! `analyze policy-file | policy-dir | account | downloaded-policies`, `expand-policy` and
//! `create-exclusions-file`: arguments are validated and turned into library calls; reports
//! go to stdout (or to files for account audits), warnings and progress to stderr.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};

use policy_sentry::analyze::account::{
    AccountReport, AuthorizationDetails, audit_account_with_progress,
};
use policy_sentry::analyze::exclusions::{Exclusions, TEMPLATE};
use policy_sentry::analyze::expand::expanded_policy;
use policy_sentry::analyze::{Config, PolicyDocument, PolicyReport, Rules, Severity};
use policy_sentry::error::Error;
use policy_sentry::output::escalation::EscalationReport;
use policy_sentry::output::text::counted;
use policy_sentry::output::{ReportFormat, csv, html, json, markdown, report_json, sarif, text};

use policy_sentry::fs::{FileKind, PendingFile, write_atomically};

use super::{CliError, Exit};

#[derive(Debug, Subcommand)]
pub enum AnalyzeCommand {
    /// Analyse one IAM policy file: allowed actions and risk findings.
    PolicyFile(PolicyFileArgs),
    /// Analyse every *.json policy file under a directory.
    PolicyDir(PolicyDirArgs),
    /// Audit an account: the output of `aws iam get-account-authorization-details`.
    Account(AccountArgs),
    /// Analyse the policies `download-policies` saved (~/.policy_sentry/analysis/<account>/).
    DownloadedPolicies(DownloadedArgs),
}

/// Report formats; the help lines are the CLI's, the formats [`ReportFormat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum ReportFormatArg {
    /// A short readable summary.
    Text,
    /// JSON: one object per policy (account: the whole audit).
    Json,
    /// CSV: one row per policy (account: per principal and policy).
    Csv,
    /// Markdown.
    Markdown,
    /// One self-contained HTML file (account audits only).
    Html,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

impl From<ReportFormatArg> for ReportFormat {
    fn from(format: ReportFormatArg) -> ReportFormat {
        match format {
            ReportFormatArg::Text => ReportFormat::Text,
            ReportFormatArg::Json => ReportFormat::Json,
            ReportFormatArg::Csv => ReportFormat::Csv,
            ReportFormatArg::Markdown => ReportFormat::Markdown,
            ReportFormatArg::Html => ReportFormat::Html,
            ReportFormatArg::Sarif => ReportFormat::Sarif,
        }
    }
}

/// `--fail-on`'s values, onto [`Severity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(severity: SeverityArg) -> Severity {
        match severity {
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Count every allowed action as a risk, not only actions granted on all resources
    /// without a condition.
    #[arg(long)]
    pub flag_all_risky_actions: bool,
    /// Exit with code 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    /// An exclusions file (see create-exclusions-file); its include-actions and
    /// exclude-actions apply.
    #[arg(long, value_name = "FILE")]
    pub exclusions: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PolicyFileArgs {
    /// The policy file (JSON).
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Output format [default: text on a terminal, else json].
    #[arg(long, value_enum)]
    pub fmt: Option<ReportFormatArg>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Args)]
pub struct PolicyDirArgs {
    /// The directory; *.json files under it are analysed, in name order.
    #[arg(long, value_name = "DIR")]
    pub input_dir: PathBuf,
    /// Output format [default: text on a terminal, else json].
    #[arg(long, value_enum)]
    pub fmt: Option<ReportFormatArg>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Args)]
pub struct DownloadedArgs {
    /// The analysis directory [default: ~/.policy_sentry/analysis].
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
    /// Output format [default: text on a terminal, else json].
    #[arg(long, value_enum)]
    pub fmt: Option<ReportFormatArg>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Debug, Args)]
pub struct AccountArgs {
    /// The account data: `aws iam get-account-authorization-details > FILE`.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Exclusions file [default: the built-in defaults of create-exclusions-file].
    #[arg(long, value_name = "FILE")]
    pub exclusions: Option<PathBuf>,
    /// Where to write the reports (report.html, report.json, …); created if missing.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub output_dir: PathBuf,
    /// Report formats, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "html,json")]
    pub fmt: Vec<ReportFormatArg>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=super::MAX_JOBS))]
    pub jobs: Option<u16>,
    /// Count every allowed action as a risk, not only actions granted on all resources
    /// without a condition.
    #[arg(long)]
    pub flag_all_risky_actions: bool,
    /// Exit with code 1 when a finding at or above this severity exists.
    // A policy document that could not be read counts as a finding of any severity: its
    // risks are unknown, and a gate must not pass on them (README, Exit codes).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
}

#[derive(Debug, Args)]
pub struct ExpandPolicyArgs {
    /// The policy file (JSON).
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
}

#[derive(Debug, Args)]
pub struct CreateExclusionsArgs {
    /// Where to write the file.
    #[arg(long, value_name = "FILE", default_value = "exclusions.yml")]
    pub output_file: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

fn default_format(fmt: Option<ReportFormatArg>) -> ReportFormat {
    fmt.map(ReportFormat::from)
        .unwrap_or(if std::io::stdout().is_terminal() {
            ReportFormat::Text
        } else {
            ReportFormat::Json
        })
}

fn config(rules: &RuleArgs) -> Result<Config, CliError> {
    let config = Config {
        flag_all_risky_actions: rules.flag_all_risky_actions,
        ..Config::default()
    };
    Ok(match &rules.exclusions {
        Some(path) => Exclusions::from_path(path)?.apply_to(&config),
        None => config,
    })
}

fn warn_unknown(name: &str, report: &PolicyReport) {
    for action in &report.unknown_actions {
        eprintln!("warning: {name}: unknown action {action}");
    }
}

fn io_error(source: std::io::Error) -> CliError {
    CliError::Library(Error::io("<stdout>", source))
}

/// Renders policy reports; `single` prints one JSON object instead of a list.
fn html_is_for_accounts() -> CliError {
    CliError::Usage(
        "--fmt html is for account audits (analyze account); use text, json, csv, markdown or sarif"
            .into(),
    )
}

fn render_policies(
    reports: &[(String, PolicyReport)],
    fmt: ReportFormat,
    single: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    match fmt {
        ReportFormat::Text => {
            for (name, report) in reports {
                text::write_policy_summary(name, report, out).map_err(io_error)?;
            }
        }
        ReportFormat::Json => {
            let values: Vec<_> = reports
                .iter()
                .map(|(name, report)| report_json::policy_report(report, name))
                .collect();
            match (single, values.as_slice()) {
                (true, [one]) => json::write_pretty(one, out),
                _ => json::write_pretty(&values, out),
            }
            .map_err(io_error)?
        }
        ReportFormat::Csv => csv::write_policies(reports, out)?,
        ReportFormat::Markdown => markdown::write_policies(reports, out).map_err(io_error)?,
        ReportFormat::Sarif => sarif::write(&sarif::policies(reports), out).map_err(io_error)?,
        ReportFormat::Html => return Err(html_is_for_accounts()),
    }
    Ok(())
}

fn exit_for(max: Option<Severity>, fail_on: Option<SeverityArg>) -> Exit {
    match (max, fail_on.map(Severity::from)) {
        (Some(max), Some(threshold)) if max >= threshold => Exit::Findings,
        _ => Exit::Ok,
    }
}

/// Analyses files, reporting unreadable ones on stderr; exit 2 if any failed.
fn analyze_files(
    files: &[(String, PathBuf)],
    rules: &RuleArgs,
    fmt: Option<ReportFormatArg>,
    single: bool,
    out: &mut impl Write,
) -> Result<Exit, CliError> {
    let fmt = default_format(fmt);
    if fmt == ReportFormat::Html {
        return Err(html_is_for_accounts());
    }
    let compiled = Rules::new(&config(rules)?);
    let mut reports = Vec::new();
    let mut failed = false;
    for (name, path) in files {
        match PolicyDocument::from_path(path) {
            Ok(policy) => {
                let report = policy_sentry::analyze::analyze_with_rules(&policy, &compiled);
                warn_unknown(name, &report);
                reports.push((name.clone(), report));
            }
            // One bad file must not hide the others' results.
            Err(error) if !single => {
                eprintln!("error: {error}");
                failed = true;
            }
            Err(error) => return Err(error.into()),
        }
    }
    render_policies(&reports, fmt, single, out)?;
    if failed {
        return Ok(Exit::Usage);
    }
    let max = reports
        .iter()
        .filter_map(|(_, r)| r.findings.max_severity())
        .max();
    Ok(exit_for(max, rules.fail_on))
}

/// The *.json files under `dir`, named by their path relative to `base`; what the walk
/// skipped is a warning on stderr.
fn json_files(dir: &Path, base: &Path) -> Result<Vec<(String, PathBuf)>, CliError> {
    let found = super::json_files::json_files(dir, base)?;
    for warning in &found.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(found.files)
}

/// Renders one report file of an account audit into a temporary file in `dir`: put in place,
/// it replaces the previous report at once, and a failed run leaves the previous report (or
/// none), never a partial one.
fn render_account_report(
    report: &AccountReport,
    escalation: Option<&EscalationReport>,
    fmt: ReportFormat,
    dir: &Path,
    input_uri: &str,
) -> Result<PendingFile, CliError> {
    let path = dir.join(format!("report.{}", fmt.extension()));
    let io = |source| CliError::Library(Error::io(&path, source));
    let mut pending = PendingFile::beside(&path, FileKind::AccountData).map_err(io)?;
    let file = pending.writer();
    match fmt {
        ReportFormat::Json => report.write_json(file).map_err(io)?,
        ReportFormat::Csv => csv::write_account(report, file)?,
        ReportFormat::Markdown => markdown::write_account(report, file).map_err(io)?,
        ReportFormat::Html => html::write_account(report, escalation, file).map_err(io)?,
        ReportFormat::Sarif => {
            sarif::write(&sarif::account(report, input_uri), file).map_err(io)?
        }
        ReportFormat::Text => {}
    }
    Ok(pending)
}

/// Writes the report files of an account audit into `dir` on the current rayon pool, and
/// returns their paths (or errors) in the order of `formats`.
///
/// JSON and HTML render on the whole pool, one after the other, the larger (JSON) first; each
/// is put in place by a task of its own, because replacing a previous report frees its pages,
/// which takes milliseconds for a large one, and that then overlaps the next one's rendering
/// instead of ending the run with the other workers idle. The other formats, each rendered by
/// one thread, run beside them.
fn write_account_reports(
    report: &AccountReport,
    escalation: Option<&EscalationReport>,
    formats: &[ReportFormat],
    dir: &Path,
    input_uri: &str,
) -> Vec<Result<PathBuf, CliError>> {
    let on_the_whole_pool =
        |fmt: &ReportFormat| matches!(fmt, ReportFormat::Json | ReportFormat::Html);
    let (sender, receiver) = std::sync::mpsc::channel();
    rayon::scope(|scope| {
        for (index, fmt) in formats.iter().enumerate() {
            // The summary is not a file: it goes to standard output.
            if !on_the_whole_pool(fmt) && *fmt != ReportFormat::Text {
                let sender = sender.clone();
                scope.spawn(move |_| {
                    let written = render_account_report(report, escalation, *fmt, dir, input_uri)
                        .and_then(put_in_place);
                    let _ = sender.send((index, written));
                });
            }
        }
        let mut large: Vec<(usize, &ReportFormat)> = formats
            .iter()
            .enumerate()
            .filter(|(_, fmt)| on_the_whole_pool(fmt))
            .collect();
        large.sort_by_key(|(_, fmt)| **fmt != ReportFormat::Json);
        for (index, fmt) in large {
            match render_account_report(report, escalation, *fmt, dir, input_uri) {
                Ok(pending) => {
                    let sender = sender.clone();
                    scope.spawn(move |_| {
                        let _ = sender.send((index, put_in_place(pending)));
                    });
                }
                Err(error) => {
                    let _ = sender.send((index, Err(error)));
                }
            }
        }
    });
    drop(sender);
    let mut written: Vec<(usize, Result<PathBuf, CliError>)> = receiver.into_iter().collect();
    written.sort_by_key(|(index, _)| *index);
    written.into_iter().map(|(_, result)| result).collect()
}

fn put_in_place(pending: PendingFile) -> Result<PathBuf, CliError> {
    let path = pending.destination().to_owned();
    pending
        .put_in_place()
        .map_err(|source| CliError::Library(Error::io(&path, source)))
}

/// The audit's warnings for standard error: policies whose document could not be read, then
/// how many name actions the reference does not know.
fn account_warnings(report: &AccountReport) -> Vec<String> {
    let mut warnings: Vec<String> = report
        .policies
        .iter()
        .filter_map(|policy| {
            let error = report.documents[policy.document].error.as_ref()?;
            Some(format!("policy {}: {error}", policy.name))
        })
        .collect();
    let unknown = report
        .policies
        .iter()
        .filter(|p| !report.policy_report(p).unknown_actions.is_empty())
        .count();
    if unknown > 0 {
        warnings.push(format!(
            "{} {} actions the reference does not know (see unknown_actions in the JSON report)",
            counted(unknown, "policy", "policies"),
            if unknown == 1 { "names" } else { "name" }
        ));
    }
    warnings
}

fn account(args: AccountArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    if args.fmt.contains(&ReportFormatArg::Text) {
        return Err(CliError::Usage(
            "--fmt text is not a report file; the summary is printed anyway".into(),
        ));
    }
    let pool = super::jobs_pool(args.jobs)?;
    // One hand-over to the pool for the whole run: each `install` wakes a worker, and then
    // the calling thread, at a cost of a fraction of a millisecond.
    let (summary, max_severity) = pool.install(|| audit_and_write(&args))?;
    out.write_all(&summary).map_err(io_error)?;
    Ok(exit_for(max_severity, args.fail_on))
}

/// `analyze account` on the current rayon pool: reads, audits, writes the report files and
/// the warnings; returns the summary for standard output and the highest severity found.
fn audit_and_write(args: &AccountArgs) -> Result<(Vec<u8>, Option<Severity>), CliError> {
    let details = AuthorizationDetails::from_path(&args.input)?;
    let exclusions = match &args.exclusions {
        Some(path) => Exclusions::from_path(path)?,
        None => Exclusions::defaults(),
    };
    std::fs::create_dir_all(&args.output_dir)
        .map_err(|source| Error::io(&args.output_dir, source))?;
    let config = Config {
        flag_all_risky_actions: args.flag_all_risky_actions,
        ..Config::default()
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} policy documents")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let report = audit_account_with_progress(&details, &exclusions, &config, &progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let input_uri = args.input.to_string_lossy().replace('\\', "/");
    let formats: Vec<ReportFormat> = args.fmt.iter().copied().map(ReportFormat::from).collect();
    // The HTML report draws the escalation paths.
    let escalation = formats
        .contains(&ReportFormat::Html)
        .then(|| EscalationReport::of(&details, &[]));
    drop(details);
    // The report files are written concurrently, each rendered on the same pool, so that one
    // format's serial parts overlap another's work; meanwhile the summary for standard output
    // and the warnings are prepared.
    let (written, (summary, max_severity, warnings)) = rayon::join(
        || {
            write_account_reports(
                &report,
                escalation.as_ref(),
                &formats,
                &args.output_dir,
                &input_uri,
            )
        },
        || {
            let mut summary = Vec::new();
            let written = text::write_account_summary(&report, &mut summary);
            (
                written.map(|()| summary),
                report.gate_severity(),
                account_warnings(&report),
            )
        },
    );
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    for path in written {
        eprintln!("wrote {}", path?.display());
    }
    let summary = summary.map_err(io_error)?;
    Ok((summary, max_severity))
}

pub fn run(command: AnalyzeCommand, out: &mut impl Write) -> Result<Exit, CliError> {
    match command {
        AnalyzeCommand::PolicyFile(args) => {
            let name = args.policy.to_string_lossy().into_owned();
            analyze_files(&[(name, args.policy)], &args.rules, args.fmt, true, out)
        }
        AnalyzeCommand::PolicyDir(args) => {
            // Named by their path as given, so SARIF URIs resolve from the working directory.
            let files = json_files(&args.input_dir, Path::new(""))?;
            if files.is_empty() {
                return Err(CliError::Usage(format!(
                    "{}: no .json files",
                    args.input_dir.display()
                )));
            }
            analyze_files(&files, &args.rules, args.fmt, false, out)
        }
        AnalyzeCommand::DownloadedPolicies(args) => {
            let base = match args.path {
                Some(path) => path,
                None => std::env::home_dir()
                    .ok_or_else(|| CliError::Usage("no home directory; use --path".into()))?
                    .join(".policy_sentry")
                    .join("analysis"),
            };
            let mut files = json_files(&base, &base)?;
            // The seed layout: <account>/{customer-managed,aws-managed}/<name>.json.
            files.retain(|(name, _)| {
                let parts: Vec<&str> = name.split('/').collect();
                parts.len() == 3 && matches!(parts[1], "customer-managed" | "aws-managed")
            });
            if files.is_empty() {
                return Err(CliError::Usage(format!(
                    "{}: no policies in <account>/customer-managed/ or <account>/aws-managed/",
                    base.display()
                )));
            }
            analyze_files(&files, &args.rules, args.fmt, false, out)
        }
        AnalyzeCommand::Account(args) => account(args, out),
    }
}

pub fn expand_policy(args: ExpandPolicyArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    // Parse as a policy first, so grammar errors are reported with their position.
    PolicyDocument::from_path(&args.policy)?;
    let text =
        std::fs::read_to_string(&args.policy).map_err(|source| Error::io(&args.policy, source))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|error| CliError::Usage(format!("{}: {error}", args.policy.display())))?;
    let (expanded, unknown) = expanded_policy(&value);
    for action in unknown {
        eprintln!(
            "warning: {}: unknown action {action}",
            args.policy.display()
        );
    }
    json::write_pretty(&expanded, out).map_err(io_error)?;
    Ok(Exit::Ok)
}

pub fn create_exclusions_file(args: CreateExclusionsArgs) -> Result<Exit, CliError> {
    if args.output_file.exists() && !args.force {
        return Err(CliError::Usage(format!(
            "{} exists; use --force to overwrite it",
            args.output_file.display()
        )));
    }
    write_atomically(&args.output_file, TEMPLATE.as_bytes(), FileKind::Document)
        .map_err(|source| Error::io(&args.output_file, source))?;
    eprintln!("wrote {}", args.output_file.display());
    Ok(Exit::Ok)
}
