//! The IAM policy document a template turns into, and the [`PolicyFormat`]s it can be
//! printed in. Rendering ([`PolicyDocument::render`], [`PolicyDocument::to_string_in`] and
//! `Display`) lives in [`crate::output::policy`]: write/ builds the value, output/ prints it.

use serde::{Deserialize, Serialize};

use super::template::Effect;

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
