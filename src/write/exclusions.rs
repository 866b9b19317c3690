//! A CRUD template's `exclude-actions`, expanded as policy_sentry 0.12.15 expands them:
//! `*` alone excludes everything; `service:Glob*` is Python's `fnmatchcase` over the
//! lowercased `prefix:name` of the service's actions (prefix as the user spelled it); other
//! entries are compared as written, without regard to case. Leaving the excluded actions out
//! happens when the policy is rendered ([`super::render`]).

use super::caseless_set::CaselessSet;
use super::resource_types::service_in_arn;
use super::sid_group::Warning;
use super::template::{at, entries};
use super::template_check::resolve_action;
use crate::glob::Fnmatch;

/// The actions to leave out of every statement.
#[derive(Debug, Default)]
pub(super) struct Exclusions {
    /// Actions to leave out, lowercased.
    actions: CaselessSet,
    /// `exclude-actions: ['*']`.
    everything: bool,
}

impl Exclusions {
    /// Expands the `exclude-actions` list, with a warning for each entry that excludes
    /// nothing.
    pub(super) fn expand(list: &[String]) -> (Exclusions, Vec<Warning>) {
        let mut exclusions = Exclusions::default();
        let mut warnings = Vec::new();
        let mut warn = |index: usize, message: String| {
            warnings.push(Warning {
                key: at("exclude-actions", index),
                message,
            });
        };
        for (index, text) in entries(list) {
            if text == "*" {
                exclusions.everything = true;
                continue;
            }
            let lower = text.to_lowercase();
            if !text.contains('*') {
                if let Ok(action) = resolve_action(text) {
                    exclusions
                        .actions
                        .insert(action.qualified_name().to_lowercase());
                } else {
                    warn(
                        index,
                        format!("{text:?} names no known action; it excludes nothing"),
                    );
                }
                exclusions.actions.insert(lower);
                continue;
            }
            let prefix = text.split(':').next().unwrap_or_default();
            let glob = Fnmatch::new(&lower);
            let mut matched = false;
            if let Some(service) = service_in_arn(prefix) {
                // policy_sentry matches `prefix:name` as the user spelled the prefix.
                let mut as_written = prefix.to_lowercase();
                as_written.push(':');
                let name_start = as_written.len();
                for action in service.actions() {
                    as_written.truncate(name_start);
                    as_written.extend(action.name().chars().flat_map(char::to_lowercase));
                    if glob.matches(&as_written) {
                        exclusions
                            .actions
                            .insert(action.qualified_name().to_lowercase());
                        matched = true;
                    }
                }
            }
            if !matched {
                warn(
                    index,
                    format!(
                        "{text:?} matches no action (the service prefix must be spelled as AWS does, e.g. s3:Get*); it excludes nothing"
                    ),
                );
                exclusions.actions.insert(lower);
            }
        }
        (exclusions, warnings)
    }

    /// Whether any action is excluded.
    pub(super) fn any(&self) -> bool {
        self.everything || !self.actions.is_empty()
    }

    /// Whether the action (`service:Action`, any case) is excluded.
    pub(super) fn excludes(&self, action: &str) -> bool {
        self.everything || self.actions.contains(action)
    }
}
