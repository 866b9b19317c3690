//! `data-info`: the embedded data's snapshot date, age and counts, with a warning on stderr
//! when it is older than a year.

use std::io::Write;

use clap::{Args, ValueEnum};

use policy_sentry::data::info::{DataInfo, STALE_AFTER_DAYS};
use policy_sentry::data::snapshot;
use policy_sentry::date::Date;
use policy_sentry::error::Error;
use policy_sentry::output::text::counted;
use policy_sentry::output::{ReportFormat, json};

use super::{CliError, Exit};

/// Formats of the data commands' reports: the text and JSON of [`ReportFormat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormatArg {
    /// Readable text.
    Text,
    /// One JSON object.
    Json,
}

impl From<DataFormatArg> for ReportFormat {
    fn from(format: DataFormatArg) -> ReportFormat {
        match format {
            DataFormatArg::Text => ReportFormat::Text,
            DataFormatArg::Json => ReportFormat::Json,
        }
    }
}

#[derive(Debug, Args)]
pub struct DataInfoArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = DataFormatArg::Text)]
    pub fmt: DataFormatArg,
}

/// A test hook, not a user setting: the day `data-info` counts the data's age up to, so that
/// the tests' expected age does not change at midnight. Unset, it is today (UTC).
pub const TODAY_ENV: &str = "POLICY_SENTRY_TODAY";

fn today() -> Result<Date, CliError> {
    match std::env::var(TODAY_ENV) {
        Err(_) => Ok(Date::today()),
        Ok(value) => Date::parse(&value).ok_or_else(|| {
            CliError::Usage(format!("{TODAY_ENV}={value:?}: not a YYYY-MM-DD date"))
        }),
    }
}

pub fn run(args: DataInfoArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let info = DataInfo::collect(today()?);
    if info.is_stale() {
        let newest = snapshot::default();
        let advice = if newest.date > info.snapshot_date {
            format!(
                "newer data is embedded: {} (the default without --data-snapshot); \
                 `policy_sentry data-diff --from {} --to {} --policy FILE` shows what it changes for a policy",
                newest.date, info.snapshot_date, newest.date
            )
        } else {
            "refresh it with `policy_sentry fetch-docs --output-dir DIR` and build with POLICY_SENTRY_AWS_DOCS=DIR"
                .to_owned()
        };
        eprintln!(
            "warning: the data in use is from {}, {} days ago (more than {STALE_AFTER_DAYS}); {advice}",
            info.snapshot_date,
            info.age_days.unwrap_or_default()
        );
    }
    let io = |source| Error::io("<stdout>", source);
    match ReportFormat::from(args.fmt) {
        ReportFormat::Json => json::write_pretty(&info, out).map_err(io)?,
        _ => write_text(&info, out).map_err(io)?,
    }
    Ok(Exit::Ok)
}

fn write_text(info: &DataInfo, out: &mut impl Write) -> std::io::Result<()> {
    match info.age_days {
        Some(age) => writeln!(
            out,
            "snapshot date:  {} ({} old)",
            info.snapshot_date,
            counted(age, "day", "days")
        )?,
        None => writeln!(out, "snapshot date:  {}", info.snapshot_date)?,
    }
    writeln!(out, "pages:          {}", info.pages)?;
    writeln!(out, "services:       {}", info.services)?;
    writeln!(out, "actions:        {}", info.actions)?;
    writeln!(out, "resource types: {}", info.resource_types)?;
    writeln!(out, "condition keys: {}", info.condition_keys)?;
    // Pinned, the output is what it was before other snapshots were embedded.
    if !info.pinned {
        for (position, snapshot) in info.snapshots.iter().enumerate() {
            writeln!(
                out,
                "{:16}{}{} from {}, licence {}: {} services, {} actions, {} resource types, {} condition keys",
                if position == 0 { "embedded:" } else { "" },
                snapshot.date,
                if snapshot.default { " (default)" } else { "" },
                snapshot.source,
                snapshot.licence,
                snapshot.services,
                snapshot.actions,
                snapshot.resource_types,
                snapshot.condition_keys
            )?;
        }
    }
    if let Some(overrides) = &info.access_level_overrides {
        writeln!(
            out,
            "overrides:      {} ({} listed, {} changed)",
            overrides.file,
            counted(overrides.actions_listed, "action", "actions"),
            overrides.actions_changed
        )?;
    }
    writeln!(out)?;
    let width = info
        .per_service
        .iter()
        .map(|service| service.prefix.len())
        .max()
        .unwrap_or(0)
        .max("service".len());
    writeln!(
        out,
        "{:width$}  actions  resource types  condition keys",
        "service"
    )?;
    for service in &info.per_service {
        writeln!(
            out,
            "{:width$}  {:>7}  {:>14}  {:>14}",
            service.prefix, service.actions, service.resource_types, service.condition_keys
        )?;
    }
    Ok(())
}
