//! The account's users and roles as the escalation graph needs them: their policies with
//! the SCPs, their context, a role's trust policy and the services it trusts, a user's
//! groups, the customer managed policies they hold, and the step actions they may be
//! allowed at all.

use rayon::prelude::*;

use super::NodeKind;
use super::methods;
use crate::account_file::AuthorizationDetails;
use crate::analyze::policy::Effect;
use crate::data::Action;
use crate::simulate::principal::Principal;
use crate::simulate::principal_can::candidate_resources;
use crate::simulate::resource_policy::trust_policy;
use crate::simulate::{Context, NamedPolicy, PolicyKind};

/// A principal as the graph needs it.
pub(super) struct Subject {
    pub(super) arn: String,
    pub(super) kind: NodeKind,
    /// Its identity policies and boundary, then the SCPs.
    pub(super) policies: Vec<NamedPolicy>,
    pub(super) context: Context,
    /// A role's trust policy.
    pub(super) trust: Option<NamedPolicy>,
    /// The service principals a role's trust policy lets assume it.
    pub(super) services: Vec<String>,
    pub(super) has_boundary: bool,
    /// A user's groups: (name, ARN).
    pub(super) groups: Vec<(String, String)>,
    /// Customer managed policies attached to it or its groups.
    pub(super) managed: Vec<String>,
    /// The actions of [`methods::step_actions`] some identity Allow statement names.
    pub(super) steps: Vec<&'static str>,
}

impl Subject {
    pub(super) fn refs(&self) -> Vec<&NamedPolicy> {
        self.policies.iter().collect()
    }

    /// Whether some identity Allow statement names a step action (computed once).
    pub(super) fn may_step(&self, action: &str) -> bool {
        self.steps.contains(&action)
    }

    /// Whether some identity Allow statement names the action at all (a quick filter
    /// before evaluating).
    pub(super) fn may_allow(&self, action: &str) -> bool {
        self.policies
            .iter()
            .filter(|policy| policy.kind == PolicyKind::Identity)
            .flat_map(|policy| &policy.document.statements)
            .any(|statement| statement.effect == Effect::Allow && statement.actions.matches(action))
    }

    /// Where it might create a new resource for the action: `*`, and the resources its
    /// Allow statements name for it.
    pub(super) fn candidate_resources(&self, action: &str) -> Vec<String> {
        match Action::find(action) {
            Some(action) => candidate_resources(&self.policies, action),
            None => vec!["*".to_owned()],
        }
    }
}

fn trusted_services(trust: &NamedPolicy) -> Vec<String> {
    let assume =
        |statement: &crate::analyze::policy::Statement| statement.actions.matches("sts:AssumeRole");
    trust
        .document
        .statements
        .iter()
        .filter(|statement| statement.effect == Effect::Allow && assume(statement))
        .filter_map(|statement| statement.principal.as_ref())
        .flat_map(|principal| principal.values("Service"))
        .map(str::to_owned)
        .collect()
}

fn customer_managed(arns: impl Iterator<Item = Option<String>>, into: &mut Vec<String>) {
    for arn in arns.flatten() {
        if !arn.contains(":iam::aws:policy/") && !into.contains(&arn) {
            into.push(arn);
        }
    }
}

pub(super) fn subjects(
    account: &AuthorizationDetails,
    organization: &[NamedPolicy],
) -> Vec<Result<Subject, (String, String)>> {
    let users = account.user_detail_list.len();
    (0..Principal::count(account))
        .into_par_iter()
        .map(|index| {
            let (arn, principal) = Principal::at(account, index);
            let fail = |error: crate::error::Error| (arn.clone(), error.to_string());
            let principal = principal.map_err(fail)?;
            let mut subject = Subject {
                arn: principal.arn.clone(),
                kind: NodeKind::User,
                has_boundary: principal
                    .policies
                    .iter()
                    .any(|p| p.kind == PolicyKind::PermissionsBoundary),
                context: Context::partial_from(
                    principal.context.clone(),
                    Principal::decided_keys(),
                ),
                policies: principal.policies,
                trust: None,
                services: Vec::new(),
                groups: Vec::new(),
                managed: Vec::new(),
                steps: Vec::new(),
            };
            subject.steps = methods::step_actions()
                .into_iter()
                .filter(|action| subject.may_allow(action))
                .collect();
            subject.policies.extend(organization.iter().cloned());
            if index < users {
                let user = &account.user_detail_list[index];
                let attached = user
                    .attached_managed_policies
                    .iter()
                    .map(|p| p.policy_arn.clone());
                customer_managed(attached, &mut subject.managed);
                for group in account.group_detail_list.iter().filter(|g| {
                    g.group_name
                        .as_ref()
                        .is_some_and(|n| user.group_list.contains(n))
                }) {
                    let name = group.group_name.clone().unwrap_or_default();
                    subject
                        .groups
                        .push((name, group.arn.clone().unwrap_or_default()));
                    let attached = group
                        .attached_managed_policies
                        .iter()
                        .map(|p| p.policy_arn.clone());
                    customer_managed(attached, &mut subject.managed);
                }
            } else {
                let role = &account.role_detail_list[index - users];
                subject.kind = NodeKind::Role;
                let attached = role
                    .attached_managed_policies
                    .iter()
                    .map(|p| p.policy_arn.clone());
                customer_managed(attached, &mut subject.managed);
                if let Some(value) = &role.assume_role_policy_document {
                    let trust = trust_policy(value, &subject.arn).map_err(fail)?;
                    subject.services = trusted_services(&trust);
                    subject.trust = Some(trust);
                }
            }
            Ok(subject)
        })
        .collect()
}
