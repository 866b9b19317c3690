//! Turning a template into statements, the way policy_sentry 0.12.15's `SidGroup` does:
//! statements are keyed by Sid in creation order; CRUD templates add actions per ARN and
//! access level (`write::crud`), actions templates per resource type of each action
//! (`write::by_actions`); dependent actions and actions that take no resource go to
//! `MultMultNone` on `*`; exclusions, sorting and minimizing happen when the policy is
//! rendered (`write::render`).
//!
//! Before anything is added, the template is checked against the IAM reference
//! (`write::template_check`). Values policy_sentry would silently drop (an ARN of no known
//! resource type, a `single-actions` entry that can take a resource) are dropped too, with a
//! [`Warning`].

use std::fmt;

use indexmap::{IndexMap, IndexSet};

use super::caseless_set::CaselessSet;
use super::exclusions::Exclusions;
use super::policy::PolicyDocument;
use super::render::render;
use super::resource_types::{
    ResourceTypes, TypeActions, matched_at_level, row_format, service_in_arn,
};
use super::sid_name::sid_namespace;
use super::template::{Effect, Template};
use super::template_check::{check_actions, check_crud, resolve_action};
use crate::arn::Arn;
use crate::data::{AccessLevel, Action, ResourceType, Service};
use crate::error::{Result, suggest};

pub(super) const MULT_MULT_NONE: &str = "MultMultNone";
pub(super) const SKIP_RESOURCE_CONSTRAINTS: &str = "SkipResourceConstraints";

/// Something in a template that was left out of the policy, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where: e.g. `read[0]` or `wildcard-only.single-actions[2]`.
    pub key: String,
    /// What happened, naming the value.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// A written policy with the warnings about what the template asked for but did not get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenPolicy {
    /// The policy.
    pub policy: PolicyDocument,
    /// Template values left out of it.
    pub warnings: Vec<Warning>,
}

/// One Sid's statement under construction.
#[derive(Debug)]
pub(super) struct Group {
    /// The resources, in the order first added (a set: a template may list many thousands).
    pub(super) arns: IndexSet<String>,
    /// The ARN format the Sid was made for, or `*`.
    pub(super) arn_format: String,
    pub(super) actions: Vec<String>,
}

impl Group {
    /// A statement on `*`.
    fn on_wildcard(actions: Vec<String>) -> Group {
        Group {
            arns: IndexSet::from(["*".to_owned()]),
            arn_format: "*".to_owned(),
            actions,
        }
    }
}

/// The statements of a policy under construction, with what it learned on the way.
#[derive(Debug, Default)]
pub(super) struct SidGroup {
    pub(super) sids: IndexMap<String, Group>,
    /// The reference's resource types and formats, looked up once per policy.
    pub(super) types: ResourceTypes,
    pub(super) skip_resource_constraints: Vec<String>,
    /// `exclude-actions`, expanded.
    pub(super) exclusions: Exclusions,
    pub(super) warnings: Vec<Warning>,
    /// The template's `effect`: a Deny policy gets no dependent actions.
    pub(super) effect: Effect,
    /// The dependent actions already warned about being granted on `*`.
    unscoped_warned: Vec<&'static str>,
}

/// Writes the policy for a template. `minimize` is the minimum action-name length of
/// `--minimize` (0 for no minimum), `None` not to minimize.
pub fn write_policy(template: &Template, minimize: Option<usize>) -> Result<WrittenPolicy> {
    let mut group = SidGroup {
        effect: template.effect(),
        ..SidGroup::default()
    };
    match template {
        Template::Crud(crud) => {
            check_crud(crud)?;
            group.process_crud(crud);
        }
        Template::Actions(actions) => {
            let resolved = check_actions(actions)?;
            group.process_actions(actions, &resolved);
        }
    }
    let policy = render(group.sids, &group.exclusions, minimize, template.effect());
    Ok(WrittenPolicy {
        policy,
        warnings: group.warnings,
    })
}

/// Whether a `${…}` placeholder of the ARN contains a colon.
fn has_placeholder_with_colon(arn: &str) -> bool {
    arn.split("${").skip(1).any(|rest| {
        rest.split_once('}')
            .is_some_and(|(inside, _)| inside.contains(':'))
    })
}

