//! Output formats. Every renderer writes a [`serde_json::Value`] into an `impl Write`, so the
//! CLI, tests and library users share one code path per format.

pub mod csv;
pub mod html;
pub mod iam_definition;
pub mod json;
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
