//! YAML output.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};

/// Writes `value` as YAML.
pub fn write<T: Serialize + ?Sized>(value: &T, out: &mut impl Write) -> Result<()> {
    let text = serde_norway::to_string(value).map_err(|error| Error::InvalidInput {
        what: "YAML output".to_owned(),
        message: error.to_string(),
    })?;
    out.write_all(text.as_bytes())
        .map_err(|source| Error::io("<output>", source))
}
