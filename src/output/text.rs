//! Plain text: a list prints one item per line; records print their fields tab-separated;
//! an object prints `key: value` lines.

use std::io::{self, Write};

use serde_json::Value;

fn scalar(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        Value::Object(fields) => fields.values().map(scalar).collect::<Vec<_>>().join("\t"),
        other => other.to_string(),
    }
}

/// Writes `value` as text.
pub fn write(value: &Value, out: &mut impl Write) -> io::Result<()> {
    match value {
        Value::Array(items) => {
            for item in items {
                writeln!(out, "{}", scalar(item))?;
            }
        }
        Value::Object(fields) => {
            for (key, field) in fields {
                match field {
                    Value::Array(items) if items.iter().any(Value::is_object) => {
                        for item in items {
                            writeln!(out, "{key}\t{}", scalar(item))?;
                        }
                    }
                    _ => writeln!(out, "{key}: {}", scalar(field))?,
                }
            }
        }
        other => writeln!(out, "{}", scalar(other))?,
    }
    Ok(())
}
