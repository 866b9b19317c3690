//! Offline evaluation of one request in one account, by AWS's documented policy evaluation
//! logic: an explicit Deny in any policy wins; every SCP level given must allow; the identity
//! policies must allow; a permissions boundary, when there is one, must allow. Each decision
//! names the statements that decided it.
//!
//! ```
//! use policy_sentry::analyze::PolicyDocument;
//! use policy_sentry::simulate::{Context, Decision, NamedPolicy, PolicyKind, Request, evaluate};
//!
//! let identity = PolicyDocument::parse(r#"{"Version": "2012-10-17", "Statement": [
//!     {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::data/${aws:username}/*"}]}"#)?;
//! let scp = PolicyDocument::parse(r#"{"Version": "2012-10-17", "Statement": [
//!     {"Effect": "Allow", "Action": "*", "Resource": "*"},
//!     {"Sid": "NoEu", "Effect": "Deny", "Action": "*", "Resource": "*",
//!      "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}]}"#)?;
//! let policies = [
//!     NamedPolicy { kind: PolicyKind::Identity, name: "read".into(), document: identity },
//!     NamedPolicy { kind: PolicyKind::Scp, name: "root".into(), document: scp },
//! ];
//! let request = |region: &str| Request {
//!     action: "s3:GetObject".into(),
//!     resource: "arn:aws:s3:::data/bob/report.csv".into(),
//!     context: Context::complete_from([
//!         ("aws:username".to_owned(), vec!["bob".to_owned()]),
//!         ("aws:RequestedRegion".to_owned(), vec![region.to_owned()]),
//!     ]),
//! };
//! assert_eq!(evaluate(&policies, &request("us-east-1")).decision, Decision::Allowed);
//! let denied = evaluate(&policies, &request("eu-west-1"));
//! assert_eq!(denied.decision, Decision::ExplicitDeny);
//! assert_eq!(denied.deciding[0].sid.as_deref(), Some("NoEu"));
//! # Ok::<(), policy_sentry::Error>(())
//! ```

pub mod conditions;
mod context;
mod glob;
pub mod principal;
pub mod who_can;

use serde::Serialize;

use crate::analyze::policy::{ActionClause, Effect, PolicyDocument, ResourceClause, Statement};
use crate::data::Action;
use crate::error::Error;
use crate::glob::caseless_matches;
use crate::query::actions::action_by_qualified_name;
use crate::resource_pattern::may_name;
pub use conditions::Outcome;
pub use context::Context;
use glob::{matches, substitute};

/// Which kind of policy a document is, for the evaluation logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    /// Inline or managed, of the principal or its groups.
    Identity,
    PermissionsBoundary,
    /// One level of service control policies: each document given is a level that must
    /// allow.
    Scp,
}

/// A policy and what it is.
#[derive(Debug, Clone)]
pub struct NamedPolicy {
    pub kind: PolicyKind,
    /// How reports name it (a file, a policy ARN or name).
    pub name: String,
    pub document: PolicyDocument,
}

/// One request: an action on a resource, with its context.
#[derive(Debug, Clone)]
pub struct Request {
    pub action: String,
    pub resource: String,
    pub context: Context,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Allowed,
    /// A Deny statement applies.
    ExplicitDeny,
    /// Nothing allows it where it must be allowed.
    ImplicitDeny,
    /// Allowed if conditions on keys the request did not give hold (and denied otherwise).
    AllowedIf,
}

/// A statement that decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    pub kind: PolicyKind,
    pub policy: String,
    /// From 0.
    pub statement: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// Keys whose values the request did not give, on which this statement depends.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

/// The decision and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    /// The Deny statements that apply (explicit deny), the Allow statements that allow in
    /// each place that must allow (allowed), the statements whose conditions decide
    /// (allowed if).
    pub deciding: Vec<StatementRef>,
    /// For an implicit deny: the policy kinds (or SCP levels) where nothing allows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_allowed_by: Vec<String>,
}

/// Checks a request against the data: the action exists, and the resource is one it can act
/// on (an ARN of one of its resource types, by [`may_name`]; `*` for an action that takes
/// no resource type, or for any action as "every resource").
///
/// ```
/// use policy_sentry::simulate::check_request;
///
/// assert!(check_request("s3:GetObject", "arn:aws:s3:::bucket/key").is_ok());
/// let error = check_request("s3:GetObject", "arn:aws:s3:::bucket").unwrap_err();
/// assert!(error.to_string().contains("s3:GetObject cannot act on arn:aws:s3:::bucket"));
/// assert!(check_request("s3:GetObjekt", "*").is_err());
/// ```
pub fn check_request(action: &str, resource: &str) -> crate::error::Result<Action> {
    let action = action_by_qualified_name(action)?;
    if resource == "*" {
        return Ok(action);
    }
    let formats: Vec<&str> = action
        .rows()
        .filter_map(|row| row.resource_type())
        .flat_map(|resource_type| resource_type.arn_format().split(", "))
        .collect();
    if formats.iter().any(|format| may_name(resource, format)) {
        return Ok(action);
    }
    let expected = match formats.is_empty() {
        true => "it takes no resource type, so the resource is \"*\"".to_owned(),
        false => format!("its resource types are {}", formats.join(", ")),
    };
    Err(Error::InvalidInput {
        what: format!("--resource {resource}"),
        message: format!("{action} cannot act on {resource}: {expected}"),
    })
}

