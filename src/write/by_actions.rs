//! Actions-mode templates (and the `wildcard-only` section of CRUD ones), added as
//! policy_sentry 0.12.15's `add_by_list_of_actions` does: each action's resource types are
//! added as ARN formats of the reference at the action's level, then everything not asked
//! for is pruned.

use std::collections::HashSet;

use super::caseless_set::CaselessSet;
use super::resource_types::{dependents_of, row_resource};
use super::sid_group::{MULT_MULT_NONE, SidGroup};
use super::template::{ActionsTemplate, Effect, at, entries};
use crate::data::{AccessLevel, Action};

impl SidGroup {
    /// `resolved` holds the action of each non-empty entry ([`super::template_check::check_actions`]).
    pub(super) fn process_actions(&mut self, template: &ActionsTemplate, resolved: &[Action]) {
        let supplied: Vec<String> = entries(&template.actions)
            .map(|(_, text)| text.to_owned())
            .collect();
        if supplied.is_empty() {
            return;
        }
        self.add_by_list_of_actions(&supplied, resolved);
        let mut placed: CaselessSet<&str> = CaselessSet::default();
        for action in self.sids.values().flat_map(|group| &group.actions) {
            placed.insert(action);
        }
        let mut warnings: Vec<(usize, &str)> = Vec::new();
        for ((index, text), action) in entries(&template.actions).zip(resolved) {
            if !placed.contains(&action.qualified_name()) {
                warnings.push((index, text));
            }
        }
        for (index, text) in warnings {
            self.warn(
                at("actions", index),
                format!(
                    "{text:?} was left out: policy_sentry matches none of its resource types \
                         (they belong to another service or have an unusable ARN format)"
                ),
            );
        }
    }

    /// Actions mode (and the wildcard-only section): each action's resource types are added
    /// as ARN formats of the reference at the action's level, then everything not asked for
    /// (or a dependent) is pruned. `resolved` holds the action each supplied text names.
    pub(super) fn add_by_list_of_actions(&mut self, supplied: &[String], resolved: &[Action]) {
        // A Deny policy denies only what was asked.
        let dependents: Vec<&'static str> = match self.effect {
            Effect::Allow => dependents_of(resolved),
            Effect::Deny => Vec::new(),
        }
        .into_iter()
        .filter(|dependent| !supplied.iter().any(|text| text == dependent))
        .collect();
        let mut wanted: CaselessSet = CaselessSet::default();
        // A supplied text names the action it resolved to, if any (or, as `catalog:X`, none).
        for text in supplied {
            wanted.insert(text.to_owned());
        }
        for dependent in &dependents {
            wanted.insert_naming_action((*dependent).to_owned());
        }
        // The documented names too, so `catalog:X` keeps `servicecatalog:X`.
        for action in resolved {
            wanted.insert_action(*action);
        }
        let mut without_resource: Vec<String> = Vec::new();
        // Adding the same format at the same level again changes nothing.
        let mut added: HashSet<(&str, AccessLevel)> = HashSet::new();
        for &action in resolved {
            for row in action.rows() {
                match row_resource(row).filter(|resource| resource.arn_format() != "*") {
                    None => without_resource.push(action.qualified_name()),
                    Some(resource) => {
                        let level = action.access_level();
                        if added.insert((resource.arn_format(), level)) {
                            self.add_by_format_and_access_level(resource, level, &wanted);
                        }
                    }
                }
            }
        }
        for dependent in &dependents {
            self.add_action_without_resource_constraint(dependent, MULT_MULT_NONE);
        }
        for group in self.sids.values_mut() {
            group.actions.retain(|action| wanted.contains(action));
        }
        self.sids.retain(|_, group| !group.actions.is_empty());
        for action in &without_resource {
            self.add_action_without_resource_constraint(action, MULT_MULT_NONE);
        }
        self.remove_actions_duplicated_in_wildcard_arn();
    }

    /// An action granted on a resource need not be granted on `*` too.
    fn remove_actions_duplicated_in_wildcard_arn(&mut self) {
        let on_wildcard: Vec<String> = self
            .sids
            .values()
            .filter(|group| group.arn_format == "*")
            .flat_map(|group| group.actions.iter().cloned())
            .collect();
        if on_wildcard.is_empty() {
            return;
        }
        let mut to_remove: Vec<&String> = Vec::new();
        for group in self.sids.values() {
            if group.arn_format.contains('*') {
                continue;
            }
            for action in &on_wildcard {
                if group.actions.contains(action)
                    && !self
                        .skip_resource_constraints
                        .iter()
                        .any(|skip| **skip == **action)
                {
                    to_remove.push(action);
                }
            }
        }
        for group in self.sids.values_mut() {
            if !group.arn_format.contains('*') {
                continue;
            }
            for action in &to_remove {
                if let Some(position) = group.actions.iter().position(|seen| seen == *action) {
                    group.actions.remove(position);
                }
            }
        }
    }
}
