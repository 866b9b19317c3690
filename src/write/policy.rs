//! The IAM policy document a template turns into, and its three renderings: JSON as
//! policy_sentry prints it (`json.dumps(indent=4)`), YAML (`yaml.dump(sort_keys=False)`) and
//! Terraform's `{"policy": "<json>"}`.

use std::fmt;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::template::Effect;
use crate::output::{json, pyyaml};

/// The IAM policy language version policy_sentry writes.
pub const POLICY_VERSION: &str = "2012-10-17";

/// An IAM policy document. Serialises with the keys `Version`, `Statement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    /// Always [`POLICY_VERSION`] for written policies.
    pub version: String,
    /// The statements, in the order their Sids were created.
    pub statement: Vec<Statement>,
}

/// One statement. Serialises with the keys `Sid`, `Effect`, `Action`, `Resource`, in that
/// order; `Action` and `Resource` are always lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    /// E.g. `S3ReadBucket`, `MultMultNone`.
    pub sid: String,
    /// `Allow` unless the template says `effect: Deny`.
    pub effect: Effect,
    /// Actions, sorted.
    pub action: Vec<String>,
    /// Resource ARNs in the order they were added, or `["*"]`.
    pub resource: Vec<String>,
}

impl Default for PolicyDocument {
    fn default() -> PolicyDocument {
        PolicyDocument {
            version: POLICY_VERSION.to_owned(),
            statement: Vec::new(),
        }
    }
}

/// The ways `write-policy` prints a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PolicyFormat {
    /// JSON with a 4-space indent, non-ASCII escaped.
    #[default]
    Json,
    /// YAML as PyYAML writes it.
    Yaml,
    /// `{"policy": "<the policy as compact JSON>"}` for Terraform's external data source.
    Terraform,
}

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