/// Whether the action named `qualified` (`service:Action`) takes resources of the type with
/// this ARN format.
fn takes_format(qualified: &str, arn_format: &str) -> bool {
    resolve_action(qualified).is_ok_and(|action| {
        action
            .rows()
            .any(|row| row_format(row).eq_ignore_ascii_case(arn_format))
    })
}

/// Whether `qualified` is exactly `service:Action` of this action.
fn is_qualified_name_of(qualified: &str, action: Action) -> bool {
    qualified
        .split_once(':')
        .is_some_and(|(prefix, name)| prefix == action.service().prefix() && name == action.name())
}

impl SidGroup {
    pub(super) fn warn(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning {
            key: key.into(),
            message: message.into(),
        });
    }

    /// Adds every action of the ARN's service at `level` whose resource type the ARN (a
    /// template value, which warnings name by `key`) is of.
    pub(super) fn add_by_arn_and_access_level(&mut self, arn: &str, level: AccessLevel, key: &str) {
        let prefix = arn.split(':').nth(2).unwrap_or_default();
        if prefix.contains('$') {
            self.warn(
                key,
                format!("{arn:?}: the service part is a placeholder, so no resource type can be matched; left out"),
            );
            return;
        }
        let Some(service) = service_in_arn(prefix) else {
            let hint = if has_placeholder_with_colon(arn) {
                // e.g. CloudFormation's arn:${AWS::Partition}:…
                " (a placeholder containing \"::\" such as ${AWS::Partition} shifts the ARN's \
                 colon-separated parts; write the partition out, e.g. aws)"
                    .to_owned()
            } else if let Some(service) = Service::find(prefix) {
                format!(
                    " (service prefixes in ARNs are lowercase: did you mean {}?)",
                    service.prefix()
                )
            } else if prefix.is_empty() {
                String::new()
            } else {
                suggest(prefix, Service::all().map(Service::prefix)).to_string()
            };
            self.warn(
                key,
                format!("{arn:?}: unknown service prefix {prefix:?}{hint}; left out"),
            );
            return;
        };
        let Ok(parsed) = Arn::parse(arn) else {
            return;
        };
        let matcher = parsed.matcher();
        let formats = self.types.formats(service);
        if !formats.all().any(|format| matcher.matches_parsed(format)) {
            self.warn(
                key,
                format!(
                    "{arn:?} matches no resource type of {}; left out (see `query arn-table --service {}`)",
                    service.prefix(),
                    service.prefix()
                ),
            );
            return;
        }
        // Only the formats of types that have actions at this level are tried.
        for (resource, format) in formats.at_level(level) {
            if matcher.matches_parsed(format) {
                self.add_matched_type(arn, prefix, resource, level, None, Some(key));
            }
        }
    }

    /// [`SidGroup::add_by_arn_and_access_level`] for the ARN format of a resource type of
    /// the reference (actions mode): which types the format matches was worked out at build
    /// time ([`ResourceType::format_matches`]), so nothing is parsed or matched here.
    pub(super) fn add_by_format_and_access_level(
        &mut self,
        written: ResourceType,
        level: AccessLevel,
        wanted: &CaselessSet,
    ) {
        let arn = written.arn_format();
        let prefix = arn.split(':').nth(2).unwrap_or_default();
        for resource in matched_at_level(written, level) {
            self.add_matched_type(arn, prefix, resource, level, Some(wanted), None);
        }
    }

    /// Grants the ARN (whose service part is `prefix`) the actions at `level` of a resource
    /// type it was matched to, in the type's statement ([`SidGroup::add_type_statement`]).
    fn add_matched_type(
        &mut self,
        arn: &str,
        prefix: &str,
        resource: ResourceType,
        level: AccessLevel,
        wanted: Option<&CaselessSet>,
        key: Option<&str>,
    ) {
        let Some(type_name) = resource.writer_type_name() else {
            return;
        };
        let chosen = self.types.type_actions(resource, level);
        let sid = sid_namespace(prefix, level.as_str(), type_name);
        self.add_type_statement(arn, sid, resource.arn_format(), &chosen, wanted, key);
    }

    /// Grants the ARN the actions of one resource type (with `arn_format`) at a level: in
    /// the type's statement `sid`, created on first use with the `wanted` ones of `chosen`. In an
    /// Allow policy their dependent actions come too: from a template ARN (`key`), those that
    /// take the type join the statement and the others go on `*` with a warning; in actions
    /// mode (`wanted`) all go on `*`, as in policy_sentry 0.12.15. A Deny policy denies only
    /// what was asked.
    fn add_type_statement(
        &mut self,
        arn: &str,
        sid: String,
        arn_format: &str,
        chosen: &TypeActions,
        wanted: Option<&CaselessSet>,
        key: Option<&str>,
    ) {
        let mut scoped: Vec<&'static str> = Vec::new();
        let dependents: &[&'static str] = match self.effect {
            Effect::Allow => &chosen.dependents,
            Effect::Deny => &[],
        };
        for &dependent in dependents {
            if chosen
                .actions
                .iter()
                .any(|action| is_qualified_name_of(dependent, *action))
            {
                continue;
            }
            match wanted {
                Some(wanted) if wanted.contains(dependent) => {
                    self.add_action_without_resource_constraint(dependent, MULT_MULT_NONE);
                }
                // Pruned later, but the statement keeps the place this gave it.
                Some(_) => self.reserve_wildcard_sid(MULT_MULT_NONE),
                None if takes_format(dependent, arn_format) => scoped.push(dependent),
                None => {
                    self.add_action_without_resource_constraint(dependent, MULT_MULT_NONE);
                    self.warn_unscoped(key, arn, dependent, &chosen.actions);
                }
            }
        }
        match self.sids.get_mut(&sid) {
            Some(group) => {
                group.arns.insert(arn.to_owned());
                for dependent in scoped {
                    if !group.actions.iter().any(|seen| seen == dependent) {
                        group.actions.push(dependent.to_owned());
                    }
                }
            }
            None => {
                let actions = chosen
                    .actions
                    .iter()
                    .filter(|action| wanted.is_none_or(|wanted| wanted.contains_action(**action)))
                    .map(|action| action.qualified_name())
                    .chain(scoped.into_iter().map(str::to_owned))
                    .collect();
                self.add_group(sid, arn, arn_format, actions);
            }
        }
    }

    /// Warns (once per dependent) that a dependent action the template's ARN needs is
    /// granted on `*`, naming the actions that need it; not when it is excluded anyway.
    fn warn_unscoped(
        &mut self,
        key: Option<&str>,
        arn: &str,
        dependent: &'static str,
        actions: &[Action],
    ) {
        let Some(key) = key else {
            return;
        };
        if self.exclusions.excludes(dependent) || self.unscoped_warned.contains(&dependent) {
            return;
        }
        self.unscoped_warned.push(dependent);
        let needing: Vec<String> = actions
            .iter()
            .filter(|action| action.dependent_actions().contains(&dependent))
            .map(|action| action.qualified_name())
            .collect();
        self.warn(
            key,
            format!(
                "{dependent}, which {} needs, cannot be restricted to {arn:?}; it is granted on \"*\"",
                needing.join(", ")
            ),
        );
    }

    /// Adds the ARN to the Sid's statement, or creates the statement with these actions.
    pub(super) fn add_arn(&mut self, sid: &str, arn: &str, arn_format: &str, actions: Vec<String>) {
        match self.sids.get_mut(sid) {
            Some(group) => {
                group.arns.insert(arn.to_owned());
            }
            None => self.add_group(sid.to_owned(), arn, arn_format, actions),
        }
    }

    fn add_group(&mut self, sid: String, arn: &str, arn_format: &str, actions: Vec<String>) {
        self.sids.insert(
            sid,
            Group {
                arns: IndexSet::from([arn.to_owned()]),
                arn_format: arn_format.to_owned(),
                actions,
            },
        );
    }

    /// Creates the (empty) statement on `*` if there is none, fixing its place in the policy.
    fn reserve_wildcard_sid(&mut self, sid: &str) {
        if !self.sids.contains_key(sid) {
            self.sids
                .insert(sid.to_owned(), Group::on_wildcard(Vec::new()));
        }
    }

    pub(super) fn add_action_without_resource_constraint(&mut self, action: &str, sid: &str) {
        match self.sids.get_mut(sid) {
            Some(group) => {
                if !group.actions.iter().any(|seen| **seen == *action) {
                    group.actions.push(action.into());
                }
            }
            None => {
                self.sids
                    .insert(sid.to_owned(), Group::on_wildcard(vec![action.into()]));
            }
        }
    }
}
