//! `diff` and `check no-new-access`: what one version of a policy (or folder of policies)
//! allows that another did not.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Serialize;

use policy_sentry::analyze::access_diff::{NewAccess, PolicyDiff, diff, new_access};
use policy_sentry::error::Error;
use policy_sentry::output::access_diff::{self as render, SarifFile, Side};
use policy_sentry::output::json;

use super::policy_inputs::{FilePolicies, InputPolicy, note_placeholders, read_policies};
use super::{CliError, Exit};

/// Output formats of the policy comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormatArg {
    /// Grants grouped by service, one per line.
    Text,
    /// JSON.
    Json,
    /// Markdown tables, for a pull-request comment.
    Markdown,
    /// SARIF 2.1.0, for code scanning: one result per grant, at its statement.
    Sarif,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version: a policy file (JSON), a Terraform plan (`terraform show -json`) or a
    /// CloudFormation template (JSON or YAML), whose policies pair with NEW's by place.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new version, of the same kind as OLD.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormatArg::Text)]
    pub fmt: DiffFormatArg,
}

#[derive(Debug, Args)]
pub struct NoNewAccessArgs {
    /// The policies before: a policy file, a Terraform plan or CloudFormation template (its
    /// policies pair with the new one's by place), or a directory of *.json files.
    #[arg(long, value_name = "PATH")]
    pub base: PathBuf,
    /// The policies after, of the same kind as --base; a directory's files pair with the
    /// base's by relative path (a policy with no pair counts as wholly new).
    #[arg(long, value_name = "PATH")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormatArg::Text)]
    pub fmt: DiffFormatArg,
}

fn io(source: std::io::Error) -> CliError {
    CliError::Library(Error::io("<stdout>", source))
}

/// `diff OLD NEW`: both directions; exit 0. Two plans or templates are compared policy by
/// policy, paired by place.
pub fn run_diff(args: DiffArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let old = side(&args.old)?;
    let new = side(&args.new)?;
    check_same_kind(("OLD", &args.old, &old), ("NEW", &args.new, &new))?;
    if old.kind == Kind::Policy {
        let (old, new) = (only(old), only(new));
        let result = diff(&old.policy, &new.policy);
        return write_diffs(
            &[(new.label.clone(), "changed", &old, &new, result)],
            false,
            args.fmt,
            out,
        );
    }
    let empty = InputPolicy::empty();
    let mut pairs = Vec::new();
    for (key, status) in paired_keys(&old, &new) {
        let before = old.policies.get(key).unwrap_or(&empty);
        let after = new.policies.get(key).unwrap_or(&empty);
        let label = new
            .policies
            .get(key)
            .or(old.policies.get(key))
            .map_or_else(String::new, |p| p.label.clone());
        let result = diff(&before.policy, &after.policy);
        pairs.push((label, status, before, after, result));
    }
    write_diffs(&pairs, true, args.fmt, out)
}

/// A diff's result with its two sides: (label, status, old, new, diff).
type DiffPair<'a> = (
    String,
    &'static str,
    &'a InputPolicy,
    &'a InputPolicy,
    PolicyDiff,
);

