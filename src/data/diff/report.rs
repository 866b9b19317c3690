//! `data-diff`'s whole report: the data changes and, when asked, what they mean for policies
//! and templates.

use serde::Serialize;

use super::DataDiff;
use super::policies::{PolicyDrift, TemplateDrift};

/// The data changes, then one entry per policy and template given (absent when none were).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriftReport {
    #[serde(flatten)]
    pub data: DataDiff,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<PolicyDrift>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templates: Option<Vec<TemplateDrift>>,
}

impl DriftReport {
    /// Whether anything the user asked about differs: the given policies and templates when
    /// there are any, else the data.
    pub fn has_changes(&self) -> bool {
        match (&self.policies, &self.templates) {
            (None, None) => !self.data.is_empty(),
            (policies, templates) => {
                policies
                    .iter()
                    .flatten()
                    .any(|policy| !policy.statements.is_empty())
                    || templates.iter().flatten().any(TemplateDrift::is_changed)
            }
        }
    }
}
