//! Policies as `write-policy` prints them, byte-compatible with policy_sentry 0.12.15: JSON
//! (`json.dumps(indent=4)`), YAML (`yaml.dump(sort_keys=False)`) and Terraform's
//! `{"policy": "<json>"}`. The methods are on [`PolicyDocument`] (an inherent impl may live in
//! any module of the crate) so callers write `policy.to_string_in(format)`, while the write
//! layer itself never reaches up into output.

use std::fmt;
use std::io::{self, Write};

use super::{json, pyyaml};
use crate::write::{PolicyDocument, PolicyFormat};

impl PolicyDocument {
    /// Writes the policy in `format`, byte-compatible with policy_sentry 0.12.15's
    /// `write-policy` output (including the final newline).
    ///
    /// ```
    /// use policy_sentry::write::{PolicyDocument, PolicyFormat};
    /// let mut out = Vec::new();
    /// PolicyDocument::default().render(PolicyFormat::Terraform, &mut out).unwrap();
    /// assert_eq!(
    ///     String::from_utf8(out).unwrap(),
    ///     "{\"policy\": \"{\\\"Version\\\": \\\"2012-10-17\\\", \\\"Statement\\\": []}\"}\n"
    /// );
    /// ```
    pub fn render(&self, format: PolicyFormat, out: &mut impl Write) -> io::Result<()> {
        match format {
            PolicyFormat::Json => json::write_pretty(self, out),
            PolicyFormat::Yaml => {
                let value = serde_json::to_value(self).map_err(io::Error::other)?;
                out.write_all(pyyaml::dump(&value).as_bytes())?;
                // policy_sentry print()s the dump, which already ends with a newline.
                out.write_all(b"\n")
            }
            PolicyFormat::Terraform => {
                let inner = json::to_python_compact(self)?;
                let outer = json::to_python_compact(&serde_json::json!({ "policy": inner }))?;
                out.write_all(outer.as_bytes())?;
                out.write_all(b"\n")
            }
        }
    }

    /// The policy rendered in `format`, as text.
    pub fn to_string_in(&self, format: PolicyFormat) -> String {
        let mut out = Vec::new();
        self.render(format, &mut out)
            .expect("writing into memory cannot fail");
        String::from_utf8(out).expect("renderers write UTF-8")
    }
}

impl fmt::Display for PolicyDocument {
    /// The JSON form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_in(PolicyFormat::Json))
    }
}
