//! `principal-can`: every documented action one principal may do, and where. For each
//! action, each resource its Allow statements name for it (and `*`) is asked of the
//! evaluation, in parallel over actions; the Deny patterns that carve resources out are
//! listed beside.

use std::borrow::Borrow;

use rayon::prelude::*;
use serde::Serialize;

use super::{Context, Decision, NamedPolicy, PolicyKind, Request, StatementRef, evaluate};
use crate::analyze::policy::{Effect, ResourceClause};
use crate::data::Action;
use crate::resource_pattern::may_name;

/// Where the principal may do one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceGrant {
    /// A resource pattern, as the allowing statement writes it, or `*`.
    pub resource: String,
    /// [`Decision::Allowed`] or [`Decision::AllowedIf`].
    pub decision: Decision,
    pub deciding: Vec<StatementRef>,
}

/// One action the principal may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionGrant {
    pub action: String,
    pub access_level: &'static str,
    pub resources: Vec<ResourceGrant>,
    /// Resource patterns of Deny statements for the action (with conditions or not): the
    /// grants do not reach them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<String>,
}

/// The resources to ask about: `*`, and each pattern an identity Allow statement names for
/// the action that could name one of its resource types.
pub(super) fn candidate_resources<P: Borrow<NamedPolicy>>(
    policies: &[P],
    action: Action,
) -> Vec<String> {
    let qualified = action.to_string();
    let formats: Vec<&str> = action
        .rows()
        .filter_map(|row| row.resource_type())
        .flat_map(|resource_type| resource_type.arn_format().split(", "))
        .collect();
    let mut out = vec!["*".to_owned()];
    let statements = policies
        .iter()
        .map(|policy| policy.borrow())
        .filter(|policy| policy.kind == PolicyKind::Identity)
        .flat_map(|policy| &policy.document.statements)
        .filter(|statement| {
            statement.effect == Effect::Allow && statement.actions.matches(&qualified)
        });
    for statement in statements {
        if let ResourceClause::Resource(patterns) = &statement.resources {
            for pattern in patterns {
                let fits = formats.iter().any(|format| may_name(pattern, format));
                if fits && !out.contains(pattern) {
                    out.push(pattern.clone());
                }
            }
        }
    }
    out
}

fn carve_outs(policies: &[NamedPolicy], qualified: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let statements = policies
        .iter()
        .flat_map(|policy| &policy.document.statements)
        .filter(|statement| {
            statement.effect == Effect::Deny && statement.actions.matches(qualified)
        });
    for statement in statements {
        let patterns: Vec<String> = match &statement.resources {
            ResourceClause::Resource(patterns) => patterns.clone(),
            ResourceClause::NotResource(patterns) => patterns
                .iter()
                .map(|p| format!("everything but {p}"))
                .collect(),
            ResourceClause::Absent => vec!["*".to_owned()],
        };
        for pattern in patterns {
            if pattern != "*" && !out.contains(&pattern) {
                out.push(pattern);
            }
        }
    }
    out
}

/// The actions `policies` (a principal's, with any SCPs) allow, each with the resources,
/// for the actions `wanted` keeps, in the reference's order.
pub fn principal_can(
    policies: &[NamedPolicy],
    context: &Context,
    wanted: impl Fn(Action) -> bool + Sync,
) -> Vec<ActionGrant> {
    let actions: Vec<Action> = Action::all().filter(|action| wanted(*action)).collect();
    actions
        .par_iter()
        .filter_map(|&action| {
            let qualified = action.to_string();
            let mut resources = Vec::new();
            for resource in candidate_resources(policies, action) {
                let request = Request {
                    action: qualified.clone(),
                    resource,
                    context: context.clone(),
                };
                let evaluation = evaluate(policies, &request);
                if matches!(evaluation.decision, Decision::Allowed | Decision::AllowedIf) {
                    resources.push(ResourceGrant {
                        resource: request.resource,
                        decision: evaluation.decision,
                        deciding: evaluation.deciding,
                    });
                }
            }
            if resources.is_empty() {
                return None;
            }
            // Allowed on every resource: the narrower patterns add nothing.
            if resources[0].resource == "*" && resources[0].decision == Decision::Allowed {
                resources.truncate(1);
            }
            Some(ActionGrant {
                except: carve_outs(policies, &qualified),
                access_level: action.access_level().as_str(),
                action: qualified,
                resources,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::PolicyDocument;

    fn identity(text: &str) -> Vec<NamedPolicy> {
        vec![NamedPolicy {
            kind: PolicyKind::Identity,
            name: "p".into(),
            document: PolicyDocument::parse(text).unwrap(),
        }]
    }

    #[test]
    fn lists_allowed_actions_with_their_resources_and_carve_outs() {
        let policies = identity(
            r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::data/*"},
            {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "sqs:DeleteQueue", "Resource": "arn:aws:sqs:*:*:prod-*"}]}"#,
        );
        let context = Context::partial_from(Vec::new(), Vec::new());
        let found = principal_can(&policies, &context, |a| {
            matches!(a.service().prefix(), "s3" | "sqs")
        });
        let get = found.iter().find(|g| g.action == "s3:GetObject").unwrap();
        assert_eq!(get.resources.len(), 1);
        assert_eq!(get.resources[0].resource, "arn:aws:s3:::data/*");
        // ListBucket acts on buckets: an object pattern cannot grant it.
        assert!(!found.iter().any(|g| g.action == "s3:ListBucket"));
        assert!(!found.iter().any(|g| g.action == "s3:PutObject"));
        let delete = found
            .iter()
            .find(|g| g.action == "sqs:DeleteQueue")
            .unwrap();
        assert_eq!(delete.resources[0].resource, "*");
        assert_eq!(delete.except, ["arn:aws:sqs:*:*:prod-*"]);
        let sqs = found
            .iter()
            .filter(|g| g.action.starts_with("sqs:"))
            .count();
        assert_eq!(
            sqs,
            crate::data::Service::find("sqs").unwrap().actions().len()
        );
    }
}
