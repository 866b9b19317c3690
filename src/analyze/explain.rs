//! `explain`: why a policy allows an action. For each action, the statements that grant it
//! (with the pattern that matched), the Deny statements that take it away in whole or in
//! part, its access level, the resource types it can be restricted to and its risk
//! categories.

use serde::Serialize;
use serde_json::{Map, Value};

use super::expand::{pattern_matches, statement_actions};
use super::policy::{ActionClause, Effect, PolicyDocument, ResourceClause, Statement};
use super::report::{Config, analyze};
use crate::data::Action;
use crate::resource_pattern::surely_contains;

/// A statement that applies to the action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementUse {
    /// Position in the policy's statements, from 0.
    pub index: usize,
    pub sid: Option<String>,
    /// The `Action` patterns that match it, or `NotAction` and the patterns that do not.
    pub matched_by: Vec<String>,
    /// `Resource` patterns, or `NotResource …`, or `*` when the statement has neither.
    pub resources: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Map<String, Value>>,
    /// For a Deny: whether it removes the action on every resource the Allow statements
    /// grant it on, without a condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removes_all: Option<bool>,
}

/// A resource type the action can be restricted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceTypeUse {
    /// The type's name; `*` marks a required type, as the AWS pages do.
    pub name: String,
    pub arn_format: String,
}

/// Why the policy allows (or does not allow) one action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub action: String,
    /// Granted by an Allow statement and not removed on every resource by a Deny.
    pub allowed: bool,
    pub access_level: &'static str,
    pub granted_by: Vec<StatementUse>,
    pub denied_by: Vec<StatementUse>,
    /// Empty: the action takes no resource constraint (`Resource: "*"` only).
    pub resource_types: Vec<ResourceTypeUse>,
    /// Risk categories the allowed action falls in, whatever its resources (escalation
    /// methods by name); none when it is not allowed.
    pub risks: Vec<String>,
}

fn statement_use(index: usize, statement: &Statement, action: Action) -> StatementUse {
    let matched_by = match &statement.actions {
        ActionClause::Action(patterns) => patterns
            .iter()
            .filter(|pattern| pattern_matches(pattern, action))
            .cloned()
            .collect(),
        ActionClause::NotAction(patterns) => std::iter::once("NotAction".to_owned())
            .chain(patterns.iter().cloned())
            .collect(),
    };
    StatementUse {
        index,
        sid: statement.sid.clone(),
        matched_by,
        resources: statement.resources.labels(),
        conditions: statement
            .condition
            .clone()
            .filter(|block| !block.is_empty()),
        removes_all: None,
    }
}

/// Whether an unconditional Deny's resources cover every resource the grants reach.
fn covers(deny: &Statement, grants: &[&ResourceClause]) -> bool {
    if deny.has_condition() {
        return false;
    }
    let ResourceClause::Resource(patterns) = &deny.resources else {
        return matches!(deny.resources, ResourceClause::Absent);
    };
    let denied = |resource: &str| patterns.iter().any(|p| surely_contains(p, resource));
    grants.iter().all(|grant| match grant {
        ResourceClause::Resource(granted) => granted.iter().all(|r| denied(r)),
        // Everything but some resources, or no element at all: only a `*` Deny covers it.
        ResourceClause::NotResource(_) | ResourceClause::Absent => denied("*"),
    })
}

/// Explains each of `actions` (sorted by name) under `policy`.
///
/// ```
/// use policy_sentry::analyze::PolicyDocument;
/// use policy_sentry::analyze::explain::explain;
/// use policy_sentry::data::Action;
///
/// let policy = PolicyDocument::parse(r#"{"Statement": [
///     {"Sid": "Keys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"},
///     {"Effect": "Deny", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
/// ]}"#)?;
/// let why = explain(&policy, &[Action::find("kms:Decrypt").unwrap()]);
/// assert!(why[0].allowed);
/// assert_eq!(why[0].granted_by[0].matched_by, ["kms:Decrypt"]);
/// assert_eq!(why[0].denied_by[0].removes_all, Some(false));
/// # Ok::<(), policy_sentry::Error>(())
/// ```
pub fn explain(policy: &PolicyDocument, actions: &[Action]) -> Vec<Explanation> {
    let applies: Vec<_> = policy
        .statements
        .iter()
        .map(|statement| statement_actions(statement).actions)
        .collect();
    // Inherent risks: every allowed action counts, restricted or not.
    let report = analyze(
        policy,
        &Config {
            flag_all_risky_actions: true,
            ..Config::default()
        },
    );
    let mut sorted = actions.to_vec();
    sorted.sort_by_key(|action| action.to_string());
    sorted.dedup();
    sorted
        .into_iter()
        .map(|action| {
            let uses = |effect: Effect| -> Vec<StatementUse> {
                policy
                    .statements
                    .iter()
                    .enumerate()
                    .filter(|(index, statement)| {
                        statement.effect == effect && applies[*index].contains(action)
                    })
                    .map(|(index, statement)| statement_use(index, statement, action))
                    .collect()
            };
            let granted_by = uses(Effect::Allow);
            let granted_on: Vec<&ResourceClause> = granted_by
                .iter()
                .map(|grant| &policy.statements[grant.index].resources)
                .collect();
            let mut denied_by = uses(Effect::Deny);
            for deny in &mut denied_by {
                deny.removes_all = Some(covers(&policy.statements[deny.index], &granted_on));
            }
            let allowed = !granted_by.is_empty()
                && !denied_by.iter().any(|deny| deny.removes_all == Some(true));
            Explanation {
                action: action.to_string(),
                allowed,
                access_level: action.access_level().as_str(),
                resource_types: action
                    .rows()
                    .filter_map(|row| {
                        let resource = row.resource_type()?;
                        let marker = if row.required() { "*" } else { "" };
                        Some(ResourceTypeUse {
                            name: format!("{}{marker}", resource.name()),
                            arn_format: resource.arn_format().to_owned(),
                        })
                    })
                    .collect(),
                risks: match allowed {
                    true => report.findings.risks_of(action),
                    false => Vec::new(),
                },
                granted_by,
                denied_by,
            }
        })
        .collect()
}
