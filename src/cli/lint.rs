//! `lint`: findings with stable codes for policy files, an ignore file, `--fail-on`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Deserialize;

use policy_sentry::analyze::PolicyDocument;
use policy_sentry::analyze::lint::{Code, LintFinding, LintSeverity, lint};
use policy_sentry::analyze::positions::{line_columns, statement_positions};
use policy_sentry::analyze::sources::{Source, read_source};
use policy_sentry::error::Error;
use policy_sentry::output::json;
use policy_sentry::output::lint::{Located, sarif, write_text};
use policy_sentry::output::text::counted;

use super::{CliError, Exit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormatArg {
    /// `file:line:column: severity CODE: message`, one per line.
    Text,
    /// A JSON array of findings.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Suggestion,
    Warning,
    SecurityWarning,
    Error,
    /// Never exit 1.
    Never,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Policy JSON files, Terraform plans (`terraform show -json`), CloudFormation templates
    /// (JSON or YAML), or directories whose *.json files are read.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormatArg::Text)]
    pub fmt: LintFormatArg,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOnArg::Error)]
    pub fail_on: FailOnArg,
    /// A YAML list of findings to ignore: `- {code: REDUNDANT_ACTION, file: "legacy/*.json",
    /// sid: OldSid}` (file and sid optional; file is a glob).
    #[arg(long, value_name = "FILE")]
    pub ignore: Option<PathBuf>,
}

/// One entry of the ignore file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ignore {
    code: String,
    file: Option<String>,
    sid: Option<String>,
}

fn read_ignores(path: &Path) -> Result<Vec<Ignore>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
    let ignores: Vec<Ignore> = serde_norway::from_str(&text)
        .map_err(|error| CliError::Usage(format!("{}: {error}", path.display())))?;
    for (index, ignore) in ignores.iter().enumerate() {
        if Code::parse(&ignore.code).is_none() {
            return Err(CliError::Usage(format!(
                "{}: entry {index}: unknown code {:?} (see `policy_sentry lint --help` and the README)",
                path.display(),
                ignore.code
            )));
        }
    }
    Ok(ignores)
}

fn ignored(ignores: &[Ignore], file: &str, finding: &LintFinding) -> bool {
    ignores.iter().any(|ignore| {
        ignore.code == finding.code
            && ignore
                .file
                .as_ref()
                .is_none_or(|glob| wildmatch::WildMatch::new(glob).matches(file))
            && ignore
                .sid
                .as_ref()
                .is_none_or(|sid| finding.sid.as_ref() == Some(sid))
    })
}

/// One INVALID_POLICY finding for a document that does not parse, at the parser's position.
fn invalid(file: &str, error: &Error, line_offset: usize) -> Located {
    let (line, column) = match error {
        Error::InvalidPolicy { line, column, .. } => (*line.max(&1), *column.max(&1)),
        _ => (1, 1),
    };
    Located {
        file: file.to_owned(),
        line: line + line_offset,
        column,
        finding: LintFinding {
            code: Code::InvalidPolicy.as_str(),
            severity: Code::InvalidPolicy.severity(),
            // The file and position are the finding's own; the message need not repeat them.
            message: match error {
                Error::InvalidPolicy { message, .. } => message.clone(),
                other => other.to_string(),
            },
            statement: None,
            sid: None,
        },
    }
}

/// A finding with the (line, column) it points at.
type Placed = (LintFinding, (usize, usize));

/// The findings of one policy document's text, each at its statement's (line, column) from
/// `positions`, or at `start` when it is about the whole policy or its place is not known.
fn lint_text(
    name: &str,
    text: &str,
    positions: &[(usize, usize)],
    start: (usize, usize),
) -> Result<Vec<Placed>, Error> {
    let policy = PolicyDocument::parse_named(text, name)?;
    let size = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|value| serde_json::to_string(&value).ok())
        .map(|compact| compact.chars().count());
    Ok(lint(&policy, size)
        .into_iter()
        .map(|finding| {
            let at = finding
                .statement
                .and_then(|index| positions.get(index).copied())
                .unwrap_or(start);
            (finding, at)
        })
        .collect())
}

/// The findings of one file, located: a policy file at its statements; a Terraform plan or
/// CloudFormation template at each statement too (at the resource's line when the statement
/// cannot be found), the finding naming the policy.
fn lint_file(name: &str, path: &Path) -> Result<Vec<Located>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
    let source = match read_source(name, &text) {
        Ok(source) => source,
        Err(error) => return Ok(vec![invalid(name, &error, 0)]),
    };
    let locate = |(finding, (line, column)): Placed| Located {
        file: name.to_owned(),
        line,
        column,
        finding,
    };
    let embedded = match source {
        Source::Policy => {
            let start = line_columns(&text, &[text.len() - text.trim_start().len()])[0];
            return Ok(
                match lint_text(name, &text, &statement_positions(&text), start) {
                    Ok(findings) => findings.into_iter().map(locate).collect(),
                    Err(error) => vec![invalid(name, &error, 0)],
                },
            );
        }
        Source::Embedded(policies) => policies,
    };
    let mut located = Vec::new();
    for policy in embedded {
        let label = format!("{name}: {}", policy.name);
        let note = match policy.placeholders {
            true => " [CloudFormation functions read as wildcards]",
            false => "",
        };
        match lint_text(&label, &policy.text, &policy.statements, (policy.line, 1)) {
            Ok(findings) => located.extend(findings.into_iter().map(|(mut finding, at)| {
                finding.message = format!("{}: {}{note}", policy.name, finding.message);
                locate((finding, at))
            })),
            Err(error) => {
                let mut finding = invalid(name, &error, 0);
                finding.finding.message = format!("{}: {}", policy.name, finding.finding.message);
                finding.line = policy.line;
                finding.column = 1;
                located.push(finding);
            }
        }
    }
    Ok(located)
}

pub fn run(args: LintArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let ignores = match &args.ignore {
        Some(path) => read_ignores(path)?,
        None => Vec::new(),
    };
    let files = super::json_files::files_of(&args.paths)?;
    let mut findings = Vec::new();
    for (name, path) in &files {
        findings.extend(
            lint_file(name, path)?
                .into_iter()
                .filter(|located| !ignored(&ignores, name, &located.finding)),
        );
    }
    let io = |source| Error::io("<stdout>", source);
    match args.fmt {
        LintFormatArg::Text => {
            write_text(&findings, out).map_err(io)?;
            writeln!(
                out,
                "{} in {}",
                counted(findings.len(), "finding", "findings"),
                counted(files.len(), "file", "files")
            )
            .map_err(io)?;
        }
        LintFormatArg::Json => json::write_pretty(&findings, out).map_err(io)?,
        LintFormatArg::Sarif => json::write_pretty(&sarif(&findings), out).map_err(io)?,
    }
    let threshold = match args.fail_on {
        FailOnArg::Suggestion => Some(LintSeverity::Suggestion),
        FailOnArg::Warning => Some(LintSeverity::Warning),
        FailOnArg::SecurityWarning => Some(LintSeverity::SecurityWarning),
        FailOnArg::Error => Some(LintSeverity::Error),
        FailOnArg::Never => None,
    };
    let failing = threshold.is_some_and(|at| {
        findings
            .iter()
            .any(|located| located.finding.severity >= at)
    });
    Ok(if failing { Exit::Findings } else { Exit::Ok })
}
