//! The sections of a CRUD template, added as policy_sentry 0.12.15 adds them: exclusions
//! first, then `wildcard-only`, the ARNs of each access level, `skip-resource-constraints`
//! and `sts`.

use super::exclusions::Exclusions;
use super::resource_types::row_format;
use super::sid_group::{SKIP_RESOURCE_CONSTRAINTS, SidGroup};
use super::template::{CrudTemplate, at, entries};
use super::template_check::resolve_action;
use crate::arn::Arn;
use crate::data::{AccessLevel, Action, Service};
use crate::glob::Fnmatch;
use crate::query;

impl SidGroup {
    /// Adds a CRUD template's sections in policy_sentry's order.
    pub(super) fn process_crud(&mut self, crud: &CrudTemplate) {
        let (exclusions, warnings) = Exclusions::expand(&crud.exclude_actions);
        self.exclusions = exclusions;
        self.warnings.extend(warnings);
        self.add_wildcard_only(crud);
        for level in AccessLevel::ALL {
            for (index, arn) in entries(crud.arns(level)) {
                let key = at(level.cli_name(), index);
                self.add_by_arn_and_access_level(arn, level, &key);
            }
        }
        for (index, text) in entries(&crud.skip_resource_constraints) {
            if !names_actions(text) {
                self.warn(
                    at("skip-resource-constraints", index),
                    format!(
                        "{text:?} names no known action; it is copied into the policy as written"
                    ),
                );
            }
            self.skip_resource_constraints.push(text.to_owned());
            self.add_action_without_resource_constraint(text, SKIP_RESOURCE_CONSTRAINTS);
        }
        for (key, arns) in &crud.sts {
            self.add_sts_actions(key, arns);
        }
    }

    /// Grants the `wildcard-only` actions (single ones, and whole services' per level) on `*`.
    fn add_wildcard_only(&mut self, crud: &CrudTemplate) {
        let wildcard = &crud.wildcard_only;
        let mut provided: Vec<(String, Option<usize>)> = Vec::new();
        for (index, text) in entries(&wildcard.single_actions) {
            if text.split(':').count() == 2 {
                provided.push((text.to_owned(), Some(index)));
            } else {
                self.warn(
                    at("wildcard-only.single-actions", index),
                    format!("{text:?} is not of the form service:Action; ignored"),
                );
            }
        }
        // policy_sentry's order: Read, List, Write, Tagging, Permissions management.
        for level in [
            AccessLevel::Read,
            AccessLevel::List,
            AccessLevel::Write,
            AccessLevel::Tagging,
            AccessLevel::PermissionsManagement,
        ] {
            for (index, prefix) in entries(wildcard.services(level)) {
                let Ok(service) = query::service(prefix) else {
                    continue;
                };
                let before = provided.len();
                provided.extend(
                    service
                        .actions()
                        .filter(|action| {
                            action.access_level() == level && action.is_wildcard_only()
                        })
                        .map(|action| (format!("{prefix}:{}", action.name()), None)),
                );
                if provided.len() == before {
                    self.warn(
                        at(
                            &format!("wildcard-only.service-{}", level.cli_name()),
                            index,
                        ),
                        format!(
                            "{prefix:?} has no {} actions that take no resource",
                            level.as_str()
                        ),
                    );
                }
            }
        }
        let mut verified: Vec<String> = Vec::new();
        let mut verified_actions: Vec<Action> = Vec::new();
        for (text, index) in provided {
            if verified.contains(&text) {
                continue;
            }
            match resolve_action(&text) {
                Ok(action) if action.is_wildcard_only() => {
                    verified.push(text);
                    verified_actions.push(action);
                }
                Ok(action) => {
                    if let Some(index) = index {
                        self.warn(
                            at("wildcard-only.single-actions", index),
                            format!(
                                "{action} can be restricted to resources, so it is not granted on \"*\"; \
                                 list an ARN under an access level, or the action under skip-resource-constraints"
                            ),
                        );
                    }
                }
                Err(_) => {}
            }
        }
        if !verified.is_empty() {
            self.add_by_list_of_actions(&verified, &verified_actions);
        }
    }

    /// Grants `sts:AssumeRole*` (named by the `sts` key) on the role ARNs it can take.
    fn add_sts_actions(&mut self, key: &str, arns: &[String]) {
        let Some(action) = Service::find("sts").and_then(|sts| sts.action(&key.replace('-', "")))
        else {
            return;
        };
        let mut matched = vec![false; arns.len()];
        for row in action.rows() {
            if action.access_level() != AccessLevel::Write {
                continue;
            }
            let format = row_format(row);
            for (index, arn) in entries(arns) {
                let Ok(parsed) = Arn::parse(arn) else {
                    continue;
                };
                if !parsed.matches_format(format) {
                    continue;
                }
                matched[index] = true;
                self.add_arn(action.name(), arn, format, vec![action.qualified_name()]);
            }
        }
        for (index, arn) in entries(arns) {
            if !matched[index] {
                self.warn(
                    at(&format!("sts.{key}"), index),
                    format!("{arn:?} is not an ARN {action} can take (an IAM role); left out"),
                );
            }
        }
    }
}

/// Whether `text` is `service:Action` of a known action (any case), or a glob that matches
/// at least one.
fn names_actions(text: &str) -> bool {
    if resolve_action(text).is_ok() {
        return true;
    }
    let Some((prefix, pattern)) = text.split_once(':') else {
        return false;
    };
    let Ok(service) = query::service(prefix) else {
        return false;
    };
    let glob = Fnmatch::new(&pattern.to_lowercase());
    service
        .actions()
        .any(|action| glob.matches(&action.name().to_lowercase()))
}
