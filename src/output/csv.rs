//! CSV output for lists (one column, `value`) and lists of flat records (a column per
//! field; list fields are joined with `;`).

use std::io::Write;

use serde_json::Value;

use crate::error::{Error, Result};

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

fn not_tabular() -> Error {
    Error::InvalidInput {
        what: "--fmt csv".to_owned(),
        message: "this result is not a table; use --fmt json or yaml".to_owned(),
    }
}

/// Writes a list as CSV.
pub fn write(value: &Value, out: &mut impl Write) -> Result<()> {
    let to_error = |error: csv::Error| Error::InvalidInput {
        what: "CSV output".to_owned(),
        message: error.to_string(),
    };
    let mut writer = csv::Writer::from_writer(out);
    let Value::Array(rows) = value else {
        return Err(not_tabular());
    };
    match rows.first() {
        Some(Value::Object(first)) => {
            let columns: Vec<&String> = first.keys().collect();
            writer.write_record(&columns).map_err(to_error)?;
            for row in rows {
                let Value::Object(fields) = row else {
                    return Err(not_tabular());
                };
                let record: Vec<String> = columns
                    .iter()
                    .map(|column| fields.get(*column).map(cell).unwrap_or_default())
                    .collect();
                writer.write_record(&record).map_err(to_error)?;
            }
        }
        _ => {
            writer.write_record(["value"]).map_err(to_error)?;
            for row in rows {
                writer.write_record([cell(row)]).map_err(to_error)?;
            }
        }
    }
    writer
        .flush()
        .map_err(|source| Error::io("<output>", source))
}
