//! `data-diff`: what another folder of AWS pages changes compared with the embedded data.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use policy_sentry::data::diff::{DataDiff, diff_directory};
use policy_sentry::error::Error;
use policy_sentry::output::text::counted;
use policy_sentry::output::{ReportFormat, json};

use super::data_info::DataFormatArg;
use super::{CliError, Exit};

#[derive(Debug, Args)]
pub struct DataDiffArgs {
    /// The folder of list_*.html pages to compare with (e.g. from fetch-docs).
    #[arg(long, value_name = "DIR")]
    pub docs_dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormatArg::Text)]
    pub fmt: DataFormatArg,
}

pub fn run(args: DataDiffArgs, mut out: &mut dyn Write) -> Result<Exit, CliError> {
    let diff = diff_directory(&args.docs_dir)?;
    let io = |source| Error::io("<stdout>", source);
    match ReportFormat::from(args.fmt) {
        ReportFormat::Json => json::write_pretty(&diff, &mut out).map_err(io)?,
        _ => write_text(&diff, &mut out).map_err(io)?,
    }
    Ok(Exit::Ok)
}

fn type_list(types: &[String], sign: char) -> String {
    types
        .iter()
        .map(|name| match name.as_str() {
            "" => format!("{sign}(no resource type)"),
            name => format!("{sign}{name}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn write_text(diff: &DataDiff, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "pages read: {}", diff.pages)?;
    if diff.is_empty() {
        writeln!(out, "no differences from the embedded data")?;
        return Ok(());
    }
    let section = |out: &mut dyn Write, title: &str, lines: Vec<String>| -> std::io::Result<()> {
        writeln!(out, "{title} ({}):", lines.len())?;
        for line in lines {
            writeln!(out, "  {line}")?;
        }
        Ok(())
    };
    let service_line = |sign: char, service: &policy_sentry::data::diff::ServiceChange| {
        format!(
            "{sign} {} ({}, {})",
            service.prefix,
            service.name,
            counted(service.actions, "action", "actions")
        )
    };
    section(
        out,
        "services added",
        diff.services_added
            .iter()
            .map(|s| service_line('+', s))
            .collect(),
    )?;
    section(
        out,
        "services removed",
        diff.services_removed
            .iter()
            .map(|s| service_line('-', s))
            .collect(),
    )?;
    section(
        out,
        "actions added",
        diff.actions_added
            .iter()
            .map(|a| format!("+ {a}"))
            .collect(),
    )?;
    section(
        out,
        "actions removed",
        diff.actions_removed
            .iter()
            .map(|a| format!("- {a}"))
            .collect(),
    )?;
    section(
        out,
        "access levels changed",
        diff.access_levels_changed
            .iter()
            .map(|change| {
                format!(
                    "~ {}: {} -> {}",
                    change.action,
                    change.from.0.as_str(),
                    change.to.0.as_str()
                )
            })
            .collect(),
    )?;
    section(
        out,
        "resource types changed",
        diff.resource_types_changed
            .iter()
            .map(|change| {
                let mut parts = vec![format!("~ {}:", change.action)];
                if !change.added.is_empty() {
                    parts.push(type_list(&change.added, '+'));
                }
                if !change.removed.is_empty() {
                    parts.push(type_list(&change.removed, '-'));
                }
                parts.join(" ")
            })
            .collect(),
    )?;
    Ok(())
}
