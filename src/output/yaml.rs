//! YAML for `query --fmt yaml` (and any [`super::OutputFormat::Yaml`] rendering): serde_norway's
//! plain YAML. Readers parse it rather than compare bytes (policy_sentry's own `query` YAML
//! has anchors and key orders no one relies on), so a standard emitter serves. Policies,
//! whose YAML must be byte-identical to policy_sentry's, go through [`super::pyyaml`] instead.

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
