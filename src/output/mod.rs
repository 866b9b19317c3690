//! Output formats: [`OutputFormat`] for query data, [`ReportFormat`] for reports, and
//! [`crate::write::PolicyFormat`] for policies ([`policy`]). Every data renderer writes a [`serde_json::Value`] into an `impl Write`, so the
//! CLI, tests and library users share one code path per format.

pub mod access_diff;
pub mod account_json;
pub mod csv;
pub mod data_diff;
pub mod escalation;
pub mod explain;
pub mod html;
pub mod iam_definition;
pub mod json;
pub mod lint;
pub mod markdown;
pub mod ordered;
pub mod policy;
pub mod pyyaml;
pub mod report_json;
pub mod sarif;
pub mod text;
pub mod yaml;

use std::io::Write;

use serde_json::Value;

use crate::error::{Error, Result};

/// The formats data can be printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// Pretty JSON (4-space indent, non-ASCII escaped), as policy_sentry prints it.
    Json,
    /// YAML.
    Yaml,
    /// CSV with a header row (lists and tables only).
    Csv,
    /// Plain text: one item per line.
    Text,
}

/// The formats of reports: policy analyses and account audits (all of them), `data-info` and
/// `data-diff` (text and JSON). Reports are not [`serde_json::Value`]s, so each command picks
/// its renderer per format; HTML is for account audits only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    /// A short readable summary.
    Text,
    /// JSON, as [`json::write_pretty`] writes it.
    Json,
    /// CSV with a header row.
    Csv,
    /// Markdown.
    Markdown,
    /// One self-contained HTML file.
    Html,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

impl ReportFormat {
    /// The file name extension of a report file in this format.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Text => "txt",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Markdown => "md",
            ReportFormat::Html => "html",
            ReportFormat::Sarif => "sarif",
        }
    }
}

/// Writes `value` in `format`, ending with a newline.
pub fn render(value: &Value, format: OutputFormat, out: &mut impl Write) -> Result<()> {
    let io = |source| Error::io("<output>", source);
    match format {
        OutputFormat::Json => json::write_pretty(value, out).map_err(io),
        OutputFormat::Yaml => yaml::write(value, out),
        OutputFormat::Csv => csv::write(value, out),
        OutputFormat::Text => text::write(value, out).map_err(io),
    }
}