/// Whether the statement's action and resource elements take the request.
fn applies(statement: &Statement, request: &Request, variables_on: bool) -> bool {
    let action_matches = |pattern: &String| caseless_matches(pattern, &request.action);
    let action = match &statement.actions {
        ActionClause::Action(patterns) => patterns.iter().any(action_matches),
        ActionClause::NotAction(patterns) => !patterns.iter().any(action_matches),
    };
    if !action {
        return false;
    }
    // A pattern whose variable has no value matches nothing.
    let resource_matches = |pattern: &String| {
        substitute(pattern, &request.context, variables_on)
            .is_ok_and(|tokens| matches(&tokens, &request.resource))
    };
    match &statement.resources {
        ResourceClause::Resource(patterns) => patterns.iter().any(resource_matches),
        ResourceClause::NotResource(patterns) => !patterns.iter().any(resource_matches),
        ResourceClause::Absent => true,
    }
}

/// Evaluates `request` under `policies`.
pub fn evaluate(policies: &[NamedPolicy], request: &Request) -> Evaluation {
    // Every statement that takes the request, with its condition's outcome.
    let mut applying: Vec<(usize, StatementRef, Outcome)> = Vec::new();
    for (position, policy) in policies.iter().enumerate() {
        let variables_on = policy.document.version.as_deref() == Some("2012-10-17");
        for (index, statement) in policy.document.statements.iter().enumerate() {
            if !applies(statement, request, variables_on) {
                continue;
            }
            let outcome = match &statement.condition {
                Some(block) => conditions::evaluate(block, &request.context, variables_on),
                None => Outcome::Match,
            };
            if outcome == Outcome::NoMatch {
                continue;
            }
            let depends_on = match &outcome {
                Outcome::Unknown(keys) => keys.clone(),
                _ => Vec::new(),
            };
            applying.push((
                position,
                StatementRef {
                    kind: policy.kind,
                    policy: policy.name.clone(),
                    statement: index,
                    sid: statement.sid.clone(),
                    effect: statement.effect,
                    depends_on,
                },
                outcome,
            ));
        }
    }
    let denies: Vec<&(usize, StatementRef, Outcome)> = applying
        .iter()
        .filter(|(_, statement, _)| statement.effect == Effect::Deny)
        .collect();
    let sure_denies: Vec<StatementRef> = denies
        .iter()
        .filter(|(_, _, outcome)| *outcome == Outcome::Match)
        .map(|(_, statement, _)| statement.clone())
        .collect();
    if !sure_denies.is_empty() {
        return Evaluation {
            decision: Decision::ExplicitDeny,
            deciding: sure_denies,
            not_allowed_by: Vec::new(),
        };
    }
    // The places that must allow: the identity policies together, the boundary, each SCP.
    let mut places: Vec<(String, Vec<usize>)> = Vec::new();
    let identity: Vec<usize> = (0..policies.len())
        .filter(|at| policies[*at].kind == PolicyKind::Identity)
        .collect();
    places.push(("identity policies".to_owned(), identity));
    for (at, policy) in policies.iter().enumerate() {
        match policy.kind {
            PolicyKind::PermissionsBoundary => {
                places.push((format!("permissions boundary {}", policy.name), vec![at]));
            }
            PolicyKind::Scp => places.push((format!("SCP {}", policy.name), vec![at])),
            PolicyKind::Identity => {}
        }
    }
    let mut deciding: Vec<StatementRef> = Vec::new();
    let mut not_allowed_by = Vec::new();
    let mut conditional = false;
    for (place, members) in &places {
        let allows: Vec<&(usize, StatementRef, Outcome)> = applying
            .iter()
            .filter(|(at, statement, _)| statement.effect == Effect::Allow && members.contains(at))
            .collect();
        match allows
            .iter()
            .find(|(_, _, outcome)| *outcome == Outcome::Match)
        {
            Some((_, statement, _)) => deciding.push(statement.clone()),
            None if allows.is_empty() => not_allowed_by.push(place.clone()),
            None => {
                conditional = true;
                deciding.extend(allows.iter().map(|(_, statement, _)| statement.clone()));
            }
        }
    }
    if !not_allowed_by.is_empty() {
        return Evaluation {
            decision: Decision::ImplicitDeny,
            deciding: Vec::new(),
            not_allowed_by,
        };
    }
    if conditional || !denies.is_empty() {
        // A Deny that may apply makes the allow conditional on its condition failing.
        deciding.extend(denies.iter().map(|(_, statement, _)| statement.clone()));
        return Evaluation {
            decision: Decision::AllowedIf,
            deciding,
            not_allowed_by: Vec::new(),
        };
    }
    Evaluation {
        decision: Decision::Allowed,
        deciding,
        not_allowed_by: Vec::new(),
    }
}