fn write_diffs(
    pairs: &[DiffPair],
    several: bool,
    format: DiffFormatArg,
    out: &mut impl Write,
) -> Result<Exit, CliError> {
    match format {
        DiffFormatArg::Sarif => {
            let files: Vec<SarifFile> = pairs
                .iter()
                .flat_map(|(_, _, old, new, result)| {
                    [
                        SarifFile {
                            uri: &new.path,
                            positions: &new.positions,
                            grants: &result.added,
                            side: Side::Added,
                        },
                        SarifFile {
                            uri: &old.path,
                            positions: &old.positions,
                            grants: &result.removed,
                            side: Side::Removed,
                        },
                    ]
                })
                .collect();
            json::write_pretty(&render::sarif(&files), out).map_err(io)?;
        }
        DiffFormatArg::Json if !several => json::write_pretty(&pairs[0].4, out).map_err(io)?,
        DiffFormatArg::Json => {
            let results: Vec<PairResult> = pairs
                .iter()
                .map(|(label, status, _, _, result)| PairResult {
                    policy: label,
                    status,
                    diff: result,
                })
                .collect();
            json::write_pretty(&results, out).map_err(io)?;
        }
        DiffFormatArg::Markdown => {
            for (label, status, _, _, result) in pairs {
                let (added, removed) = match several {
                    true => (
                        format!("{label} ({status}): added access"),
                        format!("{label} ({status}): removed access"),
                    ),
                    false => ("Added access".to_owned(), "Removed access".to_owned()),
                };
                render::write_markdown(&added, &result.added, Side::Added, out).map_err(io)?;
                render::write_markdown(&removed, &result.removed, Side::Removed, out)
                    .map_err(io)?;
            }
        }
        DiffFormatArg::Text => {
            for (label, status, _, _, result) in pairs {
                if several {
                    writeln!(out, "{label} ({status}):").map_err(io)?;
                }
                write_text_diff(result, out).map_err(io)?;
            }
        }
    }
    Ok(Exit::Ok)
}

/// One pair of policies' diff, for the JSON output of two plans or templates.
#[derive(Debug, Serialize)]
struct PairResult<'a> {
    policy: &'a str,
    /// `changed`, `added` (only in NEW) or `removed` (only in OLD).
    status: &'static str,
    #[serde(flatten)]
    diff: &'a PolicyDiff,
}

fn write_text_diff(result: &PolicyDiff, out: &mut impl Write) -> std::io::Result<()> {
    if result.is_empty() {
        return writeln!(out, "no difference in what the policies allow");
    }
    writeln!(out, "added ({}):", result.added.len())?;
    render::write_text(&result.added, Side::Added, "  ", out)?;
    writeln!(out, "removed ({}):", result.removed.len())?;
    render::write_text(&result.removed, Side::Removed, "  ", out)
}

/// What a command-line path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A policy file.
    Policy,
    /// A directory of policy files (plans and templates among them).
    Directory,
    /// A Terraform plan or CloudFormation template.
    Embedded,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Policy => "a policy file",
            Kind::Directory => "a directory",
            Kind::Embedded => "a Terraform plan or CloudFormation template",
        }
    }
}

/// The policies under a path, keyed for pairing with another version of it: a directory's
/// files by relative path (`path: place` for the policies of a plan or template), a plan's or
/// template's policies by place.
#[derive(Debug)]
struct Policies {
    kind: Kind,
    policies: BTreeMap<String, InputPolicy>,
}

fn side(path: &Path) -> Result<Policies, CliError> {
    let mut policies = BTreeMap::new();
    if path.is_dir() {
        let files = super::json_files::json_files(path, path)?;
        for warning in &files.warnings {
            eprintln!("warning: {warning}");
        }
        for (name, file) in files.files {
            let found = read_policies(&name, &file)?;
            if let FilePolicies::Embedded(found) = &found {
                note_placeholders(found);
            }
            match found {
                FilePolicies::One(policy) => {
                    policies.insert(name, policy);
                }
                FilePolicies::Embedded(found) => {
                    for policy in found {
                        let key = format!("{name}: {}", policy.place.as_deref().unwrap_or(""));
                        policies.insert(key, policy);
                    }
                }
            }
        }
        return Ok(Policies {
            kind: Kind::Directory,
            policies,
        });
    }
    let name = path
        .file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned();
    let kind = match read_policies(&name, path)? {
        FilePolicies::One(policy) => {
            policies.insert(name, policy);
            Kind::Policy
        }
        FilePolicies::Embedded(found) => {
            note_placeholders(&found);
            for policy in found {
                policies.insert(policy.place.clone().unwrap_or_default(), policy);
            }
            Kind::Embedded
        }
    };
    Ok(Policies { kind, policies })
}

fn check_same_kind(
    (old_flag, old_path, old): (&str, &Path, &Policies),
    (new_flag, new_path, new): (&str, &Path, &Policies),
) -> Result<(), CliError> {
    if old.kind == new.kind {
        return Ok(());
    }
    Err(CliError::Usage(format!(
        "{old_flag} {} is {} and {new_flag} {} is {}: compare two of the same kind",
        old_path.display(),
        old.kind.noun(),
        new_path.display(),
        new.kind.noun()
    )))
}

/// The one policy of a policy file.
fn only(side: Policies) -> InputPolicy {
    side.policies
        .into_values()
        .next()
        .expect("a policy file holds one policy")
}

/// Every key of either side, in order, with `changed`, `added` or `removed`.
fn paired_keys<'a>(old: &'a Policies, new: &'a Policies) -> Vec<(&'a String, &'static str)> {
    let mut keys: Vec<&String> = old.policies.keys().chain(new.policies.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|key| {
            let status = match (
                old.policies.contains_key(key),
                new.policies.contains_key(key),
            ) {
                (true, true) => "changed",
                (false, _) => "added",
                (true, false) => "removed",
            };
            (key, status)
        })
        .collect()
}

/// One file's result, for the JSON output.
#[derive(Debug, Serialize)]
struct FileResult {
    file: String,
    /// Pairs it with the new side's policy.
    #[serde(skip)]
    key: String,
    /// `changed`, `added` (no base file) or `removed` (no new file).
    status: &'static str,
    new_access: Vec<NewAccess>,
}

/// `check no-new-access`: exit 1 when the new policies allow anything the base did not.
pub fn run_no_new_access(args: NoNewAccessArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let base = side(&args.base)?;
    let new = side(&args.new)?;
    check_same_kind(("--base", &args.base, &base), ("--new", &args.new, &new))?;
    let empty = InputPolicy::empty();
    let mut results = Vec::new();
    let keys: Vec<(&String, &'static str)> = match base.kind {
        Kind::Policy => new.policies.keys().map(|key| (key, "changed")).collect(),
        _ => paired_keys(&base, &new),
    };
    for (key, status) in keys {
        let before = match base.kind {
            Kind::Policy => base.policies.values().next(),
            _ => base.policies.get(key),
        };
        let found = match (status, new.policies.get(key)) {
            ("removed", _) | (_, None) => Vec::new(),
            (_, Some(after)) => new_access(&before.unwrap_or(&empty).policy, &after.policy),
        };
        let label = new
            .policies
            .get(key)
            .or(before)
            .map_or_else(|| key.clone(), |p| p.label.clone());
        results.push(FileResult {
            file: label,
            key: key.clone(),
            status,
            new_access: found,
        });
    }
    let granting = results.iter().filter(|r| !r.new_access.is_empty()).count();
    match args.fmt {
        DiffFormatArg::Sarif => {
            let files: Vec<SarifFile> = results
                .iter()
                .filter_map(|result| {
                    let loaded = new.policies.get(&result.key)?;
                    Some(SarifFile {
                        uri: &loaded.path,
                        positions: &loaded.positions,
                        grants: &result.new_access,
                        side: Side::Added,
                    })
                })
                .collect();
            json::write_pretty(&render::sarif(&files), out).map_err(io)?;
        }
        DiffFormatArg::Json => json::write_pretty(&results, out).map_err(io)?,
        DiffFormatArg::Markdown => {
            for result in &results {
                let heading = format!("{} ({})", result.file, result.status);
                render::write_markdown(&heading, &result.new_access, Side::Added, out)
                    .map_err(io)?;
            }
        }
        DiffFormatArg::Text => {
            for result in &results {
                match result.status {
                    "removed" => writeln!(out, "{}: removed", result.file),
                    _ if result.new_access.is_empty() => {
                        writeln!(out, "{}: no new access", result.file)
                    }
                    status => writeln!(
                        out,
                        "{} ({status}): {} new or possibly new grants",
                        result.file,
                        result.new_access.len()
                    )
                    .and_then(|_| render::write_text(&result.new_access, Side::Added, "  ", out)),
                }
                .map_err(io)?;
            }
            match granting {
                0 => writeln!(out, "no new access"),
                n => writeln!(out, "new access in {n} of {} policies", results.len()),
            }
            .map_err(io)?;
        }
    }
    Ok(if granting > 0 {
        Exit::Findings
    } else {
        Exit::Ok
    })
}
